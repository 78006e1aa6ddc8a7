"""The status pages' layout pieces: paths, folders, ticks, badges and sections without data."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html import unescape

from docgates._core.config import StatusSettings
from docgates._core.status import svg
from docgates._core.status.badges import badges
from docgates._core.status.coverage_page import common_folder, path_cell, rollup, short_path
from docgates._core.status.model import (
    CoverageReport,
    FileCoverage,
    GithubData,
    HistoryEntry,
    Run,
    Snapshot,
    TestCase,
    TestReport,
    Workflow,
)
from docgates._core.status.pages import PageContext
from docgates._core.status.render import status_page
from tests.status_support import page_text, tables

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def test_paths_lose_their_common_folder_and_middle_folders_and_keep_a_tooltip() -> None:
    paths = ["src/pkg/a.py", "src/pkg/sub/b.py", "src/pkg/sub/deeper/c.py"]
    assert common_folder(paths) == "src/pkg/"
    assert common_folder(["a.py", "src/b.py"]) == ""
    assert common_folder(["src/pkg/only.py"]) == ""  # one file: nothing to factor out
    long = "integrations/payment_providers/stripe_and_adyen/webhooks/__init__.py"
    assert short_path(long) == "integrations/…/webhooks/__init__.py"
    assert short_path("a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w.py") == (
        "a/…/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w.py"
    )
    assert short_path("status/coverage_page.py") == "status/coverage_page.py"
    assert short_path("a/" + "b" * 60 + "/c.py") == "a/" + "b" * 60 + "/c.py"  # nothing to drop
    cell = path_cell("src/pkg/" + long, "src/pkg/", link="../htmlcov/z_1.html")
    assert unescape(cell) == (
        '<a href="../htmlcov/z_1.html"><code title="src/pkg/integrations/payment_providers/'
        'stripe_and_adyen/webhooks/__init__.py">integrations/<wbr>…/<wbr>webhooks/<wbr>'
        "__init__.py</code></a>"
    )


def _file(path: str, statements: int, missing: int, branches: int = 0, missed: int = 0):  # type: ignore[no-untyped-def]
    return FileCoverage(
        path, statements, missing, branches=branches, partial=missed, missing_branches=missed
    )


def test_coverage_rolls_up_per_folder_without_repeating_the_total() -> None:
    files = [
        _file("src/pkg/__init__.py", 0, 0),
        _file("src/pkg/core/__init__.py", 0, 0),
        _file("src/pkg/core/only/__init__.py", 0, 0),
        _file("src/pkg/core/only/a.py", 10, 2, 4, 1),
        _file("src/pkg/core/only/b.py", 10, 0),
        _file("src/pkg/cli.py", 20, 5, 2, 2),
        _file("src/pkg/web/views.py", 5, 5),
    ]
    folders = rollup(files, common_folder([f.path for f in files]))
    # src/pkg/core holds nothing but an empty __init__.py and core/only: the same figures.
    assert [(f.path, f.files, f.statements, f.missing, f.branches, f.partial) for f in folders] == [
        ("src/pkg/core/only", 3, 20, 2, 4, 1),
        ("src/pkg/web", 1, 5, 5, 0, 0),
    ]
    assert round(folders[0].percent, 2) == round(100 * (18 + 3) / (20 + 4), 2)
    assert rollup([_file("a.py", 1, 0)]) == []  # no folder to roll up into


def test_gridlines_fall_on_round_values() -> None:
    assert svg.ticks(88.45, 100) == [85.0, 90.0, 95.0, 100.0]
    assert svg.ticks(0, 505) == [0, 200, 400, 600]
    assert svg.ticks(0, 1) == [0, 0.25, 0.5, 0.75, 1.0]
    assert svg.ticks(3, 3) == [3]


def test_charts_draw_each_series_in_a_palette_tone_with_marker_and_legend() -> None:
    t0 = NOW - timedelta(days=2)
    chart = unescape(
        svg.line_chart(
            [
                svg.Series("total", [(t0, 80.0), (NOW, 82.5)], tone="primary"),
                svg.Series("lines", [(t0, 85.0), (NOW, 86.0)], "square", "5 3", "accent"),
            ],
            title="Coverage per build",
            unit="%",
            y_max=100,
        )
    )
    assert chart.count('class="dg-series dg-tone-primary" color="#4051b5"') == 2  # line, legend
    assert chart.count('class="dg-series dg-tone-accent" color="#526cfe"') == 2
    assert 'stroke-dasharray="5 3"' in chart
    assert "<title>total: 82.5% on 2026-05-01 12:00</title>" in chart
    assert ">2 builds</text>" in chart
    assert ">82.5%</text>" in chart


def _snap(**kwargs: object) -> Snapshot:
    snap = Snapshot(generated_at=NOW, commit="c" * 40, branch="main")
    for key, value in kwargs.items():
        setattr(snap, key, value)
    return snap


def _tests() -> TestReport:
    return TestReport(
        cases=[
            TestCase("test_fast", "m", 0.01, "passed"),
            TestCase("test_setup_heavy_skip", "m", 9.0, "skipped", "not today"),
            TestCase("test_slow", "m", 2.0, "passed"),
        ],
        files=["reports/junit.xml"],
        duration=11.0,
    )


def test_without_ci_data_the_badge_says_so_and_one_section_replaces_four() -> None:
    cov = CoverageReport("cov.json", "json", [_file("a.py", 10, 1)], False)
    snap = _snap(tests=_tests(), coverage=cov)
    settings = StatusSettings(fail_under=80)
    assert "no CI data" in badges(snap, fail_under=80, precision=2)["ci"]
    html = status_page(snap, PageContext(settings, "status/index.md"), "status/coverage.md")
    headings = [line for line in html.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Tests",
        "## Coverage",
        "## CI runs",
        "## Documentation quality",
        "## Machine-readable",
    ]
    text = page_text(html)
    assert "✓ Passing (tests and coverage; no CI data) · generated at" in text
    assert text.count("No CI data: GitHub Actions data is off.") == 1
    # The skipped test took 9 s of setup; it is not among the slowest.
    slowest = next(t for t in tables(html) if t["rows"][0][0] == "Test")
    assert [row[0] for row in slowest["rows"][1:]] == ["m::test_slow", "m::test_fast"]
    assert "Passed 2 Failed 0 Errors 0 Skipped 1 Total 3 Duration 11s" in text


def test_with_ci_runs_the_badge_carries_the_state() -> None:
    run = Run(1, 1, 9, "completed", "success", NOW, NOW, NOW, "", "", "t")
    gh = GithubData("o/r", "https://api", "main", workflows=[Workflow(1, "CI", "", "", [run])])
    snap = _snap(tests=_tests(), github=gh)
    assert ">passing<" in badges(snap, fail_under=0, precision=2)["ci"]
    html = status_page(snap, PageContext(StatusSettings(), "status/index.md"), None)
    assert "## Workflows" in html
    assert "## CI runs" not in html
    assert "no CI data" not in html


def test_the_trend_shows_once_two_commits_are_in_the_history() -> None:
    cov = CoverageReport("cov.json", "json", [_file("a.py", 10, 1)], False)
    first = HistoryEntry(
        generated_at=(NOW - timedelta(days=1)).isoformat(), commit="a" * 40, branch="main",
        coverage=85.0, line_coverage=85.0, passed=2, failed=0, errors=0, skipped=1,
    )  # fmt: skip
    current = HistoryEntry(
        generated_at=NOW.isoformat(), commit="c" * 40, branch="main",
        coverage=90.0, line_coverage=90.0, passed=2, failed=0, errors=0, skipped=1,
    )  # fmt: skip
    ctx = PageContext(StatusSettings(), "status/index.md")
    alone = status_page(_snap(tests=_tests(), coverage=cov, history=[current]), ctx, None)
    assert "dg-chart" not in alone
    assert "the trend starts with the next commit's build" in page_text(alone)
    both = _snap(tests=_tests(), coverage=cov, history=[first, current], current=current)
    html = status_page(both, ctx, None)
    assert html.count('class="dg-chart"') == 2  # tests and coverage
    assert (
        "Change since the previous build of main (aaaaaaaaaaaa, 2026-04-30 12:00 UTC): "
        "▲ +5.00 percentage points." in page_text(html)
    )


def test_long_test_ids_may_wrap_at_their_separators() -> None:
    from docgates._core.status.render import wrap_id

    wrapped = wrap_id("tests.test_x::test_y[a/b]")
    assert unescape(wrapped) == "tests.<wbr>test_x::<wbr>test_y[<wbr>a/<wbr>b]"
    assert wrap_id("<b>x</b>") == "&#60;b&#62;x&#60;&#47;<wbr>b&#62;"  # inert, as before


def test_last_value_labels_never_sit_on_each_other() -> None:
    assert svg._spread([100.0, 101.0, 50.0], gap=12, low=30, high=152) == [100.0, 112.0, 50.0]
    assert svg._spread([150.0, 150.0], gap=12, low=30, high=152) == [140.0, 152.0]
