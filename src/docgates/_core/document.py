"""The source model: one page as the checks see it, every node with its place in a raw file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from markdown_it.common.utils import normalizeReference
from markdown_it.helpers import parseLinkLabel
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from . import findings
from .anchors import Anchor, html_attributes
from .errors import ConfigError
from .findings import Finding
from .includes import Expander, Include
from .infostring import FenceHeader
from .lazyre import lazy
from .parse import FenceNote, ParserSettings, make_parser, parse_inline
from .pymd.blocks import TooComplex
from .pymd.fences import Fence
from .pymd.page import Parsed, parse_page
from .pymd.text import Text
from .pymd.tree import Node
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
#: The name a block has in ``CodeBlock.container`` and ``Heading.container``, by node kind.
_CONTAINER_NAMES = {
    "admonition": "admonition",
    "details": "details",
    "tab": "tab",
    "block": "block",
    "ul": "bullet_list",
    "ol": "ordered_list",
    "blockquote": "blockquote",
    "footnote": "footnote",
    "dd": "dd",
}
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PLACEHOLDER = lazy(r"\x02wzxhzdk:(\d+)\x03")
#: Python-Markdown's inline ``HTML_RE`` comment (across lines), and its ``BACKTICK_RE``, whose
#: code spans are taken first (a comment cannot start or end inside one).
_INLINE_COMMENT = lazy(r"<!--(?:(?!<!--|-->).)*-->", re.DOTALL)
_BACKTICK = lazy(r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)(`+)(.+?)(?<!`)\2(?!`))", re.DOTALL)
_BACKTICK_START = lazy(r"[\\`]")
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
    shadowed: bool = False
    """A later definition of the same label takes its place (Python-Markdown keeps the last
    one), so links never reach this one."""


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
    plain_code: list[str] = field(default_factory=list)
    """The text of indented code blocks that name no language (MkDocs shows them as code)."""

    @property
    def title(self) -> str | None:
        if self.front_matter and isinstance(self.front_matter.get("title"), str):
            return str(self.front_matter["title"])
        return None


def split_front_matter(text: str) -> tuple[int, str | None]:
    """How many leading lines MkDocs strips as meta-data, and the YAML text if it is YAML."""
    if not text.startswith("---"):
        return _split_front_matter(text)  # no YAML to load: cheap
    return _split_yaml_front_matter(text)


@lru_cache(maxsize=256)
def _split_yaml_front_matter(text: str) -> tuple[int, str | None]:
    # PyYAML loads the front matter to tell YAML from text: a page's is asked several times
    # (reading it, mapping its rendered lines, telling whether a plugin rewrote it).
    return _split_front_matter(text)


def _split_front_matter(text: str) -> tuple[int, str | None]:
    match = _YAML_META.match(text)
    if match:
        if too_deep(match.group(1)):
            return 0, None  # PyYAML (and so MkDocs) cannot read it either: it stays text
        try:
            import yaml

            # MkDocs' own choice (mkdocs.utils.meta): libyaml's loader when PyYAML has it
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            data = yaml.load(match.group(1), loader)  # noqa: S506  # nosec B506 - a safe loader
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


def nothing_to_check(final: PageText, text: str) -> bool:
    """Whether a built page holds nothing the code gate reads: the build rendered no code block
    (no ``<pre>`` in its HTML, so the proof would drop every block docgates found) and its
    Markdown (includes expanded) has no fence-like line (``code/unchecked-fence``) and no
    ``:::`` directive (docstring examples). Its blocks need not be parsed: reading it stops
    after the front matter and the includes, whose findings it keeps."""
    html = final.html
    if html is None or "<pre" in html:
        return False
    return "```" not in text and "~~~" not in text and ":::" not in text


def _front_matter_unread(rel: str, exc: ConfigError) -> Finding:
    """``source/front-matter-unread`` at the front matter's line the error names (the YAML
    starts on the page's line 2)."""
    key = f"'{exc.key}': " if exc.key else ""
    return findings.make(
        "source/front-matter-unread",
        rel,
        (exc.line or 0) + 1,
        1,
        f"front matter is not read: {key}{exc.message.removesuffix(': not read')}",
        hint="docgates checks the page without it (its title and schema are not used); "
        "write the values out instead of aliasing them.",
    )


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
        unread: Finding | None = None
        if yaml_text is not None:
            try:
                located = load_yaml(yaml_text, rel, fast=True)  # as MkDocs reads it
                # The YAML starts on line 2 of the page.
                located.positions = {
                    k: (line + 1, col) for k, (line, col) in located.positions.items()
                }
                front = located.data if isinstance(located.data, dict) else None
            except ConfigError as exc:
                # PyYAML (and so MkDocs) reads it, sharing each alias; docgates would have to
                # expand it (or loop) to use it: the page is checked without it, and says so.
                unread = _front_matter_unread(rel, exc)
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
            findings=[*([unread] if unread else []), *expansion.findings],
            files={path, *expansion.files},
            read={**expansion.texts, rel: text},
        )
        # The code gate's reading of a built page (links and headings need the parse):
        if (
            not self.settings.inline
            and final is not None
            and nothing_to_check(final, expansion.source.text)
        ):
            return doc
        try:
            parsed = parse_page(expansion.source.text, self.settings)
        except TooComplex:
            # Only rendering the page could tell what is code: say so rather than guess.
            doc.findings.append(
                findings.make(
                    "code/unchecked-block",
                    doc.source.path,
                    1,
                    1,
                    "the page nests blocks so deeply that which of them are code can only be "
                    "told by rendering it; its code blocks are not checked",
                    hint="Build the site with the docgates plugins: they check what MkDocs "
                    "rendered.",
                )
            )
            return doc
        _Walker(self, doc, parsed).run()
        for row in parsed.undecided:
            doc.findings.append(
                findings.make(
                    "code/unchecked-block",
                    doc.source.path,
                    row + 1,
                    1,
                    "a markdown block indented by four or more inside another one: only "
                    "Python-Markdown's HTML parser decides whether it opens an element or is "
                    "text, so the code blocks after it may not be checked as MkDocs shows them",
                    hint="Indent it as its container needs, or build the site with the docgates "
                    "plugins: they check what MkDocs rendered.",
                )
            )
        return doc

    # -- pieces the walker makes ---------------------------------------------------------------
    def _fence(
        self,
        doc: Document,
        fence: Fence,
        containers: tuple[str, ...],
        include_at: dict[int, Include],
    ) -> CodeBlock:
        source = doc.source
        start, end = fence.start, fence.end
        column = _raw_column(source, start, fence.column)
        include = include_at.get(start)
        if include is None:
            # A {* *} include expands into several fences; find the one this belongs to.
            for inc in include_at.values():
                if inc.first_line <= start <= inc.last_line:
                    include = inc
                    break
        return CodeBlock(
            kind="include" if include is not None else "fence",
            lang=fence.header.lang,
            header=fence.header,
            span=include.span if include is not None else source.span(start, column),
            text=fence.code.s,
            page=doc.rel,
            container=containers,
            end_line=source.origin(max(end, start)).line,
            source=source,
            first=start + 1,
        )

    def _indented(
        self, doc: Document, code: Text, row: int, containers: tuple[str, ...]
    ) -> CodeBlock | None:
        content = code.s.rstrip("\n")
        if not self.indented_headers or not content:
            return None
        head, _, rest = content.partition("\n")
        match = _CODEHILITE_HEADER.match(head)
        if not (match and match.group("lang")):
            return None
        first = code.row
        if not match.group("path"):  # a mock shebang is removed from the rendered code
            content, first = rest, first + 1
        return CodeBlock(
            "indented",
            match.group("lang"),
            None,
            doc.source.span(row, 0),
            content,
            doc.rel,
            containers,
            source=doc.source,
            first=first,
        )

    def _heading(self, doc: Document, node: Node, containers: tuple[str, ...]) -> None:
        start = int(node.meta.get("row", node.text.row if node.text else 0))
        text = node.text.s if node.text else ""
        explicit = None
        attrs = _HEADING_ATTRS.search(text) if self.attr_ids else None
        if attrs:
            ids = _attr_ids(attrs.group(1))  # '{#id}' and '{ id=id }' alike; the last wins
            if ids:
                explicit = ids[-1]
            text = text[: attrs.start()]
        line_text = doc.source.lines[start] if start < len(doc.source.lines) else ""
        column = len(line_text) - len(line_text.lstrip())
        doc.headings.append(
            Heading(
                int(node.tag[1]),
                text.strip(),
                doc.source.span(start, column),
                explicit,
                containers,
            )
        )

    def _links(self, doc: Document, content: Text, env: dict[str, Any]) -> None:
        s = content.s
        if "[" not in s and "<" not in s:
            return  # no link, image, footnote reference, autolink or raw HTML can start here
        if "`" in s:
            # Code spans as Python-Markdown pairs its backticks (CommonMark pairs them
            # differently after a run that closes nothing, such as a fence line in a paragraph).
            s = _code_spans_masked(s)
        tokens = parse_inline(s, self.settings, env)
        if not any(child.type in _INLINE_WANTED for child in tokens):
            return  # most inline text: no links
        mapper = _InlineMapper(doc.source, content)
        state: StateInline | None = None
        for number, child in enumerate(tokens):
            pos = (child.meta or {}).get("pos")
            if child.type in ("link_open", "image"):
                attr = "href" if child.type == "link_open" else "src"
                target = str(child.attrs.get(attr, ""))
                if child.type == "image":
                    kind = "image"
                else:
                    kind = "autolink" if child.markup == "autolink" else "link"
                end = (child.meta or {}).get("end")
                if kind == "autolink" or (end is not None and s[end - 1] == ")"):
                    reference = None  # '[text](url)' ends with ')', '[text][label]' with ']'
                else:
                    if state is None:
                        state = StateInline(s, make_parser(self.settings), {}, [])
                    reference = _reference_label(state, pos)
                doc.links.append(Link(kind, target, mapper.span(pos), reference=reference))
                self._inline_attrs(doc, tokens, number, mapper, pos, target)
            elif child.type == "html_inline" and pos is not None:
                self._html(doc, child.content, None, mapper.span(pos))
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

    def _block_attrs(self, doc: Document, content: Text) -> None:
        """A paragraph that ends with a ``{: #id }`` line (attr_list) gets that id."""
        if not self.attr_ids or "{" not in content.s:
            return
        match = _ATTR_BLOCK.search(content.s)
        if match is None:
            return
        start = content.position(match.start(1))[0]
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


