"""Handoffs and lanes in the browser (issue 8).

One walk: the demo's recruiter opens a key-group lane for graduates at 2:1 on the
booth's settings page, becomes available in the booth console, interviews a candidate
who joined by keyboard, and hands them to another employer's booth; the candidate, on
"my lines", is asked and accepts, and is in that booth's line; the recruiter sees the
handoff admitted and switches to "only handoffs".
"""

from __future__ import annotations

from collections.abc import Callable

from server.domain.principal import Role
from tests.e2e.conftest import DESKTOP, PHONE, Ui
from tests.e2e.test_identity_pages import text
from tests.e2e.test_queue_pages import RECRUITER, join_by_keyboard, log_in, q, staffed_booth


def test_a_candidate_handed_to_another_employer_accepts_and_joins_its_line(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    recruiter = ui
    me = log_in(recruiter, RECRUITER)
    booth = staffed_booth(recruiter, me)
    booths = recruiter.server.get_json(
        f"/api/booths?fair={booth['fair_id']}&status=approved&limit=500"
    )["items"]
    target = next(
        b
        for b in booths
        if b["employer"] is not None and b["employer"]["id"] != booth["employer"]["id"]
    )

    # The booth's key-group lane, in its settings: graduates, two of them per general
    # candidate. It is kept: the settings show it again after a reload.
    recruiter.goto(f"/booths/{booth['id']}/settings")
    page = recruiter.page
    page.get_by_label(text("jobs", "zh-CN", "jobs.key_group.graduates")).check()
    page.locator("#lanes-key_group").select_option("2")
    page.get_by_role("button", name=q("zh-CN", "queue.lanes.save"), exact=True).click()
    page.locator("#lanes-current").filter(has_text="2 : 1").wait_for()
    recruiter.reload()
    page.locator("#lanes-current").filter(has_text="2 : 1").wait_for()
    assert page.locator("#lanes-group-graduates").is_checked()

    recruiter.goto(f"/booths/{booth['id']}/console")

    page.get_by_role("button", name=q("zh-CN", "queue.console.set_available")).click()
    page.locator("#console-status-available[aria-pressed='true']").wait_for()
    candidate = another_ui("candidate")
    candidate.sign_in(Role.CANDIDATE)
    join_by_keyboard(candidate, booth["id"])
    candidate.goto("/me/lines")
    page.get_by_role("button", name=q("zh-CN", "queue.console.call_next")).click()
    candidate.page.get_by_role("button", name=q("zh-CN", "queue.ticket.accept")).click()
    # Both are taken into the room; the recruiter completes it from the console.
    page.wait_for_url("**/interviews/*")
    recruiter.settle()
    recruiter.goto(f"/booths/{booth['id']}/console")
    page.get_by_role("button", name=q("zh-CN", "queue.console.complete")).click()

    # After the interview: hand the candidate to the other employer's booth. The form
    # and its choice wait out a reload of the console.
    page.locator("#handoff-booth").select_option(target["id"])
    page.get_by_text(q("zh-CN", "queue.handoff.needs_accept")).wait_for()
    recruiter.reload()
    page.locator(f"#handoff-booth option[value='{target['id']}']").wait_for(state="attached")
    assert page.locator("#handoff-booth").input_value() == target["id"]
    page.get_by_text(q("zh-CN", "queue.handoff.needs_accept")).wait_for()
    recruiter.settle()
    recruiter.tab_to("#handoff-submit")
    page.keyboard.press("Enter")
    pending = q("zh-CN", "queue.handoff.state.pending")
    page.locator("#handoff-list li").filter(has_text=pending).wait_for()

    # The candidate is asked (an alert, and a card with accept / decline) and accepts.
    candidate.page.wait_for_url("**/interviews/*")  # where accepting the call took them
    candidate.settle()
    candidate.goto("/me/lines")
    offer = candidate.page.locator("lf-my-lines-panel:not([compact]) .handoff")
    offer.wait_for()
    candidate.settle()
    candidate.page.get_by_role("button", name=q("zh-CN", "queue.handoff.accept")).click()
    candidate.page.locator(f".ticket a[href='/booths/{target['id']}']").wait_for()
    assert offer.count() == 0
    admitted = q("zh-CN", "queue.handoff.state.admitted")
    page.locator("#handoff-list li").filter(has_text=admitted).wait_for()
    recruiter.reload()  # how it went is still there (the staff snapshot's handoffs)
    page.locator("#handoff-list li").filter(has_text=admitted).wait_for()

    # "Only handoffs" for me: call next then skips walk-ins.
    only = page.get_by_label(q("zh-CN", "queue.console.only_handoffs"))
    only.check()
    page.locator("#console-only-handoffs:checked").wait_for()
    recruiter.settle()
    for person in (recruiter, candidate):
        for width in (DESKTOP, PHONE):
            person.resize(width)
            person.screenshot()
