"""A live featured session's chat, questions, moderation and statistics.

Every change is one transaction that appends its event to ``session:<id>`` through the
outbox (the seq of a chat message's event is stored with it, so a deletion can redact
it). Rules are in :mod:`server.domain.chat`; SQL in :mod:`server.store.sessions_live`.
Going live and ending are the programme's state changes
(:meth:`scheduler.service.ProgrammeService.go_live`, ``end_broadcast``); this service
adds what follows them: the first viewer peak, and ending the media on every node.

Events on ``session:<id>`` (ids and public fields only; an author's display name is
shown with what they chose to post): ``chat.message``, ``chat.deleted {id, redacts}``,
``chat.muted``/``chat.unmuted``, ``chat.banned``/``chat.unbanned``,
``question.asked``, ``question.voted {id, votes}``, ``question.answered``,
``question.deleted {id, redacts}`` (its author deleted their account).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from server.bus import EventBus
from server.domain import chat
from server.domain.principal import Principal
from server.errors import FieldError, Problem
from server.ids import uuid7
from server.ratelimit import RateLimiter
from server.realtime.outbox import Outbox
from server.realtime.presence import Presence
from server.store import events as events_store
from server.store import programme as programme_store
from server.store import sessions_live as store
from server.store.db import Connection
from server.timers import Clock

log = logging.getLogger(__name__)

MEDIA_END_CHANNEL = "media:end"
"""Bus channel: a session id whose broadcast every node ends (publisher and viewers)."""


def topic(session_id: UUID) -> str:
    return f"session:{session_id}"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def roles_of(row: Mapping[str, Any]) -> chat.SessionRoles:
    return chat.SessionRoles(row["fair_id"], row["venue_id"], frozenset(row["hosts"]))


def message_out(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "session_id": str(row["session_id"]),
        "author_id": None if row["author_id"] is None else str(row["author_id"]),
        "author_name": row["author_name"],
        "text": row["text"],
        "at": row["at"].isoformat(),
    }


def question_out(row: Mapping[str, Any], voted: bool) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "session_id": str(row["session_id"]),
        "author_id": None if row["author_id"] is None else str(row["author_id"]),
        "author_name": row["author_name"],
        "text": row["text"],
        "votes": row["votes"],
        "voted": voted,
        "answered": row["answered_at"] is not None,
        "answered_at": _iso(row["answered_at"]),
        "asked_at": row["asked_at"].isoformat(),
    }


def ordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {r["id"]: r for r in rows}
    ranks = [chat.QuestionRank(r["id"], r["votes"], r["asked_at"]) for r in rows]
    return [by_id[i] for i in chat.question_order(ranks)]


class SessionsLive:
    def __init__(
        self,
        pool: asyncpg.Pool,
        outbox: Outbox,
        clock: Clock,
        limiter: RateLimiter,
        bus: EventBus,
        presence: Presence,
        *,
        public_url: str,
    ) -> None:
        self._pool = pool
        self._outbox = outbox
        self._clock = clock
        self._limiter = limiter
        self._bus = bus
        self._presence = presence
        self.public_url = public_url.rstrip("/")
        self._tasks: set[asyncio.Task[None]] = set()

    # -- the session ------------------------------------------------------------------

    async def _session(
        self, conn: Connection, principal: Principal, session_id: UUID
    ) -> dict[str, Any]:
        """The session, if the principal may see it (published, or one of its moderators)."""
        row = await programme_store.get_session(conn, session_id)
        if row is None or not (
            row["published_at"] is not None or chat.may_moderate(principal, roles_of(row))
        ):
            raise Problem("featured_session.not_found", "no such featured session")
        return row

    def _require_moderator(self, principal: Principal, row: Mapping[str, Any]) -> UUID:
        if principal.account_id is None:
            raise Problem("auth.required", "sign in first")
        if not chat.may_moderate(principal, roles_of(row)):
            raise Problem("auth.forbidden", "only the session's hosts, admins or organisers")
        return principal.account_id

    @staticmethod
    def _require_talking(row: Mapping[str, Any]) -> None:
        if row["state"] not in chat.TALKING_STATES:
            raise Problem(
                "featured_session.wrong_state",
                f"the session is {row['state']}: chat and questions are open in the lobby and live",
                extra={"state": row["state"]},
            )

    async def _restrictions(
        self, conn: Connection, session_id: UUID, account_id: UUID
    ) -> chat.Restrictions:
        rows = await store.restrictions(conn, session_id, account_id)
        return chat.Restrictions.from_rows(rows, self._clock.now())

    def whep_url(self, session_id: UUID) -> str:
        return f"{self.public_url}/api/broadcasts/{session_id}/whep"

    async def public_view(self, conn: Connection, row: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "session_id": str(row["id"]),
            "fair_id": str(row["fair_id"]),
            "venue_id": str(row["venue_id"]),
            "title": row["title"],
            "state": row["state"],
            "starts_at": _iso(row["starts_at"]),
            "ends_at": _iso(row["ends_at"]),
            "live_at": _iso(row["live_at"]),
            "ended_at": _iso(row["ended_at"]),
            "ingest_active": await store.ingest_active(conn, row["id"]),
            "whep_url": self.whep_url(row["id"]),
            "booths": [str(b) for b in row["booths"]],
        }

    async def _me(
        self, conn: Connection, principal: Principal, row: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        if principal.account_id is None:
            return None
        found = await self._restrictions(conn, row["id"], principal.account_id)
        roles = roles_of(row)
        return {
            "account_id": str(principal.account_id),
            "host": chat.is_host(principal, roles),
            "moderator": chat.may_moderate(principal, roles),
            "muted": found.muted,
            "muted_until": _iso(found.muted_until),
            "banned": found.banned,
        }

    async def live_view(self, principal: Principal, session_id: UUID) -> dict[str, Any]:
        async with self._pool.acquire() as conn:
            row = await self._session(conn, principal, session_id)
            return {**await self.public_view(conn, row), "me": await self._me(conn, principal, row)}

    async def visible(self, principal: Principal, session_id: UUID) -> bool:
        async with self._pool.acquire() as conn:
            try:
                await self._session(conn, principal, session_id)
            except Problem:
                return False
            return True

    async def snapshot(
        self, conn: Connection, session_id: UUID, principal: Principal
    ) -> dict[str, Any] | None:
        """The ``session:<id>`` snapshot, read in the gateway's transaction; None if unseen."""
        try:
            row = await self._session(conn, principal, session_id)
        except Problem:
            return None
        messages = await store.recent_messages(conn, session_id, chat.SNAPSHOT_CHAT)
        questions = ordered(await store.questions(conn, session_id))
        me = await self._me(conn, principal, row)
        votes: set[UUID] = set()
        if me is not None and principal.account_id is not None:
            votes = await store.voted(conn, session_id, principal.account_id)
            me["votes"] = sorted(str(v) for v in votes)
        if me is not None and me["moderator"]:
            # Moderators see whom they (or a colleague) muted or banned, to lift it.
            me["restricted"] = [
                {
                    "account_id": str(r["account_id"]),
                    "name": r["name"],
                    "muted": r["muted"],
                    "muted_until": _iso(r["muted_until"]),
                    "banned": r["banned"],
                }
                for r in await store.restricted(conn, session_id, self._clock.now())
            ]
        return {
            "session": await self.public_view(conn, row),
            "chat": [message_out(m) for m in messages],
            "questions": [question_out(q, q["id"] in votes) for q in questions],
            "me": me,
        }

    # -- chat -------------------------------------------------------------------------

    async def _rate(
        self, kind: str, session_id: UUID, account_id: UUID, rule: tuple[int, int]
    ) -> None:
        retry = await self._limiter.hit(f"{kind}:{session_id}:{account_id}", *rule)
        if retry is not None:
            seconds = str(int(retry + 0.999))
            raise Problem(
                "rate.limited",
                f"too many {kind} messages; try again in {seconds} s",
                headers={"Retry-After": seconds},
            )

    async def _author(
        self,
        conn: Connection,
        principal: Principal,
        session_id: UUID,
        kind: str,
        rule: tuple[int, int],
    ) -> UUID:
        """The author's id, if they may post in this session now (``kind``: chat or a
        question) and within ``rule``'s rate."""
        row = await self._session(conn, principal, session_id)
        if principal.account_id is None:
            raise Problem("auth.required", "sign in to take part")
        self._require_talking(row)
        if not chat.may_moderate(principal, roles_of(row)):
            found = await self._restrictions(conn, row["id"], principal.account_id)
            if found.banned:
                raise Problem("session.banned", "you are banned from this session")
            if found.muted:
                raise Problem(
                    "chat.muted",
                    "a moderator muted you in this session",
                    extra={"until": _iso(found.muted_until)},
                )
        await self._rate(kind, session_id, principal.account_id, rule)
        return principal.account_id

    async def _append(
        self, conn: Connection, session_id: UUID, type_: str, data: dict[str, Any]
    ) -> list[events_store.Event]:
        """Append one event to the session's topic, in the caller's transaction."""
        return await self._outbox.append(
            conn, [events_store.NewEvent(topic(session_id), type_, data)]
        )

    @staticmethod
    async def _question(
        conn: Connection, session_id: UUID, question_id: UUID, *, for_update: bool = False
    ) -> dict[str, Any]:
        question = await store.get_question(conn, session_id, question_id, for_update=for_update)
        if question is None:
            raise Problem("question.not_found", "no such question")
        return question

    async def post_message(
        self, principal: Principal, session_id: UUID, text: str
    ) -> dict[str, Any]:
        cleaned = _text(text, chat.CHAT_MAX)
        async with self._pool.acquire() as conn:
            author = await self._author(conn, principal, session_id, "chat", chat.CHAT_RATE)
            async with conn.transaction():
                message = await store.insert_message(
                    conn, uuid7(), session_id, author, cleaned, self._clock.now()
                )
                written = await self._append(conn, session_id, "chat.message", message_out(message))
                await store.set_message_seq(conn, message["id"], written[0].seq)
        await self._outbox.publish(written)
        return message

    async def list_messages(
        self, principal: Principal, session_id: UUID, before: UUID | None, limit: int
    ) -> list[dict[str, Any]]:
        async with self._pool.acquire() as conn:
            await self._session(conn, principal, session_id)
            return await store.recent_messages(conn, session_id, limit, before)

    async def delete_message(
        self, principal: Principal, session_id: UUID, message_id: UUID
    ) -> None:
        """Delete and redact: the stored event keeps only the message's id."""
        written: list[events_store.Event] = []
        async with self._pool.acquire() as conn:
            row = await self._session(conn, principal, session_id)
            moderator = self._require_moderator(principal, row)
            async with conn.transaction():
                message = await store.get_message(conn, session_id, message_id, for_update=True)
                if message is None:
                    raise Problem("chat.message_not_found", "no such chat message")
                if message["deleted_at"] is not None:
                    return  # deleted already: nothing more to do
                await store.mark_deleted(conn, message_id, moderator, self._clock.now())
                data: dict[str, Any] = {"id": str(message_id)}
                seq = message["event_seq"]
                if seq is not None:
                    await events_store.redact(conn, topic(session_id), seq)
                    data[events_store.REDACTS] = seq
                written = await self._append(conn, session_id, "chat.deleted", data)
        await self._outbox.publish(written)

    async def erase_author(self, conn: Connection, account_id: UUID) -> list[events_store.Event]:
        """Inside an account deletion's transaction: what the account wrote in sessions'
        chats and Q&A goes — messages deleted, questions removed — and their stored events
        are redacted, as a moderator's deletion does (``chat.deleted``, ``question.deleted``
        with ``redacts``). Returns the events to publish once the caller commits."""
        messages, questions = await store.erase_author(conn, account_id, self._clock.now())
        new: list[events_store.NewEvent] = []
        for message in messages:
            data: dict[str, Any] = {"id": str(message["id"])}
            seq = message["event_seq"]
            if seq is not None and await events_store.redact(
                conn, topic(message["session_id"]), seq
            ):
                data[events_store.REDACTS] = seq
            new.append(events_store.NewEvent(topic(message["session_id"]), "chat.deleted", data))
        for question in questions:
            where = topic(question["session_id"])
            data = {"id": str(question["id"])}
            asked = await store.question_seq(conn, where, question["id"])
            if asked is not None and await events_store.redact(conn, where, asked):
                data[events_store.REDACTS] = asked
            new.append(events_store.NewEvent(where, "question.deleted", data))
        return await self._outbox.append(conn, new) if new else []

    # -- moderation -------------------------------------------------------------------

    async def restrict(
        self,
        principal: Principal,
        session_id: UUID,
        account_id: UUID,
        kind: chat.RestrictionKind,
        minutes: int | None = None,
    ) -> dict[str, Any]:
        now = self._clock.now()
        until = chat.mute_until(now, minutes) if kind is chat.RestrictionKind.MUTE else None
        async with self._pool.acquire() as conn:
            row = await self._session(conn, principal, session_id)
            moderator = self._require_moderator(principal, row)
            if not await store.account_exists(conn, account_id):
                raise _invalid("/account_id", "account.not_found", "no such account")
            if await store.moderates(
                conn, account_id, row["fair_id"], row["venue_id"], list(row["hosts"])
            ):
                raise _invalid(
                    "/account_id", "moderation.moderator", "moderators cannot be restricted"
                )
            async with conn.transaction():
                await store.put_restriction(
                    conn, session_id, account_id, kind.value, until, moderator, now
                )
                data: dict[str, Any] = {"account_id": str(account_id)}
                if kind is chat.RestrictionKind.MUTE:
                    data["until"] = _iso(until)
                written = await self._append(conn, session_id, f"chat.{kind.past}", data)
        await self._outbox.publish(written)
        return {"account_id": account_id, "kind": kind.value, "until": until}

    async def lift(
        self, principal: Principal, session_id: UUID, account_id: UUID, kind: chat.RestrictionKind
    ) -> None:
        written: list[events_store.Event] = []
        async with self._pool.acquire() as conn:
            row = await self._session(conn, principal, session_id)
            self._require_moderator(principal, row)
            async with conn.transaction():
                if await store.delete_restriction(conn, session_id, account_id, kind.value):
                    written = await self._append(
                        conn, session_id, f"chat.un{kind.past}", {"account_id": str(account_id)}
                    )
        await self._outbox.publish(written)

    # -- questions --------------------------------------------------------------------

    async def ask(self, principal: Principal, session_id: UUID, text: str) -> dict[str, Any]:
        cleaned = _text(text, chat.QUESTION_MAX)
        async with self._pool.acquire() as conn:
            author = await self._author(conn, principal, session_id, "question", chat.QUESTION_RATE)
            async with conn.transaction():
                question = await store.insert_question(
                    conn, uuid7(), session_id, author, cleaned, self._clock.now()
                )
                written = await self._append(
                    conn, session_id, "question.asked", question_out(question, False)
                )
        await self._outbox.publish(written)
        return question_out(question, False)

    async def list_questions(self, principal: Principal, session_id: UUID) -> list[dict[str, Any]]:
        async with self._pool.acquire() as conn:
            await self._session(conn, principal, session_id)
            rows = ordered(await store.questions(conn, session_id))
            votes: set[UUID] = set()
            if principal.account_id is not None:
                votes = await store.voted(conn, session_id, principal.account_id)
        return [question_out(r, r["id"] in votes) for r in rows]

    async def vote(
        self, principal: Principal, session_id: UUID, question_id: UUID
    ) -> dict[str, Any]:
        """One vote per account: a second one answers the same and emits nothing."""
        if principal.account_id is None:
            raise Problem("auth.required", "sign in to vote")
        voter = principal.account_id
        written: list[events_store.Event] = []
        async with self._pool.acquire() as conn:
            row = await self._session(conn, principal, session_id)
            self._require_talking(row)
            found = await self._restrictions(conn, session_id, voter)
            if found.banned and not chat.may_moderate(principal, roles_of(row)):
                raise Problem("session.banned", "you are banned from this session")
            async with conn.transaction():
                question = await self._question(conn, session_id, question_id, for_update=True)
                if await store.add_vote(conn, question_id, voter, self._clock.now()):
                    question = await self._question(conn, session_id, question_id)
                    written = await self._append(
                        conn,
                        session_id,
                        "question.voted",
                        {"id": str(question_id), "votes": question["votes"]},
                    )
        await self._outbox.publish(written)
        return question_out(question, True)

    async def answer(
        self, principal: Principal, session_id: UUID, question_id: UUID
    ) -> dict[str, Any]:
        written: list[events_store.Event] = []
        async with self._pool.acquire() as conn:
            row = await self._session(conn, principal, session_id)
            moderator = self._require_moderator(principal, row)
            async with conn.transaction():
                question = await self._question(conn, session_id, question_id, for_update=True)
                now = self._clock.now()
                if await store.mark_answered(conn, question_id, moderator, now):
                    question = await self._question(conn, session_id, question_id)
                    written = await self._append(
                        conn,
                        session_id,
                        "question.answered",
                        {"id": str(question_id), "answered_at": now.isoformat()},
                    )
                voted = question_id in await store.voted(conn, session_id, moderator)
        await self._outbox.publish(written)
        return question_out(question, voted)

    # -- statistics -------------------------------------------------------------------

    async def record_viewing(self, principal: Principal, session_id: UUID, browser: str) -> None:
        """A viewer page's heartbeat: counts a unique viewer and adds watch time."""
        async with self._pool.acquire() as conn:
            row = await self._session(conn, principal, session_id)
            if row["state"] != "live":
                raise Problem(
                    "featured_session.wrong_state",
                    "viewings are counted while the session is live",
                    extra={"state": row["state"]},
                )
            account = principal.account_id
            viewer = f"a:{account}" if account is not None else f"b:{browser}"
            await store.record_viewing(
                conn,
                session_id,
                viewer,
                account,
                self._clock.now(),
                int(chat.HEARTBEAT_CAP.total_seconds()),
            )

    async def stats(self, principal: Principal, session_id: UUID) -> dict[str, Any]:
        async with self._pool.acquire() as conn:
            row = await self._session(conn, principal, session_id)
            self._require_moderator(principal, row)
            figures = await store.stats(conn, session_id)
        return {
            "session_id": session_id,
            "state": row["state"],
            "live_at": row["live_at"],
            "ended_at": row["ended_at"],
            "peak_viewers": figures["peak"],
            "unique_viewers": figures["unique_viewers"],
            "signed_in_viewers": figures["signed_in"],
            "anonymous_viewers": figures["unique_viewers"] - figures["signed_in"],
            "watch_seconds": int(figures["watch_seconds"]),
            "messages": figures["messages"],
            "questions": figures["questions"],
            "final": row["state"] == "ended",
        }

    def viewers_counted(self, stored_topic: str, count: int) -> None:
        """The presence total of ``session:<id>`` changed: keep the peak while live."""
        try:
            session_id = UUID(stored_topic.partition(":")[2])
        except ValueError:
            return
        if count > 0:
            self._spawn(self._raise_peak(session_id, count))

    async def went_live(self, session_id: UUID) -> None:
        """Right after going live: the viewers already waiting are the first peak."""
        await self._raise_peak(session_id, self._presence.count(topic(session_id)))

    async def _raise_peak(self, session_id: UUID, count: int) -> None:
        if count <= 0:
            return
        async with self._pool.acquire() as conn:
            await store.raise_peak(conn, session_id, count, self._clock.now())

    async def end_media(self, session_id: UUID) -> None:
        """Ask every node to end the session's broadcast (publisher and viewers)."""
        await self._bus.publish(MEDIA_END_CHANNEL, str(session_id).encode())

    # -- background -------------------------------------------------------------------

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("session statistics task failed", exc_info=task.exception())

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _invalid(pointer: str, code: str, message: str) -> Problem:
    return Problem(
        "request.invalid", "some fields are invalid", errors=[FieldError(pointer, code, message)]
    )


def _text(text: str, limit: int) -> str:
    cleaned = chat.clean_text(text)
    if not cleaned:
        raise _invalid("/text", "text.empty", "the text is empty")
    if len(cleaned) > limit:
        raise _invalid("/text", "text.too_long", f"at most {limit} characters")
    return cleaned
