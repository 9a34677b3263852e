"""The weekly programme in real Chromium: a province's venue admin submits next week's
featured session before the Wednesday deadline (docs/programme.md).

Every page is also checked by the harness (conftest.py): axe-core, raw keys, console.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from server.domain.principal import Role
from tests.e2e.conftest import LiveServer, Ui
from tests.e2e.test_identity_pages import screenshots, text

pytestmark = pytest.mark.chromium

FAIR_ZONE = ZoneInfo("Asia/Shanghai")


def zh(key: str, **params: object) -> str:
    return text("programme", "zh-CN", key, **params)


def session_items(ui: Ui, venue_id: str) -> list[dict[str, Any]]:
    """The venue's sessions as its signed-in admin reads them (listVenueSessions)."""
    items: list[dict[str, Any]] = ui.page.evaluate(
        """async (venue) => {
             const r = await fetch(`/api/venues/${venue}/featured-sessions`);
             return (await r.json()).items;
           }""",
        venue_id,
    )
    return items


def test_a_province_submits_next_weeks_session_after_fixing_a_time_outside_the_hours(
    ui: Ui, live_server: LiveServer
) -> None:
    fair = live_server.fair()
    weeks = live_server.get_json(f"/api/fairs/{fair['id']}/weeks")
    open_week = weeks["open_for_submission"]
    week = weeks["weeks"][open_week - 1]
    # The demo leaves the last provinces without any session (docs/programme.md "Demo").
    venue_id = [v["id"] for v in fair["venues"] if v["kind"] == "sub"][-1]
    ui.sign_in(Role.VENUE_ADMIN, UUID(venue_id))
    assert session_items(ui, venue_id) == []

    ui.goto(f"/manage/venues/{venue_id}")
    ui.page.locator("#todo-sessions").click()
    ui.settle()
    assert ui.path == f"/manage/venues/{venue_id}/sessions"
    countdown = ui.page.locator("#countdown").inner_text()
    assert f"第{open_week}周" in countdown
    assert zh("programme.countdown.missing") in countdown
    assert ui.page.locator("#countdown-left").inner_text().strip() != ""
    assert ui.page.locator("#session-form-week").input_value() == str(open_week)

    # By keyboard: a title, the category 暖心送岗 with a target group, a host, a time.
    title = "云南“暖心送岗”高校毕业生专场"
    ui.tab_to("#session-form-title")
    ui.page.keyboard.type(title)
    ui.tab_to("#session-form-category")
    ui.page.keyboard.press("ArrowDown")
    ui.page.keyboard.press("ArrowDown")
    assert ui.page.locator("#session-form-category").input_value() == "key_groups"
    ui.tab_to("#session-form-target_groups-0")
    ui.page.keyboard.press("Space")
    ui.tab_to("#session-form-hosts-0")
    ui.page.keyboard.press("Space")
    day = week["programme_days"][0]
    ui.tab_to("#session-form-time-0")
    ui.page.locator("#session-form-time-0").fill(f"{day}T07:00")  # before the daily hours
    ui.tab_to("#session-form-send", limit=80)  # each time has 6 parts
    ui.page.keyboard.press("Enter")

    ui.page.wait_for_selector("#session-form-summary:focus")
    ui.settle()
    assert ui.page.locator("#session-form-time-0-error").inner_text() == text(
        "errors", "zh-CN", "errors.field.schedule.outside_hours"
    )
    assert session_items(ui, venue_id) == []  # nothing was written

    ui.page.locator("#session-form-summary a").first.press("Enter")
    assert ui.focused()["id"] == "session-form-time-0"
    ui.page.locator("#session-form-time-0").fill(f"{day}T10:00")
    ui.tab_to("#session-form-send", limit=80)  # each time has 6 parts
    ui.page.keyboard.press("Enter")

    card = ui.page.locator('li.card[data-state="submitted"]')
    card.wait_for()
    ui.settle()
    assert title in card.inner_text()
    assert zh("programme.state.submitted") in card.inner_text()
    assert (
        zh("programme.countdown.yours", title=title) in ui.page.locator("#countdown").inner_text()
    )
    [session] = session_items(ui, venue_id)
    assert (session["state"], session["week"], session["category"]) == (
        "submitted",
        open_week,
        "key_groups",
    )
    assert session["target_groups"] == ["graduates"]
    assert len(session["private"]["hosts"]) == 1
    ten = datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=FAIR_ZONE)
    assert [
        datetime.fromisoformat(t.replace("Z", "+00:00"))
        for t in session["private"]["preferred_times"]
    ] == [ten.astimezone(UTC)]
    screenshots(ui, "submitted")


