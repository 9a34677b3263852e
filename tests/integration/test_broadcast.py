"""WHIP ingest and WHEP egress through the real application, with aiortc clients.

Media flows over this machine's own interface address (aiortc gathers no loopback
candidates); HTTP goes to the in-process test server.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from server.api.broadcast import MEDIA_EDGE, VIEWER_CAP
from server.app import create_app
from server.config import Settings
from server.timers import FakeClock
from signaling import client as media
from signaling.client import Publisher, Viewer, WhipError
from signaling.tokens import operator_token
from tests.conftest import TEST_SECRET_KEY
from tests.helpers import within

ClientFactory = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]
OPERATOR = {"Authorization": f"Bearer {operator_token(TEST_SECRET_KEY)}"}
NOW = datetime(2020, 7, 8, 2, 0, tzinfo=UTC)

pytestmark = pytest.mark.timeout(90)


@dataclass
class Broadcast:
    id: str
    token: str
    whip: str  # absolute, for the aiortc clients
    whep: str
    body: dict[str, Any]

    @property
    def whip_path(self) -> str:
        return f"/api/broadcasts/{self.id}/whip"

    @property
    def whep_path(self) -> str:
        return f"/api/broadcasts/{self.id}/whep"


async def make_app(
    aiohttp_client: ClientFactory, settings: Settings, *, cap: int = 10
) -> tuple[TestClient[Any, Any], FakeClock]:
    clock = FakeClock(NOW)
    app = create_app(settings, clock=clock, run_timers=False)
    app[VIEWER_CAP] = cap
    return await aiohttp_client(app), clock


async def create(client: TestClient[Any, Any], title: str = "Warm jobs for Hubei") -> Broadcast:
    response = await client.post(
        "/api/broadcasts",
        json={
            "title": title,
            "starts_at": NOW.isoformat(),
            "ends_at": (NOW + timedelta(hours=2)).isoformat(),
        },
        headers=OPERATOR,
    )
    assert response.status == 201, await response.text()
    body = await response.json()
    base = f"/api/broadcasts/{body['id']}"
    return Broadcast(
        body["id"],
        body["ingest_token"],
        str(client.make_url(base + "/whip")),
        str(client.make_url(base + "/whep")),
        body,
    )


@pytest.fixture
async def client(settings: Settings, aiohttp_client: ClientFactory) -> TestClient[Any, Any]:
    test_client, _ = await make_app(aiohttp_client, settings, cap=2)
    return test_client


@pytest.fixture
async def peers() -> AsyncIterator[list[Publisher | Viewer]]:
    """Every aiortc client a test starts, closed at the end whatever happens."""
    started: list[Publisher | Viewer] = []
    yield started
    closing = asyncio.gather(*(peer.close() for peer in started), return_exceptions=True)
    await within(30, closing, "closing the test's peers")


def sdp_with_video(fmtp: str | None, profile_note: str = "") -> str:
    """A WebRTC-shaped offer whose only video codec is H.264 with ``fmtp`` (or none)."""
    lines = [
        "v=0",
        "o=- 1 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0",
        "m=video 9 UDP/TLS/RTP/SAVPF 96",
        "c=IN IP4 0.0.0.0",
        "a=mid:0",
        "a=sendonly",
        "a=ice-ufrag:abcd",
        "a=ice-pwd:abcdefghijklmnopqrstuvwx",
        "a=fingerprint:sha-256 " + ":".join(["AB"] * 32),
        "a=setup:actpass",
        "a=rtcp-mux",
        "a=rtpmap:96 H264/90000",
    ]
    if fmtp is not None:
        lines.append(f"a=fmtp:96 {fmtp}")
    return "\r\n".join(lines) + "\r\n"


async def post_sdp(
    client: TestClient[Any, Any], path: str, sdp: str, token: str | None = None
) -> Any:
    headers = {"Content-Type": "application/sdp"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return await client.post(path, data=sdp.encode(), headers=headers)


async def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status == status, await response.text()
    assert response.content_type == "application/problem+json"
    body: dict[str, Any] = await response.json(content_type=None)
    assert body["code"] == code
    return body


# -- media ---------------------------------------------------------------------------


async def test_an_obs_shaped_publisher_is_forwarded_to_a_viewer_who_decodes_it(
    client: TestClient[Any, Any], peers: list[Publisher | Viewer]
) -> None:
    broadcast = await create(client)
    publisher = await Publisher.start(client.session, broadcast.whip, broadcast.token)
    peers.append(publisher)
    assert "42e01f" in publisher.answer
    assert "packetization-mode=1" in publisher.answer
    assert "x-google-start-bitrate=1500" in publisher.answer
    assert publisher.location.startswith(broadcast.whip + "/")
    viewer = await Viewer.start(client.session, broadcast.whep, decode=True)
    peers.append(viewer)
    await viewer.wait_frames(30, within=20)
    await viewer.wait_frames(10, within=10, kind="audio")

    assert await publisher.delete(client.session, broadcast.token) == 200
    async with asyncio.timeout(10):
        await viewer.ended.wait()


async def test_a_browser_shaped_vp8_publisher_with_rtx_is_forwarded(
    client: TestClient[Any, Any], peers: list[Publisher | Viewer]
) -> None:
    broadcast = await create(client)
    publisher = await Publisher.start(
        client.session,
        broadcast.whip,
        broadcast.token,
        video_codecs=media.codecs("video", "video/VP8", rtx=True),
    )
    peers.append(publisher)
    assert "VP8/90000" in publisher.answer
    assert "rtx/90000" in publisher.answer
    viewer = await Viewer.start(client.session, broadcast.whep, decode=False)
    peers.append(viewer)
    await viewer.wait_frames(30, within=20)
    assert viewer.keyframes >= 1


async def test_viewers_follow_a_publisher_that_drops_and_reconnects_without_reloading(
    client: TestClient[Any, Any], peers: list[Publisher | Viewer]
) -> None:
    broadcast = await create(client)
    first = await Publisher.start(client.session, broadcast.whip, broadcast.token)
    peers.append(first)
    viewer = await Viewer.start(client.session, broadcast.whep, decode=True)
    peers.append(viewer)
    await viewer.wait_frames(20, within=20)

    await first.close()  # dropped: no DELETE
    second = await Publisher.start(client.session, broadcast.whip, broadcast.token)
    peers.append(second)
    before = viewer.video_frames
    await viewer.wait_frames(before + 30, within=20)
    assert not viewer.ended.is_set()
    relay = client.app[MEDIA_EDGE].relay(broadcast.id)
    assert relay is not None
    assert relay.stats.publishers == 2


async def test_a_reconnect_with_another_codec_is_a_codec_mismatch(
    client: TestClient[Any, Any], peers: list[Publisher | Viewer]
) -> None:
    broadcast = await create(client)
    first = await Publisher.start(client.session, broadcast.whip, broadcast.token)
    peers.append(first)
    await first.close()
    with pytest.raises(WhipError) as refused:
        await Publisher.start(
            client.session,
            broadcast.whip,
            broadcast.token,
            video_codecs=media.codecs("video", "video/VP8"),
        )
    assert refused.value.status == 400
    assert refused.value.body["code"] == "broadcast.codec_mismatch"
    assert "H264" in refused.value.body["reason"]


async def test_a_viewer_past_the_cap_gets_broadcast_full_with_retry_after(
    client: TestClient[Any, Any], peers: list[Publisher | Viewer]
) -> None:
    broadcast = await create(client)
    peers.append(await Publisher.start(client.session, broadcast.whip, broadcast.token))
    for _ in range(2):  # the fixture's cap
        peers.append(await Viewer.start(client.session, broadcast.whep, decode=False))
    with pytest.raises(WhipError) as full:
        await Viewer.start(client.session, broadcast.whep, decode=False)
    assert full.value.status == 503
    assert full.value.body["code"] == "broadcast.full"
    assert full.value.body["alternatives"] == []
    assert int(full.value.headers["Retry-After"]) > 0

    leaving = peers.pop()
    assert isinstance(leaving, Viewer)
    assert await leaving.delete(client.session) == 200
    await leaving.close()
    peers.append(await Viewer.start(client.session, broadcast.whep, decode=False))


# -- refusals ------------------------------------------------------------------------


async def test_publishing_without_a_token_is_401(client: TestClient[Any, Any]) -> None:
    broadcast = await create(client)
    response = await post_sdp(client, broadcast.whip_path, sdp_with_video("packetization-mode=1"))
    await problem(response, 401, "auth.required")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    response = await post_sdp(
        client, broadcast.whip_path, sdp_with_video("packetization-mode=1"), "lfi_not-a-real-token"
    )
    await problem(response, 401, "auth.required")


async def test_publishing_with_another_broadcasts_token_is_403(
    client: TestClient[Any, Any],
) -> None:
    mine = await create(client, "mine")
    theirs = await create(client, "theirs")
    response = await post_sdp(client, mine.whip_path, sdp_with_video(None), theirs.token)
    await problem(response, 403, "auth.forbidden")


@pytest.mark.parametrize(
    ("offer", "reason"),
    [
        ("hello, I am not SDP", "v=0"),
        ("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", "no media section"),
        (sdp_with_video(None), "without an fmtp line"),
        (sdp_with_video("profile-level-id=42e01f"), "packetization-mode=1"),
        (sdp_with_video("profile-level-id=640c1f;packetization-mode=1"), "high profile"),
    ],
    ids=["garbage", "no-media", "h264-without-fmtp", "h264-mode-0", "h264-high"],
)
async def test_an_unusable_offer_is_400_with_a_reason(
    client: TestClient[Any, Any], offer: str, reason: str
) -> None:
    broadcast = await create(client)
    response = await post_sdp(client, broadcast.whip_path, offer, broadcast.token)
    body = await problem(response, 400, "broadcast.bad_sdp")
    assert reason in body["reason"]


async def test_an_offer_must_be_application_sdp(client: TestClient[Any, Any]) -> None:
    broadcast = await create(client)
    response = await client.post(
        broadcast.whip_path,
        data=b"v=0",
        headers={"Authorization": f"Bearer {broadcast.token}", "Content-Type": "text/plain"},
    )
    await problem(response, 415, "request.unsupported_media_type")


async def test_watching_a_broadcast_nobody_publishes_is_409_and_an_unknown_one_404(
    client: TestClient[Any, Any],
) -> None:
    broadcast = await create(client)
    offer = sdp_with_video("packetization-mode=1").replace("a=sendonly", "a=recvonly")
    await problem(await post_sdp(client, broadcast.whep_path, offer), 409, "broadcast.not_live")
    missing = "/api/broadcasts/0190d6a0-0000-7000-8000-000000000000/whep"
    await problem(await post_sdp(client, missing, offer), 404, "broadcast.not_found")


async def test_trickle_ice_patch_is_405(client: TestClient[Any, Any]) -> None:
    broadcast = await create(client)
    response = await client.patch(broadcast.whip_path + "/some-session", data=b"a=candidate")
    await problem(response, 405, "route.method_not_allowed")


# -- tokens --------------------------------------------------------------------------


async def test_creating_a_broadcast_needs_the_operator_token(
    client: TestClient[Any, Any],
) -> None:
    later = (NOW + timedelta(hours=1)).isoformat()
    body = {"title": "x", "starts_at": NOW.isoformat(), "ends_at": later}
    await problem(await client.post("/api/broadcasts", json=body), 401, "auth.required")
    wrong = {"Authorization": "Bearer lfo_guessed"}
    await problem(
        await client.post("/api/broadcasts", json=body, headers=wrong), 401, "auth.required"
    )
    backwards = {**body, "ends_at": NOW.isoformat()}
    invalid = await problem(
        await client.post("/api/broadcasts", json=backwards, headers=OPERATOR),
        422,
        "request.invalid",
    )
    assert invalid["errors"][0]["pointer"] == "/ends_at"
    assert invalid["errors"][0]["code"] == "broadcast.ends_before_start"


async def test_the_ingest_token_is_shown_once_and_expires_an_hour_after_the_end(
    settings: Settings, conn: Any, aiohttp_client: ClientFactory
) -> None:
    client, clock = await make_app(aiohttp_client, settings)
    broadcast = await create(client)
    assert broadcast.token.startswith("lfi_")
    assert len(broadcast.token) >= 4 + 43
    ends_at = datetime.fromisoformat(broadcast.body["ends_at"])
    assert datetime.fromisoformat(broadcast.body["ingest_token_expires_at"]) == ends_at + timedelta(
        hours=1
    )
    stored = await conn.fetchval("SELECT token_sha256 FROM broadcast_ingest_tokens")
    assert broadcast.token.encode() not in stored
    assert len(stored) == 32

    offer = sdp_with_video(None)
    # Before expiry the token is accepted (the offer is then refused for its codec).
    await problem(
        await post_sdp(client, broadcast.whip_path, offer, broadcast.token),
        400,
        "broadcast.bad_sdp",
    )
    clock._now = ends_at + timedelta(hours=1, seconds=1)
    await problem(
        await post_sdp(client, broadcast.whip_path, offer, broadcast.token), 401, "auth.required"
    )


async def test_rotating_the_ingest_token_retires_the_old_one(
    client: TestClient[Any, Any],
) -> None:
    broadcast = await create(client)
    rotate = f"/api/broadcasts/{broadcast.id}/ingest-token"
    await problem(await client.post(rotate, json={}), 401, "auth.required")
    other = await create(client, "other")
    await problem(
        await client.post(rotate, json={}, headers={"Authorization": f"Bearer {other.token}"}),
        403,
        "auth.forbidden",
    )
    # The host may rotate with the current token; the operator may always.
    response = await client.post(
        rotate, json={}, headers={"Authorization": f"Bearer {broadcast.token}"}
    )
    assert response.status == 201
    rotated = (await response.json())["ingest_token"]
    assert rotated != broadcast.token
    offer = sdp_with_video(None)
    await problem(
        await post_sdp(client, broadcast.whip_path, offer, broadcast.token), 401, "auth.required"
    )
    await problem(
        await post_sdp(client, broadcast.whip_path, offer, rotated), 400, "broadcast.bad_sdp"
    )
    response = await client.post(rotate, json={}, headers=OPERATOR)
    assert response.status == 201
    await problem(await post_sdp(client, broadcast.whip_path, offer, rotated), 401, "auth.required")


async def test_the_openapi_document_names_the_broadcast_operations(
    client: TestClient[Any, Any],
) -> None:
    document = await (await client.get("/api/openapi.json")).json()
    ids = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert {
        "createBroadcast",
        "rotateIngestToken",
        "whipPublish",
        "whipDelete",
        "whepView",
        "whepDelete",
    } <= ids
    whip = document["paths"]["/api/broadcasts/{broadcast}/whip"]["post"]
    assert "application/sdp" in whip["requestBody"]["content"]
    assert "application/sdp" in whip["responses"]["201"]["content"]
