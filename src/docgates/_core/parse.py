"""markdown-it-py, taught to see a page the way MkDocs + pymdownx render it.

CommonMark and Python-Markdown disagree in ways that decide whether a block is code:

* Fences follow pymdownx.superfences: they may sit at any depth (lists, admonitions, tabs,
  block quotes); every content line must be indented at least as much as the opening fence; the
  closing fence has exactly the opening's characters; an unclosed fence is text, not code; a
  header with options superfences rejects is text. Without superfences, Python-Markdown's
  ``fenced_code`` only sees fences at the top level, in column 0.
* Admonitions (``!!!``), collapsible blocks (``???``, ``???+``) and content tabs (``===``) hold
  content indented by four spaces; ``/// name`` blocks (pymdownx.blocks) are closed by a line of
  the same slashes. Each exists only when its extension is configured.
* ATX headings need no space after the hashes.
* List items hold content indented by four spaces whatever the marker's width, so a line is an
  indented code block only four spaces past that (CommonMark counts from the marker's width).

Each rule pushes ordinary tokens with ``map`` line ranges; problems worth a warning (a fence that
looks like Python but will not render) are collected in ``env["fence_notes"]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from .infostring import MARKDOWN_EXEC_OPTIONS, FenceHeader, parse_header, rejection
from .lazyre import lazy
from .mdconfig import MarkdownOptions

_FENCE_OPEN = lazy(r"(`{3,}|~{3,})(.*)$")
_ADMONITION = lazy(r'(!!!|\?\?\?\+?) ?(?P<type>[\w-]+(?: +[\w-]+)*)(?: +"(?P<title>.*?)")? *$')
_DETAILS_TITLE_ONLY = lazy(r'(\?\?\?\+?) +"(?P<title>.*?)" *$')
_TAB = lazy(r'===(?P<flags>\+!|!\+|\+|!)? +"(?P<title>.*?)" *$')
_BLOCK_OPEN = lazy(
    r"(?P<slashes>/{3,})[ \t]*(?P<name>[\w-]+)[ \t]*(?:\|[ \t]*(?P<title>.*?))?[ \t]*$"
)
_BLOCK_CLOSE = lazy(r"(?P<slashes>/{3,})[ \t]*$")
_BLOCK_NAMES = frozenset(
    {"admonition", "details", "tab", "html", "caption", "define", "definition"}
)


@dataclass(frozen=True)
class FenceNote:
    """A fence-like line that will not become a rendered code block, and why."""

    line: int
    """0-based line in the parsed text."""
    column: int
    lang: str | None
    header: str
    reason: str
    hint: str | None = None
    claimed: bool = False
    """Something in the config (a hook, a plugin docgates does not know, a custom fence's
    validator) may take the header before MkDocs renders it: the fence is read as a fence and
    the note is information, not a warning."""


@dataclass(frozen=True)
class ParserSettings:
    """The hashable subset of :class:`MarkdownOptions` that shapes the parser."""

    superfences: bool
    fenced_code: bool
    relaxed_headers: bool
    exec_options: bool
    admonition: bool
    details: bool
    tabbed: bool
    blocks: frozenset[str]
    block_types: frozenset[str]
    tables: bool
    footnotes: bool
    def_list: bool
    math: bool
    inline: bool
    claimed_by: str = ""
    """What may rewrite fence headers superfences rejects before MkDocs renders the page
    (``hook 'docs/hooks.py'``); empty when nothing can."""

    @classmethod
    def from_options(
        cls,
        options: MarkdownOptions,
        *,
        inline: bool,
        plugins: frozenset[str] = frozenset(),
        claimed_by: str = "",
    ) -> ParserSettings:
        superfences = options.extensions.get("pymdownx.superfences", {}) or {}
        return cls(
            superfences=options.superfences,
            fenced_code=options.fenced_code,
            relaxed_headers=bool(superfences.get("relaxed_headers", False)),
            exec_options="markdown-exec" in plugins or options.assumed,
            admonition=options.admonition,
            details=options.details,
            tabbed=options.tabbed,
            blocks=options.blocks,
            block_types=options.block_admonition_types,
            tables=options.tables,
            footnotes=options.footnotes,
            def_list=options.def_list,
            math=options.arithmatex,
            inline=inline,
            claimed_by=claimed_by,
        )


def _notes(state: StateBlock) -> list[FenceNote]:
    env = state.env
    notes: list[FenceNote] = env.setdefault("fence_notes", [])
    return notes


def _line(state: StateBlock, line: int) -> str:
    return str(state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]])


def _column(state: StateBlock, line: int) -> int:
    """0-based column of the first non-space character of ``line`` in the parsed text."""
    start = state.bMarks[line] + state.tShift[line]
    line_start = state.src.rfind("\n", 0, start) + 1
    return int(start - line_start)


# -- fences ------------------------------------------------------------------------------------


def _make_fence_rule(settings: ParserSettings) -> Any:
    extra = MARKDOWN_EXEC_OPTIONS if settings.exec_options else frozenset()

    def fence(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[start] + state.tShift[start]
        if pos >= state.eMarks[start] or state.src[pos] not in "`~":
            return False
        if state.is_code_block(start):
            return False
        text = _line(state, start)
        match = _FENCE_OPEN.match(text)
        if match is None:
            return False
        marker, rest = match.group(1), match.group(2)
        if marker[0] == "`" and "`" in rest:
            return False  # inline code such as ```a``` (CommonMark and Python-Markdown agree)
        top_level = state.level == 0 and state.sCount[start] == 0
        header = parse_header(rest)
        if not settings.superfences and not (settings.fenced_code and top_level):
            if not silent and (settings.superfences or settings.fenced_code):
                _note(
                    state,
                    start,
                    header,
                    "it is nested, and fenced_code only sees top-level fences",
                    "Enable pymdownx.superfences to nest fences.",
                )
            return False
        reason = rejection(
            header,
            superfences=settings.superfences,
            relaxed=settings.relaxed_headers,
            extra_options=extra,
        )
        if reason and settings.claimed_by and settings.superfences:
            # A hook may turn the header into one MkDocs renders (a project's own
            # 'toml config-example' fences): reading the fence as text would make everything
            # up to the next fence code, headings included.
            if not silent:
                _notes(state).append(
                    FenceNote(
                        start,
                        _column(state, start),
                        header.lang,
                        header.raw,
                        f"{reason}, but {settings.claimed_by} may rewrite it before MkDocs "
                        "renders the page, so docgates reads it as a fence; it is checked only "
                        "by `mkdocs build` with the plugins",
                        None,
                        claimed=True,
                    )
                )
        elif reason:
            if not silent:
                _note(state, start, header, reason, _header_hint(header))
            return False
        indent = state.sCount[start]
        marker_len = len(marker)
        line = start
        closed = False
        suspicious: list[tuple[int, str]] = []
        while True:
            line += 1
            if line >= end:
                break
            if state.isEmpty(line):
                continue
            if settings.superfences and state.sCount[line] < indent:
                break  # superfences abandons a fence whose content is less indented
            body = _line(state, line)
            if (
                (state.sCount[line] == indent or not settings.superfences)
                and body.startswith(marker)
                and not body[marker_len:].strip(" \t")
            ):
                closed = True
                break
            if body[:1] == marker[0] and state.sCount[line] == indent:
                run = len(body) - len(body.lstrip(marker[0]))
                if run >= 3:
                    suspicious.append((line, body))
        if not closed:
            if not silent:
                _note(
                    state,
                    start,
                    header,
                    "it is never closed, so MkDocs renders it as text",
                    f"Close it with a line of exactly '{marker}' at the same indentation.",
                )
            return False
        if silent:
            return True
        for bad_line, body in suspicious:
            run = len(body) - len(body.lstrip(marker[0]))
            if run == len(marker):
                why = f"a closing fence cannot carry an info string ('{body.strip()}')"
            else:
                why = f"'{body.strip()}' has {run} fence characters, the opening has {len(marker)}"
            _notes(state).append(
                FenceNote(
                    bad_line,
                    _column(state, bad_line),
                    header.lang,
                    body.strip(),
                    f"{why}; the block opened at line {{open_line}} does not end here",
                    f"Use a line of exactly '{marker}' to close the block.",
                )
            )
        token = state.push("fence", "code", 0)
        token.info = rest.strip()
        token.markup = marker
        token.content = state.getLines(start + 1, line, indent, True)
        token.map = [start, line + 1]
        token.meta = {"header": header, "indent": indent, "column": _column(state, start)}
        state.line = line + 1
        return True

    return fence


def _note(state: StateBlock, line: int, header: FenceHeader, reason: str, hint: str | None) -> None:
    _notes(state).append(
        FenceNote(line, _column(state, line), header.lang, header.raw, reason, hint)
    )


def _header_hint(header: FenceHeader) -> str | None:
    if header.form == "options":
        inner = " ".join(f'{k}="{v}"' for k, v in header.options.items())
        return f"Put the options in braces: '{header.lang or ''} {{{inner}}}'."
    return None


# -- containers: admonitions, details, tabs ----------------------------------------------------


def _make_container_rule(settings: ParserSettings) -> Any:
    def container(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[start] + state.tShift[start]
        if pos >= state.eMarks[start] or state.src[pos] not in "!?=":
            return False
        if state.is_code_block(start):
            return False
        text = _line(state, start)
        kind, meta = _container_kind(text, settings)
        if kind is None:
            return False
        if silent:
            return True
        content_indent = state.sCount[start] + 4
        line = last = start + 1
        while line < end:
            if state.isEmpty(line):
                line += 1
                continue
            if state.sCount[line] < content_indent:
                break
            line += 1
            last = line
        old = (state.parentType, state.lineMax, state.blkIndent)
        token = state.push(f"{kind}_open", "div", 1)
        token.block = True
        token.map = [start, last]
        token.meta = meta
        token.markup = text.split(" ", 1)[0]
        state.parentType = kind
        state.lineMax = last
        state.blkIndent = content_indent
        state.md.block.tokenize(state, start + 1, last)
        state.parentType, state.lineMax, state.blkIndent = old
        close = state.push(f"{kind}_close", "div", -1)
        close.block = True
        state.line = last
        return True

    return container


def _container_kind(text: str, settings: ParserSettings) -> tuple[str | None, dict[str, Any]]:
    if text.startswith("!!!") and settings.admonition:
        match = _ADMONITION.match(text)
        if match:
            return "admonition", {"type": match.group("type"), "title": match.group("title")}
    elif text.startswith("???") and settings.details:
        match = _ADMONITION.match(text) or _DETAILS_TITLE_ONLY.match(text)
        if match:
            kind_type = match.groupdict().get("type")
            return "details", {"type": kind_type, "title": match.group("title")}
    elif text.startswith("===") and settings.tabbed:
        match = _TAB.match(text)
        if match:
            return "tab", {"title": match.group("title"), "flags": match.group("flags") or ""}
    return None, {}


# -- pymdownx.blocks: /// name | title ... /// -------------------------------------------------


def _make_blocks_rule(settings: ParserSettings) -> Any:
    names = set(_BLOCK_NAMES)
    if "admonition" in settings.blocks:
        names |= settings.block_types

    def blocks(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[start] + state.tShift[start]
        if pos >= state.eMarks[start] or state.src[pos] != "/" or state.is_code_block(start):
            return False
        text = _line(state, start)
        if not text.startswith("///"):
            return False
        match = _BLOCK_OPEN.match(text)
        if match is None or match.group("name") not in names:
            return False
        if silent:
            return True
        slashes = match.group("slashes")
        indent = state.sCount[start]
        body_start = start + 1
        while (
            body_start < end
            and not state.isEmpty(body_start)
            and (state.sCount[body_start] >= indent + 4)
        ):
            body_start += 1  # the block's YAML options
        depth, line, fence = 1, body_start, ""
        while line < end:
            body = _line(state, line)
            if fence:
                if body.startswith(fence) and not body[len(fence) :].strip():
                    fence = ""
            elif body[:3] in ("```", "~~~"):
                fence = body[: len(body) - len(body.lstrip(body[0]))]
            elif state.sCount[line] == indent:
                closing = _BLOCK_CLOSE.match(body)
                if closing and closing.group("slashes") == slashes:
                    depth -= 1
                    if depth == 0:
                        break
                opening = _BLOCK_OPEN.match(body)
                if opening and opening.group("slashes") == slashes:
                    depth += 1
            line += 1
        body_end = line
        old = (state.parentType, state.lineMax)
        token = state.push("block_open", "div", 1)
        token.block = True
        token.map = [start, min(body_end + 1, end)]
        token.meta = {"type": match.group("name"), "title": match.group("title")}
        token.markup = slashes
        state.parentType = "block"
        state.lineMax = body_end
        state.md.block.tokenize(state, body_start, body_end)
        state.parentType, state.lineMax = old
        close = state.push("block_close", "div", -1)
        close.block = True
        state.line = min(body_end + 1, end)
        return True

    return blocks


# -- headings: Python-Markdown needs no space after the hashes --------------------------------


def heading(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    pos = state.bMarks[start] + state.tShift[start]
    if pos >= state.eMarks[start] or state.src[pos] != "#" or state.is_code_block(start):
        return False
    text = _line(state, start)
    hashes = len(text) - len(text.lstrip("#"))
    level = min(hashes, 6)
    content = text[level:].rstrip()
    content = content.rstrip("#").strip() if content.rstrip("#") != content else content.strip()
    if silent:
        return True
    state.line = start + 1
    token = state.push("heading_open", f"h{level}", 1)
    token.markup = "#" * level
    token.map = [start, state.line]
    inline = state.push("inline", "", 0)
    inline.content = content
    inline.map = [start, state.line]
    inline.children = []
    inline.meta = {"offset": text.find(content, level) if content else len(text)}
    state.push("heading_close", f"h{level}", -1).markup = "#" * level
    return True


# -- Python-Markdown's list indentation ------------------------------------------------------


class _State(StateBlock):
    """A block state whose indented-code test follows Python-Markdown inside list items."""

    def is_code_block(self, line: int) -> bool:
        if not self._code_enabled:
            return False
        indent = self.blkIndent
        if self.listIndent >= 0:
            indent = max(indent, self.listIndent + 4)
        return bool(self.sCount[line] - indent >= 4)


class _BlockParser(ParserBlock):
    def parse(
        self, src: str, md: MarkdownIt, env: Any, outTokens: list[Token]
    ) -> list[Token] | None:
        if not src:
            return None
        state = _State(src, md, env, outTokens)
        self.tokenize(state, state.line, state.lineMax)
        return state.tokens


# -- inline positions --------------------------------------------------------------------------


def _positioned(rule: Any) -> Any:
    """Wrap an inline rule so the first token it pushes knows its offset in the inline text
    (``pos``) and where the construct ends (``end``)."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        start = state.pos
        count = len(state.tokens)
        found: bool = rule(state, silent)
        if found and not silent:
            # push() may first flush pending text as a token of its own: skip it.
            for token in state.tokens[count:]:
                if token.type != "text":
                    token.meta = {**(token.meta or {}), "pos": start, "end": state.pos}
                    break
        return found

    return wrapped


