"""Fair weeks run Monday to Sunday; the demo moves by whole weeks."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from scheduler.weeks import week_monday, week_number, weeks_to_bring_forward

JULY_FIRST_2020 = date(2020, 7, 1)  # a Wednesday


def test_week_one_of_july_2020_runs_from_monday_june_29() -> None:
    assert week_monday(JULY_FIRST_2020) == date(2020, 6, 29)
    assert week_number(JULY_FIRST_2020, date(2020, 7, 5)) == 1  # Sunday
    assert week_number(JULY_FIRST_2020, date(2020, 7, 6)) == 2  # Monday
    assert week_number(JULY_FIRST_2020, date(2020, 7, 31)) == 5


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_shifting_by_the_computed_weeks_puts_today_in_week_one(today: date) -> None:
    weeks = weeks_to_bring_forward(JULY_FIRST_2020, today)
    first_day = JULY_FIRST_2020 + timedelta(weeks=weeks)
    assert first_day.weekday() == JULY_FIRST_2020.weekday()
    assert week_number(first_day, today) == 1
