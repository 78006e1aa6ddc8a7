"""The GitHub Actions data, from a local server that answers like the REST API."""

from __future__ import annotations

import json
import socket
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.status_support import (
    FakeGithub,
    Server,
    github_data,
    mkdocs_build,
    serve,
    status_of,
    tables,
)

pytestmark = pytest.mark.slow

TOKEN = "ghp_docgatesTestToken0123456789abcdef"


@pytest.fixture
def api() -> Iterator[tuple[FakeGithub, Server]]:
    fake = FakeGithub()
    github_data(fake)
    yield from ((fake, server) for server in serve(fake.handler()))


def make_project(root: Path, api_url: str, extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    config = f"""\
        site_name: Sample
        theme: material
        nav:
          - Home: index.md
          - Status: status/index.md
          - Coverage: status/coverage.md
        plugins:
          - docgates/status:
              quality: false
              github:
                repo: octo/project
                api_url: {api_url}
                token_env: DOCGATES_TEST_TOKEN
        """
    (root / "mkdocs.yml").write_text(textwrap.dedent(config) + extra, encoding="utf-8")
    return root


def table_with(html: str, first: str) -> list[list[str]]:
    return next(t["rows"] for t in tables(html) if t["rows"] and t["rows"][0][0] == first)


def test_pages_show_durations_failure_rates_and_deployment_frequency(
    api: tuple[FakeGithub, Server], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, server = api
    monkeypatch.setenv("DOCGATES_TEST_TOKEN", TOKEN)
    built = mkdocs_build(make_project(tmp_path / "p", server.url))
    assert built.ok, built.messages
    html = built.read("status/index.html")
    text = built.text("status/index.html")
    # The last *finished* run on main, its duration from its jobs (not from updated_at).
    assert "CI ✓ success #11 · 11 hours ago · 3m 00s Fix the parser #11" in text
    assert "Docs ✓ success #3 · 4 hours ago · 1m 00s Fix the parser #3" in text
    assert html.count("dg-run dg-run-") == 11 + 3
    assert table_with(html, "Workflow")[1:] == [
        ["CI", "6m 00s", "8m 48s", "9", "▼ 38% faster"],
        ["Docs", "1m 00s", "1m 48s", "3", "not enough runs"],
    ]
    rates = [t["rows"] for t in tables(html) if t["rows"][0] == ["Workflow", "7 days", "30 days"]]
    assert rates == [
        [
            ["Workflow", "7 days", "30 days"],
            ["CI", "33.3% (1 of 3)", "22.2% (2 of 9)"],
            ["Docs", "0.0% (0 of 2)", "33.3% (1 of 3)"],
        ]
    ]
    assert table_with(html, "Environment")[1:] == [
        [
            "github-pages",
            f"success · 7 hours ago · {101:040x}"[:-28],
            "7 hours ago",
            "0.9 per week (4 in 30 days)",
        ],
        [
            "staging",
            f"failure · 1 day ago · {201:040x}"[:-28],
            "6 days ago",
            "0.2 per week (1 in 30 days)",
        ],
    ]
    status = json.loads(built.read("status/status.json"))
    ci = status["ci"]["workflows"][0]
    assert (ci["name"], ci["conclusion"], ci["run_number"], ci["p50_seconds"]) == (
        "CI",
        "success",
        11,
        360,
    )
    assert ci["failure_rate_7d"] == pytest.approx(100 / 3)
    # The token went to the API with every request, and nowhere else.
    assert {r["headers"].get("Authorization") for r in fake.requests} == {f"Bearer {TOKEN}"}
    for path in built.site.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
    assert TOKEN.encode() not in (tmp_path / "p/.docgates/history.sqlite").read_bytes()
    assert not any(TOKEN in m for m in built.messages)


def test_the_next_build_asks_with_etags_and_never_again_for_finished_jobs(
    api: tuple[FakeGithub, Server], tmp_path: Path
) -> None:
    fake, server = api
    root = make_project(tmp_path / "p", server.url)
    assert mkdocs_build(root).ok
    first = len(fake.requests)
    assert first == 1 + 1 + 2 + 1 + 7 + 13  # repo, workflows, runs, deployments, statuses, jobs
    assert set(status_of(fake.requests, "")) == {200}
    fake.requests.clear()
    built = mkdocs_build(root)
    assert built.ok
    assert status_of(fake.requests, "/jobs") == []
    assert status_of(fake.requests, "/statuses") == []
    assert [r["status"] for r in fake.requests] == [304] * 5
    assert all(r["headers"].get("If-None-Match") for r in fake.requests)
    assert "CI ✓ success #11" in built.text("status/index.html")


def test_a_rate_limited_api_leaves_the_cached_figures_and_says_so(
    api: tuple[FakeGithub, Server], tmp_path: Path
) -> None:
    fake, server = api
    root = make_project(tmp_path / "p", server.url)
    assert mkdocs_build(root).ok
    fake.mode = "rate-limited"
    fake.reset = 4102444800  # 2100-01-01 00:00 UTC
    built = mkdocs_build(root)
    assert built.ok, built.messages  # an unavailable API does not fail the build
    text = built.text("status/index.html")
    assert (
        f"GitHub API: rate-limited by {server.url} (no token) until 2100-01-01 00:00 UTC: "
        "API rate limit exceeded for 127.0.0.1.. Figures below come from the last cached answers."
    ) in text
    assert "CI ✓ success #11" in text
    assert any(
        m.startswith("INFO: docgates: mkdocs.yml: status/github-unavailable rate-limited")
        for m in built.messages
    ), built.messages
    assert len(fake.requests) == 25 + 1  # it stopped at the first refusal


def test_a_rate_limited_api_without_a_cache_gives_pages_that_say_so(
    api: tuple[FakeGithub, Server], tmp_path: Path
) -> None:
    fake, server = api
    fake.mode = "rate-limited"
    fake.reset = 4102444800
    built = mkdocs_build(make_project(tmp_path / "p", server.url))
    assert built.ok, built.messages
    text = built.text("status/index.html")
    assert f"GitHub API: rate-limited by {server.url} (no token) until 2100-01-01 00:00 UTC" in text
    assert "Figures below come from the last cached answers" not in text
    assert "Build times come from the GitHub Actions API" in text


def test_an_unreachable_api_gives_pages_that_say_so(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    built = mkdocs_build(make_project(tmp_path / "p", f"http://127.0.0.1:{port}"))
    assert built.ok, built.messages
    text = built.text("status/index.html")
    assert f"GitHub API: could not reach http://127.0.0.1:{port}: ConnectError:" in text


def test_the_token_never_follows_a_redirect_to_another_host(
    api: tuple[FakeGithub, Server], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, server = api
    other = FakeGithub()
    other.routes["/elsewhere"] = []
    monkeypatch.setenv("DOCGATES_TEST_TOKEN", TOKEN)
    for elsewhere in serve(other.handler()):
        fake.redirects["/repos/octo/project/deployments"] = f"{elsewhere.url}/elsewhere"
        built = mkdocs_build(make_project(tmp_path / "p", server.url))
        assert built.ok, built.messages
    assert [r["path"] for r in other.requests] == ["/elsewhere"]
    assert "Authorization" not in other.requests[0]["headers"]
    assert all(r["headers"].get("Authorization") == f"Bearer {TOKEN}" for r in fake.requests)


def test_a_missing_repository_and_the_request_budget_are_reported(
    api: tuple[FakeGithub, Server], tmp_path: Path
) -> None:
    _, server = api
    root = make_project(tmp_path / "p", server.url)
    (root / "mkdocs.yml").write_text(
        (root / "mkdocs.yml").read_text().replace("repo: octo/project", "repo: octo/gone")
    )
    built = mkdocs_build(root)
    assert built.ok
    assert (
        "GitHub API: /repos/octo/gone was not found (404); a private repository needs a token."
        in built.text("status/index.html")
    )
    root = make_project(tmp_path / "q", server.url, "        max_requests: 3\n")
    built = mkdocs_build(root)
    assert built.ok, built.messages
    assert "GitHub API: used the 3 requests one build may make." in built.text("status/index.html")


def test_hostile_workflow_names_and_commit_titles_stay_text(tmp_path: Path) -> None:
    fake = FakeGithub()
    title = '<script>alert("title")</script> {{ config }} --8<-- "x"'
    github_data(fake, title=title)
    fake.routes["/repos/octo/project/actions/workflows"]["workflows"][0]["name"] = (
        "<img src=x onerror=alert(1)>"
    )
    for server in serve(fake.handler()):
        built = mkdocs_build(make_project(tmp_path / "p", server.url))
    assert built.ok
    html = built.read("status/index.html")
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    text = built.text("status/index.html")
    assert f"{title} #11" in text
    assert "<img src=x onerror=alert(1)> ✓ success #11" in text
