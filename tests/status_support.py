"""What the status tests share: a real pytest + coverage run of a sample package, a local
server that answers like the GitHub REST API, and readers for the built HTML."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

# -- a real test run -------------------------------------------------------------------------

SAMPLE = {
    "pytest.ini": "[pytest]\ntestpaths = tests\n",
    # As CI sets it when the docs job reads data another job wrote: paths relative to the root.
    ".coveragerc": "[run]\nrelative_files = True\n",
    "samplepkg/__init__.py": "",
    "samplepkg/grades.py": """\
        def grade(score):
            if score >= 90:
                return "A"
            if score >= 50:
                return "B"
            return "C"


        def curve(scores, bonus=0):
            out = []
            for s in scores:
                if s + bonus > 100:
                    out.append(100)
                else:
                    out.append(s + bonus)
            return out
        """,
    "samplepkg/extra.py": """\
        def larger(a, b):
            if a > b:
                return a
            return b


        def never_called(x):
            if x:
                return 1
            return 2
        """,
    "samplepkg/untested.py": """\
        VALUE = 1


        def unused():
            return VALUE * 2
        """,
    "tests/test_grades.py": """\
        import time

        import pytest

        from samplepkg.extra import larger
        from samplepkg.grades import curve, grade


        def test_a():
            assert grade(95) == "A"


        def test_b():
            assert grade(60) == "B"


        def test_curve():
            assert curve([50, 99], bonus=5) == [55, 100]


        def test_larger():
            assert larger(1, 2) == 2


        def test_wrong():
            assert grade(10) == "B", "a C is not a B"


        @pytest.fixture
        def broken():
            raise RuntimeError("the fixture broke")


        def test_uses_broken(broken):
            pass


        @pytest.mark.skip(reason="not today")
        def test_skipped():
            pass


        def test_slow():
            time.sleep(0.2)
        """,
}


@dataclass
class SampleRun:
    root: Path
    summary: dict[str, int]
    """pytest's own closing line, e.g. {"passed": 5, "failed": 1, ...}."""
    report: dict[str, list[str]]
    """``coverage report --precision=2`` rows: name -> [stmts, miss, branch, brpart, cover]."""


