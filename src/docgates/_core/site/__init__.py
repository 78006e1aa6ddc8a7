"""The site model: one description of the site the gates check, whoever built it.

A :class:`Site` answers which pages, files and nav entries exist and at which URLs, which
pages a plugin generated, excluded or left out of nav, and each page's Markdown as the build
renders it, with a map from its lines to raw-file lines (:class:`~.markdown.PageText`).

Two providers fill it: the MkDocs plugins from MkDocs' own final ``Files``, ``Navigation``
and page events (``docgates.mkdocs_plugins._site``: ``final`` is true, nothing is guessed),
and the CLI from the raw sources and the config (:func:`site_from_project`), emulating what
can be known without running project code and saying where it cannot (``generators``,
``hooks``). The gates resolve every link, orphan and nav entry against it, the same way for
both fronts.
"""

from __future__ import annotations

import posixpath
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n import I18n, i18n_of
from ..project import MARKDOWN_SUFFIXES, Project, readme_conflicts
from ..source import read_text
from ..theme import theme_files
from .gitignore import GitIgnores
from .markdown import IncludeResolver, MacrosIncludes, PageText, align, body_of

__all__ = [
    "BLOG_PLUGINS",
    "GENERATOR_PLUGINS",
    "IncludeResolver",
    "MacrosIncludes",
    "PageText",
    "Site",
    "align",
    "body_of",
    "docgates_pages",
    "hooks_of",
    "is_page",
    "page_url",
    "redirect_maps",
    "site_from_project",
]

#: Plugins that write pages at build time that no source file shows.
GENERATOR_PLUGINS = {
    "gen-files": "gen-files",
    "mkdocs-gen-files": "gen-files",
    "api-autonav": "api-autonav",
    "mkdocs-autoapi": "mkdocs-autoapi",
    "autoapi": "autoapi",
}
BLOG_PLUGINS = ("blog", "material/blog")


def is_page(uri: str) -> bool:
    return posixpath.splitext(uri)[1].lower() in MARKDOWN_SUFFIXES


def page_url(uri: str, use_directory_urls: bool) -> str:
    """The URL (relative to the site root) MkDocs gives the page ``uri``."""
    stem, _ = posixpath.splitext(uri)
    folder, name = posixpath.split(stem)
    if name in ("index", "README"):
        return f"{folder}/" if folder else ""
    if use_directory_urls:
        return f"{stem}/"
    return f"{stem}.html"


