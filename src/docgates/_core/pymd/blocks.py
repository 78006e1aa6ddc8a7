"""Python-Markdown's block parser and its core block processors, on position-keeping text.

Each class follows the Python-Markdown processor of the same name (``markdown/
blockprocessors.py``, 3.x): the same ``test``, the same cuts and re-queued pieces, in the same
priority order. Only what the source model needs is built: no inline parsing, no HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..lazyre import lazy
from .text import Text, detab, loose_detab
from .tree import Node, text_into_p

TAB = 4
PLACEHOLDER = "\x02wzxhzdk:{}\x03"
PLACEHOLDER_LINE = lazy(r"^([> ]*)\x02wzxhzdk:(\d+)\x03$")
#: A depth past which Python-Markdown's processors stop nesting (``nearing_recursion_limit``
#: and pymdownx's ``nearing_depth_limit``); generous, real pages never come near it.
MAX_DEPTH = 100
#: Tests per page line past which a page is given up (``TooComplex``). Python-Markdown's
#: ``///`` blocks re-parse the text before them on every test, which on deeply nested pages
#: grows without bound (Python-Markdown itself then takes minutes); real pages need < 50.
WORK_PER_LINE = 2000


class TooComplex(Exception):
    """The page needs more block-parsing work than any real page does."""


class Processor:
    """One block processor: ``test`` a block, ``run`` it (``False`` means "not mine")."""

    def __init__(self, parser: BlockParser) -> None:
        self.parser = parser

    def test(self, parent: Node, block: Text) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def run(self, parent: Node, blocks: list[Text]) -> bool | None:  # pragma: no cover
        raise NotImplementedError


class BlockParser:
    """Python-Markdown's ``BlockParser``: processors by priority, and the parser state."""

    def __init__(self) -> None:
        self._registered: list[tuple[float, int, Processor]] = []
        self.processors: list[Processor] = []
        self.state: list[str] = []
        self.env: dict[str, Any] = {}
        self.depth = 0
        self.budget = 0

    def register(self, processor: Processor, priority: float) -> None:
        """Add a processor; equal priorities keep the order they were registered in."""
        self._registered.append((priority, len(self._registered), processor))
        self.processors = []

    def _sorted(self) -> list[Processor]:
        if not self.processors:
            self._registered.sort(key=lambda item: (-item[0], item[1]))
            self.processors = [item[2] for item in self._registered]
        return self.processors

    def close(self) -> None:
        """Let the processors go: each holds the parser, and a cycle left to the garbage
        collector per page (a 3,000-page site) made its full collections most of its cost."""
        self._registered.clear()
        self.processors = []

    def isstate(self, state: str) -> bool:
        return bool(self.state) and self.state[-1] == state

    def parse_document(self, text: Text) -> Node:
        root = Node("div")
        self.parse_chunk(root, text)
        return root

    def parse_chunk(self, parent: Node, text: Text) -> None:
        self.parse_blocks(parent, text.split("\n\n"))

    def parse_blocks(self, parent: Node, blocks: list[Text]) -> None:
        self.depth += 1
        try:
            while blocks:
                self.budget -= 1
                if self.budget < 0:
                    raise TooComplex
                for processor in self.processors or self._sorted():
                    if (
                        processor.test(parent, blocks[0])
                        and processor.run(parent, blocks) is not False
                    ):
                        break
        finally:
            self.depth -= 1

    def too_deep(self) -> bool:
        return self.depth > MAX_DEPTH


def code_child(node: Node | None) -> Node | None:
    """The ``<code>`` of a ``<pre><code>`` node, else ``None``."""
    if node is not None and node.tag == "pre" and node.children and node.children[0].tag == "code":
        return node.children[0]
    return None


class EmptyBlock(Processor):
    def test(self, parent: Node, block: Text) -> bool:
        return not block or block.startswith("\n")

    def run(self, parent: Node, blocks: list[Text]) -> None:
        block = blocks.pop(0)
        filler = "\n\n"
        if block:
            filler = "\n"
            rest = block[1:]
            if rest:
                blocks.insert(0, rest)
        code = code_child(parent.last())
        if code is not None and code.text is not None:
            code.text = code.text + filler


