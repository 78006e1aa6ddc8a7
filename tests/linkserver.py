"""A real HTTP server on 127.0.0.1 for the external-link tests, with one path per behaviour.

It records every request it answers (method and path, and when it came), so tests can count
what was sent, how many at once and how many per second. ``/p/ANYTHING`` answers 200 after
``delay`` seconds; ``on_request`` (when set) is called with each path before the answer.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = (
    b"""<!doctype html><html><body>
<h2 id="install">Install</h2><a name="legacy"></a>
"""
    + b"<p>filler</p>\n" * 20000
    + b'<h2 id="late">Late</h2></body></html>'
)


class _Handler(BaseHTTPRequestHandler):
    server: LinkServer

    def log_message(self, format: str, *args: object) -> None:
        return None

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _send(self, status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def _answer(self, body: bool) -> None:
        server = self.server
        with server.lock:
            server.log.append((self.command, self.path))
            server.stamps.append(time.monotonic())
            count = server.hits.get(self.path, 0) + 1
            server.hits[self.path] = count
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
        try:
            if server.on_request is not None:
                server.on_request(self.path)
            self._route(count)
        finally:
            with server.lock:
                server.in_flight -= 1

    def _route(self, count: int) -> None:
        server = self.server
        path = self.path
        if path.startswith("/p/"):
            time.sleep(server.delay)
            self._send(200, {"Content-Type": "text/plain"}, b"ok")
        elif path == "/moved-to-secret":
            self._send(301, {"Location": server.secret_location})
        elif path == "/ok":
            self._send(200, {"Content-Type": "text/plain"}, b"ok")
        elif path == "/missing":
            self._send(404)
        elif path == "/gone":
            self._send(410)
        elif path == "/moved":
            self._send(301, {"Location": "/ok"})
        elif path == "/moved-missing":
            self._send(301, {"Location": "/missing"})
        elif path == "/temporary":
            self._send(302, {"Location": "/ok"})
        elif path == "/no-head":
            self._send(405 if self.command == "HEAD" else 200)
        elif path == "/slow":
            time.sleep(server.slow)
            self._send(200)
        elif path == "/reset":
            # Close with RST and no answer at all.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
        elif path == "/busy":
            self._send(429, {"Retry-After": "1"}) if count == 1 else self._send(200)
        elif path == "/busy-missing":
            self._send(429, {"Retry-After": "1"}) if count == 1 else self._send(404)
        elif path == "/busy-3":
            self._send(429, {"Retry-After": "3"}) if count == 1 else self._send(200)
        elif path == "/busy-long":
            self._send(429, {"Retry-After": "3600"})
        elif path == "/forbidden":
            self._send(403)
        elif path == "/error":
            self._send(500)
        elif path == "/bad-port":
            self._send(302, {"Location": "http://localhost:80800/"})
        elif path == "/bad-ipv6":
            self._send(302, {"Location": "http://[::1/"})
        elif path == "/drip":
            self._drip()
        elif path == "/page.html":
            self._send(200, {"Content-Type": "text/html"}, PAGE)
        else:
            self._send(404)

    def _drip(self) -> None:
        """One byte of the status line every 0.2 s, for at most 30 s (until the client goes)."""
        deadline = time.monotonic() + 30
        try:
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
                if time.monotonic() > deadline:
                    break
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass
        self.close_connection = True


class LinkServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, slow: float = 3.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.log: list[tuple[str, str]] = []
        self.hits: dict[str, int] = {}
        self.slow = slow
        self.stamps: list[float] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.delay = 0.0
        self.secret_location = "/ok"
        self.on_request: Callable[[str], None] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def paths(self) -> list[str]:
        with self.lock:
            return sorted({path for _, path in self.log})

    def reset_log(self) -> None:
        with self.lock:
            self.log.clear()
            self.stamps.clear()
            self.max_in_flight = 0

    def most_in_window(self, seconds: float) -> int:
        """The most requests that arrived within any span of ``seconds``."""
        with self.lock:
            stamps = sorted(self.stamps)
        best, start = 0, 0
        for end, stamp in enumerate(stamps):
            while stamp - stamps[start] >= seconds:
                start += 1
            best = max(best, end - start + 1)
        return best


def refused_url() -> str:
    """A URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@contextmanager
def serving(slow: float = 3.0) -> Iterator[LinkServer]:
    server = LinkServer(slow)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
