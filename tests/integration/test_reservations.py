"""Reservations through the API: slots, booking, refusals, the lottery and its wait-list,
bookings turning into priority tickets, and no-shows (docs/reservations.md)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from server.appkeys import POOL
from server.domain.slots import draw, seed_hash
from server.store import db
from server.store import reservations as store
from server.timers import FakeClock
from tests.helpers import quick_person, run_timers_at
from tests.integration.reservation_fixtures import (
    TUESDAY,
    book,
    booking_history,
    booth_at_nine,
    clock,
    cst,
    slots,
    slotted_booth,
)
from tests.integration.test_queue import on_duty, open_line
from tests.plans import generic_plan, rows_read

Client = TestClient[Any, Any]
__all__ = ["clock"]  # Monday 6 July 2020, 08:00 Beijing time


async def code_of(response: Any) -> str:
    assert response.headers["Content-Type"].startswith("application/problem+json")
    code: str = (await response.json())["code"]
    return code


async def state_counts(client: Client) -> dict[str, int]:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        rows = await conn.fetch("SELECT state, count(*) AS n FROM bookings GROUP BY state")
        taken = await conn.fetchval("SELECT coalesce(sum(taken), 0) FROM reservation_slots")
    return {**{r["state"]: r["n"] for r in rows}, "taken": taken}


async def test_a_booth_lists_its_slots_from_its_hours_once_its_staff_turn_reservations_on(
    client: Client,
) -> None:
    staff = await quick_person(client, "res-staff@example.org")
    booth = await slotted_booth(client, staff, buffer_minutes=5)
    listed = await (await staff.get(f"/api/booths/{booth}/slots?date=2020-07-07")).json()
    assert listed["enabled"] is True
    assert listed["date"] == "2020-07-07"
    assert "2020-07-14" in listed["days"]  # every Tuesday of the fair
    starts = [datetime.fromisoformat(s["starts_at"]) for s in listed["items"]]
    # 09:00-11:30 in 15-minute slots with 5 minutes between: 09:00, 09:20, … 11:00.
    assert starts == [cst(TUESDAY, 9) + timedelta(minutes=20 * i) for i in range(7)]
    first = listed["items"][0]
    assert (first["capacity"], first["free"], first["window"], first["mine"]) == (
        2,
        2,
        "open",
        None,
    )
    # Without a date: the next fair day with slots.
    default = await (await staff.get(f"/api/booths/{booth}/slots")).json()
    assert default["date"] == "2020-07-07"


async def test_without_a_date_the_listing_skips_a_day_whose_slots_have_all_started(
    client: Client, clock: FakeClock
) -> None:
    """In the evening of a fair day, a visitor sees the next day's slots, not a day of
    slots that are over; while one of today's is still to start, today's."""
    staff = await quick_person(client, "res-staff-evening@example.org")
    booth = await slotted_booth(client, staff, buffer_minutes=5)
    clock.advance(cst(TUESDAY, 10, 59) - clock.now())  # the last slot starts at 11:00
    assert (await (await staff.get(f"/api/booths/{booth}/slots")).json())["date"] == "2020-07-07"
    clock.advance(timedelta(minutes=1))
    listed = await (await staff.get(f"/api/booths/{booth}/slots")).json()
    assert listed["date"] == "2020-07-14"  # the next Tuesday of the fair
    assert listed["items"][0]["window"] == "not_open"
    # Asked for, the day that is over is still there to read.
    over = await (await staff.get(f"/api/booths/{booth}/slots?date=2020-07-07")).json()
    assert {s["window"] for s in over["items"]} == {"closed"}


async def test_only_booth_staff_change_slot_settings_and_bad_values_are_refused(
    client: Client,
) -> None:
    staff = await quick_person(client, "res-staff2@example.org")
    other = await quick_person(client, "res-other@example.org")
    booth = await slotted_booth(client, staff)
    body = {
        "enabled": True,
        "mode": "lottery",
        "capacity": 3,
        "buffer_minutes": 0,
        "opens_hours": 24,
        "closes_minutes": 60,
        "grace_minutes": 5,
    }
    refused = await other.put(f"/api/booths/{booth}/slot-settings", body)
    assert refused.status == 403
    invalid = await staff.put(f"/api/booths/{booth}/slot-settings", {**body, "capacity": 0})
    assert invalid.status == 422
    assert (await invalid.json())["errors"][0]["pointer"] == "/capacity"
    shown = await (await other.get(f"/api/booths/{booth}/slot-settings")).json()
    assert shown["mode"] == "first_come"  # nothing changed
    assert (await staff.put(f"/api/booths/{booth}/slot-settings", body)).status == 200
    shown = await (await other.get(f"/api/booths/{booth}/slot-settings")).json()
    assert shown == body


async def test_first_come_bookings_take_places_and_every_refusal_has_its_code(
    client: Client, clock: FakeClock
) -> None:
    staff = await quick_person(client, "res-staff3@example.org")
    booth = await slotted_booth(client, staff, capacity=1)
    other_booth = await slotted_booth(client, staff)
    items = await slots(staff, booth)
    nine, nine15 = items[0]["starts_at"], items[1]["starts_at"]
    ann = await quick_person(client, "res-ann@example.org")
    bob = await quick_person(client, "res-bob@example.org")

    booked = await book(ann, booth, nine)
    assert booked.status == 201, await booked.text()
    booking = await booked.json()
    assert booking["state"] == "confirmed"
    before = await state_counts(client)

    assert await code_of(await book(bob, booth, nine)) == "slot.full"
    assert await code_of(await book(ann, booth, nine)) == "booking.exists"
    assert await code_of(await book(ann, booth, nine15)) == "booking.quota_booth"
    assert await code_of(await book(ann, other_booth, nine)) == "booking.overlap"
    off_grid = (datetime.fromisoformat(nine) + timedelta(minutes=7)).isoformat()
    assert await code_of(await book(bob, booth, off_grid)) == "slot.not_found"
    wednesday = cst(date(2020, 7, 8), 9).isoformat()  # no hours on Wednesdays
    assert await code_of(await book(bob, booth, wednesday)) == "slot.not_found"
    too_early = cst(date(2020, 7, 14), 9).isoformat()  # a week ahead: the window is 72 h
    assert await code_of(await book(bob, booth, too_early)) == "slot.window_not_open"
    unknown = await bob.post(
        "/api/booths/00000000-0000-0000-0000-000000000000/bookings", {"starts_at": nine}
    )
    assert await code_of(unknown) == "booth.not_found"
    naive = await book(bob, booth, datetime.fromisoformat(nine).replace(tzinfo=None).isoformat())
    assert naive.status == 422
    anonymous = await client.post(f"/api/booths/{booth}/bookings", json={"starts_at": nine})
    assert await code_of(anonymous) == "auth.required"
    assert await state_counts(client) == before  # no refusal changed anything

    # The listing shows the place taken, and Ann's own booking.
    first = (await slots(ann, booth))[0]
    assert (first["taken"], first["free"]) == (1, 0)
    assert first["mine"]["booking_id"] == booking["id"]
    assert (await slots(bob, booth))[0]["mine"] is None

    # Cancelling frees the place; a cancelled booking cannot be cancelled again.
    assert await code_of(await bob.delete(f"/api/bookings/{booking['id']}")) == "booking.not_found"
    cancelled = await ann.delete(f"/api/bookings/{booking['id']}")
    assert (await cancelled.json())["state"] == "cancelled"
    assert await code_of(await ann.delete(f"/api/bookings/{booking['id']}")) == (
        "booking.not_cancellable"
    )
    assert (await book(bob, booth, nine)).status == 201

    # The window closes 30 minutes before the slot.
    clock.advance(cst(TUESDAY, 8, 45) - clock.now())
    assert await code_of(await book(ann, booth, nine15)) == "slot.window_closed"
    # A booth that turns reservations off takes no new bookings.
    settings = await (await staff.get(f"/api/booths/{booth}/slot-settings")).json()
    await staff.put(f"/api/booths/{booth}/slot-settings", {**settings, "enabled": False})
    later = (await slots(ann, booth))[-1]["starts_at"]
    assert await code_of(await book(ann, booth, later)) == "slot.reservations_off"


async def test_the_per_day_quota_counts_bookings_at_every_booth(client: Client) -> None:
    staff = await quick_person(client, "res-staff4@example.org")
    booths = [await slotted_booth(client, staff) for _ in range(4)]
    ann = await quick_person(client, "res-ann4@example.org")
    for i, booth in enumerate(booths[:3]):
        starts = (await slots(ann, booth))[i]["starts_at"]  # 09:00, 09:15, 09:30
        assert (await book(ann, booth, starts)).status == 201
    fourth = (await slots(ann, booths[3]))[5]["starts_at"]
    assert await code_of(await book(ann, booths[3], fourth)) == "booking.quota_day"
    mine = await (await ann.get("/api/me/bookings")).json()
    assert [b["state"] for b in mine["items"]] == ["confirmed"] * 3


async def test_a_lottery_draws_at_the_windows_close_and_its_wait_list_moves_up(
    client: Client, clock: FakeClock
) -> None:
    staff, booth, nine = await booth_at_nine(
        client, "res-staff5@example.org", mode="lottery", capacity=2
    )
    people = [await quick_person(client, f"res-l{i}@example.org") for i in range(6)]
    bookings = {}
    for who in people:
        response = await book(who, booth, nine)
        assert response.status == 201
        body = await response.json()
        assert body["state"] == "requested"
        bookings[body["id"]] = who
    before = (await slots(staff, booth))[0]
    assert (before["requests"], before["taken"], before["seed"]) == (6, 0, None)
    commitment = before["seed_sha256"]

    await run_timers_at(client, clock, cst(TUESDAY, 8, 30))  # the window closes: the draw
    after = (await slots(staff, booth))[0]
    assert (after["requests"], after["taken"], after["waitlist"]) == (0, 2, 4)
    assert seed_hash(after["seed"]) == commitment
    expected = draw(after["seed"], list(bookings), 2)
    states = {}
    for booking_id, who in bookings.items():
        mine = (await slots(who, booth))[0]["mine"]
        states[booking_id] = (mine["state"], mine["waitlist_place"])
    assert {b for b, s in states.items() if s[0] == "confirmed"} == set(expected.winners)
    assert [states[b] for b in expected.waitlist] == [("waitlisted", i) for i in range(1, 5)]
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        told = await conn.fetch("SELECT kind, count(*) AS n FROM notifications GROUP BY kind")
    assert {r["kind"]: r["n"] for r in told} == {
        "reservation.won": 2,
        "reservation.waitlisted": 4,
    }
    # Requests are closed now; a winner who cancels hands the place to the wait-list head.
    late = await quick_person(client, "res-late@example.org")
    assert await code_of(await book(late, booth, nine)) == "slot.window_closed"
    winner = expected.winners[0]
    assert (await bookings[winner].delete(f"/api/bookings/{winner}")).status == 200
    head = expected.waitlist[0]
    assert (await slots(bookings[head], booth))[0]["mine"]["state"] == "confirmed"
    second = expected.waitlist[1]
    assert (await slots(bookings[second], booth))[0]["mine"]["waitlist_place"] == 1


async def tickets_of(client: Client, booth: Any) -> list[dict[str, Any]]:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        rows = await conn.fetch(
            "SELECT id, candidate_id, kind, state, reason, booking_id FROM tickets"
            " WHERE booth_id = $1 ORDER BY priority, call_key, id",
            booth,
        )
    return [dict(r) for r in rows]


async def test_at_the_slots_start_bookings_become_tickets_called_ahead_of_walk_ins(
    client: Client, clock: FakeClock
) -> None:
    staff, booth, nine = await booth_at_nine(client, "res-staff6@example.org", capacity=2)
    ann = await quick_person(client, "res-ann6@example.org")
    bob = await quick_person(client, "res-bob6@example.org")
    walker = await quick_person(client, "res-walk6@example.org")
    assert (await book(ann, booth, nine)).status == 201
    assert (await book(bob, booth, nine)).status == 201
    await run_timers_at(client, clock, cst(TUESDAY, 8, 50))
    await open_line(staff, booth)
    assert (await walker.post(f"/api/booths/{booth}/tickets")).status == 201

    await run_timers_at(client, clock, cst(TUESDAY, 9))  # the slot starts
    line = await tickets_of(client, booth)
    assert [t["kind"] for t in line] == ["reservation", "reservation", "walk_in"]
    mine = await (await ann.get("/api/me/bookings")).json()
    assert mine["items"][0]["state"] == "admitted"
    assert mine["items"][0]["ticket_id"] in {str(t["id"]) for t in line}
    # Each holder's own view says how they came (the "my lines" card shows it).
    ann_tickets = (await (await ann.get("/api/me/tickets")).json())["items"]
    assert [t["kind"] for t in ann_tickets] == ["reservation"]
    walker_tickets = (await (await walker.get("/api/me/tickets")).json())["items"]
    assert [t["kind"] for t in walker_tickets] == ["walk_in"]
    async with on_duty(client, staff, booth):
        called = await staff.post(f"/api/booths/{booth}/call-next")
        assert called.status == 200, await called.text()
    assert (await called.json())["candidate_id"] in (str(ann.account_id), str(bob.account_id))


async def test_a_no_show_releases_the_place_to_the_wait_list(
    client: Client, clock: FakeClock
) -> None:
    staff, booth, nine = await booth_at_nine(
        client, "res-staff7@example.org", mode="lottery", capacity=1
    )
    ann = await quick_person(client, "res-ann7@example.org")
    bob = await quick_person(client, "res-bob7@example.org")
    ids = {}
    for who in (ann, bob):
        ids[(await (await book(who, booth, nine)).json())["id"]] = who
    await run_timers_at(client, clock, cst(TUESDAY, 9))  # draw, then start
    await open_line(staff, booth)
    (winner_ticket,) = await tickets_of(client, booth)
    winner = next(w for w in (ann, bob) if w.account_id == winner_ticket["candidate_id"])
    loser = bob if winner is ann else ann
    async with on_duty(client, staff, booth):
        # The winner is called and does not answer: a pass.
        assert (await staff.post(f"/api/booths/{booth}/call-next")).status == 200
        await run_timers_at(client, clock, cst(TUESDAY, 9, 1))  # the ring times out
        await run_timers_at(client, clock, cst(TUESDAY, 9, 10))  # the grace is over
    line = await tickets_of(client, booth)
    by_candidate = {t["candidate_id"]: t for t in line}
    gone = by_candidate[winner.account_id]
    assert (gone["state"], gone["reason"]) == ("expired", "no_show")
    moved = by_candidate[loser.account_id]
    assert (moved["kind"], moved["state"]) == ("reservation", "waiting")
    states = {
        b["id"]: b["state"]
        for who in (ann, bob)
        for b in (await (await who.get("/api/me/bookings")).json())["items"]
    }
    assert sorted(states.values()) == ["admitted", "no_show"]


async def test_a_booking_reads_the_candidates_live_bookings_not_the_fairs(
    conn: db.Connection,
) -> None:
    """Every booking checks the candidate's quotas and overlaps against their live
    bookings: it reads those, not every booking the fair ever had. The statement runs
    as the service runs it, from a cached generic plan (asyncpg prepares it)."""
    _, candidate = await booking_history(conn)
    assert len(await store.held_by(conn, candidate)) == 3
    read = rows_read(await generic_plan(conn, store.HELD_BY, candidate), "bookings")
    assert read < 50, f"the quota check read {read:.0f} bookings for 3 live ones"


async def test_my_bookings_read_the_candidates_bookings_not_the_fairs(
    conn: db.Connection,
) -> None:
    """A candidate's bookings page reads their bookings from yesterday on, not every
    booking of the fair (as the service runs it: a cached generic plan)."""
    _, candidate = await booking_history(conn)
    since = TUESDAY - timedelta(days=1)
    assert len(await store.candidate_bookings(conn, candidate, since)) == 5
    plan = await generic_plan(conn, store.CANDIDATE_BOOKINGS, candidate, since)
    read = rows_read(plan, "bookings")
    assert read < 50, f"'my bookings' read {read:.0f} bookings for 5"
