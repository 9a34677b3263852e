"""Ephemeral presence: who is connected to a topic, counted across nodes.

Each node knows its own members per topic (an account id, or a connection id for an
anonymous visitor). Once a second it writes the topics whose members changed to the
shared store and recomputes totals for the topics its clients follow; a changed total
goes to those clients as one ``presence`` frame per topic — at most one per second.

With Redis, a node's members of a topic live under ``lfp:<topic>|<node>`` with a TTL
refreshed every ``REFRESH_S``: a dead node's members disappear within ``TTL_S``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Protocol

import orjson
import redis.asyncio as aioredis

log = logging.getLogger(__name__)

TICK_S = 1.0
REFRESH_S = 10.0
TTL_S = 45


class PresenceStore(Protocol):
    async def write(self, node: str, members: dict[str, frozenset[str]]) -> None:
        """Replace this node's members of each given topic (empty set: none)."""
        ...

    async def members(
        self, topics: list[str], *, exclude: str | None = None
    ) -> dict[str, frozenset[str]]:
        """Every node's members of each topic, dead nodes (and ``exclude``) excluded."""
        ...

    async def close(self) -> None: ...


class MemoryPresenceStore:
    def __init__(self) -> None:
        self._by_node: dict[str, dict[str, frozenset[str]]] = defaultdict(dict)

    async def write(self, node: str, members: dict[str, frozenset[str]]) -> None:
        self._by_node[node].update(members)

    async def members(
        self, topics: list[str], *, exclude: str | None = None
    ) -> dict[str, frozenset[str]]:
        nodes = [n for node, n in self._by_node.items() if node != exclude]
        return {t: frozenset().union(*(n.get(t, frozenset()) for n in nodes)) for t in topics}

    async def close(self) -> None:
        self._by_node.clear()


class RedisPresenceStore:
    def __init__(self, url: str, *, ttl: int = TTL_S) -> None:
        self._redis = aioredis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._ttl = ttl

    async def write(self, node: str, members: dict[str, frozenset[str]]) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for topic, who in members.items():
                key = f"lfp:{topic}|{node}"
                if who:
                    pipe.set(key, orjson.dumps(sorted(who)), ex=self._ttl)
                    pipe.sadd(f"lfp-nodes:{topic}", node)
                    pipe.expire(f"lfp-nodes:{topic}", self._ttl * 4)
                else:
                    pipe.delete(key)
            await pipe.execute()

    async def members(
        self, topics: list[str], *, exclude: str | None = None
    ) -> dict[str, frozenset[str]]:
        if not topics:
            return {}
        async with self._redis.pipeline(transaction=False) as pipe:
            for topic in topics:
                pipe.smembers(f"lfp-nodes:{topic}")
            node_sets = await pipe.execute()
        keys = [
            (topic, node.decode(), f"lfp:{topic}|{node.decode()}")
            for topic, nodes in zip(topics, node_sets, strict=True)
            for node in nodes
            if node.decode() != exclude
        ]
        result: dict[str, set[str]] = {t: set() for t in topics}
        if not keys:
            return {t: frozenset() for t in topics}
        values = await self._redis.mget([k for _, _, k in keys])
        dead: list[tuple[str, str]] = []
        for (topic, node, _), value in zip(keys, values, strict=True):
            if value is None:
                dead.append((topic, node))  # expired: that node is gone
            else:
                result[topic].update(orjson.loads(value))
        if dead:
            async with self._redis.pipeline(transaction=False) as pipe:
                for topic, node in dead:
                    pipe.srem(f"lfp-nodes:{topic}", node)
                await pipe.execute()
        return {t: frozenset(m) for t, m in result.items()}

    async def close(self) -> None:
        await self._redis.aclose()


class Presence:
    """This node's view: local members per topic, and the last total sent to clients."""

    def __init__(self, store: PresenceStore, node: str) -> None:
        self._store = store
        self._node = node
        self._local: dict[str, Counter[str]] = defaultdict(Counter)
        self._dirty: set[str] = set()
        self._totals: dict[str, frozenset[str]] = {}
        self._since_refresh = 0.0

    def join(self, topic: str, member: str) -> None:
        self._local[topic][member] += 1
        if self._local[topic][member] == 1:
            self._dirty.add(topic)

    def leave(self, topic: str, member: str) -> None:
        counts = self._local.get(topic)
        if counts is None or counts[member] <= 0:
            return
        counts[member] -= 1
        if counts[member] == 0:
            del counts[member]
            self._dirty.add(topic)
            if not counts:
                del self._local[topic]

    def count(self, topic: str) -> int:
        """The last known total (all nodes)."""
        known = self._totals.get(topic)
        if known is not None:
            return len(known)
        return len(self._local.get(topic, ()))

    def is_here(self, topic: str, member: str) -> bool:
        """Connected to ``topic`` through this node now (the totals are not consulted:
        they include this node's own members as of the last tick)."""
        local = self._local.get(topic)
        return local is not None and local[member] > 0

    def is_present(self, topic: str, member: str) -> bool:
        """Connected to ``topic`` here, or on another node as of the last tick."""
        local = self._local.get(topic)
        return (local is not None and local[member] > 0) or member in self._totals.get(
            topic, frozenset()
        )

    def members(self, topic: str) -> frozenset[str]:
        return self._totals.get(topic, frozenset(self._local.get(topic, ())))

    async def publish(self, topic: str) -> None:
        """Write this node's members of ``topic`` now rather than at the next tick."""
        self._dirty.discard(topic)
        await self._store.write(self._node, {topic: frozenset(self._local.get(topic, ()))})

    async def present_elsewhere(self, topic: str, member: str) -> bool:
        """Whether ``member`` follows ``topic`` through another node. This node's own
        membership of the topic is written first, so of two nodes losing the member's
        last connections at once, the one that checks second sees the other's departure
        (each writes before it reads): one of them always finds the member gone."""
        await self.publish(topic)
        others = await self._store.members([topic], exclude=self._node)
        return member in others[topic]

    async def tick(self, notify: Callable[[str, int], None], elapsed: float = TICK_S) -> None:
        """Write changes, refresh TTLs, recompute totals; call ``notify`` for changed totals."""
        self._since_refresh += elapsed
        if self._since_refresh >= REFRESH_S:
            self._since_refresh = 0.0
            writes = {t: frozenset(c) for t, c in self._local.items()}
        else:
            writes = {}
        for topic in self._dirty:
            writes[topic] = frozenset(self._local.get(topic, ()))
        self._dirty.clear()
        if writes:
            await self._store.write(self._node, writes)
        # Totals are sent to followers of a topic; nobody is sent their own "me" count, so
        # user:* topics are written (for is_present on other nodes) but not re-read here.
        watched = sorted(
            t for t in set(self._local) | set(self._totals) if not t.startswith("user:")
        )
        totals = await self._store.members(watched)
        for topic, members in totals.items():
            previous = self._totals.get(topic)
            if members:
                self._totals[topic] = members
            else:
                self._totals.pop(topic, None)
            changed = previous is None or len(previous) != len(members)
            if changed and (previous is not None or members):
                notify(topic, len(members))
        for topic in [t for t in self._totals if t not in self._local]:
            del self._totals[topic]  # no local follower any more

    async def run(self, notify: Callable[[str, int], None]) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            try:
                await self.tick(notify)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("presence tick failed")
