"""The programme's timers with a fake clock: lobbies open, reminders fire once, sessions
left open end, deadlines remind the provinces still owing, and a second node takes over."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from server.appkeys import POOL, TIMERS
from server.store import db
from server.timers import FakeClock, TimerRunner
from tests.helpers import Person, a_booth, quick_person
from tests.integration.test_programme import July, clock, cst, july_fair

Client = TestClient[Any, Any]
__all__ = ["clock"]  # the module's FakeClock fixture: 15 June 2020


def runner(client: Client, clock: FakeClock) -> TimerRunner:
    app = client.app
    assert app is not None
    return TimerRunner(app[POOL], app[TIMERS], clock)


async def run_at(client: Client, clock: FakeClock, at: datetime) -> int:
    """Move the clock to ``at`` and run every timer due by then."""
    if at > clock.now():
        clock.advance(at - clock.now())
    settled = 0
    while (batch := await runner(client, clock).run_due()) > 0:
        settled += batch
    return settled


async def state_of(client: Client, session_id: str) -> str:
    response = await client.get(f"/api/featured-sessions/{session_id}")
    state: str = (await response.json())["state"]
    return state


async def kinds(person: Person) -> list[str]:
    body = await (await person.get("/api/me/notifications")).json()
    return sorted(n["kind"] for n in body["items"])


async def published(july: July, **fields: Any) -> dict[str, Any]:
    """Beijing's week-2 session, placed Wednesday 8 July 10:00–11:30 and published."""
    session = await july.approved(
        "110000", preferred_times=[cst(2020, 7, 8, 10).isoformat()], **fields
    )
    await july.plan()
    await july.publish()
    return session


async def test_the_lobby_opens_fifteen_minutes_ahead_and_a_session_left_open_is_ended(
    client: Client, clock: FakeClock
) -> None:
    july = await july_fair(client)
    host = await quick_person(client, "host@example.org", "王芳")
    session = await published(july, hosts=[str(host.account_id)])
    await run_at(client, clock, cst(2020, 7, 8, 9, 44))
    assert await state_of(client, session["id"]) == "scheduled"
    await run_at(client, clock, cst(2020, 7, 8, 9, 45))
    assert await state_of(client, session["id"]) == "lobby"
    assert "programme.lobby_open" in await kinds(host)
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:  # the host goes live (the broadcast part's job)
        await conn.execute(
            "UPDATE featured_sessions SET state = 'live' WHERE id = $1", session["id"]
        )
    await run_at(client, clock, cst(2020, 7, 8, 11, 44))
    assert await state_of(client, session["id"]) == "live"
    await run_at(client, clock, cst(2020, 7, 8, 11, 45))  # end + 15 min grace
    assert await state_of(client, session["id"]) == "ended"


async def test_followers_get_each_reminder_once(client: Client, clock: FakeClock) -> None:
    july = await july_fair(client)
    session = await published(july)
    fans = [await quick_person(client, f"fan{i}@example.org", "观众") for i in range(3)]
    for fan in fans:
        assert (await fan.put(f"/api/featured-sessions/{session['id']}/follow")).status == 204
    await run_at(client, clock, cst(2020, 7, 7, 10))  # a day ahead
    await run_at(client, clock, cst(2020, 7, 7, 10, 30))
    for fan in fans:
        assert await kinds(fan) == ["programme.reminder"]
    await run_at(client, clock, cst(2020, 7, 8, 9, 45))  # fifteen minutes ahead
    await run_at(client, clock, cst(2020, 7, 8, 12))
    for fan in fans:
        body = await (await fan.get("/api/me/notifications")).json()
        assert sorted(n["data"]["lead"] for n in body["items"]) == ["15m", "1d"]


async def test_a_reminder_is_skipped_once_the_session_has_started(
    client: Client, clock: FakeClock
) -> None:
    july = await july_fair(client)
    session = await published(july)
    fan = await quick_person(client, "late-fan@example.org", "观众")
    await fan.put(f"/api/featured-sessions/{session['id']}/follow")
    # The node was down from before the 1-day reminder until after the start.
    await run_at(client, clock, cst(2020, 7, 8, 10, 5))
    assert await kinds(fan) == []


