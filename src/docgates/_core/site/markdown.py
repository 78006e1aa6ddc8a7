"""Each page's Markdown as the build renders it, with the raw-file line of each of its lines.

A build's plugins and hooks rewrite a page's Markdown before MkDocs renders it (macros fills
``{{ version }}`` and pulls files in with ``{% include %}``, a hook turns a placeholder into a
fence title). The gates check that final Markdown, and report at raw-file lines:

- a line that comes unchanged from the page's file maps to itself;
- a line a transform brought from another file maps to that file's line (a macros include);
- a line a transform invented maps to the line that produced it (the macro call, the hook's
  placeholder line): the most similar line of the rewritten stretch, else its first line.

:func:`align` computes that map from the two texts alone (a line diff, then the included files
the rewritten lines name), so it needs no cooperation from the plugins and holds whatever their
order. Both providers of the site model use it: the MkDocs plugins with the Markdown MkDocs
renders, the sources provider with the raw file (where it is the identity).
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..source import Origin, Source, normalize_newlines, relpath

IncludeResolver = Callable[[str], list[tuple[str, list[str]]]]
"""The files one raw line pulls in, as ``(project-relative path, lines)`` pairs."""

MAX_DEPTH = 8
_SIMILAR = 0.5
_SCAN = 64  # rewritten stretches longer than this are mapped by position, not by similarity


@dataclass
class PageText:
    """One page of a site: its final Markdown and where each line of it comes from.

    ``markdown`` is what MkDocs renders (front matter removed, as ``page.markdown``); ``raw``
    the page file's text (front matter included, ``None`` when no file backs the page, e.g. a
    page a plugin generated: then the generated text is its own raw text).
    """

    uri: str
    """The page's ``src_uri`` (relative to ``docs_dir``)."""
    rel: str
    """The page file's path relative to the project root: where findings point."""
    markdown: str
    raw: str | None = None
    generated_by: str | None = None
    """The plugin that wrote the page, when no file in ``docs_dir`` backs it."""
    html: str | None = field(default=None, repr=False, compare=False)
    """The page's content as the build rendered it (``page.content``), when built."""
    includes: IncludeResolver | None = field(default=None, repr=False, compare=False)
    _origins: list[Origin] | None = field(default=None, repr=False, compare=False)
    _rewritten: bool | None = field(default=None, repr=False, compare=False)

    @property
    def rewritten(self) -> bool:
        """Whether something between the file and the renderer changed the Markdown."""
        if self._rewritten is None:
            raw = self.raw_text
            self._rewritten = self.markdown != raw and self.markdown != body_of(raw)
        return self._rewritten

    @property
    def raw_text(self) -> str:
        return normalize_newlines(self.raw) if self.raw is not None else self.markdown

    @property
    def origins(self) -> list[Origin]:
        """The raw place of each line of ``markdown`` (computed once)."""
        if self._origins is None:
            from ..document import blank_lines, split_front_matter

            raw = self.raw_text
            meta_lines, _ = split_front_matter(raw)
            self._origins = align(
                normalize_newlines(self.markdown).split("\n"),
                blank_lines(raw, meta_lines).split("\n"),
                self.rel,
                self.includes,
            )
        return self._origins

    def source(self) -> Source:
        """The final Markdown as a :class:`Source` whose lines know their raw place."""
        return Source(self.rel, normalize_newlines(self.markdown), self.origins)


def body_of(raw: str) -> str:
    """What MkDocs keeps of a page file as its Markdown: the text after the front matter,
    leading newlines stripped (``mkdocs.utils.meta.get_data``)."""
    from ..document import split_front_matter

    raw = normalize_newlines(raw)
    meta_lines, _ = split_front_matter(raw)
    if not meta_lines:
        return raw
    return raw.split("\n", meta_lines)[-1].lstrip("\n") if raw.count("\n") >= meta_lines else ""


def align(
    final: Sequence[str],
    raw: Sequence[str],
    rel: str,
    includes: IncludeResolver | None = None,
) -> list[Origin]:
    """The raw origin of each line of ``final``, the rewritten text of ``raw`` (file ``rel``)."""
    out: list[Origin | None] = [None] * len(final)
    n, m = len(raw), len(final)
    # Most pages come out unchanged but for the front matter: match the common end first.
    tail = 0
    while tail < min(n, m) and raw[n - 1 - tail] == final[m - 1 - tail]:
        tail += 1
    head = 0
    while head < min(n, m) - tail and raw[head] == final[head]:
        head += 1
    for k in range(head):
        out[k] = Origin(rel, k + 1)
    for k in range(tail):
        out[m - 1 - k] = Origin(rel, n - k)
    if head + tail < m or head + tail < n:
        inner_raw, inner_final = raw[head : n - tail], final[head : m - tail]
        matcher = difflib.SequenceMatcher(None, inner_raw, inner_final)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
            if op == "equal":
                for k in range(j2 - j1):
                    out[j1 + k] = Origin(rel, i1 + k + 1)
            elif j2 > j1:
                _rewritten(raw, i1, i2, final, j1, j2, rel, includes, out)
    return [o if o is not None else Origin(rel, 1) for o in out]


