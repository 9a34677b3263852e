"""Booth queues in the browser (issue 7): the booth console, "join the line" and "my lines".

One walk: the demo's recruiter (who staffs their employer's booths) opens the booth
console and becomes available; two candidates, each in their own browser, join the line
from the booth page by keyboard; the recruiter calls the next one; the first candidate
accepts; the second sees their place move to the front and the "get ready" alert.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server.demo.employers import DEMO_DOMAIN, DEMO_PASSWORD
from server.domain.principal import Role
from tests.e2e.conftest import DESKTOP, PHONE, Ui
from tests.e2e.test_identity_pages import text

RECRUITER = f"e001.recruiter1@{DEMO_DOMAIN}"


def log_in(ui: Ui, identifier: str) -> dict[str, Any]:
    """Sign in as a demo account (the demo prints them with their shared password)."""
    ui.goto("/")
    status = ui.page.evaluate(
        """async ({ identifier, password }) => {
             const response = await fetch('/api/auth/login', {
               method: 'POST', credentials: 'same-origin',
               headers: { 'Content-Type': 'application/json' },
               body: JSON.stringify({ identifier, password, client: 'browser' }) });
             return response.status;
           }""",
        {"identifier": identifier, "password": DEMO_PASSWORD},
    )
    assert status in (200, 201), status
    ui.reload()
    me: dict[str, Any] = ui.page.evaluate("async () => (await import('/session.js')).me()")
    return me


def staffed_booth(ui: Ui, me: dict[str, Any]) -> dict[str, Any]:
    """An approved booth of the recruiter's employer that they staff (the demo's data)."""
    employers = [g["scope_id"] for g in me["grants"] if g["role"] == "recruiter"]
    for employer in employers:
        booths = ui.server.get_json(f"/api/booths?employer={employer}&limit=50")["items"]
        for booth in booths:
            staff = {member["account_id"] for member in booth["staff"]}
            if booth["status"] == "approved" and me["id"] in staff:
                return booth
    raise AssertionError(f"the demo recruiter staffs no approved booth: {employers}")


def q(lang: str, key: str, **params: object) -> str:
    return text("queue", lang, key, **params)


def join_by_keyboard(candidate: Ui, booth_id: str) -> None:
    candidate.goto(f"/booths/{booth_id}")
    join = candidate.page.get_by_role("button", name=q("zh-CN", "queue.booth.join"))
    join.wait_for()
    candidate.tab_to("#booth-join")
    candidate.page.keyboard.press("Enter")
    candidate.page.locator("#booth-line-mine").wait_for()
    candidate.settle()


def two_in_line(another_ui: Callable[[str], Ui], booth_id: str) -> tuple[Ui, Ui]:
    """Two candidates, each in their own browser, join the booth's line by keyboard."""
    people = []
    for name in ("first", "second"):
        person = another_ui(name)
        person.sign_in(Role.CANDIDATE)
        join_by_keyboard(person, booth_id)
        people.append(person)
    return people[0], people[1]


