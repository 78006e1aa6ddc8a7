"""``docgates/code``: every Python block compiles (and, with execution on, runs)."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from .._core.checks.execute import BlockFailure, failing_blocks
from .._core.config import CodeSettings
from .._core.errors import ConfigError, DocgatesError
from ._base import GatePlugin, config_class, log, log_findings, page_sources

CodeConfig = config_class(CodeSettings, "CodeConfig")


class CodePlugin(GatePlugin):
    """Compile (and run) every Python block of the site and log what fails."""

    config_class = CodeConfig
    gate = "code"
    settings_class = CodeSettings
    failures: dict[str, list[BlockFailure]]

    # Run after other plugins have added their pages (gen-files, blog, i18n) so that
    # generated Markdown is checked too.
    @event_priority(-50)
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        self.failures = {}
        if not self.enabled or self.engine is None:
            return files
        pages, texts = page_sources(files, config.docs_dir)
        try:
            report = self.engine.check(["code"], list(pages), texts=texts)
        except (DocgatesError, ConfigError) as exc:
            raise PluginError(f"docgates: {exc}") from None
        for notice in report.notices:
            log.info(f"docgates: {notice}")
        log_findings(report.findings)
        # Failing blocks are shown on the page only while serving, never in a built site.
        if self.serving:
            self.failures = failing_blocks(self.engine, report.findings)
        return files

    # First, before other plugins rewrite the Markdown, so that lines still match the file.
    @event_priority(100)
    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.serving or self.engine is None or not self.failures:
            return markdown
        path = Path(config.docs_dir) / page.file.src_uri
        failures = self.failures.get(self.engine.project.rel(path))
        if not failures or not page.file.abs_src_path:
            return markdown
        raw = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig")
        return annotate(markdown, raw, failures, admonition=self.engine.project.markdown.admonition)


def annotate(markdown: str, raw: str, failures: list[BlockFailure], *, admonition: bool) -> str:
    """``markdown`` with a visible error box after each failing block."""
    lines = markdown.replace("\r\n", "\n").split("\n")
    raw_count = len(raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    offset = raw_count - len(lines)  # MkDocs strips the front matter from the top
    if offset < 0:
        return markdown
    for failure in sorted(failures, key=lambda f: f.after, reverse=True):
        index = failure.after - offset
        if not 0 <= index <= len(lines):
            continue
        indent = " " * (failure.column - 1)
        lines[index:index] = ["", *(indent + t if t else "" for t in _box(failure, admonition)), ""]
    return "\n".join(lines)


def _box(failure: BlockFailure, admonition: bool) -> list[str]:
    first = failure.findings[0]
    title = f"docgates: {first.rule} at {first.location}"
    body: list[str] = []
    for finding in failure.findings:
        if body:
            body.append("")
        body.extend(f"{finding.location}: {finding.rule}".split("\n"))
        body.extend(finding.message.split("\n"))
    if admonition:
        return [f'!!! failure "{title}"', "", *(f"        {t}" for t in body)]
    return [f"> **{title}**", ">", *(f">     {t}" for t in body)]
