"""Resumes: upload (checked by content), list, delete, download (authorised, audited),
and the candidate's download log (docs/people.md).

Downloads always come as an attachment with ``nosniff`` and a sandboxing CSP, so a file
can never be rendered as a page of this site, whatever it contains.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from aiohttp import web
from pydantic import Field

from server.api.auth import account_id, signed_in
from server.api.routing import Api, Call, Model, Query, read_body
from server.appkeys import CLOCK, POOL
from server.domain.resumes import (
    DOCX,
    MAX_BYTES,
    MAX_PER_CANDIDATE,
    PDF,
    ResumeRefused,
    check_resume,
    content_disposition,
    open_ground,
)
from server.errors import Problem
from server.store import audit
from server.store import resumes as store

UPLOAD_TYPES = (PDF, DOCX, "application/octet-stream")


class UploadQuery(Query):
    filename: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="The file's name; its extension must match the content (.pdf, .docx)."
    )


class ResumeOut(Model):
    id: UUID
    filename: str
    media_type: str
    bytes: int
    sha256: str
    uploaded_at: datetime


class ResumeList(Model):
    items: list[ResumeOut]


class EmployerRef(Model):
    id: UUID
    name: str


class AuditEntry(Model):
    at: datetime
    action: str = Field(description="resume.downloaded or profile.viewed")
    resume_id: UUID | None = Field(description="For resume.downloaded.")
    filename: str = Field(description="For resume.downloaded; empty for profile.viewed.")
    reader: str = Field(description="self, booth_staff or employer_staff")
    reader_name: str
    employer: EmployerRef | None
    booth_id: UUID | None


class AuditLog(Model):
    items: list[AuditEntry]


def render(row: dict[str, Any]) -> ResumeOut:
    return ResumeOut(
        id=row["id"],
        filename=row["filename"],
        media_type=row["media_type"],
        bytes=row["bytes"],
        sha256=row["sha256"],
        uploaded_at=row["uploaded_at"],
    )


def clean_filename(raw: str) -> str:
    """The last path segment (browsers may send ``C:\\fakepath\\…``), without controls."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        raise Problem("resume.type_refused", "the file name is empty or has control characters")
    return name


def register(api: Api) -> None:
    tags = ("candidates",)

    @api.route(
        "POST",
        "/api/me/resumes",
        operation_id="uploadResume",
        summary="Upload a resume: a PDF or DOCX of at most 5 MiB (the body is the file)",
        query=UploadQuery,
        response=ResumeOut,
        status=201,
        max_body=MAX_BYTES,
        raw_body_type="application/pdf",
        tags=tags,
    )
    async def upload_resume(call: Call[None, UploadQuery]) -> ResumeOut:
        me = await account_id(call)
        filename = clean_filename(call.query.filename)
        try:
            data = await read_body(call.request, MAX_BYTES, UPLOAD_TYPES)
        except Problem as exc:
            if exc.code == "request.too_large":
                raise Problem("resume.too_large", f"a resume is at most {MAX_BYTES} bytes") from exc
            raise
        try:
            # Inflating a DOCX to check it can take a CPU-second: off the event loop.
            media_type = await asyncio.to_thread(check_resume, filename, data)
        except ResumeRefused as exc:
            raise Problem(exc.code, exc.message) from exc
        async with call.app[POOL].acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1::text))", str(me))
            digest = hashlib.sha256(data).digest()
            # The same file twice would be two entries nobody can tell apart (which one
            # went with an application?): the one already there is named instead.
            if (same := await store.same_file(conn, me, digest)) is not None:
                raise Problem(
                    "resume.duplicate",
                    f"this file is already uploaded as {same}",
                    extra={"filename": same},
                )
            if await store.count(conn, me) >= MAX_PER_CANDIDATE:
                raise Problem(
                    "resume.limit", f"at most {MAX_PER_CANDIDATE} resumes; delete one first"
                )
            row = await store.insert(
                conn,
                me,
                filename=filename,
                media_type=media_type,
                content=data,
                sha256=digest,
                now=call.app[CLOCK].now(),
            )
        return render(row)

    @api.route(
        "GET",
        "/api/me/resumes",
        operation_id="listResumes",
        summary="Your resumes, newest first",
        response=ResumeList,
        tags=tags,
    )
    async def list_resumes(call: Call[None, None]) -> ResumeList:
        me = await account_id(call)
        async with call.app[POOL].acquire() as conn:
            rows = await store.list_for(conn, me)
        return ResumeList(items=[render(r) for r in rows])

    @api.route(
        "DELETE",
        "/api/me/resumes/{resume}",
        operation_id="deleteResume",
        summary="Delete one of your resumes (applications that carried it keep no copy)",
        response=None,
        status=204,
        tags=tags,
    )
    async def delete_resume(call: Call[None, None]) -> web.StreamResponse:
        me = await account_id(call)
        resume_id = call.path_id("resume", "resume.not_found")
        async with call.app[POOL].acquire() as conn, conn.transaction():
            if not await store.delete(conn, me, resume_id):
                raise Problem("resume.not_found", f"you have no resume {resume_id}")
        return web.Response(status=204)

    @api.route(
        "GET",
        "/api/resumes/{resume}",
        operation_id="downloadResume",
        summary="Download a resume: its owner, staff of a booth whose queue the candidate"
        " joined, or of an employer they applied to (while open + 30 days); audited",
        response=None,
        raw_response_type="application/octet-stream",
        tags=tags,
    )
    async def download_resume(call: Call[None, None]) -> web.StreamResponse:
        principal = await signed_in(call)
        assert principal.account_id is not None
        reader = principal.account_id
        resume_id = call.path_id("resume", "resume.not_found")
        now = call.app[CLOCK].now()
        async with call.app[POOL].acquire() as conn, conn.transaction():
            row = await store.get(conn, resume_id)
            if row is None:
                raise Problem("resume.not_found", f"no resume {resume_id}")
            owner = row["account_id"]
            ground = None
            if reader != owner:
                ground = open_ground(await store.grounds(conn, reader, owner, resume_id), now)
                if ground is None:
                    raise Problem(
                        "auth.forbidden",
                        "only the candidate, and recruiters they queued for or applied to"
                        " (until 30 days after), may read this resume",
                    )
            content = await store.content(conn, resume_id)
            assert content is not None
            await audit.record(
                conn,
                audit.DOWNLOADED,
                candidate_id=owner,
                resume=row,
                reader_id=reader,
                ground=ground,
                now=now,
            )
        return web.Response(
            body=content,
            content_type=row["media_type"],
            headers={
                "Content-Disposition": content_disposition(row["filename"]),
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; sandbox",
                "Cache-Control": "private, no-store",
            },
        )

    @api.route(
        "GET",
        "/api/me/audit",
        operation_id="getAuditLog",
        summary="Who downloaded your resumes or viewed your card, and when (newest first)",
        response=AuditLog,
        tags=tags,
    )
    async def get_audit_log(call: Call[None, None]) -> AuditLog:
        me = await account_id(call)
        async with call.app[POOL].acquire() as conn:
            rows = await audit.entries(conn, me)
        return AuditLog(
            items=[
                AuditEntry(
                    at=r["at"],
                    action=r["action"],
                    resume_id=r["resume_id"],
                    filename=r["filename"],
                    reader=r["reader_kind"],
                    reader_name=r["reader_name"],
                    employer=EmployerRef(id=r["employer_id"], name=r["employer_name"])
                    if r["employer_id"] is not None and r["employer_name"] is not None
                    else None,
                    booth_id=r["booth_id"],
                )
                for r in rows
            ]
        )
