"""Booth queues: what any design of the cycle can reach on this machine (issue 7's ratio).

``python -m bench.queue`` measures livefair's cycle (join → call → accept → complete)
against raw ``SELECT 1`` round trips. This script measures, in one run against the same
baseline, the bounds that decide whether the issue's target (≥ 0.04× ``SELECT 1``) is
reachable at all while keeping the issue's other requirements — each ticket a row of
``tickets`` under its unique partial indexes ("never two calls at once, enforced by the
database"), every transition a durable transaction with its events, durability settings
untouched:

* ``raw replica``: livefair's own four statements, sent straight (``bench.queue``);
* ``tickets only``: the four writes of a ticket's row and nothing else — an insert, then
  three state updates, one autocommit statement each, one task per booth: no checks, no
  booth lock, no events, no timers, no staff status;
* ``tickets only, 8 per statement``: the same writes for 8 booths at once (``unnest``),
  one task: what group commit could make of the writes alone;
* ``group commit, one outbox row``: the design proposed in bench/RESULTS.md at its best —
  each step for 8 (or 4) booths as one set-based statement with the booth locks, the
  checks that refuse bad input, the ring timer, the staff status, and the step's events
  written as ONE row per statement (no per-topic seqs at all, which a real outbox would
  still have to number).

The last arm is built to be generous to the design (fewer events, no lanes, no "busy
elsewhere" notices, no seqs), so its figure is an upper bound for it, not an estimate.
``--smoke`` runs for about a second per arm.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time
from collections.abc import Awaitable
from datetime import UTC, datetime
from uuid import UUID

import asyncpg

from bench.common import bench_database, machine, select1_rate
from bench.queue import BOOTHS, raw_rate, setup
from server.ids import uuid7
from server.store import db

# -- tickets only ----------------------------------------------------------------------

INSERT_ONE = """
INSERT INTO tickets (id, fair_id, booth_id, candidate_id, token, state, joined_at,
                     changed_at, lane, call_key)
VALUES ($1, $2, $3, $4, $5, 'waiting', $6, $6, 'general', $7)"""
UPDATE_ONE = "UPDATE tickets SET state = $2, called_by = $3, changed_at = $4 WHERE id = $1"
INSERT_MANY = """
INSERT INTO tickets (id, fair_id, booth_id, candidate_id, token, state, joined_at,
                     changed_at, lane, call_key)
SELECT u.id, $2, u.booth, u.candidate, u.token, 'waiting', $6, $6, 'general', $7
  FROM unnest($1::uuid[], $3::uuid[], $4::uuid[], $5::text[]) AS u(id, booth, candidate, token)"""
UPDATE_MANY = """
UPDATE tickets t SET state = $2, called_by = u.staff, changed_at = $4
  FROM unnest($1::uuid[], $3::uuid[]) AS u(id, staff) WHERE t.id = u.id"""

# -- group commit with one outbox row per statement -------------------------------------

_HOLDER = """jsonb_build_object('ticket', jsonb_build_object('id', t.id, 'booth_id',
  t.booth_id, 'token', t.token, 'state', t.state, 'kind', t.kind, 'passes', t.passes,
  'joined_at', t.joined_at, 'version', (extract(epoch FROM t.changed_at) * 1000000)::bigint))"""
_ROSTER = """jsonb_build_object('ticket', jsonb_build_object('ticket_id', t.id,
  'candidate_id', t.candidate_id, 'state', t.state, 'passes', t.passes, 'joined_at',
  t.joined_at, 'called_by', t.called_by, 'kind', t.kind, 'lane', t.lane, 'call_key',
  t.call_key))"""


def _outbox(public: str = "") -> str:
    """The step's events (the holder's ticket, the staff roster, and ``public`` on the
    booth's topic) as one row of ``bench_event_batches``; returns the changed tickets."""
    booth_event = (
        f"""UNION ALL SELECT jsonb_build_object('topic', 'booth:' || t.booth_id, 'type',
             '{public}', 'data', jsonb_build_object('token', t.token)) FROM changed t"""
        if public
        else ""
    )
    return f"""
ev AS (
  SELECT jsonb_build_object('topic', 'user:' || t.candidate_id, 'type', 'ticket.updated',
                            'data', {_HOLDER}) AS e FROM changed t
  UNION ALL
  SELECT jsonb_build_object('topic', 'booth:' || t.booth_id || ':staff',
                            'type', 'roster.ticket', 'data', {_ROSTER}) FROM changed t
  {booth_event}),
outbox AS (INSERT INTO bench_event_batches (at, events) SELECT $2, jsonb_agg(e) FROM ev)
SELECT t.id, t.booth_id FROM changed t"""


