"""Units of the status gate: the stores, the API client's refusals, the summary, JUnit dialects."""

from __future__ import annotations

import functools
import json
from datetime import datetime, timedelta, timezone
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import httpx
import pytest

from docgates._core.config import GithubSettings, StatusSettings
from docgates._core.status import figures, safe
from docgates._core.status.github import fetch
from docgates._core.status.history import (
    MemoryStore,
    SqliteStore,
    history_document,
    parse_history_json,
    read_published,
)
from docgates._core.status.junit import merge, read_junit
from docgates._core.status.model import HistoryEntry, Snapshot, TestCase, TestReport
from docgates._core.status.summary import summary
from tests.status_support import serve

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def entry(commit: str, coverage: float, branch: str = "main") -> HistoryEntry:
    return HistoryEntry(
        generated_at=NOW.isoformat(), commit=commit, branch=branch, coverage=coverage
    )


@pytest.mark.parametrize("make", [MemoryStore, lambda: SqliteStore(Path("unused"))])
def test_stores_keep_one_entry_per_commit_and_branch(make, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = make()
    store.record(entry("a", 80.0))
    store.record(entry("a", 81.0))  # a rebuild of the same commit replaces it
    store.record(entry("a", 70.0, branch="pr"))
    store.record(entry("", 60.0))  # no commit known: always a new entry
    store.record(entry("", 61.0))
    assert [(e.commit, e.branch, e.coverage) for e in store.entries()] == [
        ("a", "main", 81.0),
        ("a", "pr", 70.0),
        ("", "main", 60.0),
        ("", "main", 61.0),
    ]
    assert store.get("u") is None
    store.put("u", '"e"', "{}", final=True)
    cached = store.get("u")
    assert cached is not None
    assert (cached.etag, cached.body, cached.final) == ('"e"', "{}", True)
    store.close()


def test_history_document_round_trips_and_rejects_strangers() -> None:
    doc = history_document([entry("a", 1.0), entry("b", 2.0), entry("c", 3.0)], limit=2)
    assert [e.commit for e in parse_history_json(json.dumps(doc))] == ["b", "c"]
    with pytest.raises(ValueError, match=r"not a docgates\.history/1 document"):
        parse_history_json('{"schema": "other"}')
    with pytest.raises(ValueError, match="'entries' is not a list"):
        parse_history_json('{"schema": "docgates.history/1", "entries": {}}')


def test_published_history_is_read_over_http(tmp_path: Path) -> None:
    (tmp_path / "history.json").write_text(json.dumps(history_document([entry("a", 5.0)], 10)))
    (tmp_path / "bad.json").write_text("[]")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    for server in serve(handler):  # type: ignore[arg-type]
        assert [e.commit for e in read_published(f"{server.url}/history.json", tmp_path)] == ["a"]
        assert read_published(f"{server.url}/missing.json", tmp_path) == []  # nothing published yet
        with pytest.raises(ValueError, match=r"bad.json: not a docgates.history/1 document"):
            read_published(f"{server.url}/bad.json", tmp_path)
        port = server.port
    with pytest.raises(
        ValueError, match=f"could not fetch http://127.0.0.1:{port}/h.json: ConnectError"
    ):
        read_published(f"http://127.0.0.1:{port}/h.json", tmp_path, timeout=2)
    assert [e.commit for e in read_published("history.json", tmp_path)] == ["a"]
    assert read_published("nowhere.json", tmp_path) == []


def api(handler) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


def settings(**options) -> GithubSettings:
    return GithubSettings(repo="o/r", api_url="https://api.example.test", **options)


@pytest.mark.parametrize(
    ("status", "headers", "body", "problem"),
    [
        (
            401,
            {},
            {"message": "Bad credentials"},
            "https://api.example.test refused the token in $GITHUB_TOKEN (401 Bad credentials)",
        ),
        (
            502,
            {},
            {"message": "Server Error"},
            "https://api.example.test failed (502 Server Error)",
        ),
        (422, {}, {"message": "Validation Failed"}, "/repos/o/r: 422 Validation Failed"),
        (
            403,
            {"Retry-After": "30"},
            {"message": "secondary rate limit"},
            "rate-limited by https://api.example.test (no token) until",
        ),
        (
            200,
            {},
            None,
            "https://api.example.test answered /repos/o/r with something that is not JSON",
        ),
    ],
)
def test_api_refusals_become_a_problem_never_an_exception(status, headers, body, problem) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if body is None:
            return httpx.Response(status, text="<html>", headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    data = fetch(settings(), MemoryStore(), NOW, transport=api(answer))
    assert data.problem is not None
    assert data.problem.startswith(problem)
    assert data.workflows == []


def test_a_token_is_sent_to_the_api_origin_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_TOKEN", "s3cret")
    seen: list[tuple[str, str | None]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), request.headers.get("Authorization")))
        return httpx.Response(404, json={"message": "Not Found"})

    data = fetch(settings(token_env="MY_TOKEN"), MemoryStore(), NOW, transport=api(answer))
    assert seen == [("https://api.example.test/repos/o/r", "Bearer s3cret")]
    assert data.problem == "/repos/o/r was not found (404)"
    assert "s3cret" not in repr(data)


