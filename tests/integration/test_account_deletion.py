"""Deleting an account: profile, resumes, assessment and the download log go; the
applications stay as anonymous counts; every session ends; the contact is free again."""

from __future__ import annotations

from typing import Any

from tests.helpers import PASSWORD, quick_person
from tests.integration.people_fixtures import a_resume, a_ticket, an_employer, count_rows, problem

Client = Any


async def a_full_candidate(client: Client, contact: str) -> Any:
    who = await quick_person(client, contact, "周杰")
    await who.put(
        "/api/me/profile",
        {"name": "周杰", "key_groups": ["unemployed"], "key_groups_consent": True},
    )
    items = (await (await client.get("/api/assessment")).json())["items"]
    await who.post("/api/me/assessment", {"answers": {i["id"]: 3 for i in items}})
    return who


async def test_deleting_removes_personal_data_and_keeps_anonymous_counts(client: Client) -> None:
    zhou = await a_full_candidate(client, "zhou@example.org")
    acme = await an_employer(client, "hr@acme.example.org")
    resume_id = await a_resume(zhou)
    await zhou.post(f"/api/jobs/{acme.job_id}/applications", {"resume_id": str(resume_id)})
    await zhou.get(f"/api/resumes/{resume_id}")

    response = await zhou.client.delete(
        "/api/me", json={"password": PASSWORD}, headers=zhou.headers
    )
    assert response.status == 204, await response.text()

    assert await problem(await zhou.get("/api/me/profile"), 401) == "auth.required"
    me = zhou.account_id
    for table, column in [
        ("candidate_profiles", "account_id"),
        ("resumes", "account_id"),
        ("assessment_results", "account_id"),
        ("candidate_audit", "candidate_id"),
        ("applications", "candidate_id"),
    ]:
        assert (
            await count_rows(client, f"SELECT count(*) FROM {table} WHERE {column} = $1", me) == 0
        )
    assert await count_rows(client, "SELECT count(*) FROM applications") == 1
    assert (
        await count_rows(
            client,
            "SELECT count(*) FROM accounts WHERE id = $1 AND email IS NULL AND phone IS NULL"
            " AND display_name = '' AND deleted_at IS NOT NULL",
            me,
        )
        == 1
    )
    inbox = await (await acme.recruiter.get(f"/api/applications?employer={acme.id}")).json()
    assert inbox["items"] == []
    # The address is free for a new account.
    again = await quick_person(client, "zhou@example.org")
    assert (await (await again.get("/api/me/profile")).json())["name"] == ""


async def test_a_wrong_password_or_bad_body_deletes_nothing(client: Client) -> None:
    wu = await a_full_candidate(client, "wu@example.org")
    for body, status, code in [
        ({"password": "wrong-password-1"}, 403, "account.wrong_password"),
        ({}, 422, "request.invalid"),
        ({"password": ""}, 422, "request.invalid"),
    ]:
        response = await wu.client.delete("/api/me", json=body, headers=wu.headers)
        assert await problem(response, status) == code
    assert (await (await wu.get("/api/me/profile")).json())["name"] == "周杰"
    assert (await (await wu.get("/api/assessment")).json())["result"] is not None


async def test_a_candidate_waiting_in_a_queue_must_leave_it_first(client: Client) -> None:
    xu = await a_full_candidate(client, "xu@example.org")
    acme = await an_employer(client, "hr@queue.example.org")
    await a_ticket(client, acme.booth_id, xu)
    response = await xu.client.delete("/api/me", json={"password": PASSWORD}, headers=xu.headers)
    assert await problem(response, 409) == "account.in_queue"
    assert (await (await xu.get("/api/me/profile")).json())["name"] == "周杰"
