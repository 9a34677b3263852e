"""A venue that hides places and waits: the public booth topic carries only the line's
length and status; each holder gets their own place and wait on ``me``."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from server.appkeys import POOL
from server.domain.principal import Role
from server.realtime.client import StreamClient
from tests.helpers import person, ws_url
from tests.integration.test_queue import booth_with, on_duty, open_line, problem_code

Client = TestClient[Any, Any]


async def test_a_venue_hides_places_and_each_holder_still_learns_theirs(client: Client) -> None:
    recruiter = await person(client, "vr1@example.org")
    booth = await booth_with(client, [recruiter])
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        venue = await conn.fetchval("SELECT venue_id FROM booths WHERE id = $1", booth)
    admin = await person(client, "va1@example.org")
    await admin.grant(Role.VENUE_ADMIN, venue)
    stranger = await person(client, "vs1@example.org")
    refused = await stranger.put(
        f"/api/venues/{venue}/queue-visibility", json={"visibility": "length_only"}
    )
    assert await problem_code(refused, 403) == "auth.forbidden"
    bad = await admin.put(f"/api/venues/{venue}/queue-visibility", json={"visibility": "some"})
    assert bad.status == 422
    hidden = await admin.put(
        f"/api/venues/{venue}/queue-visibility", json={"visibility": "length_only"}
    )
    assert hidden.status == 204, await hidden.text()

    await open_line(recruiter, booth)
    first = await person(client, "vc1@example.org")
    second = await person(client, "vc2@example.org")
    one = await (await first.post(f"/api/booths/{booth}/tickets")).json()
    async with (
        on_duty(client, recruiter, booth),
        StreamClient(ws_url(client)) as public,
        StreamClient(ws_url(client), token=second.token) as mine,
    ):
        await public.subscribe(f"booth:{booth}")
        snapshot = (await public.next_op("snapshot"))["data"]
        assert snapshot["visibility"] == "length_only"
        assert (snapshot["length"], snapshot["line"], snapshot["eta"]) == (1, None, None)
        assert one["token"] not in str(snapshot)
        await mine.subscribe("me")
        await mine.next_op("subscribed")
        two = await (await second.post(f"/api/booths/{booth}/tickets")).json()
        while True:  # the public topic: the new length, and no tokens, no waits
            event = await public.next_op("event")
            assert two["token"] not in str(event)
            assert one["token"] not in str(event)
            assert event["type"] not in ("queue.joined", "queue.eta")
            if event["type"] == "queue.length" and event["data"]["length"] == 2:
                break
        while True:  # the holder: their own place and wait
            event = await mine.next_op("event")
            if event["type"] == "ticket.position":
                break
        assert event["data"]["ticket_id"] == two["id"]
        assert event["data"]["position"] == 1
        low, high = event["data"]["wait"]
        assert 0 <= low < high
        await recruiter.post(f"/api/booths/{booth}/call-next")
        while True:
            event = await mine.next_op("event")
            if event["type"] == "ticket.position" and event["data"]["position"] == 0:
                break
        while True:
            event = await public.next_op("event")
            assert event["type"] != "queue.removed"
            if event["type"] == "queue.length" and event["data"]["length"] == 1:
                break
    mine_now = (await (await second.get("/api/me/tickets")).json())["items"][0]
    assert mine_now["position"] == 0


async def test_showing_places_again_tells_followers_to_start_over(client: Client) -> None:
    recruiter = await person(client, "vr2@example.org")
    booth = await booth_with(client, [recruiter])
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        venue = await conn.fetchval("SELECT venue_id FROM booths WHERE id = $1", booth)
    admin = await person(client, "va2@example.org")
    await admin.grant(Role.VENUE_ADMIN, venue)
    await admin.put(f"/api/venues/{venue}/queue-visibility", json={"visibility": "length_only"})
    async with StreamClient(ws_url(client)) as public:
        await public.subscribe(f"booth:{booth}")
        assert (await public.next_op("snapshot"))["data"]["line"] is None
        shown = await admin.put(
            f"/api/venues/{venue}/queue-visibility", json={"visibility": "full"}
        )
        assert shown.status == 204
        event = await public.next_op("event")
        assert (event["type"], event["data"]) == ("queue.visibility", {"visibility": "full"})
    async with StreamClient(ws_url(client)) as again:
        await again.subscribe(f"booth:{booth}")
        assert (await again.next_op("snapshot"))["data"]["line"] == []
