"""Booths and guidance desks, and their staff (SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from server.ids import uuid7
from server.store.db import Connection, Params
from server.store.employers import Viewer

BOOTH_COLUMNS = """
    b.id, b.fair_id, b.venue_id, b.kind, b.employer_id, b.title, b.intro, b.capacity,
    b.slot_minutes, b.hours, b.status, b.requested_at, b.approved_at, b.closed_at,
    b.created_at, b.updated_at,
    e.name AS employer_name, e.type AS employer_type, e.industry AS employer_industry,
    e.region_code AS employer_region_code, e.verified_at AS employer_verified_at,
    encode(l.sha256, 'hex') AS employer_logo_sha256,
    v.region_code AS venue_region, v.position AS venue_position,
    f.starts_on AS fair_starts_on, f.ends_on AS fair_ends_on
"""
BOOTH_FROM = """
    booths b
    JOIN venues v ON v.id = b.venue_id
    JOIN fairs f ON f.id = b.fair_id
    LEFT JOIN employers e ON e.id = b.employer_id
    LEFT JOIN employer_logos l ON l.employer_id = b.employer_id
"""
EDITABLE = ("title", "intro", "capacity", "slot_minutes", "hours", "status")
# Listed for everyone: approved booths of verified employers, and approved desks.
LISTED = "(b.status = 'approved' AND (b.employer_id IS NULL OR e.verified_at IS NOT NULL))"
# Readable by id for everyone: also booths that were public before they closed.
READABLE = """(b.employer_id IS NULL OR e.verified_at IS NOT NULL)
    AND (b.status = 'approved' OR (b.status = 'closed' AND b.approved_at IS NOT NULL))"""


async def insert_booth(
    conn: Connection,
    *,
    fair_id: UUID,
    venue_id: UUID,
    kind: str,
    employer_id: UUID | None,
    fields: dict[str, Any],
    status: str,
    actor: UUID | None,
    now: datetime,
) -> UUID:
    booth_id = uuid7()
    approved = status == "approved"
    await conn.execute(
        """
        INSERT INTO booths (id, fair_id, venue_id, kind, employer_id, title, intro, capacity,
                            slot_minutes, hours, status, requested_by, requested_at,
                            approved_by, approved_at, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
        """,
        booth_id,
        fair_id,
        venue_id,
        kind,
        employer_id,
        fields.get("title", ""),
        fields.get("intro", ""),
        fields["capacity"],
        fields["slot_minutes"],
        fields.get("hours", []),
        status,
        None if approved else actor,
        None if approved else now,
        actor if approved else None,
        now if approved else None,
        now,
    )
    return booth_id


async def get_booth(
    conn: Connection, booth_id: UUID, *, for_update: bool = False
) -> dict[str, Any] | None:
    lock = " FOR UPDATE OF b" if for_update else ""
    row = await conn.fetchrow(
        f"SELECT {BOOTH_COLUMNS} FROM {BOOTH_FROM} WHERE b.id = $1{lock}", booth_id
    )
    return None if row is None else dict(row)


async def list_booths(
    conn: Connection,
    viewer: Viewer,
    *,
    fair: UUID | None = None,
    venue: UUID | None = None,
    kind: str | None = None,
    employer: UUID | None = None,
    status: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Booths the viewer may see: in venue order, employers' booths before desks."""
    clauses = [
        f"""({LISTED}
            OR $1::boolean
            OR b.employer_id = ANY($2::uuid[])
            OR e.region_code = ANY($3::text[])
            OR b.venue_id = ANY($4::uuid[])
            OR b.fair_id = ANY($5::uuid[])
            OR EXISTS (SELECT 1 FROM booth_staff s
                        WHERE s.booth_id = b.id AND s.account_id = $6))"""
    ]
    params = Params(
        [
            viewer.everything,
            list(viewer.employer_ids),
            list(viewer.regions),
            list(viewer.venue_ids),
            list(viewer.fair_ids),
            viewer.account_id,
        ]
    )
    clauses += params.equal(
        ("b.fair_id", fair),
        ("b.venue_id", venue),
        ("b.kind", kind),
        ("b.employer_id", employer),
        ("b.status", status),
    )
    rows = await conn.fetch(
        f"""
        SELECT {BOOTH_COLUMNS} FROM {BOOTH_FROM}
         WHERE {" AND ".join(clauses)}
         ORDER BY v.position, b.kind <> 'employer', b.kind, b.id
         OFFSET {params.add(offset)} LIMIT {params.add(limit)}
        """,
        *params,
    )
    return [dict(row) for row in rows]


async def update_booth(
    conn: Connection,
    booth_id: UUID,
    changes: dict[str, Any],
    *,
    actor: UUID | None,
    now: datetime,
) -> None:
    assert set(changes) <= set(EDITABLE)
    args: list[Any] = [booth_id, now, *changes.values()]
    assignments = [f"{field} = ${n}" for n, field in enumerate(changes, start=3)]
    assignments.append("updated_at = $2")
    status = changes.get("status")
    if status == "approved":
        args.append(actor)
        assignments += ["approved_at = $2", f"approved_by = ${len(args)}", "closed_at = NULL"]
    elif status == "closed":
        assignments.append("closed_at = $2")
    await conn.execute(f"UPDATE booths SET {', '.join(assignments)} WHERE id = $1", *args)


async def staff_of(conn: Connection, booth_ids: Sequence[UUID]) -> dict[UUID, list[dict[str, Any]]]:
    rows = await conn.fetch(
        """
        SELECT s.booth_id, a.id AS account_id, a.display_name
          FROM booth_staff s JOIN accounts a ON a.id = s.account_id
         WHERE s.booth_id = ANY($1::uuid[])
         ORDER BY s.booth_id, s.assigned_at, a.id
        """,
        list(booth_ids),
    )
    found: dict[UUID, list[dict[str, Any]]] = {booth_id: [] for booth_id in booth_ids}
    for row in rows:
        found[row["booth_id"]].append(
            {"account_id": row["account_id"], "display_name": row["display_name"]}
        )
    return found


async def set_staff(
    conn: Connection,
    booth_id: UUID,
    account_ids: Sequence[UUID],
    *,
    assigned_by: UUID | None,
    now: datetime,
) -> None:
    """Replace the booth's staff; those who stay keep their original assignment time."""
    await conn.execute(
        "DELETE FROM booth_staff WHERE booth_id = $1 AND NOT (account_id = ANY($2::uuid[]))",
        booth_id,
        list(account_ids),
    )
    await conn.execute(
        """
        INSERT INTO booth_staff (booth_id, account_id, assigned_by, assigned_at)
        SELECT $1, unnest($2::uuid[]), $3, $4
        ON CONFLICT (booth_id, account_id) DO NOTHING
        """,
        booth_id,
        list(account_ids),
        assigned_by,
        now,
    )


# The line's state in literals (not ``= ANY($n)``): the planner proves the partial index
# ``tickets_call_order_idx`` (WHERE state IN ('waiting', 'notified')) only from literals,
# and without it counts through every ticket the booth ever had (see tickets.ACTIVE_IN).
STAFFED_BY = f"""
SELECT {BOOTH_COLUMNS},
       f.slug AS fair_slug, f.title_zh AS fair_title_zh, f.title_en AS fair_title_en,
       v.name_zh AS venue_name_zh, v.name_en AS venue_name_en,
       coalesce(q.status, 'closed') AS line_status,
       (SELECT count(*) FROM tickets t
         WHERE t.booth_id = b.id AND t.state IN ('waiting', 'notified')) AS waiting,
       coalesce(ss.status, 'offline') AS my_status
  FROM {BOOTH_FROM}
  JOIN booth_staff s ON s.booth_id = b.id AND s.account_id = $1
  LEFT JOIN booth_queues q ON q.booth_id = b.id
  LEFT JOIN staff_status ss ON ss.booth_id = b.id AND ss.account_id = s.account_id
 ORDER BY f.starts_on DESC, f.id DESC, v.position, b.kind <> 'employer', b.kind, b.id
"""


async def staffed_by(conn: Connection, account_id: UUID) -> list[dict[str, Any]]:
    """The booths ``account_id`` staffs, in every fair and status (newest fair first),
    each with its line's status, how many wait in it and the account's own status there —
    one round trip."""
    return [dict(row) for row in await conn.fetch(STAFFED_BY, account_id)]