def _rewritten(
    raw: Sequence[str],
    i1: int,
    i2: int,
    final: Sequence[str],
    j1: int,
    j2: int,
    rel: str,
    includes: IncludeResolver | None,
    out: list[Origin | None],
) -> None:
    """Map ``final[j1:j2]``, which a transform made of ``raw[i1:i2]``."""
    if includes is not None:
        _from_includes(raw[i1:i2], final, j1, j2, includes, out, 0)
    producers = list(range(i1, i2)) or ([max(i1 - 1, 0)] if raw else [])
    if not producers:
        return
    for j in range(j1, j2):
        if out[j] is not None:
            continue
        out[j] = Origin(rel, _producer(raw, producers, final[j], j - j1, j2 - j1) + 1)


def _producer(raw: Sequence[str], producers: list[int], line: str, index: int, count: int) -> int:
    """The raw line (0-based) that most likely produced ``line``."""
    if len(producers) == 1:
        return producers[0]
    if len(producers) <= _SCAN and line.strip():
        best, score = -1, _SIMILAR
        for i in producers:
            matcher = difflib.SequenceMatcher(None, raw[i], line)
            if matcher.real_quick_ratio() > score and matcher.ratio() > score:
                best, score = i, matcher.ratio()
        if best >= 0:
            return best
    return producers[min(index * len(producers) // max(count, 1), len(producers) - 1)]


def _from_includes(
    lines: Sequence[str],
    final: Sequence[str],
    j1: int,
    j2: int,
    includes: IncludeResolver,
    out: list[Origin | None],
    depth: int,
) -> None:
    """Lines of ``final[j1:j2]`` that come unchanged from files that ``lines`` include; then
    the lines between two of them from the same file (a macro filled inside the file)."""
    if depth >= MAX_DEPTH:
        return
    for line in lines:
        for inc_rel, inc_lines in includes(line):
            matcher = difflib.SequenceMatcher(None, inc_lines, final[j1:j2], autojunk=False)
            found = False
            for a, b, size in matcher.get_matching_blocks():
                for k in range(size):
                    if out[j1 + b + k] is None and inc_lines[a + k].strip():
                        out[j1 + b + k] = Origin(inc_rel, a + k + 1)
                        found = True
            if found:
                _from_includes(inc_lines, final, j1, j2, includes, out, depth + 1)
    _interpolate(out, j1, j2)


def _interpolate(out: list[Origin | None], j1: int, j2: int) -> None:
    """An unmapped run between two lines of one included file comes from that file."""
    previous: int | None = None
    for j in range(j1, j2):
        origin = out[j]
        if origin is None:
            continue
        if previous is not None and j - previous > 1:
            before = out[previous]
            assert before is not None
            if before.path == origin.path and origin.line - before.line == j - previous:
                for k in range(previous + 1, j):
                    out[k] = Origin(origin.path, before.line + k - previous)
        previous = j


class MacrosIncludes:
    """The files mkdocs-macros' ``{% include "name" %}`` (and ``import``/``from``) pull in,
    looked up in its ``include_dir`` (by default ``docs_dir``), as Jinja's loader does."""

    def __init__(self, include_dir: Path, root: Path, block_start: str = "{%") -> None:
        self.include_dir = include_dir
        self.root = root
        self.pattern = re.compile(
            re.escape(block_start) + r"[-+]?\s*include\s+(['\"])(?P<name>[^'\"]+)\1"
        )
        self._files: dict[str, tuple[str, list[str]] | None] = {}

    def __call__(self, line: str) -> list[tuple[str, list[str]]]:
        if "include" not in line:
            return []
        found = []
        for match in self.pattern.finditer(line):
            loaded = self._load(match.group("name"))
            if loaded is not None:
                found.append(loaded)
        return found

    def _load(self, name: str) -> tuple[str, list[str]] | None:
        if name not in self._files:
            path = self.include_dir / posixpath.normpath(name)
            try:
                text = normalize_newlines(path.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError, ValueError):
                self._files[name] = None
            else:
                self._files[name] = (relpath(path, self.root), text.split("\n"))
        return self._files[name]
