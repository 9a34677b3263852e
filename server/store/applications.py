"""Applications of candidates to jobs (SQL). Status rules: server/api/applications.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from server.ids import uuid7
from server.store.db import Connection

APPLICATION_LIMIT = 200
CLOSED = ("not_suitable", "withdrawn")

SELECT = """
    SELECT a.id, a.fair_id, a.job_id, a.employer_id, a.candidate_id, a.resume_id, a.status,
           a.created_at, a.updated_at, a.closed_at,
           j.title AS job_title, e.name AS employer_name,
           r.filename AS resume_filename, r.media_type AS resume_media_type,
           octet_length(r.content) AS resume_bytes, encode(r.sha256, 'hex') AS resume_sha256,
           r.uploaded_at AS resume_uploaded_at, acc.display_name AS candidate_display_name
      FROM applications a
      JOIN jobs j ON j.id = a.job_id
      JOIN employers e ON e.id = a.employer_id
      LEFT JOIN resumes r ON r.id = a.resume_id
      LEFT JOIN accounts acc ON acc.id = a.candidate_id
"""


async def job_for_application(conn: Connection, job_id: UUID) -> dict[str, Any] | None:
    """The job with what an application needs: its employer and whether it is open to
    the public (open, and its employer verified)."""
    row = await conn.fetchrow(
        """
        SELECT j.id, j.fair_id, j.employer_id, j.status, j.title,
               (e.verified_at IS NOT NULL) AS employer_verified
          FROM jobs j JOIN employers e ON e.id = j.employer_id
         WHERE j.id = $1
        """,
        job_id,
    )
    return dict(row) if row else None


async def insert(
    conn: Connection, job: dict[str, Any], candidate_id: UUID, resume_id: UUID, now: datetime
) -> UUID | None:
    """A new application, or None when this candidate already applied to this job."""
    application_id = uuid7()
    inserted = await conn.fetchval(
        """
        INSERT INTO applications (id, fair_id, job_id, employer_id, candidate_id, resume_id,
                                  status, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, 'submitted', $7, $7)
        ON CONFLICT (job_id, candidate_id) DO NOTHING
        RETURNING true
        """,
        application_id,
        job["fair_id"],
        job["id"],
        job["employer_id"],
        candidate_id,
        resume_id,
        now,
    )
    return application_id if inserted else None


async def get(
    conn: Connection, application_id: UUID, *, lock: bool = False
) -> dict[str, Any] | None:
    suffix = " FOR UPDATE OF a" if lock else ""
    row = await conn.fetchrow(SELECT + " WHERE a.id = $1" + suffix, application_id)
    return dict(row) if row else None


async def list_where(
    conn: Connection,
    *,
    candidate_id: UUID | None = None,
    employer_id: UUID | None = None,
    job_id: UUID | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        SELECT
        + """
         WHERE ($1::uuid IS NULL OR a.candidate_id = $1)
           AND ($2::uuid IS NULL OR a.employer_id = $2)
           AND ($3::uuid IS NULL OR a.job_id = $3)
           AND ($4::text IS NULL OR a.status = $4)
           AND a.candidate_id IS NOT NULL
         ORDER BY a.created_at DESC, a.id DESC
         LIMIT $5
        """,
        candidate_id,
        employer_id,
        job_id,
        status,
        APPLICATION_LIMIT,
    )
    return [dict(r) for r in rows]


async def set_status(conn: Connection, application_id: UUID, status: str, now: datetime) -> None:
    await conn.execute(
        "UPDATE applications SET status = $2::text, updated_at = $3::timestamptz,"
        " closed_at = CASE WHEN $2::text = ANY($4::text[]) THEN $3::timestamptz END"
        " WHERE id = $1",
        application_id,
        status,
        now,
        list(CLOSED),
    )
