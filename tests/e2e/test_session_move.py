"""Placing and moving a featured session by hand on the organisers' board.

The demo's week 3 has four approved sessions, none placed. The organiser places one by
keyboard on the week's third programme day at 14:30 Beijing time on stage 2 (the
browser runs in New York time: the page must send the instant Beijing's wall clock
names), the row then reads its new time and the API agrees; putting another province's
session on the same stage at the same time is refused with the clash in words, next to
the form, and changes nothing. Week 2 is published: its sessions say that a move is
announced to their hosts and followers.

This module's server is its own (``live_server`` is per module).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from server.domain.principal import Role
from tests.e2e.conftest import Ui
from tests.e2e.test_identity_pages import screenshots, text
from tests.e2e.test_submission_board import api, board, p, press, row_status, wait_status

pytestmark = pytest.mark.chromium

BEIJING = ZoneInfo("Asia/Shanghai")


def arrow_down(ui: Ui, selector: str, times: int) -> None:
    """Reach a <select> with Tab (unless it has focus) and move its choice down ``times``
    options by keyboard."""
    if not ui.page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
        ui.tab_to(selector)
    for _ in range(times):
        ui.page.keyboard.press("ArrowDown")


def choose_slot(ui: Ui, form: str, week: dict[str, Any], day: int, at: str, stage: int) -> None:
    """Fill the row's place/move form by keyboard, from its starting point (the first
    programme day from today, the opening time, any free stage)."""
    assert ui.focused()["id"] == f"{form}-day"
    assert ui.page.locator(f"#{form}-day").input_value() == week["programme_days"][0]
    arrow_down(ui, f"#{form}-day", day)
    assert ui.page.locator(f"#{form}-time").input_value() == week["opens"]
    opens = datetime.combine(date.min, time.fromisoformat(week["opens"]))
    steps = (datetime.combine(date.min, time.fromisoformat(at)) - opens).seconds // 60
    arrow_down(ui, f"#{form}-time", steps // week["step_minutes"])
    arrow_down(ui, f"#{form}-stage", stage)  # the first option is "any free stage"
    assert ui.page.locator(f"#{form}-day").input_value() == week["programme_days"][day]
    assert ui.page.locator(f"#{form}-time").input_value() == at
    assert ui.page.locator(f"#{form}-stage").input_value() == str(stage)
    press(ui, f"#{form}-submit")


def session(ui: Ui, session_id: str) -> dict[str, Any]:
    answer = api(ui, f"/api/featured-sessions/{session_id}")
    assert answer["status"] == 200, answer
    found: dict[str, Any] = answer["body"]
    return found


def test_organiser_places_a_session_by_keyboard_and_a_clash_changes_nothing(ui: Ui) -> None:
    ui.sign_in(Role.ORGANISER)
    fair_id = ui.server.fair()["id"]
    ui.goto(f"/manage/fairs/{fair_id}/submissions?week=3")
    week = api(ui, f"/api/fairs/{fair_id}/submissions?week=3")["body"]["week"]
    assert week["stages"] > 1
    approved = [r for r in board(ui, fair_id, 3) if r["status"] == "approved"]
    first, second = approved[0], approved[1]
    assert (first["starts_at"], second["starts_at"]) == (None, None)

    # Place the first on the third programme day, 14:30 Beijing time, stage 2.
    key = first["venue_id"]
    assert ui.page.locator(f"#move-{key}").inner_text() == p("zh-CN", "programme.board.place_one")
    press(ui, f"#move-{key}")
    hint = ui.page.locator(f"#move-{key}-hint").inner_text()
    assert f"{week['opens']}至{week['closes']}（北京时间）" in hint
    assert (
        p("zh-CN", "programme.board.move_time", zone="北京时间")
        in ui.page.locator(f"label[for='move-{key}-time']").inner_text()
    )
    ui.settle()
    choose_slot(ui, f"move-{key}", week, 2, "14:30", 2)
    ui.page.locator(f"#slot-{key}").wait_for()
    assert ui.focused()["id"] == f"province-{key}"
    assert row_status(ui, key) == "placed"

    day = date.fromisoformat(week["programme_days"][2])
    starts = datetime.combine(day, time(14, 30), BEIJING)
    ends = starts + timedelta(minutes=first["duration_minutes"])
    expected = p(
        "zh-CN",
        "programme.board.slot",
        time=f"{day.year}年{day.month}月{day.day}日 14:30",
        end=f"{ends:%H:%M}",
        zone="北京时间",
        stage=2,
    )
    assert ui.page.locator(f"#slot-{key}").inner_text() == expected
    placed = session(ui, first["session_id"])
    assert datetime.fromisoformat(placed["starts_at"]) == starts
    assert (placed["state"], placed["stage"]) == ("scheduled", 2)
    row = next(r for r in board(ui, fair_id, 3) if r["venue_id"] == key)
    assert datetime.fromisoformat(row["starts_at"]) == starts
    assert ui.page.locator(f"#move-{key}").inner_text() == p("zh-CN", "programme.board.move")

    # The second on the same stage at the same time: refused in words, nothing changes.
    other = second["venue_id"]
    press(ui, f"#move-{other}")
    choose_slot(ui, f"move-{other}", week, 2, "14:30", 2)
    summary = ui.page.locator(f"#move-{other}-summary")
    summary.wait_for()
    assert ui.focused()["id"] == f"move-{other}-summary"
    refusal = summary.locator("[data-error-code]")
    assert refusal.get_attribute("data-error-code") == "schedule.stage_taken"
    assert refusal.inner_text() == text("errors", "zh-CN", "errors.code.schedule.stage_taken")
    unchanged = session(ui, second["session_id"])
    assert (unchanged["state"], unchanged["starts_at"], unchanged["stage"]) == (
        "approved",
        None,
        None,
    )
    assert row_status(ui, other) == "approved"
    assert ui.page.locator(f"#slot-{other}").count() == 0
    ui.settle()
    screenshots(ui, "clash")  # and the same at 390 px: the form fits a phone

    # Cancel: the form goes, focus returns to the row's button.
    press(ui, f"#move-{other}-cancel")
    assert ui.focused()["id"] == f"move-{other}"
    wait_status(ui, other, "approved")


def test_a_published_session_says_its_move_is_announced_in_english(ui: Ui) -> None:
    ui.prefer_language("en")
    ui.sign_in(Role.ORGANISER)
    fair_id = ui.server.fair()["id"]
    ui.goto(f"/manage/fairs/{fair_id}/submissions?week=2")
    published = next(r for r in board(ui, fair_id, 2) if r["published_at"] is not None)
    key = published["venue_id"]
    slot = ui.page.locator(f"#slot-{key}").inner_text()
    assert "Beijing time" in slot
    assert p("en", "programme.board.is_published") in slot
    press(ui, f"#move-{key}")
    assert ui.focused()["id"] == f"move-{key}-day"
    assert (
        p("en", "programme.board.move_published")
        in ui.page.locator(f"#move-{key}-hint").inner_text()
    )
    # The form starts where the session is.
    starts = datetime.fromisoformat(published["starts_at"]).astimezone(BEIJING)
    assert ui.page.locator(f"#move-{key}-day").input_value() == starts.date().isoformat()
    assert ui.page.locator(f"#move-{key}-time").input_value() == f"{starts:%H:%M}"
    assert ui.page.locator(f"#move-{key}-stage").input_value() == str(published["stage"])
    ui.settle()
