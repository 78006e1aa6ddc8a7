"""The links gate: every internal link, anchor and image resolves, at its Markdown line.

Links resolve as MkDocs resolves them: a link to a source file (``x.md``, ``img/a.png``) is
relative to the page's source path; a link with no extension (``x/``, ``../y``), and every raw
HTML ``href``/``src`` (which MkDocs leaves as is), is resolved by the browser against the page's
URL, so it is resolved against the built site's URLs. ``#anchors`` are looked up in the target
page's ids (see :mod:`..anchors`). Reference-style definitions are checked where they are
written, used or not.

Nothing is reported as broken without evidence: links into ``exclude_docs``/``draft_docs``,
to pages a plugin may generate, and site-absolute links that cannot be resolved are reported at
their own (lower, configurable) levels.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .. import findings
from ..anchors import PageAnchors, shared_builder
from ..config import LinksSettings
from ..document import Document, Link
from ..engine import RunContext, register
from ..findings import Finding, Severity
from ..project import Project
from ..site import Site, hooks_of, is_page, run_site
from ..slughints import CloseMatches, diagnose
from ..source import is_file
from ..urltext import scrubbed, split

_AMP_SUBSTITUTE = "\x02amp\x03"
#: Plugins that rewrite a page's Markdown before MkDocs renders it.
_REWRITING_PLUGINS = ("macros", "mkdocs-simple-hooks", "markdownextradata", "include-markdown")
# mkdocstrings' own syntax for an autodoc block: '::: identifier' (optionally after a heading).
_AUTODOC = re.compile(r"^(?:#{1,6} *)?::: ?(?P<name>\S+?) *$")
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _autodoc_identifiers(doc: Document) -> list[str]:
    return [m.group("name") for line in doc.source.lines if (m := _AUTODOC.match(line))]


def _placeholder(doc: Document) -> str | None:
    for line in doc.source.lines:
        match = _PLACEHOLDER.search(line)
        if match:
            return match.group(0)
    return None


class AnchorIndex:
    """The ids of every page, from the built HTML, a render, or docgates' own rules."""

    def __init__(self, ctx: RunContext, settings: LinksSettings) -> None:
        self.project = ctx.project
        self.engine = ctx.engine
        self.texts: dict[Path, str] = ctx.extras.get("texts") or {}
        self.documents = {ctx.project.doc_uri(d.path): d for d in ctx.documents.values()}
        self.builder = shared_builder(ctx.extras, ctx.project.markdown)
        self.built: dict[str, set[str]] | None = ctx.extras.get("ids")
        self.renderer: Any = None
        if self.built is None and settings.anchor_ids == "render":
            from ..rendering import Renderer

            self.renderer = Renderer(ctx.project)
        self._source: dict[str, PageAnchors] = {}
        self._ids: dict[str, set[str] | None] = {}

    def document(self, uri: str) -> Document | None:
        """The parsed page ``uri``: one of the run's pages, or read now (and cached)."""
        doc = self.documents.get(uri)
        if doc is None and is_page(uri):
            path = self.project.docs_dir / uri
            if path in self.texts or is_file(path):
                read = self.engine.read(path, inline=True, text=self.texts.get(path))
                if isinstance(read, Document):
                    doc = self.documents[uri] = read
        return doc

    def source(self, uri: str) -> PageAnchors | None:
        """The ids docgates computes from the page's source (for hints and structure)."""
        if uri not in self._source:
            doc = self.document(uri)
            if doc is None:
                return None
            self._source[uri] = self.builder.build(doc)
        return self._source[uri]

    def ids(self, uri: str) -> set[str] | None:
        """Every id the page has; ``None`` when the page cannot be read."""
        if uri in self._ids:
            return self._ids[uri]
        page = self.source(uri)
        result: set[str] | None = None
        if self.built is not None:
            result = self.built.get(uri)
        elif self.renderer is not None and page is not None:
            doc = self.documents[uri]  # read by source() above
            rendered = self.renderer.ids(doc.path)
            if rendered is not None:
                # autorefs anchors exist only once the autorefs plugin runs
                result = rendered | {a.id for a in doc.anchors if a.source == "autorefs"}
        if result is None and page is not None:
            result = set(page.ids)
        self._ids[uri] = result
        return result

    def build_time(self, uri: str, fragment: str) -> str | None:
        """Why ``#fragment`` may be added to page ``uri`` at build time, if there is evidence
        (never when the ids come from the built HTML)."""
        if self.built is not None:
            return None
        doc = self.document(uri)
        if doc is None:
            return None
        if "mkdocstrings" in self.project.plugin_names:
            for ident in _autodoc_identifiers(doc):
                # The object's own id, its members' ('pkg.mod.func'), and the headings of its
                # docstrings ('pkg.mod--usage', 'pkg.mod.func--examples').
                if fragment == ident or fragment.startswith((ident + ".", ident + "--")):
                    return f"mkdocstrings makes its ids from '::: {ident}' at build time"
        if self.rewriters:
            placeholder = _placeholder(doc)
            if placeholder is not None:
                return f"the page's '{placeholder}' is filled in at build time by {self.rewriters}"
            if self.builder.slug(fragment) != fragment:
                return (
                    "no heading makes an id like it, and ids written by "
                    f"{self.rewriters} appear only at build time"
                )
        return None

    @property
    def rewriters(self) -> str:
        """What may rewrite pages' Markdown at build time (hooks, macros), for messages."""
        names = [f"hook '{h}'" for h in hooks_of(self.project)]
        names += [f"plugin '{p}'" for p in _REWRITING_PLUGINS if p in self.project.plugin_names]
        return ", ".join(names)

    def notice(self) -> str | None:
        if self.renderer is None:
            return None
        note: str | None = self.renderer.notice()
        return note


