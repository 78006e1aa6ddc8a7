"""Turn a :class:`~docgates._core.report.Report` into text for people and machines."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ..report import Report

Formatter = Callable[[Report], str]

#: The output formats, each a module of this package with a ``format_report`` function.
FORMATS = ("github", "json", "junit", "sarif", "text")


def formatter(name: str) -> Formatter:
    """The ``format_report`` function of format ``name`` (imported on first use)."""
    if name not in FORMATS:
        raise KeyError(name)
    module = importlib.import_module(f"{__name__}.{name}")
    function: Formatter = module.format_report
    return function


__all__ = ["FORMATS", "Formatter", "formatter"]
