"""Booths and guidance desks: kinds, status changes, capacity, slots and opening hours (pure).

A booth is an employer's stand at one venue of a fair; a guidance desk is the same
thing without an employer, of one of the notice's four guidance kinds, staffed by the
venue's counsellors — so queues and video treat both alike.

Opening hours are in *fair time* (the fair's own time zone) and are a list of entries,
each for one calendar date or one ISO weekday (1 = Monday … 7 = Sunday), with a start
and an end ``HH:MM`` (start < end, within one day). On a date that has entries of its
own, those replace the weekday's entries (special hours); other dates use their
weekday's. Entries for one day may not overlap. There is no way to say "closed on this
date" other than giving that date hours elsewhere in the day; close the booth instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Final
from zoneinfo import ZoneInfo


class BoothKind(StrEnum):
    EMPLOYER = "employer"
    HIRING_GUIDANCE = "hiring_guidance"  # 用工指导
    CAREER_GUIDANCE = "career_guidance"  # 职业指导
    ENTREPRENEURSHIP = "entrepreneurship"  # 创业服务
    LEGAL_ADVICE = "legal_advice"  # 法律咨询

    @property
    def is_guidance(self) -> bool:
        return self is not BoothKind.EMPLOYER


GUIDANCE_KINDS: Final = tuple(kind for kind in BoothKind if kind.is_guidance)


class BoothStatus(StrEnum):
    REQUESTED = "requested"  # asked for by the employer, waiting for the venue
    APPROVED = "approved"  # open to the public
    CLOSED = "closed"  # withdrawn, declined or closed


CAPACITY_MIN: Final = 1
CAPACITY_MAX: Final = 2000
"""Capacity is the most candidates who may wait at once (定员)."""
SLOT_MINUTES_MIN: Final = 5
SLOT_MINUTES_MAX: Final = 120
MAX_HOURS_ENTRIES: Final = 64  # enough for every date of a month-long fair, twice
MAX_STAFF: Final = 50
HHMM_PATTERN: Final = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


@dataclass(frozen=True, slots=True)
class Hours:
    """One opening-hours entry: a date *or* an ISO weekday, and ``start`` < ``end``."""

    start: time
    end: time
    on_date: date | None = None
    weekday: int | None = None

    @property
    def day_key(self) -> tuple[str, object]:
        return ("date", self.on_date) if self.on_date is not None else ("weekday", self.weekday)


@dataclass(frozen=True, slots=True)
class HoursIssue:
    """A problem with entry ``index``; ``field`` names the entry's member at fault."""

    index: int
    field: str
    code: str
    message: str


def parse_hhmm(text: str) -> time:
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes))


def fair_dates(starts_on: date, ends_on: date) -> list[date]:
    return [starts_on + timedelta(days=n) for n in range((ends_on - starts_on).days + 1)]


def check_hours(entries: Sequence[Hours], starts_on: date, ends_on: date) -> list[HoursIssue]:
    """Every problem with a booth's opening hours, for a fair running ``starts_on``–``ends_on``
    (inclusive). An empty list means the hours are valid; no entries at all is valid too
    (a booth with no hours is never open)."""
    issues: list[HoursIssue] = []
    weekdays_in_fair = {day.isoweekday() for day in fair_dates(starts_on, ends_on)}
    by_day: dict[tuple[str, object], list[tuple[int, Hours]]] = {}
    for index, entry in enumerate(entries):
        if (entry.on_date is None) == (entry.weekday is None):
            issues.append(
                HoursIssue(index, "", "booth.hours_day", "give either a date or a weekday")
            )
            continue
        if entry.on_date is not None and not starts_on <= entry.on_date <= ends_on:
            issues.append(
                HoursIssue(
                    index,
                    "date",
                    "booth.hours_outside_fair",
                    f"the fair runs from {starts_on} to {ends_on}",
                )
            )
            continue
        if entry.weekday is not None and entry.weekday not in weekdays_in_fair:
            issues.append(
                HoursIssue(
                    index,
                    "weekday",
                    "booth.hours_outside_fair",
                    "the fair has no such weekday",
                )
            )
            continue
        if entry.start >= entry.end:
            issues.append(
                HoursIssue(index, "end", "booth.hours_order", "the end must be after the start")
            )
            continue
        by_day.setdefault(entry.day_key, []).append((index, entry))
    for day_entries in by_day.values():
        latest_end: time | None = None  # of the entries so far, in order of start
        for index, entry in sorted(day_entries, key=lambda pair: (pair[1].start, pair[0])):
            if latest_end is not None and entry.start < latest_end:
                issues.append(
                    HoursIssue(
                        index,
                        "start",
                        "booth.hours_overlap",
                        "overlaps another entry for the same day",
                    )
                )
            latest_end = entry.end if latest_end is None else max(latest_end, entry.end)
    return sorted(issues, key=lambda issue: issue.index)


