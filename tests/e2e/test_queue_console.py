"""The booth console runs the booth's line (issue 7): staff pause the line (candidates
see it paused and cannot join), open it again, and remove someone from the line with a
reason, by keyboard (an empty reason is refused in words, the removal is announced); the
removed candidate is told on "my lines", which then empties, and the roster with it.

The console is a call desk: at 1280 px the roster stands beside the current call, at
390 px everything is one column; the booth's reservation and lane settings are the
Settings tab's, reached by keyboard, and kept.

When the candidate accepts, the console that made the call takes its recruiter into the
interview room; a second tab of that recruiter and a colleague's console at the booth
stay where they are, and a console opened mid-interview offers the room's link. A
recruiter writing a removal's reason is told of the acceptance instead, the text kept.

A paused recruiter's call buttons are disabled with the reason beside them, and their
own pause is named apart from the line's; the console that called counts the ring down
and says when the candidate declined; the console has one name; the handoff picker
groups the fair's booths by venue, this booth apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from server.demo.employers import DEMO_DOMAIN
from server.domain.principal import Role
from tests.e2e.conftest import DESKTOP, PHONE, Ui
from tests.e2e.test_identity_pages import CATALOGUES, text, wait_for_path
from tests.e2e.test_jobs_pages import announced, nav_to
from tests.e2e.test_queue_pages import (
    RECRUITER,
    join_by_keyboard,
    log_in,
    q,
    staffed_booth,
    two_in_line,
)

if TYPE_CHECKING:
    from playwright.sync_api import Locator


def open_line(recruiter: Ui, booth_id: str) -> None:
    """Open the booth's line from the console, if it is not open (a fair day's close at
    24:00 closes it)."""
    recruiter.goto(f"/booths/{booth_id}/console")
    recruiter.page.locator("#console-line-status[data-status]").wait_for()
    button = recruiter.page.locator("#console-line-open")
    if button.get_attribute("aria-pressed") != "true":
        button.click()
    recruiter.page.locator("#console-line-open[aria-pressed='true']").wait_for()


def test_staff_pause_and_open_the_line_and_remove_someone_with_a_reason(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    recruiter = ui
    me = log_in(recruiter, RECRUITER)
    booth = staffed_booth(recruiter, me)
    open_line(recruiter, booth["id"])  # the demo's lines are open: nothing to click
    status = recruiter.page.locator("#console-line-status")
    status.filter(has_text=q("zh-CN", "queue.status.open")).wait_for()

    # Paused: a candidate sees it on the booth's page and has no "join" button.
    recruiter.tab_to("#console-line-paused")
    recruiter.page.keyboard.press("Enter")
    status.filter(has_text=q("zh-CN", "queue.status.paused")).wait_for()
    candidate = another_ui("candidate")
    candidate.sign_in(Role.CANDIDATE)
    candidate.goto(f"/booths/{booth['id']}")
    candidate.page.get_by_text(q("zh-CN", "queue.status.paused"), exact=True).wait_for()
    candidate.page.get_by_text(q("zh-CN", "queue.booth.not_open")).wait_for()
    assert candidate.page.locator("#booth-join").count() == 0

    # Open again: the join button comes back, live, and the candidate joins.
    recruiter.tab_to("#console-line-open")
    recruiter.page.keyboard.press("Enter")
    status.filter(has_text=q("zh-CN", "queue.status.open")).wait_for()
    join_by_keyboard(candidate, booth["id"])

    # The staff remove them with a reason, by keyboard.
    roster = recruiter.page.locator("#console-roster > li")
    roster.first.wait_for()
    remove = roster.first.get_by_role("button", name=q("zh-CN", "queue.console.remove"))
    ticket_id = str(remove.get_attribute("id")).removeprefix("console-remove-")
    recruiter.tab_to(f"#{remove.get_attribute('id')}")
    recruiter.page.keyboard.press("Enter")
    reason = recruiter.page.get_by_label(q("zh-CN", "queue.console.remove_reason"))
    reason.wait_for()
    # An empty reason removes nobody, and says what is missing.
    recruiter.page.locator("#console-remove-confirm").click()
    missing = recruiter.page.get_by_role("alert").filter(
        has_text=q("zh-CN", "queue.console.remove_reason_missing")
    )
    missing.wait_for()
    assert reason.get_attribute("aria-invalid") == "true"
    recruiter.settle()
    assert roster.count() == 1
    # The candidate watches their lines while they are removed: they are told, not left
    # wondering where their place went.
    candidate.goto("/me/lines")
    candidate.page.locator(".ticket-position").wait_for()
    candidate.settle()
    reason.fill("重复排队")
    reason.press("Enter")
    recruiter.page.get_by_text(q("zh-CN", "queue.console.roster_empty")).wait_for()
    # The staff are told it is done, not left to notice a card gone.
    announced(recruiter, q("zh-CN", "queue.console.removed", ticket=ticket_id[-8:]))
    booth_name = booth["title"] or booth["employer"]["name"]
    told = candidate.page.get_by_text(q("zh-CN", "queue.ended.removed", booth=booth_name))
    told.wait_for()
    candidate.settle()
    candidate.page.get_by_role("button", name=q("zh-CN", "queue.ended.dismiss")).click()
    told.wait_for(state="detached")
    candidate.page.get_by_text(q("zh-CN", "queue.mine.empty")).wait_for()
    recruiter.resize(PHONE)
    recruiter.screenshot()


def test_a_recruiter_goes_from_the_navigation_to_their_booth_and_its_console_by_keyboard(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    recruiter = ui
    booth = staffed_booth(recruiter, log_in(recruiter, RECRUITER))
    name = booth["title"] or booth["employer"]["name"]

    nav_to(recruiter, text("shell", "zh-CN", "shell.nav.my_booths"), "/me/booths")

    page = recruiter.page
    assert page.locator("main h1").inner_text() == q("zh-CN", "queue.my_booths.title")
    card = page.locator(f"#my-booths > li[data-booth='{booth['id']}']")
    assert card.get_by_role("heading", level=2).inner_text() == name
    assert card.get_by_role("link", name=name).get_attribute("href") == f"/booths/{booth['id']}"
    facts = card.locator("dl").inner_text()
    assert q("zh-CN", "queue.status.open") in facts  # the demo's lines are open
    assert q("zh-CN", "queue.staff.offline") in facts  # not at the console yet
    # The line's count is live: someone joining shows without a reload.
    count = card.locator("lf-line-count")
    waiting = int(count.get_attribute("data-waiting") or "")
    candidate = another_ui("candidate")
    candidate.sign_in(Role.CANDIDATE)
    join_by_keyboard(candidate, booth["id"])
    card.locator(f"lf-line-count[data-waiting='{waiting + 1}']").wait_for()
    assert count.inner_text().endswith(q("zh-CN", "queue.booth.length", count=waiting + 1))
    for width in (DESKTOP, PHONE):
        recruiter.resize(width)
        recruiter.screenshot()

    # At 390 px, by keyboard: "open the console" leads to this booth's console.
    console = card.get_by_role("link", name=q("zh-CN", "queue.my_booths.open_console"))
    recruiter.tab_to(f"#my-booths > li[data-booth='{booth['id']}'] a[href$='/console']")
    assert recruiter.focused()["text"] == console.inner_text()
    page.keyboard.press("Enter")
    wait_for_path(recruiter, f"/booths/{booth['id']}/console")
    assert recruiter.focused()["tag"] == "h1"
    assert page.locator("main h1").inner_text() == q("zh-CN", "queue.console.title", booth=name)


def section(ui: Ui, title_id: str) -> Locator:
    """The console's section headed by the h2 with this id."""
    return ui.page.locator(f"section:has(> h2#{title_id})")


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, locator
    return found


