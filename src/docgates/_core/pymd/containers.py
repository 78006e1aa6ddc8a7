"""Admonitions (``!!!``), collapsible blocks (``???``) and content tabs (``===``).

They follow ``markdown.extensions.admonition``, ``pymdownx.details`` and ``pymdownx.tabbed``:
the header must start a line of its block (no indentation), its content is the following
lines indented by four spaces, and a later block indented by four (eight under a list inside
it) goes on filling the last such container.
"""

from __future__ import annotations

from ..lazyre import lazy
from .blocks import TAB, BlockParser, Processor
from .text import Text, detab
from .tree import Node, text_into_p

_ADMONITION = lazy(r'(?:^|\n)!!! ?([\w\-]+(?: +[\w\-]+)*)(?: +"(.*?)")? *(?:\n|$)')
_DETAILS = lazy(
    r'(?:^|\n)\?{3}(\+)? ?(?:([\w\-]+(?: +[\w\-]+)*?)?(?: +"(.*?)")|([\w\-]+(?: +[\w\-]+)*?))'
    r" *(?:\n|$)"
)
_TAB = lazy(r'(?:^|\n)={3}(\+|\+!|!\+|!)? +"(.*?)" *(?:\n|$)')


class Container(Processor):
    """What the three share: the header test, and finding the container a block continues."""

    kind = ""

    def __init__(self, parser: BlockParser) -> None:
        super().__init__(parser)
        self.current: Node | None = None
        self.content_indent = 0

    def start(self, block: Text) -> object:
        raise NotImplementedError  # pragma: no cover

    def is_mine(self, sibling: Node) -> bool:
        raise NotImplementedError  # pragma: no cover

    def first_child(self, sibling: Node) -> Node | None:
        return sibling.last()

    def descend(self, child: Node) -> Node | None:
        """The list a nested block may sit in (tabs also look through a tab's content)."""
        return child if child.tag in ("ul", "ol", "dl") else None

    def parse_content(self, parent: Node, block: Text) -> tuple[Node | None, Text, Text]:
        if self.current is not None:
            current = self.current
            body, rest = detab(block, self.content_indent)
            self.current, self.content_indent = None, 0
            return current, body, rest
        sibling: Node | None = parent.last()
        if sibling is None or not self.is_mine(sibling):
            return None, block, Text("", ())
        old = block
        last = self.first_child(sibling)
        indent = 0
        while last is not None:
            lst = self.descend(last) if block.startswith(" " * TAB * 2) else None
            if lst is None:
                break
            sibling = lst.last()
            last = sibling.last() if sibling is not None else None
            block = block[TAB:]
            indent += TAB
        if not block.startswith(" " * TAB):
            sibling = None
        rest = Text("", ())
        if sibling is not None:
            indent += TAB
            block, rest = detab(old, indent)
            self.current, self.content_indent = sibling, indent
        return sibling, block, rest

    def test(self, parent: Node, block: Text) -> bool:
        if self.start(block) is not None:
            return not self.parser.too_deep()
        if self.current is None and not block.startswith(" " * TAB):
            return False  # what parse_content finds for a block not indented: nothing to fill
        return self.parse_content(parent, block)[0] is not None and not self.parser.too_deep()

    def open(self, parent: Node, match: object, row: int) -> Node:
        raise NotImplementedError  # pragma: no cover

    def target(self, sibling: Node) -> Node:
        return sibling

    def run(self, parent: Node, blocks: list[Text]) -> None:
        block = blocks.pop(0)
        match = self.start(block)
        if match is not None:
            begin, end = match.start(), match.end()  # type: ignore[attr-defined]
            if begin > 0:
                self.parser.parse_blocks(parent, [block[:begin]])
            row = block.position(begin + (1 if block.s[begin : begin + 1] == "\n" else 0))[0]
            body, rest = detab(block[end:], TAB)
            div = self.open(parent, match, row)
        else:
            sibling, body, rest = self.parse_content(parent, block)
            assert sibling is not None
            if sibling.tag in ("li", "dd"):
                text_into_p(sibling)
            div = self.target(sibling)
        self.parser.parse_chunk(div, body)
        if rest:
            blocks.insert(0, rest)


