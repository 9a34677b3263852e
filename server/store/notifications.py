"""The notification inbox (SQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from server.store.db import Connection

# Through the partial notifications_unread_idx (0022): the unread ones only.
UNREAD = "SELECT count(*) FROM notifications WHERE account_id = $1 AND read_at IS NULL"


async def unread(conn: Connection, account_id: UUID) -> int:
    """How many of the account's notifications are unread."""
    return int(await conn.fetchval(UNREAD, account_id))


# An account's notifications, newest first ($2: before this instant, or NULL; $3: how
# many). The unread ones are a text of their own: with ``NOT $n OR read_at IS NULL`` a
# generic plan cannot use notifications_unread_idx and reads the whole inbox.
_LISTED = """
SELECT id, kind, data, created_at, read_at IS NOT NULL AS read
  FROM notifications
 WHERE account_id = $1{unread} AND ($2::timestamptz IS NULL OR created_at < $2)
 ORDER BY created_at DESC, id DESC LIMIT $3
"""
LISTED = _LISTED.format(unread="")
LISTED_UNREAD = _LISTED.format(unread=" AND read_at IS NULL")


async def listed(
    conn: Connection,
    account_id: UUID,
    *,
    unread_only: bool,
    before: datetime | None,
    limit: int,
) -> list[dict[str, Any]]:
    """The account's notifications (or only the unread), newest first."""
    rows = await conn.fetch(LISTED_UNREAD if unread_only else LISTED, account_id, before, limit)
    return [dict(r) for r in rows]
