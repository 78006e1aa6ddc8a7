"""The element tree the block processors build (the subset of ElementTree they use)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .text import Text


class Node:
    """An element: ``tag``, ``attrib``, children, and ``text``/``tail`` as :class:`Text`.

    ``meta`` carries what the source model needs and HTML does not: the row a heading or
    container starts on, a fence's record, a container's kind.
    """

    __slots__ = ("attrib", "children", "meta", "tag", "tail", "text")

    def __init__(self, tag: str, attrib: dict[str, str] | None = None) -> None:
        self.tag = tag
        self.attrib: dict[str, str] = dict(attrib or {})
        self.children: list[Node] = []
        self.text: Text | None = None
        self.tail: Text | None = None
        self.meta: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrib or ''}>"

    def __len__(self) -> int:
        return len(self.children)

    def __bool__(self) -> bool:
        return True

    def get(self, key: str, default: str = "") -> str:
        return self.attrib.get(key, default)

    def set(self, key: str, value: str) -> None:
        self.attrib[key] = value

    def sub(self, tag: str, attrib: dict[str, str] | None = None) -> Node:
        node = Node(tag, attrib)
        self.children.append(node)
        return node

    def last(self) -> Node | None:
        return self.children[-1] if self.children else None

    def insert(self, index: int, node: Node) -> None:
        self.children.insert(index, node)

    def append(self, node: Node) -> None:
        self.children.append(node)

    def remove(self, node: Node) -> None:
        self.children.remove(node)

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.iter()

    def findall(self, tag: str) -> list[Node]:
        return [child for child in self.children if child.tag == tag]


def text_into_p(node: Node) -> None:
    """A tight list item's text, moved into a ``<p>`` as its first child (Python-Markdown does
    this whenever the item turns loose)."""
    if node.text:
        p = Node("p")
        p.text = node.text
        node.text = None
        node.insert(0, p)
