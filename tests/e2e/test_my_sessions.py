"""A host finds their featured session in one click: the navigation's "my sessions"
lists it, and "open the host studio" — pressed with the keyboard — leads to its studio.
Someone who hosts nothing is told who names hosts. Every page is also checked by the
harness (conftest.py): axe-core, raw keys, sideways scrolling, console errors.
"""

from __future__ import annotations

import pytest

from server.demo.employers import DEMO_DOMAIN, slug
from server.domain.principal import Role
from tests.e2e.conftest import DESKTOP, PHONE, LiveServer, Ui
from tests.e2e.test_identity_pages import heading, text
from tests.e2e.test_queue_pages import log_in
from tests.e2e.test_session_live import next_session

pytestmark = [pytest.mark.chromium, pytest.mark.timeout(120)]


def test_a_host_goes_from_the_navigation_to_the_studio_of_their_session(
    ui: Ui, live_server: LiveServer
) -> None:
    session = next_session(live_server)
    sid = session["id"]
    # The demo's hosts are each venue's second counsellor (server/demo/programme.py).
    log_in(ui, f"{slug(session['region_code'])}.counsellor2@{DEMO_DOMAIN}")

    ui.page.locator("lf-nav a[data-nav='my-sessions']").click()
    ui.page.wait_for_url("**/me/sessions")
    ui.settle()
    assert heading(ui) == text("live", "zh-CN", "live.mine.title")
    card = ui.page.locator(f"li.session-card[data-session='{sid}']")
    assert card.get_by_role("link", name=session["title"]).get_attribute("href") == (
        f"/sessions/{sid}"
    )
    assert card.locator(".badge").get_attribute("data-state") == "scheduled"
    assert "北京时间" in card.locator("time").inner_text()
    ui.screenshot()

    ui.tab_to(f"li.session-card[data-session='{sid}'] a[href='/sessions/{sid}/studio']")
    assert ui.focused()["text"] == text("live", "zh-CN", "live.watch.open_studio")
    ui.page.keyboard.press("Enter")
    ui.page.wait_for_url(f"**/sessions/{sid}/studio")
    ui.settle()
    assert heading(ui) == text("live", "zh-CN", "live.studio.title", title=session["title"])
    assert ui.page.locator("#studio-go-live").count() == 1  # the host's studio, not the refusal

    ui.resize(PHONE)
    ui.goto("/me/sessions")
    assert card.locator(f"a[href='/sessions/{sid}/studio']").is_visible()
    ui.screenshot()
    ui.resize(DESKTOP)


def test_someone_who_hosts_nothing_is_told_who_names_hosts(ui: Ui) -> None:
    ui.prefer_language("en")
    ui.sign_in(Role.CANDIDATE)
    assert ui.page.locator("lf-nav a[data-nav='my-sessions']").count() == 0
    ui.goto("/me/sessions")
    assert ui.page.locator("#my-sessions-empty").inner_text() == text(
        "live", "en", "live.mine.empty"
    )
    assert ui.page.locator("li.session-card").count() == 0
