"""Two nodes, 50 candidates in 3 lines, 4 recruiters calling concurrently; then a restart."""

from __future__ import annotations

import asyncio
import itertools
import os
import random
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.appkeys import GATEWAY, POOL, TIMERS
from server.config import Secret, Settings
from server.realtime.client import StreamClient
from server.timers import FakeClock, TimerRunner
from tests.helpers import Person, a_booth, fast_passwords, quick_person, ws_url

Client = TestClient[Any, Any]
DURATION_S = float(os.environ.get("LIVEFAIR_QUEUE_SOAK_S", "30"))


async def start_node(settings: Settings, clock: FakeClock, aiohttp_client: Any) -> Client:
    app = create_app(settings, clock=clock, run_timers=False, passwords=fast_passwords())
    node: Client = await aiohttp_client(app)
    return node


@pytest.fixture
async def shared(settings: Settings, redis_url: str) -> Settings:
    return replace(settings, redis_url=Secret(redis_url))


def on(node: Client, who: Person) -> Person:
    """The same person, talking to another node."""
    return Person(node, who.account_id, who.token)


def contiguous(frames: list[dict[str, Any]]) -> bool:
    """Per topic: snapshot/subscribed seq, then events seq+1, seq+2, … (no gap, no repeat)."""
    last: dict[str, int] = {}
    for frame in frames:
        topic, seq = frame.get("topic"), frame.get("seq")
        if not isinstance(topic, str) or not isinstance(seq, int):
            continue
        if frame["op"] in ("snapshot", "subscribed"):
            if frame["op"] == "snapshot" or topic not in last:
                last[topic] = seq
            elif seq != last[topic]:
                return False
        elif frame["op"] == "event":
            if topic in last and seq != last[topic] + 1:
                return False
            last[topic] = seq
    return True


@pytest.mark.timeout(300)
async def test_two_nodes_serve_three_lines_without_double_calls_and_survive_a_restart(
    shared: Settings, clock: FakeClock, aiohttp_client: Any
) -> None:
    rng = random.Random(7)
    a = await start_node(shared, clock, aiohttp_client)
    b = await start_node(shared, clock, aiohttp_client)
    nodes = [a, b]
    recruiters = [await quick_person(a, f"soak-r{i}@example.org") for i in range(4)]
    app = a.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        booths = [
            await a_booth(conn, [recruiters[0].account_id, recruiters[1].account_id], capacity=100),
            await a_booth(conn, [recruiters[2].account_id], capacity=100),
            await a_booth(conn, [recruiters[3].account_id], capacity=100),
        ]
    desk = {0: booths[0], 1: booths[0], 2: booths[1], 3: booths[2]}
    for i, booth in enumerate(booths):
        opened = await on(nodes[i % 2], recruiters[min(i + 1, 3)]).put(
            f"/api/booths/{booth}/queue-status", json={"status": "open"}
        )
        assert opened.status == 204
    candidates = [await quick_person(nodes[i % 2], f"soak-c{i}@example.org") for i in range(50)]
    streams: list[StreamClient] = []
    for i, c in enumerate(candidates):
        stream = StreamClient(ws_url(nodes[i % 2]), token=c.token)
        await stream.start()
        await stream.subscribe("me")
        streams.append(stream)
    watchers = []
    for booth in booths:
        for node in nodes:
            watcher = StreamClient(ws_url(node))
            await watcher.start()
            await watcher.subscribe(f"booth:{booth}")
            watchers.append(watcher)
    consoles = []
    for i, r in enumerate(recruiters):
        console = StreamClient(ws_url(nodes[i % 2]), token=r.token)
        await console.start()
        await console.subscribe(f"booth:{desk[i]}:staff")
        await console.next_op("subscribed")
        consoles.append(console)
        ok = await on(nodes[i % 2], r).put(
            f"/api/booths/{desk[i]}/staff-status", json={"status": "available"}
        )
        assert ok.status == 204, await ok.text()
    by_id = {str(c.account_id): c for c in candidates}

    async def join_some(c: Person, node: Client) -> None:
        for booth in rng.sample(booths, rng.randint(1, 3)):
            response = await on(node, c).post(f"/api/booths/{booth}/tickets")
            assert response.status in (201, 409), await response.text()

    for i, c in enumerate(candidates):
        await join_some(c, nodes[i % 2])

    served: list[str] = []
    stop = asyncio.Event()

    async def recruiter_loop(i: int) -> None:
        async with asyncio.timeout(DURATION_S + 60):  # a stuck request fails, not hangs
            await recruiter_work(i)

    async def recruiter_work(i: int) -> None:
        me = on(nodes[i % 2], recruiters[i])
        while not stop.is_set():
            response = await me.post(f"/api/booths/{desk[i]}/call-next")
            if response.status != 200:
                assert (await response.json(content_type=None))["code"] == "queue.empty"
                await asyncio.sleep(0.05)
                continue
            called = await response.json()
            candidate = on(nodes[(i + 1) % 2], by_id[called["candidate_id"]])
            accepted = await candidate.post(f"/api/tickets/{called['ticket_id']}/accept")
            assert accepted.status == 200, await accepted.text()
            await asyncio.sleep(rng.uniform(0.01, 0.05))
            done = await me.post(f"/api/tickets/{called['ticket_id']}/complete")
            assert done.status == 200, await done.text()
            served.append(called["ticket_id"])
            await candidate.post(f"/api/booths/{desk[i]}/tickets")  # back in line

    loops = [asyncio.create_task(recruiter_loop(i)) for i in range(4)]
    await asyncio.sleep(DURATION_S)
    stop.set()
    await asyncio.gather(*loops)
    await asyncio.sleep(1.0)  # let the last events arrive
    assert len(served) > 20

    async with app[POOL].acquire() as conn:
        rows = await conn.fetch(
            "SELECT candidate_id, called_by, called_at, ended_at FROM tickets"
            " WHERE called_at IS NOT NULL AND state = 'done'"
        )
    for key in ("candidate_id", "called_by"):
        spans: dict[UUID, list[tuple[Any, Any]]] = defaultdict(list)
        for row in rows:
            spans[row[key]].append((row["called_at"], row["ended_at"]))
        for intervals in spans.values():
            intervals.sort()
            for (_, end), (start, _) in itertools.pairwise(intervals):
                assert start >= end, f"two calls at once for one {key}"

    for stream in [*streams, *watchers, *consoles]:
        frames = []
        while not stream.frames.empty():
            frames.append(stream.frames.get_nowait())
        assert contiguous(frames)
        await stream.stop()

    before = {str(c.account_id): await (await c.get("/api/me/tickets")).json() for c in candidates}
    await a.close()
    await b.close()
    a2 = await start_node(shared, clock, aiohttp_client)
    b2 = await start_node(shared, clock, aiohttp_client)
    for i, c in enumerate(candidates):
        after = await (await on([a2, b2][i % 2], c).get("/api/me/tickets")).json()
        assert after == before[str(c.account_id)]
    async with StreamClient(ws_url(b2)) as check:
        await check.subscribe(f"booth:{booths[0]}")
        line = (await check.next_op("snapshot"))["data"]["line"]
    expected = sorted(
        (t["joined_at"], t["id"], t["token"])
        for items in before.values()
        for t in items["items"]
        if t["booth_id"] == str(booths[0]) and t["state"] in ("waiting", "notified")
    )
    assert [entry["token"] for entry in line] == [token for _, _, token in expected]
    await a2.close()
    await b2.close()


