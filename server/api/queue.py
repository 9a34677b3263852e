"""Booth queues over HTTP, and the ``booth:<id>`` / ``booth:<id>:staff`` topics."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from aiohttp import web
from pydantic import Field

from server.api.auth import account_id, authorize, principal_of, signed_in
from server.api.interviews import INTERVIEWS
from server.api.routing import Api, Call, Model, Query
from server.appkeys import POOL, QUEUE
from server.domain.permissions import Action, Resource
from server.domain.principal import Principal, Role
from server.domain.queue import QueueStatus, StaffStatus, ticket_version
from server.errors import Problem
from server.realtime.protocol import ProtocolError
from server.realtime.topics import TopicFamily, TopicRegistry
from server.services.queue import (
    DAY_CLOSE_KIND,
    GRACE_KIND,
    HOURS_KIND,
    STAFF_AWAY_KIND,
    QueueService,
)
from server.store import fairs as fairs_store
from server.store.db import Connection
from server.timers import LatePolicy, Timer, TimerRegistry

log = logging.getLogger(__name__)


class MyTicket(Model):
    id: UUID
    booth_id: UUID
    token: str
    state: str
    kind: str = Field(
        description="walk_in (joined the line), reservation (a booked slot that started)"
        " or handoff (handed over by a recruiter after an interview)"
    )
    passes: int
    joined_at: datetime
    ring_until: datetime | None = None
    version: int = Field(
        description="microseconds since the epoch of the ticket's last change: keep the newest"
    )
    position: int | None = Field(None, description="callable tickets ahead (while in line)")
    wait: list[int] | None = Field(None, description="[p10, p90] wait in seconds, if known")


class MyTickets(Model):
    items: list[MyTicket]


class CalledTicket(Model):
    ticket_id: UUID
    candidate_id: UUID
    state: str
    passes: int
    joined_at: datetime
    ring_until: datetime | None = None


class JoinQuery(Query):
    key_group_lane: bool = Field(
        default=False,
        description="use the booth's key-group lane if one of your key groups is among its"
        " own: you agree that this booth's staff see you belong to a key group",
    )


class Removal(Model):
    reason: str = Field(min_length=1, max_length=200)


class StaffStatusIn(Model):
    status: StaffStatus


class QueueStatusIn(Model):
    status: QueueStatus


class FollowHoursIn(Model):
    follow_hours: bool = Field(
        description="open and close the line at the booth's opening hours (its staff may"
        " still pause or close it between them)"
    )


class VisibilityIn(Model):
    visibility: Literal["full", "length_only"] = Field(
        description="full: the line's tokens and wait table on booth topics; length_only:"
        " only length and status there, each holder's place and wait on their me topic"
    )


def _mine(row: dict[str, Any]) -> MyTicket:
    called = row["state"] == "called"
    return MyTicket(
        id=row["id"],
        booth_id=row["booth_id"],
        token=row["token"],
        state=row["state"],
        kind=row["kind"],
        passes=row["passes"],
        joined_at=row["joined_at"],
        ring_until=row.get("ring_until") if called else None,
        version=ticket_version(row["changed_at"]),
        position=row.get("position"),
        wait=row.get("wait"),
    )


def _called(row: dict[str, Any]) -> CalledTicket:
    return CalledTicket(
        ticket_id=row["id"],
        candidate_id=row["candidate_id"],
        state=row["state"],
        passes=row["passes"],
        joined_at=row["joined_at"],
        ring_until=row.get("ring_until"),
    )


async def _candidate(call: Call[Any, Any]) -> Principal:
    principal = await signed_in(call)
    if not principal.has(Role.CANDIDATE):
        raise Problem("auth.forbidden", "only candidates join lines")
    return principal


# callNext's and callCandidate's refusals in the OpenAPI document (docs/queues.md, "API").
_CALL_REFUSED: dict[int, tuple[str, str | None]] = {
    409: (
        "queue.not_available (the caller is paused or offline), queue.staff_busy (already"
        " in a call), queue.empty (nobody callable), queue.wrong_state (that ticket cannot"
        " be called now)",
        None,
    ),
}


def register(api: Api) -> None:
    tags = ("queues",)
    register_visibility(api)

    @api.route(
        "POST",
        "/api/booths/{booth}/tickets",
        operation_id="joinQueue",
        summary="Join the booth's line",
        query=JoinQuery,
        response=MyTicket,
        status=201,
        tags=tags,
    )
    async def join_queue(call: Call[None, JoinQuery]) -> MyTicket:
        principal = await _candidate(call)
        booth_id = call.path_id("booth", "booth.not_found")
        assert principal.account_id is not None
        me = principal.account_id
        lane = call.query.key_group_lane
        return _mine(await call.app[QUEUE].join(booth_id, me, key_group_lane=lane))

    @api.route(
        "DELETE",
        "/api/tickets/{ticket}",
        operation_id="leaveQueue",
        summary="Leave a line",
        response=None,
        status=204,
        tags=tags,
    )
    async def leave_queue(call: Call[None, None]) -> web.StreamResponse:
        me = await account_id(call)
        await call.app[QUEUE].leave(call.path_id("ticket", "ticket.not_found"), me)
        return web.Response(status=204)

    @api.route(
        "GET",
        "/api/me/tickets",
        operation_id="getMyTickets",
        summary="My lines: active tickets with their tokens",
        response=MyTickets,
        tags=tags,
    )
    async def my_tickets(call: Call[None, None]) -> MyTickets:
        me = await account_id(call)
        rows = await call.app[QUEUE].my_tickets(me)
        return MyTickets(items=[_mine(r) for r in rows])

    @api.route(
        "POST",
        "/api/tickets/{ticket}/accept",
        operation_id="acceptCall",
        summary="Answer a call: the interview starts",
        response=MyTicket,
        tags=tags,
    )
    async def accept(call: Call[None, None]) -> MyTicket:
        me = await account_id(call)
        row = await call.app[QUEUE].accept(call.path_id("ticket", "ticket.not_found"), me)
        return _mine(row)

    @api.route(
        "POST",
        "/api/tickets/{ticket}/decline",
        operation_id="declineCall",
        summary="Not now: back in place with a pass (the second pass ends the ticket)",
        response=MyTicket,
        tags=tags,
    )
    async def decline(call: Call[None, None]) -> MyTicket:
        me = await account_id(call)
        row = await call.app[QUEUE].decline(call.path_id("ticket", "ticket.not_found"), me)
        return _mine(row)

    @api.route(
        "POST",
        "/api/booths/{booth}/watch",
        operation_id="notifyWhenOpen",
        summary="Tell me when this line has room or opens",
        response=None,
        status=204,
        tags=tags,
    )
    async def watch(call: Call[None, None]) -> web.StreamResponse:
        principal = await _candidate(call)
        assert principal.account_id is not None
        me = principal.account_id
        await call.app[QUEUE].watch(call.path_id("booth", "booth.not_found"), me)
        return web.Response(status=204)

    @api.route(
        "POST",
        "/api/booths/{booth}/call-next",
        operation_id="callNext",
        summary="Call the next candidate who is free (booth staff)",
        response=CalledTicket,
        responses=_CALL_REFUSED,
        tags=tags,
    )
    async def call_next(call: Call[None, None]) -> CalledTicket:
        me = await account_id(call)
        row = await call.app[QUEUE].call(call.path_id("booth", "booth.not_found"), me)
        return _called(row)

    @api.route(
        "POST",
        "/api/tickets/{ticket}/call",
        operation_id="callCandidate",
        summary="Call one particular waiting candidate (booth staff; audited)",
        response=CalledTicket,
        responses=_CALL_REFUSED,
        tags=tags,
    )
    async def call_candidate(call: Call[None, None]) -> CalledTicket:
        me = await account_id(call)
        ticket_id = call.path_id("ticket", "ticket.not_found")
        async with call.app[POOL].acquire() as conn:
            booth_id = await conn.fetchval("SELECT booth_id FROM tickets WHERE id = $1", ticket_id)
        if booth_id is None:
            raise Problem("ticket.not_found", "no such ticket")
        row = await call.app[QUEUE].call(booth_id, me, ticket_id)
        return _called(row)

    @api.route(
        "POST",
        "/api/tickets/{ticket}/complete",
        operation_id="completeTicket",
        summary="The interview is over: the ticket is done and the interview ends with it"
        " (booth staff)",
        response=CalledTicket,
        tags=tags,
    )
    async def complete(call: Call[None, None]) -> CalledTicket:
        me = await account_id(call)
        row = await call.app[INTERVIEWS].complete(call.path_id("ticket", "ticket.not_found"), me)
        return _called(row)

    @api.route(
        "POST",
        "/api/tickets/{ticket}/remove",
        operation_id="removeTicket",
        summary="Take a ticket out of the line, with a reason (booth staff)",
        body=Removal,
        response=None,
        status=204,
        tags=tags,
    )
    async def remove(call: Call[Removal, None]) -> web.StreamResponse:
        me = await account_id(call)
        await call.app[QUEUE].remove(
            call.path_id("ticket", "ticket.not_found"),
            me,
            call.body.reason,
        )
        return web.Response(status=204)

    @api.route(
        "PUT",
        "/api/booths/{booth}/staff-status",
        operation_id="setStaffStatus",
        summary="Set my status at this booth: available, paused or offline",
        body=StaffStatusIn,
        response=None,
        status=204,
        tags=tags,
    )
    async def staff_status(call: Call[StaffStatusIn, None]) -> web.StreamResponse:
        me = await account_id(call)
        await call.app[QUEUE].set_staff_status(
            call.path_id("booth", "booth.not_found"), me, call.body.status
        )
        return web.Response(status=204)

    @api.route(
        "PUT",
        "/api/booths/{booth}/queue-status",
        operation_id="setBoothStatus",
        summary="Open, pause or close the booth's line (booth staff)",
        body=QueueStatusIn,
        response=None,
        status=204,
        tags=tags,
    )
    async def queue_status(call: Call[QueueStatusIn, None]) -> web.StreamResponse:
        me = await account_id(call)
        await call.app[QUEUE].set_queue_status(
            call.path_id("booth", "booth.not_found"), me, call.body.status
        )
        return web.Response(status=204)

    @api.route(
        "PUT",
        "/api/booths/{booth}/follow-hours",
        operation_id="setFollowHours",
        summary="Open and close the booth's line by its opening hours, or stop (booth staff)",
        body=FollowHoursIn,
        response=None,
        status=204,
        tags=tags,
    )
    async def follow_hours(call: Call[FollowHoursIn, None]) -> web.StreamResponse:
        me = await account_id(call)
        await call.app[QUEUE].set_follow_hours(
            call.path_id("booth", "booth.not_found"), me, call.body.follow_hours
        )
        return web.Response(status=204)


def register_visibility(api: Api) -> None:
    @api.route(
        "PUT",
        "/api/venues/{venue}/queue-visibility",
        operation_id="setQueueVisibility",
        summary="Show or hide places and waits on the venue's booth lines (its admins)",
        body=VisibilityIn,
        response=None,
        status=204,
        tags=("queues",),
    )
    async def set_visibility(call: Call[VisibilityIn, None]) -> web.StreamResponse:
        principal = await principal_of(call.request)
        venue_id = call.path_id("venue", "venue.not_found")
        async with call.app[POOL].acquire() as conn:
            venue = await fairs_store.get_venue(conn, venue_id)
        if venue is None:
            raise Problem("venue.not_found", f"no venue {venue_id}")
        authorize(
            principal,
            Action.UPDATE_VENUE,
            Resource(
                fair_id=venue["fair_id"], venue_id=venue["id"], venue_region=venue["region_code"]
            ),
        )
        await call.app[QUEUE].set_visibility(venue_id, call.body.visibility)
        return web.Response(status=204)


def register_topics(registry: TopicRegistry, queue: Any) -> None:
    """``booth:<id>`` (public) and ``booth:<id>:staff`` (that booth's staff, with presence).

    ``queue`` is a callable returning the QueueService (it exists once the app starts).
    """

    def parse(ident: str) -> tuple[UUID, bool]:
        booth, _, rest = ident.partition(":")
        if rest not in ("", "staff"):
            raise ProtocolError("topic.unknown", f"no such topic booth:{ident}")
        try:
            return UUID(booth), rest == "staff"
        except ValueError:
            raise ProtocolError("topic.unknown", f"no such booth {booth}") from None

    async def authorize(principal: Principal, ident: str) -> bool:
        booth_id, staff = parse(ident)
        if not staff:
            return True
        service: QueueService = queue()
        return await service.staffs(booth_id, principal.account_id)

    async def snapshot(conn: Connection, ident: str, principal: Principal) -> dict[str, Any]:
        booth_id, staff = parse(ident)
        service: QueueService = queue()
        if staff:
            return await service.staff_snapshot(conn, booth_id)
        exists = await conn.fetchval(
            "SELECT 1 FROM booths b LEFT JOIN employers e ON e.id = b.employer_id"
            " WHERE b.id = $1 AND b.status = 'approved'"
            " AND (b.employer_id IS NULL OR e.verified_at IS NOT NULL)",
            booth_id,
        )
        if not exists:
            raise ProtocolError("topic.unknown", f"no booth {booth_id}")
        return await service.snapshot(conn, booth_id)

    async def gone(topic: str, member: str) -> None:
        booth_id, staff = parse(topic.partition(":")[2])
        if not staff:
            return
        try:
            account_id = UUID(member)
        except ValueError:
            return  # an anonymous connection
        service: QueueService = queue()
        try:
            await service.staff_gone(booth_id, account_id)
        except Exception:
            log.exception("marking %s offline at booth %s failed", member, booth_id)

    registry.register(TopicFamily("booth", authorize, snapshot, presence=True, on_gone=gone))


def _member(topic: str, member: str) -> UUID | None:
    """The account of a ``user:<id>`` member (None for anything else)."""
    try:
        account = UUID(member)
    except ValueError:
        return None
    return account if topic == f"user:{account}" else None


def me_hooks(queue: Any) -> dict[str, Any]:
    """``me`` connections coming and going: the queue's reconnect grace and the staff's
    "reconnecting" flag (``queue`` returns the QueueService once the app starts)."""

    async def joined(topic: str, member: str) -> None:
        account = _member(topic, member)
        if account is None:
            return
        try:
            await queue().candidate_back(account)
        except Exception:
            log.exception("recording %s as back failed", member)

    async def gone(topic: str, member: str) -> None:
        account = _member(topic, member)
        if account is None:
            return
        try:
            await queue().candidate_gone(account)
        except Exception:
            log.exception("recording %s as away failed", member)

    return {"on_me_join": joined, "on_me_gone": gone}


def register_timers(timers: TimerRegistry, queue: Any) -> None:
    """The queue's durable timers beyond ring timeouts and get-ready checks."""

    async def grace(conn: Connection, timer: Timer) -> None:
        await queue().on_grace(conn, timer)

    async def day_close(conn: Connection, timer: Timer) -> None:
        await queue().on_day_close(conn, timer)

    async def staff_away(conn: Connection, timer: Timer) -> None:
        await queue().on_staff_away(conn, timer)

    async def hours(conn: Connection, timer: Timer) -> None:
        await queue().on_hours(conn, timer)

    timers.register(GRACE_KIND, grace, late_policy=LatePolicy.FIRE)
    # Late after downtime: the handler sets what the hours say by then.
    timers.register(HOURS_KIND, hours, late_policy=LatePolicy.FIRE)
    timers.register(STAFF_AWAY_KIND, staff_away, late_policy=LatePolicy.FIRE)
    # After downtime the day is still over: expire late rather than never.
    timers.register(
        DAY_CLOSE_KIND, day_close, late_policy=LatePolicy.FIRE, max_lateness=timedelta(days=1)
    )
