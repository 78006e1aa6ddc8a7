"""One verdict for both fronts: `docgates check --strict` and `mkdocs build --strict` with the
plugins give the same findings and the same exit code; one schema; the run's notes everywhere."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgates._core.findings import Finding, Severity
from docgates.cli import main
from docgates.mkdocs_plugins._base import format_finding
from tests.conftest import DEFAULT_CONFIG, MakeProject
from tests.test_mkdocs_plugin import build

DOCGATES = shutil.which("docgates", path=str(Path(sys.executable).parent)) or "docgates"
GATES = DEFAULT_CONFIG + "  - docgates/links\n  - docgates/structure\nnav:\n  - index.md\n"
WARNINGS_ONLY = {
    "docs/index.md": "# Home\n\n#### Deep\n\n```pyhton\nx = 1\n```\n",
    "docs/extra.md": "# Extra\n",
}
WITH_ERRORS = {
    **WARNINGS_ONLY,
    "docs/index.md": WARNINGS_ONLY["docs/index.md"] + "\n[a](#nowhere)\n\n```python\nx = (\n```\n",
}


def cli(root: Path, *args: str) -> tuple[int, str]:
    result = subprocess.run(
        [DOCGATES, "check", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout


def plugin_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What the docgates plugins logged as warnings (what --strict counts)."""
    found = []
    for line in result.stderr.splitlines():
        match = re.match(r"WARNING -  docgates: (.*)$", line)
        if match:
            found.append(match.group(1))
    return sorted(found)


def cli_lines(out: str) -> list[str]:
    data = json.loads(out)
    lines = []
    for item in data["findings"]:
        if item["severity"] == "info":
            continue
        finding = Finding(
            item["path"],
            item["line"],
            item["column"],
            item["rule"],
            Severity(item["severity"]),
            item["message"],
            item["hint"],
        )
        lines.append(format_finding(finding))
    return sorted(lines)


@pytest.mark.slow
@pytest.mark.parametrize("pages", [WARNINGS_ONLY, WITH_ERRORS], ids=["warnings", "errors"])
def test_strict_cli_and_strict_build_agree(make_project: MakeProject, pages: dict) -> None:
    root = make_project(pages, config=GATES)
    built = build(root)
    code, out = cli(root, "--strict", "--format", "json")
    assert cli_lines(out) == plugin_lines(built)
    assert len(plugin_lines(built)) >= 3
    assert (code, built.returncode) == (1, 1)
    # Without --strict the CLI fails on errors only (as a build without --strict passes).
    assert cli(root, "--format", "json")[0] == (1 if pages is WITH_ERRORS else 0)


@pytest.mark.slow
def test_a_clean_site_passes_both(make_project: MakeProject) -> None:
    root = make_project({"docs/index.md": "# Home\n\n```python\nx = 1\n```\n"}, config=GATES)
    assert build(root).returncode == 0
    assert cli(root, "--strict")[0] == 0


@pytest.mark.slow
def test_one_schema_for_both_fronts(make_project: MakeProject) -> None:
    # A string for a list of strings: both accept it.
    config = GATES.replace("  - docgates/code\n", "  - docgates/code:\n      languages: python\n")
    root = make_project({"docs/index.md": "# Home\n\n```python\nx = (\n```\n"}, config=config)
    built = build(root)
    assert plugin_lines(built) == [
        "docs/index.md:4:5: code/syntax-error Python block does not compile: '(' was never "
        "closed: 'x = ('"
    ]
    assert cli(root, "--strict")[0] == 1
    # A wrong type: both reject it, with the same words.
    config = GATES.replace("  - docgates/code\n", "  - docgates/code:\n      timeout: soon\n")
    root = make_project({"docs/index.md": "# Home\n"}, config=config)
    built = build(root)
    assert built.returncode == 1
    assert "expected a number, got 'soon'" in built.stderr
    result = subprocess.run(
        [DOCGATES, "check"], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "expected a number, got 'soon'" in result.stderr


def test_pyproject_wins_and_the_cli_says_so(make_project: MakeProject) -> None:
    config = DEFAULT_CONFIG.replace("  - docgates/code\n", "  - docgates/code:\n      timeout: 5\n")
    root = make_project(
        {
            "docs/index.md": "# Home\n",
            "pyproject.toml": "[tool.docgates.code]\ntimeout = 30\nsession = 'page'\n",
        },
        config=config,
    )
    from docgates._core.project import load_project

    project = load_project(root)
    settings = project.settings()
    assert settings.code.timeout == 30.0
    assert settings.notices == [
        "'timeout' of docgates/code is 5 in mkdocs.yml and 30 in pyproject.toml "
        "[tool.docgates.code]; the pyproject.toml value is used"
    ]


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit"])
def test_every_format_carries_the_notes(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    root = make_project({"docs/index.md": "# Home\n"}, config=None)
    monkeypatch.chdir(root)
    out = CliRunner().invoke(main, ["check", "--format", fmt]).output
    note = (
        "no mkdocs.yml, properdocs.yml or zensical.toml found: assuming the Markdown extensions "
        "of a typical Material for MkDocs site"
    )
    if fmt == "text":
        assert out.splitlines()[0] == f"note: {note}"
    elif fmt == "json":
        assert json.loads(out)["notices"] == [note]
    elif fmt == "github":
        assert out.splitlines()[0] == f"::notice title=docgates::{note}"
    elif fmt == "sarif":
        run = json.loads(out)["runs"][0]
        assert run["invocations"][0]["toolExecutionNotifications"] == [
            {"level": "note", "message": {"text": note}}
        ]
    else:
        suite = ET.fromstring(out.split("\n", 1)[1]).find("testsuite")
        assert suite is not None
        assert suite.findtext("system-out") == f"note: {note}"
