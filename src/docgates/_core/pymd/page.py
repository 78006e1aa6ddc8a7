"""One page through Python-Markdown's pipeline: whitespace, fences, raw HTML, then blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..lazyre import lazy
from .blocks import (
    PLACEHOLDER,
    PLACEHOLDER_LINE,
    TAB,
    WORK_PER_LINE,
    BlockParser,
    Processor,
    core_processors,
)
from .containers import Admonition, Details, Tabbed
from .fences import Fence, FencedCode, Note, SuperFences
from .genblocks import BLOCK_LEVEL, Blocks, block_types
from .text import Text
from .tree import Node

_HTML_START = lazy(r"^[ ]{0,3}<(?P<tag>[A-Za-z][\w-]*)(?P<attrs>(?:\s[^>]*)?)/?>|^[ ]{0,3}<!--")
_MARKDOWN_ATTR = lazy(r"""\smarkdown(?:\s*=\s*(?:"[^"]*"|'[^']*'|\S+))?""")
#: A markdown block tag indented by four or more inside a md_in_html block: whether it opens an
#: element is md_in_html's parser state's call (a known limit, docs/gates/code.md).
_DEEP_MARKDOWN_TAG = lazy(r"^[ ]{4,}<[A-Za-z][\w-]*\s[^>]*\bmarkdown\b")
_PLACEHOLDER_AT = lazy(r"\x02wzxhzdk:(\d+)\x03")
_FOOTNOTE = lazy(r"^[ ]{0,3}\[\^([^\]]*)\]:[ ]*(.*)$", 8)  # re.MULTILINE


@dataclass
class RawHtml:
    """A raw HTML block the HTML preprocessor set aside (a comment, or a block-level tag)."""

    text: Text
    comment: bool
    inner: Text | None = None
    """With md_in_html and a ``markdown`` attribute: the Markdown between the tags."""
    node: Node | None = None


@dataclass
class Parsed:
    root: Node
    fences: dict[int, Fence]
    notes: list[Note]
    html: dict[int, RawHtml]
    references: list[tuple[str, str, Text]] = field(default_factory=list)
    footnotes: dict[str, Node] = field(default_factory=dict)
    footnote_labels: list[str] = field(default_factory=list)
    undecided: list[int] = field(default_factory=list)
    """Rows of tags only Python-Markdown's md_in_html parser state decides (a known limit)."""
    """Every defined label, the unrendered nested ones too (references to them resolve)."""


def normalize(text: str) -> list[str]:
    """Python-Markdown's ``NormalizeWhitespace``: tabs expanded, blank lines emptied."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = []
    for number, line in enumerate(lines):
        if "\t" in line:
            line = line.expandtabs(TAB)
        if number and line and not line.strip(" "):
            line = ""
        out.append(line)
    return [*out, "", ""]


class _Footnotes(Processor):
    """``footnotes``: definitions leave the flow; their blocks are parsed at the page's end."""

    def test(self, parent: Node, block: Text) -> bool:
        return True

    def run(self, parent: Node, blocks: list[Text]) -> bool:
        block = blocks.pop(0)
        match = _FOOTNOTE.search(block.s)
        if match is None:
            blocks.insert(0, block)
            return False
        found: dict[str, Text] = self.parser.env.setdefault("footnotes", {})
        preceding = block[: match.start()]
        for other in _FOOTNOTE.finditer(block.s, match.end()):
            if block.s[match.end() : other.start()].strip("\n"):
                break
            found[match.group(1)] = block[match.start(2) : match.end(2)].rstrip()
            match = other
        label = match.group(1)
        pieces = [block[match.start(2) : match.end(2)]]
        rest = block[match.end() :].lstrip("\n")
        following = _FOOTNOTE.search(rest.s)
        if following:
            before = rest[: following.start()].rstrip("\n")
            pieces[0] = Text.join("\n", [pieces[0], _loose(before)]).lstrip("\n")
            blocks.insert(0, rest[following.start() :])
        else:
            pieces[0] = Text.join("\n", [pieces[0], _loose(rest)]).strip("\n")
            while blocks and blocks[0].startswith(" " * 4):
                nxt = blocks.pop(0)
                inner = _FOOTNOTE.search(nxt.s)
                if inner:
                    pieces.append(_loose(nxt[: inner.start()].rstrip("\n")))
                    blocks.insert(0, nxt[inner.start() :])
                    break
                pieces.append(_loose(nxt))
        found[label] = Text.join("\n\n", pieces).rstrip()
        if preceding.s.strip():
            blocks.insert(0, preceding.rstrip("\n"))
        return True


