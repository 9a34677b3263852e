"""Booth queues: ticket states, the call order, wait estimates and "get ready" (pure).

A candidate's **ticket** moves through :class:`TicketState`::

    waiting ─▶ notified ─▶ called ─▶ in_interview ─▶ done
       │          │          │  ╲           │
       │          │          │   ╲ decline / ring timeout: back in place, passes + 1
       │          │          │    (the second pass expires it)
       ▼          ▼          ▼             ▼
     left / removed / expired        interrupted ─▶ called (same booth, same day) | expired

**Call order** is by priority class, then the ticket's key within its class, then id:
due reservations (keyed by the slot's start), then handoffs (keyed by the time of the
handoff), then walk-ins (keyed by their join time or the lane interleaving's key). A
key is fixed when the ticket enters the line, so one joining or leaving never reorders
the others. Tickets whose candidate is in a call elsewhere keep their place but are
skipped until free. The public topic carries only
opaque tokens; each candidate computes their own position from their token.

**Wait estimates** are a [p10, p90] range in seconds per position, from the number of
staff serving and this booth's recent service times (a log-normal fit shrunk towards a
prior of the booth's slot length), never a fixed cap; with nobody serving there is no
estimate (``None``) rather than a made-up one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo


class TicketState(StrEnum):
    WAITING = "waiting"
    NOTIFIED = "notified"
    CALLED = "called"
    IN_INTERVIEW = "in_interview"
    INTERRUPTED = "interrupted"
    DONE = "done"
    LEFT = "left"
    EXPIRED = "expired"
    REMOVED = "removed"


# In line: counted for positions and capacity.
IN_LINE: Final = frozenset({TicketState.WAITING, TicketState.NOTIFIED})
# Held against the per-fair limit of lines at once.
ACTIVE: Final = frozenset(
    {
        TicketState.WAITING,
        TicketState.NOTIFIED,
        TicketState.CALLED,
        TicketState.IN_INTERVIEW,
        TicketState.INTERRUPTED,
    }
)
BUSY: Final = frozenset({TicketState.CALLED, TicketState.IN_INTERVIEW})
FINAL: Final = frozenset(
    {TicketState.DONE, TicketState.LEFT, TicketState.EXPIRED, TicketState.REMOVED}
)
MAX_PASSES: Final = 2


class TicketKind(StrEnum):
    WALK_IN = "walk_in"
    RESERVATION = "reservation"
    HANDOFF = "handoff"


class Lane(StrEnum):
    GENERAL = "general"
    KEY_GROUP = "key_group"


# The call order's classes (the ``tickets.priority`` column computes the same).
PRIORITY: Final = {TicketKind.RESERVATION: 0, TicketKind.HANDOFF: 1, TicketKind.WALK_IN: 2}


class StaffStatus(StrEnum):
    OFFLINE = "offline"
    AVAILABLE = "available"
    PAUSED = "paused"
    IN_CALL = "in_call"


class QueueStatus(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


@dataclass(frozen=True, slots=True)
class Ticket:
    id: str
    token: str
    candidate_id: str
    state: TicketState
    joined_at: datetime
    passes: int = 0
    busy_elsewhere: bool = False
    # When the candidate's last "me" connection closed (None: connected).
    away_since: datetime | None = None
    kind: TicketKind = TicketKind.WALK_IN
    lane: Lane = Lane.GENERAL
    # The place within the priority class (None: the join time, as a walk-in's).
    call_key: float | None = None
    # A handoff to a named colleague: only they may call it until held_until.
    held_for: str | None = None
    held_until: datetime | None = None

    @property
    def order_key(self) -> tuple[int, float, str]:
        key = self.joined_at.timestamp() if self.call_key is None else self.call_key
        return (PRIORITY[self.kind], key, self.id)


def call_order(tickets: Sequence[Ticket]) -> list[Ticket]:
    """The booth's line: tickets in line by priority class, key within the class, id."""
    return sorted((t for t in tickets if t.state in IN_LINE), key=lambda t: t.order_key)


def callable_order(tickets: Sequence[Ticket]) -> list[Ticket]:
    """Who a recruiter may call now, in order: the line minus those busy elsewhere."""
    return [t for t in call_order(tickets) if not t.busy_elsewhere]


def day_end(now: datetime, time_zone: str) -> datetime:
    """The next 24:00 in the fair's zone after ``now`` (when a fair day's lines close and
    their remaining tickets expire), as an aware instant; DST-safe through zoneinfo."""
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    return midnight.astimezone(UTC)


def away_too_long(ticket: Ticket, now: datetime, grace: timedelta) -> bool:
    """Reconnect grace: a candidate away (no "me" connection) for longer than ``grace``
    when their turn comes is passed over; a shorter absence costs nothing."""
    return ticket.away_since is not None and now - ticket.away_since > grace


