"""The proof against the rendered HTML: the code gate checks exactly the blocks MkDocs built.

docgates finds code blocks with its own parser (see :mod:`..parse`); a build renders them with
Python-Markdown. Where the two disagree, a gate either checks code nobody sees (a fence on a
list-marker line is inline code for Python-Markdown) or misses code everybody sees. Inside a
build the plugins have both, so every build proves it:

- a block docgates found that the page's HTML does not hold as a code block is **dropped**:
  never compiled, never run;
- a block the HTML holds with a Python language that matches no block docgates found is
  ``code/unchecked-block``, at the page line where its code is.

Blocks are matched by their code (the text of the rendered ``<code>``, entities decoded and
highlighting removed, against the block's text), each rendered block at most once. Blocks that
a custom fence turns into something else (markdown-exec's ``exec="on"``) are not code in the
HTML and are kept; code mkdocstrings renders from docstrings is the docstring check's.
"""

from __future__ import annotations

import xml.parsers.expat
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

from .. import findings
from ..document import CodeBlock, Document
from ..findings import Finding, Severity

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_SKIP_CLASSES = frozenset({"linenos", "linenodiv", "lineno", "filename"})
_DOCSTRING_CLASSES = frozenset({"doc-contents", "doc-object", "doc"})
# What mkdocstrings renders around a docstring that is not the docstring: signatures, source.
_CHROME_CLASSES = frozenset({"doc-signature", "mkdocstrings-source"})
_HIGHLIGHT = frozenset({"highlight", "codehilite", "highlighttable", "code"})


@dataclass
class RenderedBlock:
    """A ``<pre>`` code block of a page's HTML."""

    lang: str | None
    text: str
    """The code, normalised (see :func:`normalize`)."""
    end: int
    """Offset in the HTML just after the block's outermost wrapper (where a note may go)."""
    docstring: bool = False
    """Inside what mkdocstrings renders for a ``::: identifier``."""
    chrome: bool = False
    """mkdocstrings' own code there (a signature, the object's source), not a docstring's."""


