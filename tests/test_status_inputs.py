"""Status inputs read from a real pytest + coverage run, and from broken or hostile files."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from docgates._core.status import figures
from docgates._core.status.coverage import CoverageError, html_pages, read_coverage
from docgates._core.status.junit import JUnitError, read_junit
from docgates._core.status.xmlread import XmlError, parse_stream
from tests.status_support import SampleRun, shared_sample


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> SampleRun:
    return shared_sample(tmp_path_factory)


FORMATS = {
    "json": "reports/coverage.json",
    "cobertura": "reports/coverage.xml",
    "data": ".coverage",
}


def test_junit_counts_match_pytests_own_summary(sample_run: SampleRun) -> None:
    cases, seconds, stamp = read_junit(sample_run.root / "reports/junit.xml", "reports/junit.xml")
    outcomes = [c.outcome for c in cases]
    assert {
        "passed": outcomes.count("passed"),
        "failed": outcomes.count("failed"),
        "skipped": outcomes.count("skipped"),
        "errors": outcomes.count("error"),
    } == sample_run.summary
    assert sample_run.summary == {"passed": 5, "failed": 1, "skipped": 1, "errors": 1}
    wrong = next(c for c in cases if c.name == "test_wrong")
    assert "a C is not a B" in wrong.message
    assert wrong.id == "tests.test_grades::test_wrong"
    assert wrong.line is not None
    assert wrong.line >= 1
    assert max(cases, key=lambda c: c.time).name == "test_slow"
    assert seconds >= 0.2
    assert stamp is not None


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_coverage_matches_coverage_reports_own_figures(sample_run: SampleRun, fmt: str) -> None:
    report = read_coverage(sample_run.root / FORMATS[fmt], sample_run.root)
    assert report.format == fmt
    assert report.branch
    rows = {
        f.path: [
            str(f.statements),
            str(f.missing),
            str(f.branches),
            str(f.partial),
            figures.display(f.percent, 2) + "%",
        ]
        for f in report.files
    }
    expected = {k: v for k, v in sample_run.report.items() if k != "TOTAL"}
    # Cobertura lists every measured file; coverage report skips none here either.
    assert rows == expected
    total = report.totals
    assert [
        str(total.statements),
        str(total.missing),
        str(total.branches),
        str(total.partial),
        figures.display(total.percent, 2) + "%",
    ] == sample_run.report["TOTAL"]


def test_line_and_branch_figures_are_kept_apart(sample_run: SampleRun) -> None:
    report = read_coverage(sample_run.root / "reports/coverage.json", sample_run.root)
    extra = next(f for f in report.files if f.path == "samplepkg/extra.py")
    assert extra.partial == 1  # `if a > b` only ever went one way
    assert extra.line_percent == 100.0 * extra.covered_lines / extra.statements
    assert extra.branch_percent == 100.0 * extra.covered_branches / extra.branches
    assert extra.line_percent != extra.branch_percent
    untested = next(f for f in report.files if f.path == "samplepkg/untested.py")
    assert untested.branch_percent is None  # no branches: not 0 %, not 100 %


def test_html_report_pages_come_from_its_own_index(sample_run: SampleRun) -> None:
    pages = html_pages(sample_run.root / "reports/htmlcov")
    assert set(pages) == {k for k in sample_run.report if k != "TOTAL"}
    for url in pages.values():
        assert (sample_run.root / "reports/htmlcov" / url).is_file()
    assert html_pages(sample_run.root / "nowhere") == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not xml at all", "not valid XML: line 1, column 1: syntax error"),
        ("<testsuites><testsuite>", "not valid XML: line 1, column 24: no element found"),
        ("<html><body/></html>", "the root element is <html>, not <testsuites> or <testsuite>"),
        (
            '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            "<testsuite><testcase name='&b;'/></testsuite>",
            "not valid XML: line 1: a DTD internal subset is not accepted",
        ),
    ],
)
def test_broken_junit_is_refused_with_the_reason(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(JUnitError) as caught:
        read_junit(path, "junit.xml")
    assert str(caught.value) == message


def test_external_entities_are_never_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    # An external DTD is never read, so the entity it would define stays unexpanded...
    xml = f'<?xml version="1.0"?><!DOCTYPE t SYSTEM "file://{secret}"><t>&ent;</t>'
    node = parse_stream(io.BytesIO(xml.encode()))
    assert node.tag == "t"
    assert node.text == ""
    # ...and a document that declares one itself is refused outright.
    xml = f'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY ent SYSTEM "file://{secret}">]><t>&ent;</t>'
    with pytest.raises(XmlError) as caught:
        parse_stream(io.BytesIO(xml.encode()))
    assert str(caught.value) == "line 1: a DTD internal subset is not accepted"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "c.json",
            "{not json",
            "not valid JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
        ),
        (
            "c.json",
            '{"meta": {"format": 9}, "files": {}}',
            "coverage JSON format 9 is not supported (2 or 3 is)",
        ),
        ("c.json", '{"meta": {"format": 3}}', "not a coverage.py JSON report: no 'files' mapping"),
        (
            "c.json",
            '{"meta": {"format": 3}, "files": {"a.py": {"summary": '
            '{"num_statements": -1, "missing_lines": 0}}}}',
            "'num_statements' is -1, not a count",
        ),
        (
            "c.json",
            '{"meta": {"format": 3}, "files": {"a.py": {"summary": {"missing_lines": 0}}}}',
            "file 'a.py': summary has no 'num_statements'",
        ),
        ("c.xml", "<report/>", "the root element is <report>, not Cobertura's <coverage>"),
        (
            "c.xml",
            "<coverage><packages><package><classes><class/></classes></package></packages></coverage>",
            "line 1: <class> has no filename",
        ),
        (
            "c.bin",
            "\x00\x01binary",
            "not a coverage.py JSON report, a Cobertura XML report or a .coverage data file",
        ),
    ],
)
def test_broken_coverage_is_refused_with_the_reason(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CoverageError) as caught:
        read_coverage(path, tmp_path)
    assert str(caught.value) == message


def test_a_coverage_data_file_is_read_with_the_projects_own_coverage_config(
    sample_run: SampleRun, tmp_path: Path
) -> None:
    # The docs job has the data file (relative_files) and a checkout, in another folder.
    shutil.copy(sample_run.root / ".coverage", tmp_path / ".coverage")
    shutil.copytree(sample_run.root / "samplepkg", tmp_path / "samplepkg")
    (tmp_path / ".coveragerc").write_text(
        "[run]\nrelative_files = True\n[report]\nomit = samplepkg/untested.py\n"
    )
    report = read_coverage(tmp_path / ".coverage", tmp_path)
    assert {f.path for f in report.files} == {
        k for k in sample_run.report if k not in ("TOTAL", "samplepkg/untested.py")
    }


def test_a_coverage_data_file_without_its_sources_is_a_clear_error(tmp_path: Path) -> None:
    from coverage import CoverageData

    data = CoverageData(basename=str(tmp_path / ".coverage"))
    data.add_lines({str(tmp_path / "gone.py"): [1, 2]})
    data.write()
    with pytest.raises(CoverageError) as caught:
        read_coverage(tmp_path / ".coverage", tmp_path)
    assert str(caught.value).startswith("coverage.py could not read it: No source for code:")
    assert "gone.py" in str(caught.value)


def test_percentages_are_shown_as_coverage_py_shows_them() -> None:
    assert figures.display(99.999, 2) == "99.99"
    assert figures.display(0.0001, 2) == "0.01"
    assert figures.display(100.0, 2) == "100.00"
    assert figures.display(42.857142, 0) == "43"
    assert figures.should_fail(89.996, 90, 2) is False  # 90.00 shown, 90 passes
    assert figures.should_fail(89.994, 90, 2) is True
    assert figures.should_fail(99.99, 100, 2) is True
    assert figures.should_fail(89.95, 89.96, 1) is True  # fail_under's own digits count