async def test_a_lobby_missed_by_more_than_ten_minutes_is_reported_not_opened(
    client: Client, clock: FakeClock
) -> None:
    july = await july_fair(client)
    session = await published(july)
    await run_at(client, clock, cst(2020, 7, 8, 9, 56))  # due 9:45, 11 minutes late
    assert await state_of(client, session["id"]) == "scheduled"
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        report = await conn.fetchrow("SELECT kind, key FROM timer_reports")
    assert report is not None
    assert report["kind"] == "session.open_lobby"
    await run_at(client, clock, cst(2020, 7, 8, 11, 45))
    assert await state_of(client, session["id"]) == "ended"


async def test_one_timer_per_deadline_reminds_only_the_provinces_still_owing(
    client: Client, clock: FakeClock
) -> None:
    july = await july_fair(client)
    app = client.app
    assert app is not None
    from server.api.programme import PROGRAMME

    async with app[POOL].acquire() as conn, conn.transaction():
        created = await app[PROGRAMME].ensure_deadline_timers(conn, july.fair)
        again = await app[PROGRAMME].ensure_deadline_timers(conn, july.fair)
        keys = await conn.fetch(
            "SELECT key FROM timers WHERE kind = 'submission.reminder' ORDER BY due_at"
        )
    assert (created, again) == (5, 0)
    assert len(keys) == 5
    await july.submitted("110000", week=1)
    await run_at(client, clock, cst(2020, 6, 19))  # 24 h before the end of 19 June
    assert await kinds(july.admins["110000"]) == []
    for code in ("120000", "130000", "420000"):
        assert await kinds(july.admins[code]) == ["programme.submission_due"]
    await july.submitted("120000", week=1)
    await run_at(client, clock, cst(2020, 6, 19, 22))  # 2 h before
    assert await kinds(july.admins["120000"]) == ["programme.submission_due"]
    assert await kinds(july.admins["130000"]) == ["programme.submission_due"] * 2
    await run_at(client, clock, cst(2020, 6, 21))
    assert await kinds(july.admins["130000"]) == ["programme.submission_due"] * 2
    async with app[POOL].acquire() as conn:
        left = await conn.fetchval("SELECT count(*) FROM timers WHERE kind = 'submission.reminder'")
    assert left == 4  # weeks 2–5


async def test_participating_booths_open_at_the_start_and_close_at_the_end(
    client: Client, clock: FakeClock
) -> None:
    july = await july_fair(client)
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        booth = await a_booth(conn, [])
    session = await published(july, booths=[str(booth)])

    async def line() -> str:
        async with app[POOL].acquire() as conn:
            status: str | None = await conn.fetchval(
                "SELECT status FROM booth_queues WHERE booth_id = $1", booth
            )
        return status or "closed"

    await run_at(client, clock, cst(2020, 7, 8, 9, 59))
    assert await line() == "closed"
    await run_at(client, clock, cst(2020, 7, 8, 10))
    assert await line() == "open"
    await run_at(client, clock, cst(2020, 7, 8, 11, 30))
    assert await line() == "closed"
    assert session["booths"] == [str(booth)]


async def test_a_node_killed_while_holding_a_timer_is_taken_over_by_the_other(
    client: Client, clock: FakeClock, database_url: str
) -> None:
    july = await july_fair(client)
    session = await published(july)
    clock.advance(cst(2020, 7, 8, 9, 46) - clock.now())
    node_a = await db.connect(database_url)
    tx = node_a.transaction()
    await tx.start()
    claimed = await node_a.fetchval(  # node A claims the lobby timer, then dies mid-run
        "SELECT key FROM timers WHERE kind = 'session.open_lobby' FOR UPDATE SKIP LOCKED"
    )
    assert claimed == f"session.open_lobby:{session['id']}"
    await runner(client, clock).run_due()  # node B skips what A holds
    assert await state_of(client, session["id"]) == "scheduled"
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        await conn.execute("SELECT pg_terminate_backend($1)", node_a.get_server_pid())
    for _ in range(100):  # the server closes A's connection; its locks are released
        if node_a.is_closed():
            break
        await asyncio.sleep(0.05)
    node_a.terminate()
    await runner(client, clock).run_due()
    assert await state_of(client, session["id"]) == "lobby"
    async with app[POOL].acquire() as conn:
        lobbies = await conn.fetchval(
            "SELECT count(*) FROM events WHERE topic = $1 AND type = 'session.state'",
            f"session:{session['id']}",
        )
    assert lobbies == 1
    _ = timedelta
