"""Checking external URLs politely: the checker behind ``links/external-*``.

Requests go through a :class:`~.transport.Transport` (httpx in real runs). The checker bounds
requests in flight over all hosts and per host, spaces the starts of requests to one host,
tries ``HEAD`` first and falls back to ``GET`` where servers refuse ``HEAD``, follows redirects
itself (so it can tell permanent ones and count every request), honours ``Retry-After`` of
429/503 answers within a time budget shared by the whole run, and retries timeouts and resets
with backoff. Bodies are read only when a ``#fragment`` must be found, and only until it is.

Outcomes are classes: *broken* (404/410, no such host, connection refused) and *unverified*
(rate limited past the budget, 401/403 bot walls, 5xx, timeouts, TLS failures, with the reason).
The ``mailto:``/``tel:`` validators are small hand-written checks of RFC 6068 and RFC 3966
syntax (no library checks URL syntax without sending mail).
"""

from __future__ import annotations

import asyncio
import email.utils
import os
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from .anchors import IdParser
from .cache import Cached
from .config import LinksSettings
from .fleet.hosts import Hosts, LocalHosts
from .progress import NULL, Progress, task
from .transport import HttpxTransport, Request, Response, Transport, TransportError
from .urltext import escape, redact, shown

if TYPE_CHECKING:
    from .fleet import Fleet
    from .fleet.claims import Claims

GITHUB_HOSTS = frozenset(
    {"github.com", "www.github.com", "api.github.com", "raw.githubusercontent.com"}
)
_GITHUB_LINES = re.compile(r"^L[0-9]+(?:C[0-9]+)?(?:-L[0-9]+(?:C[0-9]+)?)?$")
_EMAIL_DOMAIN = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+$")
_TEL = re.compile(
    r"^(?:\+[0-9().-]*[0-9][0-9().-]*|[0-9A-Fa-f*#().-]+)(?:;[A-Za-z0-9-]+(?:=[^;]*)?)*$"
)
_HOST = re.compile(r"^[^\s\x00-\x1f\x7f%/\\?#@\[\]<>{}|^`\"']+$")
"""A host name as one can be looked up: no spaces, controls or URL delimiters (letters of any
script are fine: IDNA encodes them)."""
_MAX_BODY = 5 * 1024 * 1024
_MAX_REDIRECTS = 10
_HEAD_REFUSED = frozenset({400, 403, 405, 406, 501})


@dataclass
class Outcome:
    """What checking one URL found."""

    url: str
    outcome: str
    """``ok``, ``redirect`` (permanent), ``broken`` or ``unverified``."""
    reason: str
    status: int | None = None
    final_url: str | None = None
    cached: bool = False


@dataclass
class Tally:
    """Counts for the summary: requests, retries, outcomes and skips."""

    urls: int = 0
    requests: int = 0
    retries: int = 0
    """Requests sent again: after a timeout, a reset or a 429/503, or with GET after HEAD."""
    redirects: int = 0
    """Requests that followed a redirect."""
    from_cache: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "urls": self.urls,
            "requests": self.requests,
            "retries": self.retries,
            "redirects": self.redirects,
            "from_cache": self.from_cache,
            "outcomes": dict(sorted(self.outcomes.items())),
            "skipped": dict(sorted(self.skipped.items())),
        }


def malformed(url: str) -> str | None:
    """Why ``url`` cannot be requested at all (a bad port, host or IPv6 literal, a host name
    with spaces or control characters), or ``None``."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port out of range or not a number
    except ValueError as exc:
        return str(exc) or "it cannot be parsed"
    if parts.scheme.lower() not in ("http", "https"):
        return None
    if not parts.hostname:
        return "it names no host"
    host = unquote(parts.hostname)
    if "[" not in parts.netloc and not _HOST.match(host):
        return f"the host '{escape(host)}' is not a host name"
    return None


def mailto_ok(url: str) -> str | None:
    """Why a ``mailto:`` URL is malformed (RFC 6068 addresses), or ``None``."""
    parts = urlsplit(url)
    addresses = [a for a in unquote(parts.path).split(",") if a.strip()]
    if not addresses and "to=" not in parts.query:
        return "it names no address"
    for address in addresses:
        _, parsed = email.utils.parseaddr(address.strip())
        local, at, domain = parsed.rpartition("@")
        if not at or not local or not _EMAIL_DOMAIN.match(domain):
            return f"'{redact(address.strip())}' is not an e-mail address"
    return None


def tel_ok(url: str) -> str | None:
    """Why a ``tel:`` URL is malformed (RFC 3966), or ``None``."""
    number = url.split(":", 1)[1]
    if not _TEL.match(number):
        return f"'{redact(number)}' is not a telephone number"
    return None


class _Budget:
    """Seconds the whole run may spend waiting on Retry-After."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds

    def take(self, seconds: float) -> bool:
        if seconds > self.left:
            return False
        self.left -= seconds
        return True


