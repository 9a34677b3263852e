"""Who booked: a booth's staff list the day's bookings (listBoothBookings) and follow them
live (``booking.staff`` on ``booth:<id>:staff``); the booth page's counts follow
``slot.counts`` on the public ``booth:<id>`` (docs/reservations.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from aiohttp.test_utils import TestClient

from server.appkeys import POOL
from server.domain.slots import draw
from server.realtime.client import StreamClient
from server.timers import FakeClock
from tests.helpers import Person, quick_person, run_timers_at, ws_url
from tests.integration.reservation_fixtures import (
    TUESDAY,
    book,
    booth_at_nine,
    clock,
    cst,
    slots,
    slotted_booth,
)
from tests.integration.test_reservations import code_of, state_counts

Client = TestClient[Any, Any]
__all__ = ["clock"]  # Monday 6 July 2020, 08:00 Beijing time


async def booked_list(staff: Person, booth: UUID, day: str = "2020-07-07") -> dict[str, Any]:
    response = await staff.get(f"/api/booths/{booth}/bookings?date={day}")
    assert response.status == 200, await response.text()
    found: dict[str, Any] = await response.json()
    return found


def same_instant(a: str, b: str) -> bool:
    return datetime.fromisoformat(a) == datetime.fromisoformat(b)


def who(slot: dict[str, Any]) -> list[tuple[str, str, int | None]]:
    """A listed slot's bookings as (candidate, state, wait-list place), in list order."""
    return [(b["candidate_id"], b["state"], b["waitlist_place"]) for b in slot["bookings"]]


async def next_event(stream: StreamClient, type_: str) -> dict[str, Any]:
    """Skip frames until an event of ``type_`` arrives."""
    while True:
        frame = await stream.next_op("event")
        if frame["type"] == type_:
            return frame


@asynccontextmanager
async def watching(
    client: Client, staff: Person, booth: UUID
) -> AsyncIterator[tuple[StreamClient, StreamClient]]:
    """The booth's console (``booth:<id>:staff``, as ``staff``) and its public page
    (``booth:<id>``, signed out), both subscribed."""
    async with (
        StreamClient(ws_url(client), token=staff.token) as console,
        StreamClient(ws_url(client)) as public,
    ):
        await console.subscribe(f"booth:{booth}:staff")
        await console.next_op("subscribed")
        await public.subscribe(f"booth:{booth}")
        await public.next_op("subscribed")
        yield console, public


async def test_staff_see_first_come_bookings_by_booking_time_and_cancellations_last(
    client: Client, clock: FakeClock
) -> None:
    staff = await quick_person(client, "rs-staff1@example.org")
    booth = await slotted_booth(client, staff, capacity=2)
    nine, nine15 = [s["starts_at"] for s in (await slots(staff, booth))[:2]]
    ann, bob, cai, dee = [
        await quick_person(client, f"rs-{n}1@example.org") for n in ("ann", "bob", "cai", "dee")
    ]
    for person, at in ((ann, nine), (bob, nine), (dee, nine15)):
        assert (await book(person, booth, at)).status == 201
        clock.advance(timedelta(minutes=1))
    mine = await (await ann.get("/api/me/bookings")).json()
    assert (await ann.delete(f"/api/bookings/{mine['items'][0]['id']}")).status == 200
    clock.advance(timedelta(minutes=1))
    assert (await book(cai, booth, nine)).status == 201

    listed = await booked_list(staff, booth)
    assert listed["date"] == "2020-07-07"
    assert len(listed["items"]) == 10  # every slot of the day, booked or not
    first, second = listed["items"][:2]
    assert same_instant(first["starts_at"], nine)
    assert (first["capacity"], first["taken"], first["free"]) == (2, 2, 0)
    ids = {p.account_id: str(p.account_id) for p in (ann, bob, cai, dee)}
    # Places by booking time (Bob before Cai, who took Ann's place), then Ann's cancellation.
    assert who(first) == [
        (ids[bob.account_id], "confirmed", None),
        (ids[cai.account_id], "confirmed", None),
        (ids[ann.account_id], "cancelled", None),
    ]
    assert who(second) == [(ids[dee.account_id], "confirmed", None)]
    assert all(same_instant(b["starts_at"], nine) for b in first["bookings"])
    assert all(b["ticket_id"] is None for b in first["bookings"])
    assert [datetime.fromisoformat(b["booked_at"]) for b in first["bookings"]] == [
        cst(date(2020, 7, 6), 8, minute) for minute in (1, 4, 0)
    ]
    assert "测试用户" not in str(listed)  # ids only: no names
    assert listed["items"][2]["bookings"] == []
    # Without a date: the day listSlots would show.
    default = await (await staff.get(f"/api/booths/{booth}/bookings")).json()
    assert default["date"] == "2020-07-07"


