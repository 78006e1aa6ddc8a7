"""``docgates check --build``: the real MkDocs (or ProperDocs) build, in this process, into a
temporary folder, with the project's plugins and the docgates gates, reporting exactly what the
gates report.

The findings come from the plugins themselves (each logs what its engine run found through
:func:`docgates.mkdocs_plugins._base.log_findings`, which hands them to the sinks registered
here), not from log text. MkDocs' own warnings (its ``validation:`` checks, other plugins) are
counted too: they are notices of the report, and under ``--strict`` they fail it, as they fail
``mkdocs build --strict``. The build runs the project's plugins and hooks: it is project code,
which is why it is asked for with a flag.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .._core.errors import DocgatesError
from .._core.findings import Finding
from .._core.project import Project
from .._core.report import Report

_PLUGIN_CLASSES = {
    "code": "docgates.mkdocs_plugins.code:CodePlugin",
    "links": "docgates.mkdocs_plugins.links:LinksPlugin",
    "structure": "docgates.mkdocs_plugins.structure:StructurePlugin",
}


class _Warnings(logging.Handler):
    """Counts MkDocs' warnings that are not docgates' own (those are findings already)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("mkdocs.plugins.docgates") or record.name.startswith(
            "properdocs.plugins.docgates"
        ):
            return
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


@contextmanager
def _collect(found: list[Finding]) -> Iterator[_Warnings]:
    from ..mkdocs_plugins import _base

    handler = _Warnings()
    loggers = [logging.getLogger("mkdocs"), logging.getLogger("properdocs")]
    _base.SINKS.append(found.extend)
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        _base.SINKS.remove(found.extend)
        for logger in loggers:
            logger.removeHandler(handler)


def _tool(project: Project) -> tuple[Any, Any]:
    """The config loader and the build function of MkDocs or ProperDocs."""
    import importlib

    tool = "properdocs" if project.kind == "properdocs" else "mkdocs"
    try:
        commands = importlib.import_module(f"{tool}.commands.build")
        config = importlib.import_module(f"{tool}.config")
    except ImportError:
        raise DocgatesError(f"--build needs {tool}: pip install 'docgates[{tool}]'") from None
    return config.load_config, commands.build


def _add_gates(config: Any, gates: list[str]) -> None:
    """Add the docgates plugins the project's config does not list, after its own plugins
    (as a user appends them)."""
    import importlib

    for gate in gates:
        name = f"docgates/{gate}"
        if gate not in _PLUGIN_CLASSES or name in config.plugins:
            continue
        module, _, attr = _PLUGIN_CLASSES[gate].partition(":")
        plugin = getattr(importlib.import_module(module), attr)()
        errors, _warnings = plugin.load_config({}, config.config_file_path)
        if errors:  # pragma: no cover - the defaults are valid
            raise DocgatesError(f"{name}: {errors}")
        config.plugins[name] = plugin  # registers its events; build() runs on_config


def run_build(project: Project, gates: list[str]) -> Report:
    """Build the site with the gates and report what they found."""
    if project.config_path is None or project.kind == "zensical":
        raise DocgatesError("--build needs an mkdocs.yml or properdocs.yml")
    load_config, build_site = _tool(project)
    started = time.perf_counter()
    found: list[Finding] = []
    aborted = ""
    with tempfile.TemporaryDirectory(prefix="docgates-build-") as site_dir, _collect(found) as log:
        try:
            config = load_config(config_file=str(project.config_path), site_dir=site_dir)
            _add_gates(config, gates)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build_site(config)
            finally:
                config.plugins.on_shutdown()
        except Exception as exc:  # MkDocs' own errors (config, plugins, an aborted build)
            if type(exc).__name__ == "Abort" and "strict mode" in str(exc):
                # The config sets 'strict: true': the build failed on its warnings, which were
                # all collected; report them, and fail as the build did.
                aborted = str(exc)
            elif type(exc).__module__.split(".")[0] in ("mkdocs", "properdocs") or isinstance(
                exc, OSError
            ):
                raise DocgatesError(f"the build failed: {exc}") from None
            else:
                raise
    report = Report(project.root, found)
    report.notices += [f"mkdocs build: {message}" for message in log.messages]
    if aborted:
        report.notices.append(f"mkdocs build: {aborted} (the config sets strict: true)")
    report.findings = _dedupe(found)
    report.sort()
    report.stats.files = len({f.path for f in report.findings})
    report.stats.extra["build"] = {"warnings": len(log.messages), "aborted": bool(aborted)}
    report.stats.seconds = time.perf_counter() - started
    return report


def build_warnings(report: Report) -> int:
    """MkDocs' own warnings in a ``--build`` report (they fail ``--strict``)."""
    value = report.stats.extra.get("build", {})
    return int(value.get("warnings", 0)) if isinstance(value, dict) else 0


def _dedupe(found: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(found))
