"""A featured session goes live: the lobby opens on time, only a host with an active WHIP
publisher goes live, viewers watch over WHEP only while live, the host (or the
programme's end timer) ends it for everyone, and the statistics add up.

Media flows between aiortc clients and the in-process server over this machine's own
interface address, as in test_broadcast.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from aiohttp.test_utils import TestClient

from server.api.broadcast import MEDIA_EDGE
from server.appkeys import POOL
from server.realtime.client import StreamClient
from server.store import sessions_live as sessions_store
from server.timers import FakeClock
from signaling.client import Publisher, Viewer, WhipError
from tests.helpers import Person, quick_person, within, ws_url
from tests.integration.test_programme import July, clock, cst, july_fair
from tests.integration.test_programme_timers import published, run_at
from tests.plans import generic_plan, rows_read

Client = TestClient[Any, Any]
__all__ = ["clock"]  # the programme's FakeClock: 15 June 2020

pytestmark = pytest.mark.timeout(90)

STARTS = cst(2020, 7, 8, 10)  # Beijing's week-2 session: 10:00-11:30
LOBBY = cst(2020, 7, 8, 9, 45)


@dataclass
class Live:
    client: Client
    clock: FakeClock
    july: July
    host: Person
    viewer: Person
    id: str

    @property
    def base(self) -> str:
        return f"/api/featured-sessions/{self.id}"

    @property
    def admin(self) -> Person:
        return self.july.admins["110000"]

    def url(self, path: str) -> str:
        return str(self.client.make_url(path))


async def a_session(client: Client, clock: FakeClock, *, lobby: bool = True) -> Live:
    """Beijing's published week-2 session with one host; its lobby open if ``lobby``."""
    july = await july_fair(client)
    host = await quick_person(client, "host@example.org", "王芳")
    viewer = await quick_person(client, "viewer@example.org", "李雷")
    session = await published(july, hosts=[str(host.account_id)])
    if lobby:
        await run_at(client, clock, LOBBY)
    return Live(client, clock, july, host, viewer, session["id"])


async def state(live: Live) -> str:
    body = await (await live.client.get(f"{live.base}/live")).json()
    value: str = body["state"]
    return value


async def ingest(live: Live) -> dict[str, Any]:
    response = await live.host.post(f"{live.base}/ingest", {})
    assert response.status == 201, await response.text()
    body: dict[str, Any] = await response.json()
    return body


@pytest.fixture
async def peers() -> AsyncIterator[list[Publisher | Viewer]]:
    started: list[Publisher | Viewer] = []
    yield started
    closing = asyncio.gather(*(peer.close() for peer in started), return_exceptions=True)
    await within(30, closing, "closing the test's peers")


async def publish(live: Live, peers: list[Publisher | Viewer]) -> tuple[Publisher, str]:
    issued = await ingest(live)
    publisher = await Publisher.start(
        live.client.session, live.url(f"/api/broadcasts/{live.id}/whip"), issued["ingest_token"]
    )
    peers.append(publisher)
    return publisher, issued["ingest_token"]


async def watch(live: Live, peers: list[Publisher | Viewer]) -> Viewer:
    viewer = await Viewer.start(
        live.client.session, live.url(f"/api/broadcasts/{live.id}/whep"), decode=False
    )
    peers.append(viewer)
    return viewer


async def next_event(stream: StreamClient, type_: str, within: float = 15) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        frame = await stream.next_op("event", max(deadline - loop.time(), 0.01))
        if frame["type"] == type_:
            return frame


async def test_the_host_goes_live_with_a_publisher_viewers_watch_and_the_end_reaches_them(
    client: Client, clock: FakeClock, peers: list[Publisher | Viewer]
) -> None:
    live = await a_session(client, clock)
    assert await state(live) == "lobby"
    async with StreamClient(ws_url(client), token=live.viewer.token) as stream:
        await stream.subscribe(f"session:{live.id}")
        snapshot = await stream.next_op("snapshot")
        assert snapshot["data"]["session"]["state"] == "lobby"
        assert snapshot["data"]["me"]["moderator"] is False

        refused = await live.host.post(f"{live.base}/go-live", {})
        assert refused.status == 409
        assert (await refused.json())["code"] == "session.no_ingest"
        with pytest.raises(WhipError) as early:  # nobody watches before it is live
            await watch(live, peers)
        assert early.value.status == 409
        assert early.value.body["code"] == "broadcast.not_live"

        await publish(live, peers)
        body = await (await client.get(f"{live.base}/live")).json()
        assert body["ingest_active"] is True
        for outsider in (live.viewer, live.admin):
            forbidden = await outsider.post(f"{live.base}/go-live", {})
            assert forbidden.status == 403
        went = await live.host.post(f"{live.base}/go-live", {})
        assert went.status == 200, await went.text()
        assert (await went.json())["state"] == "live"
        event = await next_event(stream, "session.state")
        assert event["data"]["state"] == "live"

        viewer = await watch(live, peers)
        await viewer.wait_frames(20, within=30)

        ended = await live.host.post(f"{live.base}/end", {})
        assert ended.status == 200
        assert (await ended.json())["state"] == "ended"
        assert (await next_event(stream, "session.state"))["data"]["state"] == "ended"
        await asyncio.wait_for(viewer.ended.wait(), 20)
    again = await live.host.post(f"{live.base}/end", {})
    assert again.status == 409
    assert (await again.json())["code"] == "featured_session.wrong_state"
    stats = await (await live.host.get(f"{live.base}/stats")).json()
    assert stats["final"] is True
    assert stats["peak_viewers"] == 1  # the viewer following the topic when it went live


