"""Jobs: posted by an employer's recruiters (and admins), public once the employer is
verified and while the job is open.

An unverified employer may prepare jobs; only its staff, venue admins of its region and
organisers see them until verification (everyone else gets 404, as for the employer
itself). Closing a job hides it from the public; its staff still read and reopen it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final, Generic, Self, TypeVar
from uuid import UUID

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from server.api.auth import authorize, principal_of, signed_in
from server.api.employers import (
    EmployerSummary,
    RegionCode,
    Stripped,
    no_nulls,
    sees_privately,
    summary,
)
from server.api.routing import Api, Call, Model, Query
from server.appkeys import CLOCK, POOL
from server.domain import search
from server.domain.industries import Industry
from server.domain.jobs import (
    Category,
    Education,
    JobStatus,
    KeyGroup,
    Salary,
    SalaryError,
    open_to,
)
from server.domain.permissions import Action, Resource
from server.domain.principal import Principal, Role
from server.errors import FieldError, Problem
from server.store import employers as employers_store
from server.store import fairs as fairs_store
from server.store import jobs as store
from server.store.db import Connection

PER_PAGE_MAX: Final = 100
PAGE_MAX: Final = 10_000

# -- bodies -------------------------------------------------------------------------------


def _unique(groups: list[KeyGroup]) -> list[KeyGroup]:
    return list(dict.fromkeys(groups))


Title = Annotated[str, Field(min_length=1, max_length=100)]
Openings = Annotated[int, Field(ge=1, le=100_000)]
Description = Annotated[str, Field(max_length=8000)]
KeyGroups = Annotated[list[KeyGroup], Field(max_length=5), AfterValidator(_unique)]


class SalaryIn(Model):
    """CNY per month: a range, or ``negotiable`` (面议) with no amounts."""

    negotiable: bool = False
    min: int | None = Field(default=None, ge=1, le=1_000_000)
    max: int | None = Field(default=None, ge=1, le=1_000_000)

    @model_validator(mode="after")
    def _coherent(self) -> SalaryIn:
        try:
            Salary.of(self.negotiable, self.min, self.max)
        except SalaryError as exc:
            raise PydanticCustomError(SalaryError.code, str(exc)) from None
        return self


class JobIn(Stripped):
    fair_id: UUID
    employer_id: UUID
    title: Title
    openings: Openings
    salary: SalaryIn
    education: Education = Field(description="The minimum asked for (the ladder, lowest first).")
    region_code: RegionCode = Field(description="Where the job is.")
    category: Category
    urgent_shortage: bool = Field(default=False, description="急需紧缺工种")
    industry: Industry = Field(description="GB/T 4754-2017 section, A–T.")
    key_groups: KeyGroups = Field(default_factory=list)
    description: Description = ""


class JobPatch(Stripped):
    """Only the fields present change; ``null`` is refused; ``salary`` is replaced whole."""

    title: Title | None = None
    openings: Openings | None = None
    salary: SalaryIn | None = None
    education: Education | None = None
    region_code: RegionCode | None = None
    category: Category | None = None
    urgent_shortage: bool | None = None
    industry: Industry | None = None
    key_groups: KeyGroups | None = None
    description: Description | None = None
    status: JobStatus | None = None


class SalaryOut(Model):
    negotiable: bool
    min: int | None
    max: int | None


class SnippetOut(Model):
    text: str
    ranges: list[tuple[int, int]]


class Highlight(Model):
    """Where the keyword matched: ``[start, end)`` in code points."""

    title: list[tuple[int, int]]
    snippet: SnippetOut | None


class JobOut(Model):
    id: UUID
    fair_id: UUID
    employer: EmployerSummary
    title: str
    openings: int
    salary: SalaryOut
    education: str
    region_code: str
    category: str
    urgent_shortage: bool
    industry: str
    key_groups: list[str]
    description: str
    status: str
    public: bool = Field(description="Open, and the employer verified.")
    created_at: datetime
    updated_at: datetime
    highlight: Highlight | None = None


class Page(Query):
    page: int = Field(default=1, ge=1, le=PAGE_MAX)
    per_page: int = Field(default=20, ge=1, le=PER_PAGE_MAX)

    @property
    def offset(self) -> int:
        """How many rows come before this page."""
        return (self.page - 1) * self.per_page


T = TypeVar("T", bound=Model)


class Paged(Model, Generic[T]):
    # A page of a listing (jobs, policies, search hits): its items out of ``total``.
    items: list[T]
    total: int
    page: int
    per_page: int

    @classmethod
    def of(cls, items: list[T], total: int, query: Page) -> Self:
        return cls(items=items, total=total, page=query.page, per_page=query.per_page)


Keyword = Annotated[str, Field(min_length=1, max_length=50)]


class JobQuery(Page):
    fair: UUID | None = None
    employer: UUID | None = None
    region: Annotated[str, Field(pattern=r"^[0-9]{6}$")] | None = None
    industry: Industry | None = None
    category: Category | None = None
    urgent_shortage: bool | None = None
    education: Education | None = Field(
        default=None, description="The candidate's level: jobs asking for at most this."
    )
    key_group: KeyGroup | None = None
    q: Keyword | None = None
    mine: bool = Field(default=False, description="Every job of the employers you work for.")


class JobList(Paged[JobOut]):
    pass


# -- helpers shared with search and policies -----------------------------------------------


def keyword_terms(q: str | None) -> list[str] | None:
    """The query's search tokens; a keyword with nothing searchable is a field error."""
    if q is None:
        return None
    terms = search.query_tokens(q)
    if not terms:
        raise Problem(
            "request.invalid",
            "the keyword has no letters, digits or Chinese characters",
            errors=[FieldError("/query/q", "search.query_empty")],
        )
    return terms


