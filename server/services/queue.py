"""Booth queues: join, leave, call, accept, decline, complete — each one transaction.

Every change to a booth's line takes the booth's queue row lock first, so changes to one
booth are serialised; calls across booths are kept apart by the database itself (a
candidate or a staff member can hold only one call at a time: unique partial indexes),
so "next candidate" is won by exactly one recruiter and reaches exactly one candidate.

Events (ids and opaque tokens only):

* ``booth:<id>``: ``queue.joined {token, after}``, ``queue.removed {token}``,
  ``queue.busy {token, busy}``, ``queue.eta {table}``, ``queue.status {status}``;
* ``booth:<id>:staff``: ``roster.ticket {ticket}`` (ids, state, passes, join time),
  ``staff.status {account_id, status}``;
* ``me`` (``user:<id>``): ``ticket.updated {ticket}`` — with the holder's own token.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from server.domain.queue import (
    ACTIVE,
    IN_LINE,
    QueueStatus,
    ServiceModel,
    StaffStatus,
    Ticket,
    TicketState,
    after_pass,
    call_order,
    callable_order,
    eta_table,
    should_notify,
    wait_range,
)
from server.errors import Problem
from server.ids import uuid7
from server.realtime.outbox import Outbox, OutboxTransaction
from server.realtime.presence import Presence
from server.services.notifications import notify
from server.store.db import Connection
from server.timers import Clock, Timer, cancel, schedule

RING_KIND = "queue.ring_timeout"
CALL_ATTEMPTS = 3


class _CalledElsewhere(Exception):
    """The chosen candidate was called at another booth in the same instant."""


NOTIFY_KIND = "queue.notify"
HISTORY = 30  # service times used for the estimate


@dataclass(frozen=True, slots=True)
class QueueSettings:
    lines_per_candidate: int = 3
    get_ready_s: float = 60.0
    ring_s: float = 45.0


def ticket_view(row: dict[str, Any]) -> dict[str, Any]:
    """The holder's own view of a ticket (it includes their token)."""
    ring_until = None
    if row["state"] == TicketState.CALLED and row["called_at"] is not None:
        ring_until = row.get("ring_until")
    return {
        "id": str(row["id"]),
        "booth_id": str(row["booth_id"]),
        "token": row["token"],
        "state": row["state"],
        "passes": row["passes"],
        "joined_at": row["joined_at"].isoformat(),
        "ring_until": ring_until.isoformat() if ring_until else None,
    }


def roster_view(row: dict[str, Any]) -> dict[str, Any]:
    """What booth staff see of a ticket on their topic: ids and flags, no profile."""
    return {
        "ticket_id": str(row["id"]),
        "candidate_id": str(row["candidate_id"]),
        "state": row["state"],
        "passes": row["passes"],
        "joined_at": row["joined_at"].isoformat(),
        "called_by": str(row["called_by"]) if row["called_by"] else None,
    }


