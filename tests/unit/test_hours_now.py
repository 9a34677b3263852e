"""A line that follows its booth's opening hours: open or not at an instant, and the next
instant that flips. The fair is the notice's, 1–31 July 2020 in Beijing time; a short
Berlin fair across the end of summer time shows wall-clock handling."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from server.domain.booths import Hours, hours_now, is_open

STARTS, ENDS = date(2020, 7, 1), date(2020, 7, 31)
BEIJING = "Asia/Shanghai"
WEEKDAYS = [Hours(time(9), time(12), weekday=day) for day in range(1, 6)]  # 周一至周五


def cst(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(BEIJING))


def test_before_the_morning_opening_the_line_is_closed_until_nine() -> None:
    found = hours_now(WEEKDAYS, BEIJING, STARTS, ENDS, cst(date(2020, 7, 6), 8))
    assert (found.open, found.changes_at) == (False, cst(date(2020, 7, 6), 9))


def test_during_the_morning_the_line_is_open_until_noon() -> None:
    found = hours_now(WEEKDAYS, BEIJING, STARTS, ENDS, cst(date(2020, 7, 6), 9))
    assert (found.open, found.changes_at) == (True, cst(date(2020, 7, 6), 12))


def test_friday_noon_closes_until_monday_morning() -> None:
    found = hours_now(WEEKDAYS, BEIJING, STARTS, ENDS, cst(date(2020, 7, 10), 12))
    assert (found.open, found.changes_at) == (False, cst(date(2020, 7, 13), 9))


def test_after_the_fairs_last_opening_nothing_changes_again() -> None:
    found = hours_now(WEEKDAYS, BEIJING, STARTS, ENDS, cst(date(2020, 7, 31), 12))
    assert (found.open, found.changes_at) == (False, None)


def test_before_the_fair_the_first_change_is_its_first_opening() -> None:
    found = hours_now(WEEKDAYS, BEIJING, STARTS, ENDS, cst(date(2020, 6, 20), 10))
    assert (found.open, found.changes_at) == (False, cst(date(2020, 7, 1), 9))


def test_touching_entries_are_one_opening() -> None:
    entries = [
        Hours(time(9), time(10), weekday=1),
        Hours(time(10), time(11), weekday=1),
    ]
    found = hours_now(entries, BEIJING, STARTS, ENDS, cst(date(2020, 7, 6), 9, 30))
    assert (found.open, found.changes_at) == (True, cst(date(2020, 7, 6), 11))


def test_a_dates_own_hours_replace_its_weekdays() -> None:
    entries = [*WEEKDAYS, Hours(time(14), time(16), on_date=date(2020, 7, 6))]
    found = hours_now(entries, BEIJING, STARTS, ENDS, cst(date(2020, 7, 6), 10))
    assert (found.open, found.changes_at) == (False, cst(date(2020, 7, 6), 14))


def test_no_hours_is_never_open() -> None:
    found = hours_now([], BEIJING, STARTS, ENDS, cst(date(2020, 7, 6), 10))
    assert (found.open, found.changes_at) == (False, None)


def test_berlin_hours_follow_the_wall_clock_across_the_end_of_summer_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    daily = [Hours(time(9), time(17), weekday=day) for day in range(1, 8)]
    saturday, sunday = date(2020, 10, 24), date(2020, 10, 25)  # clocks go back on Sunday
    evening = datetime(2020, 10, 24, 17, tzinfo=berlin)
    found = hours_now(daily, "Europe/Berlin", saturday, sunday, evening)
    # 09:00 on Sunday is 08:00 UTC (winter time), not 07:00 as on Saturday.
    assert (found.open, found.changes_at) == (False, datetime(2020, 10, 25, 8, tzinfo=UTC))
    assert datetime(2020, 10, 24, 9, tzinfo=berlin).astimezone(UTC).hour == 7
    assert datetime.combine(sunday, time(9), tzinfo=berlin) == found.changes_at


def test_an_opening_in_berlins_spring_gap_starts_when_the_clock_does() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    day = date(2020, 3, 29)  # 02:00 jumps to 03:00
    entries = [Hours(time(2, 30), time(4), on_date=day)]
    found = hours_now(entries, "Europe/Berlin", day, day, datetime(2020, 3, 29, 1, tzinfo=berlin))
    # 02:30 does not exist that night: it is taken with winter time's offset, 01:30 UTC.
    assert (found.open, found.changes_at) == (False, datetime(2020, 3, 29, 1, 30, tzinfo=UTC))


# -- properties (Beijing has no summer time, so every instant has one wall-clock time) --

MINUTES = st.integers(min_value=0, max_value=24 * 60 - 1)
DAYS = st.one_of(st.integers(min_value=1, max_value=7), st.dates(min_value=STARTS, max_value=ENDS))


@st.composite
def valid_hours(draw: st.DrawFn) -> list[Hours]:
    """Valid hours: for a few days (weekdays or dates), sorted distinct minutes paired
    into openings."""
    entries: list[Hours] = []
    for day in draw(st.lists(DAYS, max_size=5, unique=True)):
        points = sorted(draw(st.lists(MINUTES, min_size=2, max_size=6, unique=True)))
        for start, end in zip(points[::2], points[1::2], strict=False):
            opens, closes = time(start // 60, start % 60), time(end // 60, end % 60)
            if isinstance(day, date):
                entries.append(Hours(opens, closes, on_date=day))
            else:
                entries.append(Hours(opens, closes, weekday=day))
    return entries


INSTANTS = st.datetimes(
    min_value=datetime(2020, 6, 29), max_value=datetime(2020, 8, 2), timezones=st.just(UTC)
)


def opened(entries: list[Hours], at: datetime) -> bool:
    return is_open(entries, at.astimezone(ZoneInfo(BEIJING)), STARTS, ENDS)


@given(valid_hours(), INSTANTS)
def test_open_now_agrees_with_the_booth_page(entries: list[Hours], now: datetime) -> None:
    assert hours_now(entries, BEIJING, STARTS, ENDS, now).open == opened(entries, now)


@given(valid_hours(), INSTANTS, st.floats(min_value=0, max_value=1, exclude_max=True))
def test_the_next_change_flips_and_nothing_changes_before_it(
    entries: list[Hours], now: datetime, fraction: float
) -> None:
    found = hours_now(entries, BEIJING, STARTS, ENDS, now)
    if found.changes_at is None:
        assert not found.open
        later = now + (datetime(2020, 8, 2, tzinfo=UTC) - now) * fraction
        assert not opened(entries, later)
        return
    assert found.changes_at > now
    assert opened(entries, found.changes_at) is not found.open
    between = now + (found.changes_at - now) * fraction
    assert opened(entries, between) is found.open
    # Openings and closings are whole minutes of wall-clock time.
    assert found.changes_at.second == 0
    assert found.changes_at.microsecond == 0
