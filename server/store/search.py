"""Search documents (tsvector columns built in Python) and the cross-type search query.

Each searchable row — a job, a policy, an employer — keeps its document in its own
``search`` column, rewritten in the same transaction as every change to what it is made
of (:func:`index_job`, :func:`index_policy`, :func:`index_employer`; renaming an employer
re-indexes its jobs, whose documents carry the employer's name). Visibility is never
copied into the index: queries join the live rows (a job is public while it is open
and its employer verified), so withdrawing a verification hides at once.

See :mod:`server.domain.search` for the tokens and why they make PostgreSQL 15 and 18
answer alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from server.domain import search
from server.domain.employer_types import EMPLOYER_TYPE_NAMES
from server.domain.industries import INDUSTRIES
from server.domain.jobs import (
    CATEGORY_NAMES,
    EDUCATION_NAMES,
    URGENT_SHORTAGE_NAME,
    Category,
    Education,
    KeyGroup,
    Salary,
)
from server.domain.policies import FIELD_NAMES, KIND_NAMES, PolicyKind
from server.domain.regions import is_region_code, region_by_code
from server.store.db import Connection, Params

KEY_GROUP_NAMES = {
    KeyGroup.GRADUATES: "高校毕业生",
    KeyGroup.POVERTY_STRICKEN: "贫困劳动力",
    KeyGroup.UNEMPLOYED: "登记失业人员",
    KeyGroup.LAID_OFF: "下岗待岗职工",
    KeyGroup.STRUGGLING_ENTERPRISE_STAFF: "困难企业职工",
}

# The version of the documents built here: raise it whenever what goes into a document
# changes, and every node's start rebuilds stored documents older than it
# (:func:`ensure_format`). 2: documents name the employer's type (民营企业 …).
# 3: programming names keep their symbols (c++, c#, node.js, .net; see domain.search).
SEARCH_FORMAT = 3

# A job anyone may see: open, at a verified employer (jobs.py filters with it too).
PUBLIC_JOB = "j.status = 'open' AND e.verified_at IS NOT NULL"


def _region_name(code: str | None) -> str:
    return region_by_code(code).zh if code is not None and is_region_code(code) else "全国"


# -- documents (which words of a row are searchable, and how much each counts) ----------


def job_document(job: dict[str, Any], employer_name: str, employer_type: str) -> str:
    salary = Salary(job["salary_negotiable"], job["salary_min"], job["salary_max"])
    facets = [
        EMPLOYER_TYPE_NAMES[employer_type][0],
        CATEGORY_NAMES[Category(job["category"])][0],
        INDUSTRIES[job["industry"]][0],
        EDUCATION_NAMES[Education(job["education"])][0],
        _region_name(job["region_code"]),
        salary.label_zh(),
        *(KEY_GROUP_NAMES[KeyGroup(g)] for g in job["key_groups"]),
    ]
    if job["urgent_shortage"]:
        facets.append(URGENT_SHORTAGE_NAME[0])
    return search.tsvector_literal(
        [
            (job["title"], "A"),
            (employer_name, "B"),
            (" ".join(facets), "C"),
            (job["description"], "D"),
        ]
    )


def policy_document(policy: dict[str, Any]) -> str:
    return search.tsvector_literal(
        [
            (policy["title"], "A"),
            (policy["target_scope"], "B"),
            (policy["subsidy_standard"], "B"),
            (KIND_NAMES[PolicyKind(policy["kind"])][0], "C"),
            (_region_name(policy["region_code"]), "C"),
            *((policy[name], "D") for name in FIELD_NAMES[2:]),
        ]
    )


def employer_document(employer: dict[str, Any]) -> str:
    return search.tsvector_literal(
        [
            (employer["name"], "A"),
            (
                " ".join(
                    (
                        EMPLOYER_TYPE_NAMES[employer["type"]][0],
                        INDUSTRIES[employer["industry"]][0],
                        _region_name(employer["region_code"]),
                    )
                ),
                "C",
            ),
            (employer["description"], "D"),
        ]
    )


# -- indexing ---------------------------------------------------------------------------


async def index_job(conn: Connection, job_id: UUID) -> None:
    row = await conn.fetchrow(
        "SELECT j.*, e.name AS employer_name, e.type AS employer_type FROM jobs j"
        " JOIN employers e ON e.id = j.employer_id WHERE j.id = $1",
        job_id,
    )
    assert row is not None
    await conn.execute(
        "UPDATE jobs SET search = $2::text::tsvector WHERE id = $1",
        job_id,
        job_document(dict(row), row["employer_name"], row["employer_type"]),
    )


async def index_policy(conn: Connection, policy_id: UUID) -> None:
    row = await conn.fetchrow("SELECT * FROM policies WHERE id = $1", policy_id)
    assert row is not None
    await conn.execute(
        "UPDATE policies SET search = $2::text::tsvector WHERE id = $1",
        policy_id,
        policy_document(dict(row)),
    )


async def index_employer(conn: Connection, employer_id: UUID) -> None:
    """The employer's document and those of its jobs (they carry its name)."""
    row = await conn.fetchrow(
        "SELECT id, name, type, industry, region_code, description FROM employers WHERE id = $1",
        employer_id,
    )
    assert row is not None
    await conn.execute(
        "UPDATE employers SET search = $2::text::tsvector WHERE id = $1",
        employer_id,
        employer_document(dict(row)),
    )
    jobs = await conn.fetch("SELECT * FROM jobs WHERE employer_id = $1", employer_id)
    if jobs:
        await conn.executemany(
            "UPDATE jobs SET search = $2::text::tsvector WHERE id = $1",
            [(job["id"], job_document(dict(job), row["name"], row["type"])) for job in jobs],
        )


