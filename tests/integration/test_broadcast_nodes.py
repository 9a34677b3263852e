"""Viewers across nodes: two in-process nodes sharing PostgreSQL and Redis. The node a
publisher reached owns the broadcast; a viewer arriving at the other node makes it pull
one copy over WHEP and serve its own viewers; a WHIP DELETE reaching the other node is
proxied to the owner, and the end reaches every node's viewers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.api.broadcast import CLUSTER, MEDIA_EDGE
from server.app import create_app
from server.config import Secret, Settings
from server.timers import FakeClock
from signaling.client import Publisher, Viewer
from signaling.tokens import NODE_HEADER, node_token
from tests.conftest import TEST_SECRET_KEY
from tests.helpers import within
from tests.integration.test_broadcast import NOW, create

Client = TestClient[Any, Any]

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
async def nodes(
    settings: Settings, redis_url: str, aiohttp_client: Any
) -> AsyncIterator[tuple[Client, Client]]:
    shared = replace(settings, redis_url=Secret(redis_url))
    clock = FakeClock(NOW)
    a = await aiohttp_client(create_app(shared, clock=clock, run_timers=False))
    b = await aiohttp_client(create_app(shared, clock=clock, run_timers=False))
    for node in (a, b):
        assert node.app is not None
        node.app[CLUSTER].node_url = str(node.make_url("/")).rstrip("/")
    yield a, b
    await within(40, a.close(), "shutting node A down")
    await within(40, b.close(), "shutting node B down")


@pytest.fixture
async def peers() -> AsyncIterator[list[Publisher | Viewer]]:
    started: list[Publisher | Viewer] = []
    yield started
    closing = asyncio.gather(*(peer.close() for peer in started), return_exceptions=True)
    await within(30, closing, "closing the test's peers")


def edge_viewers(node: Client) -> int:
    assert node.app is not None
    return node.app[MEDIA_EDGE].viewers


async def test_a_viewer_on_another_node_is_served_from_one_pulled_copy(
    nodes: tuple[Client, Client], peers: list[Publisher | Viewer]
) -> None:
    a, b = nodes
    broadcast = await create(a)
    publisher = await Publisher.start(a.session, broadcast.whip, broadcast.token)
    peers.append(publisher)
    on_b = [
        await Viewer.start(b.session, str(b.make_url(broadcast.whep_path)), decode=False)
        for _ in range(2)
    ]
    peers.extend(on_b)
    on_a = await Viewer.start(a.session, broadcast.whep, decode=False)
    peers.append(on_a)
    for viewer in [*on_b, on_a]:
        await viewer.wait_frames(20, within=40)
    assert edge_viewers(b) == 2
    assert edge_viewers(a) == 2  # its own viewer and node B's one copy
    # The publisher's DELETE reaches node B: proxied to the owner, it ends everywhere.
    location = publisher.location.replace(str(a.make_url("/")), str(b.make_url("/")))
    async with b.session.delete(
        location, headers={"Authorization": f"Bearer {broadcast.token}"}
    ) as response:
        assert response.status == 200, await response.text()
        assert await response.json() == {"ended": True}
    for viewer in [*on_b, on_a]:
        await asyncio.wait_for(viewer.ended.wait(), 20)
    assert b.app is not None
    assert b.app[MEDIA_EDGE].relay(broadcast.id) is None


async def test_a_stranger_cannot_pose_as_a_node_and_a_missing_owner_means_not_live(
    nodes: tuple[Client, Client],
) -> None:
    a, b = nodes
    broadcast = await create(a)
    # Nobody publishes: node B finds no owner and answers as one node would.
    offer = "v=0\r\n"
    async with b.session.post(
        b.make_url(broadcast.whep_path),
        data=offer,
        headers={"Content-Type": "application/sdp", NODE_HEADER: "lfn_guessed"},
    ) as response:
        assert response.status in (400, 409)
    assert node_token(TEST_SECRET_KEY) != node_token(TEST_SECRET_KEY + "x")
