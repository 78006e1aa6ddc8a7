"""The shortcuts that keep big sites fast give what the long way gives.

Each one skips work where it can prove the result (a URL markdown-it leaves as it is, a heading
with no markup, a message with nothing to redact) or does the same work with fewer steps (code
spans looked for at backticks only, trigram counts summed as bit masks). Each is checked here
against the long way on many random inputs.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from itertools import chain
from typing import Any

import pytest
from markdown_it.common.normalize_url import normalizeLink

from docgates._core.anchors import _MARKUP, _parsed_plain_text, plain_text
from docgates._core.document import _BACKTICK, _code_spans_masked
from docgates._core.parse import ParserSettings, make_parser
from docgates._core.pymd.text import Text
from docgates._core.slughints import CloseMatches, _basename, _trigrams
from docgates._core.urltext import _IN_TEXT, _LONG_RUN, _PAIR, escape, scrub
from tests.test_inline_rules import BASE

SETTINGS: dict[str, Any] = {**BASE, "math": False}


def random_strings(seed: int, pieces: list[str], most: int, count: int = 30_000) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, most))) for _ in range(count)]


def test_links_are_normalized_as_markdown_it_normalizes_them() -> None:
    md = make_parser(ParserSettings(**SETTINGS))
    pieces = [
        *"aZ09-_.~/#?=&+,;!*'()@$%:[]<> \\é",
        "%2F",
        "%zz",
        "//",
        "http:",
        "mailto:",
        "..",
        "ü",
    ]
    urls = random_strings(3, pieces, 14)
    urls += ["../guide/install.md#setup", "img/logo.png", "a%20b.md", "https://Example.COM/x"]
    for url in urls:
        assert md.normalizeLink(url) == normalizeLink(url), url


def _masked_by_finditer(text: str) -> str:
    """What ``_code_spans_masked`` did before it looked at backticks only."""
    pieces: list[str] = []
    last = 0
    for match in _BACKTICK.finditer(text):
        if match.group(2) is None:
            continue
        pieces += [text[last : match.start()].replace("`", " "), " " * len(match.group())]
        last = match.end()
    pieces.append(text[last:].replace("`", " "))
    return "".join(pieces)


def test_code_spans_are_masked_as_a_scan_of_every_offset_masks_them() -> None:
    for text in random_strings(5, [*"`\\ab \n[]()", "``", "\\\\", "[x](y)"], 18):
        assert _code_spans_masked(text) == _masked_by_finditer(text), repr(text)


def test_headings_without_markup_read_as_the_parser_reads_them() -> None:
    pieces = [*"aZ 9-.,:;'\"?()/#$%^+={}|~@\t", "  ", "é", "\u00a0", "\u2003", "C++", "1.0"]
    texts = [t for t in random_strings(7, pieces, 12) if not _MARKUP.search(t)]
    assert len(texts) > 10_000
    for text in texts:
        assert plain_text(text) == _parsed_plain_text(text), repr(text)
    # Markup still goes the long way.
    assert plain_text("The `code` *part*") == "The code part"
    assert plain_text("A &amp; B") == "A & B"


def test_a_message_with_nothing_to_scrub_is_what_the_long_way_makes_of_it() -> None:
    pieces = [*"aZ09 -_.:'#?&/", "link '", "'", "\u00e9"]
    for text in random_strings(11, pieces, 30, 10_000):
        if "//" in text or "=" in text:
            continue
        long_way = _LONG_RUN.sub("", escape(_PAIR.sub("", _IN_TEXT.sub("", text))))
        assert scrub(text) == text == long_way
    # What needs scrubbing still is.
    assert scrub("link 'x.md?token=abc'") == "link 'x.md?token=***'"
    assert scrub("bad\x1bname") == "bad\\x1bname"


def test_stripping_a_text_with_nothing_to_strip_keeps_it() -> None:
    text = Text.of_lines(["  indented", "next line  "], 3)
    assert text.lstrip().s == "indented\nnext line  "
    assert text.lstrip().position(0) == (3, 2)
    assert text.rstrip().s == "  indented\nnext line"
    same = text.lstrip("x")
    assert same.s == text.s
    assert same.position(12) == text.position(12) == (4, 1)


def _candidates_by_counting(index: CloseMatches, word: str) -> list[str]:
    """The candidates as ``collections.Counter`` ranked them before the bit masks."""
    postings = sorted((p for g in _trigrams(word) if (p := index._grams.get(g))), key=len)
    chosen: list[list[int]] = []
    read = 0
    for posting in postings:
        if chosen and read + len(posting) > index.POSTINGS:
            break
        chosen.append(posting)
        read += len(posting)
    counts = Counter(chain.from_iterable(chosen))
    for number in index._basenames.get(_basename(word), ()):
        counts[number] += 1
    return [index.names[i] for i, _ in counts.most_common(index.CANDIDATES)]


@pytest.mark.parametrize("size", [40, 3_000])
def test_candidates_are_ranked_as_counting_ranks_them(size: int) -> None:
    rng = random.Random(size)
    words = ["cache", "client", "config", "server", "token", "route", "model", "query", "api"]
    folders = ["guides", "reference", "api", "tutorials", "a/b"]
    names = {
        f"{rng.choice(folders)}/{'-'.join(rng.sample(words, rng.randint(1, 3)))}.md"
        for _ in range(size)
    }
    index = CloseMatches(names)
    queries = [re.sub(r"[aeiou]", "", name, count=1) for name in rng.sample(sorted(names), 30)]
    queries += ["guides/x.md", "", "zzz", "reference/", "api/token.md"]
    for word in queries:
        assert index.candidates(word) == _candidates_by_counting(index, word), word
