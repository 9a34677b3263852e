"""Interviews over HTTP, the ``interview:<id>`` topic, and the ``signal`` op's wiring.

The contract is docs/interviews.md. Every route is for the interview's members only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from aiohttp import web
from pydantic import Field, field_validator

from server.api.auth import account_id
from server.api.routing import Api, Call, Model
from server.appkeys import BUS, CLOCK, GATEWAY, OUTBOX, POOL, QUEUE, SETTINGS, TOPICS
from server.domain.interviews import MAX_EXTENSION_MINUTES, OutcomeKind
from server.domain.principal import Principal
from server.realtime.protocol import ProtocolError
from server.realtime.rooms import RoomRelay
from server.realtime.topics import TopicFamily
from server.services.interviews import InterviewService
from server.store.db import Connection

INTERVIEWS = web.AppKey("interviews", InterviewService)
ROOMS = web.AppKey("interview_rooms", RoomRelay)

Role = Literal["candidate", "recruiter", "co_interviewer"]


class You(Model):
    account_id: UUID
    role: Role


class Member(Model):
    account_id: UUID
    role: Role
    display_name: str


class Attendee(Model):
    account_id: UUID
    role: Role
    joined_at: datetime


class ChatMessage(Model):
    id: UUID
    author_id: UUID | None
    role: Role
    text: str
    at: datetime


class ChatList(Model):
    items: list[ChatMessage]


class CandidateCard(Model):
    """Who the candidate is, for the interviewers: the profile, resumes and shared
    assessment come from getCandidate, whose every read is in the candidate's audit log."""

    account_id: UUID
    name: str = Field(description="the account's display name")


class Interview(Model):
    id: UUID
    ticket_id: UUID
    booth_id: UUID
    fair_id: UUID
    state: Literal["live", "ended", "recorded"]
    started_at: datetime
    ended_at: datetime | None
    duration_s: int | None
    slot_minutes: int
    ends_at: datetime
    you: You
    members: list[Member]
    attendees: list[Attendee]
    outcome: OutcomeKind | None
    outcome_correctable_until: datetime | None = Field(
        description="interviewers only: until when correctInterviewOutcome is allowed"
    )
    notes: str
    candidate: CandidateCard | None  # interviewers only
    chat: list[ChatMessage]


class IceServer(Model):
    urls: list[str]
    username: str | None = None
    credential: str | None = None


class IceServers(Model):
    ice_servers: list[IceServer]
    expires_at: datetime


class OutcomeIn(Model):
    outcome: OutcomeKind
    notes: str = Field(default="", max_length=4000)


class OutcomeCorrectionIn(Model):
    outcome: OutcomeKind
    notes: str | None = Field(default=None, max_length=4000, description="omitted: kept")


class CoInterviewerIn(Model):
    account_id: UUID


class ChatIn(Model):
    text: str = Field(min_length=1, max_length=2000)

    @field_validator("text")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("the message is empty")
        return value


class ExtendIn(Model):
    minutes: int = Field(ge=1, le=MAX_EXTENSION_MINUTES)


class BoothName(Model):
    """What names a booth: its title, else its employer's name, else its kind."""

    id: UUID
    title: str | None
    kind: str
    employer_name: str | None


class AwaitingCandidate(Model):
    account_id: UUID | None
    name: str


class AwaitingInterview(Model):
    id: UUID
    booth: BoothName
    candidate: AwaitingCandidate
    started_at: datetime
    ended_at: datetime


class AwaitingList(Model):
    items: list[AwaitingInterview]


def _interview(view: dict[str, Any]) -> Interview:
    return Interview.model_validate(view, strict=False)


