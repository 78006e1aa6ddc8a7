"""``docgates/structure``: pages reachable from nav, nav entries that exist, sound headings,
front matter that follows its schema.

Nav and orphans come from MkDocs' final ``Files``; a page is parsed from source (to report at
its lines) only when its built headings show a possible problem, or its front matter has a
schema to follow.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from .._core.builtpage import BuiltPage, heading_problems
from .._core.config import StructureSettings
from .._core.errors import DocgatesError
from .._core.site import Site
from ._base import GatePlugin, config_class, log_findings
from .links import built_page

StructureConfig = config_class(StructureSettings, "StructureConfig")


class StructurePlugin(GatePlugin):
    """Check the site's structure and log what is wrong."""

    config_class = StructureConfig
    gate = "structure"
    settings_class = StructureSettings

    def __init__(self) -> None:
        super().__init__()
        self.site: Site | None = None
        self.built: dict[str, tuple[BuiltPage, str | None]] = {}

    # After every other plugin has added its pages (gen-files, blog) and built its nav
    # (literate-nav, awesome-nav, i18n): the Files and the Navigation are the build's own, so
    # a nav entry to a generated page is found and a generated page is never an orphan.
    @event_priority(-100)
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        record = self.record
        if not self.enabled or self.project is None or record is None:
            return env
        record.files = files
        self.built = {}
        return env

    # Last, so that the headings as every plugin left them are read.
    @event_priority(-100)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.enabled:
            title = page.meta.get("title") if isinstance(page.meta, dict) else None
            self.built[page.file.src_uri] = (
                built_page(page, output),
                title if isinstance(title, str) else None,
            )
        return output

    # Before mkdocs-static-i18n (-100) builds the other languages from its on_post_build.
    @event_priority(50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        try:
            self.check(config)
        finally:
            self.end_build()

    def check(self, config: MkDocsConfig) -> None:
        record = self.record
        if not self.enabled or self.engine is None or record is None or record.files is None:
            return
        engine = self.engine
        links = config.plugins.get("docgates/links")
        shared = getattr(links, "engine", None)
        if shared is not None and shared.project.root == engine.project.root:
            # One cache of parsed pages for both gates.
            shared.settings.gates["structure"] = engine.settings.gate("structure")
            engine = shared
        self.site = site = record.site(engine.project)
        texts = record.texts(engine.project)
        pages = {path: text.uri for path, text in texts.items()}
        schema = bool(engine.settings.structure.front_matter_schema)
        suspects = [
            path
            for path, uri in pages.items()
            if uri in self.built and (schema or heading_problems(*self.built[uri]))
        ]
        extras = {"site": site, "pages": list(pages), "whole": True}
        try:
            report = engine.check(
                ["structure"], suspects, texts=texts, extras=extras, read_all=False
            )
        except DocgatesError as exc:
            raise PluginError(f"docgates: {exc}") from None
        log_findings([f for f in report.findings if f.rule.startswith("structure/")])
