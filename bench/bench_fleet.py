"""External links checked by 4 shards sharing one Redis, against one run: requests and time.

The same 50 local HTTP servers as bench_external.py (one process, asyncio, 30-120 ms per
answer, counting what they receive), and 5,000 distinct URLs over them, each linked from two
pages that fall in different shards as often as not (100 pages of 100 links). Three ways to
check them, each from an empty cache, alternating over the rounds:

- one run over the whole site (`docgates check --only external --no-cache`);
- 4 shards started together, sharing a Redis (`--shard K/4 --cache redis://...`, one run id):
  the goal is each distinct URL asked once across all shards, plus retries and redirect hops;
- 4 shards started together without Redis, for contrast (each asks about its own pages' URLs).

It prints the requests the servers received and the wall time (the slowest shard's end), and
the ratios against the one run. Redis: a server of its own when `redis-server` is installed, or
`--redis URL` (a database that may be emptied).

    python bench/bench_fleet.py [--urls 5000] [--hosts 50] [--rounds 3] [--redis URL]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_external import _count, _reset, _urls  # noqa: E402

WORK = HERE / ".work" / "fleet"
PAGES = 100


def write_site(urls: list[str]) -> Path:
    """Each URL on two pages, half a site apart (so usually in two different shards)."""
    root = WORK / "site"
    if root.exists():
        shutil.rmtree(root)
    (root / "docs").mkdir(parents=True)
    per_page = len(urls) // PAGES
    pages: list[list[str]] = [[] for _ in range(PAGES)]
    for i, url in enumerate(urls):
        first = i // per_page % PAGES
        pages[first].append(url)
        pages[(first + PAGES // 2 + 1) % PAGES].append(url)
    for n, links in enumerate(pages):
        body = "\n".join(f"- [link {i}]({u})" for i, u in enumerate(links))
        (root / "docs" / f"page{n}.md").write_text(f"# Page {n}\n\n{body}\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: Fleet bench\n", encoding="utf-8")
    return root


def env(cache_home: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DOCGATES_", "GITHUB_"))}
    base.update(NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    base["XDG_CACHE_HOME"] = str(cache_home)
    base.update(extra)
    return base


def run_all(cmds: list[tuple[list[str], dict[str, str]]], cwd: Path) -> tuple[float, list[dict]]:
    started = time.perf_counter()
    procs = [
        subprocess.Popen(cmd, cwd=cwd, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for cmd, e in cmds
    ]
    stats = []
    for proc in procs:
        out, err = proc.communicate(timeout=1800)
        if proc.returncode not in (0, 1):
            sys.exit(f"a run failed ({proc.returncode}): {err.decode()[-2000:]}")
        data = json.loads(out)
        stats.append(data["stats"].get("external", {}))
    return time.perf_counter() - started, stats


def flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--urls", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--redis", help="a Redis URL whose database may be emptied")
    args = parser.parse_args()

    own_redis = None
    redis_url = args.redis
    if redis_url is None:
        from tests.servers import start_redis

        own_redis = start_redis()
        redis_url = own_redis.url + "/0"
    WORK.mkdir(parents=True, exist_ok=True)
    ready = WORK / "ports.json"
    ready.unlink(missing_ok=True)
    server = subprocess.Popen(
        [sys.executable, str(HERE / "bench_external.py"), "--hosts", str(args.hosts),
         "--serve", str(ready)]
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() or not ready.read_text():
            if time.monotonic() > deadline:
                sys.exit("the servers did not start")
            time.sleep(0.05)
        ports = json.loads(ready.read_text())
        urls, broken = _urls(ports, args.urls)
        root = write_site(urls)
        print(
            f"{len(urls)} distinct URLs over {len(ports)} local hosts, each on 2 of {PAGES} "
            f"pages; {broken} answer 404, about 2% redirect; load {os.getloadavg()[0]:.1f}"
        )
        base = [sys.executable, "-m", "docgates", "check", "--only", "external", "--format",
                "json", "."]  # fmt: skip
        n = args.shards
        ways = {
            "one run": lambda r: [([*base, "--no-cache"], env(WORK / f"home-{r}-one"))],
            f"{n} shards, shared Redis": lambda r: [
                (
                    [*base, "--shard", f"{k}/{n}", "--cache", redis_url],
                    env(WORK / f"home-{r}-redis-{k}", DOCGATES_RUN_ID=f"bench-{r}"),
                )
                for k in range(1, n + 1)
            ],
            f"{n} shards, no Redis": lambda r: [
                ([*base, "--shard", f"{k}/{n}", "--no-cache"], env(WORK / f"home-{r}-x-{k}"))
                for k in range(1, n + 1)
            ],
        }
        results: dict[str, list[tuple[float, int, int]]] = {name: [] for name in ways}
        for r in range(args.rounds):
            for name, make in ways.items():
                flush(redis_url)
                _reset(ports)
                elapsed, stats = run_all(make(r), root)
                sent = _count(ports[0])
                retries = sum(s.get("retries", 0) for s in stats)
                results[name].append((elapsed, sent, retries))
        one = statistics.median(t for t, _, _ in results["one run"])
        print(f"{'way':26} {'seconds':>9} {'requests':>9} {'retries':>8} {'time vs one run':>16}")
        for name, rows in results.items():
            seconds = statistics.median(t for t, _, _ in rows)
            sent = statistics.median(s for _, s, _ in rows)
            retries = statistics.median(x for _, _, x in rows)
            print(f"{name:26} {seconds:9.2f} {sent:9.0f} {retries:8.0f} {seconds / one:15.2f}x")
        redirects = sum(1 for u in urls if "/moved/" in u)
        print(
            f"goal for the shared shards: {len(urls)} URLs + {redirects} redirect hops = "
            f"{len(urls) + redirects} requests, plus retries"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
        if own_redis is not None:
            own_redis.stop()


if __name__ == "__main__":
    main()
