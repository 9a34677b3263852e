"""Booth queues: join → call → accept → complete cycles per second, against baselines.

Arms, in one process and one run, on the same database (durability settings untouched):

* ``select1``: raw asyncpg ``SELECT 1`` round trips/s (8 connections);
* ``raw``: the same transactions as raw SQL through asyncpg — the statements of
  ``server.store.queue_steps`` (join: BEGIN with the booth lock, one statement, COMMIT;
  call, accept, complete: one autocommit statement each, writing ticket, events, topic
  seqs and timers) without any of livefair's Python around them;
* ``service``: livefair's ``QueueService`` doing the same cycles through its public
  methods (the same statements, plus refusal handling, publication on the bus and the
  debounced wait-table and "get ready" refresh, at most once a second per booth);
* ``--ceiling`` adds two raw arms that measure what a different event store could buy:
  ``raw, outbox as one WAL message`` writes each step's events as one transactional
  logical-decoding message (``pg_logical_emit_message``: WAL only, no rows, no topic
  seqs) instead of rows of ``events`` and ``topics``; ``raw, no outbox`` writes no
  events at all (an upper bound on any outbox). Neither is a design livefair runs.
* ``skeleton``: the floor of any design in which each of the cycle's four steps is a
  durable transaction of its own — one prepared single-row write per step (insert a
  row, then three updates of its state) on a bare table: no checks, no events, no
  timers. What a cycle cannot beat on this machine while every step is committed.

8 booths, one recruiter each, one task per booth. Figures: cycles/s per arm, and the
ratios service/select1 (issue target ≥ 0.04, goal ≥ 0.08), service/raw (≥ 0.6), and
skeleton/select1 (the same ratio for the floor).
``--smoke`` runs for about a second.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time
from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg

from bench.common import a_fair_and_venue, an_employer_booth, bench_database, machine, select1_rate
from server.bus.memory import MemoryBus
from server.domain.queue import ACTIVE, QueueStatus, StaffStatus
from server.ids import uuid7
from server.realtime.outbox import Outbox
from server.realtime.presence import MemoryPresenceStore, Presence
from server.services.queue import QueueService
from server.store import db
from server.store import queue_steps as steps
from server.timers import FakeClock

BOOTHS = 8

# The ceiling arms' replacements for ``queue_steps.EVENTS`` (which must leave ``written``
# with the columns RESULT reads).
OUTBOXES = {
    "table": None,
    "wal": """
bumped AS (SELECT 1),
emitted AS (
  SELECT pg_logical_emit_message(true, 'livefair', (SELECT jsonb_agg(jsonb_build_object(
           'topic', topic, 'type', type, 'data', data)) FROM ev)::text) AS lsn
   WHERE EXISTS (SELECT 1 FROM ev)),
written AS (SELECT ev.topic, 0::bigint AS seq, ev.type, ev.data FROM ev, emitted)
""",
    "none": """
bumped AS (SELECT 1),
written AS (SELECT NULL::text AS topic, 0::bigint AS seq, ''::text AS type,
                   '{}'::jsonb AS data WHERE false)
""",
}


def statement(sql: str, outbox: str) -> str:
    """One of the steps' statements with its outbox written as ``outbox`` says."""
    replacement = OUTBOXES[outbox]
    if replacement is None:
        return sql
    assert steps.EVENTS in sql
    return sql.replace(steps.EVENTS, replacement)


async def setup(
    conn: asyncpg.Connection, n_candidates: int
) -> tuple[list[UUID], list[UUID], list[UUID]]:
    """A fair, a venue, 8 booths of verified employers with one recruiter each, candidates."""
    now = datetime.now(UTC)
    fair_id, venue_id = await a_fair_and_venue(
        conn, "bench", now.date(), now.date(), "Asia/Shanghai"
    )
    accounts = [uuid7() for _ in range(BOOTHS + n_candidates)]
    await conn.copy_records_to_table(
        "accounts",
        records=[(a, f"b{a.hex}@example.org", "x", now) for a in accounts],
        columns=["id", "email", "password_hash", "created_at"],
    )
    recruiters, candidates = accounts[:BOOTHS], accounts[BOOTHS:]
    booths = []
    for i, recruiter in enumerate(recruiters):
        booth = await an_employer_booth(conn, fair_id, venue_id, f"基准企业{i}", now)
        await conn.execute(
            "INSERT INTO booth_staff (booth_id, account_id, assigned_at) VALUES ($1, $2, $3)",
            booth,
            recruiter,
            now,
        )
        booths.append(booth)
    return booths, recruiters, candidates


