"""docgates init end to end: an empty project builds strictly and passes its new hooks."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgates.cli import main

from .pipeline_support import git, hooks_snapshot, run, tool
from .status_support import page_text


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


@pytest.mark.slow
def test_init_in_a_new_repository_gives_hooks_that_run_offline(tmp_path: Path) -> None:
    """The default: `repo: local` hooks that run the docgates installed here, and nothing
    fetched (pip and git may not reach anything)."""
    project = tmp_path / "fresh"
    (project / "docs").mkdir(parents=True)
    (project / "src" / "fresh").mkdir(parents=True)
    (project / "src" / "fresh" / "__init__.py").write_text("", encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "fresh"\nrequires-python = ">=3.10"\n', encoding="utf-8"
    )
    (project / "mkdocs.yml").write_text(
        "site_name: Fresh\ntheme:\n  name: material\nnav:\n  - Home: index.md\n",
        encoding="utf-8",
    )
    broken = "# Fresh\n\nSee [the guide](guide.md).\n\n```python\nprint('hello'\n```\n"
    (project / "docs" / "index.md").write_text(broken, encoding="utf-8")
    git("init", "-q", cwd=project)

    result = CliRunner().invoke(main, ["init", str(project)])
    assert result.exit_code == 0, result.output
    next_step = result.output.splitlines()[-1]
    assert next_step.startswith("next: git add .github .gitignore .pre-commit-config.yaml ")
    git("add", "-A", cwd=project)
    env = {
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
        # The docgates of this environment, as an activated venv has it on PATH.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PIP_NO_INDEX": "1",  # nothing may be downloaded
        "GIT_ALLOW_PROTOCOL": "file",
        "NO_MKDOCS_2_WARNING": "1",
    }
    hooks = run([tool("pre-commit"), "run", "--all-files"], cwd=project, env=env, timeout=300)
    assert hooks.returncode == 1, hooks.stdout + hooks.stderr
    out = hooks.stdout
    assert re.search(r"^docgates \(code, links, structure\)\.+Failed$", out, re.MULTILINE), out
    assert "docs/index.md:3:5: error: links/page-not-found" in out
    assert "docs/index.md:6:6: error: code/syntax-error Python block does not compile" in out

    (project / "docs" / "index.md").write_text("# Fresh\n\n```python\nprint('hello')\n```\n")
    git("add", "-A", cwd=project)
    hooks = run([tool("pre-commit"), "run", "--all-files"], cwd=project, env=env, timeout=300)
    assert hooks.returncode == 0, hooks.stdout + hooks.stderr
    assert re.fullmatch(
        r"docgates \(code, links, structure\)\.+Passed", hooks.stdout.splitlines()[-1]
    )
    assert not (tmp_path / "pre-commit-home" / "repo").exists()  # nothing was cloned

    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - docgates/status:\n" in config
    built = run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=project,
        env=env,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    status = page_text((tmp_path / "site" / "status" / "index.html").read_text(encoding="utf-8"))
    assert "No JUnit report matches reports/junit*.xml yet." in status
    assert "Home Project status Project status CI status" in status  # in the nav
    assert (project / ".gitignore").read_text(encoding="utf-8").endswith(".docgates/\n")
    assert git("status", "--porcelain", "--ignored", cwd=project).count(".docgates/") <= 1
