"""The worker side of execution: a fork server, and the page process it forks.

``pool.py`` starts each worker once (``python -c BOOT worker.py``) and keeps it for the whole run,
and for every rebuild of ``mkdocs serve``. The worker runs the site's ``setup`` file, then waits
for pages. For each page it forks a clean child that runs the page's blocks in page order, in a
temporary working folder, while the worker watches each block's timeout and kills the child
(and everything it started) when a block runs over. When a child dies in the middle of a page,
the worker forks a new one, replays the blocks that ran before (silently, to rebuild the
sessions) and goes on with the next block.

This file imports only the standard library and is run by path, never through the ``docgates``
package: a fork copies everything the worker has loaded, so the worker stays small. Messages are
JSON frames (a 4-byte length, then UTF-8 JSON) on pipes; a block can forge nothing but its own
result, and JSON carries no code back to the checker.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import os
import select
import shutil
import signal
import struct
import sys
import tempfile
import time
import traceback
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from . import contain
else:  # run by path, outside the package: load the sibling module by path too
    import importlib.util

    _spec = importlib.util.spec_from_file_location(
        "docgates_worker_contain", os.path.join(os.path.dirname(__file__), "contain.py")
    )
    contain = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(contain)

_HEADER = struct.Struct(">I")
_CO_COROUTINE = 0x80
_TOP_LEVEL_AWAIT = 0x2000  # ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, without importing ast
_MAX_MESSAGE = 4000
_MAX_FRAMES = 40

Message = dict[str, Any]


# -- framing (shared with the checker side) -------------------------------------------------


def write_frame(fd: int, message: Message) -> None:
    """Write one JSON frame to ``fd`` (blocking until all of it is written)."""
    data = json.dumps(message, ensure_ascii=False).encode("utf-8", "surrogatepass")
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> Message | None:
    """Read one JSON frame from ``fd``; ``None`` at end of file or on a malformed frame."""
    head = _read_exact(fd, _HEADER.size)
    if head is None:
        return None
    data = _read_exact(fd, _HEADER.unpack(head)[0])
    if data is None:
        return None
    try:
        message = json.loads(data.decode("utf-8", "surrogatepass"))
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


# -- the page child: runs blocks ---------------------------------------------------------------


class OutputLimitError(Exception):
    """Raised inside a block that prints more than ``max_output`` characters."""


class _Capture(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` of a page: text kept in memory, up to a limit."""

    def __init__(self, limit: int, name: str) -> None:
        self.limit = limit
        self.name = name
        self.parts: list[str] = []
        self.size = 0
        self.overflow = False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = self.limit - self.size
        if len(text) > room:
            self.parts.append(text[: max(room, 0)])
            self.size = self.limit
            self.overflow = True
            raise OutputLimitError(
                f"the block wrote more than {self.limit} characters to {self.name}; "
                "docgates stopped it"
            )
        self.parts.append(text)
        self.size += len(text)
        return len(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        self.size = 0
        self.overflow = False
        return text

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def isatty(self) -> bool:
        return False


def _arg_text(value: Any) -> tuple[str, bool]:
    """How pytest-examples shows a print argument: strings as they are, sets sorted."""
    if isinstance(value, str):
        return value, True
    if isinstance(value, set):
        try:
            return "{" + ", ".join(repr(v) for v in sorted(value)) + "}", False
        except TypeError:
            return str(value), False
    return str(value), False


class PageRunner:
    """Runs the blocks of one page in this process: one namespace per session."""

    def __init__(self, job: Message, max_output: int) -> None:
        self.job = job
        self.blocks: list[Message] = job["blocks"]
        self.modules: dict[str, types.ModuleType] = {}
        self.stdout = _Capture(max_output, "stdout")
        self.stderr = _Capture(max_output, "stderr")
        self.record_files = {b["filename"] for b in self.blocks if b.get("prints")}
        self.prints: list[list[Any]] | None = None
        self.home = os.getcwd()
        self.loop: Any = None
        for block in self.blocks:
            _register_source(block["filename"], block.get("source", ""))

    # print is wrapped for the whole page: calls made from the lines of a block are recorded,
    # with their line, as pytest-examples records them; the text still goes to stdout.
    def install(self) -> None:
        real_print = builtins.print
        runner = self

        def print(*args: Any, sep: str | None = " ", end: str | None = "\n", **kw: Any) -> None:
            target = kw.get("file")
            if runner.prints is not None and (target is None or target is sys.stdout):
                frame = sys._getframe(1)
                filename = frame.f_code.co_filename
                if filename in runner.record_files:
                    texts = [_arg_text(a) for a in args]
                    runner.prints.append(
                        [filename, frame.f_lineno, " " if sep is None else sep, texts]
                    )
            real_print(*args, sep=sep, end=end, **kw)

        builtins.print = print
        sys.stdout = self.stdout
        sys.stderr = self.stderr
        sys.stdin = io.StringIO()

    def module(self, session: str, filename: str) -> types.ModuleType:
        module = self.modules.get(session)
        if module is None:
            module = types.ModuleType("__main__")
            module.__dict__["__builtins__"] = builtins
            self.modules[session] = module
        module.__file__ = filename
        return module

    def run(self, index: int) -> Message:
        block = self.blocks[index]
        module = self.module(block["session"], block["filename"])
        sys.modules["__main__"] = module
        sys.argv = [block["filename"]]
        self.prints = [] if block.get("prints") else None
        self.stdout.take()
        self.stderr.take()
        started = time.perf_counter()
        if block["mode"] == "session":
            result = self._run_session(block, module)
        else:
            result = self._run_code(block, module)
        result["seconds"] = round(time.perf_counter() - started, 6)
        if self.prints is not None:
            result["prints"] = self.prints
        self.prints = None
        err = self.stderr.take()
        if err:
            result["stderr"] = err[-_MAX_MESSAGE:]
        try:
            cwd = os.getcwd()
        except OSError:
            cwd = "<deleted>"
        if cwd != self.home:
            result["cwd"] = cwd
            with contextlib.suppress(OSError):
                os.chdir(self.home)
        return result

    def _run_code(self, block: Message, module: types.ModuleType) -> Message:
        result: Message = {"i": block["i"], "status": "ok"}
        try:
            code = compile(
                block["code"], block["filename"], "exec", flags=_TOP_LEVEL_AWAIT, dont_inherit=True
            )
            self._execute(code, module)
        except BaseException as exc:
            result.update(_describe(exc))
        result["stdout"] = self.stdout.take()
        return result

    def _run_session(self, block: Message, module: types.ModuleType) -> Message:
        result: Message = {"i": block["i"], "status": "ok", "statements": []}
        for statement in block["statements"]:
            source = "\n" * (statement["line"] - 1) + statement["code"] + "\n"
            outcome: Message = {"status": "ok"}
            try:
                try:
                    code = compile(
                        source,
                        block["filename"],
                        "single",
                        flags=_TOP_LEVEL_AWAIT,
                        dont_inherit=True,
                    )
                except SyntaxError:
                    # Two statements behind one prompt: run them, without echoing values.
                    code = compile(
                        source, block["filename"], "exec", flags=_TOP_LEVEL_AWAIT, dont_inherit=True
                    )
                self._execute(code, module)
            except BaseException as exc:
                outcome.update(_describe(exc))
            outcome["stdout"] = self.stdout.take()
            result["statements"].append(outcome)
            if outcome["status"] != "ok" and not statement.get("traceback"):
                result["status"] = outcome["status"]
                break
        return result

    def _execute(self, code: types.CodeType, module: types.ModuleType) -> None:
        if code.co_flags & _CO_COROUTINE:
            # The block's own code, in the page's own process: what this module exists to do.
            coroutine = eval(code, module.__dict__)  # noqa: S307  # nosec B307
            self._event_loop().run_until_complete(coroutine)
        else:
            exec(code, module.__dict__)  # noqa: S102  # nosec B102

    def _event_loop(self) -> Any:
        import asyncio

        if self.loop is None or self.loop.is_closed():
            self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        return self.loop


def _register_source(filename: str, source: str) -> None:
    """Let ``inspect`` and tracebacks read a block's lines (the file is not on disk)."""
    import linecache

    lines = [line + "\n" for line in source.split("\n")]
    linecache.cache[filename] = (len(source), None, lines, filename)


def _describe(exc: BaseException) -> Message:
    """A JSON description of an exception a block raised."""
    if isinstance(exc, SystemExit):
        code = exc.code
        if code is None or code == 0:
            return {"status": "ok"}
        status = "exit"
    elif isinstance(exc, OutputLimitError):
        status = "output-limit"
    else:
        status = "error"
    kind = type(exc)
    frames = []
    stack = traceback.extract_tb(exc.__traceback__)
    while stack and stack[0].filename == __file__:
        del stack[0]  # the worker's own frames, above the block's
    for summary in stack[-_MAX_FRAMES:]:
        column = getattr(summary, "colno", None)
        frames.append([summary.filename, summary.lineno or 0, summary.name, column])
    try:
        message = str(exc)
    except Exception:
        message = "<unprintable exception>"
    try:
        only = "".join(traceback.format_exception_only(kind, exc)).rstrip("\n")
    except Exception:
        only = f"{kind.__name__}: {message}"
    error: Message = {
        "type": kind.__qualname__,
        "module": kind.__module__,
        "message": message[:_MAX_MESSAGE],
        "only": only[: _MAX_MESSAGE * 4],
        "frames": frames,
    }
    if isinstance(exc, SystemExit):
        error["code"] = repr(exc.code)
    name = getattr(exc, "name", None) if isinstance(exc, NameError) else None
    if isinstance(name, str):
        error["name"] = name
    return {"status": status, "error": error}


def _set_limits(memory: int, cpu_seconds: float) -> None:
    import resource

    if memory > 0:
        base = _address_space()
        limit = base + memory
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if cpu_seconds > 0:
        soft = int(cpu_seconds) + 1
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 5))


