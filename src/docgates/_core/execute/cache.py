"""The execution cache: blocks that passed, so unchanged pages are not run again.

A key is a hash of the block (code, expectations, options), of every block run before it in its
page's process, and of the environment: the Python version, the installed distributions (with
the files of editable installs), the files of the ``pythonpath`` folders (modules and the data
a block may read, not the pages) and the setup file. Only passes are stored, with the time
they were stored; a failure always runs again.

The cache is one SQLite file (the standard library's ``sqlite3``), safe to share between
processes such as pytest-xdist workers. A file that cannot be read as a cache is logged,
deleted and rebuilt: never trusted and never fatal.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

_SCHEMA = "CREATE TABLE IF NOT EXISTS passed (key TEXT PRIMARY KEY, stored REAL NOT NULL)"
_PRUNED = frozenset(
    {"__pycache__", "node_modules", "site-packages", "build", "dist", "site", "venv", "env"}
)
_MAX_FILES = 20_000


class ResultCache:
    """Keys of blocks that passed, in ``directory/execute.sqlite3``."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "execute.sqlite3"
        self.problem: str | None = None
        """What was wrong with the cache file, if it had to be rebuilt."""
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._open()
            except sqlite3.DatabaseError as exc:
                self._rebuild(exc)
                self._db = self._open()
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute(_SCHEMA)
            db.execute("SELECT count(*) FROM passed").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _rebuild(self, exc: Exception) -> None:
        self.problem = f"the execution cache '{self.path}' could not be read ({exc}); rebuilt it"
        # No logging here: the run's notices carry it to the front that prints.
        with contextlib.suppress(OSError):
            self.path.unlink()

    def known(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` passed before."""
        found: set[str] = set()
        try:
            db = self._connect()
            for key in dict.fromkeys(keys):
                if db.execute("SELECT 1 FROM passed WHERE key = ?", (key,)).fetchone():
                    found.add(key)
        except sqlite3.DatabaseError as exc:
            self._reset(exc)
            return set()
        return found

    def store(self, keys: Iterable[str]) -> None:
        rows = [(key, time.time()) for key in dict.fromkeys(keys)]
        if not rows:
            return
        try:
            db = self._connect()
            with _transaction(db):
                db.executemany("INSERT OR REPLACE INTO passed VALUES (?, ?)", rows)
        except sqlite3.DatabaseError as exc:
            self._reset(exc)

    def _reset(self, exc: Exception) -> None:
        self.close()
        self._rebuild(exc)

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def environment_key(
    *, pythonpath: Iterable[Path], setup: Path | None, extra: dict[str, object]
) -> str:
    """A hash of what a block's result depends on besides its page."""
    digest = hashlib.sha256()
    digest.update(sys.version.encode())
    digest.update(sys.executable.encode())
    digest.update(json.dumps(extra, sort_keys=True, default=str).encode())
    editable: list[Path] = []
    names = []
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"] or ""
        names.append(f"{name}=={dist.version}")
        location = _editable_location(dist)
        if location is not None:
            editable.append(location)
    for line in sorted(names):
        digest.update(line.encode())
    for folder in sorted({*editable, *pythonpath}):
        digest.update(_tree_stamp(folder).encode())
    if setup is not None:
        try:
            digest.update(setup.read_bytes())
        except OSError:
            digest.update(b"<no setup>")
    return digest.hexdigest()


def _editable_location(dist: importlib.metadata.Distribution) -> Path | None:
    try:
        text = dist.read_text("direct_url.json")
    except OSError:
        return None
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not (isinstance(data, dict) and data.get("dir_info", {}).get("editable")):
        return None
    url = urlparse(str(data.get("url", "")))
    return Path(unquote(url.path)) if url.scheme == "file" else None


_PAGES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")


def _tree_stamp(folder: Path) -> str:
    """Names, sizes and modification times of the files under ``folder`` a block may read:
    every file (Python modules, and data such as ``data.json``), but pages (their blocks are
    keyed on their own), hidden and build folders, and what the folder's ``.gitignore``
    ignores (reports, caches and other outputs a run rewrites)."""
    ignored = _gitignore(folder)
    parts = [str(folder)]
    count = 0
    for top, dirs, files in os.walk(folder):
        rel_top = os.path.relpath(top, folder).replace(os.sep, "/")
        rel_top = "" if rel_top == "." else rel_top + "/"
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in _PRUNED
            and not (ignored is not None and ignored.match_file(f"{rel_top}{d}/"))
        )
        for name in sorted(files):
            if name.endswith(_PAGES) or name.startswith("."):
                continue
            if ignored is not None and ignored.match_file(rel_top + name):
                continue
            path = os.path.join(top, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
            count += 1
            if count >= _MAX_FILES:
                return "\n".join(parts)
    return "\n".join(parts)


def _gitignore(folder: Path) -> Any:
    """The patterns of ``folder/.gitignore`` (a pathspec), or ``None``."""
    try:
        text = (folder / ".gitignore").read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(text.splitlines())
