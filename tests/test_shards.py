"""``docgates check --shard K/N`` and ``docgates merge``: shards of a generated 300-page site
together report exactly what one run reports, in every format, with its exit code."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgates._core.shard import Shard, owner
from docgates.cli import main
from tests.linkserver import LinkServer, serving

pytestmark = pytest.mark.slow

SECTIONS = 10
PER_SECTION = 30


def generate(root: Path, base: str) -> None:
    """A site with something of every kind to find: broken links and anchors, orphans, a nav
    entry to nothing, syntax errors, one broken snippet included from pages of every shard,
    external URLs (some broken) shared by pages of different shards."""
    rng = random.Random(12)
    docs = root / "docs"
    pages = [f"s{s}/p{p}.md" for s in range(SECTIONS) for p in range(PER_SECTION)]
    (docs / "snippets").mkdir(parents=True)
    (docs / "snippets" / "broken.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    externals = [f"{base}/ok", f"{base}/missing", f"{base}/gone", f"{base}/moved"]
    for i, rel in enumerate(pages):
        lines = [f"# Page {i}", "", f"## Part {i}", "", "Text.", ""]
        for _ in range(8):
            target = rng.choice(pages)
            roll = rng.random()
            href = _relative(rel, target)
            if roll < 0.05:
                href = href.replace(".md", "-nope.md")
            elif roll < 0.12:
                href += "#no-such-part"
            elif roll < 0.4:
                href += f"#part-{pages.index(target)}"
            lines.append(f"- [to {target}]({href})")
        if i % 7 == 0:
            lines += ["", f"See [{externals[i % 4]}]({externals[i % 4]}).", ""]
        lines += ["", "```python", "x = 1" if i % 11 else "x = (", "```", ""]
        if i % 25 == 0:
            lines += ["```python", '--8<-- "broken.py"', "```", ""]
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (docs / "index.md").write_text("# Home\n\n[First](s0/p0.md)\n", encoding="utf-8")
    in_nav = [p for j, p in enumerate(pages) if j % 13]  # every 13th page is an orphan
    nav = "\n".join(f"  - {p}" for p in ["index.md", *in_nav, "s9/never-written.md"])
    (root / "mkdocs.yml").write_text(
        "site_name: Shards\nmarkdown_extensions:\n  - pymdownx.superfences\n"
        "  - pymdownx.snippets:\n      base_path: [docs/snippets]\n"
        "plugins:\n  - docgates/links:\n      external: true\n  - docgates/structure\n"
        f"nav:\n{nav}\n",
        encoding="utf-8",
    )


def _relative(source: str, target: str) -> str:
    s_dir, t_dir = source.split("/", maxsplit=1)[0], target.split("/", maxsplit=1)[0]
    name = target.split("/")[1]
    return name if s_dir == t_dir else f"../{target}"


@pytest.fixture(scope="module")
def link_server() -> Iterator[LinkServer]:
    with serving() as server:
        yield server


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, link_server: LinkServer) -> Path:
    root = tmp_path_factory.mktemp("shards") / "site"
    generate(root, link_server.base)
    return root


def run(args: list[str], cwd: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result.exit_code, result.stdout


SECONDS = re.compile(r'(\(\d+\.\d+s\)|"seconds": [0-9.]+|time="[0-9.]+")')


ACCOUNT = re.compile(
    r"external: \d+ URL\(s\), \d+ from the cache, \d+ request\(s\) \(\d+ retries, \d+ redirects\)"
)


PROGRESS = re.compile(r"^::group::docgates: .*?^::endgroup::\n", re.MULTILINE | re.DOTALL)


def steady(text: str) -> str:
    """Output without the run times, the progress groups of a GitHub log (a merge reads no
    page), and the external-check account (see below)."""
    text = PROGRESS.sub("", text)
    return ACCOUNT.sub("<external account>", SECONDS.sub("<time>", text))


def test_shards_together_give_exactly_the_whole_run(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(site)
    common = ["check", "--no-cache", "--jobs", "1"]
    whole_code, whole_json = run([*common, "--format", "json"], site)
    whole = json.loads(whole_json)
    rules = {f["rule"] for f in whole["findings"]}
    assert rules >= {
        "links/page-not-found", "links/anchor-not-found", "links/external-broken",
        "structure/orphan-page", "structure/nav-target-missing", "code/syntax-error",
    }  # fmt: skip
    folded = [f for f in whole["findings"] if f["path"] == "docs/snippets/broken.py"]
    assert len(folded) == 1
    assert folded[0]["message"].endswith(" (and 11 more pages)")
    assert whole_code == 1
    count = 4
    reports = []
    seen: list[dict[str, object]] = []
    for k in range(1, count + 1):
        out = tmp_path / f"shard-{k}.json"
        code, _ = run(
            [*common, "--shard", f"{k}/{count}", "--format", "json", "-o", str(out)], site
        )
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data["stats"]["shard"]["index"] == k
        own = {f["path"] for f in data["findings"] if f["path"].startswith("docs/s")}
        # Each shard reports on its own pages only (and on snippets its pages include).
        assert all(owner(p, count) == k for p in own if p.endswith(".md")), k
        assert 40 < data["stats"]["files"] < 110, "a roughly even split"
        assert code == (1 if any(f["severity"] == "error" for f in data["findings"]) else 0)
        seen.extend(data["findings"])
        reports.append(str(out))
    assert (
        sum(json.loads(Path(r).read_text())["stats"]["files"] for r in reports)
        == (whole["stats"]["files"])
    )
    # Merged in any order, the findings are the whole run's, finding for finding.
    merged_code, merged_json = run(["merge", *reversed(reports), "--format", "json"], site)
    merged = json.loads(merged_json)
    assert merged_code == whole_code == 1
    assert merged["findings"] == whole["findings"]
    assert merged["root"] == whole["root"]
    assert [steady(n) for n in merged["notices"]] == [steady(n) for n in whole["notices"]]
    keep = {k: v for k, v in whole["stats"].items() if k not in ("seconds", "external")}
    assert {k: v for k, v in merged["stats"].items() if k not in ("seconds", "external")} == keep
    # Three shards: the first page that includes the broken snippet is not in shard 1.
    assert owner("docs/s0/p0.md", 3) == 2
    thirds = []
    for k in (1, 2, 3):
        out = tmp_path / f"third-{k}.json"
        run([*common, "--shard", f"{k}/3", "--format", "json", "-o", str(out)], site)
        thirds.append(str(out))
    assert (
        json.loads(run(["merge", *thirds, "--format", "json"], site)[1])["findings"]
        == (whole["findings"])
    )
    # Every format prints what the whole run prints. Only the times differ, and the account of
    # external checking: a URL on pages of two shards is checked by both (the merged line adds
    # the shards' counts up; a shared Redis cache makes the second one a cache hit).
    for fmt in ("text", "github", "sarif", "junit"):
        code, expected = run([*common, "--format", fmt], site)
        got_code, got = run(["merge", *reports, "--format", fmt], site)
        assert (got_code, steady(got)) == (code, steady(expected)), fmt
    _, text = run(["merge", *reports], site)
    account = [line for line in text.splitlines() if line.startswith("note: external:")]
    ext = [json.loads(Path(r).read_text())["stats"]["external"] for r in reports]
    total = {k: sum(e[k] for e in ext) for k in ("urls", "from_cache", "requests", "redirects")}
    assert account == [
        f"note: external: {total['urls']} URL(s), {total['from_cache']} from the cache, "
        f"{total['requests']} request(s) (0 retries, {total['redirects']} redirects)"
    ]


def test_a_clean_site_merges_to_exit_0(make_project, tmp_path: Path, monkeypatch) -> None:
    root = make_project(
        {"docs/index.md": "# Home\n\n[Two](two.md)\n", "docs/two.md": "# Two\n\n[Home](index.md)\n"}
    )
    monkeypatch.chdir(root)
    outs = []
    for k in (1, 2, 3):  # more shards than pages: one of them has nothing to report on
        out = tmp_path / f"{k}.json"
        code, _ = run(["check", "--shard", f"{k}/3", "--format", "json", "-o", str(out)], root)
        assert code == 0
        outs.append(str(out))
    code, text = run(["merge", *outs], root)
    assert code == 0
    assert text.splitlines()[-1].startswith("0 errors, 0 warnings in 2 files")


def test_merge_refuses_what_is_not_one_complete_run(
    make_project, tmp_path: Path, monkeypatch
) -> None:
    root = make_project({"docs/index.md": "# Home\n", "docs/a.md": "# A\n", "docs/b.md": "# B\n"})
    monkeypatch.chdir(root)

    def shard(spec: str, name: str) -> str:
        out = tmp_path / name
        run(["check", "--shard", spec, "--format", "json", "-o", str(out)], root)
        return str(out)

    one, two = shard("1/3", "1.json"), shard("2/3", "2.json")
    whole = tmp_path / "whole.json"
    run(["check", "--format", "json", "-o", str(whole)], root)
    other = shard("1/2", "other.json")

    def refused(*reports: str) -> str:
        result = CliRunner().invoke(main, ["merge", *reports])
        assert result.exit_code == 2
        return result.output.strip()

    assert refused(one, two) == (
        "docgates: error: shard 3 of 3 is missing: the merge would miss their pages"
    )
    assert refused(one, one, two) == (
        f"docgates: error: shard 1/3 is given twice: '{one}' and '{one}'"
    )
    assert refused(one, other).startswith(
        "docgates: error: the reports are shards of different runs"
    )
    assert refused(one, str(whole)) == (
        f"docgates: error: '{whole}' is the report of a whole run, not of a shard (write one "
        "with 'docgates check --shard K/N --format json')"
    )
    (tmp_path / "junk.json").write_text("[1, 2", encoding="utf-8")
    assert refused(str(tmp_path / "junk.json")).startswith(
        f"docgates: error: '{tmp_path / 'junk.json'}' is not a JSON report"
    )
    bad = CliRunner().invoke(main, ["check", "--shard", "5/4"])
    assert bad.exit_code == 2
    assert "'5/4': K must be between 1 and N" in bad.output


def test_the_split_is_stable_and_by_path() -> None:
    assert [owner(f"docs/p{i}.md", 4) for i in range(8)] == [
        owner(f"docs/p{i}.md", 4) for i in range(8)
    ]
    assert Shard.parse(" 2 / 4 ") == Shard(2, 4)
    assert str(Shard(2, 4)) == "2/4"
    with pytest.raises(ValueError, match="is not K/N"):
        Shard.parse("2-4")
    with pytest.raises(ValueError, match="K must be between 1 and N"):
        Shard.parse("0/4")
