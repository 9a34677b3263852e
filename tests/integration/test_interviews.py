"""Interviews: the record, its routes, the signal op (members only, malformed input
refused, reloads), delivery between two nodes, and an outcome that closes the ticket."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.appkeys import POOL
from server.config import Secret, Settings
from server.realtime.client import StreamClient
from server.timers import FakeClock
from tests.helpers import PASSWORD, Person, a_booth, fast_passwords, quick_person, ws_url
from tests.integration.test_queue import booth_with, on_duty, open_line

Client = TestClient[Any, Any]
CAPTURED = json.loads(
    (Path(__file__).parents[1] / "unit" / "chromium_call_sdp.json").read_text("utf-8")
)
OFFER, ANSWER = CAPTURED["offer"], CAPTURED["answer"]
CANDIDATE = CAPTURED["candidates"][0]


async def code_of(response: Any, status: int) -> str:
    assert response.status == status, await response.text()
    code: str = (await response.json(content_type=None))["code"]
    return code


def on(node: Client, who: Person) -> Person:
    return Person(node, who.account_id, who.token)


async def an_interview(
    client: Client, tag: str, profile: dict[str, Any] | None = None
) -> tuple[UUID, UUID, Person, Person, Person]:
    """A booth with two staff; a candidate (with ``profile``, if given) called by the
    first and accepted.

    Returns (interview id, booth, recruiter, candidate, the second staff member).
    """
    recruiter = await quick_person(client, f"{tag}-r@example.org", "面试官")
    colleague = await quick_person(client, f"{tag}-o@example.org", "同事")
    candidate = await quick_person(client, f"{tag}-c@example.org", "求职者")
    if profile is not None:
        saved = await candidate.put("/api/me/profile", json=profile)
        assert saved.status == 200, await saved.text()
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        booth = await a_booth(conn, [recruiter.account_id, colleague.account_id], slot_minutes=15)
    opened = await recruiter.put(f"/api/booths/{booth}/queue-status", json={"status": "open"})
    assert opened.status == 204, await opened.text()
    ticket = await (await candidate.post(f"/api/booths/{booth}/tickets")).json()
    async with StreamClient(ws_url(client), token=recruiter.token) as console:
        await console.subscribe(f"booth:{booth}:staff")
        await console.next_op("subscribed")
        ok = await recruiter.put(f"/api/booths/{booth}/staff-status", json={"status": "available"})
        assert ok.status == 204, await ok.text()
        called = await recruiter.post(f"/api/booths/{booth}/call-next")
        assert called.status == 200, await called.text()
    accepted = await candidate.post(f"/api/tickets/{ticket['id']}/accept")
    assert accepted.status == 200, await accepted.text()
    return UUID(ticket["id"]), booth, recruiter, candidate, colleague


@asynccontextmanager
async def joined(client: Client, who: Person, room: UUID) -> AsyncIterator[StreamClient]:
    async with StreamClient(ws_url(client), token=who.token) as stream:
        await stream.send({"op": "signal", "room": str(room), "data": {"type": "join"}})
        frame = await stream.next_op("signal")
        assert frame["data"]["type"] == "joined", frame
        yield stream


async def next_signal(stream: StreamClient, kind: str) -> dict[str, Any]:
    for _ in range(20):
        frame = await stream.next_op("signal")
        if frame["data"]["type"] == kind:
            return frame
    raise AssertionError(f"no {kind}")


async def exchange(
    rec: StreamClient, cand: StreamClient, room: UUID, recruiter: Person, candidate: Person
) -> None:
    """An offer, a candidate and an answer go across; each arrives once, from its sender."""
    await rec.send(
        {
            "op": "signal",
            "room": str(room),
            "data": {"type": "offer", "sdp": OFFER, "to": str(candidate.account_id)},
        }
    )
    await rec.send(
        {
            "op": "signal",
            "room": str(room),
            "data": {"type": "candidate", "candidate": CANDIDATE, "to": str(candidate.account_id)},
        }
    )
    offer = await next_signal(cand, "offer")
    assert offer["from"] == str(recruiter.account_id)
    assert offer["data"]["sdp"] == OFFER
    got = await next_signal(cand, "candidate")
    assert got["data"]["candidate"] == CANDIDATE
    await cand.send(
        {
            "op": "signal",
            "room": str(room),
            "data": {"type": "answer", "sdp": ANSWER, "to": str(recruiter.account_id)},
        }
    )
    answer = await next_signal(rec, "answer")
    assert answer["from"] == str(candidate.account_id)
    assert answer["data"]["sdp"] == ANSWER


async def test_the_interview_opens_for_its_members_only(client: Client) -> None:
    room, _, recruiter, candidate, colleague = await an_interview(client, "open")
    seen = await (await candidate.get(f"/api/interviews/{room}")).json()
    assert seen["state"] == "live"
    assert seen["you"]["role"] == "candidate"
    assert {m["role"] for m in seen["members"]} == {"candidate", "recruiter"}
    assert seen["slot_minutes"] == 15
    assert seen["ticket_id"] == str(room)
    assert seen["candidate"] is None  # the card is for the interviewers
    card = (await (await recruiter.get(f"/api/interviews/{room}")).json())["candidate"]
    # Who it is; the profile and resumes are getCandidate's (audited), not copied here.
    assert card == {"account_id": str(candidate.account_id), "name": "求职者"}
    stranger = await quick_person(client, "open-x@example.org")
    for who in (stranger, colleague):  # staff of the booth but not in this interview
        assert await code_of(await who.get(f"/api/interviews/{room}"), 403) == "auth.forbidden"
        ice = await who.get(f"/api/interviews/{room}/ice-servers")
        assert await code_of(ice, 403) == "auth.forbidden"
        chat = await who.post(f"/api/interviews/{room}/chat", json={"text": "hi"})
        assert await code_of(chat, 403) == "auth.forbidden"
    async with StreamClient(ws_url(client), token=colleague.token) as follower:
        await follower.subscribe(f"interview:{room}")
        assert (await follower.next_op("error"))["code"] == "auth.forbidden"
    ice = await (await candidate.get(f"/api/interviews/{room}/ice-servers")).json()
    assert ice["ice_servers"] == []  # nothing configured: no STUN/TURN at all
    unknown = await recruiter.get("/api/interviews/0190d7a4-0000-7000-8000-000000000001")
    assert await code_of(unknown, 404) == "interview.not_found"


async def test_ice_servers_carry_turn_credentials_for_members(
    settings: Settings, clock: FakeClock, aiohttp_client: Any
) -> None:
    turned = replace(
        settings,
        stun_urls=("stun:192.0.2.10:3478",),
        turn_urls=("turn:192.0.2.10:3478?transport=udp",),
        turn_secret=Secret("coturn-shared-secret"),
        turn_ttl=3600,
    )
    client = await aiohttp_client(
        create_app(turned, clock=clock, run_timers=False, passwords=fast_passwords())
    )
    room, _, recruiter, _, _ = await an_interview(client, "turn")
    ice = await (await recruiter.get(f"/api/interviews/{room}/ice-servers")).json()
    stun, turn = ice["ice_servers"]
    assert stun == {"urls": ["stun:192.0.2.10:3478"]}
    expiry, account = turn["username"].split(":")
    assert account == str(recruiter.account_id)
    assert int(expiry) == int(clock.now().timestamp()) + 3600
    assert turn["credential"]


async def test_signaling_between_members_and_a_stranger_gets_nothing(client: Client) -> None:
    room, _, recruiter, candidate, colleague = await an_interview(client, "sig")
    stranger = await quick_person(client, "sig-x@example.org")
    async with (
        joined(client, recruiter, room) as rec,
        joined(client, candidate, room) as cand,
        StreamClient(ws_url(client), token=stranger.token) as intruder,
        StreamClient(ws_url(client), token=colleague.token) as staffer,
    ):
        peer = await next_signal(rec, "peer")
        assert peer["data"]["peer"]["id"] == str(candidate.account_id)
        assert peer["data"]["peer"]["polite"] is False
        assert (await next_signal(cand, "peer"))["data"]["peer"]["polite"] is True
        for who in (intruder, staffer):
            for data in (
                {"type": "join"},
                {"type": "offer", "sdp": OFFER, "to": str(candidate.account_id)},
                {"type": "candidate", "candidate": CANDIDATE, "to": str(recruiter.account_id)},
            ):
                await who.send({"op": "signal", "room": str(room), "data": data, "ref": "x1"})
                error = await who.next_op("error")
                assert error["code"] == "auth.forbidden"
                assert error["ref"] == "x1"
        await exchange(rec, cand, room, recruiter, candidate)
        # Nothing the intruder sent reached a member: the next frames are ours.
        assert rec.frames.empty()
        assert cand.frames.empty()


async def test_malformed_frames_are_refused_and_the_room_goes_on(client: Client) -> None:
    room, _, recruiter, candidate, _ = await an_interview(client, "bad")
    async with joined(client, recruiter, room) as rec, joined(client, candidate, room) as cand:
        await next_signal(rec, "peer")
        await next_signal(cand, "peer")
        to = str(candidate.account_id)
        cases = [
            ({"type": "offer", "sdp": "v=0\r\nnonsense", "to": to}, "signal.bad_sdp"),
            (
                {"type": "offer", "sdp": OFFER.replace("a=fingerprint", "a=fp"), "to": to},
                "signal.bad_sdp",
            ),
            (
                {"type": "candidate", "candidate": {"candidate": "candidate:x"}, "to": to},
                "signal.bad_candidate",
            ),
            ({"type": "offer", "sdp": OFFER, "to": "someone-else"}, "signal.bad_peer"),
            ({"type": "dance"}, "signal.bad_type"),
        ]
        for data, code in cases:
            await rec.send({"op": "signal", "room": str(room), "data": data, "ref": "b"})
            error = await rec.next_op("error")
            assert error["code"] == code, error
            assert error["message"]
        await rec.send({"op": "signal", "room": str(room), "data": "not an object"})
        assert (await rec.next_op("error"))["code"] == "frame.invalid"
        assert cand.frames.empty()
        await exchange(rec, cand, room, recruiter, candidate)


async def test_a_reload_rejoins_the_same_room(client: Client) -> None:
    room, _, recruiter, candidate, _ = await an_interview(client, "reload")
    async with joined(client, recruiter, room) as rec:
        async with joined(client, candidate, room) as first:
            old = (await next_signal(rec, "peer"))["data"]["peer"]["session"]
            await next_signal(first, "peer")
        bye = await next_signal(rec, "bye")
        assert bye["data"]["reason"] == "gone"
        async with joined(client, candidate, room) as again:
            fresh = (await next_signal(rec, "peer"))["data"]["peer"]
            assert fresh["id"] == str(candidate.account_id)
            assert fresh["session"] != old
            await next_signal(again, "peer")
            await exchange(rec, again, room, recruiter, candidate)


async def test_outcome_closes_the_ticket_and_keeps_the_record(client: Client) -> None:
    room, _, recruiter, candidate, colleague = await an_interview(client, "done")
    async with StreamClient(ws_url(client), token=candidate.token) as topic:
        await topic.subscribe(f"interview:{room}")
        snap = await topic.next_op("snapshot")
        assert snap["data"]["you"]["role"] == "candidate"
        said = await candidate.post(f"/api/interviews/{room}/chat", json={"text": "  你好  "})
        assert said.status == 201
        message = await said.json()
        assert message["text"] == "你好"
        event = await topic.next_op("event")
        assert event["type"] == "interview.chat"
        assert event["data"]["message"]["id"] == message["id"]
        empty = await candidate.post(f"/api/interviews/{room}/chat", json={"text": "   "})
        assert await code_of(empty, 422) == "request.invalid"

        added = await recruiter.post(
            f"/api/interviews/{room}/co-interviewers",
            json={"account_id": str(colleague.account_id)},
        )
        assert added.status == 200, await added.text()
        assert {m["role"] for m in (await added.json())["members"]} == {
            "candidate",
            "recruiter",
            "co_interviewer",
        }
        again = await recruiter.post(
            f"/api/interviews/{room}/co-interviewers",
            json={"account_id": str(colleague.account_id)},
        )
        assert await code_of(again, 409) == "interview.already_member"

        by_candidate = await candidate.post(
            f"/api/interviews/{room}/outcome", json={"outcome": "offer_intent"}
        )
        assert await code_of(by_candidate, 403) == "auth.forbidden"
        bad = await recruiter.post(f"/api/interviews/{room}/outcome", json={"outcome": "hired"})
        assert await code_of(bad, 422) == "request.invalid"
        async with (
            joined(client, candidate, room) as cand,
            StreamClient(ws_url(client), token=recruiter.token) as unjoined,
        ):
            await unjoined.send(
                {
                    "op": "signal",
                    "room": str(room),
                    "data": {"type": "offer", "sdp": OFFER, "to": str(candidate.account_id)},
                }
            )
            assert (await unjoined.next_op("error"))["code"] == "signal.not_joined"
            recorded = await recruiter.post(
                f"/api/interviews/{room}/outcome",
                json={"outcome": "offer_intent", "notes": "strong Python"},
            )
            assert recorded.status == 200, await recorded.text()
            bye = await next_signal(cand, "bye")
            assert bye["data"]["reason"] == "ended"
        body = await recorded.json()
        assert body["state"] == "recorded"
        assert body["outcome"] == "offer_intent"
        assert body["notes"] == "strong Python"
        assert body["duration_s"] is not None
        types = [(await topic.next_op("event"))["type"] for _ in range(2)]
        assert types == ["interview.member", "interview.outcome"]
    twice = await recruiter.post(f"/api/interviews/{room}/outcome", json={"outcome": "no_show"})
    assert await code_of(twice, 409) == "interview.already_recorded"
    seen = await (await candidate.get(f"/api/interviews/{room}")).json()
    assert seen["notes"] == ""  # notes are for the interviewers
    assert [a["role"] for a in seen["attendees"]] == ["candidate"]
    assert [m["text"] for m in seen["chat"]] == ["你好"]
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        ticket = await conn.fetchrow("SELECT state, ended_at FROM tickets WHERE id = $1", room)
        record = await conn.fetchrow("SELECT * FROM interviews WHERE id = $1", room)
    assert ticket["state"] == "done"
    assert record["outcome"] == "offer_intent"
    assert record["employer_type"] == "private"
    assert record["candidate_groups"] is None
    assert record["ended_at"] is not None
    assert (await (await candidate.get("/api/me/tickets")).json())["items"] == []
    # The room is closed: joining again is refused.
    async with StreamClient(ws_url(client), token=candidate.token) as late:
        await late.send({"op": "signal", "room": str(room), "data": {"type": "join"}})
        assert (await late.next_op("error"))["code"] == "interview.ended"


async def test_the_record_keeps_key_groups_and_outlives_the_candidates_account(
    client: Client,
) -> None:
    profile = {
        "name": "孙同学",
        "phone": "",
        "email": "",
        "region_code": "110000",
        "education": "bachelor",
        "graduation_year": 2020,
        "desired_jobs": ["会计"],
        "key_groups": ["graduates"],
        "key_groups_consent": True,
        "visibility": {"show_contact": False, "share_key_groups": False},
    }
    room, _, recruiter, candidate, _ = await an_interview(client, "groups", profile)
    assert (await candidate.get(f"/api/interviews/{room}")).status == 200  # opens the record
    said = await candidate.post(f"/api/interviews/{room}/chat", json={"text": "我的电话是…"})
    assert said.status == 201, await said.text()
    recorded = await recruiter.post(
        f"/api/interviews/{room}/outcome", json={"outcome": "offer_intent"}
    )
    assert recorded.status == 200, await recorded.text()
    # The candidate changes their profile later: the record keeps what was true then.
    profile.update(key_groups=[], key_groups_consent=False)
    assert (await candidate.put("/api/me/profile", json=profile)).status == 200
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        groups = await conn.fetchval("SELECT candidate_groups FROM interviews WHERE id = $1", room)
    assert groups == ["graduates"]

    gone = await candidate.client.delete(
        "/api/me", json={"password": PASSWORD}, headers=candidate.headers
    )
    assert gone.status == 204, await gone.text()
    async with app[POOL].acquire() as conn:
        record = await conn.fetchrow("SELECT outcome FROM interviews WHERE id = $1", room)
        chat = await conn.fetchval(
            "SELECT count(*) FROM interview_chat WHERE interview_id = $1", room
        )
    assert record["outcome"] == "offer_intent"  # statistics keep counting it
    assert chat == 0  # what the candidate said went with their account


async def test_end_closes_the_room_and_an_outcome_still_follows(client: Client) -> None:
    room, booth, recruiter, candidate, _ = await an_interview(client, "end")
    before = await (await recruiter.get(f"/api/interviews/{room}")).json()
    longer = await recruiter.post(f"/api/interviews/{room}/extend", json={"minutes": 5})
    assert longer.status == 200, await longer.text()
    after = await longer.json()
    gained = datetime.fromisoformat(after["ends_at"]) - datetime.fromisoformat(before["ends_at"])
    assert gained == timedelta(minutes=5)
    by_candidate = await candidate.post(f"/api/interviews/{room}/extend", json={"minutes": 5})
    assert await code_of(by_candidate, 403) == "auth.forbidden"
    zero = await recruiter.post(f"/api/interviews/{room}/extend", json={"minutes": 0})
    assert await code_of(zero, 422) == "request.invalid"
    # A ticket still waiting in a line is no interview.
    other = await quick_person(client, "end-w@example.org")
    waiting = await (await other.post(f"/api/booths/{booth}/tickets")).json()
    missing = await other.get(f"/api/interviews/{waiting['id']}")
    assert await code_of(missing, 404) == "interview.not_found"
    async with joined(client, recruiter, room) as rec:
        ended = await candidate.post(f"/api/interviews/{room}/end")
        assert ended.status == 200
        assert (await ended.json())["state"] == "ended"
        assert (await next_signal(rec, "bye"))["data"]["reason"] == "ended"
    ice = await recruiter.get(f"/api/interviews/{room}/ice-servers")
    assert await code_of(ice, 409) == "interview.ended"
    recorded = await recruiter.post(
        f"/api/interviews/{room}/outcome", json={"outcome": "next_round"}
    )
    assert (await recorded.json())["state"] == "recorded"


async def test_an_ended_interview_frees_the_candidate_before_any_outcome(
    client: Client,
) -> None:
    """Leaving the room is the end of the call for the candidate: another line may call
    them at once, though the recruiter has not written the outcome yet."""
    room, booth, recruiter, candidate, _ = await an_interview(client, "free")
    elsewhere_staff = await quick_person(client, "free-e@example.org", "别家")
    other = await booth_with(client, [elsewhere_staff])
    await open_line(elsewhere_staff, other)
    joined_other = await candidate.post(f"/api/booths/{other}/tickets")
    assert joined_other.status == 201, await joined_other.text()
    app = client.app
    assert app is not None
    async with on_duty(client, elsewhere_staff, other):
        # In the interview: busy elsewhere, so the other line cannot call them.
        busy = await elsewhere_staff.post(f"/api/booths/{other}/call-next")
        assert await code_of(busy, 409) == "queue.empty"

        async def lines() -> dict[str, str]:
            mine = await (await candidate.get("/api/me/tickets")).json()
            return {t["booth_id"]: t["state"] for t in mine["items"]}

        assert (await lines())[str(booth)] == "in_interview"
        ended = await candidate.post(f"/api/interviews/{room}/end")
        assert ended.status == 200, await ended.text()
        assert str(booth) not in await lines()  # done: no longer one of their lines
        async with app[POOL].acquire() as conn:
            state = await conn.fetchval("SELECT state FROM tickets WHERE id = $1", room)
        assert state == "done"
        called = await elsewhere_staff.post(f"/api/booths/{other}/call-next")
        assert called.status == 200, await called.text()
        assert (await called.json())["candidate_id"] == str(candidate.account_id)

    # The recruiter is free to call again, and the outcome still follows the end.
    roster = await recruiter.put(f"/api/booths/{booth}/staff-status", json={"status": "paused"})
    assert roster.status == 204, await roster.text()
    recorded = await recruiter.post(
        f"/api/interviews/{room}/outcome", json={"outcome": "next_round"}
    )
    assert recorded.status == 200, await recorded.text()
    assert (await recorded.json())["state"] == "recorded"
    again = await recruiter.post(f"/api/interviews/{room}/outcome", json={"outcome": "no_show"})
    assert await code_of(again, 409) == "interview.already_recorded"


async def test_completing_the_ticket_on_the_console_ends_the_interview(client: Client) -> None:
    """ "Complete" on the console is the end of the interview too: the candidate is not
    left in a room with the clock running, and the outcome may still follow."""
    room, _, recruiter, candidate, _ = await an_interview(client, "done")
    outsider = await quick_person(client, "done-x@example.org")
    refused = await outsider.post(f"/api/tickets/{room}/complete")
    assert await code_of(refused, 403) == "auth.forbidden"
    still = await (await candidate.get(f"/api/interviews/{room}")).json()
    assert still["state"] == "live"  # a refusal changes nothing

    async with joined(client, candidate, room) as cand:
        done = await recruiter.post(f"/api/tickets/{room}/complete")
        assert done.status == 200, await done.text()
        assert (await done.json())["state"] == "done"
        assert (await next_signal(cand, "bye"))["data"]["reason"] == "ended"
    seen = await (await candidate.get(f"/api/interviews/{room}")).json()
    assert seen["state"] == "ended"
    assert seen["ended_at"] is not None
    again = await recruiter.post(f"/api/tickets/{room}/complete")
    assert await code_of(again, 409) == "queue.wrong_state"
    recorded = await recruiter.post(
        f"/api/interviews/{room}/outcome", json={"outcome": "not_suitable"}
    )
    assert recorded.status == 200, await recorded.text()
    assert (await recorded.json())["state"] == "recorded"


async def test_an_interviewer_finds_the_interviews_still_awaiting_an_outcome(
    client: Client,
) -> None:
    """The candidate left, or the console completed it: the interview is over but its
    outcome is not written. The interviewer finds it again (whatever page they were on
    when it ended) until the outcome is recorded; nobody else sees it."""
    room, booth, recruiter, candidate, colleague = await an_interview(client, "await")

    async def awaiting(who: Person) -> list[dict[str, Any]]:
        response = await who.get("/api/me/interviews/awaiting-outcome")
        assert response.status == 200, await response.text()
        items: list[dict[str, Any]] = (await response.json())["items"]
        return items

    assert await awaiting(recruiter) == []  # still live: the console shows it
    ended = await candidate.post(f"/api/interviews/{room}/end")
    assert ended.status == 200, await ended.text()
    (item,) = await awaiting(recruiter)
    assert item["id"] == str(room)
    assert item["booth"]["id"] == str(booth)
    assert item["booth"]["employer_name"]  # what names the booth when it has no title
    assert item["candidate"] == {"account_id": str(candidate.account_id), "name": "求职者"}
    assert item["ended_at"] is not None
    assert await awaiting(colleague) == []  # not their interview
    assert await awaiting(candidate) == []

    recorded = await recruiter.post(f"/api/interviews/{room}/outcome", json={"outcome": "no_show"})
    assert recorded.status == 200, await recorded.text()
    assert await awaiting(recruiter) == []
    anonymous = await client.get("/api/me/interviews/awaiting-outcome")
    assert await code_of(anonymous, 401) == "auth.required"


@pytest.fixture
async def two_nodes(
    settings: Settings, redis_url: str, clock: FakeClock, aiohttp_client: Any
) -> AsyncIterator[tuple[Client, Client]]:
    shared = replace(settings, redis_url=Secret(redis_url))
    a = await aiohttp_client(
        create_app(shared, clock=clock, run_timers=False, passwords=fast_passwords())
    )
    b = await aiohttp_client(
        create_app(shared, clock=clock, run_timers=False, passwords=fast_passwords())
    )
    yield a, b
    await a.close()
    await b.close()


async def test_members_on_two_nodes_signal_each_other(two_nodes: tuple[Client, Client]) -> None:
    a, b = two_nodes
    room, _, recruiter, candidate, colleague = await an_interview(a, "nodes")
    stranger = await quick_person(b, "nodes-x@example.org")
    async with (
        joined(a, recruiter, room) as rec,
        joined(b, on(b, candidate), room) as cand,
        StreamClient(ws_url(b), token=stranger.token) as intruder,
    ):
        assert (await next_signal(rec, "peer"))["data"]["peer"]["id"] == str(candidate.account_id)
        assert (await next_signal(cand, "peer"))["data"]["peer"]["id"] == str(recruiter.account_id)
        await intruder.send(
            {
                "op": "signal",
                "room": str(room),
                "data": {"type": "offer", "sdp": OFFER, "to": str(recruiter.account_id)},
            }
        )
        assert (await intruder.next_op("error"))["code"] == "auth.forbidden"
        await exchange(rec, cand, room, recruiter, candidate)
        # A co-interviewer on the other node makes a mesh of three.
        added = await recruiter.post(
            f"/api/interviews/{room}/co-interviewers",
            json={"account_id": str(colleague.account_id)},
        )
        assert added.status == 200
        async with joined(b, on(b, colleague), room) as co:
            peers = {}
            for _ in range(2):
                peer = (await next_signal(co, "peer"))["data"]["peer"]
                peers[peer["role"]] = peer["polite"]
            assert peers == {"recruiter": True, "candidate": False}
            await next_signal(rec, "peer")
            await next_signal(cand, "peer")
        for stream in (rec, cand):  # the co-interviewer's page closed
            left = (await next_signal(stream, "bye"))["data"]
            assert left["peer"]["id"] == str(colleague.account_id)
            assert left["reason"] == "gone"
        # The interview ends on node a; the candidate on node b hears it.
        ended = await recruiter.post(f"/api/interviews/{room}/end")
        assert ended.status == 200
        assert (await next_signal(cand, "bye"))["data"]["reason"] == "ended"


async def test_the_operations_are_in_the_openapi_document(client: Client) -> None:
    document = await (await client.get("/api/openapi.json")).json()
    ids = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert {
        "getIceServers",
        "getInterview",
        "endInterview",
        "recordInterviewOutcome",
        "correctInterviewOutcome",
        "addCoInterviewer",
        "postInterviewChat",
        "listInterviewChat",
        "extendInterview",
    } <= ids


async def outcome_changes(client: Client, room: UUID) -> list[dict[str, Any]]:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        rows = await conn.fetch(
            "SELECT outcome_from, outcome_to, notes_from, notes_to, changed_by"
            " FROM interview_outcome_changes WHERE interview_id = $1 ORDER BY changed_at, id",
            room,
        )
    return [dict(r) for r in rows]


async def test_an_interviewer_corrects_a_recorded_outcome_and_the_candidate_hears_of_it(
    client: Client, clock: FakeClock
) -> None:
    room, _, recruiter, candidate, _ = await an_interview(client, "fix")
    recorded = await recruiter.post(
        f"/api/interviews/{room}/outcome", json={"outcome": "not_suitable", "notes": "误点"}
    )
    assert recorded.status == 200, await recorded.text()
    until = datetime.fromisoformat((await recorded.json())["outcome_correctable_until"])
    assert until == clock.now() + timedelta(minutes=15)
    seen = await (await candidate.get(f"/api/interviews/{room}")).json()
    assert seen["outcome_correctable_until"] is None  # the candidate is not told
    async with StreamClient(ws_url(client), token=candidate.token) as topic:
        await topic.subscribe(f"interview:{room}")
        await topic.next_op("snapshot")
        clock.advance(timedelta(minutes=14))
        fixed = await recruiter.patch(
            f"/api/interviews/{room}/outcome", json={"outcome": "offer_intent"}
        )
        assert fixed.status == 200, await fixed.text()
        event = await topic.next_op("event")
    body = await fixed.json()
    assert (body["state"], body["outcome"], body["notes"]) == ("recorded", "offer_intent", "误点")
    assert event["type"] == "interview.outcome"
    assert event["data"]["outcome"] == "offer_intent"
    assert event["data"]["corrected"] is True
    assert "notes" not in event["data"]
    notes = await recruiter.patch(
        f"/api/interviews/{room}/outcome", json={"outcome": "offer_intent", "notes": "三月到岗"}
    )
    assert (await notes.json())["notes"] == "三月到岗"
    assert await outcome_changes(client, room) == [
        {
            "outcome_from": "not_suitable",
            "outcome_to": "offer_intent",
            "notes_from": "误点",
            "notes_to": "误点",
            "changed_by": recruiter.account_id,
        },
        {
            "outcome_from": "offer_intent",
            "outcome_to": "offer_intent",
            "notes_from": "误点",
            "notes_to": "三月到岗",
            "changed_by": recruiter.account_id,
        },
    ]
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        ticket = await conn.fetchval("SELECT state FROM tickets WHERE id = $1", room)
    assert ticket == "done"


async def test_a_correction_is_refused_too_late_by_others_or_before_any_outcome(
    client: Client, clock: FakeClock
) -> None:
    room, _, recruiter, candidate, colleague = await an_interview(client, "nofix")
    early = await recruiter.patch(f"/api/interviews/{room}/outcome", json={"outcome": "no_show"})
    assert await code_of(early, 409) == "interview.not_recorded"
    recorded = await recruiter.post(
        f"/api/interviews/{room}/outcome", json={"outcome": "next_round", "notes": "好"}
    )
    assert recorded.status == 200, await recorded.text()
    by_candidate = await candidate.patch(
        f"/api/interviews/{room}/outcome", json={"outcome": "offer_intent"}
    )
    assert await code_of(by_candidate, 403) == "auth.forbidden"
    # Staff of the booth who were not in this interview are strangers to it.
    by_colleague = await colleague.patch(
        f"/api/interviews/{room}/outcome", json={"outcome": "offer_intent"}
    )
    assert await code_of(by_colleague, 403) == "auth.forbidden"
    bad = await recruiter.patch(f"/api/interviews/{room}/outcome", json={"outcome": "hired"})
    assert await code_of(bad, 422) == "request.invalid"
    long = await recruiter.patch(
        f"/api/interviews/{room}/outcome", json={"outcome": "next_round", "notes": "x" * 4001}
    )
    assert await code_of(long, 422) == "request.invalid"
    clock.advance(timedelta(minutes=15))
    late = await recruiter.patch(
        f"/api/interviews/{room}/outcome", json={"outcome": "offer_intent"}
    )
    assert await code_of(late, 409) == "interview.correction_closed"
    seen = await (await recruiter.get(f"/api/interviews/{room}")).json()
    assert (seen["outcome"], seen["notes"]) == ("next_round", "好")
    assert await outcome_changes(client, room) == []
