"""Reservations (预约入场, 定员进场): slots, booking windows, quotas and the lottery (pure).

A booth that takes reservations offers **slots** on each fair day, cut from its opening
hours (fair time): slots of the booth's ``slot_minutes`` one after another, with
``buffer_minutes`` between them, as many as fit in each opening interval. Each slot
admits ``capacity`` candidates (定员). A candidate books a slot inside its **booking
window**: from ``opens_hours`` before the slot starts until ``closes_minutes`` before.

Two modes, chosen by the booth:

* **first come**: a booking inside the window takes a place at once, while there are
  places; a full slot refuses (``slot.full``).
* **lottery** (for slots in high demand): bookings inside the window are *requests*;
  when the window closes a seeded draw orders the requesters; the first ``capacity``
  win a place, the rest form the **wait-list** in draw order, whose head moves up when
  a place is freed. The draw is :func:`draw_order`: each requester's rank is the
  HMAC-SHA256 of their booking id under the slot's seed — a uniformly random order,
  independent of when or from where anyone asked, and anyone holding the seed and the
  request ids can recompute it. The seed's SHA-256 is public from the start, the seed
  itself after the draw, so the booth cannot choose a seed after seeing the requests.

**Quotas** per candidate (:func:`quota_refusal`), counting every booking still alive
(requested, confirmed, wait-listed or admitted): at most ``per_booth`` at one booth,
at most ``per_day`` on one fair day, and never two whose slots overlap in time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from server.domain.booths import Hours, hours_on
from server.domain.queue import TicketState


class SlotMode(StrEnum):
    FIRST_COME = "first_come"
    LOTTERY = "lottery"


class BookingState(StrEnum):
    REQUESTED = "requested"  # a lottery request, before the draw
    CONFIRMED = "confirmed"  # holds a place
    WAITLISTED = "waitlisted"  # lost the draw; moves up when a place is freed
    ADMITTED = "admitted"  # the slot started: the booking became a priority ticket
    CANCELLED = "cancelled"  # by the candidate (or they left the line before the slot)
    NO_SHOW = "no_show"  # did not take the slot (see ReservationService.on_no_show)
    EXPIRED = "expired"  # still waiting for a place when the slot's grace ended


# Alive: counted for quotas, overlaps and "one booking per slot".
LIVE: Final = frozenset(
    {
        BookingState.REQUESTED,
        BookingState.CONFIRMED,
        BookingState.WAITLISTED,
        BookingState.ADMITTED,
    }
)
# The candidate may still cancel (after the slot starts they leave the line instead).
CANCELLABLE: Final = frozenset(
    {BookingState.REQUESTED, BookingState.CONFIRMED, BookingState.WAITLISTED}
)
# Holding one of the slot's places (``reservation_slots.taken`` counts these).
PLACED: Final = frozenset({BookingState.CONFIRMED, BookingState.ADMITTED})

CAPACITY_MIN: Final = 1
CAPACITY_MAX: Final = 50
BUFFER_MAX: Final = 60
OPENS_HOURS_MIN: Final = 1
OPENS_HOURS_MAX: Final = 30 * 24
CLOSES_MINUTES_MAX: Final = 24 * 60
GRACE_MINUTES_MIN: Final = 1
GRACE_MINUTES_MAX: Final = 120


@dataclass(frozen=True, slots=True)
class SlotSettings:
    """A booth's reservation settings (``booth_slot_settings``); the defaults are what a
    booth gets when it first turns reservations on."""

    enabled: bool = False
    mode: SlotMode = SlotMode.FIRST_COME
    capacity: int = 2  # candidates a slot admits (定员)
    buffer_minutes: int = 5  # between one slot's end and the next one's start
    opens_hours: int = 72  # the window opens this long before the slot
    closes_minutes: int = 30  # … and closes this long before it (the lottery's draw)
    grace_minutes: int = 10  # after the start: who has not come by then is a no-show


@dataclass(frozen=True, slots=True)
class Quotas:
    """Per-candidate limits over live bookings (fair-wide settings)."""

    per_booth: int = 1
    per_day: int = 3


@dataclass(frozen=True, slots=True)
class Slot:
    """One slot of a booth: instants are timezone-aware UTC."""

    starts_at: datetime
    ends_at: datetime

    def window(self, settings: SlotSettings) -> tuple[datetime, datetime]:
        """When booking opens and closes for this slot."""
        return (
            self.starts_at - timedelta(hours=settings.opens_hours),
            self.starts_at - timedelta(minutes=settings.closes_minutes),
        )


def slots_on(
    entries: Sequence[Hours],
    day: date,
    time_zone: str,
    slot_minutes: int,
    buffer_minutes: int,
) -> list[Slot]:
    """The booth's slots on one fair day: each opening interval (fair time) cut into
    ``slot_minutes`` slots with ``buffer_minutes`` between them; a remainder too short
    for a whole slot is not offered. DST-safe: wall-clock times go through zoneinfo."""
    if slot_minutes <= 0 or buffer_minutes < 0:
        raise ValueError("slot_minutes must be positive and buffer_minutes not negative")
    zone = ZoneInfo(time_zone)
    length = timedelta(minutes=slot_minutes)
    step = timedelta(minutes=slot_minutes + buffer_minutes)
    out: list[Slot] = []
    for start, end in hours_on(entries, day):
        at = datetime.combine(day, start)
        until = datetime.combine(day, end)
        while at + length <= until:
            out.append(
                Slot(
                    at.replace(tzinfo=zone).astimezone(UTC),
                    (at + length).replace(tzinfo=zone).astimezone(UTC),
                )
            )
            at += step
    return out


def day_bounds(day: date, time_zone: str) -> tuple[datetime, datetime]:
    """A fair day as instants: [00:00, next 00:00) in the fair's zone."""
    zone = ZoneInfo(time_zone)
    return (
        datetime.combine(day, time(0), tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
    )


def fair_day(instant: datetime, time_zone: str) -> date:
    """The fair day (date in the fair's zone) an instant falls on."""
    return instant.astimezone(ZoneInfo(time_zone)).date()


class Window(StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


def window_at(opens_at: datetime, closes_at: datetime, now: datetime) -> Window:
    """Where ``now`` falls in a booking window (``closes_at`` is exclusive)."""
    if now < opens_at:
        return Window.NOT_OPEN
    return Window.OPEN if now < closes_at else Window.CLOSED


@dataclass(frozen=True, slots=True)
class Held:
    """One of the candidate's live bookings, as the quota check needs it."""

    booth_id: str
    starts_at: datetime
    ends_at: datetime
    day: date


def quota_refusal(held: Iterable[Held], wanted: Held, quotas: Quotas) -> str | None:
    """The error code refusing ``wanted`` given the candidate's live bookings, or None.

    Checked in this order: an overlapping slot (anywhere), the per-booth quota, the
    per-day quota."""
    held = list(held)
    if any(h.starts_at < wanted.ends_at and wanted.starts_at < h.ends_at for h in held):
        return "booking.overlap"
    if sum(1 for h in held if h.booth_id == wanted.booth_id) >= quotas.per_booth:
        return "booking.quota_booth"
    if sum(1 for h in held if h.day == wanted.day) >= quotas.per_day:
        return "booking.quota_day"
    return None


def no_show_outcome(
    state: TicketState,
    *,
    started: bool,
    passes: int,
    away_since: datetime | None,
    away_before: datetime,
) -> BookingState | None:
    """What the end of a slot's grace makes of an admitted booking, from its ticket
    (None: it stays admitted).

    A **no-show** is a reservation ticket that never reached an interview and either
    ended unanswered (two passes expired it) or is still in line after its holder missed
    a call (a pass) or while they have been away (no ``me`` connection) since before
    ``away_before`` (now minus the queue's reconnect grace). Someone in line, connected
    and not called yet is not a no-show: the booth is late, not them. Someone who left
    the line cancelled. A ticket staff removed stays as they left it."""
    if started:
        return None
    if state is TicketState.LEFT:
        return BookingState.CANCELLED
    if state is TicketState.EXPIRED:
        return BookingState.NO_SHOW
    in_line = state in (TicketState.WAITING, TicketState.NOTIFIED)
    away = away_since is not None and away_since < away_before
    return BookingState.NO_SHOW if in_line and (passes >= 1 or away) else None


# -- the lottery -------------------------------------------------------------------------


def seed_hash(seed: str) -> str:
    """The public commitment to a slot's seed (hex SHA-256), shown before the draw."""
    return hashlib.sha256(seed.encode()).hexdigest()


def draw_key(seed: str, request_id: str) -> str:
    """A requester's place in the draw: HMAC-SHA256 of the request id under the seed."""
    return hmac.new(seed.encode(), request_id.encode(), hashlib.sha256).hexdigest()


def draw_order(seed: str, request_ids: Iterable[str]) -> list[str]:
    """Every request in draw order: same seed and requests, same order — whatever order
    they are given in. Each permutation is equally likely over random seeds."""
    return sorted(set(request_ids), key=lambda rid: (draw_key(seed, rid), rid))


@dataclass(frozen=True, slots=True)
class Draw:
    winners: list[str]
    waitlist: list[str]  # in draw order: the head moves up first


def draw(seed: str, request_ids: Iterable[str], places: int) -> Draw:
    """The lottery at the window's close: the first ``places`` in draw order win."""
    order = draw_order(seed, request_ids)
    places = max(places, 0)
    return Draw(order[:places], order[places:])


def epoch_seconds(instant: datetime) -> float:
    """A slot start as the reservation ticket's ``call_key`` (seconds since the epoch)."""
    return instant.timestamp()
