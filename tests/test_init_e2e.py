"""docgates init end to end: an empty project builds strictly and passes its new hooks."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgates.cli import main

from .pipeline_support import git, hooks_snapshot, run, tool


@pytest.mark.slow
def test_init_then_strict_build_and_pre_commit_pass(tmp_path: Path) -> None:
    repo, sha, env = hooks_snapshot(tmp_path / "hooks")
    project = tmp_path / "sample"
    (project / "docs").mkdir(parents=True)
    config = "site_name: Sample\ntheme:\n  name: material\n"
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    (project / "docs" / "index.md").write_text(
        "# Sample\n\n```python\nprint('hello')\n```\n", encoding="utf-8"
    )
    git("init", "-q", cwd=project)

    result = CliRunner().invoke(
        main, ["init", str(project), "--hooks-repo", str(repo), "--hooks-rev", sha]
    )
    assert result.exit_code == 0, result.output
    assert (
        (project / "mkdocs.yml")
        .read_text(encoding="utf-8")
        .startswith(f"{config}\nplugins:\n  - search\n  - docgates/code\n")
    )

    build = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--site-dir",
        str(tmp_path / "site"),
    ]
    built = run(build, cwd=project, env=env, timeout=120)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    proper = [
        tool("properdocs"),
        "build",
        "--strict",
        "-f",
        "mkdocs.yml",
        "-d",
        str(tmp_path / "p"),
    ]
    built = run(proper, cwd=project, env=env, timeout=120)
    assert built.returncode == 0, built.stderr

    git("add", "-A", cwd=project)
    hooks = run([tool("pre-commit"), "run", "--all-files"], cwd=project, env=env, timeout=600)
    assert hooks.returncode == 0, hooks.stdout + hooks.stderr
    last = hooks.stdout.splitlines()[-1]
    assert re.fullmatch(r"docgates \(code, links, structure\)\.+Passed", last), last

    # The hook is a gate, not a formality: a broken example now fails it, at its line.
    (project / "docs" / "index.md").write_text(
        "# Sample\n\n```python\nprint('hello'\n```\n", encoding="utf-8"
    )
    git("add", "-A", cwd=project)
    hooks = run([tool("pre-commit"), "run", "--all-files"], cwd=project, env=env, timeout=600)
    assert hooks.returncode == 1
    assert "docs/index.md:4:6: error: code/syntax-error" in hooks.stdout