def _address_space() -> int:
    """The address space this process already uses (Linux), so the limit is on top of it."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (a no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(
    job: Message,
    run: list[int],
    replay: list[int],
    fd: int,
    keep: Callable[[], None],
    group: contain.PidsGroup | None,
) -> NoReturn:
    """The page process: never returns."""
    status = 0
    try:
        os.setsid()
        _die_with_parent()
        keep()
        if group is not None:
            group.join()
        # A process the block forks must not hold the pipe to the worker: the worker would
        # wait for its end of file as long as that process lives.
        os.register_at_fork(after_in_child=lambda: _close_quietly(fd))
        os.chdir(job["cwd"])
        null = os.open(os.devnull, os.O_RDWR)
        for target in (0, 1, 2):
            os.dup2(null, target)
        os.close(null)
        sys.path[:0] = [job["cwd"]]
        total = sum(float(b["timeout"]) for b in job["blocks"])
        _set_limits(int(job.get("memory", 0)), total + 5)
        runner = PageRunner(job, int(job.get("max_output", 1_000_000)))
        runner.install()
        for index in replay:
            write_frame(fd, {"op": "start", "i": index, "replay": True})
            runner.run(index)
            write_frame(fd, {"op": "replayed", "i": index})
        for index in run:
            write_frame(fd, {"op": "start", "i": index})
            write_frame(fd, {"op": "result", "result": runner.run(index)})
    except BaseException:
        status = 70
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
        os._exit(status)


def _close_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


# -- the worker: forks a child per page and watches its blocks ----------------------------------


_POLL = 0.05
"""Seconds between two looks at a page's processes while it runs."""


