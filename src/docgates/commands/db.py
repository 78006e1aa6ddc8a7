"""``docgates db``: the PostgreSQL history database's schema (create, upgrade, verify).

``URL`` defaults to ``$DOCGATES_HISTORY_URL``, so a workflow passes the secret through the
environment rather than on a command line.
"""

from __future__ import annotations

import os
import sys

import click

from .._core.dsn import is_postgres, redact


def _url(url: str | None) -> str:
    url = url or os.environ.get("DOCGATES_HISTORY_URL", "")
    if not url:
        raise click.UsageError("give the database URL, or set DOCGATES_HISTORY_URL")
    if not is_postgres(url):
        raise click.UsageError(
            f"'{redact(url)}' is not a PostgreSQL URL (postgresql://user@host:5432/db); "
            "a SQLite history file needs no migration"
        )
    return url


@click.group()
def db() -> None:
    """The schema of a PostgreSQL history database shared by many repositories."""


@db.command()
@click.argument("url", required=False)
@click.option(
    "--to",
    "target",
    type=click.IntRange(min=0),
    help="Stop at this schema version (default: the latest this docgates knows).",
)
def upgrade(url: str | None, target: int | None) -> None:
    """Create or upgrade the docgates schema in the database at URL.

    All missing migrations are applied in one transaction: if one fails, nothing is changed.
    Running it again when the schema is current changes nothing.
    """
    from .._core.status.migrations import upgrade as run_upgrade

    url = _url(url)
    result = run_upgrade(url, target)
    where = redact(url)
    if not result.applied:
        click.echo(f"{where}: already at schema version {result.after}; nothing to do")
        return
    for migration in result.applied:
        click.echo(f"applied migration {migration.version}: {migration.name}")
    click.echo(f"{where}: schema version {result.before} -> {result.after}")


@db.command()
@click.argument("url", required=False)
@click.option(
    "--check",
    is_flag=True,
    help="Exit with code 1 unless the schema is the version this docgates needs.",
)
def current(url: str | None, check: bool) -> None:
    """Print the schema version of the database at URL (0: never upgraded)."""
    from .._core.status.migrations import LATEST, version_of

    url = _url(url)
    version = version_of(url)
    state = (
        "current"
        if version == LATEST
        else f"behind: this docgates needs {LATEST}"
        if version < LATEST
        else f"newer than this docgates ({LATEST})"
    )
    click.echo(f"{version} ({state})")
    if check and version != LATEST:
        sys.exit(1)