async def test_staff_see_a_lotterys_requests_then_its_winners_and_wait_list_in_draw_order(
    client: Client, clock: FakeClock
) -> None:
    staff, booth, nine = await booth_at_nine(
        client, "rs-staff2@example.org", mode="lottery", capacity=1
    )
    people = [await quick_person(client, f"rs-l{i}@example.org") for i in range(3)]
    requests = []
    for person in people:
        requests.append((await (await book(person, booth, nine)).json())["id"])
        clock.advance(timedelta(minutes=1))
    before = (await booked_list(staff, booth))["items"][0]
    assert [b["id"] for b in before["bookings"]] == requests  # by booking time
    assert {b["state"] for b in before["bookings"]} == {"requested"}
    assert before["requests"] == 3

    await run_timers_at(client, clock, cst(TUESDAY, 8, 30))  # the window closes: the draw
    drawn = (await booked_list(staff, booth))["items"][0]
    expected = draw(drawn["seed"], requests, 1)
    assert [(b["id"], b["state"], b["waitlist_place"]) for b in drawn["bookings"]] == [
        (expected.winners[0], "confirmed", None),
        (expected.waitlist[0], "waitlisted", 1),
        (expected.waitlist[1], "waitlisted", 2),
    ]

    await run_timers_at(client, clock, cst(TUESDAY, 9))  # the slot starts: a ticket
    started = (await booked_list(staff, booth))["items"][0]["bookings"][0]
    assert started["state"] == "admitted"
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        ticket = await conn.fetchval(
            "SELECT id FROM tickets WHERE booking_id = $1", UUID(started["id"])
        )
    assert started["ticket_id"] == str(ticket)


async def test_only_the_booths_staff_list_its_bookings_and_refusals_change_nothing(
    client: Client,
) -> None:
    staff = await quick_person(client, "rs-staff3@example.org")
    elsewhere = await quick_person(client, "rs-elsewhere3@example.org")
    booth = await slotted_booth(client, staff)
    await slotted_booth(client, elsewhere)  # staff of another booth: a stranger here
    candidate = await quick_person(client, "rs-ann3@example.org")
    nine = (await slots(staff, booth))[0]["starts_at"]
    assert (await book(candidate, booth, nine)).status == 201
    app = client.app
    assert app is not None

    async def unchanged() -> tuple[dict[str, int], int, int]:
        async with app[POOL].acquire() as conn:
            events = await conn.fetchval("SELECT count(*) FROM events")
            audits = await conn.fetchval("SELECT count(*) FROM candidate_audit")
        return await state_counts(client), events, audits

    before = await unchanged()
    path = f"/api/booths/{booth}/bookings"
    assert await code_of(await elsewhere.get(path)) == "auth.forbidden"
    assert await code_of(await candidate.get(path)) == "auth.forbidden"
    assert await code_of(await client.get(path)) == "auth.required"
    unknown = "/api/booths/00000000-0000-0000-0000-000000000000/bookings"
    assert await code_of(await staff.get(unknown)) == "booth.not_found"
    assert await code_of(await staff.get("/api/booths/not-an-id/bookings")) == "booth.not_found"
    bad = await staff.get(f"{path}?date=2020-13-01")
    assert (bad.status, await code_of(bad)) == (422, "request.invalid")
    assert (await bad.json())["errors"][0]["pointer"] == "/query/date"
    assert (await elsewhere.get(path)).status == 403
    assert await unchanged() == before


