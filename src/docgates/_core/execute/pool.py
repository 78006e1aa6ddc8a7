"""The checker side of execution: a pool of worker processes, started once and reused.

Each worker is a fresh interpreter (the same Python as the checker) running ``worker.py``: it
runs the site's ``setup`` file once, then forks a clean child per page. The pool hands pages to
idle workers, collects each block's result as it comes, restarts a worker that dies, and kills
one that stops answering. Pools live as long as the checking process (``mkdocs serve`` reuses
them for every rebuild) and are closed at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, DocgatesError
from . import contain
from . import worker as protocol

# The worker file is run by path, under its own module name, without importing the package.
BOOT = (
    "import runpy, sys; "
    "runpy.run_path(sys.argv[1], run_name='docgates._core.execute.worker')['main']()"
)
WORKER_PATH = str(Path(protocol.__file__).resolve())
_START_TIMEOUT = 120.0
_GUARD = 30.0
"""Seconds past the sum of a page's timeouts before the pool gives up on its worker."""

Message = dict[str, Any]


@dataclass(frozen=True)
class PoolConfig:
    """What a worker is started with; a change starts a new pool."""

    root: str
    pythonpath: tuple[str, ...] = ()
    setup: str | None = None
    setup_stamp: str = ""
    size: int = 1
    python: str = field(default_factory=lambda: sys.executable)
    pass_env: tuple[str, ...] = ()
    """Variables passed to the blocks although their names look secret."""


