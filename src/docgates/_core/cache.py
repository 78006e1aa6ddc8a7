"""The external-link cache: one SQLite file in the user cache folder, shared by every front.

Each URL's last outcome is stored with the time it was checked. An outcome is reused while it
is younger than its lifetime (``external_cache_hours``: by default successes and redirects for a
week; failures are not reused, so they are checked again on the next run). A cache that cannot
be read is reported and rebuilt, never silently ignored.

A cache is a convenience, never a reason to stop: a location that cannot be used (a cache
folder that is a file, a read-only home, a database that cannot be written) is said once, and
the run keeps its outcomes in memory instead. Nothing secret is stored: URLs are kept without
their credentials (``user:pass@``) and with the values of query parameters that carry secrets
(``token``, ``key``, ``signature``...) replaced (:func:`public_url`), reasons likewise
(:func:`public_text`), and the file and its folder are readable by their owner only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .urltext import secret_name

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
_VERSION = 1
"""``PRAGMA user_version`` of a cache whose rows hold no secrets (older files are scrubbed)."""

REDACTED = "REDACTED"
_secret_name = secret_name


def _secrets(url: str) -> list[str]:
    """The parts of ``url`` that are secret: its user info, and secret query values."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found = []
    if "@" in parts.netloc:
        found.append(parts.netloc.rpartition("@")[0])
    for pair in parts.query.split("&"):
        name, equals, value = pair.partition("=")
        if equals and value and _secret_name(name):
            found.append(value)
    return [s for s in found if s]


def public_url(url: str) -> str:
    """``url`` as the cache keeps it: no ``user:pass@``, secret query values replaced.

    A URL that cannot be parsed is kept as a hash of itself (it may hold anything).
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port, as a request would
    except ValueError:
        return "malformed:" + hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()
    netloc = parts.netloc.rpartition("@")[2]
    query = "&".join(
        f"{name}={REDACTED}" if equals and value and _secret_name(name) else pair
        for pair in parts.query.split("&")
        for name, equals, value in [pair.partition("=")]
    )
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def public_text(text: str, *urls: str | None) -> str:
    """``text`` (an outcome's reason) with every secret of ``urls`` in it replaced."""
    for url in urls:
        for secret in _secrets(url or ""):
            text = text.replace(secret, REDACTED)
    return text


def user_cache_dir() -> Path:
    """The platform's per-user cache folder (XDG on Linux, Library/Caches on macOS).

    ``XDG_CACHE_HOME`` counts only when it is an absolute path, as the XDG spec says.
    """
    if sys.platform == "win32":  # pragma: no cover - not tested on Windows here
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "docgates" / "Cache"
    if sys.platform == "darwin":  # pragma: no cover
        return Path.home() / "Library" / "Caches" / "docgates"
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = str(Path.home() / ".cache")
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
    """Outcomes by URL, with per-outcome lifetimes (in hours).

    ``problem`` says what went wrong with the file, if anything: it was rebuilt, or it could
    not be used and this run keeps its outcomes in memory.
    """

    def __init__(self, path: Path, lifetimes: Mapping[str, float]) -> None:
        self.path = path
        self.lifetimes = dict(lifetimes)
        self.problem: str | None = None
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            _private_file(self.path)
            try:
                return self._connect(str(self.path))
            except sqlite3.DatabaseError as exc:
                if not self.path.is_file():
                    raise
                self.problem = f"the link cache '{self.path}' could not be read ({exc}); rebuilt it"
                self.path.unlink(missing_ok=True)
                _private_file(self.path)
                return self._connect(str(self.path))
        except (OSError, sqlite3.Error) as exc:
            return self._in_memory(exc)

    def _in_memory(self, exc: BaseException) -> sqlite3.Connection:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        self.problem = (
            f"the link cache '{self.path}' cannot be used ({reason}); this run keeps what it "
            "checks in memory only"
        )
        return self._connect(":memory:")

    def _connect(self, where: str) -> sqlite3.Connection:
        db = sqlite3.connect(where, timeout=10)
        try:
            if where != ":memory:":
                db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)
            db.commit()
            db.execute("SELECT count(*) FROM outcomes").fetchone()
            if db.execute("PRAGMA user_version").fetchone()[0] < _VERSION:
                _scrub(db)
        except sqlite3.Error:
            db.close()  # a corrupt file: let go of it before it is replaced
            raise
        return db

    def _failed(self, exc: sqlite3.Error) -> None:
        """The file broke during the run (disk full, deleted, locked): go on in memory."""
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        self._db = self._in_memory(exc)

    def get(self, url: str, now: float | None = None, *, any_age: bool = False) -> Cached | None:
        """The stored outcome of ``url`` if it is still fresh for its kind (or of any age,
        for a run that may not use the network)."""
        query = (
            "SELECT url, outcome, status, reason, final_url, checked_at FROM outcomes WHERE url = ?"
        )
        try:
            row = self._db.execute(query, (public_url(url),)).fetchone()
        except sqlite3.Error as exc:
            self._failed(exc)
            return None
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
        rows = [_row(e) for e in entries]
        try:
            self._store(rows)
        except sqlite3.Error as exc:
            self._failed(exc)
            self._store(rows)

    def _store(self, rows: list[tuple[object, ...]]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?, ?, ?)", rows)
        self._db.commit()

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()


def _row(entry: Cached) -> tuple[object, ...]:
    """What is stored of ``entry``: no credentials, no secret query values."""
    final = public_url(entry.final_url) if entry.final_url else None
    reason = public_text(entry.reason, entry.url, entry.final_url)
    return (public_url(entry.url), entry.outcome, entry.status, reason, final, entry.checked_at)


def _private_file(path: Path) -> None:
    """Make ``path`` (and its folder) exist, readable and writable by their owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        info = os.fstat(handle)
        if info.st_mode & 0o077 and hasattr(os, "fchmod") and info.st_uid == os.geteuid():
            os.fchmod(handle, 0o600)  # an older cache file, made before this rule
    finally:
        os.close(handle)


def _scrub(db: sqlite3.Connection) -> None:
    """Rewrite rows an older docgates stored with credentials in them, then mark the file."""
    rows = db.execute("SELECT url, outcome, status, reason, final_url, checked_at FROM outcomes")
    dirty = [Cached(*row) for row in rows if _row(Cached(*row))[:5] != tuple(row)[:5]]
    with db:
        db.executemany("DELETE FROM outcomes WHERE url = ?", [(c.url,) for c in dirty])
        db.executemany(
            "INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?, ?, ?)", map(_row, dirty)
        )
        db.execute(f"PRAGMA user_version = {_VERSION}")
