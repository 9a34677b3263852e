"""Interviews: the record of an accepted call, who may take part, and its end.

The record's id is the ticket's id; it opens on first use once the candidate accepted
(so nothing in the queue's accept path changes). Recording an outcome closes the ticket
(``done``) in the same transaction, through :meth:`QueueService.complete_within`; the
interviewers may correct it for ``OUTCOME_CORRECTION`` afterwards (each change audited).

Events on ``interview:<id>`` (members only): ``interview.chat {message}``,
``interview.member {member}``, ``interview.extended {ends_at}``,
``interview.ended {ended_at, duration_s}``, ``interview.outcome {outcome, ended_at,
duration_s}`` (again, with ``corrected: true``, on a correction); a co-interviewer is
told on ``me``: ``interview.invited {interview_id}``. The candidate gets a notification
(``interview.outcome``; ``interview.outcome_corrected`` when a correction changes the
outcome) with the outcome they may see, never the notes.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from server.config import Settings
from server.domain.interviews import (
    CHAT_LIMIT,
    STAFF_ROLES,
    InterviewState,
    OutcomeKind,
    correctable_until,
    duration_s,
    may_correct,
    roster,
    state,
)
from server.errors import Problem
from server.realtime.outbox import Outbox, OutboxTransaction
from server.services.notifications import notify
from server.services.queue import QueueService
from server.store import interviews as store
from server.store.db import Connection
from server.timers import Clock
from signaling.ice import ice_servers_for
from signaling.negotiation import MemberRole

OnEnd = Callable[[str], Coroutine[Any, Any, None]]
AWAITING_SHOWN = 50  # interviews awaiting an outcome listed at most


def topic(interview_id: UUID) -> str:
    return f"interview:{interview_id}"


def chat_view(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "author_id", "role", "text", "at")}


def jsonable(value: Any) -> Any:
    """Event data: ids and times as strings."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _told(record: dict[str, Any]) -> dict[str, Any]:
    """The candidate's notice of an outcome: what ``getInterview`` shows them of it (the
    outcome, never the notes)."""
    return {
        "interview_id": str(record["id"]),
        "booth_id": str(record["booth_id"]),
        "outcome": record["outcome"],
    }


def _ending(record: Mapping[str, Any], **more: Any) -> dict[str, Any]:
    """An ended interview's figures, as ``interview.ended`` and ``interview.outcome``
    carry them (``more``: the outcome, and whether it was a correction)."""
    return {
        **more,
        "ended_at": record["ended_at"].isoformat(),
        "duration_s": duration_s(record["started_at"], record["ended_at"]),
    }


