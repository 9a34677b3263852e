"""Jobs over HTTP: recruiters post and edit them, the public sees them once the employer
is verified and while they are open; filters combine; bad input changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.helpers import Person, person
from tests.integration.test_employers import (
    Fair,
    count,
    create_employer,
    field_errors,
    problem,
    recruiter_of,
    small_fair,
    verified_employer,
)

Client = TestClient[Any, Any]
NO_SUCH_ID = "0190f000-0000-7000-8000-000000000000"


@dataclass
class Setup:
    fair: Fair
    owner: Person
    recruiter: Person
    employer: dict[str, Any]


async def setup(client: Client, *, verified: bool = True) -> Setup:
    fair = await small_fair(client)
    owner = await person(client, "owner@example.org", "企业管理员")
    if verified:
        employer = await verified_employer(owner, fair.beijing_admin)
    else:
        employer = await create_employer(owner)
    recruiter = await recruiter_of(client, owner, employer["id"], "hr@example.org")
    return Setup(fair, owner, recruiter, employer)


def job_body(s: Setup, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "fair_id": str(s.fair.id),
        "employer_id": s.employer["id"],
        "title": "招聘会计岗位",
        "openings": 3,
        "salary": {"min": 6000, "max": 9000},
        "education": "associate",
        "region_code": "110000",
        "category": "finance",
        "industry": "I",
        "key_groups": ["graduates"],
        "description": "负责日常核算。",
    }
    body.update(changes)
    return body


async def post_job(s: Setup, **changes: Any) -> dict[str, Any]:
    created = await problem(await s.recruiter.post("/api/jobs", job_body(s, **changes)), 201)
    return created


async def public_titles(client: Client, **params: str) -> list[str]:
    body = await problem(await client.get("/api/jobs", params=params), 200)
    assert body["total"] == len(body["items"]) or body["per_page"] < body["total"]
    return [item["title"] for item in body["items"]]


async def test_a_recruiter_posts_a_job_that_the_public_finds_by_a_two_character_word(
    client: Client,
) -> None:
    s = await setup(client)
    job = await post_job(s)
    assert job["public"] is True
    assert job["salary"] == {"negotiable": False, "min": 6000, "max": 9000}
    assert job["employer"]["id"] == s.employer["id"]
    found = await problem(await client.get("/api/jobs", params={"q": "会计"}), 200)
    assert [item["id"] for item in found["items"]] == [job["id"]]
    assert found["items"][0]["highlight"]["title"] == [[2, 4]]
    read = await problem(await client.get(f"/api/jobs/{job['id']}"), 200)
    assert read["title"] == "招聘会计岗位"
    assert read["highlight"] is None


async def test_a_negotiable_salary_has_no_amounts(client: Client) -> None:
    s = await setup(client)
    job = await post_job(s, salary={"negotiable": True})
    assert job["salary"] == {"negotiable": True, "min": None, "max": None}


async def test_jobs_of_an_unverified_employer_stay_with_its_staff_until_verification(
    client: Client,
) -> None:
    s = await setup(client, verified=False)
    job = await post_job(s)
    assert job["public"] is False
    path = f"/api/jobs/{job['id']}"
    assert (await problem(await client.get(path), 404))["code"] == "job.not_found"
    stranger = await person(client, "stranger@example.org")
    assert (await problem(await stranger.get(path), 404))["code"] == "job.not_found"
    assert await public_titles(client) == []
    assert (await problem(await s.recruiter.get(path), 200))["public"] is False
    assert (await problem(await s.fair.beijing_admin.get(path), 200))["public"] is False
    mine = await problem(await s.recruiter.get("/api/jobs?mine=true"), 200)
    assert [item["id"] for item in mine["items"]] == [job["id"]]

    verified = await s.fair.beijing_admin.post(
        f"/api/employers/{s.employer['id']}/verification", {}
    )
    await problem(verified, 200)
    assert (await problem(await client.get(path), 200))["public"] is True
    assert await public_titles(client) == ["招聘会计岗位"]


async def test_closing_a_job_hides_it_and_reopening_shows_it(client: Client) -> None:
    s = await setup(client)
    job = await post_job(s)
    path = f"/api/jobs/{job['id']}"
    closed = await problem(await s.recruiter.patch(path, {"status": "closed"}), 200)
    assert closed["public"] is False
    assert await public_titles(client) == []
    assert (await problem(await client.get(path), 404))["code"] == "job.not_found"
    await problem(await s.owner.patch(path, {"status": "open"}), 200)  # admins edit too
    assert await public_titles(client) == ["招聘会计岗位"]


async def test_a_recruiter_edits_a_job_and_the_search_follows(client: Client) -> None:
    s = await setup(client)
    job = await post_job(s)
    edited = await s.recruiter.patch(
        f"/api/jobs/{job['id']}",
        {"title": "出纳", "salary": {"negotiable": True}, "urgent_shortage": True},
    )
    body = await problem(edited, 200)
    assert body["title"] == "出纳"
    assert body["salary"] == {"negotiable": True, "min": None, "max": None}
    assert body["urgent_shortage"] is True
    assert body["openings"] == 3  # untouched
    assert await public_titles(client, q="出纳") == ["出纳"]
    assert await public_titles(client, q="会计岗位") == []
    assert await public_titles(client, q="急需") == ["出纳"]  # 急需紧缺 is searchable


async def test_only_the_employers_recruiters_and_admins_edit_its_jobs(client: Client) -> None:
    s = await setup(client)
    job = await post_job(s)
    path = f"/api/jobs/{job['id']}"
    candidate = await person(client, "candidate@example.org")
    other_owner = await person(client, "other@example.org")
    other = await verified_employer(other_owner, s.fair.beijing_admin, n=2)
    other_recruiter = await recruiter_of(client, other_owner, other["id"], "hr2@example.org")
    for outsider in (candidate, other_owner, other_recruiter, s.fair.beijing_admin):
        refused = await outsider.patch(path, {"title": "改了"})
        assert (await problem(refused, 403))["code"] == "auth.forbidden"
        posted = await outsider.post("/api/jobs", job_body(s, title="冒名岗位"))
        assert (await problem(posted, 403))["code"] == "auth.forbidden"
    anonymous = await client.post("/api/jobs", json=job_body(s))
    assert (await problem(anonymous, 401))["code"] == "auth.required"
    assert (await problem(await client.patch(path, json={"title": "x"}), 401))[
        "code"
    ] == "auth.required"
    assert (await problem(await client.get(path), 200))["title"] == "招聘会计岗位"
    assert await count(client, "jobs") == 1


async def test_filters_combine(client: Client) -> None:
    s = await setup(client)
    await post_job(s, title="会计", region_code="110000", category="finance")
    await post_job(s, title="会计", region_code="420000", category="finance", education="master")
    await post_job(s, title="焊工", region_code="420000", category="manufacturing",
                   industry="C", urgent_shortage=True, education="any", key_groups=[])  # fmt: skip
    await post_job(s, title="客服专员", region_code="420000", category="customer_service")

    assert len(await public_titles(client, region="420000")) == 3
    assert await public_titles(client, region="420000", q="会计") == ["会计"]
    assert await public_titles(client, region="420000", q="会计", education="bachelor") == []
    assert await public_titles(client, region="420000", category="manufacturing") == ["焊工"]
    assert await public_titles(client, urgent_shortage="true", industry="C") == ["焊工"]
    assert await public_titles(client, urgent_shortage="true", industry="I") == []
    assert sorted(await public_titles(client, key_group="graduates", region="420000")) == [
        "会计",
        "客服专员",
    ]
    assert await public_titles(client, employer=s.employer["id"], q="客服") == ["客服专员"]
    assert await public_titles(client, fair=str(s.fair.id), q="焊工") == ["焊工"]
    paged = await problem(await client.get("/api/jobs", params={"per_page": "3", "page": "2"}), 200)
    assert (paged["total"], len(paged["items"]), paged["page"]) == (4, 1, 2)


@pytest.mark.parametrize(
    ("changes", "pointer", "code"),
    [
        ({"salary": {"min": 9000, "max": 6000}}, "/salary", "job.salary_range"),
        ({"salary": {"negotiable": True, "min": 5000}}, "/salary", "job.salary_range"),
        ({"salary": {"min": 5000}}, "/salary", "job.salary_range"),
        ({"salary": {"min": 0, "max": 10}}, "/salary/min", None),
        ({"title": ""}, "/title", "too_short"),
        ({"title": "x" * 101}, "/title", "too_long"),
        ({"openings": 0}, "/openings", None),
        ({"openings": "3"}, "/openings", None),
        ({"education": "phd"}, "/education", None),
        ({"category": "urgent"}, "/category", None),
        ({"industry": "Z"}, "/industry", None),
        ({"region_code": "999999"}, "/region_code", None),
        ({"key_groups": ["everyone"]}, "/key_groups/0", None),
        ({"colour": "red"}, "/colour", "unknown_field"),
        ({"employer_id": NO_SUCH_ID}, "/employer_id", "employer.not_found"),
        ({"fair_id": NO_SUCH_ID}, "/fair_id", "fair.not_found"),
    ],
)
async def test_bad_job_input_names_the_field_and_writes_nothing(
    client: Client, changes: dict[str, Any], pointer: str, code: str | None
) -> None:
    s = await setup(client)
    errors = await field_errors(await s.recruiter.post("/api/jobs", job_body(s, **changes)))
    assert pointer in errors, errors
    if code is not None:
        assert errors[pointer] == code
    assert await count(client, "jobs") == 0


async def test_bad_edits_and_unknown_jobs_are_refused_and_change_nothing(client: Client) -> None:
    s = await setup(client)
    job = await post_job(s)
    path = f"/api/jobs/{job['id']}"
    bad = [
        ({"title": None}, "/title", "wrong_type"),
        ({"salary": {"min": 9000, "max": 1}}, "/salary", "job.salary_range"),
        ({"status": "deleted"}, "/status", None),
        ({"fair_id": str(s.fair.id)}, "/fair_id", "unknown_field"),
    ]
    for changes, pointer, code in bad:
        errors = await field_errors(await s.recruiter.patch(path, changes))
        assert pointer in errors, (changes, errors)
        if code is not None:
            assert errors[pointer] == code
    malformed = await s.recruiter.client.patch(
        path, data=b"{", headers={**s.recruiter.headers, "Content-Type": "application/json"}
    )
    assert (await problem(malformed, 400))["code"] == "request.malformed"
    assert (await problem(await client.get(path), 200))["updated_at"] == job["updated_at"]
    for unknown in ("/api/jobs/0190f000-0000-7000-8000-000000000000", "/api/jobs/nope"):
        assert (await problem(await client.get(unknown), 404))["code"] == "job.not_found"
        missing = await s.recruiter.patch(unknown, {"title": "x"})
        assert (await problem(missing, 404))["code"] == "job.not_found"


@pytest.mark.parametrize(
    "params",
    [
        {"q": "，，"},
        {"q": "x" * 51},
        {"region": "abc"},
        {"category": "all"},
        {"education": "college"},
        {"per_page": "0"},
        {"page": "-1"},
        {"fair": "not-an-id"},
        {"urgent_shortage": "maybe"},
        {"sort": "salary"},
    ],
)
async def test_bad_list_queries_are_clear_problems(client: Client, params: dict[str, str]) -> None:
    response = await client.get("/api/jobs", params=params)
    body = await problem(response, 422)
    assert response.content_type == "application/problem+json"
    assert body["code"] == "request.invalid"
    assert [e["pointer"] for e in body["errors"]] == [f"/query/{next(iter(params))}"]


async def test_mine_needs_a_signed_in_caller(client: Client) -> None:
    assert (await problem(await client.get("/api/jobs?mine=true"), 401))["code"] == "auth.required"
