"""The signed-in account's notification inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from aiohttp import web
from pydantic import Field

from server.api.auth import account_id, signed_in
from server.api.routing import Api, Call, Model, Query
from server.appkeys import CLOCK, OUTBOX, POOL
from server.errors import Problem
from server.store import notifications as notifications_store


class Notification(Model):
    id: UUID
    kind: str
    data: dict[str, Any]
    created_at: datetime
    read: bool


class NotificationList(Model):
    items: list[Notification]
    unread: int
    next_before: UUID | None = Field(
        description="Pass as ?before= for the next (older) page; null on the last page."
    )


class NotificationQuery(Query):
    unread_only: bool = False
    limit: int = Field(default=50, ge=1, le=200)
    before: UUID | None = Field(
        default=None,
        description="A page's next_before: the notifications after that one, in this order"
        " (404 notification.not_found when it is not one of yours).",
    )


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/api/me/notifications",
        operation_id="listNotifications",
        summary="The account's notifications, newest first (pages by next_before)",
        response=NotificationList,
        query=NotificationQuery,
        tags=("notifications",),
    )
    async def list_notifications(call: Call[None, NotificationQuery]) -> NotificationList:
        me = await account_id(call)
        q = call.query
        async with call.app[POOL].acquire() as conn:
            older_than = None
            if q.before is not None:
                # The key (created_at, id), not the instant: several notifications share one.
                older_than = await notifications_store.position(conn, me, q.before)
                if older_than is None:
                    raise Problem("notification.not_found", "no such notification (before)")
            rows = await notifications_store.listed(
                conn, me, unread_only=q.unread_only, older_than=older_than, limit=q.limit + 1
            )
            unread = await notifications_store.unread(conn, me)
        more = len(rows) > q.limit
        rows = rows[: q.limit]
        return NotificationList(
            items=[Notification(**r) for r in rows],
            unread=unread,
            next_before=rows[-1]["id"] if more else None,
        )

    @api.route(
        "POST",
        "/api/me/notifications/{notification}/read",
        operation_id="markNotificationRead",
        summary="Mark one notification as read",
        response=None,
        status=204,
        tags=("notifications",),
    )
    async def mark_read(call: Call[None, None]) -> web.StreamResponse:
        principal = await signed_in(call)
        try:
            notification_id = UUID(call.path("notification"))
        except ValueError:
            raise Problem("notification.not_found", "no such notification") from None
        now = call.app[CLOCK].now()
        async with call.app[OUTBOX].transaction() as tx:
            found = await tx.conn.fetchval(
                """
                UPDATE notifications SET read_at = COALESCE(read_at, $3)
                 WHERE id = $1 AND account_id = $2 RETURNING true
                """,
                notification_id,
                principal.account_id,
                now,
            )
            if not found:
                raise Problem("notification.not_found", "no such notification")
            tx.emit(
                f"user:{principal.account_id}", "notification.read", {"id": str(notification_id)}
            )
        return web.Response(status=204)
