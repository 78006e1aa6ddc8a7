"""The PostgreSQL history schema: versioned migrations, applied all or nothing.

The schema lives in its own PostgreSQL schema, ``docgates``, next to whatever else the
database holds. ``docgates.schema_migrations`` lists the versions applied. :func:`upgrade`
applies the missing ones in order, all in one transaction (each in a savepoint of its own, so
the error names the one that failed): when any fails, PostgreSQL rolls everything back and the
database is as it was before the upgrade, data and schema. Running it again when nothing is
missing changes nothing. An advisory lock keeps two upgrades of one database from running at
once, and ``lock_timeout`` keeps one from waiting forever behind a long query.

A migration is only ever added, never edited once released: databases out there are at each
version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..dsn import one_line, redact
from ..errors import DocgatesError

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "builds of many repositories and branches, and the GitHub answer cache",
        (
            """CREATE TABLE docgates.builds (
                id bigserial PRIMARY KEY,
                repository text NOT NULL,
                branch text NOT NULL DEFAULT '',
                commit_sha text NOT NULL DEFAULT '',
                generated_at timestamptz NOT NULL,
                data jsonb NOT NULL
            )""",
            # A rebuild of the same commit on the same branch replaces its entry.
            """CREATE UNIQUE INDEX builds_one_per_commit
                ON docgates.builds (repository, branch, commit_sha) WHERE commit_sha <> ''""",
            "CREATE INDEX builds_by_site ON docgates.builds (repository, branch, generated_at)",
            """CREATE TABLE docgates.api_cache (
                repository text NOT NULL,
                url text NOT NULL,
                etag text,
                body text NOT NULL,
                final boolean NOT NULL DEFAULT false,
                stored_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (repository, url)
            )""",
        ),
    ),
    Migration(
        2,
        "figures as columns, and the latest build of every repository and branch",
        (
            # Stored generated columns: dashboards across repositories query them without
            # parsing JSON. A row whose figure is not a number makes this migration fail (and
            # the whole upgrade roll back) rather than lose it.
            """ALTER TABLE docgates.builds
                ADD COLUMN coverage double precision
                    GENERATED ALWAYS AS ((data ->> 'coverage')::double precision) STORED,
                ADD COLUMN tests_failed integer
                    GENERATED ALWAYS AS ((data -> 'tests' ->> 'failed')::integer) STORED""",
            """CREATE VIEW docgates.latest AS
                SELECT DISTINCT ON (repository, branch)
                    repository, branch, commit_sha, generated_at, coverage, tests_failed
                FROM docgates.builds
                ORDER BY repository, branch, generated_at DESC, id DESC""",
        ),
    ),
)

LATEST = MIGRATIONS[-1].version
_LOCK_KEY = 0x646F6367  # "docg": the advisory lock of docgates' upgrades


def connect(
    url: str, *, what: str = "the history database"
) -> psycopg.Connection[tuple[object, ...]]:
    """A connection to ``url``; a one-line :class:`DocgatesError` when there is none."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is in the test extra
        raise DocgatesError(
            f"{what} '{redact(url)}' is a PostgreSQL URL, which needs psycopg: "
            "pip install 'docgates[postgres]'"
        ) from None
    try:
        return psycopg.connect(url, connect_timeout=10, application_name="docgates")
    except psycopg.Error as exc:
        raise DocgatesError(f"cannot connect to {what} '{redact(url)}': {one_line(exc)}") from None
    except ValueError as exc:  # a malformed URL (psycopg's conninfo parser)
        raise DocgatesError(f"{what} URL '{redact(url)}' is not usable: {exc}") from None


def current_version(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    """The schema version of the database (0: docgates never upgraded it)."""
    row = conn.execute("SELECT to_regclass('docgates.schema_migrations') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    row = conn.execute(
        "SELECT coalesce(max(version), 0) FROM docgates.schema_migrations"
    ).fetchone()
    return int(row[0]) if row else 0  # type: ignore[call-overload]


@dataclass(frozen=True)
class UpgradeResult:
    before: int
    after: int
    applied: tuple[Migration, ...]


def upgrade(
    url: str,
    target: int | None = None,
    migrations: Sequence[Migration] = MIGRATIONS,
) -> UpgradeResult:
    """Bring the database at ``url`` to ``target`` (default: the latest), all or nothing."""
    import psycopg

    known = max(m.version for m in migrations)
    target = known if target is None else target
    if target not in {0, *(m.version for m in migrations)}:
        raise DocgatesError(f"there is no schema version {target}; the latest is {known}")
    with connect(url) as conn:
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
                conn.execute("SET LOCAL lock_timeout = '30s'")
                before = current_version(conn)
                if before > known:
                    raise DocgatesError(
                        f"the database is at schema version {before}, newer than this "
                        f"docgates knows ({known}): upgrade docgates"
                    )
                if target < before:
                    raise DocgatesError(
                        f"the database is at schema version {before}; docgates does not "
                        f"downgrade to {target}"
                    )
                pending = tuple(m for m in migrations if before < m.version <= target)
                if pending and before == 0:
                    conn.execute("CREATE SCHEMA IF NOT EXISTS docgates")
                    conn.execute(
                        """CREATE TABLE IF NOT EXISTS docgates.schema_migrations (
                            version integer PRIMARY KEY,
                            name text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now()
                        )"""
                    )
                for migration in pending:
                    _apply(conn, migration, before)
        except psycopg.Error as exc:
            raise DocgatesError(
                f"upgrading '{redact(url)}' failed: {one_line(exc)}; nothing was changed"
            ) from None
    return UpgradeResult(before, max(before, target), pending)


def _apply(conn: psycopg.Connection[tuple[object, ...]], migration: Migration, before: int) -> None:
    import psycopg

    try:
        with conn.transaction():  # a savepoint inside the upgrade's transaction
            for statement in migration.statements:
                conn.execute(statement)  # our own SQL, no input
            conn.execute(
                "INSERT INTO docgates.schema_migrations (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
    except psycopg.Error as exc:
        raise DocgatesError(
            f"migration {migration.version} ({migration.name}) failed: {one_line(exc)}; "
            f"the upgrade was rolled back and the database is unchanged at version {before}"
        ) from None


def version_of(url: str) -> int:
    """The schema version of the database at ``url``."""
    import psycopg

    with connect(url) as conn:
        try:
            return current_version(conn)
        except psycopg.Error as exc:
            raise DocgatesError(
                f"cannot read the schema version of '{redact(url)}': {one_line(exc)}"
            ) from None
