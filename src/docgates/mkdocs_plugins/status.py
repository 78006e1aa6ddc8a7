"""``docgates/status``: CI status and coverage pages, status.json, history.json and badges."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from .._core.config import StatusSettings
from .._core.errors import DocgatesError
from .._core.status import Collected, collect, html_report_files, site_files
from ._base import GatePlugin, config_class, log, log_findings

StatusConfig = config_class(StatusSettings, "StatusConfig")

RECORDING_COMMANDS = ("build", "gh-deploy")
"""``mkdocs serve`` rebuilds on every save: it shows the history but adds nothing to it."""


class StatusPlugin(GatePlugin):
    """Add the CI status and coverage pages (and their JSON and badges) to the site."""

    config_class = StatusConfig
    gate = "status"
    settings_class = StatusSettings
    collected: Collected | None = None

    # Early (before the default 0 and docgates/code's -50), so that every other plugin,
    # search and the nav see the generated pages as if they were on disk.
    @event_priority(50)
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.enabled or self.engine is None:
            return files
        self._close()
        engine = self.engine
        try:
            collected = collect(engine.project, engine.settings, engine=engine)
        except DocgatesError as exc:
            raise PluginError(f"docgates: {exc}") from None
        self.collected = collected
        settings = engine.settings.status
        outputs = site_files(
            collected.snapshot, settings, use_directory_urls=config.use_directory_urls
        )
        for src_uri, content in outputs.items():
            self._add(files, File.generated(config, src_uri, content=content))
        for src_uri, path in html_report_files(collected.html_dir, settings).items():
            self._add(files, File.generated(config, src_uri, abs_src_path=str(path)))
        log_findings(collected.snapshot.findings)
        return files

    def _add(self, files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            log.warning(
                f"'{file.src_uri}' exists in docs_dir and docgates/status replaces it with its "
                "own; change status_page, coverage_page or output_dir to keep both"
            )
            files.remove(existing)
        files.append(file)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.collected is not None and self.command in RECORDING_COMMANDS:
            self.collected.record()
        self._close()

    def on_build_error(self, *, error: Exception) -> None:
        self._close()

    def on_shutdown(self) -> None:
        self._close()

    def _close(self) -> None:
        if self.collected is not None:
            self.collected.close()
            self.collected = None