async def test_closing_one_of_two_nodes_connections_keeps_the_candidate_present(
    shared: Settings, clock: FakeClock, aiohttp_client: Any
) -> None:
    """A candidate with a tab on each node closes one: not away (staff see no
    "reconnecting", a call would not pass them over); closing the other makes them away."""
    a = await start_node(shared, clock, aiohttp_client)
    b = await start_node(shared, clock, aiohttp_client)
    app = a.app
    assert app is not None
    candidate = await quick_person(a, "two-tabs@example.org")

    async def away() -> bool:
        async with app[POOL].acquire() as conn:
            found = await conn.fetchval(
                "SELECT 1 FROM queue_absences WHERE candidate_id = $1", candidate.account_id
            )
        return found is not None

    tabs = []
    for node in (a, b):
        tab = StreamClient(ws_url(node), token=candidate.token)
        await tab.start()
        await tab.subscribe("me")
        await tab.next_op("subscribed")
        tabs.append(tab)
    await tabs[0].stop()
    await asyncio.sleep(1.0)  # the gone hook has long run (it reports within milliseconds)
    assert not await away()
    await tabs[1].stop()
    for _ in range(100):
        if await away():
            break
        await asyncio.sleep(0.05)
    assert await away()


async def test_a_recruiter_goes_offline_only_when_the_console_on_every_node_is_gone(
    shared: Settings, clock: FakeClock, aiohttp_client: Any
) -> None:
    """Consoles on two nodes, each counted in the shared presence: closing one keeps the
    recruiter available past the staff grace; closing the other takes them offline."""
    a = await start_node(shared, clock, aiohttp_client)
    b = await start_node(shared, clock, aiohttp_client)
    app = a.app
    assert app is not None
    recruiter = await quick_person(a, "two-consoles@example.org")
    async with app[POOL].acquire() as conn:
        booth = await a_booth(conn, [recruiter.account_id])
    runner = TimerRunner(app[POOL], app[TIMERS], clock)

    async def status() -> str:
        async with app[POOL].acquire() as conn:
            found: str = await conn.fetchval(
                "SELECT status FROM staff_status WHERE booth_id = $1", booth
            )
        return found

    async def check_scheduled() -> None:  # the gone hook runs in a task
        for _ in range(100):
            async with app[POOL].acquire() as conn:
                if await conn.fetchval("SELECT 1 FROM timers WHERE kind = 'queue.staff_away'"):
                    return
            await asyncio.sleep(0.02)
        raise AssertionError("closing the console scheduled no check")

    consoles = []
    for node in (b, a):
        console = StreamClient(ws_url(node), token=recruiter.token)
        await console.start()
        await console.subscribe(f"booth:{booth}:staff")
        await console.next_op("subscribed")
        consoles.append(console)
        node_app = node.app
        assert node_app is not None  # one presence tick, as each node runs every second
        await node_app[GATEWAY].presence.tick(lambda _topic, _count: None)
        if node is b:  # the console is on b, the request on a: available all the same
            response = await recruiter.put(
                f"/api/booths/{booth}/staff-status", json={"status": "available"}
            )
            assert response.status == 204, await response.text()
    try:
        await consoles[1].stop()
        await check_scheduled()
        clock.advance(timedelta(seconds=61))
        await runner.run_due()
        assert await status() == "available"  # the console on b is still open
        await consoles[0].stop()
        await check_scheduled()
        clock.advance(timedelta(seconds=61))
        await runner.run_due()
        assert await status() == "offline"
    finally:
        for console in consoles:
            await console.stop()
