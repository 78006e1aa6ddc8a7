"""``docgates/code``: every Python block compiles (and, with execution on, runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

from .._core.config import CodeSettings
from .._core.errors import DocgatesError
from ._base import GatePlugin, config_class, log_findings

CodeConfig = config_class(CodeSettings, "CodeConfig")


class CodePlugin(GatePlugin):
    """Compile every Python block of the site and log what does not compile."""

    config_class = CodeConfig
    gate = "code"
    settings_class = CodeSettings

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if self.enabled:
            self.load(config)
        return config

    # Run after other plugins have added their pages (gen-files, blog, i18n) so that
    # generated Markdown is checked too.
    @event_priority(-50)
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.enabled or self.engine is None:
            return files
        paths: list[Path] = []
        texts: dict[Path, str] = {}
        for file in files.documentation_pages():
            path = Path(config.docs_dir) / file.src_uri
            if file.generated_by or not file.abs_src_path:
                texts[path] = _content(file)
            paths.append(path)
        try:
            report = self.engine.check(["code"], paths, texts=texts)
        except DocgatesError as exc:
            raise PluginError(f"docgates: {exc}") from None
        log_findings(report.findings)
        return files


def _content(file: Any) -> str:
    try:
        return str(file.content_string)
    except (OSError, UnicodeDecodeError):  # pragma: no cover - MkDocs reports it itself
        return ""
