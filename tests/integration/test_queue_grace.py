"""Reconnect grace and the staff roster's flags: closing the tab never costs the place;
away longer than the grace period when called is a pass; an interview whose candidate
stays away is interrupted, and the same booth may call them again."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from uuid import UUID

from aiohttp.test_utils import TestClient

from server.appkeys import POOL, TIMERS
from server.realtime.client import StreamClient
from server.timers import FakeClock, TimerRunner
from tests.helpers import Person, person, ws_url
from tests.integration.test_queue import booth_with, on_duty, open_line, problem_code

Client = TestClient[Any, Any]


async def away(client: Client, who: Person, expected: bool) -> None:
    """Wait until the server has recorded the candidate as away (or back)."""
    app = client.app
    assert app is not None
    for _ in range(100):
        async with app[POOL].acquire() as conn:
            found = await conn.fetchval(
                "SELECT 1 FROM queue_absences WHERE candidate_id = $1", who.account_id
            )
        if (found is not None) == expected:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{who.account_id} never {'left' if expected else 'came back'}")


async def visit(client: Client, who: Person) -> None:
    """Open and close a page: one "me" connection that ends."""
    async with StreamClient(ws_url(client), token=who.token) as stream:
        await stream.subscribe("me")
        await stream.next_op("subscribed")


async def flags(console: StreamClient, ticket_id: str) -> dict[str, Any]:
    while True:
        event = await console.next_op("event")
        if event["type"] == "roster.flags" and event["data"]["ticket_id"] == ticket_id:
            data: dict[str, Any] = event["data"]
            return data


async def test_staff_see_waits_and_who_is_reconnecting(client: Client, clock: FakeClock) -> None:
    recruiter = await person(client, "gr1@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    candidate = await person(client, "gc1@example.org")
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    await visit(client, candidate)
    await away(client, candidate, True)
    clock.advance(timedelta(seconds=90))
    async with StreamClient(ws_url(client), token=recruiter.token) as console:
        await console.subscribe(f"booth:{booth}:staff")
        snapshot = (await console.next_op("snapshot"))["data"]
        (entry,) = snapshot["roster"]
        assert entry["ticket_id"] == ticket["id"]
        assert (entry["reconnecting"], entry["busy_elsewhere"], entry["passes"]) == (
            True,
            False,
            0,
        )
        assert snapshot["now"] > entry["joined_at"]  # the console counts the wait from these
        async with StreamClient(ws_url(client), token=candidate.token) as back:
            await back.subscribe("me")
            await back.next_op("subscribed")
            assert (await flags(console, ticket["id"]))["reconnecting"] is False
        assert (await flags(console, ticket["id"]))["reconnecting"] is True


async def test_a_short_absence_costs_nothing_a_long_one_is_a_pass(
    client: Client, clock: FakeClock
) -> None:
    recruiter = await person(client, "gr2@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    gone = await person(client, "gc2@example.org")
    present = await person(client, "gc3@example.org")
    first = await (await gone.post(f"/api/booths/{booth}/tickets")).json()
    second = await (await present.post(f"/api/booths/{booth}/tickets")).json()
    await visit(client, gone)
    await away(client, gone, True)
    async with on_duty(client, recruiter, booth):
        clock.advance(timedelta(seconds=119))  # within the grace period: called as usual
        called = await (await recruiter.post(f"/api/booths/{booth}/call-next")).json()
        assert called["ticket_id"] == first["id"]
        await gone.post(f"/api/tickets/{first['id']}/decline")  # a pass of their own
        clock.advance(timedelta(seconds=2))  # now away 121 s: passed over, second pass ends it
        called = await (await recruiter.post(f"/api/booths/{booth}/call-next")).json()
        assert called["ticket_id"] == second["id"]
    mine = await (await gone.get("/api/me/tickets")).json()
    assert mine["items"] == []  # two passes: the ticket expired
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        state = await conn.fetchrow(
            "SELECT state, passes FROM tickets WHERE id = $1", UUID(first["id"])
        )
    assert (state["state"], state["passes"]) == ("expired", 2)


async def test_one_pass_for_being_away_keeps_the_place(client: Client, clock: FakeClock) -> None:
    recruiter = await person(client, "gr3@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    gone = await person(client, "gc4@example.org")
    present = await person(client, "gc5@example.org")
    first = await (await gone.post(f"/api/booths/{booth}/tickets")).json()
    await present.post(f"/api/booths/{booth}/tickets")
    await visit(client, gone)
    await away(client, gone, True)
    clock.advance(timedelta(seconds=121))
    async with on_duty(client, recruiter, booth):
        await recruiter.post(f"/api/booths/{booth}/call-next")  # the second candidate
        async with StreamClient(ws_url(client), token=gone.token) as back:
            await back.subscribe("me")
            (ticket,) = (await back.next_op("snapshot"))["data"]["tickets"]
    assert (ticket["id"], ticket["passes"], ticket["position"]) == (first["id"], 1, 0)


async def test_an_interview_whose_candidate_stays_away_is_interrupted_then_called_again(
    client: Client, clock: FakeClock
) -> None:
    recruiter = await person(client, "gr4@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    candidate = await person(client, "gc6@example.org")
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    app = client.app
    assert app is not None
    runner = TimerRunner(app[POOL], app[TIMERS], clock)
    async with on_duty(client, recruiter, booth):
        await recruiter.post(f"/api/booths/{booth}/call-next")
        assert (await candidate.post(f"/api/tickets/{ticket['id']}/accept")).status == 200
        await visit(client, candidate)  # the network drops mid-interview
        await away(client, candidate, True)
        clock.advance(timedelta(seconds=119))
        await runner.run_due()
        mine = (await (await candidate.get("/api/me/tickets")).json())["items"]
        assert mine[0]["state"] == "in_interview"  # within the grace period
        clock.advance(timedelta(seconds=2))
        while await runner.run_due():
            pass
        mine = (await (await candidate.get("/api/me/tickets")).json())["items"]
        assert mine[0]["state"] == "interrupted"
        next_one = await recruiter.post(f"/api/booths/{booth}/call-next")
        assert await problem_code(next_one, 409) == "queue.empty"  # free again, line empty
        async with StreamClient(ws_url(client), token=candidate.token) as back:
            await back.subscribe("me")
            await back.next_op("subscribed")
            await away(client, candidate, False)
            again = await recruiter.post(f"/api/tickets/{ticket['id']}/call")
            assert again.status == 200, await again.text()
            assert (await again.json())["state"] == "called"
        stranger = await person(client, "gr5@example.org")
        other_booth = await booth_with(client, [stranger])
        async with on_duty(client, stranger, other_booth):
            foreign = await stranger.post(f"/api/tickets/{ticket['id']}/call")
            assert await problem_code(foreign, 403) == "auth.forbidden"  # another booth's


async def test_coming_back_before_the_grace_period_keeps_the_interview(
    client: Client, clock: FakeClock
) -> None:
    recruiter = await person(client, "gr6@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    candidate = await person(client, "gc7@example.org")
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    app = client.app
    assert app is not None
    runner = TimerRunner(app[POOL], app[TIMERS], clock)
    async with on_duty(client, recruiter, booth):
        await recruiter.post(f"/api/booths/{booth}/call-next")
        await candidate.post(f"/api/tickets/{ticket['id']}/accept")
        await visit(client, candidate)
        await away(client, candidate, True)
        clock.advance(timedelta(seconds=60))
        async with StreamClient(ws_url(client), token=candidate.token) as back:
            await back.subscribe("me")
            await back.next_op("subscribed")
            await away(client, candidate, False)
            clock.advance(timedelta(seconds=120))
            while await runner.run_due():
                pass
            mine = (await (await candidate.get("/api/me/tickets")).json())["items"]
            assert mine[0]["state"] == "in_interview"
