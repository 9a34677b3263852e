"""The per-account inbox: each notification is a row and a durable event on ``me``."""

from __future__ import annotations

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
    tx.emit(
        f"user:{account_id}",
        "notification.created",
        {"id": str(notification_id), "kind": kind, "data": data, "created_at": now.isoformat()},
    )
    return notification_id
