"""Plain text: ``path:line:col: rule message``, the hint indented below, then a summary."""

from __future__ import annotations

from ..findings import Finding, Severity
from ..report import Report


def format_finding(finding: Finding) -> str:
    line = f"{finding.location}: {finding.severity.value}: {finding.rule} {finding.message}"
    if finding.hint:
        line += f"\n    hint: {finding.hint}"
    return line


def summary(report: Report) -> str:
    stats = report.stats
    errors = report.count(Severity.ERROR)
    warnings = report.count(Severity.WARNING)
    parts = [
        f"{errors} error{'s' * (errors != 1)}",
        f"{warnings} warning{'s' * (warnings != 1)}",
    ]
    seen = [f"{stats.files} file{'s' * (stats.files != 1)}"]
    if stats.code_blocks:
        seen.append(
            f"{stats.python_blocks} Python block{'s' * (stats.python_blocks != 1)} "
            f"({stats.checked} checked, {stats.skipped} skipped)"
        )
    if stats.links:
        seen.append(f"{stats.links} link{'s' * (stats.links != 1)}")
    return f"{', '.join(parts)} in {', '.join(seen)} ({stats.seconds:.2f}s)"


def format_report(report: Report) -> str:
    lines = [f"note: {notice}" for notice in report.notices]
    lines.extend(format_finding(f) for f in report.findings)
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
