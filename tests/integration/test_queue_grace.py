"""Reconnect grace and the staff roster's flags: closing the tab never costs the place;
away longer than the grace period when called is a pass; an interview whose candidate
stays away is interrupted, and the same booth may call them again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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


async def open_booth(client: Client, recruiter_email: str) -> tuple[Person, UUID]:
    """A recruiter signed up as ``recruiter_email`` and their booth, its line open."""
    recruiter = await person(client, recruiter_email)
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    return recruiter, booth


@asynccontextmanager
async def present(client: Client, who: Person) -> AsyncIterator[StreamClient]:
    """A page of theirs open: one "me" connection, subscribed, until the block ends."""
    async with StreamClient(ws_url(client), token=who.token) as stream:
        await stream.subscribe("me")
        await stream.next_op("subscribed")
        yield stream


async def gone_away(client: Client, who: Person) -> None:
    """Open and close a page, and wait until the server has recorded them away."""
    async with present(client, who):
        pass
    await away(client, who, True)


@asynccontextmanager
async def dropped_interview(
    client: Client, recruiter: Person, booth: UUID, candidate: Person, ticket_id: str
) -> AsyncIterator[None]:
    """With ``recruiter`` on duty for the block: the candidate, first in line, is called
    and accepts, then their page closes and the server records them away."""
    async with on_duty(client, recruiter, booth):
        await recruiter.post(f"/api/booths/{booth}/call-next")
        assert (await candidate.post(f"/api/tickets/{ticket_id}/accept")).status == 200
        await gone_away(client, candidate)
        yield


def timer_runner(client: Client, clock: FakeClock) -> TimerRunner:
    """Runs the app's due timers at ``clock``'s time, as a node's runner does."""
    app = client.app
    assert app is not None
    return TimerRunner(app[POOL], app[TIMERS], clock)


async def flags(console: StreamClient, ticket_id: str) -> dict[str, Any]:
    while True:
        event = await console.next_op("event")
        if event["type"] == "roster.flags" and event["data"]["ticket_id"] == ticket_id:
            data: dict[str, Any] = event["data"]
            return data


async def test_staff_see_waits_and_who_is_reconnecting(client: Client, clock: FakeClock) -> None:
    recruiter, booth = await open_booth(client, "gr1@example.org")
    candidate = await person(client, "gc1@example.org")
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    await gone_away(client, candidate)
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
        async with present(client, candidate):
            assert (await flags(console, ticket["id"]))["reconnecting"] is False
        assert (await flags(console, ticket["id"]))["reconnecting"] is True


async def test_a_short_absence_costs_nothing_a_long_one_is_a_pass(
    client: Client, clock: FakeClock
) -> None:
    recruiter, booth = await open_booth(client, "gr2@example.org")
    gone = await person(client, "gc2@example.org")
    present = await person(client, "gc3@example.org")
    first = await (await gone.post(f"/api/booths/{booth}/tickets")).json()
    second = await (await present.post(f"/api/booths/{booth}/tickets")).json()
    await gone_away(client, gone)
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
    recruiter, booth = await open_booth(client, "gr3@example.org")
    gone = await person(client, "gc4@example.org")
    present = await person(client, "gc5@example.org")
    first = await (await gone.post(f"/api/booths/{booth}/tickets")).json()
    await present.post(f"/api/booths/{booth}/tickets")
    await gone_away(client, gone)
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
    recruiter, booth = await open_booth(client, "gr4@example.org")
    candidate = await person(client, "gc6@example.org")
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    runner = timer_runner(client, clock)
    async with dropped_interview(client, recruiter, booth, candidate, ticket["id"]):
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
        async with present(client, candidate):
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
    recruiter, booth = await open_booth(client, "gr6@example.org")
    candidate = await person(client, "gc7@example.org")
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    runner = timer_runner(client, clock)
    async with dropped_interview(client, recruiter, booth, candidate, ticket["id"]):
        clock.advance(timedelta(seconds=60))
        async with present(client, candidate):
            await away(client, candidate, False)
            clock.advance(timedelta(seconds=120))
            while await runner.run_due():
                pass
            mine = (await (await candidate.get("/api/me/tickets")).json())["items"]
            assert mine[0]["state"] == "in_interview"
