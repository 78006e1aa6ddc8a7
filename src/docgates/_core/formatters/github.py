"""GitHub Actions workflow commands: ``::error file=...,line=...,col=...::message``."""

from __future__ import annotations

from ..findings import Finding, Severity
from ..report import Report
from .text import summary

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_finding(finding: Finding) -> str:
    props = [f"file={_escape_property(finding.path)}"]
    if finding.line is not None:
        props.append(f"line={finding.line}")
        if finding.column is not None:
            props.append(f"col={finding.column}")
    props.append(f"title={_escape_property(finding.rule)}")
    message = finding.message + (f"\n{finding.hint}" if finding.hint else "")
    return f"::{_COMMAND[finding.severity]} {','.join(props)}::{_escape_data(message)}"


def format_report(report: Report) -> str:
    lines = [f"::notice title=docgates::{_escape_data(n)}" for n in report.notices]
    lines.extend(format_finding(f) for f in report.findings)
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
