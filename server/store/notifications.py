"""The notification inbox (SQL)."""

from __future__ import annotations

from uuid import UUID

from server.store.db import Connection

# Through the partial notifications_unread_idx (0022): the unread ones only.
UNREAD = "SELECT count(*) FROM notifications WHERE account_id = $1 AND read_at IS NULL"


async def unread(conn: Connection, account_id: UUID) -> int:
    """How many of the account's notifications are unread."""
    return int(await conn.fetchval(UNREAD, account_id))
