"""Chat and Q&A of a featured session: limits, rate, moderation, redaction on resume,
one vote per account, answered questions, order by votes then time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from server.appkeys import POOL
from server.realtime.client import StreamClient
from server.timers import FakeClock
from tests.helpers import PASSWORD, quick_person, ws_url
from tests.integration.test_programme import clock
from tests.integration.test_session_live import Live, a_session, next_event

Client = TestClient[Any, Any]
__all__ = ["clock"]  # the programme's FakeClock: 15 June 2020

SECRET = "我的手机号 13800138000"


async def say(live: Live, who: Any, text: str) -> Any:
    return await who.post(f"{live.base}/chat", {"text": text})


async def code(response: Any, status: int) -> str:
    assert response.status == status, await response.text()
    value: str = (await response.json())["code"]
    return value


async def test_a_message_reaches_followers_and_bad_ones_are_refused(
    client: Client, clock: FakeClock
) -> None:
    live = await a_session(client, clock)
    async with StreamClient(ws_url(client)) as anonymous:  # anyone may follow
        await anonymous.subscribe(f"session:{live.id}")
        await anonymous.next_op("snapshot")
        posted = await say(live, live.viewer, "  请问有实习岗位吗?  ")
        assert posted.status == 201, await posted.text()
        message = await posted.json()
        assert message["text"] == "请问有实习岗位吗?"
        assert message["author_name"] == "李雷"
        event = await next_event(anonymous, "chat.message")
        assert event["data"]["id"] == message["id"]
        assert event["data"]["text"] == "请问有实习岗位吗?"
    assert await code(await client.post(f"{live.base}/chat", json={"text": "hi"}), 401) == (
        "auth.required"
    )
    clock.advance(timedelta(seconds=2))
    too_long = await say(live, live.viewer, "长" * 501)
    assert await code(too_long, 422) == "request.invalid"
    assert (await too_long.json())["errors"][0]["pointer"] == "/text"
    assert await code(await say(live, live.viewer, "   "), 422) == "request.invalid"
    assert (await say(live, live.viewer, "长" * 500)).status == 201
    listed = await (await client.get(f"{live.base}/chat")).json()
    assert [m["text"] for m in listed["items"]] == ["请问有实习岗位吗?", "长" * 500]


async def test_one_message_per_two_seconds(client: Client, clock: FakeClock) -> None:
    live = await a_session(client, clock)
    assert (await say(live, live.viewer, "第一条")).status == 201
    too_fast = await say(live, live.viewer, "第二条")
    assert await code(too_fast, 429) == "rate.limited"
    assert too_fast.headers["Retry-After"] == "2"
    assert (await say(live, live.host, "主持人不受影响")).status == 201  # per account
    clock.advance(timedelta(seconds=2))
    assert (await say(live, live.viewer, "第二条")).status == 201


async def test_only_moderators_moderate_and_a_muted_account_cannot_chat(
    client: Client, clock: FakeClock
) -> None:
    live = await a_session(client, clock)
    loud = await quick_person(client, "loud@example.org", "张三")
    posted = await (await say(live, loud, "广告")).json()
    me = str(loud.account_id)
    assert await code(await live.viewer.delete(f"{live.base}/chat/{posted['id']}"), 403) == (
        "auth.forbidden"
    )
    assert await code(await live.viewer.post(f"{live.base}/mutes", {"account_id": me}), 403) == (
        "auth.forbidden"
    )
    assert await code(await live.viewer.post(f"{live.base}/bans", {"account_id": me}), 403) == (
        "auth.forbidden"
    )
    muted = await live.host.post(f"{live.base}/mutes", {"account_id": me, "minutes": 5})
    assert muted.status == 201, await muted.text()
    clock.advance(timedelta(seconds=3))
    refused = await say(live, loud, "再来一条")
    assert await code(refused, 403) == "chat.muted"
    assert (await refused.json())["until"] is not None
    assert await code(await loud.post(f"{live.base}/questions", {"text": "?"}), 403) == (
        "chat.muted"
    )
    view = await (await loud.get(f"{live.base}/live")).json()
    assert view["me"]["muted"] is True
    clock.advance(timedelta(minutes=5))  # a timed mute lifts by itself
    assert (await say(live, loud, "我回来了")).status == 201
    # A venue admin bans; a ban also stops questions and votes, until lifted.
    banned = await live.admin.post(f"{live.base}/bans", {"account_id": me})
    assert banned.status == 201
    clock.advance(timedelta(seconds=3))
    assert await code(await say(live, loud, "..."), 403) == "session.banned"
    question = await (await live.viewer.post(f"{live.base}/questions", {"text": "加班吗?"})).json()
    vote = await loud.put(f"{live.base}/questions/{question['id']}/vote")
    assert await code(vote, 403) == "session.banned"
    assert (await live.admin.delete(f"{live.base}/bans/{me}")).status == 204
    assert (await say(live, loud, "谢谢")).status == 201
    # Moderators are never restricted.
    host = {"account_id": str(live.host.account_id)}
    refused_mute = await live.admin.post(f"{live.base}/mutes", host)
    assert await code(refused_mute, 422) == "request.invalid"
    assert (await refused_mute.json())["errors"][0]["code"] == "moderation.moderator"


async def test_a_deleted_message_is_never_replayed_on_resume(
    client: Client, clock: FakeClock
) -> None:
    live = await a_session(client, clock)
    topic = f"session:{live.id}"
    async with StreamClient(ws_url(client), token=live.viewer.token) as watcher:
        await watcher.subscribe(topic)
        before = (await watcher.next_op("subscribed"))["seq"]
        secret = await (await say(live, live.viewer, SECRET)).json()
        clock.advance(timedelta(seconds=2))
        kept = await (await say(live, live.viewer, "保留的消息")).json()
        await next_event(watcher, "chat.message")
        assert (await live.host.delete(f"{live.base}/chat/{secret['id']}")).status == 204
        deleted = await next_event(watcher, "chat.deleted")
        assert deleted["data"]["id"] == secret["id"]
        # Resumed on this node while the hub still holds the topic: from memory.
        async with StreamClient(ws_url(client)) as resumed:
            await resumed.subscribe(topic, since=before)
            frames = await _until_subscribed(resumed)
        _assert_redacted(frames, secret["id"], kept["id"])
    # Nobody follows now: the hub dropped the topic; a resume reads PostgreSQL.
    async with StreamClient(ws_url(client)) as resumed:
        await resumed.subscribe(topic, since=before)
        frames = await _until_subscribed(resumed)
    _assert_redacted(frames, secret["id"], kept["id"])
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        stored = await conn.fetch("SELECT data::text AS data FROM events WHERE topic = $1", topic)
    assert not any(SECRET in row["data"] for row in stored)
    # A fresh snapshot and the list leave it out; deleting again changes nothing.
    async with StreamClient(ws_url(client)) as fresh:
        await fresh.subscribe(topic)
        snapshot = await fresh.next_op("snapshot")
    assert [m["id"] for m in snapshot["data"]["chat"]] == [kept["id"]]
    assert (await live.host.delete(f"{live.base}/chat/{secret['id']}")).status == 204
    listed = await (await client.get(f"{live.base}/chat")).json()
    assert [m["id"] for m in listed["items"]] == [kept["id"]]


async def _until_subscribed(stream: StreamClient) -> list[dict[str, Any]]:
    frames = []
    while (frame := await stream.next()).get("op") != "subscribed":
        frames.append(frame)
    return frames


def _assert_redacted(frames: list[dict[str, Any]], secret: str, kept: str) -> None:
    assert all(f["op"] == "event" for f in frames), frames  # a replay, not a snapshot
    assert SECRET not in str(frames)
    by_type = [(f["type"], f["data"]) for f in frames]
    assert by_type == [
        ("chat.message", {"id": secret, "redacted": True}),
        ("chat.message", by_type[1][1]),
        ("chat.deleted", {"id": secret, "redacts": frames[0]["seq"]}),
    ]
    assert by_type[1][1]["id"] == kept


async def test_questions_one_vote_per_account_answered_and_ordered(
    client: Client, clock: FakeClock
) -> None:
    live = await a_session(client, clock)
    fans = [await quick_person(client, f"fan{i}@example.org", f"观众{i}") for i in range(2)]
    first = await (await live.viewer.post(f"{live.base}/questions", {"text": "先问的"})).json()
    second = await (await fans[0].post(f"{live.base}/questions", {"text": "后问的"})).json()
    assert await code(await live.viewer.post(f"{live.base}/questions", {"text": "?" * 301}), 422)
    async with StreamClient(ws_url(client)) as watcher:
        await watcher.subscribe(f"session:{live.id}")
        snapshot = await watcher.next_op("snapshot")
        assert [q["id"] for q in snapshot["data"]["questions"]] == [first["id"], second["id"]]
        vote = f"{live.base}/questions/{second['id']}/vote"
        once = await fans[1].put(vote)
        assert once.status == 200
        assert (await once.json())["votes"] == 1
        twice = await fans[1].put(vote)
        assert twice.status == 200
        assert (await twice.json()) == (await once.json())
        voted = await next_event(watcher, "question.voted")
        assert voted["data"] == {"id": second["id"], "votes": 1}
        listed = await (await fans[1].get(f"{live.base}/questions")).json()
        assert [(q["id"], q["votes"], q["voted"]) for q in listed["items"]] == [
            (second["id"], 1, True),
            (first["id"], 0, False),
        ]
        answer = f"{live.base}/questions/{second['id']}/answer"
        assert await code(await fans[1].post(answer, {}), 403) == "auth.forbidden"
        answered = await live.host.post(answer, {})
        assert answered.status == 200
        assert (await answered.json())["answered"] is True
        event = await next_event(watcher, "question.answered")
        assert event["data"]["id"] == second["id"]
        # The second vote sent no event: the next one is the answer's.
        assert voted["seq"] + 1 == event["seq"]
    missing = await fans[1].put(f"{live.base}/questions/{live.id}/vote")
    assert await code(missing, 404) == "question.not_found"


async def test_no_chat_before_the_lobby_and_unpublished_sessions_stay_hidden(
    client: Client, clock: FakeClock
) -> None:
    live = await a_session(client, clock, lobby=False)
    refused = await say(live, live.viewer, "早")
    assert await code(refused, 409) == "featured_session.wrong_state"
    assert (await refused.json())["state"] == "scheduled"
    draft = await live.july.draft("120000")
    hidden = await live.viewer.get(f"/api/featured-sessions/{draft['id']}/live")
    assert await code(hidden, 404) == "featured_session.not_found"
    async with StreamClient(ws_url(client), token=live.viewer.token) as stream:
        await stream.subscribe(f"session:{draft['id']}")
        error = await stream.next_op("error")
    assert error["code"] == "topic.unknown"


async def test_deleting_an_account_deletes_what_it_said_in_sessions(
    client: Client, clock: FakeClock
) -> None:
    """What a candidate wrote in a session's chat and Q&A is theirs: deleting the account
    deletes it, live for every follower and redacted in the stored history."""
    live = await a_session(client, clock)
    topic = f"session:{live.id}"
    leaving = await quick_person(client, "leaving@example.org", "韩梅梅")
    staying = await (await say(live, live.viewer, "保留的消息")).json()
    said = await (await say(live, leaving, SECRET)).json()
    asked = await (await leaving.post(f"{live.base}/questions", {"text": SECRET})).json()
    async with StreamClient(ws_url(client)) as watcher:
        await watcher.subscribe(topic)
        await watcher.next_op("snapshot")
        gone = await client.request(
            "DELETE", "/api/me", json={"password": PASSWORD}, headers=leaving.headers
        )
        assert gone.status == 204, await gone.text()
        deleted = await next_event(watcher, "chat.deleted")
        assert deleted["data"]["id"] == said["id"]
        removed = await next_event(watcher, "question.deleted")
        assert removed["data"]["id"] == asked["id"]
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        stored = await conn.fetch("SELECT data::text AS data FROM events WHERE topic = $1", topic)
    assert not any(SECRET in row["data"] for row in stored)
    listed = await (await client.get(f"{live.base}/chat")).json()
    assert [m["id"] for m in listed["items"]] == [staying["id"]]
    questions = await (await client.get(f"{live.base}/questions")).json()
    assert questions["items"] == []