class _Walker:
    """Walks a parsed page in document order and fills the :class:`Document`."""

    def __init__(self, builder: DocumentBuilder, doc: Document, parsed: Parsed) -> None:
        self.builder = builder
        self.doc = doc
        self.parsed = parsed
        self.inline = builder.settings.inline
        self.include_at = {inc.first_line: inc for inc in doc.includes if inc.kind == "variants"}
        self.previous_skip = False
        self.heading_paths: list[tuple[int, ...]] = []
        self.env: dict[str, Any] = {}
        if self.inline:
            self.env = self._inline_env()

    def _inline_env(self) -> dict[str, Any]:
        references: dict[str, dict[str, Any]] = {}
        doc = self.doc
        for label, target, where in self.parsed.references:
            key = normalizeReference(label)
            if not key:
                continue
            row = where.row
            raw = doc.source.lines[row] if row < len(doc.source.lines) else ""
            references[key] = {"href": target, "title": "", "map": [row, row + 1]}
            earlier = doc.references.pop(key, None)
            if earlier is not None:
                earlier.shadowed = True
                doc.references[f"{key}\x00{earlier.span.line}"] = earlier
            doc.references[key] = Reference(
                key, target, doc.source.span(row, max(raw.find("["), 0))
            )
        env: dict[str, Any] = {"references": references}
        if self.parsed.footnote_labels:
            labels = self.parsed.footnote_labels
            env["footnotes"] = {"refs": {f":{label}": -1 for label in labels}}
        return env

    def run(self) -> None:
        self.node(self.parsed.root, (), ())
        for node in self.parsed.footnotes.values():
            self.node(node, ("footnote",), (id(node),))
        doc = self.doc
        for note in self.parsed.notes:
            column = _raw_column(doc.source, note.row, note.column)
            doc.notes.append(
                (
                    doc.source.span(note.row, column),
                    FenceNote(
                        note.row,
                        column,
                        note.lang,
                        note.header,
                        note.reason,
                        note.hint,
                        claimed=note.claimed,
                    ),
                )
            )
        doc.notes.sort(key=lambda item: (item[1].line, item[1].column))
        if self.inline:
            for link in doc.links:
                if link.reference is not None and link.reference in doc.references:
                    doc.references[link.reference].used += 1

    def node(self, node: Node, containers: tuple[str, ...], path: tuple[int, ...]) -> None:
        tag = node.tag
        kind = node.meta.get("kind")
        name = _CONTAINER_NAMES.get(kind or tag)
        if kind == "tabset":
            name = None
        if name is not None:
            containers = (*containers, name)
            path = (*path, id(node))
        if kind == "tab" and self.inline:
            self._tab(node, path)
        if kind == "md_in_html":
            # A md_in_html block where its placeholder started a block (pymd.page).
            self.placeholder(int(node.meta["number"]), containers, rendered=True)
        elif tag in _HEADINGS:
            self.builder._heading(self.doc, node, containers)
            self.heading_paths.append(path)
            if node.text is not None:
                self.text(node.text, containers, paragraph=False)
        elif tag == "pre" and "raw_text" not in node.meta:
            code = node.children[0] if node.children else None
            if code is not None and code.text is not None:
                self.code(code.text, int(node.meta.get("row", code.text.row)), containers)
        else:
            if node.text is not None:
                self.text(node.text, containers, paragraph=tag == "p")
            raws = node.meta.get("raw_text", ())
            if raws and not node.meta.get("atomic"):
                # An inline-mode ``/// html`` block's pieces are one text for the inline
                # parser (a code span may run across its blank lines).
                self.text(Text.join("\n\n", raws), containers, paragraph=False, fences=False)
            for raw in raws if node.meta.get("atomic") else ():
                if "\x02" in raw.s:
                    self.atomic(raw, containers)
            for child in node.children:
                self.node(child, containers, path)
                if child.tail is not None:
                    self.text(child.tail, containers, paragraph=False)

    def code(self, text: Text, row: int, containers: tuple[str, ...]) -> None:
        doc = self.doc
        doc.indented_blocks += 1
        block = self.builder._indented(doc, text, row, containers)
        if block is not None:
            block.skip_comment = self.previous_skip
            doc.blocks.append(block)
        else:
            doc.plain_code.append(text.s)
        self.previous_skip = False

    def text(
        self, text: Text, containers: tuple[str, ...], *, paragraph: bool, fences: bool = True
    ) -> None:
        s = text.s
        if "\x02" in s:
            # Each stashed block's placeholder becomes as many spaces, so the columns of the
            # text around it stay those of the page; a lone STX is text like any other.
            pieces = []
            last = 0
            hidden = _inline_comments(s) if "<!--" in s else []
            for match in _PLACEHOLDER.finditer(s):
                fence = None if fences else self.parsed.fences.get(int(match.group(1)))
                if fence is not None and fence.original:
                    # Put back as text (pymdownx.blocks' inline mode): its source is read.
                    first, *rest = fence.original
                    put_back = [Text(first[0].lstrip(" >"), ((0, first[1], fence.column),))]
                    put_back += [Text(line, ((0, row, 0),)) for line, row in rest]
                    pieces += [text[last : match.start()], Text.join("\n", put_back)]
                else:
                    pieces += [
                        text[last : match.start()],
                        Text(" " * (match.end() - match.start()), ()),
                    ]
                last = match.end()
                # A fence inside an inline comment (``<!--`` opened in a paragraph, a list
                # item's or an admonition's text) is rendered into the comment: not on the page.
                inside = any(begin < match.start() < end for begin, end in hidden)
                number = int(match.group(1))
                # ``fences=False`` (a ``/// html`` block's inline content): pymdownx.blocks
                # puts a fence right in it back as text, but raw HTML stashed there keeps its
                # fences, rendered.
                shown = fences or number not in self.parsed.fences
                self.placeholder(number, containers, rendered=shown and not inside)
            if last:
                pieces.append(text[last:])
                text = Text.join("", pieces)
        if not text.s.strip():
            return
        self.previous_skip = False
        if self.inline:
            self.builder._links(self.doc, text, self.env)
            if paragraph:
                self.builder._block_attrs(self.doc, text)

    def atomic(self, text: Text, containers: tuple[str, ...]) -> None:
        """A ``/// html`` block's raw content (``markdown: raw``, or ``pre``): pymdownx.blocks
        puts a fence found right in it back as text, but raw HTML stashed in it (a comment,
        a ``<div>``) is written out escaped with the fences inside it rendered: visible code."""
        for match in _PLACEHOLDER.finditer(text.s):
            raw = self.parsed.html.get(int(match.group(1)))
            if raw is None:
                continue
            for inner in _PLACEHOLDER.finditer(raw.text.s):
                self.placeholder(int(inner.group(1)), (*containers, "html"), rendered=True)

    def placeholder(self, number: int, containers: tuple[str, ...], *, rendered: bool) -> None:
        doc = self.doc
        fence = self.parsed.fences.get(number)
        if fence is not None:
            if rendered and fence.rendered:
                block = self.builder._fence(doc, fence, containers, self.include_at)
                block.skip_comment = self.previous_skip
                doc.blocks.append(block)
                if block.header is not None and block.header.id and self.builder.attr_ids:
                    # '``` { .sh #example }': superfences puts the id on the rendered block.
                    doc.anchors.append(Anchor(block.header.id, block.span, "attr_list"))
            self.previous_skip = False
            return
        raw = self.parsed.html.get(number)
        if raw is None:
            return
        text = raw.text
        if self.inline:
            if raw.node is not None and raw.inner is not None:
                # Parsed as Markdown: what is inside is walked on its own (raw blocks in it
                # have placeholders of their own); here only the tags' lines.
                lines = text.lines()
                for line in (lines[0], lines[-1]) if len(lines) > 1 else lines:
                    self.builder._html(doc, line.s, line.row, None)
            else:
                self.builder._html(doc, text.s, text.row, None)
        if raw.comment:
            self.previous_skip = bool(_SKIP_COMMENT.search(text.s))
            return
        inner = (*containers, "html")
        if raw.node is not None:
            self.node(raw.node, inner, ())
        elif "\x02" in text.s:
            # A fence in a comment inside the raw HTML is rendered into the comment.
            hidden = _inline_comments(text.s, code_spans=False) if "<!--" in text.s else []
            for match in _PLACEHOLDER.finditer(text.s):
                inside = any(begin < match.start() < end for begin, end in hidden)
                self.placeholder(int(match.group(1)), inner, rendered=rendered and not inside)
        self.previous_skip = False

    def _tab(self, node: Node, path: tuple[int, ...]) -> None:
        doc = self.doc
        heading = None
        for number in range(len(self.heading_paths) - 1, -1, -1):
            if path[: len(self.heading_paths[number])] == self.heading_paths[number]:
                heading = number
                break
        start = int(node.meta.get("row", 0))
        line_text = doc.source.lines[start] if start < len(doc.source.lines) else ""
        column = len(line_text) - len(line_text.lstrip())
        title = str(node.meta.get("title") or "")
        span = doc.source.span(start, column)
        index = int(node.meta.get("index", 1))
        doc.tabs.append(Tab(title, span, int(node.meta.get("set", 1)), index, heading))