# A statement's snapshot predates a lock it waits for (as for livefair's join): the
# booths are locked, in id order, with the BEGIN; then the join; then COMMIT.
GROUP_LOCK = (
    "BEGIN; SELECT 1 FROM booth_queues WHERE booth_id = ANY('{{{booths}}}'::uuid[])"
    " ORDER BY booth_id FOR UPDATE"
)
# $1 ticket ids, $2 now, $3 booths, $4 candidates, $5 tokens.
GROUP_JOIN = f"""
WITH inp AS (SELECT * FROM unnest($1::uuid[], $3::uuid[], $4::uuid[], $5::text[])
                         AS u(id, booth, candidate, token)),
ok AS (
  SELECT inp.*, bo.fair_id FROM inp JOIN booths bo ON bo.id = inp.booth
    JOIN booth_queues q ON q.booth_id = bo.id
   WHERE q.status = 'open' AND bo.status = 'approved'
     AND (SELECT count(*) FROM tickets l WHERE l.booth_id = inp.booth
             AND l.state IN ('waiting', 'notified')) < bo.capacity
     AND NOT EXISTS (SELECT 1 FROM tickets l WHERE l.booth_id = inp.booth
                        AND l.candidate_id = inp.candidate AND l.state IN ('waiting', 'notified'))
     AND (SELECT count(*) FROM tickets l WHERE l.candidate_id = inp.candidate
             AND l.state IN ('waiting', 'notified', 'called', 'in_interview')) < 3),
changed AS (
  INSERT INTO tickets AS t (id, fair_id, booth_id, candidate_id, token, state, joined_at,
                            changed_at, lane, call_key)
  SELECT ok.id, ok.fair_id, ok.booth, ok.candidate, ok.token, 'waiting', $2, $2, 'general',
         extract(epoch FROM $2::timestamptz)
    FROM ok
  ON CONFLICT DO NOTHING RETURNING t.*),
{_outbox("queue.joined")}"""
# $1 booths, $2 now, $3 their staff members.
GROUP_CALL = f"""
WITH inp AS (SELECT * FROM unnest($1::uuid[], $3::uuid[]) AS u(booth, staff)),
lock AS (SELECT q.booth_id FROM booth_queues q WHERE q.booth_id = ANY($1)
          ORDER BY q.booth_id FOR UPDATE),
chosen AS (
  SELECT c.id, inp.staff FROM inp CROSS JOIN LATERAL (
    SELECT t.id FROM tickets t
     WHERE t.booth_id = inp.booth AND t.state IN ('waiting', 'notified')
       AND EXISTS (SELECT 1 FROM lock)
       AND EXISTS (SELECT 1 FROM staff_status ss WHERE ss.booth_id = inp.booth
                      AND ss.account_id = inp.staff AND ss.status = 'available')
       AND NOT EXISTS (SELECT 1 FROM tickets o WHERE o.candidate_id = t.candidate_id
                          AND o.state IN ('called', 'in_interview'))
     ORDER BY t.priority, t.call_key, t.id LIMIT 1 FOR UPDATE SKIP LOCKED) c),
changed AS (
  UPDATE tickets t SET state = 'called', called_by = c.staff, called_at = $2, changed_at = $2
    FROM chosen c WHERE t.id = c.id RETURNING t.*),
ring AS (
  INSERT INTO timers (kind, key, due_at, payload)
  SELECT 'queue.ring_timeout', 'queue.ring_timeout:' || c.id,
         $2::timestamptz + interval '45 s', jsonb_build_object('ticket', c.id)
    FROM changed c
  ON CONFLICT (key) DO UPDATE SET due_at = EXCLUDED.due_at, payload = EXCLUDED.payload),
{_outbox("queue.removed")}"""
# $1 tickets, $2 now, $3 their candidates.
GROUP_ACCEPT = f"""
WITH inp AS (SELECT * FROM unnest($1::uuid[], $3::uuid[]) AS u(id, candidate)),
lock AS (SELECT q.booth_id FROM booth_queues q
          WHERE q.booth_id IN (SELECT booth_id FROM tickets WHERE id = ANY($1))
          ORDER BY q.booth_id FOR UPDATE),
changed AS (
  UPDATE tickets t SET state = 'in_interview', started_at = $2, changed_at = $2 FROM inp
   WHERE t.id = inp.id AND t.candidate_id = inp.candidate AND t.state = 'called'
     AND EXISTS (SELECT 1 FROM lock)
  RETURNING t.*),
ring AS (DELETE FROM timers WHERE key IN (SELECT 'queue.ring_timeout:' || id FROM changed)),
staffed AS (
  INSERT INTO staff_status (booth_id, account_id, status, changed_at)
  SELECT c.booth_id, c.called_by, 'in_call', $2 FROM changed c
  ON CONFLICT (booth_id, account_id)
  DO UPDATE SET status = EXCLUDED.status, changed_at = EXCLUDED.changed_at),
{_outbox()}"""
# $1 tickets, $2 now, $3 the staff members completing them.
GROUP_COMPLETE = f"""
WITH inp AS (SELECT * FROM unnest($1::uuid[], $3::uuid[]) AS u(id, staff)),
lock AS (SELECT q.booth_id FROM booth_queues q
          WHERE q.booth_id IN (SELECT booth_id FROM tickets WHERE id = ANY($1))
          ORDER BY q.booth_id FOR UPDATE),
changed AS (
  UPDATE tickets t SET state = 'done', ended_at = $2, changed_at = $2 FROM inp
   WHERE t.id = inp.id AND t.state = 'in_interview' AND EXISTS (SELECT 1 FROM lock)
     AND EXISTS (SELECT 1 FROM booth_staff s
                  WHERE s.booth_id = t.booth_id AND s.account_id = inp.staff)
  RETURNING t.*),
staffed AS (
  INSERT INTO staff_status (booth_id, account_id, status, changed_at)
  SELECT c.booth_id, c.called_by, 'available', $2 FROM changed c
  ON CONFLICT (booth_id, account_id)
  DO UPDATE SET status = EXCLUDED.status, changed_at = EXCLUDED.changed_at),
{_outbox()}"""


