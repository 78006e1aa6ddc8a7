"""``docgates/code``: every Python block MkDocs renders compiles (and, with execution on, runs).

The blocks are those of each page's final Markdown (after macros, hooks and every other
plugin's ``on_page_markdown``), reported at their raw-file lines (see ``_core.site.markdown``),
and only those the build rendered: the page's HTML proves it (see ``_core.checks.proof``).
"""

from __future__ import annotations

import html as htmllib
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

from .._core.checks.docstrings import Handler
from .._core.checks.execute import BlockFailure, failing_blocks
from .._core.checks.proof import Proof
from .._core.config import CodeSettings
from .._core.errors import ConfigError, DocgatesError
from .._core.site import PageText
from ._base import GatePlugin, config_class, log, log_findings
from ._site import on_page

CodeConfig = config_class(CodeSettings, "CodeConfig")


class CodePlugin(GatePlugin):
    """Compile (and run) every Python block of the site and log what fails."""

    config_class = CodeConfig
    gate = "code"
    settings_class = CodeSettings
    languages_visible = True

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        config = super().on_config(config) or config
        if self.enabled:
            self.languages_visible = show_languages(config)
        return config

    # Last, when every page is rendered (MkDocs calls on_env after the last page's
    # on_page_content) and before any is written: every page's final Markdown and HTML are
    # known, all blocks run in one pool, and a served page can still show what failed.
    @event_priority(-100)
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        record = self.record
        if not self.enabled or self.engine is None or record is None:
            return env
        record.files = files
        engine = self.engine
        texts = record.texts(engine.project)
        settings = engine.settings.code
        python = frozenset(n.lower() for n in [*settings.languages, *settings.console_languages])
        proof = Proof(
            {t.rel: t.html for t in texts.values() if t.html is not None},
            python,
            languages_visible=self.languages_visible,
        )
        try:
            extras: dict[str, Any] = {
                "proof": proof,
                # markdown-exec runs its exec="on" blocks in this build: not a second time
                "exec_in_build": config.plugins.get("markdown-exec") is not None,
            }
            handler = mkdocstrings_handler(config)
            if handler is not None:
                extras["mkdocstrings"] = handler
            report = engine.check(["code"], list(texts), texts=texts, extras=extras)
        except (DocgatesError, ConfigError) as exc:
            raise PluginError(f"docgates: {exc}") from None
        record.shared["proof"] = proof
        for notice in report.notices:
            log.info(notice)  # the plugin logger adds "docgates: "
        log_findings(report.findings)
        # Failing blocks are shown on the page only while serving, never in a built site.
        if self.serving:
            failures = failing_blocks(engine, report.findings)
            for text in texts.values():
                page = record.pages.get(text.uri)
                if page is not None and page.content and failures.get(text.rel):
                    with on_page(text.rel):
                        page.content = annotate(page.content, failures[text.rel], proof, text)
        return env

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.end_build()


def mkdocstrings_handler(config: MkDocsConfig) -> Handler | None:
    """The python handler's settings as the build's mkdocstrings plugin holds them (its
    config after MkDocs read it: ``!ENV`` and inherited configs resolved). Inside a build the
    griffe extensions it names are loaded, as mkdocstrings loads them for the same build."""
    plugin = config.plugins.get("mkdocstrings")
    if plugin is None:
        return None
    options = {
        "handlers": dict(plugin.config.get("handlers") or {}),
        "default_handler": plugin.config.get("default_handler") or "python",
    }
    base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
    # The modules the python handler loaded for this build (mkdocstrings has no public way
    # to them; without it they are loaded again with the same paths and extensions).
    collection = None
    for handler in getattr(getattr(plugin, "_handlers", None), "seen_handlers", None) or ():
        if getattr(handler, "name", None) == "python":
            collection = getattr(handler, "_modules_collection", None)
    return Handler.from_plugin(options, base, run_project_code=True, collection=collection)


def show_languages(config: MkDocsConfig) -> bool:
    """Make the build write each code block's language into its HTML, for the proof; whether
    it does (codehilite writes none: then only the proof's drop half holds).

    pymdownx.highlight writes ``language-<name>`` classes with its ``pygments_lang_class``
    option (Material's code annotations use them too); it is turned on for the build.
    """
    extensions = [str(e) for e in config.markdown_extensions]
    if "pymdownx.highlight" in extensions or "pymdownx.superfences" in extensions:
        options = config.mdx_configs.setdefault("pymdownx.highlight", {})
        if "pymdownx.highlight" not in extensions:
            config.markdown_extensions.append("pymdownx.highlight")
        if options.get("use_pygments", True):
            options["pygments_lang_class"] = True
        return True
    return "codehilite" not in extensions and "markdown.extensions.codehilite" not in extensions


def annotate(content: str, failures: list[BlockFailure], proof: Proof, text: PageText) -> str:
    """``content`` (a page's HTML) with an error box after each failing block.

    The box is HTML, added after every plugin has rewritten the Markdown, so no plugin reads
    it as Markdown or a template (its braces are written as entities all the same).
    """
    known = proof.pages.get(text.rel)
    placed = known[1].placed if known is not None else {}
    boxes: list[tuple[int, str]] = []
    for failure in failures:
        at = placed.get(id(failure.block)) if failure.block is not None else None
        if at is not None:
            boxes.append((at, box(failure)))
    for at, html in sorted(boxes, key=lambda b: b[0], reverse=True):
        content = content[:at] + html + content[at:]
    return content


def box(failure: BlockFailure) -> str:
    """An admonition (Material styles ``failure``) that names what failed and where."""
    first = failure.findings[0]
    title = _inert(f"docgates: {first.rule} at {first.location}")
    body = "\n\n".join(_inert(f"{f.location}: {f.rule}\n{f.message}") for f in failure.findings)
    return (
        f'<div class="admonition failure docgates-failure"><p class="admonition-title">{title}'
        f"</p><pre><code>{body}</code></pre></div>"
    )


def _inert(text: str) -> str:
    """Escaped HTML whose braces no template engine evaluates."""
    return htmllib.escape(text, quote=False).replace("{", "&#123;").replace("}", "&#125;")
