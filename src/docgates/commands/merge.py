"""``docgates merge``: the shards of a CI matrix, reported as one run."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .._core.formatters import FORMATS


@click.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--strict", is_flag=True, help="Fail (exit code 1) on warnings too, as the shards did."
)
def merge(reports: tuple[Path, ...], fmt: str, output: Path | None, strict: bool) -> None:
    """Merge the JSON REPORTS of 'docgates check --shard K/N --format json', K = 1..N.

    Prints what one run over the whole site prints, and exits as it would: 0 when no finding
    is an error (with --strict, nor a warning), 1 when one is, 2 when a shard is missing,
    repeated or of another run.
    """
    from .._core import merge as merging
    from ..cli import _emit, failed

    shards = [merging.load(path) for path in reports]
    root = (Path.cwd() / shards[0].root).resolve()
    report = merging.merge(shards, root)
    _emit([(root, report)], fmt, output)
    sys.exit(1 if failed(report, strict=strict) else 0)
