"""The source model: one page as the checks see it, every node with its place in a raw file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from markdown_it.common.utils import normalizeReference
from markdown_it.helpers import parseLinkLabel
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from . import findings
from .anchors import Anchor, html_attributes
from .findings import Finding
from .includes import Expander, Include
from .infostring import FenceHeader
from .lazyre import lazy
from .parse import FenceNote, ParserSettings, make_parser, parse_tokens
from .source import Source, Span, normalize_newlines
from .yamlload import Located, load_yaml, too_deep

if TYPE_CHECKING:
    from .site.markdown import PageText

_YAML_META = lazy(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_MMD_META = lazy(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_MMD_MORE = lazy(r"^[ ]{4,}(?P<value>.*)$")
_SKIP_COMMENT = lazy(r"<!--\s*docgates:\s*skip\s*-->", re.IGNORECASE)
_HEADING_ATTRS = lazy(r"[ ]+\{:?[ ]*([^}\n ][^}\n]*)\}[ ]*$")
# attr_list's own block syntax: a ``{: #id .class key=value }`` line closing a block.
_ATTR_BLOCK = lazy(r"(?:^|\n)[ ]*\{:?[ ]*([^}\n ][^}\n]*)[ ]*\}[ ]*$")
_ATTR_INLINE = lazy(r"^\{:?[ ]*([^}\n ][^}\n]*)[ ]*\}")
_ATTR_WORD = lazy(r"""[^\s=]+=(?:"[^"]*"|'[^']*'|\S+)|\S+""")
_CONTAINERS = (
    "admonition",
    "details",
    "tab",
    "block",
    "bullet_list",
    "ordered_list",
    "blockquote",
    "footnote",
    "dd",
)
_CONTAINER_OPEN = {f"{name}_open": name for name in _CONTAINERS}
_CONTAINER_CLOSE = {f"{name}_close": name for name in _CONTAINERS}
_CODEHILITE_HEADER = lazy(
    r"^(?:(?:::+)|(?P<shebang>#!))(?P<path>(?:/\w+)*[/ ])?(?P<lang>[\w#.+-]*)\s*$"
)


class CodeLine(NamedTuple):
    """One line of a code block and where it is in its raw file."""

    text: str
    path: str
    line: int
    column: int
    """0-based column where ``text`` starts in the raw line."""


@dataclass(eq=False)
class CodeBlock:
    """A code block that MkDocs renders as code: a fence, an indented block or an include.

    ``text`` is the code as MkDocs renders it; ``lines`` (computed on first use) gives each line
    with its place in the raw file it came from.
    """

    kind: str
    """``fence``, ``indented`` or ``include`` (a ``{* file *}`` include)."""
    lang: str | None
    header: FenceHeader | None
    span: Span
    """The opening fence (or first line) in the raw file."""
    text: str
    page: str
    """The page that renders the block (differs from ``span.path`` for included code)."""
    container: tuple[str, ...] = ()
    skip_comment: bool = False
    end_line: int | None = None
    source: Source | None = field(default=None, repr=False)
    first: int = 0
    """0-based line of ``source`` where the code starts."""

    @cached_property
    def lines(self) -> list[CodeLine]:
        if self.source is None:
            return (
                [
                    CodeLine(t, self.span.path, self.span.line + i + 1, 0)
                    for i, t in enumerate(self.text.split("\n"))
                ]
                if self.text
                else []
            )
        return _code_lines(self.source, self.first, self.text)

    @property
    def included(self) -> bool:
        return self.span.path != self.page

    def option(self, key: str) -> str | None:
        return self.header.get(key) if self.header else None

    def position(self, line: int, column: int = 1) -> Span:
        """Map a 1-based ``line``/``column`` inside the block to its raw file."""
        if not self.lines:
            return self.span
        index = min(max(line, 1), len(self.lines)) - 1
        code = self.lines[index]
        return Span(code.path, code.line, code.column + max(column, 1))


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    span: Span
    explicit_id: str | None = None
    container: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    """A link or image reference as written on the page."""

    kind: str
    """``link``, ``image``, ``autolink``, ``html`` (a raw HTML ``href``) or ``html-image``
    (a raw HTML ``src``)."""
    target: str
    span: Span
    text: str = ""
    reference: str | None = None
    """For a reference-style link (``[text][label]``): the normalised label."""


