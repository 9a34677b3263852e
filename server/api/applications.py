"""Applications: a candidate sends a resume to a job; both sides follow its status.

::

    submitted ─▶ viewed ─▶ interview ─▶ offer          (the employer's recruiters/admins,
        │           │          │          │              in any order, never back to
        ▼           ▼          ▼          ▼              submitted)
    withdrawn (the candidate) · not_suitable (the employer): closed, final

Every change the employer makes notifies the candidate (``application.status`` on
``me``; ids and the status only). Closing starts the 30 days the employer may still
read the resume (server/domain/resumes.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from server.api.auth import account_id, signed_in
from server.api.profiles import CandidateCard
from server.api.resumes import ResumeOut
from server.api.routing import Api, Call, Model, Query
from server.appkeys import CLOCK, OUTBOX, POOL
from server.domain.principal import Principal, Role
from server.domain.profiles import recruiter_card
from server.errors import FieldError, Problem
from server.services.notifications import notify
from server.store import applications as store
from server.store import assessments as assessments_store
from server.store import profiles as profiles_store
from server.store import resumes as resumes_store
from server.store.db import Connection

Status = Literal["submitted", "viewed", "interview", "offer", "not_suitable", "withdrawn"]
EMPLOYER_MOVES = frozenset({"viewed", "interview", "offer", "not_suitable"})
CLOSED = frozenset(store.CLOSED)


class ApplyIn(Model):
    resume_id: UUID = Field(description="One of your resumes.")


class StatusIn(Model):
    status: Status


class ApplicationsQuery(Query):
    employer: UUID | None = Field(default=None, description="The employer's inbox (its staff).")
    job: UUID | None = Field(default=None, description="One job's applications (its staff).")
    status: Status | None = None


class JobRef(Model):
    id: UUID
    title: str
    employer_id: UUID
    employer_name: str


class ApplicationOut(Model):
    id: UUID
    job: JobRef
    status: Status
    resume: ResumeOut | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    candidate: CandidateCard | None = Field(description="For the employer's side only.")


class ApplicationList(Model):
    items: list[ApplicationOut]


def works_for(principal: Principal, employer_id: UUID) -> bool:
    return principal.has(Role.RECRUITER, employer_id) or principal.has(
        Role.EMPLOYER_ADMIN, employer_id
    )


async def render_many(
    conn: Connection, rows: list[dict[str, Any]], *, employer_side: bool
) -> list[ApplicationOut]:
    profiles: dict[UUID, dict[str, Any]] = {}
    assessments: dict[UUID, dict[str, Any]] = {}
    if employer_side:
        ids = list({r["candidate_id"] for r in rows if r["candidate_id"] is not None})
        profiles = await profiles_store.get_many(conn, ids)
        assessments = await assessments_store.get_many(conn, ids)
    out = []
    for r in rows:
        resume = None
        if r["resume_id"] is not None:
            resume = ResumeOut(
                id=r["resume_id"],
                filename=r["resume_filename"],
                media_type=r["resume_media_type"],
                bytes=r["resume_bytes"],
                sha256=r["resume_sha256"],
                uploaded_at=r["resume_uploaded_at"],
            )
        card = None
        if employer_side and r["candidate_id"] is not None:
            card = CandidateCard.model_validate(
                recruiter_card(
                    profiles.get(r["candidate_id"]),
                    assessments.get(r["candidate_id"]),
                    account_id=r["candidate_id"],
                    fallback_name=r["candidate_display_name"] or "",
                )
            )
        out.append(
            ApplicationOut(
                id=r["id"],
                job=JobRef(
                    id=r["job_id"],
                    title=r["job_title"],
                    employer_id=r["employer_id"],
                    employer_name=r["employer_name"],
                ),
                status=r["status"],
                resume=resume,
                created_at=r["created_at"],
                updated_at=r["updated_at"],
                closed_at=r["closed_at"],
                candidate=card,
            )
        )
    return out


def register(api: Api) -> None:
    tags = ("candidates",)

    @api.route(
        "POST",
        "/api/jobs/{job}/applications",
        operation_id="applyToJob",
        summary="Apply to a job with one of your resumes (once per job)",
        body=ApplyIn,
        response=ApplicationOut,
        status=201,
        tags=tags,
    )
    async def apply_to_job(call: Call[ApplyIn, None]) -> ApplicationOut:
        me = await account_id(call)
        job_id = call.path_id("job", "job.not_found")
        async with call.app[POOL].acquire() as conn, conn.transaction():
            job = await store.job_for_application(conn, job_id)
            if job is None or not job["employer_verified"]:
                raise Problem("job.not_found", f"no job {job_id}")
            if job["status"] != "open":
                raise Problem("job.not_open", "this job no longer takes applications")
            resume = await resumes_store.get(conn, call.body.resume_id)
            if resume is None:
                raise Problem(
                    "resume.not_found",
                    "no such resume",
                    errors=[FieldError("/resume_id", "resume.not_found")],
                )
            if resume["account_id"] != me:
                raise Problem("auth.forbidden", "you can only send your own resume")
            application_id = await store.insert(conn, job, me, resume["id"], call.app[CLOCK].now())
            if application_id is None:
                raise Problem("application.exists", "you have already applied to this job")
            row = await store.get(conn, application_id)
            assert row is not None
            return (await render_many(conn, [row], employer_side=False))[0]

    @api.route(
        "GET",
        "/api/applications",
        operation_id="listApplications",
        summary="Your applications; with ?employer= or ?job=, that employer's inbox (its"
        " recruiters and admins)",
        query=ApplicationsQuery,
        response=ApplicationList,
        tags=tags,
    )
    async def list_applications(call: Call[None, ApplicationsQuery]) -> ApplicationList:
        principal = await signed_in(call)
        assert principal.account_id is not None
        query = call.query
        async with call.app[POOL].acquire() as conn:
            if query.employer is None and query.job is None:
                rows = await store.list_where(
                    conn, candidate_id=principal.account_id, status=query.status
                )
                return ApplicationList(items=await render_many(conn, rows, employer_side=False))
            employer_id = query.employer
            if query.job is not None:
                job = await store.job_for_application(conn, query.job)
                if job is None or (employer_id is not None and job["employer_id"] != employer_id):
                    raise Problem("job.not_found", f"no job {query.job}")
                employer_id = job["employer_id"]
            assert employer_id is not None
            if not works_for(principal, employer_id):
                raise Problem("auth.forbidden", "only this employer's recruiters and admins")
            rows = await store.list_where(
                conn, employer_id=employer_id, job_id=query.job, status=query.status
            )
            return ApplicationList(items=await render_many(conn, rows, employer_side=True))

    @api.route(
        "GET",
        "/api/applications/{application}",
        operation_id="getApplication",
        summary="One application (its candidate, or the employer's recruiters and admins)",
        response=ApplicationOut,
        tags=tags,
    )
    async def get_application(call: Call[None, None]) -> ApplicationOut:
        principal = await signed_in(call)
        application_id = call.path_id("application", "application.not_found")
        async with call.app[POOL].acquire() as conn:
            row = await store.get(conn, application_id)
            if row is None or row["candidate_id"] is None:
                raise Problem("application.not_found", f"no application {application_id}")
            if row["candidate_id"] == principal.account_id:
                return (await render_many(conn, [row], employer_side=False))[0]
            if works_for(principal, row["employer_id"]):
                return (await render_many(conn, [row], employer_side=True))[0]
        raise Problem("auth.forbidden", "not your application")

    @api.route(
        "PATCH",
        "/api/applications/{application}",
        operation_id="updateApplicationStatus",
        summary="Move an application: the candidate withdraws; the employer's recruiters mark"
        " it viewed, interview, offer or not_suitable. The candidate is notified.",
        body=StatusIn,
        response=ApplicationOut,
        tags=tags,
    )
    async def update_status(call: Call[StatusIn, None]) -> ApplicationOut:
        principal = await signed_in(call)
        application_id = call.path_id("application", "application.not_found")
        target = call.body.status
        now = call.app[CLOCK].now()
        async with call.app[OUTBOX].transaction() as tx:
            row = await store.get(tx.conn, application_id, lock=True)
            if row is None or row["candidate_id"] is None:
                raise Problem("application.not_found", f"no application {application_id}")
            is_candidate = row["candidate_id"] == principal.account_id
            is_staff = works_for(principal, row["employer_id"])
            if not is_candidate and not is_staff:
                raise Problem("auth.forbidden", "not your application")
            allowed = (
                {"withdrawn"} if is_candidate else set()
            ) | (EMPLOYER_MOVES if is_staff else set())  # fmt: skip
            if target not in allowed:
                raise Problem(
                    "auth.forbidden",
                    "candidates may only withdraw; employers move the rest",
                    errors=[FieldError("/status", "not_allowed")],
                )
            if row["status"] in CLOSED or row["status"] == target:
                raise Problem(
                    "application.transition",
                    f"cannot move a {row['status']} application to {target}",
                )
            await store.set_status(tx.conn, application_id, target, now)
            if not is_candidate:
                await notify(
                    tx,
                    row["candidate_id"],
                    "application.status",
                    {
                        "application_id": str(application_id),
                        "job_id": str(row["job_id"]),
                        "status": target,
                    },
                    now,
                )
            updated = await store.get(tx.conn, application_id)
            assert updated is not None
            return (await render_many(tx.conn, [updated], employer_side=not is_candidate))[0]
