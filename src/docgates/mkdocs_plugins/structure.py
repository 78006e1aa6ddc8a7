"""``docgates/structure``: pages reachable from nav, nav entries that exist, sound headings,
front matter that follows its schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

from .._core.config import StructureSettings
from .._core.errors import DocgatesError
from .._core.site import redirect_maps
from ._base import GatePlugin, config_class, log_findings
from .links import site_from_files

StructureConfig = config_class(StructureSettings, "StructureConfig")


class StructurePlugin(GatePlugin):
    """Check the site's structure and log what is wrong."""

    config_class = StructureConfig
    gate = "structure"
    settings_class = StructureSettings

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if self.enabled:
            self.load(config)
        return config

    # After every other plugin has added its pages (gen-files, blog): the Files are final,
    # so a nav entry to a generated page is found.
    @event_priority(-100)
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        if not self.enabled or self.engine is None or self.project is None:
            return env
        paths: list[Path] = []
        texts: dict[Path, str] = {}
        for file in files.documentation_pages():
            path = Path(config.docs_dir) / file.src_uri
            if file.generated_by or not file.abs_src_path:
                texts[path] = str(file.content_string)
            paths.append(path)
        site = site_from_files(files, config, redirect_maps(self.project))
        engine = self.engine
        links = config.plugins.get("docgates/links")
        shared = getattr(links, "engine", None)
        if shared is not None and shared.project.root == engine.project.root:
            # One parse of every page for both gates: the links plugin reads them again later.
            shared.settings.gates["structure"] = engine.settings.gate("structure")
            engine = shared
        try:
            report = engine.check(["structure"], paths, texts=texts, extras={"site": site})
        except DocgatesError as exc:
            raise PluginError(f"docgates: {exc}") from None
        log_findings([f for f in report.findings if f.rule.startswith("structure/")])
        return env
