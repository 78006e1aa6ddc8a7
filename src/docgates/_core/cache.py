"""The external-link cache: one SQLite file in the user cache folder, shared by every front.

Each URL's last outcome is stored with the time it was checked. An outcome is reused while it
is younger than its lifetime (``external_cache_hours``: by default successes and redirects for a
week; failures are not reused, so they are checked again on the next run). A cache that cannot
be read is reported and rebuilt, never silently ignored.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outcomes (
    url TEXT PRIMARY KEY,
    outcome TEXT NOT NULL,
    status INTEGER,
    reason TEXT NOT NULL,
    final_url TEXT,
    checked_at REAL NOT NULL
)
"""


def user_cache_dir() -> Path:
    """The platform's per-user cache folder (XDG on Linux, Library/Caches on macOS)."""
    if sys.platform == "win32":  # pragma: no cover - not tested on Windows here
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "docgates" / "Cache"
    if sys.platform == "darwin":  # pragma: no cover
        return Path.home() / "Library" / "Caches" / "docgates"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "docgates"


def default_path() -> Path:
    return user_cache_dir() / "external.sqlite"


@dataclass(frozen=True)
class Cached:
    url: str
    outcome: str
    """``ok``, ``redirect``, ``unverified`` or ``broken``."""
    status: int | None
    reason: str
    final_url: str | None
    checked_at: float


class LinkCache:
    """Outcomes by URL, with per-outcome lifetimes (in hours)."""

    def __init__(self, path: Path, lifetimes: Mapping[str, float]) -> None:
        self.path = path
        self.lifetimes = dict(lifetimes)
        self.problem: str | None = None
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            self.problem = f"the link cache '{self.path}' could not be read ({exc}); rebuilt it"
            self.path.unlink(missing_ok=True)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)
            db.commit()
            db.execute("SELECT count(*) FROM outcomes").fetchone()
        except sqlite3.DatabaseError:
            db.close()  # a corrupt file: let go of it before it is replaced
            raise
        return db

    def get(self, url: str, now: float | None = None, *, any_age: bool = False) -> Cached | None:
        """The stored outcome of ``url`` if it is still fresh for its kind (or of any age,
        for a run that may not use the network)."""
        row = self._db.execute(
            "SELECT url, outcome, status, reason, final_url, checked_at FROM outcomes "
            "WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        cached = Cached(*row)
        if any_age:
            return cached
        hours = self.lifetimes.get(cached.outcome, 0.0)
        if hours <= 0 or (now or time.time()) - cached.checked_at > hours * 3600:
            return None
        return cached

    def put_many(self, entries: Iterable[Cached]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?, ?, ?)",
            [(e.url, e.outcome, e.status, e.reason, e.final_url, e.checked_at) for e in entries],
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()
