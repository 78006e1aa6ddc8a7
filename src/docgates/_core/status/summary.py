"""The Markdown summary for a CI job (``docgates status --summary >> "$GITHUB_STEP_SUMMARY"``).

GitHub-flavoured Markdown; untrusted text goes through :func:`safe.md_cell`, so a test name
cannot open a table cell, a link or an HTML tag in the summary.
"""

from __future__ import annotations

from ..config import StatusSettings
from . import figures, safe
from .figures import human_duration
from .model import Snapshot

ICONS = {"passing": "✅", "failing": "❌", "unknown": "❔"}


def summary(snap: Snapshot, settings: StatusSettings) -> str:
    p = settings.precision
    cov = snap.coverage
    gate = figures.coverage_gate(cov, settings.fail_under, p) if cov else None
    state = figures.overall(snap, gate)
    lines = [f"## {ICONS[state]} docgates status: {state}", ""]
    origin = f"Generated at {snap.generated_at.strftime('%Y-%m-%d %H:%M UTC')}"
    if snap.commit:
        origin += f" from commit {safe.md_cell(snap.commit[:12])}"
    lines += [origin + ".", ""]
    lines += ["| | |", "|---|---|"]
    tests = snap.tests
    if tests is None:
        lines.append("| Tests | no JUnit report |")
    else:
        lines.append(
            f"| Tests | {tests.passed} passed, {tests.failed} failed, {tests.errors} errors, "
            f"{tests.skipped} skipped in {human_duration(tests.duration)} |"
        )
    if cov is None:
        lines.append("| Coverage | no coverage data |")
    else:
        total = cov.totals
        branch = (
            f", branches {figures.display(total.branch_percent, p)}%"
            if total.branch_percent is not None
            else ""
        )
        gate_text = (
            "gate off"
            if gate is None
            else f"{'passes' if gate else 'below'} fail_under {settings.fail_under:g}%"
        )
        lines.append(
            f"| Coverage | {figures.display(total.percent, p)}% (lines "
            f"{figures.display(total.line_percent, p)}%{branch}); {gate_text} |"
        )
        previous = figures.previous_main(snap)
        if previous is not None and previous.coverage is not None:
            delta = total.percent - previous.coverage
            lines.append(
                f"| Since {safe.md_cell(previous.commit[:12])} | {delta:+.{p}f} percentage points |"
            )
    if snap.github is not None:
        for workflow in snap.github.workflows:
            run = figures.last_conclusion(workflow)
            text = f"{run.conclusion} (#{run.number})" if run else "no runs"
            lines.append(f"| {safe.md_cell(workflow.name, 100)} | {safe.md_cell(text)} |")
        if snap.github.problem:
            lines.append(f"| GitHub API | {safe.md_cell(snap.github.problem, 300)} |")
    lines.append("")
    if tests is not None and tests.failures:
        lines += [f"### Failures ({len(tests.failures)})", ""]
        for case in tests.failures[:20]:
            first = (case.message or "(no message)").strip().split("\n", 1)[0]
            lines.append(f"- {safe.md_cell(case.id, 200)}: {safe.md_cell(first, 300)}")
        if len(tests.failures) > 20:
            lines.append(f"- … and {len(tests.failures) - 20} more")
        lines.append("")
    slow = tests.slowest(10) if tests is not None else []
    if slow:
        lines += ["### Slowest tests", "", "| Test | Seconds |", "|---|---:|"]
        for case in slow:
            lines.append(f"| {safe.md_cell(case.id, 200)} | {case.time:.3f} |")
        lines.append("")
    for finding in snap.findings:
        if finding.severity.value == "error":
            lines.append(f"- **{finding.rule}** {safe.md_cell(finding.message, 300)}")
    return "\n".join(lines).rstrip() + "\n"


def one_line(snap: Snapshot, settings: StatusSettings) -> str:
    """The state, the tests and the coverage on one line (what ``docgates status`` ends with)."""
    p = settings.precision
    cov = snap.coverage
    gate = figures.coverage_gate(cov, settings.fail_under, p) if cov else None
    parts = [figures.overall(snap, gate)]
    tests = snap.tests
    if tests is None:
        parts.append("no test report")
    else:
        text = f"tests: {tests.passed} passed, {tests.failed + tests.errors} failed"
        parts.append(text + (f", {tests.skipped} skipped" if tests.skipped else ""))
    if cov is None:
        parts.append("no coverage data")
    else:
        text = f"coverage {figures.display(cov.totals.percent, p)}%"
        if gate is not None:
            word = "passes" if gate else "below"
            text += f" ({word} fail_under {settings.fail_under:g}%)"
        parts.append(text)
    if not figures.ci_known(snap):
        parts.append("no CI data")
    return " · ".join(parts)
