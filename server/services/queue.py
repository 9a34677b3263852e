"""Booth queues: join, leave, call, accept, decline, complete — each one transaction.

Every change to a booth's line takes the booth's queue row lock first, so changes to one
booth are serialised; calls across booths are kept apart by the database itself (a
candidate or a staff member can hold only one call at a time: unique partial indexes),
so "next candidate" is won by exactly one recruiter and reaches exactly one candidate.
The hot path (join, call, accept, complete) is one statement per step
(``server.store.queue_steps``); wait tables and "get ready" notices are recomputed off
it, debounced per booth.

Events (ids and opaque tokens only):

* ``booth:<id>``: ``queue.joined {token, after}`` (a new ticket), ``queue.moved {token,
  after}`` (a ticket back in its place after a pass), ``queue.removed {token}``,
  ``queue.busy {token, busy}``, ``queue.eta {table}``, ``queue.status {status}``,
  ``queue.visibility {visibility}``, ``booth.day_closed {expired}``; where the venue
  hides places only ``queue.length {length}`` and the status events;
* ``booth:<id>:staff``: ``roster.ticket {ticket}`` (ids, state, passes, join time),
  ``roster.flags {ticket_id, reconnecting?, away_since?, busy_elsewhere?}``,
  ``staff.status {account_id, status}``, ``queue.follow_hours {follow}``;
* ``me`` (``user:<id>``): ``ticket.updated {ticket}`` — with the holder's own token —
  and, where the venue hides places, ``ticket.position {ticket_id, booth_id, position,
  wait}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from server.domain.booths import hours_now, hours_of
from server.domain.queue import (
    ACTIVE,
    IN_LINE,
    MAX_PASSES,
    PRIORITY,
    Lane,
    QueueStatus,
    ServiceModel,
    StaffStatus,
    Ticket,
    TicketKind,
    TicketState,
    after_pass,
    call_order,
    day_end,
    eta_table,
    should_notify,
    wait_range,
)
from server.errors import Problem
from server.ids import uuid7
from server.realtime.outbox import Outbox, OutboxTransaction
from server.realtime.presence import Presence
from server.services.notifications import notify, notify_each
from server.store import handoffs as handoffs_store
from server.store import queue_steps as steps
from server.store import tickets as tickets_store
from server.store.db import Connection, set_state
from server.timers import Clock, Timer, cancel, schedule

log = logging.getLogger(__name__)

RING_KIND = "queue.ring_timeout"
CALL_ATTEMPTS = 3


NOTIFY_KIND = "queue.notify"
GRACE_KIND = "queue.grace"
STAFF_AWAY_KIND = "queue.staff_away"
DAY_CLOSE_KIND = "queue.day_close"
HOURS_KIND = "queue.hours"
# The staff snapshot's handoffs made from the booth: those of the last day (the
# console shows how each went).
HANDOFFS_SHOWN = timedelta(hours=24)
LENGTH_ONLY = "length_only"
# What a venue that hides places and waits keeps off its public booth topics.
TOKEN_EVENTS = frozenset(
    {"queue.joined", "queue.moved", "queue.removed", "queue.busy", "queue.eta"}
)
HISTORY = 30  # service times used for the estimate
REFRESH_EVERY_S = 1.0  # wait tables are recomputed at most this often per booth


# Why a ticket expired, in its holder's ``ticket.expired`` notice (``cause``); the
# ``away`` one is written by the call statement (``server.store.queue_steps``).
EXPIRED_UNANSWERED = "unanswered"  # the second pass was a ring timeout
EXPIRED_DAY_CLOSE = "day_close"  # 24:00 fair time


def _ended(row: dict[str, Any], **extra: str) -> dict[str, Any]:
    """A notice's data about a ticket that left the line without its holder."""
    return {"booth_id": str(row["booth_id"]), "ticket_id": str(row["id"]), **extra}


@dataclass(frozen=True, slots=True)
class QueueSettings:
    lines_per_candidate: int = 3
    get_ready_s: float = 60.0
    ring_s: float = 45.0
    # Away (no "me" connection) longer than this: passed over when their turn comes, and
    # an interview in progress is interrupted.
    grace_s: float = 120.0
    # A recruiter whose booth console is gone (closed, reloaded, another tab of the booth,
    # a network blip) this long goes offline; coming back sooner keeps their status.
    staff_grace_s: float = 60.0


def ticket_view(row: dict[str, Any]) -> dict[str, Any]:
    """The holder's own view of a ticket on ``ticket.updated`` (it includes their token):
    the snapshot's view without place and wait, which arrive on their own events."""
    view = tickets_store.holder_view(row)
    del view["position"], view["wait"]
    return view


def roster_view(row: dict[str, Any]) -> dict[str, Any]:
    """What booth staff see of a ticket on their topic: ids and flags, no profile.

    The flags (``busy_elsewhere``, ``reconnecting``) come with the snapshot and with
    ``roster.flags`` events; a ``roster.ticket`` event leaves them as they were."""
    view = {
        "ticket_id": str(row["id"]),
        "candidate_id": str(row["candidate_id"]),
        "state": row["state"],
        "passes": row["passes"],
        "joined_at": row["joined_at"].isoformat(),
        "called_by": str(row["called_by"]) if row["called_by"] else None,
        "kind": row["kind"],
        "lane": row["lane"],
        "call_key": row["call_key"],
    }
    if "held_for" in row:  # a handoff held for a named colleague (docs/queues.md)
        held = row["held_for"] is not None
        view["held_for"] = str(row["held_for"]) if held else None
        view["held_until"] = row["held_until"].isoformat() if held else None
    for flag in ("busy_elsewhere", "reconnecting"):
        if flag in row:
            view[flag] = bool(row[flag])
    if "away_since" in row:
        view["away_since"] = row["away_since"].isoformat() if row["away_since"] else None
    return view


TICKET_COLUMNS = (
    "id, fair_id, booth_id, candidate_id, token, state, passes, joined_at, changed_at,"
    " called_by, called_at, started_at, ended_at, reason, kind, lane, call_key, priority"
)
T_TICKET_COLUMNS = ", ".join(f"t.{c.strip()}" for c in TICKET_COLUMNS.split(","))


# Why a call claimed nobody (``QueueService._call_refused``): $1 booth, $2 staff member,
# $3 the chosen ticket or NULL, $4 away-since cutoff, $5 now. Two texts, as the call
# itself (``server.store.queue_steps``): with the line's states literal, a generic plan
# reads the line through its partial index, not the booth's whole history.
_CALL_REFUSED = """
SELECT EXISTS (SELECT 1 FROM booth_staff WHERE booth_id = $1 AND account_id = $2) AS staff,
       (SELECT status FROM staff_status WHERE booth_id = $1 AND account_id = $2) AS status,
       EXISTS (SELECT 1 FROM tickets WHERE called_by = $2
                  AND state IN ('called', 'in_interview')) AS ringing,
       EXISTS (SELECT 1 FROM tickets t WHERE t.booth_id = $1 AND {which}
                  AND NOT EXISTS (SELECT 1 FROM tickets o
                      WHERE o.candidate_id = t.candidate_id
                        AND o.state IN ('called', 'in_interview'))
                  AND NOT EXISTS (SELECT 1 FROM queue_absences a
                      WHERE a.candidate_id = t.candidate_id AND a.since < $4)
                  AND (t.held_for IS NULL OR t.held_for = $2 OR t.held_until <= $5)
                  AND {only_handoffs}) AS callable
"""
_CALL_REFUSED_NEXT = _CALL_REFUSED.format(
    which="$3::uuid IS NULL AND t.state IN ('waiting', 'notified')",
    only_handoffs="""(t.priority < 2 OR NOT (SELECT s.only_handoffs FROM booth_staff s
                                 WHERE s.booth_id = $1 AND s.account_id = $2))""",
)
_CALL_REFUSED_CHOSEN = _CALL_REFUSED.format(
    which="t.id = $3 AND t.state IN ('waiting', 'notified', 'interrupted')",
    only_handoffs="true",
)


