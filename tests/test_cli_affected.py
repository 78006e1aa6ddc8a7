"""Given changed files, the CLI also checks every page the change can break."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgates._core.affected import deleted_files
from docgates.cli import main
from tests.conftest import MakeProject

SITE = {
    "docs/index.md": "# Home\n\nSee [install](guide.md#install) and [api](api.md).\n",
    "docs/guide.md": '# Guide\n\n## Install\n\n```python\n--8<-- "snippets/example.py"\n```\n',
    "docs/api.md": "# API\n",
    "docs/other.md": "# Other\n",
    "snippets/example.py": "x = 1\n",
}


@pytest.fixture
def site(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(SITE)
    monkeypatch.chdir(root)
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    return root


def check(*args: str) -> tuple[int, list[str]]:
    """Exit code and findings (no hints, no summary line)."""
    result = CliRunner().invoke(main, ["check", *args])
    lines = [line for line in result.output.splitlines() if not line.startswith("    hint")]
    return result.exit_code, lines[:-1]


def test_a_renamed_heading_is_reported_on_the_page_that_links_to_it(site: Path) -> None:
    (site / "docs/guide.md").write_text(SITE["docs/guide.md"].replace("## Install", "## Setup"))
    code, out = check("docs/guide.md")
    assert code == 1
    assert out == [
        "docs/index.md:3:5: error: links/anchor-not-found link 'guide.md#install' points to a "
        "missing anchor '#install' in 'guide.md'",
    ]


def test_a_deleted_page_is_reported_where_it_is_linked(site: Path) -> None:
    # A path that does not exist is a deletion when git knows it (else a usage error).
    git(site, "init", "-q")
    git(site, "add", "-A")
    (site / "docs/api.md").unlink()
    code, out = check("docs/api.md")
    assert code == 1
    assert out == [
        "docs/index.md:3:37: error: links/page-not-found link 'api.md': the target 'api.md' is "
        "not among the documentation files",
    ]


def test_a_broken_snippet_is_reported_for_the_page_that_includes_it(site: Path) -> None:
    (site / "snippets/example.py").write_text("x = (\n")
    code, out = check("snippets/example.py")
    assert code == 1
    assert out == [
        "snippets/example.py:1:5: error: code/syntax-error Python block does not compile: '(' "
        "was never closed: 'x = (' (included by 'docs/guide.md')",
    ]


def test_an_unrelated_change_checks_nothing_else(site: Path) -> None:
    (site / "docs/other.md").write_text("# Other\n\n[broken](nowhere.md)\n")
    (site / "docs/index.md").write_text("# Home\n\n[broken](gone.md)\n")
    code, out = check("docs/other.md")
    assert code == 1
    assert out == [
        "docs/other.md:3:1: error: links/page-not-found link 'nowhere.md': the target "
        "'nowhere.md' is not among the documentation files",
    ]
    (site / "src").mkdir()
    (site / "src/tool.py").write_text("x = 1\n")
    assert check("src/tool.py")[0] == 0


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def test_pre_commit_deletions_come_from_git(site: Path) -> None:
    git(site, "init", "-q")
    git(site, "add", "-A")
    git(site, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    git(site, "rm", "-q", "docs/api.md")
    env = {"PRE_COMMIT": "1"}
    assert deleted_files(site, env) == [site / "docs/api.md"]
    assert deleted_files(site, {}) == []
    result = CliRunner(env=env).invoke(main, ["check"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "docs/index.md:3:37: error: links/page-not-found link 'api.md': the target 'api.md' is "
        "not among the documentation files"
    )
    git(site, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "rm")
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=site, capture_output=True, text=True, check=True
    ).stdout.strip()
    ranged = {"PRE_COMMIT": "1", "PRE_COMMIT_FROM_REF": "HEAD~1", "PRE_COMMIT_TO_REF": head}
    assert deleted_files(site, ranged) == [site / "docs/api.md"]
