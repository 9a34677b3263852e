"""Booth queues over HTTP and the event stream: join, call, accept, decline, limits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any
from uuid import UUID

from aiohttp.test_utils import TestClient

from server.appkeys import GATEWAY, POOL, TIMERS
from server.realtime.client import StreamClient
from server.timers import FakeClock, TimerRunner
from tests.helpers import Person, a_booth, person, run_timers_at, ws_url

Client = TestClient[Any, Any]


async def problem_code(response: Any, status: int) -> str:
    assert response.status == status, await response.text()
    code: str = (await response.json(content_type=None))["code"]
    return code


async def booth_with(client: Client, staff: list[Person], **kwargs: Any) -> UUID:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        return await a_booth(conn, [s.account_id for s in staff], **kwargs)


@asynccontextmanager
async def on_duty(client: Client, recruiter: Person, booth: UUID) -> AsyncIterator[StreamClient]:
    """A recruiter with the booth console open (on the staff topic) and available."""
    async with StreamClient(ws_url(client), token=recruiter.token) as console:
        await console.subscribe(f"booth:{booth}:staff")
        await console.next_op("subscribed")
        response = await recruiter.put(
            f"/api/booths/{booth}/staff-status", json={"status": "available"}
        )
        assert response.status == 204, await response.text()
        yield console


async def open_line(recruiter: Person, booth: UUID) -> None:
    response = await recruiter.put(f"/api/booths/{booth}/queue-status", json={"status": "open"})
    assert response.status == 204, await response.text()


async def test_a_candidate_joins_and_learns_only_their_own_token(client: Client) -> None:
    recruiter = await person(client, "r1@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    first = await person(client, "c1@example.org")
    second = await person(client, "c2@example.org")
    async with (
        StreamClient(ws_url(client)) as public,
        StreamClient(ws_url(client), token=second.token) as mine,
    ):
        await public.subscribe(f"booth:{booth}")
        assert (await public.next_op("snapshot"))["data"]["line"] == []
        await mine.subscribe("me")
        await mine.next_op("subscribed")
        one = await (await first.post(f"/api/booths/{booth}/tickets")).json()
        two_response = await second.post(f"/api/booths/{booth}/tickets")
        assert two_response.status == 201
        two = await two_response.json()
        joined = [await public.next_op("event") for _ in range(2)]
        assert [(e["type"], e["data"]) for e in joined if e["type"] == "queue.joined"] == [
            ("queue.joined", {"token": one["token"], "after": None}),
            ("queue.joined", {"token": two["token"], "after": one["token"]}),
        ]
        update = await mine.next_op("event")
        assert update["data"]["ticket"]["token"] == two["token"]
        assert one["token"] not in str(update)
    tickets = await (await second.get("/api/me/tickets")).json()
    assert [t["token"] for t in tickets["items"]] == [two["token"]]


async def test_call_accept_complete_moves_the_ticket_and_the_staff(client: Client) -> None:
    recruiter = await person(client, "r2@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    candidate = await person(client, "c3@example.org")
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    async with on_duty(client, recruiter, booth) as console:
        called = await recruiter.post(f"/api/booths/{booth}/call-next")
        assert called.status == 200
        body = await called.json()
        assert body["ticket_id"] == ticket["id"]
        assert body["ring_until"] is not None
        again = await recruiter.post(f"/api/booths/{booth}/call-next")
        assert await problem_code(again, 409) == "queue.staff_busy"
        accepted = await candidate.post(f"/api/tickets/{ticket['id']}/accept")
        assert (await accepted.json())["state"] == "in_interview"
        done = await recruiter.post(f"/api/tickets/{ticket['id']}/complete")
        assert (await done.json())["state"] == "done"
        statuses = []
        while len(statuses) < 3:
            frame = await console.next_op("event")
            if frame["type"] == "staff.status":
                statuses.append(frame["data"]["status"])
        assert statuses == ["available", "in_call", "available"]
    mine = await (await candidate.get("/api/me/tickets")).json()
    assert mine["items"] == []


async def test_two_recruiters_calling_at_once_never_call_anyone_twice(client: Client) -> None:
    recruiters = [await person(client, f"r-many-{i}@example.org") for i in range(4)]
    booth = await booth_with(client, recruiters)
    await open_line(recruiters[0], booth)
    candidates = [await person(client, f"c-many-{i}@example.org") for i in range(3)]
    for c in candidates:
        assert (await c.post(f"/api/booths/{booth}/tickets")).status == 201
    consoles = [on_duty(client, r, booth) for r in recruiters]
    entered = [await cm.__aenter__() for cm in consoles]
    try:
        results = await asyncio.gather(
            *(r.post(f"/api/booths/{booth}/call-next") for r in recruiters)
        )
        bodies = [await r.json(content_type=None) for r in results]
    finally:
        for cm in consoles:
            await cm.__aexit__(None, None, None)
    assert len(entered) == 4
    called = [b["candidate_id"] for b in bodies if "candidate_id" in b]
    assert sorted(called) == sorted(str(c.account_id) for c in candidates)
    assert [b["code"] for b in bodies if "code" in b] == ["queue.empty"]


async def test_a_candidate_called_at_one_booth_is_skipped_but_kept_at_another(
    client: Client,
) -> None:
    ra, rb = await person(client, "ra@example.org"), await person(client, "rb@example.org")
    booth_a, booth_b = await booth_with(client, [ra]), await booth_with(client, [rb])
    await open_line(ra, booth_a)
    await open_line(rb, booth_b)
    busy = await person(client, "busy@example.org")
    other = await person(client, "other@example.org")
    await busy.post(f"/api/booths/{booth_a}/tickets")
    ticket_b = await (await busy.post(f"/api/booths/{booth_b}/tickets")).json()
    await other.post(f"/api/booths/{booth_b}/tickets")
    async with (
        StreamClient(ws_url(client)) as public_b,
        on_duty(client, ra, booth_a),
        on_duty(client, rb, booth_b),
    ):
        await public_b.subscribe(f"booth:{booth_b}")
        await public_b.next_op("subscribed")
        assert (await ra.post(f"/api/booths/{booth_a}/call-next")).status == 200
        flag = await public_b.next_op("event")
        assert (flag["type"], flag["data"]) == (
            "queue.busy",
            {"token": ticket_b["token"], "busy": True},
        )
        at_b = await (await rb.post(f"/api/booths/{booth_b}/call-next")).json()
        assert at_b["candidate_id"] == str(other.account_id)  # the busy one keeps their place
    mine = await (await busy.get("/api/me/tickets")).json()
    by_booth = {t["booth_id"]: t["state"] for t in mine["items"]}
    assert by_booth[str(booth_a)] == "called"
    assert by_booth[str(booth_b)] in ("waiting", "notified")  # still in line at B


async def test_a_decline_keeps_the_place_and_the_second_pass_ends_the_ticket(
    client: Client,
) -> None:
    recruiter = await person(client, "r3@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    first = await person(client, "c4@example.org")
    second = await person(client, "c5@example.org")
    t1 = await (await first.post(f"/api/booths/{booth}/tickets")).json()
    await second.post(f"/api/booths/{booth}/tickets")
    async with on_duty(client, recruiter, booth):
        await recruiter.post(f"/api/booths/{booth}/call-next")
        declined = await (await first.post(f"/api/tickets/{t1['id']}/decline")).json()
        assert (declined["state"], declined["passes"]) == ("waiting", 1)
        again = await (await recruiter.post(f"/api/booths/{booth}/call-next")).json()
        assert again["ticket_id"] == t1["id"]  # still first in line
        ended = await (await first.post(f"/api/tickets/{t1['id']}/decline")).json()
        assert (ended["state"], ended["passes"]) == ("expired", 2)


async def test_an_unanswered_call_times_out_by_the_durable_timer(
    client: Client, clock: FakeClock
) -> None:
    recruiter = await person(client, "r4@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    candidate = await person(client, "c6@example.org")
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    app = client.app
    assert app is not None
    runner = TimerRunner(app[POOL], app[TIMERS], clock)
    async with (
        StreamClient(ws_url(client), token=candidate.token) as mine,
        on_duty(client, recruiter, booth),
    ):
        await mine.subscribe("me")
        await mine.next_op("subscribed")
        await recruiter.post(f"/api/booths/{booth}/call-next")
        clock.advance(timedelta(seconds=44))
        await runner.run_due()
        assert (await (await candidate.get("/api/me/tickets")).json())["items"][0]["state"] == (
            "called"
        )
        clock.advance(timedelta(seconds=2))
        while await runner.run_due():
            pass
        while True:  # the candidate is told on their stream: back in line, one pass
            update = (await mine.next_op("event"))["data"]["ticket"]
            if update["passes"] == 1:
                break
        assert update["state"] in ("waiting", "notified")
    now = (await (await candidate.get("/api/me/tickets")).json())["items"][0]
    assert (now["id"], now["passes"]) == (ticket["id"], 1)
    assert now["state"] in ("waiting", "notified")  # first again, so "get ready" at once


async def test_bad_requests_change_nothing_and_say_why(client: Client) -> None:
    recruiter = await person(client, "r5@example.org")
    booth = await booth_with(client, [recruiter], capacity=1)
    candidate = await person(client, "c7@example.org")
    stranger = await person(client, "c8@example.org")
    closed = await candidate.post(f"/api/booths/{booth}/tickets")
    assert await problem_code(closed, 409) == "queue.closed"
    await open_line(recruiter, booth)
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    twice = await candidate.post(f"/api/booths/{booth}/tickets")
    assert await problem_code(twice, 409) == "queue.already_joined"
    full = await stranger.post(f"/api/booths/{booth}/tickets")
    assert await problem_code(full, 409) == "queue.full"
    assert "wait" in await full.json(content_type=None)
    foreign = await stranger.post(f"/api/tickets/{ticket['id']}/accept")
    assert await problem_code(foreign, 404) == "ticket.not_found"
    not_called = await candidate.post(f"/api/tickets/{ticket['id']}/accept")
    assert await problem_code(not_called, 409) == "queue.wrong_state"
    outsider = await stranger.post(f"/api/booths/{booth}/call-next")
    assert await problem_code(outsider, 403) == "auth.forbidden"
    absent = await recruiter.put(f"/api/booths/{booth}/staff-status", json={"status": "available"})
    assert await problem_code(absent, 409) == "queue.not_present"
    unknown = await candidate.post(f"/api/booths/{UUID(int=7)}/tickets")
    assert await problem_code(unknown, 404) == "booth.not_found"
    garbage = await candidate.post("/api/tickets/not-a-ticket/accept")
    assert await problem_code(garbage, 404) == "ticket.not_found"
    anonymous = await client.post(f"/api/booths/{booth}/tickets")
    assert await problem_code(anonymous, 401) == "auth.required"
    mine = await (await candidate.get("/api/me/tickets")).json()
    assert [(t["id"], t["state"]) for t in mine["items"]] == [(ticket["id"], "waiting")]


async def test_a_paused_recruiter_is_told_to_be_available_not_that_the_ticket_is_wrong(
    client: Client,
) -> None:
    recruiter = await person(client, "paused@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    candidate = await person(client, "waits@example.org")
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    async with on_duty(client, recruiter, booth):
        paused = await recruiter.put(f"/api/booths/{booth}/staff-status", json={"status": "paused"})
        assert paused.status == 204, await paused.text()
        for path in (f"/api/booths/{booth}/call-next", f"/api/tickets/{ticket['id']}/call"):
            refused = await recruiter.post(path)
            assert await problem_code(refused, 409) == "queue.not_available", path
            assert (await refused.json(content_type=None))["staff_status"] == "paused"
    mine = await (await candidate.get("/api/me/tickets")).json()
    assert [t["state"] for t in mine["items"]] == ["notified"]  # still in line, not called


async def test_the_per_fair_limit_of_lines_holds(client: Client) -> None:
    recruiter = await person(client, "r6@example.org")
    booths = [await booth_with(client, [recruiter]) for _ in range(4)]
    for booth in booths:
        await open_line(recruiter, booth)
    candidate = await person(client, "c9@example.org")
    statuses = [(await candidate.post(f"/api/booths/{b}/tickets")).status for b in booths[:3]]
    assert statuses == [201, 201, 201]
    fourth = await candidate.post(f"/api/booths/{booths[3]}/tickets")
    assert await problem_code(fourth, 409) == "queue.limit"


async def test_a_watcher_is_told_when_a_full_line_has_room(client: Client) -> None:
    recruiter = await person(client, "r7@example.org")
    booth = await booth_with(client, [recruiter], capacity=1)
    await open_line(recruiter, booth)
    holder = await person(client, "c10@example.org")
    watcher = await person(client, "c11@example.org")
    ticket = await (await holder.post(f"/api/booths/{booth}/tickets")).json()
    assert (await watcher.post(f"/api/booths/{booth}/watch")).status == 204
    assert (await holder.delete(f"/api/tickets/{ticket['id']}")).status == 204
    inbox = await (await watcher.get("/api/me/notifications")).json()
    assert [n["kind"] for n in inbox["items"]] == ["queue.room"]
    assert inbox["items"][0]["data"] == {"booth_id": str(booth)}


async def test_a_recruiter_who_closes_the_console_goes_offline_after_the_grace_only(
    client: Client, clock: FakeClock
) -> None:
    """A reload or a look at another tab keeps a recruiter's status; a console closed
    for longer than the staff grace period (60 s) takes them offline."""
    recruiter = await person(client, "r8@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    app = client.app
    assert app is not None
    runner = TimerRunner(app[POOL], app[TIMERS], clock)

    async def status_after_timers(seconds: float) -> str:
        clock.advance(timedelta(seconds=seconds))
        await runner.run_due()
        async with app[POOL].acquire() as conn:
            found: str = await conn.fetchval(
                "SELECT status FROM staff_status WHERE booth_id = $1", booth
            )
        return found

    async def closed_console_waits() -> None:  # the gateway tells the service in a task
        for _ in range(100):
            async with app[POOL].acquire() as conn:
                if await conn.fetchval("SELECT 1 FROM timers WHERE kind = 'queue.staff_away'"):
                    return
            await asyncio.sleep(0.02)
        raise AssertionError("closing the console scheduled no check")

    async with on_duty(client, recruiter, booth):
        pass  # the console closes here (a reload, say)
    await closed_console_waits()
    async with StreamClient(ws_url(client), token=recruiter.token) as console:
        await console.subscribe(f"booth:{booth}:staff")
        await console.next_op("subscribed")  # back within the grace period
        assert await status_after_timers(61) == "available"
    await closed_console_waits()
    assert await status_after_timers(59) == "available"  # still within the grace
    assert await status_after_timers(2) == "offline"
    refused = await recruiter.post(f"/api/booths/{booth}/call-next")
    assert await problem_code(refused, 409) == "queue.not_available"


async def counted(client: Client) -> None:
    """One presence tick, as the node runs every second: what a console open for more
    than a second looks like (its member is in the totals this node shares)."""
    app = client.app
    assert app is not None
    await app[GATEWAY].presence.tick(lambda _topic, _count: None)


async def my_status(recruiter: Person, booth: UUID) -> str:
    """The recruiter's own status at the booth, as ``getMyBooths`` tells them."""
    mine = await (await recruiter.get("/api/me/booths")).json()
    found: str = next(b["my_status"] for b in mine["items"] if b["id"] == str(booth))
    return found