class _MarkdownInHtml(Processor):
    """md_in_html's ``MarkdownInHtmlProcessor``: a ``markdown`` block's content is parsed as
    Markdown only where its placeholder starts a block. Anywhere else (a lazy line of a list
    item's text, say) the element is written out as it stands, its content unparsed."""

    def __init__(self, parser: BlockParser, html: dict[int, RawHtml]) -> None:
        super().__init__(parser)
        self.html = html

    def _raw(self, block: Text) -> tuple[RawHtml, int, int] | None:
        match = _PLACEHOLDER_AT.match(block.s)
        if match is None:
            return None
        number = int(match.group(1))
        raw = self.html.get(number)
        if raw is None or raw.inner is None or raw.node is not None:
            return None
        return raw, number, match.end()

    def test(self, parent: Node, block: Text) -> bool:
        return block.startswith("\x02") and self._raw(block) is not None

    def run(self, parent: Node, blocks: list[Text]) -> None:
        block = blocks.pop(0)
        found = self._raw(block)
        assert found is not None
        raw, number, end = found
        raw.node = Node("div")
        assert raw.inner is not None
        self.parser.parse_chunk(raw.node, raw.inner)
        marker = parent.sub("div")
        marker.meta.update(kind="md_in_html", number=number, row=block.row)
        if block[end:]:
            blocks.insert(0, block[end:])


def _loose(text: Text) -> Text:
    lines = text.lines()
    return Text.join("\n", [line[4:] if line.s.startswith("    ") else line for line in lines])


def build_parser(settings: Any, fences: dict[int, Fence] | None) -> BlockParser:
    parser = BlockParser()
    revert = _reverter(fences) if fences is not None else None
    for processor, priority in core_processors(parser, revert):
        parser.register(processor, priority)
    if settings.footnotes:
        parser.register(_Footnotes(parser), 17)
    containers: list[tuple[str, Processor]] = []
    if settings.admonition:
        containers.append(("admonition", Admonition(parser)))
    if settings.details:
        containers.append(("details", Details(parser)))
    if settings.tabbed:
        containers.append(("tabbed", Tabbed(parser, settings.tabbed_alternate)))
    order = {name: number for number, name in enumerate(settings.extension_order)}
    containers.sort(key=lambda item: order.get(item[0], len(order)))
    for _, processor in containers:
        parser.register(processor, 105)
    if settings.blocks:
        types = block_types(settings.blocks, settings.block_types)
        parser.register(Blocks(parser, types, settings.block_tab_alternate), 89.99)
    return parser


def _reverter(fences: dict[int, Fence]) -> Any:
    """superfences' ``revert_greedy_fences``: a fence inside indented code is text again."""

    def revert(block: Text) -> Text:
        if "\x02" not in block.s:
            return block
        lines: list[Text] = []
        for line in block.lines():
            match = PLACEHOLDER_LINE.match(line.s)
            fence = fences.get(int(match.group(2))) if match else None
            if match is None or fence is None or not fence.original:
                lines.append(line)
                continue
            cut = max(fence.indent - len(match.group(1)), 0)
            lines.extend(Text(text[cut:], ((0, row, cut),)) for text, row in fence.original)
            fence.rendered = False
        return Text.join("\n", lines)

    return revert