class Line:
    """The bench's booths, their recruiters, and each booth's own candidates in turn."""

    def __init__(self, booths: list[UUID], recruiters: list[UUID], candidates: list[UUID]):
        self.booths, self.recruiters = booths, recruiters
        per = len(candidates) // len(booths)
        self.mine = [candidates[i * per : (i + 1) * per] for i in range(len(booths))]

    def candidate(self, booth: int, k: int) -> UUID:
        return self.mine[booth][k % len(self.mine[booth])]


async def _rate(work: list[Awaitable[int]]) -> float:
    """Cycles per second of tasks run together, each returning its count of cycles."""
    start = time.perf_counter()
    done = await asyncio.gather(*work)
    return sum(done) / (time.perf_counter() - start)


async def tickets_only(pool: asyncpg.Pool, seconds: float, line: Line, fair: UUID) -> float:
    deadline = time.perf_counter() + seconds

    async def work(i: int) -> int:
        cycles = 0
        async with pool.acquire() as conn:
            while time.perf_counter() < deadline:
                ticket, now, staff = uuid7(), datetime.now(UTC), line.recruiters[i]
                await conn.execute(
                    INSERT_ONE,
                    ticket,
                    fair,
                    line.booths[i],
                    line.candidate(i, cycles),
                    secrets.token_urlsafe(12),
                    now,
                    float(cycles),
                )
                for state in ("called", "in_interview", "done"):
                    await conn.execute(UPDATE_ONE, ticket, state, staff, now)
                cycles += 1
        return cycles

    return await _rate([work(i) for i in range(BOOTHS)])


async def tickets_batched(pool: asyncpg.Pool, seconds: float, line: Line, fair: UUID) -> float:
    deadline = time.perf_counter() + seconds
    async with pool.acquire() as conn:
        start, k = time.perf_counter(), 0
        while time.perf_counter() < deadline:
            tickets, now = [uuid7() for _ in line.booths], datetime.now(UTC)
            await conn.execute(
                INSERT_MANY,
                tickets,
                fair,
                line.booths,
                [line.candidate(i, k) for i in range(BOOTHS)],
                [secrets.token_urlsafe(12) for _ in line.booths],
                now,
                float(k),
            )
            for state in ("called", "in_interview", "done"):
                await conn.execute(UPDATE_MANY, tickets, state, line.recruiters, now)
            k += 1
        return k * BOOTHS / (time.perf_counter() - start)


