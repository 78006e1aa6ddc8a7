"""The differential harness: docgates' source model against Python-Markdown, page for page.

The oracle renders a page as MkDocs does (``toc``, ``tables`` and ``fenced_code`` first, then
the configured extensions, plus MkDocs' own raw-HTML and anchor processors) and reads back
what the HTML holds: the code blocks (language from the ``language-*`` class the highlighter
writes), the headings with their ids, and the link and image targets. The source model is
docgates' :class:`~docgates._core.document.DocumentBuilder`. Generated pages put a unique
marker on every code line, heading and link, so a rendered block is mapped back to its source
line by its content.

MkDocs' ``relpath`` tree processor is left out: it only rewrites the ``href`` of links that
were already found (``a.md`` to ``a/``), and the comparison wants the target as written.
"""

from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from docgates._core.anchors import AnchorBuilder
from docgates._core.document import Document, DocumentBuilder
from docgates._core.includes import Expander
from docgates._core.mdconfig import MKDOCS_BUILTIN_EXTENSIONS, build_markdown_options
from docgates._core.parse import ParserSettings

PYTHON = frozenset({"python", "py", "python3", "py3"})
MARKER = re.compile(r"m(\d+)x")

#: The Markdown setups the suite compares under. ``material``: superfences with
#: pymdownx.highlight (Pygments, which names the language only with ``pygments_lang_class``);
#: ``fenced``: Python-Markdown's fenced_code alone, no highlighter (``language-*`` classes).
CONFIGS: dict[str, list[Any]] = {
    "material": [
        "admonition",
        "attr_list",
        "footnotes",
        "pymdownx.details",
        {"pymdownx.highlight": {"pygments_lang_class": True}},
        "pymdownx.superfences",
        {"pymdownx.tabbed": {"alternate_style": True}},
        "pymdownx.blocks.admonition",
        "pymdownx.blocks.details",
        "pymdownx.blocks.tab",
        "pymdownx.blocks.html",
        {"toc": {"permalink": True}},
    ],
    "fenced": ["admonition", "attr_list", "footnotes", "pymdownx.details", "pymdownx.tabbed"],
    # ``<div markdown>`` blocks parsed as Markdown, as sites with md_in_html (or ``extra``) have.
    "html": [
        "admonition",
        "attr_list",
        "md_in_html",
        "pymdownx.details",
        {"pymdownx.highlight": {"pygments_lang_class": True}},
        "pymdownx.superfences",
        {"pymdownx.tabbed": {"alternate_style": True}},
        "pymdownx.blocks.admonition",
    ],
}


