"""How far a long run is, as events: a task starts with a total, items finish, the task ends.

The engine and the gates report to a :class:`Progress`; only a front draws it (the CLI, with a
live display on a terminal). The default, :data:`NULL`, ignores everything, so the plugins, the
pytest plugin and the API pay nothing.

Work in forked children (the CLI checks big sites in worker processes) is counted through
:class:`SharedCount`: the children add to a counter in shared memory, and the parent reads it
while it waits (:func:`pass_on`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any


class Progress:
    """Receives progress; this base class ignores it."""

    def start(self, task: str, total: int) -> None:
        """A task of ``total`` items begins (``Checking pages``, ``Running examples``...)."""

    def advance(self, current: str = "", count: int = 1) -> None:
        """``count`` items of the task are done; ``current`` names the last one."""

    def stop(self) -> None:
        """The task is over (finished or not)."""


NULL = Progress()


@contextlib.contextmanager
def task(progress: Progress, name: str, total: int) -> Iterator[Progress]:
    """``start`` ... ``stop`` around a block, whatever happens inside it."""
    progress.start(name, total)
    try:
        yield progress
    finally:
        progress.stop()


class SharedCount(Progress):
    """What a forked child reports: a count (and the last item's index) in shared memory."""

    def __init__(self) -> None:
        import multiprocessing  # only where pages are checked in forked workers

        context = multiprocessing.get_context("fork")
        self.done: Any = context.Value("i", 0)
        self.last: Any = context.Value("i", -1)
        self.names: list[str] = []
        self._index: dict[str, int] = {}

    def track(self, names: list[str]) -> None:
        """The items' names, set before the children fork (they share them by the fork)."""
        self.names = list(names)
        self._index = {name: i for i, name in enumerate(self.names)}

    def advance(self, current: str = "", count: int = 1) -> None:
        with self.done.get_lock():
            self.done.value += count
        self.last.value = self._index.get(current, self.last.value)

    def read(self) -> tuple[int, str]:
        """How many items are done, and the name of the last one."""
        index = self.last.value
        return self.done.value, self.names[index] if 0 <= index < len(self.names) else ""


def pass_on(
    shared: SharedCount, progress: Progress, wait: Callable[[float], bool], every: float = 0.1
) -> None:
    """Pass ``shared``'s count on to ``progress`` until ``wait(every)`` says the work is done."""
    seen = 0
    while True:
        finished = wait(every)
        done, current = shared.read()
        if done > seen:
            progress.advance(current, done - seen)
            seen = done
        if finished:
            return
