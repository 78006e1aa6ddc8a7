"""Turn a :class:`~docgates._core.report.Report` into text for people and machines."""

from __future__ import annotations

from collections.abc import Callable

from ..report import Report
from . import github, json, junit, sarif, text

Formatter = Callable[[Report], str]

FORMATTERS: dict[str, Formatter] = {
    "text": text.format_report,
    "json": json.format_report,
    "github": github.format_report,
    "sarif": sarif.format_report,
    "junit": junit.format_report,
}

__all__ = ["FORMATTERS", "Formatter"]
