"""Keep what an example starts inside its page: every process is gone when the page ends.

Like ``worker.py`` this file imports only the standard library: the worker loads it by path.

On Linux the worker (which forks each page's process) makes itself a *child subreaper*
(``prctl(PR_SET_CHILD_SUBREAPER)``): a process the page starts that loses its parent, a
double-forked daemon or anything started with ``setsid`` / ``start_new_session=True``, is
re-parented to the worker instead of to init, so the worker still sees it as a descendant.
When a page ends, on every path (it finished, it timed out, it died), the worker kills every
descendant it has, except the processes its ``setup`` file left running for every page.

The number of processes a page may have is capped. A pids cgroup is used where this process
may create one (cgroup v1's ``pids`` hierarchy, or a delegated cgroup v2 subtree): the kernel
then refuses the fork past the cap, for root too. Elsewhere the worker counts the page's
descendants while it runs and kills them all past the cap (``RLIMIT_NPROC`` does not bind
root, counts every process of the user, and so is not used).

Other systems (macOS): no subreaper exists there, so processes that leave the page's process
group (``setsid``) are not found; the page's process group is killed, and there is no cap.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time

_PR_SET_CHILD_SUBREAPER = 36
LINUX = sys.platform.startswith("linux")
USE_CGROUP = os.environ.get("DOCGATES_PIDS_CGROUP", "1") != "0"
"""``DOCGATES_PIDS_CGROUP=0`` uses the count even where a pids cgroup could be made."""


def become_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux); whether it worked."""
    if not LINUX:
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def children(pid: int) -> list[int]:
    """The pids of ``pid``'s children (``/proc/PID/task/*/children``), [] when unknown."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as handle:
                found.extend(int(p) for p in handle.read().split())
        except (OSError, ValueError):
            continue
    return found


def descendants(pid: int, skip: frozenset[int] = frozenset()) -> list[int]:
    """Every process below ``pid`` (children first), leaving out ``skip`` and their trees."""
    found: list[int] = []
    todo = [p for p in children(pid) if p not in skip]
    seen: set[int] = set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        found.append(current)
        todo.extend(p for p in children(current) if p not in skip)
    return found


def reap_any() -> None:
    """Collect every child of this process that has ended (orphans re-parented to it too)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def clear(keep: frozenset[int], group: PidsGroup | None = None) -> int:
    """Kill every descendant of this process but ``keep`` (and what they started), and every
    member of ``group``, until none is left; how many were killed."""
    killed = 0
    for attempt in range(200):
        found = descendants(os.getpid(), keep) if LINUX else []
        if group is not None:
            found.extend(p for p in group.members() if p not in found)
        reap_any()
        if not found:
            break
        kill_all(found)
        killed += len(found)
        time.sleep(0.001 * min(attempt + 1, 20))
        reap_any()
    return killed


class PidsGroup:
    """A pids cgroup for one page: the kernel caps its processes, and lists them."""

    def __init__(self, path: str) -> None:
        self.path = path

    @classmethod
    def create(cls, limit: int, name: str) -> PidsGroup | None:
        """A new cgroup under this process's own, capped at ``limit`` processes, or ``None``
        where this process may not create one."""
        if not LINUX or limit <= 0 or not USE_CGROUP:
            return None
        for base in _pids_bases():
            path = os.path.join(base, name)
            try:
                os.mkdir(path)
            except FileExistsError:
                pass
            except OSError:
                continue
            try:
                with open(os.path.join(path, "pids.max"), "w") as handle:
                    handle.write(str(limit))
            except OSError:
                with contextlib.suppress(OSError):
                    os.rmdir(path)
                continue
            return cls(path)
        return None

    def join(self) -> bool:
        """Move the calling process into the group (its children follow it)."""
        try:
            with open(os.path.join(self.path, "cgroup.procs"), "w") as handle:
                handle.write("0")
        except OSError:
            return False
        return True

    def members(self) -> list[int]:
        try:
            with open(os.path.join(self.path, "cgroup.procs"), "rb") as handle:
                return [int(p) for p in handle.read().split()]
        except (OSError, ValueError):
            return []

    def hit_limit(self) -> bool:
        """Whether a fork was refused because of the cap."""
        try:
            with open(os.path.join(self.path, "pids.events"), "rb") as handle:
                return any(
                    line.startswith(b"max ") and line.split()[1] != b"0"
                    for line in handle.read().splitlines()
                )
        except (OSError, IndexError):
            return False

    def remove(self) -> None:
        for _ in range(50):
            try:
                os.rmdir(self.path)
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.002)


def _pids_bases() -> list[str]:
    """Folders where this process may create a pids cgroup: its own v1 pids cgroup, or its own
    v2 cgroup when ``pids`` is delegated to its subtree."""
    bases: list[str] = []
    try:
        with open("/proc/self/cgroup") as handle:
            lines = handle.read().splitlines()
        with open("/proc/self/mountinfo") as handle:
            mounts = handle.read().splitlines()
    except OSError:
        return bases
    own = {}
    for line in lines:
        number, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        own["v2" if number == "0" and not controllers else controllers] = path
    for mount in mounts:
        fields = mount.split(" - ", 1)
        if len(fields) != 2:
            continue
        point = fields[0].split()[4]
        kind, _source, *options = fields[1].split()
        opts = set(options[0].split(",")) if options else set()
        if kind == "cgroup" and "pids" in opts:
            for key, path in own.items():
                if "pids" in key.split(","):
                    bases.append(point + path.rstrip("/"))
        elif kind == "cgroup2" and "v2" in own:
            here = point + own["v2"].rstrip("/")
            try:
                with open(os.path.join(here, "cgroup.subtree_control")) as handle:
                    if "pids" in handle.read().split():
                        bases.append(here)
            except OSError:
                continue
    return bases
