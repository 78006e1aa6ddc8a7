"""Keep the working folder off ``sys.path`` under ``python -m docgates``."""

from __future__ import annotations

import os
import sys


def drop_working_folder() -> None:
    """Remove the entry ``python -m`` puts first on ``sys.path`` (``''`` or the working
    folder), as pip's ``__main__`` does: docgates reads a project, it never imports from it."""
    if not sys.path:
        return
    first = sys.path[0]
    try:
        here = os.getcwd()
    except OSError:  # the working folder was deleted
        here = None
    if first in ("", ".") or (here is not None and os.path.abspath(first) == here):
        del sys.path[0]
