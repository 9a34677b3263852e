"""Featured sessions live over HTTP, and the ``session:<id>`` topic (docs/sessions-live.md).

Going live and ending are the programme's state changes (``ProgrammeService.go_live``
and ``end_broadcast``); chat, questions, moderation and statistics are
:class:`server.services.sessions_live.SessionsLive`. A session's broadcast has the
session's id, so its WHIP and WHEP URLs are ``/api/broadcasts/<session id>/whip|whep``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from uuid import UUID

from aiohttp import web
from pydantic import Field

from server.api import broadcast
from server.api.auth import principal_of, signed_in
from server.api.programme import PROGRAMME
from server.api.routing import Api, Call, Model, Query
from server.appkeys import BUS, CLOCK, GATEWAY, OUTBOX, POOL, RATE_LIMITER, SETTINGS
from server.domain import chat
from server.domain.principal import Principal
from server.errors import Problem
from server.realtime.protocol import ProtocolError
from server.realtime.topics import TopicFamily, TopicRegistry
from server.services.sessions_live import MEDIA_END_CHANNEL, SessionsLive
from server.store import programme as programme_store
from server.store import sessions_live as store
from server.store.db import Connection

log = logging.getLogger(__name__)

SESSIONS_LIVE = web.AppKey("sessions_live", SessionsLive)
TAGS = ("sessions-live",)
BASE = "/api/featured-sessions/{session}"


class Empty(Model):
    """An empty object (``{}``)."""


class LiveMe(Model):
    account_id: UUID
    host: bool
    moderator: bool
    muted: bool
    muted_until: datetime | None
    banned: bool


class SessionLive(Model):
    session_id: UUID
    fair_id: UUID
    venue_id: UUID
    title: str
    state: str
    starts_at: datetime | None
    ends_at: datetime | None
    live_at: datetime | None
    ended_at: datetime | None
    ingest_active: bool = Field(description="A WHIP publisher is connected (on some node).")
    whep_url: str
    booths: list[UUID]
    me: LiveMe | None


class Ingest(Model):
    broadcast_id: UUID
    whip_url: str
    whep_url: str
    ingest_token: str = Field(description="Shown once: only its SHA-256 is stored.")
    ingest_token_expires_at: datetime


class TextIn(Model):
    text: str = Field(min_length=1, max_length=4000, description="Trimmed, then checked.")


class ChatMessage(Model):
    id: UUID
    session_id: UUID
    author_id: UUID | None
    author_name: str
    text: str
    at: datetime


class ChatMessages(Model):
    items: list[ChatMessage]


class ChatQuery(Query):
    before: UUID | None = None
    limit: int = Field(default=chat.SNAPSHOT_CHAT, ge=1, le=200)


class MuteIn(Model):
    account_id: UUID
    minutes: int | None = Field(default=None, ge=1, le=1440)


class BanIn(Model):
    account_id: UUID


class Restriction(Model):
    account_id: UUID
    kind: str
    until: datetime | None


class Question(Model):
    id: UUID
    session_id: UUID
    author_id: UUID | None
    author_name: str
    text: str
    votes: int
    voted: bool
    answered: bool
    answered_at: datetime | None
    asked_at: datetime


class Questions(Model):
    items: list[Question]


class ViewingIn(Model):
    viewer: str = Field(
        pattern=r"^[A-Za-z0-9_-]{16,64}$",
        description="A random id this browser keeps (localStorage); accounts count by account.",
    )


class SessionStats(Model):
    session_id: UUID
    state: str
    live_at: datetime | None
    ended_at: datetime | None
    peak_viewers: int
    unique_viewers: int
    signed_in_viewers: int
    anonymous_viewers: int
    watch_seconds: int
    messages: int
    questions: int
    final: bool


def _message(row: dict[str, Any]) -> ChatMessage:
    return ChatMessage(
        id=row["id"],
        session_id=row["session_id"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        text=row["text"],
        at=row["at"],
    )


def _question(data: dict[str, Any]) -> Question:
    return Question.model_validate(data, strict=False)


def register(api: Api) -> None:
    def service(call: Call[Any, Any]) -> SessionsLive:
        return call.app[SESSIONS_LIVE]

    def session_id(call: Call[Any, Any]) -> UUID:
        return call.path_id("session", "featured_session.not_found")

    async def view(call: Call[Any, Any], principal: Principal) -> SessionLive:
        data = await service(call).live_view(principal, session_id(call))
        return SessionLive.model_validate(data, strict=False)

    @api.route(
        "GET",
        f"{BASE}/live",
        operation_id="getSessionLive",
        summary="A session's live state, its WHEP URL and what the caller may do there",
        response=SessionLive,
        tags=TAGS,
    )
    async def get_live(call: Call[None, None]) -> SessionLive:
        return await view(call, await principal_of(call.request))

    @api.route(
        "POST",
        f"{BASE}/ingest",
        operation_id="issueSessionIngest",
        summary="A WHIP URL and a new ingest token for the session (hosts; the old one stops)",
        body=Empty,
        response=Ingest,
        status=201,
        tags=TAGS,
    )
    async def issue_ingest(call: Call[Empty, None]) -> Ingest:
        principal = await signed_in(call)
        ident = session_id(call)
        async with call.app[POOL].acquire() as conn, conn.transaction():
            row = await programme_store.get_session(conn, ident, for_update=True)
            if row is None or not (
                row["published_at"] is not None or chat.may_moderate(principal, chat_roles(row))
            ):
                raise Problem("featured_session.not_found", "no such featured session")
            if not chat.is_host(principal, chat_roles(row)):
                raise Problem("auth.forbidden", "only the session's hosts publish")
            if row["state"] not in ("scheduled", "lobby", "live"):
                raise Problem(
                    "featured_session.wrong_state",
                    f"a {row['state']} session takes no broadcast",
                    extra={"state": row["state"]},
                )
            await store.ensure_broadcast(
                conn, ident, row["fair_id"], row["title"], row["starts_at"], row["ends_at"]
            )
            token, expires_at = await broadcast.new_ingest_token(
                call.app, conn, ident, row["ends_at"]
            )
        base = call.app[SETTINGS].public_url
        return Ingest(
            broadcast_id=ident,
            whip_url=f"{base}/api/broadcasts/{ident}/whip",
            whep_url=f"{base}/api/broadcasts/{ident}/whep",
            ingest_token=token,
            ingest_token_expires_at=expires_at,
        )

    @api.route(
        "POST",
        f"{BASE}/go-live",
        operation_id="goLive",
        summary="Go live from the lobby (hosts; needs an active WHIP publisher)",
        body=Empty,
        response=SessionLive,
        tags=TAGS,
    )
    async def go_live(call: Call[Empty, None]) -> SessionLive:
        principal = await signed_in(call)
        ident = session_id(call)

        async def ingest_active(conn: Connection) -> bool:
            return await store.ingest_active(conn, ident)

        await call.app[PROGRAMME].go_live(principal, ident, ingest_active)
        await service(call).went_live(ident)
        return await view(call, principal)

    @api.route(
        "POST",
        f"{BASE}/end",
        operation_id="endBroadcast",
        summary="End the session; publisher and viewers are cut (hosts, admins, organisers)",
        body=Empty,
        response=SessionLive,
        tags=TAGS,
    )
    async def end(call: Call[Empty, None]) -> SessionLive:
        principal = await signed_in(call)
        ident = session_id(call)
        await call.app[PROGRAMME].end_broadcast(principal, ident)
        await service(call).end_media(ident)
        return await view(call, principal)

    @api.route(
        "POST",
        f"{BASE}/chat",
        operation_id="postChatMessage",
        summary="Say something in the session's chat (≤ 500 characters, 1 per 2 s)",
        body=TextIn,
        response=ChatMessage,
        status=201,
        tags=TAGS,
    )
    async def post_chat(call: Call[TextIn, None]) -> ChatMessage:
        principal = await signed_in(call)
        row = await service(call).post_message(principal, session_id(call), call.body.text)
        return _message(row)

    @api.route(
        "GET",
        f"{BASE}/chat",
        operation_id="listChatMessages",
        summary="Recent chat messages, oldest first (before a message id for older ones)",
        query=ChatQuery,
        response=ChatMessages,
        tags=TAGS,
    )
    async def list_chat(call: Call[None, ChatQuery]) -> ChatMessages:
        principal = await principal_of(call.request)
        rows = await service(call).list_messages(
            principal, session_id(call), call.query.before, call.query.limit
        )
        return ChatMessages(items=[_message(r) for r in rows])

    @api.route(
        "DELETE",
        f"{BASE}/chat/{{message}}",
        operation_id="deleteChatMessage",
        summary="Delete a chat message; its stored event is redacted (moderators)",
        response=None,
        status=204,
        tags=TAGS,
    )
    async def delete_chat(call: Call[None, None]) -> web.StreamResponse:
        principal = await signed_in(call)
        message = call.path_id("message", "chat.message_not_found")
        await service(call).delete_message(principal, session_id(call), message)
        return web.Response(status=204)

    @api.route(
        "POST",
        f"{BASE}/mutes",
        operation_id="muteUser",
        summary="Mute an account in this session, for some minutes or all of it (moderators)",
        body=MuteIn,
        response=Restriction,
        status=201,
        tags=TAGS,
    )
    async def mute(call: Call[MuteIn, None]) -> Restriction:
        principal = await signed_in(call)
        done = await service(call).restrict(
            principal,
            session_id(call),
            call.body.account_id,
            chat.RestrictionKind.MUTE,
            call.body.minutes,
        )
        return Restriction.model_validate(done, strict=False)

    @api.route(
        "DELETE",
        f"{BASE}/mutes/{{account}}",
        operation_id="unmuteUser",
        summary="Lift a mute (moderators)",
        response=None,
        status=204,
        tags=TAGS,
    )
    async def unmute(call: Call[None, None]) -> web.StreamResponse:
        principal = await signed_in(call)
        account = call.path_id("account", "account.not_found")
        await service(call).lift(principal, session_id(call), account, chat.RestrictionKind.MUTE)
        return web.Response(status=204)

    @api.route(
        "POST",
        f"{BASE}/bans",
        operation_id="banUser",
        summary="Ban an account from chat, questions and votes in this session (moderators)",
        body=BanIn,
        response=Restriction,
        status=201,
        tags=TAGS,
    )
    async def ban(call: Call[BanIn, None]) -> Restriction:
        principal = await signed_in(call)
        done = await service(call).restrict(
            principal, session_id(call), call.body.account_id, chat.RestrictionKind.BAN
        )
        return Restriction.model_validate(done, strict=False)

    @api.route(
        "DELETE",
        f"{BASE}/bans/{{account}}",
        operation_id="unbanUser",
        summary="Lift a ban (moderators)",
        response=None,
        status=204,
        tags=TAGS,
    )
    async def unban(call: Call[None, None]) -> web.StreamResponse:
        principal = await signed_in(call)
        account = call.path_id("account", "account.not_found")
        await service(call).lift(principal, session_id(call), account, chat.RestrictionKind.BAN)
        return web.Response(status=204)

    @api.route(
        "POST",
        f"{BASE}/questions",
        operation_id="askQuestion",
        summary="Ask the hosts a question (≤ 300 characters)",
        body=TextIn,
        response=Question,
        status=201,
        tags=TAGS,
    )
    async def ask(call: Call[TextIn, None]) -> Question:
        principal = await signed_in(call)
        return _question(await service(call).ask(principal, session_id(call), call.body.text))

    @api.route(
        "GET",
        f"{BASE}/questions",
        operation_id="listQuestions",
        summary="The session's questions: most votes first, then the earliest",
        response=Questions,
        tags=TAGS,
    )
    async def list_questions(call: Call[None, None]) -> Questions:
        principal = await principal_of(call.request)
        items = await service(call).list_questions(principal, session_id(call))
        return Questions(items=[_question(q) for q in items])

    @api.route(
        "PUT",
        f"{BASE}/questions/{{question}}/vote",
        operation_id="upvoteQuestion",
        summary="Vote for a question (one vote per account; a second changes nothing)",
        response=Question,
        tags=TAGS,
    )
    async def vote(call: Call[None, None]) -> Question:
        principal = await signed_in(call)
        question = call.path_id("question", "question.not_found")
        return _question(await service(call).vote(principal, session_id(call), question))

    @api.route(
        "POST",
        f"{BASE}/questions/{{question}}/answer",
        operation_id="answerQuestion",
        summary="Mark a question answered (moderators)",
        body=Empty,
        response=Question,
        tags=TAGS,
    )
    async def answer(call: Call[Empty, None]) -> Question:
        principal = await signed_in(call)
        question = call.path_id("question", "question.not_found")
        return _question(await service(call).answer(principal, session_id(call), question))

    @api.route(
        "POST",
        f"{BASE}/views",
        operation_id="recordViewing",
        summary="A viewer page's heartbeat while it plays (unique viewers, watch time)",
        body=ViewingIn,
        response=None,
        status=204,
        tags=TAGS,
    )
    async def views(call: Call[ViewingIn, None]) -> web.StreamResponse:
        principal = await principal_of(call.request)
        await service(call).record_viewing(principal, session_id(call), call.body.viewer)
        return web.Response(status=204)

    @api.route(
        "GET",
        f"{BASE}/stats",
        operation_id="getSessionStats",
        summary="Peak and unique viewers, watch time, messages, questions (moderators)",
        response=SessionStats,
        tags=TAGS,
    )
    async def stats(call: Call[None, None]) -> SessionStats:
        principal = await signed_in(call)
        figures = await service(call).stats(principal, session_id(call))
        return SessionStats.model_validate(figures, strict=False)


def chat_roles(row: dict[str, Any]) -> chat.SessionRoles:
    return chat.SessionRoles(row["fair_id"], row["venue_id"], frozenset(row["hosts"]))


def register_topics(registry: TopicRegistry, live: Any) -> None:
    """``session:<id>``: anyone may follow a published session; its presence is the
    viewer count. ``live`` returns the SessionsLive service (it exists once the app runs)."""

    def parse(ident: str) -> UUID:
        try:
            return UUID(ident)
        except ValueError:
            raise ProtocolError("topic.unknown", f"no such session {ident}") from None

    async def authorize(principal: Principal, ident: str) -> bool:
        service: SessionsLive = live()
        if not await service.visible(principal, parse(ident)):
            raise ProtocolError("topic.unknown", f"no session {ident}")
        return True

    async def snapshot(conn: Connection, ident: str, principal: Principal) -> dict[str, Any]:
        service: SessionsLive = live()
        data = await service.snapshot(conn, parse(ident), principal)
        if data is None:
            raise ProtocolError("topic.unknown", f"no session {ident}")
        return data

    def counted(topic: str, count: int) -> None:
        service: SessionsLive = live()
        service.viewers_counted(topic, count)

    registry.register(TopicFamily("session", authorize, snapshot, presence=True, on_count=counted))


async def sessions_live_ctx(app: web.Application) -> AsyncIterator[None]:
    """Create the service (after the realtime context) and end broadcasts on request."""
    service = SessionsLive(
        app[POOL],
        app[OUTBOX],
        app[CLOCK],
        app[RATE_LIMITER],
        app[BUS],
        app[GATEWAY].presence,
        public_url=app[SETTINGS].public_url,
    )
    app[SESSIONS_LIVE] = service
    pending: set[asyncio.Task[None]] = set()

    def end_here(_channel: str, message: bytes) -> None:
        edge = app.get(broadcast.MEDIA_EDGE)
        if edge is None:
            return
        task = asyncio.get_running_loop().create_task(edge.end(message.decode()))
        pending.add(task)
        task.add_done_callback(pending.discard)

    stop = await app[BUS].subscribe(MEDIA_END_CHANNEL, end_here)
    try:
        yield
    finally:
        stop()
        await asyncio.gather(*pending, return_exceptions=True)
        await service.close()