class LinkStore(Protocol):
    """What the checker needs of a cache: the SQLite file, or Redis in front of it."""

    def get(
        self, url: str, now: float | None = None, *, any_age: bool = False
    ) -> Cached | None: ...

    def put_many(self, entries: Iterable[Cached]) -> None: ...


class ExternalChecker:
    """Checks URLs through a transport; ``check`` takes URLs and gives an outcome for each."""

    def __init__(
        self,
        settings: LinksSettings,
        transport: Transport | None = None,
        cache: LinkStore | None = None,
        *,
        backoff: float = 0.5,
        offline: bool = False,
        fleet: Fleet | None = None,
    ) -> None:
        self.settings = settings
        self.transport = transport
        self.cache = cache
        self.fleet = fleet
        """Set when a Redis is shared: per-host budgets and in-flight URLs across runs."""
        self.backoff = backoff
        self.offline = offline
        self.tally = Tally()
        self.progress: Progress = NULL
        """Hears each page of URLs (URLs differing only in their #fragment) as it is done."""
        self.include = [re.compile(p) for p in settings.external_include]
        self.exclude = [re.compile(p) for p in settings.external_exclude]
        token = os.environ.get(settings.external_github_token_env, "")
        self._github_token = token.strip()

    # -- what to check ----------------------------------------------------------------------
    def skip_reason(self, url: str) -> str | None:
        scheme = urlsplit(url).scheme.lower()
        if scheme in ("mailto", "tel"):
            return None
        if scheme not in ("http", "https"):
            return f"{scheme} URLs"
        if self.include and not any(p.search(url) for p in self.include):
            return "not matched by external_include"
        if any(p.search(url) for p in self.exclude):
            return "matched by external_exclude"
        return None

    def check(self, urls: Iterable[str]) -> dict[str, Outcome]:
        """Check ``urls`` (each once) and return their outcomes; skips are only counted."""
        wanted: list[str] = []
        results: dict[str, Outcome] = {}
        for url in dict.fromkeys(urls):
            problem = malformed(url)
            if problem is not None:
                results[url] = Outcome(url, "broken", f"the URL is malformed: {problem}")
                continue
            reason = self.skip_reason(url)
            if reason is not None:
                self.tally.skipped[reason] += 1
                continue
            scheme = urlsplit(url).scheme.lower()
            if scheme in ("mailto", "tel"):
                self.tally.skipped[f"{scheme}: (syntax checked only)"] += 1
                problem = mailto_ok(url) if scheme == "mailto" else tel_ok(url)
                if problem:
                    results[url] = Outcome(url, "broken", problem)
                continue
            wanted.append(url)
        self.tally.urls += len(wanted)
        prefetch = getattr(self.cache, "prefetch", None)
        if prefetch is not None:  # a shared cache answers many keys in one round trip
            prefetch([self._key(u) for u in wanted], any_age=self.offline)
        fresh: list[str] = []
        for url in wanted:
            key = self._key(url)
            cached = self.cache.get(key, any_age=self.offline) if self.cache else None
            if cached is not None:
                self.tally.from_cache += 1
                results[url] = Outcome(
                    url,
                    cached.outcome,
                    cached.reason,
                    cached.status,
                    cached.final_url,
                    cached=True,
                )
            elif self.offline:
                self.tally.skipped["not in the cache (no network in mkdocs serve)"] += 1
            else:
                fresh.append(url)
        if fresh:
            checked = asyncio.run(self._check_all(fresh))
            results.update(checked)
            if self.cache is not None:
                now = time.time()
                self.cache.put_many(
                    Cached(self._key(o.url), o.outcome, o.status, o.reason, o.final_url, now)
                    for o in checked.values()
                )
        for outcome in results.values():
            self.tally.outcomes[outcome.outcome] += 1
        return results

    def _key(self, url: str) -> str:
        if self.settings.external_fragments:
            return url
        return urlunsplit(urlsplit(url)._replace(fragment=""))

    # -- the network part --------------------------------------------------------------------
    async def _check_all(self, urls: list[str]) -> dict[str, Outcome]:
        settings = self.settings
        own = self.transport is None
        transport = self.transport or HttpxTransport(
            timeout=settings.external_timeout, per_host=settings.external_per_host
        )
        self._global = asyncio.Semaphore(max(settings.external_concurrency, 1))
        self._hosts: Hosts = LocalHosts(settings)
        self._claims: Claims | None = None
        self._budget = _Budget(settings.external_budget)
        self._transport = transport
        remote = None
        if self.fleet is not None:
            from .fleet.claims import Claims
            from .fleet.hosts import RedisHosts
            from .fleet.remote import Remote

            remote = Remote(self.fleet.link.url)
            self._hosts = RedisHosts(self.fleet.link, settings, remote)
            self._claims = Claims(self.fleet, settings, remote)
        # One request per page: URLs that differ only in their #fragment share it.
        pages: dict[str, list[str]] = {}
        for url in urls:
            base = urlunsplit(urlsplit(url)._replace(fragment=""))
            pages.setdefault(base, []).append(url)
        progress = self.progress

        async def one(base: str, group: list[str]) -> list[Outcome]:
            outcomes = await self._check_page(base, group)
            progress.advance(shown(base))
            return outcomes

        try:
            with task(progress, "Checking external links", len(pages)):
                if self._claims is None:
                    done = await asyncio.gather(*(one(b, u) for b, u in pages.items()))
                else:
                    done = await self._shared_pages(self._claims, pages)
        finally:
            if own:
                await transport.aclose()
            if remote is not None:
                remote.close()
        return {o.url: o for group in done for o in group}

    async def _shared_pages(
        self, claims: Claims, pages: dict[str, list[str]]
    ) -> list[list[Outcome]]:
        """Check the pages no other run that shares Redis is checking; take the outcomes of
        those another run is checking as soon as it has them (and check those it gives up)."""
        keys = {b: [self._key(u) for u in urls] for b, urls in pages.items()}
        mine, known = await claims.claim_all(keys)
        others = {b: k for b, k in keys.items() if b not in mine and b not in known}

        async def own(base: str, token: str) -> list[Outcome]:
            result = await self._check_page(base, pages[base])
            now = time.time()
            entries = [
                Cached(self._key(o.url), o.outcome, o.status, o.reason, o.final_url, now)
                for o in result
            ]
            await claims.publish(base, token, entries)
            self.progress.advance(shown(base))
            return result

        async def waited() -> list[list[Outcome]]:
            got, abandoned = await claims.wait_all(others)
            found = [self._from_run(pages[b], got[b]) for b in got]
            for base in got:
                self.progress.advance(shown(base))
            checked = await asyncio.gather(*(self._check_page(b, pages[b]) for b in abandoned))
            for base in abandoned:
                self.progress.advance(shown(base))
            return [*found, *checked]

        checked, from_others = await asyncio.gather(
            asyncio.gather(*(own(b, t) for b, t in mine.items())), waited()
        )
        taken = [self._from_run(pages[b], known[b]) for b in known]
        for base in known:
            self.progress.advance(shown(base))
        return [*checked, *from_others, *taken]

    def _from_run(self, urls: list[str], entries: list[Cached]) -> list[Outcome]:
        """Outcomes another run checked (and published through Redis): cached ones here."""
        self.tally.from_cache += len(urls)
        return [
            Outcome(u, c.outcome, c.reason, c.status, c.final_url, cached=True)
            for u, c in zip(urls, entries, strict=True)
        ]

    async def _check_page(self, base: str, urls: list[str]) -> list[Outcome]:
        fragments = (
            {u: urlsplit(u).fragment for u in urls if urlsplit(u).fragment}
            if self.settings.external_fragments
            else {}
        )
        host = urlsplit(base).hostname or ""
        on_github = host in GITHUB_HOSTS
        checked = {f for f in fragments.values() if not (on_github and _GITHUB_LINES.match(f))}
        parser = IdParser() if checked else None

        fed = [False]

        def enough(chunk: bytes) -> bool:
            assert parser is not None
            fed[0] = True
            parser.feed(chunk.decode("utf-8", "replace"))
            return all(_has_id(parser.ids, f, on_github) for f in checked)

        method = "GET" if checked else "HEAD"
        url, permanent, status, first_hop = base, True, None, None
        try:
            for _hop in range(_MAX_REDIRECTS + 1):
                response = await self._request(
                    method, url, read=_MAX_BODY if parser else 0, enough=enough
                )
                if method == "HEAD" and response.status in _HEAD_REFUSED:
                    method = "GET"
                    self.tally.retries += 1
                    response = await self._request(method, url, read=0, enough=None)
                if parser is not None and not fed[0] and response.body:
                    enough(response.body)  # a transport that read the body in one go
                status = response.status
                location = response.headers.get("location")
                if 300 <= status < 400 and location:
                    permanent = permanent and status in (301, 308)
                    first_hop = first_hop or status
                    target = _join(url, location)
                    if target is None or malformed(target) is not None:
                        why = f"HTTP {status} to a malformed URL {location!r}"
                        return [Outcome(u, "broken", why, status) for u in urls]
                    url = target
                    self.tally.redirects += 1
                    continue
                break
            else:
                return [Outcome(u, "unverified", "too many redirects", status) for u in urls]
        except TransportError as exc:
            return [_failure(u, exc) for u in urls]
        outcome = _classify(base, status or 0, url, permanent and first_hop is not None)
        html = "html" in response.headers.get("content-type", "html").lower()
        result = []
        for u in urls:
            frag = fragments.get(u)
            # A fragment of a PDF or an image (#page=2) is not an HTML id: not checked.
            if outcome.outcome in ("ok", "redirect") and frag and frag in checked and html:
                assert parser is not None
                if not _has_id(parser.ids, frag, on_github):
                    result.append(
                        Outcome(u, "broken", f"the page has no anchor '#{frag}'", status, url)
                    )
                    continue
            result.append(
                Outcome(u, outcome.outcome, outcome.reason, outcome.status, outcome.final_url)
            )
        return result

    async def _request(self, method: str, url: str, *, read: int, enough: Any) -> Response:
        parts = urlsplit(url)
        # The host's budget is keyed without credentials: it is shared through Redis.
        key = f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}".lower()
        headers = {"User-Agent": self.settings.external_user_agent, "Accept": "*/*"}
        if self._github_token and parts.scheme == "https" and parts.hostname in GITHUB_HOSTS:
            headers["Authorization"] = f"Bearer {self._github_token}"
        request = Request(method, url, headers, read, enough)
        attempt = 0
        while True:
            # Wait for this host's turn (a slot, the interval) without holding a global slot.
            token = await self._hosts.acquire(key)
            try:
                async with self._global:
                    self.tally.requests += 1
                    try:
                        response = await self._transport.send(request)
                    except TransportError as exc:
                        if (
                            exc.kind not in ("timeout", "reset")
                            or attempt >= self.settings.external_retries
                        ):
                            raise
                        response = None
            finally:
                await self._hosts.release(key, token)
            if response is None:
                attempt += 1
                self.tally.retries += 1
                await asyncio.sleep(self._backoff(attempt))
                continue
            if response.status in (429, 503) and attempt < self.settings.external_retries:
                delay = _retry_after(response.headers.get("retry-after"))
                delay = self._backoff(attempt + 1) if delay is None else delay
                if self._budget.take(delay):
                    attempt += 1
                    self.tally.retries += 1
                    # The host asked everyone to wait: hold back every request to it (in
                    # every run that shares Redis).
                    await self._hosts.hold(key, delay)
                    continue
            return response

    def _backoff(self, attempt: int) -> float:
        return float(min(self.backoff * 2 ** (attempt - 1), 8.0))


