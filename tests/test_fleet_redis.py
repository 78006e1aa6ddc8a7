"""The external-link cache and per-host politeness shared through a real Redis 7 server.

Every run here is a real ``docgates check`` against a real HTTP server on 127.0.0.1 that counts
the requests it gets (tests/linkserver.py), and a throwaway Redis (tests/servers.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.linkserver import LinkServer, serving
from tests.servers import Server, free_port

pytestmark = pytest.mark.slow


@pytest.fixture
def server() -> Iterator[LinkServer]:
    with serving() as running:
        yield running


def checkout(root: Path, urls: list[str], options: str = "") -> Path:
    """A project (one checkout of a repository) whose page links to ``urls``."""
    (root / "docs").mkdir(parents=True)
    links = "\n".join(f"- [{i}]({u})" for i, u in enumerate(urls))
    (root / "docs" / "index.md").write_text(f"# Links\n\n{links}\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Fleet\nplugins:\n  - docgates/links:\n"
        + textwrap.indent(textwrap.dedent(options), "      "),
        encoding="utf-8",
    )
    return root


def env_for(root: Path, cache: str | None) -> dict[str, str]:
    """Each checkout has a cache folder of its own, as two CI runners do."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COV_CORE_", "GITHUB_", "DOCGATES_"))
    }
    env["XDG_CACHE_HOME"] = str(root / ".user-cache")
    env.pop("COVERAGE_PROCESS_START", None)
    if cache is not None:
        env["DOCGATES_CACHE_URL"] = cache
    return env


def check(root: Path, cache: str | None, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docgates", "check", "--only", "external", *extra, "."],
        cwd=root,
        capture_output=True,
        text=True,
        env=env_for(root, cache),
        timeout=120,
        check=False,
    )


def findings(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("docs/")]


def test_a_second_checkout_sharing_redis_sends_no_request_for_verified_urls(
    server: LinkServer, redis_url: str, tmp_path: Path
) -> None:
    base = server.base
    urls = [f"{base}/p/one", f"{base}/p/two", f"{base}/moved", f"{base}/missing"]
    first = checkout(tmp_path / "a", urls)
    second = checkout(tmp_path / "b", urls)
    one = check(first, redis_url)
    assert one.returncode == 1, one.stderr
    assert sorted(server.hits) == ["/missing", "/moved", "/ok", "/p/one", "/p/two"]
    server.reset_log()
    two = check(second, redis_url)
    assert (two.returncode, findings(two.stdout)) == (1, findings(one.stdout))
    # What the first run verified (ok, and the permanent redirect) comes from Redis; the broken
    # URL is asked again, as the rules of the local cache say (failures are not kept).
    assert server.paths() == ["/missing"]
    assert "external: 4 URL(s), 3 from the cache, 1 request(s)" in two.stdout
    # The second checkout's own cache folder now holds them too (for when Redis is away).
    assert (second / ".user-cache" / "docgates" / "external.sqlite").is_file()
    server.reset_log()
    alone = check(second, None)
    assert server.paths() == ["/missing"]
    assert findings(alone.stdout) == findings(one.stdout)


def test_twenty_concurrent_runs_keep_one_per_host_limit(
    server: LinkServer, redis_url: str, tmp_path: Path
) -> None:
    """external_interval 0.1 s (10 requests a second) and external_per_host 2, for all."""
    server.delay = 0.05
    options = "external_interval: 0.1\nexternal_per_host: 2\n"
    roots = [
        checkout(tmp_path / f"run{i}", [f"{server.base}/p/{i}-{j}" for j in range(3)], options)
        for i in range(20)
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "docgates", "check", "--only", "external", str(root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env_for(root, redis_url),
        )
        for root in roots
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, out + err
    assert len(server.log) == 60
    stamps = sorted(server.stamps)
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    # The host saw one budget, not twenty: about 10 starts a second, at most 2 at once. The
    # server stamps a request when its handler thread runs, so on a busy machine two starts
    # booked 0.1 s apart can arrive together: a second may hold two more, three seconds three
    # more (twenty runs with their own budgets send all 60 within a fraction of a second).
    assert server.most_in_window(1.0) <= 12, stamps
    assert server.most_in_window(3.0) <= 33, stamps
    assert rate <= 10.5, rate
    assert server.max_in_flight <= 2


def test_without_redis_the_runs_do_not_share_the_limit(server: LinkServer, tmp_path: Path) -> None:
    """The control for the test above: five runs, each with its own budget, exceed it."""
    server.delay = 0.2
    options = "external_interval: 0.1\nexternal_per_host: 2\n"
    roots = [
        checkout(tmp_path / f"run{i}", [f"{server.base}/p/{i}-{j}" for j in range(3)], options)
        for i in range(5)
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "docgates", "check", "--only", "external", str(root)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env_for(root, None),
        )
        for root in roots
    ]
    for proc in procs:
        proc.wait(timeout=120)
    assert server.max_in_flight > 2