class LinkChecker:
    """Checks the links of pages against a :class:`Site` and an :class:`AnchorIndex`."""

    def __init__(
        self, project: Project, settings: LinksSettings, site: Site, anchors: AnchorIndex
    ) -> None:
        self.project = project
        self.settings = settings
        self.site = site
        self.anchors = anchors
        site_url = str(project.data.get("site_url") or "")
        self.site_path = urlsplit(site_url).path or "/"
        if not self.site_path.endswith("/"):
            self.site_path += "/"
        self._paths: CloseMatches | None = None
        self._resolved: dict[tuple[str, str], str] = {}
        self._parts: dict[str, tuple[bool, str, str]] = {}
        self._urls: CloseMatches | None = None

    def check(self, doc: Document) -> list[Finding]:
        found: list[Finding] = []
        page = self.project.doc_uri(doc.path)
        self.touched: set[str] = set()
        for link in doc.links:
            if link.reference is not None and link.reference in doc.references:
                continue  # checked once, where the reference is defined
            found.extend(self.link(page, link))
        for ref in doc.references.values():
            unused = "" if ref.used else " (the reference is never used)"
            if ref.shadowed:
                unused = " (a later definition of the same label is the one links use)"
            link = Link("link", ref.target, ref.span, reference=ref.label)
            for finding in self.link(page, link):
                found.append(
                    findings.make(
                        finding.rule,
                        finding.path,
                        finding.line,
                        finding.column,
                        finding.message.replace(
                            f"link '{ref.target}'",
                            f"reference '[{ref.label.lower()}]: {ref.target}'",
                            1,
                        )
                        + unused,
                        hint=finding.hint,
                        severity=finding.severity,
                    )
                )
        return found

    # -- one link -----------------------------------------------------------------------
    def link(self, page: str, link: Link) -> list[Finding]:
        target = link.target.strip()
        if not target or _AMP_SUBSTITUTE in target:
            return []
        parts = self._parts.get(target)
        if parts is None:
            # Pages link the same targets again and again: each is split once.
            split_target = split(target)
            external = bool(split_target.scheme or split_target.netloc)
            parts = (external, unquote(split_target.path), unquote(split_target.fragment))
            self._parts[target] = parts
        external, path, fragment = parts
        if external:
            return []  # external: the external check's business
        image = link.kind in ("image", "html-image")
        if not path:
            if fragment and self.settings.anchors and link.kind not in ("html-image",):
                return self.anchor(page, page, fragment, link)
            return []
        if path.startswith(("/", "\\")):
            return self.absolute(page, path, fragment, link, image)
        if link.kind in ("html", "html-image"):
            return self.by_url(page, path, fragment, link, image, raw_html=True)
        # MkDocs first looks the path up among the source files (and rewrites the link);
        # a path with no extension that is not a file is left as is for the browser.
        uri = self.site.localize(self._joined(page, path), page)
        if not self.site.exists(uri) and not posixpath.splitext(path.rstrip("/"))[1]:
            return self.by_url(page, path, fragment, link, image, raw_html=False)
        return self.resolved(page, uri, fragment, link, image)

    def _joined(self, page: str, path: str) -> str:
        """``path`` resolved against page ``page``'s folder (pages of one folder link the
        same paths again and again: each is resolved once)."""
        key = (posixpath.dirname(page), path)
        joined = self._resolved.get(key)
        if joined is None:
            joined = self._resolved[key] = posixpath.normpath(posixpath.join(*key))
        return joined

    def resolved(
        self, page: str, uri: str, fragment: str, link: Link, image: bool
    ) -> list[Finding]:
        site = self.site
        if uri.startswith("../") or uri == "..":
            return self.missing(link, image, f"'{uri}' is outside docs_dir", None)
        if site.exists(uri):
            if fragment and self.settings.anchors and is_page(uri):
                return self.anchor(page, uri, fragment, link)
            return []
        if uri in site.redirects:
            return []
        if uri in site.removed:
            return self.missing(
                link, image, f"'{uri}' is not in the built site ({site.removed[uri]})", None
            )
        if uri in site.excluded or uri in site.drafts:
            why = "exclude_docs leaves it out" if uri in site.excluded else "it is a draft"
            return self.missing(
                link,
                image,
                f"'{uri}' is not in the built site ({why})",
                None,
                level=self.settings.excluded_links,
            )
        generated = site.generated(uri) or self.theme_may_add(uri)
        if generated:
            return self.missing(
                link,
                image,
                f"'{uri}' is not among the documentation files; {generated}",
                None,
                level=self.settings.generated_links,
            )
        return self.missing(
            link,
            image,
            f"the target '{uri}' is not among the documentation files",
            self.suggest(page, uri),
        )

    def theme_may_add(self, uri: str) -> str | None:
        """Why a theme that is not installed here may add ``uri`` (not a page: themes add
        assets), if it may."""
        if self.site.theme_missing is None or is_page(uri):
            return None
        return (
            f"the theme '{self.site.theme_missing}' is not installed where docgates runs, and "
            "may provide it; it is checked only by `mkdocs build` with the theme"
        )

    def by_url(
        self, page: str, path: str, fragment: str, link: Link, image: bool, *, raw_html: bool
    ) -> list[Finding]:
        """Resolve like a browser: relative to the page's URL in the built site."""
        base = self.site.url(page)
        folder = _folder(base)
        joined = posixpath.normpath(posixpath.join(folder, path))
        url = "" if joined == "." else joined + ("/" if path.endswith("/") else "")
        if url.startswith(".."):
            return self.missing(link, image, f"'{path}' leaves the site", None)
        uri = self.site.by_url(url)
        if uri is not None:
            if fragment and self.settings.anchors and is_page(uri):
                return self.anchor(page, uri, fragment, link)
            return []
        if raw_html and is_page(path):
            source = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
            if self.site.exists(source):
                url_to = _relative_url(self.site.url(source), base)
                return self.missing(
                    link,
                    image,
                    f"MkDocs does not rewrite links in raw HTML, so the browser looks for '{url}'",
                    f"Link the built page: '{url_to}'.",
                )
        source_uri = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        if source_uri in self.site.redirects or url.rstrip("/") + ".md" in self.site.redirects:
            return []
        generated = self.site.generated(url) or self.theme_may_add(url)
        if generated:
            return self.missing(
                link,
                image,
                f"no page is served at '{url}'; {generated}",
                None,
                level=self.settings.generated_links,
            )
        # Written relative to the source file rather than to the page's URL?
        hint = None
        stem = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        for guess in (stem, f"{stem}.md", f"{stem}/index.md", f"{stem}/README.md"):
            if self.site.exists(guess) and not guess.startswith(".."):
                hint = f"Did you mean '{_relative_url(self.site.url(guess), base)}'?"
                break
        return self.missing(
            link,
            image,
            f"no page or file is served at '{url}'",
            hint or self.suggest_url(url, base),
        )

    def absolute(
        self, page: str, path: str, fragment: str, link: Link, image: bool
    ) -> list[Finding]:
        if path.startswith(self.site_path):
            url = path[len(self.site_path) :]
            uri = self.site.by_url(url)
            if uri is not None:
                if fragment and self.settings.anchors and is_page(uri):
                    return self.anchor(page, uri, fragment, link)
                return []
            if self.site_path != "/" or self.project.data.get("site_url"):
                return self.missing(
                    link,
                    image,
                    f"no page or file is served at '{path}'",
                    self.suggest_url(url, self.site.url(page)),
                )
        return self.missing(
            link,
            image,
            f"it is site-absolute, and '{path}' is not under site_url's path '{self.site_path}'",
            "Use a relative link to the Markdown file so MkDocs can check and rewrite it.",
            level=self.settings.absolute_links,
        )

    # -- anchors ------------------------------------------------------------------------
    def anchor(self, page: str, uri: str, fragment: str, link: Link) -> list[Finding]:
        self.touched.add(uri)
        ids = self.anchors.ids(uri)
        if ids is None or fragment in ids:
            return []
        if uri in self.site.redirects:
            return []
        where = "on this page" if uri == page else f"in '{uri}'"
        message = f"link '{link.target}' points to a missing anchor '#{fragment}' {where}"
        later = self.anchors.build_time(uri, fragment)
        if later is not None:
            level = self.settings.generated_links
            return [
                findings.make(
                    "links/anchor-not-found",
                    link.span.path,
                    link.span.line,
                    link.span.column,
                    f"{message}; {later}, so docgates cannot verify it",
                    severity=Severity(level) if level != "ignore" else None,
                )
            ]
        hint = diagnose(fragment, self.anchors.source(uri), ids, self.anchors.builder)
        return [
            findings.make(
                "links/anchor-not-found",
                link.span.path,
                link.span.line,
                link.span.column,
                message,
                hint=hint,
            )
        ]

    # -- reporting ----------------------------------------------------------------------
    def missing(
        self,
        link: Link,
        image: bool,
        why: str,
        hint: str | None,
        *,
        level: str | None = None,
    ) -> list[Finding]:
        if level == "ignore":
            return []
        rule = "links/image-not-found" if image else "links/page-not-found"
        what = "image" if image else "link"
        severity = Severity(level) if level else None
        return [
            findings.make(
                rule,
                link.span.path,
                link.span.line,
                link.span.column,
                f"{what} '{link.target}': {why}",
                hint=hint,
                severity=severity,
            )
        ]

    def suggest(self, page: str, uri: str) -> str | None:
        stem = posixpath.splitext(uri)[0]
        for guess in (f"{stem}.md", f"{stem}/index.md", f"{stem}/README.md"):
            if guess != uri and self.site.exists(guess):
                return f"Did you mean '{_relative_path(guess, page)}'?"
        if self._paths is None:  # the site's files are final once links are checked
            self._paths = CloseMatches(self.site.pages | self.site.files)
        close = self._paths.best(uri, 0.8)
        if close is None:
            same = self._paths.same_basename(uri)
            close = same[0] if same else None
        if close is None:
            return None
        return f"Did you mean '{_relative_path(close, page)}'?"

    def suggest_url(self, url: str, base: str) -> str | None:
        if self._urls is None:
            self._urls = CloseMatches(self.site.urls)
        close = self._urls.best(url, 0.8)
        if close is None:
            return None
        return f"Did you mean '{_relative_url(close, base) or './'}'?"


