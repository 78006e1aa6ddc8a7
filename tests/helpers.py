"""Helpers for tests: run the engine on a project and read findings as text."""

from __future__ import annotations

from pathlib import Path

from docgates._core.engine import Engine
from docgates._core.project import load_project
from docgates._core.report import Report


def run(root: Path, gates: tuple[str, ...] = ("code",), **overrides: dict) -> Report:
    project = load_project(root)
    return Engine(project, project.settings(overrides or None)).check(gates)


def lines(report: Report) -> list[str]:
    """Each finding as ``path:line:col: rule message``."""
    return [str(f) for f in report.findings]
