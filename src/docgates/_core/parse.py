"""Parser settings, and the inline parser the source model reads links with.

Blocks are parsed as Python-Markdown parses them (:mod:`docgates._core.pymd`): which lines are
code, which are headings, what sits in which container. Inside a paragraph, heading or list
item, links, images, raw inline HTML and footnote references are read with markdown-it-py's
inline rules, which agree with Python-Markdown's on the links pages write (the differential
suite holds them to it; docs/gates/code.md lists where they part).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from markdown_it import MarkdownIt, helpers
from markdown_it.common.utils import unescapeAll
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from .infostring import MARKDOWN_EXEC_OPTIONS
from .mdconfig import MarkdownOptions


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
    md_in_html: bool = False
    tabbed_alternate: bool = False
    block_tab_alternate: bool = False
    extension_order: tuple[str, ...] = ()
    """The order of ``admonition``, ``details`` and ``tabbed`` in the config: processors of
    equal priority run in the order their extensions were loaded."""

    @property
    def exec_extra(self) -> frozenset[str]:
        return MARKDOWN_EXEC_OPTIONS if self.exec_options else frozenset()

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
            md_in_html=options.md_in_html,
            tabbed_alternate=bool(
                (options.extensions.get("pymdownx.tabbed") or {}).get("alternate_style", False)
            ),
            block_tab_alternate=bool(
                (options.extensions.get("pymdownx.blocks.tab") or {}).get("alternate_style", False)
            ),
            extension_order=tuple(
                {"pymdownx.details": "details", "pymdownx.tabbed": "tabbed"}.get(name, name)
                for name in options.extensions
                if name in ("admonition", "pymdownx.details", "pymdownx.tabbed")
            ),
        )


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


#: The character each inline rule can start at (markdown-it's rules and the plugins').
_RULE_STARTS = {
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "link": "[",
    "image": "!",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
    "footnote_inline": "^",
    "footnote_ref": "[",
    "math_inline": "$",
}


def _text_rule(md: MarkdownIt) -> Any:
    """markdown-it's ``text`` rule, stopping only where an active rule can start.

    The stock rule stops at every character some rule of any preset may start at (``*``,
    ``-``, ``:``, ``#`` ...); at each stop the parser tries every rule, and when none
    matches adds the character to the pending text, as this rule would have: the tokens are
    the same, with a fraction of the stops. ``]`` stays a stop: link labels are scanned token
    by token up to it. ``None`` when a rule of unknown start is active.
    """
    starts = {"]"}
    for name in md.inline.ruler.get_active_rules():
        if name == "text":
            continue
        if name not in _RULE_STARTS:
            return None
        starts.add(_RULE_STARTS[name])
    stops = re.compile("[" + re.escape("".join(sorted(starts))) + "]")
    buffered = hasattr(StateInline, "append_pending")

    def text(state: StateInline, silent: bool) -> bool:
        pos = state.pos
        found = stops.search(state.src, pos, state.posMax)
        end = found.start() if found else state.posMax
        if end == pos:
            return False
        if not silent:
            if buffered:
                state.append_pending(state.src[pos:end])
            else:  # markdown-it-py 3
                state.pending += state.src[pos:end]
        state.pos = end
        return True

    return text


class _Destination:
    __slots__ = ("ok", "pos", "str")

    def __init__(self) -> None:
        self.ok = False
        self.pos = 0
        self.str = ""


#: A URL with no scheme or host that markdown-it's normalizeLink leaves as it is: only the
#: characters mdurl's encode keeps, and escapes already made.
_PLAIN_URL = re.compile(r"(?:[A-Za-z0-9\-_.~/#?=&+,;!*'()@$]|%[0-9A-Fa-f]{2})*")

_DESTINATION_STOP = re.compile(r"[\x00-\x20\x7f\\()]")


def _link_destination(string: str, pos: int, maximum: int) -> Any:
    """markdown-it's ``parseLinkDestination``, skipping plain characters with a regex rather
    than one at a time (the destination in ``<...>`` is left to markdown-it's own)."""
    if string.startswith("<", pos):
        return helpers.parseLinkDestination(string, pos, maximum)
    start = pos
    result = _Destination()
    level = 0
    search = _DESTINATION_STOP.search
    while pos < maximum:
        found = search(string, pos, maximum)
        if found is None:
            pos = maximum
            break
        pos = found.start()
        char = string[pos]
        if char == "\\":
            if pos + 1 < maximum:
                if string[pos + 1] == " ":
                    break
                pos += 2
            else:
                pos += 1
            continue
        if char == "(":
            level += 1
            if level > 32:
                return result
        elif char == ")":
            if level == 0:
                break
            level -= 1
        else:  # a space or a control character
            break
        pos += 1
    if start == pos or level != 0:
        return result
    result.str = unescapeAll(string[start:pos])
    result.pos = pos
    result.ok = True
    return result


@lru_cache(maxsize=32)
def make_parser(settings: ParserSettings, *, shortcuts: bool = True) -> MarkdownIt:
    """A markdown-it parser for the inline text of one project's pages.

    ``shortcuts=False``: with markdown-it's own text rule and link helpers, which the faster
    ones must match token for token (the tests compare them)."""
    md = MarkdownIt("commonmark", {"html": True})
    if settings.footnotes:
        from mdit_py_plugins.footnote import footnote_plugin

        md.use(footnote_plugin)
    if settings.math:
        from mdit_py_plugins.dollarmath import dollarmath_plugin

        md.use(dollarmath_plugin, allow_space=True, double_inline=True)
    # Emphasis makes no link and moves none (inside a link label markdown-it skips tokens in
    # silent mode, where emphasis matches nothing): its delimiters stay text, a quarter of the
    # inline parse saved. Nothing reads emphasis tokens: heading text comes from the blocks.
    md.disable("emphasis")
    ruler = md.inline.ruler
    for name in ("link", "image", "autolink", "html_inline"):
        original = ruler.__rules__[ruler.__find__(name)].fn
        ruler.at(name, _positioned(original))
    if not shortcuts:
        return md
    # A site links to the same targets from page after page: normalize each once; most are
    # relative paths that markdown-it's normalizeLink (mdurl's parse, format and percent-
    # encoding) returns as they are.
    normalize = md.normalizeLink

    def normalize_link(url: str) -> str:
        if ":" not in url and not url.startswith("//") and _PLAIN_URL.fullmatch(url):
            return url
        return normalize(url)

    md.normalizeLink = lru_cache(maxsize=1 << 16)(normalize_link)  # type: ignore[method-assign]
    md.helpers = SimpleNamespace(  # type: ignore[assignment]
        parseLinkLabel=helpers.parseLinkLabel,
        parseLinkDestination=_link_destination,
        parseLinkTitle=helpers.parseLinkTitle,
    )
    text = _text_rule(md)
    if text is not None:
        ruler.at("text", text)
    return md


def parse_inline(content: str, settings: ParserSettings, env: dict[str, Any]) -> list[Token]:
    """The inline tokens of ``content`` (a paragraph, heading or list item's text)."""
    md = make_parser(settings)
    tokens: list[Token] = []
    md.inline.parse(content, md, env, tokens)
    return tokens