class InterviewService:
    def __init__(
        self,
        pool: asyncpg.Pool,
        outbox: Outbox,
        clock: Clock,
        queue: QueueService,
        settings: Settings,
    ) -> None:
        self._pool = pool
        self._outbox = outbox
        self._clock = clock
        self._queue = queue
        self._settings = settings
        # Set by the signaling wiring: closes the room on every node after an end commits.
        self.on_end: OnEnd | None = None

    # -- reading --------------------------------------------------------------------------

    async def _load(
        self, conn: Connection, interview_id: UUID, account: UUID | None, *, lock: bool = False
    ) -> tuple[dict[str, Any], MemberRole]:
        record = await store.get(conn, interview_id, for_update=lock)
        if record is None:
            await store.open_interview(conn, interview_id)
            record = await store.get(conn, interview_id, for_update=lock)
        if record is None:
            raise Problem("interview.not_found", "no such interview")
        role = roster(record).get(account) if account is not None else None
        if role is None:
            raise Problem("auth.forbidden", "you are not a member of this interview")
        return record, role

    async def view(
        self, conn: Connection, record: dict[str, Any], account: UUID, role: MemberRole
    ) -> dict[str, Any]:
        members = roster(record)
        names = await store.display_names(conn, list(members))
        chat = await store.chat(conn, record["id"], last=CHAT_LIMIT)
        attended = await store.attendees(conn, record["id"])
        return {
            "id": record["id"],
            "ticket_id": record["id"],
            "booth_id": record["booth_id"],
            "fair_id": record["fair_id"],
            "state": state(record).value,
            "started_at": record["started_at"],
            "ended_at": record["ended_at"],
            "duration_s": duration_s(record["started_at"], record["ended_at"]),
            "slot_minutes": record["slot_minutes"],
            "ends_at": record["ends_at"],
            "you": {"account_id": account, "role": role.value},
            "members": [
                {"account_id": a, "role": r.value, "display_name": names.get(a, "")}
                for a, r in members.items()
            ],
            "attendees": [
                {"account_id": a["account_id"], "role": a["role"], "joined_at": a["joined_at"]}
                for a in attended
            ],
            "outcome": record["outcome"],
            "notes": record["notes"] if role in STAFF_ROLES else "",
            "outcome_correctable_until": (
                correctable_until(record) if role in STAFF_ROLES else None
            ),
            "candidate": self._card(record, names) if role in STAFF_ROLES else None,
            "chat": [chat_view(m) for m in chat],
        }

    @staticmethod
    def _card(record: dict[str, Any], names: dict[UUID, str]) -> dict[str, Any]:
        """Who the candidate is, for the interviewers; the rest of them (profile, resumes,
        the assessment if shared) is getCandidate's, which audits every read."""
        return {"account_id": record["candidate_id"], "name": names.get(record["candidate_id"], "")}

    async def get(self, interview_id: UUID, account: UUID) -> dict[str, Any]:
        async with self._pool.acquire() as conn:
            record, role = await self._load(conn, interview_id, account)
            return await self.view(conn, record, account, role)

    async def awaiting_outcome(self, account: UUID) -> list[dict[str, Any]]:
        """The interviews this interviewer ended (or saw ended: the candidate left, the
        console's "complete") and has not yet recorded an outcome for."""
        async with self._pool.acquire() as conn:
            rows = await store.awaiting_outcome(conn, account, AWAITING_SHOWN)
        return [
            {
                "id": r["id"],
                "booth": {
                    "id": r["booth_id"],
                    "title": r["booth_title"],
                    "kind": r["booth_kind"],
                    "employer_name": r["employer_name"],
                },
                "candidate": {"account_id": r["candidate_id"], "name": r["candidate_name"]},
                "started_at": r["started_at"],
                "ended_at": r["ended_at"],
            }
            for r in rows
        ]

    async def ice_servers(self, interview_id: UUID, account: UUID) -> dict[str, Any]:
        """ICE servers with TURN credentials, for members of a live interview only."""
        async with self._pool.acquire() as conn:
            record, _ = await self._load(conn, interview_id, account)
        if state(record) is not InterviewState.LIVE:
            raise Problem("interview.ended", "the interview is over")
        now = self._clock.now()
        return {
            "ice_servers": ice_servers_for(self._settings, str(account), now),
            "expires_at": (now + timedelta(seconds=self._settings.turn_ttl)),
        }

    async def chat(self, interview_id: UUID, account: UUID) -> list[dict[str, Any]]:
        async with self._pool.acquire() as conn:
            record, _ = await self._load(conn, interview_id, account)
            return [chat_view(m) for m in await store.chat(conn, record["id"])]

    async def admit(
        self, room: str, account: UUID | None, *, joining: bool
    ) -> dict[str, MemberRole]:
        """The room's roster if ``account`` may be in it now; a join counts as attending."""
        try:
            interview_id = UUID(room)
        except ValueError:
            raise Problem("interview.not_found", "no such interview") from None
        async with self._pool.acquire() as conn:
            record, role = await self._load(conn, interview_id, account)
            if state(record) is not InterviewState.LIVE:
                raise Problem("interview.ended", "the interview is over")
            assert account is not None
            if joining:
                await store.attended(conn, interview_id, account, role.value, self._clock.now())
        return {str(a): r for a, r in roster(record).items()}

    # -- topic ``interview:<id>`` ---------------------------------------------------------

    async def may_follow(self, ident: str, account: UUID | None) -> bool:
        try:
            interview_id = UUID(ident)
        except ValueError:
            return False
        async with self._pool.acquire() as conn:
            try:
                await self._load(conn, interview_id, account)
            except Problem:
                return False
        return True

    async def snapshot(self, conn: Connection, ident: str, account: UUID) -> dict[str, Any]:
        record, role = await self._load(conn, UUID(ident), account)
        return await self.view(conn, record, account, role)

    # -- changes --------------------------------------------------------------------------

    async def _changed(
        self, tx: OutboxTransaction, interview_id: UUID, account: UUID
    ) -> dict[str, Any]:
        record, role = await self._load(tx.conn, interview_id, account)
        return await self.view(tx.conn, record, account, role)

    async def end(self, interview_id: UUID, account: UUID) -> dict[str, Any]:
        async with self._outbox.transaction() as tx:
            record, _ = await self._load(tx.conn, interview_id, account, lock=True)
            ended_now = record["ended_at"] is None
            if ended_now:
                await self._end_within(tx, interview_id)
                await self._free(tx, record)
            view = await self._changed(tx, interview_id, account)
        if ended_now and self.on_end is not None:
            await self.on_end(str(interview_id))
        return view

    async def complete(self, ticket_id: UUID, staff_id: UUID) -> dict[str, Any]:
        """The console's "complete" (``completeTicket``): the ticket is done, and the
        interview ends with it (its record opened if nobody had opened the room yet),
        so the candidate is not left in a room nobody will come back to; the outcome
        may follow. Refused as :meth:`QueueService.complete` refuses (not staff, not
        in an interview), changing nothing."""
        async with self._outbox.transaction() as tx:
            await store.open_interview(tx.conn, ticket_id)
            record = await store.get(tx.conn, ticket_id, for_update=True)
            ended_now = record is not None and record["ended_at"] is None
            if ended_now:
                await self._end_within(tx, ticket_id)
            ticket = await self._queue.complete_within(tx, ticket_id, staff_id)
        if ended_now and self.on_end is not None:
            await self.on_end(str(ticket_id))
        return ticket

    async def _end_within(self, tx: OutboxTransaction, interview_id: UUID) -> None:
        """End the record now and tell its members (``interview.ended``); the caller
        closes the room on every node (``on_end``) once the transaction commits."""
        await store.end(tx.conn, interview_id, self._clock.now())
        record = await store.get(tx.conn, interview_id)
        assert record is not None
        tx.emit(topic(interview_id), "interview.ended", _ending(record))

    async def _free(self, tx: OutboxTransaction, record: Mapping[str, Any]) -> None:
        """An ended interview's ticket is done at once, whoever ended it: the candidate
        is no longer busy elsewhere (their other lines may call them) and the call no
        longer counts towards their limit of lines, however long the outcome takes.
        The caller's completion is the recruiter's (the booth's staff); one no longer on
        the booth's staff leaves the ticket to the outcome (or the day's close)."""
        if record["ticket_state"] != "in_interview" or record["recruiter_id"] is None:
            return
        try:
            await self._queue.complete_within(tx, record["id"], record["recruiter_id"])
        except Problem:
            return  # refused before it wrote anything: the record's end stands

    async def record_outcome(
        self, interview_id: UUID, account: UUID, outcome: OutcomeKind, notes: str
    ) -> dict[str, Any]:
        async with self._outbox.transaction() as tx:
            record, role = await self._load(tx.conn, interview_id, account, lock=True)
            if role not in STAFF_ROLES:
                raise Problem("auth.forbidden", "only the interviewers record the outcome")
            if record["outcome"] is not None:
                raise Problem("interview.already_recorded", f"already {record['outcome']}")
            if not (record["ended_at"] is not None and record["ticket_state"] == "done"):
                # Still going (or interrupted, removed: refused as the wrong state); an
                # interview that was ended has its ticket done already (_free).
                await self._queue.complete_within(tx, interview_id, account)
            await store.record_outcome(
                tx.conn, interview_id, outcome.value, notes, account, self._clock.now()
            )
            record, _ = await self._load(tx.conn, interview_id, account)
            tx.emit(
                topic(interview_id), "interview.outcome", _ending(record, outcome=outcome.value)
            )
            await notify(
                tx, record["candidate_id"], "interview.outcome", _told(record), self._clock.now()
            )
            view = await self._changed(tx, interview_id, account)
        if self.on_end is not None:
            await self.on_end(str(interview_id))
        return view

    async def correct_outcome(
        self, interview_id: UUID, account: UUID, outcome: OutcomeKind, notes: str | None
    ) -> dict[str, Any]:
        """Change a recorded outcome (and the notes, if given) within the correction
        window; the ticket stays ``done``, the room stays closed. Nothing changes on a
        refusal; a change to the same values is no change (no audit row, no event)."""
        async with self._outbox.transaction() as tx:
            record, role = await self._load(tx.conn, interview_id, account, lock=True)
            if role not in STAFF_ROLES:
                raise Problem("auth.forbidden", "only the interviewers correct the outcome")
            if record["outcome"] is None:
                raise Problem("interview.not_recorded", "no outcome is recorded yet")
            now = self._clock.now()
            if not may_correct(record, now):
                raise Problem(
                    "interview.correction_closed",
                    "the outcome can no longer be corrected",
                    extra={"until": jsonable(correctable_until(record))},
                )
            notes = record["notes"] if notes is None else notes
            if (outcome.value, notes) != (record["outcome"], record["notes"]):
                await store.correct_outcome(tx.conn, record, outcome.value, notes, account, now)
                tx.emit(
                    topic(interview_id),
                    "interview.outcome",
                    _ending(record, outcome=outcome.value, corrected=True),
                )
            if outcome.value != record["outcome"]:  # notes alone: nothing the candidate sees
                corrected = {**record, "outcome": outcome.value}
                await notify(
                    tx, record["candidate_id"], "interview.outcome_corrected", _told(corrected), now
                )
            return await self._changed(tx, interview_id, account)

    async def add_co_interviewer(
        self, interview_id: UUID, account: UUID, co_interviewer: UUID
    ) -> dict[str, Any]:
        async with self._outbox.transaction() as tx:
            record, role = await self._load(tx.conn, interview_id, account, lock=True)
            if role is not MemberRole.RECRUITER:
                raise Problem("auth.forbidden", "only the recruiter adds a co-interviewer")
            if state(record) is not InterviewState.LIVE:
                raise Problem("interview.ended", "the interview is over")
            if co_interviewer in roster(record):
                raise Problem("interview.already_member", "already in this interview")
            if record["co_interviewer_id"] is not None:
                raise Problem("interview.full", "an interview has at most one co-interviewer")
            if not await store.is_booth_staff(tx.conn, record["booth_id"], co_interviewer):
                raise Problem("interview.not_staff", "a co-interviewer is on this booth's staff")
            await store.set_co_interviewer(tx.conn, interview_id, co_interviewer)
            names = await store.display_names(tx.conn, [co_interviewer])
            member = {
                "account_id": str(co_interviewer),
                "role": MemberRole.CO_INTERVIEWER.value,
                "display_name": names.get(co_interviewer, ""),
            }
            tx.emit(topic(interview_id), "interview.member", {"member": member})
            tx.emit(
                f"user:{co_interviewer}", "interview.invited", {"interview_id": str(interview_id)}
            )
            return await self._changed(tx, interview_id, account)

    async def extend(self, interview_id: UUID, account: UUID, minutes: int) -> dict[str, Any]:
        async with self._outbox.transaction() as tx:
            record, role = await self._load(tx.conn, interview_id, account, lock=True)
            if role not in STAFF_ROLES:
                raise Problem("auth.forbidden", "only the interviewers extend the interview")
            if state(record) is not InterviewState.LIVE:
                raise Problem("interview.ended", "the interview is over")
            ends_at = await store.extend(tx.conn, interview_id, minutes)
            tx.emit(topic(interview_id), "interview.extended", {"ends_at": ends_at.isoformat()})
            return await self._changed(tx, interview_id, account)

    async def post_chat(self, interview_id: UUID, account: UUID, text: str) -> dict[str, Any]:
        async with self._outbox.transaction() as tx:
            record, role = await self._load(tx.conn, interview_id, account)
            if state(record) is InterviewState.RECORDED:
                raise Problem("interview.closed", "the interview's record is closed")
            row = await store.add_chat(
                tx.conn, interview_id, account, role.value, text, self._clock.now()
            )
            message = chat_view(row)
            tx.emit(topic(interview_id), "interview.chat", {"message": jsonable(message)})
            return message