async def test_a_booking_and_a_cancellation_reach_the_staff_topic_and_the_public_counts(
    client: Client, clock: FakeClock
) -> None:
    staff, booth, nine = await booth_at_nine(client, "rs-staff4@example.org", capacity=2)
    ann = await quick_person(client, "rs-ann4@example.org")
    async with watching(client, staff, booth) as (console, public):
        booked = await (await book(ann, booth, nine)).json()
        staff_event = await next_event(console, "booking.staff")
        told = staff_event["data"]["booking"]
        assert same_instant(told.pop("starts_at"), nine)
        assert told == {
            "id": booked["id"],
            "slot_id": booked["slot_id"],
            "candidate_id": str(ann.account_id),
            "state": "confirmed",
            "waitlist_place": None,
            "booked_at": clock.now().isoformat(),
            "ticket_id": None,
            "changed_at": clock.now().isoformat(),
        }
        counts = await next_event(public, "slot.counts")
        assert same_instant(counts["data"]["starts_at"], nine)
        assert counts["data"] | {"starts_at": nine} == {
            "starts_at": nine,
            "taken": 1,
            "free": 1,
            "requests": 0,
            "waitlist": 0,
        }

        assert (await ann.delete(f"/api/bookings/{booked['id']}")).status == 200
        cancelled = await next_event(console, "booking.staff")
        assert (cancelled["data"]["booking"]["id"], cancelled["data"]["booking"]["state"]) == (
            booked["id"],
            "cancelled",
        )
        freed = await next_event(public, "slot.counts")
        assert (freed["data"]["taken"], freed["data"]["free"]) == (0, 2)
        # The public topic carries counts only: no candidate, no booking.
        assert str(ann.account_id) not in str([counts, freed])
        assert booked["id"] not in str([counts, freed])
    # A refused booking announces nothing.
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        types = await conn.fetch(
            "SELECT topic, type FROM events WHERE topic LIKE $1 ORDER BY topic, seq",
            f"booth:{booth}%",
        )
    assert [(r["topic"].endswith(":staff"), r["type"]) for r in types] == [
        (False, "slot.counts"),
        (False, "slot.counts"),
        (True, "booking.staff"),
        (True, "booking.staff"),
    ]


async def test_the_draw_tells_the_staff_each_booking_and_the_public_the_slots_counts(
    client: Client, clock: FakeClock
) -> None:
    staff, booth, nine = await booth_at_nine(
        client, "rs-staff5@example.org", mode="lottery", capacity=1
    )
    people = [await quick_person(client, f"rs-d{i}@example.org") for i in range(3)]
    for person in people:
        assert (await book(person, booth, nine)).status == 201
    async with watching(client, staff, booth) as (console, public):
        await run_timers_at(client, clock, cst(TUESDAY, 8, 30))
        told = [(await next_event(console, "booking.staff"))["data"]["booking"] for _ in people]
        assert sorted((b["state"], b["waitlist_place"]) for b in told) == [
            ("confirmed", None),
            ("waitlisted", 1),
            ("waitlisted", 2),
        ]
        counts = await next_event(public, "slot.counts")
        assert same_instant(counts["data"]["starts_at"], nine)
        assert counts["data"] | {"starts_at": nine} == {
            "starts_at": nine,
            "taken": 1,
            "free": 0,
            "requests": 0,
            "waitlist": 2,
        }


async def test_staff_read_the_card_of_a_candidate_who_booked_their_booth_only(
    client: Client, clock: FakeClock
) -> None:
    """A booking opens the candidate's card to the booth's staff (to prepare), as
    joining its line does: not before, not to other booths, 30 days after it ended."""

    async def refused(response: Any) -> str:
        assert response.status == 403
        return await code_of(response)

    staff = await quick_person(client, "rs-card-staff@example.org")
    other_staff = await quick_person(client, "rs-card-other@example.org")
    booth = await slotted_booth(client, staff)
    await slotted_booth(client, other_staff)
    candidate = await quick_person(client, "rs-card-c@example.org", "王预约")
    path = f"/api/candidates/{candidate.account_id}"
    assert await refused(await staff.get(path)) == "auth.forbidden"

    first = (await slots(candidate, booth))[0]
    booked = await book(candidate, booth, first["starts_at"])
    assert booked.status == 201, await booked.text()
    view = await (await staff.get(path)).json()
    assert view["card"]["name"] == "王预约"
    assert await refused(await other_staff.get(path)) == "auth.forbidden"
    log = (await (await candidate.get("/api/me/audit")).json())["items"]
    assert [(e["action"], e["reader"], e["booth_id"]) for e in log] == [
        ("profile.viewed", "booth_staff", str(booth))
    ]

    cancelled = await candidate.delete(f"/api/bookings/{(await booked.json())['id']}")
    assert cancelled.status == 200, await cancelled.text()
    assert (await staff.get(path)).status == 200  # within 30 days of the cancellation
    clock.advance(timedelta(days=30))
    assert await refused(await staff.get(path)) == "auth.forbidden"