async def test_a_publisher_is_refused_before_the_lobby_and_only_hosts_get_a_token(
    client: Client, clock: FakeClock, peers: list[Publisher | Viewer]
) -> None:
    live = await a_session(client, clock, lobby=False)
    assert (await live.viewer.post(f"{live.base}/ingest", {})).status == 403
    assert (await live.admin.post(f"{live.base}/ingest", {})).status == 403
    assert (await client.post(f"{live.base}/ingest", json={})).status == 401
    issued = await ingest(live)  # hosts may set up OBS ahead
    assert issued["whip_url"].endswith(f"/api/broadcasts/{live.id}/whip")
    with pytest.raises(WhipError) as refused:
        await Publisher.start(
            client.session, live.url(f"/api/broadcasts/{live.id}/whip"), issued["ingest_token"]
        )
    assert refused.value.status == 409
    assert refused.value.body["code"] == "featured_session.wrong_state"
    # A host may also rotate the token signed in; the old one stops.
    rotated = await live.host.post(f"/api/broadcasts/{live.id}/ingest-token", {})
    assert rotated.status == 201, await rotated.text()
    other = await live.viewer.post(f"/api/broadcasts/{live.id}/ingest-token", {})
    assert other.status == 403


async def test_a_forgotten_live_session_is_ended_by_the_timer_and_its_media_with_it(
    client: Client, clock: FakeClock, peers: list[Publisher | Viewer]
) -> None:
    live = await a_session(client, clock)
    await publish(live, peers)
    assert (await live.host.post(f"{live.base}/go-live", {})).status == 200
    viewer = await watch(live, peers)
    await viewer.wait_frames(10, within=30)
    await run_at(client, clock, cst(2020, 7, 8, 11, 44))
    assert await state(live) == "live"
    await run_at(client, clock, cst(2020, 7, 8, 11, 45))  # end + 15 minutes
    assert await state(live) == "ended"
    await asyncio.wait_for(viewer.ended.wait(), 20)
    app = client.app
    assert app is not None
    assert app[MEDIA_EDGE].relay(live.id) is None


async def test_cancelling_a_session_in_its_lobby_stops_its_publisher(
    client: Client, clock: FakeClock, peers: list[Publisher | Viewer]
) -> None:
    live = await a_session(client, clock)
    await publish(live, peers)
    app = client.app
    assert app is not None
    assert app[MEDIA_EDGE].relay(live.id) is not None
    cancelled = await live.admin.post(f"{live.base}/cancel", {"reason": "主持人生病"})
    assert cancelled.status == 200, await cancelled.text()
    for _ in range(100):  # the end goes out on the bus and is handled right after
        if app[MEDIA_EDGE].relay(live.id) is None:
            break
        await asyncio.sleep(0.1)
    assert app[MEDIA_EDGE].relay(live.id) is None
    again = await live.host.post(f"{live.base}/ingest", {})
    assert again.status == 409


async def test_statistics_count_unique_viewers_watch_time_messages_and_questions(
    client: Client, clock: FakeClock, peers: list[Publisher | Viewer]
) -> None:
    live = await a_session(client, clock)
    browser = {"viewer": "b7Qx9v2LmN4pR8sT"}
    early = await client.post(f"{live.base}/views", json=browser)
    assert early.status == 409  # not live yet: not counted
    await publish(live, peers)
    assert (await live.host.post(f"{live.base}/go-live", {})).status == 200
    assert (await client.post(f"{live.base}/views", json=browser)).status == 204
    assert (await live.viewer.post(f"{live.base}/views", browser)).status == 204
    clock.advance(timedelta(seconds=30))
    assert (await client.post(f"{live.base}/views", json=browser)).status == 204
    clock.advance(timedelta(minutes=10))  # the signed-in viewer's tab slept: capped
    assert (await live.viewer.post(f"{live.base}/views", browser)).status == 204
    bad = await client.post(f"{live.base}/views", json={"viewer": "short"})
    assert bad.status == 422
    assert (await live.viewer.post(f"{live.base}/chat", {"text": "你好"})).status == 201
    # Two followers of the topic while live: the presence count raises the peak.
    async with (
        StreamClient(ws_url(client), token=live.viewer.token) as one,
        StreamClient(ws_url(client)) as two,
    ):
        for stream in (one, two):
            await stream.subscribe(f"session:{live.id}")
        while (await one.next_op("presence", within=15))["count"] != 2:
            pass
        peak = 0
        for _ in range(100):  # the peak is written right after the count goes out
            peak = (await (await live.admin.get(f"{live.base}/stats")).json())["peak_viewers"]
            if peak == 2:
                break
            await asyncio.sleep(0.1)
        assert peak == 2
    assert (await live.viewer.post(f"{live.base}/questions", {"text": "要加班吗?"})).status == 201
    assert (await live.viewer.get(f"{live.base}/stats")).status == 403
    stats = await (await live.admin.get(f"{live.base}/stats")).json()
    assert stats["unique_viewers"] == 2
    assert stats["signed_in_viewers"] == 1
    assert stats["anonymous_viewers"] == 1
    assert stats["watch_seconds"] == 30 + 60
    assert stats["messages"] == 1
    assert stats["questions"] == 1
    assert stats["final"] is False


