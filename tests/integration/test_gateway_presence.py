"""Presence across nodes, a dead node's members expiring, and a Redis restart without gaps."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.appkeys import OUTBOX, POOL
from server.config import Secret, Settings
from server.realtime.client import StreamClient
from server.realtime.presence import RedisPresenceStore
from server.timers import FakeClock
from tests._require import missing
from tests.conftest import free_port
from tests.helpers import a_booth, fast_passwords, quick_person, ws_url

Client = TestClient[Any, Any]


async def presence_count(stream: StreamClient, expected: int, within: float = 8.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        frame = await stream.next(max(deadline - loop.time(), 0.01))
        if frame.get("op") == "presence" and frame["count"] == expected:
            return


async def test_viewers_on_two_nodes_are_counted_together(
    settings: Settings, redis_url: str, clock: FakeClock, aiohttp_client: Any
) -> None:
    shared = replace(settings, redis_url=Secret(redis_url))
    a = await aiohttp_client(
        create_app(shared, clock=clock, run_timers=False, passwords=fast_passwords())
    )
    b = await aiohttp_client(
        create_app(shared, clock=clock, run_timers=False, passwords=fast_passwords())
    )
    recruiter = await quick_person(a, "presence-r@example.org")
    app = a.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        booth = await a_booth(conn, [recruiter.account_id])
    topic = f"booth:{booth}"
    on_a, on_b = StreamClient(ws_url(a)), StreamClient(ws_url(b))
    try:
        await on_a.start()
        await on_a.subscribe(topic)
        await on_a.next_op("subscribed")
        await presence_count(on_a, 1)
        await on_b.start()
        await on_b.subscribe(topic)
        await presence_count(on_a, 2)
        await presence_count(on_b, 2)
        await on_b.stop()
        await presence_count(on_a, 1)
    finally:
        await on_a.stop()
        await on_b.stop()
        await a.close()
        await b.close()


async def test_a_dead_nodes_members_disappear_when_its_entries_expire(redis_url: str) -> None:
    store = RedisPresenceStore(redis_url, ttl=1)  # TTL scaled down from 45 s for the test
    topic = f"session:test-{free_port()}"
    try:
        await store.write("alive", {topic: frozenset({"a1"})})
        await store.write("dead", {topic: frozenset({"d1", "d2"})})
        assert (await store.members([topic]))[topic] == {"a1", "d1", "d2"}
        await asyncio.sleep(0.6)
        await store.write("alive", {topic: frozenset({"a1"})})  # the live node refreshes
        await asyncio.sleep(0.6)
        assert (await store.members([topic]))[topic] == {"a1"}
    finally:
        await store.close()


@pytest.fixture
def own_redis() -> Iterator[tuple[str, Any]]:
    """A redis-server of this test's own (it gets restarted)."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis", "redis-server is not on PATH")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="livefair-redis-restart-")
    command = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        folder,
    ]
    state: dict[str, subprocess.Popen[bytes]] = {}

    def start() -> None:
        state["proc"] = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def stop() -> None:
        state["proc"].terminate()
        state["proc"].wait(timeout=10)

    start()
    try:
        yield f"redis://127.0.0.1:{port}/0", (start, stop)
    finally:
        stop()
        shutil.rmtree(folder, ignore_errors=True)


async def test_after_a_redis_restart_no_event_is_silently_lost(
    settings: Settings, own_redis: tuple[str, Any], clock: FakeClock, aiohttp_client: Any
) -> None:
    url, (start, stop) = own_redis
    await asyncio.sleep(0.3)
    shared = replace(settings, redis_url=Secret(url))
    a = await aiohttp_client(
        create_app(shared, clock=clock, run_timers=False, passwords=fast_passwords())
    )
    b = await aiohttp_client(
        create_app(shared, clock=clock, run_timers=False, passwords=fast_passwords())
    )
    app_a = a.app
    assert app_a is not None
    topic = "venue:00000000-0000-0000-0000-0000000000aa"  # resumed with since=0: no snapshot

    async def emit(n: int) -> None:
        for i in range(n):
            async with app_a[OUTBOX].transaction() as tx:
                tx.emit(topic, "test.note", {"i": i})

    stream = StreamClient(ws_url(b))
    try:
        await stream.start()
        await stream.subscribe(topic, since=0)
        await stream.next_op("subscribed")
        await emit(3)
        await asyncio.to_thread(stop)
        await emit(3)  # committed while Redis is down: not published
        await asyncio.to_thread(start)
        await asyncio.sleep(1.5)  # the buses reconnect and re-check their topics
        clock.advance(10)  # lets the relay see the unpublished events as stale
        await emit(3)
        seqs: list[int] = []
        while len(seqs) < 9:
            frame = await stream.next(15)
            if frame["op"] == "event":
                seqs.append(frame["seq"])
        assert seqs == list(range(1, 10))
    finally:
        await stream.stop()
        await a.close()
        await b.close()