@dataclass
class Reference:
    """A reference definition (``[label]: target``) and how often the page uses it."""

    label: str
    target: str
    span: Span
    used: int = 0


@dataclass(frozen=True)
class Tab:
    """A content tab (``=== "Title"``): its set and place, for ``pymdownx.tabbed`` ids."""

    title: str
    span: Span
    set: int
    """1-based number of the tab set in the page."""
    index: int
    """1-based number of the tab in its set."""
    heading: int | None
    """Index in ``Document.headings`` of the heading the set sits under."""


@dataclass
class Document:
    """One page, parsed."""

    path: Path
    rel: str
    source: Source
    front_matter: dict[str, Any] | None = None
    front_matter_located: Located | None = None
    front_matter_lines: int = 0
    blocks: list[CodeBlock] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    notes: list[tuple[Span, FenceNote]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    indented_blocks: int = 0
    files: set[Path] = field(default_factory=set)
    references: dict[str, Reference] = field(default_factory=dict)
    """Reference definitions by normalised label (filled when links are parsed)."""
    anchors: list[Anchor] = field(default_factory=list)
    """Ids other than heading ids: attr_list ``{#id}``, raw HTML ``id``/``name``, autorefs
    ``[](){#id}`` and footnotes (filled when links are parsed)."""
    tabs: list[Tab] = field(default_factory=list)
    read: dict[str, str] = field(default_factory=dict)
    """The text of each file that went into the page (the page and what it includes), by
    project-relative path, as it was read: ``--update`` writes only into files that still hold
    exactly this text."""

    @property
    def title(self) -> str | None:
        if self.front_matter and isinstance(self.front_matter.get("title"), str):
            return str(self.front_matter["title"])
        return None


def split_front_matter(text: str) -> tuple[int, str | None]:
    """How many leading lines MkDocs strips as meta-data, and the YAML text if it is YAML."""
    match = _YAML_META.match(text)
    if match:
        if too_deep(match.group(1)):
            return 0, None  # PyYAML (and so MkDocs) cannot read it either: it stays text
        try:
            import yaml

            data = yaml.safe_load(match.group(1))
        except Exception:
            return 0, None
        if isinstance(data, dict):
            return text[: match.end()].count("\n"), match.group(1)
        return 0, None
    # MultiMarkdown-style meta-data: "key: value" lines up to the first blank line.
    count = 0
    key = None
    for line in text.split("\n"):
        if not line.strip():
            break
        meta = _MMD_META.match(line)
        if meta:
            key = meta.group("key")
        elif not (key and _MMD_MORE.match(line)):
            break
        count += 1
    return count, None


def blank_lines(text: str, count: int) -> str:
    """Replace the first ``count`` lines by empty ones, keeping line numbers."""
    if count <= 0:
        return text
    parts = text.split("\n", count)
    return "\n" * count + (parts[count] if len(parts) > count else "")


class DocumentBuilder:
    """Turns a page's text into a :class:`Document` for one project's Markdown setup."""

    def __init__(
        self,
        settings: ParserSettings,
        expander: Expander,
        *,
        indented_headers: bool,
        attr_list: bool = True,
    ) -> None:
        self.settings = settings
        self.expander = expander
        self.indented_headers = indented_headers
        self.attr_ids = attr_list

    def build(self, path: Path, rel: str, text: str, final: PageText | None = None) -> Document:
        """Parse page ``path`` (``rel`` to the project root) from its raw ``text``, or, given
        ``final``, the Markdown a build rendered for it, reported at the raw lines it maps to."""
        meta_lines, yaml_text = split_front_matter(text)
        front: dict[str, Any] | None = None
        located = None
        if yaml_text is not None:
            try:
                located = load_yaml(yaml_text, rel)
                # The YAML starts on line 2 of the page.
                located.positions = {
                    k: (line + 1, col) for k, (line, col) in located.positions.items()
                }
                front = located.data if isinstance(located.data, dict) else None
            except Exception:
                front = None
        if final is not None and final.rewritten:
            body = normalize_newlines(final.markdown)
            expansion = self.expander.expand(path, rel, body, final.origins)
        else:
            body = blank_lines(text, meta_lines)
            expansion = self.expander.expand(path, rel, body)
        doc = Document(
            path=path,
            rel=rel,
            source=expansion.source,
            front_matter=front,
            front_matter_located=located,
            front_matter_lines=meta_lines,
            includes=expansion.includes,
            findings=list(expansion.findings),
            files={path, *expansion.files},
            read={**expansion.texts, rel: text},
        )
        env: dict[str, Any] = {}
        tokens = parse_tokens(expansion.source.text, self.settings, env)
        self._walk(doc, tokens)
        if self.settings.inline:
            self._references(doc, env)
        source = expansion.source
        for note in env.get("fence_notes", []):
            doc.notes.append((source.span(note.line, note.column), note))
        return doc

    # -- token walk ----------------------------------------------------------------------
    def _walk(self, doc: Document, tokens: list[Token]) -> None:
        containers: list[str] = []
        opened_at: list[int] = []  # the index of each open container's token
        heading_paths: list[tuple[int, ...]] = []
        tab_sets = [0, 0, -1]  # sets so far, tabs in the current set, index of the last close
        source = doc.source
        include_at = {inc.first_line: inc for inc in doc.includes if inc.kind == "variants"}
        previous: Token | None = None
        for index, token in enumerate(tokens):
            kind = token.type
            if token.nesting:
                opened = _CONTAINER_OPEN.get(kind)
                if opened is not None:
                    if kind == "tab_open" and self.settings.inline:
                        self._tab(doc, token, index, tuple(opened_at), heading_paths, tab_sets)
                    containers.append(opened)
                    opened_at.append(index)
                elif containers and _CONTAINER_CLOSE.get(kind) == containers[-1]:
                    containers.pop()
                    opened_at.pop()
                    if kind == "tab_close":
                        tab_sets[2] = index
                elif kind == "heading_open" and token.map and index + 1 < len(tokens):
                    self._heading(doc, token, tokens[index + 1], tuple(containers))
                    heading_paths.append(tuple(opened_at))
            elif kind == "fence" and token.map:
                block = self._fence(doc, token, tuple(containers), include_at)
                block.skip_comment = _is_skip_comment(previous)
                doc.blocks.append(block)
                if block.header is not None and block.header.id and self.attr_ids:
                    # '``` { .sh #example }': superfences puts the id on the rendered block.
                    doc.anchors.append(Anchor(block.header.id, block.span, "attr_list"))
            elif kind == "code_block" and token.map:
                doc.indented_blocks += 1
                block_or_none = self._indented(doc, token, tuple(containers))
                if block_or_none is not None:
                    block_or_none.skip_comment = _is_skip_comment(previous)
                    doc.blocks.append(block_or_none)
            elif kind == "inline" and token.children and self.settings.inline:
                self._links(doc, token)
                if index > 0 and tokens[index - 1].type == "paragraph_open":
                    self._block_attrs(doc, token)
            elif kind == "html_block" and token.map:
                if self.settings.inline:
                    self._html(doc, token.content, token.map[0], None)
                if self.settings.superfences:
                    self._fences_in_html(doc, token, tuple(containers), include_at)
            if token.block and token.nesting >= 0:
                previous = token
        del source

    def _fences_in_html(
        self,
        doc: Document,
        token: Token,
        containers: tuple[str, ...],
        include_at: dict[int, Include],
    ) -> None:
        """Find the fences superfences renders inside a raw HTML block.

        superfences runs before Python-Markdown looks at HTML, so a fence between ``<div>`` and
        ``</div>`` is rendered as code even where CommonMark sees only HTML. Comments are the
        exception that matters: what is commented out is not shown, so it is not checked.
        """
        content = token.content
        if ("```" not in content and "~~~" not in content) or content.lstrip().startswith("<!--"):
            return
        start = (token.map or (0, 0))[0]
        env: dict[str, Any] = {}
        inner = "\n".join(doc.source.lines[start + 1 : (token.map or (0, 0))[1]])
        for sub in parse_tokens(inner, self.settings, env):
            if sub.type == "fence" and sub.map:
                sub.map = [sub.map[0] + start + 1, sub.map[1] + start + 1]
                raw = doc.source.lines[sub.map[0]]
                sub.meta["column"] = len(raw) - len(raw.lstrip())
                doc.blocks.append(self._fence(doc, sub, (*containers, "html"), include_at))

    def _fence(
        self,
        doc: Document,
        token: Token,
        containers: tuple[str, ...],
        include_at: dict[int, Include],
    ) -> CodeBlock:
        source = doc.source
        start, end = token.map or (0, 0)
        header: FenceHeader = token.meta["header"]
        column = int(token.meta.get("column", 0))
        content = token.content[:-1] if token.content.endswith("\n") else token.content
        include = include_at.get(start)
        if include is None:
            # A {* *} include expands into several fences; find the one this belongs to.
            for inc in include_at.values():
                if inc.first_line <= start <= inc.last_line:
                    include = inc
                    break
        return CodeBlock(
            kind="include" if include is not None else "fence",
            lang=header.lang,
            header=header,
            span=include.span if include is not None else source.span(start, column),
            text=content,
            page=doc.rel,
            container=containers,
            end_line=source.origin(max(end - 1, start)).line,
            source=source,
            first=start + 1,
        )

    def _indented(
        self, doc: Document, token: Token, containers: tuple[str, ...]
    ) -> CodeBlock | None:
        start, _ = token.map or (0, 0)
        content = token.content.rstrip("\n")
        if not self.indented_headers or not content:
            return None
        head, _, rest = content.partition("\n")
        match = _CODEHILITE_HEADER.match(head)
        if not (match and match.group("lang")):
            return None
        first = start
        if not match.group("path"):  # a mock shebang is removed from the rendered code
            content, first = rest, start + 1
        return CodeBlock(
            "indented",
            match.group("lang"),
            None,
            doc.source.span(start, 0),
            content,
            doc.rel,
            containers,
            source=doc.source,
            first=first,
        )

    def _heading(
        self, doc: Document, token: Token, inline: Token, containers: tuple[str, ...]
    ) -> None:
        start = (token.map or (0, 0))[0]
        text = inline.content
        explicit = None
        attrs = _HEADING_ATTRS.search(text)
        if attrs:
            ids = _attr_ids(attrs.group(1))  # '{#id}' and '{ id=id }' alike; the last wins
            if ids:
                explicit = ids[-1]
            text = text[: attrs.start()]
        line_text = doc.source.lines[start] if start < len(doc.source.lines) else ""
        column = len(line_text) - len(line_text.lstrip())
        doc.headings.append(
            Heading(
                int(token.tag[1]),
                text.strip(),
                doc.source.span(start, column),
                explicit,
                containers,
            )
        )

    def _links(self, doc: Document, inline: Token) -> None:
        children = inline.children or []
        if not any(child.type in _INLINE_WANTED for child in children):
            return  # most inline tokens: text only
        mapper = _InlineMapper(doc.source, inline)
        state: StateInline | None = None
        for number, child in enumerate(children):
            pos = (child.meta or {}).get("pos")
            if child.type in ("link_open", "image"):
                attr = "href" if child.type == "link_open" else "src"
                target = str(child.attrs.get(attr, ""))
                if child.type == "image":
                    kind = "image"
                else:
                    kind = "autolink" if child.markup == "autolink" else "link"
                end = (child.meta or {}).get("end")
                if kind == "autolink" or (end is not None and inline.content[end - 1] == ")"):
                    reference = None  # '[text](url)' ends with ')', '[text][label]' with ']'
                else:
                    if state is None:
                        state = StateInline(inline.content, make_parser(self.settings), {}, [])
                    reference = _reference_label(state, pos)
                doc.links.append(Link(kind, target, mapper.span(pos), reference=reference))
                self._inline_attrs(doc, children, number, mapper, pos, target)
            elif child.type == "html_inline" and pos is not None:
                span = mapper.span(pos)
                self._html(doc, child.content, None, span)
            elif child.type == "footnote_ref":
                label = str((child.meta or {}).get("label") or "")
                sub = int((child.meta or {}).get("subId", 0))
                if label:
                    ref_id = f"fnref:{label}" if sub == 0 else f"fnref{sub + 1}:{label}"
                    doc.anchors.append(Anchor(ref_id, mapper.span(pos), "footnote"))
                    doc.anchors.append(Anchor(f"fn:{label}", None, "footnote"))

    def _inline_attrs(
        self,
        doc: Document,
        children: list[Token],
        number: int,
        mapper: _InlineMapper,
        pos: int | None,
        target: str,
    ) -> None:
        """``[text](url){#id}`` and autorefs' ``[](){#id}``: an attr_list id on the link."""
        if not self.attr_ids:
            return
        empty = False
        if children[number].type == "image":
            after = number + 1
        else:
            depth, after = 0, number
            for after in range(number, len(children)):
                depth += children[after].nesting
                if depth == 0:
                    break
            after += 1
            empty = after == number + 2
        if after >= len(children) or children[after].type != "text":
            return
        match = _ATTR_INLINE.match(children[after].content)
        if match is None:
            return
        autorefs = children[number].type == "link_open" and empty and not target
        for value in _attr_ids(match.group(1)):
            source = "autorefs" if autorefs else "attr_list"
            doc.anchors.append(Anchor(value, mapper.span(pos), source))

    def _block_attrs(self, doc: Document, inline: Token) -> None:
        """A paragraph that ends with a ``{: #id }`` line (attr_list) gets that id."""
        if not self.attr_ids or "{" not in inline.content:
            return
        match = _ATTR_BLOCK.search(inline.content)
        if match is None:
            return
        start = (inline.map or (0, 0))[0] + inline.content.count("\n", 0, match.start(1))
        line_text = doc.source.lines[start] if start < len(doc.source.lines) else ""
        for value in _attr_ids(match.group(1)):
            column = max(line_text.find("#" + value), 0)
            doc.anchors.append(Anchor(value, doc.source.span(start, column), "attr_list"))

    def _html(self, doc: Document, text: str, first: int | None, at: Span | None) -> None:
        """Ids and links in raw HTML (a block starting on line ``first``, or inline ``at``)."""
        if not any(word in text for word in ("id=", "name=", "href=", "src=")):
            return
        for tag, attr, value, line, column in html_attributes(text):
            if at is not None:
                found = text.split("\n")[line].find(value, column)
                offset = found if found >= 0 else column
                span = Span(at.path, at.line + line, (at.column if line == 0 else 1) + offset)
            else:
                index = (first or 0) + line
                raw = doc.source.lines[index] if index < len(doc.source.lines) else ""
                found = raw.find(value, column)
                span = doc.source.span(index, found if found >= 0 else column)
            if attr in ("id", "name"):
                doc.anchors.append(Anchor(value, span, "html"))
            else:
                kind = "html" if attr == "href" else "html-image"
                doc.links.append(Link(kind, value, span, text=tag))

    def _tab(
        self,
        doc: Document,
        token: Token,
        index: int,
        path: tuple[int, ...],
        heading_paths: list[tuple[int, ...]],
        sets: list[int],
    ) -> None:
        flags = str((token.meta or {}).get("flags", ""))
        if sets[2] == index - 1 and "!" not in flags and sets[1]:
            sets[1] += 1
        else:
            sets[0] += 1
            sets[1] = 1
        heading = None
        for number in range(len(heading_paths) - 1, -1, -1):
            if path[: len(heading_paths[number])] == heading_paths[number]:
                heading = number
                break
        start = (token.map or (0, 0))[0]
        line_text = doc.source.lines[start] if start < len(doc.source.lines) else ""
        column = len(line_text) - len(line_text.lstrip())
        title = str((token.meta or {}).get("title") or "")
        doc.tabs.append(Tab(title, doc.source.span(start, column), sets[0], sets[1], heading))

    def _references(self, doc: Document, env: dict[str, Any]) -> None:
        """Reference definitions, with the line each one is written on."""
        for label, ref in (env.get("references") or {}).items():
            start = int((ref.get("map") or [0])[0])
            raw = doc.source.lines[start] if start < len(doc.source.lines) else ""
            column = max(raw.find("["), 0)
            target = str(ref.get("href", ""))
            doc.references[label] = Reference(label, target, doc.source.span(start, column))
        for link in doc.links:
            if link.reference is not None and link.reference in doc.references:
                doc.references[link.reference].used += 1


#: The inline tokens :meth:`DocumentBuilder._links` reads.
_INLINE_WANTED = frozenset(("link_open", "image", "html_inline", "footnote_ref"))


class _InlineMapper:
    """Maps an offset in an inline token's content to a span in the raw file."""

    def __init__(self, source: Source, inline: Token) -> None:
        self.source = source
        self.start = (inline.map or (0, 0))[0]
        self.content = inline.content
        self.line_offsets: list[int] = [0]
        found = self.content.find("\n")
        while found >= 0:
            self.line_offsets.append(found + 1)
            found = self.content.find("\n", found + 1)
        self.first_offset = int((inline.meta or {}).get("offset", -1))

    def span(self, pos: int | None) -> Span:
        if pos is None:
            return self.source.span(self.start, 0)
        import bisect

        row = bisect.bisect_right(self.line_offsets, pos) - 1
        col_in_content = pos - self.line_offsets[row]
        index = self.start + row
        raw = self.source.lines[index] if index < len(self.source.lines) else ""
        end = (
            self.line_offsets[row + 1] - 1
            if row + 1 < len(self.line_offsets)
            else len(self.content)
        )
        piece = self.content[self.line_offsets[row] : end]
        if row == 0 and self.first_offset >= 0:
            base = self.first_offset
        elif piece and raw.rstrip().endswith(piece.rstrip()):
            base = len(raw.rstrip()) - len(piece.rstrip())
        else:
            base = len(raw) - len(raw.lstrip())
        return self.source.span(index, base + col_in_content)


def _reference_label(state: StateInline, pos: int | None) -> str | None:
    """The normalised label when the link at ``pos`` is reference-style, else ``None``."""
    if pos is None:
        return None
    src = state.src
    start = pos + 1 if src.startswith("!", pos) else pos
    if not src.startswith("[", start):
        return None
    state.pos = start
    end = parseLinkLabel(state, start, True)
    if end < 0:
        return None
    after = end + 1
    if src.startswith("(", after):
        return None
    label = src[start + 1 : end]
    if src.startswith("[", after):
        close = src.find("]", after + 1)
        if close > after + 1:
            label = src[after + 1 : close]
    return normalizeReference(label) or None


def _attr_ids(text: str) -> list[str]:
    """The ``#id`` (or ``id=...``) values of an attr_list ``{...}``."""
    ids = []
    for word in _ATTR_WORD.findall(text):
        if word.startswith("#") and len(word) > 1:
            ids.append(word[1:])
        elif word.startswith("id="):
            ids.append(word[3:].strip("\"'"))
    return ids


def _code_lines(source: Source, first: int, content: str) -> list[CodeLine]:
    if content.endswith("\n"):
        content = content[:-1]
    texts = content.split("\n") if content else []
    lines = []
    raw_lines = source.lines
    count = len(raw_lines)
    path = source.path
    origins = source.origins
    for index, text in enumerate(texts, first):
        raw = raw_lines[index] if index < count else text
        if not text:
            column = 0
        elif raw.endswith(text):
            column = len(raw) - len(text)
        else:
            column = len(raw) - len(raw.lstrip())
        if origins is None:
            lines.append(CodeLine(text, path, index + 1, column))
        else:
            origin = source.origin(index)
            lines.append(CodeLine(text, origin.path, origin.line, max(column - origin.shift, 0)))
    return lines


def _is_skip_comment(token: Token | None) -> bool:
    return bool(
        token is not None and token.type == "html_block" and _SKIP_COMMENT.search(token.content)
    )


def unreadable(rel: str, problem: Finding) -> Finding:  # pragma: no cover - thin helper
    return findings.make(
        problem.rule, rel, problem.line, problem.column, problem.message, hint=problem.hint
    )
