"""Resume files (bytea) and the grounds on which someone other than the owner may read
one (SQL). The rule itself is pure: server/domain/resumes.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from server.domain.resumes import Ground, Reader
from server.ids import uuid7
from server.store.db import Connection

RESUME_COLUMNS = "id, account_id, filename, media_type, octet_length(content) AS bytes," \
    " encode(sha256, 'hex') AS sha256, uploaded_at"  # fmt: skip

# Ticket states after which the line is over for that candidate.
OPEN_TICKET_STATES = ("waiting", "notified", "called", "in_interview", "interrupted")
LIVE_BOOKING_STATES = ("requested", "confirmed", "waitlisted", "admitted")


# A booking of a slot at a booth the reader ($1) staffs: the candidate ($2) chose to
# come, as by joining its line (a live booking, $3, is open; an ended one closed when it
# changed). The booking's own booth_id is its slot's: joining the slots instead made the
# generic plan read every slot (and booking) the reader's booth ever had.
BOOKING_GROUNDS = """
SELECT k.booth_id, b.employer_id,
       CASE WHEN k.state = ANY($3::text[]) THEN NULL ELSE k.changed_at END AS closed_at
  FROM bookings k
  JOIN booth_staff s ON s.booth_id = k.booth_id AND s.account_id = $1
  JOIN booths b ON b.id = k.booth_id
 WHERE k.candidate_id = $2
"""


async def count(conn: Connection, account_id: UUID) -> int:
    value = await conn.fetchval("SELECT count(*) FROM resumes WHERE account_id = $1", account_id)
    return int(value)


async def same_file(conn: Connection, account_id: UUID, sha256: bytes) -> str | None:
    """The name of the account's resume with exactly these bytes, if it has one."""
    name: str | None = await conn.fetchval(
        "SELECT filename FROM resumes WHERE account_id = $1 AND sha256 = $2 LIMIT 1",
        account_id,
        sha256,
    )
    return name


async def insert(
    conn: Connection,
    account_id: UUID,
    *,
    filename: str,
    media_type: str,
    content: bytes,
    sha256: bytes,
    now: datetime,
) -> dict[str, Any]:
    row = await conn.fetchrow(
        f"INSERT INTO resumes (id, account_id, filename, media_type, content, sha256,"
        f" uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {RESUME_COLUMNS}",
        uuid7(),
        account_id,
        filename,
        media_type,
        content,
        sha256,
        now,
    )
    assert row is not None
    return dict(row)


async def list_for(conn: Connection, account_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {RESUME_COLUMNS} FROM resumes WHERE account_id = $1"
        " ORDER BY uploaded_at DESC, id DESC",
        account_id,
    )
    return [dict(r) for r in rows]


async def get(conn: Connection, resume_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(f"SELECT {RESUME_COLUMNS} FROM resumes WHERE id = $1", resume_id)
    return dict(row) if row else None


async def content(conn: Connection, resume_id: UUID) -> bytes | None:
    value = await conn.fetchval("SELECT content FROM resumes WHERE id = $1", resume_id)
    return bytes(value) if value is not None else None


async def delete(conn: Connection, account_id: UUID, resume_id: UUID) -> bool:
    deleted = await conn.fetchval(
        "DELETE FROM resumes WHERE id = $1 AND account_id = $2 RETURNING true",
        resume_id,
        account_id,
    )
    return deleted is True


async def grounds(
    conn: Connection, reader_id: UUID, candidate_id: UUID, resume_id: UUID | None
) -> list[Ground]:
    """Tickets and slot bookings of the candidate at booths ``reader_id`` staffs, and
    applications (carrying ``resume_id``, when given) to employers ``reader_id`` works
    for; open ones first."""
    tickets = await conn.fetch(
        """
        SELECT t.booth_id, b.employer_id,
               CASE WHEN t.state = ANY($3::text[]) THEN NULL
                    ELSE coalesce(t.ended_at, t.changed_at) END AS closed_at
          FROM tickets t
          JOIN booth_staff s ON s.booth_id = t.booth_id AND s.account_id = $1
          JOIN booths b ON b.id = t.booth_id
         WHERE t.candidate_id = $2
        """,
        reader_id,
        candidate_id,
        list(OPEN_TICKET_STATES),
    )
    bookings = await conn.fetch(
        BOOKING_GROUNDS,
        reader_id,
        candidate_id,
        list(LIVE_BOOKING_STATES),
    )
    applications = await conn.fetch(
        """
        SELECT a.id, a.employer_id, a.resume_id, a.closed_at
          FROM applications a
         WHERE a.candidate_id = $2 AND ($3::uuid IS NULL OR a.resume_id = $3)
           AND EXISTS (SELECT 1 FROM grants g
                        WHERE g.account_id = $1 AND g.scope_type = 'employer'
                          AND g.scope_id = a.employer_id
                          AND g.role IN ('recruiter', 'employer_admin'))
        """,
        reader_id,
        candidate_id,
        resume_id,
    )
    found = [
        Ground(Reader.BOOTH_STAFF, r["closed_at"], employer_id=r["employer_id"],
               booth_id=r["booth_id"])
        for r in [*tickets, *bookings]
    ] + [
        Ground(Reader.EMPLOYER_STAFF, r["closed_at"], employer_id=r["employer_id"],
               application_id=r["id"], resume_id=r["resume_id"])
        for r in applications
    ]  # fmt: skip
    return sorted(found, key=lambda g: g.closed_at is not None)
