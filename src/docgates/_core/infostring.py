"""Fence headers as pymdownx.superfences (or Python-Markdown's fenced_code) reads them.

A header is what follows the fence characters: a language, then either ``{attribute list}``
or ``key="value"`` options. Whether MkDocs renders the block as code depends on that header:
superfences rejects options it does not know (unless ``relaxed_headers`` is on or a plugin
registers a fence that accepts them) and the block is then rendered as a paragraph of text.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from .lazyre import lazy

# The header grammar of superfences, in three alternatives after the language.
_LANG = lazy(r"[ \t]*\.?(?P<lang>[\w#.+-]+)(?=[\t ]|$)")
_ATTRS = lazy(r"[ \t]*\{(?P<attrs>[^\n]*)\}[ \t]*$")
_OPTIONS = lazy(
    r"""(?:[ \t]*(?P<key>[a-zA-Z][a-zA-Z0-9_-]*)(?:=(?P<q>["'])(?P<value>.*?)(?P=q))?)(?=[\t ]|$)"""
)
_ATTR_ITEM = lazy(
    r"""(?P<key>[^\s=}]+)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s}]+))|(?P<word>[^\s=}]+)"""
)

#: Options the highlight validator of superfences accepts.
HIGHLIGHT_OPTIONS = frozenset({"hl_lines", "linenums", "title", "title_mode"})
#: Options markdown-exec's fences accept (when its plugin is configured).
MARKDOWN_EXEC_OPTIONS = frozenset(
    {
        "exec",
        "html",
        "source",
        "result",
        "tabs",
        "session",
        "update_toc",
        "id",
        "idprefix",
        "returncode",
        "workdir",
        "width",
    }
)


@dataclass(frozen=True)
class FenceHeader:
    """A parsed fence header."""

    raw: str
    lang: str | None = None
    classes: tuple[str, ...] = ()
    id: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    form: str = "plain"
    """``plain`` (language only), ``attrs`` (``{...}``), ``options`` or ``unrecognized``."""

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.options.get(key, default)


def parse_attr_list(text: str) -> tuple[list[str], str | None, dict[str, str]]:
    """``.python .annotate #id key="v" flag`` -> classes, id, options."""
    classes: list[str] = []
    ident: str | None = None
    options: dict[str, str] = {}
    for match in _ATTR_ITEM.finditer(text):
        if match.group("word"):
            word = match.group("word")
            if word.startswith("."):
                classes.append(word[1:])
            elif word.startswith("#"):
                ident = word[1:]
            else:
                options[word] = word
            continue
        value = match.group("dq") if match.group("dq") is not None else match.group("sq")
        if value is None:
            value = match.group("bare") or ""
        options[match.group("key")] = value
    return classes, ident, options


def parse_header(rest: str) -> FenceHeader:
    """Parse what follows the fence characters on the opening line."""
    raw = rest.strip()
    lang = None
    pos = 0
    match = _LANG.match(rest)
    if match:
        lang = match.group("lang")
        pos = match.end()
    tail = rest[pos:]
    if not tail.strip():
        return FenceHeader(raw, lang, form="plain")
    attrs = _ATTRS.match(tail)
    if attrs:
        classes, ident, options = parse_attr_list(attrs.group("attrs"))
        if lang is None and classes:
            lang, classes = classes[0], classes[1:]
        return FenceHeader(raw, lang, tuple(classes), ident, options, form="attrs")
    options = {}
    end = 0
    for opt in _OPTIONS.finditer(tail):
        if opt.start() != end:
            break
        value = opt.group("value")
        options[opt.group("key")] = opt.group("key") if value is None else value
        end = opt.end()
    if tail[end:].strip() == "" and options:
        return FenceHeader(raw, lang, options=options, form="options")
    return FenceHeader(raw, lang, options=_loose_options(tail), form="unrecognized")


def _loose_options(text: str) -> dict[str, str]:
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    options = {}
    for word in words:
        key, _, value = word.partition("=")
        options[key] = value or key
    return options


def rejection(
    header: FenceHeader, *, superfences: bool, relaxed: bool, extra_options: frozenset[str]
) -> str | None:
    """Why MkDocs would not render a fence with this header as code, or ``None``."""
    if header.form == "unrecognized":
        if superfences and relaxed:
            return None
        return f"its header '{header.raw}' is not a language and options that MkDocs understands"
    if header.form == "options":
        accepted = HIGHLIGHT_OPTIONS | extra_options
        if not superfences:
            accepted = frozenset({"hl_lines"})
        unknown = [k for k in header.options if k not in accepted and not k.startswith("data-")]
        if unknown and not relaxed:
            names = ", ".join(f"'{k}'" for k in unknown)
            return f"pymdownx.superfences rejects the option {names} in its header"
    if header.form == "attrs" and not superfences and header.options:
        return "Python-Markdown's fenced_code does not accept options in braces"
    return None