@dataclass
class Site:
    """Every file of the built site by source path (``src_uri``), and their URLs."""

    pages: set[str] = field(default_factory=set)
    """Markdown pages that are built."""
    files: set[str] = field(default_factory=set)
    """Every other file copied to the site (images, downloads, assets)."""
    excluded: set[str] = field(default_factory=set)
    """Files ``exclude_docs`` leaves out."""
    drafts: set[str] = field(default_factory=set)
    """Pages in ``draft_docs``: built by ``mkdocs serve`` only."""
    removed: dict[str, str] = field(default_factory=dict)
    """Files that are in ``docs_dir`` but not in the site, and why (a plugin such as
    mkdocs-exclude removes them, or MkDocs drops a README next to an index page): links to
    them are broken in the built site, as MkDocs says."""
    redirects: dict[str, str] = field(default_factory=dict)
    """mkdocs-redirects sources and their targets."""
    use_directory_urls: bool = True
    generators: list[str] = field(default_factory=list)
    """Plugins that may add pages the sources do not show (empty when the files are final)."""
    generated_patterns: Any = None
    """A pathspec of pages known to be generated at build time."""
    hooks: list[str] = field(default_factory=list)
    """The config's ``hooks:`` (Python files that may write pages docgates cannot see)."""
    declared: set[str] = field(default_factory=set)
    """Pages the config names in ``nav``."""
    theme_missing: str | None = None
    """A theme that is not installed where docgates runs: the files it adds are unknown."""
    docs_dir: Path | None = None
    """Where the sources are (the CLI's view), to ask git whether a missing file is ignored."""
    _ignored: dict[str, bool] = field(default_factory=dict)
    _git: GitIgnores | None = field(default=None, compare=False, repr=False)
    i18n: I18n | None = None
    """mkdocs-static-i18n's layout: pages per language, built under ``<locale>/``."""
    page_urls: dict[str, str] = field(default_factory=dict)
    """Pages built at a URL of a plugin's making (blog posts), by source path."""
    final: bool = False
    """The files and nav are the build's own (MkDocs' final ``Files`` and ``Navigation``):
    nothing is guessed, so ``generators`` and ``hooks`` stay empty."""
    nav_pages: set[str] | None = None
    """Pages the build's final nav reaches (``None``: not known; the config's ``nav`` says)."""
    not_in_nav: set[str] = field(default_factory=set)
    """Pages deliberately left out of nav (``not_in_nav``, or a plugin such as the blog's,
    which lists its posts itself)."""
    generated_by: dict[str, str] = field(default_factory=dict)
    """Pages a plugin wrote that no file in ``docs_dir`` backs, and the plugin (or hook)."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Paths that the build's ``Files`` resolve to another file (mkdocs-static-i18n points
    ``page.md`` at ``page.fr.md`` in the French build)."""
    texts: dict[str, PageText] = field(default_factory=dict, compare=False, repr=False)
    """Each page's Markdown as the build renders it, by ``src_uri`` (see :meth:`text`)."""
    ids: dict[str, set[str]] | None = field(default=None, compare=False, repr=False)
    """Each page's ids in its rendered HTML (``None``: not built; the gates compute them)."""
    urls: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.reindex()

    def page_url(self, uri: str) -> str:
        """The URL (relative to the site root) of page ``uri``."""
        if uri in self.page_urls:
            return self.page_urls[uri]
        if self.i18n is not None:
            base, prefix = self.i18n.url_prefix(uri)
            return prefix + page_url(base, self.use_directory_urls)
        return page_url(uri, self.use_directory_urls)

    def localize(self, uri: str, page: str) -> str:
        """The file a link to ``uri`` from ``page`` reaches once i18n points it at the page's
        language (``uri`` itself without i18n, or when it names a language)."""
        if uri in self.aliases and not self.exists(uri):
            return self.aliases[uri]
        if self.i18n is None:
            return uri
        base, _ = self.i18n.split(uri)
        if base != uri and self.exists(uri):
            return uri
        return self.i18n.resolve(base, page, self.pages | self.files) or uri

    def translated(self, uri: str) -> bool:
        """True when some language has page ``uri`` (a nav entry names pages that way)."""
        if self.i18n is None:
            return self.exists(uri) or uri in self.aliases
        base, _ = self.i18n.split(uri)
        return any(
            self.exists(f) for locale in self.i18n.locales for f in self.i18n.file(base, locale)
        )

    def reindex(self) -> None:
        urls: dict[str, str] = {}
        readme: dict[str, str] = {}
        for uri in sorted(self.pages):
            url = self.page_url(uri)
            if posixpath.basename(uri).startswith("README."):
                readme.setdefault(url, uri)  # index.md wins over README.md
                continue
            urls[url] = uri
        for url, uri in readme.items():
            urls.setdefault(url, uri)
        for uri in self.files:
            urls.setdefault(uri, uri)
        self.urls = urls

    def url(self, uri: str) -> str:
        return self.page_url(uri) if is_page(uri) else uri

    def exists(self, uri: str) -> bool:
        return uri in self.pages or uri in self.files

    def text(self, uri: str, project: Project) -> PageText | None:
        """Page ``uri``'s Markdown as the build renders it: the provider's, or (the sources'
        view) the page file's own, whose lines map to themselves. ``None``: unreadable."""
        known = self.texts.get(uri)
        if known is not None:
            return known
        path = project.docs_dir / uri
        raw, problem = read_text(path, project.rel(path))
        if raw is None or problem is not None:
            return None
        page = self.texts[uri] = PageText(uri, project.rel(path), body_of(raw), raw)
        return page

    def orphan(self, uri: str) -> bool | None:
        """Whether the build's nav leaves page ``uri`` out although nothing says it should
        (``None``: this site does not know its nav; the config's ``nav`` decides)."""
        if self.nav_pages is None:
            return None
        return (
            uri in self.pages
            and uri not in self.nav_pages
            and uri not in self.not_in_nav
            and uri not in self.generated_by
        )

    def by_url(self, url: str) -> str | None:
        """The source of the file served at ``url`` (relative to the site root, no fragment)."""
        url = url.lstrip("/")
        for candidate in (url, f"{url}/" if url and not url.endswith("/") else url):
            if candidate in self.urls:
                return self.urls[candidate]
        if url.endswith("/") and f"{url}index.html" in self.urls:
            return self.urls[f"{url}index.html"]
        if url.endswith("index.html"):
            return self.urls.get(url[: -len("index.html")])
        return None

    def git_ignored(self, uri: str) -> bool:
        """True when ``uri`` is missing but git ignores it: a script may write it before the
        build (pages generated into ``docs_dir`` are usually ignored)."""
        if self.docs_dir is None:
            return False
        if uri not in self._ignored:
            if self._git is None:
                self._git = GitIgnores(self.docs_dir)
                weakref.finalize(self, self._git.close)
            self._ignored[uri] = self._git.ignored(self.docs_dir / uri)
        return self._ignored[uri]

    def close(self) -> None:
        """End the git process :meth:`git_ignored` asks (a later question starts another)."""
        if self._git is not None:
            self._git.close()

    def generated(self, uri: str) -> str | None:
        """Why ``uri`` may exist at build time although no source shows it, if it may."""
        if self.generated_patterns is not None and self.generated_patterns.match_file(uri):
            return "the 'generated' option lists it"
        if self.hooks and uri in self.declared:
            return "nav names it and the config's hooks may write it at build time"
        if self.generators:
            names = ", ".join(f"'{g}'" for g in self.generators)
            return f"the {names} plugin{'s' if len(self.generators) > 1 else ''} may generate it"
        if self.git_ignored(uri):
            return (
                "git ignores it, so a script may write it before the build; it is checked only "
                "by `mkdocs build`"
            )
        return None