async def index_unindexed_employers(conn: Connection) -> int:
    """Index employers created before search existed (their document is empty)."""
    ids = await conn.fetch("SELECT id FROM employers WHERE search = ''::tsvector")
    for record in ids:
        await index_employer(conn, record["id"])
    return len(ids)


async def ensure_format(conn: Connection) -> bool:
    """Rebuild every stored document if they are older than :data:`SEARCH_FORMAT`, in one
    transaction (another node starting at once waits on the row, then finds it done).
    True if this call rebuilt them."""
    async with conn.transaction():
        stored = await conn.fetchval("SELECT version FROM search_format FOR UPDATE")
        if stored is not None and stored >= SEARCH_FORMAT:
            return False
        for employer in await conn.fetch("SELECT id FROM employers"):
            await index_employer(conn, employer["id"])  # and its jobs
        for policy in await conn.fetch("SELECT id FROM policies"):
            await index_policy(conn, policy["id"])
        await conn.execute("UPDATE search_format SET version = $1", SEARCH_FORMAT)
        return True


# -- the query --------------------------------------------------------------------------


def tsquery(terms: Sequence[str]) -> str:
    return search.tsquery_literal(terms)


def in_title(document: str, query: str) -> str:
    """Whether the title (weight A: a job's or policy's title, an employer's name) alone
    matches ``query``. Rows where it does come first: ``ts_rank`` alone can put a
    description holding the words side by side above a title holding them apart."""
    return f"ts_filter({document}, '{{a}}') @@ {query}"


def ranked(
    params: Params, document: str, terms: Sequence[str] | None, order: str
) -> tuple[list[str], str]:
    """A listing's keyword search over ``document`` (a row's tsvector column): with
    ``terms``, the clause that it matches and ``order`` behind the best match first
    (title matches, then by ``ts_rank``); without, no clause and ``order`` as it is."""
    if not terms:
        return [], order
    query = params.add(tsquery(terms)) + "::text::tsquery"
    return [f"{document} @@ {query}"], (
        f"{in_title(document, query)} DESC, ts_rank({document}, {query}) DESC, {order}"
    )


@dataclass(frozen=True, slots=True)
class Filters:
    """Filters of ``searchAll``; each applies to the types that have the field and
    excludes the others (a policy has no industry, so ``industry`` hides policies)."""

    fair_id: UUID | None = None
    region: str | None = None
    industry: str | None = None
    category: str | None = None
    kind: str | None = None
    types: frozenset[str] = frozenset({"job", "employer", "policy"})


