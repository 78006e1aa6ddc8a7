"""The site model's MkDocs provider: what one build shows the gates.

Every docgates plugin of a build shares one :class:`BuildRecord`: MkDocs' final ``Files`` (after
every ``on_files``, blog, i18n, gen-files and exclusion plugins included), its final
``Navigation`` (after literate-nav, awesome-nav, the blog's views), and each rendered page's
final Markdown and HTML. They are read where no other plugin can still change them, so the
findings do not depend on the plugins' order in ``plugins:``:

- ``page.markdown`` once the page is rendered: MkDocs assigns it the result of every
  ``on_page_markdown`` handler, whatever their priorities, before it renders the page;
- ``Files`` at ``on_env``, which MkDocs calls after every page is rendered;
- the ``Navigation`` MkDocs passes to ``on_page_context`` (the object that builds the pages).

mkdocs-static-i18n builds each other language by calling MkDocs' ``build`` again from its
``on_post_build``: a record per build sits on a stack, and what was logged once in the outer
build is not logged again by the nested ones.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from .._core.project import Project
from .._core.site import IncludeResolver, MacrosIncludes, PageText, Site, redirect_maps


@dataclass(eq=False)
class BuildRecord:
    """One MkDocs build, as the docgates plugins of that build see it."""

    config: MkDocsConfig
    members: set[str] = field(default_factory=set)
    """The docgates plugins taking part (each ends its part at ``on_post_build``)."""
    done: set[str] = field(default_factory=set)
    started: bool = False
    """Pages are being built: a plugin joining now starts a (nested) build of its own."""
    files: Files | None = None
    nav: Navigation | None = None
    pages: dict[str, Page] = field(default_factory=dict)
    """Rendered pages by ``src_uri``."""
    shared: dict[str, Any] = field(default_factory=dict)
    """What one gate hands another within the build (parsed pages, the code gate's proof)."""
    _site: Site | None = None
    _texts: dict[Path, PageText] | None = None

    def site(self, project: Project) -> Site:
        """The site model of this build (computed once, at or after ``on_env``)."""
        if self._site is None:
            assert self.files is not None
            self._site = site_from_build(self.files, self.config, self.nav, project)
            self._site.texts = {t.uri: t for t in self.texts(project).values()}
        return self._site

    def texts(self, project: Project) -> dict[Path, PageText]:
        """Each rendered page's final Markdown, by the page's path under ``docs_dir``."""
        if self._texts is None:
            includes = _includes(self.config, project)
            texts: dict[Path, PageText] = {}
            for uri, page in self.pages.items():
                with on_page(project.rel(Path(self.config.docs_dir) / uri)):
                    text = page_text(page, self.config, project, includes)
                if text is not None:
                    texts[Path(self.config.docs_dir) / uri] = text
            self._texts = texts
        return self._texts


PAGE: ContextVar[str | None] = ContextVar("docgates_page", default=None)
"""The page a plugin's event is working on, for the message of an internal error."""


@contextmanager
def on_page(rel: str) -> Iterator[None]:
    """Name page ``rel`` (project-relative) as the one being worked on. On an exception the
    name stays, so that the event's guard can say which page it failed on."""
    token = PAGE.set(rel)
    yield
    PAGE.reset(token)


_STACK: list[BuildRecord] = []
_LOGGED: set[tuple[str, str, int | None, int | None, str]] = set()
"""Findings logged in this build and the language builds mkdocs-static-i18n nests in it."""


def join(gate: str, config: MkDocsConfig) -> BuildRecord:
    """The record of the build ``config`` starts, for plugin ``gate`` (at ``on_pre_build``)."""
    while _STACK and _STACK[-1].config is not config:
        _STACK.pop()  # left over from a build that failed before its end
    if not _STACK and not _nested(config):
        _LOGGED.clear()
    top = _STACK[-1] if _STACK else None
    if top is None or top.started or gate in top.members:
        top = BuildRecord(config)
        _STACK.append(top)
    top.members.add(gate)
    return top


def _nested(config: MkDocsConfig) -> bool:
    """Whether mkdocs-static-i18n is building another language from its ``on_post_build``
    (it sets ``building`` for the time of those builds)."""
    i18n = config.plugins.get("i18n")
    return bool(getattr(i18n, "building", False))


def current() -> BuildRecord | None:
    return _STACK[-1] if _STACK else None


def leave(record: BuildRecord, gate: str) -> None:
    """Plugin ``gate`` is done with ``record``; the last one ends it."""
    record.done.add(gate)
    if record.done >= record.members and record in _STACK:
        _STACK.remove(record)


def abort() -> None:
    """The build failed: forget it."""
    if _STACK:
        _STACK.pop()


def first_time(key: tuple[str, str, int | None, int | None, str]) -> bool:
    """Whether a finding is new in this outermost build (nested i18n builds repeat pages)."""
    if key in _LOGGED:
        return False
    _LOGGED.add(key)
    return True


# -- the site model from MkDocs' own structures ----------------------------------------------
def site_from_build(
    files: Files, config: MkDocsConfig, nav: Navigation | None, project: Project
) -> Site:
    """The built site as MkDocs' final ``Files`` and ``Navigation`` describe it."""
    docs = Path(config.docs_dir).resolve()
    site = Site(
        redirects=redirect_maps(project),
        use_directory_urls=config.use_directory_urls,
        final=True,
    )
    queries: set[str] = set()
    for file in files:
        inclusion = getattr(file, "inclusion", InclusionLevel.INCLUDED)
        uri = file.src_uri
        if inclusion == InclusionLevel.DRAFT:
            site.drafts.add(uri)
            continue
        if inclusion.is_excluded():
            site.excluded.add(uri)
            continue
        if file.is_documentation_page():
            site.pages.add(uri)
            if not inclusion.is_in_nav():
                site.not_in_nav.add(uri)
            generator = _generator(file, docs)
            if generator is not None:
                site.generated_by[uri] = generator
            if file.url != _default_url(uri, config.use_directory_urls):
                site.page_urls[uri] = file.url.lstrip("/") if file.url != "./" else ""
        else:
            site.files.add(uri)
        norm = getattr(file, "norm_src_uri", None)  # mkdocs-static-i18n
        if isinstance(norm, str) and norm != uri:
            queries.add(norm)
    # Files MkDocs writes from templates, which no File describes (sitemap.xml, 404.html).
    for name in [*config.theme.static_templates, *config.extra_templates]:
        if name not in site.pages:
            site.files.add(str(name))
            if str(name) == "sitemap.xml":
                site.files.add("sitemap.xml.gz")
    for query in queries:
        found = files.get_file_from_path(query)
        if found is not None and found.src_uri != query:
            site.aliases[query] = found.src_uri
    if nav is not None:
        site.nav_pages = set(_nav_pages(nav))
    site.reindex()
    return site


def _generator(file: File, docs: Path) -> str | None:
    """The plugin that wrote ``file``, when no file in ``docs_dir`` backs it."""
    if file.generated_by:
        return str(file.generated_by)
    if not file.abs_src_path:
        return "a plugin"
    try:
        Path(file.abs_src_path).resolve().relative_to(docs)
    except ValueError:
        return "a plugin"  # e.g. the blog's archive and category views, in a temp folder
    return None


def _default_url(uri: str, use_directory_urls: bool) -> str:
    from .._core.site import page_url

    url = page_url(uri, use_directory_urls)
    return url or "./"


def _nav_pages(nav: Navigation) -> list[str]:
    found: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            file = getattr(item, "file", None)
            if getattr(item, "is_page", False) and file is not None:
                found.append(file.src_uri)
            children = getattr(item, "children", None)
            if children:
                walk(children)

    walk(list(nav.items))
    found.extend(p.file.src_uri for p in nav.pages if getattr(p, "file", None) is not None)
    return found


def page_text(
    page: Page, config: MkDocsConfig, project: Project, includes: IncludeResolver | None
) -> PageText | None:
    """A rendered page's final Markdown, with its raw text to map lines back to."""
    if page.markdown is None:
        return None
    file = page.file
    path = Path(config.docs_dir) / file.src_uri
    docs = Path(config.docs_dir).resolve()
    try:
        raw: str | None = str(file.content_string)
    except (OSError, UnicodeDecodeError):  # pragma: no cover - MkDocs reported it already
        raw = None
    return PageText(
        uri=file.src_uri,
        rel=project.rel(path),
        markdown=page.markdown,
        raw=raw,
        generated_by=_generator(file, docs),
        includes=includes,
        html=page.content,
    )


def _includes(config: MkDocsConfig, project: Project) -> IncludeResolver | None:
    """mkdocs-macros' ``{% include %}`` lookup, with its own delimiters and folder."""
    macros = config.plugins.get("macros")
    if macros is None:
        return None
    try:
        env = macros.env
        searchpath = list(getattr(env.loader, "searchpath", []) or [config.docs_dir])
        start = str(env.block_start_string)
    except AttributeError:  # pragma: no cover - not configured (disabled)
        return None
    return MacrosIncludes(Path(posixpath.normpath(searchpath[0])), project.root, start)
