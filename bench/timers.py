"""Durable timers: how fast the runner settles due timers, against two baselines.

Arms, all in one process and one run, on the same database:

* ``select1``: raw asyncpg ``SELECT 1`` round trips/s (8 connections): what the
  machine and driver can do at all;
* ``raw``: a hand-written claim-and-delete loop with the same SQL shape as the runner
  (``FOR UPDATE SKIP LOCKED`` batches, one INSERT per timer as the "work");
* ``runner``: two :class:`TimerRunner` instances on separate pools doing the same work
  through registered handlers, savepoints and late-policy checks.

Figures: timers/s per arm and the ratios runner/raw (livefair's own overhead) and
runner/select1. ``--smoke`` runs a few hundred timers in about a second.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta

import asyncpg

from bench.common import bench_database, machine, select1_rate
from server.store import db
from server.store.db import Connection
from server.timers import FakeClock, Timer, TimerRegistry, TimerRunner

NOW = datetime(2020, 7, 1, 1, 0, tzinfo=UTC)


async def fill(pool: asyncpg.Pool, n: int) -> None:
    async with pool.acquire() as conn:
        await conn.execute("TRUNCATE timers, bench_fired")
        await conn.copy_records_to_table(
            "timers",
            records=[("bench.fire", f"b{i}", NOW - timedelta(seconds=1)) for i in range(n)],
            columns=["kind", "key", "due_at"],
        )
        await conn.execute("VACUUM ANALYZE timers")


async def raw_rate(pool: asyncpg.Pool, n: int, batch: int) -> float:
    await fill(pool, n)

    async def worker() -> None:
        while True:
            async with pool.acquire() as conn, conn.transaction():
                rows = await conn.fetch(
                    "SELECT id, key FROM timers WHERE due_at <= $1 ORDER BY due_at, id"
                    " LIMIT $2 FOR UPDATE SKIP LOCKED",
                    NOW,
                    batch,
                )
                if not rows:
                    return
                for row in rows:
                    async with conn.transaction():
                        await conn.execute("INSERT INTO bench_fired (key) VALUES ($1)", row["key"])
                    await conn.execute("DELETE FROM timers WHERE id = $1", row["id"])

    start = time.perf_counter()
    await asyncio.gather(worker(), worker())
    return n / (time.perf_counter() - start)


async def runner_rate(pool_a: asyncpg.Pool, pool_b: asyncpg.Pool, n: int, batch: int) -> float:
    await fill(pool_a, n)

    async def handler(conn: Connection, timer: Timer) -> None:
        await conn.execute("INSERT INTO bench_fired (key) VALUES ($1)", timer.key)

    registry = TimerRegistry()
    registry.register("bench.fire", handler)
    clock = FakeClock(NOW)
    runners = [TimerRunner(p, registry, clock, batch_size=batch) for p in (pool_a, pool_b)]

    async def drain(runner: TimerRunner) -> None:
        while await runner.run_due():
            pass

    start = time.perf_counter()
    await asyncio.gather(*(drain(r) for r in runners))
    elapsed = time.perf_counter() - start
    fired = await pool_a.fetchval("SELECT count(*) FROM bench_fired")
    if fired != n:
        raise SystemExit(f"runner fired {fired} of {n} timers")
    return n / elapsed


async def main(smoke: bool) -> None:
    n = 300 if smoke else 20_000
    seconds = 0.5 if smoke else 5.0
    batch = 50
    async with bench_database() as dsn:
        setup = await db.connect(dsn)
        await setup.execute("CREATE TABLE IF NOT EXISTS bench_fired (key text NOT NULL)")
        await setup.close()
        pool_a = await db.create_pool(dsn, min_size=8, max_size=8)
        pool_b = await db.create_pool(dsn, min_size=2, max_size=2)
        try:
            baseline = await select1_rate(pool_a, seconds)
            raw = await raw_rate(pool_a, n, batch)
            ours = await runner_rate(pool_a, pool_b, n, batch)
        finally:
            await pool_a.close()
            await pool_b.close()
    print(f"timers bench ({'smoke' if smoke else 'full'}; {machine()}; {n} timers, batch {batch})")
    print(f"  select1     {baseline:10.0f} round trips/s (8 connections)")
    print(f"  raw SQL     {raw:10.0f} timers/s (2 workers)")
    print(f"  TimerRunner {ours:10.0f} timers/s (2 runners, separate pools)")
    print(f"  ratio runner/raw     {ours / raw:6.2f}")
    print(f"  ratio runner/select1 {ours / baseline:6.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="a run of about a second")
    args = parser.parse_args()
    asyncio.run(main(args.smoke))
