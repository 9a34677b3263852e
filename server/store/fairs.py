"""Fairs, venues and partner platforms (read side)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from server.store.db import Connection

FAIR_COLUMNS = """
    f.id, f.slug, f.title_zh, f.title_en, f.theme_zh, f.theme_en, f.starts_on, f.ends_on,
    f.time_zone, f.organisers, f.document, f.first_submission_due, f.summary_due
"""
VENUE_COLUMNS = """
    v.id, v.fair_id, v.kind, v.region_code, v.name_zh, v.name_en, v.url,
    v.leader_name, v.leader_title, v.leader_phone, v.position, v.queue_visibility
"""


async def list_fairs(conn: Connection) -> list[dict[str, Any]]:
    rows = await conn.fetch(f"SELECT {FAIR_COLUMNS} FROM fairs f ORDER BY f.starts_on DESC, f.id")
    return [dict(row) for row in rows]


async def get_fair(conn: Connection, ref: UUID | str) -> dict[str, Any] | None:
    """A fair by id or slug."""
    column = "f.id" if isinstance(ref, UUID) else "f.slug"
    row = await conn.fetchrow(f"SELECT {FAIR_COLUMNS} FROM fairs f WHERE {column} = $1", ref)
    return None if row is None else dict(row)


async def partner_platforms(conn: Connection, fair_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT name_zh, name_en, url FROM partner_platforms WHERE fair_id = $1 ORDER BY position",
        fair_id,
    )
    return [dict(row) for row in rows]


async def list_venues(conn: Connection, fair_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {VENUE_COLUMNS} FROM venues v WHERE v.fair_id = $1 ORDER BY v.position, v.id",
        fair_id,
    )
    return [dict(row) for row in rows]


async def get_venue(conn: Connection, venue_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(f"SELECT {VENUE_COLUMNS} FROM venues v WHERE v.id = $1", venue_id)
    return None if row is None else dict(row)
