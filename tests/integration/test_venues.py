"""Venue admins edit their own venue (leader, link); nobody else can."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from server.appkeys import POOL
from server.domain.principal import Role
from tests.helpers import a_fair_and_venue, person

Client = TestClient[Any, Any]


async def test_a_venue_admin_edits_their_venue_and_only_theirs(client: Client) -> None:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        fair_id, beijing = await a_fair_and_venue(conn, "110000")
        _, hubei = await a_fair_and_venue(conn, "420000")
    admin = await person(client, "venue-admin@example.org")
    await admin.grant(Role.VENUE_ADMIN, beijing)
    changed = await admin.patch(
        f"/api/venues/{beijing}",
        json={"leader_name": "李明（示例）", "url": "https://bj.example.org/fair"},
    )
    assert changed.status == 200, await changed.text()
    body = await changed.json()
    assert body["leader"]["name"] == "李明（示例）"
    assert body["url"] == "https://bj.example.org/fair"
    public = await (await client.get(f"/api/venues/{beijing}")).json()
    assert public["leader"]["name"] == "李明（示例）"

    other = await admin.patch(f"/api/venues/{hubei}", json={"leader_name": "x"})
    assert other.status == 403
    bad = await admin.patch(
        f"/api/venues/{beijing}", json={"leader_phone": "call me", "url": "javascript:alert(1)"}
    )
    assert bad.status == 422
    errors = {e["pointer"]: e["code"] for e in (await bad.json(content_type=None))["errors"]}
    assert errors == {"/leader_phone": "bad_format", "/url": "bad_format"}
    unknown = await admin.patch(f"/api/venues/{beijing}", json={"region_code": "420000"})
    assert unknown.status == 422
    anonymous = await client.patch(f"/api/venues/{beijing}", json={"leader_name": "x"})
    assert anonymous.status == 401
    after = await (await client.get(f"/api/venues/{hubei}")).json()
    assert after["leader"]["name"] == ""
    assert fair_id
