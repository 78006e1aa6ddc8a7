"""``docgates/links``: every internal link, anchor and image resolves, at its Markdown line.

The ids of each page come from its final HTML (after every plugin, so ``pymdownx.tabbed`` and
autorefs ids are there); the files come from MkDocs' final ``Files`` (generated pages
included); the links and their lines come from the sources. A page is parsed from source only
when its built HTML shows a link that may be broken (or it defines reference links, which
HTML does not show), so a clean page costs one pass over its HTML. During ``mkdocs serve`` a
rebuild re-checks only the pages an edit can affect, and never goes to the network.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from .._core.builtpage import BuiltPage, link_problems, read_built
from .._core.config import LinksSettings
from .._core.errors import DocgatesError
from .._core.findings import Finding
from .._core.site import PageText, Site
from ._base import GatePlugin, config_class, log, log_findings
from ._site import on_page

LinksConfig = config_class(LinksSettings, "LinksConfig")

_BUILT: dict[str, tuple[int, BuiltPage]] = {}


def built_page(page: Page, output: str) -> BuiltPage:
    """The ids, links and headings of a page's final HTML, read once for both plugins.

    Links point into the page's content, so that is what is read when the final page still
    holds it unchanged (the theme's nav and chrome are most of a page); else the whole page.
    """
    content = page.content or ""
    html = content if content and content in output else output
    key = hash(html)
    cached = _BUILT.get(page.file.src_uri)
    if cached is None or cached[0] != key:
        cached = _BUILT[page.file.src_uri] = (key, read_built(html))
    return cached[1]


class LinksPlugin(GatePlugin):
    """Check the links, anchors and images of every page; log what does not resolve."""

    config_class = LinksConfig
    gate = "links"
    settings_class = LinksSettings

    def __init__(self) -> None:
        super().__init__()
        self.builds = 0
        self.site: Site | None = None
        self.ids: dict[str, set[str]] = {}
        self.built: dict[str, BuiltPage] = {}
        self.pages: dict[Path, str] = {}
        self._last: dict[str, Any] = {}

    # After every other plugin has added, removed or excluded files, and every page is
    # rendered: the Files, the nav and each page's final Markdown are the build's own.
    @event_priority(-100)
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        record = self.record
        if not self.enabled or self.project is None or record is None:
            return env
        record.files = files
        self.ids, self.built = {}, {}
        return env

    # Last, so that the ids every other plugin adds to the page (autorefs, tabs) are seen.
    @event_priority(-100)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.enabled:
            built = self.built[page.file.src_uri] = built_page(page, output)
            self.ids[page.file.src_uri] = built.ids
        return output

    # Before mkdocs-static-i18n (-100) builds the other languages from its on_post_build.
    @event_priority(50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        try:
            self.check()
        finally:
            self.end_build()

    def check(self) -> None:
        record = self.record
        if not self.enabled or self.engine is None or record is None or record.files is None:
            return
        project = self.engine.project
        self.site = site = record.site(project)
        site.ids = self.ids
        texts = record.texts(project)
        self.pages = {path: text.uri for path, text in texts.items()}
        settings = self.engine.settings.links
        gates = ["links"]
        if settings.external and (not self.serving or settings.external_in_serve):
            gates.append("external")
        outgoing, suspects = self._scan(texts, external="external" in gates)
        affected = self._affected(texts, outgoing)
        extras: dict[str, Any] = {
            "site": site,
            "ids": self.ids,
            "texts": texts,
            # a rebuild in `mkdocs serve` never goes to the network
            "offline": self.serving and self.builds > 0,
        }
        targets = [p for p in affected if p in suspects]
        try:
            report = self.engine.check(gates, targets, texts=texts, extras=extras, read_all=False)
            findings = self._merge(texts, affected, extras, outgoing)
        except DocgatesError as exc:
            raise PluginError(f"docgates: {exc}") from None
        for notice in report.notices:
            log.info(notice)
        log_findings(findings)
        self.builds += 1

    def _scan(
        self, texts: dict[Path, PageText], *, external: bool
    ) -> tuple[dict[str, set[str]], set[Path]]:
        """From the built pages: the pages each page's anchors point into, and the pages to
        parse (a link may be broken, the page defines reference links, or URLs are checked)."""
        assert self.engine is not None
        assert self.site is not None
        outgoing: dict[str, set[str]] = {}
        suspects: set[Path] = set()
        footnotes = self.engine.project.markdown.footnotes
        for path, uri in self.pages.items():
            built = self.built.get(uri)
            if built is None:  # not rendered (excluded): nothing to report on
                continue
            rel = self.engine.project.rel(path)
            with on_page(rel):
                suspect, into = link_problems(uri, built, self.site, self.ids)
            outgoing[rel] = into
            markdown = texts[path].markdown
            if suspect or external or may_define_internal(markdown, footnotes=footnotes):
                suspects.add(path)
        return outgoing, suspects

    # -- mkdocs serve: re-check only what an edit can affect -------------------------------
    def _affected(self, texts: dict[Path, PageText], outgoing: dict[str, set[str]]) -> list[Path]:
        """Pages whose findings may have changed since the last build (all on the first):
        the edited pages, and the pages whose links point into a page whose ids changed."""
        last = self._last
        if not self.serving or not last:
            return list(self.pages)
        if set(self.pages) != set(last["digests"]) or self.site != last["site"]:
            return list(self.pages)
        affected = {p for p, t in texts.items() if last["digests"].get(p) != _digest(t.markdown)}
        moved = {uri for uri, ids in self.ids.items() if last["ids"].get(uri) != ids}
        for path in self.pages:
            rel = self.engine.project.rel(path) if self.engine else ""
            if (outgoing.get(rel, set()) | last["outgoing"].get(rel, set())) & moved:
                affected.add(path)
        return sorted(affected)

    def _merge(
        self,
        texts: dict[Path, PageText],
        targets: list[Path],
        extras: dict[str, Any],
        outgoing: dict[str, set[str]],
    ) -> list[Finding]:
        """This run's findings for the pages it looked at, the last run's for the others."""
        assert self.engine is not None
        project = self.engine.project
        raw: dict[str, list[Finding]] = dict(self._last.get("raw", {}))
        for path in targets:
            rel = project.rel(path)
            raw[rel] = extras.get("by_page", {}).get(rel, [])
        present = {project.rel(p) for p in self.pages}
        raw = {rel: found for rel, found in raw.items() if rel in present}
        self._last = {
            "digests": {p: _digest(t.markdown) for p, t in texts.items()},
            "ids": {k: set(v) for k, v in self.ids.items()},
            "site": self.site,
            "outgoing": outgoing,
            "raw": raw,
        }
        return self.engine.finish([f for found in raw.values() for f in found])


_SCHEMES = ("http://", "https://", "mailto:", "ftp://", "ftps://", "<http://", "<https://")


def may_define_internal(markdown: str, *, footnotes: bool = False) -> bool:
    """Whether the page may define a reference link to a page or file of the site.

    The built HTML shows the references a page uses, not the ones it only defines; those are
    checked from source. A page needs that only when some ``]:`` in it is followed by
    something other than an absolute URL (which the links gate does not judge), leaving out
    footnote definitions (``[^1]:``) when the footnotes extension is on: a cheap,
    conservative filter, never a reading of the definitions themselves.
    """
    at = markdown.find("]:")
    while at != -1:
        rest = markdown[at + 2 : at + 200].lstrip()
        start = markdown.rfind("[", max(markdown.rfind("\n", 0, at), 0), at)
        footnote = footnotes and start != -1 and markdown.startswith("[^", start)
        if not footnote and not rest.startswith(_SCHEMES):
            return True
        at = markdown.find("]:", at + 2)
    return False


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
