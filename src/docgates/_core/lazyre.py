"""Regular expressions compiled on first use.

The CLI starts on every pre-commit run; compiling every pattern of every module at import time
costs more than most runs need (a page without snippets never needs the snippet patterns).
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """A ``re.Pattern`` stand-in that compiles on first attribute access."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(self._pattern, self._flags)
        # Cache the compiled pattern's methods on the instance: later lookups are plain
        # attribute hits, and __getattr__ is not called again for them.
        for attr in ("match", "search", "fullmatch", "finditer", "findall", "sub", "split"):
            setattr(self, attr, getattr(compiled, attr))
        return getattr(compiled, name)


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern compiled the first time it is used (typed as a ``re.Pattern``)."""
    return LazyPattern(pattern, flags)  # type: ignore[return-value]