def _may_open(booth: dict[str, Any]) -> bool:
    """A line may open only at an approved booth the public can see (its employer
    verified): what the join statement itself requires."""
    return bool(booth["booth_status"] == "approved" and booth["public"])


class QueueService:
    def __init__(
        self,
        pool: asyncpg.Pool,
        outbox: Outbox,
        clock: Clock,
        presence: Presence,
        settings: QueueSettings | None = None,
    ) -> None:
        self._pool = pool
        self._outbox = outbox
        self._clock = clock
        self._presence = presence
        self.settings = settings or QueueSettings()
        self._models: dict[UUID, ServiceModel] = {}
        self._presence_locks: dict[UUID, asyncio.Lock] = {}
        self._refreshing: dict[UUID, asyncio.Task[None]] = {}
        self._refreshed_at: dict[UUID, float] = {}
        self._refresh_tasks: set[asyncio.Task[None]] = set()

    # -- helpers ----------------------------------------------------------------------

    async def _lock_booth(self, conn: Connection, booth_id: UUID) -> dict[str, Any]:
        """Lock the booth's queue row (creating it, closed, the first time) and return the
        booth with its queue status: every change to one booth's line is serialised here."""
        query = """
            SELECT b.id, b.fair_id, b.venue_id, b.employer_id, b.capacity, b.slot_minutes,
                   b.status AS booth_status, q.status AS queue_status, q.eta,
                   e.verified_at IS NOT NULL OR b.employer_id IS NULL AS public,
                   f.time_zone, v.queue_visibility AS visibility
              FROM booth_queues q JOIN booths b ON b.id = q.booth_id
              JOIN fairs f ON f.id = b.fair_id JOIN venues v ON v.id = b.venue_id
              LEFT JOIN employers e ON e.id = b.employer_id
             WHERE q.booth_id = $1
               FOR UPDATE OF q
            """
        row = await conn.fetchrow(query, booth_id)
        if row is None:
            await conn.execute(
                "INSERT INTO booth_queues (booth_id, changed_at)"
                " SELECT id, $2 FROM booths WHERE id = $1 ON CONFLICT (booth_id) DO NOTHING",
                booth_id,
                self._clock.now(),
            )
            row = await conn.fetchrow(query, booth_id)
        if row is None:
            raise Problem("booth.not_found", "no such booth")
        return dict(row)

    async def _ticket(
        self, conn: Connection, ticket_id: UUID, *, for_update: bool = True
    ) -> dict[str, Any]:
        lock = " FOR UPDATE" if for_update else ""
        row = await conn.fetchrow(
            f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = $1{lock}", ticket_id
        )
        if row is None:
            raise Problem("ticket.not_found", "no such ticket")
        return dict(row)

    async def is_staff(self, conn: Connection, booth_id: UUID, account_id: UUID | None) -> bool:
        if account_id is None:
            return False
        found = await conn.fetchval(
            "SELECT 1 FROM booth_staff WHERE booth_id = $1 AND account_id = $2",
            booth_id,
            account_id,
        )
        return found is not None

    async def staffs(self, booth_id: UUID, account_id: UUID | None) -> bool:
        """Whether the account is on this booth's staff (who may read its staff topic)."""
        async with self._pool.acquire() as conn:
            return await self.is_staff(conn, booth_id, account_id)

    async def _require_staff(
        self, conn: Connection, booth_id: UUID, account_id: UUID | None
    ) -> None:
        if not await self.is_staff(conn, booth_id, account_id):
            raise Problem("auth.forbidden", "only this booth's staff may do that")

    async def _set_state(
        self, conn: Connection, ticket_id: UUID, state: TicketState, **fields: Any
    ) -> dict[str, Any]:
        return await set_state(
            conn, "tickets", ticket_id, state.value, self._clock.now(), TICKET_COLUMNS, **fields
        )

    def _announce(self, tx: OutboxTransaction, row: dict[str, Any], **extra: Any) -> None:
        view = ticket_view(row)
        view.update(extra)
        tx.emit(f"user:{row['candidate_id']}", "ticket.updated", {"ticket": view})
        tx.emit(f"booth:{row['booth_id']}:staff", "roster.ticket", {"ticket": roster_view(row)})

    def _public(
        self, tx: OutboxTransaction, booth: dict[str, Any], type_: str, data: dict[str, Any]
    ) -> None:
        """An event for the public ``booth:<id>`` topic. Where the venue hides places and
        waits, the line's tokens and the wait table stay off it (``_refresh`` sends the
        length there and each holder their own figures on ``me``)."""
        if booth.get("visibility") == LENGTH_ONLY and type_ in TOKEN_EVENTS:
            return
        tx.emit(f"booth:{booth['id']}", type_, data)

    async def _set_staff(
        self,
        tx: OutboxTransaction,
        booth_id: UUID,
        account_id: UUID,
        status: StaffStatus,
    ) -> None:
        await tx.conn.execute(
            """
            INSERT INTO staff_status (booth_id, account_id, status, changed_at)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (booth_id, account_id)
            DO UPDATE SET status = EXCLUDED.status, changed_at = EXCLUDED.changed_at
            """,
            booth_id,
            account_id,
            status.value,
            self._clock.now(),
        )
        tx.emit(
            f"booth:{booth_id}:staff",
            "staff.status",
            {"account_id": str(account_id), "status": status.value},
        )

    async def _line(self, conn: Connection, booth_id: UUID) -> list[Ticket]:
        line, _, _ = await self._line_and_staffing(conn, booth_id)
        return line

    async def _line_and_staffing(
        self, conn: Connection, booth_id: UUID
    ) -> tuple[list[Ticket], int, int]:
        """The line in call order, and (serving, free) staff — one round trip. Staff
        taking only handoffs and reservations do not serve the walk-in line, so they do
        not shorten its waits (nor make its first "next")."""
        row = await conn.fetchrow(
            """
            SELECT
              (SELECT count(*) FROM staff_status ss JOIN booth_staff s USING (booth_id, account_id)
                WHERE ss.booth_id = $1 AND ss.status IN ('available', 'in_call')
                  AND NOT s.only_handoffs) AS serving,
              (SELECT count(*) FROM staff_status ss JOIN booth_staff s USING (booth_id, account_id)
                WHERE ss.booth_id = $1 AND ss.status = 'available'
                  AND NOT s.only_handoffs) AS free,
              (SELECT coalesce(json_agg(json_build_object(
                          'id', t.id, 'token', t.token, 'candidate_id', t.candidate_id,
                          'state', t.state, 'joined_at', t.joined_at, 'passes', t.passes,
                          'kind', t.kind, 'lane', t.lane, 'call_key', t.call_key,
                          'busy', EXISTS (SELECT 1 FROM tickets o
                                           WHERE o.candidate_id = t.candidate_id
                                             AND o.state IN ('called', 'in_interview')),
                          'away', (SELECT a.since FROM queue_absences a
                                    WHERE a.candidate_id = t.candidate_id))
                        ORDER BY t.priority, t.call_key, t.id), '[]'::json)
                 FROM tickets t
                WHERE t.booth_id = $1 AND t.state IN ('waiting', 'notified')) AS line
            """,
            booth_id,
        )
        assert row is not None
        line = [
            Ticket(
                id=r["id"],
                token=r["token"],
                candidate_id=r["candidate_id"],
                state=TicketState(r["state"]),
                joined_at=datetime.fromisoformat(r["joined_at"]),
                passes=r["passes"],
                busy_elsewhere=r["busy"],
                away_since=None if r["away"] is None else datetime.fromisoformat(r["away"]),
                kind=TicketKind(r["kind"]),
                lane=Lane(r["lane"]),
                call_key=r["call_key"],
            )
            for r in row["line"]
        ]
        return call_order(line), row["serving"], row["free"]

    async def _model(self, conn: Connection, booth: dict[str, Any]) -> ServiceModel:
        """This booth's service-time model; cached until an interview here completes (a
        completion on another node is seen at this node's next completion)."""
        cached = self._models.get(booth["id"])
        if cached is not None:
            return cached
        rows = await conn.fetch(
            """
            SELECT extract(epoch FROM ended_at - started_at) AS seconds FROM tickets
             WHERE booth_id = $1 AND state = 'done' AND started_at IS NOT NULL
             ORDER BY ended_at DESC LIMIT $2
            """,
            booth["id"],
            HISTORY,
        )
        model = ServiceModel.fit(
            [float(r["seconds"]) for r in rows], prior_mean=booth["slot_minutes"] * 60.0
        )
        self._models[booth["id"]] = model
        return model

    async def _staffing(self, conn: Connection, booth_id: UUID) -> tuple[int, int]:
        """(serving, free): staff working the walk-in line (not taking only handoffs)
        who are available or in a call, and those available now."""
        rows = await conn.fetch(
            "SELECT ss.status, count(*) AS n FROM staff_status ss"
            " JOIN booth_staff s USING (booth_id, account_id)"
            " WHERE ss.booth_id = $1 AND NOT s.only_handoffs GROUP BY ss.status",
            booth_id,
        )
        counts = {r["status"]: r["n"] for r in rows}
        free = counts.get(StaffStatus.AVAILABLE.value, 0)
        return free + counts.get(StaffStatus.IN_CALL.value, 0), free

    async def _refresh(self, tx: OutboxTransaction, booth: dict[str, Any]) -> None:
        """Recompute the booth's wait table and "get ready" notices after a change."""
        conn = tx.conn
        line, serving, free = await self._line_and_staffing(conn, booth["id"])
        callable_line = [t for t in line if not t.busy_elsewhere]
        model = await self._model(conn, booth)
        table = eta_table(len(callable_line), serving, free, model)
        published = None if table is None else [[w.low, w.high] for w in table]
        if published != booth["eta"]:
            await conn.execute(
                "UPDATE booth_queues SET eta = $2 WHERE booth_id = $1", booth["id"], published
            )
            self._public(tx, booth, "queue.eta", {"table": published})
        if booth.get("visibility") == LENGTH_ONLY:
            self._private_places(tx, booth, line, serving, free, model)
        next_check: float | None = None
        for position, ticket in enumerate(callable_line):
            wait = wait_range(position, serving, free, model)
            if ticket.state is TicketState.WAITING:
                if should_notify(position, wait, serving, self.settings.get_ready_s):
                    row = await self._set_state(conn, UUID(ticket.id), TicketState.NOTIFIED)
                    self._announce(tx, row)
                elif wait is not None:
                    due = wait.low - self.settings.get_ready_s
                    next_check = due if next_check is None else min(next_check, due)
        if next_check is not None:
            # A stale check that fires later only recomputes: no need to cancel one.
            due_at = self._clock.now() + timedelta(seconds=max(next_check, 1.0))
            key = f"{NOTIFY_KIND}:{booth['id']}"
            await schedule(conn, NOTIFY_KIND, key, due_at, {"booth": str(booth["id"])})

    def _private_places(
        self,
        tx: OutboxTransaction,
        booth: dict[str, Any],
        line: list[Ticket],
        serving: int,
        free: int,
        model: ServiceModel,
    ) -> None:
        """A venue that hides places: the public topic gets the length, each holder their
        own place and wait on ``me`` (counted as the client would: callable ones ahead)."""
        tx.emit(f"booth:{booth['id']}", "queue.length", {"length": len(line)})
        ahead = 0
        for ticket in line:
            wait = wait_range(ahead, serving, free, model)
            tx.emit(
                f"user:{ticket.candidate_id}",
                "ticket.position",
                {
                    "ticket_id": ticket.id,
                    "booth_id": str(booth["id"]),
                    "position": ahead,
                    "wait": None if wait is None else [wait.low, wait.high],
                },
            )
            if not ticket.busy_elsewhere:
                ahead += 1

    def refresh_soon(self, booth_id: UUID) -> None:
        """Recompute the booth's wait table, "get ready" notices and room for watchers
        off the hot path: at once after a quiet second, else at most once a second per
        booth (and node). Derived state only: a change that lands while a refresh runs
        schedules another, and the ``queue.notify`` timer catches up after a crash."""
        if booth_id in self._refreshing:
            return
        loop = asyncio.get_running_loop()
        last = self._refreshed_at.get(booth_id)
        delay = 0.0 if last is None else max(0.0, last + REFRESH_EVERY_S - loop.time())
        task = loop.create_task(self._refresh_later(booth_id, delay))
        self._refreshing[booth_id] = task
        self._refresh_tasks.add(task)
        task.add_done_callback(self._refresh_tasks.discard)

    async def _refresh_later(self, booth_id: UUID, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
        finally:
            self._refreshing.pop(booth_id, None)
        self._refreshed_at[booth_id] = asyncio.get_running_loop().time()
        try:
            async with self._outbox.transaction() as tx:
                booth = await self._lock_booth(tx.conn, booth_id)
                await self._refresh(tx, booth)
                await self._room_freed(tx, booth)
        except Exception:
            log.exception("refreshing the line of booth %s failed", booth_id)

    async def settle(self) -> None:
        """Wait for pending refreshes (tests, benchmarks, shutdown)."""
        while self._refresh_tasks:
            await asyncio.gather(*self._refresh_tasks, return_exceptions=True)

    async def close(self) -> None:
        """Stop pending refreshes (the node is shutting down; the next change or the
        ``queue.notify`` timer recomputes)."""
        tasks = list(self._refresh_tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _busy_elsewhere(
        self, tx: OutboxTransaction, candidate_id: UUID, except_booth: UUID, busy: bool
    ) -> None:
        rows = await tx.conn.fetch(
            "SELECT t.id, t.booth_id, t.token, v.queue_visibility FROM tickets t"
            " JOIN booths b ON b.id = t.booth_id JOIN venues v ON v.id = b.venue_id"
            " WHERE t.candidate_id = $1 AND t.booth_id <> $2"
            " AND t.state IN ('waiting', 'notified')",
            candidate_id,
            except_booth,
        )
        for row in rows:
            self._public(
                tx,
                {"id": row["booth_id"], "visibility": row["queue_visibility"]},
                "queue.busy",
                {"token": row["token"], "busy": busy},
            )
            tx.emit(
                f"booth:{row['booth_id']}:staff",
                "roster.flags",
                {"ticket_id": str(row["id"]), "busy_elsewhere": busy},
            )

    # -- candidates -------------------------------------------------------------------

    async def join(
        self, booth_id: UUID, candidate_id: UUID, *, key_group_lane: bool = False
    ) -> dict[str, Any]:
        """One statement after the booth's lock (see ``server.store.queue_steps``).
        ``key_group_lane``: the candidate agrees to show their key groups to this booth's
        staff, so a matching key group puts them in its key-group lane."""
        settings = self.settings
        now = self._clock.now()
        async with self._pool.acquire() as conn:
            await conn.execute(steps.JOIN_LOCK.format(candidate=candidate_id, booth=booth_id))
            try:
                result = await steps.join(
                    conn,
                    booth_id,
                    candidate_id,
                    now,
                    uuid7(),
                    secrets.token_urlsafe(12),
                    settings.lines_per_candidate,
                    [s.value for s in ACTIVE],
                    key_group_lane,
                )
                if result.ticket is None:
                    await self._join_refused(conn, booth_id, candidate_id)
                await conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(Exception):
                    await conn.execute("ROLLBACK")
                raise
        await self._outbox.publish(result.events)
        self.refresh_soon(booth_id)
        assert result.ticket is not None
        return result.ticket

    async def _join_refused(self, conn: Connection, booth_id: UUID, candidate_id: UUID) -> None:
        """Why the join statement wrote nothing (still under the booth's lock)."""
        settings = self.settings
        booth = await conn.fetchrow(
            """
            SELECT b.fair_id, b.capacity, b.slot_minutes, b.status AS booth_status,
                   coalesce(q.status, 'closed') AS queue_status,
                   e.verified_at IS NOT NULL OR b.employer_id IS NULL AS public,
                   (SELECT count(*) FROM tickets t WHERE t.candidate_id = $2
                       AND t.fair_id = b.fair_id AND t.state = ANY($3::text[])) AS active,
                   (SELECT count(*) FROM tickets t WHERE t.booth_id = $1
                       AND t.state IN ('waiting', 'notified')) AS length,
                   EXISTS (SELECT 1 FROM tickets t WHERE t.booth_id = $1
                       AND t.candidate_id = $2 AND t.state = ANY($3::text[])) AS joined
              FROM booths b LEFT JOIN booth_queues q ON q.booth_id = b.id
              LEFT JOIN employers e ON e.id = b.employer_id
             WHERE b.id = $1
            """,
            booth_id,
            candidate_id,
            [s.value for s in ACTIVE],
        )
        if booth is None or booth["booth_status"] != "approved" or not booth["public"]:
            raise Problem("booth.not_found", "no such booth")
        if booth["queue_status"] != QueueStatus.OPEN:
            raise Problem(
                "queue.closed",
                "this booth is not taking candidates now",
                extra={"queue_status": booth["queue_status"]},
            )
        if booth["joined"]:
            raise Problem("queue.already_joined", "you are already in this line")
        if booth["active"] >= settings.lines_per_candidate:
            raise Problem(
                "queue.limit",
                f"you can be in at most {settings.lines_per_candidate} lines at once",
                extra={"limit": settings.lines_per_candidate},
            )
        if booth["length"] >= booth["capacity"]:
            serving, free = await self._staffing(conn, booth_id)
            model = await self._model(conn, {"id": booth_id, "slot_minutes": booth["slot_minutes"]})
            wait = wait_range(booth["length"], serving, free, model)
            raise Problem(
                "queue.full",
                "this line is full; ask to be told when there is room",
                extra={"wait": None if wait is None else [wait.low, wait.high]},
            )
        raise Problem("queue.already_joined", "you are already in this line")  # a token clash

    async def leave(self, ticket_id: UUID, candidate_id: UUID) -> None:
        async with self._outbox.transaction() as tx:
            ticket = await self._ticket(tx.conn, ticket_id, for_update=False)
            if ticket["candidate_id"] != candidate_id:
                raise Problem("ticket.not_found", "no such ticket")
            booth = await self._lock_booth(tx.conn, ticket["booth_id"])
            ticket = await self._ticket(tx.conn, ticket_id)
            if TicketState(ticket["state"]) not in (*IN_LINE, TicketState.INTERRUPTED):
                raise Problem("queue.wrong_state", f"the ticket is {ticket['state']}")
            row = await self._set_state(
                tx.conn, ticket_id, TicketState.LEFT, ended_at=self._clock.now()
            )
            self._public(tx, booth, "queue.removed", {"token": row["token"]})
            self._announce(tx, row)
            await self._room_freed(tx, booth)
        self.refresh_soon(booth["id"])

    async def watch(self, booth_id: UUID, candidate_id: UUID) -> None:
        """Notify the candidate when the line has room (or opens)."""
        async with self._pool.acquire() as conn:
            await conn.execute(
                "INSERT INTO queue_watchers (booth_id, candidate_id, created_at)"
                " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                booth_id,
                candidate_id,
                self._clock.now(),
            )

    async def _room_freed(self, tx: OutboxTransaction, booth: dict[str, Any]) -> None:
        if booth["queue_status"] != QueueStatus.OPEN:
            return
        watchers = await tx.conn.fetch(
            """
            DELETE FROM queue_watchers
             WHERE booth_id = $1
               AND (SELECT count(*) FROM tickets WHERE booth_id = $1
                       AND state IN ('waiting', 'notified')) < $2
            RETURNING candidate_id
            """,
            booth["id"],
            booth["capacity"],
        )
        for watcher in watchers:
            await notify(
                tx,
                watcher["candidate_id"],
                "queue.room",
                {"booth_id": str(booth["id"])},
                self._clock.now(),
            )

    async def accept(self, ticket_id: UUID, candidate_id: UUID) -> dict[str, Any]:
        """One statement (see ``server.store.queue_steps``)."""
        async with self._pool.acquire() as conn:
            result = await steps.accept(conn, ticket_id, candidate_id, self._clock.now())
            if result.ticket is None:
                await self._refused(conn, ticket_id, candidate_id=candidate_id)
        await self._outbox.publish(result.events)
        assert result.ticket is not None
        self.refresh_soon(result.ticket["booth_id"])
        return result.ticket

    async def _refused(
        self,
        conn: Connection,
        ticket_id: UUID,
        *,
        candidate_id: UUID | None = None,
        staff_id: UUID | None = None,
    ) -> None:
        """Why a step on one ticket changed nothing: not theirs, not staff, wrong state."""
        ticket = await conn.fetchrow(
            "SELECT t.candidate_id, t.state, EXISTS (SELECT 1 FROM booth_staff s"
            " WHERE s.booth_id = t.booth_id AND s.account_id = $2) AS staff"
            " FROM tickets t WHERE t.id = $1",
            ticket_id,
            staff_id,
        )
        if ticket is None or (candidate_id is not None and ticket["candidate_id"] != candidate_id):
            raise Problem("ticket.not_found", "no such ticket")
        if staff_id is not None and not ticket["staff"]:
            raise Problem("auth.forbidden", "only this booth's staff may do that")
        raise Problem("queue.wrong_state", f"the ticket is {ticket['state']}")

    async def decline(self, ticket_id: UUID, candidate_id: UUID) -> dict[str, Any]:
        async with self._outbox.transaction() as tx:
            ticket = await self._ticket(tx.conn, ticket_id, for_update=False)
            if ticket["candidate_id"] != candidate_id:
                raise Problem("ticket.not_found", "no such ticket")
            booth = await self._lock_booth(tx.conn, ticket["booth_id"])
            ticket = await self._ticket(tx.conn, ticket_id)
            if ticket["state"] != TicketState.CALLED:
                raise Problem("queue.wrong_state", f"the ticket is {ticket['state']}")
            return await self._pass(tx, booth, ticket)

    async def _pass(
        self, tx: OutboxTransaction, booth: dict[str, Any], ticket: dict[str, Any]
    ) -> dict[str, Any]:
        """A declined or unanswered call: back in place with a pass, or expired."""
        passes = ticket["passes"] + 1
        state = after_pass(passes)
        ended = self._clock.now() if state is TicketState.EXPIRED else None
        staff = ticket["called_by"]
        row = await self._set_state(
            tx.conn,
            ticket["id"],
            state,
            passes=passes,
            called_by=None,
            called_at=None,
            ended_at=ended,
        )
        await cancel(tx.conn, f"{RING_KIND}:{ticket['id']}")
        if staff is not None:
            await self._set_staff(tx, booth["id"], staff, StaffStatus.AVAILABLE)
        if state is TicketState.WAITING:
            line = await self._line(tx.conn, booth["id"])
            place = (PRIORITY[TicketKind(row["kind"])], row["call_key"], str(row["id"]))
            ahead = [t for t in line if t.order_key < place]
            after = ahead[-1].token if ahead else None
            self._public(tx, booth, "queue.moved", {"token": row["token"], "after": after})
        await self._busy_elsewhere(tx, row["candidate_id"], booth["id"], False)
        self._announce(tx, row)
        await self._refresh(tx, booth)
        return row

    # -- staff ------------------------------------------------------------------------

    async def set_staff_status(self, booth_id: UUID, account_id: UUID, status: StaffStatus) -> None:
        async with self._outbox.transaction() as tx:
            booth = await self._lock_booth(tx.conn, booth_id)
            await self._require_staff(tx.conn, booth_id, account_id)
            if status is StaffStatus.IN_CALL:
                raise Problem("queue.wrong_state", "in_call is set by accepting a call")
            in_call = await tx.conn.fetchval(
                "SELECT 1 FROM tickets WHERE called_by = $1"
                " AND state IN ('called', 'in_interview')",
                account_id,
            )
            if in_call and status is not StaffStatus.OFFLINE:
                raise Problem("queue.staff_busy", "finish your current call first")
            if status is StaffStatus.AVAILABLE and not await self._at_console(booth_id, account_id):
                raise Problem(
                    "queue.not_present",
                    "open the booth console (connected to booth:<id>:staff) to become available",
                )
            await self._set_staff(tx, booth_id, account_id, status)
            await self._refresh(tx, booth)

    async def _at_console(self, booth_id: UUID, account_id: UUID) -> bool:
        """On ``booth:<id>:staff`` through this node, or through another one (asked of
        the shared store; should it be down, as of this node's last presence tick)."""
        topic, member = f"booth:{booth_id}:staff", str(account_id)
        if self._presence.is_here(topic, member):
            return True
        try:
            return await self._presence.present_elsewhere(topic, member)
        except Exception:
            log.exception("presence of %s at booth %s on other nodes unknown", member, booth_id)
            return self._presence.is_present(topic, member)

    async def _lapse_due(
        self, conn: Connection, booth_id: UUID, account_id: UUID
    ) -> datetime | None:
        """When a staff member away from the console goes offline, if still away then:
        the grace counts from the status they have now (available or paused; a status
        regained when a call ended counts from that end). A call keeps its status until
        it ends, so then it is only a time to look again. None: already offline."""
        row = await conn.fetchrow(
            "SELECT status, changed_at FROM staff_status WHERE booth_id = $1 AND account_id = $2",
            booth_id,
            account_id,
        )
        if row is None or row["status"] == StaffStatus.OFFLINE:
            return None
        grace = timedelta(seconds=self.settings.staff_grace_s)
        changed_at: datetime = row["changed_at"]
        if row["status"] == StaffStatus.IN_CALL:
            return max(self._clock.now(), changed_at) + grace
        return changed_at + grace

    async def staff_gone(self, booth_id: UUID, account_id: UUID) -> None:
        """The staff member's last booth console here disconnected: this node's members
        of ``booth:<id>:staff`` go to the shared store at once (a check on another node
        must not find them still here), and unless they are offline a durable
        ``queue.staff_away`` timer checks after ``staff_grace_s`` whether they came
        back, on any node; if not, they go offline (:meth:`on_staff_away`). A reload or
        a look at the booth's statistics keeps the status; a recruiter who left stops
        counting in wait estimates soon after."""
        topic = f"booth:{booth_id}:staff"
        try:
            await self._presence.publish(topic)
        except Exception:  # the other nodes see it at this node's next tick
            log.exception("presence at booth %s not shared", booth_id)
        async with self._pool.acquire() as conn:
            if await self._lapse_due(conn, booth_id, account_id) is None:
                return
            await schedule(
                conn,
                STAFF_AWAY_KIND,
                f"{STAFF_AWAY_KIND}:{booth_id}:{account_id}",
                self._clock.now() + timedelta(seconds=self.settings.staff_grace_s),
                {"booth": str(booth_id), "account": str(account_id)},
            )

    async def on_staff_away(self, conn: Connection, timer: Timer) -> None:
        """Registered for ``queue.staff_away``: a console closed ``staff_grace_s`` ago.
        Still not on ``booth:<id>:staff`` here or on another node: available or paused
        for the whole grace period become offline, so wait estimates and "get ready"
        notices stop counting someone who is not there. A call in progress keeps its
        status until it ends; the timer looks again until then, and the grace counts
        from the call's end."""
        booth_id = UUID(str(timer.payload["booth"]))
        account_id = UUID(str(timer.payload["account"]))
        topic, member = f"booth:{booth_id}:staff", str(account_id)
        if self._presence.is_here(topic, member):
            return
        try:
            if await self._presence.present_elsewhere(topic, member):
                return
        except Exception:  # the shared store is down: offline is the safe side
            log.exception("presence of %s at booth %s on other nodes unknown", member, booth_id)
        due = await self._lapse_due(conn, booth_id, account_id)
        if due is None:
            return
        if due <= self._clock.now():
            booth = await self._lock_booth(conn, booth_id)
            due = await self._lapse_due(conn, booth_id, account_id)  # as of the lock
            if due is None:
                return
            if due <= self._clock.now():
                tx = OutboxTransaction(conn)
                await self._set_staff(tx, booth_id, account_id, StaffStatus.OFFLINE)
                await self._refresh(tx, booth)
                await self._outbox.append_in_timer(conn, tx.take())
                return
        await schedule(conn, STAFF_AWAY_KIND, timer.key, due, timer.payload)

    async def set_queue_status(
        self,
        booth_id: UUID,
        account_id: UUID | None,
        status: QueueStatus,
        *,
        by_system: bool = False,
    ) -> None:
        async with self._outbox.transaction() as tx:
            booth = await self._lock_booth(tx.conn, booth_id)
            if not by_system:
                await self._require_staff(tx.conn, booth_id, account_id)
            if status is not QueueStatus.CLOSED and not _may_open(booth):
                raise Problem(
                    "booth.closed",
                    "this booth is closed (or not approved), so its line stays closed",
                    extra={"booth_status": booth["booth_status"]},
                )
            await self._change_status(tx, booth, status)

    async def _change_status(
        self, tx: OutboxTransaction, booth: dict[str, Any], status: QueueStatus
    ) -> None:
        """The one way a line's status changes (staff, or its hours), under the booth lock."""
        if booth["queue_status"] == status:
            return
        booth_id = booth["id"]
        await tx.conn.execute(
            "UPDATE booth_queues SET status = $2, changed_at = $3 WHERE booth_id = $1",
            booth_id,
            status.value,
            self._clock.now(),
        )
        tx.emit(f"booth:{booth_id}", "queue.status", {"status": status.value})
        booth["queue_status"] = status
        if status is QueueStatus.OPEN:
            # The fair day ends at 24:00 in the fair's zone, open or not by then.
            await schedule(
                tx.conn,
                DAY_CLOSE_KIND,
                f"{DAY_CLOSE_KIND}:{booth_id}",
                day_end(self._clock.now(), booth["time_zone"]),
                {"booth": str(booth_id)},
            )
            await self._room_freed(tx, booth)

    # -- following the opening hours ---------------------------------------------------
    #
    # A line that follows its booth's hours is set open or closed by them at every
    # boundary (an opening's start or end), by one durable ``queue.hours`` timer per
    # booth. Between boundaries staff may still pause, close or open it by hand; the
    # next boundary sets it to what the hours say again. Closing by the hours is the
    # same as closing by hand: no one new joins, those in line are still served, and
    # 24:00 fair time expires who is left.

    async def set_follow_hours(self, booth_id: UUID, staff_id: UUID | None, follow: bool) -> None:
        """Turn following the hours on (the line takes the status the hours give now,
        and a timer waits for the next boundary) or off (the timer goes; the line keeps
        its status). Emits ``queue.follow_hours {follow}`` on ``booth:<id>:staff``."""
        async with self._outbox.transaction() as tx:
            booth = await self._lock_booth(tx.conn, booth_id)
            await self._require_staff(tx.conn, booth_id, staff_id)
            changed = await tx.conn.fetchval(
                "UPDATE booth_queues SET follow_hours = $2"
                " WHERE booth_id = $1 AND follow_hours <> $2 RETURNING booth_id",
                booth_id,
                follow,
            )
            if changed is None:
                return
            tx.emit(f"booth:{booth_id}:staff", "queue.follow_hours", {"follow": follow})
            if follow:
                await self._follow_hours(tx, booth)
            else:
                await cancel(tx.conn, f"{HOURS_KIND}:{booth_id}")

    async def _follow_hours(self, tx: OutboxTransaction, booth: dict[str, Any]) -> None:
        """If the line follows its hours: the status they give now, and the timer for the
        next boundary (none after the fair's last opening)."""
        row = await tx.conn.fetchrow(
            "SELECT q.follow_hours, b.hours, f.starts_on, f.ends_on FROM booth_queues q"
            " JOIN booths b ON b.id = q.booth_id JOIN fairs f ON f.id = b.fair_id"
            " WHERE q.booth_id = $1",
            booth["id"],
        )
        if row is None or not row["follow_hours"]:
            return
        hours = hours_now(
            hours_of(row["hours"]),
            booth["time_zone"],
            row["starts_on"],
            row["ends_on"],
            self._clock.now(),
        )
        opens = hours.open and _may_open(booth)
        await self._change_status(tx, booth, QueueStatus.OPEN if opens else QueueStatus.CLOSED)
        key = f"{HOURS_KIND}:{booth['id']}"
        if hours.changes_at is None:
            await cancel(tx.conn, key)
        else:
            await schedule(tx.conn, HOURS_KIND, key, hours.changes_at, {"booth": str(booth["id"])})

    async def hours_changed(self, conn: Connection, booth_id: UUID) -> None:
        """A booth's hours were edited (in ``conn``'s transaction): a line following them
        takes the new hours at once — its timer is moved to now, and firing it sets the
        status and finds the next boundary."""
        following = await conn.fetchval(
            "SELECT follow_hours FROM booth_queues WHERE booth_id = $1", booth_id
        )
        if following:
            key = f"{HOURS_KIND}:{booth_id}"
            await schedule(conn, HOURS_KIND, key, self._clock.now(), {"booth": str(booth_id)})

    async def booth_changed(self, conn: Connection, booth_id: UUID) -> None:
        """A booth was closed, declined, withdrawn or reopened (in ``conn``'s
        transaction): its ``queue.hours`` timer fires at once, so a closed booth's line
        closes and a reopened one following its hours takes them again."""
        key = f"{HOURS_KIND}:{booth_id}"
        await schedule(conn, HOURS_KIND, key, self._clock.now(), {"booth": str(booth_id)})

    async def on_hours(self, conn: Connection, timer: Timer) -> None:
        """Registered for ``queue.hours``: a boundary of the booth's hours, an edit of
        them, or a change of the booth's own status. A booth that is not open to the
        public (closed, or its employer unverified) has its line closed; otherwise a line
        following its hours takes what they say at the runner's clock — after downtime
        that is now, not the missed boundary."""
        tx = OutboxTransaction(conn)
        booth = await self._lock_booth(conn, UUID(str(timer.payload["booth"])))
        if not _may_open(booth):
            await self._change_status(tx, booth, QueueStatus.CLOSED)
        await self._follow_hours(tx, booth)
        await self._outbox.append_in_timer(conn, tx.take())

    async def call(
        self, booth_id: UUID, staff_id: UUID, ticket_id: UUID | None = None
    ) -> dict[str, Any]:
        """Call the next callable candidate (or one chosen ticket): exactly one wins.

        One statement (``server.store.queue_steps.CALL_NEXT`` or ``CALL_CHOSEN``): the claim follows
        ``call_order``, skipping candidates busy elsewhere; candidates away longer than
        the grace period on the way get a pass. If another booth calls the same
        candidate in the same instant, the unique index on calls per candidate refuses
        this statement and it is tried again (then that candidate is busy elsewhere).
        """
        settings = self.settings
        for _ in range(CALL_ATTEMPTS):
            now = self._clock.now()
            async with self._pool.acquire() as conn:
                try:
                    result = await steps.call(
                        conn,
                        booth_id,
                        staff_id,
                        now,
                        now - timedelta(seconds=settings.grace_s),
                        now + timedelta(seconds=settings.ring_s),
                        ticket_id,
                        MAX_PASSES,
                    )
                except asyncpg.UniqueViolationError as exc:
                    if "staff" in (exc.constraint_name or ""):
                        raise Problem("queue.staff_busy", "you are already in a call") from None
                    continue  # called elsewhere a moment ago: they keep their place
                await self._outbox.publish(result.events)
                if result.events:
                    self.refresh_soon(booth_id)
                if result.ticket is not None:
                    return {**result.ticket, "ring_until": now + timedelta(seconds=settings.ring_s)}
                if not await self._call_refused(conn, booth_id, staff_id, ticket_id):
                    break
        raise Problem("queue.empty", "nobody is waiting who can be called now")

    async def _call_refused(
        self, conn: Connection, booth_id: UUID, staff_id: UUID, ticket_id: UUID | None
    ) -> bool:
        """Why a call claimed nobody; True if someone became callable meanwhile (the
        statement's snapshot predates a join it waited for): then try again."""
        found = await conn.fetchrow(
            _CALL_REFUSED_NEXT if ticket_id is None else _CALL_REFUSED_CHOSEN,
            booth_id,
            staff_id,
            ticket_id,
            self._clock.now() - timedelta(seconds=self.settings.grace_s),
            self._clock.now(),
        )
        assert found is not None
        if not found["staff"]:
            raise Problem("auth.forbidden", "only this booth's staff may do that")
        if found["ringing"]:
            raise Problem("queue.staff_busy", "you are already in a call")
        status = found["status"]
        if status != StaffStatus.AVAILABLE:
            # About the caller, not a ticket: in a call, or paused or offline.
            busy = status == StaffStatus.IN_CALL
            raise Problem(
                "queue.staff_busy" if busy else "queue.not_available",
                "you are already in a call" if busy else "set yourself available to call",
                extra={"staff_status": status or StaffStatus.OFFLINE.value},
            )
        if found["callable"]:
            return True
        if ticket_id is not None:
            raise Problem("queue.wrong_state", "that ticket cannot be called now")
        return False

    async def complete(self, ticket_id: UUID, staff_id: UUID) -> dict[str, Any]:
        """The interview is over: the ticket is done and its service time counts. One
        statement (see ``server.store.queue_steps``)."""
        async with self._pool.acquire() as conn:
            result = await steps.complete(conn, ticket_id, staff_id, self._clock.now())
            if result.ticket is None:
                await self._refused(conn, ticket_id, staff_id=staff_id)
        await self._outbox.publish(result.events)
        assert result.ticket is not None
        booth_id = result.ticket["booth_id"]
        self._models.pop(booth_id, None)  # a new service time: refit at the next estimate
        self.refresh_soon(booth_id)
        return result.ticket

    async def remove(self, ticket_id: UUID, staff_id: UUID, reason: str) -> None:
        async with self._outbox.transaction() as tx:
            ticket = await self._ticket(tx.conn, ticket_id, for_update=False)
            booth = await self._lock_booth(tx.conn, ticket["booth_id"])
            await self._require_staff(tx.conn, booth["id"], staff_id)
            ticket = await self._ticket(tx.conn, ticket_id)
            if TicketState(ticket["state"]) not in ACTIVE:
                raise Problem("queue.wrong_state", f"the ticket is {ticket['state']}")
            row = await self._set_state(
                tx.conn,
                ticket_id,
                TicketState.REMOVED,
                reason=reason,
                ended_at=self._clock.now(),
            )
            await cancel(tx.conn, f"{RING_KIND}:{ticket_id}")
            if ticket["state"] in (TicketState.WAITING, TicketState.NOTIFIED):
                self._public(tx, booth, "queue.removed", {"token": row["token"]})
            if ticket["called_by"] is not None:
                await self._set_staff(tx, booth["id"], ticket["called_by"], StaffStatus.AVAILABLE)
                await self._busy_elsewhere(tx, row["candidate_id"], booth["id"], False)
            self._announce(tx, row)
            # The reason stays with the staff (the console records it "with the ticket";
            # the holder's views never carry it): the candidate is told which line.
            await notify(tx, row["candidate_id"], "ticket.removed", _ended(row), self._clock.now())
            await self._room_freed(tx, booth)
        self.refresh_soon(booth["id"])

    # -- presence of candidates (reconnect grace) ---------------------------------------

    @contextlib.asynccontextmanager
    async def _in_turn(self, candidate_id: UUID) -> AsyncIterator[None]:
        """One candidate's comings and goings are recorded in the order they happened
        (the gateway starts each hook as a task; an asyncio lock is first come, first
        served, and each hook takes it before its first await)."""
        lock = self._presence_locks.setdefault(candidate_id, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            if not lock.locked() and self._presence_locks.get(candidate_id) is lock:
                del self._presence_locks[candidate_id]

    async def candidate_gone(self, candidate_id: UUID) -> None:
        """The candidate's last "me" connection here closed: they keep every place, staff
        see "reconnecting", and an interview in progress is interrupted if they stay
        away past the grace period (a durable ``queue.grace`` timer). Not while they are
        still connected through another node (a second tab, another device)."""
        async with self._in_turn(candidate_id):
            member = str(candidate_id)
            try:
                if await self._presence.present_elsewhere(f"user:{member}", member):
                    return
            except Exception:  # the shared store is down: marking away is the safe side
                log.exception("presence of %s on other nodes unknown", member)
            async with self._outbox.transaction() as tx:
                now = self._clock.now()
                rows = await tx.conn.fetch(
                    """
                    WITH away AS (
                      INSERT INTO queue_absences (candidate_id, since) VALUES ($1, $2)
                      ON CONFLICT (candidate_id) DO NOTHING RETURNING since)
                    SELECT t.id, t.booth_id, t.state, away.since FROM away
                      JOIN tickets t ON t.candidate_id = $1 AND t.state = ANY($3::text[])
                    """,
                    candidate_id,
                    now,
                    [s.value for s in ACTIVE],
                )
                for row in rows:
                    tx.emit(
                        f"booth:{row['booth_id']}:staff",
                        "roster.flags",
                        {
                            "ticket_id": str(row["id"]),
                            "reconnecting": True,
                            "away_since": row["since"].isoformat(),
                        },
                    )
                    if row["state"] == TicketState.IN_INTERVIEW:
                        due = row["since"] + timedelta(seconds=self.settings.grace_s)
                        await schedule(
                            tx.conn,
                            GRACE_KIND,
                            f"{GRACE_KIND}:{row['id']}",
                            due,
                            {"ticket": str(row["id"])},
                        )

    async def candidate_back(self, candidate_id: UUID) -> None:
        """The candidate subscribed to "me" again (a new tab, a resumed connection).

        Every ``me`` subscription comes here, so the usual case — nobody was away — is
        one autocommit statement; only a return from an absence writes events (then,
        were the node to die in between, the grace timer finds no absence and does
        nothing, and the staff's next snapshot shows the truth). The connection is
        written to the shared presence first, so that another node losing one of the
        candidate's connections a moment later knows they are still here."""
        async with self._in_turn(candidate_id):
            member = str(candidate_id)
            try:
                await self._presence.publish(f"user:{member}")
            except Exception:
                log.exception("presence of %s not shared", member)
            async with self._pool.acquire() as conn:
                rows = await conn.fetch(
                    """
                    WITH back AS (DELETE FROM queue_absences WHERE candidate_id = $1
                                  RETURNING candidate_id)
                    SELECT t.id, t.booth_id, t.state FROM back
                      JOIN tickets t ON t.candidate_id = back.candidate_id
                                    AND t.state = ANY($2::text[])
                    """,
                    candidate_id,
                    [s.value for s in ACTIVE],
                )
            if not rows:
                return
            async with self._outbox.transaction() as tx:
                for row in rows:
                    tx.emit(
                        f"booth:{row['booth_id']}:staff",
                        "roster.flags",
                        {"ticket_id": str(row["id"]), "reconnecting": False, "away_since": None},
                    )
                await tx.conn.execute(
                    "DELETE FROM timers WHERE key = ANY($1::text[])",
                    [f"{GRACE_KIND}:{row['id']}" for row in rows],
                )

    async def on_grace(self, conn: Connection, timer: Timer) -> None:
        """Registered for ``queue.grace``: the candidate of an interview stayed away past
        the grace period: the interview is interrupted (the same booth may call them
        again the same fair day; the day's close expires it otherwise)."""
        ticket_id = UUID(str(timer.payload["ticket"]))
        tx = OutboxTransaction(conn)
        ticket = await self._ticket(conn, ticket_id, for_update=False)
        booth = await self._lock_booth(conn, ticket["booth_id"])
        ticket = await self._ticket(conn, ticket_id)
        away = await conn.fetchval(
            "SELECT since FROM queue_absences WHERE candidate_id = $1", ticket["candidate_id"]
        )
        limit = self._clock.now() - timedelta(seconds=self.settings.grace_s)
        if ticket["state"] != TicketState.IN_INTERVIEW or away is None or away > limit:
            return
        row = await self._set_state(conn, ticket_id, TicketState.INTERRUPTED)
        if ticket["called_by"] is not None:
            await self._set_staff(tx, booth["id"], ticket["called_by"], StaffStatus.AVAILABLE)
        await self._busy_elsewhere(tx, row["candidate_id"], booth["id"], False)
        self._announce(tx, row)
        await self._refresh(tx, booth)
        await self._outbox.append_in_timer(conn, tx.take())

    # -- timers -----------------------------------------------------------------------

    async def on_ring_timeout(self, conn: Connection, timer: Timer) -> None:
        """Registered for ``queue.ring_timeout``: the candidate did not answer in time."""
        ticket_id = UUID(str(timer.payload["ticket"]))
        tx = OutboxTransaction(conn)
        ticket = await self._ticket(conn, ticket_id, for_update=False)
        booth = await self._lock_booth(conn, ticket["booth_id"])
        ticket = await self._ticket(conn, ticket_id)
        if ticket["state"] != TicketState.CALLED:
            return
        row = await self._pass(tx, booth, ticket)
        if row["state"] == TicketState.EXPIRED:  # the second pass (a decline is not told)
            await notify(
                tx,
                row["candidate_id"],
                "ticket.expired",
                _ended(row, cause=EXPIRED_UNANSWERED),
                self._clock.now(),
            )
        await self._outbox.append_in_timer(conn, tx.take())

    async def on_day_close(self, conn: Connection, timer: Timer) -> None:
        """Registered for ``queue.day_close``: 24:00 fair time. The line closes and its
        remaining tickets expire (waiting, get-ready, ringing and interrupted ones; an
        interview in progress runs to its end). One ``booth.day_closed`` event tells
        the public topic the line is now empty; each holder gets their ticket."""
        tx = OutboxTransaction(conn)
        booth = await self._lock_booth(conn, UUID(str(timer.payload["booth"])))
        now = self._clock.now()
        rows = await conn.fetch(
            f"""
            UPDATE tickets t SET state = 'expired', changed_at = $2, ended_at = $2,
                                 called_by = NULL, called_at = NULL
              FROM tickets before
             WHERE t.id = before.id AND t.booth_id = $1
               AND t.state IN ('waiting', 'notified', 'called', 'interrupted')
            RETURNING {T_TICKET_COLUMNS}, before.state AS was, before.called_by AS caller
            """,
            booth["id"],
            now,
        )
        await conn.execute(
            "UPDATE booth_queues SET status = 'closed', changed_at = $2, eta = NULL"
            " WHERE booth_id = $1",
            booth["id"],
            now,
        )
        await conn.execute(
            "DELETE FROM timers WHERE key = ANY($1::text[])",
            [f"{RING_KIND}:{r['id']}" for r in rows if r["was"] == TicketState.CALLED],
        )
        for row in rows:
            ticket = dict(row)
            self._announce(tx, ticket)
            if ticket["was"] == TicketState.CALLED:
                await self._set_staff(tx, booth["id"], ticket["caller"], StaffStatus.AVAILABLE)
                await self._busy_elsewhere(tx, ticket["candidate_id"], booth["id"], False)
        await notify_each(
            tx,
            "ticket.expired",
            [(row["candidate_id"], _ended(dict(row), cause=EXPIRED_DAY_CLOSE)) for row in rows],
            now,
        )
        tx.emit(f"booth:{booth['id']}", "booth.day_closed", {"expired": len(rows)})
        if booth["queue_status"] != QueueStatus.CLOSED:
            tx.emit(f"booth:{booth['id']}", "queue.status", {"status": QueueStatus.CLOSED.value})
        await conn.execute("DELETE FROM queue_watchers WHERE booth_id = $1", booth["id"])
        await self._outbox.append_in_timer(conn, tx.take())

    async def on_notify(self, conn: Connection, timer: Timer) -> None:
        """Registered for ``queue.notify``: time has moved estimates; re-check "get ready"."""
        tx = OutboxTransaction(conn)
        booth = await self._lock_booth(conn, UUID(str(timer.payload["booth"])))
        await self._refresh(tx, booth)
        await self._outbox.append_in_timer(conn, tx.take())

    async def snapshot(self, conn: Connection, booth_id: UUID) -> dict[str, Any]:
        status = await conn.fetchrow(
            "SELECT q.status, q.eta, v.queue_visibility FROM booths b"
            " JOIN venues v ON v.id = b.venue_id"
            " LEFT JOIN booth_queues q ON q.booth_id = b.id WHERE b.id = $1",
            booth_id,
        )
        line = await self._line(conn, booth_id)
        visibility = status["queue_visibility"] if status else "full"
        found = {
            "status": (status and status["status"]) or QueueStatus.CLOSED.value,
            "visibility": visibility,
            "length": len(line),
        }
        if visibility == LENGTH_ONLY:  # places and waits go to each holder on "me"
            return {**found, "line": None, "eta": None}
        return {
            **found,
            "line": [{"token": t.token, "busy": t.busy_elsewhere} for t in line],
            "eta": status["eta"] if status else None,
        }

    async def set_visibility(self, venue_id: UUID, visibility: str) -> None:
        """Show or hide places and waits on the venue's public booth topics. Followers of
        each booth get ``queue.visibility`` and take a fresh snapshot."""
        async with self._outbox.transaction() as tx:
            booths = await tx.conn.fetch(
                """
                WITH changed AS (
                  UPDATE venues SET queue_visibility = $2
                   WHERE id = $1 AND queue_visibility <> $2 RETURNING id)
                SELECT b.id FROM booths b JOIN changed c ON c.id = b.venue_id
                """,
                venue_id,
                visibility,
            )
            for booth in booths:
                tx.emit(f"booth:{booth['id']}", "queue.visibility", {"visibility": visibility})

    async def staff_snapshot(self, conn: Connection, booth_id: UUID) -> dict[str, Any]:
        rows = await conn.fetch(
            f"""
            SELECT {T_TICKET_COLUMNS},
                   EXISTS (SELECT 1 FROM tickets o WHERE o.candidate_id = t.candidate_id
                              AND o.booth_id <> t.booth_id
                              AND o.state IN ('called', 'in_interview')) AS busy_elsewhere,
                   a.since IS NOT NULL AS reconnecting, a.since AS away_since,
                   t.held_for, t.held_until
              FROM tickets t LEFT JOIN queue_absences a ON a.candidate_id = t.candidate_id
             WHERE t.booth_id = $1 AND t.state IN {tickets_store.ACTIVE_IN}
             ORDER BY t.priority, t.call_key, t.id
            """,
            booth_id,
        )
        # The booth's own flag rides along (an uncorrelated subquery: evaluated once).
        staff = await conn.fetch(
            "SELECT s.account_id, coalesce(ss.status, 'offline') AS status, s.only_handoffs,"
            " (SELECT q.follow_hours FROM booth_queues q WHERE q.booth_id = $1) AS follow_hours"
            " FROM booth_staff s LEFT JOIN staff_status ss"
            " ON ss.booth_id = s.booth_id AND ss.account_id = s.account_id"
            " WHERE s.booth_id = $1 ORDER BY s.account_id",
            booth_id,
        )
        follow_hours = bool(staff) and bool(staff[0]["follow_hours"])
        handoffs = await handoffs_store.from_booth(
            conn, booth_id, self._clock.now() - HANDOFFS_SHOWN
        )
        return {
            "now": self._clock.now().isoformat(),  # waits are counted from join times
            "follow_hours": follow_hours,
            "roster": [roster_view(dict(r)) for r in rows],
            "handoffs": [handoffs_store.handoff_view(r) for r in handoffs],
            "staff": [
                {
                    "account_id": str(r["account_id"]),
                    "status": r["status"],
                    "only_handoffs": r["only_handoffs"],
                }
                for r in staff
            ],
        }

    async def my_tickets(self, candidate_id: UUID) -> list[dict[str, Any]]:
        async with self._pool.acquire() as conn:
            return await tickets_store.holder_tickets(conn, candidate_id)

    def now(self) -> datetime:
        return self._clock.now()

    async def admit_within(
        self,
        tx: OutboxTransaction,
        booth_id: UUID,
        candidate_id: UUID,
        *,
        kind: TicketKind,
        call_key: float,
        joined_at: datetime | None = None,
        lane: Lane = Lane.GENERAL,
        handed_from: UUID | None = None,
        booking_id: UUID | None = None,
    ) -> dict[str, Any] | None:
        """Put a due reservation or a handoff in the booth's line inside the caller's
        transaction, at the place its kind and key give it (no capacity or per-fair limit
        check). None when the candidate already holds an active ticket at this booth."""
        booth = await self._lock_booth(tx.conn, booth_id)
        if booth["booth_status"] != "approved" or not booth["public"]:
            raise Problem("booth.not_found", "no such booth")
        now = self._clock.now()
        result = await steps.admit(
            tx.conn,
            booth_id,
            candidate_id,
            now,
            uuid7(),
            secrets.token_urlsafe(12),
            kind=kind.value,
            lane=lane.value,
            call_key=call_key,
            joined_at=now if joined_at is None else joined_at,
            handed_from=handed_from,
            booking_id=booking_id,
        )
        if result.ticket is None:
            return None
        tx.announce(result.events)
        tx.after_commit(lambda: self.refresh_soon(booth_id))
        return result.ticket

    async def complete_within(
        self, tx: OutboxTransaction, ticket_id: UUID, staff_id: UUID
    ) -> dict[str, Any]:
        """:meth:`complete` inside the caller's transaction (an interview's outcome is
        recorded with the ticket's completion, or not at all): the same one statement,
        its events announced and the wait table refreshed once the caller commits."""
        result = await steps.complete(tx.conn, ticket_id, staff_id, self._clock.now())
        if result.ticket is None:
            await self._refused(tx.conn, ticket_id, staff_id=staff_id)
        assert result.ticket is not None
        tx.announce(result.events)
        booth_id = result.ticket["booth_id"]

        def settled() -> None:
            self._models.pop(booth_id, None)  # a new service time: refit
            self.refresh_soon(booth_id)

        tx.after_commit(settled)
        return result.ticket

    async def expire_within(
        self, tx: OutboxTransaction, ticket_id: UUID, *, reason: str
    ) -> dict[str, Any] | None:
        """End a ticket still in line as ``expired`` with ``reason``, inside the caller's
        transaction (a reservation's no-show); a ticket that already expired unanswered
        only gets the reason. Returns the changed ticket, or None if it changed nothing
        but the reason."""
        ticket = await self._ticket(tx.conn, ticket_id, for_update=False)
        booth = await self._lock_booth(tx.conn, ticket["booth_id"])
        ticket = await self._ticket(tx.conn, ticket_id)
        if ticket["state"] == TicketState.EXPIRED:
            await tx.conn.execute(
                "UPDATE tickets SET reason = $2 WHERE id = $1 AND reason = ''", ticket_id, reason
            )
            return None
        if TicketState(ticket["state"]) not in IN_LINE:
            return None
        row = await self._set_state(
            tx.conn, ticket_id, TicketState.EXPIRED, reason=reason, ended_at=self._clock.now()
        )
        self._public(tx, booth, "queue.removed", {"token": row["token"]})
        self._announce(tx, row)
        await self._room_freed(tx, booth)
        tx.after_commit(lambda: self.refresh_soon(booth["id"]))
        return row
