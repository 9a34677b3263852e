"""Fixtures for the candidate tests: an employer with a booth and a job, resume files,
and helpers to upload and read problems."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from aiohttp.test_utils import TestClient

from server.appkeys import CLOCK, POOL
from server.domain.principal import Role
from server.domain.resumes import DOCX, PDF
from server.ids import uuid7
from tests.helpers import Person, a_booth, quick_person

Client = TestClient[Any, Any]

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(4000)


def docx_bytes(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", "<w:document>李四</w:document>".encode())
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


async def problem(response: Any, status: int) -> str:
    assert response.status == status, await response.text()
    assert response.content_type == "application/problem+json"
    body = await response.json()
    return str(body["code"])


async def upload(
    who: Person, data: bytes, filename: str = "简历.pdf", content_type: str = PDF
) -> Any:
    return await who.client.post(
        "/api/me/resumes",
        params={"filename": filename},
        data=io.BytesIO(data),
        headers={**who.headers, "Content-Type": content_type},
    )


def another_pdf() -> bytes:
    """A PDF of its own (a comment line of its own): one account may not upload the same
    bytes twice (resume.duplicate)."""
    return PDF_BYTES.replace(b"\n", f"\n%{uuid7().hex}\n".encode(), 1)


async def a_resume(who: Person, kind: str = PDF) -> UUID:
    if kind == DOCX:
        extra = {f"docProps/{uuid7().hex}.xml": b"<x/>"}
        response = await upload(who, docx_bytes(extra), "resume.docx", DOCX)
    else:
        response = await upload(who, another_pdf())
    assert response.status == 201, await response.text()
    return UUID((await response.json())["id"])


@dataclass
class Employer:
    id: UUID
    fair_id: UUID
    booth_id: UUID
    job_id: UUID
    recruiter: Person


async def an_employer(client: Client, contact: str, title: str = "会计") -> Employer:
    """A verified employer with a recruiter who staffs its booth, and one open job."""
    app = client.app
    assert app is not None
    recruiter = await quick_person(client, contact, "招聘专员")
    async with app[POOL].acquire() as conn:
        booth_id = await a_booth(conn, [recruiter.account_id])
        booth = await conn.fetchrow(
            "SELECT fair_id, employer_id FROM booths WHERE id = $1", booth_id
        )
        job_id = await a_job(conn, booth["fair_id"], booth["employer_id"], title, app[CLOCK].now())
    await recruiter.grant(Role.RECRUITER, booth["employer_id"])
    return Employer(booth["employer_id"], booth["fair_id"], booth_id, job_id, recruiter)


async def a_job(
    conn: Any, fair_id: UUID, employer_id: UUID, title: str, now: datetime, status: str = "open"
) -> UUID:
    job_id = uuid7()
    await conn.execute(
        "INSERT INTO jobs (id, fair_id, employer_id, title, openings, salary_negotiable,"
        " education, region_code, category, industry, status, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, 2, true, 'associate', '110000', 'finance', 'J', $5, $6, $6)",
        job_id,
        fair_id,
        employer_id,
        title,
        status,
        now,
    )
    return job_id


async def a_ticket(
    client: Client, booth_id: UUID, candidate: Person, state: str = "waiting"
) -> UUID:
    app = client.app
    assert app is not None
    ticket_id = uuid7()
    now = app[CLOCK].now()
    async with app[POOL].acquire() as conn:
        await conn.execute(
            "INSERT INTO tickets (id, fair_id, booth_id, candidate_id, token, state, joined_at,"
            " changed_at, call_key) SELECT $1, fair_id, id, $2, $3, $4, $5, $5,"
            " extract(epoch FROM $5::timestamptz) FROM booths WHERE id = $6",
            ticket_id,
            candidate.account_id,
            f"t-{ticket_id.hex}",
            state,
            now,
            booth_id,
        )
    return ticket_id


async def end_ticket(client: Client, ticket_id: UUID) -> None:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        await conn.execute(
            "UPDATE tickets SET state = 'done', ended_at = $2, changed_at = $2 WHERE id = $1",
            ticket_id,
            app[CLOCK].now(),
        )


async def count_rows(client: Client, sql: str, *args: Any) -> int:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        return int(await conn.fetchval(sql, *args))
