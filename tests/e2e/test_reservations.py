"""Reservations in the browser (issue 8): a booth's staff turn reservations on in the
booth's settings; a candidate books a slot on the booth's page and finds it under My
bookings; the server's clock moves on (a fake clock: ``LiveServer.advance_clock``) to
just before the slot, when another candidate walks into the line; then to the slot's
start, when the server's own ``reservation.start`` timer makes the booking a ticket; the
recruiter calls next and the booked candidate is called ahead of the walk-in, who
joined first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from server.domain.principal import Role
from tests.e2e.conftest import DESKTOP, PHONE, LiveServer, Ui
from tests.e2e.test_identity_pages import text
from tests.e2e.test_queue_console import open_line
from tests.e2e.test_queue_pages import RECRUITER, join_by_keyboard, log_in, q, staffed_booth

if TYPE_CHECKING:
    from playwright.sync_api import Locator


def r(lang: str, key: str, **params: object) -> str:
    return text("reservations", lang, key, **params)


def bookable_slot(server: LiveServer, booth_id: str) -> dict[str, Any]:
    """The first slot with booking open and a free place, on the first day that has one."""
    listed = server.get_json(f"/api/booths/{booth_id}/slots")
    for day in listed["days"]:
        found = server.get_json(f"/api/booths/{booth_id}/slots?date={day}")
        for slot in found["items"]:
            if slot["window"] == "open" and slot["free"] > 0:
                return {**slot, "date": day, "default_date": listed["date"]}
    raise AssertionError(f"no bookable slot at booth {booth_id}: {listed}")


def booth_taking_bookings(recruiter: Ui) -> tuple[dict[str, Any], dict[str, Any]]:
    """The demo recruiter signs in and turns reservations on at their booth on its
    settings page (two places a slot); the booth, and a slot open for booking."""
    booth = staffed_booth(recruiter, log_in(recruiter, RECRUITER))
    recruiter.goto(f"/booths/{booth['id']}/settings")
    settings = recruiter.page.locator("lf-slot-settings form")
    settings.wait_for()
    recruiter.page.get_by_label(
        r("zh-CN", "reservations.settings.enabled"), exact=True
    ).select_option("on")
    recruiter.page.get_by_label(r("zh-CN", "reservations.settings.capacity"), exact=True).fill("2")
    recruiter.page.get_by_role("button", name=r("zh-CN", "reservations.settings.save")).click()
    recruiter.page.get_by_role("status").filter(
        has_text=r("zh-CN", "reservations.settings.saved")
    ).wait_for()
    recruiter.settle()
    return booth, bookable_slot(recruiter.server, booth["id"])


def slot_item(who: Ui, booth_id: str, slot: dict[str, Any]) -> Locator:
    """The slot on the booth's page (on its day), once the page shows it."""
    who.goto(f"/booths/{booth_id}")
    who.page.locator("#booth-slots-title").wait_for()
    if slot["date"] != slot["default_date"]:
        who.page.locator("#booth-slots-date").select_option(slot["date"])
    item = who.page.locator(f"li.slot[data-starts-at='{slot['starts_at']}']")
    item.wait_for()
    return item


def book_by_keyboard(booker: Ui, booth_id: str, slot: dict[str, Any]) -> Locator:
    """A candidate books the slot on the booth's page, by keyboard; its item there."""
    item = slot_item(booker, booth_id, slot)
    button = item.get_by_role("button", name=r("zh-CN", "reservations.slots.book"))
    button.wait_for()
    booker.tab_to(f"#{button.get_attribute('id')}")
    booker.page.keyboard.press("Enter")
    booked = r("zh-CN", "reservations.state.confirmed")
    item.locator(".slot-mine").filter(has_text=booked).wait_for()
    return item