def highlight_of(title: str, texts: list[str], terms: list[str] | None) -> Highlight | None:
    if not terms:
        return None
    found = search.first_snippet(texts, terms)
    return Highlight(
        title=search.highlight(title, terms),
        snippet=None if found is None else SnippetOut(text=found.text, ranges=found.ranges),
    )


def job_public(row: dict[str, Any]) -> bool:
    return row["status"] == JobStatus.OPEN and row["employer_verified_at"] is not None


def employer_of(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["employer_id"], "region_code": row["employer_region_code"]}


def render(row: dict[str, Any], terms: list[str] | None = None) -> JobOut:
    return JobOut(
        id=row["id"],
        fair_id=row["fair_id"],
        employer=summary(row, prefix="employer_"),
        title=row["title"],
        openings=row["openings"],
        salary=SalaryOut(
            negotiable=row["salary_negotiable"], min=row["salary_min"], max=row["salary_max"]
        ),
        education=row["education"],
        region_code=row["region_code"],
        category=row["category"],
        urgent_shortage=row["urgent_shortage"],
        industry=row["industry"],
        key_groups=list(row["key_groups"]),
        description=row["description"],
        status=row["status"],
        public=job_public(row),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        highlight=highlight_of(row["title"], [row["description"]], terms),
    )


def salary_columns(salary: SalaryIn) -> dict[str, Any]:
    return {
        "salary_negotiable": salary.negotiable,
        "salary_min": salary.min,
        "salary_max": salary.max,
    }


def not_found(job_id: object) -> Problem:
    return Problem("job.not_found", f"no job {job_id}")


async def visible_job(
    conn: Connection, principal: Principal, job_id: UUID, *, for_update: bool = False
) -> dict[str, Any]:
    """The job if the principal may see it; 404 otherwise (existence stays private)."""
    row = await store.get_job(conn, job_id, for_update=for_update)
    # sees_privately: the employer's recruiters and admins, its region's venue admins,
    # organisers — those who also see the unverified employer itself.
    if row is None or not (job_public(row) or sees_privately(principal, employer_of(row))):
        raise not_found(job_id)
    return row


def field_problem(pointer: str, code: str, message: str) -> Problem:
    return Problem("request.invalid", message, errors=[FieldError(pointer, code, message)])


# -- routes -------------------------------------------------------------------------------


