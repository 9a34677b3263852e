"""The weekly programme planner: pure and deterministic (no I/O, no clock).

It puts approved featured sessions on the main venue's programme for one fair week:

* **where**: on the week's programme days (the fair's days that are programme weekdays,
  Monday–Friday by default), inside the daily hours (09:00–17:00 by default; a session
  starts and ends on the same day), on a start grid (every 30 minutes by default);
* **at most ``stages`` at once** (4 by default): each session gets a stage (a parallel
  stream, 1…``stages``) that is free for its whole length;
* **one per province per week**: a second session of the same region that week is
  refused by name;
* **never a host in two places** and **no booth staffed twice at once**: sessions that
  share a host or a booth never overlap (touching end-to-start is fine);
* **preferred times first**: every session tries its preferred starts, in its own order,
  before any session is moved away from its preferences; sessions compete in the order
  (region code, submitted_at, id), so the result does not depend on input order;
* what it cannot honour it **explains by name** (a :class:`Conflict` with every
  :class:`Clash`: "host 王芳 is in “…” (北京市) 10:00–11:30") and **proposes the
  nearest free slots** (nearest to the first preference, earlier first on a tie). With
  ``move=True`` (the default) it takes the nearest; with ``move=False`` it leaves the
  session unplaced with its proposals. A session without preferences gets the earliest
  free slot. A session no slot can hold is left unplaced.

Manual moves use the same check (:func:`clashes_at`), so they are validated exactly as
the planner validates itself. All instants are UTC-aware datetimes; local wall times
are computed with :func:`scheduler.deadlines.local_instant`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.deadlines import WEEKDAYS, DeadlineSettingError, FairWeek, local_instant

DEFAULT_STAGES = 4
DEFAULT_STEP = timedelta(minutes=30)
DEFAULT_DURATION = timedelta(minutes=90)
PROPOSALS = 3


class Reason(StrEnum):
    """Why a session cannot go at a time; the values are the API's error codes."""

    OUTSIDE_FAIR = "schedule.outside_fair"
    OUTSIDE_HOURS = "schedule.outside_hours"
    PROVINCE_WEEK = "schedule.province_week"
    HOST_BUSY = "schedule.host_busy"
    BOOTH_BUSY = "schedule.booth_busy"
    STAGES_FULL = "schedule.stages_full"
    STAGE_TAKEN = "schedule.stage_taken"
    NO_SUCH_STAGE = "schedule.no_such_stage"
    NO_FREE_SLOT = "schedule.no_free_slot"


