"""What a built page holds: its ids, the links it really has, its headings.

The MkDocs plugins read each page's final HTML once. That answers, for every page, whether
anything may be wrong: a link whose URL the site does not serve, an anchor the target lacks, a
heading level skipped. Only the pages where something may be wrong are parsed from source, to
report the problem at its Markdown line with the same rules and messages as the CLI; a clean
page costs one pass over its HTML.

Python-Markdown writes XHTML, so the content is read with expat, ten times faster than
``html.parser``; a page whose raw HTML is not well formed is read with ``html.parser`` instead.
"""

from __future__ import annotations

import posixpath
import xml.parsers.expat
from dataclasses import dataclass, field
from urllib.parse import unquote

from .anchors import IdParser
from .site import Site, is_page
from .urltext import split

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


@dataclass
class BuiltPage:
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    """``href`` of every ``<a>`` and ``src`` of every ``<img>``, as the built page has them."""
    headings: list[tuple[int, str, str]] = field(default_factory=list)
    """``(level, text, id)`` of every heading, in order (permalink anchors left out)."""


class _Collector:
    def __init__(self, page: BuiltPage) -> None:
        self.page = page
        self.heading: tuple[int, list[str], str] | None = None
        self.skip = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        page = self.page
        value = attrs.get("id")
        if value:
            page.ids.add(value)
        if tag == "a":
            if attrs.get("name"):
                page.ids.add(attrs["name"])
            if "href" in attrs:
                page.links.append(attrs["href"])
            if self.heading is not None and "headerlink" in attrs.get("class", ""):
                self.skip += 1
        elif tag == "img" and "src" in attrs:
            page.links.append(attrs["src"])
        elif tag in _HEADINGS:
            self.heading = (_HEADINGS[tag], [], value or "")

    def end(self, tag: str) -> None:
        if tag == "a" and self.skip:
            self.skip -= 1
        elif tag in _HEADINGS and self.heading is not None:
            level, parts, ident = self.heading
            self.page.headings.append((level, " ".join("".join(parts).split()), ident))
            self.heading = None

    def text(self, data: str) -> None:
        if self.heading is not None and not self.skip:
            self.heading[1].append(data)


class _Fallback(IdParser):
    def __init__(self, collector: _Collector) -> None:
        super().__init__()
        self.collector = collector

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.collector.start(tag, {k: v or "" for k, v in attrs})

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.collector.end(tag)

    def handle_endtag(self, tag: str) -> None:
        self.collector.end(tag)

    def handle_data(self, data: str) -> None:
        self.collector.text(data)


def read_built(html: str) -> BuiltPage:
    """The ids, links and headings of a page's HTML (a fragment or a whole page)."""
    page = BuiltPage()
    collector = _Collector(page)
    parser = xml.parsers.expat.ParserCreate()
    parser.UseForeignDTD(True)  # entities such as &nbsp; are not errors
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    parser.CharacterDataHandler = collector.text
    try:
        parser.Parse(f"<root>{html}</root>", True)
        return page
    except xml.parsers.expat.ExpatError:
        page = BuiltPage()
        fallback = _Fallback(_Collector(page))
        fallback.feed(html)
        fallback.close()
        return page


def link_problems(
    uri: str, page: BuiltPage, site: Site, ids: dict[str, set[str]]
) -> tuple[bool, set[str]]:
    """Whether a link of page ``uri`` may be broken, and the pages its anchors point into."""
    base = site.url(uri)
    folder = base[: base.rfind("/") + 1]
    suspect = False
    into: set[str] = set()
    for link in page.links:
        parts = split(link)
        if parts.scheme or parts.netloc:
            continue
        fragment = unquote(parts.fragment)
        if not parts.path:
            if fragment and fragment not in page.ids:
                suspect = True
            continue
        if parts.path.startswith("/"):
            suspect = True  # the CLI's rules decide (site_url, absolute_links)
            continue
        joined = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
        url = "" if joined == "." else joined + ("/" if parts.path.endswith("/") else "")
        target = None if url.startswith("..") else site.by_url(url)
        if target is None:
            suspect = True
        elif fragment and is_page(target):
            into.add(target)
            if fragment not in ids.get(target, set()):
                suspect = True
    return suspect, into


def heading_problems(page: BuiltPage, title: str | None) -> bool:
    """Whether the page's headings may break a structure rule."""
    previous, h1s, seen = 1, 0, set()
    for level, text, ident in page.headings:
        if level > previous + 1:
            return True
        previous = level
        if level == 1:
            h1s += 1
            if title and " ".join(title.split()).casefold() != text.casefold():
                return True
        if ident:
            base = ident.rsplit("_", 1)[0] if ident.rsplit("_", 1)[-1].isdigit() else ident
            if ident in seen or base in seen:
                return True
            seen.add(ident)
    return h1s > 1
