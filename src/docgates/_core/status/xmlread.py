"""Read an XML report (JUnit, Cobertura) into a small tree that remembers each element's line.

The parser is expat (the standard library's), driven directly so that every element keeps the
1-based line it starts on: findings point into the report. Reports come from CI runs, so the
reader refuses what a report never needs and an attacker would: entity declarations (the
"billion laughs" family) and external entities, which expat is never allowed to fetch. A
``<!DOCTYPE>`` line without an internal subset (coverage.py writes one) is fine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from xml.parsers import expat

MAX_XML_BYTES = 512 * 1024 * 1024


class XmlError(ValueError):
    """The file is not XML this reader accepts; the message says where and why."""


@dataclass
class Node:
    tag: str
    attrib: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list, repr=False)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def get(self, name: str, default: str = "") -> str:
        return self.attrib.get(name, default)

    def find(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def iter(self, tag: str) -> list[Node]:
        """Every descendant (and this node) with ``tag``, in document order."""
        found: list[Node] = []
        stack = [self]
        while stack:
            node = stack.pop()
            if node.tag == tag:
                found.append(node)
            stack.extend(reversed(node.children))
        return found


def parse_file(path: Path) -> Node:
    """Parse ``path``: :class:`XmlError` if it is not acceptable XML, ``OSError`` if unreadable."""
    size = path.stat().st_size
    if size > MAX_XML_BYTES:
        raise XmlError(f"the file is {size:,} bytes, more than the {MAX_XML_BYTES:,} read")
    with path.open("rb") as handle:
        return parse_stream(handle)


def new_parser() -> Any:
    """An expat parser that refuses entity declarations, external entities and internal DTD
    subsets (the "billion laughs" family): set its element and text handlers, then
    :func:`run_parser`."""
    parser = expat.ParserCreate()

    def refuse_entity(*args: object) -> None:
        raise XmlError(f"line {parser.CurrentLineNumber}: entity declarations are not accepted")

    def refuse_external(*args: object) -> int:
        raise XmlError(f"line {parser.CurrentLineNumber}: external entities are not accepted")

    def doctype(name: str, sysid: str | None, pubid: str | None, has_internal: int) -> None:
        if has_internal:
            raise XmlError(
                f"line {parser.CurrentLineNumber}: a DTD internal subset is not accepted"
            )

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_external
    parser.buffer_text = True
    return parser


def run_parser(parser: Any, handle: BinaryIO) -> None:
    try:
        parser.ParseFile(handle)
    except expat.ExpatError as exc:
        raise XmlError(f"line {exc.lineno}, column {exc.offset + 1}: {_reason(exc)}") from None


def parse_stream(handle: BinaryIO) -> Node:
    parser = new_parser()
    root: list[Node] = []
    stack: list[Node] = []

    def start(tag: str, attrib: dict[str, str]) -> None:
        node = Node(tag, attrib, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack:
            stack[-1].text_parts.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    run_parser(parser, handle)
    if not root:  # pragma: no cover - expat reports "no element found" first
        raise XmlError("no element found")
    return root[0]


def _reason(exc: expat.ExpatError) -> str:
    return expat.ErrorString(exc.code) if exc.code else str(exc)
