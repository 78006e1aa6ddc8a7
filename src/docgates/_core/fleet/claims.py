"""URLs being checked right now, across runs: one run asks the host, the others wait for it.

Before it sends requests, a run claims the pages it is about to check (``SET NX`` with a
lease, all in a few round trips). For a page another run holds, it polls (all such pages
together) for the outcomes the holder publishes (the cache keys of :mod:`.cache`) and uses
them as cached outcomes; a page whose claim goes away without them (the holder died, or its
lease ended) it checks itself. So shards and parallel jobs never check the same URL twice at
once, and a host sees each URL once.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..cache import Cached
from ..config import LinksSettings
from . import PREFIX, Fleet, errors
from .cache import decode, encode, fresh, ttl, url_key

if TYPE_CHECKING:
    from .remote import Remote

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_POLL = 0.05
_BATCH = 500


def lease_seconds(settings: LinksSettings) -> float:
    """How long a claim lasts: longer than one page's check may take (every retry, redirect
    and the whole Retry-After budget), so a live holder keeps it to the end."""
    attempts = settings.external_retries + 1
    return settings.external_timeout * attempts * 3 + settings.external_budget + 30.0


def claim_key(base: str) -> str:
    return PREFIX + "claim:" + hashlib.sha256(base.encode("utf-8")).hexdigest()


Pages = Mapping[str, Sequence[str]]
"""Pages (URLs without their fragment) and the cache keys of the URLs on each."""


class Claims:
    def __init__(self, fleet: Fleet, settings: LinksSettings, remote: Remote) -> None:
        self.fleet = fleet
        self.remote = remote
        self.lease_ms = int(lease_seconds(settings) * 1000)
        self._release: Any = remote.client.register_script(_RELEASE)

    async def claim_all(self, pages: Pages) -> tuple[dict[str, str], dict[str, list[Cached]]]:
        """Claim ``pages``: the tokens of those this run checks, and the outcomes of those that
        another run published meanwhile (found while claiming; their claims let go again).
        A page in neither is another run's to check now. Redis away: every page is this run's."""
        tokens = {base: uuid.uuid4().hex for base in pages}
        if not self.fleet.link.up:
            return tokens, {}
        try:
            owned = await self.remote.run(self._claim_sync, tokens)
        except errors() as exc:
            self.fleet.link.lost(exc)
            return tokens, {}
        mine = {b: t for b, t in tokens.items() if b in owned}
        known = await self.published({b: pages[b] for b in mine}, any_run=False)
        for base in known:
            await self.let_go(base, mine.pop(base))
        return mine, known

    def _claim_sync(self, tokens: dict[str, str]) -> set[str]:
        owned: set[str] = set()
        bases = list(tokens)
        for start in range(0, len(bases), _BATCH):
            part = bases[start : start + _BATCH]
            pipe = self.remote.client.pipeline(transaction=False)
            for base in part:
                pipe.set(claim_key(base), tokens[base], nx=True, px=self.lease_ms)
            for base, taken in zip(part, pipe.execute(), strict=True):
                if taken:
                    owned.add(base)
        return owned

    def _read_sync(self, pages: Pages) -> tuple[list[bool], list[list[Any]]]:
        held: list[bool] = []
        values: list[list[Any]] = []
        bases = list(pages)
        for start in range(0, len(bases), _BATCH):
            pipe = self.remote.client.pipeline(transaction=False)
            for base in bases[start : start + _BATCH]:
                pipe.exists(claim_key(base))
                pipe.mget([url_key(k) for k in pages[base]])
            answers = pipe.execute()
            held.extend(bool(a) for a in answers[0::2])
            values.extend(answers[1::2])
        return held, values

    async def published(
        self, pages: Pages, *, since: float | None = None, any_run: bool = True
    ) -> dict[str, list[Cached]]:
        """The pages whose every URL has an outcome this run may use: written since ``since``
        (by the run it waited for), or fresh by the cache's rules."""
        done, _ = await self._look(pages, since=since, any_run=any_run)
        return done

    async def _look(
        self, pages: Pages, *, since: float | None, any_run: bool
    ) -> tuple[dict[str, list[Cached]], set[str]]:
        if not pages or not self.fleet.link.up:
            return {}, set()
        try:
            held, values = await self.remote.run(self._read_sync, pages)
        except errors() as exc:
            self.fleet.link.lost(exc)
            return {}, set()
        now = time.time()
        done: dict[str, list[Cached]] = {}
        let_go: set[str] = set()
        for (base, keys), claimed, raws in zip(pages.items(), held, values, strict=True):
            found = []
            for key, raw in zip(keys, raws, strict=True):
                decoded = decode(key, raw)
                if decoded is None:
                    break
                entry, run = decoded
                usable = (since is not None and any_run and entry.checked_at >= since) or fresh(
                    entry, run, now, self.fleet
                )
                if not usable:
                    break
                found.append(entry)
            if len(found) == len(keys):
                done[base] = found
                self.fleet.published.update(keys)
            elif not claimed:
                let_go.add(base)
        return done, let_go

    async def wait_all(self, pages: Pages) -> tuple[dict[str, list[Cached]], list[str]]:
        """Wait for the runs that hold ``pages``: their outcomes, and the pages let go without
        outcomes (or all that remain when Redis goes away), which this run then checks."""
        since = time.time() - 1.0
        pending = dict(pages)
        done: dict[str, list[Cached]] = {}
        abandoned: list[str] = []
        pause = _POLL
        while pending and self.fleet.link.up:
            found, let_go = await self._look(pending, since=since, any_run=True)
            done.update(found)
            for base in [*found, *let_go]:
                pending.pop(base, None)
            abandoned.extend(b for b in let_go if b not in found)
            if pending:
                await asyncio.sleep(pause * (1 + random.random()))  # noqa: S311
                pause = min(pause * 1.5, 0.5)  # long checks: ask less often
        abandoned.extend(pending)
        return done, abandoned

    async def let_go(self, base: str, token: str) -> None:
        if not self.fleet.link.up:
            return
        try:
            await self.remote.run(self._release, keys=[claim_key(base)], args=[token])
        except errors() as exc:
            self.fleet.link.lost(exc)

    async def publish(self, base: str, token: str, entries: list[Cached]) -> None:
        """Store this run's outcomes for ``base`` and let go of its claim."""
        fleet = self.fleet
        if not fleet.link.up:
            return
        try:
            await self.remote.run(self._publish_sync, base, token, entries)
        except errors() as exc:
            fleet.link.lost(exc)
            return
        fleet.published.update(e.url for e in entries)

    def _publish_sync(self, base: str, token: str, entries: list[Cached]) -> None:
        fleet = self.fleet
        pipe = self.remote.client.pipeline(transaction=False)
        for entry in entries:
            pipe.set(
                url_key(entry.url),
                encode(entry, fleet.run),
                px=int(ttl(entry, fleet.lifetimes, fleet.run) * 1000),
            )
        pipe.execute()
        self._release(keys=[claim_key(base)], args=[token])