def _code_spans_masked(text: str) -> str:
    """``text`` with Python-Markdown's code spans (its ``BACKTICK_RE``, taken left to right
    before any other inline pattern) blanked out, and the backticks they leave unpaired too,
    so that markdown-it-py finds links only where Python-Markdown does; offsets are kept."""
    pieces: list[str] = []
    last = pos = 0
    # The pattern can only match at a backslash or a backtick: it is tried there alone (as
    # finditer would find it; its lookbehinds still see the text before), not at every offset.
    search, match_at = _BACKTICK_START.search, _BACKTICK.match
    while (found := search(text, pos)) is not None:
        at = found.start()
        match = match_at(text, at)
        if match is None:
            pos = at + 1
            continue
        pos = match.end()
        if match.group(2) is None:
            continue  # escaped backslashes before a backtick run
        pieces += [text[last:at].replace("`", " "), " " * (pos - at)]
        last = pos
    pieces.append(text[last:].replace("`", " "))
    return "".join(pieces)


def _inline_comments(text: str, *, code_spans: bool = True) -> list[tuple[int, int]]:
    """The (start, end) offsets of the HTML comments Python-Markdown's inline HTML pattern
    finds in ``text``, past its code spans (raw HTML has none: ``code_spans=False``)."""
    masked = text
    if code_spans and "`" in text:
        masked = _BACKTICK.sub(lambda m: " " * (m.end() - m.start()), text)
    return [(m.start(), m.end()) for m in _INLINE_COMMENT.finditer(masked)]


#: The inline tokens :meth:`DocumentBuilder._links` reads.
_INLINE_WANTED = frozenset(("link_open", "image", "html_inline", "footnote_ref"))


class _InlineMapper:
    """Maps an offset in a piece of inline text to a span in the raw file."""

    def __init__(self, source: Source, content: Text) -> None:
        self.source = source
        self.content = content

    def span(self, pos: int | None) -> Span:
        row, column = self.content.position(pos or 0)
        return self.source.span(row, _raw_column(self.source, row, column))


def _raw_column(source: Source, row: int, column: int) -> int:
    """The raw column of ``column`` in line ``row``, where Python-Markdown expanded tabs."""
    lines = source.lines
    raw = lines[row] if row < len(lines) else ""
    if "\t" not in raw:
        return column
    width = 0
    for index, char in enumerate(raw):
        if width >= column:
            return index
        width += 4 - width % 4 if char == "\t" else 1
    return len(raw)


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


def unreadable(rel: str, problem: Finding) -> Finding:  # pragma: no cover - thin helper
    return findings.make(
        problem.rule, rel, problem.line, problem.column, problem.message, hint=problem.hint
    )
