"""The demo loads the notice's campaign so that today falls in its first week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.weeks import week_number
from server.demo.load import load_demo
from server.store.db import Connection
from server.timers import FakeClock, SystemClock

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_the_demos_first_week_contains_today(conn: Connection) -> None:
    summary = await load_demo(conn, clock=SystemClock())
    today = datetime.now(SHANGHAI).date()
    fair = await conn.fetchrow("SELECT starts_on, ends_on, first_submission_due FROM fairs")
    assert fair is not None
    assert summary.created
    assert week_number(fair["starts_on"], today) == 1
    assert fair["starts_on"].weekday() == 2  # still a Wednesday, as on 2020-07-01
    assert fair["ends_on"] - fair["starts_on"] == timedelta(days=30)
    assert fair["starts_on"] - fair["first_submission_due"] == timedelta(days=12)


@pytest.mark.parametrize(
    "instant",
    [
        datetime(2026, 11, 29, 15, 59, tzinfo=UTC),  # Sunday 23:59 in Beijing
        datetime(2026, 11, 29, 16, 0, tzinfo=UTC),  # Monday 00:00 in Beijing: the next week
        datetime(2031, 2, 28, 12, 0, tzinfo=UTC),
    ],
)
async def test_today_is_taken_in_the_fairs_time_zone(conn: Connection, instant: datetime) -> None:
    await load_demo(conn, clock=FakeClock(instant))
    starts_on = await conn.fetchval("SELECT starts_on FROM fairs")
    assert week_number(starts_on, instant.astimezone(SHANGHAI).date()) == 1


async def test_as_published_keeps_the_2020_dates_and_loads_every_venue(conn: Connection) -> None:
    await load_demo(conn, clock=SystemClock(), as_published=True)
    fair = await conn.fetchrow("SELECT * FROM fairs")
    assert fair is not None
    assert (fair["starts_on"], fair["ends_on"]) == (date(2020, 7, 1), date(2020, 7, 31))
    assert fair["first_submission_due"] == date(2020, 6, 19)
    assert fair["summary_due"] == date(2020, 8, 10)
    venues = await conn.fetch("SELECT kind, region_code, leader_name FROM venues ORDER BY position")
    assert len(venues) == 33
    assert venues[0]["kind"] == "main"
    assert [v["region_code"] for v in venues[1:3]] == ["110000", "120000"]
    assert venues[-1]["region_code"] == "660000"  # the Production and Construction Corps
    assert all("示例" in v["leader_name"] for v in venues)
    partners = await conn.fetchval("SELECT count(*) FROM partner_platforms")
    assert partners == 3


async def test_loading_again_keeps_the_fair_and_replace_reloads_it(conn: Connection) -> None:
    first = await load_demo(conn, clock=SystemClock(), as_published=True)
    again = await load_demo(conn, clock=SystemClock())
    assert again.created is False
    assert again.starts_on == first.starts_on
    replaced = await load_demo(conn, clock=SystemClock(), replace=True)
    assert replaced.created
    assert replaced.starts_on != first.starts_on
    assert await conn.fetchval("SELECT count(*) FROM fairs") == 1
    assert await conn.fetchval("SELECT count(*) FROM venues") == 33
