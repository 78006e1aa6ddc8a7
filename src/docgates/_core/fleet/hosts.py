"""Per-host politeness: how many requests to one host at once, how far apart, and Retry-After.

:class:`LocalHosts` keeps the budget of one run (the default). :class:`RedisHosts` keeps one
budget per host for every run that uses the same Redis, with Lua scripts run atomically on the
server (on its clock, so runners' clocks may differ):

- a host's ``Retry-After`` (``hold``): nobody starts a request before it ends;
- a lease per request in flight (a sorted set scored by lease expiry, so a run that dies
  frees its slots when its leases end): at most ``external_per_host`` at once;
- then, holding a slot, the request books its start: the generic cell rate algorithm (GCRA)
  with a burst of one keeps the host's theoretical arrival time, one start per
  ``external_interval``, and answers how long to sleep until the booked start. Every request
  asks once; nobody polls for the interval.

A full host answers -1 and the request asks again after a short while (about half the
interval, at least 20 ms). :class:`Claims` lets one run check a URL while the others wait for
its outcome. Every Redis error ends the use of Redis for the run: the budget falls back to
:class:`LocalHosts` and a waiting run checks the URL itself.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..config import LinksSettings
from . import PREFIX, Link, errors

if TYPE_CHECKING:
    from .remote import Remote

_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold = tonumber(redis.call('GET', KEYS[2]) or '0')
if hold > now then return hold - now end
local limit = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if limit > 0 and redis.call('ZCARD', KEYS[1]) >= limit then return -1 end
redis.call('ZADD', KEYS[1], now + lease, ARGV[3])
redis.call('PEXPIRE', KEYS[1], lease + 60000)
return 0
"""

_BOOK = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local hold = tonumber(redis.call('GET', KEYS[2]) or '0')
local start = math.max(now, tat, hold)
redis.call('SET', KEYS[1], start + interval, 'PX', start - now + interval + 60000)
return start - now
"""

_HOLD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
local hold = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > hold then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 60000) end
return until_
"""

_POLL = 0.02
"""Seconds between two tries while every slot of a host is taken."""


class Hosts(Protocol):
    async def acquire(self, host: str) -> object: ...

    async def release(self, host: str, token: object) -> None: ...

    async def hold(self, host: str, seconds: float) -> None: ...


@dataclass
class _Host:
    slots: asyncio.Semaphore
    turn: asyncio.Lock
    next_start: float = 0.0
    not_before: float = 0.0


class LocalHosts:
    """One run's own budget per host."""

    def __init__(self, settings: LinksSettings) -> None:
        self.settings = settings
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        found = self._hosts.get(host)
        if found is None:
            found = self._hosts[host] = _Host(
                asyncio.Semaphore(max(self.settings.external_per_host, 1)), asyncio.Lock()
            )
        return found

    async def acquire(self, host: str) -> object:
        state = self._host(host)
        await state.slots.acquire()
        # Waiters take their turn in order (the lock is fair); the interval runs from the
        # moment a request really starts, so a late wake-up never brings two starts closer.
        loop = asyncio.get_running_loop()
        async with state.turn:
            while (wait := max(state.next_start, state.not_before) - loop.time()) > 0:
                await asyncio.sleep(wait)
            state.next_start = loop.time() + self.settings.external_interval
        return None

    async def release(self, host: str, token: object) -> None:
        self._host(host).slots.release()

    async def hold(self, host: str, seconds: float) -> None:
        state = self._host(host)
        state.not_before = max(state.not_before, asyncio.get_running_loop().time() + seconds)


def host_key(host: str) -> str:
    """The key part of ``scheme://host:port`` (no user name or password: see the caller)."""
    return PREFIX + "host:" + host


class RedisHosts:
    """One budget per host for every run that uses this Redis."""

    def __init__(self, link: Link, settings: LinksSettings, remote: Remote) -> None:
        self.link = link
        self.settings = settings
        self.remote = remote
        client = remote.client
        self.local = LocalHosts(settings)
        self.lease_ms = int((settings.external_timeout * 3 + 10) * 1000)
        self._slot: Any = client.register_script(_SLOT)
        self._book: Any = client.register_script(_BOOK)
        self._hold: Any = client.register_script(_HOLD)
        self._local_tokens: set[str] = set()

    async def acquire(self, host: str) -> object:
        if self.link.up:
            token = uuid.uuid4().hex
            key = host_key(host)
            poll = max(_POLL, self.settings.external_interval / 2)
            try:
                while True:
                    wait = int(
                        await self.remote.run(
                            self._slot,
                            keys=[key + ":slots", key + ":hold"],
                            args=[self.settings.external_per_host, self.lease_ms, token],
                        )
                    )
                    if wait == 0:
                        break
                    delay = poll if wait < 0 else wait / 1000
                    await asyncio.sleep(delay * (1 + random.random() * 0.2))  # noqa: S311
                interval = round(self.settings.external_interval * 1000)
                if interval > 0:
                    wait = int(
                        await self.remote.run(
                            self._book, keys=[key + ":tat", key + ":hold"], args=[interval]
                        )
                    )
                    if wait > 0:
                        await asyncio.sleep(wait / 1000)
                return token
            except errors() as exc:
                self.link.lost(exc)
        local = f"local:{uuid.uuid4().hex}"
        await self.local.acquire(host)
        self._local_tokens.add(local)
        return local

    async def release(self, host: str, token: object) -> None:
        if isinstance(token, str) and token in self._local_tokens:
            self._local_tokens.discard(token)
            await self.local.release(host, None)
            return
        if not self.link.up:
            return  # the lease ends by itself
        try:
            await self.remote.run(self.remote.client.zrem, host_key(host) + ":slots", str(token))
        except errors() as exc:
            self.link.lost(exc)

    async def hold(self, host: str, seconds: float) -> None:
        await self.local.hold(host, seconds)
        if not self.link.up:
            return
        try:
            await self.remote.run(
                self._hold, keys=[host_key(host) + ":hold"], args=[int(seconds * 1000)]
            )
        except errors() as exc:
            self.link.lost(exc)
