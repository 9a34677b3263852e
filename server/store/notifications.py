"""The notification inbox (SQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from server.store.db import Connection

# Through the partial notifications_unread_idx (0022, 0025): the unread ones only.
UNREAD = "SELECT count(*) FROM notifications WHERE account_id = $1 AND read_at IS NULL"


async def unread(conn: Connection, account_id: UUID) -> int:
    """How many of the account's notifications are unread."""
    return int(await conn.fetchval(UNREAD, account_id))


# A page's key: the list is ordered by (created_at, id), both descending. created_at
# alone is no key: one transaction writes several notifications with one `now`.
Key = tuple[datetime, UUID]

POSITION = "SELECT created_at, id FROM notifications WHERE id = $2 AND account_id = $1"


async def position(conn: Connection, account_id: UUID, notification_id: UUID) -> Key | None:
    """Where the account's notification stands in its inbox (None: not theirs, or none)."""
    row = await conn.fetchrow(POSITION, account_id, notification_id)
    return None if row is None else (row["created_at"], row["id"])


# An account's notifications, newest first ($2: how many; $3, $4: the key they come
# after, on a later page). Each variant is a text of its own so that a cached generic
# plan serves it from an index (0025): with ``NOT $n OR read_at IS NULL`` or
# ``$3 IS NULL OR (…) < ($3, $4)`` it cannot, and reads the whole inbox.
_LISTED = """
SELECT id, kind, data, created_at, read_at IS NOT NULL AS read
  FROM notifications
 WHERE account_id = $1{unread}{older}
 ORDER BY created_at DESC, id DESC LIMIT $2
"""
_UNREAD = " AND read_at IS NULL"
_OLDER = " AND (created_at, id) < ($3, $4)"
LISTED = _LISTED.format(unread="", older="")
LISTED_UNREAD = _LISTED.format(unread=_UNREAD, older="")
LISTED_OLDER = _LISTED.format(unread="", older=_OLDER)
LISTED_UNREAD_OLDER = _LISTED.format(unread=_UNREAD, older=_OLDER)


async def listed(
    conn: Connection,
    account_id: UUID,
    *,
    unread_only: bool,
    older_than: Key | None,
    limit: int,
) -> list[dict[str, Any]]:
    """The account's notifications (or only the unread), newest first: the first
    ``limit``, or the next ``limit`` after the key ``older_than`` in that order."""
    if older_than is None:
        sql = LISTED_UNREAD if unread_only else LISTED
        rows = await conn.fetch(sql, account_id, limit)
    else:
        sql = LISTED_UNREAD_OLDER if unread_only else LISTED_OLDER
        rows = await conn.fetch(sql, account_id, limit, *older_than)
    return [dict(r) for r in rows]