def test_one_save_marks_every_bad_field_and_a_negative_duration_is_out_of_range(
    ui: Ui, live_server: LiveServer
) -> None:
    fair = live_server.fair()
    weeks = live_server.get_json(f"/api/fairs/{fair['id']}/weeks")
    week = weeks["weeks"][weeks["open_for_submission"] - 1]
    venue_id = [v["id"] for v in fair["venues"] if v["kind"] == "sub"][-2]
    ui.sign_in(Role.VENUE_ADMIN, UUID(venue_id))
    before = session_items(ui, venue_id)
    ui.goto(f"/manage/venues/{venue_id}/sessions")
    form = ui.page.locator("#session-form")

    # No title, 助企用工 with no focus, -5 minutes, no audience, a time before the
    # daily hours and one on a day outside the week: everything wrong at once.
    ui.page.locator("#session-form-category").select_option("enterprise_staffing")
    ui.page.locator("#session-form-staffing_focus").wait_for()
    ui.page.locator("#session-form-duration_minutes").fill("-5")
    ui.page.locator("#session-form-expected_audience").fill("")
    day = week["programme_days"][0]
    ui.page.locator("#session-form-time-0").fill(f"{day}T07:00")
    before_week = date.fromisoformat(week["first_day"]) - timedelta(days=1)
    ui.page.locator("#session-form-time-1").fill(f"{before_week.isoformat()}T10:00")
    ui.page.locator("#session-form-submit").click()
    ui.page.wait_for_selector("#session-form-summary:focus")
    ui.settle()

    def error(name: str) -> str:
        return form.locator(f"#session-form-{name}-error").inner_text()

    def field(code: str) -> str:
        return text("errors", "zh-CN", f"errors.field.{code}")

    assert error("title") == field("required")
    assert error("staffing_focus") == field("required")
    assert error("duration_minutes") == field("out_of_range")
    assert error("expected_audience") == field("required")
    assert error("time-0") == field("schedule.outside_hours")
    assert error("time-1") == field("schedule.outside_fair")
    assert form.locator('[aria-invalid="true"]').count() == 6
    assert ui.page.locator("#session-form-summary li").count() == 6
    assert session_items(ui, venue_id) == before  # nothing was written


def post(ui: Ui, path: str, body: dict[str, Any]) -> Any:
    """POST through the page's own API helper (cookies and CSRF as the app sends them)."""
    return ui.page.evaluate(
        """async ([path, body]) => {
             const { api } = await import('/api.js');
             try { return await api(path, { method: 'POST', body }); }
             catch (error) { return { code: error.code }; }
           }""",
        [path, body],
    )


def week_options(ui: Ui) -> dict[str, str]:
    options = ui.page.locator("#session-form-week option")
    return {
        str(options.nth(i).get_attribute("value")): options.nth(i).inner_text()
        for i in range(options.count())
    }


def test_a_late_window_the_organisers_open_is_shown_and_used_by_the_venue_admin(
    ui: Ui, live_server: LiveServer, another_ui: Any
) -> None:
    fair = live_server.fair()
    venue_id = [v["id"] for v in fair["venues"] if v["kind"] == "sub"][-3]
    # The organiser opens a late window for week 1 (its deadline long past) for one venue.
    organiser = another_ui("organiser")
    organiser.sign_in(Role.ORGANISER)
    organiser.goto(f"/manage/fairs/{fair['id']}/submissions?week=1")
    until = (datetime.now(UTC) + timedelta(hours=20)).replace(microsecond=0)
    opened = post(
        organiser,
        f"/api/fairs/{fair['id']}/weeks/1/late-windows",
        {"venue_id": venue_id, "until": until.isoformat()},
    )
    assert opened.get("week") == 1, opened

    ui.sign_in(Role.VENUE_ADMIN, UUID(venue_id))
    assert [s for s in session_items(ui, venue_id) if s["week"] == 1] == []
    ui.goto(f"/manage/venues/{venue_id}/sessions")
    late = ui.page.locator("#late-window-1")
    late.wait_for()
    assert "第1周" in late.inner_text()
    assert zh("programme.countdown.late_missing", number=1) in late.inner_text()
    assert "补报截至" in week_options(ui)["1"]

    title = "补报：第一周民营企业专场"
    ui.page.locator("#session-form-week").select_option("1")
    ui.page.locator("#session-form-title").fill(title)
    ui.page.locator("#session-form-category").select_option("other")
    ui.page.locator("#session-form-send").click()
    ui.page.locator('li.card[data-state="submitted"]').wait_for()
    ui.settle()
    [session] = [s for s in session_items(ui, venue_id) if s["week"] == 1]
    assert (session["state"], session["private"]["submitted_late"]) == ("submitted", True)
    assert zh("programme.countdown.late_yours", number=1, title=title) in late.inner_text()
    assert "1" not in week_options(ui)  # week 1 has its session now
    screenshots(ui, "late-window")


def test_a_refused_submission_leaves_no_draft_and_a_submitted_week_is_not_offered(
    ui: Ui, live_server: LiveServer
) -> None:
    fair = live_server.fair()
    weeks = live_server.get_json(f"/api/fairs/{fair['id']}/weeks")
    open_week = weeks["open_for_submission"]
    venue_id = [v["id"] for v in fair["venues"] if v["kind"] == "sub"][-4]
    ui.sign_in(Role.VENUE_ADMIN, UUID(venue_id))
    before = session_items(ui, venue_id)
    assert [s for s in before if s["week"] == open_week] == []
    ui.goto(f"/manage/venues/{venue_id}/sessions")
    assert ui.page.locator("#session-form-week").input_value() == str(open_week)
    ui.page.locator("#session-form-title").fill("第二场：重复报送")
    ui.page.locator("#session-form-category").select_option("other")

    # Meanwhile another admin of the venue submits this week's session from elsewhere.
    sent = post(
        ui,
        f"/api/venues/{venue_id}/featured-sessions",
        {"week": open_week, "title": "先报送的专场", "category": "other", "submit": True},
    )
    assert sent.get("state") == "submitted", sent
    ui.page.locator("#session-form-send").click()
    ui.page.wait_for_selector("#session-form-summary:focus")
    ui.settle()
    assert (
        text("errors", "zh-CN", "errors.code.featured_session.week_taken")
        in ui.page.locator("#session-form-summary").inner_text()
    )
    after = session_items(ui, venue_id)
    assert [s["id"] for s in after] == [*(s["id"] for s in before), sent["id"]]  # no draft

    ui.reload()
    ui.page.locator("#session-form-week").wait_for()
    assert str(open_week) not in week_options(ui)
