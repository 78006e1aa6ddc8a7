"""Whether git ignores a path, asked of one ``git check-ignore --stdin`` process per run.

A site with many missing link targets used to start one ``git check-ignore`` per target
(1,659 processes, about half the run, on a 3,000-page site). One process answers them all:
paths go in NUL-separated, and git flushes each answer when its output is a pipe
(``GIT_FLUSH=1`` makes sure). ``--verbose --non-matching`` gives one answer per path, so the
reader always knows how much to read; a path is ignored when the pattern that matched it
last is not a negation (``!pattern``), which is what ``git check-ignore -q`` exits 0 for.

Outside a git work tree nothing is ignored (``git check-ignore`` fails there), and git is
not asked again. If the process dies or stalls on a path (a path outside the repository is
fatal to it), that path is asked of a ``git check-ignore -q`` of its own, and the next path
starts a new process. Where pipes cannot be polled (Windows), every path is asked that way.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

TIMEOUT = 30.0
"""Seconds to wait for one answer before giving up on the process."""
_CHECK_IGNORE = ("git", "check-ignore", "--no-index")


class GitIgnores:
    """Answers "does git ignore this path?" for paths under ``folder`` (missing ones too)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._proc: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._repo: bool | None = None

    def ignored(self, path: Path) -> bool:
        if not self._in_repo():
            return False
        if sys.platform != "win32":
            try:
                fields = self._ask(os.fsencode(path))
            except (OSError, ValueError, TimeoutError):
                self.close()
            else:
                pattern = fields[2]
                return bool(pattern) and not pattern.startswith(b"!")
        return self._ask_once(path)

    def _ask_once(self, path: Path) -> bool:
        try:
            result = subprocess.run(
                [*_CHECK_IGNORE, "-q", str(path)],
                cwd=self._cwd(),
                capture_output=True,
                check=False,
                timeout=TIMEOUT,
            )
        except (OSError, subprocess.SubprocessError):
            return False
        return result.returncode == 0

    def close(self) -> None:
        proc, self._proc, self._buffer = self._proc, None, b""
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _cwd(self) -> Path | None:
        return self.folder if self.folder.is_dir() else None

    def _in_repo(self) -> bool:
        if self._repo is None:
            try:
                result = subprocess.run(
                    ["git", "rev-parse", "--is-inside-work-tree"],
                    cwd=self._cwd(),
                    capture_output=True,
                    check=False,
                    timeout=TIMEOUT,
                )
                self._repo = result.returncode == 0 and result.stdout.strip() == b"true"
            except (OSError, subprocess.SubprocessError):
                self._repo = False
        return self._repo

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            self.close()
            self._proc = subprocess.Popen(
                [*_CHECK_IGNORE, "--stdin", "-z", "--verbose", "--non-matching"],
                cwd=self._cwd(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "GIT_FLUSH": "1"},
            )
        return self._proc

    def _ask(self, path: bytes) -> list[bytes]:
        """The four fields git answers for ``path``: source, line, pattern, path."""
        if b"\0" in path:
            raise ValueError("a path with a NUL byte")
        proc = self._start()
        assert proc.stdin is not None
        assert proc.stdout is not None
        proc.stdin.write(path + b"\0")
        proc.stdin.flush()
        fd = proc.stdout.fileno()
        while self._buffer.count(b"\0") < 4:
            ready, _, _ = select.select([fd], [], [], TIMEOUT)
            if not ready:
                raise TimeoutError("git check-ignore gave no answer")
            chunk = os.read(fd, 65536)
            if not chunk:
                raise OSError("git check-ignore exited")
            self._buffer += chunk
        *fields, self._buffer = self._buffer.split(b"\0", 4)
        return fields
