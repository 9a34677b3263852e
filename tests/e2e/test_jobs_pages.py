"""Jobs, resumes and applications in real Chromium (issue 5), as the people involved use
them: a candidate signs up, fills the profile (key groups under their own consent),
uploads a resume (a renamed program is refused), takes the career assessment, finds a
job by a two-character Chinese word and applies; the employer's recruiter sees the
application and downloads the resume; a second candidate and a recruiter of another
employer are refused; the candidate finds the download in the audit log. Anonymous
visitors browse the policy catalogue.

Every page is also checked by the harness (conftest.py): axe-core, raw keys, console,
sideways scrolling at 390 px.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from server.domain.principal import Role
from tests.e2e.conftest import PHONE, Ui
from tests.e2e.test_identity_pages import (
    heading,
    new_contact,
    request_code,
    screenshots,
    text,
    wait_for_path,
)
from tests.e2e.test_queue_pages import RECRUITER, log_in

pytestmark = pytest.mark.chromium

PAGE_SIZE = 20  # client_web/components/listing.js


# A real (tiny) PDF: the %PDF- header and the %%EOF trailer the server checks for.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# A Windows program renamed to look like a resume.
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def jobs_zh(key: str, **params: object) -> str:
    return text("jobs", "zh-CN", key, **params)


def people_zh(key: str, **params: object) -> str:
    return text("people", "zh-CN", key, **params)


def announced(ui: Ui, expected: str) -> None:
    ui.page.wait_for_function(
        "(expected) => document.getElementById('notices').textContent === expected",
        arg=expected,
    )


def nav_to(ui: Ui, label: str, path: str) -> None:
    """Follow a link of the main navigation (opening the menu on a phone)."""
    toggle = ui.page.locator(".nav-toggle")
    if toggle.is_visible():
        toggle.click()
    ui.page.get_by_role("navigation", name=text("shell", ui.lang, "shell.nav.label")).get_by_role(
        "link", name=label, exact=True
    ).click()
    wait_for_path(ui, path)


def tab(ui: Ui, key: str) -> None:
    """Follow one of the tabs between the candidate's pages."""
    tabs = ui.page.get_by_role("navigation", name=people_zh("people.tabs.label"))
    tabs.get_by_role("link", name=people_zh(key), exact=True).click()


def refused(ui: Ui) -> str:
    """The error the page shows in place of what was refused (its code)."""
    box = ui.page.locator("main [data-error-code]")
    box.wait_for()
    return str(box.get_attribute("data-error-code"))


def create_job(recruiter: Ui, employer: dict[str, Any], title: str) -> str:
    """The recruiter posts a job through the editor; returns its id."""
    nav_to(recruiter, text("shell", "zh-CN", "shell.nav.our_jobs"), "/manage/jobs")
    recruiter.page.get_by_role(
        "link", name=jobs_zh("jobs.manage.new_for", name=employer["name"])
    ).click()
    wait_for_path(recruiter, "/manage/jobs/new")
    form = recruiter.page.locator("#job")
    form.get_by_label(jobs_zh("jobs.editor.title"), exact=True).fill(title)
    form.get_by_label(jobs_zh("jobs.editor.openings"), exact=True).fill("3")
    # A salary range upside down is explained next to the field.
    form.get_by_label(jobs_zh("jobs.editor.salary_min"), exact=True).fill("9000")
    form.get_by_label(jobs_zh("jobs.editor.salary_max"), exact=True).fill("6000")
    form.get_by_label(jobs_zh("jobs.editor.education"), exact=True).select_option("associate")
    form.get_by_label(jobs_zh("jobs.editor.category"), exact=True).select_option("finance")
    form.get_by_label(jobs_zh("jobs.editor.region"), exact=True).select_option(
        employer["region_code"]
    )
    form.get_by_label(jobs_zh("jobs.editor.industry"), exact=True).select_option(
        employer["industry"]
    )
    form.get_by_label(jobs_zh("jobs.key_group.graduates"), exact=True).check()
    form.get_by_label(jobs_zh("jobs.editor.description"), exact=True).fill(
        "负责日常会计核算、报税与凭证整理，欢迎2020届毕业生。"
    )
    recruiter.page.locator("#job-submit").click()
    summary = recruiter.page.locator("#job-summary")
    summary.wait_for()
    assert text("errors", "zh-CN", "errors.code.request.invalid") in summary.inner_text()
    assert recruiter.page.locator("#job .field-error").first.inner_text() == jobs_zh(
        "jobs.editor.salary_range"
    )
    form.get_by_label(jobs_zh("jobs.editor.salary_min"), exact=True).fill("6000")
    form.get_by_label(jobs_zh("jobs.editor.salary_max"), exact=True).fill("9000")
    recruiter.page.locator("#job-submit").click()
    recruiter.page.wait_for_url(re.compile(r"/manage/jobs/[0-9a-f-]{36}$"))
    recruiter.settle()
    announced(recruiter, jobs_zh("jobs.editor.created", title=title))
    assert heading(recruiter) == title
    return recruiter.path.rsplit("/", 1)[1]