async def service_rate(
    pool: asyncpg.Pool,
    seconds: float,
    booths: list[UUID],
    recruiters: list[UUID],
    candidates: list[UUID],
) -> tuple[float, int]:
    clock = FakeClock(datetime.now(UTC))
    presence = Presence(MemoryPresenceStore(), "bench")
    outbox = Outbox(pool, MemoryBus(), clock)
    service = QueueService(pool, outbox, clock, presence)
    for booth, recruiter in zip(booths, recruiters, strict=True):
        presence.join(f"booth:{booth}:staff", str(recruiter))
        await service.set_queue_status(booth, recruiter, QueueStatus.OPEN)
        await service.set_staff_status(booth, recruiter, StaffStatus.AVAILABLE)
    cycles = 0
    deadline = time.perf_counter() + seconds
    per_booth = len(candidates) // len(booths)

    async def work(i: int) -> None:
        nonlocal cycles
        mine = candidates[i * per_booth : (i + 1) * per_booth]
        k = 0
        while time.perf_counter() < deadline:
            candidate = mine[k % len(mine)]
            k += 1
            await service.join(booths[i], candidate)
            called = await service.call(booths[i], recruiters[i])
            await service.accept(called["id"], candidate)
            await service.complete(called["id"], recruiters[i])
            clock.advance(timedelta(seconds=1))
            cycles += 1

    start = time.perf_counter()
    await asyncio.gather(*(work(i) for i in range(len(booths))))
    elapsed = time.perf_counter() - start
    await service.close()
    return cycles / elapsed, cycles


async def raw_rate(
    pool: asyncpg.Pool,
    seconds: float,
    booths: list[UUID],
    recruiters: list[UUID],
    candidates: list[UUID],
    outbox: str = "table",
) -> float:
    """The service's own statements, sent straight through asyncpg: a join (its lock with
    BEGIN, the one-statement join, COMMIT), then call, accept and complete as one
    autocommit statement each. What is left out is livefair's own work around them:
    Python, the bus publication, and the debounced wait-table refresh."""
    cycles = 0
    deadline = time.perf_counter() + seconds
    per_booth = len(candidates) // len(booths)
    active = [s.value for s in ACTIVE]
    join, call, accept, complete = (
        statement(sql, outbox)
        for sql in (steps.JOIN, steps.CALL_NEXT, steps.ACCEPT, steps.COMPLETE)
    )

    async def work(i: int) -> None:
        nonlocal cycles
        mine = candidates[i * per_booth : (i + 1) * per_booth]
        booth, recruiter = booths[i], recruiters[i]
        k = 0
        async with pool.acquire() as conn:
            await conn.execute(
                "INSERT INTO booth_queues (booth_id, status, changed_at) VALUES ($1, 'open', $2)"
                " ON CONFLICT (booth_id) DO UPDATE SET status = 'open'",
                booth,
                datetime.now(UTC),
            )
            await conn.execute(
                "INSERT INTO staff_status (booth_id, account_id, status, changed_at)"
                " VALUES ($1, $2, 'available', $3) ON CONFLICT (booth_id, account_id)"
                " DO UPDATE SET status = 'available'",
                booth,
                recruiter,
                datetime.now(UTC),
            )
            while time.perf_counter() < deadline:
                candidate = mine[k % len(mine)]
                k += 1
                now = datetime.now(UTC)
                await conn.execute(steps.JOIN_LOCK.format(candidate=candidate, booth=booth))
                joined = await conn.fetchrow(
                    join,
                    booth,
                    candidate,
                    now,
                    uuid7(),
                    secrets.token_urlsafe(12),
                    3,
                    active,
                    False,  # no key-group lane consent
                )
                await conn.execute("COMMIT")
                assert joined is not None
                assert joined["id"] is not None
                called = await conn.fetchrow(
                    call,
                    booth,
                    recruiter,
                    now,
                    now - timedelta(seconds=120),
                    now + timedelta(seconds=45),
                    None,
                    2,
                    now.isoformat(),
                )
                assert called is not None
                assert called["id"] is not None
                await conn.fetchrow(accept, called["id"], candidate, now)
                await conn.fetchrow(complete, called["id"], recruiter, now)
                cycles += 1

    start = time.perf_counter()
    await asyncio.gather(*(work(i) for i in range(len(booths))))
    return cycles / (time.perf_counter() - start)


