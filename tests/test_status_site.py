"""The status gate end to end: a real mkdocs build with the pages, JSON, badges and gates."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgates.cli import main
from tests.status_support import SampleRun, mkdocs_build, page_text, shared_sample, tables


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> SampleRun:
    return shared_sample(tmp_path_factory)


pytestmark = pytest.mark.slow

CONFIG = """\
site_name: Sample
theme: material
markdown_extensions:
  - attr_list
  - md_in_html
  - pymdownx.snippets:
      base_path: [., docs]
nav:
  - Home: index.md
  - Status: status/index.md
  - Coverage: status/coverage.md
plugins:
  - docgates/status:
      junit: [reports/junit*.xml]
      coverage: {coverage}
      coverage_html: reports/htmlcov
      fail_under: {fail_under}
      fail_under_file: {fail_under_file}
      severity:
        status/tests-failed: {tests_level}
"""


@pytest.fixture
def project(tmp_path: Path, sample_run: SampleRun, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("GITHUB_SHA", raising=False)
    monkeypatch.delenv("GITHUB_REF_NAME", raising=False)
    monkeypatch.delenv("GITHUB_HEAD_REF", raising=False)

    def make(
        *,
        coverage: str = "reports/coverage.json",
        fail_under: float = 0,
        fail_under_file: float = 0,
        tests_level: str = "info",
        reports: bool = True,
        extra: str = "",
    ) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        config = CONFIG.format(
            coverage=coverage,
            fail_under=fail_under,
            fail_under_file=fail_under_file,
            tests_level=tests_level,
        )
        (root / "mkdocs.yml").write_text(config + textwrap.dedent(extra), encoding="utf-8")
        (root / "docs").mkdir(exist_ok=True)
        (root / "docs/index.md").write_text("# Home\n", encoding="utf-8")
        if reports and not (root / "reports").exists():
            shutil.copytree(sample_run.root / "reports", root / "reports")
            shutil.copy(sample_run.root / ".coverage", root / ".coverage")
            shutil.copy(sample_run.root / ".coveragerc", root / ".coveragerc")
            shutil.copytree(sample_run.root / "samplepkg", root / "samplepkg")
        return root

    return make


def coverage_rows(html: str, base: str = "samplepkg/") -> dict[str, list[str]]:
    """The file table as ``coverage report`` prints it: name -> [stmts, miss, branch, brpart,
    cover] (the page shows them as File, Coverage, Missing, Partial, Statements, Branches)."""
    table = [t for t in tables(html) if t["attrs"].get("data-dg-sortable")][-1]
    assert table["rows"][0] == ["File", "Coverage", "Missing", "Partial", "Statements", "Branches"]
    assert f"Paths are relative to {base}." in page_text(html)
    rows = {}
    for row in table["rows"][1:]:
        name = base + row[0].replace(" ⚠ below 50%", "")
        cover, miss, partial, stmts, branches = row[1:6]
        rows[name] = [stmts, miss, branches, partial, cover]
    return rows


@pytest.mark.parametrize("coverage", ["reports/coverage.json", "reports/coverage.xml", ".coverage"])
def test_pages_show_coverage_pys_and_pytests_own_figures(
    project, sample_run: SampleRun, coverage: str
) -> None:
    root = project(coverage=coverage)
    built = mkdocs_build(root)
    assert built.ok, built.messages
    page = built.read("status/coverage/index.html")
    expected = {k: v for k, v in sample_run.report.items() if k != "TOTAL"}
    assert coverage_rows(page) == expected
    total = sample_run.report["TOTAL"][-1]
    text = built.text("status/coverage/index.html")
    assert f"Coverage {total} lines and branches" in text
    status = built.text("status/index.html")
    s = sample_run.summary
    assert (
        f"Passed {s['passed']} Failed {s['failed']} Errors {s['errors']} "
        f"Skipped {s['skipped']} Total {sum(s.values())} Duration " in status
    )
    assert "Failures (2)" in status
    assert "failed: tests.test_grades::test_wrong" in status
    assert "a C is not a B" in status
    assert "error: tests.test_grades::test_uses_broken" in status
    assert "RuntimeError: the fixture broke" in status
    slowest = next(t for t in tables(built.read("status/index.html")) if t["rows"][0][0] == "Test")
    assert slowest["rows"][1][0] == "tests.test_grades::test_slow"
    assert f"{total}" in status
    data = json.loads(built.read("status/status.json"))
    assert data["tests"]["passed"] == s["passed"]
    assert data["tests"]["failed"] == s["failed"]
    assert data["tests"]["errors"] == s["errors"]
    assert data["tests"]["skipped"] == s["skipped"]
    assert data["coverage"]["display"] + "%" == total
    assert data["generated_at"]
    for badge in ("coverage", "tests", "ci"):
        assert built.read(f"status/badges/{badge}.svg").startswith("<?xml")
    assert total in built.read("status/badges/coverage.svg")


def test_each_file_links_to_coverage_pys_html_page_copied_into_the_site(project) -> None:
    built = mkdocs_build(project())
    assert built.ok, built.messages
    page = built.read("status/coverage/index.html")
    assert (built.site / "status/htmlcov/index.html").is_file()
    from tests.status_support import hrefs

    links = [h for h in hrefs(page) if "htmlcov/" in h]
    assert len(links) == 4
    assert all(link.startswith("../htmlcov/z_") for link in links)
    for link in links:
        assert (built.site / "status/coverage" / link).resolve().is_file()


def test_coverage_below_fail_under_fails_the_strict_build_and_names_the_figure(
    project, sample_run: SampleRun
) -> None:
    total = sample_run.report["TOTAL"][-1]
    built = mkdocs_build(project(fail_under=90))
    assert not built.ok
    assert (
        f"WARNING: docgates: reports/coverage.json: status/coverage-below total coverage {total} "
        f"(lines " in "\n".join(built.messages)
    )
    assert "is below fail_under 90%. The coverage page lists" in "\n".join(built.messages)
    assert "ABORT: Aborted with 1 warnings in strict mode!" in built.messages
    assert "✗ is below fail_under 90%" in built.text("status/index.html")


def test_per_file_threshold_flags_the_files_below_it(project) -> None:
    built = mkdocs_build(project(fail_under_file=50))
    assert not built.ok
    lines = [m for m in built.messages if "coverage-below" in m]
    assert lines == [
        "WARNING: docgates: reports/coverage.json:1: status/coverage-below "
        "'samplepkg/extra.py' is covered 41.67%, below fail_under_file 50%",
        "WARNING: docgates: reports/coverage.json:1: status/coverage-below "
        "'samplepkg/untested.py' is covered 0.00%, below fail_under_file 50%",
    ]
    page = built.text("status/coverage/index.html")
    assert "untested.py ⚠ below 50%" in page
    assert "extra.py ⚠ below 50%" in page
    assert "2 file(s) below" in page


def test_failed_tests_are_a_finding_at_the_configured_level(project) -> None:
    built = mkdocs_build(project(tests_level="error"))
    assert not built.ok
    assert any(
        m.startswith("WARNING: docgates: reports/junit.xml:")
        and "status/tests-failed 2 of 8 tests did not pass (1 failed, 1 errors): "
        "tests.test_grades::test_wrong, tests.test_grades::test_uses_broken"
        in m
        for m in built.messages
    ), built.messages
    assert mkdocs_build(project(tests_level="info")).ok
    assert mkdocs_build(project(tests_level="ignore")).ok


def test_a_fresh_clone_builds_and_says_what_to_run(project) -> None:
    root = project(reports=False, fail_under=90)
    built = mkdocs_build(root)
    assert built.ok, built.messages
    status = built.text("status/index.html")
    assert (
        "No JUnit report matches reports/junit*.xml yet. "
        "Run pytest --junitxml=reports/junit.xml, then build again." in status
    )
    assert (
        "No coverage data at reports/coverage.json yet. "
        "Run pytest --cov --cov-report=json:reports/coverage.json, then build again." in status
    )
    assert "No data yet" in status
    coverage = built.text("status/coverage/index.html")
    assert "No coverage data at reports/coverage.json yet." in coverage
    data = json.loads(built.read("status/status.json"))
    assert data["coverage"]["percent"] is None
    assert data["tests"]["passed"] is None
    assert "unknown" in built.read("status/badges/coverage.svg")
    assert any("status/input-missing" in m and m.startswith("INFO") for m in built.messages)


def test_broken_inputs_degrade_to_a_warning_and_a_page_that_says_so(project) -> None:
    root = project(coverage="reports/coverage.json")
    (root / "reports/junit.xml").write_text("<testsuite><testcase", encoding="utf-8")
    (root / "reports/coverage.json").write_text('{"meta": {"format": 7}, "files": {}}')
    built = mkdocs_build(root)
    assert not built.ok  # warnings fail --strict
    joined = "\n".join(built.messages)
    assert (
        "reports/junit.xml: status/input-broken cannot read JUnit report: "
        "not valid XML: line 1, column 12: unclosed token" in joined
    )
    assert (
        "reports/coverage.json: status/input-broken cannot read coverage: "
        "coverage JSON format 7 is not supported (2 or 3 is)" in joined
    )
    text = built.text("status/index.html")
    assert "No coverage data" not in text  # it exists: it is broken
    assert (
        "Could not be read: reports/coverage.json: coverage JSON format 7 is not supported" in text
    )
    assert "Could not be read: reports/junit.xml: not valid XML: line 1, column 12" in text


def test_history_keeps_each_commits_figures_and_shows_the_change(
    project, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project()
    monkeypatch.setenv("GITHUB_REF_NAME", "main")
    monkeypatch.setenv("GITHUB_SHA", "a" * 40)
    first = json.loads((root / "reports/coverage.json").read_text())
    assert mkdocs_build(root).ok
    # The next commit covers less: its page names the drop since the previous main build.
    data = json.loads((root / "reports/coverage.json").read_text())
    for entry in data["files"].values():
        if entry["summary"]["num_statements"]:
            entry["summary"]["missing_lines"] = entry["summary"]["num_statements"]
            entry["summary"]["covered_lines"] = 0
    (root / "reports/coverage.json").write_text(json.dumps(data))
    monkeypatch.setenv("GITHUB_SHA", "b" * 40)
    built = mkdocs_build(root)
    assert built.ok
    history = json.loads(built.read("status/history.json"))
    assert [e["commit"] for e in history["entries"]] == ["a" * 40, "b" * 40]
    assert history["entries"][0]["coverage"] == pytest.approx(first["totals"]["percent_covered"])
    text = built.text("status/index.html")
    assert "Change since the previous build of main (aaaaaaaaaaaa, " in text
    assert "percentage points" in text
    assert "\u2212" in text  # a minus sign: coverage went down
    assert "Coverage per build" in built.read("status/index.html")
    # A rebuild of the same commit replaces its entry rather than adding one.
    built = mkdocs_build(root)
    assert len(json.loads(built.read("status/history.json"))["entries"]) == 2
    # A pull request's build compares with main; `mkdocs serve` records nothing.
    monkeypatch.setenv("GITHUB_SHA", "c" * 40)
    monkeypatch.setenv("GITHUB_HEAD_REF", "feature")
    built = mkdocs_build(root, command="serve")
    text = built.text("status/index.html")
    assert "on feature" in text
    assert "Change since the previous build of main (bbbbbbbbbbbb, " in text
    db = sqlite3.connect(root / ".docgates/history.sqlite")
    assert [r[0] for r in db.execute("SELECT commit_sha FROM builds ORDER BY id")] == [
        "a" * 40,
        "b" * 40,
    ]
    db.close()


def test_a_lost_history_store_is_seeded_from_the_published_history(
    project, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(extra="")
    monkeypatch.setenv("GITHUB_REF_NAME", "main")
    monkeypatch.setenv("GITHUB_SHA", "a" * 40)
    assert mkdocs_build(root).ok
    published = root / "published-history.json"
    shutil.copy(root / "site/status/history.json", published)
    (root / ".docgates/history.sqlite").unlink()  # the CI cache expired
    config = (root / "mkdocs.yml").read_text()
    config = config.replace(
        "      coverage_html: reports/htmlcov\n",
        "      coverage_html: reports/htmlcov\n      history_url: published-history.json\n",
    )
    (root / "mkdocs.yml").write_text(config)
    monkeypatch.setenv("GITHUB_SHA", "b" * 40)
    built = mkdocs_build(root)
    assert built.ok, built.messages
    entries = json.loads(built.read("status/history.json"))["entries"]
    assert [e["commit"] for e in entries] == ["a" * 40, "b" * 40]
    assert "Change since the previous build of main (aaaaaaaaaaaa" in built.text(
        "status/index.html"
    )


def test_a_corrupt_history_store_is_set_aside_and_rebuilt(project) -> None:
    root = project()
    (root / ".docgates").mkdir()
    (root / ".docgates/history.sqlite").write_bytes(b"this is not a database" * 100)
    built = mkdocs_build(root)
    assert not built.ok
    assert any(
        "status/input-broken the history store is not a usable SQLite file "
        "(file is not a database); "
        "moved it to 'history.sqlite.corrupt' and started a new one" in m
        for m in built.messages
    ), built.messages
    assert (root / ".docgates/history.sqlite.corrupt").is_file()
    assert mkdocs_build(root).ok


HOSTILE_NAME = (
    '<script>alert("name")</script> --8<-- "secret.txt" {{ 7*7 }} [x](javascript:alert(1))'
)


def test_hostile_strings_are_escaped_or_truncated_on_every_page(project) -> None:
    root = project(extra="")
    (root / "secret.txt").write_text("TOPSECRET\n", encoding="utf-8")
    huge = "E" * (10 * 1024 * 1024)
    from xml.sax.saxutils import escape, quoteattr

    junit = (
        '<?xml version="1.0"?><testsuites><testsuite name="s" time="1.5">'
        f'<testcase classname="t" name={quoteattr(HOSTILE_NAME)} time="0.5">'
        f"<failure message={quoteattr('<img src=x onerror=alert(2)>')}>{escape(huge)}</failure>"
        "</testcase></testsuite></testsuites>"
    )
    (root / "reports/junit.xml").write_text(junit, encoding="utf-8")
    built = mkdocs_build(root)
    pages = [p for p in built.site.rglob("*.html") if "htmlcov" not in p.parts]
    assert pages
    for page in pages:
        html = page.read_text("utf-8")
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "TOPSECRET" not in html
        assert (
            "javascript:alert" not in html.replace("&#58;", ":") or 'href="javascript' not in html
        )
        assert len(html) < 1_000_000, page
    status = built.text("status/index.html")
    assert HOSTILE_NAME in status  # shown as the text it is
    assert "{{ 7*7 }}" in status
    assert "(truncated: 10,485,7" in status
    data = built.read("status/status.json")
    assert len(data) < 100_000
    assert "truncated" in data


def test_the_cli_writes_the_same_files_and_a_job_summary(project, sample_run: SampleRun) -> None:
    root = project(fail_under=90)
    out = root / "out"
    runner = CliRunner()
    result = runner.invoke(main, ["status", str(root), "--out", str(out), "--summary"])
    assert result.exit_code == 1, result.output
    total = sample_run.report["TOTAL"][-1]
    assert (
        f"reports/coverage.json: error: status/coverage-below total coverage {total}"
        in result.stderr
    )
    assert "## ❌ docgates status: failing" in result.stdout
    assert f"| Coverage | {total} (lines " in result.stdout
    assert "below fail_under 90%" in result.stdout
    assert "### Failures (2)" in result.stdout
    assert "- tests&#46;test&#95;grades&#58;&#58;test&#95;wrong: " in result.stdout
    for name in (
        "status/index.md",
        "status/coverage.md",
        "status/status.json",
        "status/history.json",
        "status/badges/coverage.svg",
        "status/docgates-status.js",
        "status/htmlcov/index.html",
    ):
        assert (out / name).is_file(), name
    written = sum(1 for p in out.rglob("*") if p.is_file())
    s = sample_run.summary
    assert result.stderr.splitlines()[-1] == (
        f"docgates status: failing · tests: {s['passed']} passed, {s['failed'] + s['errors']} "
        f"failed, {s['skipped']} skipped · coverage {total} (below fail_under 90%) · no CI "
        f"data; wrote {written} files to {out}; recorded this build in .docgates/history.sqlite"
    )
    # Flags override the config: the gate off, the exit code 0.
    result = runner.invoke(main, ["status", str(root), "--fail-under", "0", "--no-record"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].endswith(
        "· no CI data; wrote no pages (no --out); recorded no history"
    )
    result = runner.invoke(main, ["status", str(root), "--fail-under", "abc"])
    assert result.exit_code == 2
    # --github-repo keeps the config's other github options (here: an API nobody answers).
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = (root / "mkdocs.yml").read_text()
    config = config.replace(
        "      fail_under: 90\n",
        f"      fail_under: 0\n      github: {{repo: a/b, api_url: 'http://127.0.0.1:{port}'}}\n",
    )
    (root / "mkdocs.yml").write_text(config)
    result = runner.invoke(
        main, ["status", str(root), "--out", str(out), "--github-repo", "octo/other"]
    )
    assert result.exit_code == 0, result.output
    assert f"status/github-unavailable could not reach http://127.0.0.1:{port}" in result.stderr
    assert json.loads((out / "status/status.json").read_text())["ci"]["repo"] == "octo/other"


def test_bad_status_options_are_config_errors(project) -> None:
    root = project(extra="")
    config = (root / "mkdocs.yml").read_text().replace("fail_under: 0\n", "fail_under: lots\n")
    (root / "mkdocs.yml").write_text(config)
    result = CliRunner().invoke(main, ["status", str(root)])
    assert result.exit_code == 2
    assert "'plugins.docgates/status.fail_under': expected a number, got 'lots'" in result.stderr
    config = config.replace("fail_under: lots\n", "fail_under: 0\n      github: {repos: a/b}\n")
    (root / "mkdocs.yml").write_text(config)
    result = CliRunner().invoke(main, ["status", str(root)])
    assert result.exit_code == 2
    assert (
        "'plugins.docgates/status.github.repos': unknown option. Did you mean 'repo'?"
        in result.stderr
    )


@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_the_plugin_runs_under_mkdocs_and_properdocs(project, tool: str) -> None:
    root = project(fail_under=99)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    done = subprocess.run(
        [sys.executable, "-m", tool, "build", "--strict"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "status/coverage-below total coverage" in done.stderr
    assert "is below fail_under 99%" in done.stderr
    assert (root / "site/status/status.json").is_file()


def test_old_reports_are_called_stale_and_docs_problems_fill_the_quality_tile(
    project,
) -> None:
    root = project()
    junit = (root / "reports/junit.xml").read_text()
    import re as _re

    junit = _re.sub(r'timestamp="[^"]+"', 'timestamp="2020-01-01T00:00:00+00:00"', junit)
    (root / "reports/junit.xml").write_text(junit)
    (root / "docs/broken.md").write_text("# Broken\n\n```python\nx = (\n```\n", encoding="utf-8")
    out = root / "out"
    result = CliRunner().invoke(main, ["status", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "status/index.md").read_text()

    text = page_text(page)
    assert "⚠ Stale: the test report was written " in text
    assert "before this build (2020-01-01 00:00 UTC)." in text
    # docs/broken.md is not in the nav either: the structure gate's orphan warning.
    assert (
        "Errors 1 Warnings 1 Broken links 0 Orphan pages 1 Failing examples 1 Pages checked 2"
        in (text)
    )
    assert "docs/broken.md:4:" in text


def test_a_page_of_the_same_name_in_docs_is_replaced_and_named(project) -> None:
    root = project()
    (root / "docs/status").mkdir()
    (root / "docs/status/index.md").write_text("# Mine\n", encoding="utf-8")
    built = mkdocs_build(root)
    assert not built.ok
    assert (
        "WARNING: docgates: 'status/index.md' exists in docs_dir and docgates/status replaces it "
        "with its own; change status_page, coverage_page or output_dir to keep both"
    ) in built.messages
    assert "CI status" in built.text("status/index.html")
