"""Queue statistics: the figures of a group of tickets, and the rules of a request (pure).

The figures are defined in ``docs/queue-stats.md``; in short, over the tickets that
*joined* (``joined_at``, a handoff keeping its original join time) within the days asked
for, in the fair's time zone:

* counts: ``joins`` (walk-ins and reservations), ``handoffs`` (received), and how the
  tickets ended — ``served`` (done), ``left``, ``expired``, ``removed`` — or ``open``
  (still in line or in an interview), so ``joins + handoffs = served + left + expired +
  removed + open``; ``no_shows`` are reservations that ended unserved for that reason
  (they are also in ``expired`` or ``removed``);
* durations in seconds: ``wait`` (join → first call) median and p90, ``service``
  (interview start → end of served tickets) median, ``first_contact`` (join → first
  call, median, over every ticket ever called — ``wait`` counts only served tickets);
* ``abandonment_rate`` = left / (joins + handoffs).

A figure without data is ``None``, never 0: a median of no waits is unknown, and a rate
over no tickets is undefined. Percentiles interpolate linearly between the two nearest
ranks, as PostgreSQL's ``percentile_cont`` does (the store computes them in SQL; this
module's :func:`percentile` is their specification, checked against it in the tests).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

# The longest span of days one request may ask for (a fair runs a month; a year leaves
# room for long campaigns without letting one request scan a decade).
MAX_DAYS = 366


class Grouping(StrEnum):
    """What the rows of a statistics answer are per (``total`` is always there)."""

    BOOTH = "booth"
    RECRUITER = "recruiter"
    VENUE = "venue"
    DAY = "day"
    WEEK = "week"  # the fair week, Monday to Sunday in fair time
    LANE = "lane"  # general or key_group (the lane a ticket joined)
    KIND = "kind"  # walk_in, reservation or handoff


# Counts a recruiter cannot be credited with: a join or a departure from the line
# happens before anyone calls, so per-recruiter rows leave them unknown.
NOT_PER_RECRUITER = ("joins", "handoffs", "left", "open", "abandonment_rate")

COUNTS = ("joins", "handoffs", "served", "left", "expired", "removed", "no_shows", "open")
DURATIONS = ("wait_median", "wait_p90", "service_median", "first_contact_median")


@dataclass(frozen=True, slots=True)
class Figures:
    joins: int | None
    handoffs: int | None
    served: int
    left: int | None
    expired: int
    removed: int
    no_shows: int
    open: int | None
    wait_median: float | None
    wait_p90: float | None
    service_median: float | None
    first_contact_median: float | None
    abandonment_rate: float | None


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The ``fraction`` quantile of ``values`` by linear interpolation between ranks
    (``percentile_cont``): rank ``fraction × (n − 1)`` of the sorted values. ``None``
    for no values."""
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be within [0, 1], got {fraction}")
    if not values:
        return None
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ratio(part: int, whole: int) -> float | None:
    """``part / whole``, or ``None`` when there is nothing to divide by."""
    if whole < 0 or part < 0 or part > whole:
        raise ValueError(f"not a share: {part} of {whole}")
    return None if whole == 0 else part / whole


def _seconds(value: Any) -> float | None:
    """A duration from the store (seconds, possibly ``None``), rounded to 0.1 s."""
    return None if value is None else round(float(value), 1)


def figures(row: Mapping[str, Any], *, per_recruiter: bool = False) -> Figures:
    """The figures of one group from its counts and durations (as the store returns
    them: the names of :data:`COUNTS` and :data:`DURATIONS`, durations in seconds)."""
    entries = row["joins"] + row["handoffs"]
    found: dict[str, Any] = {name: int(row[name]) for name in COUNTS}
    found.update({name: _seconds(row[name]) for name in DURATIONS})
    found["abandonment_rate"] = ratio(found["left"], entries)
    if per_recruiter:
        found.update(dict.fromkeys(NOT_PER_RECRUITER))
    return Figures(**found)


def range_errors(first: date, last: date) -> list[tuple[str, str]]:
    """What is wrong with a span of days ``first``..``last`` (inclusive): a list of
    (field, code) — empty when it is fine."""
    if last < first:
        return [("to", "queue_stats.to_before_from")]
    if (last - first).days + 1 > MAX_DAYS:
        return [("to", "queue_stats.range_too_long")]
    return []
