"""Interview records, attendance and chat (SQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from server.ids import uuid7
from server.store.db import Connection

COLUMNS = """
    i.id, i.fair_id, i.booth_id, i.candidate_id, i.recruiter_id, i.co_interviewer_id,
    i.started_at, i.ends_at, i.ended_at, i.outcome, i.outcome_by, i.outcome_at, i.notes,
    i.employer_type, i.candidate_groups, b.slot_minutes, b.employer_id, t.state AS ticket_state
"""
FROM = "interviews i JOIN booths b ON b.id = i.booth_id JOIN tickets t ON t.id = i.id"


async def open_interview(conn: Connection, ticket_id: UUID) -> None:
    """Create the record of an accepted call, once; nothing if the ticket is not in one.

    The start is when the candidate accepted; the countdown runs for the booth's slot;
    the employer's type and the candidate's declared key groups are copied now (NULL:
    no profile), so statistics keep counting what was true at the time.
    """
    await conn.execute(
        """
        INSERT INTO interviews (id, fair_id, booth_id, candidate_id, recruiter_id, started_at,
                                ends_at, employer_type, candidate_groups)
        SELECT t.id, t.fair_id, t.booth_id, t.candidate_id, t.called_by, t.started_at,
               t.started_at + make_interval(mins => b.slot_minutes), e.type,
               to_jsonb(p.key_groups)
          FROM tickets t JOIN booths b ON b.id = t.booth_id
          LEFT JOIN employers e ON e.id = b.employer_id
          LEFT JOIN candidate_profiles p ON p.account_id = t.candidate_id
         WHERE t.id = $1 AND t.state = 'in_interview' AND t.started_at IS NOT NULL
        ON CONFLICT (id) DO NOTHING
        """,
        ticket_id,
    )


async def get(
    conn: Connection, interview_id: UUID, *, for_update: bool = False
) -> dict[str, Any] | None:
    lock = " FOR UPDATE OF i" if for_update else ""
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM {FROM} WHERE i.id = $1{lock}", interview_id)
    return dict(row) if row is not None else None


async def display_names(conn: Connection, ids: list[UUID]) -> dict[UUID, str]:
    rows = await conn.fetch("SELECT id, display_name FROM accounts WHERE id = ANY($1::uuid[])", ids)
    return {r["id"]: r["display_name"] for r in rows}


async def end(conn: Connection, interview_id: UUID, at: datetime) -> None:
    await conn.execute(
        "UPDATE interviews SET ended_at = greatest($2, started_at)"
        " WHERE id = $1 AND ended_at IS NULL",
        interview_id,
        at,
    )


async def record_outcome(
    conn: Connection, interview_id: UUID, outcome: str, notes: str, by: UUID, at: datetime
) -> None:
    await conn.execute(
        """
        UPDATE interviews SET outcome = $2, notes = $3, outcome_by = $4, outcome_at = $5,
               ended_at = coalesce(ended_at, greatest($5, started_at))
         WHERE id = $1
        """,
        interview_id,
        outcome,
        notes,
        by,
        at,
    )


async def correct_outcome(
    conn: Connection, record: dict[str, Any], outcome: str, notes: str, by: UUID, at: datetime
) -> None:
    """Change a recorded outcome (and notes), keeping what they were in the audit table;
    ``record`` is the row as locked before the change. ``outcome_at`` stays: the while
    in which a correction is allowed runs from the first recording."""
    await conn.execute(
        """
        INSERT INTO interview_outcome_changes (id, interview_id, outcome_from, outcome_to,
                                               notes_from, notes_to, changed_by, changed_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """,
        uuid7(),
        record["id"],
        record["outcome"],
        outcome,
        record["notes"],
        notes,
        by,
        at,
    )
    await conn.execute(
        "UPDATE interviews SET outcome = $2, notes = $3, outcome_by = $4 WHERE id = $1",
        record["id"],
        outcome,
        notes,
        by,
    )


async def set_co_interviewer(conn: Connection, interview_id: UUID, account_id: UUID) -> None:
    await conn.execute(
        "UPDATE interviews SET co_interviewer_id = $2 WHERE id = $1", interview_id, account_id
    )


async def extend(conn: Connection, interview_id: UUID, minutes: int) -> datetime:
    ends_at: datetime = await conn.fetchval(
        "UPDATE interviews SET ends_at = ends_at + make_interval(mins => $2) WHERE id = $1"
        " RETURNING ends_at",
        interview_id,
        minutes,
    )
    return ends_at


async def is_booth_staff(conn: Connection, booth_id: UUID, account_id: UUID) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM booth_staff WHERE booth_id = $1 AND account_id = $2", booth_id, account_id
    )
    return found is not None


async def attended(
    conn: Connection, interview_id: UUID, account_id: UUID, role: str, at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO interview_attendees (interview_id, account_id, role, joined_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        interview_id,
        account_id,
        role,
        at,
    )


async def attendees(conn: Connection, interview_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT account_id, role, joined_at FROM interview_attendees"
        " WHERE interview_id = $1 ORDER BY joined_at, account_id",
        interview_id,
    )
    return [dict(r) for r in rows]


async def add_chat(
    conn: Connection, interview_id: UUID, author_id: UUID, role: str, text: str, at: datetime
) -> dict[str, Any]:
    row = await conn.fetchrow(
        "INSERT INTO interview_chat (id, interview_id, author_id, role, text, at)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, author_id, role, text, at",
        uuid7(),
        interview_id,
        author_id,
        role,
        text,
        at,
    )
    assert row is not None
    return dict(row)


async def chat(
    conn: Connection, interview_id: UUID, *, last: int | None = None
) -> list[dict[str, Any]]:
    """The chat oldest first; with ``last``, only the latest ``last`` messages."""
    if last is None:
        rows = await conn.fetch(
            "SELECT id, author_id, role, text, at FROM interview_chat WHERE interview_id = $1"
            " ORDER BY at, id",
            interview_id,
        )
    else:
        rows = await conn.fetch(
            "SELECT * FROM (SELECT id, author_id, role, text, at FROM interview_chat"
            " WHERE interview_id = $1 ORDER BY at DESC, id DESC LIMIT $2) c ORDER BY at, id",
            interview_id,
            last,
        )
    return [dict(r) for r in rows]


async def awaiting_outcome(conn: Connection, account: UUID, limit: int) -> list[dict[str, Any]]:
    """Interviews ``account`` conducted (recruiter or co-interviewer) that ended without
    an outcome, the latest end first, with what names them: the candidate and the booth."""
    rows = await conn.fetch(
        """
        SELECT i.id, i.booth_id, i.started_at, i.ended_at, i.candidate_id,
               coalesce(a.display_name, '') AS candidate_name,
               b.title AS booth_title, b.kind AS booth_kind, e.name AS employer_name
          FROM interviews i
          JOIN booths b ON b.id = i.booth_id
          LEFT JOIN employers e ON e.id = b.employer_id
          LEFT JOIN accounts a ON a.id = i.candidate_id
         WHERE (i.recruiter_id = $1 OR i.co_interviewer_id = $1)
           AND i.outcome IS NULL AND i.ended_at IS NOT NULL
         ORDER BY i.ended_at DESC, i.id
         LIMIT $2
        """,
        account,
        limit,
    )
    return [dict(r) for r in rows]
