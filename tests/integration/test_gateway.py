"""The event stream: snapshots, exact resume, order, limits and errors on one node."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from uuid import UUID

import aiohttp
import orjson
import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient

from server.appkeys import OUTBOX, POOL
from server.realtime.client import StreamClient
from server.store import db
from server.store import events as events_store
from server.store import notifications as notifications_store
from server.timers import FakeClock
from tests.helpers import Person, a_fair_and_venue, person, ws_url
from tests.plans import generic_plan, rows_read

Client = TestClient[Any, Any]


async def a_venue(client: Client) -> str:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        _, venue_id = await a_fair_and_venue(conn)
    return f"venue:{venue_id}"


async def emit(client: Client, topic: str, n: int, type_: str = "test.note") -> None:
    app = client.app
    assert app is not None
    for i in range(n):
        async with app[OUTBOX].transaction() as tx:
            tx.emit(topic, type_, {"i": i})


async def test_a_subscriber_gets_a_snapshot_then_every_event_in_order(client: Client) -> None:
    topic = await a_venue(client)
    async with StreamClient(ws_url(client)) as stream:
        await stream.subscribe(topic)
        snapshot = await stream.next_op("snapshot")
        assert snapshot["seq"] == 0
        assert snapshot["recovered"] is False
        assert snapshot["data"]["venue"]["name_zh"]
        subscribed = await stream.next_op("subscribed")
        assert subscribed["seq"] == 0
        await emit(client, topic, 5)
        seqs = [(await stream.next_op("event"))["seq"] for _ in range(5)]
        assert seqs == [1, 2, 3, 4, 5]


async def test_a_resume_replays_exactly_the_missed_events(client: Client) -> None:
    topic = await a_venue(client)
    await emit(client, topic, 3)
    async with StreamClient(ws_url(client), reconnect=False) as first:
        await first.subscribe(topic)
        assert (await first.next_op("subscribed"))["seq"] == 3
    await emit(client, topic, 7)  # missed while away (K = 7)
    async with StreamClient(ws_url(client), reconnect=False) as again:
        await again.subscribe(topic, since=3)
        frames = [await again.next() for _ in range(8)]
    assert [f["op"] for f in frames] == ["event"] * 7 + ["subscribed"]
    assert [f["seq"] for f in frames[:7]] == [4, 5, 6, 7, 8, 9, 10]
    assert [f["data"]["i"] for f in frames[:7]] == list(range(7))
    assert frames[7]["seq"] == 10


async def test_a_dropped_client_reconnects_and_holds_every_event_once(client: Client) -> None:
    topic = await a_venue(client)
    async with StreamClient(ws_url(client)) as stream:
        await stream.subscribe(topic)
        await stream.next_op("subscribed")
        stream.drop()
        await emit(client, topic, 10)
        seqs: list[int] = []
        while len(seqs) < 10:
            frame = await stream.next()
            if frame["op"] == "event":
                seqs.append(frame["seq"])
            assert frame["op"] != "snapshot"  # resumed, not restarted
    assert seqs == list(range(1, 11))
    assert stream.connects == 2


async def test_a_resume_after_the_history_was_pruned_says_so(
    client: Client, clock: FakeClock
) -> None:
    topic = await a_venue(client)
    await emit(client, topic, 2)
    app = client.app
    assert app is not None
    async with StreamClient(ws_url(client)) as stream:
        await stream.subscribe(topic)
        await stream.next_op("subscribed")
        stream.drop()
        await emit(client, topic, 2)
        async with app[POOL].acquire() as conn:
            await events_store.prune(conn, clock.now() + timedelta(seconds=1))
        snapshot = await stream.next_op("snapshot")
    assert snapshot["recovered"] is False
    assert snapshot["seq"] == 4


async def test_concurrent_writers_on_several_topics_keep_each_topic_in_order(
    client: Client,
) -> None:
    app = client.app
    assert app is not None
    topics = [f"venue:{UUID(int=i)}" for i in range(1, 5)]

    async def writer(w: int) -> None:
        for i in range(25):
            async with app[OUTBOX].transaction() as tx:
                # Overlapping topic sets in different orders: the outbox must not deadlock.
                for topic in (topics[w % 4], topics[(w + 1) % 4], topics[(w + 3) % 4]):
                    tx.emit(topic, "test.note", {"writer": w, "i": i})

    await asyncio.gather(*(writer(w) for w in range(8)))
    async with app[POOL].acquire() as conn:
        for topic in topics:
            seqs = [e.seq for e in await events_store.events_after(conn, topic, 0)]
            # 8 writers x 25 transactions x 3 of the 4 topics each: 150 per topic.
            assert seqs == list(range(1, 151))


async def test_subscribers_joining_during_a_continuous_publish_see_no_gap_or_duplicate(
    client: Client,
) -> None:
    topic = await a_venue(client)
    streams = [StreamClient(ws_url(client), reconnect=False) for _ in range(200)]
    stop = asyncio.Event()

    async def publish() -> None:
        while not stop.is_set():
            await emit(client, topic, 1)

    publisher = asyncio.create_task(publish())
    try:
        for i, stream in enumerate(streams):
            await stream.start()
            await stream.subscribe(topic)
            if i % 20 == 0:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)
    finally:
        stop.set()
        await publisher
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        final = await events_store.current_seq(conn, topic)
    for stream in streams:
        snapshot = await stream.next_op("snapshot")
        seqs = [snapshot["seq"]]
        while seqs[-1] < final:
            frame = await stream.next(5)
            if frame["op"] == "event":
                seqs.append(frame["seq"])
        assert seqs == list(range(seqs[0], final + 1))
        await stream.stop()


async def raw_ws(client: Client, **kwargs: Any) -> Any:
    return await client.ws_connect("/ws", **kwargs)


async def next_json(ws: Any) -> dict[str, Any]:
    message = await ws.receive(timeout=5)
    assert message.type == WSMsgType.TEXT, message
    frame: dict[str, Any] = orjson.loads(message.data)
    return frame


async def test_anonymous_visitors_cannot_read_private_topics_and_stay_connected(
    client: Client,
) -> None:
    ws = await raw_ws(client)
    await ws.send_str('{"op":"subscribe","topic":"me","ref":"a"}')
    assert await next_json(ws) == {
        "op": "error",
        "code": "auth.forbidden",
        "message": "sign in to subscribe to me",
        "ref": "a",
    }
    for topic in (f"user:{UUID(int=1)}", f"booth:{UUID(int=1)}:staff", "secret:1"):
        await ws.send_str(orjson.dumps({"op": "subscribe", "topic": topic}).decode())
        frame = await next_json(ws)
        assert frame["code"] in ("auth.forbidden", "topic.unknown")
    await ws.send_str('{"op":"ping"}')
    assert await next_json(ws) == {"op": "pong"}
    await ws.close()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "frame.malformed"),
        ("[1,2]", "frame.malformed"),
        ('{"op":"dance"}', "op.unknown"),
        ('{"op":"subscribe"}', "topic.invalid"),
        ('{"op":"subscribe","topic":"venue:x","since":-1}', "frame.invalid"),
        ('{"op":"subscribe","topic":"venue:x","since":true}', "frame.invalid"),
        ('{"op":"unsubscribe","topic":"venue:x"}', "topic.not_subscribed"),
        ('{"op":"signal","room":"r","data":{}}', "auth.forbidden"),  # anonymous: no room
    ],
)
async def test_bad_frames_get_a_clear_error_and_the_socket_survives(
    client: Client, raw: str, code: str
) -> None:
    ws = await raw_ws(client)
    await ws.send_str(raw)
    assert (await next_json(ws))["code"] == code
    await ws.send_str('{"op":"ping"}')
    assert (await next_json(ws))["op"] == "pong"
    await ws.close()


async def test_an_oversized_frame_closes_with_1009(client: Client) -> None:
    ws = await raw_ws(client)
    await ws.send_str('{"op":"ping","pad":"' + "x" * 70_000 + '"}')
    message = await ws.receive(timeout=5)
    assert message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
    assert ws.close_code == 1009


async def test_a_subscribe_flood_is_rate_limited(client: Client) -> None:
    ws = await raw_ws(client)
    for i in range(60):
        await ws.send_str(
            orjson.dumps(
                {"op": "subscribe", "topic": f"venue:{UUID(int=i)}", "ref": f"r{i}"}
            ).decode()
        )
    codes = [(await next_json(ws))["code"] for _ in range(60)]
    assert codes.count("topic.unknown") == 50
    assert codes.count("rate.limited") == 10
    await ws.close()


async def test_a_cross_site_page_cannot_use_the_session_cookie(client: Client) -> None:
    response = await person_with_cookie(client)
    cookie = response.cookies["lf_session"].value
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect(
            "/ws", headers={"Origin": "https://evil.example", "Cookie": f"lf_session={cookie}"}
        )
    assert "403" in str(refused.value)
    ws = await client.ws_connect(
        "/ws",
        headers={"Origin": str(client.make_url("/")).rstrip("/"), "Cookie": f"lf_session={cookie}"},
    )
    await ws.send_str('{"op":"subscribe","topic":"me"}')
    assert (await next_json(ws))["op"] == "snapshot"
    await ws.close()


async def person_with_cookie(client: Client) -> Any:
    from tests.helpers import sign_up

    response = await sign_up(client, "ws-cookie@example.org", browser=True)
    assert response.status == 201
    return response


async def test_me_carries_notifications_as_they_are_read(client: Client) -> None:
    someone = await person(client, "me-topic@example.org")
    app = client.app
    assert app is not None
    from server.services.notifications import notify

    async with StreamClient(ws_url(client), token=someone.token) as stream:
        await stream.subscribe("me")
        snapshot = await stream.next_op("snapshot")
        assert snapshot["topic"] == "me"
        assert snapshot["data"]["unread_notifications"] == 0
        async with app[OUTBOX].transaction() as tx:
            await notify(
                tx,
                someone.account_id,
                "application.viewed",
                {"job": "j1"},
                app[OUTBOX]._clock.now(),
            )
        created = await stream.next_op("event")
        assert created["topic"] == "me"
        assert created["type"] == "notification.created"
        listed = await (await someone.get("/api/me/notifications")).json()
        assert listed["unread"] == 1
        notification_id = listed["items"][0]["id"]
        read = await someone.post(f"/api/me/notifications/{notification_id}/read")
        assert read.status == 204
        assert (await stream.next_op("event"))["type"] == "notification.read"
    assert (await (await someone.get("/api/me/notifications")).json())["unread"] == 0


async def test_the_unread_count_reads_the_unread_notifications_not_the_inbox(
    conn: db.Connection,
) -> None:
    """Every "me" snapshot (each page a signed-in person opens) counts their unread
    notifications: it reads those, not every notification the account ever had (as the
    server runs it: a cached generic plan)."""
    someone = await conn.fetchval(
        "INSERT INTO accounts (id, email, password_hash, created_at)"
        " VALUES (gen_random_uuid(), 'inbox@example.org', 'x', now()) RETURNING id"
    )
    await conn.execute(
        "INSERT INTO accounts (id, email, password_hash, created_at)"
        " SELECT gen_random_uuid(), 'other' || g || '@example.org', 'x', now()"
        "   FROM generate_series(1, 20) g"
    )
    # A month of notices, read, for them and 20 others; then 2 unread.
    await conn.execute(
        "INSERT INTO notifications (id, account_id, kind, created_at, read_at)"
        " SELECT gen_random_uuid(), a.id, 'queue.room', now() - g * interval '1 hour', now()"
        "   FROM accounts a, generate_series(1, 500) g"
    )
    await conn.execute(
        "INSERT INTO notifications (id, account_id, kind, created_at)"
        " SELECT gen_random_uuid(), $1, 'queue.room', now() FROM generate_series(1, 2)",
        someone,
    )
    await conn.execute("ANALYZE notifications")
    assert await notifications_store.unread(conn, someone) == 2
    plan = await generic_plan(conn, notifications_store.UNREAD, someone)
    read = rows_read(plan, "notifications")
    assert read < 50, f"the unread count read {read:.0f} notifications for 2 unread"
    # The inbox's "unread only" list, likewise.
    listed = await notifications_store.listed(
        conn, someone, unread_only=True, older_than=None, limit=20
    )
    assert [n["read"] for n in listed] == [False, False]
    plan = await generic_plan(conn, notifications_store.LISTED_UNREAD, someone, 20)
    read = rows_read(plan, "notifications")
    assert read < 50, f"listing 2 unread notifications read {read:.0f}"


async def inbox(someone: Person, *, unread_only: bool = False, limit: int) -> list[list[str]]:
    """Every page of someone's inbox, following next_before: the ids on each page."""
    pages: list[list[str]] = []
    before = None
    while True:
        query = f"limit={limit}&unread_only={str(unread_only).lower()}"
        query += f"&before={before}" if before else ""
        response = await someone.get(f"/api/me/notifications?{query}")
        assert response.status == 200, await response.text()
        body = await response.json()
        pages.append([item["id"] for item in body["items"]])
        before = body["next_before"]
        if before is None:
            return pages
        assert before == pages[-1][-1]
        assert len(pages) < 20, "next_before never ends"


