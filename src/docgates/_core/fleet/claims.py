"""URLs being checked right now, across runs: one run asks the host, the others wait for it.

Before it sends a request for a page, a run claims the page's key (``SET NX`` with a lease).
A run that finds the claim taken polls for the outcomes the holder publishes (the cache keys
of :mod:`.cache`), and uses them as cached outcomes; when the claim goes away without them (the
holder died, or its lease ended), it claims the page itself. So shards and parallel jobs never
check the same URL twice at once, and a host sees each URL once.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
import uuid
from typing import TYPE_CHECKING, Any

from ..cache import Cached
from ..config import LinksSettings
from . import PREFIX, Fleet, errors
from .cache import decode, encode, fresh, ttl, url_key

if TYPE_CHECKING:
    import redis.asyncio

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_POLL = 0.05


def lease_seconds(settings: LinksSettings) -> float:
    """How long a claim lasts: longer than one page's check may take (every retry, redirect
    and the whole Retry-After budget), so a live holder keeps it to the end."""
    attempts = settings.external_retries + 1
    return settings.external_timeout * attempts * 3 + settings.external_budget + 30.0


class Claims:
    def __init__(self, fleet: Fleet, settings: LinksSettings, client: redis.asyncio.Redis) -> None:
        self.fleet = fleet
        self.client = client
        self.lease_ms = int(lease_seconds(settings) * 1000)
        self._release: Any = client.register_script(_RELEASE)

    @staticmethod
    def key(base: str) -> str:
        return PREFIX + "claim:" + hashlib.sha256(base.encode("utf-8")).hexdigest()

    async def claim(self, base: str) -> str | None:
        """A token when this run may check ``base`` (also when Redis is away), else None."""
        token = uuid.uuid4().hex
        if not self.fleet.link.up:
            return token
        try:
            taken = await self.client.set(self.key(base), token, nx=True, px=self.lease_ms)
        except errors() as exc:
            self.fleet.link.lost(exc)
            return token
        return token if taken else None

    async def known(self, keys: list[str]) -> dict[str, Cached] | None:
        """The outcomes of ``keys`` if another run published them since this run looked them
        up (between the lookup and the claim), and this run may use them."""
        if not self.fleet.link.up:
            return None
        try:
            values = await self.client.mget([url_key(k) for k in keys])
        except errors() as exc:
            self.fleet.link.lost(exc)
            return None
        now = time.time()
        found: dict[str, Cached] = {}
        for key, raw in zip(keys, values, strict=True):
            decoded = decode(key, raw)
            if decoded is None or not fresh(*decoded, now, self.fleet):
                return None
            found[key] = decoded[0]
        self.fleet.published.update(keys)
        return found

    async def let_go(self, base: str, token: str) -> None:
        try:
            await self._release(keys=[self.key(base)], args=[token])
        except errors() as exc:
            self.fleet.link.lost(exc)

    async def wait(self, base: str, keys: list[str]) -> dict[str, Cached] | None:
        """The outcomes of ``keys`` once the run holding ``base`` publishes them; None when it
        let go without them (or Redis went away): then this run checks the page itself."""
        since = time.time() - 1.0
        claim = self.key(base)
        while self.fleet.link.up:
            try:
                pipe = self.client.pipeline(transaction=False)
                pipe.exists(claim)
                pipe.mget([url_key(k) for k in keys])
                held, values = await pipe.execute()
            except errors() as exc:
                self.fleet.link.lost(exc)
                return None
            found: dict[str, Cached] = {}
            for key, raw in zip(keys, values, strict=True):
                decoded = decode(key, raw)
                if decoded is not None and decoded[0].checked_at >= since:
                    found[key] = decoded[0]
            if len(found) == len(keys):
                self.fleet.published.update(keys)
                return found
            if not held:
                return None
            await asyncio.sleep(_POLL * (1 + random.random()))  # noqa: S311
        return None

    async def publish(self, base: str, token: str, entries: list[Cached]) -> None:
        """Store this run's outcomes for ``base`` and let go of its claim."""
        fleet = self.fleet
        if not fleet.link.up:
            return
        try:
            pipe = self.client.pipeline(transaction=False)
            for entry in entries:
                pipe.set(
                    url_key(entry.url),
                    encode(entry, fleet.run),
                    px=int(ttl(entry, fleet.lifetimes, fleet.run) * 1000),
                )
            await pipe.execute()
            fleet.published.update(e.url for e in entries)
            await self._release(keys=[self.key(base)], args=[token])
        except errors() as exc:
            fleet.link.lost(exc)
