"""The inline parser's shortcuts change no token: links, labels, code spans and raw HTML come
out as markdown-it's stock rules make them."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
from markdown_it.rules_inline import text as stock_text
from markdown_it.token import Token

from docgates._core.parse import ParserSettings, make_parser

BASE: dict[str, Any] = {
    "superfences": True,
    "fenced_code": True,
    "relaxed_headers": False,
    "exec_options": False,
    "admonition": True,
    "details": True,
    "tabbed": True,
    "blocks": frozenset(),
    "block_types": frozenset(),
    "tables": True,
    "footnotes": True,
    "def_list": True,
    "math": True,
    "inline": True,
}
PIECES = [
    *"[]()!<>`\\&$^*_#:-=~{}@% \n\tabcé;/.\"'",
    "&amp;",
    "&#91;",
    "<a href='x'>",
    "</a>",
    "[^1]",
    "^[x]",
    "](",
    "<http://x.y>",
    "``",
    "$$",
    "[x]",
    "  \n",
    "](a(b)c",
    "](<a b>",
    "](a\\ b)",
    "](a\\(b)",
    "](\x01)",
    "](a\x7fb)",
    "](" + "(" * 33,
    "](x 'title')",
    '](x "t")',
]
CASES = [
    "See [the guide](guide.md#install) and ![logo](img/logo.png), <https://example.com>.",
    "`[not a link](x.md)` but [a link](y.md) and \\[escaped](z.md)",
    "[outer ![inner](a.png) text](b.md){#id} and [ref][X] and [X]",
    "A footnote[^1] and an inline one^[with [a link](c.md)], $[math](d.md)$ and <b>raw</b>",
    "[label with `code]` inside](e.md) [unclosed [nested](f.md)",
    "*emphasis [link](g.md)* __strong__ line  \nbreak &lt;not html&gt;",
]


def dump(tokens: list[Token]) -> list[Any]:
    return [
        (
            t.type,
            t.tag,
            t.nesting,
            t.content,
            t.markup,
            t.info,
            sorted((t.attrs or {}).items()),
            repr(t.meta),
            t.level,
            dump(t.children or []),
        )
        for t in tokens
    ]


def strings() -> list[str]:
    rng = random.Random(13)
    made = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    return CASES + made


@pytest.mark.parametrize("plugins", [True, False], ids=["footnotes+math", "plain"])
def test_the_shortcuts_make_the_stock_rules_tokens(plugins: bool) -> None:
    settings = ParserSettings(**{**BASE, "footnotes": plugins, "math": plugins})
    fast_md = make_parser(settings)
    stock_md = make_parser(settings, shortcuts=False)
    ruler = fast_md.inline.ruler
    assert ruler.__rules__[ruler.__find__("text")].fn is not stock_text  # in use
    assert fast_md.helpers.parseLinkDestination is not stock_md.helpers.parseLinkDestination
    env: dict[str, Any] = {"references": {"X": {"href": "/r", "title": ""}}}
    if plugins:
        env["footnotes"] = {"refs": {":1": -1}}
    for text in strings():
        fast: list[Token] = []
        fast_md.inline.parse(text, fast_md, copy.deepcopy(env), fast)
        slow: list[Token] = []
        stock_md.inline.parse(text, stock_md, copy.deepcopy(env), slow)
        assert dump(fast) == dump(slow), text


def test_an_inline_rule_of_unknown_start_keeps_the_stock_text_rule() -> None:
    from markdown_it import MarkdownIt

    from docgates._core.parse import _text_rule

    md = MarkdownIt("commonmark", {"html": True})
    assert _text_rule(md) is None  # emphasis: a rule it does not know
    md.disable("emphasis")
    assert _text_rule(md) is not None
    md.inline.ruler.push("mine", lambda state, silent: False)
    assert _text_rule(md) is None
