"""The JSON contract (design §3.2): ``schema``, ``root``, ``findings``, ``stats``."""

from __future__ import annotations

import json as _json
from typing import Any

from ..findings import Finding
from ..report import Report

SCHEMA = "docgates.findings/1"


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "message": finding.message,
        "hint": finding.hint,
    }


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "root": ".",
        "findings": [finding_dict(f) for f in report.findings],
        "stats": report.stats.to_dict(),
        # What made the run less than complete (no config found, ids from docgates' own
        # rules...): a script reading the findings needs these as much as a person does.
        "notices": list(report.notices),
    }


def format_report(report: Report) -> str:
    return _json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
