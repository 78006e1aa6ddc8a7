"""What the rendered pages share: URLs between site files, HTML helpers, the "no data" notes."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import datetime

from ..config import StatusSettings
from . import safe

ASSET_JS = "docgates-status.js"
ASSET_CSS = "docgates-status.css"


def page_url(src_uri: str, use_directory_urls: bool) -> str:
    """The site URL (relative to the site root) MkDocs gives the page ``src_uri``."""
    stem = src_uri[: -len(posixpath.splitext(src_uri)[1])] if "." in src_uri else src_uri
    if not use_directory_urls:
        return stem + ".html"
    if posixpath.basename(stem) in ("index", "README"):
        folder = posixpath.dirname(stem)
        return f"{folder}/" if folder else ""
    return stem + "/"


@dataclass
class PageContext:
    settings: StatusSettings
    src_uri: str
    use_directory_urls: bool = True

    def link(self, site_path: str) -> str:
        """A relative URL from this page to ``site_path`` (a file in the site)."""
        here = page_url(self.src_uri, self.use_directory_urls)
        base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
        return posixpath.relpath(site_path, base.rstrip("/") or ".")

    def asset(self, name: str) -> str:
        return self.link(posixpath.join(self.settings.output_dir, name))

    def page(self, other_src: str) -> str:
        """A Markdown link target from this page to another page (MkDocs resolves it)."""
        return posixpath.relpath(other_src, posixpath.dirname(self.src_uri) or ".")


def time_tag(moment: datetime, text: str) -> str:
    stamp = moment.isoformat(timespec="seconds")
    return f'<time datetime="{safe.text(stamp)}">{safe.text(text)}</time>'


def utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def table(headers: list[str], rows: list[list[str]], *, classes: str = "") -> str:
    """An HTML table; ``headers`` are plain text, cells are already-safe HTML.

    Its class keeps Material's own table styles (and their ``min-width`` per heading) off: the
    status pages' tables are styled by ``docgates-status.css`` to fit the content column."""
    head = "".join(f"<th>{safe.text(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    names = " ".join(["dg-table", *classes.split()])
    return f'<table class="{names}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def block(html: str) -> str:
    """Raw HTML as a Markdown block: a ``div`` alone on its lines, blank lines around it."""
    return f'\n<div class="dg-block" markdown="0">\n{html}\n</div>\n'


def note(text: str, command: str | None = None) -> str:
    """A "no data yet" note, with the command that fills the section."""
    html = f'<p class="dg-empty">{safe.text(text)}'
    if command:
        html += f" Run <code>{safe.text(command)}</code>, then build again."
    return html + "</p>"


def junit_hint(settings: StatusSettings) -> tuple[str, str | None]:
    if not settings.junit:
        return (
            "No test report configured: set the status gate's junit option to your test "
            "runner's JUnit XML files.",
            None,
        )
    target = settings.junit[0].replace("*", "")
    return (
        f"No JUnit report matches {', '.join(settings.junit)} yet.",
        f"pytest --junitxml={target}",
    )


def coverage_hint(settings: StatusSettings) -> tuple[str, str | None]:
    path = settings.coverage
    if not path:
        return (
            "No coverage data configured: set the status gate's coverage option to a "
            "coverage.json, coverage.xml or .coverage file.",
            None,
        )
    if path.endswith(".json"):
        command = f"pytest --cov --cov-report=json:{path}"
    elif path.endswith(".xml"):
        command = f"pytest --cov --cov-report=xml:{path}"
    else:
        command = "coverage run -m pytest"
    return f"No coverage data at {path} yet.", command


STATE_WORDS = {
    "passing": ("✓", "Passing"),
    "failing": ("✗", "Failing"),
    "unknown": ("?", "No data yet"),
}


def state_badge(state: str) -> str:
    glyph, word = STATE_WORDS[state]
    return (
        f'<span class="dg-state dg-state-{state}"><span class="dg-glyph" aria-hidden="true">'
        f"{safe.text(glyph)}</span> {safe.text(word)}</span>"
    )
