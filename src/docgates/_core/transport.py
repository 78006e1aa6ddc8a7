"""HTTP behind a one-method seam: the real transport (httpx, async) and an in-memory double.

The external check asks a :class:`Transport` to ``send`` one :class:`Request` and gets a
:class:`Response` or a :class:`TransportError` whose ``kind`` says what failed (DNS, refused,
reset, timeout, TLS). Redirects are not followed here: the checker follows them itself, so it
can tell permanent from temporary ones and count every request. A body is read only when the
request says how much of it it needs (``read_body``), chunk by chunk, and reading stops as soon
as ``enough`` says so.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import httpx


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Sent as they are (they may hold a token: never printed)."""
    read_body: int = 0
    """How many bytes of the body to read at most (0: none)."""
    enough: Callable[[bytes], bool] | None = field(default=None, compare=False, repr=False)
    """Called with each chunk read; reading stops when it returns True."""


@dataclass(frozen=True)
class Response:
    status: int
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    """Header names in lower case."""
    body: bytes = b""


class TransportError(Exception):
    """A request that got no HTTP answer. ``kind``: dns, refused, reset, timeout, tls, other."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class Transport(Protocol):
    async def send(self, request: Request) -> Response: ...

    async def aclose(self) -> None: ...


def _kind(exc: BaseException) -> str:
    """What a connection failure was, from the exception chain."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return "dns"
        if isinstance(seen, ssl.SSLError):
            return "tls"
        if isinstance(seen, ConnectionRefusedError) or (
            isinstance(seen, OSError) and seen.errno == errno.ECONNREFUSED
        ):
            return "refused"
        if isinstance(seen, ConnectionResetError):
            return "reset"
        seen = seen.__cause__ or seen.__context__
    text = str(exc).lower()
    if "name or service not known" in text or "nodename nor servname" in text:
        return "dns"
    if "certificate" in text or "ssl" in text:
        return "tls"
    if "connection refused" in text or "connect call failed" in text:
        return "refused"
    return "other"


class HttpxTransport:
    """The real transport: httpx, TLS verified, redirects not followed.

    One ``httpx.AsyncHTTPTransport`` per host, each with a pool as large as the checker's
    per-host limit, used without a client around it: httpx's pool scans all its connections
    for every request, so one shared pool over hundreds of hosts costs more CPU than the
    requests themselves (and evicts one host's idle connections to open another's), and the
    client layer (cookies, auth, redirects, hooks) is work the checker does not need. The TLS
    context (CA bundle) is loaded once.
    """

    def __init__(self, *, timeout: float, per_host: int) -> None:
        self.timeouts = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
        self.per_host = max(per_host, 1)
        self._pools: dict[str, httpx.AsyncHTTPTransport] = {}
        self._tls: ssl.SSLContext | None = None

    def _pool(self, url: httpx.URL) -> httpx.AsyncHTTPTransport:
        key = f"{url.scheme}://{url.netloc.decode('ascii')}"
        pool = self._pools.get(key)
        if pool is None:
            if self._tls is None:  # httpx would load the CA bundle for every pool
                self._tls = ssl.create_default_context(cafile=_ca_bundle())
            pool = self._pools[key] = httpx.AsyncHTTPTransport(
                verify=self._tls,
                limits=httpx.Limits(
                    max_connections=self.per_host, max_keepalive_connections=self.per_host
                ),
            )
        return pool

    async def send(self, request: Request) -> Response:
        """Send ``request``; the whole of it (connection, answer, the body it reads) must take
        no longer than twice the timeout, however slowly the server trickles bytes (httpx's
        own timeouts apply to each read alone)."""
        total = 2 * self.timeouts["read"]
        try:
            return await asyncio.wait_for(self._send(request), timeout=total)
        except asyncio.TimeoutError:
            raise TransportError("timeout", f"no complete answer within {total:g}s") from None
        except (httpx.InvalidURL, ValueError) as exc:  # a bad port, host or IPv6 literal
            raise TransportError("invalid", str(exc) or type(exc).__name__) from None

    async def _send(self, request: Request) -> Response:
        try:
            url = httpx.URL(request.url)
            outgoing = httpx.Request(
                request.method,
                url,
                headers=dict(request.headers),
                extensions={"timeout": self.timeouts},
            )
            response = await self._pool(url).handle_async_request(outgoing)
            try:
                body = b""
                if request.method == "HEAD":
                    # Read the (empty) body to its end: only then is the connection reused.
                    await response.aread()
                elif request.read_body > 0:
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) >= request.read_body or (
                            request.enough is not None and request.enough(chunk)
                        ):
                            break
            finally:
                await response.aclose()
            return Response(
                response.status_code,
                request.url,
                {k.lower(): v for k, v in response.headers.items()},
                body[: request.read_body] if request.read_body else b"",
            )
        except httpx.TimeoutException as exc:
            raise TransportError("timeout", type(exc).__name__) from None
        except httpx.ConnectError as exc:
            raise TransportError(_kind(exc), str(exc) or type(exc).__name__) from None
        except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError) as exc:
            kind = _kind(exc)
            raise TransportError(
                "reset" if kind == "other" else kind, str(exc) or type(exc).__name__
            ) from None
        except httpx.HTTPError as exc:
            raise TransportError(_kind(exc), str(exc) or type(exc).__name__) from None

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
        self._pools.clear()


def _ca_bundle() -> str | None:
    """The CA bundle httpx uses (certifi's), when it is installed."""
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi comes with httpx
        return None
    return str(certifi.where())


Handler = Callable[[Request], Awaitable[Response] | Response]


class MemoryTransport:
    """An in-memory double: ``routes`` map a URL (or ``METHOD URL``) to responses.

    A route's value is a :class:`Response`, a :class:`TransportError` to raise, a list of
    them (served in turn, the last one repeated) or a callable. Every request is recorded in
    ``requests``.
    """

    def __init__(self, routes: Mapping[str, object] | None = None, delay: float = 0.0) -> None:
        self.routes: dict[str, object] = dict(routes or {})
        self.requests: list[Request] = []
        self.delay = delay
        self._served: dict[str, int] = {}

    async def send(self, request: Request) -> Response:
        self.requests.append(request)
        if self.delay:
            await asyncio.sleep(self.delay)
        key = f"{request.method} {request.url}"
        if key not in self.routes:
            key = request.url
        route = self.routes.get(key)
        if isinstance(route, list):
            index = self._served.get(key, 0)
            self._served[key] = index + 1
            route = route[min(index, len(route) - 1)]
        if route is None:
            return Response(404, request.url)
        if callable(route):
            result = route(request)
            route = await result if asyncio.iscoroutine(result) else result
        if isinstance(route, TransportError):
            raise route
        assert isinstance(route, Response)
        body = route.body[: request.read_body] if request.read_body else b""
        return Response(route.status, request.url, route.headers, body)

    async def aclose(self) -> None:
        return None
