"""Handoffs, key-group lanes and "only handoffs" over HTTP: a handed-off candidate goes
ahead of walk-ins keeping their original join time, a held handoff reaches the named
colleague, another employer's booth waits for the candidate's accept (or decline, or
expiry), and every refusal says why and changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from aiohttp.test_utils import TestClient

from server.appkeys import POOL, TIMERS
from server.ids import uuid7
from server.realtime.client import StreamClient
from server.timers import FakeClock, TimerRunner
from tests.helpers import Person, a_fair_and_venue, person, ws_url
from tests.integration.test_queue import booth_with, on_duty, open_line, problem_code

Client = TestClient[Any, Any]


async def sibling_booth(client: Client, booth: UUID, staff: list[Person]) -> UUID:
    """Another booth of the same employer (at another venue of the fair), open."""
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        _, venue = await a_fair_and_venue(conn, region_code="310000")
        sibling = uuid7()
        await conn.execute(
            "INSERT INTO booths (id, fair_id, venue_id, kind, employer_id, capacity,"
            " slot_minutes, status, approved_at, created_at, updated_at)"
            " SELECT $2, fair_id, $3, kind, employer_id, capacity, slot_minutes, status,"
            " approved_at, created_at, updated_at FROM booths WHERE id = $1",
            booth,
            sibling,
            venue,
        )
        for member in staff:
            await conn.execute(
                "INSERT INTO booth_staff (booth_id, account_id, assigned_at)"
                " VALUES ($1, $2, now())",
                sibling,
                member.account_id,
            )
    await open_line(staff[0], sibling)
    return sibling


async def interviewed(client: Client, recruiter: Person, candidate: Person, booth: UUID) -> str:
    """The candidate joins, is called, accepts, and the interview is completed."""
    joined = await candidate.post(f"/api/booths/{booth}/tickets")
    assert joined.status == 201, await joined.text()
    async with on_duty(client, recruiter, booth):
        called = await recruiter.post(f"/api/booths/{booth}/call-next")
        assert called.status == 200, await called.text()
        ticket = str((await called.json())["ticket_id"])
        assert (await candidate.post(f"/api/tickets/{ticket}/accept")).status == 200
        assert (await recruiter.post(f"/api/tickets/{ticket}/complete")).status == 200
    return ticket


async def ticket_row(client: Client, ticket: str | UUID) -> dict[str, Any]:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM tickets WHERE id = $1", UUID(str(ticket)))
    assert row is not None
    return dict(row)


async def counts(client: Client) -> tuple[int, int]:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM tickets) AS t, (SELECT count(*) FROM queue_handoffs) AS h"
        )
    assert row is not None
    return row["t"], row["h"]


async def interviewed_with_a_walk_in_next_door(
    client: Client,
) -> tuple[Person, Person, UUID, str]:
    """A candidate interviewed by the first recruiter; a walk-in waits at another booth of
    the same employer, staffed by the second."""
    first, second = await person(client, "r1@x.org"), await person(client, "r2@x.org")
    booth = await booth_with(client, [first])
    await open_line(first, booth)
    other = await sibling_booth(client, booth, [second])
    candidate, walker = await person(client, "c@x.org"), await person(client, "w@x.org")
    interview = await interviewed(client, first, candidate, booth)
    assert (await walker.post(f"/api/booths/{other}/tickets")).status == 201
    return first, second, other, interview


async def test_a_handoff_within_the_employer_goes_ahead_of_walk_ins_keeping_its_join_time(
    client: Client,
) -> None:
    first, second, other, interview = await interviewed_with_a_walk_in_next_door(client)

    response = await first.post(f"/api/tickets/{interview}/handoff", json={"booth_id": str(other)})
    assert response.status == 201, await response.text()
    handoff = await response.json()
    assert handoff["state"] == "admitted"
    handed = await ticket_row(client, handoff["ticket_id"])
    original = await ticket_row(client, interview)
    assert (handed["kind"], handed["booth_id"], handed["handed_from"]) == (
        "handoff",
        other,
        original["id"],
    )
    assert handed["joined_at"] == original["joined_at"]  # statistics count the whole wait
    async with on_duty(client, second, other):
        called = await (await second.post(f"/api/booths/{other}/call-next")).json()
    assert called["ticket_id"] == handoff["ticket_id"]  # ahead of the walk-in


async def test_a_handoff_to_a_named_colleague_is_theirs_to_call_for_a_while(
    client: Client, clock: FakeClock
) -> None:
    first, colleague = await person(client, "r1@x.org"), await person(client, "r3@x.org")
    booth = await booth_with(client, [first, colleague])
    await open_line(first, booth)
    candidate, walker = await person(client, "c@x.org"), await person(client, "w@x.org")
    interview = await interviewed(client, first, candidate, booth)
    walk_in = await (await walker.post(f"/api/booths/{booth}/tickets")).json()
    body = {"booth_id": str(booth), "colleague_id": str(colleague.account_id)}
    handoff = await (await first.post(f"/api/tickets/{interview}/handoff", json=body)).json()
    assert handoff["state"] == "admitted"

    held = await ticket_row(client, handoff["ticket_id"])
    assert held["held_for"] == colleague.account_id
    assert held["held_until"] == clock.now() + timedelta(minutes=5)
    async with on_duty(client, first, booth):
        by_name = await first.post(f"/api/tickets/{handoff['ticket_id']}/call")
        assert await problem_code(by_name, 409) == "queue.wrong_state"
        called = await (await first.post(f"/api/booths/{booth}/call-next")).json()
        assert called["ticket_id"] == walk_in["id"]  # not the held handoff
    async with on_duty(client, colleague, booth):
        called = await (await colleague.post(f"/api/booths/{booth}/call-next")).json()
        assert called["ticket_id"] == handoff["ticket_id"]


async def test_another_employers_booth_waits_for_the_candidates_accept(client: Client) -> None:
    first, second = await person(client, "r1@x.org"), await person(client, "r2@x.org")
    booth = await booth_with(client, [first])
    other = await booth_with(client, [second])  # another employer's
    await open_line(first, booth)
    await open_line(second, other)
    candidate, stranger = await person(client, "c@x.org"), await person(client, "s@x.org")
    interview = await interviewed(client, first, candidate, booth)
    async with StreamClient(ws_url(client), token=candidate.token) as mine:
        await mine.subscribe("me")
        await mine.next_op("subscribed")
        response = await first.post(
            f"/api/tickets/{interview}/handoff", json={"booth_id": str(other)}
        )
        handoff = await response.json()
        assert (response.status, handoff["state"], handoff["ticket_id"]) == (201, "pending", None)
        event = await mine.next_op("event")
        assert (event["type"], event["data"]["handoff"]["id"]) == ("handoff.updated", handoff["id"])
    listed = await (await candidate.get("/api/me/handoffs")).json()
    assert [h["id"] for h in listed["items"]] == [handoff["id"]]
    before = await counts(client)
    someone_else = await stranger.post(f"/api/handoffs/{handoff['id']}/accept")
    assert await problem_code(someone_else, 404) == "handoff.not_found"
    assert await counts(client) == before

    accepted = await (await candidate.post(f"/api/handoffs/{handoff['id']}/accept")).json()
    assert accepted["state"] == "admitted"
    async with StreamClient(ws_url(client), token=first.token) as console:  # a reload
        await console.subscribe(f"booth:{booth}:staff")
        snapshot = await console.next_op("snapshot")
    shown = [(h["id"], h["state"], h["ticket_id"]) for h in snapshot["data"]["handoffs"]]
    assert shown == [(handoff["id"], "admitted", accepted["ticket_id"])]
    ticket = await ticket_row(client, accepted["ticket_id"])
    assert (ticket["booth_id"], ticket["kind"], ticket["state"]) == (other, "handoff", "waiting")
    again = await candidate.post(f"/api/handoffs/{handoff['id']}/decline")
    assert await problem_code(again, 409) == "handoff.answered"
    assert (await (await candidate.get("/api/me/handoffs")).json())["items"] == []


async def test_a_declined_or_unanswered_handoff_puts_nobody_in_line(
    client: Client, clock: FakeClock
) -> None:
    first, second = await person(client, "r1@x.org"), await person(client, "r2@x.org")
    booth = await booth_with(client, [first])
    other = await booth_with(client, [second])
    await open_line(first, booth)
    await open_line(second, other)
    one, two = await person(client, "c1@x.org"), await person(client, "c2@x.org")
    handoffs = []
    for candidate in (one, two):
        interview = await interviewed(client, first, candidate, booth)
        response = await first.post(
            f"/api/tickets/{interview}/handoff", json={"booth_id": str(other)}
        )
        handoffs.append(await response.json())
    declined = await (await one.post(f"/api/handoffs/{handoffs[0]['id']}/decline")).json()
    assert declined["state"] == "declined"

    app = client.app
    assert app is not None
    runner = TimerRunner(app[POOL], app[TIMERS], clock)
    clock.advance(timedelta(minutes=10, seconds=1))
    while await runner.run_due():
        pass
    late = await two.post(f"/api/handoffs/{handoffs[1]['id']}/accept")
    assert await problem_code(late, 409) == "handoff.answered"  # it expired
    async with app[POOL].acquire() as conn:
        states = await conn.fetch("SELECT state FROM queue_handoffs ORDER BY created_at")
        in_line = await conn.fetchval("SELECT count(*) FROM tickets WHERE booth_id = $1", other)
    assert [r["state"] for r in states] == ["declined", "expired"]
    assert in_line == 0


async def test_refused_handoffs_say_why_and_change_nothing(client: Client) -> None:
    first, second = await person(client, "r1@x.org"), await person(client, "r2@x.org")
    booth = await booth_with(client, [first])
    other = await booth_with(client, [second])
    await open_line(first, booth)
    candidate, waiting = await person(client, "c@x.org"), await person(client, "w@x.org")
    interview = await interviewed(client, first, candidate, booth)
    in_line = await (await waiting.post(f"/api/booths/{booth}/tickets")).json()
    before = await counts(client)

    async def refused(ticket: str, body: dict[str, Any], by: Person = first) -> str:
        response = await by.post(f"/api/tickets/{ticket}/handoff", json=body)
        return await problem_code(response, response.status)

    to_other = {"booth_id": str(other)}
    assert await refused(in_line["id"], to_other) == "handoff.not_after_interview"
    assert await refused(interview, {"booth_id": str(booth)}) == "handoff.colleague_required"
    me = {"booth_id": str(booth), "colleague_id": str(first.account_id)}
    assert await refused(interview, me) == "handoff.to_self"
    stranger = {"booth_id": str(booth), "colleague_id": str(second.account_id)}
    assert await refused(interview, stranger) == "handoff.not_staff"
    assert await refused(interview, to_other, by=second) == "auth.forbidden"
    assert await refused(interview, to_other) == "queue.closed"  # the other line is closed
    assert await refused(interview, {"booth_id": str(uuid7())}) == "booth.not_found"
    assert await refused(interview, {"booth": "x"}) == "request.invalid"
    assert await counts(client) == before

    await open_line(second, other)
    assert (await first.post(f"/api/tickets/{interview}/handoff", json=to_other)).status == 201
    assert await refused(interview, to_other) == "handoff.already"


async def test_a_recruiter_taking_only_handoffs_skips_walk_ins(client: Client) -> None:
    first, second, other, interview = await interviewed_with_a_walk_in_next_door(client)
    only = await second.put(f"/api/booths/{other}/only-handoffs", json={"only_handoffs": True})
    assert only.status == 204
    not_staff = await first.put(f"/api/booths/{other}/only-handoffs", json={"only_handoffs": True})
    assert await problem_code(not_staff, 403) == "auth.forbidden"
    async with on_duty(client, second, other):
        nobody = await second.post(f"/api/booths/{other}/call-next")
        assert await problem_code(nobody, 409) == "queue.empty"
        handoff = await (
            await first.post(f"/api/tickets/{interview}/handoff", json={"booth_id": str(other)})
        ).json()
        called = await (await second.post(f"/api/booths/{other}/call-next")).json()
    assert called["ticket_id"] == handoff["ticket_id"]


async def test_a_recruiter_taking_only_handoffs_does_not_shorten_walk_in_waits(
    client: Client,
) -> None:
    """The walk-in line's wait table counts only the staff who call walk-ins: a lone
    recruiter taking only handoffs leaves walk-ins with no estimate, not a short one."""
    recruiter = await person(client, "oh1@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    walk_in = await person(client, "oh2@example.org")
    assert (await walk_in.post(f"/api/booths/{booth}/tickets")).status == 201

    async def table_becomes(public: StreamClient, served: bool) -> None:
        while True:
            event = await public.next_op("event")
            if event["type"] == "queue.eta":
                assert (event["data"]["table"] is not None) == served, event
                return

    async with on_duty(client, recruiter, booth), StreamClient(ws_url(client)) as public:
        await public.subscribe(f"booth:{booth}")
        snapshot = await public.next_op("snapshot")
        if snapshot["data"]["eta"] is None:  # the refresh after going on duty comes later
            await table_becomes(public, served=True)
        only = {"only_handoffs": True}
        assert (await recruiter.put(f"/api/booths/{booth}/only-handoffs", json=only)).status == 204
        await table_becomes(public, served=False)
        again = {"only_handoffs": False}
        assert (await recruiter.put(f"/api/booths/{booth}/only-handoffs", json=again)).status == 204
        await table_becomes(public, served=True)


PROFILE = {
    "name": "测试",
    "phone": "",
    "email": "",
    "region_code": None,
    "education": None,
    "graduation_year": None,
    "desired_jobs": [],
    "key_groups": ["graduates"],
    "key_groups_consent": True,
    "visibility": {"show_contact": False, "share_key_groups": False},
}


async def test_the_key_group_lane_needs_a_matching_group_and_consent(client: Client) -> None:
    recruiter, outsider = await person(client, "r@x.org"), await person(client, "o@x.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    lanes = {"key_groups": ["graduates"], "ratio": {"key_group": 2, "general": 1}}
    refused = await outsider.put(f"/api/booths/{booth}/lanes", json=lanes)
    assert await problem_code(refused, 403) == "auth.forbidden"
    bad = {"key_groups": ["other"], "ratio": {"key_group": 0, "general": 1}}
    invalid = await recruiter.put(f"/api/booths/{booth}/lanes", json=bad)
    assert await problem_code(invalid, 422) == "request.invalid"
    assert (await (await client.get(f"/api/booths/{booth}/lanes")).json())["key_groups"] == []
    saved = await recruiter.put(f"/api/booths/{booth}/lanes", json=lanes)
    assert (saved.status, await saved.json()) == (200, lanes)

    graduate, plain = await person(client, "g@x.org"), await person(client, "p@x.org")
    assert (await graduate.put("/api/me/profile", json=PROFILE)).status == 200
    assert (await plain.put("/api/me/profile", json={**PROFILE, "key_groups": []})).status == 200
    quietly = await (await graduate.post(f"/api/booths/{booth}/tickets")).json()
    assert (await ticket_row(client, quietly["id"]))["lane"] == "general"  # not shown: general
    assert (await graduate.delete(f"/api/tickets/{quietly['id']}")).status == 204
    agreed = await (await graduate.post(f"/api/booths/{booth}/tickets?key_group_lane=true")).json()
    assert (await ticket_row(client, agreed["id"]))["lane"] == "key_group"
    no_group = await (await plain.post(f"/api/booths/{booth}/tickets?key_group_lane=true")).json()
    assert (await ticket_row(client, no_group["id"]))["lane"] == "general"
