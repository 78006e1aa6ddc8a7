"""``/// name | argument`` blocks, as ``pymdownx.blocks`` parses them.

A block opens on a line of three or more slashes and a registered name, takes an optional
YAML header indented by four spaces, and runs (across blank lines, through the blocks that
follow) to a line of the same number of slashes. While it is open it is "hungry": the next
blocks of its parent are fed to it. Options are validated as the block type declares them;
an invalid header leaves the line as text.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

from ..lazyre import lazy
from .blocks import TAB, BlockParser, Processor
from .containers import new_tab
from .text import Text
from .tree import Node, text_into_p

_START = lazy(r"(?:^|\n)[ ]{0,3}(/{3,})[ ]*([\w-]+)[ ]*(?:\|[ ]*(.*?)[ ]*)?(?:\n|$)")
_END = lazy(r"(?m)(?:^|\n)[ ]{0,3}(/{3,})[ ]*(?:\n|$)")
_YAML_LINES = lazy(r"(?m)^(?:[ ]{4,}(?!\s).*?(?:\n|$))+")
_IDENT = lazy(
    r"(?:(?:-?(?:[^\x00-\x2f\x30-\x40\x5B-\x5E\x60\x7B-\x9f])+|--)"
    r"(?:[^\x00-\x2c\x2e\x2f\x3A-\x40\x5B-\x5E\x60\x7B-\x9f])*)",
    re.I,
)
_HTML_TAG = lazy(r"[A-Za-z][\w-]*")
BLOCK_LEVEL = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
        "canvas",
        "colgroup",
        "dd",
        "body",
        "dt",
        "group",
        "html",
        "iframe",
        "li",
        "legend",
        "math",
        "map",
        "noscript",
        "output",
        "object",
        "option",
        "progress",
        "script",
        "style",
        "summary",
        "tbody",
        "td",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "tr",
        "video",
        "center",
    ]
)
SPAN_TAGS = frozenset(
    [
        "address",
        "dd",
        "dt",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "legend",
        "li",
        "p",
        "summary",
        "td",
        "th",
    ]
)
RAW_TAGS = frozenset(["canvas", "math", "option", "pre", "script", "style", "textarea", "code"])
BLOCK_TAGS = BLOCK_LEVEL - SPAN_TAGS - RAW_TAGS - {"hr"}
HTML_MODES = frozenset({"auto", "inline", "block", "raw", "html"})


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(value)
    return value


def _identifier(value: Any) -> str:
    if not isinstance(value, str) or _IDENT.fullmatch(value) is None:
        raise ValueError(value)
    return value


def _attrs(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(value)
    for key, item in value.items():
        _identifier(key)
        if str(key).lower() == "class":
            for word in str(item).split(" "):
                if word.strip():
                    _identifier(word.strip())
        elif str(key).lower() == "id":
            _identifier(item)
        elif not isinstance(item, str):
            raise ValueError(item)
    return value


def _mode(value: Any) -> str:
    if not isinstance(value, str) or value.lower() not in HTML_MODES:
        raise ValueError(value)
    return value.lower()


@dataclass(frozen=True)
class BlockType:
    """A registered block name: whether it takes an argument and which options."""

    name: str
    family: str
    """``admonition``, ``details``, ``tab`` or ``html``."""
    argument: bool | None
    """``True``: required; ``False``: forbidden; ``None``: optional."""
    options: dict[str, Any] = field(default_factory=dict)


def block_types(names: frozenset[str], admonition_types: frozenset[str]) -> dict[str, BlockType]:
    """The blocks the configured ``pymdownx.blocks.*`` extensions register."""
    types: dict[str, BlockType] = {}
    if "admonition" in names:
        types["admonition"] = BlockType("admonition", "admonition", None, {"type": _identifier})
        for name in admonition_types:
            types[name] = BlockType(name, "admonition", None, {})
    if "details" in names:
        types["details"] = BlockType(
            "details", "details", None, {"open": _boolean, "type": _identifier}
        )
    if "tab" in names:
        types["tab"] = BlockType("tab", "tab", True, {"new": _boolean, "select": _boolean})
    if "html" in names:
        types["html"] = BlockType("html", "html", True, {"markdown": _mode})
    return types


@dataclass
class Generic:
    """One open block."""

    type: BlockType
    length: int
    argument: str | None
    options: dict[str, Any]
    row: int
    el: Node | None = None
    target: Node | None = None
    mode: str = "auto"

    def valid(self) -> bool:
        spec = self.type.argument
        if spec is not None and (bool(self.argument) != spec):
            return False
        parsed: dict[str, Any] = {}
        for key, value in self.options.items():
            check = {**self.type.options, "attrs": _attrs}.get(key)
            if check is None:
                return False
            try:
                parsed[key] = check(value)
            except (ValueError, TypeError):
                return False
        self.options = parsed
        if self.type.family == "html":
            tag = (self.argument or "").strip().split(" ")[0].split(".")[0].split("#")[0]
            if not _HTML_TAG.fullmatch(tag):
                return False
            self.argument = tag
            mode = str(parsed.get("markdown", "auto"))
            self.mode = "raw" if mode == "html" else mode
        return True


@dataclass
class _Entry:
    block: Generic
    el: Node
    parent: Node
    hungry: bool = False


class Blocks(Processor):
    """``pymdownx.blocks.BlocksProcessor`` (priority 89.99, just after list indentation)."""

    def __init__(
        self, parser: BlockParser, types: dict[str, BlockType], tab_alternate: bool
    ) -> None:
        super().__init__(parser)
        self.types = types
        self.tab_set = "tabbed-set tabbed-alternate" if tab_alternate else "tabbed-set"
        self.stack: list[_Entry] = []
        self.cached_parent: Node | None = None
        self.cached_block: tuple[Generic, Text] | None = None
        self.tab_sets = [0]

    def test(self, parent: Node, block: Text) -> bool:
        if self.get_parent(parent) is not None:
            return True
        match = _START.search(block.s)
        if match is None or self.parser.too_deep():
            return False
        kind = self.types.get(match.group(2).lower())
        if kind is None:
            return False
        length = len(match.group(1))
        row = block.position(match.start(1))[0]
        options, rest = self.split_header(block[match.end() :], length)
        if options is None:
            return False
        generic = Generic(kind, length, match.group(3), options, row)
        if not generic.valid():
            return False
        self.cached_block = (generic, rest)
        if match.start() > 0:
            self.parser.parse_blocks(parent, [block[: match.start()]])
        return True

    def split_header(self, block: Text, length: int) -> tuple[dict[str, Any] | None, Text]:
        pieces: list[Text] = []
        for match in _END.finditer(block.s):
            if len(match.group(1)) == length:
                pieces.insert(0, block[match.start(0) :])
                block = block[: match.start(0)]
                break
        yaml_lines = _YAML_LINES.match(block.s)
        if yaml_lines is not None:
            config = textwrap.dedent(yaml_lines.group(0))
            pieces.insert(0, block[yaml_lines.end() :])
            if config.strip():
                return _front_matter(config), Text.join("\n", pieces)
        pieces.insert(0, block)
        return {}, Text.join("\n", pieces)

    def split_end(self, block: Text, length: int) -> tuple[Text | None, Text | None, bool]:
        for match in _END.finditer(block.s):
            if len(match.group(1)) == length:
                before = block[: match.start(0)]
                good = (before[:-1] if before.s.endswith("\n") else before) if before else None
                after = block[match.end(0) :]
                return good, (after if after else None), True
        return block, None, False

    def get_parent(self, parent: Node) -> Node | None:
        if self.cached_parent is not None:
            found, self.cached_parent = self.cached_parent, None
            return found
        node: Node | None = parent
        while node is not None and self.stack:
            if self.stack[-1].hungry and self.stack[-1].parent is node:
                self.cached_parent = node
                return node
            node = node.last()
        return None

    def create(self, generic: Generic, parent: Node) -> Node:
        family = generic.type.family
        if family == "tab":
            sibling = parent.last()
            join = not generic.options.get("new", False)
            title = generic.argument or ""
            tab = new_tab(self.tab_sets, parent, sibling, join, title, generic.row, self.tab_set)
            group = parent.last()
            assert group is not None
            generic.target = tab
            el = group
        elif family == "admonition":
            kind = generic.options.get("type") or generic.type.name
            el = parent.sub("div", {"class": f"admonition {kind}"})
        elif family == "details":
            el = parent.sub("details")
        else:
            el = parent.sub((generic.argument or "div").lower())
        el.meta.setdefault("kind", "block")
        el.meta.setdefault("row", generic.row)
        el.meta.setdefault("title", generic.argument)
        el.meta.setdefault("type", generic.type.name)
        if family == "tab" and generic.target is not None:
            generic.target.meta["block"] = True
        return el

    def parse(self, blocks: list[Text], current: Node) -> None:
        while blocks and self.stack:
            block = blocks.pop(0)
            entry = self.stack[-1]
            target = entry.block.target or entry.el
            depth = 0
            if len(self.stack) > 1:
                parents = {id(c): p for p in current.iter() for c in p.children}
                node = parents.get(id(entry.el))
                while node is not None:
                    if node.tag in ("li", "dd"):
                        depth += 1
                    node = parents.get(id(node))
            body, after = _detab_by_length(block, depth * TAB)
            if after:
                blocks.insert(0, after)
            good, bad, end = self.split_end(body, entry.block.length)
            if bad is not None:
                blocks.insert(0, bad)
            if good is not None:
                mode = entry.block.mode
                tag = target.tag
                is_block = mode == "block" or (mode == "auto" and tag in BLOCK_TAGS)
                if is_block:
                    self.parser.state.append("blocks")
                    self.parser.parse_chunk(target, good)
                    self.parser.state.pop()
                else:
                    atomic = mode == "raw" or (mode == "auto" and tag in RAW_TAGS)
                    text: list[Text] = target.meta.setdefault("raw_text", [])
                    text.append(good)
                    target.meta["atomic"] = atomic
            if end:
                del self.stack[-1]
        if self.stack:
            self.stack[-1].hungry = True

    def run(self, parent: Node, blocks: list[Text]) -> None:
        found = self.get_parent(parent)
        if found is not None:
            parent = found
        if self.cached_block is not None:
            generic, rest = self.cached_block
            self.cached_block = None
            blocks.pop(0)
            if rest:
                blocks.insert(0, rest)
            if parent.tag in ("li", "dd"):
                text_into_p(parent)
            el = self.create(generic, parent)
            self.stack.append(_Entry(generic, el, parent))
            self.parse(blocks, parent)
            return
        for entry in self.stack:
            if entry.hungry and parent is entry.parent:
                last = parent.last()
                if last is not None and last is not entry.el:
                    parent.remove(last)
                    (entry.block.target or entry.el).append(last)
                entry.hungry = False
                self.parse(blocks, parent)
                break


def _detab_by_length(text: Text, length: int) -> tuple[Text, Text]:
    lines = text.lines()
    kept: list[Text] = []
    pad = " " * length
    for line in lines:
        if line.s.startswith(pad):
            kept.append(line[length:])
        elif not line.s.strip():
            kept.append(line[len(line) :])
        else:
            break
    if kept:
        return Text.join("\n", kept), Text.join("\n", lines[len(kept) :])
    return Text.join("\n", lines), Text("", ())


def _front_matter(text: str) -> dict[str, Any] | None:
    import yaml

    try:
        data = yaml.safe_load(text)
    except Exception:
        return None
    if data is None:
        return {}
    return data if isinstance(data, dict) else None