def register(api: Api) -> None:
    tags = ("jobs",)

    @api.route(
        "GET",
        "/api/jobs",
        operation_id="listJobs",
        summary="Open jobs of verified employers, filtered; best match first with a keyword"
        " (mine=true: every job of the employers you work for)",
        query=JobQuery,
        response=JobList,
        tags=tags,
    )
    async def list_jobs(call: Call[None, JobQuery]) -> JobList:
        query = call.query
        terms = keyword_terms(query.q)
        mine: list[UUID] | None = None
        if query.mine:
            principal = await signed_in(call)
            mine = sorted(principal.scopes(Role.RECRUITER) | principal.scopes(Role.EMPLOYER_ADMIN))
        filters = store.JobFilters(
            fair_id=query.fair,
            employer_id=query.employer,
            region=query.region,
            industry=query.industry,
            category=query.category,
            urgent_shortage=query.urgent_shortage,
            educations=None if query.education is None else open_to(query.education),
            key_group=query.key_group,
            mine=mine,
        )
        async with call.app[POOL].acquire() as conn:
            rows, total = await store.list_jobs(
                conn, filters, terms, offset=query.offset, limit=query.per_page
            )
        return JobList.of([render(row, terms) for row in rows], total, query)

    @api.route(
        "GET",
        "/api/jobs/{job}",
        operation_id="getJob",
        summary="One job (404 unless public, except to the employer's staff and overseers)",
        response=JobOut,
        tags=tags,
    )
    async def get_job(call: Call[None, None]) -> JobOut:
        principal = await principal_of(call.request)
        job_id = call.path_id("job", "job.not_found")
        async with call.app[POOL].acquire() as conn:
            row = await visible_job(conn, principal, job_id)
        return render(row)

    @api.route(
        "POST",
        "/api/jobs",
        operation_id="createJob",
        summary="Post a job for an employer you recruit for (public once it is verified)",
        body=JobIn,
        response=JobOut,
        status=201,
        tags=tags,
    )
    async def create_job(call: Call[JobIn, None]) -> JobOut:
        principal = await signed_in(call)
        body = call.body
        now = call.app[CLOCK].now()
        async with call.app[POOL].acquire() as conn, conn.transaction():
            employer = await employers_store.get_employer(conn, body.employer_id)
            if employer is None or not (
                employer["verified_at"] is not None or sees_privately(principal, employer)
            ):
                raise field_problem("/employer_id", "employer.not_found", "no such employer")
            authorize(principal, Action.EDIT_JOB, Resource(employer_id=employer["id"]))
            if await fairs_store.get_fair(conn, body.fair_id) is None:
                raise field_problem("/fair_id", "fair.not_found", "no such fair")
            fields = body.model_dump(mode="json", exclude={"fair_id", "employer_id", "salary"})
            fields.update(salary_columns(body.salary))
            job_id = await store.insert_job(
                conn,
                fair_id=body.fair_id,
                employer_id=employer["id"],
                fields=fields,
                actor=principal.account_id,
                now=now,
            )
            row = await store.get_job(conn, job_id)
        assert row is not None
        return render(row)

    @api.route(
        "PATCH",
        "/api/jobs/{job}",
        operation_id="updateJob",
        summary="Edit, close or reopen a job (the employer's recruiters and admins)",
        body=JobPatch,
        response=JobOut,
        tags=tags,
    )
    async def update_job(call: Call[JobPatch, None]) -> JobOut:
        principal = await signed_in(call)
        changes = no_nulls(call.body)
        job_id = call.path_id("job", "job.not_found")
        now = call.app[CLOCK].now()
        async with call.app[POOL].acquire() as conn, conn.transaction():
            row = await visible_job(conn, principal, job_id, for_update=True)
            authorize(principal, Action.EDIT_JOB, Resource(employer_id=row["employer_id"]))
            if "salary" in changes:
                assert call.body.salary is not None
                del changes["salary"]
                changes.update(salary_columns(call.body.salary))
            changes = {
                name: [str(g) for g in value] if name == "key_groups" else value
                for name, value in changes.items()
            }
            if changes:
                await store.update_job(conn, job_id, changes, actor=principal.account_id, now=now)
                row = await visible_job(conn, principal, job_id)
        return render(row)
