"""External URL checking: docgates against linkchecker and markdown-link-check, same URLs.

Starts 50 HTTP servers on 127.0.0.1 (one process, asyncio) that answer each request after a
realistic latency (30-120 ms, fixed per URL) and count what they receive. 5,000 distinct URLs
spread over the 50 hosts (mostly 200, some 404, some 301 -> 200) go into a docs project, an
HTML page (for linkchecker) and a Markdown page (for markdown-link-check). Each tool checks
them once, without any cache; the benchmark prints each tool's time, the requests the servers
received and the broken URLs it found, and the time ratios against docgates.

Peers: `linkchecker` (pip) and `markdown-link-check` (npm) are looked up on PATH, in
bench/.work/peers/bin and in bench/.work/node_modules/.bin; a peer that is not found is skipped.

    python bench/bench_external.py [--urls 5000] [--hosts 50] [--peer-timeout 900]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "external"


# -- the servers (run in a child process) -----------------------------------------------------


def _latency(path: str) -> float:
    return random.Random(path).uniform(0.030, 0.120)


async def _serve(hosts: int, ready: Path) -> None:
    counts = {"requests": 0}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                method, target, _ = line.decode("latin-1").split(" ", 2)
                close = False
                while True:
                    header = await reader.readline()
                    if header in (b"\r\n", b"\n", b""):
                        break
                    if header.lower().startswith(b"connection:") and b"close" in header.lower():
                        close = True
                if target == "/__count":
                    body = json.dumps(counts).encode()
                    status, extra = "200 OK", ""
                elif target == "/__reset":
                    counts["requests"] = 0
                    body, status, extra = b"", "200 OK", ""
                else:
                    counts["requests"] += 1
                    await asyncio.sleep(_latency(target))
                    body = b"<html><body>ok</body></html>"
                    extra = ""
                    if target.startswith("/missing/"):
                        status = "404 Not Found"
                    elif target.startswith("/moved/"):
                        status, extra = "301 Moved Permanently", f"Location: /ok/{target[7:]}\r\n"
                    elif target.startswith("/ok/"):
                        status = "200 OK"
                    else:  # robots.txt and the like
                        status = "404 Not Found"
                head = (
                    f"HTTP/1.1 {status}\r\nContent-Type: text/html\r\n{extra}"
                    f"Content-Length: {len(body)}\r\n"
                    f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n"
                )
                writer.write(head.encode() + (b"" if method == "HEAD" else body))
                await writer.drain()
                if close:
                    break
        except (ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    servers = [
        await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512) for _ in range(hosts)
    ]
    ports = [s.sockets[0].getsockname()[1] for s in servers]
    ready.write_text(json.dumps(ports))
    await asyncio.Event().wait()


def serve_main(hosts: int, ready: str) -> None:
    asyncio.run(_serve(hosts, Path(ready)))


# -- the benchmark ----------------------------------------------------------------------------


def _count(port: int) -> int:
    """Requests received by all the servers (they share one counter in their process)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__count", timeout=10) as response:
        return int(json.loads(response.read())["requests"])


def _reset(ports: list[int]) -> None:
    urllib.request.urlopen(f"http://127.0.0.1:{ports[0]}/__reset", timeout=10).read()


def _urls(ports: list[int], total: int) -> tuple[list[str], int]:
    rng = random.Random(7)
    urls, broken = [], 0
    for i in range(total):
        port = ports[i % len(ports)]
        roll = rng.random()
        kind = "missing" if roll < 0.03 else "moved" if roll < 0.05 else "ok"
        broken += kind == "missing"
        urls.append(f"http://127.0.0.1:{port}/{kind}/{i}")
    return urls, broken


def _write_inputs(urls: list[str]) -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    docs = WORK / "project" / "docs"
    docs.mkdir(parents=True)
    (WORK / "project" / "mkdocs.yml").write_text("site_name: Bench\n", encoding="utf-8")
    per_page = 100
    for start in range(0, len(urls), per_page):
        links = "\n".join(f"- [link {i}]({urls[i]})" for i in range(start, start + per_page))
        (docs / f"page{start // per_page}.md").write_text(f"# Page\n\n{links}\n", "utf-8")
    html = "\n".join(f'<a href="{u}">{i}</a><br>' for i, u in enumerate(urls))
    (WORK / "links.html").write_text(f"<html><body>\n{html}\n</body></html>\n", "utf-8")
    markdown = "\n".join(f"- [link {i}]({u})" for i, u in enumerate(urls))
    (WORK / "links.md").write_text(f"# Links\n\n{markdown}\n", "utf-8")
    os.chmod(WORK, 0o755)  # linkchecker drops root privileges to 'nobody'