class Worker:
    def __init__(self, rfd: int, wfd: int) -> None:
        self.rfd = rfd
        self.wfd = wfd
        self.keep: frozenset[int] = frozenset()
        """Processes the setup file left running: they serve every page, and are not killed
        when a page ends."""
        self.pages = 0

    def keep_only_child_fds(self) -> None:
        """In a child: close the worker's pipes to the checker."""
        for fd in (self.rfd, self.wfd):
            with contextlib.suppress(OSError):
                os.close(fd)

    def run_page(self, job: Message) -> None:
        blocks = job["blocks"]
        base = job.get("tmp") or None
        cwd = tempfile.mkdtemp(prefix="page-", dir=base)
        job["cwd"] = cwd
        try:
            todo = list(range(len(blocks)))
            done: list[int] = []  # blocks that ran without killing their process
            while todo:
                todo, done = self._attempt(job, todo, done)
        finally:
            shutil.rmtree(cwd, ignore_errors=True)
        write_frame(self.wfd, {"op": "done", "job": job["id"]})

    def _attempt(
        self, job: Message, todo: list[int], done: list[int]
    ) -> tuple[list[int], list[int]]:
        """Fork one child for ``todo`` (after replaying ``done``); what is left to do after it."""
        cap = int(job.get("max_processes", 0))
        self.pages += 1
        group = contain.PidsGroup.create(cap + 1, f"docgates-{os.getpid()}-{self.pages}")
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's lines run in the forked process
            os.close(rfd)
            _child(job, todo, done, wfd, self.keep_only_child_fds, group)
        os.close(wfd)
        blocks = job["blocks"]
        current: int | None = None
        replaying = False
        deadline = float("inf")
        finished: list[int] = []
        timed_out = False
        over_cap = False
        exited: int | None = None
        watch = _pidfd(pid)
        try:
            while True:
                wait = deadline - time.monotonic()
                if wait <= 0:
                    timed_out = True
                    _kill_group(pid)
                    break
                poll = _POLL if cap > 0 and contain.LINUX else 3600.0
                if watch is None:
                    poll = min(poll, _POLL)  # no pidfd: look for the child's end by polling
                readers = [rfd] if watch is None else [rfd, watch]
                ready, _, _ = select.select(readers, [], [], min(wait, poll))
                if cap > 0 and self._over_cap(pid, cap, group):
                    over_cap = True
                    _kill_group(pid)
                    break
                if rfd not in ready:
                    if exited is None:
                        exited = _exited(pid)
                    if exited is not None:
                        break  # the child ended; what holds the pipe open is not the page
                    continue
                message = read_frame(rfd)
                if message is None:
                    break
                op = message.get("op")
                if op == "start":
                    current = int(message["i"])
                    replaying = bool(message.get("replay"))
                    deadline = time.monotonic() + float(blocks[current]["timeout"])
                elif op == "replayed":
                    current, deadline = None, float("inf")
                elif op == "result":
                    result = message["result"]
                    if current is not None and result.get("i") == current:
                        self._send_result(job, result)
                        finished.append(current)
                    current, deadline = None, float("inf")
        finally:
            os.close(rfd)
            if watch is not None:
                os.close(watch)
            # A child that closed its pipe in the middle of a block is not trusted to end.
            if exited is None:
                status = _reap(pid, grace=0.0 if current is not None else 2.0)
            else:
                status = exited
                _kill_group(pid)
            # Everything the page started, wherever it went (setsid, double fork), goes too.
            contain.clear(self.keep, group)
            if group is not None:
                group.remove()
        done = done + finished
        if current is None:
            left = [i for i in todo if i not in finished]
            if left and not finished and not timed_out:
                # The child died before it started a block (or during replay of none).
                for index in left:
                    self._send_result(job, _died(index, status, "before it ran"))
                return [], done
            return left, done
        if replaying:
            # A block that ran fine before died when replayed: drop it from the replay.
            return todo, [i for i in done if i != current]
        if timed_out:
            self._send_result(job, {"i": current, "status": "timeout"})
        elif over_cap:
            self._send_result(job, {"i": current, "status": "process-limit", "limit": cap})
        else:
            self._send_result(job, _died(current, status, ""))
        left = [i for i in todo if i not in finished and i != current]
        return left, done

    def _over_cap(self, pid: int, cap: int, group: contain.PidsGroup | None) -> bool:
        """Whether the page has more processes than ``cap`` (its own process not counted)."""
        if group is not None:
            return group.hit_limit()
        if not contain.LINUX:
            return False
        return len(contain.descendants(os.getpid(), self.keep)) - 1 > cap

    def _send_result(self, job: Message, result: Message) -> None:
        write_frame(self.wfd, {"op": "block", "job": job["id"], "result": result})

    def serve(self) -> None:
        init = read_frame(self.rfd)
        if init is None:
            return
        os.environ.update(init.get("env", {}))
        sys.path[:0] = list(init.get("path", []))
        setup = init.get("setup")
        if setup:
            try:
                _run_setup(setup)
            except BaseException as exc:
                write_frame(self.wfd, {"op": "setup-error", "error": _describe(exc)})
                return
        self.keep = frozenset(contain.children(os.getpid()))
        write_frame(self.wfd, {"op": "ready", "pid": os.getpid()})
        try:
            while True:
                message = read_frame(self.rfd)
                if message is None or message.get("op") != "page":
                    return
                self.run_page(message["job"])
        finally:
            contain.clear(frozenset())  # the setup file's processes too


