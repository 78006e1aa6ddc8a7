"""SVG badges (coverage, tests, CI) drawn with anybadge, the kept badge library that installs
on current setuptools (coverage-badge and pybadges do not)."""

from __future__ import annotations

import anybadge

from . import figures
from .model import Snapshot

GREY = "#9f9f9f"


def badges(snap: Snapshot, *, fail_under: float, precision: int) -> dict[str, str]:
    """``{name: svg}`` for ``coverage``, ``tests`` and ``ci``."""
    result: dict[str, str] = {}
    cov = snap.coverage
    if cov is None:
        result["coverage"] = _badge("coverage", "unknown", GREY)
    else:
        pc = cov.totals.percent
        floor = fail_under if fail_under > 0 else 80.0
        colour = "green" if pc >= floor else ("orange" if pc >= floor - 10 else "red")
        result["coverage"] = _badge("coverage", f"{figures.display(pc, precision)}%", colour)
    tests = snap.tests
    if tests is None:
        result["tests"] = _badge("tests", "unknown", GREY)
    else:
        bad = tests.failed + tests.errors
        text = f"{tests.passed} passed" + (f", {bad} failed" if bad else "")
        if tests.skipped:
            text += f", {tests.skipped} skipped"
        result["tests"] = _badge("tests", text, "red" if bad else "green")
    gate = figures.coverage_gate(cov, fail_under, precision) if cov is not None else None
    state = figures.overall(snap, gate)
    if not figures.ci_known(snap):
        # Tests and coverage read from files are not CI's verdict: without its runs, say so
        # rather than "passing" (the tests and coverage badges carry those figures).
        result["ci"] = _badge("ci", "no CI data", GREY)
    else:
        result["ci"] = _badge(
            "ci",
            {"passing": "passing", "failing": "failing", "unknown": "unknown"}[state],
            {"passing": "green", "failing": "red", "unknown": GREY}[state],
        )
    return result


def _badge(label: str, value: str, colour: str) -> str:
    badge = anybadge.Badge(label=label, value=value, default_color=colour)
    return str(badge.badge_svg_text)
