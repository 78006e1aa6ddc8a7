"""State shared by every run of a CI fleet: the external-link cache and per-host politeness.

With ``external_cache: redis://host:port/db`` (or ``--cache``, or ``DOCGATES_CACHE_URL``),
every run that names the same Redis shares:

- the link cache (:mod:`.cache`): outcomes with the same lifetimes as the local SQLite file,
  which stays in use beside it (read first, written always), so nothing is lost when Redis is
  away;
- one politeness budget per host (:mod:`.hosts`): requests in flight, the interval between two
  starts (a GCRA kept by a Lua script, on the Redis server's clock), and a host's
  ``Retry-After``;
- the URLs being checked right now: a run that finds another one checking a URL waits for its
  answer instead of asking the host again.

Redis unreachable or slow (an answer takes more than :data:`TIMEOUT` seconds): one notice, and
the run goes on with the local cache and per-run politeness, its findings and exit code as
they would be without Redis.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..dsn import one_line, redact

TIMEOUT = 2.0
"""Seconds a Redis command may take before the run stops using Redis."""

PREFIX = "docgates:v1:"
"""Every key docgates writes starts with this (a key never holds a URL: see :mod:`.cache`)."""


def run_id() -> str:
    """The CI run a process belongs to: its shards share outcomes of every kind.

    ``DOCGATES_RUN_ID`` when set, else GitHub Actions' run id and attempt, else none.
    """
    explicit = os.environ.get("DOCGATES_RUN_ID", "").strip()
    if explicit:
        return explicit
    github = os.environ.get("GITHUB_RUN_ID", "").strip()
    if github:
        return f"github-{github}-{os.environ.get('GITHUB_RUN_ATTEMPT', '1').strip()}"
    return ""


@dataclass
class Link:
    """One run's use of one Redis: whether it still answers, and the one notice if not."""

    url: str
    problem: str | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def up(self) -> bool:
        return self.problem is None

    def lost(self, exc: BaseException) -> None:
        """Stop using Redis for the rest of the run, saying so once."""
        if self.problem is not None:
            return
        self.problem = one_line(exc)
        self.notices.append(
            f"warning: the shared link cache '{redact(self.url)}' did not answer "
            f"({self.problem}); this run goes on with the local cache and its own per-host "
            "limits, and reports every finding as it would without it"
        )


@dataclass
class Fleet:
    """What a run shares through one Redis: handed to the cache and to the checker."""

    link: Link
    lifetimes: Mapping[str, float]
    run: str = field(default_factory=run_id)
    published: set[str] = field(default_factory=set)
    """Cache keys this run wrote to Redis already (not written again at the end)."""


def errors() -> tuple[type[BaseException], ...]:
    """What a Redis client raises when the server is away, slow or unusable."""
    import redis

    return (redis.RedisError, OSError)
