"""iCalendar feeds parse with two independent parsers and show July 2020 in Beijing time."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import vobject
from aiohttp.test_utils import TestClient

from tests.helpers import quick_person
from tests.integration.test_programme import July, clock, cst, july_fair

Client = TestClient[Any, Any]
__all__ = ["clock"]
CST = ZoneInfo("Asia/Shanghai")


async def programme(july: July) -> tuple[dict[str, Any], dict[str, Any]]:
    beijing = await july.approved(
        "110000",
        title="北京市“职”在民企专场",
        description="重点面向2020届高校毕业生；招聘岗位1200个，覆盖制造、信息技术等行业。",
        preferred_times=[cst(2020, 7, 8, 10).isoformat()],
    )
    hubei = await july.approved(
        "420000", preferred_times=[cst(2020, 7, 9, 14, 30).isoformat()], duration_minutes=120
    )
    await july.plan()
    await july.publish()
    return beijing, hubei


async def feed(client: Client, path: str) -> bytes:
    response = await client.get(path)
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return await response.read()


def events_by_icalendar(body: bytes) -> dict[str, Any]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def events_by_vobject(body: bytes) -> dict[str, Any]:
    parsed = vobject.readOne(body.decode("utf-8"))
    return {e.uid.value: e for e in parsed.vevent_list}


async def test_the_fair_feed_shows_each_session_at_its_beijing_wall_time(client: Client) -> None:
    july = await july_fair(client)
    beijing, hubei = await programme(july)
    body = await feed(client, f"/calendar/fair.ics?fair={july.fair}")
    assert b"BEGIN:VTIMEZONE" in body
    assert b"TZID:Asia/Shanghai" in body
    host = "127.0.0.1"
    uid = f"session-{beijing['id']}@{host}"
    first = events_by_icalendar(body)
    assert set(first) == {uid, f"session-{hubei['id']}@{host}"}
    event = first[uid]
    start = event.decoded("DTSTART")
    assert start == datetime(2020, 7, 8, 10, tzinfo=CST)
    assert (start.tzinfo.key, start.hour) == ("Asia/Shanghai", 10)  # type: ignore[union-attr]
    assert event.decoded("DTEND") == datetime(2020, 7, 8, 11, 30, tzinfo=CST)
    assert str(event["SUMMARY"]) == "北京市“职”在民企专场"
    assert "1200" in str(event["DESCRIPTION"])
    assert int(event["SEQUENCE"]) == 0
    second = events_by_vobject(body)
    other = second[f"session-{hubei['id']}@{host}"]
    assert other.dtstart.value == datetime(2020, 7, 9, 14, 30, tzinfo=CST)
    assert other.dtstart.value.utcoffset().total_seconds() == 8 * 3600
    assert other.dtend.value - other.dtstart.value == datetime(2020, 1, 1, 2) - datetime(2020, 1, 1)
    assert second[uid].summary.value == "北京市“职”在民企专场"
    latest = await feed(client, "/calendar/fair.ics")
    assert events_by_icalendar(latest).keys() == first.keys()


async def test_a_move_bumps_the_sequence_and_a_venue_feed_holds_its_own_sessions(
    client: Client,
) -> None:
    july = await july_fair(client)
    beijing, hubei = await programme(july)
    moved = await july.organiser.put(
        f"/api/featured-sessions/{beijing['id']}/slot",
        {"starts_at": cst(2020, 7, 10, 15).isoformat()},
    )
    assert moved.status == 200, await moved.text()
    body = await feed(client, f"/calendar/venue-{july.venues['110000']}.ics")
    [event] = events_by_icalendar(body).values()
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == datetime(2020, 7, 10, 15, tzinfo=CST)
    [same] = events_by_vobject(body).values()
    assert int(same.sequence.value) == 1
    main = await feed(client, f"/calendar/venue-{july.main}.ics")
    assert len(events_by_vobject(main)) == 2
    _ = hubei


async def test_a_personal_feed_needs_only_its_token_which_rotates_and_revokes(
    client: Client,
) -> None:
    july = await july_fair(client)
    beijing, _ = await programme(july)
    fan = await quick_person(client, "fan@example.org", "观众")
    await fan.put(f"/api/featured-sessions/{beijing['id']}/follow")
    issued = await fan.post("/api/me/calendar-token")
    assert issued.status == 201
    first = await issued.json()
    assert first["url"].endswith(f"/calendar/user-{first['token']}.ics")
    path = f"/calendar/user-{first['token']}.ics"
    body = await feed(client, path)  # no cookie, no bearer: what calendar apps send
    assert [e.summary.value for e in events_by_vobject(body).values()] == ["北京市“职”在民企专场"]
    second = await (await fan.post("/api/me/calendar-token")).json()
    gone = await client.get(path)
    assert gone.status == 404
    assert (await gone.json(content_type=None))["code"] == "calendar.not_found"
    assert (await client.get(f"/calendar/user-{second['token']}.ics")).status == 200
    assert (await fan.delete("/api/me/calendar-token")).status == 204
    assert (await client.get(f"/calendar/user-{second['token']}.ics")).status == 404


async def test_a_cancelled_session_stays_in_the_feed_as_cancelled(client: Client) -> None:
    july = await july_fair(client)
    beijing, _ = await programme(july)
    await july.organiser.post(f"/api/featured-sessions/{beijing['id']}/cancel", {"reason": "改期"})
    body = await feed(client, f"/calendar/fair.ics?fair={july.fair}")
    event = next(e for e in events_by_icalendar(body).values() if "北京" in str(e["SUMMARY"]))
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)


async def test_unknown_calendars_are_not_found(client: Client) -> None:
    await july_fair(client)
    for scope in ("nothing", "venue-x", "user-nope", "venue-" + "0" * 32):
        response = await client.get(f"/calendar/{scope}.ics")
        assert response.status == 404, scope
        assert (await response.json(content_type=None))["code"] == "calendar.not_found"


async def test_the_account_page_can_tell_whether_a_personal_url_works(
    client: Client, clock: Any
) -> None:
    fan = await quick_person(client, "fan5@example.org", "观众")
    assert (await client.get("/api/me/calendar-token")).status == 401
    assert await (await fan.get("/api/me/calendar-token")).json() == {
        "active": False,
        "created_at": None,
    }
    issued = await (await fan.post("/api/me/calendar-token")).json()
    state = await (await fan.get("/api/me/calendar-token")).json()
    assert state["active"] is True
    assert datetime.fromisoformat(state["created_at"].replace("Z", "+00:00")) == clock.now()
    assert "token" not in state
    assert issued["token"] not in str(state)
    assert (await fan.delete("/api/me/calendar-token")).status == 204
    assert (await (await fan.get("/api/me/calendar-token")).json())["active"] is False