class ListIndent(Processor):
    ITEM_TYPES: tuple[str, ...] = ("li",)
    LIST_TYPES: tuple[str, ...] = ("ul", "ol")
    INDENT = lazy(r"^(([ ]{4})+)")

    def test(self, parent: Node, block: Text) -> bool:
        if not block.startswith(" " * TAB) or self.parser.isstate("detabbed"):
            return False
        last = parent.last()
        return parent.tag in self.ITEM_TYPES or (last is not None and last.tag in self.LIST_TYPES)

    def run(self, parent: Node, blocks: list[Text]) -> None:
        block = blocks.pop(0)
        level, sibling = self.get_level(parent, block)
        block = loose_detab(block, TAB * level)
        parser = self.parser
        parser.state.append("detabbed")
        if parent.tag in self.ITEM_TYPES:
            last = parent.last()
            if last is not None and last.tag in self.LIST_TYPES:
                parser.parse_blocks(last, [block])
            else:
                parser.parse_blocks(parent, [block])
        elif sibling.tag in self.ITEM_TYPES:
            parser.parse_blocks(sibling, [block])
        elif sibling.children and sibling.children[-1].tag in self.ITEM_TYPES:
            item = sibling.children[-1]
            text_into_p(item)
            parser.parse_chunk(item, block)
        else:
            item = sibling.sub("li")
            item.meta["row"] = block.row
            parser.parse_blocks(item, [block])
        parser.state.pop()

    def get_level(self, parent: Node, block: Text) -> tuple[int, Node]:
        match = self.INDENT.match(block.s)
        indent_level = len(match.group(1)) // TAB if match else 0
        level = 1 if self.parser.isstate("list") else 0
        while indent_level > level:
            child = parent.last()
            if child is not None and (child.tag in self.LIST_TYPES or child.tag in self.ITEM_TYPES):
                if child.tag in self.LIST_TYPES:
                    level += 1
                parent = child
            else:
                break
        return level, parent


class CodeBlock(Processor):
    """Indented code; with superfences, a fence it took too early is put back as text."""

    def __init__(self, parser: BlockParser, revert: Callable[[Text], Text] | None) -> None:
        super().__init__(parser)
        self.revert = revert

    def test(self, parent: Node, block: Text) -> bool:
        return block.startswith(" " * TAB)

    def run(self, parent: Node, blocks: list[Text]) -> None:
        if self.revert is not None:
            blocks[0] = self.revert(blocks[0])
        block = blocks.pop(0)
        sibling = parent.last()
        code = code_child(sibling)
        body, rest = detab(block, TAB)
        if code is not None and code.text is not None:
            code.text = Text.join("\n", [code.text, body.rstrip()]) + "\n"
        else:
            pre = parent.sub("pre")
            code = pre.sub("code")
            pre.meta["row"] = block.row
            code.text = body.rstrip() + "\n"
        if rest:
            blocks.insert(0, rest)


class BlockQuote(Processor):
    RE = lazy(r"(^|\n)[ ]{0,3}>[ ]?(.*)")

    def test(self, parent: Node, block: Text) -> bool:
        return ">" in block.s and bool(self.RE.search(block.s)) and not self.parser.too_deep()

    def run(self, parent: Node, blocks: list[Text]) -> None:
        block = blocks.pop(0)
        match = self.RE.search(block.s)
        if match:
            self.parser.parse_blocks(parent, [block[: match.start()]])
            block = Text.join("\n", [self.clean(line) for line in block[match.start() :].lines()])
        sibling = parent.last()
        if sibling is not None and sibling.tag == "blockquote":
            quote = sibling
        else:
            quote = parent.sub("blockquote")
            quote.meta["row"] = block.lstrip("\n").row
        self.parser.state.append("blockquote")
        self.parser.parse_chunk(quote, block)
        self.parser.state.pop()

    def clean(self, line: Text) -> Text:
        match = self.RE.match(line.s)
        if line.s.strip() == ">":
            return line[len(line) :]
        if match:
            return line[match.start(2) :]
        return line


class OList(Processor):
    TAG = "ol"
    RE = lazy(r"^[ ]{0,3}\d+\.[ ]+(.*)")
    CHILD_RE = lazy(r"^[ ]{0,3}((\d+\.)|[*+-])[ ]+(.*)")
    INDENT_RE = lazy(r"^[ ]{4,7}((\d+\.)|[*+-])[ ]+.*")

    def test(self, parent: Node, block: Text) -> bool:
        return bool(self.RE.match(block.s))

    def run(self, parent: Node, blocks: list[Text]) -> None:
        items = self.get_items(blocks.pop(0))
        sibling = parent.last()
        parser = self.parser
        if sibling is not None and sibling.tag in ("ol", "ul"):
            lst = sibling
            text_into_p(lst.children[-1])
            last_item = lst.children[-1]
            child = last_item.last()
            if child is not None and child.tail:
                p = last_item.sub("p")
                p.text = child.tail.lstrip()
                child.tail = None
            item = lst.sub("li")
            item.meta["row"] = items[0][1]
            parser.state.append("looselist")
            first = items.pop(0)[0]
            parser.parse_blocks(item, [first])
            parser.state.pop()
        elif parent.tag in ("ol", "ul"):
            lst = parent
        else:
            lst = parent.sub(self.TAG)
            lst.meta["row"] = items[0][1]
        parser.state.append("list")
        for text, row in items:
            if text.startswith(" " * TAB):
                parser.parse_blocks(lst.children[-1], [text])
            else:
                item = lst.sub("li")
                item.meta["row"] = row
                parser.parse_blocks(item, [text])
        parser.state.pop()

    def get_items(self, block: Text) -> list[tuple[Text, int]]:
        """The items, each with the row of its marker line."""
        items: list[tuple[Text, int]] = []
        for line in block.lines():
            match = self.CHILD_RE.match(line.s)
            if match:
                items.append((line[match.start(3) :], line.row))
            elif self.INDENT_RE.match(line.s):
                if items[-1][0].startswith(" " * TAB):
                    items[-1] = (Text.join("\n", [items[-1][0], line]), items[-1][1])
                else:
                    items.append((line, line.row))
            else:
                items[-1] = (Text.join("\n", [items[-1][0], line]), items[-1][1])
        return items


