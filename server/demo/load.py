"""``livefair demo``: the notice's campaign, loaded so that it is happening this week.

The 2020 calendar is moved by whole weeks so that today (in the fair's time zone) falls
in the fair's first week; Wednesdays stay Wednesdays, so every weekly deadline keeps its
meaning. ``as_published`` loads the literal 2020 dates instead. Rows go in with COPY.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.weeks import weeks_to_bring_forward
from server.demo.candidates import load_candidates
from server.demo.employers import load_structure
from server.demo.jobs import load_jobs
from server.demo.policies import load_policies
from server.demo.programme import load_programme
from server.ids import uuid7
from server.store.db import Connection
from server.timers import Clock


def campaign() -> dict[str, Any]:
    text = (resources.files("server.demo") / "campaign.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@dataclass(frozen=True, slots=True)
class DemoSummary:
    slug: str
    starts_on: date
    ends_on: date
    venues: int
    created: bool

    def describe(self) -> str:
        verb = "loaded" if self.created else "already present"
        return f"{self.slug} {verb}: {self.starts_on} to {self.ends_on}, {self.venues} venues"


def shifted(day: str, weeks: int) -> date:
    return date.fromisoformat(day) + timedelta(weeks=weeks)


async def load_demo(
    conn: Connection,
    *,
    clock: Clock,
    today: date | None = None,
    as_published: bool = False,
    replace: bool = False,
) -> DemoSummary:
    """Load the demo fair unless it is there already (``replace`` reloads it)."""
    data = campaign()
    fair = data["fair"]
    async with conn.transaction():
        existing = await conn.fetchrow(
            """
            SELECT f.id, f.starts_on, f.ends_on, count(v.id) AS venues
              FROM fairs f LEFT JOIN venues v ON v.fair_id = f.id
             WHERE f.slug = $1 GROUP BY f.id
            """,
            fair["slug"],
        )
        if existing is not None and not replace:
            return DemoSummary(
                fair["slug"], existing["starts_on"], existing["ends_on"], existing["venues"], False
            )
        if existing is not None:
            await conn.execute("DELETE FROM fairs WHERE id = $1", existing["id"])

        if as_published:
            weeks = 0
        else:
            local_today = today or clock.now().astimezone(ZoneInfo(fair["time_zone"])).date()
            weeks = weeks_to_bring_forward(date.fromisoformat(fair["starts_on"]), local_today)
        fair_id = uuid7()
        document = dict(data["document"])
        document["issued_on"] = shifted(document["issued_on"], weeks).isoformat()
        document["weekly_deadline"] = fair["weekly_deadline"]
        starts_on = shifted(fair["starts_on"], weeks)
        ends_on = shifted(fair["ends_on"], weeks)
        await conn.execute(
            """
            INSERT INTO fairs (id, slug, title_zh, title_en, theme_zh, theme_en, starts_on,
                               ends_on, time_zone, organisers, document,
                               first_submission_due, summary_due)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            """,
            fair_id,
            fair["slug"],
            fair["title_zh"],
            fair["title_en"],
            fair["theme_zh"],
            fair["theme_en"],
            starts_on,
            ends_on,
            fair["time_zone"],
            fair["organisers"],
            document,
            shifted(fair["first_submission_due"], weeks),
            shifted(fair["summary_due"], weeks),
        )
        main = data["main_venue"]
        venues = [_venue_record(fair_id, "main", None, main, 0)]
        venues += [
            _venue_record(fair_id, "sub", sub["region_code"], sub, position)
            for position, sub in enumerate(data["sub_venues"], start=1)
        ]
        await conn.copy_records_to_table(
            "venues",
            records=venues,
            columns=[
                "id",
                "fair_id",
                "kind",
                "region_code",
                "name_zh",
                "name_en",
                "url",
                "leader_name",
                "leader_title",
                "leader_phone",
                "position",
            ],
        )
        await conn.copy_records_to_table(
            "partner_platforms",
            records=[
                (uuid7(), fair_id, p["name_zh"], p["name_en"], p["url"], position)
                for position, p in enumerate(data["partner_platforms"])
            ],
            columns=["id", "fair_id", "name_zh", "name_en", "url", "position"],
        )
        await load_structure(conn, fair_id=fair_id, now=clock.now())
        # The demo's lines are open, so candidates can queue at once.
        await conn.execute(
            """
            INSERT INTO booth_queues (booth_id, status, changed_at)
            SELECT id, 'open', $2 FROM booths WHERE fair_id = $1 AND status = 'approved'
            """,
            fair_id,
            clock.now(),
        )
        await load_programme(conn, fair_id=fair_id, now=clock.now())
        await load_candidates(conn, now=clock.now())
        await load_jobs(conn, fair_id=fair_id, now=clock.now())
        await load_policies(conn, fair_id=fair_id, now=clock.now())
    return DemoSummary(fair["slug"], starts_on, ends_on, len(venues), True)


def _venue_record(
    fair_id: Any, kind: str, region: str | None, venue: dict[str, Any], position: int
) -> tuple[Any, ...]:
    leader = venue["leader"]
    return (
        uuid7(),
        fair_id,
        kind,
        region,
        venue["name_zh"],
        venue["name_en"],
        venue["url"],
        leader["name"],
        leader["title_zh"],
        leader["phone"],
        position,
    )
