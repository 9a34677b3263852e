"""Hidden places (issue 7): a venue admin sets the venue's booth lines to show only their
length; candidates then see how many wait, never the line itself, and each still sees
their own place and wait (from their own "me" topic) and the "get ready" alert.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from server.domain.principal import Role
from tests.e2e.conftest import PHONE, Ui
from tests.e2e.test_identity_pages import text
from tests.e2e.test_queue_pages import (
    QUIET_RECRUITER,
    RECRUITER,
    empty_staffed_booth,
    log_in,
    next_while_nobody_serves,
    q,
    staffed_booth,
    two_in_line,
)


def s(key: str, **params: object) -> str:
    return text("structure", "zh-CN", key, **params)


def test_a_venue_hides_places_and_each_candidate_still_sees_their_own(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    recruiter = ui
    me = log_in(recruiter, RECRUITER)
    booth = staffed_booth(recruiter, me)
    booth_name = booth["title"] or booth["employer"]["name"]
    venue = booth["venue_id"]

    # The venue's admin chooses "only how many wait", by keyboard.
    admin = another_ui("admin")
    admin.sign_in(Role.VENUE_ADMIN, UUID(venue))
    admin.goto(f"/manage/venues/{venue}")
    full = admin.page.get_by_role("radio", name=s("structure.manage_venue.lines_full"))
    assert full.is_checked()
    admin.tab_to("#venue-lines-full")
    admin.page.keyboard.press("ArrowDown")  # radio groups move by arrow keys
    hidden = admin.page.get_by_role("radio", name=s("structure.manage_venue.lines_length_only"))
    assert hidden.is_checked()
    admin.tab_to("#venue-lines-submit")
    admin.page.keyboard.press("Enter")
    admin.page.locator("#venue-lines-saved").filter(
        has_text=s("structure.manage_venue.lines_saved")
    ).wait_for()
    admin.reload()  # the choice is the venue's, not the page's
    assert admin.page.get_by_role(
        "radio", name=s("structure.manage_venue.lines_length_only")
    ).is_checked()
    admin.resize(PHONE)
    admin.screenshot()

    first, second = two_in_line(another_ui, booth["id"])

    # The booth page says how many wait; the booth topic carries no tokens at all.
    length = first.page.locator("#booth-line-length")
    length.filter(has_text=q("zh-CN", "queue.booth.length", count=2)).wait_for()
    seen = first.page.evaluate(
        """async (id) => {
             const store = await import('/components/queue-store.js');
             const booth = store.booth(id);
             return { visibility: booth.visibility, line: booth.line ?? [],
                      length: booth.length };
           }""",
        booth["id"],
    )
    assert seen == {"visibility": "length_only", "line": [], "length": 2}, seen

    # The second candidate's own place comes from their own topic.
    second.goto("/me/lines")
    place = second.page.locator(".ticket-position")
    place.filter(has_text=q("zh-CN", "queue.position.ahead", count=1)).wait_for()

    # The recruiter calls the first; the second moves up and is told to get ready.
    recruiter.goto(f"/booths/{booth['id']}/console")
    available = recruiter.page.get_by_role("button", name=q("zh-CN", "queue.console.set_available"))
    available.click()
    recruiter.page.locator("#console-status-available[aria-pressed='true']").wait_for()
    recruiter.page.get_by_role("button", name=q("zh-CN", "queue.console.call_next")).click()
    accept = first.page.get_by_role("button", name=q("zh-CN", "queue.ticket.accept"))
    accept.click()
    first.page.wait_for_url("**/interviews/*")  # accepting is going in
    first.settle()
    recruiter.page.wait_for_url("**/interviews/*")  # so is the recruiter who called
    recruiter.settle()
    first.goto(f"/booths/{booth['id']}")
    place.filter(has_text=q("zh-CN", "queue.position.first")).wait_for()
    second.page.get_by_role("alert").filter(
        has_text=q("zh-CN", "queue.alert.next", booth=booth_name)
    ).wait_for()
    length.filter(has_text=q("zh-CN", "queue.booth.length", count=1)).wait_for()
    second.resize(PHONE)
    second.screenshot()


def test_where_places_are_hidden_a_next_candidate_is_told_when_nobody_serves(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    # There the wait table is never public: the candidate's own wait (null with nobody
    # serving) on their own topic says it.
    recruiter = ui
    me = log_in(recruiter, QUIET_RECRUITER)
    candidate = another_ui("candidate")
    candidate.sign_in(Role.CANDIDATE)
    booth = empty_staffed_booth(recruiter, me, candidate)
    admin = another_ui("admin")
    admin.sign_in(Role.VENUE_ADMIN, UUID(booth["venue_id"]))
    admin.page.evaluate(
        """async (venue) => (await import('/api.js')).api(
             `/api/venues/${venue}/queue-visibility`,
             { method: 'PUT', body: { visibility: 'length_only' } })""",
        booth["venue_id"],
    )
    next_while_nobody_serves(recruiter, candidate, booth, visibility="length_only")