@dataclass(frozen=True, slots=True)
class Party:
    """A host, a booth or a session: an id, and the name clashes are explained with."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Request:
    """An approved session waiting for a place."""

    id: str
    title: str
    region_code: str | None  # None: not a province's session (no once-a-week rule)
    region_name: str
    submitted_at: datetime
    duration: timedelta = DEFAULT_DURATION
    hosts: tuple[Party, ...] = ()
    booths: tuple[Party, ...] = ()
    preferred: tuple[datetime, ...] = ()

    def order_key(self) -> tuple[str, datetime, str]:
        return (self.region_code or "", self.submitted_at, self.id)


@dataclass(frozen=True, slots=True)
class Placement:
    request: Request
    start: datetime
    stage: int

    @property
    def end(self) -> datetime:
        return self.start + self.request.duration

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime
    end: datetime
    stage: int


@dataclass(frozen=True, slots=True)
class Clash:
    reason: Reason
    message: str
    party: Party | None = None  # the host or booth in question
    sessions: tuple[Party, ...] = ()  # the sessions in the way


@dataclass(frozen=True, slots=True)
class Conflict:
    """A session the planner could not put where it wanted, and why."""

    request_id: str
    title: str
    wanted: datetime | None  # its first refused preference (None: it had none)
    clashes: tuple[Clash, ...]
    proposals: tuple[Slot, ...]  # the nearest free slots, nearest first
    placed: Placement | None  # where it went instead; None: left unplaced


@dataclass(frozen=True, slots=True)
class Plan:
    placements: tuple[Placement, ...]  # the new placements, by start and stage
    conflicts: tuple[Conflict, ...]  # in the planner's order

    @property
    def unplaced(self) -> tuple[str, ...]:
        return tuple(c.request_id for c in self.conflicts if c.placed is None)


@dataclass(frozen=True, slots=True)
class DailyHours:
    weekdays: frozenset[int] = frozenset(range(5))  # 0 = Monday
    opens: time = time(9)
    closes: time = time(17)

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise DeadlineSettingError("programme.opens: must be before programme.closes")
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise DeadlineSettingError("programme.weekdays: one or more of monday … sunday")


@dataclass(frozen=True, slots=True)
class ProgrammeRules:
    """The fair's programme settings (``fairs.document.programme``), with defaults::

    {"stages": 4, "weekdays": ["monday", …, "friday"], "opens": "09:00",
     "closes": "17:00", "step_minutes": 30}
    """

    hours: DailyHours = field(default_factory=DailyHours)
    stages: int = DEFAULT_STAGES
    step: timedelta = DEFAULT_STEP

    def __post_init__(self) -> None:
        if not 1 <= self.stages <= 32:
            raise DeadlineSettingError("programme.stages: 1 to 32")
        if not timedelta(minutes=5) <= self.step <= timedelta(hours=4):
            raise DeadlineSettingError("programme.step_minutes: 5 to 240")

    @classmethod
    def parse(cls, setting: Mapping[str, Any] | None) -> ProgrammeRules:
        setting = setting or {}
        try:
            weekdays = setting.get("weekdays")
            hours = DailyHours(
                frozenset(WEEKDAYS.index(str(d).lower()) for d in weekdays)
                if weekdays is not None
                else DailyHours().weekdays,
                time.fromisoformat(str(setting.get("opens", "09:00"))),
                time.fromisoformat(str(setting.get("closes", "17:00"))),
            )
            return cls(
                hours,
                int(setting.get("stages", DEFAULT_STAGES)),
                timedelta(minutes=int(setting.get("step_minutes", 30))),
            )
        except (ValueError, TypeError) as exc:
            raise DeadlineSettingError(f"programme: {exc}") from exc

    def window(self, week: FairWeek, zone: ZoneInfo) -> Window:
        return Window(
            zone=zone,
            days=tuple(d for d in week.days if d.weekday() in self.hours.weekdays),
            opens=self.hours.opens,
            closes=self.hours.closes,
            stages=self.stages,
            step=self.step,
            starts_at=week.starts_at,
            ends_at=week.ends_at,
        )


@dataclass(frozen=True, slots=True)
class Window:
    """Where one week's sessions may go."""

    zone: ZoneInfo
    days: tuple[date, ...]
    opens: time
    closes: time
    stages: int
    step: timedelta
    starts_at: datetime  # the fair week's bounds, for the once-a-week rule
    ends_at: datetime

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        return _day_bounds(day, self.opens, self.closes, self.zone)

    def starts(self, duration: timedelta) -> Iterator[datetime]:
        """Every grid start that fits a session of ``duration``, in time order."""
        for day in self.days:
            opens, closes = self.day_bounds(day)
            start = opens
            while start + duration <= closes:
                yield start
                start += self.step

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.zone)


