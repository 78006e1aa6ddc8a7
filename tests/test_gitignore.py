"""Whether git ignores a missing page: one ``git check-ignore --stdin`` answers every path."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from docgates._core.site.gitignore import GitIgnores


def _one_shot(folder: Path, path: Path) -> bool:
    """What ``git check-ignore -q`` says of ``path`` on its own (the oracle)."""
    result = subprocess.run(
        ["git", "check-ignore", "-q", "--no-index", str(path)],
        cwd=folder,
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "docs" / "api").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / ".gitignore").write_text("docs/reference/\n*.tmp.md\n!keep.tmp.md\n", encoding="utf-8")
    (root / "docs" / "api" / ".gitignore").write_text("generated-*.md\n", encoding="utf-8")
    return root


def test_answers_match_git_check_ignore_path_by_path(repo: Path) -> None:
    docs = repo / "docs"
    paths = [
        docs / "reference" / "cli.md",  # an ignored folder
        docs / "reference" / "deep" / "nested page.md",  # a space, two levels down
        docs / "notes.tmp.md",  # a wildcard
        docs / "keep.tmp.md",  # a negation: not ignored
        docs / "api" / "generated-client.md",  # a nested .gitignore
        docs / "api" / "client.md",
        docs / "index.md",
        docs / "naïve\nname.md",  # a newline and a non-ASCII letter in the name
    ]
    ignores = GitIgnores(docs)
    try:
        answers = [ignores.ignored(p) for p in paths]
    finally:
        ignores.close()
    assert answers == [_one_shot(docs, p) for p in paths]
    assert answers == [True, True, True, False, True, False, False, False]


def test_one_process_answers_every_path(repo: Path) -> None:
    docs = repo / "docs"
    ignores = GitIgnores(docs)
    try:
        assert ignores.ignored(docs / "reference" / "a.md")
        first = ignores._proc
        assert first is not None
        assert not ignores.ignored(docs / "b.md")
        assert ignores.ignored(docs / "c.tmp.md")
        assert ignores._proc is first
        assert first.poll() is None
    finally:
        ignores.close()
    assert first.poll() is not None  # closed: the process has exited


def test_a_path_outside_the_repository_is_not_ignored_and_the_next_is_answered(
    repo: Path, tmp_path: Path
) -> None:
    docs = repo / "docs"
    ignores = GitIgnores(docs)
    try:
        assert ignores.ignored(docs / "reference" / "a.md")
        # Fatal to 'git check-ignore --stdin': asked on its own, and not ignored.
        assert not ignores.ignored(tmp_path / "elsewhere.tmp.md")
        assert ignores.ignored(docs / "reference" / "b.md")
        assert not ignores.ignored(docs / "b.md")
    finally:
        ignores.close()


def test_outside_a_work_tree_nothing_is_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "plain" / "docs"
    folder.mkdir(parents=True)
    (folder.parent / ".gitignore").write_text("*.md\n", encoding="utf-8")
    ignores = GitIgnores(folder)
    assert not ignores.ignored(folder / "page.md")
    assert ignores._proc is None  # git was asked once whether this is a work tree, no more
    ignores.close()
