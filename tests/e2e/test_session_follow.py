"""“提醒我 / Remind me” and calendars in real Chromium (docs/programme.md, "Following and
calendars"): a candidate follows a session with the keyboard on the programme page, finds
it still followed after a reload, makes a personal calendar URL on /account that serves it
to a calendar app (no cookie), unfollows on the session's page, and turns the URL off. A
visitor's "Remind me" leads to sign-in and back. Every page is also checked by the harness
(conftest.py): axe-core, raw keys, sideways scrolling, console errors.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest

from server.demo.employers import DEMO_DOMAIN, DEMO_PASSWORD
from server.domain.principal import Role
from tests.e2e.conftest import PHONE, LiveServer, Ui
from tests.e2e.test_identity_pages import text, wait_for_path
from tests.e2e.test_session_live import next_session

pytestmark = [pytest.mark.chromium, pytest.mark.timeout(180)]


def live(key: str, lang: str = "zh-CN", **params: object) -> str:
    return text("live", lang, key, **params)


def fetch_feed(url: str) -> tuple[int, bytes]:
    """GET a calendar URL as a calendar app does: no cookie, no browser."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def summaries(body: bytes) -> list[str]:
    calendar = icalendar.Calendar.from_ical(body)
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def following(ui: Ui, session_id: str) -> Any:
    """What getFeaturedSession tells the signed-in page about following the session."""
    return ui.page.evaluate(
        """async (id) => (await (await fetch(`/api/featured-sessions/${id}`)).json()).following""",
        session_id,
    )


def reminder_note(session: dict[str, Any]) -> str:
    starts = datetime.fromisoformat(session["starts_at"].replace("Z", "+00:00"))
    ahead = starts - datetime.now(UTC) > timedelta(days=1)
    return live("live.follow.will_remind_both" if ahead else "live.follow.will_remind_quarter")


def test_a_candidate_follows_by_keyboard_gets_a_calendar_and_unfollows(
    ui: Ui, live_server: LiveServer
) -> None:
    session = next_session(live_server)
    sid, title = session["id"], session["title"]
    ui.sign_in(Role.CANDIDATE)

    # The programme page: the toggle, pressed with the keyboard.
    ui.goto("/programme")
    toggle = ui.page.locator(f"#follow-{sid}")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert toggle.get_attribute("aria-label") == live("live.follow.label", title=title)
    ui.tab_to(f"#follow-{sid}", limit=120)
    ui.page.keyboard.press("Space")
    ui.page.wait_for_selector(f"#follow-{sid}[aria-pressed='true']")
    ui.settle()
    assert ui.focused()["id"] == f"follow-{sid}"  # the keyboard user stays where they were
    assert ui.page.locator(f"#follow-note-{sid}").inner_text() == reminder_note(session)
    assert reminder_note(session) in ui.page.locator("#notices").inner_text()
    ui.screenshot()

    ui.reload()  # it reached the server: the programme says so on a fresh load
    ui.settle()
    assert ui.page.locator(f"#follow-{sid}").get_attribute("aria-pressed") == "true"
    assert following(ui, sid) is True

    # The whole fair's calendar is offered to everyone, as https and webcal://.
    fair_url = ui.page.locator("#calendar-fair-url").input_value()
    assert fair_url.startswith(f"{live_server.url}/calendar/fair.ics?fair=")
    assert ui.page.locator("#calendar-fair-webcal").get_attribute("href") == (
        "webcal:" + fair_url.removeprefix("http:")
    )
    status, body = fetch_feed(fair_url)
    assert status == 200
    assert title in summaries(body)

    # /account: make the personal calendar URL; a calendar app reads the followed session.
    ui.goto("/account")
    assert ui.page.locator("#calendar-state").inner_text() == text(
        "identity", "zh-CN", "identity.calendar.none"
    )
    ui.tab_to("#calendar-create", limit=60)
    ui.page.keyboard.press("Enter")
    ui.page.wait_for_selector("#calendar-url:focus")
    ui.settle()
    url = ui.page.locator("#calendar-url").input_value()
    assert url.startswith(f"{live_server.url}/calendar/user-")
    assert url.endswith(".ics")
    status, body = fetch_feed(url)
    assert status == 200
    assert summaries(body) == [title]
    ui.screenshot()

    # The session's page: the same toggle shows it followed; unfollow it there.
    ui.goto(f"/sessions/{sid}")
    watch_toggle = ui.page.locator(f"#follow-{sid}")
    assert watch_toggle.get_attribute("aria-pressed") == "true"
    ui.tab_to(f"#follow-{sid}", limit=60)
    ui.page.keyboard.press("Enter")
    ui.page.wait_for_selector(f"#follow-{sid}[aria-pressed='false']")
    ui.settle()
    assert ui.page.locator(f"#follow-note-{sid}").inner_text() == live("live.follow.stopped")
    assert following(ui, sid) is False
    status, body = fetch_feed(url)
    assert status == 200
    assert summaries(body) == []

    # Back on /account the URL is not shown again; turning it off asks first.
    ui.goto("/account")
    assert "北京时间" in ui.page.locator("#calendar-state").inner_text()
    assert ui.page.locator("#calendar-url").count() == 0
    ui.page.locator("#calendar-revoke").click()
    ui.page.wait_for_selector("#calendar-confirm-revoke:focus")
    ui.settle()
    ui.page.keyboard.press("Enter")
    ui.page.wait_for_selector("#calendar-create")
    ui.settle()
    status, body = fetch_feed(url)
    assert status == 404
    assert b"calendar.not_found" in body