def test_two_candidates_queue_and_the_second_is_told_to_get_ready(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    recruiter = ui
    me = log_in(recruiter, RECRUITER)
    booth = staffed_booth(recruiter, me)
    booth_name = booth["title"] or booth["employer"]["name"]

    # The booth page links its staff to the console.
    recruiter.goto(f"/booths/{booth['id']}")
    recruiter.page.get_by_role("link", name=q("zh-CN", "queue.console.open")).click()
    recruiter.page.wait_for_url(f"**/booths/{booth['id']}/console")
    recruiter.settle()
    available = recruiter.page.get_by_role("button", name=q("zh-CN", "queue.console.set_available"))
    available.click()  # enabled once the console follows booth:<id>:staff
    recruiter.page.locator("#console-status-available[aria-pressed='true']").wait_for()
    # Nobody waits yet: the API's answer shows as text, in an alert.
    recruiter.page.get_by_role("button", name=q("zh-CN", "queue.console.call_next")).click()
    empty = text("errors", "zh-CN", "errors.code.queue.empty")
    recruiter.page.get_by_role("alert").filter(has_text=empty).wait_for()

    first, second = two_in_line(another_ui, booth["id"])
    # The line's length is live on the booth page of the first candidate.
    length = first.page.locator("#booth-line-length")
    length.filter(has_text=q("zh-CN", "queue.booth.length", count=2)).wait_for()

    # "My lines" is in the navigation of every page.
    nav = second.page.get_by_role("navigation")
    nav.get_by_role("link", name=text("shell", "zh-CN", "shell.nav.my_lines"), exact=True).click()
    second.page.wait_for_url("**/me/lines")
    second.settle()
    place = second.page.locator(".ticket-position")
    place.filter(has_text=q("zh-CN", "queue.position.ahead", count=1)).wait_for()
    first.goto("/me/lines")

    # Both waiting candidates are on the roster, with join times in Beijing time.
    roster = recruiter.page.locator("#console-roster > li")
    roster.nth(1).wait_for()
    assert roster.count() == 2
    assert "北京时间" in roster.first.inner_text()
    # How long each has waited, and their flags (none: both are connected and free).
    waited = roster.first.locator(".roster-waited").inner_text()
    assert waited == q("zh-CN", "queue.console.waited_for", minutes=0), waited
    roster.first.locator(".roster-flags").filter(
        has_text=q("zh-CN", "queue.console.flag_none")
    ).wait_for()

    recruiter.page.get_by_role("button", name=q("zh-CN", "queue.console.call_next")).click()
    accept = first.page.get_by_role("button", name=q("zh-CN", "queue.ticket.accept"))
    accept.wait_for()
    called = q("zh-CN", "queue.alert.called", booth=booth_name)
    first.page.get_by_role("alert").filter(has_text=called).wait_for()
    accept.click()
    # Accepting is going in: the first candidate is taken into the interview room.
    first.page.wait_for_url("**/interviews/*")
    first.settle()

    # The second candidate is now first, and told to get ready.
    place.filter(has_text=q("zh-CN", "queue.position.first")).wait_for()
    alert = second.page.get_by_role("alert")
    alert.filter(has_text=q("zh-CN", "queue.alert.next", booth=booth_name)).wait_for()
    wait = second.page.locator(".ticket-wait").inner_text()
    assert wait != ""
    # The move is announced politely too (at most every 30 s).
    polite = second.page.locator("lf-my-lines-panel:not([compact]) [aria-live='polite']")
    polite.filter(has_text=q("zh-CN", "queue.position.first")).wait_for(state="attached")
    # On any other page the alert stays in view (the shell's compact "my lines").
    second.goto(f"/booths/{booth['id']}")
    second.page.locator("lf-my-lines-panel[compact]").get_by_role("alert").filter(
        has_text=q("zh-CN", "queue.alert.next", booth=booth_name)
    ).wait_for()
    second.page.locator("#booth-line-mine").wait_for()

    # The recruiter was taken into the same room; back on the console mid-interview
    # (offered the room, not taken there again), they complete it.
    recruiter.page.wait_for_url("**/interviews/*")
    recruiter.settle()
    recruiter.goto(f"/booths/{booth['id']}/console")
    recruiter.page.locator("#console-open-interview").wait_for()
    complete = recruiter.page.get_by_role("button", name=q("zh-CN", "queue.console.complete"))
    complete.click()
    recruiter.page.get_by_role("button", name=q("zh-CN", "queue.console.call_next")).wait_for()
    first.goto("/me/lines")
    first.page.get_by_text(q("zh-CN", "queue.mine.empty")).wait_for()

    second.goto("/me/lines")
    for person in (recruiter, second):
        for width in (DESKTOP, PHONE):
            person.resize(width)
            person.screenshot()


def booths_of_one_employer_at_two_venues(ui: Ui) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two approved booths of one employer, one at the main venue and one at a sub-venue
    (the demo gives several employers both)."""
    fair = ui.server.fair()
    main = next(v["id"] for v in fair["venues"] if v["kind"] == "main")
    by_employer: dict[str, dict[str, dict[str, Any]]] = {}
    for booth in ui.server.get_json(f"/api/booths?venue={main}&limit=200")["items"]:
        if booth["employer"] and booth["status"] == "approved":
            by_employer.setdefault(booth["employer"]["id"], {})[main] = booth
    for employer, booths in by_employer.items():
        for other in ui.server.get_json(f"/api/booths?employer={employer}&limit=50")["items"]:
            if other["venue_id"] != main and other["status"] == "approved":
                return booths[main], other
    raise AssertionError("the demo has no employer with booths at two venues")


def test_my_lines_cards_say_at_which_venue_each_booth_is(ui: Ui) -> None:
    candidate = ui
    candidate.sign_in(Role.CANDIDATE)
    at_main, at_sub = booths_of_one_employer_at_two_venues(candidate)
    assert at_main["employer"]["name"] == at_sub["employer"]["name"]
    for booth in (at_main, at_sub):
        candidate.page.evaluate(
            "async (id) => (await import('/components/queue-store.js')).join(id)", booth["id"]
        )
    venues = {v["id"]: v for v in candidate.server.fair()["venues"]}

    for lang, suffix in (("zh-CN", "zh"), ("en", "en")):
        if candidate.lang != lang:
            candidate.page.locator(".language-switch").click()
            candidate.page.wait_for_function(f"() => document.documentElement.lang === '{lang}'")
        candidate.goto("/me/lines")
        panel = candidate.page.locator("lf-my-lines-panel:not([compact])")
        for booth in (at_main, at_sub):
            card = panel.locator(f"li.ticket:has(a[href='/booths/{booth['id']}'])")
            expected = venues[booth["venue_id"]][f"name_{suffix}"]
            card.locator(".ticket-venue").filter(has_text=expected).wait_for()
            assert q(lang, "queue.ticket.venue") in card.inner_text()
    candidate.resize(PHONE)
    candidate.screenshot()


# Another employer's recruiter: the first walk leaves a candidate in RECRUITER's line.
QUIET_RECRUITER = f"e002.recruiter1@{DEMO_DOMAIN}"


def empty_staffed_booth(recruiter: Ui, me: dict[str, Any], candidate: Ui) -> dict[str, Any]:
    """An approved booth the recruiter staffs whose line is empty, as the candidate's
    browser reads it from booth:<id> (so the candidate who joins is first)."""
    employers = [g["scope_id"] for g in me["grants"] if g["role"] == "recruiter"]
    for employer in employers:
        booths = recruiter.server.get_json(f"/api/booths?employer={employer}&limit=50")["items"]
        for booth in booths:
            if booth["status"] != "approved" or me["id"] not in {
                m["account_id"] for m in booth["staff"]
            }:
                continue
            length = candidate.page.evaluate(
                """async (id) => {
                     const store = await import('/components/queue-store.js');
                     const stop = store.watchBooth(id);
                     while (!store.booth(id)) await new Promise((r) => setTimeout(r, 50));
                     const found = store.booth(id);
                     stop();
                     return found.error ? -1 : found.length;
                   }""",
                booth["id"],
            )
            if length == 0:
                return booth
    raise AssertionError(f"the recruiter staffs no approved booth with an empty line: {employers}")


def set_staff_status(recruiter: Ui, booth_id: str, status: str) -> None:
    """setStaffStatus, as the console's buttons send it (a refusal throws)."""
    recruiter.page.evaluate(
        """async ({ booth, status }) => (await import('/api.js'))
             .api(`/api/booths/${booth}/staff-status`, { method: 'PUT', body: { status } })""",
        {"booth": booth_id, "status": status},
    )


def become_available(recruiter: Ui, booth_id: str) -> None:
    recruiter.goto(f"/booths/{booth_id}/console")
    available = recruiter.page.get_by_role("button", name=q("zh-CN", "queue.console.set_available"))
    available.click()  # enabled once the console follows booth:<id>:staff
    recruiter.page.locator("#console-status-available[aria-pressed='true']").wait_for()


def next_while_nobody_serves(
    recruiter: Ui, candidate: Ui, booth: dict[str, Any], visibility: str = "full"
) -> None:
    """The candidate joins the booth's empty line while the recruiter serves it and is told
    to get ready; the recruiter goes offline (the ticket stays "next": the card says the
    recruiter stepped away, nothing alerts), then comes back ("get ready", alerted again).
    The candidate leaves at the end."""
    booth_name = booth["title"] or booth["employer"]["name"]
    become_available(recruiter, booth["id"])

    # First in line with someone serving: "get ready", alerted.
    join_by_keyboard(candidate, booth["id"])
    shown = candidate.page.evaluate(
        "async (id) => (await import('/components/queue-store.js')).booth(id).visibility",
        booth["id"],
    )
    assert shown == visibility, shown
    candidate.goto("/me/lines")
    panel = candidate.page.locator("lf-my-lines-panel:not([compact])")
    card = panel.locator("li.ticket")
    ticket_id = card.get_attribute("data-ticket")
    get_ready = card.get_by_text(q("zh-CN", "queue.ticket.get_ready"))
    get_ready.wait_for()
    next_alert = panel.get_by_role("alert").filter(
        has_text=q("zh-CN", "queue.alert.next", booth=booth_name)
    )
    next_alert.wait_for()

    # The booth's last recruiter goes offline: the ticket stays "next" (the server keeps
    # it notified), but the card says the recruiter stepped away, and nothing alerts.
    set_staff_status(recruiter, booth["id"], "offline")
    away = candidate.page.locator(f"#ticket-{ticket_id}-away")
    away.filter(has_text=q("zh-CN", "queue.ticket.next_away")).wait_for()
    assert card.get_attribute("data-state") == "notified"
    assert get_ready.count() == 0
    assert next_alert.count() == 0
    assert panel.locator(".queue-alert").inner_text().strip() == ""
    card.locator(".ticket-state").filter(
        has_text=q("zh-CN", "queue.state.notified_away")
    ).wait_for()
    card.locator(".ticket-wait").filter(has_text=q("zh-CN", "queue.wait.none")).wait_for()
    panel.locator("[aria-live='polite']").filter(
        has_text=q("zh-CN", "queue.announce.away", booth=booth_name)
    ).wait_for(state="attached")
    candidate.resize(PHONE)
    candidate.check_accessibility()  # axe-core on the new state
    candidate.screenshot()
    # The booth page says the same, not "get ready".
    candidate.goto(f"/booths/{booth['id']}")
    candidate.page.locator("#booth-line-mine").filter(
        has_text=q("zh-CN", "queue.state.notified_away")
    ).wait_for()
    assert candidate.page.get_by_text(q("zh-CN", "queue.alert.next", booth=booth_name)).count() == 0

    # A recruiter is back: "get ready" again, alerted once more.
    candidate.goto("/me/lines")
    away.wait_for()
    become_available(recruiter, booth["id"])
    get_ready.wait_for()
    next_alert.wait_for()
    assert away.count() == 0

    set_staff_status(recruiter, booth["id"], "offline")
    candidate.page.evaluate(
        """async (id) => {
             const store = await import('/components/queue-store.js');
             await store.leave(store.tickets.get(id));
           }""",
        ticket_id,
    )


def test_a_candidate_next_in_line_is_told_the_truth_while_nobody_serves(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    recruiter = ui
    me = log_in(recruiter, QUIET_RECRUITER)
    candidate = another_ui("candidate")
    candidate.sign_in(Role.CANDIDATE)
    booth = empty_staffed_booth(recruiter, me, candidate)
    next_while_nobody_serves(recruiter, candidate, booth)


def test_leaving_a_line_is_asked_once_more_and_stay_keeps_the_place(ui: Ui) -> None:
    candidate = ui
    candidate.sign_in(Role.CANDIDATE)
    booth, _ = booths_of_one_employer_at_two_venues(candidate)
    ticket = candidate.page.evaluate(
        "async (id) => (await import('/components/queue-store.js')).join(id)", booth["id"]
    )
    candidate.goto("/me/lines")
    leave = f"#ticket-{ticket['id']}-leave"
    question = candidate.page.locator(f"#ticket-{ticket['id']}-leave-confirm")
    candidate.page.locator(leave).wait_for()
    candidate.page.locator(f"li[data-ticket='{ticket['id']}'] .ticket-position").wait_for()
    ahead = candidate.page.evaluate(
        """async (id) => {
             const store = await import('/components/queue-store.js');
             return store.position(store.tickets.get(id));
           }""",
        ticket["id"],
    )
    asked = (
        q("zh-CN", "queue.leave.question_first")
        if ahead == 0
        else q("zh-CN", "queue.leave.question_ahead", count=ahead)
    )

    def still_in_line() -> None:
        state = candidate.page.evaluate(
            """async () => (await (await fetch('/api/me/tickets')).json()).items
                 .map((t) => t.state)"""
        )
        assert state in (["waiting"], ["notified"]), state

    # By keyboard: the first Enter only asks, with focus on the question; Escape keeps
    # the place and gives focus back.
    candidate.tab_to(leave)
    candidate.page.keyboard.press("Enter")
    question.filter(has_text=asked).wait_for()
    assert candidate.focused()["id"] == f"ticket-{ticket['id']}-leave-confirm"
    assert question.get_attribute("role") == "group"
    candidate.check_accessibility()  # axe-core on the open question
    candidate.resize(PHONE)
    candidate.screenshot()
    candidate.page.keyboard.press("Escape")
    question.wait_for(state="detached")
    assert candidate.focused()["id"] == f"ticket-{ticket['id']}-leave"
    still_in_line()

    # "Stay" does the same.
    candidate.page.keyboard.press("Enter")
    question.wait_for()
    candidate.tab_to(f"#ticket-{ticket['id']}-leave-stay")
    candidate.page.keyboard.press("Enter")
    question.wait_for(state="detached")
    assert candidate.focused()["id"] == f"ticket-{ticket['id']}-leave"
    still_in_line()

    # "Leave" leaves: the card goes, the server agrees, and it is said.
    candidate.page.keyboard.press("Enter")
    candidate.tab_to(f"#ticket-{ticket['id']}-leave-yes")
    candidate.page.keyboard.press("Enter")
    candidate.page.get_by_text(q("zh-CN", "queue.mine.empty")).wait_for()
    panel = candidate.page.locator("lf-my-lines-panel:not([compact])")
    booth_name = booth["title"] or booth["employer"]["name"]
    panel.locator("[aria-live='polite']").filter(
        has_text=q("zh-CN", "queue.leave.done", booth=booth_name)
    ).wait_for(state="attached")
    items = candidate.page.evaluate("async () => (await (await fetch('/api/me/tickets')).json())")
    assert items["items"] == [], items


def test_the_hidden_tabs_title_says_a_call_is_now_and_getting_ready_is_soon(ui: Ui) -> None:
    """The blinking title of a tab in the background (components/my-lines-panel.js):
    "your turn" only when called; "get ready" may come a minute early, so it says soon."""
    ui.goto("/")
    titles = ui.page.evaluate(
        """async () => {
          await (await import('/lib/i18n.js')).useFeatures(['queue']);
          const { alertTitle } = await import('/components/my-lines-panel.js');
          return {
            called: alertTitle([{ state: 'notified' }, { state: 'called' }]),
            ready: alertTitle([{ state: 'notified' }]),
            offer: alertTitle([]),
          };
        }"""
    )
    assert titles == {
        "called": q("zh-CN", "queue.title.flash_called"),
        "ready": q("zh-CN", "queue.title.flash"),
        "offer": q("zh-CN", "queue.title.flash_handoff"),
    }
    assert len(set(titles.values())) == 3


def test_an_alert_names_the_venue_when_two_lines_share_a_name(ui: Ui) -> None:
    """One employer at two venues: "get ready at X" must say which X."""
    ui.goto("/")
    names = ui.page.evaluate(
        """async () => {
          await (await import('/lib/i18n.js')).useFeatures(['queue']);
          const { alertName } = await import('/components/my-lines-panel.js');
          const tickets = [
            { id: 'a', booth: '甲公司', venue: '北京市分会场' },
            { id: 'b', booth: '甲公司', venue: '主会场' },
            { id: 'c', booth: '乙公司', venue: '主会场' },
          ];
          const named = (x) => alertName(x, tickets, (y) => y.booth, (y) => y.venue);
          const unknownVenue = alertName(tickets[0], tickets, (y) => y.booth, () => null);
          return [...tickets.map(named), unknownVenue];
        }"""
    )
    where = [
        q("zh-CN", "queue.alert.where", booth="甲公司", venue=v) for v in ("北京市分会场", "主会场")
    ]
    assert names == [*where, "乙公司", "甲公司"]


def test_a_refused_join_says_how_many_lines_one_may_be_in(ui: Ui) -> None:
    """The problem's own figures fill its message: ``queue.limit`` names the limit."""
    ui.goto("/")
    problem = {"type": "urn:livefair:problem:queue.limit", "title": "queue.limit"}
    problem |= {"status": 409, "code": "queue.limit", "detail": "at most 4", "limit": 4}
    ui.page.route(
        "**/api/test-refusal",
        lambda route: route.fulfill(
            status=409, content_type="application/problem+json", json=problem
        ),
    )
    said = ui.page.evaluate(
        """async () => {
          const { api } = await import('/api.js');
          try {
            await api('/api/test-refusal', { method: 'POST' });
          } catch (error) {
            return error.message;
          }
          return null;
        }"""
    )
    assert said == text("errors", "zh-CN", "errors.code.queue.limit", limit=4)
    assert "4" in said


def test_going_too_fast_says_how_long_to_wait(ui: Ui) -> None:
    """A 429 with Retry-After says the wait in seconds; without it, "a moment"."""
    ui.goto("/")
    problem = {"type": "urn:livefair:problem:rate.limited", "title": "rate.limited"}
    problem |= {"status": 429, "code": "rate.limited", "detail": "too many attempts"}

    def refuse(headers: dict[str, str]) -> Callable[[Any], None]:
        def fulfil(route: Any) -> None:
            route.fulfill(
                status=429, content_type="application/problem+json", json=problem, headers=headers
            )

        return fulfil

    ui.page.route("**/api/test-with-wait", refuse({"Retry-After": "30"}))
    ui.page.route("**/api/test-without", refuse({}))
    said = ui.page.evaluate(
        """async () => {
          const { api } = await import('/api.js');
          const out = [];
          for (const path of ['with-wait', 'without']) {
            try {
              await api(`/api/test-${path}`, { method: 'POST' });
            } catch (error) {
              out.push(error.message);
            }
          }
          return out;
        }"""
    )
    assert said == [
        text("errors", "zh-CN", "errors.rate.limited_for", seconds=30),
        text("errors", "zh-CN", "errors.code.rate.limited"),
    ]
