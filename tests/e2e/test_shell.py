"""The web client's shell in real Chromium: language, keyboard, routing, real fair data.

Every page these tests open is also checked by the harness (conftest.py): axe-core finds
no serious or critical violation, no catalogue key is shown raw, no console error.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from scheduler.weeks import week_monday, week_number
from server.domain.principal import Role
from tests.e2e.conftest import DESKTOP, PHONE, LiveServer, Ui, in_thread

pytestmark = pytest.mark.chromium

CATALOGUES = Path(__file__).resolve().parents[2] / "client_web" / "i18n"


def text(feature: str, lang: str, key: str) -> str:
    """A string of the web client's catalogues, as the tests expect to see it."""
    catalogue = json.loads((CATALOGUES / f"{feature}.{lang}.json").read_text(encoding="utf-8"))
    value: str = catalogue[key]
    return value


def heading(ui: Ui) -> str:
    return ui.page.locator("main h1").inner_text().strip()


def nav_links(ui: Ui) -> list[dict[str, str]]:
    links = ui.page.evaluate(
        """() => [...document.querySelectorAll('lf-nav a[data-nav]')].map((a) => ({
             id: a.dataset.nav, href: a.getAttribute('href'), label: a.textContent.trim() }))"""
    )
    return [{key: str(value) for key, value in link.items()} for link in links]


@pytest.fixture(scope="module")
def fair(live_server: LiveServer) -> dict[str, Any]:
    return live_server.fair()


def test_home_shows_the_fair_in_chinese_with_dates_in_beijing_time(
    ui: Ui, fair: dict[str, Any]
) -> None:
    ui.goto("/")

    assert ui.lang == "zh-CN"
    assert heading(ui) == fair["title_zh"]
    main = ui.page.locator("main")
    body = main.inner_text()
    assert fair["theme_zh"] in body
    assert "北京时间" in body
    starts = date.fromisoformat(fair["starts_on"])
    assert f"{starts.year}年{starts.month}月{starts.day}日" in body
    for organiser in fair["organisers"]:
        assert organiser["zh"] in body
    for partner in fair["partner_platforms"]:
        link = main.get_by_role("link", name=partner["name_zh"])
        assert link.get_attribute("href") == partner["url"]
    main_venue = next(v for v in fair["venues"] if v["kind"] == "main")
    assert main.get_by_role("link", name=main_venue["name_zh"]).count() == 1
    assert ui.page.title().endswith(fair["title_zh"])

    for width in (DESKTOP, PHONE):
        ui.resize(width)
        ui.screenshot()


def test_language_switch_is_applied_everywhere_and_remembered_after_reload(
    ui: Ui, fair: dict[str, Any]
) -> None:
    ui.goto("/")
    assert heading(ui) == fair["title_zh"]

    ui.tab_to(".language-switch")
    ui.page.keyboard.press("Enter")
    ui.page.wait_for_function("() => document.documentElement.lang === 'en'")
    ui.settle()

    assert heading(ui) == fair["title_en"]
    assert ui.page.locator("#site-title").inner_text() == fair["title_en"]
    assert [link["label"] for link in nav_links(ui)] == [
        "Home",
        "Venues",
        "Programme",
        "Jobs",
        "Policies",
    ]
    assert ui.page.locator("#notices").inner_text() == text("shell", "en", "shell.language.changed")
    assert ui.focused()["text"] == "中文", "focus stays on the language switch"
    # Chinese-only data (leader names) keeps its language for screen readers.
    assert ui.page.locator("main [lang='zh-CN']").count() > 0

    ui.reload()
    assert ui.lang == "en"
    assert heading(ui) == fair["title_en"]
    for width in (DESKTOP, PHONE):
        ui.resize(width)
        ui.screenshot()

    ui.page.locator(".language-switch").click()
    ui.page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    ui.reload()
    assert ui.lang == "zh-CN"
    assert heading(ui) == fair["title_zh"]


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_keyboard_alone_reaches_every_top_level_section(ui: Ui, width: int) -> None:
    ui.resize(width)
    ui.goto("/programme")

    ui.page.keyboard.press("Tab")
    assert ui.focused()["text"] == text("shell", "zh-CN", "shell.skip")
    assert ui.page.locator(".skip-link").is_visible()
    ui.page.keyboard.press("Enter")
    assert ui.focused()["tag"] == "h1", "the skip link moves focus to the page heading"

    links = nav_links(ui)
    assert [link["href"] for link in links] == ["/", "/venues", "/programme", "/jobs", "/policies"]
    for link in links:
        target = f"lf-nav a[data-nav='{link['id']}']"
        if not ui.page.locator(target).is_visible():
            ui.tab_to(".nav-toggle")
            ui.page.keyboard.press("Enter")
            assert ui.page.locator(".nav-toggle").get_attribute("aria-expanded") == "true"
        ui.tab_to(target)
        ui.page.keyboard.press("Enter")
        ui.settle()

        assert ui.path == link["href"]
        assert ui.focused() == {"tag": "h1", "text": heading(ui), "id": ""}
        assert ui.page.locator(target).get_attribute("aria-current") == "page"
        assert ui.page.title().startswith(heading(ui)) or link["href"] == "/"

    if width == PHONE:  # the menu closes with Escape and gives focus back to its button
        ui.tab_to(".nav-toggle")
        ui.page.keyboard.press("Enter")
        ui.page.keyboard.press("Tab")
        ui.page.keyboard.press("Escape")
        assert ui.page.locator(".nav-toggle").get_attribute("aria-expanded") == "false"
        assert ui.focused()["text"] == text("shell", "zh-CN", "shell.nav.menu")
    ui.screenshot()


