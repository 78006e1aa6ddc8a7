"""External URLs against a real server on 127.0.0.1: each behaviour, retries, the cache."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from docgates._core.cache import LinkCache
from docgates._core.config import LinksSettings
from docgates._core.engine import Engine
from docgates._core.linkcheck import ExternalChecker, mailto_ok, tel_ok
from docgates._core.project import load_project
from docgates._core.transport import (
    HttpxTransport,
    MemoryTransport,
    Request,
    Response,
    TransportError,
    _kind,
)
from tests.conftest import MakeProject
from tests.linkserver import refused_url, serving

PAGE = """\
# Links

- [ok]({base}/ok) and again [ok]({base}/ok)
- [missing]({base}/missing) and again [missing]({base}/missing)
- [gone]({base}/gone)
- [moved]({base}/moved)
- [moved to missing]({base}/moved-missing)
- [temporary]({base}/temporary)
- [no HEAD]({base}/no-head)
- [slow]({base}/slow)
- [reset]({base}/reset)
- [refused]({refused})
- [busy, then fine]({base}/busy)
- [busy, then missing]({base}/busy-missing)
- [busy for an hour]({base}/busy-long)
- [forbidden]({base}/forbidden)
- [server error]({base}/error)
- <a href="mailto:someone@example.org">mail</a> [bad mail](mailto:nobody) [tel](tel:+1-201-555-0123)
- [ftp](ftp://example.org/file)
"""


def _settings(cache: Path) -> dict[str, object]:
    return {
        "external_timeout": 0.5,
        "external_retries": 1,
        "external_budget": 5.0,
        "external_cache": str(cache),
    }


def _run(root: Path, links: dict[str, object]):  # type: ignore[no-untyped-def]
    project = load_project(root)
    return Engine(project, project.settings({"links": links})).check(["external"])


def test_each_behaviour_and_the_second_run(make_project: MakeProject, tmp_path: Path) -> None:
    with serving(slow=2.0) as server:
        base, refused = server.base, refused_url()
        root = make_project({"docs/index.md": PAGE.format(base=base, refused=refused)})
        report = _run(root, _settings(tmp_path / "cache.sqlite"))
        again = (root / "docs/index.md").read_text().split("\n")[3].rindex("[missing]") + 1
        broken, unverified = "links/external-broken", "links/external-unverified"
        expected = [
            ("error", "4:3", broken, f"{base}/missing", "is broken: HTTP 404"),
            ("error", f"4:{again}", broken, f"{base}/missing", "is broken: HTTP 404"),
            ("error", "5:3", broken, f"{base}/gone", "is broken: HTTP 410"),
            (
                "info",
                "6:3",
                "links/external-redirect",
                f"{base}/moved",
                f"has moved permanently to '{base}/ok'",
            ),
            (
                "error",
                "7:3",
                broken,
                f"{base}/moved-missing",
                f"is broken: HTTP 404 at '{base}/missing'",
            ),
            ("warning", "10:3", unverified, f"{base}/slow", "could not be verified: timed out"),
            (
                "warning",
                "11:3",
                unverified,
                f"{base}/reset",
                "could not be verified: connection reset",
            ),
            ("error", "12:3", broken, refused, "is broken: connection refused"),
            ("error", "14:3", broken, f"{base}/busy-missing", "is broken: HTTP 404"),
            (
                "warning",
                "15:3",
                unverified,
                f"{base}/busy-long",
                "could not be verified: rate limited (HTTP 429) past the retry budget",
            ),
            (
                "warning",
                "16:3",
                unverified,
                f"{base}/forbidden",
                "could not be verified: HTTP 403: the site refuses automated checks",
            ),
            (
                "warning",
                "17:3",
                unverified,
                f"{base}/error",
                "could not be verified: HTTP 500: the server failed",
            ),
            (
                "error",
                "18:49",
                broken,
                "mailto:nobody",
                "is broken: 'nobody' is not an e-mail address",
            ),
        ]
        assert [(f.severity.value, str(f)) for f in report.findings] == [
            (level, f"docs/index.md:{where}: {rule} URL '{url}' {text}")
            for level, where, rule, url, text in expected
        ]
        stats = report.stats.extra["external"]
        distinct = 15
        assert stats["urls"] == distinct
        # One request per URL, plus retries (timeouts, resets, 429, GET after a refused HEAD)
        # and the hops of redirects: nothing else.
        assert (stats["requests"], stats["retries"], stats["redirects"]) == (24, 6, 3)
        assert stats["requests"] == distinct + stats["retries"] + stats["redirects"]
        assert stats["skipped"] == {
            "ftp URLs": 1,
            "mailto: (syntax checked only)": 2,
            "tel: (syntax checked only)": 1,
        }
        assert report.notices[-1].startswith(f"external: {distinct} URL(s), 0 from the cache, ")

        server.reset_log()
        second = _run(root, _settings(tmp_path / "cache.sqlite"))
        assert [str(f) for f in second.findings] == [str(f) for f in report.findings]
        # Only what was not a success is asked again.
        assert server.paths() == [
            "/busy-long",
            "/busy-missing",
            "/error",
            "/forbidden",
            "/gone",
            "/missing",
            "/moved-missing",
            "/reset",
            "/slow",
        ]
        assert second.stats.extra["external"]["from_cache"] == 5


def test_fragments_are_read_only_as_far_as_needed(tmp_path: Path) -> None:
    with serving() as server:
        transport = HttpxTransport(timeout=5, per_host=4)
        seen: list[int] = []

        def enough(chunk: bytes) -> bool:
            seen.append(len(chunk))
            return b'id="install"' in chunk

        async def fetch() -> Response:
            try:
                return await transport.send(
                    Request("GET", f"{server.base}/page.html", read_body=10**7, enough=enough)
                )
            finally:
                await transport.aclose()

        response = asyncio.run(fetch())
        assert response.status == 200
        assert b'id="install"' in response.body
        assert b'id="late"' not in response.body  # the rest of the page was never read

        settings = LinksSettings(external_fragments=True)
        checker = ExternalChecker(settings, HttpxTransport(timeout=5, per_host=4))
        outcomes = checker.check(
            [f"{server.base}/page.html#install", f"{server.base}/page.html#nope"]
        )
        assert [(o.outcome, o.reason) for o in outcomes.values()] == [
            ("ok", "HTTP 200"),
            ("broken", "the page has no anchor '#nope'"),
        ]
        assert checker.tally.requests == 1


def test_github_token_goes_to_github_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "s3cret")
    readme = b'<article><h2 id="user-content-install">Install</h2></article>'
    transport = MemoryTransport(
        {
            "GET https://github.com/o/r/blob/main/README.md": Response(200, "", body=readme),
            "HEAD https://github.com/o/r/blob/main/x.py": Response(200, ""),
            "HEAD https://example.org/": Response(200, ""),
            "HEAD http://github.com/o/r": Response(200, ""),
        }
    )
    checker = ExternalChecker(LinksSettings(external_fragments=True), transport)
    outcomes = checker.check(
        [
            "https://github.com/o/r/blob/main/README.md#install",
            "https://github.com/o/r/blob/main/README.md#nope",
            "https://github.com/o/r/blob/main/x.py#L10-L20",
            "https://example.org/",
            "http://github.com/o/r",
        ]
    )
    assert [o.outcome for o in outcomes.values()] == ["ok", "broken", "ok", "ok", "ok"]
    sent = {(r.method, r.url): r.headers.get("Authorization") for r in transport.requests}
    assert sent == {
        ("GET", "https://github.com/o/r/blob/main/README.md"): "Bearer s3cret",
        ("HEAD", "https://github.com/o/r/blob/main/x.py"): "Bearer s3cret",
        ("HEAD", "https://example.org/"): None,
        ("HEAD", "http://github.com/o/r"): None,
    }
    assert "s3cret" not in repr(transport.requests)


def test_fragments_of_other_files_are_not_ids() -> None:
    transport = MemoryTransport(
        {"GET https://x.example/a.pdf": Response(200, "", {"content-type": "application/pdf"})}
    )
    checker = ExternalChecker(LinksSettings(external_fragments=True), transport)
    outcomes = checker.check(["https://x.example/a.pdf#page=2"])
    assert [o.outcome for o in outcomes.values()] == ["ok"]


def test_dns_failures_are_broken_and_timeouts_retried() -> None:
    transport = MemoryTransport(
        {
            "https://nowhere.invalid/": TransportError("dns", "Name or service not known"),
            "https://flaky.example/": [TransportError("timeout", "read"), Response(200, "")],
        }
    )
    checker = ExternalChecker(LinksSettings(), transport, backoff=0.01)
    outcomes = checker.check(["https://nowhere.invalid/", "https://flaky.example/"])
    assert [(o.outcome, o.reason) for o in outcomes.values()] == [
        ("broken", "no such host (DNS lookup failed)"),
        ("ok", "HTTP 200"),
    ]
    assert (checker.tally.requests, checker.tally.retries) == (3, 1)


def test_concurrency_is_bounded_per_host() -> None:
    inflight: dict[str, int] = {}
    peak: dict[str, int] = {}

    async def handler(request: Request) -> Response:
        host = request.url.split("/")[2]
        inflight[host] = inflight.get(host, 0) + 1
        peak[host] = max(peak.get(host, 0), inflight[host])
        await asyncio.sleep(0.01)
        inflight[host] -= 1
        return Response(200, request.url)

    urls = [f"https://h{h}.example/{i}" for h in range(3) for i in range(20)]
    transport = MemoryTransport(dict.fromkeys(urls, handler))
    settings = LinksSettings(external_per_host=2, external_concurrency=4)
    ExternalChecker(settings, transport).check(urls)
    assert max(peak.values()) == 2
    assert len(transport.requests) == 60


def test_per_host_interval() -> None:
    starts: list[float] = []

    def handler(request: Request) -> Response:
        starts.append(asyncio.get_event_loop().time())
        return Response(200, request.url)

    urls = [f"https://one.example/{i}" for i in range(10)]
    settings = LinksSettings(external_interval=0.05)
    ExternalChecker(settings, MemoryTransport(dict.fromkeys(urls, handler))).check(urls)
    gaps = sorted(b - a for a, b in itertools.pairwise(starts))
    # The handler runs a few awaits after the limiter lets a request go, so on a loaded machine
    # one start can arrive late and the next gap looks short (the gap before it is as much
    # longer): most gaps and the whole span show the interval. Without it, all ten start at once.
    assert gaps[len(gaps) // 2] >= 0.045, gaps
    assert starts[-1] - starts[0] >= 0.4, gaps


def test_include_exclude_and_skips_are_counted() -> None:
    transport = MemoryTransport({"HEAD https://keep.example/a": Response(200, "")})
    settings = LinksSettings(
        external_include=[r"^https://"], external_exclude=[r"//skip\.example/"]
    )
    checker = ExternalChecker(settings, transport)
    checker.check(["https://keep.example/a", "https://skip.example/b", "http://plain.example/"])
    assert dict(checker.tally.skipped) == {
        "matched by external_exclude": 1,
        "not matched by external_include": 1,
    }
    assert len(transport.requests) == 1


def test_mailto_and_tel_syntax() -> None:
    assert mailto_ok("mailto:a@example.org") is None
    assert mailto_ok("mailto:a@example.org,b@example.com?subject=hi") is None
    assert mailto_ok("mailto:?to=a@example.org") is None
    assert mailto_ok("mailto:") == "it names no address"
    assert mailto_ok("mailto:a@-bad-.org") == "'a@-bad-.org' is not an e-mail address"
    assert tel_ok("tel:+1-201-555-0123") is None
    assert tel_ok("tel:7042;phone-context=example.com") is None
    assert tel_ok("tel:call-me") == "'call-me' is not a telephone number"


def test_cache_lifetimes_and_a_corrupt_cache(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = LinkCache(path, {"ok": 1.0, "broken": 1.0})
    assert cache.problem is not None
    assert "could not be read" in cache.problem
    transport = MemoryTransport(
        {
            "https://a.example/": Response(200, ""),
            "https://b.example/": Response(404, ""),
            "https://c.example/": Response(500, ""),
        }
    )
    urls = ["https://a.example/", "https://b.example/", "https://c.example/"]
    ExternalChecker(LinksSettings(), transport, cache).check(urls)
    transport.requests.clear()
    second = ExternalChecker(LinksSettings(), transport, cache)
    outcomes = second.check(urls)
    assert [r.url for r in transport.requests] == ["https://c.example/"]  # unverified: again
    assert [o.cached for o in outcomes.values()] == [True, True, False]
    cache.close()


def test_connection_errors_are_classified() -> None:
    assert _kind(socket.gaierror(-2, "Name or service not known")) == "dns"
    assert _kind(ConnectionRefusedError()) == "refused"
    assert _kind(ConnectionResetError()) == "reset"
    assert _kind(Exception("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")) == "tls"


def test_cli_external_flags(make_project: MakeProject, tmp_path: Path) -> None:
    with serving() as server:
        page = f"# Home\n\n[ok]({server.base}/ok) [missing]({server.base}/missing)\n"
        root = make_project({"docs/index.md": page})
        (root / "pyproject.toml").write_text(
            f'[tool.docgates.links]\nexternal_cache = "{tmp_path / "c.sqlite"}"\n'
        )
        cli = [sys.executable, "-m", "docgates", "check", "--format", "json"]
        plain = subprocess.run([*cli, str(root)], capture_output=True, text=True, check=False)
        assert plain.returncode == 0
        assert "external" not in json.loads(plain.stdout)["stats"]
        checked = subprocess.run(
            [*cli, "--external", str(root)], capture_output=True, text=True, check=False
        )
        assert checked.returncode == 1
        data = json.loads(checked.stdout)
        assert [f["rule"] for f in data["findings"]] == ["links/external-broken"]
        assert data["stats"]["external"]["urls"] == 2
        only = subprocess.run(
            [*cli, "--only", "external", "--no-cache", str(root)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert only.returncode == 1
        assert json.loads(only.stdout)["stats"]["external"]["from_cache"] == 0
        off = subprocess.run(
            [*cli, "--only", "external", "--no-external", str(root)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert off.returncode == 0