TICKET_COLUMNS = (
    "id, fair_id, booth_id, candidate_id, token, state, passes, joined_at, changed_at,"
    " called_by, called_at, started_at, ended_at, reason"
)


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

    # -- helpers ----------------------------------------------------------------------

    async def _lock_booth(self, conn: Connection, booth_id: UUID) -> dict[str, Any]:
        """Lock the booth's queue row (creating it, closed, the first time) and return the
        booth with its queue status: every change to one booth's line is serialised here."""
        query = """
            SELECT b.id, b.fair_id, b.venue_id, b.employer_id, b.capacity, b.slot_minutes,
                   b.status AS booth_status, q.status AS queue_status, q.eta,
                   e.verified_at IS NOT NULL OR b.employer_id IS NULL AS public
              FROM booth_queues q JOIN booths b ON b.id = q.booth_id
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
        now = self._clock.now()
        assignments = ["state = $2", "changed_at = $3"]
        values: list[Any] = [ticket_id, state.value, now]
        for name, value in fields.items():
            values.append(value)
            assignments.append(f"{name} = ${len(values)}")
        row = await conn.fetchrow(
            f"UPDATE tickets SET {', '.join(assignments)} WHERE id = $1 RETURNING {TICKET_COLUMNS}",
            *values,
        )
        assert row is not None
        return dict(row)

    def _announce(self, tx: OutboxTransaction, row: dict[str, Any], **extra: Any) -> None:
        view = ticket_view(row)
        view.update(extra)
        tx.emit(f"user:{row['candidate_id']}", "ticket.updated", {"ticket": view})
        tx.emit(f"booth:{row['booth_id']}:staff", "roster.ticket", {"ticket": roster_view(row)})

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
        """The line in call order, and (serving, free) staff — one round trip."""
        row = await conn.fetchrow(
            """
            SELECT
              (SELECT count(*) FROM staff_status WHERE booth_id = $1
                  AND status IN ('available', 'in_call')) AS serving,
              (SELECT count(*) FROM staff_status WHERE booth_id = $1
                  AND status = 'available') AS free,
              (SELECT coalesce(json_agg(json_build_object(
                          'id', t.id, 'token', t.token, 'candidate_id', t.candidate_id,
                          'state', t.state, 'joined_at', t.joined_at, 'passes', t.passes,
                          'busy', EXISTS (SELECT 1 FROM tickets o
                                           WHERE o.candidate_id = t.candidate_id
                                             AND o.state IN ('called', 'in_interview')))
                        ORDER BY t.joined_at, t.id), '[]'::json)
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
        """(serving, free): staff available or in a call, and those available now."""
        rows = await conn.fetch(
            "SELECT status, count(*) AS n FROM staff_status WHERE booth_id = $1 GROUP BY status",
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
            tx.emit(f"booth:{booth['id']}", "queue.eta", {"table": published})
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

    async def _busy_elsewhere(
        self, tx: OutboxTransaction, candidate_id: UUID, except_booth: UUID, busy: bool
    ) -> None:
        rows = await tx.conn.fetch(
            "SELECT booth_id, token FROM tickets WHERE candidate_id = $1 AND booth_id <> $2"
            " AND state IN ('waiting', 'notified')",
            candidate_id,
            except_booth,
        )
        for row in rows:
            tx.emit(f"booth:{row['booth_id']}", "queue.busy", {"token": row["token"], "busy": busy})

    # -- candidates -------------------------------------------------------------------

    async def join(self, booth_id: UUID, candidate_id: UUID) -> dict[str, Any]:
        settings = self.settings
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            # One candidate's joins are serialised (the per-fair limit is a count).
            await conn.execute("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", candidate_id)
            booth = await self._lock_booth(conn, booth_id)
            if booth["booth_status"] != "approved" or not booth["public"]:
                raise Problem("booth.not_found", "no such booth")
            if booth["queue_status"] != QueueStatus.OPEN:
                raise Problem(
                    "queue.closed",
                    "this booth is not taking candidates now",
                    extra={"status": booth["queue_status"]},
                )
            active = await conn.fetchval(
                "SELECT count(*) FROM tickets WHERE candidate_id = $1 AND fair_id = $2"
                " AND state = ANY($3::text[])",
                candidate_id,
                booth["fair_id"],
                [s.value for s in ACTIVE],
            )
            if active >= settings.lines_per_candidate:
                raise Problem(
                    "queue.limit",
                    f"you can be in at most {settings.lines_per_candidate} lines at once",
                    extra={"limit": settings.lines_per_candidate},
                )
            line = await self._line(conn, booth_id)
            if any(t.candidate_id == str(candidate_id) for t in line):
                raise Problem("queue.already_joined", "you are already in this line")
            if len(line) >= booth["capacity"]:
                serving, free = await self._staffing(conn, booth_id)
                wait = wait_range(len(line), serving, free, await self._model(conn, booth))
                raise Problem(
                    "queue.full",
                    "this line is full; ask to be told when there is room",
                    extra={"wait": None if wait is None else [wait.low, wait.high]},
                )
            now = self._clock.now()
            ticket_id = uuid7()
            token = secrets.token_urlsafe(12)
            try:
                row = await conn.fetchrow(
                    f"""
                    INSERT INTO tickets (id, fair_id, booth_id, candidate_id, token, state,
                                         joined_at, changed_at)
                    VALUES ($1, $2, $3, $4, $5, 'waiting', $6, $6)
                    RETURNING {TICKET_COLUMNS}
                    """,
                    ticket_id,
                    booth["fair_id"],
                    booth_id,
                    candidate_id,
                    token,
                    now,
                )
            except asyncpg.UniqueViolationError:
                raise Problem("queue.already_joined", "you are already in this line") from None
            assert row is not None
            ticket = dict(row)
            after = line[-1].token if line else None
            tx.emit(f"booth:{booth_id}", "queue.joined", {"token": token, "after": after})
            busy = await conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM tickets WHERE candidate_id = $1"
                " AND state IN ('called', 'in_interview'))",
                candidate_id,
            )
            if busy:
                tx.emit(f"booth:{booth_id}", "queue.busy", {"token": token, "busy": True})
            await conn.execute(
                "DELETE FROM queue_watchers WHERE booth_id = $1 AND candidate_id = $2",
                booth_id,
                candidate_id,
            )
            self._announce(tx, ticket)
            await self._refresh(tx, booth)
            return await self._ticket(conn, ticket_id, for_update=False)

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
            tx.emit(f"booth:{booth['id']}", "queue.removed", {"token": row["token"]})
            self._announce(tx, row)
            await self._room_freed(tx, booth)
            await self._refresh(tx, booth)

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
        async with self._outbox.transaction() as tx:
            ticket = await self._ticket(tx.conn, ticket_id, for_update=False)
            if ticket["candidate_id"] != candidate_id:
                raise Problem("ticket.not_found", "no such ticket")
            booth = await self._lock_booth(tx.conn, ticket["booth_id"])
            ticket = await self._ticket(tx.conn, ticket_id)
            if ticket["state"] != TicketState.CALLED:
                raise Problem("queue.wrong_state", f"the ticket is {ticket['state']}")
            row = await self._set_state(
                tx.conn, ticket_id, TicketState.IN_INTERVIEW, started_at=self._clock.now()
            )
            await cancel(tx.conn, f"{RING_KIND}:{ticket_id}")
            await self._set_staff(tx, booth["id"], row["called_by"], StaffStatus.IN_CALL)
            self._announce(tx, row)
            await self._refresh(tx, booth)
            return row

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
            ahead = [t for t in line if (t.joined_at, t.id) < (row["joined_at"], str(row["id"]))]
            after = ahead[-1].token if ahead else None
            tx.emit(f"booth:{booth['id']}", "queue.joined", {"token": row["token"], "after": after})
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
            if status is StaffStatus.AVAILABLE and not self._presence.is_present(
                f"booth:{booth_id}:staff", str(account_id)
            ):
                raise Problem(
                    "queue.not_present",
                    "open the booth console (connected to booth:<id>:staff) to become available",
                )
            await self._set_staff(tx, booth_id, account_id, status)
            await self._refresh(tx, booth)

    async def staff_gone(self, booth_id: UUID, account_id: UUID) -> None:
        """The staff member's booth console disconnected: available or paused become
        offline (a call in progress keeps its status until it ends), so wait estimates
        and "get ready" notices stop counting someone who is not there."""
        async with self._outbox.transaction() as tx:
            booth = await self._lock_booth(tx.conn, booth_id)
            status = await tx.conn.fetchval(
                "SELECT status FROM staff_status WHERE booth_id = $1 AND account_id = $2",
                booth_id,
                account_id,
            )
            if status not in (StaffStatus.AVAILABLE, StaffStatus.PAUSED):
                return
            await self._set_staff(tx, booth_id, account_id, StaffStatus.OFFLINE)
            await self._refresh(tx, booth)

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
            if booth["queue_status"] == status:
                return
            await tx.conn.execute(
                "UPDATE booth_queues SET status = $2, changed_at = $3 WHERE booth_id = $1",
                booth_id,
                status.value,
                self._clock.now(),
            )
            tx.emit(f"booth:{booth_id}", "queue.status", {"status": status.value})
            booth["queue_status"] = status
            if status is QueueStatus.OPEN:
                await self._room_freed(tx, booth)

    async def call(
        self, booth_id: UUID, staff_id: UUID, ticket_id: UUID | None = None
    ) -> dict[str, Any]:
        """Call the next callable candidate (or one chosen ticket): exactly one wins.

        The line is read under the booth's lock, skipping candidates busy elsewhere; if
        another booth calls the same candidate in the same instant, the unique index on
        calls per candidate aborts this transaction and the call is tried again.
        """
        for _ in range(CALL_ATTEMPTS - 1):
            try:
                return await self._call_once(booth_id, staff_id, ticket_id)
            except _CalledElsewhere:
                continue
        try:
            return await self._call_once(booth_id, staff_id, ticket_id)
        except _CalledElsewhere:
            raise Problem("queue.empty", "nobody is waiting who can be called now") from None

    async def _call_once(
        self, booth_id: UUID, staff_id: UUID, ticket_id: UUID | None
    ) -> dict[str, Any]:
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            booth = await self._lock_booth(conn, booth_id)
            await self._require_staff(conn, booth_id, staff_id)
            mine = await conn.fetchrow(
                """
                SELECT (SELECT status FROM staff_status
                         WHERE booth_id = $1 AND account_id = $2) AS status,
                       EXISTS (SELECT 1 FROM tickets WHERE called_by = $2
                                  AND state IN ('called', 'in_interview')) AS ringing
                """,
                booth_id,
                staff_id,
            )
            assert mine is not None
            status = mine["status"]
            if mine["ringing"]:
                raise Problem("queue.staff_busy", "you are already in a call")
            if status != StaffStatus.AVAILABLE:
                raise Problem(
                    "queue.staff_busy" if status == StaffStatus.IN_CALL else "queue.wrong_state",
                    "set yourself available before calling",
                    extra={"staff_status": status or StaffStatus.OFFLINE.value},
                )
            candidates = callable_order(await self._line(conn, booth_id))
            if ticket_id is not None:
                candidates = [t for t in candidates if t.id == str(ticket_id)]
                if not candidates:
                    raise Problem("queue.wrong_state", "that ticket cannot be called now")
            now = self._clock.now()
            for choice in candidates:
                try:
                    async with conn.transaction():  # a savepoint per attempt
                        row = await self._set_state(
                            conn,
                            UUID(choice.id),
                            TicketState.CALLED,
                            called_by=staff_id,
                            called_at=now,
                        )
                except asyncpg.UniqueViolationError as exc:
                    if "staff" in (exc.constraint_name or ""):
                        raise Problem("queue.staff_busy", "you are already in a call") from None
                    continue  # called elsewhere a moment ago: they keep their place
                ring_until = now + timedelta(seconds=self.settings.ring_s)
                await schedule(
                    conn,
                    RING_KIND,
                    f"{RING_KIND}:{choice.id}",
                    ring_until,
                    {"ticket": choice.id, "called_at": now.isoformat()},
                )
                tx.emit(f"booth:{booth_id}", "queue.removed", {"token": row["token"]})
                await self._busy_elsewhere(tx, row["candidate_id"], booth_id, True)
                self._announce(
                    tx, {**row, "ring_until": ring_until}, ring_until=ring_until.isoformat()
                )
                await self._refresh(tx, booth)
                return {**row, "ring_until": ring_until}
            raise Problem("queue.empty", "nobody is waiting who can be called now")

    async def complete(self, ticket_id: UUID, staff_id: UUID) -> dict[str, Any]:
        """The interview is over: the ticket is done and its service time counts."""
        async with self._outbox.transaction() as tx:
            ticket = await self._ticket(tx.conn, ticket_id, for_update=False)
            booth = await self._lock_booth(tx.conn, ticket["booth_id"])
            await self._require_staff(tx.conn, booth["id"], staff_id)
            ticket = await self._ticket(tx.conn, ticket_id)
            if ticket["state"] != TicketState.IN_INTERVIEW:
                raise Problem("queue.wrong_state", f"the ticket is {ticket['state']}")
            row = await self._set_state(
                tx.conn, ticket_id, TicketState.DONE, ended_at=self._clock.now()
            )
            if ticket["called_by"] is not None:
                await self._set_staff(tx, booth["id"], ticket["called_by"], StaffStatus.AVAILABLE)
            await self._busy_elsewhere(tx, row["candidate_id"], booth["id"], False)
            self._announce(tx, row)
            await self._room_freed(tx, booth)
            await self._refresh(tx, booth)
            return row

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
                tx.emit(f"booth:{booth['id']}", "queue.removed", {"token": row["token"]})
            if ticket["called_by"] is not None:
                await self._set_staff(tx, booth["id"], ticket["called_by"], StaffStatus.AVAILABLE)
                await self._busy_elsewhere(tx, row["candidate_id"], booth["id"], False)
            self._announce(tx, row)
            await self._room_freed(tx, booth)
            await self._refresh(tx, booth)

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
        await self._pass(tx, booth, ticket)
        await self._outbox.append_in_timer(conn, tx.take())

    async def on_notify(self, conn: Connection, timer: Timer) -> None:
        """Registered for ``queue.notify``: time has moved estimates; re-check "get ready"."""
        tx = OutboxTransaction(conn)
        booth = await self._lock_booth(conn, UUID(str(timer.payload["booth"])))
        await self._refresh(tx, booth)
        await self._outbox.append_in_timer(conn, tx.take())

    async def snapshot(self, conn: Connection, booth_id: UUID) -> dict[str, Any]:
        status = await conn.fetchrow(
            "SELECT status, eta FROM booth_queues WHERE booth_id = $1", booth_id
        )
        line = await self._line(conn, booth_id)
        return {
            "status": status["status"] if status else QueueStatus.CLOSED.value,
            "line": [{"token": t.token, "busy": t.busy_elsewhere} for t in line],
            "eta": status["eta"] if status else None,
        }

    async def staff_snapshot(self, conn: Connection, booth_id: UUID) -> dict[str, Any]:
        rows = await conn.fetch(
            f"SELECT {TICKET_COLUMNS} FROM tickets WHERE booth_id = $1"
            " AND state = ANY($2::text[]) ORDER BY joined_at, id",
            booth_id,
            [s.value for s in ACTIVE],
        )
        staff = await conn.fetch(
            "SELECT s.account_id, coalesce(ss.status, 'offline') AS status"
            " FROM booth_staff s LEFT JOIN staff_status ss"
            " ON ss.booth_id = s.booth_id AND ss.account_id = s.account_id"
            " WHERE s.booth_id = $1 ORDER BY s.account_id",
            booth_id,
        )
        return {
            "roster": [roster_view(dict(r)) for r in rows],
            "staff": [{"account_id": str(r["account_id"]), "status": r["status"]} for r in staff],
        }

    async def my_tickets(self, candidate_id: UUID) -> list[dict[str, Any]]:
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                f"SELECT {TICKET_COLUMNS} FROM tickets WHERE candidate_id = $1"
                " AND state = ANY($2::text[]) ORDER BY joined_at",
                candidate_id,
                [s.value for s in ACTIVE],
            )
        return [dict(r) for r in rows]

    def now(self) -> datetime:
        return self._clock.now()

    async def complete_within(
        self, tx: OutboxTransaction, ticket_id: UUID, staff_id: UUID
    ) -> dict[str, Any]:
        """:meth:`complete` inside the caller's transaction (an interview's outcome is
        recorded with the ticket's completion, or not at all). Same locks, same events."""
        ticket = await self._ticket(tx.conn, ticket_id, for_update=False)
        booth = await self._lock_booth(tx.conn, ticket["booth_id"])
        await self._require_staff(tx.conn, booth["id"], staff_id)
        ticket = await self._ticket(tx.conn, ticket_id)
        if ticket["state"] != TicketState.IN_INTERVIEW:
            raise Problem("queue.wrong_state", f"the ticket is {ticket['state']}")
        row = await self._set_state(tx.conn, ticket_id, TicketState.DONE, ended_at=self.now())
        if ticket["called_by"] is not None:
            await self._set_staff(tx, booth["id"], ticket["called_by"], StaffStatus.AVAILABLE)
        await self._busy_elsewhere(tx, row["candidate_id"], booth["id"], False)
        self._announce(tx, row)
        await self._room_freed(tx, booth)
        await self._refresh(tx, booth)
        return row
