"""Hints for what a broken link meant.

Explain a missing anchor: which slug rule made the id the link expected, and which one this
site uses (most broken anchors in real docs come from a slug rule, not from a typo). Find the
page or URL a broken link was closest to, from an index of the site's names rather than a scan
of all of them (:class:`CloseMatches`).
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from functools import lru_cache

from .anchors import (
    AnchorBuilder,
    PageAnchors,
    github_slug,
    plain_text,
    pymdownx_slugify,
    toc_slugify,
)

_GITHUB_SUFFIX = re.compile(r"^(.+)-([0-9]+)$")


@lru_cache(maxsize=4096)
def _rule_slugs(text: str, separator: str) -> tuple[tuple[str, str], ...]:
    """What each slug rule makes of a heading's text (headings repeat across a site)."""
    return tuple((rule, make(text)) for rule, make in _rules(separator))


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
            for rule, made in _rule_slugs(text, builder.slug.separator):
                if made == fragment and fragment != anchor.id:
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


class CloseMatches:
    """The name closest to a word, as ``difflib.get_close_matches(word, names, n=1, cutoff)``
    chooses it, without comparing the word with every name of the site.

    A site of 10,000 pages has thousands of broken links on a bad day, and comparing each with
    every page made the hints most of the cost of a check. Here the names that share the
    word's rarest trigrams (up to a fixed number of postings, so a query costs the same on any
    site), and the names with the same basename, are ranked by the trigrams they share; the
    best of them are scored exactly as difflib scores them (the same ``SequenceMatcher``
    ratio, the same cutoff, and the same tie-break: the larger name wins), cheapest bounds
    first. The result is difflib's whenever its match is among those candidates, which a
    name within the cutoff of a path or URL almost always is.
    """

    POSTINGS = 3000
    """How many index entries one query reads at most (beyond its rarest trigram's)."""
    CANDIDATES = 32
    """How many of the best-ranked names are scored."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted(set(names))
        self._grams: dict[str, list[int]] = {}
        self._basenames: dict[str, list[int]] = {}
        for index, name in enumerate(self.names):
            for gram in _trigrams(name):
                self._grams.setdefault(gram, []).append(index)
            self._basenames.setdefault(_basename(name), []).append(index)
        self._memo: dict[tuple[str, float], str | None] = {}
        self._counts: dict[str, Counter[str]] = {}
        size = len(self.names)
        self._masks = {gram: _mask(indices, size) for gram, indices in self._grams.items()}
        self._basename_masks = {
            name: _mask(indices, size) for name, indices in self._basenames.items()
        }

    def __len__(self) -> int:
        return len(self.names)

    def same_basename(self, word: str) -> list[str]:
        """The names whose last path segment is the word's, in sorted order."""
        return [self.names[i] for i in self._basenames.get(posixpath.basename(word), ())]

    def best(self, word: str, cutoff: float) -> str | None:
        """The closest name with a similarity of at least ``cutoff``, or ``None``."""
        key = (word, cutoff)
        if key not in self._memo:
            self._memo[key] = self._best(word, cutoff)
        return self._memo[key]

    def candidates(self, word: str) -> list[str]:
        """The names worth scoring for ``word``, best-ranked first.

        Each trigram's names are also a bit mask (bit ``i``: ``names[i]``); the chosen masks
        are summed bit-sliced (``planes[k]``: bit ``k`` of each name's count), so a query
        costs a few dozen operations on integers of one bit per name rather than a count per
        posting. The ranking is ``Counter.most_common``'s: by count, ties in the order the
        names first appear in the chosen postings (rarest trigram first)."""
        grams = self._grams
        postings = sorted((g for g in _trigrams(word) if g in grams), key=lambda g: len(grams[g]))
        masks = self._masks
        addends: list[int] = []
        read = 0
        for gram in postings:
            size = len(grams[gram])
            if addends and read + size > self.POSTINGS:
                break
            addends.append(masks[gram])
            read += size
        same = self._basename_masks.get(_basename(word))
        if same is not None:
            addends.append(same)
        planes: list[int] = []
        seen = 0
        for carry in addends:
            seen |= carry
            for k, plane in enumerate(planes):
                planes[k] = plane ^ carry
                carry &= plane
                if not carry:
                    break
            else:
                if carry:
                    planes.append(carry)
        chosen: list[int] = []
        want = self.CANDIDATES
        for count in range(min(len(addends), (1 << len(planes)) - 1), 0, -1):
            equal = seen  # the names counted exactly ``count`` times
            for k, plane in enumerate(planes):
                equal &= plane if count >> k & 1 else ~plane
                if not equal:
                    break
            for addend in addends:
                part = equal & addend
                if not part:
                    continue
                equal ^= part
                while part and want:
                    low = part & -part
                    chosen.append(low.bit_length() - 1)
                    part ^= low
                    want -= 1
                if not want or not equal:
                    break
            if not want:
                break
        return [self.names[i] for i in chosen]

    def _quick_ratio(self, name: str, word: str, word_counts: dict[str, int]) -> float:
        """``SequenceMatcher(None, name, word).quick_ratio()``, from each name's character
        counts (made once per name, not once per comparison)."""
        counts = self._counts.get(name)
        if counts is None:
            counts = self._counts[name] = Counter(name)
        matches = 0
        for char, count in counts.items():
            theirs = word_counts.get(char)
            if theirs:
                matches += count if count < theirs else theirs
        length = len(name) + len(word)
        return 2.0 * matches / length if length else 1.0

    def _best(self, word: str, cutoff: float) -> str | None:
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        word_counts = Counter(word)
        best: tuple[float, str] | None = None
        for name in self.candidates(word):
            matcher.set_seq1(name)
            floor = cutoff if best is None else best[0]
            # The bounds first, as get_close_matches does; a tie goes to the larger name.
            if best is not None and name < best[1]:
                if (
                    matcher.real_quick_ratio() <= floor
                    or self._quick_ratio(name, word, word_counts) <= floor
                ):
                    continue
            elif (
                matcher.real_quick_ratio() < floor
                or self._quick_ratio(name, word, word_counts) < floor
            ):
                continue
            score = matcher.ratio()
            if score >= cutoff and (best is None or (score, name) > best):
                best = (score, name)
        return None if best is None else best[1]


def _basename(name: str) -> str:
    return posixpath.basename(name.rstrip("/"))


def _trigrams(text: str) -> set[str]:
    padded = f"\x02{text}\x03"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _mask(indices: Iterable[int], size: int) -> int:
    """The integer whose bit ``i`` is set for each of ``indices`` (all below ``size``)."""
    data = bytearray((size + 7) // 8)
    for index in indices:
        data[index >> 3] |= 1 << (index & 7)
    return int.from_bytes(data, "little")
