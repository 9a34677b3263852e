"""The organisers' weekly submissions board (/manage/fairs/<id>/submissions) in the browser.

The demo's week 3 has twelve sessions submitted (the first four approved), four drafts
and the rest missing; week 1's deadline is past with nothing submitted. The organiser
reaches the board from the venues page, returns one province's session with a reason
and approves another by keyboard, previews the timetable, places and publishes the
week, sees the API's refusal of a stale approval, and opens a late window for a
province that missed week 1 (whose publication, with nothing placed, is refused in
words).

This module's server is its own (``live_server`` is per module), so publishing week 3
here changes nothing that tests/e2e/test_shell.py sees of the demo's published week 2.
"""

from __future__ import annotations

from typing import Any

import pytest

from server.domain.principal import Role
from tests.e2e.conftest import PHONE, Ui
from tests.e2e.test_identity_pages import screenshots, text, wait_for_path

pytestmark = pytest.mark.chromium


def p(lang: str, key: str, **params: object) -> str:
    return text("programme", lang, key, **params)


def api(ui: Ui, path: str) -> Any:
    """GET an API path in the browser, with the signed-in organiser's cookies."""
    return ui.page.evaluate(
        "async (path) => { const r = await fetch(path, { credentials: 'same-origin' });"
        " return { status: r.status, body: await r.json() }; }",
        path,
    )


def board(ui: Ui, fair_id: str, week: int) -> list[dict[str, Any]]:
    answer = api(ui, f"/api/fairs/{fair_id}/submissions?week={week}")
    assert answer["status"] == 200, answer
    rows: list[dict[str, Any]] = answer["body"]["rows"]
    return rows


def press(ui: Ui, selector: str) -> None:
    """Reach ``selector`` with Tab and press Enter, as a keyboard user would."""
    ui.tab_to(selector)
    ui.page.keyboard.press("Enter")


def row_status(ui: Ui, venue_id: str) -> str:
    return str(ui.page.locator(f"#board tr[data-venue='{venue_id}']").get_attribute("data-status"))


def wait_status(ui: Ui, venue_id: str, status: str) -> None:
    ui.page.locator(f"#board tr[data-venue='{venue_id}'][data-status='{status}']").wait_for()


def test_organiser_returns_approves_previews_places_and_publishes_week_three(ui: Ui) -> None:
    ui.sign_in(Role.ORGANISER)
    fair_id = ui.server.fair()["id"]
    ui.goto("/manage/venues")
    ui.page.locator("#submission-board-link").click()
    wait_for_path(ui, f"/manage/fairs/{fair_id}/submissions")
    # The picker starts on the week now open for submission, as the board's API does.
    weeks = api(ui, f"/api/fairs/{fair_id}/weeks")["body"]
    assert ui.page.locator("#week-picker-week").input_value() == str(weeks["open_for_submission"])

    # Week 3 by keyboard: choose it in the picker, then "show".
    ui.page.locator("#week-picker-week").select_option("3")
    press(ui, "#week-picker-submit")
    ui.page.wait_for_url(lambda url: url.endswith("/submissions?week=3"))
    ui.settle()
    rows = board(ui, fair_id, 3)
    assert len(rows) == ui.page.locator("#board tbody tr").count()
    assert ui.page.locator("#board-counts").inner_text() == p(
        "zh-CN", "programme.board.counts", submitted=12, total=len(rows)
    )
    submitted = [r for r in rows if r["status"] == "submitted"]
    assert len(submitted) == 8
    returned, approved = submitted[0], submitted[1]
    row = ui.page.locator(f"#board tr[data-venue='{returned['venue_id']}']")
    assert p("zh-CN", "programme.board.status.submitted") in row.inner_text()
    assert row.get_by_role("link", name=returned["title"]).get_attribute("href") == (
        f"/sessions/{returned['session_id']}"
    )
    screenshots(ui, "week-3")

    # Return one: the reason is required, then sent; focus comes back to the province.
    press(ui, f"#return-{returned['venue_id']}")
    reason_box = f"#return-{returned['venue_id']}-reason"
    assert ui.focused()["id"] == reason_box[1:]
    press(ui, f"#return-{returned['venue_id']}-submit")
    ui.page.locator(f"#return-{returned['venue_id']}-summary").wait_for()
    assert row_status(ui, returned["venue_id"]) == "submitted"
    reason = "请补充参会企业名单和岗位数量"
    ui.page.locator(reason_box).focus()
    ui.page.keyboard.type(reason)
    press(ui, f"#return-{returned['venue_id']}-submit")
    wait_status(ui, returned["venue_id"], "returned")
    assert ui.focused()["id"] == f"province-{returned['venue_id']}"
    session = api(ui, f"/api/featured-sessions/{returned['session_id']}")["body"]
    assert session["state"] == "returned"
    assert session["private"]["return_reason"] == reason

    # Approve another.
    press(ui, f"#approve-{approved['venue_id']}")
    wait_status(ui, approved["venue_id"], "approved")
    assert ui.focused()["id"] == f"province-{approved['venue_id']}"
    assert api(ui, f"/api/featured-sessions/{approved['session_id']}")["body"]["state"] == (
        "approved"
    )
    assert ui.page.locator("#board-counts").inner_text() == p(
        "zh-CN", "programme.board.counts", submitted=11, total=len(rows)
    )

    # Preview: the five approved sessions with their times in Beijing time; nothing placed.
    press(ui, "#plan-preview")
    ui.page.locator("#plan-placed").wait_for()
    assert ui.page.locator("#plan-result-title").inner_text() == p(
        "zh-CN", "programme.board.preview_title"
    )
    placed = ui.page.locator("#plan-placed > li")
    assert placed.count() == 5
    assert approved["session_id"] in [
        placed.nth(i).get_attribute("data-session") for i in range(placed.count())
    ]
    assert all("北京时间" in placed.nth(i).inner_text() for i in range(placed.count()))
    assert api(ui, f"/api/featured-sessions/{approved['session_id']}")["body"]["starts_at"] is None
    ui.settle()
    screenshots(ui, "preview")

    # Place them, then publish (asked once more): the week's programme has the five.
    press(ui, "#plan-apply")
    wait_status(ui, approved["venue_id"], "placed")
    assert ui.page.locator("#plan-result-title").inner_text() == p(
        "zh-CN", "programme.board.placed_title"
    )
    # Before the deadline, with provinces still missing: the question says so first.
    rows = board(ui, fair_id, 3)
    owing = sum(r["status"] not in ("submitted", "approved", "placed") for r in rows)
    assert owing > 0
    press(ui, "#publish-week-3")
    assert ui.focused()["id"] == "publish-question-week-3"
    question = ui.page.locator("#publish-question-week-3-text").inner_text()
    assert "第 3 周的报送截止时间" in question
    assert "还没到" in question
    assert f"还有 {owing} 个省份（共 {len(rows)} 个）未报送" in question
    assert api(ui, f"/api/fairs/{fair_id}/programme?week=3")["body"]["sessions"] == []
    press(ui, "#publish-confirm-week-3")
    ui.page.locator("#publish-result").wait_for()
    assert ui.page.locator("#publish-result").inner_text() == p(
        "zh-CN", "programme.board.published", number=3, count=5
    )
    programme = ui.server.get_json(f"/api/fairs/{fair_id}/programme?week=3")
    assert len(programme["sessions"]) == 5

    # A refusal is shown as text: someone else approved this one since the board loaded.
    stale = submitted[2]
    ui.page.evaluate(
        "async (id) => (await import('/api.js')).api("
        "`/api/featured-sessions/${id}/approve`, { method: 'POST' })",
        stale["session_id"],
    )
    press(ui, f"#approve-{stale['venue_id']}")
    failure = ui.page.locator("#board-failure")
    failure.wait_for()
    assert ui.focused()["id"] == "board-failure"
    assert failure.inner_text() == text(
        "errors", "zh-CN", "errors.code.featured_session.wrong_state"
    )
    ui.settle()