def test_redis_stopped_mid_run_a_warning_every_finding_the_same_exit_code(
    server: LinkServer, own_redis: Server, tmp_path: Path
) -> None:
    base = server.base
    urls = [f"{base}/p/{i}" for i in range(6)] + [f"{base}/p/stop", f"{base}/missing"]
    urls += [f"{base}/p/after-{i}" for i in range(6)]
    options = "external_per_host: 1\nexternal_interval: 0.05\n"
    with_redis = checkout(tmp_path / "with", urls, options)
    without = checkout(tmp_path / "without", urls, options)
    expected = check(without, None)
    assert expected.returncode == 1

    def stop_redis(path: str) -> None:
        if path == "/p/stop":
            own_redis.stop()

    server.reset_log()
    server.on_request = stop_redis
    run = check(with_redis, own_redis.url + "/0")
    assert own_redis.proc is not None
    assert own_redis.proc.poll() is not None, "Redis was stopped"
    assert run.returncode == expected.returncode == 1
    assert findings(run.stdout) == findings(expected.stdout)
    warnings = [line for line in run.stdout.splitlines() if "shared link cache" in line]
    assert len(warnings) == 1, run.stdout
    assert warnings[0].startswith(
        f"note: warning: the shared link cache '{own_redis.url}/0' did not answer ("
    )
    assert warnings[0].endswith(
        "); this run goes on with the local cache and its own per-host limits, and reports "
        "every finding as it would without it"
    )
    # Nothing is lost: every outcome is in this checkout's local cache.
    server.reset_log()
    server.on_request = None
    again = check(with_redis, None)
    assert server.paths() == ["/missing"]
    assert findings(again.stdout) == findings(run.stdout)


def test_redis_unreachable_from_the_start_is_one_warning(
    server: LinkServer, tmp_path: Path
) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    root = checkout(tmp_path / "a", [f"{server.base}/p/a", f"{server.base}/missing"])
    run = check(root, None, "--cache", url)
    assert run.returncode == 1
    assert findings(run.stdout) == [
        f"docs/index.md:4:3: error: links/external-broken URL '{server.base}/missing' is "
        "broken: HTTP 404"
    ]
    warnings = [line for line in run.stdout.splitlines() if "shared link cache" in line]
    assert len(warnings) == 1
    assert "Connection refused" in warnings[0] or "Error 111" in warnings[0], warnings[0]


def test_keys_and_values_never_hold_credentials_or_query_secrets(
    server: LinkServer, redis_url: str, tmp_path: Path
) -> None:
    import redis

    host = server.base.removeprefix("http://")
    # pragma: allowlist nextline secret
    server.secret_location = f"http://deploy:hunter2@{host}/p/landing?token=zzz999&page=2"
    urls = [
        # pragma: allowlist nextline secret
        f"http://bot:pa55word@{host}/p/private?api_key=abc123&lang=en",
        f"{server.base}/moved-to-secret",
    ]
    root = checkout(tmp_path / "a", urls)
    assert check(root, redis_url).returncode == 0
    client = redis.Redis.from_url(redis_url)
    try:
        keys = sorted(client.keys("*"))
        values = [client.get(k) for k in keys if client.type(k) == b"string"]
    finally:
        client.close()
    stored = b"\n".join(keys + [v for v in values if v])
    assert keys, "the outcomes are in Redis"
    assert all(k.startswith(b"docgates:v1:") for k in keys)
    for secret in (b"pa55word", b"abc123", b"hunter2", b"zzz999", b"bot:", b"deploy:"):
        assert secret not in stored, secret
    assert b"/p/landing?token=REDACTED&page=2" in stored


SHARD = [sys.executable, "-m", "docgates", "check", "--only", "external", "--no-cache", "--shard"]


def test_shards_sharing_redis_never_check_each_others_urls(
    server: LinkServer, redis_url: str, tmp_path: Path
) -> None:
    """Four shards, started together, over pages that share URLs: each URL is asked once."""
    server.delay = 0.1
    urls = [f"{server.base}/p/{i}" for i in range(12)]
    root = tmp_path / "site"
    (root / "docs").mkdir(parents=True)
    for page in range(16):
        links = "\n".join(f"- [{u}]({u})" for u in urls[page % 4 :: 2])
        (root / "docs" / f"page{page}.md").write_text(f"# P{page}\n\n{links}\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: S\n", encoding="utf-8")
    env = env_for(root, redis_url)
    env["DOCGATES_RUN_ID"] = "nightly-1"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "docgates",
                "check",
                "--only",
                "external",
                "--no-cache",
                "--shard",
                f"{k}/4",
                str(root),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for k in range(1, 5)
    ]
    started = time.monotonic()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, out + err
    assert time.monotonic() - started < 60
    assert sorted(server.hits.values()) == [1] * 12
    assert len(server.log) == 12


def test_a_hosts_retry_after_holds_back_every_run(server: LinkServer, redis_url: str) -> None:
    """Run A is told 'Retry-After: 3'; run B, sharing Redis, waits too before it asks."""
    import threading

    from docgates._core.config import LinksSettings
    from docgates._core.fleet import Fleet, Link
    from docgates._core.linkcheck import ExternalChecker

    settings = LinksSettings()
    told = threading.Event()
    server.on_request = lambda path: told.set() if path == "/busy-3" else None

    def run(url: str) -> str:
        fleet = Fleet(Link(redis_url), settings.external_cache_hours, run="")
        checker = ExternalChecker(settings, fleet=fleet)
        return checker.check([url])[url].outcome

    outcomes: dict[str, str] = {}
    first = threading.Thread(target=lambda: outcomes.update(a=run(f"{server.base}/busy-3")))
    first.start()
    assert told.wait(30)
    time.sleep(0.5)  # A has its answer and has told Redis
    outcomes["b"] = run(f"{server.base}/p/b")
    first.join(30)
    assert outcomes == {"a": "ok", "b": "ok"}
    stamps = list(zip((p for _, p in server.log), server.stamps, strict=True))
    told_at = next(t for p, t in stamps if p == "/busy-3")
    asked_at = next(t for p, t in stamps if p == "/p/b")
    assert asked_at - told_at >= 2.9, "B waited out the host's Retry-After"
