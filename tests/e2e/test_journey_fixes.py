"""What the busiest journeys of the demo fair tripped over, walked again in real Chromium.

A visitor who is not signed in finds on the home page how to take part, and the sign-up
page tells a job seeker what the account is for (it used to say job seeking was not open).

A candidate on a booth's page sees the employer's open jobs there and opens one (the
booth used to show none: the jobs were one page further, on the employer's).

A candidate who joins a booth's line reads their place and wait as one sentence; an open
line outside the booth's opening hours says that nobody may be serving it (a place taken
in the evening used to look as good as one in the morning, and lapse at midnight).

In the interview, the recruiter opens the candidate's profile from the side panel (it
used to say the candidate had none, whatever they had filled in) and reads each fact on
a line of its own (the panel is narrow: the name used to break as "李志/强").

A new candidate opens a job without having a resume: the page sends them to upload one,
and the resumes page leads them back to that job, where they apply with it.

Every page is also checked by the harness (conftest.py): axe-core, raw keys, console,
sideways scrolling at 390 px.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.domain.principal import Role
from tests.e2e.conftest import PHONE, Ui
from tests.e2e.test_identity_pages import heading, text, wait_for_path
from tests.e2e.test_interview import i, into_the_room
from tests.e2e.test_jobs_pages import PDF, announced, jobs_zh, people_zh
from tests.e2e.test_queue_pages import join_by_keyboard, q

BOOTH_JOBS_SHOWN = 6  # client_web/pages/booth.js JOBS_SHOWN

pytestmark = pytest.mark.chromium


def fairs_zh(key: str) -> str:
    return text("fairs", "zh-CN", key)


def test_a_signed_out_visitor_finds_how_to_take_part_and_signs_up_for_it(ui: Ui) -> None:
    visitor = ui
    visitor.resize(PHONE)
    visitor.goto("/")
    section = visitor.page.get_by_role("region", name=fairs_zh("fairs.home.take_part"))
    section.wait_for()
    assert section.get_by_text(fairs_zh("fairs.home.take_part_text")).is_visible()
    assert section.get_by_role("link", name=fairs_zh("fairs.home.sign_in")).is_visible()
    visitor.settle()
    visitor.screenshot()
    visitor.tab_to("#home-sign-up")
    visitor.page.keyboard.press("Enter")
    wait_for_path(visitor, "/signup")
    # The sign-up page says what a job seeker gets, not that their pages are to come.
    intro = visitor.page.locator("main .intro").inner_text()
    assert "排队" in intro, intro
    assert "开放后" not in intro, intro

    # Signed in, the home page no longer asks.
    visitor.sign_in(Role.CANDIDATE)
    visitor.goto("/")
    visitor.page.locator("#home-sessions").wait_for()
    visitor.settle()
    assert visitor.page.locator("#home-take-part").count() == 0


def test_a_booth_lists_its_employers_jobs_and_leads_to_them(ui: Ui) -> None:
    candidate = ui
    candidate.sign_in(Role.CANDIDATE)
    booth = candidate.server.get_json("/api/booths?limit=1")["items"][0]
    employer = booth["employer"]
    jobs = candidate.server.get_json(f"/api/jobs?employer={employer['id']}&per_page=50")
    assert jobs["total"] > BOOTH_JOBS_SHOWN, "the demo employer should have many jobs"
    candidate.resize(PHONE)
    candidate.goto(f"/booths/{booth['id']}")
    section = candidate.page.get_by_role(
        "region", name=jobs_zh("jobs.employer.jobs", count=jobs["total"])
    )
    section.wait_for()
    candidate.settle()
    cards = section.locator("#booth-job-list > li")
    assert cards.count() == BOOTH_JOBS_SHOWN
    first = jobs["items"][0]
    assert first["title"] in cards.first.inner_text()
    # The rest are one link away, on the employer's page.
    every = section.get_by_role("link", name=jobs_zh("jobs.booth.all_jobs", count=jobs["total"]))
    assert every.get_attribute("href") == f"/employers/{employer['id']}"
    candidate.screenshot()

    cards.first.get_by_role("link", name=first["title"]).click()
    wait_for_path(candidate, f"/jobs/{first['id']}")
    assert heading(candidate) == first["title"]


def test_a_candidate_in_line_reads_their_place_and_wait_as_one_sentence(ui: Ui) -> None:
    candidate = ui
    candidate.sign_in(Role.CANDIDATE)
    # A booth nobody else here joins, and nobody serves: first in line, no estimate.
    booth = candidate.server.get_json("/api/booths?limit=3")["items"][2]
    candidate.resize(PHONE)
    join_by_keyboard(candidate, booth["id"])
    mine = candidate.page.locator("#booth-line-mine")
    expected = " ".join(
        [
            q("zh-CN", "queue.booth.in_line", state=q("zh-CN", "queue.state.waiting")),
            q(
                "zh-CN",
                "queue.booth.place_wait",
                position=q("zh-CN", "queue.position.first"),
                wait=q("zh-CN", "queue.wait.none"),
            ),
        ]
    )
    assert mine.inner_text().strip() == expected


# How many line boxes an element's text takes (1: it is not broken across lines).
LINES = """(element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
}"""


def test_the_recruiter_opens_the_candidates_profile_in_the_interview_and_reads_it_unbroken(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    candidate, recruiter = ui, another_ui("recruiter")
    into_the_room(candidate, recruiter)
    saved = candidate.page.evaluate(
        """async () => (await import('/api.js')).api('/api/me/profile', { method: 'PUT',
             body: { name: '李志强', region_code: '110000', education: 'bachelor',
                     graduation_year: 2020, desired_jobs: ['软件工程师', '测试工程师'] } })"""
    )
    assert saved["name"] == "李志强"
    # The panel no longer claims an empty profile: it opens the real one, by keyboard.
    panel = recruiter.page.locator(".interview-panel")
    assert panel.get_by_text(i("interview.panel.no_profile")).count() == 0
    show = panel.get_by_role("button", name=q("zh-CN", "queue.console.profile_show"))
    recruiter.tab_to(f"#{show.get_attribute('id')}")
    recruiter.page.keyboard.press("Enter")
    facts = panel.locator(".candidate-summary .facts")
    facts.get_by_text("李志强", exact=True).wait_for()
    assert facts.get_by_text("软件工程师、测试工程师", exact=True).is_visible()
    recruiter.settle()
    # Each fact stands on its own line in the narrow panel, not squeezed into a sliver.
    values = facts.locator("dd")
    assert values.count() >= 4
    for index in range(values.count()):
        value = values.nth(index)
        assert value.evaluate(LINES) == 1, value.inner_text()
    recruiter.screenshot()


def test_an_open_line_outside_the_booths_hours_says_nobody_may_be_serving(ui: Ui) -> None:
    visitor = ui
    fair = visitor.server.fair()
    zone = ZoneInfo(fair["time_zone"])
    booth = visitor.server.get_json("/api/booths?limit=1")["items"][0]
    weekly = [entry for entry in booth["hours"] if entry["date"] is None]
    open_days = {entry["weekday"] for entry in weekly}
    assert open_days, "the demo booth should have weekly hours"
    assert len(open_days) < 7, "the demo booth should close one day a week"
    days = [date.fromisoformat(fair["starts_on"]) + timedelta(days=n) for n in range(7)]
    closed_day = next(day for day in days if day.isoweekday() not in open_days)
    open_entry = weekly[0]
    open_day = next(day for day in days if day.isoweekday() == open_entry["weekday"])
    start = time.fromisoformat(open_entry["start"])
    in_hours = datetime.combine(open_day, start, zone) + timedelta(minutes=30)
    after_hours = datetime.combine(closed_day, time(15, 0), zone)
    hint = visitor.page.get_by_text(q("zh-CN", "queue.booth.after_hours"))

    visitor.page.clock.set_fixed_time(after_hours)
    visitor.resize(PHONE)
    visitor.goto(f"/booths/{booth['id']}")
    visitor.page.locator("#booth-line-length").wait_for()
    hint.wait_for()
    visitor.settle()
    visitor.screenshot()

    visitor.page.clock.set_fixed_time(in_hours)
    visitor.reload()
    visitor.page.locator("#booth-line-length").wait_for()
    visitor.settle()
    assert hint.count() == 0


def test_a_candidate_without_a_resume_uploads_one_from_a_job_and_comes_back_to_apply(
    ui: Ui,
) -> None:
    candidate = ui
    candidate.sign_in(Role.CANDIDATE)
    job = candidate.server.get_json("/api/jobs?per_page=1")["items"][0]
    candidate.resize(PHONE)
    candidate.goto(f"/jobs/{job['id']}")
    candidate.page.get_by_text(jobs_zh("jobs.apply.no_resume")).wait_for()
    candidate.settle()

    candidate.page.get_by_role("link", name=jobs_zh("jobs.apply.upload")).click()
    wait_for_path(candidate, "/me/resumes")
    # Nothing to go back with yet.
    back = candidate.page.get_by_role("link", name=people_zh("people.resumes.back_to_apply"))
    assert back.count() == 0
    candidate.page.locator("#resume-file").set_input_files(
        files=[{"name": "王小明-简历.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    candidate.page.locator("#resume-upload").click()
    announced(candidate, people_zh("people.resumes.uploaded", name="王小明-简历.pdf"))
    # The way back is offered, and focused: it is what comes next.
    back.wait_for()
    assert candidate.focused()["id"] == "resume-back"
    candidate.settle()
    candidate.screenshot()

    candidate.page.keyboard.press("Enter")
    wait_for_path(candidate, f"/jobs/{job['id']}")
    assert heading(candidate) == job["title"]
    candidate.page.get_by_label("王小明-简历.pdf", exact=False).check()
    candidate.page.locator("#apply-submit").click()
    done = candidate.page.locator("#apply-done")
    done.wait_for()
    assert jobs_zh("jobs.application_status.submitted") in done.inner_text()
    candidate.settle()


def test_the_resumes_page_leads_back_only_to_a_page_of_this_site(ui: Ui) -> None:
    candidate = ui
    candidate.sign_in(Role.CANDIDATE)
    candidate.goto("/me/resumes?next=//evil.example/jobs")
    candidate.page.locator("#resume-file").set_input_files(
        files=[{"name": "简历.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    candidate.page.locator("#resume-upload").click()
    announced(candidate, people_zh("people.resumes.uploaded", name="简历.pdf"))
    candidate.settle()
    assert candidate.page.locator("#resume-back").count() == 0