def _html_blocks(
    text: Text,
    md_in_html: bool,
    counter: list[int],
    nested: bool = False,
    undecided: list[int] | None = None,
) -> tuple[Text, dict[int, RawHtml]]:
    """Set aside raw HTML blocks that start a line: comments, and block-level elements to
    their closing tag (the HTML preprocessor does this before any block is parsed)."""
    if "<" not in text.s:
        return text, {}
    if undecided is None:
        undecided = []
    lines = text.lines()
    out: list[Text] = []
    found: dict[int, RawHtml] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        # A block starts at any line start (up to three spaces), after a paragraph's line too:
        # Python-Markdown's HTML extractor then ends the paragraph there.
        match = _HTML_START.match(line.s)
        tag = match.group("tag").lower() if match and match.group("tag") else None
        if match is None or (tag is not None and tag not in BLOCK_LEVEL):
            out.append(line)
            index += 1
            continue
        end = index
        cut: int | None = None
        if tag is None:
            start = match.end()
            while end < len(lines):
                close = lines[end].s.find("-->", start if end == index else 0)
                if close >= 0:
                    cut = close + 3
                    break
                end += 1
            if cut is None:
                # Never closed: the HTML parser takes '<' as text, and the lines stay Markdown.
                out.append(line)
                index += 1
                continue
        else:
            depth = 0
            opener = lazy(rf"<{tag}(?=[\s>/])|</{tag}\s*>", 2)  # re.IGNORECASE
            while end < len(lines):
                for hit in opener.finditer(lines[end].s):
                    depth += -1 if hit.group(0).startswith("</") else 1
                    if depth <= 0:
                        cut = hit.end()
                        break
                if depth <= 0:
                    break
                end += 1
        end = min(end, len(lines) - 1)
        last = lines[end]
        tail = last[cut:] if cut is not None else None
        if tail is not None and tail.s.strip():
            # What follows the block on its last line is Markdown again (the extractor's
            # "tail"), starting a block of its own.
            block = Text.join("\n", [*lines[index:end], last[:cut]])
        else:
            block, tail = Text.join("\n", lines[index : end + 1]), None
        number = counter[0]
        counter[0] += 1
        raw = RawHtml(block, tag is None)
        markdown = tag is not None and _MARKDOWN_ATTR.search(match.group("attrs") or "")
        found[number] = raw
        if md_in_html and markdown and end > index:
            # md_in_html's extractor goes on inside the element: comments and tags there are
            # raw blocks of their own, on the same rules.
            content = Text.join("\n", lines[index + 1 : end])
            for row_text in content.lines():
                if _DEEP_MARKDOWN_TAG.match(row_text.s):
                    undecided.append(row_text.row)
            inner, inside = _html_blocks(content, True, counter, True, undecided)
            raw.inner = inner
            found.update(inside)
        # Where the placeholder goes, as Python-Markdown's HTML extractor writes it: the
        # spaces before the tag stay in the text. A comment (and a md_in_html element) then
        # sits on that line, after them, and only a tag in column 0 after a paragraph's line
        # gets a blank line first; a plain block tag always starts a line of its own. So an
        # indented one stays in the paragraph (or list item) it follows, and an indented
        # md_in_html element does not start a block and is not parsed as Markdown.
        indent = line.s[: len(line.s) - len(line.s.lstrip(" "))]
        if nested and raw.inner is not None:
            # A markdown element inside another is one of its children: md_in_html parses
            # it wherever it sits, its indentation aside.
            indent = ""
        if tag is None or raw.inner is not None:
            if not indent and out and out[-1].s:
                out.append(Text.synthetic("", line.row))
            out.append(Text.synthetic(indent + PLACEHOLDER.format(number), line.row))
        else:
            if indent:
                out.append(Text.synthetic(indent, line.row))
            elif out and out[-1].s:
                out.append(Text.synthetic("", line.row))
            out.append(Text.synthetic(PLACEHOLDER.format(number), line.row))
        out.append(Text.synthetic("", line.row))
        if tail is not None:
            out.append(tail)
        index = end + 1
    return Text.join("\n", out), found


def parse_page(text: str, settings: Any) -> Parsed:
    lines = normalize(text)
    counter = [0]
    if settings.superfences:
        result = SuperFences(
            settings.relaxed_headers, settings.exec_extra, settings.claimed_by
        ).run(lines, counter)
    elif settings.fenced_code:
        result = FencedCode().run(Text.of_lines(lines), counter)
    else:
        from .fences import FenceResult

        result = FenceResult(Text.of_lines(lines), {}, [])
    undecided: list[int] = []
    body, html = _html_blocks(result.text, settings.md_in_html, counter, False, undecided)
    parser = build_parser(settings, result.fences if settings.superfences else None)
    try:
        parser.budget = WORK_PER_LINE * (len(lines) + 10)
        if any(raw.inner is not None for raw in html.values()):
            parser.register(_MarkdownInHtml(parser, html), 105)
        root = parser.parse_document(body)
        parsed = Parsed(root, result.fences, result.notes, html)
        parsed.undecided = sorted(set(undecided))
        # The footnotes tree processor parses each definition under a surrogate <div> (not its
        # <li>: list processors treat an <li> parent specially). Definitions found while doing so
        # are not rendered: it only walks the definitions the page's own blocks made.
        for label, content in list(parser.env.get("footnotes", {}).items()):
            node = Node("div")
            node.meta.update(kind="footnote", row=content.row, label=label)
            parser.parse_chunk(node, content)
            parsed.footnotes[label] = node
        parsed.references = parser.env.get("references", [])
        parsed.footnote_labels = list(parser.env.get("footnotes", {}))
    finally:
        parser.close()
    return parsed