def test_reload_on_a_venue_deep_link_shows_that_venue(ui: Ui, fair: dict[str, Any]) -> None:
    venue = next(v for v in fair["venues"] if v["region_code"] == "660000")

    ui.goto(f"/venues/{venue['id']}")
    assert heading(ui) == venue["name_zh"]
    ui.reload()

    assert heading(ui) == venue["name_zh"]
    main = ui.page.locator("main")
    assert venue["leader"]["name"] in main.inner_text()
    assert main.get_by_role("link", name=venue["url"]).get_attribute("href") == venue["url"]
    venues_link = ui.page.locator("lf-nav a[data-nav='venues']")
    assert venues_link.get_attribute("aria-current") == "true"
    for width in (DESKTOP, PHONE):
        ui.resize(width)
        ui.screenshot()


def test_unknown_route_shows_not_found(ui: Ui) -> None:
    ui.goto("/no-such-page")

    assert heading(ui) == text("shell", "zh-CN", "shell.notfound.title")
    assert "/no-such-page" in ui.page.locator("main").inner_text()
    assert ui.page.title().startswith(heading(ui))
    ui.page.locator("main").get_by_role(
        "link", name=text("shell", "zh-CN", "shell.error.home")
    ).click()
    ui.settle()
    assert ui.path == "/"
    ui.page.go_back()
    ui.settle()
    assert heading(ui) == text("shell", "zh-CN", "shell.notfound.title")
    for width in (DESKTOP, PHONE):
        ui.resize(width)
        ui.screenshot()


def test_unknown_venue_shows_the_error_code_as_text(ui: Ui) -> None:
    ui.goto("/venues/00000000-0000-7000-8000-000000000000")

    assert heading(ui) == text("shell", "zh-CN", "shell.error.not_found")
    message = ui.page.locator("[data-error-code='venue.not_found']")
    assert message.inner_text() == text("errors", "zh-CN", "errors.code.venue.not_found")


def error_actions(ui: Ui) -> list[str]:
    """The buttons and links the full-page error offers, by their text."""
    return [
        a.strip() for a in ui.page.locator("main .actions").locator("a, button").all_inner_texts()
    ]


def test_a_page_refused_for_want_of_sign_in_leads_to_sign_in_and_back(ui: Ui) -> None:
    from server.demo.employers import DEMO_DOMAIN, DEMO_PASSWORD

    here = "/interviews/00000000-0000-7000-8000-000000000000"
    ui.goto(here)
    assert ui.page.locator("[data-error-code='auth.required']").inner_text() == text(
        "errors", "zh-CN", "errors.code.auth.required"
    )
    # Trying again cannot help; signing in does, and comes back here.
    assert error_actions(ui) == [
        text("shell", "zh-CN", "shell.error.sign_in"),
        text("shell", "zh-CN", "shell.error.home"),
    ]
    ui.page.locator("#error-sign-in").click()
    ui.page.wait_for_url(f"**/login?next=%2Finterviews%2F{here.rsplit('/', 1)[1]}")
    ui.settle()
    ui.page.locator("#login-identifier").fill(f"candidate@{DEMO_DOMAIN}")
    ui.page.locator("#login-password").fill(DEMO_PASSWORD)
    ui.page.locator("#login-submit").click()
    ui.page.wait_for_url(f"**{here}")
    ui.settle()
    assert ui.page.locator("[data-error-code='auth.required']").count() == 0