def _relative_path(uri: str, page: str) -> str:
    return posixpath.relpath(uri, posixpath.dirname(page) or ".")


def _folder(url: str) -> str:
    """The folder part of a site URL ('' for the root): where relative links start."""
    return url[: url.rfind("/") + 1]


def _relative_url(url: str, base: str) -> str:
    folder = _folder(base)
    rel = posixpath.relpath(url or ".", folder.rstrip("/") or ".")
    if url.endswith("/") and rel != ".":
        rel += "/"
    return "./" if rel == "." else rel


@register("links", all_pages=True, inline=True)
def run_links(ctx: RunContext) -> None:
    settings = ctx.settings.links
    site = run_site(ctx.project, ctx.settings, ctx.extras)
    anchors = AnchorIndex(ctx, settings)
    checker = LinkChecker(ctx.project, settings, site, anchors)
    by_page = ctx.extras.setdefault("by_page", {})
    outgoing = ctx.extras.setdefault("outgoing", {})
    for doc in ctx.target_documents("links"):
        # A page's link may hold anything: what is printed of it is redacted and escaped.
        found = [scrubbed(f) for f in checker.check(doc)]
        ctx.report.findings.extend(found)
        by_page.setdefault(doc.rel, []).extend(found)
        outgoing[doc.rel] = checker.touched
    note = anchors.notice()
    if note:
        ctx.report.notices.append(note)
    ctx.extras["anchor_index"] = anchors
