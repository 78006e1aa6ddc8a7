"""Heading ids and every other anchor of a page, made the way the site's Markdown makes them.

MkDocs pages get their heading ids from Python-Markdown's ``toc`` extension: the heading's text
(inline Markdown rendered, tags stripped, entities decoded) goes through the ``slugify`` function
named in ``toc.slugify`` and ``unique()`` appends ``_1``, ``_2``... to repeats. Ids set with
``{#id}`` (attr_list) are kept as written and reserve their id first. ``pymdownx.tabbed`` with a
``slugify`` gives each tab an id (prefixed with its heading's id under ``combine_header_slug``),
footnotes get ``fn:``/``fnref:`` ids, and raw HTML keeps its ``id``/``name`` attributes.

The slug functions are re-implemented here (the project's config names them with
``!!python/name:`` tags that docgates reads without importing); tests compare them with the real
functions of Python-Markdown and pymdown-extensions.
"""

from __future__ import annotations

import html
import html.parser as _html_parser
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from markdown_it import MarkdownIt

from .mdconfig import MarkdownOptions, SlugifySpec
from .source import Span
from .yamlload import PythonTag

Slugify = Callable[[str, str], str]

_DEFAULT_NAMES = ("default", "markdown.extensions.toc.slugify", "toc.slugify")
_UNICODE_NAMES = ("markdown.extensions.toc.slugify_unicode", "toc.slugify_unicode")
_IDCOUNT = re.compile(r"^(.*)_([0-9]+)$")
_PM_TAGS = re.compile(r"</?[^>]*>")
_PM_INVALID = re.compile(r"[^\w\- ]")
_ASCII_UPPER = re.compile(r"[A-Z]")
_EMOJI = re.compile(r":[a-z0-9_+-]+:")


# -- slug functions ---------------------------------------------------------------------------


def toc_slugify(value: str, separator: str, unicode: bool = False) -> str:
    """Python-Markdown's ``toc.slugify`` (``slugify_unicode`` with ``unicode=True``)."""
    if not unicode:
        value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(rf"[{separator}\s]+", separator, value)


def pymdownx_slugify(
    value: str,
    separator: str,
    *,
    case: str = "none",
    percent_encode: bool = False,
    normalize: str = "NFC",
) -> str:
    """``pymdownx.slugs.slugify(case=..., percent_encode=..., normalize=...)``."""
    slug = _PM_TAGS.sub("", unicodedata.normalize(normalize, value)).strip()  # type: ignore[arg-type]
    if case == "lower":
        slug = slug.lower()
    elif case == "lower-ascii":
        slug = _ASCII_UPPER.sub(lambda m: m.group(0).lower(), slug)
    elif case == "fold":
        slug = slug.casefold()
    slug = _PM_INVALID.sub("", slug).replace(" ", separator)
    return quote(slug.encode("utf-8")) if percent_encode else slug


#: The legacy functions of pymdownx.slugs (before its configurable ``slugify``), as options.
_PYMDOWNX_LEGACY: dict[str, dict[str, Any]] = {
    "uslugify": {"case": "lower"},
    "uslugify_encoded": {"case": "lower", "percent_encode": True},
    "uslugify_cased": {},
    "uslugify_cased_encoded": {"percent_encode": True},
    "gfm": {"case": "lower-ascii"},
    "gfm_encoded": {"case": "lower-ascii", "percent_encode": True},
}


def github_slug(text: str) -> str:
    """The id GitHub gives a heading (without its ``user-content-`` prefix)."""
    slug = text.strip().lower()
    slug = "".join(ch for ch in slug if ch.isalnum() or ch in " -_")
    return slug.replace(" ", "-")


@dataclass(frozen=True)
class Slugger:
    """A slug function resolved from a :class:`SlugifySpec`, with the name to show users."""

    label: str
    function: Slugify
    separator: str
    known: bool = True
    """False when the config names a function docgates does not know (the default is used)."""

    def __call__(self, text: str) -> str:
        return self.function(text, self.separator)