async def test_load_older_shows_notifications_that_share_an_instant_exactly_once(
    client: Client, clock: FakeClock
) -> None:
    """One transaction writes several notices with one created_at; pages that split
    them show each exactly once, newest first, and the last page says there is no more."""
    from server.services.notifications import notify

    app = client.app
    assert app is not None
    someone = await person(client, "same-instant@example.org")
    at = clock.now()
    async with app[OUTBOX].transaction() as tx:  # an older one, on its own
        await notify(tx, someone.account_id, "test.note", {"n": 0}, at - timedelta(minutes=1))
    async with app[OUTBOX].transaction() as tx:  # five in one transaction: one instant
        together = [await notify(tx, someone.account_id, "test.note", {}, at) for _ in range(5)]
    async with app[OUTBOX].transaction() as tx:
        await notify(tx, someone.account_id, "test.note", {"n": 7}, at + timedelta(minutes=1))
    everything = await (await someone.get("/api/me/notifications?limit=200")).json()
    newest_first = [item["id"] for item in everything["items"]]
    assert len(newest_first) == 7
    assert everything["next_before"] is None
    assert newest_first[1:6] == sorted((str(i) for i in together), reverse=True)

    for limit in (1, 2, 3, 4):
        pages = await inbox(someone, limit=limit)
        assert [i for page in pages for i in page] == newest_first, f"limit={limit}"
        assert all(len(page) == limit for page in pages[:-1])

    # The unread only, likewise: one of those sharing the instant was read meanwhile.
    read = newest_first[3]
    assert (await someone.post(f"/api/me/notifications/{read}/read")).status == 204
    unread = [i for i in newest_first if i != read]
    for limit in (1, 2, 4):
        pages = await inbox(someone, unread_only=True, limit=limit)
        assert [i for page in pages for i in page] == unread, f"limit={limit}"
    # A page may start after one that has since been read.
    after_read = await (
        await someone.get(f"/api/me/notifications?unread_only=true&limit=2&before={read}")
    ).json()
    assert [item["id"] for item in after_read["items"]] == newest_first[4:6]