def sign_up(ui: Ui, name: str) -> None:
    ui.goto("/signup?next=/me/profile")
    dev_code = request_code(ui, new_contact())
    ui.page.locator("#signup-details-code").fill(dev_code)
    ui.page.locator("#signup-details-display_name").fill(name)
    ui.page.locator("#signup-details-password").fill("Candidate-2020")
    ui.page.locator("#signup-details-submit").click()
    wait_for_path(ui, "/me/profile")


def fill_profile(ui: Ui, name: str, region: str) -> None:
    form = ui.page.locator("#profile")
    form.get_by_label(people_zh("people.profile.name"), exact=True).fill(name)
    form.get_by_label(people_zh("people.profile.region"), exact=True).select_option(region)
    form.get_by_label(people_zh("people.profile.education"), exact=True).select_option("associate")
    form.get_by_label(people_zh("people.profile.graduation_year"), exact=True).fill("2020")
    form.get_by_label(people_zh("people.profile.desired_jobs"), exact=True).fill("会计、出纳")
    form.get_by_label(people_zh("people.profile.phone"), exact=True).fill("13800138000")
    # Key groups appear only after their own consent.
    assert form.get_by_label(jobs_zh("jobs.key_group.graduates"), exact=True).count() == 0
    form.get_by_label(people_zh("people.profile.consent"), exact=True).check()
    form.get_by_label(jobs_zh("jobs.key_group.graduates"), exact=True).check()
    ui.page.locator("#profile-submit").click()
    announced(ui, people_zh("people.profile.saved"))
    profile = ui.page.evaluate("async () => (await fetch('/api/me/profile')).json()")
    assert profile["name"] == name
    assert profile["key_groups"] == ["graduates"]
    assert profile["key_groups_consent_at"]


