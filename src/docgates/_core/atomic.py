"""Replace a file whole or not at all: a temporary file in its folder, fsync, rename."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(
    path: Path, data: bytes, still_unchanged: Callable[[], object] | None = None
) -> None:
    """Replace the file at ``path`` with ``data``: a temporary file in the same folder, flushed
    to disk, then renamed over it, so that the file is either as it was or all of ``data``.

    The file keeps its permission bits (and owner, where this process may set it). A symlink is
    followed: the file it points to is replaced, the link stays. ``still_unchanged``
    is called just before the rename and may raise to leave the file alone.
    """
    target = path.resolve()
    info = target.stat()
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".docgates-tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != _ids(temporary):
            with contextlib.suppress(OSError):
                os.chown(temporary, info.st_uid, info.st_gid)
        if still_unchanged is not None:
            still_unchanged()
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)


def _ids(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_uid, info.st_gid


def _sync_folder(folder: Path) -> None:
    """Flush the rename to disk too (POSIX; a no-op where folders cannot be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(handle)
    finally:
        os.close(handle)