class _Process:
    """One worker process and the page it is running."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        self.popen = popen
        assert popen.stdout is not None
        assert popen.stdin is not None
        self.rfd = popen.stdout.fileno()
        self.wfd = popen.stdin.fileno()
        self.job: Message | None = None
        self.deadline = float("inf")

    def send(self, message: Message) -> bool:
        try:
            protocol.write_frame(self.wfd, message)
        except OSError:
            return False
        return True

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            assert self.popen.stdin is not None
            self.popen.stdin.close()
        try:
            self.popen.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
        self._close_pipes()

    def kill(self) -> None:
        # The worker reaps what its pages orphan: kill its descendants while it is alive to
        # see them (once it is gone they belong to init), then the worker.
        for _ in range(20):
            found = contain.descendants(self.popen.pid)
            if not found:
                break
            contain.kill_all(found)
            time.sleep(0.002)
        with contextlib.suppress(OSError):
            os.killpg(self.popen.pid, 9)
        with contextlib.suppress(OSError):
            self.popen.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.popen.stdin, self.popen.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()


class WorkerPool:
    """Worker processes for one configuration; :meth:`run` runs pages on them."""

    def __init__(self, config: PoolConfig) -> None:
        if not hasattr(os, "fork"):  # pragma: no cover - Windows
            raise DocgatesError("running blocks needs os.fork (Linux or macOS)")
        self.config = config
        self.tmp = tempfile.mkdtemp(prefix="docgates-exec-")
        self.processes: list[_Process] = []
        self.booting: list[_Process] = []
        self.lock = threading.Lock()
        self.started = 0
        self._on_done: Callable[[int], None] | None = None

    # -- processes ---------------------------------------------------------------------------
    def start(self, count: int) -> None:
        """Start workers up to ``count`` without waiting for them (they boot while the caller
        goes on, e.g. planning pages); :meth:`run` waits for them."""
        with self.lock:
            missing = min(count, self.config.size) - len(self.processes) - len(self.booting)
            if missing > 0:
                self.booting.extend(self._launch(missing))

    def _spawn(self, count: int) -> list[_Process]:
        spawned = self._launch(count)
        self._settle(spawned)
        return spawned

    def _settle(self, spawned: list[_Process]) -> None:
        for process in spawned:
            self._await_ready(process, spawned)
        self.started += len(spawned)

    def _launch(self, count: int) -> list[_Process]:
        env = example_environment(os.environ, self.config.pass_env)
        spawned = []
        for _ in range(count):
            popen = subprocess.Popen(
                [self.config.python, "-c", BOOT, WORKER_PATH],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=self.tmp,
                env=env,
                start_new_session=True,
            )
            spawned.append(_Process(popen))
        init = {"path": list(self.config.pythonpath), "setup": self.config.setup}
        for process in spawned:
            process.send({"op": "init", **init})
        return spawned

    def _await_ready(self, process: _Process, batch: list[_Process]) -> None:
        ready = _wait_readable(process.rfd, _START_TIMEOUT)
        message = protocol.read_frame(process.rfd) if ready else None
        if message is not None and message.get("op") == "ready":
            return
        for other in batch:
            other.kill()
        if message is not None and message.get("op") == "setup-error":
            error = message.get("error", {}).get("error", {})
            raise ConfigError(
                f"the setup file raised {error.get('type', 'an exception')}: "
                f"{error.get('message', '')}".rstrip(": "),
                path=self.config.setup,
                key="code.setup",
            )
        raise DocgatesError("a docgates worker process did not start")

    def _ensure(self, count: int) -> None:
        if self.booting:
            booting, self.booting = self.booting, []
            self._settle(booting)
            self.processes.extend(booting)
        missing = count - len(self.processes)
        if missing > 0:
            self.processes.extend(self._spawn(missing))

    def _replace(self, dead: _Process) -> _Process:
        dead.kill()
        self.processes.remove(dead)
        (fresh,) = self._spawn(1)
        self.processes.append(fresh)
        return fresh

    def close(self) -> None:
        for process in [*self.processes, *self.booting]:
            process.stop()
        self.processes.clear()
        self.booting.clear()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- running pages -----------------------------------------------------------------------
    def run(
        self, jobs: list[Message], on_done: Callable[[int], None] | None = None
    ) -> dict[int, dict[int, Message]]:
        """Run ``jobs`` (pages); each job's block results by block index. ``on_done`` hears
        each job's id as the job ends (done, or its worker lost)."""
        with self.lock:
            self._on_done = on_done
            try:
                return self._run(jobs)
            finally:
                self._on_done = None

    def _ended(self, job: Message) -> None:
        if self._on_done is not None:
            self._on_done(int(job["id"]))

    def _run(self, jobs: list[Message]) -> dict[int, dict[int, Message]]:
        results: dict[int, dict[int, Message]] = {job["id"]: {} for job in jobs}
        if not jobs:
            return results
        self._ensure(min(self.config.size, len(jobs)))
        # The longest pages first, so that no worker is left with a long one at the end.
        queue = deque(sorted(jobs, key=_cost, reverse=True))
        idle = list(self.processes)
        busy: list[_Process] = []
        selector = selectors.DefaultSelector()
        for process in self.processes:
            selector.register(process.rfd, selectors.EVENT_READ, process)
        try:
            while queue or busy:
                while queue and idle:
                    process = idle.pop()
                    job = queue.popleft()
                    job["tmp"] = self.tmp
                    process.job = job
                    process.deadline = time.monotonic() + _budget(job)
                    busy.append(process)
                    if not process.send({"op": "page", "job": job}):
                        self._lost(process, results, selector, busy, idle)
                now = time.monotonic()
                wait = max(min((p.deadline for p in busy), default=now) - now, 0.0)
                for key, _ in selector.select(timeout=min(wait, 5.0) if busy else 0):
                    process = key.data
                    message = protocol.read_frame(process.rfd)
                    if message is None:
                        self._lost(process, results, selector, busy, idle)
                    elif message.get("op") == "block" and process.job is not None:
                        result = message.get("result") or {}
                        results[process.job["id"]][int(result.get("i", -1))] = result
                    elif message.get("op") == "done":
                        busy.remove(process)
                        if process.job is not None:
                            self._ended(process.job)
                        process.job = None
                        idle.append(process)
                now = time.monotonic()
                for process in [p for p in busy if p.deadline < now]:
                    self._lost(process, results, selector, busy, idle, stuck=True)
        finally:
            selector.close()
        return results

    def _lost(
        self,
        process: _Process,
        results: dict[int, dict[int, Message]],
        selector: selectors.BaseSelector,
        busy: list[_Process],
        idle: list[_Process],
        *,
        stuck: bool = False,
    ) -> None:
        """A worker died (or stopped answering) while running a page: record it, replace it."""
        job = process.job
        with contextlib.suppress(KeyError, ValueError):
            selector.unregister(process.rfd)
        if process in busy:
            busy.remove(process)
        if job is not None:
            done = results[job["id"]]
            missing = [b["i"] for b in job["blocks"] if b["i"] not in done]
            for position, index in enumerate(missing):
                done[index] = {
                    "i": index,
                    "status": "lost" if position == 0 else "not-run",
                    "stuck": stuck,
                }
            self._ended(job)
        fresh = self._replace(process)
        selector.register(fresh.rfd, selectors.EVENT_READ, fresh)
        idle.append(fresh)


