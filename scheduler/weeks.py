"""Fair weeks: Monday to Sunday in the fair's own calendar (pure; no clock)."""

from __future__ import annotations

from datetime import date, timedelta


def week_monday(day: date) -> date:
    """The Monday of the fair week containing ``day``."""
    return day - timedelta(days=day.weekday())


def week_number(first_day: date, day: date) -> int:
    """The fair week of ``day``: week 1 contains ``first_day``; earlier days give ≤ 0."""
    return (week_monday(day) - week_monday(first_day)).days // 7 + 1


def weeks_to_bring_forward(first_day: date, today: date) -> int:
    """Whole weeks to add to a calendar so that ``today`` falls in its first week.

    Shifting by whole weeks keeps every weekday (a Wednesday deadline stays a
    Wednesday); the result is negative when the calendar lies in the future.
    """
    return (week_monday(today) - week_monday(first_day)).days // 7