class UList(OList):
    TAG = "ul"
    RE = lazy(r"^[ ]{0,3}[*+-][ ]+(.*)")


class HashHeader(Processor):
    RE = lazy(r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)")

    def test(self, parent: Node, block: Text) -> bool:
        return "#" in block.s and bool(self.RE.search(block.s))

    def run(self, parent: Node, blocks: list[Text]) -> None:
        block = blocks.pop(0)
        match = self.RE.search(block.s)
        assert match is not None
        before = block[: match.start()]
        after = block[match.end() :]
        if before:
            self.parser.parse_blocks(parent, [before])
        heading = parent.sub(f"h{len(match.group('level'))}")
        heading.text = block[match.start("header") : match.end("header")].strip()
        heading.meta["row"] = block.position(match.start("level"))[0]
        if after:
            if self.parser.isstate("looselist"):
                after = loose_detab(after, TAB)
            blocks.insert(0, after)


class SetextHeader(Processor):
    RE = lazy(r"^.*?\n(?:=+|-+)[ ]*(\n|$)", re.MULTILINE)

    def test(self, parent: Node, block: Text) -> bool:
        # The underline starts the second line: the first test needs no pattern.
        s = block.s
        second = s.find("\n") + 1
        return second > 0 and s[second : second + 1] in ("=", "-") and bool(self.RE.match(s))

    def run(self, parent: Node, blocks: list[Text]) -> None:
        lines = blocks.pop(0).lines()
        heading = parent.sub("h1" if lines[1].startswith("=") else "h2")
        heading.text = lines[0].strip()
        heading.meta["row"] = lines[0].row
        if len(lines) > 2:
            blocks.insert(0, Text.join("\n", lines[2:]))


class HR(Processor):
    RE = lazy(
        r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))"
        r"(?P=atomicgroup)[ ]*$",
        re.MULTILINE,
    )

    def test(self, parent: Node, block: Text) -> bool:
        return bool(self.RE.search(block.s))

    def run(self, parent: Node, blocks: list[Text]) -> None:
        block = blocks.pop(0)
        match = self.RE.search(block.s)
        assert match is not None
        before = block[: match.start()].rstrip("\n")
        if before:
            self.parser.parse_blocks(parent, [before])
        parent.sub("hr")
        after = block[match.end() :].lstrip("\n")
        if after:
            blocks.insert(0, after)


class Reference(Processor):
    RE = lazy(
        r"^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?"
        r"(([\"'])(.*)\4[ ]*|\((.*)\)[ ]*)?$",
        re.MULTILINE,
    )

    def test(self, parent: Node, block: Text) -> bool:
        return True

    def run(self, parent: Node, blocks: list[Text]) -> bool:
        block = blocks.pop(0)
        s = block.s
        match = self.RE.search(s)
        if not match:
            blocks.insert(0, block)
            return False
        start = end = match.start()
        references: list[tuple[str, str, Text]] = self.parser.env.setdefault("references", [])
        for match in self.RE.finditer(s, start):
            if match.start() > start and (
                s[end : match.start()].strip("\n") or "\n" in match.group()
            ):
                break
            target = match.group(2).lstrip("<").rstrip(">")
            references.append((match.group(1), target, block[match.start() : match.end()]))
            end = match.end()
        if s[end:].strip():
            blocks.insert(0, block[end:].lstrip("\n"))
        if s[:start].strip():
            blocks.insert(0, block[:start].rstrip("\n"))
        return True


class Paragraph(Processor):
    def test(self, parent: Node, block: Text) -> bool:
        return True

    def run(self, parent: Node, blocks: list[Text]) -> None:
        block = blocks.pop(0)
        if not block.s.strip():
            return
        if self.parser.isstate("list"):
            sibling = parent.last()
            if sibling is not None:
                sibling.tail = (
                    Text.join("\n", [sibling.tail, block])
                    if sibling.tail
                    else Text.synthetic("\n", block.row) + block
                )
            elif parent.text:
                parent.text = Text.join("\n", [parent.text, block])
            else:
                parent.text = block.lstrip()
        else:
            p = parent.sub("p")
            p.text = block.lstrip()


def core_processors(
    parser: BlockParser, revert: Callable[[Text], Text] | None
) -> list[tuple[Processor, float]]:
    """The processors ``markdown.blockprocessors.build_block_parser`` registers."""
    return [
        (EmptyBlock(parser), 100),
        (ListIndent(parser), 90),
        (CodeBlock(parser, revert), 80),
        (HashHeader(parser), 70),
        (SetextHeader(parser), 60),
        (HR(parser), 50),
        (OList(parser), 40),
        (UList(parser), 30),
        (BlockQuote(parser), 20),
        (Reference(parser), 15),
        (Paragraph(parser), 10),
    ]
