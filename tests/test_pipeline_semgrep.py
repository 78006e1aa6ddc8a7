"""The semgrep rules in .semgrep/: each matches its examples, and the package keeps them."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from .pipeline_support import REPO, run


def semgrep() -> str:
    """semgrep from its own environment (.ci/run makes .venv-semgrep), or from PATH."""
    for candidate in (os.environ.get("DOCGATES_SEMGREP"), REPO / ".venv-semgrep/bin/semgrep"):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    found = shutil.which("semgrep")
    if found is None:
        pytest.skip("semgrep is not installed (.ci/run installs it into .venv-semgrep)")
    return found


OFFLINE = ["--metrics=off", "--disable-version-check"]


@pytest.mark.slow
def test_every_rule_matches_its_examples_and_nothing_else() -> None:
    rules, examples = REPO / ".semgrep/docgates.yml", REPO / ".semgrep/docgates.py"
    result = run(
        [semgrep(), "--test", *OFFLINE, "--config", str(rules), str(examples)],
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6/6: ✓ All tests passed" in result.stdout


@pytest.mark.slow
def test_the_package_keeps_the_rules() -> None:
    result = run(
        [semgrep(), "scan", *OFFLINE, "--config", ".semgrep/", "--error", "--json", "src"],
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["results"] == []
    assert len(report["paths"]["scanned"]) > 20, "the scan checked the package's modules"
