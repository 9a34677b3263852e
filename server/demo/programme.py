"""The demo fair's weekly programme: next week placed and published, the week after
partly submitted, so every page of the programme has something to show.

* week 2: eight provinces' sessions, approved, placed by the planner on their
  preferred times (or the nearest free slot) and published, with their timers armed;
* week 3: twelve submitted (the first four approved), four drafts, the rest missing.

Hosts are the venues' second demo counsellors; each session brings its venue's first two employer
booths. Titles follow the notice's three campaigns (助企用工, 暖心送岗, 就业援鄂).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from uuid import UUID

from scheduler.deadlines import FairCalendar, local_instant
from scheduler.planning import Party, ProgrammeRules, Request, plan_week
from scheduler.service import ProgrammeSettings, session_timers
from server.domain.regions import region_by_code
from server.ids import uuid7
from server.store import fairs as fairs_store
from server.store import programme as store
from server.store.db import Connection
from server.timers import schedule

HUBEI = "420000"
EAST = ("310000", "320000", "330000")  # the demo's Shanghai, Jiangsu, Zhejiang work with Hubei


def _fields(code: str, index: int) -> dict[str, Any]:
    short = region_by_code(code).short_zh
    if code in EAST:
        return {
            "title": f"{short}—湖北劳务协作定向招聘专场",
            "category": "hubei_cooperation",
            "partner_region": HUBEI,
            "target_groups": ["unemployed", "poverty_stricken"],
        }
    kind = index % 3
    if kind == 0:
        return {
            "title": f"{short}民营企业急需紧缺工种专场",
            "category": "enterprise_staffing",
            "staffing_focus": "shortage",
            "industries": ["C", "E"],
        }
    if kind == 1:
        return {
            "title": f"{short}“暖心送岗”高校毕业生专场",
            "category": "key_groups",
            "target_groups": ["graduates"],
        }
    return {
        "title": f"{short}数字经济行业专场",
        "category": "enterprise_staffing",
        "staffing_focus": "industry",
        "industries": ["I", "M"],
    }


async def load_programme(conn: Connection, *, fair_id: UUID, now: datetime) -> int:
    """Add the demo sessions (inside the demo loader's transaction); returns how many."""
    fair = await fairs_store.get_fair(conn, fair_id)
    assert fair is not None
    calendar = FairCalendar.from_row(fair)
    rules = ProgrammeRules.parse((fair.get("document") or {}).get("programme"))
    if calendar.week_count < 3:
        return 0
    venues = [v for v in await fairs_store.list_venues(conn, fair_id) if v["kind"] == "sub"]
    admins: dict[UUID, UUID] = {}
    for venue_id, account in await store.venue_admins(conn, [v["id"] for v in venues]):
        admins.setdefault(venue_id, account)
    # Each venue's second counsellor hosts (the accounts printed at start-up keep
    # exactly their documented roles).
    hosts = {
        r["scope_id"]: r["account_id"]
        for r in await conn.fetch(
            "SELECT g.scope_id, g.account_id FROM grants g JOIN accounts a ON a.id = g.account_id"
            " WHERE g.role = 'counsellor' AND a.email LIKE '%.counsellor2@%'"
            " AND g.scope_id = ANY($1::uuid[])",
            [v["id"] for v in venues],
        )
    }
    booth_rows = await conn.fetch(
        "SELECT venue_id, id FROM booths WHERE fair_id = $1 AND kind = 'employer'"
        " AND status = 'approved' ORDER BY venue_id, created_at, id",
        fair_id,
    )
    booths: dict[UUID, list[UUID]] = {}
    for row in booth_rows:
        booths.setdefault(row["venue_id"], []).append(row["id"])
    created = 0

    async def add(venue: dict[str, Any], index: int, week: int, **state: Any) -> UUID:
        nonlocal created
        session_id = uuid7()
        window = rules.window(calendar.week(week), calendar.zone)
        day = window.days[index % len(window.days)]
        preferred = local_instant(day, time(9 + (index % 3) * 2), calendar.zone)
        fields = {
            "week": week,
            "description": "线上宣讲、岗位推介和直播带岗，直播间可排队进入企业展位面试。",
            "preferred_times": [preferred],
            "expected_audience": 2000 + 500 * (index % 5),
            **_fields(venue["region_code"], index),
        }
        await store.insert_session(
            conn,
            session_id=session_id,
            fair_id=fair_id,
            venue_id=venue["id"],
            fields=fields,
            actor=admins.get(venue["id"]),
            now=now,
        )
        host = hosts.get(venue["id"])
        if host is not None:
            await store.set_hosts(conn, session_id, [host])
            await conn.execute(
                "INSERT INTO grants (id, account_id, role, scope_type, scope_id, created_at)"
                " VALUES ($1, $2, 'host', 'session', $3, $4) ON CONFLICT DO NOTHING",
                uuid7(),
                host,
                session_id,
                now,
            )
        await store.set_booths(conn, session_id, booths.get(venue["id"], [])[:2])
        if state:
            await store.update_session(conn, session_id, state, now)
        created += 1
        return session_id

    def submitted(week: int) -> dict[str, Any]:
        due = calendar.due_at(week)
        at = min(now, due - timedelta(hours=1))
        return {
            "state": "submitted",
            "first_submitted_at": at,
            "submitted_at": at,
            "submitted_late": False,
        }

    # Week 2: approved, placed, published.
    ids = [
        await add(v, i, 2, **{**submitted(2), "state": "approved", "approved_at": now})
        for i, v in enumerate(venues[:8])
    ]
    rows = [await store.get_session(conn, i) for i in ids]
    host_names = await store.host_names(conn, [h for r in rows if r for h in r["hosts"]])
    requests = [
        Request(
            id=str(r["id"]),
            title=r["title"],
            region_code=r["region_code"],
            region_name=region_by_code(r["region_code"]).zh,
            submitted_at=r["first_submitted_at"],
            duration=timedelta(minutes=r["duration_minutes"]),
            hosts=tuple(Party(str(h), host_names.get(h, "")) for h in r["hosts"]),
            booths=tuple(Party(str(b), str(b)) for b in r["booths"]),
            preferred=tuple(r["preferred_times"]),
        )
        for r in rows
        if r is not None
    ]
    plan = plan_week(requests, rules.window(calendar.week(2), calendar.zone))
    settings = ProgrammeSettings()
    for placement in plan.placements:
        session_id = UUID(placement.request.id)
        await store.update_session(
            conn,
            session_id,
            {
                "state": "scheduled",
                "starts_at": placement.start,
                "ends_at": placement.end,
                "stage": placement.stage,
                "published_at": now,
            },
            now,
        )
        placed = await store.get_session(conn, session_id)
        assert placed is not None
        for kind, key, due_at, payload in session_timers(placed, now, settings):
            if due_at is not None:
                await schedule(conn, kind, key, due_at, payload)

    # Week 3: twelve submitted (four of them approved), four drafts.
    for i, venue in enumerate(venues[8:20]):
        extra = {"state": "approved", "approved_at": now} if i < 4 else {}
        await add(venue, i, 3, **{**submitted(3), **extra})
    for i, venue in enumerate(venues[20:24]):
        await add(venue, i, 3)
    return created
