"""``--update``: write what the code printed into the pages, and touch nothing else.

Edits replace whole raw lines. Each new line gets the prefix of the container the block sits in
(the admonition's indentation, a block quote's ``>``), read from a line of the block itself, and
the line ending of the line it replaces. Every other byte of the file stays as it was.

Nothing the user wrote is lost: a file is written only while it still holds the text the edits
were computed from (a page saved during the run is left alone, ``code/update-skipped``), and it
is written to a temporary file in the same folder, flushed to disk and renamed over the page, so
that a failed write (a full disk, a read-only folder) leaves the page whole
(``code/update-failed``). The page keeps its permission bits; a symlinked page is written
through its link.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .. import findings
from ..atomic import write_atomically
from ..findings import Finding
from ..source import decode
from .judge import Edit

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
"""A line and its ending: only ``\\n``, ``\\r\\n`` and ``\\r`` end lines, as in docgates' reader."""


@dataclass
class Applied:
    """What :func:`apply` did: the edits each changed file got, and what it could not do."""

    changed: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


class _Changed(Exception):
    """The file no longer holds the text the edits were computed from."""


def apply(root: Path, edits: list[Edit], read: Mapping[str, str]) -> Applied:
    """Apply ``edits`` (paths relative to ``root``) to the files that still hold the text
    ``read`` has for them (what the run read, by path)."""
    by_path: dict[str, list[Edit]] = defaultdict(list)
    for edit in edits:
        by_path[edit.path].append(edit)
    done = Applied()
    for rel, group in by_path.items():
        path = root / rel
        try:
            raw = _current(path, rel, read.get(rel))
            new = rewrite(raw, group)
            if new == raw:
                continue
            write_atomically(path, new.encode("utf-8"), partial(_current, path, rel, read[rel]))
        except _Changed:
            done.findings.append(
                findings.make(
                    "code/update-skipped",
                    rel,
                    None,
                    None,
                    f"'{rel}' changed after docgates read it; its expected output was not "
                    "updated, so that nothing written since is lost",
                    hint="Run 'docgates check --execute --update' again.",
                )
            )
            continue
        except OSError as exc:
            done.findings.append(
                findings.make(
                    "code/update-failed",
                    rel,
                    None,
                    None,
                    f"cannot write the updated output to '{rel}': {exc.strerror or exc}; "
                    "the file was left as it was",
                )
            )
            continue
        done.changed[rel] = len(group)
    return done


def _current(path: Path, rel: str, expected: str | None) -> str:
    """The raw text of ``path``, if it still reads as ``expected`` (newlines normalised)."""
    data = path.read_bytes()
    text, problem = decode(data, rel)
    if expected is None or problem is not None or text != expected:
        raise _Changed(rel)
    return data.decode("utf-8")


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