def _join(base: str, location: str) -> str | None:
    try:
        return urljoin(base, location)
    except ValueError:
        return None


def _has_id(ids: set[str], fragment: str, on_github: bool) -> bool:
    if fragment in ids or unquote(fragment) in ids:
        return True
    return on_github and f"user-content-{fragment.lower()}" in ids


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # '²'.isdigit() is true too
        return float(value)  # a huge number is inf: past any budget
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(when.timestamp() - time.time(), 0.0)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None


def _classify(url: str, status: int, final: str, permanent: bool) -> Outcome:
    if 200 <= status < 300:
        if permanent and final != url:
            return Outcome(url, "redirect", f"moved permanently to '{final}'", status, final)
        return Outcome(url, "ok", f"HTTP {status}", status, final)
    if status in (404, 410):
        where = f" at '{final}'" if final != url else ""
        return Outcome(url, "broken", f"HTTP {status}{where}", status, final)
    if status == 429:
        return Outcome(url, "unverified", "rate limited (HTTP 429) past the retry budget", status)
    if status in (401, 403):
        return Outcome(
            url, "unverified", f"HTTP {status}: the site refuses automated checks", status
        )
    if 500 <= status < 600:
        return Outcome(url, "unverified", f"HTTP {status}: the server failed", status)
    if 300 <= status < 400:
        return Outcome(url, "unverified", f"HTTP {status} without a Location", status)
    return Outcome(url, "unverified", f"HTTP {status}", status)


def _failure(url: str, exc: TransportError) -> Outcome:
    if exc.kind == "dns":
        return Outcome(url, "broken", "no such host (DNS lookup failed)")
    if exc.kind == "refused":
        return Outcome(url, "broken", "connection refused")
    if exc.kind == "timeout":
        return Outcome(url, "unverified", "timed out")
    if exc.kind == "reset":
        return Outcome(url, "unverified", "connection reset")
    if exc.kind == "tls":
        return Outcome(url, "unverified", f"TLS failed: {exc.detail}")
    if exc.kind == "invalid":
        return Outcome(url, "broken", f"the URL is malformed: {exc.detail}")
    return Outcome(url, "unverified", f"request failed: {exc.detail}")
