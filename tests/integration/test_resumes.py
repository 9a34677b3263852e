"""Resumes over HTTP: uploads checked by content, downloads as audited attachments, and
who may read a resume for how long."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from server.domain.resumes import DOCX, MAX_BYTES, PDF
from server.store import db
from server.store import resumes as store
from server.timers import FakeClock
from tests.helpers import quick_person
from tests.integration.people_fixtures import (
    EXE_BYTES,
    PDF_BYTES,
    a_resume,
    a_ticket,
    an_employer,
    another_pdf,
    docx_bytes,
    end_ticket,
    problem,
    upload,
)
from tests.integration.reservation_fixtures import booking_history
from tests.plans import generic_plan, rows_read

Client = Any


async def test_a_candidate_uploads_a_pdf_and_a_docx_and_downloads_them_as_attachments(
    client: Client,
) -> None:
    alice = await quick_person(client, "alice@example.org", "王小丽")
    response = await upload(alice, PDF_BYTES, "王小丽 简历.pdf")
    assert response.status == 201, await response.text()
    pdf = await response.json()
    assert (pdf["media_type"], pdf["bytes"], pdf["filename"]) == (
        PDF,
        len(PDF_BYTES),
        "王小丽 简历.pdf",
    )
    docx = await (await upload(alice, docx_bytes(), "cv.docx", "application/octet-stream")).json()
    assert docx["media_type"] == DOCX

    listed = await (await alice.get("/api/me/resumes")).json()
    assert [r["id"] for r in listed["items"]] == [docx["id"], pdf["id"]]

    download = await alice.get(f"/api/resumes/{pdf['id']}")
    assert download.status == 200
    assert await download.read() == PDF_BYTES
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E7%8E%8B%E5%B0%8F%E4%B8%BD%20%E7%AE%80%E5%8E%86.pdf" in disposition


async def test_refused_files_get_a_clear_code_and_nothing_is_stored(client: Client) -> None:
    bob = await quick_person(client, "bob@example.org")
    bomb = docx_bytes({"word/media/zeros.bin": bytes(60 * 1024 * 1024)})
    cases = [
        (EXE_BYTES, "resume.pdf", PDF, 415, "resume.type_refused"),
        (PDF_BYTES.replace(b"%%EOF", b"%%EOX"), "cv.pdf", PDF, 415, "resume.type_refused"),
        (bomb, "cv.docx", DOCX, 422, "resume.zip_bomb"),
        (b"%PDF-" + bytes(MAX_BYTES) + b"%%EOF", "cv.pdf", PDF, 413, "resume.too_large"),
        (PDF_BYTES, "cv.docx", PDF, 415, "resume.type_refused"),
        (PDF_BYTES, "cv.pdf", "text/html", 415, "request.unsupported_media_type"),
    ]
    for data, filename, content_type, status, code in cases:
        assert await problem(await upload(bob, data, filename, content_type), status) == code
    missing_name = await bob.client.post(
        "/api/me/resumes", data=PDF_BYTES, headers={**bob.headers, "Content-Type": PDF}
    )
    assert await problem(missing_name, 422) == "request.invalid"
    assert (await (await bob.get("/api/me/resumes")).json())["items"] == []


async def test_a_candidate_keeps_at_most_five_resumes(client: Client) -> None:
    carol = await quick_person(client, "carol@example.org")
    for _ in range(5):
        await a_resume(carol)
    assert await problem(await upload(carol, another_pdf()), 409) == "resume.limit"


async def test_the_same_file_twice_is_refused_with_the_name_it_has(client: Client) -> None:
    """Two identical entries could not be told apart (which went with an application?)."""
    erin = await quick_person(client, "erin@example.org")
    first = await upload(erin, PDF_BYTES, "我的简历.pdf")
    assert first.status == 201, await first.text()
    again = await upload(erin, PDF_BYTES, "简历-副本.pdf")
    assert again.status == 409
    body = await again.json()
    assert (body["code"], body["filename"]) == ("resume.duplicate", "我的简历.pdf")
    listed = (await (await erin.get("/api/me/resumes")).json())["items"]
    assert [r["filename"] for r in listed] == ["我的简历.pdf"]  # nothing written
    frank = await quick_person(client, "frank@example.org")  # another account may
    assert (await upload(frank, PDF_BYTES)).status == 201


async def test_anonymous_callers_cannot_upload_or_download(client: Client) -> None:
    dan = await quick_person(client, "dan@example.org")
    resume_id = await a_resume(dan)
    response = await client.post(
        "/api/me/resumes", params={"filename": "x.pdf"}, data=PDF_BYTES,
        headers={"Content-Type": PDF},
    )  # fmt: skip
    assert await problem(response, 401) == "auth.required"
    assert await problem(await client.get(f"/api/resumes/{resume_id}"), 401) == "auth.required"


async def test_booth_staff_read_while_the_ticket_is_open_and_30_days_after_not_later(
    client: Client, clock: FakeClock
) -> None:
    erin = await quick_person(client, "erin@example.org", "赵敏")
    resume_id = await a_resume(erin)
    employer = await an_employer(client, "hr@acme.example.org")
    staff = employer.recruiter
    assert await problem(await staff.get(f"/api/resumes/{resume_id}"), 403) == "auth.forbidden"

    ticket = await a_ticket(client, employer.booth_id, erin)
    assert (await staff.get(f"/api/resumes/{resume_id}")).status == 200
    await end_ticket(client, ticket)
    clock.advance(timedelta(days=29, hours=23))
    assert (await staff.get(f"/api/resumes/{resume_id}")).status == 200
    clock.advance(timedelta(hours=1))
    assert await problem(await staff.get(f"/api/resumes/{resume_id}"), 403) == "auth.forbidden"


async def test_another_candidate_and_an_unrelated_recruiter_get_403_and_are_not_logged(
    client: Client,
) -> None:
    fay = await quick_person(client, "fay@example.org")
    resume_id = await a_resume(fay)
    mine = await an_employer(client, "hr@mine.example.org")
    other = await an_employer(client, "hr@other.example.org")
    await a_ticket(client, mine.booth_id, fay)
    snoop = await quick_person(client, "snoop@example.org")
    assert await problem(await snoop.get(f"/api/resumes/{resume_id}"), 403) == "auth.forbidden"
    assert await problem(await other.recruiter.get(f"/api/resumes/{resume_id}"), 403) == (
        "auth.forbidden"
    )
    log = await (await fay.get("/api/me/audit")).json()
    assert log["items"] == []


async def test_every_download_is_in_the_candidates_audit_log(client: Client) -> None:
    gus = await quick_person(client, "gus@example.org")
    resume_id = await a_resume(gus)
    employer = await an_employer(client, "hr@audit.example.org")
    await a_ticket(client, employer.booth_id, gus)
    for who in (gus, employer.recruiter, employer.recruiter):
        assert (await who.get(f"/api/resumes/{resume_id}")).status == 200
    log = await (await gus.get("/api/me/audit")).json()
    assert [(e["reader"], e["reader_name"]) for e in log["items"]] == [
        ("booth_staff", "招聘专员"),
        ("booth_staff", "招聘专员"),
        ("self", "测试用户"),
    ]
    staff_entry = log["items"][0]
    assert staff_entry["booth_id"] == str(employer.booth_id)
    assert staff_entry["employer"]["id"] == str(employer.id)
    assert staff_entry["resume_id"] == str(resume_id)
    assert staff_entry["action"] == "resume.downloaded"
    # Nobody else's log shows it.
    assert (await (await employer.recruiter.get("/api/me/audit")).json())["items"] == []


async def test_a_deleted_resume_is_gone_and_only_its_owner_can_delete_it(client: Client) -> None:
    hal = await quick_person(client, "hal@example.org")
    ivy = await quick_person(client, "ivy@example.org")
    resume_id = await a_resume(hal)
    assert await problem(await ivy.delete(f"/api/me/resumes/{resume_id}"), 404) == (
        "resume.not_found"
    )
    assert (await hal.delete(f"/api/me/resumes/{resume_id}")).status == 204
    assert await problem(await hal.get(f"/api/resumes/{resume_id}"), 404) == "resume.not_found"
    assert await problem(await hal.get("/api/resumes/not-an-id"), 404) == "resume.not_found"


async def test_booth_staff_see_the_waiting_candidates_card_and_resumes_others_do_not(
    client: Client, clock: FakeClock
) -> None:
    jun = await quick_person(client, "jun@example.org", "刘军")
    await jun.put(
        "/api/me/profile",
        {"name": "刘军", "phone": "+8613700137000", "education": "master",
         "key_groups": ["laid_off"], "key_groups_consent": True},
    )  # fmt: skip
    first, second = await a_resume(jun), await a_resume(jun, DOCX)
    employer = await an_employer(client, "hr@card.example.org")
    other = await an_employer(client, "hr@elsewhere.example.org")
    path = f"/api/candidates/{jun.account_id}"
    assert await problem(await employer.recruiter.get(path), 403) == "auth.forbidden"

    ticket = await a_ticket(client, employer.booth_id, jun)
    view = await (await employer.recruiter.get(path)).json()
    assert view["card"]["name"] == "刘军"
    assert view["card"]["education"] == "master"
    assert (view["card"]["phone"], view["card"]["key_groups"]) == (None, None)
    assert {r["id"] for r in view["resumes"]} == {str(first), str(second)}
    assert await problem(await other.recruiter.get(path), 403) == "auth.forbidden"
    log = (await (await jun.get("/api/me/audit")).json())["items"]
    assert [(e["action"], e["reader"], e["booth_id"]) for e in log] == [
        ("profile.viewed", "booth_staff", str(employer.booth_id))
    ]

    await end_ticket(client, ticket)
    clock.advance(timedelta(days=30))
    assert await problem(await employer.recruiter.get(path), 403) == "auth.forbidden"
    assert await problem(await employer.recruiter.get("/api/candidates/nope"), 404) == (
        "account.not_found"
    )


async def test_whether_a_recruiter_may_read_a_candidate_reads_the_candidates_bookings(
    conn: db.Connection,
) -> None:
    """Opening a candidate's profile from the console checks their bookings at the
    reader's booths: it reads the candidate's bookings, not every slot and booking the
    booth ever had (as the server runs it: a cached generic plan)."""
    reader = await conn.fetchval(
        "INSERT INTO accounts (id, email, password_hash, created_at)"
        " VALUES (gen_random_uuid(), 'reader@example.org', 'x', now()) RETURNING id"
    )
    _, candidate = await booking_history(conn, [reader])
    grounds = await store.grounds(conn, reader, candidate, None)
    assert sum(g.closed_at is None for g in grounds) == 3  # their live bookings
    plan = await generic_plan(
        conn, store.BOOKING_GROUNDS, reader, candidate, list(store.LIVE_BOOKING_STATES)
    )
    read = rows_read(plan, "bookings") + rows_read(plan, "reservation_slots")
    assert read < 50, f"the check read {read:.0f} bookings and slots for 5 bookings"
