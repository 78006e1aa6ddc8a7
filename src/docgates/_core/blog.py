"""The URLs Material's blog plugin gives its posts, worked out from its settings.

A post ``blog/posts/hello.md`` is not served at ``blog/posts/hello/``: the plugin builds it at
``{blog_dir}/{post_url_format}``, by default ``blog/2024/01/31/hello-world/`` (the date from the
front matter, the slug from ``slug`` or the title). MkDocs rewrites Markdown links for the move,
but a relative path in raw HTML (``<img src="../img/a.png">``) is resolved by the browser against
the post's URL, so docgates must know it. Nothing is rendered: the title is the front matter's
``title`` or the post's first H1, slugged with ``post_slugify`` as the plugin does.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Iterable
from typing import Any

from .anchors import slugger, spec_from_value
from .document import split_front_matter
from .errors import ConfigError
from .mdconfig import SlugifySpec
from .project import Project
from .site import BLOG_PLUGINS, page_url
from .source import read_text
from .yamlload import load_yaml

_TOKENS = re.compile(r"yyyy|yy|MMMM|MMM|MM|M|dd|d|'[^']*'")
_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
]  # fmt: skip


def format_date(date: dt.date, pattern: str) -> str:
    """A date in a Babel/LDML pattern (``yyyy/MM/dd``), for the English locale's numbers."""

    def token(match: re.Match[str]) -> str:
        text = match.group(0)
        if text.startswith("'"):
            return text[1:-1]
        return {
            "yyyy": f"{date.year:04d}",
            "yy": f"{date.year % 100:02d}",
            "MMMM": _MONTHS[date.month - 1],
            "MMM": _MONTHS[date.month - 1][:3],
            "MM": f"{date.month:02d}",
            "M": str(date.month),
            "dd": f"{date.day:02d}",
            "d": str(date.day),
        }[text]

    return _TOKENS.sub(token, pattern)


def _created(value: Any) -> dt.date | None:
    if isinstance(value, dict):
        value = value.get("created")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return None
    return None


def post_urls(project: Project, pages: Iterable[str]) -> dict[str, str]:
    """The URL (relative to the site root) of each blog post among ``pages``."""
    entry = next((project.plugin(n) for n in BLOG_PLUGINS if project.plugin(n)), None)
    if entry is None or entry.options.get("enabled") is False:
        return {}
    options = entry.options
    blog_dir = str(options.get("blog_dir", "blog")).strip("/")
    blog_dir = "" if blog_dir == "." else blog_dir
    post_dir = str(options.get("post_dir", "{blog}/posts")).format(blog=blog_dir or ".")
    post_dir = posixpath.normpath(post_dir).strip("/")
    prefix = "" if post_dir == "." else f"{post_dir}/"
    url_format = str(options.get("post_url_format", "{date}/{slug}"))
    date_format = str(options.get("post_url_date_format", "yyyy/MM/dd"))
    most = int(options.get("post_url_max_categories", 1) or 0)
    separator = str(options.get("post_slugify_separator", "-"))
    spec = spec_from_value(options.get("post_slugify"), separator) or SlugifySpec(
        "pymdownx.slugs.slugify",
        {"case": "lower"},
        separator,  # the plugin's default
    )
    slug = slugger(spec)
    category_spec = spec_from_value(
        options.get("categories_slugify"), options.get("categories_slugify_separator", "-")
    )
    category_slug = slugger(category_spec) if category_spec else slug
    urls: dict[str, str] = {}
    for uri in pages:
        if not uri.startswith(prefix) or not uri.endswith(".md"):
            continue
        path = project.docs_dir / uri
        text, problem = read_text(path, uri)
        if text is None or problem is not None:
            continue
        meta = _front_matter(text)
        date = _created(meta.get("date"))
        if date is None:
            continue  # the plugin refuses a post without a date; MkDocs then fails
        title = str(meta.get("title") or "")
        if not title:
            heading = _H1.search(text)
            title = heading.group(1) if heading else ""
        categories = [str(c) for c in meta.get("categories") or []][:most]
        formatted = url_format.format(
            categories="/".join(category_slug(c) for c in categories),
            date=format_date(date, date_format),
            file=posixpath.splitext(posixpath.basename(uri))[0],
            slug=str(meta.get("slug") or slug(title)),
        )
        formatted = posixpath.normpath(formatted.strip("/"))
        source = posixpath.join(blog_dir, f"{formatted}.md") if blog_dir else f"{formatted}.md"
        urls[uri] = page_url(source, project.use_directory_urls)
    return urls


def _front_matter(text: str) -> dict[str, Any]:
    _, block = split_front_matter(text)
    if not block:
        return {}
    try:
        # Bounded, as the page's own reading is: a post's alias bomb is not expanded here.
        data = load_yaml(block, "front matter").data
    except ConfigError:
        return {}
    return data if isinstance(data, dict) else {}