class Admonition(Container):
    kind = "admonition"

    def start(self, block: Text) -> object:
        # The pattern needs '!!!': most blocks are told apart by a substring test.
        return _ADMONITION.search(block.s) if "!!!" in block.s else None

    def is_mine(self, sibling: Node) -> bool:
        return sibling.tag == "div" and "admonition" in sibling.get("class")

    def open(self, parent: Node, match: object, row: int) -> Node:
        klass, title = match.group(1).lower(), match.group(2)  # type: ignore[attr-defined]
        div = parent.sub("div", {"class": f"admonition {klass}"})
        div.meta.update(kind="admonition", row=row, title=title, type=klass)
        return div


class Details(Container):
    kind = "details"

    def start(self, block: Text) -> object:
        # The pattern needs '???': most blocks are told apart by a substring test.
        return _DETAILS.search(block.s) if "???" in block.s else None

    def is_mine(self, sibling: Node) -> bool:
        return sibling.tag == "details"

    def open(self, parent: Node, match: object, row: int) -> Node:
        groups = match.groups()  # type: ignore[attr-defined]
        div = parent.sub("details")
        title = groups[2] if groups[3] is None else groups[3].split(" ")[0].capitalize()
        div.meta.update(kind="details", row=row, title=title, type=groups[3] or groups[1])
        summary = div.sub("summary")
        summary.meta["title"] = title
        return div


class Tabbed(Container):
    kind = "tab"

    def __init__(self, parser: BlockParser, alternate: bool) -> None:
        super().__init__(parser)
        self.set_class = "tabbed-set tabbed-alternate" if alternate else "tabbed-set"
        self.counter = [0]

    def start(self, block: Text) -> object:
        # The pattern needs '===': most blocks are told apart by a substring test.
        return _TAB.search(block.s) if "===" in block.s else None

    def is_mine(self, sibling: Node) -> bool:
        return sibling.tag == "div" and sibling.get("class") == self.set_class

    def first_child(self, sibling: Node) -> Node | None:
        content = sibling.last()
        return content.last() if content is not None else None

    def descend(self, child: Node) -> Node | None:
        if child.tag in ("ul", "ol", "dl"):
            return child
        if child.tag == "div" and child.get("class") == "tabbed-block":
            inner = child.last()
            if inner is not None and inner.tag in ("ul", "ol", "dl"):
                return inner
        return None

    def parse_content(self, parent: Node, block: Text) -> tuple[Node | None, Text, Text]:
        # pymdownx.tabbed stops looking through a tab's content when its last child is not a
        # list (a ``break`` out of the loop, where the others end it): same result here.
        return super().parse_content(parent, block)

    def target(self, sibling: Node) -> Node:
        if self.is_mine(sibling):
            content = sibling.last()
            assert content is not None
            block = content.last()
            assert block is not None
            return block
        return sibling

    def open(self, parent: Node, match: object, row: int) -> Node:
        special = match.group(1) or ""  # type: ignore[attr-defined]
        title = match.group(2) or ""  # type: ignore[attr-defined]
        sibling = parent.last()
        join = "!" not in special
        return new_tab(self.counter, parent, sibling, join, title, row, self.set_class)


def new_tab(
    counter: list[int],
    parent: Node,
    sibling: Node | None,
    join: bool,
    title: str,
    row: int,
    set_class: str,
) -> Node:
    """Add a tab (``===`` or ``/// tab``) to the set before it, or start a set; its content.

    ``counter`` numbers the sets of the page (pymdownx.tabbed and pymdownx.blocks.tab keep a
    count each)."""
    if sibling is not None and sibling.tag == "div" and sibling.get("class") == set_class and join:
        group = sibling
    else:
        counter[0] += 1
        group = parent.sub("div", {"class": set_class})
        group.meta.update(kind="tabset", set=counter[0], count=0, row=row)
        group.sub("div", {"class": "tabbed-content"})
    group.meta["count"] += 1
    content = group.children[0]
    tab = content.sub("div", {"class": "tabbed-block"})
    tab.meta.update(
        kind="tab", row=row, title=title, set=group.meta["set"], index=group.meta["count"]
    )
    return tab
