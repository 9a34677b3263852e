"""Queue statistics in the browser: the booth's statistics tab and the venue's page.

Queue history is made through QueueService on the live server's database, on a fake
clock set to 10:00 (北京时间) on the demo fair's last day but one — in the future, so the
live server's own timer runner (on the real clock) cannot fire the history's ring
timeouts between a call and its accept, as it could when the history lay in the
fair's first days, already past: three candidates join the
demo recruiter's booth; two are served, one leaves. The recruiter's statistics tab and
the venue admin's page must show those figures, in Chinese and in English, at 390 px,
by keyboard.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from server.bus.memory import MemoryBus
from server.domain.principal import Role
from server.domain.queue import QueueStatus, StaffStatus
from server.ids import uuid7
from server.realtime.outbox import Outbox
from server.realtime.presence import MemoryPresenceStore, Presence
from server.services.queue import QueueService
from server.store import db
from server.timers import FakeClock
from tests.e2e.conftest import PHONE, Ui, in_thread
from tests.e2e.test_identity_pages import text
from tests.e2e.test_queue_pages import RECRUITER, log_in, staffed_booth


def s(lang: str, key: str, **params: object) -> str:
    return text("stats", lang, key, **params)


async def _history(database_url: str, day: date, booth: UUID, recruiter: UUID) -> None:
    t0 = datetime.combine(day, time(2, 0), UTC)  # 10:00 in Beijing
    clock = FakeClock(t0)
    pool = await db.create_pool(database_url, min_size=1, max_size=2)
    presence = Presence(MemoryPresenceStore(), "e2e")
    service = QueueService(pool, Outbox(pool, MemoryBus(), clock), clock, presence)
    try:
        candidates = [uuid7() for _ in range(3)]
        async with pool.acquire() as conn:
            await conn.copy_records_to_table(
                "accounts",
                records=[(c, f"stats-{c.hex}@example.org", "x", t0) for c in candidates],
                columns=["id", "email", "password_hash", "created_at"],
            )
        presence.join(f"booth:{booth}:staff", str(recruiter))
        await service.set_queue_status(booth, recruiter, QueueStatus.OPEN)
        await service.set_staff_status(booth, recruiter, StaffStatus.AVAILABLE)

        def at(seconds: int) -> None:
            clock.advance(t0 + timedelta(seconds=seconds) - clock.now())

        first = (await service.join(booth, candidates[0]))["id"]
        at(120)
        second = (await service.join(booth, candidates[1]))["id"]
        at(300)
        await service.call(booth, recruiter, first)  # waited 300 s
        at(310)
        await service.accept(first, candidates[0])
        at(400)
        await service.leave(second, candidates[1])
        at(500)
        third = (await service.join(booth, candidates[2]))["id"]
        at(910)
        await service.complete(first, recruiter)  # a 600 s interview
        await service.call(booth, recruiter, third)  # waited 410 s
        at(920)
        await service.accept(third, candidates[2])
        at(1220)
        await service.complete(third, recruiter)  # 300 s
        await service.set_queue_status(booth, recruiter, QueueStatus.CLOSED)
        await service.settle()
    finally:
        await service.close()
        await pool.close()


def make_history(ui: Ui, booth: str, recruiter: str) -> str:
    """The history on the fair's last day but one (returned as YYYY-MM-DD): a day still
    to come, whose timers the live server leaves alone while the history is made."""
    day = date.fromisoformat(ui.server.fair()["ends_on"]) - timedelta(days=1)
    assert day > datetime.now(UTC).date() + timedelta(days=1), "the demo fair ends too soon"
    url = ui.server.database_url
    in_thread(lambda: asyncio.run(_history(url, day, UUID(booth), UUID(recruiter))))
    return day.isoformat()


def figure(ui: Ui, table: str, key: str, name: str) -> str:
    cell = ui.page.locator(f"#{table} tr[data-key='{key}'] td[data-figure='{name}']")
    return cell.inner_text().strip()


# The day's figures as the page writes them, per language.
EXPECTED = {
    "zh-CN": {
        "joins": "3",
        "served": "2",
        "left": "1",
        "expired": "0",
        "wait_median": "5分55秒",  # 300 and 410 s
        "wait_p90": "6分39秒",  # 300 + 0.9 × 110 = 399 s
        "service_median": "7分30秒",  # 600 and 300 s
        "first_contact_median": "5分55秒",
        "abandonment_rate": "33.3%",
    },
    "en": {
        "joins": "3",
        "wait_median": "5 min 55 s",
        "service_median": "7 min 30 s",
        "abandonment_rate": "33.3%",
    },
}


def check_day(ui: Ui, lang: str, table: str, key: str) -> None:
    for name, value in EXPECTED[lang].items():
        assert figure(ui, table, key, name) == value, name


def test_the_recruiter_and_the_venue_admin_see_the_days_figures(ui: Ui, another_ui: Any) -> None:
    me = log_in(ui, RECRUITER)
    booth = staffed_booth(ui, me)
    day = make_history(ui, booth["id"], me["id"])
    next_day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()

    # The console's tab leads to the statistics.
    ui.goto(f"/booths/{booth['id']}/console")
    ui.page.get_by_role("link", name=s("zh-CN", "stats.queue.title")).click()
    ui.page.wait_for_url(f"**/booths/{booth['id']}/stats")
    ui.page.locator("#stats-by-day").wait_for()
    ui.settle()
    check_day(ui, "zh-CN", "stats-by-day", day)
    mine = ui.page.locator(f"#stats-by-recruiter tr[data-key='{me['id']}'] th")
    assert mine.inner_text().strip() == me["display_name"]
    assert figure(ui, "stats-by-recruiter", me["id"], "served") == "2"
    ui.resize(PHONE)  # checked again: the wide tables scroll in their frames, not the page
    joins = ui.page.locator(
        f"#stats-by-recruiter tr[data-key='{me['id']}'] td[data-figure='joins']"
    ).text_content()
    assert joins == "—" + s("zh-CN", "stats.queue.no_data")  # "—", read as "no data"

    # Another span of days, by keyboard: nothing joined the next day.
    ui.page.locator("#stats-range-from").fill(next_day)
    ui.page.locator("#stats-range-to").fill(next_day)
    ui.tab_to("#stats-range-submit")
    ui.page.keyboard.press("Enter")
    ui.page.get_by_text(s("zh-CN", "stats.queue.no_tickets")).first.wait_for()
    assert ui.focused()["id"] == "stats-by-day-region"
    ui.settle()
    # The last day before the first: the API's refusal, next to the field.
    ui.page.locator("#stats-range-from").fill(
        (date.fromisoformat(day) + timedelta(days=2)).isoformat()
    )
    ui.page.locator("#stats-range-submit").click()
    ui.page.locator("#stats-range-to-error").wait_for()
    assert ui.page.locator("#stats-range-to-error").inner_text().strip() == text(
        "errors", "zh-CN", "errors.field.queue_stats.to_before_from"
    )
    ui.settle()

    # The venue's admin, in English on a phone.
    admin = another_ui("admin")
    admin.prefer_language("en")
    admin.sign_in(Role.VENUE_ADMIN, UUID(booth["venue_id"]))
    admin.resize(PHONE)
    admin.goto(f"/manage/venues/{booth['venue_id']}")
    admin.page.get_by_role(
        "link", name=text("structure", "en", "structure.manage_venue.stats")
    ).click()
    admin.page.locator("#stats-by-booth").wait_for()
    admin.settle()
    check_day(admin, "en", "stats-by-booth", booth["id"])
    check_day(admin, "en", "stats-by-day", day)
    row = admin.page.locator(f"#stats-by-booth tr[data-key='{booth['id']}'] th a")
    assert row.get_attribute("href") == f"/booths/{booth['id']}/stats"