def _hits(filters: Filters, terms: Sequence[str] | None, params: Params) -> str:
    """A UNION of the public rows of each wanted type that match, with their rank."""
    query = params.add(tsquery(terms)) + "::text::tsquery" if terms else None

    def rank(document: str) -> str:
        if query is None:
            return "0::real AS rank, false AS in_title"
        return f"ts_rank({document}, {query}) AS rank, {in_title(document, query)} AS in_title"

    parts: list[str] = []
    if "job" in filters.types and filters.kind is None:
        where = [PUBLIC_JOB]
        if query:
            where.append(f"j.search @@ {query}")
        where += params.equal(
            ("j.fair_id", filters.fair_id),
            ("j.region_code", filters.region),
            ("j.industry", filters.industry),
            ("j.category", filters.category),
        )
        parts.append(
            f"""SELECT 'job' AS type, j.id, j.title, j.region_code, e.name AS subtitle,
                       {rank("j.search")}, j.updated_at,
                       ARRAY[j.description] AS texts
                  FROM jobs j JOIN employers e ON e.id = j.employer_id
                 WHERE {" AND ".join(where)}"""
        )
    if "employer" in filters.types and filters.kind is None and filters.category is None:
        where = ["e.verified_at IS NOT NULL"]
        if query:
            where.append(f"e.search @@ {query}")
        where += params.equal(("e.region_code", filters.region), ("e.industry", filters.industry))
        if filters.fair_id is not None:
            # Employers are global; within a fair, those with a job or a booth there.
            fair = params.add(filters.fair_id)
            where.append(
                f"""(EXISTS (SELECT 1 FROM jobs x WHERE x.employer_id = e.id AND x.fair_id = {fair})
                     OR EXISTS (SELECT 1 FROM booths b WHERE b.employer_id = e.id
                                 AND b.fair_id = {fair}))"""
            )
        parts.append(
            f"""SELECT 'employer' AS type, e.id, e.name AS title, e.region_code,
                       e.industry AS subtitle, {rank("e.search")},
                       e.updated_at, ARRAY[e.description] AS texts
                  FROM employers e
                 WHERE {" AND ".join(where)}"""
        )
    if "policy" in filters.types and filters.industry is None and filters.category is None:
        where = ["p.status = 'published'"]
        if query:
            where.append(f"p.search @@ {query}")
        where += params.equal(("p.fair_id", filters.fair_id))
        if filters.region == "national":
            where.append("p.region_code IS NULL")
        else:
            where += params.equal(("p.region_code", filters.region))
        where += params.equal(("p.kind", filters.kind))
        parts.append(
            f"""SELECT 'policy' AS type, p.id, p.title, p.region_code, p.kind AS subtitle,
                       {rank("p.search")}, p.updated_at,
                       ARRAY[{", ".join(f"p.{name}" for name in FIELD_NAMES)}] AS texts
                  FROM policies p
                 WHERE {" AND ".join(where)}"""
        )
    if not parts:
        return "SELECT NULL::text AS type, NULL::uuid AS id WHERE false"
    return "\nUNION ALL\n".join(parts)


async def search_all(
    conn: Connection,
    filters: Filters,
    terms: Sequence[str] | None,
    *,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """One page of hits, best first (then newest, then id), and the count per type."""
    params = Params()
    hits = _hits(filters, terms, params)
    counts = {
        row["type"]: row["n"]
        for row in await conn.fetch(
            f"SELECT type, count(*) AS n FROM ({hits}) h GROUP BY type", *params
        )
    }
    if not counts:
        return [], {}
    rows = await conn.fetch(
        f"""SELECT * FROM ({hits}) h
             ORDER BY in_title DESC, rank DESC, updated_at DESC, id DESC
             LIMIT {params.add(limit)} OFFSET {params.add(offset)}""",
        *params,
    )
    return [dict(row) for row in rows], counts
