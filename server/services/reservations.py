"""Reservations: booking slots, the lottery's draw, and bookings becoming tickets.

Every change is one transaction with its events. Concurrency is the database's: a
booking locks the candidate's account row (their quotas and overlaps) and then the
slot's row (its places; ``reservation_slots.taken`` is CHECKed against the capacity),
so two nodes taking requests for one slot in the same instant cannot double-book it
and one candidate's requests cannot together break a quota. Timers lock the slot row.

Timers (durable, one per booked slot and kind):

* ``reservation.draw`` at a lottery slot's window close: the seeded draw;
* ``reservation.start`` at the slot's start: each confirmed booking becomes a priority
  ticket (``QueueService.admit_within``, kind ``reservation``, ``call_key`` the slot's
  start in epoch seconds);
* ``reservation.no_show`` at the start plus the slot's grace: who did not take their
  place is a no-show (see :meth:`ReservationService.on_no_show`), their place goes to
  the wait-list's head, and the wait-list closes.

Events: ``booking.updated {booking}`` on the candidate's ``me`` and ``booking.staff
{booking}`` (the candidate as an id) on ``booth:<id>:staff`` for every booking changed;
``slot.counts {starts_at, taken, free, requests, waitlist}`` on the public ``booth:<id>``
once per slot and transaction; notifications ``reservation.won``,
``reservation.waitlisted``, ``reservation.moved_up``, ``reservation.starting`` (ids and
times only).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from server.domain.booths import fair_dates, hours_of
from server.domain.queue import TicketKind, TicketState
from server.domain.slots import (
    CANCELLABLE,
    BookingState,
    Held,
    Quotas,
    Slot,
    SlotMode,
    SlotSettings,
    Window,
    day_bounds,
    draw,
    epoch_seconds,
    fair_day,
    no_show_outcome,
    quota_refusal,
    seed_hash,
    slots_on,
    window_at,
)
from server.errors import Problem
from server.ids import uuid7
from server.realtime.outbox import Outbox, OutboxTransaction
from server.services.notifications import notify
from server.services.queue import QueueService
from server.store import reservations as store
from server.store.db import Connection
from server.timers import Clock, Timer, after_commit, schedule

DRAW_KIND = "reservation.draw"
START_KIND = "reservation.start"
NO_SHOW_KIND = "reservation.no_show"
# Slot ids are derived from the booth and the start, so a slot has its id before anyone
# books it (and the row made by the first booking gets the same one).
SLOT_NAMESPACE = UUID("6f1d3a52-8c1e-4b7a-9d4e-5a0c2b7e9f31")
PLACE_TAKEN = {
    SlotMode.FIRST_COME: BookingState.CONFIRMED,
    SlotMode.LOTTERY: BookingState.REQUESTED,
}


def slot_id(booth_id: UUID, starts_at: datetime) -> UUID:
    return uuid.uuid5(SLOT_NAMESPACE, f"{booth_id}/{starts_at.timestamp():.0f}")


def booking_view(row: dict[str, Any]) -> dict[str, Any]:
    """A booking as its holder sees it (``booking.updated``; the HTTP answers)."""
    return {
        "id": str(row["id"]),
        "slot_id": str(row["slot_id"]),
        "booth_id": str(row["booth_id"]),
        "starts_at": row["starts_at"].isoformat(),
        "ends_at": row["ends_at"].isoformat(),
        "state": row["state"],
        "waitlist_place": row.get("place"),
        "ticket_id": str(row["ticket_id"]) if row.get("ticket_id") else None,
        "changed_at": row["changed_at"].isoformat(),
    }


def staff_booking_view(row: dict[str, Any]) -> dict[str, Any]:
    """A booking as the booth's staff see it (``booking.staff``, ``listBoothBookings``):
    the candidate as an id, as on the roster — who they are is ``getCandidate``'s."""
    view = booking_view(row)
    del view["booth_id"], view["ends_at"]
    view["candidate_id"] = str(row["candidate_id"])
    view["booked_at"] = row["requested_at"].isoformat()
    return view