def _run_setup(path: str) -> None:
    import runpy

    here = os.getcwd()
    os.chdir(os.path.dirname(path) or ".")
    try:
        runpy.run_path(path, run_name="__docgates_setup__")
    finally:
        os.chdir(here)


def _died(index: int, status: int, when: str) -> Message:
    result: Message = {"i": index, "status": "died"}
    if os.WIFSIGNALED(status):
        result["signal"] = os.WTERMSIG(status)
    elif os.WIFEXITED(status):
        result["exit"] = os.WEXITSTATUS(status)
    if when:
        result["when"] = when
    return result


def _pidfd(pid: int) -> int | None:
    """A file descriptor that becomes readable when ``pid`` ends (Linux 5.3+), or ``None``."""
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return None
    try:
        return int(opener(pid))
    except OSError:
        return None


def _exited(pid: int) -> int | None:
    """``pid``'s wait status if it has ended (and is now reaped), else ``None``."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return 0
    return status if done else None


def _kill_group(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(OSError):
            kill(pid, signal.SIGKILL)


def _reap(pid: int, grace: float) -> int:
    """Wait for a child (killing it after ``grace`` seconds) and for its process group."""
    deadline = time.monotonic() + grace
    status = 0
    pause = 0.00005
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            break
        if done:
            break
        if time.monotonic() >= deadline:
            _kill_group(pid)
            with contextlib.suppress(ChildProcessError):
                _, status = os.waitpid(pid, 0)
            break
        time.sleep(pause)
        pause = min(pause * 2, 0.01)
    _kill_group(pid)  # whatever the block started in the background goes too
    return status


def main() -> None:
    """Entry point of a worker process: serve pages on the pipes the checker gave us."""
    _die_with_parent()
    contain.become_subreaper()  # what a page starts and orphans comes back to this process
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the checker decides when we stop
    # Move the pipes to the checker off fds 0 and 1, so nothing a block does can reach them.
    rfd, wfd = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    if sys.path and sys.path[0] == "":
        del sys.path[0]  # each page puts its own folder first
    Worker(rfd, wfd).serve()
