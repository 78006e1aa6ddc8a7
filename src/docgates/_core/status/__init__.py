"""The status gate: CI status and coverage pages, status.json, history.json and badges.

Inputs (each optional): JUnit XML, coverage.py data, the GitHub Actions API and the history
store. :func:`collect` reads them into a :class:`Snapshot` and the gate findings;
:func:`site_files` draws every output from that snapshot. The MkDocs plugin and
``docgates status`` are thin fronts over these two calls.
"""

from __future__ import annotations

from .collect import Collected, collect
from .model import Snapshot
from .outputs import html_report_files, site_files, status_document
from .summary import summary

__all__ = [
    "Collected",
    "Snapshot",
    "collect",
    "html_report_files",
    "site_files",
    "status_document",
    "summary",
]