@functools.lru_cache(maxsize=1024)
def _day_bounds(day: date, opens: time, closes: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return local_instant(day, opens, zone), local_instant(day, closes, zone)


def _span(window: Window, start: datetime, end: datetime) -> str:
    a, b = window.local(start), window.local(end)
    return f"{a:%Y-%m-%d %H:%M}–{b:%H:%M}"


def _who(placement: Placement) -> str:
    return f"“{placement.request.title}” ({placement.request.region_name})"


def _session(placement: Placement) -> Party:
    return Party(placement.request.id, placement.request.title)


def clashes_at(
    request: Request,
    start: datetime,
    window: Window,
    placed: Sequence[Placement],
    stage: int | None = None,
) -> tuple[list[Clash], int | None]:
    """Everything that stops ``request`` from starting at ``start`` (on ``stage``, or on
    the lowest free stage), given what is ``placed``; and the stage it would get.

    The request's own placement, if ``placed`` holds one, is ignored (a move).
    """
    end = start + request.duration
    found: list[Clash] = []
    others = [p for p in placed if p.request.id != request.id]
    day = window.local(start).date()
    if day not in window.days:
        found.append(
            Clash(
                Reason.OUTSIDE_FAIR,
                f"{window.local(start):%Y-%m-%d} is not a programme day of this fair week",
            )
        )
    else:
        opens, closes = window.day_bounds(day)
        if start < opens or end > closes:
            found.append(
                Clash(
                    Reason.OUTSIDE_HOURS,
                    f"{_span(window, start, end)} is outside the daily hours"
                    f" {window.opens:%H:%M}–{window.closes:%H:%M}",
                )
            )
    if request.region_code is not None:
        for other in others:
            if other.request.region_code == request.region_code and (
                window.starts_at <= other.start < window.ends_at
            ):
                found.append(
                    Clash(
                        Reason.PROVINCE_WEEK,
                        f"{request.region_name} already has {_who(other)} this week",
                        sessions=(_session(other),),
                    )
                )
    overlapping = sorted(
        (p for p in others if p.overlaps(start, end)), key=lambda p: (p.stage, p.start)
    )
    for other in overlapping:
        their_hosts = {h.id for h in other.request.hosts}
        for host in request.hosts:
            if host.id in their_hosts:
                found.append(
                    Clash(
                        Reason.HOST_BUSY,
                        f"host {host.name} is in {_who(other)}"
                        f" {_span(window, other.start, other.end)}",
                        party=host,
                        sessions=(_session(other),),
                    )
                )
        their_booths = {b.id for b in other.request.booths}
        for booth in request.booths:
            if booth.id in their_booths:
                found.append(
                    Clash(
                        Reason.BOOTH_BUSY,
                        f"booth {booth.name} is staffed for {_who(other)}"
                        f" {_span(window, other.start, other.end)}",
                        party=booth,
                        sessions=(_session(other),),
                    )
                )
    taken = {p.stage for p in overlapping}
    chosen: int | None = None
    if stage is not None:
        if not 1 <= stage <= window.stages:
            found.append(
                Clash(Reason.NO_SUCH_STAGE, f"stage {stage}: the programme has 1–{window.stages}")
            )
        elif stage in taken:
            holder = next(p for p in overlapping if p.stage == stage)
            found.append(
                Clash(
                    Reason.STAGE_TAKEN,
                    f"stage {stage} holds {_who(holder)} {_span(window, holder.start, holder.end)}",
                    sessions=(_session(holder),),
                )
            )
        else:
            chosen = stage
    else:
        free = [s for s in range(1, window.stages + 1) if s not in taken]
        if free:
            chosen = free[0]
        else:
            found.append(
                Clash(
                    Reason.STAGES_FULL,
                    f"all {window.stages} stages are taken {_span(window, start, end)} by "
                    + ", ".join(_who(p) for p in overlapping),
                    sessions=tuple(_session(p) for p in overlapping),
                )
            )
    return found, (chosen if not found else None)


def free_slots(
    request: Request,
    window: Window,
    placed: Sequence[Placement],
    near: datetime | None = None,
    limit: int = PROPOSALS,
) -> list[Slot]:
    """The ``limit`` free grid slots nearest to ``near`` (earliest first without it).

    The same rules as :func:`clashes_at` (the property tests hold them together), on the
    fast path: grid starts are inside the days and hours by construction, and nothing
    is explained.
    """
    others = [p for p in placed if p.request.id != request.id]
    if request.region_code is not None and any(
        p.request.region_code == request.region_code
        and window.starts_at <= p.start < window.ends_at
        for p in others
    ):
        return []
    hosts = {h.id for h in request.hosts}
    booths = {b.id for b in request.booths}
    slots: list[Slot] = []
    for start in window.starts(request.duration):
        end = start + request.duration
        taken: set[int] = set()
        for other in others:
            if other.start < end and start < other.end:
                if hosts & {h.id for h in other.request.hosts} or booths & {
                    b.id for b in other.request.booths
                }:
                    break
                taken.add(other.stage)
        else:
            stage = next((s for s in range(1, window.stages + 1) if s not in taken), None)
            if stage is not None:
                slots.append(Slot(start, end, stage))
    if near is not None:
        slots.sort(key=lambda s: (abs(s.start - near), s.start))
    return slots[:limit]


def _why_no_slot(request: Request, window: Window, placed: Sequence[Placement]) -> list[Clash]:
    province = [
        c
        for c in clashes_at(request, window.starts_at, window, placed)[0]
        if c.reason is Reason.PROVINCE_WEEK
    ]
    if province:
        return province
    if not window.days:
        return [Clash(Reason.OUTSIDE_FAIR, "this fair week has no programme day")]
    if next(window.starts(request.duration), None) is None:
        minutes = int(request.duration.total_seconds() // 60)
        return [
            Clash(
                Reason.OUTSIDE_HOURS,
                f"a {minutes}-minute session does not fit in the daily hours"
                f" {window.opens:%H:%M}–{window.closes:%H:%M}",
            )
        ]
    return [
        Clash(Reason.NO_FREE_SLOT, "every slot of this week clashes with hosts, booths or stages")
    ]


def _unique(clashes: Sequence[Clash]) -> tuple[Clash, ...]:
    seen: list[Clash] = []
    for clash in clashes:
        if clash not in seen:
            seen.append(clash)
    return tuple(seen)


def plan_week(
    requests: Sequence[Request],
    window: Window,
    fixed: Sequence[Placement] = (),
    *,
    move: bool = True,
    proposals: int = PROPOSALS,
) -> Plan:
    """Place ``requests`` around the ``fixed`` placements (already on the programme).

    Deterministic: the same inputs in any order give the same plan.
    """
    placed = list(fixed)
    new: list[Placement] = []
    refused: dict[str, list[Clash]] = {}
    pending: list[Request] = []
    order = sorted(requests, key=Request.order_key)
    for request in order:  # 1. preferred times, for everyone
        for want in request.preferred:
            clashes, stage = clashes_at(request, want, window, placed)
            if not clashes and stage is not None:
                placement = Placement(request, want, stage)
                placed.append(placement)
                new.append(placement)
                break
            refused.setdefault(request.id, []).extend(clashes)
        else:
            pending.append(request)
    conflicts: list[Conflict] = []
    for request in pending:  # 2. the nearest free slot, in the same order
        wanted = request.preferred[0] if request.preferred else None
        slots = free_slots(request, window, placed, wanted, max(proposals, 1))
        chosen: Placement | None = None
        if slots and (move or wanted is None):
            chosen = Placement(request, slots[0].start, slots[0].stage)
            placed.append(chosen)
            new.append(chosen)
            if wanted is None:
                continue  # no preference, nothing refused
        why = refused.get(request.id, [])
        if not slots:
            why = [*why, *_why_no_slot(request, window, placed)]
        conflicts.append(
            Conflict(
                request_id=request.id,
                title=request.title,
                wanted=wanted,
                clashes=_unique(why),
                proposals=tuple(slots[:proposals]),
                placed=chosen,
            )
        )
    new.sort(key=lambda p: (p.start, p.stage, p.request.id))
    return Plan(tuple(new), tuple(conflicts))


def validate_programme(placed: Sequence[Placement], window: Window) -> list[Clash]:
    """Every rule checked over a whole programme (what the property tests assert)."""
    found: list[Clash] = []
    for i, placement in enumerate(placed):
        clashes, _ = clashes_at(
            placement.request, placement.start, window, placed[:i], placement.stage
        )
        found.extend(clashes)
    return found