def tab_stops(ui: Ui, start: str, end: str) -> list[str]:
    """The ids the keyboard passes from ``start`` to ``end`` with Tab (both included)."""
    ui.page.locator(start).focus()
    stops = [ui.focused()["id"]]
    for _ in range(60):
        ui.page.keyboard.press("Tab")
        stops.append(ui.focused()["id"])
        if ui.page.evaluate("(s) => document.activeElement.matches(s)", end):
            return stops
    raise AssertionError(f"{end} not reached by Tab from {start}: {stops}")


def test_a_recruiter_reaches_the_settings_tab_by_keyboard_and_the_settings_are_kept(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    recruiter = ui
    booth = staffed_booth(recruiter, log_in(recruiter, RECRUITER))
    recruiter.goto(f"/booths/{booth['id']}/console")
    page = recruiter.page
    page.locator("#console-roster-title").wait_for()
    tabs = page.get_by_role("navigation", name=text("stats", "zh-CN", "stats.queue.booth_tabs"))
    settings_tab = tabs.get_by_role("link", name=text("stats", "zh-CN", "stats.queue.settings"))
    assert tabs.get_by_role("link").count() == 3

    recruiter.tab_to(f"nav.tabs a[href='/booths/{booth['id']}/settings']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/booths/{booth['id']}/settings")
    recruiter.settle()
    assert settings_tab.get_attribute("aria-current") == "page"
    assert recruiter.focused()["tag"] == "h1"
    assert page.locator("h1").inner_text() == q(
        "zh-CN", "queue.settings.title", booth=booth["title"] or booth["employer"]["name"]
    )

    # Reservations on, by lottery, three places a slot, a 15-minute grace; saved by keyboard.
    def r(key: str) -> str:
        return text("reservations", "zh-CN", key)

    form = page.locator("lf-slot-settings form")
    form.wait_for()
    page.get_by_label(r("reservations.settings.enabled"), exact=True).select_option("on")
    page.get_by_label(r("reservations.settings.mode"), exact=True).select_option("lottery")
    page.get_by_label(r("reservations.settings.capacity"), exact=True).fill("3")
    page.get_by_label(r("reservations.settings.grace"), exact=True).fill("15")
    recruiter.tab_to("lf-slot-settings button[type='submit']")
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text=r("reservations.settings.saved")).wait_for()
    # The key-group lane is set here too.
    page.locator("#lanes-form").wait_for()

    recruiter.reload()
    form.wait_for()
    assert page.get_by_label(r("reservations.settings.enabled"), exact=True).input_value() == "on"
    assert page.get_by_label(r("reservations.settings.mode"), exact=True).input_value() == "lottery"
    assert page.get_by_label(r("reservations.settings.capacity"), exact=True).input_value() == "3"
    assert page.get_by_label(r("reservations.settings.grace"), exact=True).input_value() == "15"
    for width in (DESKTOP, PHONE):
        recruiter.resize(width)
        recruiter.screenshot()

    # Anyone else is told the settings are the staff's, and gets no form.
    candidate = another_ui("candidate")
    candidate.sign_in(Role.CANDIDATE)
    candidate.goto(f"/booths/{booth['id']}/settings")
    candidate.page.get_by_text(q("zh-CN", "queue.settings.not_staff")).wait_for()
    assert candidate.page.locator("lf-slot-settings, lf-booth-lanes").count() == 0