def test_a_visitors_remind_me_leads_to_sign_in_and_back(ui: Ui, live_server: LiveServer) -> None:
    ui.prefer_language("en")
    session = next_session(live_server)
    sid = session["id"]
    ui.goto("/programme")
    link = ui.page.locator(f"a#follow-{sid}")
    assert link.inner_text() == live("live.follow.button", "en")
    assert link.get_attribute("href") == "/login?next=%2Fprogramme"
    ui.resize(PHONE)
    ui.settle()
    ui.screenshot()
    link.click()
    ui.page.wait_for_url("**/login?next=*")
    ui.settle()
    ui.page.get_by_role("textbox", name=text("identity", "en", "identity.contact.label")).fill(
        f"candidate@{DEMO_DOMAIN}"
    )
    ui.page.get_by_label(text("identity", "en", "identity.password.label"), exact=True).fill(
        DEMO_PASSWORD
    )
    ui.page.locator("#login-submit").click()
    wait_for_path(ui, "/programme")
    ui.page.wait_for_selector(f"button#follow-{sid}[aria-pressed='false']")
    ui.settle()


def test_a_refused_follow_says_why_and_stays_off(ui: Ui, live_server: LiveServer) -> None:
    """The API's refusal (here: the session ended or was cancelled since the page loaded,
    stood in for by the network) is shown with the shared error text; nothing changes."""
    session = next_session(live_server)
    sid = session["id"]
    ui.sign_in(Role.CANDIDATE)
    ui.page.route(
        f"**/api/featured-sessions/{sid}/follow",
        lambda route: route.fulfill(
            status=409,
            content_type="application/problem+json",
            body='{"code": "featured_session.wrong_state", "status": 409}',
        ),
    )
    ui.goto(f"/sessions/{sid}")
    ui.page.locator(f"#follow-{sid}").click()
    alert = ui.page.locator(f"#follow-error-{sid}[role='alert']")
    alert.wait_for()
    ui.settle()
    assert alert.inner_text() == text("errors", "zh-CN", "errors.code.featured_session.wrong_state")
    assert ui.page.locator(f"#follow-{sid}").get_attribute("aria-pressed") == "false"
    assert following(ui, sid) is False