async def test_a_malformed_or_foreign_before_is_refused_and_changes_nothing(
    client: Client, clock: FakeClock
) -> None:
    from server.services.notifications import notify

    app = client.app
    assert app is not None
    someone = await person(client, "cursor-owner@example.org")
    other = await person(client, "cursor-other@example.org")
    async with app[OUTBOX].transaction() as tx:
        theirs = await notify(tx, other.account_id, "test.note", {}, clock.now())
        await notify(tx, someone.account_id, "test.note", {}, clock.now())
    first = await (await someone.get("/api/me/notifications")).json()

    # Not an id (a timestamp, as `before` once was): the field is named.
    for bad in ("not-a-cursor", "2020-07-01T10:00:00%2B08:00"):
        response = await someone.get(f"/api/me/notifications?before={bad}")
        assert response.status == 422
        assert response.content_type == "application/problem+json"
        problem = await response.json()
        assert problem["code"] == "request.invalid"
        assert [(e["pointer"], e["code"]) for e in problem["errors"]] == [
            ("/query/before", "wrong_type")
        ]
    # Someone else's notification is no place in your inbox.
    response = await someone.get(f"/api/me/notifications?before={theirs}")
    assert response.status == 404
    assert response.content_type == "application/problem+json"
    assert (await response.json())["code"] == "notification.not_found"
    assert await (await someone.get("/api/me/notifications")).json() == first
    assert (await (await other.get("/api/me/notifications")).json())["unread"] == 1


