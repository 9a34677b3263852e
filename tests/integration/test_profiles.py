"""Candidate profiles over HTTP: saved whole, key groups only with their own consent,
never readable by anyone else, and bad input changes nothing."""

from __future__ import annotations

from typing import Any

from server.demo.load import load_demo
from server.domain.regions import REGIONS
from server.store.db import Connection
from server.timers import SystemClock
from tests.helpers import quick_person
from tests.integration.people_fixtures import problem

Client = Any

PROFILE = {
    "name": "欧阳娜娜",
    "phone": "+86 138 0013 8000",
    "email": "Nana@Example.org",
    "region_code": "420000",
    "education": "bachelor",
    "graduation_year": 2020,
    "desired_jobs": ["会计", "出纳"],
    "key_groups": ["graduates"],
    "key_groups_consent": True,
    "visibility": {"show_contact": False, "share_key_groups": False},
}


async def test_a_new_candidate_has_an_empty_profile_then_saves_one(client: Client) -> None:
    nana = await quick_person(client, "nana@example.org")
    empty = await (await nana.get("/api/me/profile")).json()
    assert (empty["name"], empty["key_groups"], empty["updated_at"]) == ("", [], None)

    response = await nana.put("/api/me/profile", PROFILE)
    assert response.status == 200, await response.text()
    saved = await (await nana.get("/api/me/profile")).json()
    assert saved["name"] == "欧阳娜娜"
    assert saved["email"] == "nana@example.org"
    assert saved["desired_jobs"] == ["会计", "出纳"]
    assert saved["key_groups"] == ["graduates"]
    assert saved["key_groups_consent_at"] is not None
    assert saved["account_id"] == str(nana.account_id)


async def test_key_groups_without_the_separate_consent_are_refused(client: Client) -> None:
    olga = await quick_person(client, "olga@example.org")
    body = {**PROFILE, "key_groups_consent": False}
    response = await olga.put("/api/me/profile", body)
    assert await problem(response, 422) == "profile.key_group_consent"
    assert (await (await olga.get("/api/me/profile")).json())["updated_at"] is None


async def test_withdrawing_consent_clears_the_key_groups(client: Client) -> None:
    pia = await quick_person(client, "pia@example.org")
    await pia.put("/api/me/profile", PROFILE)
    response = await pia.put(
        "/api/me/profile", {**PROFILE, "key_groups": [], "key_groups_consent": False}
    )
    body = await response.json()
    assert (body["key_groups"], body["key_groups_consent_at"]) == ([], None)


async def test_bad_input_gets_a_pointer_per_field_and_changes_nothing(client: Client) -> None:
    quinn = await quick_person(client, "quinn@example.org")
    await quinn.put("/api/me/profile", PROFILE)
    before = await (await quinn.get("/api/me/profile")).json()
    bad_bodies = [
        ({**PROFILE, "region_code": "999999"}, "/region_code"),
        ({**PROFILE, "education": "any"}, "/education"),
        ({**PROFILE, "graduation_year": 1900}, "/graduation_year"),
        ({**PROFILE, "name": ""}, "/name"),
        ({**PROFILE, "name": "名" * 51}, "/name"),
        ({**PROFILE, "key_groups": ["vip"]}, "/key_groups/0"),
        ({**PROFILE, "desired_jobs": ["x"] * 11}, "/desired_jobs"),
        ({**PROFILE, "email": "not-an-address"}, "/email"),
        ({**PROFILE, "first_name": "娜娜"}, "/first_name"),
    ]
    for body, pointer in bad_bodies:
        response = await quinn.put("/api/me/profile", body)
        assert await problem(response, 422) == "request.invalid"
        pointers = [e["pointer"] for e in (await response.json())["errors"]]
        assert pointer in pointers, (pointer, pointers)
    malformed = await quinn.client.put(
        "/api/me/profile", data=b"{", headers={**quinn.headers, "Content-Type": "application/json"}
    )
    assert await problem(malformed, 400) == "request.malformed"
    assert await (await quinn.get("/api/me/profile")).json() == before


async def test_a_profile_is_only_for_its_owner(client: Client) -> None:
    rita = await quick_person(client, "rita@example.org")
    await rita.put("/api/me/profile", PROFILE)
    assert await problem(await client.get("/api/me/profile"), 401) == "auth.required"
    sam = await quick_person(client, "sam@example.org")
    assert (await (await sam.get("/api/me/profile")).json())["name"] == ""


async def test_the_demo_has_candidates_with_profiles_in_every_province(conn: Connection) -> None:
    await load_demo(conn, clock=SystemClock())
    await load_demo(conn, clock=SystemClock(), replace=True)  # reloading replaces them
    regions = await conn.fetchval("SELECT count(DISTINCT region_code) FROM candidate_profiles")
    assert regions == len(REGIONS)
    per_region = await conn.fetchval(
        "SELECT max(n) FROM (SELECT count(*) AS n FROM candidate_profiles"
        " WHERE account_id IN (SELECT id FROM accounts WHERE email LIKE 'candidate.%')"
        " GROUP BY region_code) counts"
    )
    assert per_region == 2
    assert (
        await conn.fetchval(
            "SELECT count(*) FROM candidate_profiles WHERE cardinality(key_groups) > 0"
            " AND key_groups_consent_at IS NOT NULL AND NOT share_key_groups"
        )
        > 0
    )
    shown = await conn.fetchval(
        "SELECT p.name FROM candidate_profiles p JOIN accounts a ON a.id = p.account_id"
        " WHERE a.email = 'candidate@demo.livefair.example'"
    )
    assert shown