def test_the_console_shows_the_roster_beside_the_call_when_wide_and_one_column_on_a_phone(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    recruiter = ui
    booth = staffed_booth(recruiter, log_in(recruiter, RECRUITER))
    open_line(recruiter, booth["id"])
    candidate = another_ui("candidate")
    candidate.sign_in(Role.CANDIDATE)
    join_by_keyboard(candidate, booth["id"])
    page = recruiter.page
    page.locator("#console-roster > li").first.wait_for()
    page.locator("#booth-bookings-title").wait_for()
    recruiter.settle()
    status, call = (
        section(recruiter, "console-status-title"),
        section(recruiter, "console-call-title"),
    )
    roster, bookings = (
        section(recruiter, "console-roster-title"),
        section(recruiter, "booth-bookings-title"),
    )
    line = section(recruiter, "console-line-title")
    # The settings are not on the console any more.
    assert page.locator("lf-slot-settings, lf-booth-lanes, #lanes-form").count() == 0

    # 1280 px: the roster (and the bookings under it) beside my status and the current
    # call; the line's open/pause/close under the call, in the left column.
    assert box(roster)["x"] > box(status)["x"] + box(status)["width"]
    assert box(roster)["y"] < box(call)["y"] + box(call)["height"]
    assert box(bookings)["x"] == box(roster)["x"]
    assert box(bookings)["y"] > box(roster)["y"]
    assert box(line)["x"] == box(status)["x"]
    assert box(line)["y"] > box(call)["y"]
    # The keyboard goes down the left column before the roster.
    stops = tab_stops(recruiter, "#console-call-title", "#console-line-open")
    assert not [stop for stop in stops if stop.startswith("console-remove-")], stops
    recruiter.screenshot()

    # 390 px: one column — status, current call, roster, bookings, then the line —
    # without sideways scrolling, and the keyboard in the same order.
    recruiter.resize(PHONE)
    page.locator(".console-desk-side lf-booth-line-status").wait_for()
    recruiter.check_fits_width()
    assert box(roster)["x"] == box(status)["x"]
    assert box(roster)["y"] >= box(call)["y"] + box(call)["height"]
    assert box(bookings)["y"] >= box(roster)["y"] + box(roster)["height"]
    assert box(line)["y"] >= box(bookings)["y"] + box(bookings)["height"]
    stops = tab_stops(recruiter, "#console-call-title", "#console-line-open")
    assert [stop for stop in stops if stop.startswith("console-remove-")], stops
    recruiter.screenshot()


def test_staff_read_a_waiting_candidates_profile_and_call_them_by_name(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    """From the roster, by keyboard: open the second candidate's profile (what
    getCandidate gives, written to their audit log) and call them ahead of the first."""
    recruiter = ui
    me = log_in(recruiter, RECRUITER)
    booth = staffed_booth(recruiter, me)
    open_line(recruiter, booth["id"])
    recruiter.page.get_by_role("button", name=q("zh-CN", "queue.console.set_available")).click()
    recruiter.page.locator("#console-status-available[aria-pressed='true']").wait_for()
    first, second = two_in_line(another_ui, booth["id"])
    profile = {
        "name": "王小明",
        "phone": "",
        "email": "",
        "region_code": None,
        "education": "bachelor",
        "graduation_year": 2020,
        "desired_jobs": ["会计"],
        "key_groups": [],
        "key_groups_consent": False,
        "visibility": {"show_contact": False, "share_key_groups": False},
    }
    saved = second.page.evaluate(
        """async (body) => (await (await import('/api.js')).api('/api/me/profile',
             { method: 'PUT', body })).name""",
        profile,
    )
    assert saved == "王小明"
    who = second.page.evaluate("async () => (await import('/session.js')).me()")["id"]

    toggle = f"#roster-profile-{who}"
    # The second candidate's row (earlier tests of this module may leave others in line).
    row = recruiter.page.locator("#console-roster > li", has=recruiter.page.locator(toggle))
    row.wait_for()
    assert recruiter.page.locator(toggle).get_attribute("aria-expanded") == "false"
    recruiter.tab_to(toggle)
    recruiter.page.keyboard.press("Enter")
    panel = recruiter.page.locator(f"#roster-profile-{who}-panel")
    panel.get_by_text("王小明").wait_for()
    assert "会计" in panel.inner_text()
    assert recruiter.page.locator(toggle).get_attribute("aria-expanded") == "true"
    recruiter.check_accessibility()
    recruiter.screenshot()
    audit = second.page.evaluate(
        "async () => (await (await fetch('/api/me/audit')).json()).items.map((e) => e.action)"
    )
    assert audit == ["profile.viewed"], audit

    # Call the second candidate by name, ahead of the first.
    call = row.get_by_role("button", name=q("zh-CN", "queue.console.call_this"))
    recruiter.tab_to(f"#{call.get_attribute('id')}")
    recruiter.page.keyboard.press("Enter")
    second.goto("/me/lines")
    second.page.get_by_role("button", name=q("zh-CN", "queue.ticket.accept")).wait_for()
    recruiter.page.locator("#console-current-state").filter(
        has_text=q("zh-CN", "queue.state.called")
    ).wait_for()
    first.goto("/me/lines")  # still in line, and not called
    first.page.locator(".ticket-position").wait_for()
    assert first.page.get_by_role("button", name=q("zh-CN", "queue.ticket.accept")).count() == 0


def test_a_recruiter_lets_the_line_follow_the_booths_hours_by_keyboard_and_it_is_kept(
    ui: Ui,
) -> None:
    recruiter = ui
    me = log_in(recruiter, RECRUITER)
    booth = staffed_booth(recruiter, me)
    recruiter.goto(f"/booths/{booth['id']}/console")
    page = recruiter.page
    page.locator("#console-line-follow:not([disabled])").wait_for()
    assert not page.locator("#console-line-follow").is_checked()
    page.get_by_label(q("zh-CN", "queue.line.follow_hours")).wait_for()

    recruiter.tab_to("#console-line-follow")
    page.keyboard.press("Space")
    page.locator("#console-line-follow:checked:not([disabled])").wait_for()
    page.reload()
    page.locator("#console-line-follow:checked:not([disabled])").wait_for()

    # Back to running the line by hand, open, as the other tests expect the demo's.
    recruiter.tab_to("#console-line-follow")
    page.keyboard.press("Space")
    page.locator("#console-line-follow:not(:checked):not([disabled])").wait_for()
    open_line(recruiter, booth["id"])


COLLEAGUE = f"e001.recruiter2@{DEMO_DOMAIN}"  # staffs the same booths as RECRUITER


def second_tab(ui: Ui) -> Ui:
    """Another tab of the same browser (same account), with the harness's error hooks."""
    tab = Ui(page=ui.page.context.new_page(), server=ui.server, test_name=f"{ui.test_name}-tab")
    tab.page.on("console", tab._on_console)
    tab.page.on("pageerror", lambda error: tab.problems.append(f"page error: {error}"))
    return tab


def test_only_the_console_that_called_takes_its_recruiter_into_the_room_on_accept(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    """The recruiter's console that called is taken into the room; the same recruiter's
    other tab and a colleague's console only see the roster change; back on the console
    mid-interview, the recruiter is offered the room, not taken there."""
    # The caller is the booth's second recruiter: earlier tests of this module may leave
    # the first with a call still ringing.
    caller = ui
    me = log_in(caller, COLLEAGUE)
    booth = staffed_booth(caller, me)
    console = f"/booths/{booth['id']}/console"
    colleague = another_ui("colleague")
    them = log_in(colleague, RECRUITER)
    assert them["id"] in {m["account_id"] for m in booth["staff"]}
    open_line(caller, booth["id"])
    caller.page.get_by_role("button", name=q("zh-CN", "queue.console.set_available")).click()
    caller.page.locator("#console-status-available[aria-pressed='true']").wait_for()
    tab = second_tab(caller)
    tab.goto(console)
    colleague.goto(console)

    candidate = another_ui("candidate")
    candidate.sign_in(Role.CANDIDATE)
    join_by_keyboard(candidate, booth["id"])
    mine = candidate.page.evaluate("async () => (await (await fetch('/api/me/tickets')).json())")
    (ticket,) = [t["id"] for t in mine["items"] if t["booth_id"] == booth["id"]]
    for person in (caller, tab, colleague):
        person.page.locator(f"#console-call-{ticket}").wait_for()

    caller.page.locator(f"#console-call-{ticket}").click()
    called = q("zh-CN", "queue.state.called")
    for person in (caller, tab):  # the call is this recruiter's on both tabs
        person.page.locator("#console-current-state").filter(has_text=called).wait_for()
    candidate.page.get_by_role("button", name=q("zh-CN", "queue.ticket.accept")).click()
    candidate.page.wait_for_url(f"**/interviews/{ticket}")
    candidate.settle()

    # The console that called: into the room, without a click, and told why.
    caller.page.wait_for_url(f"**/interviews/{ticket}")
    announced(caller, q("zh-CN", "queue.console.taken_to_room"))
    caller.settle()

    # The other tab: the acceptance is said and the room's link shown; it stays put.
    tab.page.locator("#console-open-interview").wait_for()
    announced(tab, q("zh-CN", "queue.console.accepted"))
    assert tab.path == console
    assert not tab.problems, tab.problems

    # The colleague: the roster shows the interview; nothing is said, nobody moves.
    card = colleague.page.locator(
        "#console-roster > li[data-state='in_interview']",
        has=colleague.page.locator(f"#console-remove-{ticket}"),
    )
    card.wait_for()
    assert colleague.path == console
    assert colleague.page.locator("#notices").inner_text() == ""
    assert colleague.page.locator("#console-open-interview").count() == 0
    colleague.settle()

    # Back on the console mid-interview: the room is offered, not forced.
    caller.goto(console)
    caller.page.locator("#console-open-interview").wait_for()
    caller.page.locator("#console-current-state").filter(
        has_text=q("zh-CN", "queue.state.in_interview")
    ).wait_for()
    assert caller.path == console
    caller.page.get_by_role("button", name=q("zh-CN", "queue.console.complete")).click()
    caller.page.locator("#console-call-next").wait_for()


def test_a_recruiter_writing_a_removal_reason_is_told_of_the_acceptance_not_taken_away(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    caller = ui
    me = log_in(caller, COLLEAGUE)
    booth = staffed_booth(caller, me)
    console = f"/booths/{booth['id']}/console"
    open_line(caller, booth["id"])
    caller.page.get_by_role("button", name=q("zh-CN", "queue.console.set_available")).click()
    caller.page.locator("#console-status-available[aria-pressed='true']").wait_for()
    called, other = two_in_line(another_ui, booth["id"])
    tickets = []
    for person in (called, other):
        mine = person.page.evaluate("async () => (await (await fetch('/api/me/tickets')).json())")
        tickets += [t["id"] for t in mine["items"] if t["booth_id"] == booth["id"]]
    calling, removing = tickets

    # A reason half written for the other candidate, then a call.
    caller.page.locator(f"#console-remove-{removing}").click()
    reason = caller.page.get_by_label(q("zh-CN", "queue.console.remove_reason"))
    reason.fill("多次未应答")
    caller.page.locator(f"#console-call-{calling}").click()
    caller.page.locator("#console-current-state").filter(
        has_text=q("zh-CN", "queue.state.called")
    ).wait_for()
    called.goto("/me/lines")
    called.page.get_by_role("button", name=q("zh-CN", "queue.ticket.accept")).click()
    called.page.wait_for_url(f"**/interviews/{calling}")
    called.settle()

    # Said, the reason kept, the room one link away.
    announced(caller, q("zh-CN", "queue.console.accepted_held"))
    assert caller.path == console
    assert reason.input_value() == "多次未应答"
    caller.page.get_by_role("link", name=q("zh-CN", "queue.console.open_interview")).click()
    caller.page.wait_for_url(f"**/interviews/{calling}")
    caller.settle()
    caller.goto(console)
    caller.page.get_by_role("button", name=q("zh-CN", "queue.console.complete")).click()
    caller.page.locator("#console-call-next").wait_for()


# Which console goes into the room (components/console-call.js), run in the browser.
CALL_RULES = """async () => {
  const c = await import('/components/console-call.js');
  const me = 'me';
  const t = (state, by = me, id = 't1') => ({ ticket_id: id, state, called_by: by });
  const live = (calling, before, ticket, draft = false) =>
    c.onRosterTicket(calling, { before, ticket, me, draft });
  const accepted = [t('called'), t('in_interview')];
  const next = live(c.startCall(null), t('waiting'), t('called'));
  return {
    byName: live(c.startCall('t1'), ...accepted),
    draft: live(c.startCall('t1'), ...accepted, true),
    otherTab: live(null, ...accepted),
    colleague: live(null, t('called', 'other'), t('in_interview', 'other')),
    colleagueCalling: live(c.startCall('t2'), t('called', 'other'), t('in_interview', 'other')),
    nextInFlight: next,
    nextAccepted: live(next.calling, ...accepted),
    declined: live(c.startCall('t1'), t('called'), t('waiting', null)),
    answered: c.answered(c.startCall(null), { ticket_id: 't1' }),
    answeredLate: c.answered(null, { ticket_id: 't1' }),
    missedRing: live(c.startCall('t1'), t('waiting'), t('in_interview')),
    nextAcceptedUnseen: live(c.startCall(null), t('waiting'), t('in_interview')),
    nextInSnapshot: c.onSnapshot(c.startCall(null), { roster: [t('in_interview')], me }),
    nextRingingInSnapshot: c.onSnapshot(c.startCall(null), { roster: [t('called')], me }),
    snapshotAccepted: c.onSnapshot(c.startCall('t1'), { roster: [t('in_interview')], me }),
    snapshotDraft: c.onSnapshot(c.startCall('t1'), {
      roster: [t('in_interview')], me, draft: true,
    }),
    snapshotRinging: c.onSnapshot(c.startCall('t1'), { roster: [t('called')], me }),
    pageLoad: c.onSnapshot(null, { roster: [t('in_interview')], me }),
    getReadyInFlight: live(c.startCall('t1'), t('waiting', null), t('notified', null)),
    acceptedAfterGetReady: live(
      live(c.startCall('t1'), t('waiting', null), t('notified', null)).calling,
      t('notified', null),
      t('in_interview'),
    ),
    snapshotBeforeRing: c.onSnapshot(c.startCall('t1'), { roster: [t('waiting', null)], me }),
    leftInFlight: live(c.startCall('t1'), t('waiting', null), t('left', null)),
    declinedAnswered: live(c.answered(c.startCall('t1'), { ticket_id: 't1' }),
      t('called'), t('waiting', null)),
  };
}"""


def test_only_the_acceptance_of_this_consoles_own_call_goes_into_the_room(ui: Ui) -> None:
    ui.goto("/")
    rules = ui.page.evaluate(CALL_RULES)
    assert rules["byName"] == {"calling": None, "action": "enter"}
    # A removal's reason half written: said, and left to the recruiter.
    assert rules["draft"] == {"calling": None, "action": "hold"}
    # Another tab of the same recruiter (it made no call): said, not entered.
    assert rules["otherTab"] == {"calling": None, "action": "say"}
    assert rules["colleague"] == {"calling": None, "action": None}
    assert rules["colleagueCalling"] == {"calling": {"id": "t2", "pending": True}, "action": None}
    # "Call next" still in flight: the roster's event names its ticket.
    assert rules["nextInFlight"] == {"calling": {"id": "t1", "pending": False}, "action": None}
    assert rules["nextAccepted"] == {"calling": None, "action": "enter"}
    assert rules["declined"] == {"calling": None, "action": None}
    assert rules["answered"] == {"id": "t1", "pending": False}
    assert rules["answeredLate"] is None
    # This console's own call, however its ring reached the roster: a resubscription
    # may have folded the ring into the acceptance, or into a snapshot.
    assert rules["missedRing"] == {"calling": None, "action": "enter"}
    assert rules["snapshotAccepted"] == {"calling": None, "action": "enter"}
    # "Call next" whose answer has not come back yet: a recruiter has one call at a
    # time, so the ticket called by them is its ticket, ringing or accepted.
    assert rules["nextAcceptedUnseen"] == {"calling": None, "action": "enter"}
    assert rules["nextInSnapshot"] == {"calling": None, "action": "enter"}
    assert rules["nextRingingInSnapshot"] == {
        "calling": {"id": "t1", "pending": False},
        "action": None,
    }
    assert rules["snapshotDraft"] == {"calling": None, "action": "hold"}
    # A page load made no call: its snapshot only shows the room's link.
    assert rules["snapshotRinging"] == {"calling": {"id": "t1", "pending": False}, "action": None}
    assert rules["pageLoad"] == {"calling": None, "action": None}
    # While a call by name is on its way, the ticket's earlier changes end nothing: its
    # "get ready" (the line's refresh runs once a second) or a resubscription's snapshot
    # taken before the ring. This console still goes in when the call is accepted.
    on_its_way = {"calling": {"id": "t1", "pending": True}, "action": None}
    assert rules["getReadyInFlight"] == on_its_way
    assert rules["acceptedAfterGetReady"] == {"calling": None, "action": "enter"}
    assert rules["snapshotBeforeRing"] == on_its_way
    # But a ticket that ended, or a declined ring after the answer, ends the call.
    assert rules["leftInFlight"] == {"calling": None, "action": None}
    assert rules["declinedAnswered"] == {"calling": None, "action": None}


def test_a_paused_recruiter_sees_why_they_cannot_call_and_the_two_pauses_differ(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    """ "Call next" and "call this candidate" wait for the recruiter to be available, and
    say so beside them; the recruiter's own pause and the line's are told apart by name
    (issue: two buttons both "暂停")."""
    recruiter = ui
    booth = staffed_booth(recruiter, log_in(recruiter, COLLEAGUE))
    open_line(recruiter, booth["id"])
    page = recruiter.page
    candidate = another_ui("candidate")
    candidate.sign_in(Role.CANDIDATE)
    join_by_keyboard(candidate, booth["id"])
    mine = candidate.page.evaluate("async () => (await (await fetch('/api/me/tickets')).json())")
    (ticket,) = [t["id"] for t in mine["items"] if t["booth_id"] == booth["id"]]

    mine_pause = page.get_by_role("button", name=q("zh-CN", "queue.console.set_paused"), exact=True)
    line_pause = page.get_by_role("button", name=q("zh-CN", "queue.line.set_paused"), exact=True)
    assert q("zh-CN", "queue.console.set_paused") != q("zh-CN", "queue.line.set_paused")
    assert q("en", "queue.console.set_paused") != q("en", "queue.line.set_paused")
    assert mine_pause.get_attribute("id") == "console-status-paused"
    assert line_pause.get_attribute("id") == "console-line-paused"

    page.locator("#console-status-paused:not([disabled])").click()
    page.locator("#console-status-paused[aria-pressed='true']").wait_for()
    why = page.locator("#console-call-why")
    assert why.inner_text() == q(
        "zh-CN", "queue.console.not_available", available=q("zh-CN", "queue.console.set_available")
    )
    for button in (page.locator("#console-call-next"), page.locator(f"#console-call-{ticket}")):
        assert button.is_disabled()
        assert button.get_attribute("aria-describedby") == "console-call-why"
    recruiter.settle()
    recruiter.screenshot()

    # Available again: the reason goes and the buttons work.
    page.locator("#console-status-available").click()
    page.locator("#console-status-available[aria-pressed='true']").wait_for()
    why.wait_for(state="detached")
    assert page.locator("#console-call-next").is_enabled()
    assert page.locator(f"#console-call-{ticket}").is_enabled()
    candidate.page.evaluate(
        "async (id) => (await import('/api.js')).api(`/api/tickets/${id}`, { method: 'DELETE' })",
        ticket,
    )


def test_the_recruiter_sees_the_ring_count_down_and_is_told_the_candidate_declined(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    caller = ui
    booth = staffed_booth(caller, log_in(caller, COLLEAGUE))
    open_line(caller, booth["id"])
    page = caller.page
    page.locator("#console-status-available:not([disabled])").click()
    page.locator("#console-status-available[aria-pressed='true']").wait_for()
    candidate = another_ui("candidate")
    candidate.sign_in(Role.CANDIDATE)
    join_by_keyboard(candidate, booth["id"])
    who = candidate.page.evaluate("async () => (await import('/session.js')).me()")["id"]
    mine = candidate.page.evaluate("async () => (await (await fetch('/api/me/tickets')).json())")
    (ticket,) = [t["id"] for t in mine["items"] if t["booth_id"] == booth["id"]]

    page.locator(f"#console-call-{ticket}").click()
    ring = page.locator("#console-ring")
    ring.wait_for()
    found = re.search(r"\d+", ring.inner_text())
    assert found is not None, ring.inner_text()
    seconds = int(found.group())
    # The server's 45 s, counting down. The browser places ring_until on its own clock
    # by the snapshot's skew, which a slow delivery of the snapshot (a loaded machine)
    # shifts by that delay: a second or two more is still the ring.
    assert 30 <= seconds <= 48, ring.inner_text()
    assert ring.inner_text() == q("zh-CN", "queue.console.ringing_left", seconds=seconds)
    caller.settle()
    caller.screenshot()

    candidate.goto("/me/lines")
    candidate.page.get_by_role("button", name=q("zh-CN", "queue.ticket.decline")).click()
    reason = q(
        "zh-CN",
        "queue.console.ended.declined",
        who=q("zh-CN", "queue.console.who", id=who[-8:]),
    )
    outcome = q("zh-CN", "queue.console.ended.kept", passes=1, max=2)
    announced(caller, q("zh-CN", "queue.console.ended.sentence", reason=reason, outcome=outcome))
    page.locator("#console-call-next").wait_for()
    assert ring.count() == 0
    candidate.settle()
    caller.settle()
    candidate.page.evaluate(
        "async (id) => (await import('/api.js')).api(`/api/tickets/${id}`, { method: 'DELETE' })",
        ticket,
    )


# How a ringing call of this recruiter's ended (components/console-call.js), in the browser.
END_RULES = """async () => {
  const c = await import('/components/console-call.js');
  const me = 'me';
  const ringing = { ticket_id: 't1', state: 'called', called_by: me, passes: 0 };
  const back = (state, passes) => ({ ticket_id: 't1', state, called_by: null, passes });
  const end = (ticket, extra = {}) => c.callEnded({ before: ringing, ticket, me, ...extra });
  return {
    declined: end(back('waiting', 1), { ringUntil: 45000, now: 20000 }),
    unanswered: end(back('waiting', 1), { ringUntil: 45000, now: 45200 }),
    missed: end(back('waiting', 1)),
    expired: end(back('expired', 2), { ringUntil: 45000, now: 46000 }),
    left: end(back('left', 0)),
    accepted: end({ ...ringing, state: 'in_interview' }),
    colleague: c.callEnded({
      before: { ...ringing, called_by: 'other' }, ticket: back('waiting', 1), me,
    }),
    notRinging: c.callEnded({ before: back('waiting', 0), ticket: back('notified', 0), me }),
    left45: c.ringLeft(45000, 0),
    leftPart: c.ringLeft(45000, 44001),
    leftOver: c.ringLeft(45000, 50000),
  };
}"""


def test_a_ringing_call_that_ends_says_how_to_the_recruiter_who_made_it(ui: Ui) -> None:
    ui.goto("/")
    rules = ui.page.evaluate(END_RULES)
    assert rules["declined"] == {"how": "declined", "passes": 1, "max": 2, "expired": False}
    # Ended at the ring's end: the ring timed out, not a decline.
    assert rules["unanswered"] == {"how": "unanswered", "passes": 1, "max": 2, "expired": False}
    # This console did not start the ring (another tab, a reload): either.
    assert rules["missed"] == {"how": "missed", "passes": 1, "max": 2, "expired": False}
    assert rules["expired"] == {"how": "unanswered", "passes": 2, "max": 2, "expired": True}
    assert rules["left"] == {"how": "left"}
    assert rules["accepted"] is None
    assert rules["colleague"] is None
    assert rules["notRinging"] is None
    assert (rules["left45"], rules["leftPart"], rules["leftOver"]) == (45, 1, 0)


def test_the_console_has_one_name_and_handoff_one_term() -> None:
    """展位控制台 on its title, its tab, "my booths" and the interview's way back; 转交
    on the console and in the statistics."""
    for lang in ("zh-CN", "en"):
        name = q(lang, "queue.console.open")
        assert q(lang, "queue.console.title", booth="X").startswith(name)
        assert text("stats", lang, "stats.queue.console") == name
        assert name.lower() in q(lang, "queue.my_booths.open_console").lower()
        assert name.lower() in text("interview", lang, "interview.ended.back_console").lower()
        assert name.lower() in text("errors", lang, "errors.code.queue.not_present").lower()
    assert text("stats", "zh-CN", "stats.queue.handoffs") == q("zh-CN", "queue.kind.handoff")
    for feature in ("queue", "stats", "interview", "errors"):
        catalogue = (CATALOGUES / f"{feature}.zh-CN.json").read_text(encoding="utf-8")
        for other in ("叫号台", "工作台", "转介"):
            assert other not in catalogue, (feature, other)


def test_the_handoff_picker_groups_the_fairs_booths_by_venue_without_this_booth(ui: Ui) -> None:
    recruiter = ui
    booth = staffed_booth(recruiter, log_in(recruiter, COLLEAGUE))
    fair = booth["fair_id"]
    booths = recruiter.server.get_json(f"/api/booths?fair={fair}&status=approved&limit=500")
    venues = recruiter.server.get_json(f"/api/venues?fair={fair}")["items"]
    others = [b for b in booths["items"] if b["id"] != booth["id"]]
    # An interview to hand off, as the console keeps it across a reload (this tab).
    recruiter.goto("/")
    finished = {"finished": {"ticket_id": "t", "candidate_id": "c"}, "draft": {}}
    recruiter.page.evaluate(
        "([key, value]) => sessionStorage.setItem(key, JSON.stringify(value))",
        [f"livefair.console.{booth['id']}.handoff", finished],
    )
    recruiter.goto(f"/booths/{booth['id']}/console")
    picker = recruiter.page.locator("#handoff-booth")
    picker.locator("optgroup").first.wait_for(state="attached")
    shown = picker.evaluate(
        """(select) => [...select.options].map((o) => ({ value: o.value, text: o.text,
             group: o.parentElement.tagName === 'OPTGROUP' ? o.parentElement.label : null }))"""
    )
    # This booth once, on its own (to a colleague here), then every other booth once.
    assert shown[1] == {
        "value": booth["id"],
        "text": q("zh-CN", "queue.handoff.this_booth"),
        "group": None,
    }
    grouped = shown[2:]
    assert sorted(o["value"] for o in grouped) == sorted(b["id"] for b in others)
    # Each under its venue, the venues in the fair's order.
    venue_name = {v["id"]: v["name_zh"] for v in venues}
    at = {b["id"]: b for b in others}
    assert all(o["group"] == venue_name[at[o["value"]]["venue_id"]] for o in grouped)
    labels = list(dict.fromkeys(o["group"] for o in grouped))
    assert labels == [v["name_zh"] for v in venues if v["name_zh"] in labels]
    # This employer's booths at other venues are marked, and first in their venue.
    employer = booth["employer"]["id"]
    own = [o for o in grouped if (at[o["value"]]["employer"] or {}).get("id") == employer]
    assert own, "the demo employer has booths at other venues"
    for o in own:
        name = at[o["value"]]["title"] or at[o["value"]]["employer"]["name"]
        assert o["text"] == q("zh-CN", "queue.handoff.own_booth", booth=name)
        first = next(x for x in grouped if x["group"] == o["group"])
        assert (at[first["value"]]["employer"] or {}).get("id") == employer
    recruiter.settle()
    recruiter.screenshot()
    recruiter.page.evaluate("() => sessionStorage.clear()")


def test_a_guidance_desks_console_speaks_of_consultations(ui: Ui) -> None:
    """A counsellor's desk consults, it does not interview: its console says so."""
    log_in(ui, f"beijing.counsellor1@{DEMO_DOMAIN}")
    mine = ui.page.evaluate("async () => (await (await fetch('/api/me/booths')).json()).items")
    desks = [b for b in mine if b["kind"] != "employer"]
    assert desks, "the demo's counsellor staffs no desk"
    ui.goto(f"/booths/{desks[0]['id']}/console")
    intro = ui.page.locator("main p.intro")
    intro.filter(has_text=q("zh-CN", "queue.console.desk_intro")).wait_for()
    assert q("zh-CN", "queue.console.intro") not in intro.inner_text()
