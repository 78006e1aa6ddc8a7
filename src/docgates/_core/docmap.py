"""Where each line of a docstring is in its ``.py`` file.

griffe gives a docstring's value cleaned as ``inspect.cleandoc`` cleans it, and the line of its
opening quotes. The value's lines are not the file's lines one for one: the first line may share
the quotes' line, ``\\n`` escapes start a line that the file does not, a backslash at the end of
a line joins two, and the common indentation is gone. This module reads the string literal
itself (its tokens, escapes decoded one by one) and maps every line of the cleaned value to its
line and column in the file, for raw and plain, single- and triple-quoted strings, and for
adjacent literals that Python joins into one.
"""

from __future__ import annotations

import ast
import codecs
import contextlib
import inspect
import io
import re
import tokenize
from dataclasses import dataclass
from functools import lru_cache

_PREFIX = re.compile(r"[rRuUbBfF]*")
_OCTAL = re.compile(r"[0-7]{1,3}")


@dataclass(frozen=True)
class LinePlace:
    """Where line ``i`` of a cleaned docstring starts in its file."""

    line: int
    """1-based line in the file."""
    column: int
    """0-based column in the file's line of the cleaned line's first character."""


@lru_cache(maxsize=512)
def _docstring_nodes(source: str) -> dict[int, ast.Constant]:
    """Every string that stands as a statement of its own (docstrings, attribute docstrings),
    by the line its literal starts on."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    found: dict[int, ast.Constant] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            found.setdefault(node.value.lineno, node.value)
    return found


def line_places(source: str, lineno: int, cleaned: str) -> list[LinePlace] | None:
    """The place of each line of ``cleaned`` (a docstring's value as griffe gives it, whose
    literal starts on ``lineno`` of ``source``); ``None`` when the literal cannot be found or
    read back to the same value (then a finding falls back to the docstring's first line)."""
    node = _docstring_nodes(source).get(lineno)
    if node is None or node.end_lineno is None or node.end_col_offset is None:
        return None
    lines = source.split("\n")
    decoded = _decode(lines, node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)
    if decoded is None:
        return None
    value, places = decoded
    if value != node.value:
        return None
    return _clean_places(value, places, cleaned)


def _decode(
    lines: list[str], line: int, col: int, end_line: int, end_col: int
) -> tuple[str, list[tuple[int, int]]] | None:
    """The value of the literal(s) between (line, col) and (end_line, end_col), and the file
    place (1-based line, 0-based column) of each of its characters."""
    segment_lines = lines[line - 1 : end_line]
    if not segment_lines:
        return None
    segment_lines[-1] = segment_lines[-1][:end_col]
    segment_lines[0] = segment_lines[0][col:]
    segment = "\n".join(segment_lines)
    chars: list[str] = []
    places: list[tuple[int, int]] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(segment).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    for token in tokens:
        if token.type != tokenize.STRING:
            continue
        row, start = token.start
        file_line = line + row - 1
        file_col = start + (col if row == 1 else 0)
        _decode_literal(token.string, file_line, file_col, chars, places)
    return "".join(chars), places


def _decode_literal(
    text: str, line: int, col: int, chars: list[str], places: list[tuple[int, int]]
) -> None:
    prefix = _PREFIX.match(text)
    assert prefix is not None
    raw = "r" in prefix.group().lower()
    rest = text[prefix.end() :]
    quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]
    body = rest[len(quote) : len(rest) - len(quote)]
    col += prefix.end() + len(quote)
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\n":
            chars.append("\n")
            places.append((line, col))
            line, col, i = line + 1, 0, i + 1
            continue
        if ch == "\\" and not raw and i + 1 < len(body):
            size = _escape_size(body, i)
            if body[i + 1] == "\n":  # a line continuation: nothing in the value
                line, col, i = line + 1, 0, i + 2
                continue
            piece = body[i : i + size]
            decoded = piece  # an unknown escape stays as it is
            if piece[1] in "\\'\"abfnrtv01234567xuUN":
                with contextlib.suppress(UnicodeDecodeError):
                    decoded = codecs.decode(piece, "unicode_escape")
            for out in decoded:
                chars.append(out)
                places.append((line, col))
            col, i = col + size, i + size
            continue
        chars.append(ch)
        places.append((line, col))
        col, i = col + 1, i + 1


def _escape_size(body: str, i: int) -> int:
    """How many characters the escape at ``body[i]`` (a backslash) spans."""
    nxt = body[i + 1]
    if nxt in "01234567":
        match = _OCTAL.match(body, i + 1)
        assert match is not None
        return 1 + len(match.group())
    sizes = {"x": 4, "u": 6, "U": 10}
    if nxt in sizes:
        return sizes[nxt]
    if nxt == "N" and body[i + 2 : i + 3] == "{":
        end = body.find("}", i)
        return end - i + 1 if end > 0 else 2
    return 2


def _clean_places(
    value: str, places: list[tuple[int, int]], cleaned: str
) -> list[LinePlace] | None:
    """Follow ``inspect.cleandoc`` (as griffe calls it) line by line."""
    text = value.rstrip()
    if inspect.cleandoc(text) != cleaned:
        return None
    starts = [0]
    for index, ch in enumerate(text):
        if ch == "\n":
            starts.append(index + 1)
    raw_lines = text.split("\n")
    expanded = [line.expandtabs() for line in raw_lines]
    indents = [len(t) - len(t.lstrip()) for t in expanded[1:] if t.lstrip()]
    margin = min(indents, default=0)
    lead = 0
    while lead < len(expanded) and not _stripped(expanded, lead, margin):
        lead += 1
    out = []
    count = len(cleaned.split("\n")) if cleaned else 0
    for k in range(count):
        index = lead + k
        if index >= len(raw_lines):
            break
        raw_line = raw_lines[index]
        skip = (
            len(raw_line) - len(raw_line.lstrip()) if index == 0 else _chars_for(raw_line, margin)
        )
        at = starts[index] + min(skip, len(raw_line))
        line, col = places[at] if at < len(places) else places[-1]
        out.append(LinePlace(line, col))
    return out


def _stripped(expanded: list[str], index: int, margin: int) -> str:
    line = expanded[index]
    return line.lstrip() if index == 0 else line[margin:].strip()


def _chars_for(line: str, columns: int) -> int:
    """How many characters of ``line``'s indentation make ``columns`` columns (tabs count to
    the next multiple of 8, as ``expandtabs`` counts them)."""
    width = 0
    for index, ch in enumerate(line):
        if width >= columns or ch not in " \t":
            return index
        width = (width // 8 + 1) * 8 if ch == "\t" else width + 1
    return len(line)