async def test_the_live_operations_are_in_the_openapi_document(client: Client) -> None:
    document = await (await client.get("/api/openapi.json")).json()
    operations = {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
    }
    assert {
        "goLive",
        "endBroadcast",
        "postChatMessage",
        "deleteChatMessage",
        "muteUser",
        "banUser",
        "askQuestion",
        "upvoteQuestion",
        "answerQuestion",
        "getSessionStats",
        "issueSessionIngest",
        "getSessionLive",
    } <= operations
    me = document["components"]["schemas"]["LiveMe"]
    assert "moderator" in me["properties"]


async def test_a_viewers_votes_are_read_from_their_own_not_every_vote(
    client: Client, clock: FakeClock
) -> None:
    """Each viewer who opens a session gets the questions they voted for: read from their
    own votes (or the session's questions), never from every vote (from a cached generic
    plan)."""
    live = await a_session(client, clock)
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        # 300 questions, 300 viewers voting for 3 each; the viewer for 2.
        await conn.execute(
            "INSERT INTO accounts (id, email, password_hash, created_at)"
            " SELECT gen_random_uuid(), 'voter' || g || '@example.org', 'x', now()"
            "   FROM generate_series(1, 300) g"
        )
        await conn.execute(
            "INSERT INTO session_questions (id, session_id, text, asked_at)"
            " SELECT gen_random_uuid(), $1, '问题' || g, now() FROM generate_series(1, 300) g",
            UUID(live.id),
        )
        await conn.execute(
            "INSERT INTO session_question_votes (question_id, account_id, at)"
            " SELECT q.id, a.id, now()"
            "   FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM session_questions) q,"
            "        (SELECT id, row_number() OVER (ORDER BY id) AS n FROM accounts"
            "          WHERE email LIKE 'voter%') a"
            "  WHERE (q.n - a.n + 300) % 300 < 3"
        )
        await conn.execute(
            "INSERT INTO session_question_votes (question_id, account_id, at)"
            " SELECT id, $1, now() FROM session_questions ORDER BY id LIMIT 2",
            live.viewer.account_id,
        )
        await conn.execute("ANALYZE session_questions, session_question_votes")
        plan = await generic_plan(conn, sessions_store.VOTED, live.id, live.viewer.account_id)
        assert len(await sessions_store.voted(conn, UUID(live.id), live.viewer.account_id)) == 2
    read = rows_read(plan, "session_question_votes")
    assert read < 50, f"a viewer's 2 votes read {read:.0f} votes"


async def test_moderators_see_whom_they_restricted_and_nobody_else_does(
    client: Client, clock: FakeClock
) -> None:
    """The snapshot's ``me.restricted`` (moderators only) lists who is muted or banned,
    so a moderator can lift it; a lifted or lapsed mute leaves the list."""
    live = await a_session(client, clock)
    for kind, body in (("mutes", {"minutes": 10}), ("bans", {})):
        response = await live.host.post(
            f"{live.base}/{kind}", {"account_id": str(live.viewer.account_id), **body}
        )
        assert response.status == 201, await response.text()

    async def snapshot_me(who: Person) -> dict[str, Any]:
        async with StreamClient(ws_url(client), token=who.token) as stream:
            await stream.subscribe(f"session:{live.id}")
            me: dict[str, Any] = (await stream.next_op("snapshot"))["data"]["me"]
            return me

    (entry,) = (await snapshot_me(live.host))["restricted"]
    assert entry["account_id"] == str(live.viewer.account_id)
    assert (entry["name"], entry["muted"], entry["banned"]) == ("李雷", True, True)
    assert entry["muted_until"] is not None
    assert "restricted" not in await snapshot_me(live.viewer)  # theirs only for moderators

    lifted = await live.host.delete(f"{live.base}/bans/{live.viewer.account_id}")
    assert lifted.status == 204, await lifted.text()
    (entry,) = (await snapshot_me(live.host))["restricted"]
    assert (entry["muted"], entry["banned"]) == (True, False)
    clock.advance(11 * 60)  # the mute lapses by itself
    assert (await snapshot_me(live.host))["restricted"] == []
