"""The call order's classes: a due reservation and a handoff enter the line ahead of
walk-ins, at the place their kind and key give them, and are called in that order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from server.appkeys import CLOCK, OUTBOX, QUEUE
from server.domain.queue import TicketKind
from server.realtime.client import StreamClient
from tests.helpers import person, ws_url
from tests.integration.test_queue import booth_with, on_duty, open_line

Client = TestClient[Any, Any]


async def test_reservations_then_handoffs_then_walk_ins(client: Client) -> None:
    app = client.app
    assert app is not None
    recruiter = await person(client, "r1@example.org")
    booth = await booth_with(client, [recruiter])
    await open_line(recruiter, booth)
    walker, handed, booked, late = [
        await person(client, f"{name}@example.org")
        for name in ("walker", "handed", "booked", "late")
    ]
    now = app[CLOCK].now()
    async with StreamClient(ws_url(client)) as public:
        await public.subscribe(f"booth:{booth}")
        await public.next_op("snapshot")
        walk_in = await (await walker.post(f"/api/booths/{booth}/tickets")).json()
        async with app[OUTBOX].transaction() as tx:
            handoff = await app[QUEUE].admit_within(
                tx,
                booth,
                handed.account_id,
                kind=TicketKind.HANDOFF,
                call_key=now.timestamp(),
                joined_at=now - timedelta(minutes=30),
            )
            reservation = await app[QUEUE].admit_within(
                tx, booth, booked.account_id, kind=TicketKind.RESERVATION, call_key=1.0
            )
            # A second admission for a candidate already in this line changes nothing.
            assert (
                await app[QUEUE].admit_within(
                    tx, booth, booked.account_id, kind=TicketKind.RESERVATION, call_key=0.5
                )
                is None
            )
        assert handoff is not None
        assert reservation is not None
        assert handoff["joined_at"] == now - timedelta(minutes=30)  # kept for statistics
        joined = [(await public.next_op("event"))["data"] for _ in range(3)]
        assert joined == [
            {"token": walk_in["token"], "after": None},
            {"token": handoff["token"], "after": None},  # ahead of the walk-in
            {"token": reservation["token"], "after": None},  # ahead of everyone
        ]
        late_walk_in = await (await late.post(f"/api/booths/{booth}/tickets")).json()
        event = await public.next_op("event")
        assert event["data"] == {"token": late_walk_in["token"], "after": walk_in["token"]}
    order = []
    async with on_duty(client, recruiter, booth):
        for holder in (booked, handed, walker, late):
            called = await recruiter.post(f"/api/booths/{booth}/call-next")
            assert called.status == 200, await called.text()
            ticket = (await called.json())["ticket_id"]
            order.append(ticket)
            accepted = await holder.post(f"/api/tickets/{ticket}/accept")
            assert accepted.status == 200, await accepted.text()
            done = await recruiter.post(f"/api/tickets/{ticket}/complete")
            assert done.status in (200, 204), await done.text()
    assert order == [
        str(reservation["id"]),
        str(handoff["id"]),
        walk_in["id"],
        late_walk_in["id"],
    ]
