"""The per-account inbox: each notification is a row and a durable event on ``me``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from server.ids import uuid7
from server.realtime.outbox import OutboxTransaction


async def notify(
    tx: OutboxTransaction, account_id: UUID, kind: str, data: dict[str, Any], now: datetime
) -> UUID:
    """Add a notification inside the caller's outbox transaction (ids and public fields only)."""
    notification_id = uuid7()
    await tx.conn.execute(
        "INSERT INTO notifications (id, account_id, kind, data, created_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        notification_id,
        account_id,
        kind,
        data,
        now,
    )
    _created(tx, notification_id, account_id, kind, data, now)
    return notification_id


async def notify_each(
    tx: OutboxTransaction,
    kind: str,
    notices: Sequence[tuple[UUID, dict[str, Any]]],
    now: datetime,
) -> list[UUID]:
    """:func:`notify` for many (account, data) pairs at once: one INSERT, whatever their
    number, so a bulk change (a line's day close) stays one round trip here too."""
    if not notices:
        return []
    ids = [uuid7() for _ in notices]
    await tx.conn.execute(
        "INSERT INTO notifications (id, account_id, kind, data, created_at)"
        " SELECT n.id, n.account_id, $3, n.data, $4"
        " FROM unnest($1::uuid[], $2::uuid[], $5::jsonb[]) AS n(id, account_id, data)",
        ids,
        [account for account, _ in notices],
        kind,
        now,
        [data for _, data in notices],
    )
    for notification_id, (account_id, data) in zip(ids, notices, strict=True):
        _created(tx, notification_id, account_id, kind, data, now)
    return ids


def _created(
    tx: OutboxTransaction,
    notification_id: UUID,
    account_id: UUID,
    kind: str,
    data: dict[str, Any],
    now: datetime,
) -> None:
    tx.emit(
        f"user:{account_id}",
        "notification.created",
        {"id": str(notification_id), "kind": kind, "data": data, "created_at": now.isoformat()},
    )
