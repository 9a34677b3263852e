"""Key-group lanes, handoffs, and who may claim which ticket (pure).

**Lanes.** A booth may open a key-group lane for some key groups (暖心送岗). A joining
candidate goes into it when one of their declared key groups is among the lane's and
they consented to show their key groups to booth staff (``share_key_groups``: putting
them in the lane shows staff that they belong to a key group); everyone else joins the
general lane. The two lanes are interleaved by the booth's ``lane_ratio``
(key-group : general, default 1:1), first come first served within a lane.

The interleaving is weighted fair queueing, fixed at join time so that the call order
stays a stable sort (``ORDER BY priority, call_key, id``) and the public topic's deltas
(``queue.joined {token, after}``) keep working. A walk-in's ``call_key`` is::

    key = max(virtual time, the lane's last key) + step(lane)

where a lane's *step* is the other lane's weight (ratio 2:1 → key-group steps of 1,
general steps of 2: two key-group tickets per general one, in whole numbers, so keys
stay exact in a double), the lane's *last key* is the greatest key of its tickets that
may still be called, and the booth's *virtual time* is the greatest key called in
order so far. A lane that stood empty therefore starts at the virtual time: it banks no
credit for the time nobody was in it.

**Handoffs** (priority class 1, behind due reservations and ahead of walk-ins) enter at
the time they are admitted. One to another employer's booth waits for the candidate's
accept (it expires unanswered after :data:`HANDOFF_ANSWER`); one to a named colleague
is theirs alone to call for :data:`HOLD` (then anyone at that booth may). A recruiter
may choose to take only handoffs and due reservations with "call next".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from server.domain.queue import PRIORITY, Lane, Ticket, TicketKind, callable_order

MAX_WEIGHT: Final = 10


@dataclass(frozen=True, slots=True)
class LaneRatio:
    """How many key-group tickets are called per general ones (both 1..MAX_WEIGHT)."""

    key_group: int = 1
    general: int = 1

    def __post_init__(self) -> None:
        for weight in (self.key_group, self.general):
            if not 1 <= weight <= MAX_WEIGHT:
                raise ValueError(f"lane weights are 1..{MAX_WEIGHT}")

    def step(self, lane: Lane) -> int:
        """How far one ticket moves the lane's key: the other lane's weight (1/weight,
        scaled by the product of both weights to stay a whole number)."""
        return self.general if lane is Lane.KEY_GROUP else self.key_group


@dataclass(frozen=True, slots=True)
class LaneSetting:
    """A booth's lanes: the key groups its key-group lane serves (none: no such lane)."""

    key_groups: frozenset[str] = frozenset()
    ratio: LaneRatio = LaneRatio()


def lane_for(setting: LaneSetting, groups: Iterable[str], shares_groups: bool) -> Lane:
    """The lane a joining candidate goes into."""
    if shares_groups and setting.key_groups.intersection(groups):
        return Lane.KEY_GROUP
    return Lane.GENERAL


def walk_in_key(vtime: float, lane_last: float | None, step: int) -> float:
    """The call key of a walk-in joining a lane (see the module's docstring)."""
    start = vtime if lane_last is None else max(vtime, lane_last)
    return start + step


def advanced(vtime: float, called_key: float) -> float:
    """The virtual time after a walk-in with ``called_key`` is called next in order (it
    never goes back: a ticket called after one that was skipped leaves it)."""
    return max(vtime, called_key)


# -- handoffs ---------------------------------------------------------------------------

# A handoff follows an interview: the interview's ticket must have ended this recently.
HANDOFF_WINDOW: Final = timedelta(minutes=30)
# A handoff to another employer waits this long for the candidate's answer.
HANDOFF_ANSWER: Final = timedelta(minutes=10)
# A handoff to a named colleague is theirs alone to call for this long.
HOLD: Final = timedelta(minutes=5)


class HandoffState(StrEnum):
    PENDING = "pending"  # waiting for the candidate's accept (another employer)
    ADMITTED = "admitted"  # in the target booth's line
    DECLINED = "declined"
    EXPIRED = "expired"


OPEN_HANDOFFS: Final = frozenset({HandoffState.PENDING, HandoffState.ADMITTED})


def needs_accept(from_employer: str | None, to_employer: str | None) -> bool:
    """A handoff to another employer's booth needs the candidate's accept (their
    details go to someone they did not choose); within one employer, or between
    guidance desks (no employer), it does not."""
    return from_employer != to_employer


def handoff_refusal(
    *,
    state: str,
    started: bool,
    ended_at: datetime | None,
    now: datetime,
    same_fair: bool,
    same_booth: bool,
    colleague: str | None,
    by: str,
    colleague_is_staff: bool,
) -> str | None:
    """Why this handoff may not happen (a problem code), or None. The interview's ticket
    is done after an interview that took place, ended within :data:`HANDOFF_WINDOW`."""
    if state != "done" or not started or ended_at is None:
        return "handoff.not_after_interview"
    if now - ended_at > HANDOFF_WINDOW:
        return "handoff.too_late"
    if not same_fair:
        return "handoff.other_fair"
    if same_booth and colleague is None:
        return "handoff.colleague_required"
    if colleague is not None and colleague == by:
        return "handoff.to_self"
    if colleague is not None and not colleague_is_staff:
        return "handoff.not_staff"
    return None


# -- who may claim a ticket -------------------------------------------------------------


def held_off(ticket: Ticket, staff_id: str, now: datetime) -> bool:
    """Whether a hold for a named colleague keeps ``staff_id`` from calling the ticket."""
    return (
        ticket.held_for is not None
        and ticket.held_for != staff_id
        and ticket.held_until is not None
        and now < ticket.held_until
    )


def claimable(
    tickets: Sequence[Ticket], staff_id: str, now: datetime, *, only_handoffs: bool
) -> list[Ticket]:
    """Whom this recruiter's "call next" may take, in call order: the callable line minus
    tickets held for a colleague and, for a recruiter taking only handoffs, walk-ins."""
    walk_in = PRIORITY[TicketKind.WALK_IN]
    return [
        t
        for t in callable_order(tickets)
        if not held_off(t, staff_id, now) and not (only_handoffs and PRIORITY[t.kind] >= walk_in)
    ]
