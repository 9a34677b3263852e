"""My booths (``GET /api/me/booths``): the booths and desks a recruiter or counsellor
staffs, with each line's status, how many wait and their own status there."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from server.appkeys import POOL
from server.ids import uuid7
from server.store import booths as booths_store
from server.store import db
from tests.helpers import Person, a_fair_and_venue, a_long_day, person
from tests.integration.test_queue import booth_with, on_duty, open_line, problem_code
from tests.integration.test_queue_claim_order import NOW
from tests.plans import generic_plan, rows_read

Client = TestClient[Any, Any]


async def my_booths(who: Person) -> list[dict[str, Any]]:
    response = await who.get("/api/me/booths")
    assert response.status == 200, await response.text()
    items: list[dict[str, Any]] = (await response.json())["items"]
    return items


async def test_a_recruiter_sees_each_booth_they_staff_with_its_line_and_their_status(
    client: Client,
) -> None:
    recruiter = await person(client, "r1@example.org", "招聘专员")
    busy = await booth_with(client, [recruiter])
    quiet = await booth_with(client, [recruiter])
    await open_line(recruiter, busy)
    for n in (1, 2):
        candidate = await person(client, f"c{n}@example.org")
        joined = await candidate.post(f"/api/booths/{busy}/tickets")
        assert joined.status == 201, await joined.text()

    async with on_duty(client, recruiter, busy):
        items = await my_booths(recruiter)

    assert {
        item["id"]: (item["line_status"], item["waiting"], item["my_status"]) for item in items
    } == {
        str(busy): ("open", 2, "available"),
        str(quiet): ("closed", 0, "offline"),
    }
    first = items[0]
    assert first["kind"] == "employer"
    assert first["status"] == "approved"
    assert first["employer"]["name"] == "测试企业（示例）"  # the name its booth page shows
    assert first["fair"]["slug"] == "test-fair"
    assert first["fair"]["title_zh"] == "测试招聘会"
    assert first["venue"]["name_en"] == "Test sub-venue"


async def test_booths_of_the_newest_fair_come_first(client: Client) -> None:
    recruiter = await person(client, "r2@example.org")
    older = await booth_with(client, [recruiter])
    newer = await booth_with(client, [recruiter])
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        fair_id, venue_id = await a_fair_and_venue(conn, slug="next-fair", year=2021)
        await conn.execute(
            "UPDATE booths SET fair_id = $2, venue_id = $3 WHERE id = $1", newer, fair_id, venue_id
        )

    items = await my_booths(recruiter)

    assert [(item["id"], item["fair"]["slug"]) for item in items] == [
        (str(newer), "next-fair"),
        (str(older), "test-fair"),
    ]


async def test_a_counsellor_sees_their_guidance_desk_without_an_employer(client: Client) -> None:
    counsellor = await person(client, "g1@example.org", "指导员")
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        fair_id, venue_id = await a_fair_and_venue(conn)
        desk = uuid7()
        await conn.execute(
            "INSERT INTO booths (id, fair_id, venue_id, kind, title, capacity, slot_minutes,"
            " status, approved_at, created_at, updated_at) VALUES ($1, $2, $3,"
            " 'career_guidance', '', 50, 15, 'approved', now(), now(), now())",
            desk,
            fair_id,
            venue_id,
        )
        await conn.execute(
            "INSERT INTO booth_staff (booth_id, account_id, assigned_at) VALUES ($1, $2, now())",
            desk,
            counsellor.account_id,
        )

    [item] = await my_booths(counsellor)

    assert (item["id"], item["kind"], item["title"], item["employer"]) == (
        str(desk),
        "career_guidance",
        "",
        None,
    )


async def test_nobody_sees_booths_they_do_not_staff(client: Client) -> None:
    recruiter = await person(client, "r3@example.org")
    colleague = await person(client, "r4@example.org")
    candidate = await person(client, "c3@example.org")
    mine = await booth_with(client, [recruiter])
    theirs = await booth_with(client, [colleague])
    shared = await booth_with(client, [recruiter, colleague])

    assert {item["id"] for item in await my_booths(recruiter)} == {str(mine), str(shared)}
    assert {item["id"] for item in await my_booths(colleague)} == {str(theirs), str(shared)}
    assert await my_booths(candidate) == []


async def test_an_anonymous_caller_is_asked_to_sign_in(client: Client) -> None:
    response = await client.get("/api/me/booths")

    assert await problem_code(response, 401) == "auth.required"


async def test_the_waiting_count_reads_the_line_not_the_booth_history(conn: db.Connection) -> None:
    """A busy booth ends its day with hundreds of finished tickets: counting who waits must
    read the line (the partial index), not all of them — from a cached generic plan, as
    asyncpg runs it."""
    booth, recruiter = await a_long_day(conn, NOW)
    plan = await generic_plan(conn, booths_store.STAFFED_BY, recruiter)
    [row] = await booths_store.staffed_by(conn, recruiter)

    assert (row["id"], row["line_status"], row["waiting"], row["my_status"]) == (
        booth,
        "open",
        3,
        "available",
    )
    read = rows_read(plan, "tickets")
    assert read < 100, f"counting a line of 3 read {read:.0f} ticket rows"
