"""Raw sources, positions and reading files without losing anything.

Everything docgates reports is a position in a raw file: 1-based line and column, front matter
included. A page whose snippets were expanded is still one :class:`Source`: each of its lines
knows the file and line it came from (its :class:`Origin`), so a position in the expanded text
maps back to the page or to the included file.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import findings
from .findings import Finding

#: Pages larger than this are reported and skipped, never parsed (override: ``max_file_size``).
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
_SNIFF = 8192


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a raw file: 1-based line and column (columns count characters)."""

    path: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where one line of an expanded source came from.

    ``shift`` is the number of characters that expansion added in front of the original line
    (the indentation of the snippet line that pulled it in); subtract it from a column in the
    expanded line to get the column in the original file.
    """

    path: str
    line: int
    shift: int = 0


class Source:
    """The text a parser sees, with the origin of every line.

    ``text`` uses ``\\n`` line endings only. ``origins[i]`` is the origin of line ``i``
    (0-based); when no line was expanded, origins are computed on demand.
    """

    __slots__ = ("_lines", "origins", "path", "text")

    def __init__(self, path: str, text: str, origins: list[Origin] | None = None) -> None:
        self.path = path
        self.text = text
        self.origins = origins
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    @property
    def expanded(self) -> bool:
        return self.origins is not None

    def origin(self, index: int) -> Origin:
        """The origin of 0-based line ``index`` of this source."""
        if self.origins is None:
            return Origin(self.path, index + 1, 0)
        if index >= len(self.origins):
            last = self.origins[-1] if self.origins else Origin(self.path, 0, 0)
            return Origin(last.path, last.line + index - len(self.origins) + 1, last.shift)
        return self.origins[index]

    def span(self, index: int, column: int = 0) -> Span:
        """The raw-file span of 0-based line ``index``, 0-based ``column`` of this source."""
        if self.origins is None:  # the page as it is: its own lines
            return Span(self.path, index + 1, max(column, 0) + 1)
        origin = self.origin(index)
        return Span(origin.path, origin.line, max(column - origin.shift, 0) + 1)


def normalize_newlines(text: str) -> str:
    """Turn ``\\r\\n`` and lone ``\\r`` into ``\\n``, as Python-Markdown and markdown-it do."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def position_of(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of byte ``offset`` in ``data`` (columns counted in characters)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def looks_binary(head: bytes) -> bool:
    """Git's heuristic: a NUL byte in the first few kilobytes means binary.

    Files that start with a UTF-16/32 byte order mark are text in another encoding, which MkDocs
    cannot read either; they are reported as decode errors instead.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head


def is_file(path: Path) -> bool:
    """Whether ``path`` is a file. A name the system refuses (longer than the file system
    allows, a NUL in it) is no file: a page may name anything (``os.path.isfile`` agrees)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def is_dir(path: Path) -> bool:
    """Whether ``path`` is a folder; as :func:`is_file`, never raises for a name."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def read_text(
    path: Path, rel: str, *, max_size: int = DEFAULT_MAX_FILE_SIZE
) -> tuple[str | None, Finding | None]:
    """Read a Markdown (or included) file the way MkDocs does: UTF-8, BOM tolerated.

    Returns the text with normalised newlines, or ``None`` and a finding that says why the
    file cannot be checked (binary, not UTF-8, too large, unreadable). Never raises for a
    problem in the file itself.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, findings.make(
            "source/decode-error", rel, None, None, f"cannot read file: {exc.strerror or exc}"
        )
    if max_size and size > max_size:
        return None, findings.make(
            "source/too-large",
            rel,
            None,
            None,
            f"file is {_mib(size)}, larger than max_file_size ({_mib(max_size)}); not checked",
            hint="Raise 'max_file_size' in the docgates settings to check it anyway.",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, findings.make(
            "source/decode-error", rel, None, None, f"cannot read file: {exc.strerror or exc}"
        )
    return decode(data, rel)


def decode(data: bytes, rel: str) -> tuple[str | None, Finding | None]:
    """Decode bytes as MkDocs does (``utf-8-sig``), or say where and why that fails."""
    if looks_binary(data[:_SNIFF]):
        return None, findings.make(
            "source/binary",
            rel,
            None,
            None,
            "file holds binary data (a NUL byte), not Markdown; not checked",
            hint="Rename it or add it to 'exclude_docs'.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = position_of(data, exc.start)
        bad = data[exc.start : exc.start + 4].hex(" ")
        return None, findings.make(
            "source/decode-error",
            rel,
            line,
            column,
            f"file is not valid UTF-8 (byte {bad} cannot be decoded); MkDocs cannot read it",
            hint="Save the file as UTF-8.",
        )
    return normalize_newlines(text), None


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


@lru_cache(maxsize=65536)  # every link and finding asks for its page's paths
def relpath(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with ``/`` separators (absolute when outside root)."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        try:
            rel = Path(os.path.relpath(path, root))
        except ValueError:  # another drive on Windows
            return path.as_posix()
    return rel.as_posix()
