"""A line that follows its booth's opening hours: staff turn it on, and the line opens
and closes at the hours' boundaries by a durable timer; editing the hours applies them
at once; turning it off leaves the line to staff. Hours are Monday–Friday 09:00–12:00
Beijing time, in the July 2020 test fair."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from aiohttp.test_utils import TestClient

from server.appkeys import POOL
from server.domain.principal import Role
from server.realtime.client import StreamClient
from server.timers import FakeClock
from tests.helpers import Person, person, run_timers_at, ws_url
from tests.integration.reservation_fixtures import clock, cst
from tests.integration.test_queue import booth_with, problem_code

Client = TestClient[Any, Any]
__all__ = ["clock"]  # Monday 6 July 2020, 08:00 Beijing time
MONDAY, TUESDAY = date(2020, 7, 6), date(2020, 7, 7)
WEEKDAYS = [{"weekday": d, "start": "09:00", "end": "12:00"} for d in range(1, 6)]


async def hours_booth(client: Client, staff: Person) -> UUID:
    """An approved booth open Monday–Friday 09:00–12:00, staffed by ``staff``."""
    booth = await booth_with(client, [staff])
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        await conn.execute("UPDATE booths SET hours = $2 WHERE id = $1", booth, WEEKDAYS)
    return booth


async def follow(who: Person, booth: UUID, on: bool = True) -> Any:
    return await who.put(f"/api/booths/{booth}/follow-hours", {"follow_hours": on})


async def open_at_nine(client: Client, clock: FakeClock, email: str) -> tuple[Person, UUID]:
    """Staff signed up as ``email`` and their :func:`hours_booth`, following its hours
    since 08:00 Monday, and the clock at 09:00: the line opened by itself."""
    recruiter = await person(client, email)
    booth = await hours_booth(client, recruiter)
    assert (await follow(recruiter, booth)).status == 204
    await run_timers_at(client, clock, cst(MONDAY, 9))
    return recruiter, booth


async def line(client: Client, booth: UUID) -> tuple[str | None, bool | None]:
    """The line's status and whether it follows the hours (None: no row yet)."""
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        row = await conn.fetchrow(
            "SELECT status, follow_hours FROM booth_queues WHERE booth_id = $1", booth
        )
    return (row["status"], row["follow_hours"]) if row else (None, None)


async def booth_of(client: Client, booth: UUID) -> tuple[UUID, UUID]:
    """The booth's employer and venue."""
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        row = await conn.fetchrow("SELECT employer_id, venue_id FROM booths WHERE id = $1", booth)
    return row["employer_id"], row["venue_id"]


async def hours_timer(client: Client, booth: UUID) -> datetime | None:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        due: datetime | None = await conn.fetchval(
            "SELECT due_at FROM timers WHERE key = $1", f"queue.hours:{booth}"
        )
    return due


async def test_the_line_opens_at_nine_and_closes_at_noon(client: Client, clock: FakeClock) -> None:
    recruiter = await person(client, "hr1@example.org")
    booth = await hours_booth(client, recruiter)
    assert (await follow(recruiter, booth)).status == 204
    assert await line(client, booth) == ("closed", True)  # 08:00: not open yet
    assert await hours_timer(client, booth) == cst(MONDAY, 9)

    await run_timers_at(client, clock, cst(MONDAY, 9))
    assert await line(client, booth) == ("open", True)
    candidate = await person(client, "hc1@example.org")
    joined = await candidate.post(f"/api/booths/{booth}/tickets")
    assert joined.status == 201, await joined.text()
    ticket = await joined.json()
    assert await hours_timer(client, booth) == cst(MONDAY, 12)

    await run_timers_at(client, clock, cst(MONDAY, 12))
    assert await line(client, booth) == ("closed", True)
    late = await person(client, "hc2@example.org")
    refused = await late.post(f"/api/booths/{booth}/tickets")
    assert await problem_code(refused, 409) == "queue.closed"
    mine = await (await candidate.get("/api/me/tickets")).json()
    assert [(t["id"], t["state"]) for t in mine["items"]] == [(ticket["id"], "waiting")]
    assert await hours_timer(client, booth) == cst(TUESDAY, 9)


async def test_staff_may_pause_between_boundaries_and_the_next_one_decides(
    client: Client, clock: FakeClock
) -> None:
    recruiter, booth = await open_at_nine(client, clock, "hr2@example.org")
    paused = await recruiter.put(f"/api/booths/{booth}/queue-status", {"status": "paused"})
    assert paused.status == 204
    await run_timers_at(client, clock, cst(MONDAY, 11))
    assert await line(client, booth) == ("paused", True)
    await run_timers_at(client, clock, cst(MONDAY, 12))
    assert await line(client, booth) == ("closed", True)


