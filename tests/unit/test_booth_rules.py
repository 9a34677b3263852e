"""Booth rules: opening hours in fair time, status changes, and the bounds of capacity and
slots. The fair is the notice's: 1–31 July 2020 (a Wednesday to a Friday)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from server.domain.booths import (
    CAPACITY_MAX,
    CAPACITY_MIN,
    GUIDANCE_KINDS,
    HHMM_PATTERN,
    SLOT_MINUTES_MAX,
    SLOT_MINUTES_MIN,
    BoothKind,
    BoothStatus,
    Hours,
    StatusChange,
    check_hours,
    hours_on,
    is_open,
    parse_hhmm,
    status_change,
)

STARTS, ENDS = date(2020, 7, 1), date(2020, 7, 31)


def weekday(day: int, start: str, end: str) -> Hours:
    return Hours(parse_hhmm(start), parse_hhmm(end), weekday=day)


def on(day: date, start: str, end: str) -> Hours:
    return Hours(parse_hhmm(start), parse_hhmm(end), on_date=day)


def codes(entries: list[Hours], starts: date = STARTS, ends: date = ENDS) -> list[tuple[int, str]]:
    return [(issue.index, issue.code) for issue in check_hours(entries, starts, ends)]


def test_weekday_mornings_and_afternoons_are_valid_hours() -> None:
    hours = [weekday(d, "09:00", "12:00") for d in range(1, 6)]
    hours += [weekday(d, "14:00", "17:00") for d in range(1, 6)]
    assert codes(hours) == []
    assert codes([]) == []  # no hours: valid, never open


def test_the_end_must_come_after_the_start() -> None:
    assert codes([weekday(1, "12:00", "09:00"), weekday(2, "09:00", "09:00")]) == [
        (0, "booth.hours_order"),
        (1, "booth.hours_order"),
    ]


def test_dates_must_fall_within_the_fair() -> None:
    assert codes([on(date(2020, 6, 30), "09:00", "10:00"), on(ENDS, "09:00", "10:00")]) == [
        (0, "booth.hours_outside_fair")
    ]
    assert codes([on(date(2020, 8, 1), "09:00", "10:00")]) == [(0, "booth.hours_outside_fair")]


def test_a_weekday_the_fair_never_reaches_is_refused() -> None:
    # A three-day fair, Wednesday to Friday: no Monday.
    short = codes(
        [weekday(1, "09:00", "10:00"), weekday(3, "09:00", "10:00")], STARTS, date(2020, 7, 3)
    )
    assert short == [(0, "booth.hours_outside_fair")]


def test_entries_for_one_day_may_not_overlap_but_may_touch() -> None:
    assert codes([weekday(1, "09:00", "12:00"), weekday(1, "12:00", "13:00")]) == []
    assert codes([weekday(1, "09:00", "12:00"), weekday(1, "11:59", "13:00")]) == [
        (1, "booth.hours_overlap")
    ]
    # A long entry overlapping a later one that is not its neighbour in start order.
    assert codes(
        [weekday(2, "09:00", "17:00"), weekday(2, "10:00", "11:00"), weekday(2, "12:00", "13:00")]
    ) == [(1, "booth.hours_overlap"), (2, "booth.hours_overlap")]
    # A date and a weekday never overlap: the date's entries replace the weekday's.
    assert codes([weekday(5, "09:00", "17:00"), on(date(2020, 7, 3), "10:00", "12:00")]) == []


def test_an_entry_needs_exactly_one_of_a_date_and_a_weekday() -> None:
    both = Hours(time(9), time(10), on_date=STARTS, weekday=3)
    neither = Hours(time(9), time(10))
    assert codes([both, neither]) == [(0, "booth.hours_day"), (1, "booth.hours_day")]


def test_a_dates_own_hours_replace_its_weekdays() -> None:
    hours = [weekday(5, "09:00", "17:00"), on(date(2020, 7, 3), "10:00", "12:00")]
    assert hours_on(hours, date(2020, 7, 3)) == [(time(10), time(12))]  # a Friday
    assert hours_on(hours, date(2020, 7, 10)) == [(time(9), time(17))]  # the next Friday
    assert hours_on(hours, date(2020, 7, 4)) == []  # Saturday


def test_is_open_reads_wall_clock_fair_time_and_the_end_is_exclusive() -> None:
    hours = [weekday(3, "09:00", "12:00")]
    assert is_open(hours, datetime(2020, 7, 1, 9, 0), STARTS, ENDS)
    assert is_open(hours, datetime(2020, 7, 1, 11, 59), STARTS, ENDS)
    assert not is_open(hours, datetime(2020, 7, 1, 12, 0), STARTS, ENDS)
    assert not is_open(hours, datetime(2020, 7, 2, 10, 0), STARTS, ENDS)  # Thursday
    assert not is_open(hours, datetime(2020, 8, 5, 10, 0), STARTS, ENDS)  # after the fair


def test_hh_mm_is_a_24_hour_clock() -> None:
    import re

    assert all(re.match(HHMM_PATTERN, t) for t in ("00:00", "09:30", "23:59"))
    assert not any(re.match(HHMM_PATTERN, t) for t in ("24:00", "9:30", "12:60", "12:00:00"))


def test_capacity_and_slot_bounds_are_those_of_the_notice_era_fairs() -> None:
    assert (CAPACITY_MIN, CAPACITY_MAX) == (1, 2000)
    assert (SLOT_MINUTES_MIN, SLOT_MINUTES_MAX) == (5, 120)


def test_there_are_four_guidance_kinds_and_the_employer_kind() -> None:
    assert {k.value for k in GUIDANCE_KINDS} == {
        "hiring_guidance",
        "career_guidance",
        "entrepreneurship",
        "legal_advice",
    }
    assert not BoothKind.EMPLOYER.is_guidance


R, A, C = BoothStatus.REQUESTED, BoothStatus.APPROVED, BoothStatus.CLOSED


@pytest.mark.parametrize(
    ("current", "new", "venue", "employer"),
    [
        (R, A, StatusChange.ALLOWED, StatusChange.FORBIDDEN),  # only the venue approves
        (R, C, StatusChange.ALLOWED, StatusChange.ALLOWED),  # declined, or withdrawn
        (A, C, StatusChange.ALLOWED, StatusChange.ALLOWED),
        (C, A, StatusChange.ALLOWED, StatusChange.FORBIDDEN),  # only the venue reopens
        (A, R, StatusChange.INVALID, StatusChange.INVALID),
        (C, R, StatusChange.INVALID, StatusChange.INVALID),  # request anew instead
        (A, A, StatusChange.ALLOWED, StatusChange.ALLOWED),  # no change
    ],
)
def test_who_may_change_a_booths_status(
    current: BoothStatus, new: BoothStatus, venue: StatusChange, employer: StatusChange
) -> None:
    assert status_change(current, new, by_venue=True) is venue
    assert status_change(current, new, by_venue=False) is employer
