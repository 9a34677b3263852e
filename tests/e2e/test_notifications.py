"""The notification centre in real Chromium: the header's bell and /me/notifications.

A candidate applies to a job of the demo employer; its recruiter moves the application
(updateApplicationStatus), which is what sends the candidate a notification. The
candidate sees the header's count go up without a reload, reads the sentence on the
page with its link, marks it read, and it stays read — all by keyboard.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from server.demo.employers import DEMO_PASSWORD
from server.domain.principal import Role
from tests.e2e.conftest import PHONE, Ui, in_thread
from tests.e2e.test_identity_pages import screenshots, text, wait_for_path
from tests.e2e.test_jobs_pages import PDF
from tests.e2e.test_queue_pages import RECRUITER, log_in, staffed_booth
from tests.unit.test_notification_kinds import sent_kinds

pytestmark = pytest.mark.chromium

PAGE = 20  # pages/notifications.js


def n(key: str, **params: object) -> str:
    return text("notifications", "zh-CN", key, **params)


def status_name(status: str) -> str:
    return text("jobs", "zh-CN", f"jobs.application_status.{status}")


def bell(ui: Ui, unread: int) -> Any:
    """The header's link to the notifications, as its accessible name says the count."""
    name = n("notifications.link.unread", count=unread) if unread else n("notifications.link.label")
    return ui.page.locator("header").get_by_role("link", name=name, exact=True)


def call_api(ui: Ui, path: str, method: str = "GET", body: Any = None) -> Any:
    """The API through the page's own client (session cookie, CSRF header)."""
    return ui.page.evaluate(
        """async ({ path, method, body }) => {
             const { api } = await import('/api.js');
             return api(path, { method, body: body ?? undefined });
           }""",
        {"path": path, "method": method, "body": body},
    )


def apply_to_an_open_job(candidate: Ui, recruiter: Ui) -> tuple[str, str]:
    """The candidate uploads a resume and applies to the recruiter's first open job:
    the application's id and the job's title."""
    jobs = call_api(recruiter, "/api/jobs?mine=true&per_page=50")["items"]
    job = next(j for j in jobs if j["status"] == "open")
    resume = candidate.page.evaluate(
        """async (bytes) => {
             const { csrfToken } = await import('/api.js');
             const response = await fetch('/api/me/resumes?filename=cv.pdf', {
               method: 'POST', credentials: 'same-origin',
               headers: { 'Content-Type': 'application/pdf', 'X-CSRF-Token': csrfToken() },
               body: new Uint8Array(bytes) });
             return response.json();
           }""",
        list(PDF),
    )
    application = call_api(
        candidate, f"/api/jobs/{job['id']}/applications", "POST", {"resume_id": resume["id"]}
    )
    return str(application["id"]), str(job["title"])


def move(recruiter: Ui, application: str, status: str) -> None:
    call_api(recruiter, f"/api/applications/{application}", "PATCH", {"status": status})


def items(ui: Ui) -> Any:
    return ui.page.locator("#notification-list > li")


