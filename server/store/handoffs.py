"""Handoffs, booth lanes and the staff's "only handoffs" setting (SQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from server.store.db import Connection

HANDOFF_COLUMNS = (
    "h.id, h.fair_id, h.from_ticket, h.from_booth, h.to_booth, h.candidate_id, h.by_staff,"
    " h.colleague_id, h.state, h.created_at, h.expires_at, h.answered_at, h.ticket_id"
)


async def lanes(conn: Connection, booth_id: UUID) -> dict[str, Any]:
    """The booth's lane setting (no row: no key-group lane, 1:1)."""
    row = await conn.fetchrow(
        "SELECT key_groups, key_group_weight, general_weight FROM booth_lanes WHERE booth_id = $1",
        booth_id,
    )
    if row is None:
        return {"key_groups": [], "key_group_weight": 1, "general_weight": 1}
    return dict(row)


async def set_lanes(
    conn: Connection,
    booth_id: UUID,
    key_groups: list[str],
    key_group_weight: int,
    general_weight: int,
    now: datetime,
) -> None:
    await conn.execute(
        """
        INSERT INTO booth_lanes (booth_id, key_groups, key_group_weight, general_weight,
                                 changed_at)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (booth_id) DO UPDATE
           SET key_groups = EXCLUDED.key_groups,
               key_group_weight = EXCLUDED.key_group_weight,
               general_weight = EXCLUDED.general_weight, changed_at = EXCLUDED.changed_at
        """,
        booth_id,
        key_groups,
        key_group_weight,
        general_weight,
        now,
    )


async def set_only_handoffs(conn: Connection, booth_id: UUID, account_id: UUID, only: bool) -> bool:
    """Set a staff member's "only handoffs"; False if they are not on the booth's staff."""
    found = await conn.fetchval(
        "UPDATE booth_staff SET only_handoffs = $3 WHERE booth_id = $1 AND account_id = $2"
        " RETURNING true",
        booth_id,
        account_id,
        only,
    )
    return found is True


async def only_handoffs(conn: Connection, booth_id: UUID) -> dict[UUID, bool]:
    rows = await conn.fetch(
        "SELECT account_id, only_handoffs FROM booth_staff WHERE booth_id = $1", booth_id
    )
    return {r["account_id"]: r["only_handoffs"] for r in rows}


async def source(conn: Connection, ticket_id: UUID) -> dict[str, Any] | None:
    """An interview's ticket with what a handoff from it needs to know."""
    row = await conn.fetchrow(
        """
        SELECT t.id, t.fair_id, t.booth_id, t.candidate_id, t.state, t.joined_at,
               t.started_at, t.ended_at, b.employer_id
          FROM tickets t JOIN booths b ON b.id = t.booth_id
         WHERE t.id = $1
        """,
        ticket_id,
    )
    return None if row is None else dict(row)


async def target(conn: Connection, booth_id: UUID, colleague: UUID | None) -> dict[str, Any] | None:
    """A booth one may hand a candidate to (approved, a verified employer's or a guidance
    desk), its line's status, and whether ``colleague`` is on its staff."""
    row = await conn.fetchrow(
        """
        SELECT b.id, b.fair_id, b.employer_id, coalesce(q.status, 'closed') AS queue_status,
               EXISTS (SELECT 1 FROM booth_staff s WHERE s.booth_id = b.id
                          AND s.account_id = $2) AS colleague_is_staff
          FROM booths b LEFT JOIN booth_queues q ON q.booth_id = b.id
          LEFT JOIN employers e ON e.id = b.employer_id
         WHERE b.id = $1 AND b.status = 'approved'
           AND (b.employer_id IS NULL OR e.verified_at IS NOT NULL)
        """,
        booth_id,
        colleague,
    )
    return None if row is None else dict(row)


async def insert(conn: Connection, handoff: dict[str, Any]) -> dict[str, Any]:
    """A new handoff; asyncpg.UniqueViolationError if the ticket has an open one."""
    names = list(handoff)
    row = await conn.fetchrow(
        f"INSERT INTO queue_handoffs AS h ({', '.join(names)})"
        f" VALUES ({', '.join(f'${i + 1}' for i in range(len(names)))})"
        f" RETURNING {HANDOFF_COLUMNS}",
        *handoff.values(),
    )
    assert row is not None
    return dict(row)


async def get(conn: Connection, handoff_id: UUID, *, for_update: bool) -> dict[str, Any] | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(
        f"SELECT {HANDOFF_COLUMNS} FROM queue_handoffs h WHERE h.id = $1{lock}", handoff_id
    )
    return None if row is None else dict(row)


async def answer(
    conn: Connection, handoff_id: UUID, state: str, now: datetime, ticket_id: UUID | None
) -> dict[str, Any]:
    row = await conn.fetchrow(
        f"""
        UPDATE queue_handoffs h SET state = $2, answered_at = $3, expires_at = NULL,
                                    ticket_id = $4
         WHERE h.id = $1 RETURNING {HANDOFF_COLUMNS}
        """,
        handoff_id,
        state,
        now,
        ticket_id,
    )
    assert row is not None
    return dict(row)


async def hold(conn: Connection, ticket_id: UUID, staff_id: UUID, until: datetime) -> None:
    await conn.execute(
        "UPDATE tickets SET held_for = $2, held_until = $3 WHERE id = $1",
        ticket_id,
        staff_id,
        until,
    )


async def pending_for(conn: Connection, candidate_id: UUID, now: datetime) -> list[dict[str, Any]]:
    """The candidate's handoffs waiting for their answer, oldest first."""
    rows = await conn.fetch(
        f"SELECT {HANDOFF_COLUMNS} FROM queue_handoffs h"
        " WHERE h.candidate_id = $1 AND h.state = 'pending' AND h.expires_at > $2"
        " ORDER BY h.created_at, h.id",
        candidate_id,
        now,
    )
    return [dict(r) for r in rows]


async def from_booth(conn: Connection, booth_id: UUID, since: datetime) -> list[dict[str, Any]]:
    """Handoffs made from a booth since ``since``, oldest first (the staff snapshot: its
    console shows how they went)."""
    rows = await conn.fetch(
        f"SELECT {HANDOFF_COLUMNS} FROM queue_handoffs h"
        " WHERE h.from_booth = $1 AND h.created_at >= $2 ORDER BY h.created_at, h.id",
        booth_id,
        since,
    )
    return [dict(r) for r in rows]


def handoff_view(row: dict[str, Any]) -> dict[str, Any]:
    """What the candidate and the handing booth's staff see of a handoff (ids only)."""

    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    def instant(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "id": str(row["id"]),
        "state": row["state"],
        "from_ticket_id": str(row["from_ticket"]),
        "from_booth_id": str(row["from_booth"]),
        "to_booth_id": str(row["to_booth"]),
        "candidate_id": str(row["candidate_id"]),
        "colleague_id": text(row["colleague_id"]),
        "ticket_id": text(row["ticket_id"]),
        "created_at": instant(row["created_at"]),
        "expires_at": instant(row["expires_at"]),
        "answered_at": instant(row["answered_at"]),
    }
