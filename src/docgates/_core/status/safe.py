"""Put untrusted text (test names, failure messages, commit titles) on a generated page safely.

The pages are Markdown that MkDocs (or Zensical) renders with the site's own extensions, and
some of those read the Markdown before any HTML is set aside: ``pymdownx.snippets`` would
include a file named by a ``--8<--`` line, mkdocs-macros would run ``{{ ... }}`` as Jinja, and
Markdown itself would turn ``*`` or ``[x](y)`` into markup. So untrusted text is written with
every character that is not a letter, a digit or a space as a numeric character reference:
the browser shows the exact text, and no Markdown processor or HTML parser sees syntax in it.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

PASS = frozenset(" ")
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Bidirectional overrides: they can make a name read backwards (Trojan Source)."""


def text(value: object, limit: int | None = None, *, length: int | None = None) -> str:
    """``value`` as inert HTML text (for element content and attribute values alike).

    Past ``limit`` characters it is cut, with a note of its whole ``length`` (by default, its
    length here: pass the original's when ``value`` was cut before).
    """
    raw = clean(str(value))
    whole = max(length or 0, len(raw))
    suffix = ""
    if limit is not None and whole > limit:
        suffix = f" … (truncated: {whole:,} characters in all)"
        raw = raw[:limit]
    return "".join(_char(c) for c in raw) + _plain(suffix)


def _plain(value: str) -> str:
    return "".join(_char(c) for c in value)


def _char(c: str) -> str:
    if c.isalnum() and c.isascii():
        return c
    if c in PASS:
        return c
    if c == "\n":
        return "&#10;"
    return f"&#{ord(c)};"


def clean(value: str) -> str:
    """Drop control characters (other than newline and tab) and lone surrogates."""
    out = []
    for c in value:
        if c in "\n\t":
            out.append(c)
        elif c in BIDI or unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn"):
            continue
        else:
            out.append(c)
    return "".join(out).replace("\t", "    ")


def truncate(value: str, limit: int, *, length: int | None = None) -> str:
    """Plain-text truncation with the same note :func:`text` adds (for JSON and summaries)."""
    whole = max(length or 0, len(value))
    if whole <= limit:
        return value
    return value[:limit] + f" … (truncated: {whole:,} characters in all)"


def url(value: object) -> str | None:
    """An ``http(s)`` URL as a safe attribute value, or ``None`` for anything else."""
    raw = clean(str(value or "")).strip()
    try:
        parts = urlsplit(raw)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return text(raw)


def md_cell(value: object, limit: int | None = None) -> str:
    """Text for a GitHub-flavoured Markdown table cell or line (job summaries): inert there too."""
    return text(value, limit).replace("&#10;", " ")
