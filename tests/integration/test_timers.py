"""Durable timers fire exactly once, survive a dying runner, and honour late policies."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from server.store import db
from server.store.db import Connection
from server.timers import (
    FakeClock,
    LatePolicy,
    Timer,
    TimerRegistry,
    TimerRunner,
    cancel,
    schedule,
)

START = datetime(2020, 7, 1, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


@pytest.fixture
async def pools(database_url: str) -> AsyncIterator[tuple[asyncpg.Pool, asyncpg.Pool]]:
    setup = await db.connect(database_url)
    await setup.execute("CREATE TABLE fired (key text NOT NULL, runner text NOT NULL)")
    await setup.close()
    first = await db.create_pool(database_url, min_size=1, max_size=3)
    second = await db.create_pool(database_url, min_size=1, max_size=3)
    yield first, second
    await first.close()
    await second.close()


def recording(runner_name: str):  # type: ignore[no-untyped-def]
    async def handler(conn: Connection, timer: Timer) -> None:
        await conn.execute(
            "INSERT INTO fired (key, runner) VALUES ($1, $2)", timer.key, runner_name
        )

    return handler


async def fired(pool: asyncpg.Pool) -> list[str]:
    rows = await pool.fetch("SELECT key FROM fired ORDER BY key")
    return [row["key"] for row in rows]


async def test_500_timers_due_within_a_minute_fire_once_each_with_two_runners(
    pools: tuple[asyncpg.Pool, asyncpg.Pool],
) -> None:
    clock = FakeClock(START)
    runners = []
    for name, pool in zip(("a", "b"), pools, strict=True):
        registry = TimerRegistry()
        registry.register("test.fire", recording(name))
        runners.append(TimerRunner(pool, registry, clock, batch_size=7))
    async with pools[0].acquire() as conn, conn.transaction():
        for i in range(500):
            due = START + timedelta(milliseconds=120 * i)  # 500 timers over 60 s
            await schedule(conn, "test.fire", f"t{i:03d}", due, {"i": i})

    for _ in range(62):
        clock.advance(1)
        while sum(await asyncio.gather(*(r.run_due() for r in runners))):
            pass

    keys = await fired(pools[0])
    assert len(keys) == 500
    assert len(set(keys)) == 500
    assert await pools[0].fetchval("SELECT count(*) FROM timers") == 0
    by_runner = await pools[0].fetch("SELECT runner, count(*) FROM fired GROUP BY runner")
    assert {row["runner"] for row in by_runner} == {"a", "b"}  # both nodes shared the work


async def test_a_runner_whose_connection_is_killed_mid_handler_loses_nothing(
    pools: tuple[asyncpg.Pool, asyncpg.Pool], database_url: str
) -> None:
    clock = FakeClock(START)
    started: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def stuck(conn: Connection, timer: Timer) -> None:
        await conn.execute("INSERT INTO fired (key, runner) VALUES ($1, 'dying')", timer.key)
        started.set_result(await conn.fetchval("SELECT pg_backend_pid()"))
        await conn.execute("SELECT pg_sleep(30)")

    dying = TimerRegistry()
    dying.register("test.fire", stuck)
    healthy = TimerRegistry()
    healthy.register("test.fire", recording("healthy"))
    async with pools[0].acquire() as conn:
        await schedule(conn, "test.fire", "precious", START)

    attempt = asyncio.create_task(TimerRunner(pools[0], dying, clock).run_due())
    pid = await asyncio.wait_for(started, 10)
    admin = await db.connect(database_url)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid) is True
    finally:
        await admin.close()
    with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError)):
        await asyncio.wait_for(attempt, 10)

    assert await TimerRunner(pools[1], healthy, clock).run_due() == 1
    rows = await pools[1].fetch("SELECT key, runner FROM fired")
    assert [(r["key"], r["runner"]) for r in rows] == [("precious", "healthy")]
    assert await pools[1].fetchval("SELECT count(*) FROM timers") == 0


async def test_late_timers_follow_their_kind_policy(
    pools: tuple[asyncpg.Pool, asyncpg.Pool],
) -> None:
    clock = FakeClock(START)
    registry = TimerRegistry()
    ten_minutes = timedelta(minutes=10)
    registry.register("test.fire", recording("r"), late_policy=LatePolicy.FIRE)
    registry.register(
        "test.skip", recording("r"), late_policy=LatePolicy.SKIP, max_lateness=ten_minutes
    )
    registry.register(
        "test.report", recording("r"), late_policy=LatePolicy.REPORT, max_lateness=ten_minutes
    )
    pool = pools[0]
    async with pool.acquire() as conn:
        for kind in ("fire", "skip", "report"):
            await schedule(conn, f"test.{kind}", f"late-{kind}", START)
            await schedule(conn, f"test.{kind}", f"ontime-{kind}", START + timedelta(minutes=9))
    clock.advance(timedelta(minutes=11))
    assert await TimerRunner(pool, registry, clock).run_due() == 6

    assert await fired(pool) == ["late-fire", "ontime-fire", "ontime-report", "ontime-skip"]
    report = await pool.fetchrow("SELECT key, lateness_s FROM timer_reports")
    assert report is not None
    assert report["key"] == "late-report"
    assert report["lateness_s"] == pytest.approx(660)
    assert await pool.fetchval("SELECT count(*) FROM timers") == 0


async def test_a_failing_handler_is_retried_later_and_others_still_fire(
    pools: tuple[asyncpg.Pool, asyncpg.Pool],
) -> None:
    clock = FakeClock(START)
    calls = 0

    async def flaky(conn: Connection, timer: Timer) -> None:
        nonlocal calls
        calls += 1
        await conn.execute("INSERT INTO fired (key, runner) VALUES ($1, 'flaky')", timer.key)
        if calls == 1:
            raise RuntimeError("downstream unavailable")

    registry = TimerRegistry()
    registry.register("test.flaky", flaky)
    registry.register("test.fire", recording("r"))
    pool = pools[0]
    async with pool.acquire() as conn:
        await schedule(conn, "test.flaky", "flaky", START)
        await schedule(conn, "test.fire", "steady", START)
    runner = TimerRunner(pool, registry, clock)
    with contextlib.suppress(Exception):
        await runner.run_due()
    assert await fired(pool) == ["steady"]  # the failed handler's insert was rolled back
    row = await pool.fetchrow("SELECT attempts, last_error, due_at FROM timers")
    assert row is not None
    assert row["attempts"] == 1
    assert "downstream unavailable" in row["last_error"]
    assert row["due_at"] == START + timedelta(seconds=1)

    clock.advance(1)
    await runner.run_due()
    assert await fired(pool) == ["flaky", "steady"]
    assert await pool.fetchval("SELECT count(*) FROM timers") == 0


async def test_scheduling_a_key_again_moves_it_and_cancel_removes_it(
    pools: tuple[asyncpg.Pool, asyncpg.Pool],
) -> None:
    clock = FakeClock(START)
    registry = TimerRegistry()
    registry.register("test.fire", recording("r"))
    pool = pools[0]
    async with pool.acquire() as conn:
        await schedule(conn, "test.fire", "moved", START)
        await schedule(conn, "test.fire", "moved", START + timedelta(hours=1))
        await schedule(conn, "test.fire", "dropped", START)
        assert await cancel(conn, "dropped") is True
        assert await cancel(conn, "dropped") is False
    runner = TimerRunner(pool, registry, clock)
    assert await runner.run_due() == 0
    clock.advance(timedelta(hours=1))
    assert await runner.run_due() == 1
    assert await fired(pool) == ["moved"]


async def test_timers_of_kinds_this_node_does_not_know_are_left_alone(
    pools: tuple[asyncpg.Pool, asyncpg.Pool],
) -> None:
    clock = FakeClock(START)
    registry = TimerRegistry()
    registry.register("test.fire", recording("r"))
    pool = pools[0]
    async with pool.acquire() as conn:
        await schedule(conn, "test.unknown", "foreign", START)
    assert await TimerRunner(pool, registry, clock).run_due() == 0
    assert await pool.fetchval("SELECT count(*) FROM timers") == 1


async def test_the_background_loop_fires_when_the_fake_clock_reaches_the_time(
    pools: tuple[asyncpg.Pool, asyncpg.Pool],
) -> None:
    clock = FakeClock(START)
    done = asyncio.Event()

    async def handler(conn: Connection, timer: Timer) -> None:
        done.set()

    registry = TimerRegistry()
    registry.register("test.fire", handler)
    pool = pools[0]
    async with pool.acquire() as conn:
        await schedule(conn, "test.fire", "later", START + timedelta(seconds=30))
    task = asyncio.create_task(TimerRunner(pool, registry, clock, poll_interval=1).run_forever())
    try:
        await asyncio.sleep(0.2)
        assert not done.is_set()
        for _ in range(31):
            clock.advance(1)
            await asyncio.sleep(0.02)
        await asyncio.wait_for(done.wait(), 5)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
