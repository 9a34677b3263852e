"""The campaign's statistics table (情况统计表): its columns, and the rows assembled from
the measures the store counted (pure; definitions: docs/campaign-stats.md).

One row per venue and fair week. The store returns *partial* rows — each measure
family's figures keyed by ``(venue_id, week)``, only where there was something — and
:func:`assemble` lays them over every venue and week asked for (0 where nothing
happened, ``None`` for a wait nobody waited) and adds a total per venue and a grand
total.

Totals add only what adds up. A count of distinct things (employers, booths present,
candidates interviewed, applicants) or a median is not the sum of its weeks: those are
``None`` in the totals rather than a wrong number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from server.domain.employer_types import EMPLOYER_TYPE_NAMES
from server.domain.jobs import CATEGORY_NAMES, URGENT_SHORTAGE_NAME

# The candidates' own key groups (candidate_profiles.key_groups): the notice's five and
# "other".
CANDIDATE_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("graduates", "高校毕业生", "Graduates"),
    ("poverty_stricken", "贫困劳动力", "Poverty-stricken workers"),
    ("unemployed", "登记失业人员", "Registered unemployed"),
    ("laid_off", "下岗（待岗）职工", "Laid-off workers"),
    ("struggling_enterprise_staff", "困难企业职工", "Staff of struggling enterprises"),
    ("other", "其他重点群体", "Other key groups"),
)


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    zh: str
    en: str
    additive: bool = True  # whether a total is the sum of its rows
    seconds: bool = False  # a duration (float or None), not a count

    @property
    def header(self) -> str:
        return f"{self.zh} {self.en}"


def _columns() -> tuple[Column, ...]:
    cols = [Column("employers", "参会企业数", "Employers taking part", additive=False)]
    cols += [
        Column(f"employers_{key}", f"其中{zh}", f"of which {en.lower()}", additive=False)
        for key, (zh, en) in EMPLOYER_TYPE_NAMES.items()
    ]
    cols.append(Column("booths", "展位数", "Booths open", additive=False))
    cols += [
        Column("jobs", "发布岗位数", "Jobs posted"),
        Column("openings", "招聘人数", "Openings"),
        Column("jobs_urgent", f"{URGENT_SHORTAGE_NAME[0]}岗位数", "Urgent-shortage jobs"),
        Column("openings_urgent", f"{URGENT_SHORTAGE_NAME[0]}招聘人数", "Urgent-shortage openings"),
    ]
    for category, (zh, en) in CATEGORY_NAMES.items():
        cols.append(Column(f"jobs_{category.value}", f"岗位数：{zh}", f"Jobs: {en}"))
        cols.append(Column(f"openings_{category.value}", f"招聘人数：{zh}", f"Openings: {en}"))
    cols += [
        Column("applications", "投递简历份数", "Resumes submitted (applications)"),
        Column("applicants", "投递简历人数", "Candidates who applied", additive=False),
        Column("interviews", "面试场次", "Interviews held"),
        Column("offer_intents", "达成意向数", "Offer intentions"),
        Column("interviewees", "面试求职者人数", "Candidates interviewed", additive=False),
    ]
    cols += [
        Column(f"interviewees_{key}", f"其中{zh}", f"of which {en.lower()}", additive=False)
        for key, zh, en in CANDIDATE_GROUPS
    ]
    cols += [
        Column("sessions_held", "特色专场场次", "Featured sessions held"),
        Column("session_viewers", "特色专场观看人数", "Featured session viewers"),
        Column("policies_published", "发布政策数", "Policies published"),
        Column("queue_joins", "排队人次", "Queue joins"),
        Column("queue_served", "排队面试人次", "Served from the queue"),
        Column(
            "wait_median", "排队等待中位数（秒）", "Wait median (s)", additive=False, seconds=True
        ),
        Column("wait_p90", "排队等待90分位（秒）", "Wait p90 (s)", additive=False, seconds=True),
    ]
    return tuple(cols)


COLUMNS: tuple[Column, ...] = _columns()
MEASURES: tuple[str, ...] = tuple(c.key for c in COLUMNS)


@dataclass(frozen=True, slots=True)
class Venue:
    id: UUID
    region_code: str | None  # None: the main venue
    name_zh: str
    name_en: str


Figures = dict[str, int | float | None]


@dataclass(frozen=True, slots=True)
class Row:
    venue: Venue
    week: int | None  # None: the venue's total over the weeks asked for
    figures: Figures


def empty() -> Figures:
    return {c.key: (None if c.seconds else 0) for c in COLUMNS}


def assemble(
    venues: Sequence[Venue],
    weeks: Sequence[int],
    partials: Iterable[Mapping[str, Any]],
) -> tuple[list[Row], list[Row], Figures]:
    """``(rows, venue_totals, total)``: a row per venue and week (venues in the given
    order, then weeks), a total per venue, and the grand total. ``partials`` carry
    ``venue_id``, ``week`` and some measures; those of other venues or weeks are
    ignored (the store may count more than the caller may see)."""
    cells: dict[tuple[UUID, int], Figures] = {(v.id, w): empty() for v in venues for w in weeks}
    for part in partials:
        figures = cells.get((part["venue_id"], part["week"]))
        if figures is None:
            continue
        for key, value in part.items():
            if key in figures and value is not None:
                current = figures[key]
                # A family may report one measure in several partials (e.g. jobs of
                # two categories): counts add up; durations come once.
                figures[key] = value if current is None else current + value
    rows = [Row(v, w, cells[(v.id, w)]) for v in venues for w in weeks]
    totals = [Row(v, None, _sum(cells[(v.id, w)] for w in weeks)) for v in venues]
    return rows, totals, _sum(row.figures for row in rows)


def _sum(many: Iterable[Figures]) -> Figures:
    total: Figures = {c.key: (0 if c.additive else None) for c in COLUMNS}
    for figures in many:
        for c in COLUMNS:
            if c.additive:
                total[c.key] = (total[c.key] or 0) + (figures[c.key] or 0)
    return total
