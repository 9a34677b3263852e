"""Fair weeks and submission deadlines: the literal July 2020 calendar and a DST fair."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.deadlines import (
    DeadlineSettingError,
    FairCalendar,
    Timeliness,
    WeeklyRule,
    local_instant,
    may_submit,
    next_reminder,
    timeliness,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")

# The notice: 7/1–7/31, first session by 6/19, every Wednesday the next week's, summary by 8/10.
JULY_2020 = FairCalendar.of(
    starts_on=date(2020, 7, 1),
    ends_on=date(2020, 7, 31),
    time_zone="Asia/Shanghai",
    weekly_deadline={"weekday": "wednesday"},
    first_submission_due=date(2020, 6, 19),
    summary_due=date(2020, 8, 10),
)


def cst(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_july_2020_has_five_weeks_from_monday_june_29_to_sunday_august_2() -> None:
    weeks = JULY_2020.weeks()
    assert [w.monday for w in weeks] == [
        date(2020, 6, 29),
        date(2020, 7, 6),
        date(2020, 7, 13),
        date(2020, 7, 20),
        date(2020, 7, 27),
    ]
    assert weeks[0].starts_at == cst(2020, 6, 29)
    assert weeks[-1].ends_at == cst(2020, 8, 3)


def test_week_one_holds_only_the_fair_days_wednesday_to_sunday() -> None:
    week = JULY_2020.week(1)
    assert week.days == tuple(date(2020, 7, d) for d in range(1, 6))
    assert [d for d in week.days if d.weekday() < 5] == [
        date(2020, 7, 1),
        date(2020, 7, 2),
        date(2020, 7, 3),
    ]


def test_the_last_week_stops_at_the_end_of_july_across_the_month_boundary() -> None:
    week = JULY_2020.week(5)
    assert (week.first_day, week.last_day) == (date(2020, 7, 27), date(2020, 7, 31))
    assert JULY_2020.week_of(cst(2020, 7, 31, 23, 59)) == 5
    assert JULY_2020.week_of(cst(2020, 8, 2, 23, 59)) == 5  # the week, not a fair day
    assert JULY_2020.week_of(cst(2020, 8, 3)) is None
    assert JULY_2020.week_of(cst(2020, 6, 28, 23, 59)) is None


def test_week_one_is_due_by_the_end_of_june_19() -> None:
    assert JULY_2020.due_at(1) == cst(2020, 6, 20)
    assert JULY_2020.due_at(1) == utc(2020, 6, 19, 16)


def test_each_later_week_is_due_through_the_wednesday_before_it() -> None:
    assert [JULY_2020.due_at(n) for n in range(2, 6)] == [
        cst(2020, 7, 2),  # through Wednesday 1 July, in week 1
        cst(2020, 7, 9),
        cst(2020, 7, 16),
        cst(2020, 7, 23),
    ]
    assert all(JULY_2020.due_at(n).astimezone(SHANGHAI).weekday() == 3 for n in range(2, 6))


def test_the_deadline_is_exclusive() -> None:
    due = JULY_2020.due_at(2)
    assert timeliness(cst(2020, 7, 1, 23, 59, 59), due) is Timeliness.ON_TIME
    assert timeliness(cst(2020, 7, 2), due) is Timeliness.LATE
    assert may_submit(due - timedelta(microseconds=1), due)
    assert not may_submit(due, due)


def test_a_late_window_reopens_submission_until_its_own_end() -> None:
    due = JULY_2020.due_at(3)
    window = due + timedelta(hours=6)
    assert may_submit(due + timedelta(hours=5), due, window)
    assert not may_submit(window, due, window)


def test_the_summary_is_due_by_the_end_of_august_10() -> None:
    assert JULY_2020.summary_due_at() == cst(2020, 8, 11)


def test_the_week_open_for_submission_moves_on_at_each_deadline() -> None:
    assert JULY_2020.open_for_submission(cst(2020, 6, 12)).number == 1  # type: ignore[union-attr]
    assert JULY_2020.open_for_submission(cst(2020, 6, 20)).number == 2  # type: ignore[union-attr]
    assert JULY_2020.open_for_submission(cst(2020, 7, 1, 23)).number == 2  # type: ignore[union-attr]
    assert JULY_2020.open_for_submission(cst(2020, 7, 2)).number == 3  # type: ignore[union-attr]
    assert JULY_2020.open_for_submission(cst(2020, 7, 23)) is None


def test_without_a_one_off_date_week_one_follows_the_weekly_rule() -> None:
    plain = FairCalendar.of(starts_on=date(2020, 7, 1), ends_on=date(2020, 7, 31), time_zone="UTC")
    assert plain.due_at(1) == datetime(2020, 6, 25, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("setting", "rule"),
    [
        (None, WeeklyRule(3, time(0))),
        ({}, WeeklyRule(3, time(0))),
        ({"weekday": "wednesday"}, WeeklyRule(3, time(0))),
        ({"weekday": "Sunday"}, WeeklyRule(0, time(0))),
        ({"weekday": "thursday", "time": "00:00"}, WeeklyRule(3, time(0))),
        ({"weekday": "wednesday", "time": "18:00"}, WeeklyRule(2, time(18))),
    ],
)
def test_the_weekly_setting_reads_a_day_alone_as_through_that_day(
    setting: dict[str, str] | None, rule: WeeklyRule
) -> None:
    assert WeeklyRule.parse(setting) == rule


@pytest.mark.parametrize(
    "setting",
    [{"weekday": "mittwoch"}, {"weekday": 3}, {"weekday": "friday", "time": "6pm"}],
)
def test_a_bad_weekly_setting_names_the_field(setting: dict[str, object]) -> None:
    with pytest.raises(DeadlineSettingError, match="weekly_deadline"):
        WeeklyRule.parse(setting)


def test_before_monday_midnight_is_the_week_s_own_start_not_a_week_earlier() -> None:
    rule = WeeklyRule(0, time(0))
    assert rule.due_before(date(2020, 7, 6), SHANGHAI) == cst(2020, 7, 6)
    assert WeeklyRule(0, time(9)).due_before(date(2020, 7, 6), SHANGHAI) == cst(2020, 6, 29, 9)


# -- the same rules in Europe/Berlin, across the end of summer time (2020-10-25) ----------

BERLIN_FAIR = FairCalendar.of(
    starts_on=date(2020, 10, 14),
    ends_on=date(2020, 11, 6),
    time_zone="Europe/Berlin",
    first_submission_due=date(2020, 10, 9),
)


def test_berlin_deadlines_keep_local_midnight_on_both_sides_of_the_change() -> None:
    assert BERLIN_FAIR.due_at(1) == utc(2020, 10, 9, 22)  # Saturday 00:00 CEST
    assert BERLIN_FAIR.due_at(2) == utc(2020, 10, 14, 22)  # Thursday 15 Oct 00:00 CEST
    assert BERLIN_FAIR.due_at(3) == utc(2020, 10, 21, 22)  # Thursday 22 Oct 00:00 CEST
    assert BERLIN_FAIR.due_at(4) == utc(2020, 10, 28, 23)  # Thursday 29 Oct 00:00 CET
    for n in range(2, 5):
        local = BERLIN_FAIR.due_at(n).astimezone(BERLIN)
        assert (local.weekday(), local.time()) == (3, time(0))


def test_the_berlin_week_holding_the_change_lasts_169_hours() -> None:
    week = BERLIN_FAIR.week(2)
    assert (week.starts_at, week.ends_at) == (utc(2020, 10, 18, 22), utc(2020, 10, 25, 23))
    assert week.ends_at - week.starts_at == timedelta(hours=169)
    assert BERLIN_FAIR.week_of(utc(2020, 10, 25, 22, 30)) == 2  # 23:30 CET on Sunday
    assert BERLIN_FAIR.week_of(utc(2020, 10, 25, 23)) == 3


def test_a_deadline_in_the_repeated_hour_is_its_first_occurrence() -> None:
    fair = FairCalendar.of(
        starts_on=date(2020, 10, 14),
        ends_on=date(2020, 11, 6),
        time_zone="Europe/Berlin",
        weekly_deadline={"weekday": "sunday", "time": "02:30"},
    )
    assert fair.due_at(3) == utc(2020, 10, 25, 0, 30)  # 02:30 CEST, not 02:30 CET


def test_a_deadline_in_the_skipped_hour_is_the_moment_clocks_jump() -> None:
    assert local_instant(date(2021, 3, 28), time(2, 30), BERLIN) == utc(2021, 3, 28, 1)
    assert local_instant(date(2021, 3, 28), time(3, 0), BERLIN) == utc(2021, 3, 28, 1)
    assert local_instant(date(2021, 3, 28), time(1, 59), BERLIN) == utc(2021, 3, 28, 0, 59)


def test_reminders_come_a_day_and_two_hours_ahead_and_are_not_repeated() -> None:
    due = JULY_2020.due_at(2)
    assert next_reminder(due, cst(2020, 6, 25)) == due - timedelta(hours=24)
    assert next_reminder(due, due - timedelta(hours=24)) == due - timedelta(hours=2)
    assert next_reminder(due, due - timedelta(hours=1)) is None


ZONES = st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC"])
RULES = st.builds(
    WeeklyRule,
    st.integers(0, 6),
    st.sampled_from([time(0), time(2, 30), time(9), time(18), time(23, 59)]),
)


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)),
    length=st.integers(0, 60),
    zone=ZONES,
    rule=RULES,
)
def test_every_week_is_due_within_the_seven_days_before_it_starts(
    start: date, length: int, zone: str, rule: WeeklyRule
) -> None:
    fair = FairCalendar(start, start + timedelta(days=length), ZoneInfo(zone), rule)
    previous = None
    for week in fair.weeks():
        assert week.starts_at - timedelta(days=7, hours=2) <= week.due_at <= week.starts_at
        assert week.first_day <= week.last_day
        assert all(fair.is_fair_day(d) for d in week.days)
        if previous is not None:
            assert week.due_at > previous
        previous = week.due_at
