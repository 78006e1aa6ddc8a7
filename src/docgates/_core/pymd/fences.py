"""Fenced code, found before the block parser runs, as Python-Markdown's preprocessors do.

``pymdownx.superfences`` looks at the page line by line, indifferent to containers: a fence
opens after any run of spaces and ``>`` (its "whitespace"), each content line must carry
exactly that whitespace (blank lines aside), and the closing line is the opening's fence
characters, exactly, at the same whitespace. A header it rejects, a line less indented, a
blockquote level that does not fit, or the end of the page abandons the fence, and the line
that abandoned it is not looked at again as an opener. A found fence becomes one placeholder
line, indented like the opener; where the block parser later puts that placeholder decides
whether MkDocs shows code (an indented code block turns it back into text).

Without superfences, Python-Markdown's ``fenced_code`` matches one regular expression against
the whole page: a fence opens in column 0 and closes at the first line that is the same fence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..infostring import FenceHeader, parse_header, rejection
from ..lazyre import lazy
from .blocks import PLACEHOLDER
from .text import Text

_NESTED_START = lazy(
    r"""(?x)
    (?P<fence>~{3,}|`{3,})
    (?:[ \t]*\.?(?P<lang>[\w#.+-]+)(?=[\t ]|$))?
    (?:
        [ \t]*(\{(?P<attrs>[^\n]*)\}) |
        (?P<options>
            (?:
                (?:[ \t]*[a-zA-Z][a-zA-Z0-9_]*(?:=(?P<quot>"|').*?(?P=quot))?)(?=[\t ]|$)
            )+
        ) |
        (?P<unrecognized>
            (?:([ \t]*[^\s]+)(?=[\t ]|$))+
        )
    )?[ \t]*$
    """
)
_FENCED_BLOCK = lazy(
    r"""(?xms)
    (?P<fence>^(?:~{3,}|`{3,}))[ ]*
    ((\{(?P<attrs>[^\n]*)\})|
    (\.?(?P<lang>[\w#.+-]*)[ ]*)?
    (hl_lines=(?P<quot>"|')(?P<hl_lines>.*?)(?P=quot)[ ]*)?)
    \n
    (?P<code>.*?)(?<=\n)
    (?P=fence)[ ]*$
    """
)
_FENCE_LIKE = lazy(r"^[> \t]*(`{3,}|~{3,})(.*)$")
_PREFIX_CHARS = (">", " ", "\t")
PLACEHOLDER_START = "\x02wzxhzdk:"
_PREFIX = lazy(r"[> \t]*")


@dataclass
class Fence:
    """A fence the preprocessor turned into placeholder number ``index``."""

    index: int
    start: int
    """0-based row of the opening line."""
    end: int
    """0-based row of the closing line."""
    column: int
    indent: int
    """The opener's virtual whitespace (spaces and ``>``), which every content line carries."""
    header: FenceHeader
    code: Text
    original: list[tuple[str, int]] = field(default_factory=list)
    """The fence's lines as written, to put back when an indented code block takes it."""
    rendered: bool = True


@dataclass
class Note:
    """A fence-like line that MkDocs will not render as code, and why."""

    row: int
    column: int
    lang: str | None
    header: str
    reason: str
    hint: str | None = None
    claimed: bool = False


@dataclass
class FenceResult:
    text: Text
    fences: dict[int, Fence]
    notes: list[Note]


def _header_hint(header: FenceHeader) -> str | None:
    if header.form == "options":
        inner = " ".join(f'{k}="{v}"' for k, v in header.options.items())
        return f"Put the options in braces: '{header.lang or ''} {{{inner}}}'."
    return None


class SuperFences:
    """``pymdownx.superfences``' ``SuperFencesBlockPreprocessor.search_nested``."""

    def __init__(self, relaxed: bool, extra_options: frozenset[str], claimed_by: str = "") -> None:
        self.relaxed = relaxed
        self.extra = extra_options
        self.claimed_by = claimed_by

    def run(self, lines: list[str], counter: list[int]) -> FenceResult:
        fences: dict[int, Fence] = {}
        notes: list[Note] = []
        out: list[tuple[str, int, int]] = []
        # The open fence: (start row, ws, ws_len, virtual length, quote level, marker, header)
        state: tuple[int, str, int, int, int, str, FenceHeader] | None = None
        code: list[tuple[str, int, int]] = []
        empty_lines = 0
        suspicious: list[tuple[int, str]] = []
        pending: list[tuple[str, int]] = []  # the open fence's lines, until it closes or not

        def abandon() -> None:
            nonlocal state
            assert state is not None
            row, ws, _, _, _, marker, header = state
            notes.append(
                Note(
                    row,
                    len(ws),
                    header.lang,
                    header.raw,
                    "it is never closed, so MkDocs renders it as text",
                    f"Close it with a line of exactly '{marker}' at the same indentation.",
                )
            )
            out.extend((line, row, 0) for line, row in pending)
            pending.clear()
            state = None

        for row, line in enumerate(lines):
            here = (line, row, 0)
            if state is None:
                if "```" not in line and "~~~" not in line:
                    out.append(here)  # most lines: no fence can start here
                    continue
                ws_len = _PREFIX.match(line).end()  # type: ignore[union-attr]
                if line[ws_len : ws_len + 3] not in ("```", "~~~"):
                    out.append(here)
                    continue
                ws = line[:ws_len].expandtabs(4)
                match = _NESTED_START.match(line, ws_len)
                if match is None:
                    out.append(here)
                    continue
                rest = line[match.start() + len(match.group("fence")) :]
                header = parse_header(rest)
                marker = match.group("fence")
                if marker[0] == "`" and "`" in rest and not self.relaxed:
                    out.append(here)  # unrecognized header: text (inline code such as ```a```)
                    continue
                reason = rejection(
                    header, superfences=True, relaxed=self.relaxed, extra_options=self.extra
                )
                if reason and self.claimed_by:
                    # A hook may turn the header into one MkDocs renders (a project's own
                    # 'toml config-example' fences): reading the fence as text would make
                    # everything up to the next fence code, headings included.
                    notes.append(
                        Note(
                            row,
                            ws_len,
                            header.lang,
                            header.raw,
                            f"{reason}, but {self.claimed_by} may rewrite it before MkDocs "
                            "renders the page, so docgates reads it as a fence; it is checked "
                            "only by `mkdocs build` with the plugins",
                            None,
                            claimed=True,
                        )
                    )
                elif reason:
                    hint = _header_hint(header)
                    notes.append(Note(row, ws_len, header.lang, header.raw, reason, hint))
                    out.append(here)
                    continue
                state = (row, ws, ws_len, len(ws), ws.count(">"), marker, header)
                code, empty_lines, suspicious = [], 0, []
                pending = [(line, row)]
                continue
            start, ws0, ws0_len, virtual, quote_level0, marker, header = state
            pending.append((line, row))
            # parse_fence_line: the line's prefix, up to the opener's virtual length
            length = taken = index = 0
            prefix: list[str] = []
            for char in line:
                if length >= virtual or char not in _PREFIX_CHARS:
                    break
                taken += 1
                size = 4 - (index % 4) if char == "\t" else 1
                length += size
                prefix.append(" " * size if char == "\t" else char)
                index += size
            ws = "".join(prefix)
            content = line[taken:]
            quote_level = ws.count(">")
            is_end = (
                content.startswith(marker)
                and not content[len(marker) :].strip(" \t")
                and not content.startswith((" ", "\t"))
            )
            closed = False
            if quote_level0:
                if quote_level > quote_level0:
                    abandon()
                    continue
                if content == "":
                    code.append((line[taken:], row, taken))
                    empty_lines += 1
                    continue
                if len(ws) < ws0_len or (empty_lines and quote_level < quote_level0):
                    abandon()
                    continue
                closed = content.startswith(marker) and not content[len(marker) :].strip(" \t")
            elif quote_level == 0:
                if not (ws + content).strip():
                    empty_lines += 1
                    code.append((line[taken:], row, taken))
                    continue
                if len(ws) != virtual and content != "":
                    abandon()
                    continue
                closed = is_end
            else:
                abandon()
                continue
            if not closed:
                empty_lines = 0
                code.append((line[taken:], row, taken))
                run = len(content) - len(content.lstrip(marker[0]))
                if run >= 3 and not content.startswith((" ", "\t")):
                    suspicious.append((row, content.strip()))
                continue
            number = counter[0]
            counter[0] += 1
            body = Text.of_pieces(code)
            fence = Fence(number, start, row, ws0_len, virtual, header, body, list(pending))
            fences[number] = fence
            out.append((ws0 + PLACEHOLDER.format(number), start, 0))
            pending = []
            state = None
            for bad_row, text in suspicious:
                run = len(text) - len(text.lstrip(marker[0]))
                if run == len(marker):
                    why = f"a closing fence cannot carry an info string ('{text}')"
                else:
                    why = f"'{text}' has {run} fence characters, the opening has {len(marker)}"
                notes.append(
                    Note(
                        bad_row,
                        virtual,
                        header.lang,
                        text,
                        f"{why}; the block opened at line {{open_line}} does not end here",
                        f"Use a line of exactly '{marker}' to close the block.",
                    )
                )
        if state is not None:
            abandon()
        return FenceResult(Text.of_pieces(out), fences, notes)


class FencedCode:
    """Python-Markdown's ``fenced_code``: one expression over the whole page."""

    def run(self, text: Text, counter: list[int]) -> FenceResult:
        fences: dict[int, Fence] = {}
        notes: list[Note] = []
        index = 0
        s = text.s
        while True:
            match = _FENCED_BLOCK.search(s, index)
            if match is None:
                break
            attrs = match.group("attrs")
            if attrs is not None and _attrs_remainder(attrs):
                index = match.end("attrs")
                continue
            rest = s[match.end("fence") : s.find("\n", match.start())]
            header = parse_header(rest)
            number = counter[0]
            counter[0] += 1
            start_row = text.position(match.start())[0]
            end_row = text.position(match.end() - 1)[0]
            code = text[match.start("code") : match.end("code")]
            if code.s.endswith("\n"):
                code = code[:-1]
            fences[number] = Fence(number, start_row, end_row, 0, 0, header, code)
            placeholder = Text.synthetic(PLACEHOLDER.format(number), start_row)
            before = text[: match.start()]
            text = Text.join("\n", [before, placeholder, text[match.end() :]])
            s = text.s
            index = match.start() + 1 + len(placeholder.s)
        inside = {row for fence in fences.values() for row in range(fence.start, fence.end + 1)}
        for number, line in enumerate(text.lines()):
            found = fence_like(line.s)
            if found is None or line.row in inside or PLACEHOLDER_START in line.s:
                continue
            header = parse_header(found.group(2))
            if found.group(1)[0] == "`" and "`" in found.group(2):
                continue
            column = len(line.s) - len(line.s.lstrip(" >\t"))
            if column:
                reason = "it is nested, and fenced_code only sees top-level fences"
                hint: str | None = "Enable pymdownx.superfences to nest fences."
            else:
                reason = (
                    rejection(header, superfences=False, relaxed=False, extra_options=frozenset())
                    or "it is never closed, so MkDocs renders it as text"
                )
                hint = _header_hint(header)
            del number
            notes.append(Note(line.row, column, header.lang, header.raw, reason, hint))
        return FenceResult(text, fences, notes)


def _attrs_remainder(attrs: str) -> bool:
    """True when an ``{attribute list}`` has unbalanced braces (attr_list's remainder)."""
    depth = 0
    for char in attrs:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return True
    return depth != 0


def fence_like(line: str) -> re.Match[str] | None:
    return _FENCE_LIKE.match(line)
