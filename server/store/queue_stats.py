"""Queue statistics (SQL): one query per answer, its groups and the total together.

The tickets are those that joined within ``[start, end)`` (``joined_at``; a handoff keeps
its original join time) in one booth, venue or fair. Counts, medians and p90s are
computed in PostgreSQL (``percentile_cont``, ``GROUPING SETS``): shipping the tickets to
Python costs far more at a fair's volume (``bench/queue_stats.py``, docs/queue-stats.md).
Definitions: :mod:`server.domain.queue_stats`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from server.domain.queue import ACTIVE
from server.domain.queue_stats import Grouping
from server.store.db import Connection

# The expression each grouping's rows are keyed by, in its own type (sorting uuids and
# dates is cheaper than sorting their text); $5, when used, is the fair's zone.
KEYS: dict[Grouping, str] = {
    Grouping.BOOTH: "t.booth_id",
    Grouping.RECRUITER: "t.called_by",
    Grouping.VENUE: "b.venue_id",
    Grouping.DAY: "(t.joined_at AT TIME ZONE $5)::date",
    Grouping.WEEK: "date_trunc('week', t.joined_at AT TIME ZONE $5)::date",
    Grouping.LANE: "t.lane",
    Grouping.KIND: "t.kind",
}
ZONED = frozenset({Grouping.DAY, Grouping.WEEK})

# Through tickets_stats_idx (booth_id, joined_at): a venue's or fair's booths, then each
# booth's range of join times.
SCOPES = {
    "booth": "t.booth_id = $3",
    "venue": "t.booth_id IN (SELECT id FROM booths WHERE venue_id = $3)",
    "fair": "t.booth_id IN (SELECT id FROM booths WHERE fair_id = $3)",
}

# A reservation no-show (the call-order contract): a reservation ticket that ended
# expired or removed, never started, for that reason.
NO_SHOW = (
    "t.kind = 'reservation' AND t.state IN ('expired', 'removed')"
    " AND t.started_at IS NULL AND t.reason = 'no_show'"
)
# Seconds as double precision: date_part, not extract (numeric, three times slower to
# sort at a venue's volume).
TO_CALL = "date_part('epoch', t.first_called_at - t.joined_at)"
SERVICE = "date_part('epoch', t.ended_at - t.started_at)"

# The median and p90 of waits come from one sort (percentile_cont over an array).
FIGURES = f"""
    count(*) FILTER (WHERE t.kind <> 'handoff') AS joins,
    count(*) FILTER (WHERE t.kind = 'handoff') AS handoffs,
    count(*) FILTER (WHERE t.state = 'done') AS served,
    count(*) FILTER (WHERE t.state = 'left') AS left,
    count(*) FILTER (WHERE t.state = 'expired') AS expired,
    count(*) FILTER (WHERE t.state = 'removed') AS removed,
    count(*) FILTER (WHERE {NO_SHOW}) AS no_shows,
    count(*) FILTER (WHERE t.state = ANY($4::text[])) AS open,
    percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY {TO_CALL})
        FILTER (WHERE t.state = 'done') AS wait,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY {SERVICE})
        FILTER (WHERE t.state = 'done') AS service_median,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY {TO_CALL}) AS first_contact_median
"""


async def queue_stats(
    conn: Connection,
    *,
    scope: str,
    scope_id: UUID,
    start: datetime,
    end: datetime,
    time_zone: str,
    by: Grouping | None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The total and, with ``by``, one row per group (``key`` as text: the group's id,
    its day or week's Monday as YYYY-MM-DD, its lane or kind; a recruiter row needs a
    caller, so tickets never called are only in the total). One round trip."""
    if by is None:
        head, sets = "NULL AS key, true AS total", "()"
    else:
        head = f"{KEYS[by]} AS key, grouping({KEYS[by]}) = 1 AS total"
        sets = f"GROUPING SETS (({KEYS[by]}), ())"
    rows = await conn.fetch(
        f"""
        SELECT {head}, {FIGURES}
          FROM tickets t JOIN booths b ON b.id = t.booth_id
         WHERE t.joined_at >= $1 AND t.joined_at < $2 AND {SCOPES[scope]}
         GROUP BY {sets}
         ORDER BY total, key
        """,
        start,
        end,
        scope_id,
        [s.value for s in ACTIVE],
        *((time_zone,) if by in ZONED else ()),
    )
    total: dict[str, Any] | None = None
    groups: list[dict[str, Any]] = []
    for row in rows:
        found = _waits(dict(row))
        if found["key"] is not None:
            found["key"] = str(found["key"])  # an id, or a date as YYYY-MM-DD
        if found.pop("total"):
            total = found
        elif found["key"] is not None:
            groups.append(found)
    assert total is not None  # the empty grouping set always yields one row
    return total, groups


def _waits(found: dict[str, Any]) -> dict[str, Any]:
    wait = found.pop("wait")
    found["wait_median"], found["wait_p90"] = wait if wait is not None else (None, None)
    return found


async def by_venue_and_week(
    conn: Connection, *, fair_id: UUID, start: datetime, end: datetime, time_zone: str
) -> list[dict[str, Any]]:
    """The figures of :func:`queue_stats` for each venue and fair week of a fair (the
    statistics table's queue waits): ``venue_id``, ``monday`` (the week's Monday in
    the fair's zone) and the figures; only groups with tickets. One round trip."""
    rows = await conn.fetch(
        f"""
        SELECT b.venue_id, {KEYS[Grouping.WEEK]} AS monday, {FIGURES}
          FROM tickets t JOIN booths b ON b.id = t.booth_id
         WHERE t.joined_at >= $1 AND t.joined_at < $2 AND {SCOPES["fair"]}
         GROUP BY b.venue_id, monday
        """,
        start,
        end,
        fair_id,
        [s.value for s in ACTIVE],
        time_zone,
    )
    return [_waits(dict(row)) for row in rows]
