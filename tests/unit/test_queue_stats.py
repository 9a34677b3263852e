"""Queue statistics: percentiles, rates and a group's figures, by hand-computed examples."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from server.domain.queue_stats import MAX_DAYS, figures, percentile, range_errors, ratio


def test_the_median_of_an_odd_count_is_the_middle_value() -> None:
    assert percentile([300.0, 60.0, 120.0], 0.5) == 120.0


def test_the_median_of_an_even_count_lies_halfway_between_the_middle_two() -> None:
    assert percentile([60.0, 120.0, 180.0, 600.0], 0.5) == 150.0


def test_p90_interpolates_between_the_nearest_ranks() -> None:
    # rank 0.9 × (5 − 1) = 3.6: 400 + 0.6 × (1000 − 400)
    assert percentile([100.0, 200.0, 300.0, 400.0, 1000.0], 0.9) == pytest.approx(760.0)


def test_one_value_is_every_percentile() -> None:
    assert percentile([42.0], 0.5) == 42.0
    assert percentile([42.0], 0.9) == 42.0


def test_no_values_have_no_percentile() -> None:
    assert percentile([], 0.5) is None


def test_a_fraction_outside_zero_to_one_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="fraction"):
        percentile([1.0], 1.5)


def test_a_rate_over_nothing_is_unknown_not_zero() -> None:
    assert ratio(0, 0) is None
    assert ratio(0, 4) == 0.0
    assert ratio(1, 4) == 0.25


def test_a_part_larger_than_its_whole_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="share"):
        ratio(5, 4)


def _row(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "joins": 0,
        "handoffs": 0,
        "served": 0,
        "left": 0,
        "expired": 0,
        "removed": 0,
        "no_shows": 0,
        "open": 0,
        "wait_median": None,
        "wait_p90": None,
        "service_median": None,
        "first_contact_median": None,
    }
    row.update(overrides)
    return row


def test_a_group_without_tickets_has_counts_of_zero_and_no_durations_or_rate() -> None:
    found = figures(_row())
    assert found.joins == 0
    assert found.served == 0
    assert found.wait_median is None
    assert found.service_median is None
    assert found.abandonment_rate is None


def test_abandonment_is_the_share_of_entries_that_left_handoffs_included() -> None:
    found = figures(_row(joins=7, handoffs=1, left=2, served=5, open=1))
    assert found.abandonment_rate == 0.25


def test_durations_are_rounded_to_a_tenth_of_a_second() -> None:
    found = figures(_row(joins=2, served=2, wait_median=90.04999, service_median=300.26))
    assert found.wait_median == 90.0
    assert found.service_median == 300.3


def test_a_recruiter_row_leaves_joins_and_departures_unknown() -> None:
    found = figures(_row(joins=3, left=1, served=2, open=1), per_recruiter=True)
    assert found.served == 2
    assert (found.joins, found.handoffs, found.left, found.open) == (None, None, None, None)
    assert found.abandonment_rate is None


def test_a_range_of_days_must_not_run_backwards() -> None:
    assert range_errors(date(2020, 7, 3), date(2020, 7, 2)) == [
        ("to", "queue_stats.to_before_from")
    ]


def test_one_day_is_a_range() -> None:
    assert range_errors(date(2020, 7, 3), date(2020, 7, 3)) == []


def test_a_range_is_at_most_max_days_long() -> None:
    first = date(2020, 1, 1)
    assert range_errors(first, date.fromordinal(first.toordinal() + MAX_DAYS - 1)) == []
    assert range_errors(first, date.fromordinal(first.toordinal() + MAX_DAYS)) == [
        ("to", "queue_stats.range_too_long")
    ]
