"""Fair weeks and submission deadlines, in the fair's own calendar (pure: pass ``now``).

The rules, from the 2020 notice (人社部函〔2020〕53号) and DESIGN.md:

* A **fair week** runs Monday 00:00 to the next Monday 00:00 in the fair's time zone.
  Week 1 is the week holding the fair's first day; the last week holds its last day.
  Only the fair's own days of a week can hold sessions (week 1 of July 2020 starts on
  Monday 29 June but its fair days are Wednesday 1 to Sunday 5 July).
* Each province submits its featured session **for the following week** before the
  **weekly deadline**, a fair setting (``fairs.document.weekly_deadline``):

  - ``{"weekday": "wednesday"}`` — *through* Wednesday: the deadline is the following
    Thursday 00:00 (a day named without a time means the whole day, like every
    date-only due date in the notice). This is the default.
  - ``{"weekday": "thursday", "time": "00:00"}`` — *before* Thursday 00:00: the same.
  - ``{"weekday": "wednesday", "time": "18:00"}`` — before Wednesday 18:00.

  The deadline of week *n* is the last such local instant **no later than the start of
  week n** (so "before Monday 00:00" is the week's own start, never a week earlier).
* **Week 1** is due by the one-off date (``fairs.first_submission_due``; 2020-06-19 in
  the notice, "6月19日前"), read as the end of that day: before 2020-06-20 00:00. Without
  a one-off date, week 1 follows the weekly rule.
* The **summary** (总结和情况统计表) is due by ``fairs.summary_due`` (2020-08-10), the
  end of that day likewise.

Every deadline is an **exclusive** instant: a submission at ``t`` is on time iff
``t < due_at``. Instants are returned in UTC: Python compares and subtracts two
datetimes that share a ``tzinfo`` by their wall times, ignoring ``fold`` — wrong across
a DST change — so wall times exist only for reading and display
(``at.astimezone(zone)``).

Local wall-clock times that do not exist (spring forward) mean the instant the clocks
jump; times that occur twice (fall back) mean the first occurrence. Both are rare for a
deadline (they sit between 01:00 and 03:00) and are tested for Europe/Berlin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduler.weeks import week_monday, week_number

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MIDNIGHT = time(0, 0)
ONE_DAY = timedelta(days=1)
ONE_WEEK = timedelta(days=7)


class DeadlineSettingError(ValueError):
    """A deadline setting of a fair cannot be read; the message names the field."""


class Timeliness(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DeadlineSettingError(f"time_zone: unknown time zone {name!r}") from exc


def local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The instant at which clocks in ``zone`` show ``day`` ``wall``, in UTC.

    Ambiguous wall times (the repeated hour when clocks go back) give the first
    occurrence; wall times that never occur (the hour skipped when clocks go forward)
    give the instant of the jump, the first instant whose wall time is not earlier.
    """
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=zone, fold=0)
    if _wall(first, zone) == naive:
        return first.astimezone(UTC)
    # A gap: fold=1 reads the wall time with the offset after the jump (an earlier
    # instant), fold=0 with the offset before it (a later one); the jump lies between.
    low = int(naive.replace(tzinfo=zone, fold=1).timestamp())
    high = int(first.timestamp())
    if low > high:
        low, high = high, low
    while low < high:  # the first whole second whose wall time is >= naive
        mid = (low + high) // 2
        if _wall(datetime.fromtimestamp(mid, UTC), zone) >= naive:
            high = mid
        else:
            low = mid + 1
    return datetime.fromtimestamp(low, UTC)


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(UTC).astimezone(zone).replace(tzinfo=None, fold=0)


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The exclusive instant ending ``day`` in ``zone``: the next day's 00:00."""
    return local_instant(day + ONE_DAY, MIDNIGHT, zone)


@dataclass(frozen=True, slots=True)
class WeeklyRule:
    """Submissions for week *n* are due before ``weekday`` ``at`` (local) preceding it.

    ``weekday`` is 0 for Monday … 6 for Sunday. The default is before Thursday 00:00,
    i.e. through Wednesday, as the notice asks ("每周三前报送下一周").
    """

    weekday: int = 3
    at: time = MIDNIGHT

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise DeadlineSettingError("weekly_deadline.weekday: expected 0 (Monday) to 6")
        if self.at.tzinfo is not None:
            raise DeadlineSettingError("weekly_deadline.time: a local (naive) time")

    @classmethod
    def parse(cls, setting: Mapping[str, Any] | None) -> WeeklyRule:
        """Read ``fairs.document.weekly_deadline`` (``None`` or ``{}``: the default)."""
        if not setting:
            return cls()
        name = setting.get("weekday")
        if not isinstance(name, str) or name.lower() not in WEEKDAYS:
            raise DeadlineSettingError(
                f"weekly_deadline.weekday: expected one of {', '.join(WEEKDAYS)}, got {name!r}"
            )
        weekday = WEEKDAYS.index(name.lower())
        text = setting.get("time")
        if text is None:  # through that day
            return cls((weekday + 1) % 7, MIDNIGHT)
        try:
            at = time.fromisoformat(str(text))
        except ValueError as exc:
            raise DeadlineSettingError(
                f"weekly_deadline.time: expected HH:MM, got {text!r}"
            ) from exc
        return cls(weekday, at.replace(second=0, microsecond=0))

    def describe(self) -> str:
        return f"before {WEEKDAYS[self.weekday].capitalize()} {self.at:%H:%M}"

    def due_before(self, week_start: date, zone: ZoneInfo) -> datetime:
        """The deadline for the week starting on Monday ``week_start``."""
        back = (week_start.weekday() - self.weekday) % 7
        day = week_start - timedelta(days=back)
        if datetime.combine(day, self.at) > datetime.combine(week_start, MIDNIGHT):
            day -= ONE_WEEK
        return local_instant(day, self.at, zone)