def clean_env() -> dict[str, str]:
    """The environment without the outer run's coverage and pytest-cov variables."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COV_CORE_", "COVERAGE_", "PYTEST_")) and k != "PYTHONPATH"
    }


def run_sample(root: Path, files: dict[str, str] = SAMPLE) -> SampleRun:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "--cov=samplepkg",
            "--cov-branch",
            "--cov-report=json:reports/coverage.json",
            "--cov-report=xml:reports/coverage.xml",
            "--cov-report=html:reports/htmlcov",
            "--junitxml=reports/junit.xml",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
        check=False,
    )
    last = done.stdout.strip().splitlines()[-1]
    summary = {
        word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|skipped|errors?)", last)
    }
    if "error" in summary:
        summary["errors"] = summary.pop("error")
    report = subprocess.run(
        [sys.executable, "-m", "coverage", "report", "--precision=2"],
        cwd=root,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=60,
        check=True,
    ).stdout
    rows = {}
    for line in report.splitlines():
        parts = line.split()
        if len(parts) == 6 and parts[-1].endswith("%"):
            rows[parts[0]] = parts[1:]
    assert rows, report
    return SampleRun(root, summary, rows)


_SAMPLE: list[SampleRun] = []


def shared_sample(tmp_path_factory: pytest.TempPathFactory) -> SampleRun:
    """One real pytest + coverage run of the sample package per test process (JUnit, JSON,
    XML, .coverage, HTML); test modules expose it as their ``sample_run`` fixture."""
    if not _SAMPLE:
        _SAMPLE.append(run_sample(tmp_path_factory.mktemp("sample")))
    return _SAMPLE[0]


# -- reading built HTML ----------------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    BLOCKS = frozenset(
        [
            "p",
            "div",
            "td",
            "th",
            "tr",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "pre",
            "summary",
            "details",
            "table",
            "br",
            "nav",
            "header",
            "footer",
            "main",
            "section",
            "article",
            "label",
            "title",
        ]
    )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    """What a reader sees (entities decoded, scripts left out), whitespace collapsed."""
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[str, Any]] = []
        self.cell: list[str] | None = None
        self.stack: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            table = {"attrs": dict(attrs), "rows": []}
            self.tables.append(table)
            self.stack.append(table)
        elif tag == "tr" and self.stack:
            self.stack[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.stack:
            self.stack.pop()
        elif tag in ("td", "th") and self.cell is not None and self.stack:
            self.stack[-1]["rows"][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.found.append(value)


def hrefs(html: str) -> list[str]:
    """Every ``href``/``src`` as the browser reads it (character references decoded)."""
    parser = _Links()
    parser.feed(html)
    return parser.found


def tables(html: str) -> list[dict[str, Any]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


# -- a local GitHub API ----------------------------------------------------------------------


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FakeGithub:
    """Answers like api.github.com for one repository, from data set up by the test.

    Every 200 carries an ETag (a hash of the body); a matching ``If-None-Match`` gets a 304.
    ``mode = "rate-limited"`` answers 403 with ``X-RateLimit-Remaining: 0``. CORS headers let
    a page from another local port call it, as the published site calls api.github.com.
    """

    repo: str = "octo/project"
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(microsecond=0))
    routes: dict[str, Any] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    mode: str = "ok"
    reset: int = 0

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _cors(self) -> None:
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Headers", "Accept, If-None-Match")
                self.send_header(
                    "Access-Control-Expose-Headers",
                    "ETag, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After",
                )

            def do_OPTIONS(self) -> None:
                self.send_response(204)
                self._cors()
                self.end_headers()

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                fake.requests.append(
                    {
                        "path": url.path,
                        "query": url.query,
                        "headers": dict(self.headers.items()),
                        "status": None,
                    }
                )
                record = fake.requests[-1]
                if url.path in fake.redirects:
                    record["status"] = 302
                    self.send_response(302)
                    self.send_header("Location", fake.redirects[url.path])
                    self.end_headers()
                    return
                if fake.mode == "rate-limited":
                    body = b'{"message": "API rate limit exceeded for 127.0.0.1."}'
                    record["status"] = 403
                    self.send_response(403)
                    self._cors()
                    self.send_header("X-RateLimit-Remaining", "0")
                    self.send_header("X-RateLimit-Reset", str(fake.reset))
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                answer = fake.routes.get(url.path)
                if callable(answer):
                    answer = answer(url.query)
                if answer is None:
                    body = b'{"message": "Not Found"}'
                    record["status"] = 404
                    self.send_response(404)
                    self._cors()
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                body = json.dumps(answer).encode()
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                if self.headers.get("If-None-Match") == etag:
                    record["status"] = 304
                    self.send_response(304)
                    self._cors()
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                record["status"] = 200
                self.send_response(200)
                self._cors()
                self.send_header("ETag", etag)
                self.send_header("X-RateLimit-Remaining", "4999")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@dataclass
class Server:
    url: str
    port: int


def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[Server]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    port = server.server_address[1]
    try:
        yield Server(f"http://127.0.0.1:{port}", port)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# Runs of the "CI" workflow: (number, days ago, conclusion, minutes). Cancelled runs are left
# out of failure rates and durations; the in-progress run is left out of "last conclusion".
CI_RUNS = [
    (12, 0.01, None, None),
    (11, 0.5, "success", 3),
    (10, 1, "failure", 4),
    (9, 2, "cancelled", 1),
    (8, 3, "success", 5),
    (7, 9, "success", 5),
    (6, 12, "timed_out", 12),
    (5, 15, "success", 6),
    (4, 18, "success", 6),
    (3, 21, "success", 7),
    (2, 25, "success", 8),
]
DOCS_RUNS = [(3, 0.2, "success", 1), (2, 4, "success", 2), (1, 10, "failure", 1)]
# Deployments: (id, environment, days ago, final state)
DEPLOYMENTS = [
    (101, "github-pages", 0.3, "success"),
    (102, "github-pages", 3, "success"),
    (103, "github-pages", 8, "success"),
    (104, "github-pages", 14, "success"),
    (105, "github-pages", 22, "failure"),
    (106, "github-pages", 40, "success"),
    (201, "staging", 1, "failure"),
    (202, "staging", 6, "success"),
]


def github_data(
    fake: FakeGithub,
    *,
    title: str = "Fix the parser",
    ci_runs: list[tuple[int, float, str | None, float | None]] = CI_RUNS,
) -> None:
    """Fill ``fake.routes`` with a repository, two workflows, their runs and jobs, deployments."""
    repo, now = fake.repo, fake.now
    routes = fake.routes
    routes[f"/repos/{repo}"] = {
        "full_name": repo,
        "default_branch": "main",
        "html_url": f"https://github.com/{repo}",
    }
    routes[f"/repos/{repo}/actions/workflows"] = {
        "total_count": 2,
        "workflows": [
            {"id": 1, "name": "CI", "path": ".github/workflows/ci.yml", "state": "active"},
            {"id": 2, "name": "Docs", "path": ".github/workflows/docs.yml", "state": "active"},
        ],
    }
    every: list[dict[str, Any]] = []
    for workflow_id, runs in ((1, ci_runs), (2, DOCS_RUNS)):
        items = []
        for number, days, conclusion, minutes in runs:
            run_id = workflow_id * 1000 + number
            created = now - timedelta(days=days)
            started = created + timedelta(seconds=20)
            done = conclusion is not None
            # updated_at lags far behind the jobs: durations must come from the jobs
            updated = started + timedelta(minutes=(minutes or 0) + 30) if done else created
            items.append(
                {
                    "id": run_id,
                    "workflow_id": workflow_id,
                    "run_number": number,
                    "run_attempt": 1,
                    "status": "completed" if done else "in_progress",
                    "conclusion": conclusion,
                    "created_at": iso(created),
                    "updated_at": iso(updated),
                    "run_started_at": iso(started),
                    "html_url": f"https://github.com/{repo}/actions/runs/{run_id}",
                    "head_sha": f"{run_id:040x}",
                    "head_branch": "main",
                    "event": "push",
                    "display_title": f"{title} #{number}",
                }
            )
            if done and minutes is not None:
                routes[f"/repos/{repo}/actions/runs/{run_id}/attempts/1/jobs"] = {
                    "total_count": 2,
                    "jobs": [
                        {
                            "id": run_id * 10,
                            "started_at": iso(started),
                            "completed_at": iso(started + timedelta(minutes=minutes / 2)),
                        },
                        {
                            "id": run_id * 10 + 1,
                            "started_at": iso(started + timedelta(seconds=5)),
                            "completed_at": iso(started + timedelta(minutes=minutes)),
                        },
                    ],
                }
        routes[f"/repos/{repo}/actions/workflows/{workflow_id}/runs"] = {
            "total_count": len(items),
            "workflow_runs": items,
        }
        every.extend(items)
    every.sort(key=lambda r: r["created_at"], reverse=True)
    routes[f"/repos/{repo}/actions/runs"] = {"total_count": len(every), "workflow_runs": every}
    deployments = []
    for dep_id, env, days, state in DEPLOYMENTS:
        created = now - timedelta(days=days)
        deployments.append(
            {
                "id": dep_id,
                "environment": env,
                "sha": f"{dep_id:040x}",
                "ref": "main",
                "created_at": iso(created),
            }
        )
        routes[f"/repos/{repo}/deployments/{dep_id}/statuses"] = [
            {"state": state, "created_at": iso(created + timedelta(minutes=2))},
            {"state": "in_progress", "created_at": iso(created + timedelta(minutes=1))},
        ]
    deployments.sort(key=lambda d: d["created_at"], reverse=True)
    routes[f"/repos/{repo}/deployments"] = deployments


def status_of(requests: list[dict[str, Any]], fragment: str) -> list[int | None]:
    return [r["status"] for r in requests if fragment in r["path"]]


Builder = Callable[..., Path]


# -- building a site in-process (so coverage sees the plugin) --------------------------------


@dataclass
class Built:
    ok: bool
    messages: list[str]
    site: Path

    def read(self, path: str) -> str:
        return (self.site / path).read_text("utf-8")

    def text(self, path: str) -> str:
        return page_text(self.read(path))


def mkdocs_build(root: Path, *, command: str = "build", strict: bool = True) -> Built:
    """``mkdocs build --strict`` of ``root``, in this process; the log lines it wrote."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    messages: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(f"{record.levelname}: {record.getMessage()}")

    handler = Keep(level=logging.DEBUG)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    ok = True
    try:
        config = load_config(str(root / "mkdocs.yml"), strict=strict)
        config.plugins.on_startup(command=command, dirty=False)
        try:
            build(config)
        except Abort as exc:
            ok = False
            messages.append(f"ABORT: {exc}")
        finally:
            config.plugins.on_shutdown()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    return Built(ok, messages, root / "site")