def run_site(project: Project, settings: Any, extras: dict[str, Any]) -> Site:
    """The site one run's gates check against: the front's (the MkDocs plugins pass MkDocs'
    own), else the one :func:`site_from_project` makes, made once for all the run's gates."""
    site = extras.get("site")
    if isinstance(site, Site):
        return site
    site = extras.get("source_site")
    if not isinstance(site, Site):
        site = extras["source_site"] = site_from_project(
            project, settings.links.generated, docgates_pages(project, settings)
        )
    return site


def docgates_pages(project: Project, settings: Any) -> set[str]:
    """Pages docgates' own plugins write at build time (the status gate's pages)."""
    if project.plugin("docgates/status") is None:
        return set()
    status = settings.gate("status")
    if not status.enabled:
        return set()
    return {str(p).lstrip("/") for p in (status.status_page, status.coverage_page) if p}


def site_from_project(
    project: Project, generated: Iterable[str] = (), known: Iterable[str] = ()
) -> Site:
    """The site MkDocs would build from ``docs_dir`` (the CLI's view); ``known`` pages are
    written at build time by a plugin docgates knows (its own status gate)."""
    import pathspec

    pages: set[str] = set()
    files: set[str] = set()
    excluded: set[str] = set()
    drafts: set[str] = set()
    removed: dict[str, str] = {}
    docs = project.docs_dir
    if docs.is_dir():
        found = [path for path in docs.rglob("*") if path.is_file()]
        shadowed = readme_conflicts([p for p in found if is_page(project.doc_uri(p))])
        for path in found:
            uri = project.doc_uri(path)
            by_plugin = project.removed.match(uri) if project.removed else None
            if project.exclude_docs and project.exclude_docs.match_file(uri):
                excluded.add(uri)
            elif by_plugin:
                removed[uri] = f"the 'exclude' plugin's {by_plugin} removes it"
            elif path in shadowed:
                index = project.doc_uri(shadowed[path])
                removed[uri] = f"MkDocs drops it because it conflicts with '{index}'"
            elif project.draft_docs is not None and project.draft_docs.match_file(uri):
                drafts.add(uri)
            elif is_page(uri):
                pages.add(uri)
            else:
                files.add(uri)
    generators = [
        label for name, label in GENERATOR_PLUGINS.items() if name in project.plugin_names
    ]
    patterns = list(generated)
    for name in BLOG_PLUGINS:
        entry = project.plugin(name)
        if entry is not None:
            blog = str(entry.options.get("blog_dir", "blog")).strip("/")
            patterns += [f"/{blog}/archive/", f"/{blog}/category/", f"/{blog}/page/"]
    pages |= set(known)
    theme = theme_files(project)
    files |= {f for f in theme.files if f not in pages and f not in excluded}
    from ..blog import post_urls  # reads the posts' front matter: only with a blog

    blog_urls = post_urls(project, pages) if any(project.plugin(n) for n in BLOG_PLUGINS) else {}
    return Site(
        pages=pages,
        files=files,
        excluded=excluded,
        drafts=drafts,
        removed=removed,
        redirects=redirect_maps(project),
        use_directory_urls=project.use_directory_urls,
        generators=sorted(set(generators)),
        generated_patterns=pathspec.GitIgnoreSpec.from_lines(patterns) if patterns else None,
        hooks=hooks_of(project),
        declared={e.uri for e in project.nav or [] if not e.is_url},
        i18n=i18n_of(project),
        theme_missing=theme.missing,
        page_urls=blog_urls,
        docs_dir=project.docs_dir,
    )


def hooks_of(project: Project) -> list[str]:
    """The ``hooks:`` of the config (MkDocs 1.4+)."""
    hooks = project.data.get("hooks")
    return [str(h) for h in hooks] if isinstance(hooks, list) else []


def redirect_maps(project: Project) -> dict[str, str]:
    """The ``redirect_maps`` of the mkdocs-redirects plugin, if it is on."""
    entry = project.plugin("redirects")
    if entry is None:
        return {}
    maps = entry.options.get("redirect_maps") or {}
    if not isinstance(maps, Mapping):
        return {}
    return {str(k).lstrip("/"): str(v) for k, v in maps.items()}
