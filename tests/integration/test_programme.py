"""The weekly programme over HTTP: submit before the deadline, plan, publish, move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient

from server.appkeys import POOL
from server.domain.principal import Role
from server.domain.regions import region_by_code
from server.ids import uuid7
from server.realtime.client import StreamClient
from server.timers import FakeClock
from tests.helpers import Person, quick_person, ws_url

Client = TestClient[Any, Any]
CST = ZoneInfo("Asia/Shanghai")
REGIONS = ("110000", "120000", "130000", "420000")


def cst(*args: int) -> datetime:
    return datetime(*args, tzinfo=CST)  # type: ignore[misc]


@pytest.fixture
def clock() -> FakeClock:
    """Monday 15 June 2020, 10:00 in Beijing: week 1 is due by the end of 19 June."""
    return FakeClock(cst(2020, 6, 15, 10).astimezone(UTC))


@dataclass
class July:
    """The literal July 2020 fair, its venues and people."""

    client: Client
    fair: UUID
    main: UUID
    venues: dict[str, UUID]
    organiser: Person
    admins: dict[str, Person]

    async def draft(self, region: str, **fields: Any) -> dict[str, Any]:
        body = {
            "week": 2,
            "title": f"{region_by_code(region).short_zh}民营企业专场",
            "category": "other",
            **fields,
        }
        response = await self.admins[region].post(
            f"/api/venues/{self.venues[region]}/featured-sessions", body
        )
        assert response.status == 201, await response.text()
        data: dict[str, Any] = await response.json()
        return data

    async def submitted(self, region: str, **fields: Any) -> dict[str, Any]:
        session = await self.draft(region, **fields)
        response = await self.admins[region].post(f"/api/featured-sessions/{session['id']}/submit")
        assert response.status == 200, await response.text()
        data: dict[str, Any] = await response.json()
        return data

    async def approved(self, region: str, **fields: Any) -> dict[str, Any]:
        session = await self.submitted(region, **fields)
        response = await self.organiser.post(f"/api/featured-sessions/{session['id']}/approve")
        assert response.status == 200, await response.text()
        data: dict[str, Any] = await response.json()
        return data

    async def plan(self, week: int = 2, **body: Any) -> dict[str, Any]:
        response = await self.organiser.post(f"/api/fairs/{self.fair}/weeks/{week}/plan", body)
        assert response.status == 200, await response.text()
        data: dict[str, Any] = await response.json()
        return data

    async def publish(self, week: int = 2) -> dict[str, Any]:
        response = await self.organiser.post(f"/api/fairs/{self.fair}/weeks/{week}/publish")
        assert response.status == 200, await response.text()
        data: dict[str, Any] = await response.json()
        return data


async def july_fair(client: Client, regions: tuple[str, ...] = REGIONS) -> July:
    app = client.app
    assert app is not None
    fair_id, main_id = uuid7(), uuid7()
    venues = {code: uuid7() for code in regions}
    async with app[POOL].acquire() as conn:
        await conn.execute(
            "INSERT INTO fairs (id, slug, title_zh, title_en, starts_on, ends_on, time_zone,"
            " document, first_submission_due, summary_due) VALUES ($1, 'test-fair',"
            " '2020年全国民营企业招聘月', 'Recruitment month', $2, $3, 'Asia/Shanghai',"
            " $4, $5, $6)",
            fair_id,
            date(2020, 7, 1),
            date(2020, 7, 31),
            {"weekly_deadline": {"weekday": "wednesday"}},
            date(2020, 6, 19),
            date(2020, 8, 10),
        )
        await conn.execute(
            "INSERT INTO venues (id, fair_id, kind, name_zh, name_en, position)"
            " VALUES ($1, $2, 'main', '主会场', 'Main venue', 0)",
            main_id,
            fair_id,
        )
        for position, code in enumerate(regions, start=1):
            region = region_by_code(code)
            await conn.execute(
                "INSERT INTO venues (id, fair_id, kind, region_code, name_zh, name_en, position)"
                " VALUES ($1, $2, 'sub', $3, $4, $5, $6)",
                venues[code],
                fair_id,
                code,
                f"{region.zh}分会场",
                f"{region.en} sub-venue",
                position,
            )
    organiser = await quick_person(client, "organiser@example.org", "组织者")
    await organiser.grant(Role.ORGANISER, fair_id)
    admins = {}
    for code in regions:
        admin = await quick_person(client, f"admin-{code}@example.org", f"管理员{code}")
        await admin.grant(Role.VENUE_ADMIN, venues[code])
        admins[code] = admin
    return July(client, fair_id, main_id, venues, organiser, admins)


async def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status == status, await response.text()
    body: dict[str, Any] = await response.json(content_type=None)
    return body


async def test_a_province_submits_on_time_and_the_board_shows_who_is_missing(
    client: Client,
) -> None:
    july = await july_fair(client)
    session = await july.submitted("110000", week=1)
    assert session["state"] == "submitted"
    assert session["private"]["submitted_late"] is False
    board = await (await july.organiser.get(f"/api/fairs/{july.fair}/submissions?week=1")).json()
    assert board["week"]["due_at"] == "2020-06-19T16:00:00Z"
    rows = {r["region_code"]: r for r in board["rows"]}
    assert (rows["110000"]["status"], rows["110000"]["on_time"]) == ("submitted", True)
    assert (rows["120000"]["status"], rows["120000"]["overdue"]) == ("missing", False)
    own = await (
        await july.admins["120000"].get(f"/api/fairs/{july.fair}/submissions?week=1")
    ).json()
    assert [r["region_code"] for r in own["rows"]] == ["120000"]


async def test_after_the_deadline_a_submission_is_refused_until_a_late_window_opens(
    client: Client, clock: FakeClock
) -> None:
    july = await july_fair(client)
    draft = await july.draft("120000", week=1)
    clock.advance(cst(2020, 6, 20) - clock.now())  # Saturday 00:00: week 1 has closed
    refused = await problem(
        await july.admins["120000"].post(f"/api/featured-sessions/{draft['id']}/submit"), 409
    )
    assert refused["code"] == "schedule.deadline_passed"
    assert refused["due_at"] == cst(2020, 6, 20).isoformat()
    board = await (await july.organiser.get(f"/api/fairs/{july.fair}/submissions?week=1")).json()
    assert {r["region_code"]: r["overdue"] for r in board["rows"]}["120000"] is True
    window = await july.organiser.post(
        f"/api/fairs/{july.fair}/weeks/1/late-windows",
        {"venue_id": str(july.venues["120000"]), "until": cst(2020, 6, 22).isoformat()},
    )
    assert window.status == 201, await window.text()
    late = await july.admins["120000"].post(f"/api/featured-sessions/{draft['id']}/submit")
    assert late.status == 200
    assert (await late.json())["private"]["submitted_late"] is True
    board = await (await july.organiser.get(f"/api/fairs/{july.fair}/submissions?week=1")).json()
    row = {r["region_code"]: r for r in board["rows"]}["120000"]
    assert (row["status"], row["on_time"], row["overdue"]) == ("submitted", False, False)


async def test_a_venue_admin_reads_their_open_late_windows_with_their_sessions(
    client: Client, clock: FakeClock
) -> None:
    july = await july_fair(client)
    clock.advance(cst(2020, 6, 22, 9) - clock.now())  # Monday: week 1 closed on Saturday
    admin, venue = july.admins["120000"], july.venues["120000"]
    listed = await (await admin.get(f"/api/venues/{venue}/featured-sessions")).json()
    assert listed["late_windows"] == []
    window = await july.organiser.post(
        f"/api/fairs/{july.fair}/weeks/1/late-windows",
        {"venue_id": str(venue), "until": cst(2020, 6, 22, 12).isoformat()},
    )
    assert window.status == 201, await window.text()
    listed = await (await admin.get(f"/api/venues/{venue}/featured-sessions")).json()
    assert listed["late_windows"] == [{"week": 1, "until": "2020-06-22T04:00:00Z"}]
    others = await (
        await july.admins["110000"].get(f"/api/venues/{july.venues['110000']}/featured-sessions")
    ).json()
    assert others["late_windows"] == []
    late = await admin.post(
        f"/api/venues/{venue}/featured-sessions",
        {"week": 1, "title": "补报专场", "category": "other", "submit": True},
    )
    assert late.status == 201, await late.text()
    assert (await late.json())["private"]["submitted_late"] is True
    clock.advance(cst(2020, 6, 22, 12) - clock.now())  # the window has closed
    listed = await (await admin.get(f"/api/venues/{venue}/featured-sessions")).json()
    assert listed["late_windows"] == []


async def test_bad_input_is_refused_with_clear_codes_and_nothing_is_written(
    client: Client,
) -> None:
    july = await july_fair(client)
    venue = july.venues["110000"]
    admin = july.admins["110000"]
    cases = [
        ({"week": 9}, "/week", "week.not_found"),
        (
            {"week": 1, "preferred_times": [cst(2020, 6, 30, 10).isoformat()]},
            "/preferred_times/0",
            "schedule.outside_fair",
        ),
        (
            {"week": 2, "preferred_times": [cst(2020, 7, 8, 16, 30).isoformat()]},
            "/preferred_times/0",
            "schedule.outside_hours",
        ),
        ({"week": 2, "category": "hubei_cooperation"}, "/partner_region", "required"),
        (
            {"week": 2, "category": "hubei_cooperation", "partner_region": "310000"},
            "/partner_region",
            "featured_session.partner_region",
        ),
        ({"week": 2, "category": "enterprise_staffing"}, "/staffing_focus", "required"),
        ({"week": 2, "hosts": [str(uuid7())]}, "/hosts/0", "featured_session.host_unknown"),
        ({"week": 2, "booths": [str(uuid7())]}, "/booths/0", "booth.not_found"),
        (
            {"week": 2, "preferred_times": ["2020-07-08T10:00:00"]},
            "/preferred_times/0",
            "time.no_offset",
        ),
    ]
    for fields, pointer, code in cases:
        body = {"title": "北京专场", "category": "other", **fields}
        answer = await problem(
            await admin.post(f"/api/venues/{venue}/featured-sessions", body), 422
        )
        assert answer["code"] == "request.invalid"
        assert (pointer, code) in [(e["pointer"], e["code"]) for e in answer["errors"]], fields
    other = await problem(
        await july.admins["120000"].post(
            f"/api/venues/{venue}/featured-sessions",
            {"week": 2, "title": "天津替北京报", "category": "other"},
        ),
        403,
    )
    assert other["code"] == "auth.forbidden"
    main = await problem(
        await july.organiser.post(
            f"/api/venues/{july.main}/featured-sessions",
            {"week": 2, "title": "主会场", "category": "other"},
        ),
        422,
    )
    assert main["code"] == "featured_session.main_venue"
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM featured_sessions") == 0


async def test_one_request_names_every_bad_field_malformed_or_against_the_rules(
    client: Client,
) -> None:
    july = await july_fair(client)
    venue = july.venues["110000"]
    admin = july.admins["110000"]
    body = {
        "week": 2,
        "title": "北京专场",
        "category": "enterprise_staffing",  # and no staffing focus
        "duration_minutes": -5,
        "expected_audience": "many",
        "preferred_times": [cst(2020, 6, 30, 10).isoformat(), cst(2020, 7, 8, 7).isoformat()],
    }
    expected = {
        ("/duration_minutes", "out_of_range"),
        ("/expected_audience", "wrong_type"),
        ("/staffing_focus", "required"),
        ("/preferred_times/0", "schedule.outside_fair"),
        ("/preferred_times/1", "schedule.outside_hours"),
    }
    created = await problem(await admin.post(f"/api/venues/{venue}/featured-sessions", body), 422)
    assert {(e["pointer"], e["code"]) for e in created["errors"]} == expected
    malformed_only = {("/duration_minutes", "out_of_range"), ("/expected_audience", "wrong_type")}
    stranger = await problem(
        await july.admins["120000"].post(f"/api/venues/{venue}/featured-sessions", body), 422
    )
    assert {(e["pointer"], e["code"]) for e in stranger["errors"]} == malformed_only

    draft = await july.draft("110000")
    del body["week"]
    body["title"] = None
    edited = await problem(await admin.patch(f"/api/featured-sessions/{draft['id']}", body), 422)
    assert {(e["pointer"], e["code"]) for e in edited["errors"]} == {
        *expected,
        ("/title", "required"),
    }
    assert (await (await admin.get(f"/api/featured-sessions/{draft['id']}")).json())[
        "title"
    ] == draft["title"]
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM featured_sessions") == 1


async def test_a_session_cannot_be_edited_after_approval_until_it_is_returned(
    client: Client,
) -> None:
    july = await july_fair(client)
    session = await july.approved("110000")
    admin = july.admins["110000"]
    edit = await problem(
        await admin.patch(f"/api/featured-sessions/{session['id']}", {"title": "改名"}), 409
    )
    assert (edit["code"], edit["state"]) == ("featured_session.not_editable", "approved")
    returned = await july.organiser.post(
        f"/api/featured-sessions/{session['id']}/return", {"reason": "请补充参会企业"}
    )
    assert (await returned.json())["private"]["return_reason"] == "请补充参会企业"
    edited = await admin.patch(f"/api/featured-sessions/{session['id']}", {"title": "改名"})
    assert (await edited.json())["title"] == "改名"
    again = await admin.post(f"/api/featured-sessions/{session['id']}/submit")
    assert (await again.json())["state"] == "submitted"
    nulls = await problem(
        await admin.patch(f"/api/featured-sessions/{session['id']}", {"title": None}), 422
    )
    assert nulls["code"] == "request.invalid"


async def test_a_province_submits_one_session_per_week(client: Client) -> None:
    july = await july_fair(client)
    await july.submitted("110000")
    second = await july.draft("110000", title="第二场")
    taken = await problem(
        await july.admins["110000"].post(f"/api/featured-sessions/{second['id']}/submit"), 409
    )
    assert taken["code"] == "featured_session.week_taken"


async def test_a_refused_draft_and_submit_in_one_request_leaves_nothing_behind(
    client: Client,
) -> None:
    july = await july_fair(client)
    admin, venue = july.admins["110000"], july.venues["110000"]
    sent = await july.submitted("110000")
    draft = await july.draft("110000", week=3, title="第三周专场")
    taken = await problem(
        await admin.post(
            f"/api/venues/{venue}/featured-sessions",
            {"week": 2, "title": "第二场", "category": "other", "submit": True},
        ),
        409,
    )
    assert taken["code"] == "featured_session.week_taken"
    moved = await problem(
        await admin.patch(
            f"/api/featured-sessions/{draft['id']}", {"week": 2, "title": "改了", "submit": True}
        ),
        409,
    )
    assert moved["code"] == "featured_session.week_taken"
    listed = await (await admin.get(f"/api/venues/{venue}/featured-sessions")).json()
    assert [(s["id"], s["week"], s["title"], s["state"]) for s in listed["items"]] == [
        (sent["id"], 2, sent["title"], "submitted"),
        (draft["id"], 3, "第三周专场", "draft"),
    ]
    at_once = await admin.post(
        f"/api/venues/{venue}/featured-sessions",
        {"week": 4, "title": "第四周专场", "category": "other", "submit": True},
    )
    assert at_once.status == 201, await at_once.text()
    assert (await at_once.json())["state"] == "submitted"


async def test_planning_places_approved_sessions_and_names_a_double_booked_host(
    client: Client,
) -> None:
    july = await july_fair(client)
    host = await quick_person(client, "host@example.org", "王芳")
    ten = cst(2020, 7, 8, 10).isoformat()
    beijing = await july.approved("110000", hosts=[str(host.account_id)], preferred_times=[ten])
    tianjin = await july.approved("120000", hosts=[str(host.account_id)], preferred_times=[ten])
    hebei = await july.approved("130000", preferred_times=[ten])
    preview = await july.plan(dry_run=True)
    assert preview["applied"] is False
    assert len(preview["placed"]) == 3
    programme = await (
        await july.organiser.get(f"/api/fairs/{july.fair}/programme?week=2&unpublished=true")
    ).json()
    assert {s["state"] for s in programme["sessions"]} == {"approved"}
    plan = await july.plan()
    placed = {s["id"]: s for s in plan["placed"]}
    assert placed[beijing["id"]]["starts_at"] == "2020-07-08T02:00:00Z"
    assert placed[hebei["id"]]["starts_at"] == "2020-07-08T02:00:00Z"
    assert placed[beijing["id"]]["stage"] != placed[hebei["id"]]["stage"]
    assert placed[tianjin["id"]]["starts_at"] == "2020-07-08T03:30:00Z"  # 11:30, nearest free
    [conflict] = plan["conflicts"]
    assert conflict["session_id"] == tianjin["id"]
    assert conflict["placed"] is True
    [clash] = conflict["clashes"]
    assert clash["code"] == "schedule.host_busy"
    assert clash["party"]["name"] == "王芳"
    assert clash["sessions"] == [{"id": beijing["id"], "title": beijing["title"]}]
    public = await (await client.get(f"/api/fairs/{july.fair}/programme?week=2")).json()
    assert public["sessions"] == []  # placed, not yet published


async def test_publishing_announces_the_week_on_the_fair_and_venue_topics(
    client: Client,
) -> None:
    july = await july_fair(client)
    beijing = await july.approved("110000", preferred_times=[cst(2020, 7, 8, 10).isoformat()])
    await july.approved("130000", preferred_times=[cst(2020, 7, 9, 14).isoformat()])
    await july.plan()
    async with StreamClient(ws_url(client)) as stream:
        await stream.subscribe(f"fair:{july.fair}")
        await stream.next_op("snapshot")
        await stream.subscribe(f"venue:{july.venues['110000']}")
        await stream.next_op("snapshot")
        published = await july.publish()
        assert [s["state"] for s in published["sessions"]] == ["scheduled", "scheduled"]
        events = [await stream.next_op("event") for _ in range(2)]
    by_topic = {e["topic"]: e for e in events}
    fair_event = by_topic[f"fair:{july.fair}"]
    assert fair_event["type"] == "programme.published"
    assert fair_event["data"]["sessions"][0]["id"] == beijing["id"]
    assert len(fair_event["data"]["sessions"]) == 2
    venue_event = by_topic[f"venue:{july.venues['110000']}"]
    assert [s["id"] for s in venue_event["data"]["sessions"]] == [beijing["id"]]
    assert "hosts" not in str(venue_event)
    public = await (await client.get(f"/api/fairs/{july.fair}/programme?week=2")).json()
    assert [s["title"] for s in public["sessions"]] == ["北京民营企业专场", "河北民营企业专场"]
    assert all(s["private"] is None for s in public["sessions"])
    mine = await (
        await client.get(f"/api/fairs/{july.fair}/programme?venue={july.venues['130000']}")
    ).json()
    assert [s["title"] for s in mine["sessions"]] == ["河北民营企业专场"]
    everything = await (
        await client.get(f"/api/fairs/{july.fair}/programme?venue={july.main}")
    ).json()
    assert len(everything["sessions"]) == 2


async def test_a_manual_move_is_checked_again_and_a_clash_changes_nothing(
    client: Client,
) -> None:
    july = await july_fair(client)
    host = await quick_person(client, "host2@example.org", "李华")
    beijing = await july.approved(
        "110000", hosts=[str(host.account_id)], preferred_times=[cst(2020, 7, 8, 10).isoformat()]
    )
    tianjin = await july.approved(
        "120000", hosts=[str(host.account_id)], preferred_times=[cst(2020, 7, 9, 10).isoformat()]
    )
    await july.plan()
    await july.publish()
    slot = f"/api/featured-sessions/{tianjin['id']}/slot"
    busy = await problem(
        await july.organiser.put(slot, {"starts_at": cst(2020, 7, 8, 11).isoformat()}), 409
    )
    assert busy["code"] == "schedule.host_busy"
    assert "李华" in busy["detail"]
    assert busy["proposals"][0]["starts_at"] == "2020-07-08T03:30:00+00:00"
    outside = await problem(
        await july.organiser.put(slot, {"starts_at": cst(2020, 7, 11, 10).isoformat()}), 409
    )
    assert outside["code"] == "schedule.outside_fair"
    stage = await problem(
        await july.organiser.put(slot, {"starts_at": cst(2020, 7, 8, 14).isoformat(), "stage": 9}),
        422,
    )
    assert stage["code"] == "schedule.no_such_stage"
    unchanged = await (await client.get(f"/api/featured-sessions/{tianjin['id']}")).json()
    assert (unchanged["starts_at"], unchanged["sequence"]) == ("2020-07-09T02:00:00Z", 0)
    moved = await july.organiser.put(slot, {"starts_at": cst(2020, 7, 8, 13, 30).isoformat()})
    assert moved.status == 200, await moved.text()
    body = await moved.json()
    assert (body["starts_at"], body["sequence"]) == ("2020-07-08T05:30:00Z", 1)
    occupied = await problem(
        await july.organiser.put(
            f"/api/featured-sessions/{beijing['id']}/slot",
            {"starts_at": cst(2020, 7, 8, 13).isoformat(), "stage": body["stage"]},
        ),
        409,
    )
    assert occupied["code"] in ("schedule.host_busy", "schedule.stage_taken")
    forbidden = await problem(
        await july.admins["110000"].put(slot, {"starts_at": cst(2020, 7, 8, 9).isoformat()}), 403
    )
    assert forbidden["code"] == "auth.forbidden"


async def test_unpublished_sessions_are_private_and_cannot_be_followed(client: Client) -> None:
    july = await july_fair(client)
    session = await july.approved("110000")
    anonymous = await problem(await client.get(f"/api/featured-sessions/{session['id']}"), 404)
    assert anonymous["code"] == "featured_session.not_found"
    fan = await quick_person(client, "fan@example.org", "观众")
    hidden = await problem(await fan.put(f"/api/featured-sessions/{session['id']}/follow"), 404)
    assert hidden["code"] == "featured_session.not_found"
    early = await problem(
        await july.admins["110000"].put(f"/api/featured-sessions/{session['id']}/follow"), 409
    )
    assert early["code"] == "featured_session.not_published"


async def test_the_weeks_endpoint_gives_each_week_its_deadline(client: Client) -> None:
    july = await july_fair(client)
    weeks = await (await client.get(f"/api/fairs/{july.fair}/weeks")).json()
    assert weeks["open_for_submission"] == 1
    assert weeks["weekly_rule"] == "before Thursday 00:00"
    assert [w["due_at"] for w in weeks["weeks"]] == [
        "2020-06-19T16:00:00Z",
        "2020-07-01T16:00:00Z",
        "2020-07-08T16:00:00Z",
        "2020-07-15T16:00:00Z",
        "2020-07-22T16:00:00Z",
    ]
    assert weeks["weeks"][0]["programme_days"] == ["2020-07-01", "2020-07-02", "2020-07-03"]
    missing = await problem(
        await july.organiser.post(f"/api/fairs/{july.fair}/weeks/6/plan", {}), 404
    )
    assert missing["code"] == "week.not_found"


async def test_the_submission_report_opens_in_chinese_excel(client: Client) -> None:
    july = await july_fair(client)
    await july.submitted("110000", week=1, title="=北京专场")
    response = await july.organiser.get(f"/api/fairs/{july.fair}/submissions/report?week=1")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        "filename*=UTF-8''test-fair-submissions-week1.csv"
        in response.headers["Content-Disposition"]
    )
    raw = await response.read()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    lines = text.split("\r\n")
    assert lines[-1] == ""
    assert "\n" not in "".join(lines)
    assert lines[0].startswith("周次 Week,地区代码 Region code,省份 Province")
    beijing = lines[1].split(",")
    assert beijing[:6] == [
        "1",
        "110000",
        "北京市分会场",
        "Beijing sub-venue",
        "已报送 submitted",
        "'=北京专场",
    ]
    assert beijing[6] == "2020-06-15 10:00"
    assert beijing[8] == "2020-06-20 00:00"
    assert beijing[9] == "按时 on time"
    assert len(lines) == 2 + len(REGIONS)
    xlsx = await july.organiser.get(f"/api/fairs/{july.fair}/submissions/report?week=1&format=xlsx")
    assert xlsx.status == 200
    assert (await xlsx.read())[:2] == b"PK"
    refused = await problem(
        await july.admins["110000"].get(f"/api/fairs/{july.fair}/submissions/report"), 403
    )
    assert refused["code"] == "auth.forbidden"


async def test_cancelling_a_published_session_tells_its_followers(
    client: Client, clock: FakeClock
) -> None:
    july = await july_fair(client)
    session = await july.approved("110000", preferred_times=[cst(2020, 7, 8, 10).isoformat()])
    await july.plan()
    await july.publish()
    fan = await quick_person(client, "fan2@example.org", "观众")
    assert (await fan.put(f"/api/featured-sessions/{session['id']}/follow")).status == 204
    cancelled = await july.admins["110000"].post(
        f"/api/featured-sessions/{session['id']}/cancel", {"reason": "主讲人临时有事"}
    )
    body = await cancelled.json()
    assert (body["state"], body["sequence"]) == ("cancelled", 1)
    notices = await (await fan.get("/api/me/notifications")).json()
    assert [n["kind"] for n in notices["items"]] == ["programme.session_cancelled"]
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        left = await conn.fetchval(
            "SELECT count(*) FROM timers WHERE key LIKE '%' || $1 || '%'", session["id"]
        )
    assert left == 0
    _ = clock, timedelta


async def test_the_demo_fair_has_a_published_week_and_a_board_to_chase(client: Client) -> None:
    from server.appkeys import CLOCK
    from server.demo.load import load_demo

    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        await load_demo(conn, clock=app[CLOCK], as_published=True)
        fair = await conn.fetchval("SELECT id FROM fairs WHERE slug <> 'test-fair'")
        timers = await conn.fetchval(
            "SELECT count(*) FROM timers WHERE kind = 'session.open_lobby'"
        )
    week2 = await (await client.get(f"/api/fairs/{fair}/programme?week=2")).json()
    assert len(week2["sessions"]) == 8
    assert timers == 8
    assert {s["state"] for s in week2["sessions"]} == {"scheduled"}
    organiser = await quick_person(client, "demo-organiser@example.org")
    await organiser.grant(Role.ORGANISER, fair)
    board = await (await organiser.get(f"/api/fairs/{fair}/submissions?week=3")).json()
    statuses = [r["status"] for r in board["rows"]]
    assert (statuses.count("approved"), statuses.count("submitted")) == (4, 8)
    assert (statuses.count("draft"), statuses.count("missing")) == (4, 16)


async def test_a_venue_admin_lists_their_venues_sessions_of_every_week_and_state(
    client: Client,
) -> None:
    july = await july_fair(client)
    later = await july.draft("110000", week=3)
    sent = await july.submitted("110000", week=2)
    await july.draft("120000", week=2)
    admin = july.admins["110000"]
    listed = await (
        await admin.get(f"/api/venues/{july.venues['110000']}/featured-sessions")
    ).json()
    assert [(s["id"], s["week"], s["state"]) for s in listed["items"]] == [
        (sent["id"], 2, "submitted"),
        (later["id"], 3, "draft"),
    ]
    assert listed["items"][0]["private"]["first_submitted_at"] is not None
    organiser = await july.organiser.get(f"/api/venues/{july.venues['120000']}/featured-sessions")
    assert [s["venue_id"] for s in (await organiser.json())["items"]] == [
        str(july.venues["120000"])
    ]
    other = await problem(
        await admin.get(f"/api/venues/{july.venues['120000']}/featured-sessions"), 403
    )
    assert other["code"] == "auth.forbidden"
    anonymous = await problem(
        await client.get(f"/api/venues/{july.venues['110000']}/featured-sessions"), 401
    )
    assert anonymous["code"] == "auth.required"


async def test_a_signed_in_reader_sees_whether_they_follow_each_session(client: Client) -> None:
    july = await july_fair(client)
    session = await july.approved("110000", preferred_times=[cst(2020, 7, 8, 10).isoformat()])
    other = await july.approved("120000", preferred_times=[cst(2020, 7, 8, 14).isoformat()])
    await july.plan()
    await july.publish()
    fan = await quick_person(client, "fan3@example.org", "观众")
    neighbour = await quick_person(client, "fan4@example.org", "邻座")
    one = f"/api/featured-sessions/{session['id']}"
    listing = f"/api/fairs/{july.fair}/programme"

    async def following(person: Any) -> tuple[Any, dict[str, Any]]:
        alone = await (await (person or client).get(one)).json()
        programme = await (await (person or client).get(listing)).json()
        return alone["following"], {s["id"]: s["following"] for s in programme["sessions"]}

    assert await following(None) == (None, {session["id"]: None, other["id"]: None})
    assert await following(fan) == (False, {session["id"]: False, other["id"]: False})

    assert (await fan.put(f"{one}/follow")).status == 204
    assert (await fan.put(f"{one}/follow")).status == 204  # again: still one follow
    assert await following(fan) == (True, {session["id"]: True, other["id"]: False})
    assert await following(neighbour) == (False, {session["id"]: False, other["id"]: False})
    assert await following(None) == (None, {session["id"]: None, other["id"]: None})

    assert (await fan.delete(f"{one}/follow")).status == 204
    assert await following(fan) == (False, {session["id"]: False, other["id"]: False})


async def test_the_board_shows_each_placement_and_a_published_move_tells_hosts_and_followers(
    client: Client, clock: FakeClock
) -> None:
    """What the organisers' board needs to place sessions by hand: the week's hours and
    stages, each row's placement; a move of a published session reaches its hosts as
    well as its followers (each once); a start already past is refused by code."""
    july = await july_fair(client)
    host = await quick_person(client, "host3@example.org", "张敏")
    keen = await quick_person(client, "host4@example.org", "陈刚")  # hosts and follows
    session = await july.approved(
        "110000",
        hosts=[str(host.account_id), str(keen.account_id)],
        preferred_times=[cst(2020, 7, 8, 10).isoformat()],
    )
    board_url = f"/api/fairs/{july.fair}/submissions?week=2"
    board = await (await july.organiser.get(board_url)).json()
    assert {k: board["week"][k] for k in ("opens", "closes", "stages", "step_minutes")} == {
        "opens": "09:00",
        "closes": "17:00",
        "stages": 4,
        "step_minutes": 30,
    }
    row = {r["region_code"]: r for r in board["rows"]}["110000"]
    assert (row["status"], row["state"], row["starts_at"], row["stage"]) == (
        "approved",
        "approved",
        None,
        None,
    )
    assert (row["duration_minutes"], row["published_at"]) == (90, None)

    slot = f"/api/featured-sessions/{session['id']}/slot"
    placed = await july.organiser.put(slot, {"starts_at": cst(2020, 7, 9, 14).isoformat()})
    assert placed.status == 200, await placed.text()
    board = await (await july.organiser.get(board_url)).json()
    row = {r["region_code"]: r for r in board["rows"]}["110000"]
    assert (row["status"], row["state"], row["starts_at"], row["ends_at"], row["stage"]) == (
        "placed",
        "scheduled",
        "2020-07-09T06:00:00Z",
        "2020-07-09T07:30:00Z",
        1,
    )

    await july.publish()
    fan = await quick_person(client, "fan3@example.org", "观众")
    for follower in (fan, keen):
        assert (await follower.put(f"/api/featured-sessions/{session['id']}/follow")).status == 204
    moved = await july.organiser.put(slot, {"starts_at": cst(2020, 7, 10, 9).isoformat()})
    assert moved.status == 200, await moved.text()
    for person in (host, keen, fan):
        notices = await (await person.get("/api/me/notifications")).json()
        kinds = [n["kind"] for n in notices["items"]]
        assert kinds.count("programme.session_moved") == 1, (person.account_id, kinds)

    clock.advance(cst(2020, 7, 9, 12) - clock.now())  # Thursday noon of week 2
    past = await problem(
        await july.organiser.put(slot, {"starts_at": cst(2020, 7, 9, 10).isoformat()}), 409
    )
    assert past["code"] == "schedule.in_past"
    unchanged = await (await client.get(f"/api/featured-sessions/{session['id']}")).json()
    assert (unchanged["starts_at"], unchanged["sequence"]) == ("2020-07-10T01:00:00Z", 1)
    later = await july.organiser.put(slot, {"starts_at": cst(2020, 7, 9, 15).isoformat()})
    assert later.status == 200, await later.text()
