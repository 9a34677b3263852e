"""The campaign's statistics table (SQL): one statement per measure family, each over
one fair and the weeks asked for, grouped by venue and week in PostgreSQL.

Every statement joins its rows to the weeks (``unnest`` of week numbers and their
``[starts, ends)`` instants) and also bounds them by the whole span, so the indexes on
the instants can be used. What each figure means: docs/campaign-stats.md; the rows are
assembled by :mod:`server.domain.campaign_stats`; queue waits come from
:func:`server.store.queue_stats.by_venue_and_week`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from server.domain.campaign_stats import CANDIDATE_GROUPS
from server.domain.employer_types import EMPLOYER_TYPE_NAMES
from server.store.db import Connection

Week = tuple[int, datetime, datetime]  # number, starts (inclusive), ends (exclusive)

# $1 the fair; $2, $3, $4 the weeks' numbers, starts and ends; $5, $6 the span.
WEEKS = "unnest($2::int[], $3::timestamptz[], $4::timestamptz[]) AS w(week, starts, ends)"


def _during(at: str) -> str:
    return f"{at} >= w.starts AND {at} < w.ends AND {at} >= $5 AND {at} < $6"


# A booth is open in a week if it was approved before the week ended and not closed
# before it began (a re-approval clears closed_at and moves approved_at: such a booth
# counts from its latest approval).
BOOTHS = """
    SELECT b.venue_id, w.week,
           count(*) AS booths,
           count(DISTINCT b.employer_id) AS employers,
           {types}
      FROM booths b
      JOIN {weeks} ON b.approved_at < w.ends AND (b.closed_at IS NULL OR b.closed_at >= w.starts)
      LEFT JOIN employers e ON e.id = b.employer_id
     WHERE b.fair_id = $1 AND b.approved_at IS NOT NULL AND b.approved_at < $6
       AND (b.closed_at IS NULL OR b.closed_at >= $5)
     GROUP BY b.venue_id, w.week
""".format(
    types=",\n           ".join(
        f"count(DISTINCT b.employer_id) FILTER (WHERE e.type = '{key}') AS employers_{key}"
        for key in EMPLOYER_TYPE_NAMES
    ),
    weeks=WEEKS,
)

# Jobs of verified employers, at the sub-venue of the job's region, in the week they
# were posted; jobs posted before the fair's first week count in week 1 ($7: its start).
JOBS = f"""
    SELECT v.id AS venue_id, w.week, j.category, j.urgent_shortage,
           count(*) AS jobs, sum(j.openings)::bigint AS openings
      FROM jobs j
      JOIN employers e ON e.id = j.employer_id AND e.verified_at IS NOT NULL
      JOIN venues v ON v.fair_id = j.fair_id AND v.region_code = j.region_code
      JOIN {WEEKS} ON {_during("greatest(j.created_at, $7)")}
     WHERE j.fair_id = $1
     GROUP BY v.id, w.week, j.category, j.urgent_shortage
"""

# Applications (each sends a resume: applyToJob requires one) to the fair's jobs, at
# the job's venue, in the week they were made. A deleted account's applications keep
# their rows with no candidate: each counts as one applicant.
APPLICATIONS = f"""
    SELECT v.id AS venue_id, w.week,
           count(*) AS applications,
           count(DISTINCT a.candidate_id) + count(*) FILTER (WHERE a.candidate_id IS NULL)
               AS applicants
      FROM jobs j
      JOIN applications a ON a.job_id = j.id
      JOIN venues v ON v.fair_id = j.fair_id AND v.region_code = j.region_code
      JOIN {WEEKS} ON {_during("a.created_at")}
     WHERE j.fair_id = $1
     GROUP BY v.id, w.week
"""

# Interviews that started in the week at the venue's booths, but those the candidate
# did not come to (outcome no_show); key groups from the snapshot taken at the start.
INTERVIEWS = """
    SELECT b.venue_id, w.week,
           count(*) AS interviews,
           count(*) FILTER (WHERE i.outcome = 'offer_intent') AS offer_intents,
           count(DISTINCT i.candidate_id) AS interviewees,
           {groups}
      FROM booths b
      JOIN interviews i ON i.booth_id = b.id
      JOIN {weeks} ON {during}
     WHERE b.fair_id = $1 AND i.outcome IS DISTINCT FROM 'no_show'
     GROUP BY b.venue_id, w.week
""".format(
    groups=",\n           ".join(
        f"count(DISTINCT i.candidate_id) FILTER (WHERE i.candidate_groups ? '{key}')"
        f" AS interviewees_{key}"
        for key, _, _ in CANDIDATE_GROUPS
    ),
    weeks=WEEKS,
    during=_during("i.started_at"),
)

# Featured sessions that went live in the week (live_at), at their venue, with each
# session's unique viewers as its statistics count them (session_viewings; a viewer of
# two sessions counts in each).
SESSIONS = f"""
    SELECT fs.venue_id, w.week,
           count(*) AS sessions_held,
           coalesce(sum(seen.viewers), 0)::bigint AS session_viewers
      FROM featured_sessions fs
      JOIN {WEEKS} ON {_during("fs.live_at")}
      CROSS JOIN LATERAL (
          SELECT count(*) AS viewers FROM session_viewings sv WHERE sv.session_id = fs.id
      ) seen
     WHERE fs.fair_id = $1 AND fs.state IN ('live', 'ended')
     GROUP BY fs.venue_id, w.week
"""

# Policies published now, in the week of their (latest) publication: a province's at
# its sub-venue, a national one (no region) at the main venue.
POLICIES = f"""
    SELECT v.id AS venue_id, w.week, count(*) AS policies_published
      FROM policies p
      JOIN venues v ON v.fair_id = p.fair_id
           AND (v.region_code = p.region_code OR (p.region_code IS NULL AND v.kind = 'main'))
      JOIN {WEEKS} ON {_during("p.published_at")}
     WHERE p.fair_id = $1 AND p.status = 'published'
     GROUP BY v.id, w.week
"""


async def _fetch(
    conn: Connection, sql: str, fair_id: UUID, weeks: Sequence[Week], *extra: Any
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        sql,
        fair_id,
        [w[0] for w in weeks],
        [w[1] for w in weeks],
        [w[2] for w in weeks],
        min(w[1] for w in weeks),
        max(w[2] for w in weeks),
        *extra,
    )
    return [dict(row) for row in rows]


async def measures(
    conn: Connection, fair_id: UUID, weeks: Sequence[Week], fair_starts: datetime
) -> list[dict[str, Any]]:
    """Partial rows (``venue_id``, ``week`` and some measures) for every venue and week
    with something to count; jobs come one row per category and urgency (the domain
    folds them into columns). ``fair_starts``: week 1's start."""
    if not weeks:
        return []
    found: list[dict[str, Any]] = []
    for sql in (BOOTHS, APPLICATIONS, INTERVIEWS, SESSIONS, POLICIES):
        found += await _fetch(conn, sql, fair_id, weeks)
    found += [_job_columns(row) for row in await _fetch(conn, JOBS, fair_id, weeks, fair_starts)]
    return found


def _job_columns(row: dict[str, Any]) -> dict[str, Any]:
    jobs, openings = row["jobs"], row["openings"]
    out = {
        "venue_id": row["venue_id"],
        "week": row["week"],
        "jobs": jobs,
        "openings": openings,
        f"jobs_{row['category']}": jobs,
        f"openings_{row['category']}": openings,
    }
    if row["urgent_shortage"]:
        out |= {"jobs_urgent": jobs, "openings_urgent": openings}
    return out