def normalize(text: str) -> str:
    """Code as compared: trailing spaces and leading/trailing blank lines removed (Pygments
    strips the newlines around the code)."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


class _BlockReader:
    """The ``<pre>`` blocks of a page, from start/end/data events (expat's or html.parser's).

    ``position`` gives the offset in the HTML where the current end tag starts.
    """

    def __init__(self, html: str, position: Callable[[], int]) -> None:
        self.html = html
        self.position = position
        self.stack: list[tuple[str, frozenset[str]]] = []
        self.blocks: list[RenderedBlock] = []
        self.pre_depth: int | None = None
        self.wrapper_depth: int | None = None
        self.skip_depth: int | None = None
        self.parts: list[str] = []
        self.pending: tuple[str | None, str, bool, bool] | None = None
        self.inner_lang: str | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag in _VOID:
            return
        classes = frozenset((attrs.get("class") or "").split())
        self.stack.append((tag, classes))
        depth = len(self.stack)
        if self.skip_depth is None and classes & _SKIP_CLASSES:
            self.skip_depth = depth  # line numbers, titles: not code
        elif self.pre_depth is None and tag == "pre" and self.skip_depth is None:
            self.pre_depth = depth
            self.parts = []
            self.inner_lang = None
            self.wrapper_depth = self._wrapper(depth)
        elif self.pre_depth is not None and self.inner_lang is None:
            self.inner_lang = _language_of(classes)

    def _wrapper(self, depth: int) -> int:
        """The depth of the highlighted block's outermost element (``div.highlight``, the
        line-number table), or of the ``<pre>`` itself."""
        wrapper = depth
        for index in range(depth - 2, -1, -1):
            tag, classes = self.stack[index]
            parent = self.stack[index - 1][1] if index else frozenset()
            highlight = bool(classes & _HIGHLIGHT) or _language_of(classes) is not None
            bare_cell = tag == "div" and not classes and "code" in parent
            cell = tag in ("div", "table", "td") and (highlight or bare_cell)
            if tag in ("tr", "tbody") or cell:
                wrapper = index + 1
            else:
                break
        return wrapper

    def end(self, tag: str) -> None:
        if tag in _VOID or not self.stack:
            return
        stack = self.stack
        if stack[-1][0] == tag and self.pre_depth is None and self.pending is None:
            # The usual case: nothing open to finish here.
            if self.skip_depth is not None and len(stack) <= self.skip_depth:
                self.skip_depth = None
            stack.pop()
            return
        # Close up to the matching open tag (HTML allows unclosed ones).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                break
        else:
            return
        while len(self.stack) > index:
            depth = len(self.stack)
            if self.skip_depth is not None and depth <= self.skip_depth:
                self.skip_depth = None
            if self.pre_depth is not None and depth == self.pre_depth:
                self.pending = (
                    self._language(),
                    "".join(self.parts),
                    self._in_docstring(),
                    self._in(_CHROME_CLASSES),
                )
                self.pre_depth = None
            if self.pending is not None and depth == self.wrapper_depth:
                end = self.html.find(">", self.position()) + 1
                lang, text, docstring, chrome = self.pending
                self.blocks.append(RenderedBlock(lang, normalize(text), end, docstring, chrome))
                self.pending = None
                self.wrapper_depth = None
            self.stack.pop()

    def _language(self) -> str | None:
        if self.inner_lang is not None:
            return self.inner_lang
        for _tag, classes in reversed(self.stack):
            found = _language_of(classes)
            if found is not None:
                return found
        return None

    def _in_docstring(self) -> bool:
        return self._in(_DOCSTRING_CLASSES)

    def _in(self, names: frozenset[str]) -> bool:
        return any(classes & names for _tag, classes in self.stack)

    def data(self, data: str) -> None:
        if self.pre_depth is not None and self.skip_depth is None:
            self.parts.append(data)


class _Fallback(HTMLParser):
    """html.parser's events for a page that is not well-formed XML."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.starts = [0]
        at = html.find("\n")
        while at != -1:
            self.starts.append(at + 1)
            at = html.find("\n", at + 1)
        self.reader = _BlockReader(html, self._here)

    def _here(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.reader.start(tag, {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        self.reader.end(tag)

    def handle_data(self, data: str) -> None:
        self.reader.data(data)


class _Skipped(Exception):
    """An entity expat cannot expand (``&nbsp;``) inside code: html.parser reads the page."""


def _language_of(classes: frozenset[str]) -> str | None:
    for name in classes:
        if name.startswith("language-"):
            return name[len("language-") :]
    return None


def rendered_blocks(html: str) -> list[RenderedBlock]:
    """Every ``<pre>`` block of ``html``, in order.

    Python-Markdown writes XHTML, so the page is read with expat (ten times faster than
    html.parser); a page that is not well-formed XML, or holds an entity expat does not know,
    is read with html.parser instead.
    """
    if "<pre" not in html:
        return []
    wrapped = f"<root>{html}</root>"
    data = wrapped.encode("utf-8")
    parser = xml.parsers.expat.ParserCreate("UTF-8")
    parser.UseForeignDTD(True)

    ascii_only = len(data) == len(wrapped)

    def position() -> int:
        # expat counts bytes of the wrapped text; the reader wants characters of ``html``
        at = parser.CurrentByteIndex
        return (at if ascii_only else len(data[:at].decode("utf-8"))) - len("<root>")

    def skipped(name: str, is_parameter: int) -> None:
        if reader.pre_depth is not None:  # outside code (a permalink's &para;) it is no matter
            raise _Skipped(name)

    reader = _BlockReader(html, position)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.data
    parser.SkippedEntityHandler = skipped
    try:
        parser.Parse(data, True)
    except (xml.parsers.expat.ExpatError, _Skipped):
        fallback = _Fallback(html)
        fallback.feed(html)
        fallback.close()
        return fallback.reader.blocks
    return reader.blocks


@dataclass
class PageProof:
    """What the proof says about one page."""

    kept: list[CodeBlock]
    dropped: list[CodeBlock]
    unchecked: list[RenderedBlock]
    placed: dict[int, int] = field(default_factory=dict)
    """``id(block)`` → offset in the HTML after the rendered block (for the serve error box)."""


def prove(
    blocks: list[CodeBlock],
    html: str,
    python: frozenset[str],
    *,
    languages_visible: bool = True,
    docstrings: bool = False,
    rendered: list[RenderedBlock] | None = None,
) -> PageProof:
    """Match ``blocks`` (docgates' blocks of a page) with the code blocks of its ``html``
    (``rendered``: those blocks, when already read).

    ``python`` holds the languages (lower case) whose rendered blocks must have been checked;
    with ``languages_visible`` false (codehilite writes no language), only the drop half holds.
    ``docstrings``: the docstring check covers blocks mkdocstrings rendered.
    """
    if rendered is None:
        rendered = rendered_blocks(html)
    by_text: dict[str, list[int]] = defaultdict(list)
    for index, shown in enumerate(rendered):
        by_text[shown.text].append(index)
    used: set[int] = set()
    proof = PageProof([], [], [])
    for block in blocks:
        if block.option("exec") not in (None, "0", "false", "off", "no"):
            proof.kept.append(block)  # markdown-exec shows its output, not the code
            continue
        text = normalize(block.text)
        match = next((i for i in by_text.get(text, ()) if i not in used), None)
        if match is None and block.kind == "include":
            match = _contained(text, rendered, used)
        if match is None:
            proof.dropped.append(block)
            continue
        used.add(match)
        proof.kept.append(block)
        proof.placed[id(block)] = rendered[match].end
    if languages_visible:
        for index, shown in enumerate(rendered):
            # code mkdocstrings renders from docstrings is the docstring check's business
            if index in used or shown.docstring or not shown.text:
                continue
            if (shown.lang or "").lower() in python:
                proof.unchecked.append(shown)
    return proof


def _contained(text: str, rendered: list[RenderedBlock], used: set[int]) -> int | None:
    """A rendered block showing some lines of an included file (``{* file ln[3:9] *}``)."""
    for index, block in enumerate(rendered):
        if index not in used and block.text and block.text in text:
            return index
    return None


def unchecked_finding(doc: Document, block: RenderedBlock) -> Finding:
    """``code/unchecked-block`` at the page line where the rendered code starts (info on a
    page whose markdown-exec blocks render output docgates cannot see)."""
    first = next((line for line in block.text.split("\n") if line.strip()), "")
    span = None
    wanted = first.strip()
    for index, line in enumerate(doc.source.lines):
        if line.strip() == wanted:
            span = doc.source.span(index, len(line) - len(line.lstrip()))
            break
    shown = first.strip() if len(first.strip()) <= 60 else first.strip()[:57] + "..."
    lang = block.lang or "python"
    message = f"MkDocs rendered a '{lang}' block that docgates did not check: '{shown}'"
    executed = span is None and any(
        b.option("exec") not in (None, "0", "false", "off", "no") for b in doc.blocks
    )
    if executed:
        return findings.make(
            "code/unchecked-block",
            doc.rel,
            None,
            None,
            f"{message}; no line of the page holds it, so it is the output of one of the "
            "page's markdown-exec blocks",
            severity=Severity.INFO,
        )
    return findings.make(
        "code/unchecked-block",
        span.path if span is not None else doc.rel,
        span.line if span is not None else None,
        span.column if span is not None else None,
        message,
        hint="docgates' reading of the Markdown differs from Python-Markdown's here; "
        "please report it, or mark the block to skip it.",
    )


def without(doc: Document, dropped: list[CodeBlock]) -> Document:
    """``doc`` minus the blocks the build did not render (a copy: the parsed page is cached)."""
    if not dropped:
        return doc
    gone = {id(b) for b in dropped}
    return replace(doc, blocks=[b for b in doc.blocks if id(b) not in gone])


class Proof:
    """The proof for one run of the code gate over built pages (the MkDocs plugins pass it in
    ``extras["proof"]``): which blocks each page keeps, and what the build rendered unchecked."""

    def __init__(
        self,
        html: dict[str, str],
        python: frozenset[str],
        *,
        languages_visible: bool = True,
        docstrings: bool = False,
    ) -> None:
        self.html = html
        """Each built page's rendered content, by project-relative path."""
        self.python = python
        self.languages_visible = languages_visible
        self.docstrings = docstrings
        self.pages: dict[str, tuple[Document, PageProof]] = {}
        self._rendered: dict[str, list[RenderedBlock]] = {}

    def rendered(self, rel: str) -> list[RenderedBlock]:
        """The code blocks of page ``rel``'s HTML, read once for every check that needs them
        (the proof, the docstring check); do not change them."""
        found = self._rendered.get(rel)
        if found is None:
            html = self.html.get(rel)
            found = self._rendered[rel] = rendered_blocks(html) if html is not None else []
        return found

    def apply(self, doc: Document) -> Document:
        """``doc`` as the build rendered it: the blocks the HTML does not hold are dropped."""
        html = self.html.get(doc.rel)
        if html is None:
            return doc
        known = self.pages.get(doc.rel)
        if known is not None and known[0] is doc:
            return without(doc, known[1].dropped)
        result = prove(
            doc.blocks,
            html,
            self.python,
            languages_visible=self.languages_visible,
            docstrings=self.docstrings,
            rendered=self.rendered(doc.rel),
        )
        self.pages[doc.rel] = (doc, result)
        return without(doc, result.dropped)

    def findings(self) -> list[Finding]:
        return [
            unchecked_finding(doc, block)
            for doc, result in self.pages.values()
            for block in result.unchecked
        ]
