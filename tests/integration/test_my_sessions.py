"""A host finds their featured sessions (getMySessions): open now first, then those to
come, then those over; nobody else's, and nothing for someone who hosts none."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from server.timers import FakeClock
from tests.helpers import quick_person
from tests.integration.test_programme import clock, cst, july_fair, problem
from tests.integration.test_programme_timers import run_at

Client = TestClient[Any, Any]
__all__ = ["clock"]  # the programme's FakeClock: 15 June 2020

MINE = "/api/me/featured-sessions"


async def test_a_host_sees_their_sessions_open_first_then_to_come_then_over(
    client: Client, clock: FakeClock
) -> None:
    july = await july_fair(client)
    host = await quick_person(client, "host@example.org", "王芳")
    other_host = await quick_person(client, "other-host@example.org", "张伟")
    nobody = await quick_person(client, "candidate@example.org", "李雷")
    mine = {"hosts": [str(host.account_id)]}

    def at(*when: int) -> dict[str, Any]:
        return {"preferred_times": [cst(2020, 7, *when).isoformat()]}

    beijing = await july.approved("110000", **mine, **at(8, 10))  # 10:00–11:30
    hebei = await july.approved("130000", **mine, **at(8, 12))  # 12:00–13:30
    tianjin = await july.approved("120000", **mine, **at(9, 10))
    theirs = await july.approved("420000", hosts=[str(other_host.account_id)], **at(8, 10))
    draft = await july.draft("110000", week=3, title="北京第三周专场", **mine)
    dropped = await july.draft("120000", week=3, title="天津第三周专场", **mine)
    cancelled = await july.admins["120000"].post(
        f"/api/featured-sessions/{dropped['id']}/cancel", {"reason": "主讲人临时有事"}
    )
    assert cancelled.status == 200, await cancelled.text()
    await july.plan()
    await july.publish()
    # 11:45: Beijing's ended (end + 15 min), Hebei's lobby is open, Tianjin's is tomorrow.
    await run_at(client, clock, cst(2020, 7, 8, 11, 45))

    response = await host.get(MINE)
    assert response.status == 200, await response.text()
    items = (await response.json())["items"]
    assert [(s["id"], s["state"]) for s in items] == [
        (hebei["id"], "lobby"),
        (tianjin["id"], "scheduled"),
        (draft["id"], "draft"),
        (beijing["id"], "ended"),
        (dropped["id"], "cancelled"),
    ]
    assert items[0] == {
        "id": hebei["id"],
        "fair_id": str(july.fair),
        "venue_id": str(july.venues["130000"]),
        "venue_name_zh": "河北省分会场",
        "venue_name_en": "Hebei sub-venue",
        "time_zone": "Asia/Shanghai",
        "title": hebei["title"],
        "state": "lobby",
        "starts_at": "2020-07-08T04:00:00Z",
        "ends_at": "2020-07-08T05:30:00Z",
        "duration_minutes": 90,
    }
    assert (items[2]["starts_at"], items[2]["ends_at"]) == (None, None)  # not placed yet

    theirs_only = await (await other_host.get(MINE)).json()
    assert [s["id"] for s in theirs_only["items"]] == [theirs["id"]]
    assert await (await nobody.get(MINE)).json() == {"items": []}
    anonymous = await problem(await client.get(MINE), 401)
    assert anonymous["code"] == "auth.required"