def test_a_forbidden_page_offers_the_way_home_and_a_failing_server_a_retry(ui: Ui) -> None:
    ui.sign_in(Role.CANDIDATE)
    venue = next(v["id"] for v in ui.server.fair()["venues"] if v["kind"] == "sub")
    ui.goto(f"/manage/venues/{venue}/staff")
    assert ui.page.locator("[data-error-code='auth.forbidden']").inner_text() == text(
        "errors", "zh-CN", "errors.code.auth.forbidden"
    )
    assert error_actions(ui) == [text("shell", "zh-CN", "shell.error.home")]

    # A server error may pass: retrying stays, and works once the server answers.
    failing = {"on": True}

    def answer(route: Any) -> None:
        if failing["on"]:
            route.fulfill(
                status=503,
                content_type="application/problem+json",
                body=json.dumps({"code": "server.unavailable", "status": 503}),
            )
        else:
            route.continue_()

    ui.page.route("**/api/venues/*", answer)
    ui.goto(f"/venues/{venue}")
    assert error_actions(ui) == [
        text("shell", "zh-CN", "shell.error.retry"),
        text("shell", "zh-CN", "shell.error.home"),
    ]
    failing["on"] = False
    ui.page.locator("#error-retry").click()
    ui.page.locator("main [data-error-code]").wait_for(state="detached")
    ui.settle()


def test_venue_filter_narrows_the_list_and_survives_a_reload(ui: Ui) -> None:
    ui.goto("/venues")
    cards = ui.page.locator("#sub-venues > li:visible")
    assert cards.count() == 32

    ui.page.get_by_label(text("fairs", "zh-CN", "fairs.venues.filter")).fill("兵团")
    assert cards.count() == 1
    assert ui.path == "/venues?q=%E5%85%B5%E5%9B%A2"
    ui.reload()
    assert cards.count() == 1
    assert cards.first.get_attribute("data-region") == "660000"

    ui.page.get_by_label(text("fairs", "zh-CN", "fairs.venues.filter")).fill("no such place")
    assert cards.count() == 0
    assert "no such place" in ui.page.locator("#venue-count").inner_text()


def test_home_lists_the_featured_sessions_coming_up_with_links_to_them(
    ui: Ui, live_server: LiveServer, fair: dict[str, Any]
) -> None:
    programme = live_server.get_json(f"/api/fairs/{fair['id']}/programme")
    now = datetime.now(UTC)
    coming = sorted(
        (
            s
            for s in programme["sessions"]
            if s["state"] in ("lobby", "live")
            or (s["state"] == "scheduled" and datetime.fromisoformat(s["starts_at"]) > now)
        ),
        key=lambda s: (s["state"] not in ("lobby", "live"), s["starts_at"]),
    )[:4]
    assert coming, "the demo fair publishes next week's featured sessions"
    ui.goto("/")

    listed = ui.page.get_by_role("list", name=text("fairs", "zh-CN", "fairs.home.sessions"))
    links = listed.get_by_role("link")
    assert links.evaluate_all("(els) => els.map((a) => a.getAttribute('href'))") == [
        f"/sessions/{s['id']}" for s in coming
    ]
    assert [link.strip() for link in links.all_inner_texts()] == [s["title"] for s in coming]
    links.first.click()
    ui.page.wait_for_url(f"**/sessions/{coming[0]['id']}")