async def test_a_later_page_of_many_notices_sharing_an_instant_reads_only_its_own(
    conn: db.Connection,
) -> None:
    """A page that starts in the middle of notifications sharing one created_at starts
    at its key in the index (created_at, id): it does not read the others of that instant
    again (as the server runs it: a cached generic plan). The unread list likewise."""
    someone = await conn.fetchval(
        "INSERT INTO accounts (id, email, password_hash, created_at)"
        " VALUES (gen_random_uuid(), 'burst@example.org', 'x', now()) RETURNING id"
    )
    await conn.execute(
        "INSERT INTO notifications (id, account_id, kind, created_at)"
        " SELECT gen_random_uuid(), $1, 'queue.room', '2020-07-01T10:00:00+08'"
        "   FROM generate_series(1, 1000)",
        someone,
    )
    await conn.execute("ANALYZE notifications")
    ids = [
        r["id"]
        for r in await notifications_store.listed(
            conn, someone, unread_only=False, older_than=None, limit=1000
        )
    ]
    middle = await notifications_store.position(conn, someone, ids[499])
    assert middle is not None
    for sql in (notifications_store.LISTED_OLDER, notifications_store.LISTED_UNREAD_OLDER):
        page = await conn.fetch(sql, someone, 20, *middle)
        assert [r["id"] for r in page] == ids[500:520]
        plan = await generic_plan(conn, sql, someone, 20, *middle)
        read = rows_read(plan, "notifications")
        assert read < 50, f"a page of 20 read {read:.0f} notifications"