_SECRET_PARTS = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "APIKEY")
"""Secret wherever they appear in a name (``PGPASSWORD``, ``NPMTOKEN``)."""
_SECRET_WORDS = frozenset(
    {"KEY", "KEYS", "PASS", "AUTH", "PRIVATE", "SESSION", "COOKIE", "SIGNATURE", "PAT", "OTP"}
)
"""Secret as a whole word of a name (``AWS_ACCESS_KEY_ID``, not ``KEYBOARD``)."""
_URL_PASSWORD = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/@\s:]*:[^/@\s]+@")


def secret_variable(name: str, value: str) -> bool:
    """Whether an environment variable looks like it holds a secret: a word of its name is
    ``TOKEN``, ``KEY``, ``PASSWORD``... (``GITHUB_TOKEN``, ``AWS_SECRET_ACCESS_KEY``,
    ``SSH_AUTH_SOCK``), or its value is a URL with a password (``postgresql://u:p@h/db``)."""
    upper = name.upper()
    if any(part in upper for part in _SECRET_PARTS):
        return True
    words = set(re.split(r"[^A-Z0-9]+", upper))
    return bool(words & _SECRET_WORDS) or bool(_URL_PASSWORD.match(value))


def example_environment(environ: Mapping[str, str], passed: Iterable[str]) -> dict[str, str]:
    """The environment blocks run in: the checker's, without what looks secret (but the
    variables ``passed`` names), with a fixed hash seed so printed sets stay the same."""
    keep = set(passed)
    env = {k: v for k, v in environ.items() if k in keep or not secret_variable(k, v)}
    env["PYTHONHASHSEED"] = "0"
    return env


def _cost(job: Message) -> int:
    return sum(len(b["code"]) + len(b.get("source", "")) for b in job["blocks"])


def _budget(job: Message) -> float:
    return sum(float(b["timeout"]) for b in job["blocks"]) * 2 + _GUARD


def _wait_readable(fd: int, timeout: float) -> bool:
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        return bool(selector.select(timeout))


# -- the pools of this process ------------------------------------------------------------------

_POOLS: dict[PoolConfig, WorkerPool] = {}
_POOLS_LOCK = threading.Lock()
_MAX_POOLS = 4
"""Pools kept alive at once; the least recently used one is closed past that."""


def get_pool(config: PoolConfig) -> WorkerPool:
    """The pool for ``config``, started on first use; a pool with another config for the same
    project is closed (its setup file or options changed)."""
    with _POOLS_LOCK:
        pool = _POOLS.pop(config, None)
        if pool is None:
            for other in [c for c in _POOLS if c.root == config.root]:
                _POOLS.pop(other).close()
            while len(_POOLS) >= _MAX_POOLS:
                _POOLS.pop(next(iter(_POOLS))).close()
            pool = WorkerPool(config)
        _POOLS[config] = pool  # most recently used last
        return pool


def shutdown() -> None:
    """Stop every worker of this process (at exit, and in tests)."""
    with _POOLS_LOCK:
        while _POOLS:
            _, pool = _POOLS.popitem()
            pool.close()


atexit.register(shutdown)
