"""Run the pipeline's own tools from tests: the workflow schema check, zizmor, pre-commit, git.

Every tool comes from the test environment (the ``test`` extra) and runs offline.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def tool(name: str) -> str:
    """The executable ``name`` installed beside this Python (the project's venv), or on PATH."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def run(
    args: list[str], cwd: Path, *, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def schema_errors(paths: list[Path]) -> str:
    """check-jsonschema against its vendored GitHub-workflow schema; '' when all are valid."""
    result = run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        cwd=paths[0].parent,
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


def zizmor_findings(paths: list[Path], min_severity: str = "medium") -> list[str]:
    """zizmor's findings (offline) as ``ident severity file:line`` strings."""
    result = run(
        [tool("zizmor"), "--offline", "--no-progress", "--format", "json"]
        + ["--min-severity", min_severity]
        + [str(path) for path in paths],
        cwd=paths[0].parent,
    )
    assert result.stdout.strip().startswith("["), result.stderr
    found = []
    for finding in json.loads(result.stdout):
        primary = next(loc for loc in finding["locations"] if loc["symbolic"]["kind"] == "Primary")
        path = primary["symbolic"]["key"]["Local"]["verbatim_path"]
        row = primary["concrete"]["location"]["start_point"]["row"] + 1
        severity = finding["determinations"]["severity"]
        found.append(f"{finding['ident']} {severity} {Path(path).name}:{row}")
    return found


def git(*args: str, cwd: Path) -> str:
    config = ["-c", "user.name=docgates tests", "-c", "user.email=tests@docgates.invalid"]
    config += ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]
    result = run(["git", *config, *args], cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def snapshot_repo(dest: Path) -> tuple[Path, str]:
    """This working tree (tracked and new, unignored files) committed in a fresh repository.

    pre-commit installs hooks from a commit; the snapshot makes that commit hold exactly what is
    being tested, uncommitted changes included, without touching the real repository.
    """
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    dest.mkdir(parents=True)
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git("init", "-q", cwd=dest)
    git("add", "-A", cwd=dest)
    git("commit", "-q", "-m", "snapshot", cwd=dest)
    return dest, git("rev-parse", "HEAD", cwd=dest)


def pre_commit_env(home: Path) -> dict[str, str]:
    """pre-commit with its own store (hook environments) and no colour."""
    return {
        "PRE_COMMIT_HOME": str(home),
        "PRE_COMMIT_COLOR": "never",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_RETRIES": "5",
        "PIP_TIMEOUT": "60",
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
    }


def hooks_snapshot(base: Path) -> tuple[Path, str, dict[str, str]]:
    """A snapshot of this repository to install hooks from, and a pre-commit store for them."""
    repo, sha = snapshot_repo(base / "docgates")
    return repo, sha, pre_commit_env(base / "pre-commit-home")
