"""External checks on hostile input: malformed URLs, servers that trickle bytes, unusable
caches, and URLs that carry secrets. Each run ends with findings, never a traceback."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docgates._core.cache import Cached, LinkCache, default_path, public_text, public_url
from docgates._core.config import LinksSettings
from docgates._core.linkcheck import ExternalChecker, _retry_after
from docgates._core.transport import MemoryTransport, Response
from tests.conftest import MakeProject
from tests.linkserver import serving

LIFETIMES = {"ok": 1.0, "broken": 1.0, "redirect": 1.0, "unverified": 1.0}


def _settings(**options: object) -> LinksSettings:
    return LinksSettings(**{"external_retries": 0, **options})  # type: ignore[arg-type]


def test_malformed_urls_in_pages_and_in_location_are_findings(make_project: MakeProject) -> None:
    # In: a page linking 'http://localhost:80800/' and 'http://[::1/', and two URLs whose server
    # redirects to those. Out: four links/external-broken findings that say why; exit 1.
    with serving() as server:
        page = (
            "# Home\n\n[a](http://localhost:80800/) [b](http://[::1/)\n\n"
            f"[c]({server.base}/bad-port) [d]({server.base}/bad-ipv6)\n"
        )
        root = make_project({"docs/index.md": page})
        result = subprocess.run(
            [sys.executable, "-m", "docgates", "check", "--only", "external", "--no-cache"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stdout.splitlines() if "external-broken" in line]
    assert lines == [
        "docs/index.md:3:1: error: links/external-broken URL 'http://localhost:80800/' is "
        "broken: the URL is malformed: Port out of range 0-65535",
        # markdown-it normalizes the destination as it parses the link (as the page links it)
        "docs/index.md:3:30: error: links/external-broken URL 'http://:1%5B:/' is broken: the "
        "URL is malformed: Port could not be cast to integer value as '1%5B:'",
        f"docs/index.md:5:1: error: links/external-broken URL '{server.base}/bad-port' is "
        "broken: HTTP 302 to a malformed URL 'http://localhost:80800/'",
        f"docs/index.md:5:{len(server.base) + 16}: error: links/external-broken URL "
        f"'{server.base}/bad-ipv6' is broken: HTTP 302 to a malformed URL 'http://[::1/'",
    ]


def test_a_server_that_trickles_bytes_is_given_up_after_the_timeout() -> None:
    # In: a server that sends one byte of its status line every 0.2 s, with external_timeout
    # 1 s (each read alone would wait forever). Out: 'unverified: timed out' after about 1 s.
    with serving() as server:
        checker = ExternalChecker(_settings(external_timeout=1.0))
        started = time.monotonic()
        outcomes = checker.check([f"{server.base}/drip"])
        took = time.monotonic() - started
    (outcome,) = outcomes.values()
    assert (outcome.outcome, outcome.reason) == ("unverified", "timed out")
    assert took < 10  # not the 30 s the server would go on for


def test_retry_after_values_that_are_not_numbers_or_dates() -> None:
    # In: Retry-After values a hostile server may send. Out: a number of seconds or None.
    assert _retry_after("²") is None
    assert _retry_after("9" * 400) == float("inf")
    assert _retry_after("Wed, 21 Oct 99999 07:28:00 GMT") is None
    assert _retry_after("12") == 12.0


@pytest.mark.parametrize(
    ("place", "reason"),
    [
        ("xdg-dev-null", "Not a directory"),
        ("folder-as-file", "Is a directory"),
        ("read-only", "No such file or directory"),
    ],
)
def test_an_unusable_cache_location_is_said_once_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, place: str, reason: str
) -> None:
    # In: XDG_CACHE_HOME=/dev/null, a folder where the cache file should be, a path on a
    # read-only file system (/proc). Out: the cache works in memory for this run, and its
    # problem names the path and the reason.
    if place == "xdg-dev-null":
        monkeypatch.setenv("XDG_CACHE_HOME", "/dev/null")
        path = default_path()
        assert path == Path("/dev/null/docgates/external.sqlite")
    elif place == "folder-as-file":
        path = tmp_path / "external.sqlite"
        path.mkdir()
    else:
        path = Path("/proc/docgates-none/external.sqlite")
    cache = LinkCache(path, LIFETIMES)
    assert cache.problem is not None
    assert cache.problem.startswith(f"the link cache '{path}' cannot be used ({reason}")
    assert cache.problem.endswith("this run keeps what it checks in memory only")
    transport = MemoryTransport({"https://a.example/": Response(200, "")})
    ExternalChecker(_settings(), transport, cache).check(["https://a.example/"])
    again = ExternalChecker(_settings(), transport, cache).check(["https://a.example/"])
    assert [o.cached for o in again.values()] == [True]
    cache.close()


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    # In: XDG_CACHE_HOME=relative/dir. Out: the XDG spec's fallback, ~/.cache.
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")
    assert default_path() == Path.home() / ".cache" / "docgates" / "external.sqlite"


def test_a_cache_that_breaks_during_the_run_goes_on_in_memory(tmp_path: Path) -> None:
    # In: a cache whose file is made unwritable while the run goes on (its connection breaks).
    # Out: the outcomes are kept in memory; the problem says so.
    cache = LinkCache(tmp_path / "c.sqlite", LIFETIMES)
    cache._db.close()  # as a database that is deleted or locked under the run would fail
    cache.put_many([Cached("https://a.example/", "ok", 200, "HTTP 200", None, time.time())])
    assert cache.problem is not None
    assert "cannot be used" in cache.problem
    assert cache.get("https://a.example/") is not None
    cache.close()


def test_no_credentials_or_query_secrets_are_stored(tmp_path: Path) -> None:
    # In: URLs with user:pass@, a GitHub token as user, and ?token=/&X-Amz-Signature= values,
    # one redirecting to another such URL. Out: the SQLite file holds none of the secrets,
    # it and its folder are private (0600/0700), and a second run still finds the outcomes.
    path = tmp_path / "cache" / "external.sqlite"
    secrets = ["hunter2", "ghp_abcdefghijklmnop", "s3cr3tvalue", "AMZSIGNATURE123"]
    urls = [
        "https://alice:hunter2@a.example/private",  # pragma: allowlist secret
        "https://ghp_abcdefghijklmnop@b.example/repo",
        "https://c.example/file?token=s3cr3tvalue&page=2",
        "https://d.example/obj?X-Amz-Signature=AMZSIGNATURE123&x=1",
    ]
    transport = MemoryTransport(
        {
            urls[0]: Response(200, ""),
            urls[1]: Response(301, "", {"location": "https://e.example/?api_key=s3cr3tvalue"}),
            "https://e.example/?api_key=s3cr3tvalue": Response(200, ""),
            urls[2]: Response(404, ""),
            urls[3]: Response(200, ""),
        }
    )
    cache = LinkCache(path, LIFETIMES)
    ExternalChecker(_settings(), transport, cache).check(urls)
    cache.close()
    data = b"".join(p.read_bytes() for p in path.parent.iterdir())
    assert [s for s in secrets if s.encode() in data] == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with sqlite3.connect(path) as db:
        stored = sorted(row[0] for row in db.execute("SELECT url FROM outcomes"))
        finals = sorted(str(row[0]) for row in db.execute("SELECT final_url FROM outcomes"))
    db.close()
    assert stored == [
        "https://a.example/private",
        "https://b.example/repo",
        "https://c.example/file?token=REDACTED&page=2",
        "https://d.example/obj?X-Amz-Signature=REDACTED&x=1",
    ]
    assert "https://e.example/?api_key=REDACTED" in finals
    cache = LinkCache(path, LIFETIMES)
    transport.requests.clear()
    again = ExternalChecker(_settings(), transport, cache).check(urls)
    cache.close()
    assert transport.requests == []
    assert [o.cached for o in again.values()] == [True, True, True, True]


OLD_URL = "https://bob:pa55word@a.example/"  # pragma: allowlist secret


def test_an_older_cache_with_secrets_is_scrubbed_and_made_private(tmp_path: Path) -> None:
    # In: a cache file written before this rule: world-readable, a row keyed by a URL with a
    # password. Out: on open, the row is rewritten without it and the file is 0600.
    path = tmp_path / "external.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE outcomes (url TEXT PRIMARY KEY, outcome TEXT NOT NULL, status INTEGER,"
            " reason TEXT NOT NULL, final_url TEXT, checked_at REAL NOT NULL)"
        )
        db.execute(
            "INSERT INTO outcomes VALUES (?, 'ok', 200, 'HTTP 200', ?, ?)",
            (OLD_URL, OLD_URL, time.time()),
        )
    db.close()
    os.chmod(path, 0o644)
    cache = LinkCache(path, LIFETIMES)
    cache.close()
    assert b"pa55word" not in path.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT url, final_url FROM outcomes").fetchall() == [
            ("https://a.example/", "https://a.example/")
        ]
    db.close()


def test_public_url_and_public_text() -> None:
    # In: URLs and a reason holding secrets. Out: the secrets replaced, nothing else changed.
    assert public_url("https://u:p@h.example:8443/x?a=1&Token=t#f") == (
        "https://h.example:8443/x?a=1&Token=REDACTED#f"
    )
    assert public_url("https://h.example/?key=&x") == "https://h.example/?key=&x"
    assert public_url("http://[::1/").startswith("malformed:")
    assert public_text("failed for https://u:p@h/?sig=zz", "https://u:p@h/?sig=zz") == (
        "failed for https://REDACTED@h/?sig=REDACTED"
    )
    assert (
        json.dumps(public_url("https://h.example/ü?ä=1")) == '"https://h.example/\\u00fc?\\u00e4=1"'
    )
