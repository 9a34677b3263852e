"""Queue statistics: percentiles in SQL (``percentile_cont``) or in Python?

A venue of 100 booths over a 31-day fair, about 200 tickets per booth a day: 620,000
tickets (``--smoke``: 20,000), in every final state, with waits and interviews of
realistic spread. Two arms answer the same request — the venue's figures per booth
and per day, and one booth's per day:

* **SQL**: :func:`server.store.queue_stats.queue_stats` (what ``getQueueStats`` runs:
  one query, ``GROUPING SETS``, ``percentile_cont``);
* **Python**: fetch each ticket's group key, state and durations, and compute the same
  figures with :func:`server.domain.queue_stats.percentile`.

It prints each arm's time (median of 3 runs) and the ratio Python / SQL.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from bench.common import a_fair_and_venue, an_employer_booth, bench_database, machine
from server.domain.queue_stats import Grouping, percentile
from server.ids import uuid7
from server.store import db
from server.store.queue_stats import KEYS, queue_stats

ZONE = "Asia/Shanghai"
FIRST_DAY = date(2020, 7, 1)
DAYS = 31
# (state, weight): most tickets are served, some leave, few expire or are removed.
ENDINGS = [("done", 70), ("left", 15), ("expired", 10), ("removed", 5)]


async def setup(conn: asyncpg.Connection, booths: int, per_day: int) -> tuple[UUID, list[UUID]]:
    """A fair, one venue of ``booths`` booths, and ``per_day`` tickets per booth a day."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    fair_id, venue_id = await a_fair_and_venue(
        conn, "stats", FIRST_DAY, FIRST_DAY + timedelta(days=DAYS - 1), ZONE
    )
    people = [uuid7() for _ in range(booths + 5000)]
    await conn.copy_records_to_table(
        "accounts",
        records=[(a, f"s{a.hex}@example.org", "x", now) for a in people],
        columns=["id", "email", "password_hash", "created_at"],
    )
    staff, candidates = people[:booths], people[booths:]
    booth_ids = []
    for i in range(booths):
        booth = await an_employer_booth(conn, fair_id, venue_id, f"统计企业{i}", now)
        booth_ids.append(booth)
    states = [s for s, _ in ENDINGS]
    weights = [w for _, w in ENDINGS]
    opens = datetime(2020, 7, 1, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
    for day in range(DAYS):
        records = []
        for b, booth in enumerate(booth_ids):
            for n in range(per_day):
                joined = opens + timedelta(days=day, seconds=rng.uniform(0, 8 * 3600))
                state = rng.choices(states, weights)[0]
                called = state == "done" or rng.random() < 0.4
                first_call = joined + timedelta(seconds=rng.lognormvariate(6.5, 0.8))
                started = first_call + timedelta(seconds=20) if state == "done" else None
                ended = (
                    started + timedelta(seconds=rng.lognormvariate(6.3, 0.4))
                    if started
                    else first_call
                )
                records.append(
                    (
                        uuid7(),
                        fair_id,
                        booth,
                        candidates[(day * per_day + n) % len(candidates)],
                        f"t{day}-{b}-{n}-{fair_id.hex[:8]}",
                        state,
                        joined,
                        ended,
                        staff[b] if state == "done" else None,
                        first_call if called else None,
                        started,
                        ended,
                        joined.timestamp(),
                    )
                )
        await conn.copy_records_to_table(
            "tickets",
            records=records,
            columns=[
                "id",
                "fair_id",
                "booth_id",
                "candidate_id",
                "token",
                "state",
                "joined_at",
                "changed_at",
                "called_by",
                "first_called_at",
                "started_at",
                "ended_at",
                "call_key",
            ],
        )
    await conn.execute("ANALYZE tickets")
    return venue_id, booth_ids


async def python_arm(
    conn: asyncpg.Connection, scope: str, scope_id: UUID, by: Grouping
) -> dict[str, dict[str, Any]]:
    """The same figures, computed from each ticket's row in Python."""
    column = {"booth": "t.booth_id", "venue": "b.venue_id"}[scope]
    start = datetime(2020, 6, 30, 16, 0, tzinfo=UTC)
    rows = await conn.fetch(
        f"""
        SELECT {KEYS[by].replace("$5", "$4")} AS key, t.kind, t.state,
               date_part('epoch', t.first_called_at - t.joined_at) AS to_call,
               date_part('epoch', t.ended_at - t.started_at) AS service
          FROM tickets t JOIN booths b ON b.id = t.booth_id
         WHERE t.joined_at >= $1 AND t.joined_at < $2 AND {column} = $3
        """,
        start,
        start + timedelta(days=DAYS),
        scope_id,
        *((ZONE,) if by in (Grouping.DAY, Grouping.WEEK) else ()),
    )
    groups: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        groups[str(row["key"])].append(row)
    out = {}
    for key, members in groups.items():
        served = [r for r in members if r["state"] == "done"]
        waits = [r["to_call"] for r in served if r["to_call"] is not None]
        out[key] = {
            "joins": sum(r["kind"] != "handoff" for r in members),
            "served": len(served),
            "left": sum(r["state"] == "left" for r in members),
            "wait_median": percentile(waits, 0.5),
            "wait_p90": percentile(waits, 0.9),
            "service_median": percentile([r["service"] for r in served], 0.5),
            "first_contact_median": percentile(
                [r["to_call"] for r in members if r["to_call"] is not None], 0.5
            ),
        }
    return out


async def sql_arm(
    conn: asyncpg.Connection, scope: str, scope_id: UUID, by: Grouping
) -> dict[str, dict[str, Any]]:
    start = datetime(2020, 6, 30, 16, 0, tzinfo=UTC)
    _, groups = await queue_stats(
        conn,
        scope=scope,
        scope_id=scope_id,
        start=start,
        end=start + timedelta(days=DAYS),
        time_zone=ZONE,
        by=by,
    )
    return {g["key"]: g for g in groups}


async def timed(run: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(3):
        began = time.perf_counter()
        result = await run()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


async def main(smoke: bool) -> None:
    booths, per_day = (20, 32) if smoke else (100, 200)
    async with bench_database() as url:
        conn = await db.connect(url)
        try:
            began = time.perf_counter()
            venue, booth_ids = await setup(conn, booths, per_day)
            made = booths * per_day * DAYS
            print(f"queue stats bench ({'smoke' if smoke else 'full'}; {machine()})")
            loaded = time.perf_counter() - began
            print(f"  {made} tickets, {booths} booths, {DAYS} days ({loaded:.0f} s to load)")
            cases = [
                ("venue", venue, Grouping.BOOTH),
                ("venue", venue, Grouping.DAY),
                ("booth", booth_ids[0], Grouping.DAY),
            ]
            for scope, scope_id, by in cases:
                sql_s, sql = await timed(lambda s=scope, i=scope_id, g=by: sql_arm(conn, s, i, g))
                py_s, py = await timed(lambda s=scope, i=scope_id, g=by: python_arm(conn, s, i, g))
                for key, figures in py.items():
                    for name, value in figures.items():
                        theirs = sql[key][name]
                        assert value == theirs or abs(float(value) - float(theirs)) < 1e-6, (
                            key,
                            name,
                        )
                print(
                    f"  {scope} by {by.value:<5} SQL {sql_s * 1000:8.1f} ms"
                    f"  Python {py_s * 1000:8.1f} ms  ratio python/sql {py_s / sql_s:5.1f}"
                )
        finally:
            await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="20 booths, 32 tickets a day")
    asyncio.run(main(parser.parse_args().smoke))
