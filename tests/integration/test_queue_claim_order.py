"""The SQL claim is ``call_order``: for any line, the one-statement call picks the ticket
the pure specification (``server.domain.queue``) puts first among the callable, and
gives a pass to exactly the candidates away past the grace period ahead of it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.queue import (
    MAX_PASSES,
    Ticket,
    TicketState,
    away_too_long,
    callable_order,
)
from server.store import db
from server.store import queue_steps as steps
from tests.helpers import a_booth

NOW = datetime(2020, 7, 1, 2, 0, tzinfo=UTC)
GRACE = timedelta(seconds=120)
AWAY = {"here": None, "recent": NOW - timedelta(seconds=30), "long": NOW - timedelta(hours=1)}

entry = st.tuples(
    st.integers(0, 3),  # joined, seconds after the first (ties happen)
    st.sampled_from(["waiting", "notified", "left", "done"]),
    st.booleans(),  # in a call at another booth
    st.sampled_from(sorted(AWAY)),
)


async def claim(dsn: str, entries: list[tuple[int, str, bool, str]]) -> None:
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
        booth = await a_booth(conn, [recruiter])
        other_staff = [await account() for _ in entries]
        other = await a_booth(conn, other_staff)
        fair = await conn.fetchval("SELECT fair_id FROM booths WHERE id = $1", booth)
        await conn.execute(
            "INSERT INTO booth_queues (booth_id, status, changed_at) VALUES ($1, 'open', $2)",
            booth,
            NOW,
        )
        await conn.execute(
            "INSERT INTO staff_status (booth_id, account_id, status, changed_at)"
            " VALUES ($1, $2, 'available', $3)",
            booth,
            recruiter,
            NOW,
        )
        line: list[Ticket] = []
        for i, (offset, state, busy, away) in enumerate(entries):
            candidate = await account()
            ticket = uuid.uuid4()
            joined = NOW - timedelta(minutes=10) + timedelta(seconds=offset)
            await conn.execute(
                "INSERT INTO tickets (id, fair_id, booth_id, candidate_id, token, state,"
                " joined_at, changed_at, call_key)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $7, extract(epoch FROM $7::timestamptz))",
                ticket,
                fair,
                booth,
                candidate,
                f"t{ticket.hex}",
                state,
                joined,
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
                )
            )

        order = callable_order(line)
        eligible = [t for t in order if not away_too_long(t, NOW, GRACE)]
        expected = eligible[0] if eligible else None
        expected_passes = {
            t.id
            for t in order
            if away_too_long(t, NOW, GRACE)
            and (expected is None or (t.joined_at, t.id) < (expected.joined_at, expected.id))
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


@settings(max_examples=40, deadline=None, database=None, derandomize=True)
@given(entries=st.lists(entry, min_size=0, max_size=6))
def check(dsn: str, entries: list[tuple[int, str, bool, str]]) -> None:
    asyncio.run(claim(dsn, entries))


def test_the_sql_claim_follows_call_order(database_url: str) -> None:
    check(database_url)