def slugger(spec: SlugifySpec) -> Slugger:
    """The slug function that ``spec`` (from ``toc.slugify``) names."""
    name, kwds, sep = spec.name, dict(spec.kwds), spec.separator
    if name in _DEFAULT_NAMES:
        return Slugger("Python-Markdown's default slugify", toc_slugify, sep)
    if name in _UNICODE_NAMES:
        return Slugger("slugify_unicode", lambda v, s: toc_slugify(v, s, unicode=True), sep)
    module, _, func = name.rpartition(".")
    if module == "pymdownx.slugs":
        if func == "slugify":
            opts = {k: kwds[k] for k in ("case", "percent_encode", "normalize") if k in kwds}
            shown = ", ".join(f"{k}={v!r}" for k, v in opts.items())
            return Slugger(
                f"pymdownx.slugs.slugify({shown})",
                lambda v, s: pymdownx_slugify(v, s, **opts),
                sep,
            )
        if func in _PYMDOWNX_LEGACY:
            legacy = _PYMDOWNX_LEGACY[func]
            return Slugger(
                f"pymdownx.slugs.{func}", lambda v, s: pymdownx_slugify(v, s, **legacy), sep
            )
    return Slugger(name, toc_slugify, sep, known=False)


def spec_from_value(value: Any, separator: Any = "-") -> SlugifySpec | None:
    """A :class:`SlugifySpec` from a ``slugify`` option as the config loader keeps it."""
    sep = str(separator if separator is not None else "-")
    if isinstance(value, PythonTag):
        return SlugifySpec(value.name, dict(value.kwds), sep)
    if isinstance(value, str) and value:
        return SlugifySpec(value, {}, sep)
    return None


def unique(candidate: str, used: set[str]) -> str:
    """Python-Markdown's ``toc.unique``: append ``_1``, ``_2``... until the id is free."""
    if candidate in used or not candidate:
        match = _IDCOUNT.match(candidate)
        base, count = (match.group(1), int(match.group(2))) if match else (candidate, 0)
        count += 1
        while f"{base}_{count}" in used:
            count += 1
        candidate = f"{base}_{count}"
    used.add(candidate)
    return candidate


# -- heading text -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _inline_parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True})


def plain_text(markdown: str, *, emoji: bool = False) -> str:
    """What ``toc`` slugifies: the heading's inline Markdown rendered, tags stripped."""
    return _plain_text(markdown, emoji)


_MARKUP = re.compile(r"[\\`*_\[\]!<&\n\r]")


@lru_cache(maxsize=4096)  # headings repeat across a site ('Examples', 'Options', ...)
def _plain_text(markdown: str, emoji: bool) -> str:
    if emoji:
        markdown = _EMOJI.sub("", markdown)
    if not _MARKUP.search(markdown):
        # No character an inline rule of CommonMark starts at: one text token, as it is.
        return " ".join(markdown.split())
    return _parsed_plain_text(markdown)


def _parsed_plain_text(markdown: str) -> str:
    tokens = _inline_parser().parseInline(markdown)
    parts: list[str] = []
    for token in tokens:
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return " ".join(html.unescape("".join(parts)).split())


# -- the anchors of one page ------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """An id a page defines, where it is written, and what made it."""

    id: str
    span: Span | None
    source: str
    """``heading``, ``attr_list``, ``html``, ``autorefs``, ``tab`` or ``footnote``."""
    text: str = ""
    """For headings and tabs: the text the id was made from."""


@dataclass
class PageAnchors:
    """Every id of one page, in the order the page defines them."""

    ids: dict[str, Anchor] = field(default_factory=dict)
    headings: list[tuple[Anchor, str]] = field(default_factory=list)
    """Each heading's anchor and the slug it had before ``_1`` de-duplication."""
    rendered: bool = False
    """True when the ids come from rendered HTML rather than docgates' own rules."""

    def __contains__(self, anchor: str) -> bool:
        return anchor in self.ids

    def add(self, anchor: Anchor) -> None:
        self.ids.setdefault(anchor.id, anchor)


@dataclass(frozen=True)
class TabbedOptions:
    slugger: Slugger | None
    combine: bool


def tabbed_options(options: MarkdownOptions) -> TabbedOptions:
    opts = options.extensions.get("pymdownx.tabbed")
    if opts is None:
        return TabbedOptions(None, False)
    spec = spec_from_value(opts.get("slugify"), opts.get("separator", "-"))
    return TabbedOptions(
        slugger(spec) if spec else None, bool(opts.get("combine_header_slug", False))
    )