async def test_changing_the_hours_applies_them_at_once(client: Client, clock: FakeClock) -> None:
    recruiter = await person(client, "hr3@example.org")
    booth = await hours_booth(client, recruiter)
    await follow(recruiter, booth)
    organiser = await person(client, "horg@example.org")
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        fair = await conn.fetchval("SELECT fair_id FROM booths WHERE id = $1", booth)
    await organiser.grant(Role.ORGANISER, fair)
    early = [{"weekday": d, "start": "07:30", "end": "10:00"} for d in range(1, 6)]
    edited = await organiser.patch(f"/api/booths/{booth}", {"hours": early})
    assert edited.status == 200, await edited.text()
    assert await hours_timer(client, booth) == clock.now()  # moved from 09:00 to now

    await run_timers_at(client, clock, clock.now())
    assert await line(client, booth) == ("open", True)  # 08:00 is within the new hours
    assert await hours_timer(client, booth) == cst(MONDAY, 10)


async def test_turning_it_off_cancels_the_timer_and_keeps_the_status(
    client: Client, clock: FakeClock
) -> None:
    recruiter, booth = await open_at_nine(client, clock, "hr4@example.org")
    assert (await follow(recruiter, booth, False)).status == 204
    assert await hours_timer(client, booth) is None
    await run_timers_at(client, clock, cst(MONDAY, 12))
    assert await line(client, booth) == ("open", False)  # staff run it by hand again


async def test_staff_see_the_flag_in_the_snapshot_and_live(client: Client) -> None:
    recruiter = await person(client, "hr5@example.org")
    booth = await hours_booth(client, recruiter)
    async with StreamClient(ws_url(client), token=recruiter.token) as console:
        await console.subscribe(f"booth:{booth}:staff")
        assert (await console.next_op("snapshot"))["data"]["follow_hours"] is False
        await follow(recruiter, booth)
        while (event := await console.next_op("event"))["type"] != "queue.follow_hours":
            pass
        assert event["data"] == {"follow": True}
    async with StreamClient(ws_url(client), token=recruiter.token) as console:
        await console.subscribe(f"booth:{booth}:staff")
        assert (await console.next_op("snapshot"))["data"]["follow_hours"] is True


async def test_refusals_change_nothing(client: Client) -> None:
    recruiter = await person(client, "hr6@example.org")
    stranger = await person(client, "hs6@example.org")
    booth = await hours_booth(client, recruiter)
    assert await problem_code(await follow(stranger, booth), 403) == "auth.forbidden"
    anonymous = await client.put(f"/api/booths/{booth}/follow-hours", json={"follow_hours": True})
    assert anonymous.status == 401
    for body in ({"follow_hours": "yes"}, {}, {"follow_hours": True, "more": 1}):
        bad = await recruiter.put(f"/api/booths/{booth}/follow-hours", body)
        assert await problem_code(bad, 422) == "request.invalid"
    missing = await follow(recruiter, UUID(int=7))
    assert await problem_code(missing, 404) == "booth.not_found"
    assert await line(client, booth) in ((None, None), ("closed", False))
    assert await hours_timer(client, booth) is None


async def test_a_closed_booths_line_closes_and_nothing_opens_it(
    client: Client, clock: FakeClock
) -> None:
    """Withdrawing a booth closes its line at once; while the booth is closed neither its
    hours nor its staff open it; reopened by the venue, the line takes its hours again."""
    recruiter, booth = await open_at_nine(client, clock, "closing@example.org")
    assert await line(client, booth) == ("open", True)
    employer, venue = await booth_of(client, booth)
    await recruiter.grant(Role.EMPLOYER_ADMIN, employer)
    closed = await recruiter.patch(f"/api/booths/{booth}", {"status": "closed"})
    assert closed.status == 200, await closed.text()
    await run_timers_at(client, clock, cst(MONDAY, 9, 1))
    assert await line(client, booth) == ("closed", True)

    await run_timers_at(client, clock, cst(TUESDAY, 9, 30))  # within Tuesday's opening
    assert await line(client, booth) == ("closed", True)
    for status in ("open", "paused"):
        refused = await recruiter.put(f"/api/booths/{booth}/queue-status", json={"status": status})
        assert await problem_code(refused, 409) == "booth.closed"
    assert await line(client, booth) == ("closed", True)

    venue_admin = await person(client, "venue-admin@example.org")
    await venue_admin.grant(Role.VENUE_ADMIN, venue)
    reopened = await venue_admin.post(f"/api/booths/{booth}/approval", {"approved": True})
    assert reopened.status == 200, await reopened.text()
    await run_timers_at(client, clock, cst(TUESDAY, 9, 31))
    assert await line(client, booth) == ("open", True)