async def test_events_older_than_a_day_are_pruned_by_the_hourly_timer(
    client: Client, clock: FakeClock
) -> None:
    from server.appkeys import TIMERS
    from server.timers import TimerRunner

    app = client.app
    assert app is not None
    topic = await a_venue(client)
    await emit(client, topic, 3)
    runner = TimerRunner(app[POOL], app[TIMERS], clock)
    clock.advance(timedelta(hours=1, seconds=1))
    assert await runner.run_due() == 1  # the first prune: nothing is a day old yet
    async with app[POOL].acquire() as conn:
        assert len(await events_store.events_after(conn, topic, 0)) == 3
    clock.advance(timedelta(hours=24))
    while await runner.run_due():
        pass
    async with app[POOL].acquire() as conn:
        assert await events_store.events_after(conn, topic, 0) == []
        assert await events_store.current_seq(conn, topic) == 3  # seq never goes back
        next_prune = await conn.fetchval("SELECT due_at FROM timers WHERE kind = 'events.prune'")
    assert next_prune > clock.now()


async def test_a_server_shutting_down_closes_sockets_with_1001_going_away(
    client: Client,
) -> None:
    topic = await a_venue(client)
    stream = StreamClient(ws_url(client), reconnect=False)
    await stream.start()
    await stream.subscribe(topic)
    await stream.next_op("subscribed")
    await client.close()  # graceful shutdown: on_shutdown closes every socket
    closed = await stream.next_op("closed")
    assert closed["codes"] == [1001]
    await stream.stop()


async def browser_socket(client: Client, cookie: str) -> Any:
    """A WebSocket as this site's page opens it with the session cookie, following me."""
    ws = await client.ws_connect(
        "/ws",
        headers={"Origin": str(client.make_url("/")).rstrip("/"), "Cookie": f"lf_session={cookie}"},
    )
    await ws.send_str('{"op":"subscribe","topic":"me"}')
    assert (await next_json(ws))["op"] == "snapshot"
    return ws


async def closed_with(ws: Any) -> int | None:
    """The close code, once the frames sent before it are read."""
    for _ in range(20):
        message = await ws.receive(timeout=5)
        if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING):
            code: int | None = ws.close_code
            return code
    raise AssertionError("the socket stayed open")


async def test_a_session_that_ends_closes_its_sockets_and_no_others(client: Client) -> None:
    """Signing out, or revoking a session from another device, closes that session's
    sockets at once (4401 session_ended), so it stops receiving the account's events;
    the account's other sessions keep theirs."""
    from tests.helpers import PASSWORD

    jar = client.session.cookie_jar
    first = (await person_with_cookie(client)).cookies["lf_session"].value
    jar.clear()
    login = await client.post(
        "/api/auth/login",
        json={"identifier": "ws-cookie@example.org", "password": PASSWORD, "client": "browser"},
    )
    assert login.status == 200, await login.text()
    second, csrf = login.cookies["lf_session"].value, login.cookies["csrf_token"].value
    jar.clear()
    as_second = {"Cookie": f"lf_session={second}; csrf_token={csrf}", "X-CSRF-Token": csrf}
    on_first, on_second = await browser_socket(client, first), await browser_socket(client, second)

    # The second device revokes the first session ("sign out that device").
    sessions = (await (await client.get("/api/me/sessions", headers=as_second)).json())["items"]
    (first_session,) = [s["id"] for s in sessions if not s["current"]]
    revoked = await client.delete(f"/api/me/sessions/{first_session}", headers=as_second)
    assert revoked.status == 204, await revoked.text()
    assert await closed_with(on_first) == 4401
    await on_second.send_str('{"op":"ping"}')
    while (await next_json(on_second))["op"] != "pong":  # the other session's stays open
        pass

    # The second signs out: its socket closes too.
    out = await client.post("/api/auth/logout", headers=as_second)
    assert out.status == 204, await out.text()
    assert await closed_with(on_second) == 4401


async def test_deleting_the_account_closes_its_sockets(client: Client) -> None:
    from tests.helpers import PASSWORD

    response = await person_with_cookie(client)
    cookie, csrf = response.cookies["lf_session"].value, response.cookies["csrf_token"].value
    client.session.cookie_jar.clear()
    ws = await browser_socket(client, cookie)
    gone = await client.delete(
        "/api/me",
        json={"password": PASSWORD},
        headers={"Cookie": f"lf_session={cookie}; csrf_token={csrf}", "X-CSRF-Token": csrf},
    )
    assert gone.status == 204, await gone.text()
    assert await closed_with(ws) == 4401
