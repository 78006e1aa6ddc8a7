"""A bug in docgates on one page is a finding on that page and the run goes on; only a tool
that cannot go on exits 2, with one line (the traceback behind --debug)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docgates._core.checks import code as code_check
from docgates._core.document import DocumentBuilder
from docgates._core.findings import RULES
from tests.conftest import MakeProject
from tests.helpers import run

PAGES = {
    "docs/a.md": "# A\n\n```python\nx = (\n```\n",
    "docs/b.md": "# B\n\n```python\ny = 1\n```\n",
    "docs/c.md": "# C\n\n[a](a.md)\n",
}


def _crash_on(rel: str, real):  # type: ignore[no-untyped-def]
    def crashing(doc, *args, **kwargs):  # type: ignore[no-untyped-def]
        if doc.rel == rel:
            raise KeyError("boom")
        return real(doc, *args, **kwargs)

    return crashing


def test_a_crash_in_a_gate_on_one_page_is_a_finding_there(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In: the code gate raises KeyError('boom') on docs/b.md. Out: docs/b.md gets one
    # docgates/internal-error with the exception's type and last frame and a hint to report
    # it; the syntax error on docs/a.md is still reported; nothing propagates.
    root = make_project(PAGES)
    monkeypatch.setattr(
        code_check, "check_document", _crash_on("docs/b.md", code_check.check_document)
    )
    report = run(root, ("code", "links"))
    rules = [(f.path, f.rule) for f in report.findings]
    assert rules == [("docs/a.md", "code/syntax-error"), ("docs/b.md", "docgates/internal-error")]
    crash = report.findings[1]
    assert crash.line is None
    assert crash.message.startswith(
        "docgates failed while running the code gate on this page: KeyError: 'boom' (at "
    )
    assert "tests/test_internal_errors.py" in crash.message
    assert crash.hint is not None
    assert crash.hint.startswith("This is a bug in docgates, not in the page: please report it")
    assert len(report.tracebacks) == 1
    assert "KeyError: 'boom'" in report.tracebacks[0]


def test_a_crash_while_reading_one_page(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In: parsing docs/c.md raises. Out: an internal-error on docs/c.md; the others checked.
    root = make_project(PAGES)
    real = DocumentBuilder.build

    def build(self, path, rel, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        if rel == "docs/c.md":
            raise RecursionError("maximum recursion depth exceeded")
        return real(self, path, rel, text, *args, **kwargs)

    monkeypatch.setattr(DocumentBuilder, "build", build)
    report = run(root, ("code",))
    assert [(f.path, f.rule) for f in report.findings] == [
        ("docs/a.md", "code/syntax-error"),
        ("docs/c.md", "docgates/internal-error"),
    ]
    assert report.findings[1].message.startswith(
        "docgates failed while reading this page: RecursionError: maximum recursion depth "
    )


def test_the_rule_is_registered_and_documented() -> None:
    assert RULES["docgates/internal-error"].severity.value == "error"
    rules_page = (Path(__file__).parents[1] / "docs" / "rules.md").read_text("utf-8")
    assert "| `docgates/internal-error` |" in rules_page


CRASHING_CLI = """\
import sys
from docgates._core.checks import code as code_check
real = code_check.check_document
def crashing(doc, *args, **kwargs):
    if doc.rel == "docs/b.md":
        raise KeyError("boom")
    return real(doc, *args, **kwargs)
code_check.check_document = crashing
{extra}
from docgates.cli import main
sys.argv = ["docgates", *sys.argv[1:]]
main()
"""


def _cli(root: Path, *args: str, extra: str = "") -> subprocess.CompletedProcess[str]:
    script = CRASHING_CLI.format(extra=extra)
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_cli_reports_a_page_crash_as_a_finding_and_exits_1(make_project: MakeProject) -> None:
    # In: 'docgates check --format json' with the code gate crashing on docs/b.md. Out: exit 1
    # (an error finding), the JSON holds every page's findings, stderr has no traceback.
    root = make_project(PAGES)
    result = _cli(root, "check", "--format", "json")
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)["findings"]
    assert [(f["path"], f["rule"]) for f in found] == [
        ("docs/a.md", "code/syntax-error"),
        ("docs/b.md", "docgates/internal-error"),
    ]
    assert "Traceback" not in result.stderr
    debug = _cli(root, "check", "--format", "json", "--debug")
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert "KeyError: 'boom'" in debug.stderr


def test_a_tool_that_cannot_go_on_exits_2_with_one_line(make_project: MakeProject) -> None:
    # In: a failure outside any page (writing the report raises). Out: exit 2, one line on
    # stderr naming the exception; with --debug (before or after the command) the traceback.
    root = make_project(PAGES)
    extra = textwrap.dedent(
        """
        import docgates.cli
        def broken(*args, **kwargs):
            raise RuntimeError("the report cannot be written")
        docgates.cli._emit = broken
        """
    )
    result = _cli(root, "check", extra=extra)
    assert result.returncode == 2
    assert result.stderr == (
        "docgates: internal error: RuntimeError: the report cannot be written (this is a bug "
        "in docgates; run with --debug for the traceback, and please report it)\n"
    )
    for args in (("--debug", "check"), ("check", "--debug")):
        debug = _cli(root, *args, extra=extra)
        assert debug.returncode == 2
        assert debug.stderr.startswith("Traceback (most recent call last)")
        assert debug.stderr.endswith("please report it)\n")


pytest_plugins = ["pytester"]


def test_a_page_that_crashes_the_pytest_plugin_does_not_stop_the_run(
    pytester: pytest.Pytester,
) -> None:
    # In: 'pytest --docgates' over two pages, where planning docs/bad.md raises. Out: the good
    # page's block passes, the bad page is one failed item with the internal-error finding;
    # the run is not interrupted by a collection error.
    pytester.makefile(".yml", mkdocs="site_name: T\nmarkdown_extensions: [pymdownx.superfences]\n")
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs/good.md").write_text("```python\nprint(1)\n#> 1\n```\n")
    (pytester.path / "docs/bad.md").write_text("```python\nprint(2)\n#> 2\n```\n")
    pytester.makeconftest(
        textwrap.dedent(
            """
            from docgates._core.execute import plan
            from docgates import pytest_plugin
            real = plan.plan_page
            def crashing(doc, *args, **kwargs):
                if doc.rel.endswith("bad.md"):
                    raise ValueError("planning failed")
                return real(doc, *args, **kwargs)
            pytest_plugin.plan_page = crashing
            """
        )
    )
    result = pytester.runpytest_subprocess("--docgates", "docs", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*docgates/internal-error docgates failed while collecting the blocks of this page:*"]
    )