async def check_scheduled(client: Client) -> None:
    """Wait for the gateway's gone hook (it runs in a task) to schedule the check."""
    app = client.app
    assert app is not None
    for _ in range(100):
        async with app[POOL].acquire() as conn:
            if await conn.fetchval("SELECT 1 FROM timers WHERE kind = 'queue.staff_away'"):
                return
        await asyncio.sleep(0.02)
    raise AssertionError("closing the console scheduled no check")


async def test_a_console_counted_in_presence_then_closed_leaves_nobody_serving(
    client: Client, clock: FakeClock
) -> None:
    """The console was open long enough for presence to count it (any real console),
    the recruiter was available, the browser closed: after the staff grace they are
    offline, the line's wait table goes, and a new candidate is not told "get ready"."""
    recruiter = await person(client, "r8b@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    first = await person(client, "c8b@example.org")
    await first.post(f"/api/booths/{booth}/tickets")
    async with StreamClient(ws_url(client)) as public:
        await public.subscribe(f"booth:{booth}")
        await public.next_op("subscribed")
        async with on_duty(client, recruiter, booth):
            await counted(client)
            while (serving := await public.next_op("event"))["type"] != "queue.eta":
                pass
            assert serving["data"]["table"] is not None  # someone serving: an estimate
        await check_scheduled(client)
        await run_timers_at(client, clock, clock.now() + timedelta(seconds=59))
        assert await my_status(recruiter, booth) == "available"  # within the grace
        await run_timers_at(client, clock, clock.now() + timedelta(seconds=2))
        assert await my_status(recruiter, booth) == "offline"
        while True:
            event = await public.next_op("event")
            if event["type"] == "queue.eta":
                break
        assert event["data"] == {"table": None}  # nobody serving: no estimate
    second = await person(client, "c8c@example.org")
    joined = await (await second.post(f"/api/booths/{booth}/tickets")).json()
    assert (joined["state"], joined["wait"]) == ("waiting", None)


async def test_a_recruiter_who_leaves_during_a_call_goes_offline_after_it_ends(
    client: Client, clock: FakeClock
) -> None:
    """The browser closes while a call rings: the call keeps them in_call; when it ends
    unanswered they are available again, and offline once the grace has passed since."""
    recruiter = await person(client, "r8d@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    candidate = await person(client, "c8d@example.org")
    await candidate.post(f"/api/booths/{booth}/tickets")
    async with on_duty(client, recruiter, booth):
        await counted(client)
        assert (await recruiter.post(f"/api/booths/{booth}/call-next")).status == 200
    await check_scheduled(client)
    # the call rang out: available again
    await run_timers_at(client, clock, clock.now() + timedelta(seconds=46))
    assert await my_status(recruiter, booth) == "available"
    # gone 61 s, but available for 15 s only
    await run_timers_at(client, clock, clock.now() + timedelta(seconds=15))
    assert await my_status(recruiter, booth) == "available"
    await run_timers_at(client, clock, clock.now() + timedelta(seconds=44))
    assert await my_status(recruiter, booth) == "available"  # 59 s since the call ended
    await run_timers_at(client, clock, clock.now() + timedelta(seconds=2))
    assert await my_status(recruiter, booth) == "offline"


async def test_a_declined_call_moves_the_ticket_back_in_place_on_the_public_topic(
    client: Client,
) -> None:
    recruiter = await person(client, "r9@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    first = await person(client, "c12@example.org")
    second = await person(client, "c13@example.org")
    t1 = await (await first.post(f"/api/booths/{booth}/tickets")).json()
    t2 = await (await second.post(f"/api/booths/{booth}/tickets")).json()
    async with on_duty(client, recruiter, booth), StreamClient(ws_url(client)) as public:
        await public.subscribe(f"booth:{booth}")
        line = (await public.next_op("snapshot"))["data"]["line"]
        assert [e["token"] for e in line] == [t1["token"], t2["token"]]
        await recruiter.post(f"/api/booths/{booth}/call-next")
        await first.post(f"/api/tickets/{t1['id']}/decline")
        seen = []
        while not any(t == "queue.moved" for t, _ in seen):
            event = await public.next_op("event")
            seen.append((event["type"], event["data"]))
    line_events = [(t, d) for t, d in seen if t in ("queue.joined", "queue.moved", "queue.removed")]
    assert line_events == [
        ("queue.removed", {"token": t1["token"]}),
        ("queue.moved", {"token": t1["token"], "after": None}),  # first again, not a new join
    ]


async def test_a_reconnecting_candidate_gets_tickets_places_and_waits_in_the_me_snapshot(
    client: Client,
) -> None:
    recruiter = await person(client, "r10@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    first = await person(client, "c14@example.org")
    second = await person(client, "c15@example.org")
    await first.post(f"/api/booths/{booth}/tickets")
    mine = await (await second.post(f"/api/booths/{booth}/tickets")).json()
    async with on_duty(client, recruiter, booth):
        async with StreamClient(ws_url(client), token=second.token) as stream:
            await stream.subscribe("me")
            snapshot = (await stream.next_op("snapshot"))["data"]
        (ticket,) = snapshot["tickets"]
        assert (ticket["id"], ticket["token"], ticket["position"]) == (
            mine["id"],
            mine["token"],
            1,
        )
        low, high = ticket["wait"]  # someone is serving: an estimate, not a blank
        assert 0 <= low < high
    async with StreamClient(ws_url(client), token=recruiter.token) as other:
        await other.subscribe("me")
        assert (await other.next_op("snapshot"))["data"]["tickets"] == []


async def test_every_view_of_a_change_has_one_version_and_a_later_change_a_higher_one(
    client: Client, clock: FakeClock
) -> None:
    """The page keeps the newest view of a ticket by its version: an HTTP answer that
    arrives after a later event on ``me`` must not turn the ticket back (seen as a lost
    "get ready" alert when the answer to join came after ``notified``)."""
    recruiter = await person(client, "r-version@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    candidate = await person(client, "c-version@example.org")
    async with StreamClient(ws_url(client), token=candidate.token) as mine:
        await mine.subscribe("me")
        await mine.next_op("subscribed")
        joined = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
        event = await mine.next_op("event")
        assert event["type"] == "ticket.updated"
        assert event["data"]["ticket"]["state"] == "waiting"
        assert event["data"]["ticket"]["version"] == joined["version"]
        listed = (await (await candidate.get("/api/me/tickets")).json())["items"]
        assert [t["version"] for t in listed] == [joined["version"]]

        clock.advance(timedelta(seconds=5))
        async with on_duty(client, recruiter, booth):
            called = await recruiter.post(f"/api/booths/{booth}/call-next")
            assert called.status == 200, await called.text()
            states: dict[str, int] = {}
            while "called" not in states:
                frame = await mine.next_op("event")
                if frame["type"] == "ticket.updated":
                    ticket = frame["data"]["ticket"]
                    states[ticket["state"]] = ticket["version"]
        assert states["called"] >= joined["version"] + 5_000_000
        assert all(v >= joined["version"] for v in states.values())
