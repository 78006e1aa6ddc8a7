"""When docgates itself fails on a page: a finding on that page, and the run goes on.

A bug in a gate (or in reading one page) must not cost the findings of every other page, nor
be confused with a documentation problem: it becomes ``docgates/internal-error`` on the page
where it happened, with the exception's type, message and last frame and a hint to report it.
The full traceback is kept on the report, for ``--debug``.
"""

from __future__ import annotations

import os
import traceback

from . import findings
from .findings import Finding
from .urltext import scrub

ISSUES = "https://github.com/docgates/docgates/issues"


def where(exc: BaseException) -> str:
    """The last frame of ``exc``'s traceback, as ``file:line in function`` (docgates' own
    files shortened to their package path)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "no traceback"
    last = frames[-1]
    name = last.filename.replace(os.sep, "/")
    for marker in ("/site-packages/", "/src/"):
        if marker in name:
            name = name.rsplit(marker, 1)[1]
            break
    return f"{name}:{last.lineno} in {last.name}"


def describe(exc: BaseException) -> str:
    """``Type: message (at file:line in function)``, on one line."""
    message = scrub(" ".join(str(exc).split()))[:300]
    kind = type(exc).__name__
    return f"{kind}: {message} (at {where(exc)})" if message else f"{kind} (at {where(exc)})"


def internal_error(path: str, exc: BaseException, doing: str) -> Finding:
    """The finding for ``exc``, raised while ``doing`` (e.g. "reading this page")."""
    return findings.make(
        "docgates/internal-error",
        path,
        None,
        None,
        f"docgates failed while {doing}: {describe(exc)}",
        hint="This is a bug in docgates, not in the page: please report it with this message "
        f"at {ISSUES} ('--debug' prints the traceback). The other pages were checked.",
    )


def format_traceback(path: str, exc: BaseException) -> str:
    return f"{path}:\n" + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
