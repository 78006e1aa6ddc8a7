"""Status inputs that are broken on purpose: each becomes 'broken input' (or is ignored), never a
crash of ``docgates status`` or of the site build."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from docgates._core.config import GithubSettings
from docgates._core.status import github
from docgates._core.status.coverage import read_coverage
from docgates._core.status.history import MemoryStore, parse_history_json
from docgates._core.status.junit import read_junit
from docgates._core.status.model import HistoryEntry

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
FAR = "9999-12-31T23:59:59-05:00"  # year 10000 once in UTC


def _coverage_json(**meta: object) -> str:
    summary = {"num_statements": 2, "missing_lines": 1}
    return json.dumps(
        {"meta": {"format": 3, **meta}, "files": {"a.py": {"summary": summary}}}, indent=1
    )


def test_a_junit_timestamp_past_year_9999_is_no_timestamp(tmp_path: Path) -> None:
    # In: <testsuite timestamp="9999-12-31T23:59:59-05:00">. Out: the cases, no timestamp.
    path = tmp_path / "junit.xml"
    path.write_text(
        f'<testsuite name="s" timestamp="{FAR}"><testcase name="t" time="0.1"/></testsuite>'
    )
    cases, _, stamp = read_junit(path, "junit.xml")
    assert [c.name for c in cases] == ["t"]
    assert stamp is None


def test_a_coverage_json_timestamp_past_year_9999_is_no_timestamp(tmp_path: Path) -> None:
    path = tmp_path / "coverage.json"
    path.write_text(_coverage_json(timestamp=FAR))
    report = read_coverage(path, tmp_path)
    assert report.timestamp is None
    assert report.totals.statements == 2


def test_cobertura_numbers_that_only_look_like_digits(tmp_path: Path) -> None:
    # In: a Cobertura line number '²', hits '³' and a timestamp of 10**30 ms.
    # Out: the line is skipped, the timestamp ignored; the other line counts.
    path = tmp_path / "coverage.xml"
    path.write_text(
        f'<coverage timestamp="{10**30}"><packages><package><classes>'
        '<class filename="a.py"><lines><line number="²" hits="1"/>'
        '<line number="2" hits="³"/></lines></class>'
        "</classes></package></packages></coverage>"
    )
    report = read_coverage(path, tmp_path)
    assert report.timestamp is None
    assert [(f.path, f.statements, f.missing) for f in report.files] == [("a.py", 1, 1)]


@pytest.mark.parametrize("name", ["coverage.json", "history.json"])
def test_deeply_nested_json_is_broken_input(tmp_path: Path, name: str) -> None:
    # In: 100,000 nested objects as coverage.json and as a published history.json.
    # Out: a reason (ValueError / CoverageError), not a RecursionError.
    text = '{"a":' * 100_000 + "1" + "}" * 100_000
    if name == "coverage.json":
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(ValueError, match="nested too deeply"):
            read_coverage(path, tmp_path)
    else:
        with pytest.raises(ValueError, match="nested too deeply"):
            parse_history_json(text)


def test_history_entries_that_cannot_be_charted_are_dropped() -> None:
    # In: a published history.json with a bad time, a far time, a number too large for a float
    # and 'tests'/'durations' that are not objects. Out: only the readable entries, with the
    # unusable figures left empty.
    entries = [
        {"generated_at": "yesterday"},
        {"generated_at": FAR},
        {"generated_at": "2026-11-30T10:00:00+00:00", "coverage": 10**400, "tests": [1]},
        {"generated_at": "2026-11-30T11:00:00+00:00", "durations": "fast", "coverage": 91.5},
    ]
    text = json.dumps({"schema": "docgates.history/1", "entries": entries})
    got = parse_history_json(text)
    assert [(e.generated_at, e.coverage, e.passed) for e in got] == [
        ("2026-11-30T10:00:00+00:00", None, None),
        ("2026-11-30T11:00:00+00:00", 91.5, None),
    ]
    assert HistoryEntry.from_dict({"generated_at": "x", "coverage": float("inf")}).coverage is None


def _api(routes: dict[str, httpx.Response]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        return routes.get(request.url.path, httpx.Response(404, json={"message": "Not Found"}))

    return httpx.MockTransport(handle)


def test_github_values_docgates_cannot_use_are_a_problem_not_a_crash() -> None:
    # In: the API lists a workflow whose 'id' is not a number. Out: GitHub data with a problem
    # that says so; the rest of the status pages go on.
    transport = _api(
        {
            "/repos/o/r": httpx.Response(200, json={"default_branch": "main"}),
            "/repos/o/r/actions/workflows": httpx.Response(
                200, json={"workflows": [{"id": "not-a-number", "name": "CI", "state": "active"}]}
            ),
        }
    )
    data = github.fetch(GithubSettings(repo="o/r"), MemoryStore(), NOW, transport=transport)
    assert data.problem is not None
    assert data.problem.startswith("https://api.github.com answered with data docgates cannot read")
    assert "ValueError" in data.problem


@pytest.mark.parametrize(
    "headers",
    [
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "9" * 40},
        {"Retry-After": "9" * 40},
        {"Retry-After": "²"},
    ],
)
def test_huge_rate_limit_headers_are_a_problem_not_a_crash(headers: dict[str, str]) -> None:
    # In: a 403 with X-RateLimit-Reset or Retry-After far past any date, or not ASCII digits.
    # Out: the data says it was rate-limited; no OverflowError.
    raw = [(k.encode(), v.encode()) for k, v in headers.items()]
    transport = _api({"/repos/o/r": httpx.Response(403, headers=raw, json={"message": "x"})})
    data = github.fetch(GithubSettings(repo="o/r"), MemoryStore(), NOW, transport=transport)
    assert data.problem is not None
    assert "rate-limited" in data.problem or "403" in data.problem


def test_docgates_status_calls_broken_inputs_broken(tmp_path: Path) -> None:
    # In: 'docgates status' with a JUnit report stamped in year 10000 and a coverage.json
    # nested 100,000 deep. Out: exit 0, the JUnit counted, the coverage 'broken input', no
    # traceback.
    (tmp_path / "junit.xml").write_text(
        f'<testsuite timestamp="{FAR}"><testcase name="t"/></testsuite>'
    )
    (tmp_path / "coverage.json").write_text('{"a":' * 100_000 + "1" + "}" * 100_000)
    result = subprocess.run(
        [
            sys.executable, "-m", "docgates", "status", "--junit", "junit.xml",
            "--coverage", "coverage.json", "--history", "", "--summary",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert (
        "coverage.json: warning: status/input-broken cannot read coverage: not a coverage.py "
        "JSON report: nested too deeply"
    ) in result.stderr
    assert "| Tests | 1 passed" in result.stdout
