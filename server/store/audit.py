"""The resume-download log a candidate reads (SQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from server.domain.resumes import Ground, Reader
from server.ids import uuid7
from server.store.db import Connection

AUDIT_LIMIT = 200


async def record_download(
    conn: Connection,
    *,
    candidate_id: UUID,
    resume: dict[str, Any],
    reader_id: UUID,
    ground: Ground | None,
    now: datetime,
) -> None:
    await conn.execute(
        """
        INSERT INTO resume_downloads (id, candidate_id, resume_id, filename, reader_id,
            reader_name, reader_kind, employer_id, booth_id, application_id, at)
        VALUES ($1, $2, $3, $4, $5,
                (SELECT display_name FROM accounts WHERE id = $5), $6, $7, $8, $9, $10)
        """,
        uuid7(),
        candidate_id,
        resume["id"],
        resume["filename"],
        reader_id,
        (ground.reader if ground else Reader.SELF).value,
        ground.employer_id if ground else None,
        ground.booth_id if ground else None,
        ground.application_id if ground else None,
        now,
    )


async def downloads(conn: Connection, candidate_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT d.at, d.resume_id, d.filename, d.reader_kind, d.reader_name, d.employer_id,
               e.name AS employer_name, d.booth_id
          FROM resume_downloads d LEFT JOIN employers e ON e.id = d.employer_id
         WHERE d.candidate_id = $1
         ORDER BY d.at DESC, d.id DESC
         LIMIT $2
        """,
        candidate_id,
        AUDIT_LIMIT,
    )
    return [dict(r) for r in rows]
