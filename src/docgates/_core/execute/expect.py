"""Expected output as pages write it, and how what a block printed is compared with it.

Three styles, each a list of expected lines that keep their place in the raw file:

* ``>>>`` sessions: the lines after a statement, up to a blank line or the next prompt
  (``<BLANKLINE>`` stands for an empty line; a ``Traceback`` header expects an exception);
* ``#>`` comments after a ``print(...)`` and the ``\"\"\"`` block pytest-examples writes for long
  output, matched to the print calls made from that statement;
* an output fence (```` ```text ````, ```` ```output ```` or one titled "Output") directly after
  a block, matched against everything the block printed.

Lines are compared without trailing whitespace and trailing blank lines (editors strip them).
Anything else that varies from run to run is matched loosely only where the page asks: ``...``
in an expectation matches any text, and a memory address such as ``0x7f3a2c`` matches any other.
Inside a ``\"\"\"`` block, Python-literal output may be laid out over several lines, as black lays
it out for pytest-examples.
"""

from __future__ import annotations

import ast
import difflib
import io
import re
import tokenize
from dataclasses import dataclass, field

from ..document import CodeLine

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{4,16}")
_LOOSE = re.compile(r"\.\.\.|0x[0-9a-fA-F]{4,16}")
_TRACEBACK_HEADERS = ("Traceback (most recent call last):", "Traceback (innermost last):")
_SKIPPED_TOKENS = frozenset(
    {
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
        tokenize.COMMENT,
    }
)


@dataclass
class Expectation:
    """Expected output lines and where they are.

    ``lines`` are the raw lines holding the expectation (one per expected line); ``anchor`` is the
    line a finding points at when there is nothing expected, and after which ``--update``
    inserts new lines. ``first``/``last`` bound the raw lines ``--update`` replaces.
    """

    style: str
    """``session``, ``comment`` (``#>``), ``docstring`` (``\"\"\"`` after a print) or ``fence``."""
    texts: list[str]
    lines: list[CodeLine]
    anchor: CodeLine
    first: CodeLine | None = None
    last: CodeLine | None = None
    indent: str = ""
    """Indentation inside the block of the expectation's lines (``#>`` under a nested print)."""
    traceback: bool = False
    """The expectation is a ``Traceback ...`` (sessions): the statement must raise."""


@dataclass(frozen=True)
class Mismatch:
    """Where expected and actual output part, and a diff to show."""

    index: int
    """The expected line that differs (``len(texts)``: the output has more lines)."""
    diff: str
    expected: str
    actual: str


# -- comparing ---------------------------------------------------------------------------------


def clean(lines: list[str]) -> list[str]:
    """Trailing whitespace and trailing blank lines dropped."""
    out = [line.rstrip() for line in lines]
    while out and not out[-1]:
        out.pop()
    return out


def split_output(text: str) -> list[str]:
    """The lines of what a block printed."""
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n") if text else []


def compare(expected: list[str], actual: list[str], *, layout: bool = False) -> Mismatch | None:
    """``None`` when ``actual`` output satisfies ``expected``; else where and how it differs."""
    want, got = clean(expected), clean(actual)
    if want == got:
        return None
    joined_want, joined_got = "\n".join(want), "\n".join(got)
    if _LOOSE.search(joined_want) and loose_match(joined_want, joined_got):
        return None
    if layout:
        if same_tokens(joined_want, joined_got):
            return None
        return _token_mismatch(want, got) or _mismatch(want, got)
    return _mismatch(want, got)


def loose_match(expected: str, actual: str) -> bool:
    """Match with ``...`` standing for any text and addresses for any address."""
    pattern = []
    position = 0
    for found in _LOOSE.finditer(expected):
        pattern.append(re.escape(expected[position : found.start()]))
        pattern.append(".*?" if found.group() == "..." else "0x[0-9a-fA-F]+")
        position = found.end()
    pattern.append(re.escape(expected[position:]))
    return re.fullmatch("".join(pattern), actual, re.DOTALL) is not None


def same_tokens(expected: str, actual: str) -> bool:
    """True when both read as the same Python tokens, layout and trailing commas aside."""
    want, got = _tokens(expected.strip()), _tokens(actual.strip())
    return want is not None and [t for t, _ in want] == [t for t, _ in got or []]