class ReservationService:
    def __init__(
        self,
        pool: asyncpg.Pool,
        outbox: Outbox,
        clock: Clock,
        queue: QueueService,
        quotas: Quotas | None = None,
    ) -> None:
        self._pool = pool
        self._outbox = outbox
        self._clock = clock
        self._queue = queue
        self.quotas = quotas or Quotas()

    # -- reading ----------------------------------------------------------------------

    async def _booth(self, conn: Connection, booth_id: UUID) -> dict[str, Any]:
        found = await store.booth(conn, booth_id)
        if found is None:
            raise Problem("booth.not_found", "no such booth")
        return found

    async def slot_settings(self, booth_id: UUID) -> SlotSettings:
        async with self._pool.acquire() as conn:
            found: SlotSettings = (await self._booth(conn, booth_id))["settings"]
            return found

    async def set_slot_settings(
        self, booth_id: UUID, account_id: UUID, settings: SlotSettings
    ) -> SlotSettings:
        """Booth staff change how the booth takes reservations. Slots already booked keep
        what they had; the change applies to every slot not booked yet."""
        async with self._outbox.transaction() as tx:
            await self._booth(tx.conn, booth_id)
            if not await self._queue.is_staff(tx.conn, booth_id, account_id):
                raise Problem("auth.forbidden", "only this booth's staff may do that")
            await store.put_settings(tx.conn, booth_id, settings, account_id, self._clock.now())
        return settings

    def _days(self, booth: dict[str, Any]) -> list[date]:
        hours = hours_of(booth["hours"])
        settings: SlotSettings = booth["settings"]
        return [
            day
            for day in fair_dates(booth["starts_on"], booth["ends_on"])
            if slots_on(
                hours, day, booth["time_zone"], booth["slot_minutes"], settings.buffer_minutes
            )
        ]

    def _generated(self, booth: dict[str, Any], day: date) -> list[Slot]:
        settings: SlotSettings = booth["settings"]
        if not booth["starts_on"] <= day <= booth["ends_on"]:
            return []
        return slots_on(
            hours_of(booth["hours"]),
            day,
            booth["time_zone"],
            booth["slot_minutes"],
            settings.buffer_minutes,
        )

    async def _listing(
        self,
        conn: Connection,
        booth: dict[str, Any],
        day: date | None,
        viewer: UUID | None,
        now: datetime,
    ) -> dict[str, Any]:
        """The booth's slots on one fair day — by default the first day from today on
        with a slot still to start (in the evening, tomorrow: today's slots are over) —
        in start order: those its hours offer now (while it takes reservations) and those
        already booked, with their counts and the viewer's own live booking."""
        booth_id = booth["id"]
        settings: SlotSettings = booth["settings"]
        days = self._days(booth) if settings.enabled else []
        if day is None:
            today = fair_day(now, booth["time_zone"])
            coming = [d for d in days if d >= today]
            day = next(
                (d for d in coming if any(s.starts_at > now for s in self._generated(booth, d))),
                coming[0] if coming else days[-1] if days else today,
            )
        generated = self._generated(booth, day) if settings.enabled else []
        start, end = day_bounds(day, booth["time_zone"])
        rows = {
            r["starts_at"]: r for r in await store.slots_between(conn, booth_id, start, end, viewer)
        }
        items: dict[datetime, dict[str, Any]] = {}
        for slot in generated:
            opens_at, closes_at = slot.window(settings)
            items[slot.starts_at] = {
                "id": str(slot_id(booth_id, slot.starts_at)),
                "starts_at": slot.starts_at,
                "ends_at": slot.ends_at,
                "mode": settings.mode.value,
                "capacity": settings.capacity,
                "taken": 0,
                "requests": 0,
                "waitlist": 0,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "seed_sha256": None,
                "seed": None,
                "mine": None,
            }
        for at, row in rows.items():
            items[at] = {
                "id": str(row["id"]),
                "starts_at": row["starts_at"],
                "ends_at": row["ends_at"],
                "mode": row["mode"],
                "capacity": row["capacity"],
                "taken": row["taken"],
                "requests": row["requests"],
                "waitlist": row["waitlist"],
                "opens_at": row["opens_at"],
                "closes_at": row["closes_at"],
                # A lottery's commitment, then its seed once drawn (first come: no draw).
                "seed_sha256": row["seed_sha256"] if row["mode"] == SlotMode.LOTTERY else None,
                "seed": row["seed"] if row["drawn_at"] is not None else None,
                "mine": None
                if row["my_booking"] is None
                else {
                    "booking_id": str(row["my_booking"]),
                    "state": row["my_state"],
                    "waitlist_place": row["my_place"],
                },
            }
        out = []
        for at in sorted(items):
            item = items[at]
            item["window"] = window_at(item["opens_at"], item["closes_at"], now).value
            item["free"] = item["capacity"] - item["taken"]
            out.append(item)
        return {
            "enabled": settings.enabled,
            "date": day,
            "days": days,
            "time_zone": booth["time_zone"],
            "items": out,
        }

    async def list_slots(
        self, booth_id: UUID, day: date | None, viewer: UUID | None
    ) -> dict[str, Any]:
        """The booth's slots on one fair day (by default the first day from today on
        that has slots), with free places, lottery requests, the wait-list, and the
        viewer's own booking."""
        async with self._pool.acquire() as conn:
            booth = await self._booth(conn, booth_id)
            return await self._listing(conn, booth, day, viewer, self._clock.now())

    async def booth_bookings(
        self, booth_id: UUID, day: date | None, account_id: UUID
    ) -> dict[str, Any]:
        """Who booked the booth's slots on one fair day (the day as :meth:`list_slots`
        chooses it), for its staff: each slot with its bookings, candidates as ids (their
        details come from the audited ``getCandidate``). Slots and bookings are read in
        one snapshot, so the counts and the lists agree."""
        async with (
            self._pool.acquire() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            booth = await self._booth(conn, booth_id)
            if not await self._queue.is_staff(conn, booth_id, account_id):
                raise Problem("auth.forbidden", "only this booth's staff see who booked")
            listing = await self._listing(conn, booth, day, None, self._clock.now())
            start, end = day_bounds(listing["date"], booth["time_zone"])
            rows = await store.booth_bookings(conn, booth_id, start, end)
        by_slot: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_slot.setdefault(str(row["slot_id"]), []).append(staff_booking_view(row))
        for item in listing["items"]:
            del item["mine"]
            item["bookings"] = by_slot.get(item["id"], [])
        return listing

    async def my_bookings(self, candidate_id: UUID) -> list[dict[str, Any]]:
        """The candidate's bookings of slots on fair days from yesterday (UTC) on — so
        today in any fair's zone — in every state."""
        async with self._pool.acquire() as conn:
            since = self._clock.now() - timedelta(days=1)
            rows = await store.candidate_bookings(conn, candidate_id, since.date())
        return rows

    # -- booking and cancelling ------------------------------------------------------------

    async def book(self, booth_id: UUID, starts_at: datetime, candidate_id: UUID) -> dict[str, Any]:
        """Book (first come) or request (lottery) the booth's slot starting at
        ``starts_at``. Every refusal has its own code and changes nothing."""
        now = self._clock.now()
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            booth = await self._booth(conn, booth_id)
            settings: SlotSettings = booth["settings"]
            await store.lock_candidate(conn, candidate_id)
            sid = slot_id(booth_id, starts_at)
            slot = await store.lock_slot(conn, sid)
            if not settings.enabled:
                raise Problem("slot.reservations_off", "this booth takes no reservations now")
            if slot is None:
                slot = await self._make_slot(conn, booth, sid, starts_at, now)
            window = window_at(slot["opens_at"], slot["closes_at"], now)
            if window is Window.NOT_OPEN:
                raise Problem(
                    "slot.window_not_open",
                    "booking for this slot has not opened yet",
                    extra={"opens_at": slot["opens_at"].isoformat()},
                )
            if window is Window.CLOSED:
                raise Problem(
                    "slot.window_closed",
                    "booking for this slot has closed",
                    extra={"closes_at": slot["closes_at"].isoformat()},
                )
            held = await store.held_by(conn, candidate_id)
            if any(h["slot_id"] == sid for h in held):
                raise Problem("booking.exists", "you have already booked this slot")
            day = fair_day(slot["starts_at"], booth["time_zone"])
            refusal = quota_refusal(
                (
                    Held(str(h["booth_id"]), h["starts_at"], h["ends_at"], h["fair_day"])
                    for h in held
                ),
                Held(str(booth_id), slot["starts_at"], slot["ends_at"], day),
                self.quotas,
            )
            if refusal is not None:
                raise Problem(
                    refusal,
                    {
                        "booking.overlap": "you have a booking at the same time",
                        "booking.quota_booth": "you have as many bookings at this booth"
                        " as one candidate may hold",
                        "booking.quota_day": "you have as many bookings on this day"
                        " as one candidate may hold",
                    }[refusal],
                    extra={"per_booth": self.quotas.per_booth, "per_day": self.quotas.per_day},
                )
            state = PLACE_TAKEN[SlotMode(slot["mode"])]
            if state is BookingState.CONFIRMED and not await store.take_places(conn, sid, 1):
                raise Problem(
                    "slot.full", "this slot has no free place", extra={"capacity": slot["capacity"]}
                )
            row = await store.insert_booking(
                conn,
                {
                    "id": uuid7(),
                    "slot_id": sid,
                    "fair_id": booth["fair_id"],
                    "booth_id": booth_id,
                    "candidate_id": candidate_id,
                    "starts_at": slot["starts_at"],
                    "ends_at": slot["ends_at"],
                    "fair_day": day,
                    "state": state.value,
                    "now": now,
                    "confirmed_at": now if state is BookingState.CONFIRMED else None,
                },
            )
            self._updated(tx, row)
            await self._counts(tx, slot)
            return row

    async def _make_slot(
        self,
        conn: Connection,
        booth: dict[str, Any],
        sid: UUID,
        starts_at: datetime,
        now: datetime,
    ) -> dict[str, Any]:
        """The slot's row, made by its first booking (with its timers), if the booth's
        hours offer a slot starting then."""
        settings: SlotSettings = booth["settings"]
        day = fair_day(starts_at, booth["time_zone"])
        found = next((s for s in self._generated(booth, day) if s.starts_at == starts_at), None)
        if found is None:
            raise Problem("slot.not_found", "the booth offers no slot starting then")
        opens_at, closes_at = found.window(settings)
        seed = secrets.token_hex(16)
        created = await store.create_slot(
            conn,
            {
                "id": sid,
                "fair_id": booth["fair_id"],
                "booth_id": booth["id"],
                "starts_at": found.starts_at,
                "ends_at": found.ends_at,
                "mode": settings.mode.value,
                "capacity": settings.capacity,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "grace_minutes": settings.grace_minutes,
                "seed": seed,
                "seed_sha256": seed_hash(seed),
                "created_at": now,
            },
        )
        slot = await store.lock_slot(conn, sid)
        assert slot is not None
        if created:
            payload = {"slot": str(sid)}
            if slot["mode"] == SlotMode.LOTTERY:
                await schedule(conn, DRAW_KIND, f"{DRAW_KIND}:{sid}", closes_at, payload)
            await schedule(conn, START_KIND, f"{START_KIND}:{sid}", found.starts_at, payload)
        return slot

    async def cancel(self, booking_id: UUID, candidate_id: UUID) -> dict[str, Any]:
        """The candidate gives up a booking before its slot starts: a place it held goes
        to the wait-list's head (lottery), or is free again (first come)."""
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            booking = await store.get_booking(conn, booking_id)
            if booking is None or booking["candidate_id"] != candidate_id:
                raise Problem("booking.not_found", "no such booking")
            await store.lock_candidate(conn, candidate_id)
            slot = await store.lock_slot(conn, booking["slot_id"])
            assert slot is not None
            booking = await store.get_booking(conn, booking_id, for_update=True)
            assert booking is not None
            if BookingState(booking["state"]) not in CANCELLABLE:
                raise Problem(
                    "booking.not_cancellable",
                    f"the booking is {booking['state']}",
                    extra={"state": booking["state"]},
                )
            now = self._clock.now()
            row = await store.set_booking(conn, booking_id, BookingState.CANCELLED.value, now)
            self._updated(tx, row)
            if booking["state"] == BookingState.CONFIRMED:
                await store.free_place(conn, slot["id"])
                await self._move_up(tx, slot, admit=False)
            await self._counts(tx, slot)
            return row

    # -- helpers --------------------------------------------------------------------------

    def _updated(self, tx: OutboxTransaction, row: dict[str, Any]) -> None:
        """A booking changed: its holder and the booth's staff are told."""
        tx.emit(f"user:{row['candidate_id']}", "booking.updated", {"booking": booking_view(row)})
        tx.emit(
            f"booth:{row['booth_id']}:staff", "booking.staff", {"booking": staff_booking_view(row)}
        )

    async def _counts(self, tx: OutboxTransaction, slot: dict[str, Any]) -> None:
        """The slot's figures after the transaction's changes, on the booth's public topic
        (counts only: no candidate, no token). Once per slot and transaction, last."""
        counts = await store.slot_counts(tx.conn, slot["id"])
        tx.emit(
            f"booth:{slot['booth_id']}",
            "slot.counts",
            {
                "starts_at": counts["starts_at"].isoformat(),
                "taken": counts["taken"],
                "free": counts["free"],
                "requests": counts["requests"],
                "waitlist": counts["waitlist"],
            },
        )

    async def _tell(
        self, tx: OutboxTransaction, row: dict[str, Any], kind: str, **extra: Any
    ) -> None:
        data = {
            "booking_id": str(row["id"]),
            "booth_id": str(row["booth_id"]),
            "slot_id": str(row["slot_id"]),
            "starts_at": row["starts_at"].isoformat(),
            **extra,
        }
        await notify(tx, row["candidate_id"], kind, data, self._clock.now())

    async def _move_up(self, tx: OutboxTransaction, slot: dict[str, Any], *, admit: bool) -> None:
        """Give freed places to the wait-list's head, in draw order (under the slot's
        lock); after the slot's start the one moving up is admitted at once."""
        while True:
            head = await store.waitlist_head(tx.conn, slot["id"])
            if head is None or not await store.take_places(tx.conn, slot["id"], 1):
                return
            now = self._clock.now()
            row = await store.set_booking(
                tx.conn, head["id"], BookingState.CONFIRMED.value, now, confirmed_at=now
            )
            await self._tell(tx, row, "reservation.moved_up")
            if admit:
                row = await self._admit(tx, slot, row)
            self._updated(tx, row)

    async def _admit(
        self, tx: OutboxTransaction, slot: dict[str, Any], booking: dict[str, Any]
    ) -> dict[str, Any]:
        """A confirmed booking becomes a priority ticket at the slot's start. A candidate
        already in this booth's line keeps the ticket they hold (no second one); a booth
        closed since gives no ticket."""
        try:
            ticket = await self._queue.admit_within(
                tx,
                slot["booth_id"],
                booking["candidate_id"],
                kind=TicketKind.RESERVATION,
                call_key=epoch_seconds(slot["starts_at"]),
                booking_id=booking["id"],
            )
        except Problem as exc:
            if exc.code != "booth.not_found":
                raise
            ticket = None  # the booth closed since: the booking is admitted with no ticket
        now = self._clock.now()
        row = await store.set_booking(
            tx.conn,
            booking["id"],
            BookingState.ADMITTED.value,
            now,
            ticket_id=None if ticket is None else ticket["id"],
        )
        await self._tell(
            tx,
            row,
            "reservation.starting",
            ticket_id=None if ticket is None else str(ticket["id"]),
        )
        return row

    async def _in_timer(
        self, conn: Connection, work: Callable[[OutboxTransaction], Awaitable[None]]
    ) -> None:
        """Run a timer's work as one outbox transaction inside the timer's: events it
        appended itself and events a queue step wrote are published after commit."""
        tx = OutboxTransaction(conn)
        await work(tx)
        await self._outbox.append_in_timer(conn, tx.take())
        written = list(tx.written)
        if written:
            after_commit(lambda: self._outbox.publish(written))
        for action in tx.committed:

            async def run(action: Callable[[], None] = action) -> None:
                action()

            after_commit(run)

    # -- timers -----------------------------------------------------------------------

    async def _draw(self, tx: OutboxTransaction, slot: dict[str, Any]) -> None:
        requests = await store.bookings_of_slot(tx.conn, slot["id"], [BookingState.REQUESTED.value])
        result = draw(
            slot["seed"], [str(r["id"]) for r in requests], slot["capacity"] - slot["taken"]
        )
        by_id = {str(r["id"]): r for r in requests}
        now = self._clock.now()
        if result.winners:
            assert await store.take_places(tx.conn, slot["id"], len(result.winners))
        for rank, rid in enumerate([*result.winners, *result.waitlist], start=1):
            won = rank <= len(result.winners)
            row = await store.set_booking(
                tx.conn,
                by_id[rid]["id"],
                (BookingState.CONFIRMED if won else BookingState.WAITLISTED).value,
                now,
                draw_rank=rank,
                confirmed_at=now if won else None,
            )
            if won:
                await self._tell(tx, row, "reservation.won")
            else:
                place = rank - len(result.winners)
                row["place"] = place
                await self._tell(tx, row, "reservation.waitlisted", waitlist_place=place)
            self._updated(tx, row)
        await store.mark_slot(tx.conn, slot["id"], "drawn_at", now)
        slot["drawn_at"] = now

    async def on_draw(self, conn: Connection, timer: Timer) -> None:
        """Registered for ``reservation.draw``: the lottery slot's window closed."""
        slot = await store.lock_slot(conn, UUID(str(timer.payload["slot"])))
        if slot is None or slot["drawn_at"] is not None:
            return

        async def work(tx: OutboxTransaction) -> None:
            await self._draw(tx, slot)
            await self._counts(tx, slot)

        await self._in_timer(conn, work)

    async def on_start(self, conn: Connection, timer: Timer) -> None:
        """Registered for ``reservation.start``: the slot is due. Each confirmed booking
        becomes a priority ticket; the no-show check is set for the end of the grace."""
        slot = await store.lock_slot(conn, UUID(str(timer.payload["slot"])))
        if slot is None or slot["started_at"] is not None:
            return

        async def work(tx: OutboxTransaction) -> None:
            if slot["mode"] == SlotMode.LOTTERY and slot["drawn_at"] is None:
                await self._draw(tx, slot)  # the draw's timer is late: draw now
            confirmed = await store.bookings_of_slot(
                tx.conn, slot["id"], [BookingState.CONFIRMED.value]
            )
            for booking in confirmed:
                self._updated(tx, await self._admit(tx, slot, booking))
            await store.mark_slot(tx.conn, slot["id"], "started_at", self._clock.now())
            await schedule(
                tx.conn,
                NO_SHOW_KIND,
                f"{NO_SHOW_KIND}:{slot['id']}",
                slot["starts_at"] + timedelta(minutes=slot["grace_minutes"]),
                {"slot": str(slot["id"])},
            )
            await self._counts(tx, slot)

        await self._in_timer(conn, work)

    async def on_no_show(self, conn: Connection, timer: Timer) -> None:
        """Registered for ``reservation.no_show``: the slot's grace is over.

        Each admitted booking's ticket decides (``server.domain.slots.no_show_outcome``):
        a no-show's ticket expires with reason ``no_show``; one who left the line has
        cancelled. Each place freed goes to the wait-list's head (admitted at once); then whoever
        is still on the wait-list or still requesting has missed the slot (``expired``).
        """
        slot = await store.lock_slot(conn, UUID(str(timer.payload["slot"])))
        if slot is None or slot["settled_at"] is not None:
            return

        async def work(tx: OutboxTransaction) -> None:
            now = self._clock.now()
            away_before = now - timedelta(seconds=self._queue.settings.grace_s)
            admitted = await store.bookings_of_slot(
                tx.conn, slot["id"], [BookingState.ADMITTED.value]
            )
            for booking in admitted:
                ticket = None
                if booking["ticket_id"] is not None:
                    ticket = await tx.conn.fetchrow(
                        "SELECT t.state, t.passes, t.started_at, t.booking_id,"
                        " a.since AS away_since FROM tickets t"
                        " LEFT JOIN queue_absences a ON a.candidate_id = t.candidate_id"
                        " WHERE t.id = $1",
                        booking["ticket_id"],
                    )
                if ticket is None or ticket["booking_id"] != booking["id"]:
                    continue  # they kept a ticket they already held: it is not ours to end
                outcome = no_show_outcome(
                    TicketState(ticket["state"]),
                    started=ticket["started_at"] is not None,
                    passes=ticket["passes"],
                    away_since=ticket["away_since"],
                    away_before=away_before,
                )
                if outcome is None:
                    continue
                if outcome is BookingState.NO_SHOW:
                    await self._queue.expire_within(tx, booking["ticket_id"], reason="no_show")
                row = await store.set_booking(tx.conn, booking["id"], outcome.value, now)
                self._updated(tx, row)
                await store.free_place(tx.conn, slot["id"])
            await self._move_up(tx, slot, admit=True)
            missed = await store.bookings_of_slot(
                tx.conn,
                slot["id"],
                [BookingState.WAITLISTED.value, BookingState.REQUESTED.value],
            )
            for booking in missed:
                self._updated(tx, await store.set_booking(tx.conn, booking["id"], "expired", now))
            await store.mark_slot(tx.conn, slot["id"], "settled_at", now)
            await self._counts(tx, slot)

        await self._in_timer(conn, work)
