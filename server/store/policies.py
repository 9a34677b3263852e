"""The policy catalogue (SQL). Every write re-indexes the policy in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from server.domain.policies import FIELD_NAMES
from server.ids import uuid7
from server.store import search as search_store
from server.store.db import Connection, Params, fetch_page

POLICY_COLUMNS = f"""
    p.id, p.fair_id, p.region_code, p.kind, p.title, {", ".join(f"p.{n}" for n in FIELD_NAMES)},
    p.status, p.published_at, p.created_at, p.updated_at
"""
EDITABLE = ("region_code", "kind", "title", *FIELD_NAMES)


async def insert_policy(
    conn: Connection, *, fair_id: UUID, fields: dict[str, Any], actor: UUID | None, now: datetime
) -> UUID:
    assert set(fields) == set(EDITABLE), set(fields) ^ set(EDITABLE)
    policy_id = uuid7()
    values = ", ".join(f"${n}" for n in range(5, 5 + len(EDITABLE)))
    await conn.execute(
        f"""INSERT INTO policies (id, fair_id, created_by, updated_by, created_at, updated_at,
                                  {", ".join(EDITABLE)})
            VALUES ($1, $2, $3, $3, $4, $4, {values})""",
        policy_id,
        fair_id,
        actor,
        now,
        *(fields[name] for name in EDITABLE),
    )
    await search_store.index_policy(conn, policy_id)
    return policy_id


async def update_policy(
    conn: Connection, policy_id: UUID, changes: dict[str, Any], *, actor: UUID | None, now: datetime
) -> None:
    assert set(changes) <= set(EDITABLE)
    assignments = [f"{name} = ${n}" for n, name in enumerate(changes, start=4)]
    await conn.execute(
        f"UPDATE policies SET updated_at = $2, updated_by = $3, {', '.join(assignments)}"
        " WHERE id = $1",
        policy_id,
        now,
        actor,
        *changes.values(),
    )
    await search_store.index_policy(conn, policy_id)


async def set_published(
    conn: Connection, policy_id: UUID, published: bool, *, actor: UUID | None, now: datetime
) -> None:
    await conn.execute(
        """UPDATE policies
              SET status = CASE WHEN $2 THEN 'published' ELSE 'draft' END,
                  published_at = CASE WHEN $2 THEN $3::timestamptz END,
                  published_by = CASE WHEN $2 THEN $4::uuid END,
                  updated_at = $3, updated_by = $4
            WHERE id = $1""",
        policy_id,
        published,
        now,
        actor,
    )


async def get_policy(
    conn: Connection, policy_id: UUID, *, for_update: bool = False
) -> dict[str, Any] | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(
        f"SELECT {POLICY_COLUMNS} FROM policies p WHERE p.id = $1{lock}", policy_id
    )
    return None if row is None else dict(row)


@dataclass(frozen=True, slots=True)
class PolicyFilters:
    fair_id: UUID | None = None
    region: str | None = None  # a region code, or "national"
    kind: str | None = None
    # Drafts instead of published policies: those of these fairs (organisers) or of these
    # "fair_id:region" pairs (venue admins).
    drafts_of_fairs: Sequence[UUID] | None = None
    drafts_of_regions: Sequence[str] = ()


async def list_policies(
    conn: Connection,
    filters: PolicyFilters,
    terms: Sequence[str] | None,
    *,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], int]:
    params = Params()
    if filters.drafts_of_fairs is None:
        clauses = ["p.status = 'published'"]
    else:
        clauses = [
            "p.status = 'draft'",
            f"""(p.fair_id = ANY({params.add(list(filters.drafts_of_fairs))}::uuid[])
                 OR p.fair_id::text || ':' || p.region_code
                    = ANY({params.add(list(filters.drafts_of_regions))}::text[]))""",
        ]
    matched, order = search_store.ranked(params, "p.search", terms, "p.updated_at DESC, p.id DESC")
    clauses += matched
    clauses += params.equal(("p.fair_id", filters.fair_id))
    if filters.region == "national":
        clauses.append("p.region_code IS NULL")
    else:
        clauses += params.equal(("p.region_code", filters.region))
    clauses += params.equal(("p.kind", filters.kind))
    return await fetch_page(
        conn, POLICY_COLUMNS, "policies p", clauses, order, params, offset=offset, limit=limit
    )
