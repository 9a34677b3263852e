"""Applications over HTTP: one per job with one's own resume, a status both sides see,
the candidate notified of every change, and the employer reading the resume only while
the application is open and 30 days after."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from server.appkeys import CLOCK, POOL
from server.timers import FakeClock
from tests.helpers import quick_person
from tests.integration.people_fixtures import (
    a_job,
    a_resume,
    an_employer,
    count_rows,
    problem,
)

Client = Any

PROFILE = {
    "name": "陈静",
    "phone": "+8613900139000",
    "email": "jing@example.org",
    "region_code": "110000",
    "education": "associate",
    "graduation_year": 2020,
    "desired_jobs": ["会计"],
    "key_groups": ["graduates", "poverty_stricken"],
    "key_groups_consent": True,
    "visibility": {"show_contact": False, "share_key_groups": False},
}


async def test_a_candidate_applies_once_and_both_sides_see_it(client: Client) -> None:
    jing = await quick_person(client, "jing@example.org")
    await jing.put("/api/me/profile", PROFILE)
    resume_id = await a_resume(jing)
    acme = await an_employer(client, "hr@acme.example.org")

    response = await jing.post(
        f"/api/jobs/{acme.job_id}/applications", {"resume_id": str(resume_id)}
    )
    assert response.status == 201, await response.text()
    application = await response.json()
    assert application["status"] == "submitted"
    assert application["job"]["title"] == "会计"
    assert application["resume"]["id"] == str(resume_id)
    assert application["candidate"] is None  # the candidate's own view has no card

    again = await jing.post(f"/api/jobs/{acme.job_id}/applications", {"resume_id": str(resume_id)})
    assert await problem(again, 409) == "application.exists"

    mine = await (await jing.get("/api/applications")).json()
    assert [a["id"] for a in mine["items"]] == [application["id"]]

    inbox = await (await acme.recruiter.get(f"/api/applications?employer={acme.id}")).json()
    [seen] = inbox["items"]
    card = seen["candidate"]
    assert (card["name"], card["education"], card["desired_jobs"]) == (
        "陈静",
        "associate",
        ["会计"],
    )
    # Neither contact nor the sensitive key groups without the candidate's say-so.
    assert (card["phone"], card["email"], card["key_groups"]) == (None, None, None)
    by_job = await (await acme.recruiter.get(f"/api/applications?job={acme.job_id}")).json()
    assert [a["id"] for a in by_job["items"]] == [application["id"]]


async def test_recruiters_see_contact_key_groups_and_assessment_only_when_shared(
    client: Client,
) -> None:
    jing = await quick_person(client, "jing2@example.org")
    shared = {**PROFILE, "visibility": {"show_contact": True, "share_key_groups": True}}
    await jing.put("/api/me/profile", shared)
    items = (await (await client.get("/api/assessment")).json())["items"]
    await jing.post(
        "/api/me/assessment",
        {"answers": {i["id"]: 5 if i["dimension"] == "C" else 2 for i in items},
         "share_with_recruiters": True},
    )  # fmt: skip
    acme = await an_employer(client, "hr@acme2.example.org")
    await jing.post(
        f"/api/jobs/{acme.job_id}/applications", {"resume_id": str(await a_resume(jing))}
    )
    [seen] = (await (await acme.recruiter.get(f"/api/applications?employer={acme.id}")).json())[
        "items"
    ]
    card = seen["candidate"]
    assert (card["phone"], card["email"]) == ("+8613900139000", "jing@example.org")
    assert card["key_groups"] == ["graduates", "poverty_stricken"]
    assert card["assessment"]["code"][0] == "C"


async def test_applying_with_someone_elses_resume_is_forbidden(client: Client) -> None:
    kim = await quick_person(client, "kim@example.org")
    lee = await quick_person(client, "lee@example.org")
    lees_resume = await a_resume(lee)
    acme = await an_employer(client, "hr@acme3.example.org")
    response = await kim.post(
        f"/api/jobs/{acme.job_id}/applications", {"resume_id": str(lees_resume)}
    )
    assert await problem(response, 403) == "auth.forbidden"
    assert await count_rows(client, "SELECT count(*) FROM applications") == 0


async def test_bad_applications_get_clear_codes_and_store_nothing(client: Client) -> None:
    max_ = await quick_person(client, "max@example.org")
    resume_id = str(await a_resume(max_))
    acme = await an_employer(client, "hr@acme4.example.org")
    app = client.app
    async with app[POOL].acquire() as conn:
        closed_job = await a_job(conn, acme.fair_id, acme.id, "出纳", app[CLOCK].now(), "closed")
    job = f"/api/jobs/{acme.job_id}/applications"
    cases = [
        (max_.post(job, {}), 422, "request.invalid"),
        (max_.post(job, {"resume_id": "nope"}), 422, "request.invalid"),
        (max_.post(job, {"resume_id": resume_id, "cover": "hi"}), 422, "request.invalid"),
        (max_.post(job, {"resume_id": "018f0000-0000-7000-8000-000000000000"}), 404,
         "resume.not_found"),
        (max_.post("/api/jobs/018f0000-0000-7000-8000-000000000000/applications",
                   {"resume_id": resume_id}), 404, "job.not_found"),
        (max_.post("/api/jobs/not-a-job/applications", {"resume_id": resume_id}), 404,
         "job.not_found"),
        (max_.post(f"/api/jobs/{closed_job}/applications", {"resume_id": resume_id}), 409,
         "job.not_open"),
        (client.post(job, json={"resume_id": resume_id}), 401, "auth.required"),
    ]  # fmt: skip
    for request, status, code in cases:
        assert await problem(await request, status) == code
    malformed = await client.post(
        job, data=b"{oops", headers={**max_.headers, "Content-Type": "application/json"}
    )
    assert await problem(malformed, 400) == "request.malformed"
    assert await count_rows(client, "SELECT count(*) FROM applications") == 0


async def test_status_changes_notify_the_candidate_who_may_only_withdraw(client: Client) -> None:
    nia = await quick_person(client, "nia@example.org")
    acme = await an_employer(client, "hr@acme5.example.org")
    created = await nia.post(
        f"/api/jobs/{acme.job_id}/applications", {"resume_id": str(await a_resume(nia))}
    )
    application = f"/api/applications/{(await created.json())['id']}"

    for status in ("viewed", "interview", "offer"):
        moved = await acme.recruiter.patch(application, {"status": status})
        assert moved.status == 200, await moved.text()
    assert (await (await nia.get(application)).json())["status"] == "offer"
    inbox = await (await nia.get("/api/me/notifications")).json()
    statuses = [n["data"]["status"] for n in inbox["items"] if n["kind"] == "application.status"]
    assert sorted(statuses) == ["interview", "offer", "viewed"]

    assert await problem(await nia.patch(application, {"status": "offer"}), 403) == (
        "auth.forbidden"
    )
    assert await problem(await acme.recruiter.patch(application, {"status": "withdrawn"}), 403) == (
        "auth.forbidden"
    )
    assert await problem(await nia.patch(application, {"status": "hired"}), 422) == (
        "request.invalid"
    )
    assert (await nia.patch(application, {"status": "withdrawn"})).status == 200
    assert await problem(await acme.recruiter.patch(application, {"status": "interview"}), 409) == (
        "application.transition"
    )
    assert (await (await acme.recruiter.get(application)).json())["status"] == "withdrawn"


async def test_an_unrelated_recruiter_and_another_candidate_see_nothing(client: Client) -> None:
    ola = await quick_person(client, "ola@example.org")
    acme = await an_employer(client, "hr@acme6.example.org")
    rival = await an_employer(client, "hr@rival.example.org")
    resume_id = await a_resume(ola)
    created = await ola.post(f"/api/jobs/{acme.job_id}/applications", {"resume_id": str(resume_id)})
    application = f"/api/applications/{(await created.json())['id']}"
    stranger = await quick_person(client, "stranger@example.org")
    for who in (rival.recruiter, stranger):
        assert await problem(await who.get(application), 403) == "auth.forbidden"
        assert await problem(await who.patch(application, {"status": "viewed"}), 403) == (
            "auth.forbidden"
        )
        assert await problem(await who.get(f"/api/resumes/{resume_id}"), 403) == "auth.forbidden"
        assert await problem(await who.get(f"/api/applications?employer={acme.id}"), 403) == (
            "auth.forbidden"
        )
    assert (await (await stranger.get("/api/applications")).json())["items"] == []
    assert (await (await ola.get(application)).json())["status"] == "submitted"


async def test_the_employer_reads_the_resume_until_30_days_after_not_suitable(
    client: Client, clock: FakeClock
) -> None:
    pat = await quick_person(client, "pat@example.org")
    acme = await an_employer(client, "hr@acme7.example.org")
    resume_id = await a_resume(pat)
    other_resume = await a_resume(pat)
    created = await pat.post(f"/api/jobs/{acme.job_id}/applications", {"resume_id": str(resume_id)})
    application = f"/api/applications/{(await created.json())['id']}"
    recruiter = acme.recruiter
    # Booth access aside (no ticket here), only the resume sent with the application.
    assert (await recruiter.get(f"/api/resumes/{resume_id}")).status == 200
    assert await problem(await recruiter.get(f"/api/resumes/{other_resume}"), 403) == (
        "auth.forbidden"
    )
    await recruiter.patch(application, {"status": "not_suitable"})
    clock.advance(timedelta(days=30) - timedelta(seconds=1))
    assert (await recruiter.get(f"/api/resumes/{resume_id}")).status == 200
    clock.advance(timedelta(seconds=1))
    assert await problem(await recruiter.get(f"/api/resumes/{resume_id}"), 403) == (
        "auth.forbidden"
    )
    log = await (await pat.get("/api/me/audit")).json()
    assert [e["reader"] for e in log["items"]] == ["employer_staff", "employer_staff"]
    assert log["items"][0]["employer"]["name"] == "测试企业（示例）"


async def test_the_employer_sees_only_the_resume_sent_with_the_application(
    client: Client,
) -> None:
    ren = await quick_person(client, "ren@example.org")
    sent, kept = await a_resume(ren), await a_resume(ren)
    acme = await an_employer(client, "hr@acme8.example.org")
    await ren.post(f"/api/jobs/{acme.job_id}/applications", {"resume_id": str(sent)})
    view = await (await acme.recruiter.get(f"/api/candidates/{ren.account_id}")).json()
    assert [r["id"] for r in view["resumes"]] == [str(sent)]
    assert str(kept) not in str(view)


async def test_bad_list_queries_and_status_bodies_get_clear_codes(client: Client) -> None:
    sue = await quick_person(client, "sue@example.org")
    acme = await an_employer(client, "hr@acme9.example.org")
    created = await sue.post(
        f"/api/jobs/{acme.job_id}/applications", {"resume_id": str(await a_resume(sue))}
    )
    application = f"/api/applications/{(await created.json())['id']}"
    for query in ("employer=nope", "job=nope", "status=hired", "colour=red"):
        response = await acme.recruiter.get(f"/api/applications?{query}")
        assert await problem(response, 422) == "request.invalid"
    unknown_job = "/api/applications?job=018f0000-0000-7000-8000-000000000000"
    assert await problem(await acme.recruiter.get(unknown_job), 404) == "job.not_found"
    for body in ({}, {"status": None}, {"status": "viewed", "note": "x"}):
        assert await problem(await acme.recruiter.patch(application, body), 422) == (
            "request.invalid"
        )
    assert await problem(
        await acme.recruiter.patch("/api/applications/x", {"status": "viewed"}), 404
    ) == ("application.not_found")
    assert (await (await sue.get(application)).json())["status"] == "submitted"
    assert (await (await sue.get("/api/me/notifications")).json())["items"] == []
