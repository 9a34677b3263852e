"""A candidate's inbox hears of what happens to them while they may not be looking: staff
removing them from a line, a place lost to missed calls, absence or the day's close, and
an interview's outcome (and its correction) — one notice per event, none for staff, none
for a refused request, nothing staff-only (a removal's reason, interview notes)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from aiohttp.test_utils import TestClient

from server.appkeys import POOL
from server.domain.queue import day_end
from server.realtime.client import StreamClient
from server.timers import FakeClock
from tests.helpers import Person, person, run_timers_at, ws_url
from tests.integration.test_interviews import an_interview
from tests.integration.test_queue import booth_with, on_duty, open_line, problem_code

Client = TestClient[Any, Any]
REASON = "测试：重复排队"


async def inbox(who: Person) -> list[dict[str, Any]]:
    response = await who.get("/api/me/notifications")
    assert response.status == 200, await response.text()
    items: list[dict[str, Any]] = (await response.json())["items"]
    return items


async def kinds_and_data(who: Person) -> list[tuple[str, dict[str, Any]]]:
    return [(n["kind"], n["data"]) for n in await inbox(who)]


async def test_a_candidate_removed_by_staff_is_told_once_without_the_reason(
    client: Client,
) -> None:
    recruiter = await person(client, "nr1@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    candidate = await person(client, "nc1@example.org")
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    async with StreamClient(ws_url(client), token=candidate.token) as mine:
        await mine.subscribe("me")
        await mine.next_op("snapshot")
        removed = await recruiter.post(
            f"/api/tickets/{ticket['id']}/remove", json={"reason": REASON}
        )
        assert removed.status == 204, await removed.text()
        while (event := await mine.next_op("event"))["type"] != "notification.created":
            pass
    data = {"booth_id": str(booth), "ticket_id": ticket["id"]}
    assert (event["data"]["kind"], event["data"]["data"]) == ("ticket.removed", data)
    items = await inbox(candidate)
    assert [(n["kind"], n["data"]) for n in items] == [("ticket.removed", data)]
    assert items[0]["id"] == event["data"]["id"]
    assert REASON not in json.dumps(items, ensure_ascii=False)  # the staff's record only
    assert await inbox(recruiter) == []


async def test_a_refused_removal_tells_nobody(client: Client) -> None:
    recruiter = await person(client, "nr2@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    candidate = await person(client, "nc2@example.org")
    stranger = await person(client, "nc3@example.org")
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    remove = f"/api/tickets/{ticket['id']}/remove"
    no_reason = await recruiter.post(remove, json={"reason": ""})
    assert await problem_code(no_reason, 422) == "request.invalid"
    too_long = await recruiter.post(remove, json={"reason": "x" * 201})
    assert await problem_code(too_long, 422) == "request.invalid"
    not_staff = await stranger.post(remove, json={"reason": REASON})
    assert await problem_code(not_staff, 403) == "auth.forbidden"
    unknown = await recruiter.post(f"/api/tickets/{UUID(int=9)}/remove", json={"reason": REASON})
    assert await problem_code(unknown, 404) == "ticket.not_found"
    assert await inbox(candidate) == []
    assert (await recruiter.post(remove, json={"reason": REASON})).status == 204
    again = await recruiter.post(remove, json={"reason": REASON})
    assert await problem_code(again, 409) == "queue.wrong_state"
    assert [n["kind"] for n in await inbox(candidate)] == ["ticket.removed"]
    assert await inbox(stranger) == []


async def test_a_second_unanswered_call_loses_the_place_and_says_why(
    client: Client, clock: FakeClock
) -> None:
    recruiter = await person(client, "nr3@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    candidate = await person(client, "nc4@example.org")
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    async with on_duty(client, recruiter, booth):
        assert (await recruiter.post(f"/api/booths/{booth}/call-next")).status == 200
        await run_timers_at(client, clock, clock.now() + timedelta(seconds=46))
        assert await inbox(candidate) == []  # one pass: still in line, nothing lost
        assert (await recruiter.post(f"/api/booths/{booth}/call-next")).status == 200
        await run_timers_at(client, clock, clock.now() + timedelta(seconds=46))
    mine = await (await candidate.get("/api/me/tickets")).json()
    assert mine["items"] == []
    assert await kinds_and_data(candidate) == [
        (
            "ticket.expired",
            {"booth_id": str(booth), "ticket_id": ticket["id"], "cause": "unanswered"},
        )
    ]
    assert await inbox(recruiter) == []


async def test_a_candidate_who_declines_twice_is_not_told_what_they_did(client: Client) -> None:
    recruiter = await person(client, "nr4@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    candidate = await person(client, "nc5@example.org")
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    async with on_duty(client, recruiter, booth):
        for _ in range(2):
            await recruiter.post(f"/api/booths/{booth}/call-next")
            declined = await candidate.post(f"/api/tickets/{ticket['id']}/decline")
            assert declined.status == 200, await declined.text()
    assert (await declined.json())["state"] == "expired"
    assert await inbox(candidate) == []


async def test_a_candidate_away_when_passed_over_twice_is_told(
    client: Client, clock: FakeClock
) -> None:
    recruiter = await person(client, "nr5@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    away = await person(client, "nc6@example.org")
    ticket = await (await away.post(f"/api/booths/{booth}/tickets")).json()
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:  # their tab closed well past the grace period
        await conn.execute(
            "INSERT INTO queue_absences (candidate_id, since) VALUES ($1, $2)",
            away.account_id,
            clock.now() - timedelta(minutes=5),
        )
    async with on_duty(client, recruiter, booth):
        first = await recruiter.post(f"/api/booths/{booth}/call-next")
        assert await problem_code(first, 409) == "queue.empty"  # passed over: one pass
        assert await inbox(away) == []
        second = await recruiter.post(f"/api/booths/{booth}/call-next")
        assert await problem_code(second, 409) == "queue.empty"
    items = await inbox(away)
    assert [(n["kind"], n["data"]) for n in items] == [
        ("ticket.expired", {"booth_id": str(booth), "ticket_id": ticket["id"], "cause": "away"})
    ]
    assert UUID(items[0]["id"]).version == 7
    async with app[POOL].acquire() as conn:  # the event on "me" is the inbox's row
        events = await conn.fetch(
            "SELECT data FROM events WHERE topic = $1 AND type = 'notification.created'",
            f"user:{away.account_id}",
        )
    assert [e["data"]["id"] for e in events] == [items[0]["id"]]
    created = [datetime.fromisoformat(e["data"]["created_at"]) for e in events]
    assert created == [datetime.fromisoformat(items[0]["created_at"])]
    assert await inbox(recruiter) == []


async def test_the_days_close_tells_each_holder_once(client: Client, clock: FakeClock) -> None:
    recruiter = await person(client, "nr6@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        zone = await conn.fetchval(
            "SELECT f.time_zone FROM booths b JOIN fairs f ON f.id = b.fair_id WHERE b.id = $1",
            booth,
        )
    people = [await person(client, f"nc{i}@example.org") for i in range(7, 11)]
    tickets = [await (await p.post(f"/api/booths/{booth}/tickets")).json() for p in people]
    async with on_duty(client, recruiter, booth):
        called = await (await recruiter.post(f"/api/booths/{booth}/call-next")).json()
        assert called["ticket_id"] == tickets[0]["id"]  # ringing at midnight: expires too
        await people[0].post(f"/api/tickets/{called['ticket_id']}/decline")
        # the first declined once (back in line); the close takes all four
        midnight = day_end(clock.now(), zone)
        await run_timers_at(client, clock, midnight + timedelta(seconds=1))
    for who, ticket in zip(people, tickets, strict=True):
        assert await kinds_and_data(who) == [
            (
                "ticket.expired",
                {"booth_id": str(booth), "ticket_id": ticket["id"], "cause": "day_close"},
            )
        ]
    assert await inbox(recruiter) == []


async def test_the_candidate_is_told_the_outcome_and_its_correction_never_the_notes(
    client: Client,
) -> None:
    room, booth, recruiter, candidate, colleague = await an_interview(client, "told")
    recorded = await recruiter.post(
        f"/api/interviews/{room}/outcome", json={"outcome": "not_suitable", "notes": "内部备注"}
    )
    assert recorded.status == 200, await recorded.text()
    told = {"interview_id": str(room), "booth_id": str(booth)}
    assert await kinds_and_data(candidate) == [
        ("interview.outcome", {**told, "outcome": "not_suitable"})
    ]
    seen = await (await candidate.get(f"/api/interviews/{room}")).json()
    assert seen["outcome"] == "not_suitable"  # what the notice says, the candidate may see
    notes_only = await recruiter.patch(
        f"/api/interviews/{room}/outcome", json={"outcome": "not_suitable", "notes": "改备注"}
    )
    assert notes_only.status == 200, await notes_only.text()
    assert len(await inbox(candidate)) == 1  # nothing the candidate sees changed
    by_candidate = await candidate.patch(
        f"/api/interviews/{room}/outcome", json={"outcome": "offer_intent"}
    )
    assert await problem_code(by_candidate, 403) == "auth.forbidden"
    bad = await recruiter.patch(f"/api/interviews/{room}/outcome", json={"outcome": "hired"})
    assert await problem_code(bad, 422) == "request.invalid"
    assert len(await inbox(candidate)) == 1
    fixed = await recruiter.patch(
        f"/api/interviews/{room}/outcome", json={"outcome": "offer_intent"}
    )
    assert fixed.status == 200, await fixed.text()
    items = await inbox(candidate)
    assert [(n["kind"], n["data"]) for n in items] == [
        ("interview.outcome_corrected", {**told, "outcome": "offer_intent"}),
        ("interview.outcome", {**told, "outcome": "not_suitable"}),
    ]
    assert "备注" not in json.dumps(items, ensure_ascii=False)
    assert await inbox(recruiter) == []
    assert await inbox(colleague) == []


async def test_a_refused_outcome_tells_nobody(client: Client) -> None:
    room, _, recruiter, candidate, _ = await an_interview(client, "untold")
    by_candidate = await candidate.post(
        f"/api/interviews/{room}/outcome", json={"outcome": "offer_intent", "notes": ""}
    )
    assert await problem_code(by_candidate, 403) == "auth.forbidden"
    bad = await recruiter.post(f"/api/interviews/{room}/outcome", json={"outcome": "hired"})
    assert await problem_code(bad, 422) == "request.invalid"
    assert await inbox(candidate) == []
    first = await recruiter.post(
        f"/api/interviews/{room}/outcome", json={"outcome": "next_round", "notes": ""}
    )
    assert first.status == 200, await first.text()
    twice = await recruiter.post(
        f"/api/interviews/{room}/outcome", json={"outcome": "next_round", "notes": ""}
    )
    assert await problem_code(twice, 409) == "interview.already_recorded"
    assert [n["kind"] for n in await inbox(candidate)] == ["interview.outcome"]
