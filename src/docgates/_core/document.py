"""The source model: one page as the checks see it, every node with its place in a raw file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from markdown_it.token import Token

from . import findings
from .findings import Finding
from .includes import Expander, Include
from .infostring import FenceHeader
from .lazyre import lazy
from .parse import FenceNote, ParserSettings, parse_tokens
from .source import Source, Span
from .yamlload import Located, load_yaml

_YAML_META = lazy(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_MMD_META = lazy(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_MMD_MORE = lazy(r"^[ ]{4,}(?P<value>.*)$")
_SKIP_COMMENT = lazy(r"<!--\s*docgates:\s*skip\s*-->", re.IGNORECASE)
_HEADING_ATTRS = lazy(r"[ ]+\{:?[ ]*([^}\n ][^}\n]*)\}[ ]*$")
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
    """``link``, ``image``, ``autolink`` or ``html``."""
    target: str
    span: Span
    text: str = ""


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
    tokens: list[Token] | None = None

    @property
    def title(self) -> str | None:
        if self.front_matter and isinstance(self.front_matter.get("title"), str):
            return str(self.front_matter["title"])
        return None


def split_front_matter(text: str) -> tuple[int, str | None]:
    """How many leading lines MkDocs strips as meta-data, and the YAML text if it is YAML."""
    match = _YAML_META.match(text)
    if match:
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
        self, settings: ParserSettings, expander: Expander, *, indented_headers: bool
    ) -> None:
        self.settings = settings
        self.expander = expander
        self.indented_headers = indented_headers

    def build(self, path: Path, rel: str, text: str) -> Document:
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
        )
        env: dict[str, Any] = {}
        tokens = parse_tokens(expansion.source.text, self.settings, env)
        self._walk(doc, tokens)
        source = expansion.source
        for note in env.get("fence_notes", []):
            doc.notes.append((source.span(note.line, note.column), note))
        if self.settings.inline:
            doc.tokens = tokens
        return doc

    # -- token walk ----------------------------------------------------------------------
    def _walk(self, doc: Document, tokens: list[Token]) -> None:
        containers: list[str] = []
        source = doc.source
        include_at = {inc.first_line: inc for inc in doc.includes if inc.kind == "variants"}
        previous: Token | None = None
        for index, token in enumerate(tokens):
            kind = token.type
            if token.nesting:
                opened = _CONTAINER_OPEN.get(kind)
                if opened is not None:
                    containers.append(opened)
                elif containers and _CONTAINER_CLOSE.get(kind) == containers[-1]:
                    containers.pop()
                elif kind == "heading_open" and token.map and index + 1 < len(tokens):
                    self._heading(doc, token, tokens[index + 1], tuple(containers))
            elif kind == "fence" and token.map:
                block = self._fence(doc, token, tuple(containers), include_at)
                block.skip_comment = _is_skip_comment(previous)
                doc.blocks.append(block)
            elif kind == "code_block" and token.map:
                doc.indented_blocks += 1
                block_or_none = self._indented(doc, token, tuple(containers))
                if block_or_none is not None:
                    block_or_none.skip_comment = _is_skip_comment(previous)
                    doc.blocks.append(block_or_none)
            elif kind == "inline" and token.children and self.settings.inline:
                self._links(doc, token)
            elif kind == "html_block" and token.map and self.settings.superfences:
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
            for word in attrs.group(1).split():
                if word.startswith("#"):
                    explicit = word[1:]
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
        mapper = _InlineMapper(doc.source, inline)
        for child in inline.children or []:
            pos = (child.meta or {}).get("pos")
            if child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                kind = "autolink" if child.markup == "autolink" else "link"
                doc.links.append(Link(kind, href, mapper.span(pos)))
            elif child.type == "image":
                doc.links.append(Link("image", str(child.attrs.get("src", "")), mapper.span(pos)))


class _InlineMapper:
    """Maps an offset in an inline token's content to a span in the raw file."""

    def __init__(self, source: Source, inline: Token) -> None:
        self.source = source
        self.start = (inline.map or (0, 0))[0]
        self.content = inline.content
        self.line_offsets: list[int] = [0]
        for index, char in enumerate(self.content):
            if char == "\n":
                self.line_offsets.append(index + 1)
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
