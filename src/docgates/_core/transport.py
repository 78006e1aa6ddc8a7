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
    """The real transport: one ``httpx.AsyncClient``, TLS verified, redirects not followed."""

    def __init__(self, *, timeout: float, connections: int) -> None:
        self.client = httpx.AsyncClient(
            follow_redirects=False,
            verify=True,
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        )

    async def send(self, request: Request) -> Response:
        try:
            async with self.client.stream(
                request.method, request.url, headers=dict(request.headers)
            ) as response:
                body = b""
                if request.read_body > 0:
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) >= request.read_body or (
                            request.enough is not None and request.enough(chunk)
                        ):
                            break
                return Response(
                    response.status_code,
                    str(response.url),
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
        await self.client.aclose()


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
