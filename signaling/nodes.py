"""Which node owns a broadcast: the one its publisher reached.

The owner records ``broadcast → its node URL`` with a TTL and refreshes it while the
publisher is connected (:data:`REFRESH_S`); a node that dies stops refreshing and its
claim expires within :data:`OWNER_TTL_S`. Another node that gets a viewer pulls the
stream once from the owner over WHEP and serves its own viewers from that copy.

With one process (no Redis) there is no other node: :class:`LocalOwners` knows none.
"""

from __future__ import annotations

from typing import Protocol

import redis.asyncio as aioredis

OWNER_TTL_S = 30
REFRESH_S = 10.0


class Owners(Protocol):
    async def claim(self, broadcast_id: str, node_url: str) -> None: ...

    async def release(self, broadcast_id: str, node_url: str) -> None:
        """Drop the claim if it is still ``node_url``'s (a newer publish elsewhere stays)."""
        ...

    async def owner(self, broadcast_id: str) -> str | None: ...

    async def close(self) -> None: ...


class LocalOwners:
    """One process: the broadcast is here or nowhere."""

    async def claim(self, broadcast_id: str, node_url: str) -> None:
        return None

    async def release(self, broadcast_id: str, node_url: str) -> None:
        return None

    async def owner(self, broadcast_id: str) -> str | None:
        return None

    async def close(self) -> None:
        return None


class RedisOwners:
    _RELEASE = """
    if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
    return 0
    """

    def __init__(self, url: str, *, ttl: int = OWNER_TTL_S, prefix: str = "lfb:owner:") -> None:
        self._redis = aioredis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._ttl = ttl
        self._prefix = prefix
        self._release = self._redis.register_script(self._RELEASE)

    async def claim(self, broadcast_id: str, node_url: str) -> None:
        await self._redis.set(self._prefix + broadcast_id, node_url, ex=self._ttl)

    async def release(self, broadcast_id: str, node_url: str) -> None:
        await self._release(keys=[self._prefix + broadcast_id], args=[node_url])

    async def owner(self, broadcast_id: str) -> str | None:
        value = await self._redis.get(self._prefix + broadcast_id)
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    async def close(self) -> None:
        await self._redis.aclose()
