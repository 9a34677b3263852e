"""The SQL claim is ``call_order``: for any line — due reservations, handoffs (some held
for a named colleague) and walk-ins of both lanes, with tied keys — the one-statement
call picks the ticket the pure specification (``server.domain.queue``,
``server.domain.lanes.claimable``) puts first among those this recruiter may call (all,
or only handoffs and reservations), gives a pass to exactly the candidates away past the
grace period ahead of it, and moves the line's virtual time to a walk-in's key."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.lanes import claimable
from server.domain.queue import (
    MAX_PASSES,
    Lane,
    Ticket,
    TicketKind,
    TicketState,
    away_too_long,
)
from server.store import db
from server.store import queue_steps as steps
from tests.helpers import a_booth, a_long_day
from tests.plans import generic_plan, rows_read

NOW = datetime(2020, 7, 1, 2, 0, tzinfo=UTC)
GRACE = timedelta(seconds=120)
AWAY = {"here": None, "recent": NOW - timedelta(seconds=30), "long": NOW - timedelta(hours=1)}

HOLDS = {"none", "mine", "colleague", "over"}  # over: held for the colleague until now

entry = st.tuples(
    st.integers(0, 3),  # joined, seconds after the first; also the key (ties happen)
    st.sampled_from(["waiting", "notified", "left", "done"]),
    st.booleans(),  # in a call at another booth
    st.sampled_from(sorted(AWAY)),
    st.sampled_from(list(TicketKind)),
    st.sampled_from(list(Lane)),
    st.sampled_from(sorted(HOLDS)),
)
Entry = tuple[int, str, bool, str, TicketKind, Lane, str]


async def claim(dsn: str, entries: list[Entry], only_handoffs: bool, vtime: float) -> None:
    conn = await db.connect(dsn)
    try:
        await conn.execute(
            "TRUNCATE tickets, booth_queues, staff_status, queue_absences, timers, booth_staff,"
            " booths, employers, venues, fairs, accounts, events, topics CASCADE"
        )

        async def account() -> Any:
            return await conn.fetchval(
                "INSERT INTO accounts (id, email, password_hash, created_at)"
                " VALUES (gen_random_uuid(), gen_random_uuid() || '@example.org', 'x', $1)"
                " RETURNING id",
                NOW,
            )

        recruiter = await account()
        colleague = await account()
        booth = await a_booth(conn, [recruiter, colleague])
        await conn.execute(
            "UPDATE booth_staff SET only_handoffs = $2 WHERE account_id = $1",
            recruiter,
            only_handoffs,
        )
        other_staff = [await account() for _ in entries]
        other = await a_booth(conn, other_staff)
        fair = await conn.fetchval("SELECT fair_id FROM booths WHERE id = $1", booth)
        await conn.execute(
            "INSERT INTO booth_queues (booth_id, status, changed_at, lane_vtime)"
            " VALUES ($1, 'open', $2, $3)",
            booth,
            NOW,
            vtime,
        )
        await conn.execute(
            "INSERT INTO staff_status (booth_id, account_id, status, changed_at)"
            " VALUES ($1, $2, 'available', $3)",
            booth,
            recruiter,
            NOW,
        )
        line: list[Ticket] = []
        for i, (offset, state, busy, away, kind, lane, hold) in enumerate(entries):
            candidate = await account()
            ticket = uuid.uuid4()
            joined = NOW - timedelta(minutes=10) + timedelta(seconds=offset)
            held_for = {"mine": recruiter, "colleague": colleague, "over": colleague}.get(hold)
            held_until = NOW if hold == "over" else NOW + timedelta(minutes=1)
            await conn.execute(
                "INSERT INTO tickets (id, fair_id, booth_id, candidate_id, token, state,"
                " joined_at, changed_at, call_key, kind, lane, held_for, held_until)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11, $12)",
                ticket,
                fair,
                booth,
                candidate,
                f"t{ticket.hex}",
                state,
                joined,
                float(offset),
                kind.value,
                lane.value,
                held_for,
                None if held_for is None else held_until,
            )
            if busy:
                await conn.execute(
                    "INSERT INTO tickets (id, fair_id, booth_id, candidate_id, token, state,"
                    " joined_at, changed_at, called_by, called_at, call_key)"
                    " VALUES ($1, $2, $3, $4, $5, 'called', $6, $6, $7, $6,"
                    " extract(epoch FROM $6::timestamptz))",
                    uuid.uuid4(),
                    fair,
                    other,
                    candidate,
                    f"o{ticket.hex}",
                    joined,
                    other_staff[i],
                )
            if AWAY[away] is not None:
                await conn.execute(
                    "INSERT INTO queue_absences (candidate_id, since) VALUES ($1, $2)",
                    candidate,
                    AWAY[away],
                )
            line.append(
                Ticket(
                    id=str(ticket),
                    token=f"t{ticket.hex}",
                    candidate_id=str(candidate),
                    state=TicketState(state),
                    joined_at=joined,
                    busy_elsewhere=busy,
                    away_since=AWAY[away],
                    kind=kind,
                    lane=lane,
                    call_key=float(offset),
                    held_for=None if held_for is None else str(held_for),
                    held_until=None if held_for is None else held_until,
                )
            )

        order = claimable(line, str(recruiter), NOW, only_handoffs=only_handoffs)
        eligible = [t for t in order if not away_too_long(t, NOW, GRACE)]
        expected = eligible[0] if eligible else None
        expected_passes = {
            t.id
            for t in order
            if away_too_long(t, NOW, GRACE)
            and (expected is None or t.order_key < expected.order_key)
        }

        result = await steps.call(
            conn, booth, recruiter, NOW, NOW - GRACE, NOW + timedelta(seconds=45), None, MAX_PASSES
        )
        called = None if result.ticket is None else str(result.ticket["id"])
        assert called == (expected.id if expected else None)
        passed = {
            str(r["id"])
            for r in await conn.fetch(
                "SELECT id FROM tickets WHERE booth_id = $1 AND passes > 0", booth
            )
        }
        assert passed == expected_passes
        moved = expected is not None and expected.kind is TicketKind.WALK_IN
        assert expected is None or expected.call_key is not None
        expected_vtime = max(vtime, expected.call_key) if moved else vtime  # type: ignore[type-var]
        assert (
            await conn.fetchval("SELECT lane_vtime FROM booth_queues WHERE booth_id = $1", booth)
            == expected_vtime
        )
        if expected is not None:  # its timer and its events were written with it
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM timers WHERE key = $1",
                    f"queue.ring_timeout:{expected.id}",
                )
                == 1
            )
            types = {(e.topic.split(":")[0], e.type) for e in result.events}
            assert ("user", "ticket.updated") in types
            assert ("booth", "queue.removed") in types
    finally:
        await conn.close()


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(
    entries=st.lists(entry, min_size=0, max_size=7),
    only_handoffs=st.booleans(),
    vtime=st.sampled_from([0.0, 1.5, 5.0]),
)
def check(dsn: str, entries: list[Entry], only_handoffs: bool, vtime: float) -> None:
    asyncio.run(claim(dsn, entries, only_handoffs, vtime))


def test_the_sql_claim_follows_call_order(database_url: str) -> None:
    check(database_url)


async def test_a_call_reads_the_line_not_the_booth_history(conn: db.Connection) -> None:
    """A busy booth ends its day with hundreds of finished tickets: calling the next
    candidate must read the line (a handful of rows), not all of them. The statement is
    run as the service runs it, from a cached generic plan (asyncpg prepares it)."""
    booth, recruiter = await a_long_day(conn, NOW)
    plan = await generic_plan(
        conn,
        steps.CALL_NEXT,
        booth,
        recruiter,
        NOW,
        NOW - GRACE,
        NOW + timedelta(seconds=45),
        None,
        MAX_PASSES,
        NOW.isoformat(),
    )
    called = await conn.fetchval(
        "SELECT count(*) FROM tickets WHERE booth_id = $1 AND state = 'called'", booth
    )
    assert called == 1
    read = rows_read(plan, "tickets")
    assert read < 100, f"the call read {read:.0f} ticket rows for a line of 3"