def test_a_booked_candidate_is_called_ahead_of_walk_ins_when_the_slot_starts(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    recruiter = ui
    booth, slot = booth_taking_bookings(recruiter)

    # A candidate books it on the booth's page, by keyboard.
    booker = another_ui("booker")
    booker.sign_in(Role.CANDIDATE)
    book_by_keyboard(booker, booth["id"], slot)
    booked = r("zh-CN", "reservations.state.confirmed")
    booker.page.get_by_role("status").filter(
        has_text=r("zh-CN", "reservations.done.booked")
    ).wait_for()
    booker.settle()
    # It is under My bookings, linked from the booth's slots.
    booker.page.get_by_role("link", name=r("zh-CN", "reservations.slots.see_mine")).click()
    booker.page.wait_for_url("**/me/bookings")
    booker.settle()
    booker.page.locator(".booking-state").filter(has_text=booked).wait_for()

    # Time passes (the server's fake clock) until just before the slot: another
    # candidate walks into the line, which the staff open if the day's close shut it.
    starts_at = datetime.fromisoformat(slot["starts_at"])
    recruiter.server.advance_clock(starts_at - timedelta(minutes=2))
    open_line(recruiter, booth["id"])
    walker = another_ui("walker")
    walker.sign_in(Role.CANDIDATE)
    join_by_keyboard(walker, booth["id"])

    # The slot's time arrives: the server's own timer makes the booking a ticket, ahead
    # of the walk-in.
    recruiter.server.advance_clock(starts_at + timedelta(seconds=1))
    booker.goto("/me/lines")
    booker.page.locator(".ticket-position").filter(
        has_text=q("zh-CN", "queue.position.first")
    ).wait_for(timeout=15_000)
    # The card says why: the booked slot, called ahead of the walk-in line.
    kind = booker.page.locator(".ticket-kind").inner_text()
    assert kind == q("zh-CN", "queue.ticket.kind_reservation"), kind
    walker.goto("/me/lines")
    walker.page.locator(".ticket-position").filter(
        has_text=q("zh-CN", "queue.position.ahead", count=1)
    ).wait_for()
    assert walker.page.locator(".ticket-kind").count() == 0  # a walk-in's says nothing

    # The recruiter becomes available and calls next: the booked candidate is called.
    recruiter.goto(f"/booths/{booth['id']}/console")
    recruiter.page.get_by_role("button", name=q("zh-CN", "queue.console.set_available")).click()
    recruiter.page.locator("#console-status-available[aria-pressed='true']").wait_for()
    recruiter.page.get_by_role("button", name=q("zh-CN", "queue.console.call_next")).click()
    booker.page.get_by_role("button", name=q("zh-CN", "queue.ticket.accept")).wait_for()
    booker_name = booth["title"] or booth["employer"]["name"]
    booker.page.get_by_role("alert").filter(
        has_text=q("zh-CN", "queue.alert.called", booth=booker_name)
    ).wait_for()
    assert walker.page.get_by_role("button", name=q("zh-CN", "queue.ticket.accept")).count() == 0

    booker.goto("/me/bookings")
    booker.page.locator(".booking-state").filter(
        has_text=r("zh-CN", "reservations.state.admitted")
    ).wait_for()
    for person in (booker, recruiter):
        for width in (DESKTOP, PHONE):
            person.resize(width)
            person.screenshot()


def test_a_booking_appears_live_in_the_console_and_on_another_candidates_booth_page(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    recruiter = ui
    booth, slot = booth_taking_bookings(recruiter)

    # The recruiter's console lists the day's slots; another candidate has the booth's
    # page open on the same slot.
    recruiter.goto(f"/booths/{booth['id']}/console")
    bookings = recruiter.page.locator("lf-booth-bookings")
    bookings.locator("#booth-bookings-title").wait_for()
    if bookings.locator("#booth-bookings-date").count():
        bookings.locator("#booth-bookings-date").select_option(slot["date"])
    in_console = bookings.locator(f"li[data-starts-at='{slot['starts_at']}']")
    in_console.wait_for()
    recruiter.settle()
    watcher = another_ui("watcher")
    watcher.sign_in(Role.CANDIDATE)
    watched = slot_item(watcher, booth["id"], slot)
    places = r("zh-CN", "reservations.slots.free", free=slot["free"], capacity=slot["capacity"])
    watched.locator(".slot-places").filter(has_text=places).wait_for()
    for page in (recruiter.page, watcher.page):
        page.evaluate("() => { window.notReloaded = true; }")

    booker = another_ui("booker")
    account = booker.sign_in(Role.CANDIDATE)
    book_by_keyboard(booker, booth["id"], slot)

    # Without a reload: the booking appears in the console, the candidate as a short id.
    mine = in_console.locator("li").filter(has_text=account["id"][-8:])
    mine.locator(".booking-state").filter(
        has_text=r("zh-CN", "reservations.state.confirmed")
    ).wait_for()
    # … and the other candidate's page shows one place fewer.
    fewer = r("zh-CN", "reservations.slots.free", free=slot["free"] - 1, capacity=slot["capacity"])
    watched.locator(".slot-places").filter(has_text=fewer).wait_for()
    for page in (recruiter.page, watcher.page):
        assert page.evaluate("() => window.notReloaded === true")
    # The candidate's own booking is not the recruiter's to name: ids only.
    assert "E2E" not in bookings.inner_text()

    for person in (recruiter, watcher):
        for width in (PHONE, DESKTOP):
            person.resize(width)  # settles: axe-core and no sideways scrolling
            person.screenshot()


def test_the_consoles_bookings_follow_a_switch_to_english(ui: Ui) -> None:
    recruiter = ui
    booth, _ = booth_taking_bookings(recruiter)
    recruiter.goto(f"/booths/{booth['id']}/console")
    bookings = recruiter.page.locator("lf-booth-bookings")
    title = bookings.locator("#booth-bookings-title")
    title.filter(has_text=r("zh-CN", "reservations.staff.title")).wait_for()
    bookings.locator("#booth-bookings-list").wait_for()

    recruiter.page.locator(".language-switch").click()
    recruiter.page.wait_for_function("() => document.documentElement.lang === 'en'")
    recruiter.settle()

    # Without a reload, the bookings section is in English too.
    title.filter(has_text=r("en", "reservations.staff.title")).wait_for()
    assert bookings.locator("p.hint").first.inner_text() == r("en", "reservations.staff.intro")
    assert r("zh-CN", "reservations.staff.title") not in bookings.inner_text()


def slots_per_row(who: Ui) -> int:
    """How many of the booth page's slots share the first row of its list."""
    tops = who.page.evaluate(
        """() => [...document.querySelectorAll('#booth-slots-list > li.slot')]
                   .map((li) => Math.round(li.getBoundingClientRect().top))"""
    )
    return sum(1 for top in tops if top == tops[0])


def test_the_booth_page_offers_no_past_day_and_shows_slots_as_a_compact_grid(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    booth, slot = booth_taking_bookings(ui)
    listed = ui.server.get_json(f"/api/booths/{booth['id']}/slots")
    over = [day for day in listed["days"] if day < listed["date"]]
    assert over, f"the demo fair has no fair day over yet: {listed['days']}"

    candidate = another_ui("candidate")
    candidate.sign_in(Role.CANDIDATE)
    candidate.goto(f"/booths/{booth['id']}")
    candidate.page.locator("#booth-slots-list").wait_for()
    offered = candidate.page.locator("#booth-slots-date option").evaluate_all(
        "(options) => options.map((o) => o.value)"
    )
    assert offered == [day for day in listed["days"] if day >= listed["date"]], offered

    # Several slots a row, the time on each booking button; the day fits one screen.
    assert slots_per_row(candidate) >= 4
    slots = candidate.page.locator("#booth-slots-list")
    button = slots.get_by_role("button", name=r("zh-CN", "reservations.slots.book")).first
    item = button.locator("xpath=ancestor::li[1]")
    assert item.locator("time").inner_text() in button.inner_text()
    box = slots.bounding_box()
    assert box is not None
    assert box["height"] < 800, f"the slots take {box['height']} px"
    candidate.screenshot()

    candidate.resize(PHONE)  # settles: no sideways scrolling at 390 px
    assert slots_per_row(candidate) >= 2
    book_by_keyboard(candidate, booth["id"], slot)
    candidate.screenshot()
