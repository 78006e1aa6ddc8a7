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


@pytest.mark.slow
def test_build_reports_what_the_plugins_report(make_project: MakeProject) -> None:
    # The config lists no docgates plugin: --build adds the gates after the project's own
    # plugins. The findings are the ones the plugins logged in a real build, word for word.
    config = "site_name: Test\nnav:\n  - index.md\nplugins:\n  - search\n"
    pages = {
        "docs/index.md": "# Home\n\n[x](#zz)\n\n```python\nx = (\n```\n\n#### Deep\n",
        "docs/extra.md": "# Extra\n",
    }
    root = make_project(pages, config=config)
    code, out = cli(root, "--build", "--format", "json")
    (root / "mkdocs.yml").write_text(
        config + "  - docgates/code\n  - docgates/links\n  - docgates/structure\n"
    )
    gated = build(root)
    assert code == 1
    assert cli_lines(out) == plugin_lines(gated)
    assert len(cli_lines(out)) == 4
    (root / "mkdocs.yml").write_text(config)
    assert json.loads(out)["notices"] == []
    # MkDocs' own warnings are notices, and fail --strict as they fail the build (without the
    # links gate, which takes MkDocs' own link check over, MkDocs warns about the link).
    (root / "docs/index.md").write_text("# Home\n\n[x](nope.md)\n")
    code, out = cli(root, "--build", "--strict", "--only", "code", "--format", "json")
    data = json.loads(out)
    assert data["notices"] == [
        "mkdocs build: WARNING: Doc file 'index.md' contains a link 'nope.md', but the target is "
        "not found among documentation files."
    ]
    assert code == 1


@pytest.mark.slow
def test_build_on_a_corpus_build_project(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[2] / "shared" / "corpus-build" / "mkdocs-static-i18n"
    if not source.is_dir():
        pytest.skip("../shared/corpus-build is not available")
    root = tmp_path / "i18n"
    shutil.copytree(source, root)
    code, out = cli(root, "--build", "--format", "json")
    # The same gates listed after the project's own plugins, built by `mkdocs build`.
    lines = (root / "mkdocs.yml").read_text().split("\n")
    start = lines.index("plugins:")
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i] and not lines[i][0].isspace()),
        len(lines),
    )
    lines[end:end] = ["  - docgates/code", "  - docgates/links", "  - docgates/structure"]
    (root / "mkdocs.yml").write_text("\n".join(lines))
    # i18n builds the site once per language: the gates report a finding once per build,
    # --build reports it once.
    logged = plugin_lines(build(root, "mkdocs", "-d", str(tmp_path / "site")))
    assert cli_lines(out) == sorted(set(logged))
    assert code == (1 if any(f["severity"] == "error" for f in json.loads(out)["findings"]) else 0)


@pytest.mark.slow
def test_build_of_a_strict_config_reports_and_fails(make_project: MakeProject) -> None:
    # 'strict: true' in the config aborts the build on the gates' warnings: --build still
    # reports them, says why the build stopped, and fails as the build did.
    config = "site_name: Test\nstrict: true\nnav:\n  - index.md\n"
    root = make_project({"docs/index.md": "# Home\n\n#### Deep\n"}, config=config)
    code, out = cli(root, "--build", "--format", "json")
    data = json.loads(out)
    assert [f["rule"] for f in data["findings"]] == ["structure/heading-skip"]
    assert data["notices"] == [
        "mkdocs build: Aborted with 1 warnings in strict mode! (the config sets strict: true)"
    ]
    assert code == 1
