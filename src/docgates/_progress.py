"""The CLI's views of the engine's progress (``docgates._core.progress``).

- On a terminal (standard error is a TTY): a live rich display of a long step, redrawn in place,
  with the pages done of the total, the current page, the time elapsed and the time left. Long
  means running examples, checking external links, or reading a site of more than
  :data:`MANY_PAGES` pages. It is drawn on standard error and removed when the step ends, so
  the report on standard output is untouched.
- With ``--format github``: each long step is a collapsible log group (``::group::`` ...
  ``::endgroup::``) with a line per tenth of the way and a closing line with the time it took.
- Anywhere else (a pipe, a file, a CI log without ``--format github``): nothing at all.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

from ._core.progress import NULL, Progress

MANY_PAGES = 100
"""Reading more pages than this is a long step; execution and external checks always are."""
ALWAYS = ("Running examples", "Checking external links")
UNITS = {"Checking external links": "URLs"}


def _long(task: str, total: int) -> bool:
    return total > 0 and (task in ALWAYS or total > MANY_PAGES)


class LiveProgress(Progress):
    """A rich progress bar for each long step, on a terminal."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        from rich.console import Console

        self.console = Console(file=stream or sys.stderr, stderr=stream is None)
        self._bar: Any = None
        self._task: Any = None

    def start(self, task: str, total: int) -> None:
        if not _long(task, total):
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        unit = UNITS.get(task, "pages")
        self._bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(unit),
            TextColumn("·"),
            TimeElapsedColumn(),
            TextColumn("elapsed ·"),
            TimeRemainingColumn(),
            TextColumn("left"),
            TextColumn("[dim]{task.fields[current]}"),
            console=self.console,
            transient=True,
            refresh_per_second=8,
        )
        self._bar.start()
        self._task = self._bar.add_task(task, total=total, current="")

    def advance(self, current: str = "", count: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=count, current=current)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


class GroupProgress(Progress):
    """GitHub Actions log groups around each long step, for ``--format github``."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdout
        self._task = ""
        self._total = 0
        self._done = 0
        self._next = 0
        self._started = 0.0

    def start(self, task: str, total: int) -> None:
        if not _long(task, total):
            return
        self._task, self._total, self._done = task, total, 0
        self._next = max(total // 10, 1)
        self._started = time.perf_counter()
        self._write(f"::group::docgates: {task.lower()} ({total} {UNITS.get(task, 'pages')})")

    def advance(self, current: str = "", count: int = 1) -> None:
        if not self._task:
            return
        self._done += count
        if self._done >= self._next and self._done < self._total:
            self._next += max(self._total // 10, 1)
            elapsed = time.perf_counter() - self._started
            self._write(f"{self._done}/{self._total} · {elapsed:.1f}s · {current}")

    def stop(self) -> None:
        if not self._task:
            return
        elapsed = time.perf_counter() - self._started
        unit = UNITS.get(self._task, "pages")
        self._write(f"{self._done}/{self._total} {unit} in {elapsed:.1f}s")
        self._write("::endgroup::")
        self._task = ""

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()


def for_output(fmt: str) -> Progress:
    """The view a ``docgates check`` run gets: live on a terminal, groups for GitHub, or none."""
    if fmt == "github":
        return GroupProgress()
    if sys.stderr.isatty():
        return LiveProgress()
    return NULL
