"""Handoffs between recruiters and booths, booth lanes, and "only handoffs".

After an interview a recruiter hands the candidate to a colleague at the same booth or
to another booth of the fair. Within one employer the handoff is admitted at once: a
ticket of kind ``handoff`` in the target line (``QueueService.admit_within``: behind
due reservations and earlier handoffs, ahead of walk-ins, whatever the capacity; its
``joined_at`` is the original join time). To another employer's booth it waits for the
candidate's accept (``pending``; it expires unanswered after ``HANDOFF_ANSWER``, a
durable ``handoff.expire`` timer) and enters the line when accepted. A handoff to a
named colleague is held for them: only they may call it for ``HOLD``.

Events: ``handoff.updated {handoff}`` on the candidate's ``me`` topic and on the
handing booth's staff topic at every change; ``roster.flags {ticket_id, held_for,
held_until}`` on the target booth's staff topic for a held ticket; ``booth.lanes
{lanes}`` and ``staff.only_handoffs {account_id, only_handoffs}`` on the booth's staff
topic.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from server.domain.lanes import (
    HANDOFF_ANSWER,
    HOLD,
    HandoffState,
    LaneRatio,
    handoff_refusal,
    needs_accept,
)
from server.domain.queue import QueueStatus, TicketKind
from server.errors import Problem
from server.ids import uuid7
from server.realtime.outbox import Outbox, OutboxTransaction
from server.services.queue import QueueService
from server.store import handoffs as store
from server.store.db import Connection
from server.timers import Clock, Timer, cancel, schedule

EXPIRE_KIND = "handoff.expire"

REFUSALS = {
    "handoff.not_after_interview": "a candidate is handed off after an interview with them",
    "handoff.too_late": "that interview ended too long ago to hand the candidate off",
    "handoff.other_fair": "that booth is at another fair",
    "handoff.colleague_required": "within your own booth, name the colleague",
    "handoff.to_self": "you cannot hand a candidate to yourself",
    "handoff.not_staff": "that colleague does not staff that booth",
}


def lanes_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "key_groups": list(row["key_groups"]),
        "ratio": {"key_group": row["key_group_weight"], "general": row["general_weight"]},
    }


class HandoffService:
    def __init__(self, pool: asyncpg.Pool, outbox: Outbox, clock: Clock, queue: QueueService):
        self._pool = pool
        self._outbox = outbox
        self._clock = clock
        self._queue = queue

    # -- handoffs ---------------------------------------------------------------------

    def _told(self, tx: OutboxTransaction, row: dict[str, Any]) -> None:
        view = {"handoff": store.handoff_view(row)}
        tx.emit(f"user:{row['candidate_id']}", "handoff.updated", view)
        tx.emit(f"booth:{row['from_booth']}:staff", "handoff.updated", view)

    async def hand_off(
        self, ticket_id: UUID, staff_id: UUID, to_booth: UUID, colleague: UUID | None
    ) -> dict[str, Any]:
        """Hand the candidate of a finished interview to a booth (or a colleague)."""
        now = self._clock.now()
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            source = await store.source(conn, ticket_id)
            if source is None:
                raise Problem("ticket.not_found", "no such ticket")
            if not await self._queue.is_staff(conn, source["booth_id"], staff_id):
                raise Problem("auth.forbidden", "only the interviewing booth's staff hand off")
            target = await store.target(conn, to_booth, colleague)
            if target is None:
                raise Problem("booth.not_found", "no such booth")
            code = handoff_refusal(
                state=source["state"],
                started=source["started_at"] is not None,
                ended_at=source["ended_at"],
                now=now,
                same_fair=target["fair_id"] == source["fair_id"],
                same_booth=target["id"] == source["booth_id"],
                colleague=None if colleague is None else str(colleague),
                by=str(staff_id),
                colleague_is_staff=target["colleague_is_staff"],
            )
            if code is not None:
                raise Problem(code, REFUSALS[code])
            self._require_open(target)
            pending = needs_accept(
                None if source["employer_id"] is None else str(source["employer_id"]),
                None if target["employer_id"] is None else str(target["employer_id"]),
            )
            try:
                row = await store.insert(
                    conn,
                    {
                        "id": uuid7(),
                        "fair_id": source["fair_id"],
                        "from_ticket": source["id"],
                        "from_booth": source["booth_id"],
                        "to_booth": target["id"],
                        "candidate_id": source["candidate_id"],
                        "by_staff": staff_id,
                        "colleague_id": colleague,
                        "state": "pending" if pending else "admitted",
                        "created_at": now,
                        "expires_at": now + HANDOFF_ANSWER if pending else None,
                        "answered_at": None if pending else now,
                    },
                )
            except asyncpg.UniqueViolationError:
                raise Problem(
                    "handoff.already", "this candidate has already been handed off"
                ) from None
            if pending:
                await schedule(
                    conn,
                    EXPIRE_KIND,
                    f"{EXPIRE_KIND}:{row['id']}",
                    now + HANDOFF_ANSWER,
                    {"handoff": str(row["id"])},
                )
                self._told(tx, row)
                return store.handoff_view(row)
            row = await self._admit(tx, row, source["joined_at"], now)
        return store.handoff_view(row)

    @staticmethod
    def _require_open(target: dict[str, Any]) -> None:
        if target["queue_status"] == QueueStatus.CLOSED:
            raise Problem(
                "queue.closed",
                "that booth's line is closed",
                extra={"queue_status": target["queue_status"]},
            )

    async def _admit(
        self, tx: OutboxTransaction, row: dict[str, Any], joined_at: datetime, now: datetime
    ) -> dict[str, Any]:
        """Put the handed-off candidate in the target line (the booth is locked there)."""
        ticket = await self._queue.admit_within(
            tx,
            row["to_booth"],
            row["candidate_id"],
            kind=TicketKind.HANDOFF,
            call_key=now.timestamp(),
            joined_at=joined_at,
            handed_from=row["from_ticket"],
        )
        if ticket is None:
            raise Problem(
                "handoff.already_in_line", "the candidate is already in that booth's line"
            )
        if row["colleague_id"] is not None:
            until = now + HOLD
            await store.hold(tx.conn, ticket["id"], row["colleague_id"], until)
            tx.emit(
                f"booth:{row['to_booth']}:staff",
                "roster.flags",
                {
                    "ticket_id": str(ticket["id"]),
                    "held_for": str(row["colleague_id"]),
                    "held_until": until.isoformat(),
                },
            )
        row = await store.answer(tx.conn, row["id"], HandoffState.ADMITTED, now, ticket["id"])
        self._told(tx, row)
        return row

    async def _pending(self, conn: Connection, handoff_id: UUID, candidate_id: UUID) -> Any:
        row = await store.get(conn, handoff_id, for_update=True)
        if row is None or row["candidate_id"] != candidate_id:
            raise Problem("handoff.not_found", "no such handoff")
        if row["state"] != HandoffState.PENDING:
            raise Problem("handoff.answered", f"this handoff is {row['state']}")
        if self._clock.now() >= row["expires_at"]:
            raise Problem("handoff.expired", "this handoff has expired")
        return row

    async def accept(self, handoff_id: UUID, candidate_id: UUID) -> dict[str, Any]:
        """The candidate agrees to go to the other employer's booth: they enter its line."""
        now = self._clock.now()
        async with self._outbox.transaction() as tx:
            row = await self._pending(tx.conn, handoff_id, candidate_id)
            target = await store.target(tx.conn, row["to_booth"], None)
            if target is None:
                raise Problem("booth.not_found", "that booth is no longer open to candidates")
            self._require_open(target)
            source = await store.source(tx.conn, row["from_ticket"])
            assert source is not None
            row = await self._admit(tx, row, source["joined_at"], now)
            await cancel(tx.conn, f"{EXPIRE_KIND}:{handoff_id}")
        return store.handoff_view(row)

    async def decline(self, handoff_id: UUID, candidate_id: UUID) -> dict[str, Any]:
        async with self._outbox.transaction() as tx:
            row = await self._pending(tx.conn, handoff_id, candidate_id)
            row = await store.answer(
                tx.conn, handoff_id, HandoffState.DECLINED, self._clock.now(), None
            )
            await cancel(tx.conn, f"{EXPIRE_KIND}:{handoff_id}")
            self._told(tx, row)
        return store.handoff_view(row)

    async def on_expire(self, conn: Connection, timer: Timer) -> None:
        """Registered for ``handoff.expire``: the candidate did not answer in time."""
        row = await store.get(conn, UUID(str(timer.payload["handoff"])), for_update=True)
        if row is None or row["state"] != HandoffState.PENDING:
            return
        tx = OutboxTransaction(conn)
        row = await store.answer(conn, row["id"], HandoffState.EXPIRED, self._clock.now(), None)
        self._told(tx, row)
        await self._outbox.append_in_timer(conn, tx.take())

    async def pending_for(self, candidate_id: UUID) -> list[dict[str, Any]]:
        async with self._pool.acquire() as conn:
            rows = await store.pending_for(conn, candidate_id, self._clock.now())
        return [store.handoff_view(r) for r in rows]

    # -- lanes and "only handoffs" ----------------------------------------------------

    async def lanes(self, booth_id: UUID) -> dict[str, Any]:
        async with self._pool.acquire() as conn:
            if await conn.fetchval("SELECT 1 FROM booths WHERE id = $1", booth_id) is None:
                raise Problem("booth.not_found", "no such booth")
            return lanes_view(await store.lanes(conn, booth_id))

    async def set_lanes(
        self, booth_id: UUID, staff_id: UUID, key_groups: list[str], ratio: LaneRatio
    ) -> dict[str, Any]:
        """Open (key groups), change or close (none) the booth's key-group lane. Tickets
        in line keep their places; the setting applies to the next joins."""
        async with self._outbox.transaction() as tx:
            if not await self._queue.is_staff(tx.conn, booth_id, staff_id):
                raise Problem("auth.forbidden", "only this booth's staff may do that")
            groups = sorted(set(key_groups))
            await store.set_lanes(
                tx.conn, booth_id, groups, ratio.key_group, ratio.general, self._clock.now()
            )
            view = lanes_view(
                {
                    "key_groups": groups,
                    "key_group_weight": ratio.key_group,
                    "general_weight": ratio.general,
                }
            )
            tx.emit(f"booth:{booth_id}:staff", "booth.lanes", {"lanes": view})
        return view

    async def set_only_handoffs(self, booth_id: UUID, staff_id: UUID, only: bool) -> None:
        """A recruiter's own choice: call-next takes only handoffs and due reservations."""
        async with self._outbox.transaction() as tx:
            if not await store.set_only_handoffs(tx.conn, booth_id, staff_id, only):
                raise Problem("auth.forbidden", "only this booth's staff may do that")
            tx.emit(
                f"booth:{booth_id}:staff",
                "staff.only_handoffs",
                {"account_id": str(staff_id), "only_handoffs": only},
            )
        self._queue.refresh_soon(booth_id)  # the walk-in line's waits change
