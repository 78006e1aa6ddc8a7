"""Explain a missing anchor: which slug rule made the id the link expected, and which one this
site uses. Most broken anchors in real docs come from a slug rule, not from a typo."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection

from .anchors import (
    AnchorBuilder,
    PageAnchors,
    github_slug,
    plain_text,
    pymdownx_slugify,
    toc_slugify,
)

_GITHUB_SUFFIX = re.compile(r"^(.+)-([0-9]+)$")


def _rules(separator: str) -> list[tuple[str, Callable[[str], str]]]:
    return [
        ("Python-Markdown's default slugify", lambda t: toc_slugify(t, separator)),
        ("slugify_unicode", lambda t: toc_slugify(t, separator, unicode=True)),
        (
            "pymdownx.slugs.slugify(case='lower')",
            lambda t: pymdownx_slugify(t, separator, case="lower"),
        ),
        ("pymdownx.slugs.slugify()", lambda t: pymdownx_slugify(t, separator)),
        ("GitHub", github_slug),
    ]


def diagnose(
    fragment: str,
    source: PageAnchors | None,
    ids: Collection[str],
    builder: AnchorBuilder,
) -> str | None:
    """A hint for ``#fragment`` missing from a page with ``ids`` (and ``source`` headings)."""
    label = builder.slug.label
    if source is not None:
        for anchor, _base in source.headings:
            if anchor.id not in ids:
                continue
            text = plain_text(anchor.text, emoji=builder.emoji)
            for rule, make in _rules(builder.slug.separator):
                if make(text) == fragment and fragment != anchor.id:
                    return (
                        f"Did you mean '#{anchor.id}'? The heading '{anchor.text}' gets "
                        f"'#{anchor.id}' from this site's toc.slugify ({label}); "
                        f"'#{fragment}' is what {rule} makes of it."
                    )
    match = _GITHUB_SUFFIX.match(fragment)
    if match:
        ours = f"{match.group(1)}_{match.group(2)}"
        if ours in ids:
            return (
                f"Did you mean '#{ours}'? '#{fragment}' is GitHub's suffix for a repeated "
                f"heading; MkDocs makes '#{ours}'."
            )
    lowered = [i for i in ids if i.lower() == fragment.lower()]
    if lowered:
        return f"Did you mean '#{lowered[0]}'? Anchors are case-sensitive."
    close = difflib.get_close_matches(fragment, sorted(ids), n=1, cutoff=0.7)
    if close:
        return f"Did you mean '#{close[0]}'?"
    return None