def register(api: Api) -> None:
    tags = ("interviews",)

    def ident(call: Call[Any, Any]) -> UUID:
        return call.path_id("interview", "interview.not_found")

    @api.route(
        "GET",
        "/api/me/interviews/awaiting-outcome",
        operation_id="listMyInterviewsAwaitingOutcome",
        summary="The interviews I conducted that ended without an outcome (latest first,"
        " at most 50): the candidate left, or the console completed them",
        response=AwaitingList,
        tags=tags,
    )
    async def awaiting_outcome(call: Call[None, None]) -> AwaitingList:
        me = await account_id(call)
        rows = await call.app[INTERVIEWS].awaiting_outcome(me)
        return AwaitingList.model_validate({"items": rows}, strict=False)

    @api.route(
        "GET",
        "/api/interviews/{interview}",
        operation_id="getInterview",
        summary="An interview: members, times, countdown, chat; notes for the interviewers",
        response=Interview,
        tags=tags,
    )
    async def get_interview(call: Call[None, None]) -> Interview:
        me = await account_id(call)
        return _interview(await call.app[INTERVIEWS].get(ident(call), me))

    @api.route(
        "GET",
        "/api/interviews/{interview}/ice-servers",
        operation_id="getIceServers",
        summary="STUN/TURN servers with time-limited TURN credentials (members, live only)",
        response=IceServers,
        tags=tags,
    )
    async def get_ice_servers(call: Call[None, None]) -> web.StreamResponse:
        me = await account_id(call)
        found = await call.app[INTERVIEWS].ice_servers(ident(call), me)
        servers = IceServers.model_validate(found, strict=False)
        # A STUN entry has no username/credential at all: hand the list to
        # RTCPeerConnection as is, without nulls.
        return web.Response(
            body=servers.model_dump_json(exclude_none=True), content_type="application/json"
        )

    @api.route(
        "POST",
        "/api/interviews/{interview}/end",
        operation_id="endInterview",
        summary="End the call for everyone (the ticket waits for the outcome)",
        response=Interview,
        tags=tags,
    )
    async def end_interview(call: Call[None, None]) -> Interview:
        me = await account_id(call)
        return _interview(await call.app[INTERVIEWS].end(ident(call), me))

    @api.route(
        "POST",
        "/api/interviews/{interview}/outcome",
        operation_id="recordInterviewOutcome",
        summary="Record the outcome and notes; the ticket is done (interviewers)",
        body=OutcomeIn,
        response=Interview,
        tags=tags,
    )
    async def record_outcome(call: Call[OutcomeIn, None]) -> Interview:
        me = await account_id(call)
        view = await call.app[INTERVIEWS].record_outcome(
            ident(call), me, call.body.outcome, call.body.notes
        )
        return _interview(view)

    @api.route(
        "PATCH",
        "/api/interviews/{interview}/outcome",
        operation_id="correctInterviewOutcome",
        summary="Correct a recorded outcome (and notes) for a while afterwards (interviewers)",
        body=OutcomeCorrectionIn,
        response=Interview,
        tags=tags,
    )
    async def correct_outcome(call: Call[OutcomeCorrectionIn, None]) -> Interview:
        me = await account_id(call)
        view = await call.app[INTERVIEWS].correct_outcome(
            ident(call), me, call.body.outcome, call.body.notes
        )
        return _interview(view)

    @api.route(
        "POST",
        "/api/interviews/{interview}/co-interviewers",
        operation_id="addCoInterviewer",
        summary="Add one more interviewer from this booth's staff (the recruiter)",
        body=CoInterviewerIn,
        response=Interview,
        tags=tags,
    )
    async def add_co_interviewer(call: Call[CoInterviewerIn, None]) -> Interview:
        me = await account_id(call)
        view = await call.app[INTERVIEWS].add_co_interviewer(ident(call), me, call.body.account_id)
        return _interview(view)

    @api.route(
        "POST",
        "/api/interviews/{interview}/extend",
        operation_id="extendInterview",
        summary="Give the interview more minutes (interviewers)",
        body=ExtendIn,
        response=Interview,
        tags=tags,
    )
    async def extend_interview(call: Call[ExtendIn, None]) -> Interview:
        me = await account_id(call)
        view = await call.app[INTERVIEWS].extend(ident(call), me, call.body.minutes)
        return _interview(view)

    @api.route(
        "POST",
        "/api/interviews/{interview}/chat",
        operation_id="postInterviewChat",
        summary="Write in the interview's chat (kept with the record)",
        body=ChatIn,
        response=ChatMessage,
        status=201,
        tags=tags,
    )
    async def post_chat(call: Call[ChatIn, None]) -> ChatMessage:
        me = await account_id(call)
        message = await call.app[INTERVIEWS].post_chat(ident(call), me, call.body.text)
        return ChatMessage.model_validate(message, strict=False)

    @api.route(
        "GET",
        "/api/interviews/{interview}/chat",
        operation_id="listInterviewChat",
        summary="The interview's whole chat, oldest first",
        response=ChatList,
        tags=tags,
    )
    async def list_chat(call: Call[None, None]) -> ChatList:
        me = await account_id(call)
        items = await call.app[INTERVIEWS].chat(ident(call), me)
        return ChatList.model_validate({"items": items}, strict=False)


def setup(app: web.Application) -> None:
    """The ``interview`` topic family now; the service and the room relay with the app."""

    def service() -> InterviewService:
        return app[INTERVIEWS]

    async def authorize(principal: Principal, ident: str) -> bool:
        return await service().may_follow(ident, principal.account_id)

    async def snapshot(conn: Connection, ident: str, principal: Principal) -> dict[str, Any]:
        assert principal.account_id is not None
        try:
            view = await service().snapshot(conn, ident, principal.account_id)
        except ValueError:
            raise ProtocolError("topic.unknown", f"no interview {ident}") from None
        return _interview(view).model_dump(mode="json")

    app[TOPICS].register(TopicFamily("interview", authorize, snapshot))
    app.cleanup_ctx.append(_interviews)


async def _interviews(app: web.Application) -> AsyncIterator[None]:
    service = InterviewService(app[POOL], app[OUTBOX], app[CLOCK], app[QUEUE], app[SETTINGS])
    relay = RoomRelay(app[BUS], service.admit)
    service.on_end = relay.end
    app[INTERVIEWS] = service
    app[ROOMS] = relay
    gateway = app[GATEWAY]
    gateway.signal_handler = relay.handle
    gateway.signal_gone = relay.gone
    try:
        yield
    finally:
        gateway.signal_handler = None
        gateway.signal_gone = None
        await relay.close()