def test_an_application_moved_by_the_employer_reaches_the_candidate_live_and_stays_read(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    candidate = ui
    candidate.sign_in(Role.CANDIDATE)
    candidate.goto("/jobs")
    bell(candidate, 0).wait_for()
    recruiter = another_ui("recruiter")
    log_in(recruiter, RECRUITER)
    application, job_title = apply_to_an_open_job(candidate, recruiter)

    # The employer invites them to an interview: the header's count goes up, no reload.
    move(recruiter, application, "interview")
    bell(candidate, 1).wait_for()
    assert candidate.page.locator(".notification-count").inner_text() == "1"

    # By keyboard from the header to the notification centre.
    candidate.tab_to("#header-notifications")
    candidate.page.keyboard.press("Enter")
    wait_for_path(candidate, "/me/notifications")
    assert items(candidate).count() == 1
    first = items(candidate).first
    interview = n("notifications.kind.application.status", status=status_name("interview"))
    assert interview in first.inner_text()
    first.locator(".notification-subject").filter(
        has_text=n("notifications.page.job", name=job_title)
    ).wait_for()
    assert first.get_attribute("data-read") == "false"
    assert n("notifications.page.unread") in first.locator(".notification-text").inner_text()
    link = first.get_by_role("link", name=n("notifications.action.applications"))
    assert link.get_attribute("href") == "/me/applications"
    assert "北京时间" in first.locator("time").inner_text()

    # A second one while the page is open: at the top, announced, counted.
    move(recruiter, application, "offer")
    offer = n("notifications.kind.application.status", status=status_name("offer"))
    items(candidate).nth(1).wait_for()
    assert offer in items(candidate).first.inner_text()
    candidate.page.locator("#notices").filter(
        has_text=n("notifications.page.arrived", text=offer)
    ).wait_for()
    bell(candidate, 2).wait_for()
    candidate.settle()
    screenshots(candidate, "two-unread")

    # Mark the newest as read by keyboard: the count comes down, focus goes to its link.
    newest = items(candidate).first
    newest_id = str(newest.get_attribute("id"))
    candidate.tab_to(f"#{newest_id}-read")
    candidate.page.keyboard.press("Enter")
    candidate.page.locator(f"#{newest_id}[data-read='true']").wait_for()
    bell(candidate, 1).wait_for()
    assert candidate.focused()["id"] == f"{newest_id}-link"
    assert candidate.page.locator("#notifications-summary").inner_text() == n(
        "notifications.page.summary_unread", count=1
    )

    # A reload keeps it read and the other unread.
    candidate.reload()
    assert [items(candidate).nth(i).get_attribute("data-read") for i in range(2)] == [
        "true",
        "false",
    ]
    bell(candidate, 1).wait_for()

    # Opening the other one's link marks it read too.
    older_id = str(items(candidate).nth(1).get_attribute("id"))
    candidate.tab_to(f"#{older_id}-link")
    candidate.page.keyboard.press("Enter")
    wait_for_path(candidate, "/me/applications")
    bell(candidate, 0).wait_for()
    candidate.goto("/me/notifications")
    assert [items(candidate).nth(i).get_attribute("data-read") for i in range(2)] == [
        "true",
        "true",
    ]
    assert candidate.page.locator("#notifications-summary").inner_text() == n(
        "notifications.page.summary_read"
    )
    assert candidate.page.locator("#notifications-mark-all").count() == 0


def insert_notifications(
    ui: Ui,
    account_id: str,
    rows: list[tuple[str, dict[str, Any]]],
    *,
    announce: bool = False,
    together: int = 1,
) -> None:
    """Notifications (kind, data) straight in the inbox's table, a minute apart, the
    first the newest: many of them without producing each through its own feature.
    ``announce``: with their ``notification.created`` events on the account's topic too.
    ``together``: so many at a time share one created_at (as one transaction writes them)."""

    async def run() -> None:
        from server.ids import uuid7
        from server.store import db
        from server.store.events import NewEvent, append_events

        conn = await db.connect(ui.server.database_url)
        try:
            async with conn.transaction():
                now = datetime.now(UTC)
                for age, (kind, data) in enumerate(rows):
                    notification_id = uuid7()
                    created_at = now - timedelta(minutes=age // together + 1)
                    await conn.execute(
                        "INSERT INTO notifications (id, account_id, kind, data, created_at)"
                        " VALUES ($1, $2, $3, $4, $5)",
                        notification_id,
                        UUID(account_id),
                        kind,
                        data,
                        created_at,
                    )
                    if announce:
                        payload = {"id": str(notification_id), "kind": kind, "data": data}
                        event = NewEvent(f"user:{account_id}", "notification.created", payload)
                        await append_events(conn, [event], now)
        finally:
            await conn.close()

    in_thread(lambda: asyncio.run(run()))


def add_notifications(
    ui: Ui, account_id: str, kinds: list[str], booth: dict[str, Any], *, together: int = 1
) -> None:
    data = {"booth_id": booth["id"]}
    rows = [(k, data if k == "queue.room" else {}) for k in kinds]
    insert_notifications(ui, account_id, rows, together=together)


def test_a_long_inbox_pages_with_load_older_and_mark_all_reads_every_one(ui: Ui) -> None:
    me = ui.sign_in(Role.CANDIDATE)
    ui.goto("/me/notifications")
    assert ui.page.locator("#notifications-empty").inner_text() == n("notifications.page.empty")

    # 25: one page of 20 and 5 older; the oldest of a kind this client does not know.
    # Three at a time share one instant: the 19th to 21st straddle the page's end.
    kinds = ["queue.room"] * 24 + ["test.unknown_kind"]
    booth = ui.server.get_json("/api/booths?limit=1")["items"][0]
    add_notifications(ui, me["id"], kinds, booth, together=3)
    ui.reload()
    assert items(ui).count() == PAGE
    bell(ui, 25).wait_for()
    assert ui.page.locator("#notifications-summary").inner_text() == n(
        "notifications.page.summary_unread", count=25
    )
    first = items(ui).first
    assert n("notifications.kind.queue.room") in first.inner_text()
    link = first.get_by_role("link", name=n("notifications.action.booth"))
    assert link.get_attribute("href") == f"/booths/{booth['id']}"
    booth_name = booth["title"] or booth["employer"]["name"]
    first.locator(".notification-subject").filter(
        has_text=n("notifications.page.booth", name=booth_name)
    ).wait_for()

    ui.tab_to("#notifications-older", limit=3 * PAGE)  # past each item's link and button
    ui.page.keyboard.press("Enter")
    items(ui).nth(PAGE).wait_for()
    assert items(ui).count() == 25
    assert ui.focused()["id"] == items(ui).nth(PAGE).get_attribute("id")
    oldest = items(ui).last
    assert oldest.locator(".notification-text").inner_text().endswith(n("notifications.generic"))
    assert oldest.get_by_role("link").count() == 0
    assert ui.page.locator("#notifications-no-older").inner_text() == n(
        "notifications.page.no_older"
    )
    ui.settle()

    # Mark all: every one, read once each; the header's count goes to nothing.
    ui.tab_to("#notifications-mark-all", limit=3 * len(kinds))
    ui.page.keyboard.press("Enter")
    bell(ui, 0).wait_for()
    ui.page.locator("#notices").filter(has_text=n("notifications.page.marked_all")).wait_for()
    assert ui.focused()["id"] == "notifications-summary"
    ui.reload()
    assert ui.page.locator("#notification-list > li[data-read='false']").count() == 0
    assert ui.page.locator("#notifications-summary").inner_text() == n(
        "notifications.page.summary_read"
    )
    screenshots(ui, "all-read")


def test_a_visitor_is_asked_to_sign_in_and_the_header_has_no_bell(ui: Ui) -> None:
    ui.goto("/me/notifications")
    assert ui.page.locator("[data-sign-in-prompt]").count() == 1
    assert ui.page.locator("#header-notifications").count() == 0


def test_every_kind_reads_as_a_sentence_with_its_link_in_english_on_a_phone(ui: Ui) -> None:
    """One notification of every kind the server sends, with the data it sends: each
    shows its own sentence (placeholders filled, times in Beijing time) and its link."""
    venue, session, booth, job = (str(UUID(int=i)) for i in (1, 2, 3, 4))
    fair = ui.server.fair()["id"]
    at = {"starts_at": "2026-12-09T02:00:00+00:00", "ends_at": "2026-12-09T03:30:00+00:00"}
    notice = {"session_id": session, "fair_id": fair, "title": "Digital economy", **at}
    booking = {"booking_id": job, "booth_id": booth, "slot_id": venue, **at}
    week = {"fair_id": fair, "venue_id": venue, "week": 3}
    sample: dict[str, tuple[dict[str, Any], str]] = {
        "queue.room": ({"booth_id": booth}, f"/booths/{booth}"),
        "reservation.won": (booking, "/me/bookings"),
        "reservation.waitlisted": ({**booking, "waitlist_place": 2}, "/me/bookings"),
        "reservation.moved_up": (booking, "/me/bookings"),
        "reservation.starting": ({**booking, "ticket_id": None}, "/me/lines"),
        "application.status": (
            {"application_id": venue, "job_id": job, "status": "viewed"},
            "/me/applications",
        ),
        "programme.late_window": (
            {**week, "until": "2026-12-03T16:00:00+00:00"},
            f"/manage/venues/{venue}/sessions",
        ),
        "programme.submission_due": (
            {**week, "due_at": "2026-12-02T16:00:00+00:00"},
            f"/manage/venues/{venue}/sessions",
        ),
        "programme.session_returned": (
            {"session_id": session, "week": 3, "title": "Digital economy", "reason": "Dates?"},
            "/manage/venues",  # the data names no venue, and this account admins none
        ),
        "programme.session_approved": (
            {"session_id": session, "week": 3, "title": "Digital economy"},
            "/manage/venues",
        ),
        "programme.session_scheduled": (notice, f"/sessions/{session}/studio"),
        "programme.lobby_open": (notice, f"/sessions/{session}/studio"),
        "programme.session_cancelled": (notice, f"/sessions/{session}"),
        "programme.session_moved": (notice, f"/sessions/{session}"),
        "programme.reminder": ({**notice, "lead": "15m"}, f"/sessions/{session}"),
        "ticket.removed": ({"booth_id": booth, "ticket_id": job}, f"/booths/{booth}"),
        "ticket.expired": (
            {"booth_id": booth, "ticket_id": job, "cause": "day_close"},
            f"/booths/{booth}",
        ),
        "interview.outcome": (
            {"interview_id": job, "booth_id": booth, "outcome": "next_round"},
            f"/interviews/{job}",
        ),
        "interview.outcome_corrected": (
            {"interview_id": job, "booth_id": booth, "outcome": "offer_intent"},
            f"/interviews/{job}",
        ),
    }
    assert set(sample) == set(sent_kinds()), "add the new kind here with its data and link"

    ui.prefer_language("en")
    me = ui.sign_in(Role.CANDIDATE)
    insert_notifications(ui, me["id"], [(kind, data) for kind, (data, _) in sample.items()])
    ui.resize(PHONE)
    ui.goto("/me/notifications")
    shown = items(ui)
    assert shown.count() == len(sample)
    for index, (kind, (_, href)) in enumerate(sample.items()):
        item = shown.nth(index)
        assert item.get_attribute("data-kind") == kind
        sentence = item.locator(".notification-text").inner_text()
        assert "{" not in sentence, sentence
        assert sentence != text("notifications", "en", "notifications.generic"), kind
        assert item.get_by_role("link").get_attribute("href") == href, kind
        if "{time}" in text("notifications", "en", f"notifications.kind.{kind}"):
            assert "(Beijing time)" in sentence, sentence
    viewed = text("jobs", "en", "jobs.application_status.viewed")
    assert f"“{viewed}”" in shown.nth(5).inner_text()
    assert "Dates?" in shown.nth(8).inner_text()
    assert "10:00" in ui.page.locator("[data-kind='programme.reminder']").inner_text()
    closed = text("notifications", "en", "notifications.expired.day_close")
    assert closed in ui.page.locator("[data-kind='ticket.expired']").inner_text()
    for kind, outcome in (
        ("interview.outcome", "next_round"),
        ("interview.outcome_corrected", "offer_intent"),
    ):
        told = ui.page.locator(f"[data-kind='{kind}'] .notification-text").inner_text()
        assert text("interview", "en", f"interview.outcome.{outcome}") in told, told
    ui.screenshot()


def test_after_a_reconnect_without_replay_the_page_and_the_bell_catch_up(ui: Ui) -> None:
    """A notification whose event never reached this tab (the stream could not replay it
    and sent a snapshot instead) still appears: the snapshot carries the count and the
    page reads its newest notifications again."""
    me = ui.sign_in(Role.CANDIDATE)
    ui.goto("/me/notifications")
    assert ui.page.locator("#notifications-empty").count() == 1
    booth = ui.server.get_json("/api/booths?limit=1")["items"][0]
    insert_notifications(ui, me["id"], [("queue.room", {"booth_id": booth["id"]})])  # no event
    # A new follower of `me` with no seq makes the server send the topic's snapshot again,
    # to every follower: what a reconnect gets when its history is gone.
    ui.page.evaluate("async () => (await import('/stream.js')).subscribe('me', null, () => {})")
    bell(ui, 1).wait_for()
    items(ui).first.wait_for()
    assert n("notifications.kind.queue.room") in items(ui).first.inner_text()
    assert ui.page.locator("#notifications-summary").inner_text() == n(
        "notifications.page.summary_unread", count=1
    )


def test_after_signing_out_and_in_as_someone_else_nothing_of_theirs_reaches_the_tab(
    ui: Ui,
) -> None:
    """A socket keeps the identity it opened with: signing in as someone else in the same
    tab (a shared computer at a job centre) reconnects the event stream as the new
    account, so the previous account's events no longer reach the tab at all, and the new
    account's own do."""
    first = ui.sign_in(Role.CANDIDATE)
    ui.goto("/me/notifications")
    bell(ui, 0).wait_for()
    ui.page.evaluate("async () => (await import('/session.js')).signOut()")
    status = ui.page.evaluate(
        """async ({ identifier, password }) => (await fetch('/api/auth/login', {
             method: 'POST', credentials: 'same-origin',
             headers: { 'Content-Type': 'application/json' },
             body: JSON.stringify({ identifier, password, client: 'browser' }) })).status""",
        {"identifier": RECRUITER, "password": DEMO_PASSWORD},
    )
    assert status in (200, 201)
    second = ui.page.evaluate("async () => (await import('/session.js')).refresh()")
    assert second["id"] != first["id"]
    bell(ui, 0).wait_for()
    ui.page.evaluate(
        """async () => {
             const stream = await import('/stream.js');
             window.__events = [];
             window.__snapshots = [];
             stream.subscribe('me', null, (frame) => {
               if (frame.op === 'event') window.__events.push(frame.data?.kind);
               if (frame.op === 'snapshot') window.__snapshots.push(frame.data?.account_id);
             });
           }"""
    )
    # The tab follows the recruiter's `me` now (on the socket that replaced the first's).
    ui.page.wait_for_function("(id) => window.__snapshots.includes(id)", arg=second["id"])

    # One for the previous account, then one for the signed-in recruiter: only the
    # recruiter's arrives (both go out in this order on the same bus).
    insert_notifications(ui, first["id"], [("queue.room", {})], announce=True)
    insert_notifications(ui, second["id"], [("programme.submission_due", {})], announce=True)
    bell(ui, 1).wait_for()
    ui.page.wait_for_function(
        "() => window.__events.includes('programme.submission_due')", timeout=15_000
    )
    assert ui.page.evaluate("() => window.__events") == ["programme.submission_due"]


def test_a_candidate_taken_out_of_a_line_by_staff_finds_it_in_the_bell(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    """The tester's case: staff remove a candidate (with a reason); the candidate, on
    another page, sees the bell count it without a reload, and the notice leads back to
    the booth. The reason is the staff's record: it is not shown."""
    candidate = ui
    candidate.sign_in(Role.CANDIDATE)
    candidate.goto("/jobs")
    bell(candidate, 0).wait_for()
    recruiter = another_ui("recruiter")
    booth = staffed_booth(recruiter, log_in(recruiter, RECRUITER))
    call_api(recruiter, f"/api/booths/{booth['id']}/queue-status", "PUT", {"status": "open"})
    ticket = call_api(candidate, f"/api/booths/{booth['id']}/tickets", "POST")
    reason = "测试：重复排队"
    call_api(recruiter, f"/api/tickets/{ticket['id']}/remove", "POST", {"reason": reason})

    bell(candidate, 1).wait_for()
    candidate.tab_to("#header-notifications")
    candidate.page.keyboard.press("Enter")
    wait_for_path(candidate, "/me/notifications")
    assert items(candidate).count() == 1
    first = items(candidate).first
    assert first.get_attribute("data-kind") == "ticket.removed"
    assert n("notifications.kind.ticket.removed") in first.inner_text()
    booth_name = booth["title"] or booth["employer"]["name"]
    first.locator(".notification-subject").filter(
        has_text=n("notifications.page.booth", name=booth_name)
    ).wait_for()
    link = first.get_by_role("link", name=n("notifications.action.booth"))
    assert link.get_attribute("href") == f"/booths/{booth['id']}"
    assert reason not in candidate.page.locator("main").inner_text()
