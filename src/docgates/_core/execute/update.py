"""``--update``: write what the code printed into the pages, and touch nothing else.

Edits replace whole raw lines. Each new line gets the prefix of the container the block sits in
(the admonition's indentation, a block quote's ``>``), read from a line of the block itself, and
the line ending of the line it replaces. Every other byte of the file stays as it was.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from .judge import Edit

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
"""A line and its ending: only ``\\n``, ``\\r\\n`` and ``\\r`` end lines, as in docgates' reader."""


def apply(root: Path, edits: list[Edit]) -> dict[str, int]:
    """Apply ``edits`` (paths relative to ``root``); how many edits each changed file got."""
    by_path: dict[str, list[Edit]] = defaultdict(list)
    for edit in edits:
        by_path[edit.path].append(edit)
    changed: dict[str, int] = {}
    for rel, group in by_path.items():
        path = root / rel
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        new = rewrite(text, group)
        if new != text:
            path.write_bytes(new.encode("utf-8"))
            changed[rel] = len(group)
    return changed


def rewrite(text: str, edits: list[Edit]) -> str:
    """``text`` with ``edits`` applied (from the bottom up, so line numbers hold)."""
    lines = _LINE.findall(text)
    ending = _dominant_ending(lines)
    seen: set[tuple[int, int]] = set()
    for edit in sorted(edits, key=lambda e: (e.first, e.last), reverse=True):
        if (edit.first, edit.last) in seen or edit.first < 1 or edit.last > len(lines):
            continue
        seen.add((edit.first, edit.last))
        prefix = _prefix(lines, edit)
        near = lines[edit.last - 1] if edit.last >= 1 else (lines[0] if lines else "")
        eol = _ending(near) or ending
        new = [(prefix + t if t else prefix.rstrip()) + eol for t in edit.texts]
        if edit.last < edit.first and edit.first - 2 >= 0 and not _ending(lines[edit.first - 2]):
            lines[edit.first - 2] += eol  # inserting after a last line without a newline
        lines[edit.first - 1 : edit.last] = new
    return "".join(lines)


def _prefix(lines: list[str], edit: Edit) -> str:
    where = edit.prefix_of
    index = where.line - 1
    raw = lines[index].rstrip("\r\n") if 0 <= index < len(lines) else ""
    prefix = raw[: where.column]
    return prefix + " " * (where.column - len(prefix))


def _ending(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith(("\n", "\r")):
        return line[-1]
    return ""


def _dominant_ending(lines: list[str]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for line in lines:
        ending = _ending(line)
        if ending:
            counts[ending] += 1
    return max(counts, key=lambda k: counts[k]) if counts else "\n"