def test_programme_shows_fair_weeks_and_wednesday_deadlines_in_fair_time(
    ui: Ui, fair: dict[str, Any]
) -> None:
    zone = ZoneInfo(fair["time_zone"])
    today = datetime.now(zone).date()
    ui.goto("/programme")

    starts, ends = date.fromisoformat(fair["starts_on"]), date.fromisoformat(fair["ends_on"])
    weeks = week_number(starts, ends)
    cards = ui.page.locator("ol.weeks > li")
    assert cards.count() == weeks
    if starts <= today <= ends:
        current = ui.page.locator("ol.weeks > li.week-current")
        assert current.get_attribute("data-week") == str(week_number(starts, today))
        assert text("programme", "zh-CN", "programme.this_week") in current.inner_text()

    # Each week but the last names its Wednesday: next week's featured session is due.
    deadlines = ui.page.locator("ol.weeks time").evaluate_all(
        "(els) => els.map((el) => el.getAttribute('datetime'))"
    )
    first_monday = week_monday(starts)
    expected = [(first_monday + timedelta(weeks=n, days=2)).isoformat() for n in range(weeks - 1)]
    assert deadlines == expected
    key_dates = ui.page.locator("main > lf-programme-page > section time").evaluate_all(
        "(els) => els.map((el) => el.getAttribute('datetime'))"
    )
    assert fair["first_submission_due"] in key_dates
    assert fair["summary_due"] in key_dates
    assert "北京时间" in ui.page.locator("main").inner_text()
    for width in (DESKTOP, PHONE):
        ui.resize(width)
        ui.screenshot()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_page_shows_no_raw_catalogue_key_and_fits_a_360_px_phone(
    ui: Ui, fair: dict[str, Any], lang: str
) -> None:
    ui.resize(360)
    ui.prefer_language(lang)
    venue = fair["venues"][0]["id"]  # the main venue: the longest name
    paths = ["/", "/venues", f"/venues/{venue}", "/programme", "/nowhere", "/venues/nope"]
    for path in paths:
        ui.goto(path)  # settle() also fails on sideways scrolling and on axe findings
        assert ui.lang == lang
        ui.check_no_raw_keys()  # part of every settle(); explicit here


def test_every_nav_item_of_every_role_leads_to_an_existing_page(ui: Ui) -> None:
    ui.goto("/")
    found = ui.page.evaluate(
        """async () => {
             const { NAV, ROLES } = await import('/nav.js');
             const { routes, notFound } = await import('/routes.js');
             const { Router } = await import('/lib/router.js');
             const router = new Router({ routes, notFound, outlet: document.createElement('div') });
             const items = ROLES.flatMap((role) => (NAV[role] ?? []).map((item) => ({
               role, href: item.href, route: router.match(item.href).route.name })));
             return { roles: ROLES, defined: Object.keys(NAV), items };
           }"""
    )
    roles = {"anonymous", *(role.value for role in Role)}
    assert set(found["roles"]) == roles
    assert set(found["defined"]) == roles
    assert found["items"], "the anonymous visitor has navigation"
    assert [item for item in found["items"] if item["route"] == "not-found"] == []


def test_a_signed_in_account_gets_the_navigation_of_its_roles(ui: Ui) -> None:
    ui.goto("/")
    assert ui.page.evaluate("async () => (await import('/session.js')).roles()") == []

    me = ui.sign_in(Role.ORGANISER)

    roles = ui.page.evaluate("async () => (await import('/session.js')).roles()")
    assert "organiser" in roles  # besides "candidate", which every new account has
    assert sorted(roles) == sorted({grant["role"] for grant in me["grants"]})
    expected = ui.page.evaluate(
        "async (roles) => (await import('/nav.js')).navFor(roles).map((item) => item.href)", roles
    )
    assert [link["href"] for link in nav_links(ui)] == expected


def test_api_client_maps_problems_to_localised_errors_and_sends_csrf_on_writes(ui: Ui) -> None:
    ui.goto("/")
    failure = ui.page.evaluate(
        """async () => {
             const { api } = await import('/api.js');
             try { await api('/api/venues/nope'); }
             catch (e) {
               return { name: e.name, code: e.code, status: e.status, message: e.message };
             }
           }"""
    )
    assert failure == {
        "name": "ApiError",
        "code": "venue.not_found",
        "status": 404,
        "message": text("errors", "zh-CN", "errors.code.venue.not_found"),
    }

    ui.page.evaluate("document.cookie = 'csrf_token=token-123; path=/'")
    with ui.page.expect_request(lambda r: r.method == "POST" and "/api/fairs" in r.url) as post:
        code = ui.page.evaluate(
            """async () => {
                 const { api } = await import('/api.js');
                 try { await api('/api/fairs', { method: 'POST', body: {} }); }
                 catch (e) { return e.code; }
               }"""
        )
    assert post.value.headers.get("x-csrf-token") == "token-123"
    assert code == "route.method_not_allowed"
    with ui.page.expect_request(lambda r: r.method == "GET" and "/api/fairs" in r.url) as get:
        ui.page.evaluate("async () => (await import('/api.js')).api('/api/fairs')")
    assert "x-csrf-token" not in get.value.headers