class AnchorBuilder:
    """Computes a page's ids from its parsed :class:`~.document.Document`.

    This follows the order Python-Markdown works in: attr_list ids first, then ``toc`` gives
    each heading a unique slug, then ``pymdownx.tabbed`` slugs its tabs; raw HTML ids, footnote
    ids and autorefs anchors are added last.
    """

    def __init__(self, options: MarkdownOptions) -> None:
        self.options = options
        self.slug = slugger(options.slugify)
        self.tabbed = tabbed_options(options)
        self.emoji = "pymdownx.emoji" in options.extensions
        self._built: dict[int, tuple[Any, PageAnchors]] = {}
        self._slugs: dict[str, str] = {}

    def heading_slug(self, text: str) -> str:
        slug = self._slugs.get(text)
        if slug is None:
            slug = self._slugs[text] = self.slug(plain_text(text, emoji=self.emoji))
        return slug

    def build(self, doc: Any) -> PageAnchors:
        """The ids of ``doc``, computed once per document (the links and structure gates both
        ask for them)."""
        built = self._built.get(id(doc))
        if built is not None and built[0] is doc:
            return built[1]
        page = self._build(doc)
        self._built[id(doc)] = (doc, page)
        return page

    def _build(self, doc: Any) -> PageAnchors:
        page = PageAnchors()
        used: set[str] = set()
        for heading in doc.headings:
            if heading.explicit_id:
                used.add(heading.explicit_id)
        for anchor in doc.anchors:
            if anchor.source == "attr_list":
                used.add(anchor.id)
        heading_ids: list[str] = []
        for heading in doc.headings:
            base = heading.explicit_id or self.heading_slug(heading.text)
            made = base if heading.explicit_id else unique(base, used)
            anchor = Anchor(made, heading.span, "heading", heading.text)
            page.add(anchor)
            page.headings.append((anchor, base))
            heading_ids.append(made)
        if self.tabbed.slugger is not None:
            for tab in doc.tabs:
                slug = self.tabbed.slugger(plain_text(tab.title, emoji=self.emoji))
                if self.tabbed.combine and tab.heading is not None:
                    parent = heading_ids[tab.heading]
                    slug = f"{parent}{self.tabbed.slugger.separator}{slug}"
                page.add(Anchor(unique(slug, used), tab.span, "tab", tab.title))
        else:
            for tab in doc.tabs:
                page.add(Anchor(f"__tabbed_{tab.set}_{tab.index}", tab.span, "tab", tab.title))
        for anchor in doc.anchors:
            page.add(anchor)
        return page


def shared_builder(extras: dict[str, Any], options: MarkdownOptions) -> AnchorBuilder:
    """The run's one :class:`AnchorBuilder` (kept in a run's ``extras``), so that each page's
    ids are computed once for every gate that needs them."""
    builder = extras.get("anchor_builder")
    if not isinstance(builder, AnchorBuilder) or builder.options is not options:
        builder = extras["anchor_builder"] = AnchorBuilder(options)
    return builder


def ids_in_html(text: str) -> set[str]:
    """Every ``id`` (and ``<a name>``) in an HTML document or fragment."""
    parser = IdParser()
    parser.feed(text)
    parser.close()
    return parser.ids


def html_attributes(text: str) -> Iterable[tuple[str, str, str, int, int]]:
    """``(tag, attribute, value, line, column)`` for id/name/href/src attributes in ``text``.

    ``line`` is 0-based within ``text``, ``column`` the 0-based column of the tag.
    """
    parser = _AttrParser()
    parser.feed(text)
    parser.close()
    return parser.found


class IdParser(_html_parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.ids.add(value)

    handle_startendtag = handle_starttag


_ATTRS = {"id", "name", "href", "src"}


class _AttrParser(_html_parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str, int, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, column = self.getpos()
        for key, value in attrs:
            if value is not None and key in _ATTRS:
                if key == "name" and tag != "a":
                    continue
                self.found.append((tag, key, value, line - 1, column))

    handle_startendtag = handle_starttag