async def group_commit(pool: asyncpg.Pool, seconds: float, line: Line, groups: int) -> float:
    """Each of ``groups`` tasks runs the four steps for ``8 / groups`` booths at a time."""
    deadline = time.perf_counter() + seconds
    size = BOOTHS // groups

    async def work(g: int) -> int:
        mine = range(g * size, (g + 1) * size)
        booths = [line.booths[i] for i in mine]
        staff = [line.recruiters[i] for i in mine]
        lock = GROUP_LOCK.format(booths=",".join(str(b) for b in booths))
        cycles, k = 0, 0
        async with pool.acquire() as conn:
            while time.perf_counter() < deadline:
                now, k = datetime.now(UTC), k + 1
                candidates = [line.candidate(i, k) for i in mine]
                tokens = [secrets.token_urlsafe(12) for _ in mine]
                await conn.execute(lock)
                joined = await conn.fetch(
                    GROUP_JOIN, [uuid7() for _ in mine], now, booths, candidates, tokens
                )
                await conn.execute("COMMIT")
                called = await conn.fetch(GROUP_CALL, booths, now, staff)
                by_booth = {r["booth_id"]: r["id"] for r in called}
                tickets = [by_booth[b] for b in booths]
                accepted = await conn.fetch(GROUP_ACCEPT, tickets, now, candidates)
                completed = await conn.fetch(GROUP_COMPLETE, tickets, now, staff)
                assert len(joined) == len(accepted) == len(completed) == size
                cycles += size
        return cycles

    return await _rate([work(g) for g in range(groups)])


async def prepare(pool: asyncpg.Pool, line: Line) -> UUID:
    """Open lines with available recruiters (as ``bench.queue``'s raw arm does), the
    outbox table of the group-commit arm; the fair's id."""
    async with pool.acquire() as conn:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_event_batches (id bigserial PRIMARY KEY,"
            " at timestamptz NOT NULL, events jsonb NOT NULL)"
        )
        for booth, staff in zip(line.booths, line.recruiters, strict=True):
            await conn.execute(
                "INSERT INTO booth_queues (booth_id, status, changed_at) VALUES ($1, 'open', now())"
                " ON CONFLICT (booth_id) DO UPDATE SET status = 'open'",
                booth,
            )
            await conn.execute(
                "INSERT INTO staff_status (booth_id, account_id, status, changed_at)"
                " VALUES ($1, $2, 'available', now()) ON CONFLICT (booth_id, account_id)"
                " DO UPDATE SET status = 'available'",
                booth,
                staff,
            )
        fair: UUID = await conn.fetchval("SELECT fair_id FROM booths WHERE id = $1", line.booths[0])
        return fair


async def main(smoke: bool) -> None:
    seconds = 0.5 if smoke else 8.0
    async with bench_database() as dsn:
        setup_conn = await db.connect(dsn)
        try:
            booths, recruiters, candidates = await setup(setup_conn, BOOTHS * 50)
        finally:
            await setup_conn.close()
        line = Line(booths, recruiters, candidates)
        pool = await db.create_pool(dsn, min_size=10, max_size=10)
        try:
            fair = await prepare(pool, line)
            baseline = await select1_rate(pool, seconds)
            arms = {
                "raw replica (livefair's statements)": await raw_rate(
                    pool, seconds, booths, recruiters, candidates
                ),
                "tickets only, one task per booth": await tickets_only(pool, seconds, line, fair),
                "tickets only, 8 per statement": await tickets_batched(pool, seconds, line, fair),
                "group commit 8, one outbox row": await group_commit(pool, seconds, line, 1),
                "group commit 4 x 2, one outbox row": await group_commit(pool, seconds, line, 2),
            }
        finally:
            await pool.close()
    print(f"queue bounds ({'smoke' if smoke else 'full'}; {machine()}; {BOOTHS} booths)")
    print(f"  select1 {baseline:9.0f} round trips/s (8 connections)")
    for name, rate in arms.items():
        print(f"  {name:38s} {rate:8.1f} cycles/s  ratio to select1 {rate / baseline:6.4f}")
    print("  (issue 7's target: ratio >= 0.04 for livefair's full cycle)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="about a second per arm")
    asyncio.run(main(parser.parse_args().smoke))
