"""Fixed-window rate limits, per key (an account, an address), shared across nodes via Redis.

``hit(key, limit, window_s)`` counts one attempt and returns ``None`` while the key is
within its limit, or the seconds until the window resets once it is over. With one
process the counters live in memory; with ``LIVEFAIR_REDIS_URL`` they live in Redis so
every node sees the same count.
"""

from __future__ import annotations

import math
from typing import Protocol

import redis.asyncio as aioredis

from server.timers import Clock


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window_s: int) -> float | None: ...

    async def reset(self, key: str) -> None: ...

    async def close(self) -> None: ...


class MemoryRateLimiter:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}

    async def hit(self, key: str, limit: int, window_s: int) -> float | None:
        now = self._clock.now().timestamp()
        start, count = self._windows.get(key, (now, 0))
        if now - start >= window_s:
            start, count = now, 0
        count += 1
        self._windows[key] = (start, count)
        if len(self._windows) > 100_000:  # bound memory: forget expired windows
            self._windows = {k: v for k, v in self._windows.items() if now - v[0] < window_s}
        if count > limit:
            return max(start + window_s - now, 1.0)
        return None

    async def reset(self, key: str) -> None:
        self._windows.pop(key, None)

    async def close(self) -> None:
        self._windows.clear()


class RedisRateLimiter:
    # INCR then set the expiry on the first hit, atomically.
    _SCRIPT = """
    local count = redis.call('INCR', KEYS[1])
    if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
    local ttl = redis.call('TTL', KEYS[1])
    return {count, ttl}
    """

    def __init__(self, url: str, *, prefix: str = "livefair:rate:") -> None:
        self._redis = aioredis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._prefix = prefix
        self._script = self._redis.register_script(self._SCRIPT)

    async def hit(self, key: str, limit: int, window_s: int) -> float | None:
        count, ttl = await self._script(keys=[self._prefix + key], args=[window_s])
        if int(count) > limit:
            return float(max(math.ceil(ttl), 1))
        return None

    async def reset(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def close(self) -> None:
        await self._redis.aclose()
