"""The CLI end to end: arguments, output formats, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgates.cli import main
from tests.conftest import MakeProject

PAGES = {
    "docs/index.md": "# Home\n\n```python\nx = (\n```\n",
    "docs/typo.md": "# Typo\n\n```pyhton\nx = 1\n```\n",
    "docs/fine.md": "# Fine\n\n```python\nx = 1\n```\n",
}


@pytest.fixture
def project(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(PAGES)
    monkeypatch.chdir(root)
    return root


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_text_output_and_exit_code_1(project: Path) -> None:
    code, out = invoke("check")
    assert code == 1
    assert out == (
        "docs/index.md:4:5: error: code/syntax-error Python block does not compile: "
        "'(' was never closed: 'x = ('\n"
        "docs/typo.md:3:1: warning: code/unchecked-fence fence language 'pyhton' is not a "
        "Python language, so the block is neither checked nor highlighted as Python\n"
        "    hint: Did you mean 'python'?\n" + out.splitlines()[-1] + "\n"
    )
    assert out.splitlines()[-1].startswith(
        "1 error, 1 warning in 3 files, 2 Python blocks (2 checked, 0 skipped) ("
    )


def test_exit_code_0_when_only_warnings(project: Path) -> None:
    (project / "docs" / "index.md").write_text("# Home\n")
    assert invoke("check")[0] == 0


def test_json_output_follows_the_contract(project: Path) -> None:
    code, out = invoke("check", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert list(data) == ["schema", "root", "findings", "stats", "notices"]
    assert data["schema"] == "docgates.findings/1"
    assert data["root"] == "."
    assert data["findings"][0] == {
        "rule": "code/syntax-error",
        "severity": "error",
        "path": "docs/index.md",
        "line": 4,
        "column": 5,
        "message": "Python block does not compile: '(' was never closed: 'x = ('",
        "hint": None,
    }
    stats = data["stats"]
    assert {k: stats[k] for k in ("files", "code_blocks", "links")} == {
        "files": 3,
        "code_blocks": 3,
        "links": 0,
    }
    assert isinstance(stats["seconds"], float)
    assert stats["pages"]["docs/fine.md"] == {"blocks": 1, "checked": 1, "skipped": 0}


def test_github_annotations(project: Path) -> None:
    out = invoke("check", "--format", "github")[1].splitlines()
    assert out[0] == (
        "::error file=docs/index.md,line=4,col=5,title=code/syntax-error::Python block does "
        "not compile: '(' was never closed: 'x = ('"
    )
    assert out[1].startswith("::warning file=docs/typo.md,line=3,col=1,")
    assert out[1].endswith("%0ADid you mean 'python'?")


def test_sarif_is_2_1_0(project: Path) -> None:
    data = json.loads(invoke("check", "--format", "sarif")[1])
    assert data["version"] == "2.1.0"
    run = data["runs"][0]
    assert run["tool"]["driver"]["name"] == "docgates"
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [
        "code/syntax-error",
        "code/unchecked-fence",
    ]
    first = run["results"][0]
    assert first["ruleId"] == "code/syntax-error"
    assert first["level"] == "error"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "docs/index.md"
    assert location["region"] == {"startLine": 4, "startColumn": 5}


def test_junit_xml(project: Path) -> None:
    root = ET.fromstring(invoke("check", "--format", "junit")[1])
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("3", "1")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["docs/index.md"].find("failure") is not None
    assert cases["docs/fine.md"].find("failure") is None
    out = cases["docs/typo.md"].find("system-out")
    assert out is not None
    assert "code/unchecked-fence" in (out.text or "")


def test_output_file_and_summary_on_stderr(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.json"
    result = CliRunner().invoke(main, ["check", "--format", "json", "-o", str(target)])
    assert result.exit_code == 1
    assert json.loads(target.read_text())["findings"][0]["line"] == 4
    assert "1 error, 1 warning" in result.output


def test_files_as_pre_commit_passes_them(project: Path) -> None:
    code, out = invoke("check", "docs/fine.md", "docs/typo.md")
    assert code == 0
    assert "docs/index.md" not in out
    assert "in 2 files" in out


def test_files_from_another_folder_are_found_through_their_project(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.parent)
    code, out = invoke("check", "project/docs/index.md")
    assert code == 1
    assert out.startswith("project/docs/index.md:4:5: error: code/syntax-error")


def test_json_root_is_the_project_folder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project.parent)
    data = json.loads(invoke("check", "project", "--format", "json")[1])
    assert data["root"] == "project"
    assert data["findings"][0]["path"] == "docs/index.md"


def test_only_rejects_unknown_checks(project: Path) -> None:
    code, out = invoke("check", "--only", "code,lnks")
    assert code == 2
    assert "unknown check 'lnks'" in out


def test_missing_path_is_a_usage_error(project: Path) -> None:
    code, out = invoke("check", "nope.md")
    assert code == 2
    assert "'nope.md' does not exist" in out


def test_jobs_give_the_same_findings(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = {f"docs/p{i:03}.md": f"# P{i}\n\n```python\nx{i} = (\n```\n" for i in range(120)}
    monkeypatch.chdir(make_project(pages))
    serial = json.loads(invoke("check", "--format", "json", "--jobs", "1")[1])
    forked = json.loads(invoke("check", "--format", "json", "--jobs", "2")[1])
    assert forked["findings"] == serial["findings"]
    assert len(serial["findings"]) == 120
    assert forked["stats"]["pages"] == serial["stats"]["pages"]


def test_python_dash_m_and_version(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "docgates", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "docgates, version 0.1.0"
    result = subprocess.run(
        [sys.executable, "-m", "docgates", "check", "--only", "code"],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
    )
    assert result.returncode == 1
    assert result.stdout.startswith("docs/index.md:4:5: error:")


def test_include_problems_belong_to_the_code_gate(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_project({"docs/index.md": '# Home\n\n--8<-- "missing.md"\n'}))
    assert "code/include-missing" in invoke("check", "--only", "code")[1]
    code, out = invoke("check", "--only", "links")
    assert (code, "include-missing" in out) == (0, False)