def upload_resume(ui: Ui) -> str:
    """A renamed program is refused with the reason; a PDF is taken. Returns its id."""
    tab(ui, "people.tabs.resumes")
    wait_for_path(ui, "/me/resumes")
    chooser = ui.page.locator("#resume-file")
    chooser.set_input_files(
        files=[{"name": "简历.pdf", "mimeType": "application/pdf", "buffer": PROGRAM}]
    )
    ui.page.locator("#resume-upload").click()
    error = ui.page.locator("#resume-error")
    error.wait_for()
    assert error.inner_text() == people_zh("people.resumes.refused.type_refused")
    assert ui.page.locator("#resume-list").count() == 0

    chooser.set_input_files(
        files=[{"name": "张小会-简历.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    ui.page.locator("#resume-upload").click()
    announced(ui, people_zh("people.resumes.uploaded", name="张小会-简历.pdf"))
    item = ui.page.locator("#resume-list > li")
    assert item.count() == 1
    assert "张小会-简历.pdf" in item.inner_text()

    # The same file again, under another name: refused, naming the one already there.
    chooser.set_input_files(
        files=[{"name": "简历-副本.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    ui.page.locator("#resume-upload").click()
    error.filter(
        has_text=people_zh("people.resumes.refused.duplicate", filename="张小会-简历.pdf")
    ).wait_for()
    assert item.count() == 1
    return str(item.get_attribute("data-resume"))


def take_assessment(ui: Ui) -> None:
    tab(ui, "people.tabs.assessment")
    wait_for_path(ui, "/me/assessment")
    # Sending with items left out names them; nothing is scored.
    ui.page.locator("#assessment-submit").click()
    ui.page.locator("#assessment-summary").wait_for()
    questions = ui.page.locator(".questions > li")
    count = questions.count()
    assert count >= 30
    # Enjoys the conventional and enterprising items most, the others less.
    for index in range(count):
        question = questions.nth(index)
        item_id = str(question.locator("input").first.get_attribute("name")).removeprefix("answer-")
        choice = 4 if item_id[0] in "ce" else 1
        question.locator("input").nth(choice).check()
    ui.page.get_by_label(people_zh("people.assessment.share"), exact=True).check()
    ui.page.locator("#assessment-submit").click()
    code = ui.page.locator("#assessment-code")
    code.wait_for()
    assert ui.focused()["id"] == "assessment-code"
    letters = code.inner_text().rsplit("：", 1)[1].strip()
    assert len(letters) == 3
    assert set(letters[:2]) == {"C", "E"}
    assert ui.page.locator("#assessment-scores > li").count() == 6
    assert ui.page.locator("#assessment-category-list a").count() >= 1
    assert ui.page.locator("#assessment-shared").inner_text() == people_zh(
        "people.assessment.shared_yes"
    )
    ui.settle()


def find_and_apply(ui: Ui, word: str, region: str, title: str) -> None:
    nav_to(ui, text("shell", "zh-CN", "shell.nav.jobs"), "/jobs")
    ui.page.get_by_label(jobs_zh("jobs.search.keyword"), exact=True).fill(word)
    ui.page.get_by_label(jobs_zh("jobs.search.region"), exact=True).select_option(region)
    ui.page.get_by_label(jobs_zh("jobs.search.keyword"), exact=True).press("Enter")
    ui.page.wait_for_function(
        "(word) => new URLSearchParams(location.search).get('q') === word", arg=word
    )
    ui.settle()
    assert ui.focused()["id"] == "jobs-results-title"
    results = ui.page.locator("#jobs-results > li")
    results.first.wait_for()
    ours = results.filter(has=ui.page.get_by_role("link", name=title, exact=True))
    assert ours.count() == 1, f"{title} not on the first page for {word}"
    # The word is highlighted in the title and in the description's snippet.
    assert ours.locator(".card-title mark").all_inner_texts() == [word]
    assert word in ours.locator(".snippet mark").all_inner_texts()
    screenshots(ui, "search")
    ours.get_by_role("link", name=title, exact=True).click()
    ui.page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))
    ui.settle()
    assert heading(ui) == title
    ui.page.get_by_label(re.compile("张小会-简历.pdf")).check()
    ui.tab_to("#apply-submit")
    ui.page.keyboard.press("Enter")
    done = ui.page.locator("#apply-done")
    done.wait_for()
    assert jobs_zh("jobs.application_status.submitted") in done.inner_text()
    announced(ui, jobs_zh("jobs.apply.sent"))


# One walk through four browsers and a dozen pages, each checked by axe-core at two
# widths: longer than the suite's default 120 s on a loaded machine.
@pytest.mark.timeout(300)
def test_a_candidate_applies_and_only_the_employers_recruiter_reads_the_resume(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    # The demo's recruiter posts a job of their (verified) employer.
    recruiter = another_ui("recruiter")
    me = log_in(recruiter, RECRUITER)
    employer_id = next(g["scope_id"] for g in me["grants"] if g["role"] == "recruiter")
    employer = recruiter.server.get_json(f"/api/employers/{employer_id}")
    title = f"招聘会计岗位{random.randrange(10**6):06d}"
    job_id = create_job(recruiter, employer, title)
    screenshots(recruiter, "job-editor")
    recruiter.page.get_by_role("link", name=jobs_zh("jobs.editor.back")).click()
    wait_for_path(recruiter, "/manage/jobs")
    assert recruiter.page.locator(f"#our-jobs-results > li[data-job='{job_id}']").count() == 1
    screenshots(recruiter, "our-jobs")
    # Its public page: what candidates read, without an offer to apply to one's own job.
    recruiter.goto(f"/jobs/{job_id}")
    recruiter.page.locator("#apply-own").filter(
        has_text=jobs_zh("jobs.apply.own_employer")
    ).wait_for()
    assert recruiter.page.locator("#apply-form, #apply-upload").count() == 0

    # A candidate signs up, fills the profile, uploads a resume, takes the assessment.
    candidate = ui
    name = "张小会"
    sign_up(candidate, name)
    fill_profile(candidate, name, employer["region_code"])
    screenshots(candidate, "profile")
    resume_id = upload_resume(candidate)
    screenshots(candidate, "resumes")
    take_assessment(candidate)
    screenshots(candidate, "assessment")

    # … finds the job by a two-character word and applies with the resume.
    find_and_apply(candidate, "会计", employer["region_code"], title)
    screenshots(candidate, "job")
    # The employer's page lists the job among its open jobs.
    candidate.page.locator("main").get_by_role("link", name=employer["name"], exact=True).click()
    wait_for_path(candidate, f"/employers/{employer_id}")
    listed = candidate.page.locator("#employer-job-list").get_by_role("link", name=title)
    assert listed.count() == 1

    # The recruiter sees the application and downloads the resume.
    nav_to(recruiter, text("shell", "zh-CN", "shell.nav.inbox"), "/manage/applications")
    card = recruiter.page.locator("#inbox-list > li").filter(has_text=title)
    assert card.count() == 1
    assert name in card.inner_text()
    assert "13800138000" not in card.inner_text()  # contact not shared
    with recruiter.page.expect_download() as download:
        card.get_by_role("link", name=re.compile("张小会-简历.pdf")).click()
    saved = download.value
    assert saved.suggested_filename == "张小会-简历.pdf"
    assert Path(saved.path()).read_bytes() == PDF
    card.get_by_label(jobs_zh("jobs.inbox.set_status")).select_option("interview")
    card.get_by_role("button", name=jobs_zh("jobs.inbox.save_status")).click()
    announced(
        recruiter,
        jobs_zh("jobs.inbox.status_saved", status=jobs_zh("jobs.application_status.interview")),
    )
    screenshots(recruiter, "inbox")

    # A second candidate cannot read the resume, nor the employer's inbox.
    other = another_ui("other-candidate")
    other.sign_in(Role.CANDIDATE)
    other.goto(f"/resumes/{resume_id}")
    assert refused(other) == "auth.forbidden"
    assert other.page.request.get(f"{other.base_url}/api/resumes/{resume_id}").status == 403
    other.goto(f"/manage/applications?employer={employer_id}")
    assert refused(other) == "auth.forbidden"

    # Nor can a recruiter of another employer.
    employers = recruiter.server.get_json("/api/employers?limit=20")["items"]
    stranger_employer = next(e["id"] for e in employers if e["id"] != employer_id)
    stranger = another_ui("other-recruiter")
    stranger.sign_in(Role.RECRUITER, UUID(stranger_employer))
    stranger.goto(f"/resumes/{resume_id}")
    assert refused(stranger) == "auth.forbidden"
    assert stranger.page.request.get(f"{stranger.base_url}/api/resumes/{resume_id}").status == 403
    stranger.goto(f"/manage/applications?employer={employer_id}")
    assert refused(stranger) == "auth.forbidden"
    stranger.goto(f"/manage/jobs/{job_id}")  # nor edit the job
    assert refused(stranger) == "auth.forbidden"
    screenshots(stranger, "refused")

    # The candidate sees the new status and, in the audit log, who downloaded the resume.
    candidate.goto("/me/applications")
    item = candidate.page.locator("#application-list > li").filter(has_text=title)
    assert jobs_zh("jobs.application_status.interview") in item.inner_text()
    screenshots(candidate, "applications")
    # The owner may open the resume by its link (and that is logged too).
    candidate.goto(f"/resumes/{resume_id}")
    save = candidate.page.locator("#resume-save")
    assert save.get_attribute("download") == "张小会-简历.pdf"
    candidate.goto("/me/audit-log")
    assert candidate.page.locator("#audit-list > li[data-reader='self']").count() == 1
    entries = candidate.page.locator("#audit-list > li[data-reader='employer_staff']")
    assert entries.count() == 1
    assert employer["name"] in entries.inner_text()
    assert "张小会-简历.pdf" in entries.inner_text()
    assert "北京时间" in entries.inner_text()
    screenshots(candidate, "audit-log")

    # The recruiter closes the job: it stops being public.
    recruiter.goto(f"/manage/jobs/{job_id}")
    status = recruiter.page.get_by_label(jobs_zh("jobs.editor.status"), exact=True)
    status.select_option("closed")
    recruiter.page.locator("#job-submit").click()
    announced(recruiter, jobs_zh("jobs.editor.saved", title=title))
    assert recruiter.page.locator("#job-state").inner_text() == jobs_zh("jobs.editor.private")
    assert recruiter.focused()["id"] == "job-state"
    # Among the employer's jobs it says why it is not public: it is closed.
    recruiter.goto("/manage/jobs")
    card = recruiter.page.locator(f"#our-jobs-results > li[data-job='{job_id}']")
    assert card.locator(".actions .badge").inner_text() == jobs_zh("jobs.status.closed")


def test_anyone_browses_the_policy_catalogue_by_kind_and_reads_the_six_fields(ui: Ui) -> None:
    ui.goto("/")
    nav_to(ui, text("shell", "zh-CN", "shell.nav.policies"), "/policies")
    ui.page.get_by_label(jobs_zh("jobs.policies.kind"), exact=True).select_option("people")
    ui.page.locator("#policies-search").click()
    ui.page.wait_for_function("() => new URLSearchParams(location.search).get('kind') === 'people'")
    ui.settle()
    results = ui.page.locator("#policies-results > li")
    results.first.wait_for()
    kind = jobs_zh("jobs.policy_kind.people")
    for index in range(results.count()):
        assert kind in results.nth(index).inner_text()
    screenshots(ui, "policies")

    # A reload keeps the filter (it lives in the URL).
    ui.reload()
    assert ui.page.get_by_label(jobs_zh("jobs.policies.kind"), exact=True).input_value() == "people"

    results.first.get_by_role("link").click()
    ui.page.wait_for_url(re.compile(r"/policies/[0-9a-f-]{36}$"))
    ui.settle()
    sections = ui.page.locator("main h2").all_inner_texts()
    assert sections == [
        jobs_zh(f"jobs.policy.{field}")
        for field in (
            "target_scope",
            "subsidy_standard",
            "procedure",
            "agency",
            "time_limit",
            "legal_basis",
        )
    ]
    screenshots(ui, "policy")


def test_job_search_on_a_phone_in_english_pages_through_results(ui: Ui) -> None:
    ui.prefer_language("en")
    ui.resize(PHONE)
    ui.goto("/jobs?category=finance")
    assert heading(ui) == text("jobs", "en", "jobs.search.title")
    cards = ui.page.locator("#jobs-results > li")
    assert cards.count() == PAGE_SIZE  # the demo has more finance jobs than one page
    category = text("jobs", "en", "jobs.category.finance")
    assert all(category in card for card in cards.all_inner_texts())
    first = cards.first.get_attribute("data-job")
    # Chinese job titles on the English page are marked as Chinese for screen readers.
    assert cards.first.locator(".card-title").get_attribute("lang") == "zh-CN"

    ui.tab_to("#jobs-next")
    ui.page.keyboard.press("Enter")
    ui.page.wait_for_function("() => new URLSearchParams(location.search).get('page') === '2'")
    ui.settle()
    assert ui.focused()["id"] == "jobs-results-title"
    assert cards.first.get_attribute("data-job") != first
    assert ui.page.locator("#jobs-previous").is_enabled()
    ui.screenshot()


def test_a_candidate_deletes_the_account_with_the_password_and_is_signed_out(ui: Ui) -> None:
    sign_up(ui, "李注销")
    fill_profile(ui, "李注销", "420000")
    tab(ui, "people.tabs.delete")
    wait_for_path(ui, "/me/delete")
    password = ui.page.get_by_label(people_zh("people.delete.password"), exact=True)

    # A wrong password deletes nothing and says so next to the field.
    password.fill("Not-the-password-1")
    ui.page.locator("#delete-account-submit").click()
    ui.page.locator("#delete-account-summary").wait_for()
    assert ui.focused()["id"] == "delete-account-summary"
    assert ui.page.locator("#delete-account-password-error").inner_text() == text(
        "errors", "zh-CN", "errors.field.account.wrong_password"
    )
    screenshots(ui, "delete")

    password.fill("Candidate-2020")
    ui.page.locator("#delete-account-submit").click()
    wait_for_path(ui, "/")
    announced(ui, people_zh("people.delete.done"))
    sign_in_link = text("shell", "zh-CN", "shell.account.sign_in")
    ui.page.locator("header").get_by_role("link", name=sign_in_link).wait_for()
    assert ui.page.evaluate("async () => (await fetch('/api/me')).status") == 401


def test_searching_everything_counts_each_type_and_filters_by_type(ui: Ui) -> None:
    word = "培训"  # in the demo's jobs, employers and policies
    ui.goto("/jobs")
    ui.page.get_by_role("link", name=jobs_zh("jobs.everything.link")).click()
    wait_for_path(ui, "/search")
    keyword = ui.page.get_by_label(jobs_zh("jobs.search.keyword"), exact=True)
    keyword.fill(word)
    keyword.press("Enter")
    ui.page.wait_for_function(
        "(w) => new URLSearchParams(location.search).get('q') === w", arg=word
    )
    ui.settle()
    counts = ui.page.locator("#everything-counts").inner_text()
    for key in ("job", "employer", "policy"):
        assert not re.search(jobs_zh(f"jobs.everything.type.{key}") + " 0 条", counts), counts
    results = ui.page.locator("#everything-results > li")
    assert word in results.first.locator("mark").all_inner_texts()

    ui.page.get_by_label(jobs_zh("jobs.everything.type_filter"), exact=True).select_option("policy")
    ui.page.locator("#everything-search").click()
    ui.page.wait_for_function("() => new URLSearchParams(location.search).get('type') === 'policy'")
    ui.settle()
    types = {results.nth(i).get_attribute("data-type") for i in range(results.count())}
    assert types == {"policy"}
    screenshots(ui, "everything")
    results.first.get_by_role("link").click()
    ui.page.wait_for_url(re.compile(r"/policies/[0-9a-f-]{36}$"))
    ui.settle()


def test_a_new_profile_starts_from_the_sign_up_name_and_email_and_saves_only_on_save(
    ui: Ui,
) -> None:
    name = "QA 测试候选人"
    sign_up(ui, name)
    ui.settle()
    account = ui.page.evaluate("async () => (await fetch('/api/me')).json()")
    form = ui.page.locator("#profile")
    assert form.get_by_label(people_zh("people.profile.name"), exact=True).input_value() == name
    email = form.get_by_label(people_zh("people.profile.email"), exact=True)
    assert email.input_value() == account["email"]
    assert ui.page.locator("#profile-prefilled").inner_text() == people_zh(
        "people.profile.prefilled"
    )
    stored = ui.page.evaluate("async () => (await fetch('/api/me/profile')).json()")
    assert stored["updated_at"] is None, "nothing is saved unasked"
    assert stored["name"] == ""

    # What the candidate saved is what comes back, even a blank e-mail.
    email.fill("")
    ui.page.locator("#profile-submit").click()
    announced(ui, people_zh("people.profile.saved"))
    ui.reload()
    assert email.input_value() == ""
    assert ui.page.locator("#profile-prefilled").count() == 0


def test_a_graduation_year_that_is_not_a_number_is_refused_and_the_saved_year_kept(
    ui: Ui,
) -> None:
    sign_up(ui, "年份测试")
    ui.settle()
    form = ui.page.locator("#profile")
    form.get_by_label(people_zh("people.profile.name"), exact=True).fill("年份测试")
    year = form.get_by_label(people_zh("people.profile.graduation_year"), exact=True)
    year.fill("2026")
    ui.page.locator("#profile-submit").click()
    announced(ui, people_zh("people.profile.saved"))
    saved_at = ui.page.locator("#profile-saved-at").inner_text()

    puts: list[str] = []
    ui.page.on("request", lambda r: puts.append(r.url) if r.method == "PUT" else None)
    year.fill("二零二六")
    ui.page.locator("#profile-submit").click()
    ui.page.locator("#profile-summary").wait_for()
    assert ui.page.locator("#profile-graduation_year-error").inner_text() == text(
        "errors", "zh-CN", "errors.field.number.whole"
    )
    assert year.get_attribute("aria-invalid") == "true"
    assert year.input_value() == "二零二六", "what was typed stays, to be corrected"
    assert puts == [], "nothing is sent"
    assert ui.page.locator("#profile-saved-at").inner_text() == saved_at
    profile = ui.page.evaluate("async () => (await fetch('/api/me/profile')).json()")
    assert profile["graduation_year"] == 2026

    year.fill("２０２７")  # full-width digits from a Chinese input method are digits
    ui.page.locator("#profile-submit").click()
    announced(ui, people_zh("people.profile.saved"))
    profile = ui.page.evaluate("async () => (await fetch('/api/me/profile')).json()")
    assert profile["graduation_year"] == 2027


def test_every_keyword_field_holds_no_more_than_the_api_takes(ui: Ui) -> None:
    for path, control in (("/jobs", "#jobs-q"), ("/policies", "#policies-q")):
        ui.goto(path)
        assert ui.page.locator(control).get_attribute("maxlength") == "50", path


def test_a_keyword_the_search_refuses_is_marked_and_shows_no_stale_results(ui: Ui) -> None:
    ui.goto("/search")
    assert ui.page.locator("#everything-results > li").count() > 0
    keyword = ui.page.get_by_label(jobs_zh("jobs.search.keyword"), exact=True)
    assert keyword.get_attribute("maxlength") == "50"  # server/api/jobs.py Keyword
    keyword.fill("!!!")
    keyword.press("Enter")
    error = ui.page.locator("#everything-q-error")
    error.wait_for()
    ui.settle()
    assert error.inner_text() == jobs_zh("jobs.search.keyword_empty")
    assert keyword.get_attribute("aria-invalid") == "true"
    assert ui.focused()["id"] == "everything-q", "focus goes to the field to correct"
    assert ui.page.locator("#everything-results").count() == 0, "old results are gone"
    assert ui.page.locator("#everything-counts").count() == 0
    assert ui.page.locator("#everything-invalid").inner_text() == jobs_zh("jobs.list.invalid")
    assert ui.path == "/search?q=%21%21%21"

    # A link with a keyword too long shows the form with it, marked, to correct.
    long = "招聘" * 26
    ui.goto(f"/search?q={long}")
    assert heading(ui) == jobs_zh("jobs.everything.title")
    assert keyword.input_value() == long
    assert ui.page.locator("#everything-q-error").inner_text() == jobs_zh(
        "jobs.search.keyword_too_long", max=50
    )
    keyword.fill("培训")
    keyword.press("Enter")
    ui.page.locator("#everything-results > li").first.wait_for()
    ui.settle()
    assert ui.page.locator("#everything-q-error").count() == 0
    assert keyword.get_attribute("aria-invalid") is None
