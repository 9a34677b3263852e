"""Handoffs, booth lanes and "only handoffs" over HTTP (docs/queues.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from aiohttp import web
from pydantic import Field

from server.api.auth import account_id
from server.api.routing import Api, Call, Model
from server.appkeys import CLOCK, OUTBOX, POOL, QUEUE, TIMERS
from server.domain.jobs import KeyGroup
from server.domain.lanes import MAX_WEIGHT, LaneRatio
from server.services.handoffs import EXPIRE_KIND, HandoffService
from server.store.db import Connection
from server.timers import LatePolicy, Timer

HANDOFFS = web.AppKey("handoffs", HandoffService)
TAGS = ("queues",)


class HandoffIn(Model):
    booth_id: UUID = Field(description="the booth to hand the candidate to (this fair)")
    colleague_id: UUID | None = Field(
        None, description="a colleague on that booth's staff: theirs alone to call for a while"
    )


class Handoff(Model):
    id: UUID
    state: str = Field(description="pending | admitted | declined | expired")
    from_ticket_id: UUID
    from_booth_id: UUID
    to_booth_id: UUID
    candidate_id: UUID
    colleague_id: UUID | None
    ticket_id: UUID | None = Field(description="the ticket in the target line, once admitted")
    created_at: datetime
    expires_at: datetime | None = Field(description="while pending: unanswered, it expires")
    answered_at: datetime | None


class Handoffs(Model):
    items: list[Handoff]


Weight = Annotated[int, Field(ge=1, le=MAX_WEIGHT)]


class Ratio(Model):
    key_group: Weight = 1
    general: Weight = 1


class Lanes(Model):
    key_groups: list[KeyGroup] = Field(
        default_factory=list,
        max_length=len(KeyGroup),
        description="the key groups the key-group lane serves; none: no key-group lane",
    )
    ratio: Ratio = Field(
        default_factory=Ratio, description="key-group tickets called per general ones"
    )


class OnlyHandoffs(Model):
    only_handoffs: bool = Field(
        description="my call-next takes only handoffs and due reservations at this booth"
    )


def register(api: Api) -> None:
    def service(call: Call[Any, Any]) -> HandoffService:
        return call.app[HANDOFFS]

    @api.route(
        "POST",
        "/api/tickets/{ticket}/handoff",
        operation_id="handoffTicket",
        summary="After an interview, hand the candidate to a colleague or another booth of"
        " the fair (booth staff; another employer's booth needs the candidate's accept)",
        body=HandoffIn,
        response=Handoff,
        status=201,
        tags=TAGS,
    )
    async def hand_off(call: Call[HandoffIn, None]) -> Handoff:
        me = await account_id(call)
        ticket = call.path_id("ticket", "ticket.not_found")
        row = await service(call).hand_off(ticket, me, call.body.booth_id, call.body.colleague_id)
        return Handoff.model_validate(row, strict=False)

    answers = {
        "accept": ("acceptHandoff", "Go to the booth I was handed to: into its line, ahead"
                   " of walk-ins"),
        "decline": ("declineHandoff", "Decline a handoff to another employer's booth"),
    }  # fmt: skip

    def answer_route(verb: str) -> None:
        operation_id, summary = answers[verb]

        @api.route(
            "POST",
            f"/api/handoffs/{{handoff}}/{verb}",
            operation_id=operation_id,
            summary=summary,
            response=Handoff,
            tags=TAGS,
        )
        async def answer(call: Call[None, None]) -> Handoff:
            me = await account_id(call)
            handoff = call.path_id("handoff", "handoff.not_found")
            handlers = {"accept": service(call).accept, "decline": service(call).decline}
            return Handoff.model_validate(await handlers[verb](handoff, me), strict=False)

    for verb in answers:
        answer_route(verb)

    @api.route(
        "GET",
        "/api/me/handoffs",
        operation_id="getMyHandoffs",
        summary="Handoffs waiting for my answer",
        response=Handoffs,
        tags=TAGS,
    )
    async def mine(call: Call[None, None]) -> Handoffs:
        me = await account_id(call)
        rows = await service(call).pending_for(me)
        return Handoffs(items=[Handoff.model_validate(r, strict=False) for r in rows])

    @api.route(
        "GET",
        "/api/booths/{booth}/lanes",
        operation_id="getBoothLanes",
        summary="The booth's key-group lane and lane ratio",
        response=Lanes,
        tags=TAGS,
    )
    async def get_lanes(call: Call[None, None]) -> Lanes:
        view = await service(call).lanes(call.path_id("booth", "booth.not_found"))
        return Lanes.model_validate(view, strict=False)

    @api.route(
        "PUT",
        "/api/booths/{booth}/lanes",
        operation_id="setBoothLanes",
        summary="Open, change or close the booth's key-group lane (booth staff)",
        body=Lanes,
        response=Lanes,
        tags=TAGS,
    )
    async def set_lanes(call: Call[Lanes, None]) -> Lanes:
        me = await account_id(call)
        body = call.body
        view = await service(call).set_lanes(
            call.path_id("booth", "booth.not_found"),
            me,
            [g.value for g in body.key_groups],
            LaneRatio(body.ratio.key_group, body.ratio.general),
        )
        return Lanes.model_validate(view, strict=False)

    @api.route(
        "PUT",
        "/api/booths/{booth}/only-handoffs",
        operation_id="setOnlyHandoffs",
        summary="Take only handoffs and due reservations with call-next (my own setting)",
        body=OnlyHandoffs,
        response=None,
        status=204,
        tags=TAGS,
    )
    async def only_handoffs(call: Call[OnlyHandoffs, None]) -> web.StreamResponse:
        me = await account_id(call)
        await service(call).set_only_handoffs(
            call.path_id("booth", "booth.not_found"), me, call.body.only_handoffs
        )
        return web.Response(status=204)


def register_timers(app: web.Application) -> None:
    async def expire(conn: Connection, timer: Timer) -> None:
        await app[HANDOFFS].on_expire(conn, timer)

    # After downtime an unanswered handoff is still unanswered: expire it late.
    app[TIMERS].register(EXPIRE_KIND, expire, late_policy=LatePolicy.FIRE)


async def handoffs_ctx(app: web.Application) -> AsyncIterator[None]:
    """Create the service once the queue's exists (after the realtime context)."""
    app[HANDOFFS] = HandoffService(app[POOL], app[OUTBOX], app[CLOCK], app[QUEUE])
    yield