@dataclass(frozen=True, slots=True)
class FairWeek:
    number: int
    monday: date
    first_day: date  # the week's first fair day
    last_day: date  # the week's last fair day
    starts_at: datetime  # Monday 00:00, local (the calendar week, not clipped)
    ends_at: datetime  # the next Monday 00:00 (exclusive)
    due_at: datetime  # submissions for this week: before this instant

    @property
    def days(self) -> tuple[date, ...]:
        """The fair's days in this week."""
        count = (self.last_day - self.first_day).days + 1
        return tuple(self.first_day + timedelta(days=i) for i in range(count))

    def contains(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at


@dataclass(frozen=True, slots=True)
class FairCalendar:
    """A fair's weeks and deadlines. Build it with :meth:`of` from the fair's row."""

    starts_on: date
    ends_on: date
    zone: ZoneInfo
    weekly: WeeklyRule = field(default_factory=WeeklyRule)
    first_submission_due: date | None = None
    summary_due: date | None = None

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise DeadlineSettingError("ends_on: before starts_on")

    @classmethod
    def of(
        cls,
        *,
        starts_on: date,
        ends_on: date,
        time_zone: str,
        weekly_deadline: Mapping[str, Any] | None = None,
        first_submission_due: date | None = None,
        summary_due: date | None = None,
    ) -> FairCalendar:
        return cls(
            starts_on,
            ends_on,
            zone_of(time_zone),
            WeeklyRule.parse(weekly_deadline),
            first_submission_due,
            summary_due,
        )

    @classmethod
    def from_row(cls, fair: Mapping[str, Any]) -> FairCalendar:
        """From a ``fairs`` row (``document.weekly_deadline`` holds the weekly rule)."""
        document = fair.get("document") or {}
        return cls.of(
            starts_on=fair["starts_on"],
            ends_on=fair["ends_on"],
            time_zone=fair["time_zone"],
            weekly_deadline=document.get("weekly_deadline"),
            first_submission_due=fair.get("first_submission_due"),
            summary_due=fair.get("summary_due"),
        )

    @property
    def week_count(self) -> int:
        return week_number(self.starts_on, self.ends_on)

    def week(self, number: int) -> FairWeek:
        if not 1 <= number <= self.week_count:
            raise DeadlineSettingError(f"week: expected 1 to {self.week_count}, got {number}")
        monday = week_monday(self.starts_on) + (number - 1) * ONE_WEEK
        return FairWeek(
            number=number,
            monday=monday,
            first_day=max(monday, self.starts_on),
            last_day=min(monday + timedelta(days=6), self.ends_on),
            starts_at=local_instant(monday, MIDNIGHT, self.zone),
            ends_at=local_instant(monday + ONE_WEEK, MIDNIGHT, self.zone),
            due_at=self.due_at(number),
        )

    def weeks(self) -> tuple[FairWeek, ...]:
        return tuple(self.week(n) for n in range(1, self.week_count + 1))

    def due_at(self, number: int) -> datetime:
        """When submissions for week ``number`` close (exclusive)."""
        if number == 1 and self.first_submission_due is not None:
            return end_of_day(self.first_submission_due, self.zone)
        monday = week_monday(self.starts_on) + (number - 1) * ONE_WEEK
        return self.weekly.due_before(monday, self.zone)

    def summary_due_at(self) -> datetime | None:
        return None if self.summary_due is None else end_of_day(self.summary_due, self.zone)

    def local_date(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def week_of(self, at: datetime) -> int | None:
        """The fair week of the instant ``at``, or None outside the fair's weeks."""
        number = week_number(self.starts_on, self.local_date(at))
        return number if 1 <= number <= self.week_count else None

    def is_fair_day(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def open_for_submission(self, now: datetime) -> FairWeek | None:
        """The week whose submissions are due next (None once the last one closed)."""
        for week in self.weeks():
            if now < week.due_at:
                return week
        return None


def timeliness(submitted_at: datetime, due_at: datetime) -> Timeliness:
    return Timeliness.ON_TIME if submitted_at < due_at else Timeliness.LATE


def may_submit(now: datetime, due_at: datetime, late_until: datetime | None = None) -> bool:
    """Before the deadline, or inside a late window an organiser opened (exclusive end)."""
    return now < due_at or (late_until is not None and now < late_until)


DEFAULT_REMINDER_LEADS = (timedelta(hours=24), timedelta(hours=2))


def next_reminder(
    due_at: datetime, now: datetime, leads: tuple[timedelta, ...] = DEFAULT_REMINDER_LEADS
) -> datetime | None:
    """The next reminder instant after ``now`` for a deadline (None when none is left).

    Reminders are ``due_at - lead`` for each lead; ones already past are not repeated.
    """
    upcoming = sorted(due_at - lead for lead in leads if due_at - lead > now)
    return upcoming[0] if upcoming else None