def _tokens(text: str) -> list[tuple[str, int]] | None:
    """Significant tokens of ``text`` with their 0-based line, trailing commas dropped."""
    try:
        raw = [
            (t.string, t.start[0] - 1)
            for t in tokenize.generate_tokens(io.StringIO(text + "\n").readline)
            if t.type not in _SKIPPED_TOKENS
            and not (t.type == tokenize.ERRORTOKEN and t.string.isspace())
        ]
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    if any(t and t[0] in "\"'" and t[-1] not in "\"'" for t, _ in raw):
        return None  # an unterminated string: not Python
    closers = (")", "]", "}")
    return [
        (t, row)
        for i, (t, row) in enumerate(raw)
        if not (t == "," and i + 1 < len(raw) and raw[i + 1][0] in closers)
    ]


def _token_mismatch(want: list[str], got: list[str]) -> Mismatch | None:
    """Where two Python layouts part, by their first differing token (``None``: not Python)."""
    wanted, gotten = _tokens("\n".join(want)), _tokens("\n".join(got))
    if wanted is None or gotten is None:
        return None
    for left, right in zip(wanted, gotten, strict=False):
        if left[0] != right[0]:
            row, other = left[1], right[1]
            break
    else:
        row = wanted[len(gotten)][1] if len(wanted) > len(gotten) else len(want)
        other = gotten[len(wanted)][1] if len(gotten) > len(wanted) else len(got)
    base = _mismatch(want, got)
    expected = want[row] if row < len(want) else ""
    actual = got[other] if other < len(got) else ""
    return Mismatch(row, base.diff, expected, actual)


def _mismatch(want: list[str], got: list[str]) -> Mismatch:
    index, other = len(want), len(got)
    matcher = difflib.SequenceMatcher(a=want, b=got, autojunk=False)
    for tag, i1, _i2, j1, _j2 in matcher.get_opcodes():
        if tag != "equal":
            index, other = i1, j1
            break
    diff = "\n".join(
        line.rstrip("\n")
        for line in difflib.unified_diff(want, got, "page", "printed", n=1, lineterm="")
    )
    expected = want[index] if index < len(want) else ""
    actual = got[other] if other < len(got) else ""
    return Mismatch(index, _shorten_diff(diff), expected, actual)


def _shorten_diff(diff: str, limit: int = 24) -> str:
    lines = diff.split("\n")
    if len(lines) > limit:
        lines = [*lines[:limit], f"... ({len(lines) - limit} more diff lines)"]
    return "\n".join(lines)


def exception_lines(texts: list[str]) -> list[str]:
    """The exception part of an expected traceback (the stack lines are not compared)."""
    rest = texts[1:]
    index = 0
    while index < len(rest) and (rest[index][:1].isspace() or rest[index].strip() == "..."):
        index += 1
    return rest[index:]


def compare_exception(expected: list[str], only: str, qualified: str, name: str) -> Mismatch | None:
    """Compare an expected exception (``ValueError: ...``) with ``format_exception_only``."""
    actual = split_output(only)
    found = compare(expected, actual)
    if found is None:
        return None
    if actual and qualified != name and actual[0].startswith(qualified):
        bare = [name + actual[0][len(qualified) :], *actual[1:]]
        if compare(expected, bare) is None:
            return None
    return found


# -- finding expectations ------------------------------------------------------------------------


def session_expectation(output: list[CodeLine], anchor: CodeLine, lead: int) -> Expectation:
    """A ``>>>`` statement's expected output: up to the first blank line.

    ``lead`` is the indentation of the statement's prompt, which output lines share and which
    is not part of the output (as in doctest).
    """
    lines: list[CodeLine] = []
    for line in output:
        if not line.text.strip():
            break
        lines.append(line)
    texts = []
    for line in lines:
        text = line.text[lead:] if not line.text[:lead].strip() else line.text.lstrip()
        texts.append("" if text.strip() == "<BLANKLINE>" else text)
    return Expectation(
        "session",
        texts,
        lines,
        anchor,
        lines[0] if lines else None,
        lines[-1] if lines else None,
        indent=" " * lead,
        traceback=bool(texts) and texts[0].startswith(_TRACEBACK_HEADERS),
    )


def fence_expectation(lines: list[CodeLine], anchor: CodeLine) -> Expectation:
    return Expectation(
        "fence",
        [line.text for line in lines],
        list(lines),
        anchor,
        lines[0] if lines else None,
        lines[-1] if lines else None,
    )


