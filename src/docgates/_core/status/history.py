"""The history store: each build's figures, kept between builds, and the API answer cache.

Two small interfaces, so that a server database can follow without touching the rest:

- :class:`HistoryStore`: ``entries()`` (oldest first) and ``record(entry)`` (one entry per
  commit and branch: a rebuild of the same commit replaces its entry);
- :class:`ResponseCache`: ``get(url)`` and ``put(url, etag, body, final)`` for the GitHub API.

The default, :class:`SqliteStore`, is one SQLite file (standard library, transactional, safe
with two builds on one runner) that the CI keeps between runs. When that file is missing or
empty (a new runner, an expired cache), :func:`read_published` reads the ``history.json`` that
the last deploy published, and its entries seed the store.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

import httpx

from .model import HistoryEntry

SCHEMA = "docgates.history/1"
CACHE_MAX_AGE = 45 * 86400
"""Seconds an unchanged-answer cache entry is kept (the run listings name a date window)."""


@dataclass
class CachedResponse:
    etag: str | None
    body: str
    final: bool


class HistoryStore(Protocol):
    def entries(self) -> list[HistoryEntry]: ...

    def record(self, entry: HistoryEntry) -> None: ...

    def close(self) -> None: ...


class ResponseCache(Protocol):
    def get(self, url: str) -> CachedResponse | None: ...

    def put(self, url: str, etag: str | None, body: str, *, final: bool) -> None: ...


class MemoryStore:
    """Keeps nothing between builds (``history: ""``), and serves tests as a double."""

    def __init__(self) -> None:
        self._entries: list[HistoryEntry] = []
        self._cache: dict[str, CachedResponse] = {}

    def entries(self) -> list[HistoryEntry]:
        return list(self._entries)

    def record(self, entry: HistoryEntry) -> None:
        self._entries = [e for e in self._entries if not _same_build(e, entry)]
        self._entries.append(entry)

    def get(self, url: str) -> CachedResponse | None:
        return self._cache.get(url)

    def put(self, url: str, etag: str | None, body: str, *, final: bool) -> None:
        self._cache[url] = CachedResponse(etag, body, final)

    def close(self) -> None:
        return None


def _same_build(a: HistoryEntry, b: HistoryEntry) -> bool:
    return bool(a.commit) and a.commit == b.commit and a.branch == b.branch


class SqliteStore:
    """History and the API cache in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=30)
        try:
            with self.db:
                self.db.executescript(
                    """
                    CREATE TABLE IF NOT EXISTS builds (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        generated_at TEXT NOT NULL,
                        commit_sha TEXT NOT NULL DEFAULT '',
                        branch TEXT NOT NULL DEFAULT '',
                        data TEXT NOT NULL
                    );
                    CREATE INDEX IF NOT EXISTS builds_commit ON builds (commit_sha, branch);
                    CREATE TABLE IF NOT EXISTS api_cache (
                        url TEXT PRIMARY KEY,
                        etag TEXT,
                        body TEXT NOT NULL,
                        final INTEGER NOT NULL DEFAULT 0,
                        stored_at REAL NOT NULL
                    );
                    """
                )
                self.db.execute(
                    "DELETE FROM api_cache WHERE final = 0 AND stored_at < ?",
                    (time.time() - CACHE_MAX_AGE,),
                )
        except sqlite3.DatabaseError:
            self.db.close()
            raise

    def entries(self) -> list[HistoryEntry]:
        rows = self.db.execute("SELECT data FROM builds ORDER BY generated_at, id").fetchall()
        result = []
        for (data,) in rows:
            try:
                result.append(HistoryEntry.from_dict(json.loads(data)))
            except (ValueError, KeyError, TypeError):
                continue  # a row another version wrote badly: skipped, the rest stays
        return result

    def record(self, entry: HistoryEntry) -> None:
        with self.db:
            if entry.commit:
                self.db.execute(
                    "DELETE FROM builds WHERE commit_sha = ? AND branch = ?",
                    (entry.commit, entry.branch),
                )
            self.db.execute(
                "INSERT INTO builds (generated_at, commit_sha, branch, data) VALUES (?, ?, ?, ?)",
                (entry.generated_at, entry.commit, entry.branch, json.dumps(entry.to_dict())),
            )

    def get(self, url: str) -> CachedResponse | None:
        row = self.db.execute(
            "SELECT etag, body, final FROM api_cache WHERE url = ?", (url,)
        ).fetchone()
        return CachedResponse(row[0], row[1], bool(row[2])) if row else None

    def put(self, url: str, etag: str | None, body: str, *, final: bool) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO api_cache (url, etag, body, final, stored_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (url, etag, body, int(final), time.time()),
            )

    def close(self) -> None:
        self.db.close()


def parse_history_json(text: str) -> list[HistoryEntry]:
    """Entries of a published ``history.json``; ``ValueError`` when it is not one."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"not a {SCHEMA} document")
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise ValueError("'entries' is not a list")
    result = []
    for item in entries:
        if isinstance(item, dict) and _instant(item.get("generated_at")):
            result.append(HistoryEntry.from_dict(item))
    return result


def _instant(value: Any) -> bool:
    """Whether ``value`` is an ISO time the pages can place on a chart."""
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value).astimezone(timezone.utc)
    except (ValueError, OverflowError, OSError):
        return False
    return True


def read_published(source: str, root: Path, *, timeout: float = 10.0) -> list[HistoryEntry]:
    """The entries of a published ``history.json`` at a URL or a local path.

    Raises ``ValueError`` (with the reason) when it cannot be read; a missing page (404) is
    an empty history, since nothing was published yet.
    """
    if source.startswith(("http://", "https://")):
        try:
            response = httpx.get(source, timeout=timeout, follow_redirects=True)
        except httpx.HTTPError as exc:
            raise ValueError(f"could not fetch {source}: {type(exc).__name__}") from None
        if response.status_code == 404:
            return []
        if response.status_code != 200:
            raise ValueError(f"{source} answered {response.status_code}")
        text = response.text
    else:
        path = (root / source).resolve()
        if not path.is_file():
            return []
        text = path.read_text("utf-8")
    try:
        return parse_history_json(text)
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from None


def history_document(entries: list[HistoryEntry], limit: int) -> dict[str, Any]:
    """The ``history.json`` document: the newest ``limit`` entries, oldest first."""
    kept = entries[-limit:] if limit > 0 else entries
    return {"schema": SCHEMA, "entries": [e.to_dict() for e in kept]}