def test_organiser_opens_a_late_window_on_a_phone_in_english(ui: Ui) -> None:
    ui.prefer_language("en")
    ui.sign_in(Role.ORGANISER)
    fair_id = ui.server.fair()["id"]
    ui.resize(PHONE)
    ui.goto(f"/manage/fairs/{fair_id}/submissions?week=1")
    rows = board(ui, fair_id, 1)
    late = next(r for r in rows if r["overdue"])
    row = ui.page.locator(f"#board tr[data-venue='{late['venue_id']}']")
    assert p("en", "programme.board.overdue") in row.inner_text()

    press(ui, f"#late-{late['venue_id']}")
    assert ui.focused()["id"] == f"late-{late['venue_id']}-until"
    press(ui, f"#late-{late['venue_id']}-submit")  # the suggested time: a day from now
    ui.page.locator(f"#board tr[data-venue='{late['venue_id']}'] .badge-urgent").wait_for(
        state="detached"
    )
    assert ui.focused()["id"] == f"province-{late['venue_id']}"
    after = next(r for r in board(ui, fair_id, 1) if r["venue_id"] == late["venue_id"])
    assert after["late_until"] is not None
    assert not after["overdue"]
    assert "Late window until" in row.inner_text()

    # Publishing a week with nothing placed says so (and changes nothing); asked first,
    # since its provinces have not all submitted (its deadline is past).
    press(ui, "#publish-week-1")
    question = ui.page.locator("#publish-question-week-1-text").inner_text()
    assert f"of {len(rows)} provinces have not submitted week 1" in question
    assert "has not passed" not in question
    press(ui, "#publish-confirm-week-1")
    ui.page.locator("#publish-result").wait_for()
    assert ui.focused()["id"] == "publish-result"
    assert ui.page.locator("#publish-result").inner_text() == p(
        "en", "programme.board.nothing_to_publish", number=1
    )

    # The week's report and the campaign's statistics table (every venue, every week),
    # both formats each: the links are the API's and they download.
    downloads = {
        "report": f"/api/fairs/{fair_id}/submissions/report?week=1&format=",
        "campaign": f"/api/fairs/{fair_id}/campaign-statistics?format=",
    }
    for name, prefix in downloads.items():
        for fmt in ("csv", "xlsx"):
            href = ui.page.locator(f"#{name}-{fmt}").get_attribute("href")
            assert href == prefix + fmt
            status = ui.page.evaluate(
                "async (href) => (await fetch(href, { credentials: 'same-origin' })).status",
                href,
            )
            assert status == 200, href
    ui.settle()
    screenshots(ui, "late-window")
