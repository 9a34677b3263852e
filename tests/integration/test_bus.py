"""One contract for every EventBus: the in-process bus and the Redis bus."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from server.bus import EventBus
from server.bus.memory import MemoryBus
from server.bus.redis import RedisBus


@pytest.fixture(params=["memory", "redis"])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[EventBus]:
    instance: EventBus
    if request.param == "memory":
        instance = MemoryBus()
    else:
        instance = RedisBus(request.getfixturevalue("redis_url"))
    await instance.start()
    yield instance
    await instance.close()


async def receive(queue: asyncio.Queue[tuple[str, bytes]], n: int) -> list[tuple[str, bytes]]:
    return [await asyncio.wait_for(queue.get(), 5) for _ in range(n)]


async def settle(bus: EventBus) -> None:
    """Give a network bus time to unsubscribe (subscribe itself waits for confirmation)."""
    if isinstance(bus, RedisBus):
        await asyncio.sleep(0.3)


async def test_a_message_published_once_subscribe_returns_reaches_every_subscriber_in_order(
    bus: EventBus,
) -> None:
    channel = f"test:{uuid.uuid4().hex}"
    first: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    second: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    await bus.subscribe(channel, lambda c, m: first.put_nowait((c, m)))
    await bus.subscribe(channel, lambda c, m: second.put_nowait((c, m)))
    for i in range(20):
        await bus.publish(channel, b"event-%d" % i)
    expected = [(channel, b"event-%d" % i) for i in range(20)]
    assert await receive(first, 20) == expected
    assert await receive(second, 20) == expected


async def test_other_channels_and_unsubscribed_handlers_get_nothing(bus: EventBus) -> None:
    mine, other = f"test:{uuid.uuid4().hex}", f"test:{uuid.uuid4().hex}"
    got: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    stop = await bus.subscribe(mine, lambda c, m: got.put_nowait((c, m)))
    await bus.publish(other, b"not for me")
    await bus.publish(mine, b"for me")
    assert await receive(got, 1) == [(mine, b"for me")]
    stop()
    await settle(bus)
    await bus.publish(mine, b"after unsubscribe")
    await asyncio.sleep(0.2)
    assert got.empty()


async def test_a_failing_handler_does_not_starve_the_others(bus: EventBus) -> None:
    channel = f"test:{uuid.uuid4().hex}"
    got: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()

    def broken(c: str, m: bytes) -> None:
        raise RuntimeError("handler bug")

    await bus.subscribe(channel, broken)
    await bus.subscribe(channel, lambda c, m: got.put_nowait((c, m)))
    await bus.publish(channel, b"x")
    assert await receive(got, 1) == [(channel, b"x")]


async def test_ping_answers(bus: EventBus) -> None:
    await bus.ping()


async def test_the_redis_bus_resubscribes_after_its_connection_is_killed(redis_url: str) -> None:
    bus = RedisBus(redis_url)
    await bus.start()
    reconnected = asyncio.Event()
    bus.on_reconnect(reconnected.set)
    channel = f"test:{uuid.uuid4().hex}"
    got: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    await bus.subscribe(channel, lambda c, m: got.put_nowait((c, m)))
    admin = aioredis.Redis.from_url(redis_url)
    try:
        await asyncio.sleep(0.3)
        await bus.publish(channel, b"before")
        assert await receive(got, 1) == [(channel, b"before")]
        await admin.client_kill_filter(_type="pubsub")
        await asyncio.wait_for(reconnected.wait(), 10)
        await asyncio.sleep(0.1)
        await bus.publish(channel, b"after")
        assert await receive(got, 1) == [(channel, b"after")]
    finally:
        await admin.aclose()
        await bus.close()
