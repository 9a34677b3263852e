"""Jobs (SQL). Every write re-indexes the job's search document in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from server.ids import uuid7
from server.store import search as search_store
from server.store.db import Connection, Params, fetch_page

JOB_COLUMNS = """
    j.id, j.fair_id, j.employer_id, j.title, j.openings, j.salary_min, j.salary_max,
    j.salary_negotiable, j.education, j.region_code, j.category, j.urgent_shortage,
    j.industry, j.key_groups, j.description, j.status, j.created_at, j.updated_at,
    e.name AS employer_name, e.type AS employer_type, e.industry AS employer_industry,
    e.region_code AS employer_region_code, e.verified_at AS employer_verified_at,
    encode(l.sha256, 'hex') AS employer_logo_sha256
"""
JOB_FROM = """jobs j JOIN employers e ON e.id = j.employer_id
              LEFT JOIN employer_logos l ON l.employer_id = e.id"""
# What an editor may set (``status`` only on update).
FIELDS = ("title", "openings", "salary_min", "salary_max", "salary_negotiable", "education",
          "region_code", "category", "urgent_shortage", "industry", "key_groups",
          "description")  # fmt: skip
PUBLIC = search_store.PUBLIC_JOB


async def insert_job(
    conn: Connection,
    *,
    fair_id: UUID,
    employer_id: UUID,
    fields: dict[str, Any],
    actor: UUID | None,
    now: datetime,
) -> UUID:
    assert set(fields) == set(FIELDS), set(fields) ^ set(FIELDS)
    job_id = uuid7()
    columns = ", ".join(FIELDS)
    values = ", ".join(f"${n}" for n in range(6, 6 + len(FIELDS)))
    await conn.execute(
        f"""INSERT INTO jobs (id, fair_id, employer_id, created_by, created_at, updated_by,
                              updated_at, {columns})
            VALUES ($1, $2, $3, $4, $5, $4, $5, {values})""",
        job_id,
        fair_id,
        employer_id,
        actor,
        now,
        *(fields[name] for name in FIELDS),
    )
    await search_store.index_job(conn, job_id)
    return job_id


async def update_job(
    conn: Connection, job_id: UUID, changes: dict[str, Any], *, actor: UUID | None, now: datetime
) -> None:
    assert set(changes) <= {*FIELDS, "status"}
    assignments = [f"{name} = ${n}" for n, name in enumerate(changes, start=4)]
    await conn.execute(
        f"UPDATE jobs SET updated_at = $2, updated_by = $3, {', '.join(assignments)} WHERE id = $1",
        job_id,
        now,
        actor,
        *changes.values(),
    )
    await search_store.index_job(conn, job_id)


async def get_job(
    conn: Connection, job_id: UUID, *, for_update: bool = False
) -> dict[str, Any] | None:
    lock = " FOR UPDATE OF j" if for_update else ""
    row = await conn.fetchrow(f"SELECT {JOB_COLUMNS} FROM {JOB_FROM} WHERE j.id = $1{lock}", job_id)
    return None if row is None else dict(row)


@dataclass(frozen=True, slots=True)
class JobFilters:
    fair_id: UUID | None = None
    employer_id: UUID | None = None
    region: str | None = None
    industry: str | None = None
    category: str | None = None
    urgent_shortage: bool | None = None
    educations: Sequence[str] | None = None  # the requirements a candidate meets
    key_group: str | None = None
    mine: Sequence[UUID] | None = None  # every job of these employers instead of public ones


async def list_jobs(
    conn: Connection,
    filters: JobFilters,
    terms: Sequence[str] | None,
    *,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], int]:
    """A page of jobs (best match first with ``terms``, else newest) and the total."""
    params = Params()
    clauses = [
        PUBLIC if filters.mine is None else f"j.employer_id = ANY({params.add(list(filters.mine))})"
    ]
    matched, order = search_store.ranked(params, "j.search", terms, "j.updated_at DESC, j.id DESC")
    clauses += matched
    clauses += params.equal(
        ("j.fair_id", filters.fair_id),
        ("j.employer_id", filters.employer_id),
        ("j.region_code", filters.region),
        ("j.industry", filters.industry),
        ("j.category", filters.category),
        ("j.urgent_shortage", filters.urgent_shortage),
    )
    if filters.educations is not None:
        clauses.append(f"j.education = ANY({params.add(list(filters.educations))}::text[])")
    if filters.key_group is not None:
        clauses.append(f"{params.add(filters.key_group)} = ANY(j.key_groups)")
    return await fetch_page(
        conn, JOB_COLUMNS, JOB_FROM, clauses, order, params, offset=offset, limit=limit
    )
