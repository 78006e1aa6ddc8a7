"""The history in PostgreSQL: many repositories and branches in one database.

:class:`PostgresStore` is a :class:`~.history.HistoryStore` and a
:class:`~.history.ResponseCache`, like the SQLite file, scoped to one site: it reads and writes
the builds of its repository only (every branch, as a SQLite file of that repository holds
them: a pull request's page compares with the default branch), and the GitHub answers of its
repository. The
schema is created and upgraded by ``docgates db upgrade`` (:mod:`.migrations`), never by a
build: a build that finds the database at another version stops with a clear error.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..dsn import one_line, redact
from ..errors import DocgatesError
from .history import CACHE_MAX_AGE, CachedResponse
from .migrations import LATEST, connect, current_version
from .model import HistoryEntry

if TYPE_CHECKING:
    import psycopg


class PostgresStore:
    """History and the API answer cache of one repository, in PostgreSQL."""

    def __init__(self, url: str, repository: str) -> None:
        import psycopg

        self.url = url
        self.repository = repository
        self.conn: psycopg.Connection[tuple[object, ...]] = connect(url)
        try:
            version = current_version(self.conn)
            self.conn.commit()
            if version != LATEST:
                self.conn.close()
                raise DocgatesError(self._version_problem(version))
            with self.conn.transaction():
                self.conn.execute(
                    "DELETE FROM docgates.api_cache WHERE repository = %s AND NOT final "
                    "AND stored_at < now() - make_interval(secs => %s)",
                    (repository, CACHE_MAX_AGE),
                )
        except psycopg.Error as exc:
            self.conn.close()
            raise self._error("cannot open", exc) from None

    def _version_problem(self, version: int) -> str:
        where = f"the history database '{redact(self.url)}'"
        if version == 0:
            return (
                f"{where} has no docgates schema yet; create it with "
                "'docgates db upgrade URL' (the CD workflow's migration job does)"
            )
        if version < LATEST:
            return (
                f"{where} is at schema version {version} and this docgates needs {LATEST}; "
                "run 'docgates db upgrade URL' first"
            )
        return (
            f"{where} is at schema version {version}, newer than this docgates knows "
            f"({LATEST}): upgrade docgates"
        )

    def _error(self, doing: str, exc: Exception) -> DocgatesError:
        return DocgatesError(f"{doing} the history database '{redact(self.url)}': {one_line(exc)}")

    # -- HistoryStore ------------------------------------------------------------------------
    def entries(self) -> list[HistoryEntry]:
        import psycopg

        try:
            rows = self.conn.execute(
                "SELECT data FROM docgates.builds WHERE repository = %s ORDER BY generated_at, id",
                (self.repository,),
            ).fetchall()
            self.conn.commit()
        except psycopg.Error as exc:
            raise self._error("cannot read", exc) from None
        result = []
        for (data,) in rows:
            try:
                result.append(HistoryEntry.from_dict(_as_dict(data)))
            except (ValueError, KeyError, TypeError):
                continue  # a row another version wrote badly: skipped, the rest stays
        return result

    def record(self, entry: HistoryEntry) -> None:
        import psycopg

        try:
            with self.conn.transaction():
                self.conn.execute(
                    "INSERT INTO docgates.builds "
                    "(repository, branch, commit_sha, generated_at, data) "
                    "VALUES (%s, %s, %s, %s, %s) "
                    "ON CONFLICT (repository, branch, commit_sha) WHERE commit_sha <> '' "
                    "DO UPDATE SET generated_at = excluded.generated_at, data = excluded.data",
                    (
                        self.repository,
                        entry.branch,
                        entry.commit,
                        entry.generated_at,
                        json.dumps(entry.to_dict()),
                    ),
                )
        except psycopg.Error as exc:
            raise self._error("cannot write to", exc) from None

    # -- ResponseCache -----------------------------------------------------------------------
    def get(self, url: str) -> CachedResponse | None:
        import psycopg

        try:
            row = self.conn.execute(
                "SELECT etag, body, final FROM docgates.api_cache "
                "WHERE repository = %s AND url = %s",
                (self.repository, url),
            ).fetchone()
            self.conn.commit()
        except psycopg.Error as exc:
            raise self._error("cannot read", exc) from None
        if row is None:
            return None
        etag, body, final = row
        return CachedResponse(etag if isinstance(etag, str) else None, str(body), bool(final))

    def put(self, url: str, etag: str | None, body: str, *, final: bool) -> None:
        import psycopg

        try:
            with self.conn.transaction():
                self.conn.execute(
                    "INSERT INTO docgates.api_cache "
                    "(repository, url, etag, body, final, stored_at) "
                    "VALUES (%s, %s, %s, %s, %s, now()) "
                    "ON CONFLICT (repository, url) DO UPDATE SET etag = excluded.etag, "
                    "body = excluded.body, final = excluded.final, stored_at = now()",
                    (self.repository, url, etag, body, final),
                )
        except psycopg.Error as exc:
            raise self._error("cannot write to", exc) from None

    def close(self) -> None:
        self.conn.close()


def _as_dict(data: object) -> dict[str, object]:
    value = json.loads(data) if isinstance(data, (str, bytes)) else data
    if not isinstance(value, dict):
        raise TypeError("not an object")
    return value
