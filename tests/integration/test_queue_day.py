"""The fair day's end: at closing joins stop but the line is still served; at 24:00 in
the fair's zone the line closes and its remaining tickets expire (``booth.day_closed``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient

from server.appkeys import POOL, TIMERS
from server.domain.queue import day_end
from server.realtime.client import StreamClient
from server.timers import FakeClock, TimerRunner
from tests.helpers import person, ws_url
from tests.integration.test_queue import booth_with, on_duty, open_line, problem_code

Client = TestClient[Any, Any]


def test_the_day_ends_at_midnight_in_the_fairs_zone() -> None:
    from datetime import UTC, datetime

    # 23:30 in Beijing is 15:30 UTC; the day ends at 16:00 UTC.
    assert day_end(datetime(2026, 11, 26, 15, 30, tzinfo=UTC), "Asia/Shanghai") == datetime(
        2026, 11, 26, 16, 0, tzinfo=UTC
    )
    # Just after midnight it is the next day's end.
    assert day_end(datetime(2026, 11, 26, 16, 0, 1, tzinfo=UTC), "Asia/Shanghai") == datetime(
        2026, 11, 27, 16, 0, tzinfo=UTC
    )
    # A DST change in between: still local midnight (Berlin, 29 March 2026: 23 hours).
    end = day_end(datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Europe/Berlin")
    assert end.astimezone(ZoneInfo("Europe/Berlin")).hour == 0
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)


async def test_at_closing_joins_stop_but_the_line_is_still_served(client: Client) -> None:
    recruiter = await person(client, "dr1@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    waiting = await person(client, "dc1@example.org")
    late = await person(client, "dc2@example.org")
    ticket = await (await waiting.post(f"/api/booths/{booth}/tickets")).json()
    closed = await recruiter.put(f"/api/booths/{booth}/queue-status", json={"status": "closed"})
    assert closed.status == 204
    refused = await late.post(f"/api/booths/{booth}/tickets")
    assert await problem_code(refused, 409) == "queue.closed"
    async with on_duty(client, recruiter, booth):
        called = await (await recruiter.post(f"/api/booths/{booth}/call-next")).json()
    assert called["ticket_id"] == ticket["id"]


async def test_at_midnight_fair_time_the_rest_expire(client: Client, clock: FakeClock) -> None:
    recruiter = await person(client, "dr2@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        zone = await conn.fetchval(
            "SELECT f.time_zone FROM booths b JOIN fairs f ON f.id = b.fair_id WHERE b.id = $1",
            booth,
        )
    midnight = day_end(clock.now(), zone)
    people = [await person(client, f"dc{i}@example.org") for i in range(3, 6)]
    tickets = [(await p.post(f"/api/booths/{booth}/tickets")).status for p in people]
    assert tickets == [201, 201, 201]
    runner = TimerRunner(app[POOL], app[TIMERS], clock)
    async with (
        on_duty(client, recruiter, booth),
        StreamClient(ws_url(client)) as public,
        StreamClient(ws_url(client), token=people[2].token) as holder,
    ):
        await public.subscribe(f"booth:{booth}")
        assert len((await public.next_op("snapshot"))["data"]["line"]) == 3
        await holder.subscribe("me")
        await holder.next_op("subscribed")
        called = await (await recruiter.post(f"/api/booths/{booth}/call-next")).json()
        await people[0].post(f"/api/tickets/{called['ticket_id']}/accept")  # in an interview
        await recruiter.post(f"/api/tickets/{called['ticket_id']}/complete")
        await recruiter.post(f"/api/booths/{booth}/call-next")  # the second one rings
        clock.advance(midnight - clock.now() - timedelta(seconds=1))
        while await runner.run_due():
            pass
        assert (await (await people[2].get("/api/me/tickets")).json())["items"] != []
        clock.advance(timedelta(seconds=2))
        while await runner.run_due():
            pass
        while True:
            event = await public.next_op("event")
            if event["type"] == "booth.day_closed":
                break
        assert event["data"] == {"expired": 2}
        assert (await public.next_op("event"))["data"] == {"status": "closed"}
        while True:
            update = (await holder.next_op("event"))["data"]["ticket"]
            if update["state"] == "expired":
                break
    for who in people[1:]:
        assert (await (await who.get("/api/me/tickets")).json())["items"] == []
    refused = await people[0].post(f"/api/booths/{booth}/tickets")
    assert await problem_code(refused, 409) == "queue.closed"
    async with app[POOL].acquire() as conn:
        staff = await conn.fetchval("SELECT status FROM staff_status WHERE booth_id = $1", booth)
    assert staff in ("available", "offline")  # the ringing call ended with the day
