"""``docgates/structure``: pages reachable from nav, nav entries that exist, sound headings,
front matter that follows its schema.

Nav and orphans come from MkDocs' final ``Files``; a page is parsed from source (to report at
its lines) only when its built headings show a possible problem, or its front matter has a
schema to follow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from .._core.builtpage import BuiltPage, heading_problems
from .._core.config import StructureSettings
from .._core.errors import DocgatesError
from .._core.site import Site, redirect_maps
from ._base import GatePlugin, config_class, log_findings, page_sources
from .links import built_page, site_from_files

StructureConfig = config_class(StructureSettings, "StructureConfig")


class StructurePlugin(GatePlugin):
    """Check the site's structure and log what is wrong."""

    config_class = StructureConfig
    gate = "structure"
    settings_class = StructureSettings

    def __init__(self) -> None:
        super().__init__()
        self.site: Site | None = None
        self.pages: dict[Path, str] = {}
        self.texts: dict[Path, str] = {}
        self.built: dict[str, tuple[BuiltPage, str | None]] = {}

    # After every other plugin has added its pages (gen-files, blog): the Files are final,
    # so a nav entry to a generated page is found.
    @event_priority(-100)
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        if not self.enabled or self.project is None:
            return env
        self.site = site_from_files(files, config, redirect_maps(self.project))
        self.built = {}
        self.pages, self.texts = page_sources(files, config.docs_dir)
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

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.enabled or self.engine is None or self.site is None:
            return
        engine = self.engine
        links = config.plugins.get("docgates/links")
        shared = getattr(links, "engine", None)
        if shared is not None and shared.project.root == engine.project.root:
            # One cache of parsed pages for both gates.
            shared.settings.gates["structure"] = engine.settings.gate("structure")
            engine = shared
        schema = bool(engine.settings.structure.front_matter_schema)
        suspects = [
            path
            for path, uri in self.pages.items()
            if uri in self.built and (schema or heading_problems(*self.built[uri]))
        ]
        extras = {"site": self.site, "pages": list(self.pages), "whole": True}
        try:
            report = engine.check(
                ["structure"], suspects, texts=self.texts, extras=extras, read_all=False
            )
        except DocgatesError as exc:
            raise PluginError(f"docgates: {exc}") from None
        log_findings([f for f in report.findings if f.rule.startswith("structure/")])