@dataclass(frozen=True)
class Outcome:
    """What a page holds, as one side (the renderer or the source model) sees it."""

    code: tuple[tuple[int, str], ...]
    """(1-based first code line, code text) of each Python block."""
    in_code: tuple[int, ...]
    """The markers that sit inside any code block (Python or not, fenced or indented)."""
    headings: tuple[tuple[int, str], ...]
    links: tuple[str, ...]

    def diff(self, other: Outcome) -> list[str]:
        problems = []
        for name in ("code", "in_code", "headings", "links"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine != theirs:
                problems.append(f"{name}:\n  markdown: {theirs!r}\n  docgates: {mine!r}")
        return problems


# -- the oracle -------------------------------------------------------------------------------


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.code: list[tuple[str, str]] = []
        self.headings: list[tuple[int, str]] = []
        self.links: list[str] = []
        self._lang: list[str | None] = []
        self._in_code: str | None = None
        self._text: list[str] = []
        self._skip_a = 0
        self._lineno_depth = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        classes = attr.get("class", "").split()
        lang = next((c[9:] for c in classes if c.startswith("language-")), None)
        self._stack.append(tag)
        self._lang.append(lang)
        if tag in ("td",) and "linenos" in classes:
            self._lineno_depth = len(self._stack)
        if tag == "code" and "pre" in self._stack and not self._lineno_depth:
            found = next((x for x in reversed(self._lang) if x is not None), "?")
            self._in_code, self._text = found, []
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") and "id" in attr:
            self.headings.append((int(tag[1]), attr["id"]))
        elif tag == "a" and "href" in attr and self._in_code is None:
            if not ({"headerlink", "footnote-ref", "footnote-backref"} & set(classes)):
                self.links.append(attr["href"])
        elif tag == "img" and "src" in attr and self._in_code is None:
            self.links.append(attr["src"])
        if tag in ("img", "input", "br", "hr", "meta"):
            self._pop()

    def _pop(self) -> None:
        if self._lineno_depth == len(self._stack):
            self._lineno_depth = 0
        self._stack.pop()
        self._lang.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "code" and self._in_code is not None:
            self.code.append((self._in_code, "".join(self._text)))
            self._in_code = None
        while self._stack:
            top = self._stack[-1]
            self._pop()
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._in_code is not None:
            self._text.append(data)


@lru_cache(maxsize=4)
def _markdown(config: str) -> Any:
    import markdown
    from mkdocs.config.config_options import MarkdownExtensions
    from mkdocs.structure.pages import _ExtractAnchorsTreeprocessor, _RawHTMLPreprocessor

    # MkDocs' own option turns `markdown_extensions` into names and configs (mkdocs/config/
    # defaults.py: builtins toc, tables, fenced_code), and Page.render builds the instance.
    option = MarkdownExtensions(builtins=list(MKDOCS_BUILTIN_EXTENSIONS))
    names = option.validate(copy.deepcopy(CONFIGS[config]))
    md = markdown.Markdown(extensions=names, extension_configs=option.configdata)
    _RawHTMLPreprocessor()._register(md)
    _ExtractAnchorsTreeprocessor(None, None, None)._register(md)  # type: ignore[arg-type]
    return md


def render(text: str, config: str) -> str:
    from mkdocs.utils import meta

    # Page.read_source: MkDocs takes the front matter off before Markdown sees the page.
    markdown, _ = meta.get_data(text)
    return str(_markdown(config).reset().convert(markdown))


def oracle(text: str, config: str, marker_lines: dict[int, int]) -> Outcome:
    reader = _Reader()
    reader.feed(render(text, config))
    reader.close()
    code, in_code = [], []
    for lang, body in reader.code:
        body = html.unescape(body).strip("\n")
        markers = [int(m) for m in MARKER.findall(body)]
        in_code.extend(markers)
        if lang.lower() in PYTHON:
            line = marker_lines.get(markers[0], 0) if markers else 0
            code.append((line, body))
    return Outcome(
        tuple(sorted(code)),
        tuple(sorted(in_code)),
        tuple(reader.headings),
        tuple(sorted(reader.links)),
    )


# -- the source model -------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _builder(config: str) -> tuple[DocumentBuilder, AnchorBuilder]:
    root = Path("/nonexistent-docgates-differential")
    options = build_markdown_options(CONFIGS[config], root)
    settings = ParserSettings.from_options(options, inline=True)
    builder = DocumentBuilder(
        settings,
        Expander(options, root, max_size=0),
        indented_headers=options.indented_headers,
        attr_list=options.attr_list,
    )
    return builder, AnchorBuilder(options)


def model(text: str, config: str) -> tuple[Outcome, Document]:
    builder, anchors = _builder(config)
    doc = builder.build(Path("/nonexistent-docgates-differential/docs/page.md"), "page.md", text)
    code, in_code = [], []
    for block in doc.blocks:
        body = block.text.strip("\n")
        in_code.extend(int(m) for m in MARKER.findall(body))
        if (block.lang or "").lower() in PYTHON:
            # The line the model gives the first marked code line (the oracle reads the
            # generator's record of it): checks the block's line mapping too.
            first = next((c.line for c in block.lines if MARKER.search(c.text)), 0)
            code.append((first, body))
    for text in getattr(doc, "plain_code", ()):
        in_code.extend(int(m) for m in MARKER.findall(text))
    page = anchors.build(doc)
    headings = tuple(
        (heading.level, anchor.id)
        for heading, (anchor, _) in zip(doc.headings, page.headings, strict=True)
    )
    links = tuple(sorted(link.target for link in doc.links if link.kind != "html"))
    return Outcome(tuple(sorted(code)), tuple(sorted(in_code)), headings, links), doc


# -- generated pages --------------------------------------------------------------------------


@dataclass
class Page:
    """A generated page: its text and where each marker sits (marker number -> 1-based line)."""

    lines: list[str] = field(default_factory=list)
    markers: dict[int, int] = field(default_factory=dict)
    constructs: set[str] = field(default_factory=set)
    counter: int = 0
    newline: str = "\n"

    @property
    def text(self) -> str:
        return self.newline.join(self.lines) + self.newline

    def marker(self) -> int:
        self.counter += 1
        return self.counter

    def add(self, line: str, marker: int | None = None) -> None:
        self.lines.append(line)
        if marker is not None:
            self.markers[marker] = len(self.lines)


class RendererFailed(Exception):
    """Python-Markdown itself cannot render the page (MkDocs' build would stop there too)."""


def compare(page: Page, config: str) -> list[str]:
    """The differences between the source model and the renderer on ``page`` (none: agree)."""
    import signal

    def stop(*_: object) -> None:
        raise TimeoutError("Python-Markdown takes more than 10 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(10)
    try:
        theirs = oracle(page.text, config, page.markers)
    except (RuntimeError, TimeoutError, TypeError) as exc:
        # footnotes: "OrderedDict mutated during iteration" or a TypeError on a definition
        # with no text of its own (makeFootnotesDiv); nested /// blocks that
        # Python-Markdown re-parses without end (docgates gives such a page up as well).
        raise RendererFailed(str(exc)) from exc
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    mine, _ = model(page.text, config)
    return mine.diff(theirs)


# -- the generator ----------------------------------------------------------------------------

#: Fence headers users write, each rendered as Python by both fenced_code and superfences
#: unless the comment says otherwise.
INFOS = (
    "python",
    "py",
    "Python",
    "python3",
    " python",
    "{.python}",
    "{ .python .annotate }",
    ".python",
    'python title="a.py"',
    'python hl_lines="1"',
    "text",
    "bash",
    "",
    "pycon",
)
CONTAINERS = (
    "list",
    "list*",
    "list+",
    "olist",
    "admonition",
    "admonition_plain",
    "admonition_empty",
    "admonition_inline",
    "details",
    "details_open",
    "details_plain",
    "tab",
    "tab_select",
    "tab_new",
    "quote",
    "html",
)
#: ``///`` block headers, each with the option lines (indented by four) that follow it.
BLOCKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("/// admonition | Title", ()),
    ("/// details | Summary", ()),
    ("/// tab | Tab", ()),
    ("/// note", ()),
    ("/// details | Open", ("open: true",)),
    ("/// tab | New set", ("new: true",)),
    ("/// admonition | Typed", ("type: warning",)),
    ("/// html | div", ()),
    ("/// html | div.box", ("markdown: block",)),
    ("/// html | section", ("markdown: raw",)),
    ("/// html | p", ()),
)
#: Heading texts beyond the plain one: inline markup the toc strips before slugifying,
#: closing hashes, a repeated text (toc's ``_1`` suffix), attr_list's ``{: #id }`` form.
HEADINGS = ("plain", "code", "emphasis", "link", "closing", "repeat", "attr", "entity", "accent")
#: Link forms beyond ``[text](target)``: images, titles, angle brackets, autolinks, a link
#: inside inline code (not a link), reference images, escaped brackets.
LINKS = ("image", "title", "angle", "autolink", "codespan", "refimage", "escaped", "nested")


def strategies(malformed: bool) -> Any:
    """A Hypothesis strategy of block trees (tuples), nesting every container.

    A tree is a list of ``(gap, node)``: ``gap`` says whether a blank line comes before the
    node (users often write a fence or a nested admonition on the very next line).
    """
    from hypothesis import strategies as st

    fence = st.tuples(
        st.just("fence"),
        st.sampled_from("`~"),
        st.integers(3, 5),
        st.sampled_from(INFOS),
        st.integers(1, 3),  # code lines
        st.booleans(),  # a blank line inside
        st.sampled_from(
            ("ok", "ok", "ok", "unclosed", "closer+1", "closer-1", "long", "info", "tab", "outdent")
            if malformed
            else ("ok",)
        ),
    )
    leaf = st.one_of(
        st.tuples(st.just("para"), st.integers(1, 3), st.booleans(), st.booleans()),
        st.tuples(
            st.just("heading"),
            st.integers(1, 4),
            st.booleans(),  # no space after the hashes (not a heading for CommonMark)
            st.booleans(),  # {#id}
            st.sampled_from(HEADINGS),
        ),
        st.tuples(st.just("links"), st.sampled_from(LINKS)),
        st.tuples(st.just("comment"), st.booleans()),  # an HTML comment, a fence inside
        # A Markdown example: a longer fence holding a ```python fence (text, never code).
        st.tuples(
            st.just("example"),
            st.sampled_from("`~"),
            st.sampled_from(("python", "py", "Python", "md")),
        ),
        st.tuples(st.just("setext"), st.sampled_from("=-")),
        st.tuples(st.just("hr")),
        st.tuples(st.just("reflink"), st.booleans()),
        st.tuples(st.just("footnote"), st.booleans()),
        fence,
        fence,
        st.tuples(st.just("indented"), st.booleans()),
    )
    gap = st.sampled_from((True, True, True, False))

    def extend(children: Any) -> Any:
        many = st.lists(st.tuples(gap, children), min_size=1, max_size=3)
        return st.one_of(
            st.tuples(
                st.sampled_from(CONTAINERS),
                many,
                # 0: one tab (Python-Markdown expands it to the next multiple of four)
                st.sampled_from((4, 4, 2, 3, 0) if not malformed else (4, 2, 3, 5, 1, 0)),
                st.booleans(),  # a blank line after the header / first line
                st.booleans(),  # a second item or sibling of the same kind
                st.booleans() if malformed else st.just(False),  # fence on the marker line
            ),
            st.tuples(st.just("block"), st.sampled_from(BLOCKS), many, st.integers(3, 4)),
        )

    block = st.recursive(leaf, extend, max_leaves=8)
    front = st.sampled_from(((False, ("front",)), (False, ("crlf",)), None, None, None, None))
    return st.tuples(front, st.lists(st.tuples(gap, block), min_size=1, max_size=5)).map(
        lambda pair: [pair[0], *pair[1]] if pair[0] else pair[1]
    )


class Renderer:
    """Writes a block tree as Markdown lines into a :class:`Page`."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.html_prefixes: list[str] = []

    def blank(self, prefix: str) -> None:
        self.page.add(prefix.rstrip())

    def blocks(self, nodes: list[Any], prefix: str) -> None:
        for number, (gap, node) in enumerate(nodes):
            if number and gap:
                self.blank(prefix)
            self.node(node, prefix)

    def node(self, node: Any, prefix: str) -> None:
        kind = node[0]
        page = self.page
        page.constructs.add(kind)
        if kind == "para":
            for line in range(node[1]):
                n = page.marker()
                link = f" see [link {n}](t{n}.md#a)" if node[2] or line == 0 else ""
                lazy = node[3] and line and prefix.strip(" ") == ""
                page.add(f"{'' if lazy else prefix}Text m{n}x{link} more.", n)
        elif kind == "setext":
            n = page.marker()
            page.add(f"{prefix}Setext m{n}x", n)
            page.add(f"{prefix}{node[1] * 5}")
        elif kind == "hr":
            page.add(f"{prefix}* * *")
        elif kind == "reflink":
            n = page.marker()
            page.add(f"{prefix}A [reference m{n}x][ref-{n}] here.", n)
            if node[1]:
                self.blank(prefix)
            page.add(f"{prefix}[ref-{n}]: r{n}.md#b")
        elif kind == "footnote":
            n = page.marker()
            page.add(f"{prefix}Said m{n}x.[^n{n}]", n)
            self.blank(prefix)
            k = page.marker()
            page.add(f"{prefix}[^n{n}]: Note m{k}x with [a link](f{k}.md).", k)
            if node[1]:
                self.blank(prefix)
                j = page.marker()
                page.add(f"{prefix}    More m{j}x in [the note](g{j}.md).", j)
        elif kind == "heading":
            n = page.marker()
            space = "" if node[2] else " "
            attrs = f" {{#id-{n}}}" if node[3] else ""
            style = node[4] if len(node) > 4 else "plain"
            page.constructs.add(f"heading:{style}")
            words = {
                "plain": f"Heading m{n}x",
                "code": f"The `run()` call m{n}x",
                "emphasis": f"*Very* __bold__ m{n}x",
                "link": f"See [the page m{n}x](h{n}.md)",
                "closing": f"Closed m{n}x ##",
                "repeat": "Repeated",
                "attr": f"Braced m{n}x {{: #brace-{n} }}",
                "entity": f"Fish &amp; chips &lt;m{n}x&gt;",
                "accent": f"Café déjà vu m{n}x",
            }[style]
            if style in ("attr", "closing"):
                attrs = ""
            page.add(f"{prefix}{'#' * node[1]}{space}{words}{attrs}", n)
        elif kind == "links":
            self.links(node[1], prefix)
        elif kind == "comment":
            n = page.marker()
            page.add(f"{prefix}<!-- a comment m{n}x", n)
            if node[1]:
                k = page.marker()
                page.add(f"{prefix}```python")
                page.add(f"{prefix}hidden = {k}  # m{k}x", k)
                page.add(f"{prefix}```")
            page.add(f"{prefix}-->")
        elif kind == "crlf":
            page.constructs.add("crlf")
            page.newline = "\r\n"
        elif kind == "example":
            _, char, info = node
            page.constructs.add("example")
            n = page.marker()
            page.add(f"{prefix}{char * 4}{info}")
            page.add(f"{prefix}```python")
            page.add(f"{prefix}example = {n}  # m{n}x", n)
            page.add(f"{prefix}```")
            page.add(f"{prefix}{char * 4}")
        elif kind == "front":
            page.constructs.add("front-matter")
            n = page.marker()
            page.add("---")
            page.add(f"title: Front m{n}x", n)
            page.add("tags: [a, b]")
            page.add("---")
        elif kind == "fence":
            self.fence(node, prefix)
        elif kind == "indented":
            n = page.marker()
            if node[1]:
                page.add(f"{prefix}    #!python")
            page.add(f"{prefix}    y = {n}  # m{n}x", n)
        elif kind == "block":
            self.generic(node, prefix)
        else:
            self.container(node, prefix)

    def links(self, form: str, prefix: str) -> None:
        page = self.page
        n = page.marker()
        page.constructs.add(f"links:{form}")
        text = {
            "image": f"An ![image m{n}x](img{n}.png) here.",
            "title": f'A [titled m{n}x](t{n}.md "The title") link.',
            "angle": f"An [angled m{n}x](<a{n}.md#x>) link.",
            "autolink": f"An autolink m{n}x <https://example.com/{n}>.",
            "codespan": f"Code `[not a link m{n}x](c{n}.md)` here.",
            "refimage": f"A ![ref image m{n}x][img-{n}].",
            "escaped": rf"Not \[a link m{n}x\](e{n}.md) here.",
            "nested": f"A [[nested m{n}x]](n{n}.md) link.",
        }[form]
        page.add(f"{prefix}{text}", n)
        if form == "refimage":
            self.blank(prefix)
            page.add(f"{prefix}[img-{n}]: ri{n}.png")

    def fence(self, node: Any, prefix: str, opener: str | None = None) -> None:
        _, char, length, info, count, blank, fault = node
        page = self.page
        marks = char * length
        page.constructs.add(f"fence:{fault}")
        if opener is None:
            page.add(f"{prefix}{marks}{info}")
        else:
            page.lines[-1] += f"{marks}{info}"
        for index in range(count):
            n = page.marker()
            pad = "    " if index == 1 else ""
            body = f"{pad}v{n} = {n}  # m{n}x"
            if fault == "tab" and index == 0:
                body = "\t" + body
            if fault == "outdent" and index == count - 1 and prefix.strip(" ") == "":
                page.add(f"{prefix[:-2] if len(prefix) >= 2 else ''}{body}", n)
            else:
                page.add(f"{prefix}{body}", n)
            if blank and index == 0:
                self.blank(prefix)
        if fault == "unclosed":
            return
        closer = {
            "closer+1": f" {marks}",
            "closer-1": marks if not prefix.endswith(" ") else None,
            "long": marks + char,
            "info": f"{marks}python",
        }.get(fault, marks)
        if closer is None:
            page.add(f"{prefix[:-1]}{marks}")
        else:
            page.add(f"{prefix}{closer}")

    def container(self, node: Any, prefix: str) -> None:
        kind, children, indent, gap, twice, on_marker = node
        for round_ in range(2 if twice else 1):
            if round_:
                self.blank(prefix)
            self.one_container(kind, children, indent, gap, on_marker, prefix, round_)

    def one_container(
        self,
        kind: str,
        children: list[Any],
        indent: int,
        gap: bool,
        on_marker: bool,
        prefix: str,
        round_: int,
    ) -> None:
        page = self.page
        n = page.marker()
        inner = prefix + (" " * indent if indent else "\t")
        if not indent:
            page.constructs.add("tab-indent")
        if kind == "quote":
            self.blocks(children, prefix + "> ")
            return
        if kind == "html":
            outer = self.html_prefixes[-1] if self.html_prefixes else None
            if outer is not None and len(prefix.expandtabs(4)) >= 4:
                # A known limit (docs/gates/code.md): md_in_html's extractor state decides.
                page.constructs.add("html:nested-indented")
            page.add(f'{prefix}<div markdown="1" class="m{n}x">')
            self.blank(prefix)
            self.html_prefixes.append(prefix)
            self.blocks(children, prefix)
            self.html_prefixes.pop()
            self.blank(prefix)
            page.add(f"{prefix}</div>")
            return
        if kind in ("list", "list*", "list+", "olist"):
            marker = f"{round_ + 1}." if kind == "olist" else (kind[4:] or "-")
            first = children[0][1]
            if on_marker and first[0] == "fence":
                page.constructs.add("fence-on-marker")
                page.add(f"{prefix}{marker} ")
                self.fence(first, inner, opener=marker)
            else:
                page.add(f"{prefix}{marker} Item m{n}x [item {n}](i{n}.md)", n)
                if gap:
                    self.blank(prefix)
                self.node(first, inner)
            if len(children) > 1:
                if children[1][0]:
                    self.blank(prefix)
                self.blocks(children[1:], inner)
            return
        header = {
            "admonition": f'!!! note "Note m{n}x"',
            "details": f"??? tip m{n}x",
            "details_open": f'???+ warning "Open m{n}x"',
            "details_plain": f"???+ note m{n}x",
            "tab": f'=== "Tab m{n}x"',
            "tab_select": f'===+ "Selected m{n}x"',
            "tab_new": f'===! "New set m{n}x"',
            "admonition_plain": "!!! warning",
            "admonition_empty": '!!! danger ""',
            "admonition_inline": f'!!! info inline end "Aside m{n}x"',
        }[kind]
        page.add(f"{prefix}{header}", n)
        if gap:
            self.blank(prefix)
        self.blocks(children, inner)

    def generic(self, node: Any, prefix: str) -> None:
        _, (header, options), children, slashes = node
        page = self.page
        marks = "/" * slashes
        page.add(f"{prefix}{marks}{header[3:]}")
        for option in options:
            page.add(f"{prefix}    {option}")
        self.blank(prefix)
        self.blocks(children, prefix)
        self.blank(prefix)
        page.add(f"{prefix}{marks}")


def write(tree: list[Any]) -> Page:
    page = Page()
    renderer = Renderer(page)
    renderer.blocks(tree, "")
    return page