def _find(name: str) -> str | None:
    for folder in (HERE / ".work" / "peers" / "bin", HERE / ".work" / "node_modules" / ".bin"):
        if (folder / name).exists():
            return str(folder / name)
    return shutil.which(name)


def _run(cmd: list[str], timeout: float, cwd: Path) -> tuple[float, str, bool]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    started = time.perf_counter()
    try:
        result = subprocess.run(
            cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
        output, finished = result.stdout + result.stderr, True
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else ""
        finished = False
    return time.perf_counter() - started, output, finished


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--urls", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--peer-timeout", type=float, default=900.0)
    parser.add_argument("--serve", metavar="READY_FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_main(args.hosts, args.serve)
        return

    WORK.parent.mkdir(parents=True, exist_ok=True)
    ready = WORK.parent / "ports.json"
    ready.unlink(missing_ok=True)
    server = subprocess.Popen(
        [sys.executable, __file__, "--hosts", str(args.hosts), "--serve", str(ready)]
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() or not ready.read_text():
            if time.monotonic() > deadline:
                sys.exit("the servers did not start")
            time.sleep(0.05)
        ports = json.loads(ready.read_text())
        urls, broken = _urls(ports, args.urls)
        _write_inputs(urls)
        print(
            f"{len(urls)} distinct URLs over {len(ports)} local hosts, 30-120 ms per answer; "
            f"{broken} answer 404, about 2% redirect"
        )
        tools: list[tuple[str, list[str], Path]] = [
            (
                "docgates",
                [
                    sys.executable,
                    "-m",
                    "docgates",
                    "check",
                    "--only",
                    "external",
                    "--no-cache",
                    "--format",
                    "json",
                    str(WORK / "project"),
                ],
                WORK,
            )
        ]
        linkchecker = _find("linkchecker")
        if linkchecker:
            tools.append(
                (
                    "linkchecker",
                    [linkchecker, "--check-extern", "--no-status", "-r", "1", "links.html"],
                    WORK,
                )
            )
        else:
            print("linkchecker not found: skipped (pip install linkchecker)")
        mlc = _find("markdown-link-check")
        if mlc:
            tools.append(("markdown-link-check", [mlc, "-q", "links.md"], WORK))
        else:
            print("markdown-link-check not found: skipped (npm install markdown-link-check)")

        results: dict[str, tuple[float, int, str, bool]] = {}
        for name, cmd, cwd in tools:
            _reset(ports)
            elapsed, output, finished = _run(cmd, args.peer_timeout, cwd)
            sent = _count(ports[0])
            found = "?"
            if name == "docgates" and finished:
                data = json.loads(output[output.index("{") :])
                found = str(sum(f["rule"] == "links/external-broken" for f in data["findings"]))
                stats = data["stats"]["external"]
                found += f" (retries {stats['retries']}, redirects {stats['redirects']})"
            elif name == "markdown-link-check":
                found = str(output.count("Status: 404"))
            elif name == "linkchecker":
                found = str(output.count("404 Not Found"))
            results[name] = (elapsed, sent, found, finished)

        base = results["docgates"][0]
        print(
            f"{'tool':22} {'seconds':>9} {'requests':>9} {'broken found':>28} {'vs docgates':>12}"
        )
        for name, (elapsed, sent, found, finished) in results.items():
            note = "" if finished else f" (stopped after {args.peer_timeout:.0f} s)"
            ratio = elapsed / base
            print(f"{name:22} {elapsed:9.2f} {sent:9d} {found:>28} {ratio:11.1f}x{note}")
        print(
            f"docgates sent {results['docgates'][1]} requests for {len(urls)} distinct URLs "
            "(one per URL, plus retries and redirect hops)"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