def after_pass(passes: int) -> TicketState:
    """Where a declined or unanswered call leaves a ticket with ``passes`` passes."""
    return TicketState.EXPIRED if passes >= MAX_PASSES else TicketState.WAITING


# -- wait estimates ---------------------------------------------------------------------

Z90: Final = 1.2816  # the 90th percentile of the standard normal
PRIOR_WEIGHT: Final = 3.0  # the prior counts as this many observed services
PRIOR_SPREAD: Final = 0.5  # the prior's coefficient of variation
WIDENING: Final = 1.2  # the normal approximation understates the tails a little
CALL_LATENCY_S: Final = 30.0  # being first with someone free still takes a moment
# A service longer than this many slot lengths is a room nobody closed (a recruiter who
# forgot to record the outcome, a tab left open overnight), not how long a talk takes:
# it counts as this long. Without it one such evening stretched the fit until a
# candidate with two ahead was shown "0–1526 minutes".
FORGOTTEN_SLOTS: Final = 4.0
# The most spread a fit may have (coefficient of variation): a log-normal's mean grows
# with exp(σ²/2), so a history of very short and very long services (quick no-shows and
# full talks) would otherwise make every estimate useless.
MAX_SPREAD: Final = 1.5


@dataclass(frozen=True, slots=True)
class ServiceModel:
    """Mean and standard deviation of one service (seconds)."""

    mean: float
    sd: float

    @classmethod
    def fit(cls, samples: Sequence[float], prior_mean: float) -> ServiceModel:
        """Fit a log-normal to recent services, shrunk towards the prior (the booth's
        slot length); a service past ``FORGOTTEN_SLOTS`` slots counts as that long, and
        the spread is at most ``MAX_SPREAD``."""
        prior_sigma2 = math.log(1 + PRIOR_SPREAD**2)
        prior_mu = math.log(prior_mean) - prior_sigma2 / 2
        longest = FORGOTTEN_SLOTS * prior_mean
        logs = [math.log(min(max(s, 1.0), longest)) for s in samples]
        n = len(logs)
        mu = (sum(logs) + PRIOR_WEIGHT * prior_mu) / (n + PRIOR_WEIGHT)
        spread = sum((x - mu) ** 2 for x in logs) + PRIOR_WEIGHT * prior_sigma2
        sigma2 = min(spread / (n + PRIOR_WEIGHT), math.log(1 + MAX_SPREAD**2))
        mean = math.exp(mu + sigma2 / 2)
        sd = mean * math.sqrt(math.exp(sigma2) - 1)
        return cls(mean, sd)


@dataclass(frozen=True, slots=True)
class WaitRange:
    low: int
    high: int


def wait_range(position: int, serving: int, free: int, model: ServiceModel) -> WaitRange | None:
    """The [p10, p90] wait of the candidate with ``position`` people callable ahead.

    ``serving`` staff are working the line (available or in a call), ``free`` of them
    are available right now. The candidate is called after ``m = position - free + 1``
    services end; with ``serving`` servers the m-th end comes after about
    ``(m - 1/2) / serving`` services (the first ends after half a service on average),
    with variance from m services plus a residual, summed over parallel servers.
    """
    if serving <= 0:
        return None
    m = position - free + 1
    if m <= 0:
        return WaitRange(0, int(CALL_LATENCY_S))
    mean = model.mean * (m - 0.5) / serving
    sd = math.sqrt(m * model.sd**2 + model.mean**2 / 12) / serving
    low = max(0.0, mean - Z90 * WIDENING * sd)
    high = mean + Z90 * WIDENING * sd
    return WaitRange(int(low), math.ceil(high))


def eta_table(count: int, serving: int, free: int, model: ServiceModel) -> list[WaitRange] | None:
    """Wait ranges for positions 0..count-1 (what ``queue.eta`` publishes)."""
    if serving <= 0:
        return None
    table: list[WaitRange] = []
    for position in range(count):
        found = wait_range(position, serving, free, model)
        assert found is not None
        table.append(found)
    return table


def should_notify(position: int, wait: WaitRange | None, serving: int, ready_s: float) -> bool:
    """ "You're next, get ready": first in line with someone serving, or soon by estimate."""
    if serving > 0 and position == 0:
        return True
    return wait is not None and wait.low < ready_s


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def ticket_version(changed_at: datetime) -> int:
    """A ticket's version: microseconds since the epoch of its last change, exact (the
    SQL views compute the same). Clients keep the newest view of a ticket, so an HTTP
    answer that arrives after a later event on ``me`` cannot turn the clock back."""
    return (changed_at - EPOCH) // timedelta(microseconds=1)