def hours_on(entries: Sequence[Hours], day: date) -> list[tuple[time, time]]:
    """The opening intervals on one date (fair time), in order."""
    special = [(e.start, e.end) for e in entries if e.on_date == day]
    if special:
        return sorted(special)
    return sorted((e.start, e.end) for e in entries if e.weekday == day.isoweekday())


def hours_of(raw: Sequence[Mapping[str, Any]]) -> list[Hours]:
    """A booth's stored hours (validated when they were saved) as domain values."""
    return [
        Hours(
            parse_hhmm(e["start"]),
            parse_hhmm(e["end"]),
            on_date=date.fromisoformat(e["date"]) if e.get("date") else None,
            weekday=e.get("weekday"),
        )
        for e in raw
    ]


def is_open(entries: Sequence[Hours], local: datetime, starts_on: date, ends_on: date) -> bool:
    """Whether the booth is open at ``local`` (a wall-clock time in the fair's zone)."""
    day = local.date()
    if not starts_on <= day <= ends_on:
        return False
    moment = local.time().replace(tzinfo=None)
    return any(start <= moment < end for start, end in hours_on(entries, day))


@dataclass(frozen=True, slots=True)
class HoursNow:
    """What the hours say at one instant: open or not, and when that next changes
    (``None``: never again — the fair's last opening is over)."""

    open: bool
    changes_at: datetime | None


def hours_now(
    entries: Sequence[Hours], time_zone: str, starts_on: date, ends_on: date, now: datetime
) -> HoursNow:
    """Whether the hours have the booth open at the aware instant ``now``, and the next
    instant that answer flips: the start or end of an opening, in UTC.

    Entries that touch (09:00–10:00 and 10:00–11:00) are one opening: nothing changes
    at 10:00. Wall-clock times go through ``zoneinfo``: a time that occurs twice (the
    autumn hour) is its first occurrence, a time that does not exist (the spring gap)
    takes the offset from before the gap, so 02:30 in Berlin's gap is 03:30 summer
    time; an opening that this leaves empty is no opening."""
    zone = ZoneInfo(time_zone)
    first = max(starts_on, now.astimezone(zone).date())
    spans = sorted(
        (
            datetime.combine(day, start, tzinfo=zone).astimezone(UTC),
            datetime.combine(day, end, tzinfo=zone).astimezone(UTC),
        )
        for day in (fair_dates(first, ends_on) if first <= ends_on else [])
        for start, end in hours_on(entries, day)
    )
    openings: list[tuple[datetime, datetime]] = []
    for begins, ends in spans:
        if begins >= ends:
            continue
        if openings and begins <= openings[-1][1]:
            openings[-1] = (openings[-1][0], max(openings[-1][1], ends))
        else:
            openings.append((begins, ends))
    for begins, ends in openings:
        if now < begins:
            return HoursNow(False, begins)
        if now < ends:
            return HoursNow(True, ends)
    return HoursNow(False, None)


# -- status ------------------------------------------------------------------------------

# (from, to) -> who may make the change: "venue" (its admins, organisers) or "both"
# (also the employer's admin). A change to the same status is no change.
TRANSITIONS: Final[dict[tuple[BoothStatus, BoothStatus], str]] = {
    (BoothStatus.REQUESTED, BoothStatus.APPROVED): "venue",
    (BoothStatus.REQUESTED, BoothStatus.CLOSED): "both",  # declined or withdrawn
    (BoothStatus.APPROVED, BoothStatus.CLOSED): "both",
    (BoothStatus.CLOSED, BoothStatus.APPROVED): "venue",  # reopened
}


class StatusChange(StrEnum):
    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"  # a valid change, but not for this person
    INVALID = "invalid"  # no one may make it


def status_change(current: BoothStatus, new: BoothStatus, *, by_venue: bool) -> StatusChange:
    if current is new:
        return StatusChange.ALLOWED
    who = TRANSITIONS.get((current, new))
    if who is None:
        return StatusChange.INVALID
    if who == "venue" and not by_venue:
        return StatusChange.FORBIDDEN
    return StatusChange.ALLOWED