@dataclass
class PrintSite:
    """A statement that calls ``print`` and the ``#>`` output written after it."""

    start: int
    """First line of the statement, 1-based in the block."""
    end: int
    column: int
    """The statement's column in the (dedented) block."""
    expectation: Expectation | None = None
    calls: list[list[object]] = field(default_factory=list)


_PRINT_CALL = re.compile(r"(?<![\w.])print\s*\(")
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def print_sites(code: str, lines: list[CodeLine]) -> list[PrintSite]:
    """Every statement that calls ``print``, with the expectation written right after it.

    ``code`` is the block's (dedented) source and ``lines`` its raw lines, one per line of
    ``code``. A site is the innermost simple statement whose text calls ``print(`` (a compound
    statement's body is searched, not its header).
    """
    if not _PRINT_CALL.search(code) or not ("#>" in code or '"""' in code or "'''" in code):
        return []  # no print, or nothing written after one: nothing to check
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    texts = code.split("\n")
    statements = _statements(tree)
    next_start: dict[int, ast.stmt] = {}
    for stmt in statements:
        next_start.setdefault(stmt.lineno, stmt)
    sites: dict[int, PrintSite] = {}
    for stmt in statements:
        if any(getattr(stmt, name, None) for name in _BODIES):
            continue  # compound: its prints are in its body
        end = stmt.end_lineno or stmt.lineno
        if not _PRINT_CALL.search("\n".join(texts[stmt.lineno - 1 : end])):
            continue
        site = sites.get(end)
        if site is None or stmt.lineno < site.start:
            sites[end] = PrintSite(stmt.lineno, end, stmt.col_offset)
    for site in sites.values():
        site.expectation = _after(site, texts, lines, next_start)
    return sorted(sites.values(), key=lambda s: s.start)


def _statements(tree: ast.Module) -> list[ast.stmt]:
    """Every statement, nested ones included (only statement bodies are walked)."""
    found: list[ast.stmt] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for name in _BODIES:
            for child in getattr(node, name, None) or ():
                if isinstance(child, ast.stmt):
                    found.append(child)
                    stack.append(child)
                elif isinstance(child, (ast.ExceptHandler, ast.match_case)):
                    stack.append(child)
    return found


def _after(
    site: PrintSite,
    texts: list[str],
    lines: list[CodeLine],
    next_start: dict[int, ast.stmt],
) -> Expectation | None:
    index = site.end  # 0-based index of the line after the statement
    if index >= len(texts) or index >= len(lines):
        return None
    anchor = lines[site.end - 1]
    stripped = texts[index].lstrip()
    if stripped.startswith("#>"):
        found: list[CodeLine] = []
        values: list[str] = []
        while index < len(texts) and texts[index].lstrip().startswith("#>"):
            value = texts[index].lstrip()[2:]
            values.append(value[1:] if value.startswith(" ") else value)
            found.append(lines[index])
            index += 1
        return Expectation(
            "comment",
            values,
            found,
            anchor,
            found[0],
            found[-1],
            indent=" " * site.column,
        )
    stmt = next_start.get(site.end + 1)
    if (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
        and stripped.startswith(('"""', "'''"))
    ):
        last = (stmt.end_lineno or stmt.lineno) - 1
        quote = stripped[:3]
        body_first, body_last = index + 1, last - 1
        values = []
        raw: list[CodeLine] = []
        if last == index:  # """text""" on one line
            inner = stripped[3:]
            inner = inner[: inner.rfind(quote)] if quote in inner else inner
            values, raw = [inner], [lines[index]]
        else:
            opening = stripped[3:]
            if opening.strip():
                values.append(opening)
                raw.append(lines[index])
            for row in range(body_first, body_last + 1):
                text = texts[row]
                values.append(
                    text[site.column :] if text[: site.column].isspace() else text.lstrip()
                )
                raw.append(lines[row])
            closing = texts[last].lstrip()
            closing = closing[: closing.rfind(quote)] if quote in closing else closing
            if closing.strip():
                values.append(closing)
                raw.append(lines[last])
        return Expectation(
            "docstring",
            values,
            raw,
            anchor,
            lines[index],
            lines[last],
            indent=" " * site.column,
        )
    return None
