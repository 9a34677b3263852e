"""What recruiters read about a candidate — resume downloads and card views — kept for
the candidate to see (SQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from server.domain.resumes import Ground, Reader
from server.ids import uuid7
from server.store.db import Connection

AUDIT_LIMIT = 200
DOWNLOADED = "resume.downloaded"
VIEWED = "profile.viewed"


async def record(
    conn: Connection,
    action: str,
    *,
    candidate_id: UUID,
    reader_id: UUID,
    ground: Ground | None,
    now: datetime,
    resume: dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        """
        INSERT INTO candidate_audit (id, candidate_id, action, resume_id, filename, reader_id,
            reader_name, reader_kind, employer_id, booth_id, application_id, at)
        VALUES ($1, $2, $3, $4, $5, $6,
                (SELECT display_name FROM accounts WHERE id = $6), $7, $8, $9, $10, $11)
        """,
        uuid7(),
        candidate_id,
        action,
        resume["id"] if resume else None,
        resume["filename"] if resume else "",
        reader_id,
        (ground.reader if ground else Reader.SELF).value,
        ground.employer_id if ground else None,
        ground.booth_id if ground else None,
        ground.application_id if ground else None,
        now,
    )


async def entries(conn: Connection, candidate_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT d.at, d.action, d.resume_id, d.filename, d.reader_kind, d.reader_name,
               d.employer_id, e.name AS employer_name, d.booth_id
          FROM candidate_audit d LEFT JOIN employers e ON e.id = d.employer_id
         WHERE d.candidate_id = $1
         ORDER BY d.at DESC, d.id DESC
         LIMIT $2
        """,
        candidate_id,
        AUDIT_LIMIT,
    )
    return [dict(r) for r in rows]