async def skeleton_rate(pool: asyncpg.Pool, seconds: float) -> float:
    """Four autocommit single-row writes per cycle (see the module's docstring)."""
    async with pool.acquire() as conn:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_skeleton"
            " (id bigserial PRIMARY KEY, booth integer NOT NULL, state text NOT NULL,"
            " changed_at timestamptz NOT NULL)"
        )
    cycles = 0
    deadline = time.perf_counter() + seconds

    async def work(i: int) -> None:
        nonlocal cycles
        async with pool.acquire() as conn:
            insert = await conn.prepare(
                "INSERT INTO bench_skeleton (booth, state, changed_at)"
                " VALUES ($1, 'waiting', now()) RETURNING id"
            )
            update = await conn.prepare(
                "UPDATE bench_skeleton SET state = $2, changed_at = now() WHERE id = $1"
            )
            while time.perf_counter() < deadline:
                ticket = await insert.fetchval(i)
                for state in ("called", "in_interview", "done"):
                    await update.fetch(ticket, state)
                cycles += 1

    start = time.perf_counter()
    await asyncio.gather(*(work(i) for i in range(BOOTHS)))
    return cycles / (time.perf_counter() - start)


async def main(smoke: bool, ceiling: bool) -> None:
    seconds = 0.5 if smoke else 10.0
    async with bench_database() as dsn:
        setup_conn = await db.connect(dsn)
        try:
            booths, recruiters, candidates = await setup(setup_conn, 8 * 50)
        finally:
            await setup_conn.close()
        pool = await db.create_pool(dsn, min_size=10, max_size=10)
        try:
            baseline = await select1_rate(pool, seconds)
            raw = await raw_rate(pool, seconds, booths, recruiters, candidates)
            ours, cycles = await service_rate(pool, seconds, booths, recruiters, candidates)
            skeleton = await skeleton_rate(pool, seconds)
            ceilings = {}
            if ceiling:
                for outbox in ("wal", "none"):
                    ceilings[outbox] = await raw_rate(
                        pool, seconds, booths, recruiters, candidates, outbox
                    )
        finally:
            await pool.close()
    print(f"queue bench ({'smoke' if smoke else 'full'}; {machine()}; {BOOTHS} booths)")
    print(f"  select1       {baseline:9.0f} round trips/s (8 connections)")
    print(f"  raw SQL       {raw:9.1f} cycles/s (the service's statements, sent directly)")
    print(f"  QueueService  {ours:9.1f} cycles/s ({cycles} join+call+accept+complete)")
    print(f"  skeleton      {skeleton:9.1f} cycles/s (4 single-row autocommit writes)")
    labels = {"wal": "raw, outbox as one WAL message", "none": "raw, no outbox"}
    for outbox, rate in ceilings.items():
        print(
            f"  {labels[outbox]:30s} {rate:9.1f} cycles/s  ratio to select1 {rate / baseline:6.4f}"
        )
    print(f"  ratio service/select1 {ours / baseline:6.4f}  (target >= 0.04, goal >= 0.08)")
    print(f"  ratio service/raw     {ours / raw:6.2f}  (target >= 0.6)")
    print(f"  ratio skeleton/select1 {skeleton / baseline:6.4f}  (the floor of 4 commits a cycle)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="a run of about a second")
    parser.add_argument(
        "--ceiling", action="store_true", help="also the raw arms with other outboxes"
    )
    args = parser.parse_args()
    asyncio.run(main(args.smoke, args.ceiling))
