"""The gateway's own topic families: ``fair:<id>``, ``venue:<id>`` and ``me``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from server.domain.principal import Principal
from server.realtime.protocol import ProtocolError
from server.realtime.topics import Gone, TopicFamily, TopicRegistry
from server.store import fairs as fairs_store
from server.store import notifications as notifications_store
from server.store import tickets as tickets_store
from server.store.db import Connection

RECENT_NOTIFICATIONS = 20


def _uuid(ident: str) -> UUID:
    try:
        return UUID(ident)
    except ValueError:
        raise ProtocolError("topic.unknown", f"no such topic ({ident})") from None


async def public(principal: Principal, ident: str) -> bool:
    _uuid(ident)
    return True


async def fair_snapshot(conn: Connection, ident: str, principal: Principal) -> dict[str, Any]:
    fair = await fairs_store.get_fair(conn, _uuid(ident))
    if fair is None:
        raise ProtocolError("topic.unknown", f"no fair {ident}")
    return {
        "fair": {
            "id": str(fair["id"]),
            "title_zh": fair["title_zh"],
            "title_en": fair["title_en"],
            "starts_on": fair["starts_on"].isoformat(),
            "ends_on": fair["ends_on"].isoformat(),
        }
    }


async def venue_snapshot(conn: Connection, ident: str, principal: Principal) -> dict[str, Any]:
    venue = await fairs_store.get_venue(conn, _uuid(ident))
    if venue is None:
        raise ProtocolError("topic.unknown", f"no venue {ident}")
    return {
        "venue": {
            "id": str(venue["id"]),
            "fair_id": str(venue["fair_id"]),
            "name_zh": venue["name_zh"],
            "name_en": venue["name_en"],
        }
    }


async def me_snapshot(conn: Connection, ident: str, principal: Principal) -> dict[str, Any]:
    rows = await conn.fetch(
        """
        SELECT id, kind, data, created_at, read_at FROM notifications
         WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2
        """,
        principal.account_id,
        RECENT_NOTIFICATIONS,
    )
    unread = await notifications_store.unread(conn, UUID(ident))
    # A reconnecting candidate gets their lines, places and waits with the snapshot.
    tickets = await tickets_store.holder_tickets(conn, UUID(ident))
    return {
        "account_id": ident,
        "tickets": [tickets_store.holder_view(t) for t in tickets],
        "unread_notifications": unread,
        "notifications": [
            {
                "id": str(r["id"]),
                "kind": r["kind"],
                "data": r["data"],
                "created_at": r["created_at"].isoformat(),
                "read": r["read_at"] is not None,
            }
            for r in rows
        ],
    }


async def own(principal: Principal, ident: str) -> bool:
    return principal.account_id is not None and str(principal.account_id) == ident


def register_builtin(
    registry: TopicRegistry, *, on_me_join: Gone | None = None, on_me_gone: Gone | None = None
) -> None:
    """``on_me_join`` / ``on_me_gone``: a candidate's "me" connection came / went (the
    queue's reconnect grace and the staff's "reconnecting" flag)."""
    registry.register(TopicFamily("fair", public, fair_snapshot))
    registry.register(TopicFamily("venue", public, venue_snapshot))
    registry.register(
        TopicFamily("user", own, me_snapshot, presence=True, on_gone=on_me_gone, on_join=on_me_join)
    )