@lru_cache(maxsize=32)
def make_parser(settings: ParserSettings) -> MarkdownIt:
    """A markdown-it parser configured for one project's Markdown setup."""
    md = MarkdownIt("commonmark", {"html": True})
    md.block.__class__ = _BlockParser
    if settings.tables:
        md.enable("table")
    md.block.ruler.at(
        "fence",
        _make_fence_rule(settings),
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.block.ruler.at("heading", heading, {"alt": ["paragraph", "reference", "blockquote"]})
    if settings.admonition or settings.details or settings.tabbed:
        md.block.ruler.before(
            "fence",
            "pm_container",
            _make_container_rule(settings),
            {"alt": ["paragraph", "reference", "blockquote", "list"]},
        )
    if settings.blocks:
        md.block.ruler.before(
            "fence",
            "pm_blocks",
            _make_blocks_rule(settings),
            {"alt": ["paragraph", "reference", "blockquote", "list"]},
        )
    if settings.footnotes:
        from mdit_py_plugins.footnote import footnote_plugin

        md.use(footnote_plugin)
    if settings.def_list:
        from mdit_py_plugins.deflist import deflist_plugin

        md.use(deflist_plugin)
    if settings.math:
        from mdit_py_plugins.dollarmath import dollarmath_plugin

        md.use(dollarmath_plugin, allow_space=True, double_inline=True)
    if settings.inline:
        ruler = md.inline.ruler
        for name in ("link", "image", "autolink", "html_inline"):
            original = ruler.__rules__[ruler.__find__(name)].fn
            ruler.at(name, _positioned(original))
    else:
        md.disable(["text_join", "inline", "replacements", "smartquotes"], ignoreInvalid=True)
    return md


def parse_tokens(text: str, settings: ParserSettings, env: dict[str, Any]) -> list[Token]:
    """Parse ``text`` into block tokens (and inline children when ``settings.inline``)."""
    return make_parser(settings).parse(text, env)