def test_the_page_stream_follows_me_and_receives_a_committed_notification(ui: Ui) -> None:
    """A notification committed by another process (no bus message at all) reaches the
    page: the outbox relay republishes it and stream.js delivers it on ``me``."""
    me = ui.sign_in(Role.CANDIDATE)
    ui.page.evaluate(
        """async () => {
             const stream = await import('/stream.js');
             window.__frames = [];
             stream.subscribe('me', null, (frame) => window.__frames.push(frame));
           }"""
    )
    ui.page.wait_for_function("() => window.__frames.some((f) => f.op === 'snapshot')")
    snapshot = ui.page.evaluate("() => window.__frames.find((f) => f.op === 'snapshot')")
    assert snapshot["topic"] == "me"
    assert snapshot["data"]["unread_notifications"] == 0

    async def commit_notification() -> None:
        from server.ids import uuid7
        from server.store import db
        from server.store.events import NewEvent, append_events

        conn = await db.connect(ui.server.database_url)
        try:
            async with conn.transaction():
                now = datetime.now(UTC)
                notification_id = uuid7()
                await conn.execute(
                    "INSERT INTO notifications (id, account_id, kind, data, created_at)"
                    " VALUES ($1, $2, 'test.hello', '{}'::jsonb, $3)",
                    notification_id,
                    UUID(me["id"]),
                    now,
                )
                await append_events(
                    conn,
                    [
                        NewEvent(
                            f"user:{me['id']}",
                            "notification.created",
                            {"id": str(notification_id), "kind": "test.hello"},
                        )
                    ],
                    now,
                )
        finally:
            await conn.close()

    in_thread(lambda: asyncio.run(commit_notification()))
    ui.page.wait_for_function("() => window.__frames.some((f) => f.op === 'event')", timeout=15_000)
    event = ui.page.evaluate("() => window.__frames.find((f) => f.op === 'event')")
    assert event["type"] == "notification.created"
    assert event["seq"] == 1
    assert event["data"]["kind"] == "test.hello"


# A signed-in header at its fullest: a long name beside the bell and the language switch.
LONG_NAME = "Alexandrina Montgomery-Wellington"


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.ORGANISER])
def test_a_signed_in_header_fits_a_390_px_phone_in_one_compact_row(
    ui: Ui, lang: str, role: Role
) -> None:
    ui.resize(PHONE)
    ui.prefer_language(lang)
    ui.goto("/")
    ui.sign_in(role, name=LONG_NAME)
    paths = ["/", "/jobs", "/venues", "/me/lines"]
    if role is Role.ORGANISER:
        paths.append("/manage/venues")
    for path in paths:
        ui.goto(path)
        assert ui.lang == lang
        assert ui.page.locator(".account-name").inner_text() == LONG_NAME
        layout = ui.page.evaluate(
            """() => {
                 const box = (selector) => document.querySelector(selector).getBoundingClientRect();
                 return { scroll: document.documentElement.scrollWidth,
                          header: box('.site-header').height,
                          language: box('.language-switch').right,
                          toggle: box('.nav-toggle').right };
               }"""
        )
        assert layout["scroll"] <= PHONE, f"{path} scrolls sideways: {layout}"
        assert layout["language"] <= PHONE, f"the language switch is cut off on {path}"
        # The bar (title in at most two lines beside the tools) and the menu button's row.
        assert layout["header"] <= 130, f"the header takes {layout['header']} px on {path}"
    ui.page.locator(".nav-toggle").click()
    assert ui.page.evaluate("document.documentElement.scrollWidth") <= PHONE
    ui.screenshot()
