"""The link cache in Redis, in front of the local SQLite file.

Keys are ``docgates:v1:url:`` and the SHA-256 of the cache key (the URL), so a key never holds
a URL, its credentials or its query; stored values hold the outcome with the final URL and
reason scrubbed of credentials and secret query values. An outcome is kept for its lifetime
(``external_cache_hours``: the same rules as the SQLite file; an outcome with no lifetime is
not reused by another run), and for a short while longer for runs of the same CI run (the
shards of one matrix, :func:`~docgates._core.fleet.run_id`), which reuse outcomes of every
kind, and for runs that waited for it while another run was checking the URL.

:class:`TieredCache` is what the checker uses: the local cache first (it answers without a
network), then Redis (an answer found there is copied into the local cache), and every new
outcome goes to both. When Redis stops answering, the local cache carries on alone.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Mapping

from ..cache import Cached, LinkCache, public_text, public_url
from . import PREFIX, TIMEOUT, Fleet, errors

RUN_WINDOW = 6 * 3600.0
"""Seconds the shards of one CI run reuse each other's outcomes of any kind."""

WAIT_WINDOW = 300.0
"""Seconds an outcome without a lifetime stays for runs that waited for it."""


def url_key(key: str) -> str:
    """The Redis key of a URL: a hash of the URL as the local cache keeps it (no credentials,
    secret query values replaced), so both caches key a URL alike and no key holds a URL."""
    return PREFIX + "url:" + hashlib.sha256(public_url(key).encode("utf-8")).hexdigest()


def encode(entry: Cached, run: str) -> str:
    return json.dumps(
        {
            "o": entry.outcome,
            "s": entry.status,
            "r": public_text(entry.reason, entry.url, entry.final_url),
            "f": public_url(entry.final_url) if entry.final_url else None,
            "t": entry.checked_at,
            "run": run,
        },
        separators=(",", ":"),
    )


def decode(key: str, raw: bytes | str | None) -> tuple[Cached, str] | None:
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        entry = Cached(
            key,
            str(data["o"]),
            data["s"] if isinstance(data["s"], int) else None,
            str(data["r"]),
            data["f"] if isinstance(data["f"], str) else None,
            float(data["t"]),
        )
        return entry, str(data.get("run") or "")
    except (ValueError, KeyError, TypeError):
        return None  # another version's value: checked again


def fresh(entry: Cached, run: str, now: float, fleet: Fleet) -> bool:
    """May this run use ``entry`` (written by the run ``run``) instead of asking the host?"""
    age = now - entry.checked_at
    hours = fleet.lifetimes.get(entry.outcome, 0.0)
    if hours > 0 and age <= hours * 3600:
        return True
    return bool(fleet.run) and run == fleet.run and age <= RUN_WINDOW


def ttl(entry: Cached, lifetimes: Mapping[str, float], run: str) -> float:
    """Seconds Redis keeps ``entry``."""
    hours = lifetimes.get(entry.outcome, 0.0)
    return max(hours * 3600.0, RUN_WINDOW if run else WAIT_WINDOW)


class RedisLinkCache:
    """Outcomes by URL in Redis (synchronous: read before the checks, written after)."""

    def __init__(self, fleet: Fleet) -> None:
        import redis

        self.fleet = fleet
        self.link = fleet.link
        self.lifetimes = dict(fleet.lifetimes)
        self.run = fleet.run
        self.client = redis.Redis.from_url(
            fleet.link.url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
        )

    def fresh(self, entry: Cached, run: str, now: float, *, any_age: bool) -> bool:
        return any_age or fresh(entry, run, now, self.fleet)

    def get_many(
        self, keys: list[str], now: float | None = None, *, any_age: bool = False
    ) -> dict[str, Cached]:
        if not keys or not self.link.up:
            return {}
        now = time.time() if now is None else now
        found: dict[str, Cached] = {}
        try:
            for start in range(0, len(keys), 1000):
                part = keys[start : start + 1000]
                values = self.client.mget([url_key(k) for k in part])
                for key, raw in zip(part, values, strict=True):
                    decoded = decode(key, raw)
                    if decoded and self.fresh(*decoded, now, any_age=any_age):
                        found[key] = decoded[0]
        except errors() as exc:
            self.link.lost(exc)
            return {}
        return found

    def put_many(self, entries: Iterable[Cached]) -> None:
        if not self.link.up:
            return
        try:
            pipe = self.client.pipeline(transaction=False)
            for entry in entries:
                if entry.url in self.fleet.published:
                    continue
                pipe.set(
                    url_key(entry.url),
                    encode(entry, self.run),
                    px=int(ttl(entry, self.lifetimes, self.run) * 1000),
                )
            pipe.execute()
        except errors() as exc:
            self.link.lost(exc)

    def close(self) -> None:
        self.client.close()


class TieredCache:
    """The local cache (when there is one) with Redis behind it: the checker's cache."""

    def __init__(self, local: LinkCache | None, shared: RedisLinkCache) -> None:
        self.local = local
        self.shared = shared
        self._found: dict[str, Cached] = {}
        self._any_age = False

    @property
    def problem(self) -> str | None:
        """What went wrong with the local cache (it then keeps this run's outcomes in memory)."""
        return self.local.problem if self.local is not None else None

    def prefetch(self, keys: Iterable[str], *, any_age: bool = False) -> None:
        """Ask Redis about every key the local cache cannot answer, in a few round trips."""
        missing = [
            k
            for k in dict.fromkeys(keys)
            if self.local is None or not self.local.get(k, any_age=any_age)
        ]
        self._found = self.shared.get_many(missing, any_age=any_age)
        if self.local is not None and self._found:
            self.local.put_many(self._found.values())

    def get(self, url: str, now: float | None = None, *, any_age: bool = False) -> Cached | None:
        if self.local is not None:
            hit = self.local.get(url, now, any_age=any_age)
            if hit is not None:
                return hit
        return self._found.get(url)

    def put_many(self, entries: Iterable[Cached]) -> None:
        entries = list(entries)
        if self.local is not None:
            self.local.put_many(entries)
        self.shared.put_many(entries)

    def close(self) -> None:
        if self.local is not None:
            self.local.close()
        self.shared.close()
