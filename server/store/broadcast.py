"""Broadcasts and their ingest tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from server.store.db import Connection

BROADCAST_COLUMNS = """
    b.id, b.fair_id, b.title, b.starts_at, b.ends_at, b.video_codec,
    b.ingest_session, b.ingest_started_at
"""


async def create_broadcast(
    conn: Connection,
    *,
    broadcast_id: UUID,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    fair_id: UUID | None = None,
) -> dict[str, Any]:
    row = await conn.fetchrow(
        f"""
        INSERT INTO broadcasts AS b (id, fair_id, title, starts_at, ends_at)
        VALUES ($1, $2, $3, $4, $5)
        RETURNING {BROADCAST_COLUMNS}
        """,
        broadcast_id,
        fair_id,
        title,
        starts_at,
        ends_at,
    )
    assert row is not None
    return dict(row)


async def get_broadcast(
    conn: Connection, broadcast_id: UUID, *, for_update: bool = False
) -> dict[str, Any] | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(
        f"SELECT {BROADCAST_COLUMNS} FROM broadcasts b WHERE b.id = $1{lock}", broadcast_id
    )
    return None if row is None else dict(row)


async def replace_ingest_token(
    conn: Connection,
    *,
    token_id: UUID,
    broadcast_id: UUID,
    token_sha256: bytes,
    expires_at: datetime,
    now: datetime,
) -> None:
    """Revoke the broadcast's current token (if any) and store the new one's digest.

    Run it in a transaction that locked the broadcast row, so two rotations cannot
    both leave a current token.
    """
    await conn.execute(
        """
        UPDATE broadcast_ingest_tokens SET revoked_at = $2
        WHERE broadcast_id = $1 AND revoked_at IS NULL
        """,
        broadcast_id,
        now,
    )
    await conn.execute(
        """
        INSERT INTO broadcast_ingest_tokens
            (id, broadcast_id, token_sha256, expires_at, created_at)
        VALUES ($1, $2, $3, $4, $5)
        """,
        token_id,
        broadcast_id,
        token_sha256,
        expires_at,
        now,
    )


async def find_ingest_token(conn: Connection, token_sha256: bytes, now: datetime) -> UUID | None:
    """The broadcast a current, unexpired token belongs to."""
    broadcast_id: UUID | None = await conn.fetchval(
        """
        SELECT broadcast_id FROM broadcast_ingest_tokens
        WHERE token_sha256 = $1 AND revoked_at IS NULL AND expires_at > $2
        """,
        token_sha256,
        now,
    )
    return broadcast_id


async def fix_video_codec(conn: Connection, broadcast_id: UUID, codec: str) -> str | None:
    """Set the broadcast's video codec if it has none; return the codec it has now."""
    result: str | None = await conn.fetchval(
        """
        UPDATE broadcasts SET video_codec = COALESCE(video_codec, $2)
        WHERE id = $1 RETURNING video_codec
        """,
        broadcast_id,
        codec,
    )
    return result


async def ingest_started(conn: Connection, broadcast_id: UUID, session: str, now: datetime) -> None:
    await conn.execute(
        """
        UPDATE broadcasts SET ingest_session = $2, ingest_started_at = $3 WHERE id = $1
        """,
        broadcast_id,
        session,
        now,
    )


async def ingest_stopped(conn: Connection, broadcast_id: UUID, session: str) -> None:
    """Clear the ingest session, unless a newer publish has replaced it already."""
    await conn.execute(
        """
        UPDATE broadcasts SET ingest_session = NULL, ingest_started_at = NULL
        WHERE id = $1 AND ingest_session = $2
        """,
        broadcast_id,
        session,
    )
