"""Strings that remember where they came from."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence


class Text:
    """An immutable string whose characters map back to (row, column) in the parsed page.

    ``anchors`` are ``(offset, row, column)`` triples in increasing offset order: the
    character at ``offset + k`` (up to the next anchor) came from ``(row, column + k)``.
    Python-Markdown only ever cuts, strips and re-joins its text, so slicing and joining are
    the only operations needed, and every piece keeps exact positions.
    """

    __slots__ = ("_offsets", "anchors", "s")

    def __init__(self, s: str, anchors: Sequence[tuple[int, int, int]]) -> None:
        self.s = s
        self.anchors = tuple(anchors)
        self._offsets: list[int] | None = None

    @classmethod
    def of_lines(cls, lines: Sequence[str], first_row: int = 0) -> Text:
        anchors = []
        offset = 0
        for row, line in enumerate(lines, first_row):
            anchors.append((offset, row, 0))
            offset += len(line) + 1
        return cls("\n".join(lines), anchors)

    @classmethod
    def of_pieces(cls, pieces: Sequence[tuple[str, int, int]]) -> Text:
        """Lines joined by ``\n``, each given as ``(text, row, column)``."""
        anchors = []
        offset = 0
        for text, row, column in pieces:
            anchors.append((offset, row, column))
            offset += len(text) + 1
        return cls("\n".join([piece[0] for piece in pieces]), anchors)

    @classmethod
    def synthetic(cls, s: str, row: int, column: int = 0) -> Text:
        return cls(s, ((0, row, column),))

    def __repr__(self) -> str:
        return f"Text({self.s!r})"

    def __len__(self) -> int:
        return len(self.s)

    def __bool__(self) -> bool:
        return bool(self.s)

    def _anchor_index(self, offset: int) -> int:
        if self._offsets is None:
            self._offsets = [a[0] for a in self.anchors]
        return max(bisect.bisect_right(self._offsets, offset) - 1, 0)

    def position(self, offset: int) -> tuple[int, int]:
        """(0-based row, 0-based column) of the character at ``offset``."""
        if not self.anchors:
            return 0, 0
        start, row, column = self.anchors[self._anchor_index(offset)]
        return row, column + max(offset - start, 0)

    @property
    def row(self) -> int:
        return self.position(0)[0]

    def __getitem__(self, key: slice) -> Text:
        start, stop, _ = key.indices(len(self.s))
        return self._cut(start, stop)

    def _cut(self, start: int, stop: int) -> Text:
        """``self[start:stop]`` for indices already within the string."""
        anchors_all = self.anchors
        if len(anchors_all) == 1:
            base, row, column = anchors_all[0]
            return Text(self.s[start:stop], ((0, row, column + start - base),))
        if not anchors_all:
            return Text(self.s[start:stop], ())
        first = self._anchor_index(start)
        base, row, column = anchors_all[first]
        anchors = [(0, row, column + start - base)]
        if stop <= start:
            return Text("", anchors)
        assert self._offsets is not None  # made by _anchor_index
        last = bisect.bisect_left(self._offsets, stop, first + 1)
        anchors += [(offset - start, r, c) for offset, r, c in anchors_all[first + 1 : last]]
        return Text(self.s[start:stop], anchors)

    def __add__(self, other: Text | str) -> Text:
        if isinstance(other, str):
            return Text(self.s + other, self.anchors)
        shift = len(self.s)
        return Text(
            self.s + other.s, (*self.anchors, *((o + shift, r, c) for o, r, c in other.anchors))
        )

    @staticmethod
    def join(separator: str, parts: Iterable[Text]) -> Text:
        s: list[str] = []
        anchors: list[tuple[int, int, int]] = []
        offset = 0
        for number, part in enumerate(parts):
            if number:
                s.append(separator)
                offset += len(separator)
            s.append(part.s)
            anchors.extend((o + offset, r, c) for o, r, c in part.anchors)
            offset += len(part.s)
        return Text("".join(s), anchors)

    def split(self, separator: str) -> list[Text]:
        pieces = []
        start = 0
        s = self.s
        size = len(separator)
        while True:
            found = s.find(separator, start)
            if found < 0:
                pieces.append(self._cut(start, len(s)))
                return pieces
            pieces.append(self._cut(start, found))
            start = found + size

    def lines(self) -> list[Text]:
        return self.split("\n")

    def lstrip(self, chars: str | None = None) -> Text:
        s = self.s
        start = len(s) - len(s.lstrip(chars))
        return self._cut(start, len(s)) if start else self  # immutable: no copy needed

    def rstrip(self, chars: str | None = None) -> Text:
        s = self.s
        stop = len(s.rstrip(chars))
        return self._cut(0, stop) if stop < len(s) else self

    def strip(self, chars: str | None = None) -> Text:
        return self.lstrip(chars).rstrip(chars)

    def startswith(self, prefix: str | tuple[str, ...]) -> bool:
        return self.s.startswith(prefix)


def detab_lines(lines: Sequence[Text], length: int) -> tuple[list[Text], list[Text]]:
    """Python-Markdown's ``detab``: strip ``length`` spaces from leading lines that have them
    (blank lines pass), up to the first line that does not; the rest is returned apart."""
    kept: list[Text] = []
    pad = " " * length
    for line in lines:
        if line.s.startswith(pad):
            kept.append(line[length:])
        elif not line.s.strip():
            kept.append(line[len(line) :])
        else:
            break
    return kept, list(lines[len(kept) :])


def detab(text: Text, length: int) -> tuple[Text, Text]:
    kept, rest = detab_lines(text.lines(), length)
    return Text.join("\n", kept), Text.join("\n", rest)


def loose_detab(text: Text, length: int) -> Text:
    """Strip ``length`` spaces from every line that starts with them."""
    pad = " " * length
    return Text.join(
        "\n", [line[length:] if line.s.startswith(pad) else line for line in text.lines()]
    )
