"""The "Did you mean" index: difflib's choice, from a few candidates instead of every name."""

from __future__ import annotations

import difflib
import random
from collections import Counter
from pathlib import Path

import pytest

from docgates._core.slughints import CloseMatches

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"


def scan(word: str, names: list[str], cutoff: float) -> str | None:
    """What the links gate did before the index: compare the word with every name."""
    close = difflib.get_close_matches(word, sorted(names), n=1, cutoff=cutoff)
    return close[0] if close else None


def slips(rng: random.Random, name: str) -> list[str]:
    """A dropped, a doubled and a swapped letter, a wrong folder, a missing folder."""
    i = rng.randrange(1, max(2, len(name) - 1))
    folder, _, base = name.rpartition("/")
    return [
        name[:i] + name[i + 1 :],
        name[:i] + name[i] + name[i:],
        name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :],
        f"other/{base}",
        base,
        f"{folder}/{base.upper()}" if folder else base.upper(),
    ]


def test_the_closest_name_as_difflib_scores_it() -> None:
    names = ["guide/install.md", "guide/installation.md", "reference/api.md", "index.md"]
    index = CloseMatches(names)
    assert index.best("guide/instal.md", 0.8) == "guide/install.md"
    assert index.best("guide/instalation.md", 0.8) == "guide/installation.md"
    assert index.best("reference/apis.md", 0.8) == "reference/api.md"
    assert index.best("changelog.md", 0.8) is None


def test_a_tie_goes_to_the_larger_name_as_in_difflib() -> None:
    names = ["a/page1.md", "a/page3.md"]
    assert difflib.get_close_matches("a/page2.md", names, n=1, cutoff=0.8) == ["a/page3.md"]
    assert CloseMatches(names).best("a/page2.md", 0.8) == "a/page3.md"
    assert CloseMatches(reversed(names)).best("a/page2.md", 0.8) == "a/page3.md"


def test_the_cutoff_is_inclusive() -> None:
    # 'abcd' and 'abcx' share 3 of 4 characters: a ratio of exactly 0.75
    index = CloseMatches(["abcx"])
    assert index.best("abcd", 0.75) == "abcx"
    assert index.best("abcd", 0.76) is None


def test_same_basename_in_sorted_order() -> None:
    index = CloseMatches(["z/setup.md", "a/setup.md", "a/other.md"])
    assert index.same_basename("docs/setup.md") == ["a/setup.md", "z/setup.md"]
    assert index.same_basename("setup.md") == ["a/setup.md", "z/setup.md"]
    assert index.same_basename("missing.md") == []


def test_each_query_is_answered_once() -> None:
    index = CloseMatches(["guide/install.md"])
    assert index.best("guide/instal.md", 0.8) == "guide/install.md"
    index.names[0] = "changed"  # a second answer would come from the names again
    assert index.best("guide/instal.md", 0.8) == "guide/install.md"


def test_a_query_reads_a_bounded_share_of_the_index() -> None:
    # 20,000 names that all share their folder's trigrams: the candidates come from the
    # word's rarest trigrams, and the closest name is among them.
    rng = random.Random(7)
    words = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "theta"]
    names = sorted({f"api/{'-'.join(rng.sample(words, 3))}-{n}.md" for n in range(20_000)})
    index = CloseMatches(names)
    target = names[12_345]
    word = target.replace(".md", "x.md")
    assert len(index.candidates(word)) <= CloseMatches.CANDIDATES
    assert index.best(word, 0.8) == target


@pytest.mark.parametrize("project", ["mkdocs-material", "pydantic", "typer"])
def test_same_hints_as_a_full_scan_on_real_sites(project: str) -> None:
    docs = CORPUS / project / "docs"
    if not docs.is_dir():
        pytest.skip("../shared/corpus is not here")
    names = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file())
    rng = random.Random(project)
    index = CloseMatches(names)
    queries = [q for name in names for q in slips(rng, name)]
    assert len(queries) > 400
    differ = [q for q in queries if index.best(q, 0.8) != scan(q, names, 0.8)]
    assert differ == []


def test_same_hints_as_a_full_scan_on_a_generated_site() -> None:
    rng = random.Random(13)
    words = [
        "cache",
        "client",
        "config",
        "server",
        "token",
        "route",
        "model",
        "schema",
        "query",
        "index",
        "plugin",
    ]
    sections = ["guides", "reference", "api", "tutorials", "concepts"]
    names = sorted(
        {f"{rng.choice(sections)}/{'-'.join(rng.sample(words, 2))}.md" for _ in range(400)}
    )
    index = CloseMatches(names)
    queries = [q for name in rng.sample(names, 60) for q in slips(rng, name)]
    differ = [q for q in queries if index.best(q, 0.8) != scan(q, names, 0.8)]
    assert differ == []


def test_the_quick_bound_is_difflibs() -> None:

    rng = random.Random(7)
    letters = "abcde-/._xyzé"
    names = ["".join(rng.choice(letters) for _ in range(rng.randint(0, 20))) for _ in range(300)]
    index = CloseMatches(names)
    for _ in range(3000):
        name = rng.choice(names)
        word = "".join(rng.choice(letters) for _ in range(rng.randint(0, 20)))
        expected = difflib.SequenceMatcher(None, name, word).quick_ratio()
        assert index._quick_ratio(name, word, Counter(word)) == expected
