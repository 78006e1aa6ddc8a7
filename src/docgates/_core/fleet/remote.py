"""Redis commands for the checker's event loop, sent from a few threads of their own.

The checker keeps thousands of URLs in flight in one event loop. A Redis client inside that
loop would measure its timeouts in the loop's time, which a busy loop stretches: a server that
answers in a millisecond would look slow. So the commands go through a synchronous client on
:data:`CONNECTIONS` threads, where a socket timeout measures the server alone, and the loop
awaits them.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from . import TIMEOUT

T = TypeVar("T")

CONNECTIONS = 8
"""Threads, and connections to Redis, per run."""


class Remote:
    def __init__(self, url: str) -> None:
        import redis

        self.pool = redis.BlockingConnectionPool.from_url(
            url,
            max_connections=CONNECTIONS,
            timeout=None,  # one connection per thread: never waited for
            socket_timeout=TIMEOUT,
            socket_connect_timeout=TIMEOUT,
        )
        self.client = redis.Redis(connection_pool=self.pool)
        self.executor = ThreadPoolExecutor(CONNECTIONS, thread_name_prefix="docgates-redis")

    async def run(self, call: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(call, *args, **kwargs))

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.client.close()
        self.pool.disconnect()