def test_runs_without_jobs_take_their_duration_from_the_run() -> None:
    started = NOW - timedelta(hours=1)
    routes = {
        "/repos/o/r": {"default_branch": "trunk", "html_url": "https://example.test/o/r"},
        "/repos/o/r/actions/workflows": {
            "workflows": [
                {
                    "id": 7,
                    "name": "Build",
                    "path": "dynamic/pages",
                    "state": "active",
                    "html_url": "https://example.test/w",
                },
                {"id": 8, "name": "Old", "state": "disabled_manually"},
            ]
        },
        "/repos/o/r/actions/workflows/7/runs": {
            "workflow_runs": [
                {
                    "id": 1,
                    "workflow_id": 7,
                    "run_number": 3,
                    "status": "completed",
                    "conclusion": "success",
                    "created_at": started.isoformat(),
                    "run_started_at": started.isoformat(),
                    "updated_at": (started + timedelta(minutes=4)).isoformat(),
                    "head_commit": {"message": "First line\nsecond"},
                },
                {"id": "bad"},
            ]
        },
        "/repos/o/r/deployments": [
            {"id": 5, "environment": "prod", "created_at": started.isoformat()},
            {"id": 6},
        ],
        "/repos/o/r/deployments/5/statuses": [],
    }

    def answer(request: httpx.Request) -> httpx.Response:
        body = routes.get(request.url.path)
        return httpx.Response(200, json=body) if body is not None else httpx.Response(404, json={})

    data = fetch(settings(), MemoryStore(), NOW, transport=api(answer))
    assert data.branch == "trunk"
    assert [w.name for w in data.workflows] == ["Build"]
    assert data.workflows[0].url == "https://example.test/w"
    run = data.workflows[0].runs[0]
    assert (run.duration, run.title) == (240.0, "First line")
    assert [(d.environment, d.succeeded) for d in data.deployments] == [("prod", False)]


def snapshot_for_summary() -> Snapshot:
    cases = [TestCase(f"t{i}", "m", 0.1 * i, "failed", f"boom | {i}\nmore") for i in range(25)]
    snap = Snapshot(generated_at=NOW, commit="abc123def456789", branch="main")
    snap.tests = TestReport(cases=cases, files=["j.xml"], duration=2.5)
    snap.history = [entry("old", 50.0)]
    return snap


def test_the_job_summary_is_markdown_that_untrusted_text_cannot_break() -> None:
    text = summary(snapshot_for_summary(), StatusSettings())
    assert text.startswith(
        "## ❌ docgates status: failing\n\n"
        "Generated at 2026-05-01 12:00 UTC from commit abc123def456.\n"
    )
    assert "| Tests | 0 passed, 25 failed, 0 errors, 0 skipped in 2.50s |" in text
    assert "| Coverage | no coverage data |" in text
    assert "- m&#58;&#58;t0: boom &#124; 0" in text
    assert "- … and 5 more" in text
    assert "| m&#58;&#58;t24 | 2.400 |" in text


def test_junit_dialects(tmp_path: Path) -> None:
    path = tmp_path / "j.xml"
    path.write_text(
        '<testsuite tests="3" timestamp="2026-05-01T10:00:00Z">'
        '<testcase name="a" time="1,200.5"/><testcase name="b" time="nan"/>'
        '<testcase classname="" name=""><skipped/></testcase></testsuite>'
    )
    cases, seconds, stamp = read_junit(path, "j.xml")
    assert [(c.id, c.time, c.outcome) for c in cases] == [
        ("a", 1200.5, "passed"),
        ("b", 0.0, "passed"),
        ("(unnamed)", 0.0, "skipped"),
    ]
    assert seconds == 1200.5  # no suite time: the cases' sum
    assert stamp == datetime(2026, 5, 1, 10, 0, tzinfo=timezone.utc)
    report = merge([("j.xml", cases, seconds, stamp), ("k.xml", [], 1.0, None)])
    assert (report.total, report.duration, report.files) == (3, 1201.5, ["j.xml", "k.xml"])


def test_figures_helpers() -> None:
    assert figures.quantile([], 0.5) is None
    assert figures.quantile([4.0], 0.9) == 4.0
    assert figures.human_duration(None) == "\u2013"
    assert figures.human_duration(4000) == "1h 06m"
    assert figures.human_age(NOW + timedelta(seconds=5), NOW) == "just now"
    assert figures.human_age(NOW - timedelta(seconds=30), NOW) == "just now"
    assert figures.human_age(NOW - timedelta(days=1), NOW) == "1 day ago"
    assert safe.url("javascript:alert(1)") is None
    assert safe.url("https://x.test/a?b=<c>") == safe.text("https://x.test/a?b=<c>")
    assert safe.url("http://[::1") is None
    assert safe.text("a\x00b\u202eok\tend") == "abok    end"


def test_the_job_summary_names_coverage_its_change_and_the_workflows() -> None:
    from docgates._core.status.model import CoverageReport, FileCoverage, GithubData, Run, Workflow

    snap = Snapshot(generated_at=NOW, commit="c" * 40, branch="main")
    snap.coverage = CoverageReport(
        "cov.json", "json", [FileCoverage("a.py", 10, 1, branches=4, missing_branches=1)], True
    )
    snap.history = [entry("b" * 40, 80.0)]
    run = Run(1, 1, 9, "completed", "failure", NOW, NOW, NOW, "", "", "t")
    snap.github = GithubData(
        "o/r", "https://api", "main", workflows=[Workflow(1, "CI | x", "", "", [run])]
    )
    snap.github.problem = "rate-limited"
    text = summary(snap, StatusSettings(fail_under=90))
    assert "| Coverage | 85.71% (lines 90.00%, branches 75.00%); below fail_under 90% |" in text
    assert "| Since bbbbbbbbbbbb | +5.71 percentage points |" in text
    assert "| CI &#124; x | failure &#40;&#35;9&#41; |" in text
    assert "| GitHub API | rate&#45;limited |" in text
