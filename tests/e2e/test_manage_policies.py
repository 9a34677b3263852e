"""A venue's policies (政策清单) in real Chromium, as their writers use them: a venue admin
writes a policy with the keyboard (a field left empty is named and nothing is saved),
saves it as a draft (not public), publishes it (in the public catalogue, and counted as
发布政策数 in the campaign table's week of its publication), withdraws it after a
confirmation (gone from the catalogue, no longer counted), then edits and publishes it
from the editor. A venue with no policy says what to do; organisers write the national
ones at the main venue.

Every page is also checked by the harness (conftest.py): axe-core, raw keys, console,
sideways scrolling at 390 px.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import pytest

from server.domain.principal import Role
from tests.e2e.conftest import PHONE, Ui
from tests.e2e.test_identity_pages import heading, screenshots, text, wait_for_path
from tests.e2e.test_jobs_pages import announced

pytestmark = pytest.mark.chromium

FIELDS = ("target_scope", "subsidy_standard", "procedure", "agency", "time_limit", "legal_basis")
POLICY = {
    "target_scope": "在本市登记失业、有创业意愿的高校毕业生和返乡农民工。",
    "subsidy_standard": "首次创办小微企业并正常经营6个月以上的，一次性补贴5000元。",
    "procedure": "通过市人社局网上办事大厅提交申请，上传营业执照和身份证明，经审核公示后拨付。",
    "agency": "创业所在地区级公共就业服务机构",
    "time_limit": "受理后20个工作日内办结",
}
LEGAL_BASIS = "《关于进一步做好稳就业工作的意见》（示例）"


def zh(key: str, **params: object) -> str:
    return text("jobs", "zh-CN", key, **params)


def first_sub_venue(ui: Ui) -> dict[str, Any]:
    fair = ui.server.fair()
    venue: dict[str, Any] = next(v for v in fair["venues"] if v["kind"] == "sub")
    return venue


def public_ids(ui: Ui, region: str) -> set[str]:
    """The published policies of a region as a visitor who is not signed in gets them."""
    found = ui.server.get_json(f"/api/policies?{urlencode({'region': region, 'per_page': 100})}")
    return {item["id"] for item in found["items"]}


def public_status(ui: Ui, policy_id: str) -> int:
    """The HTTP status a visitor who is not signed in gets for the policy."""
    try:
        with urllib.request.urlopen(f"{ui.base_url}/api/policies/{policy_id}", timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as error:
        return error.code


def counted(ui: Ui, venue_id: str) -> dict[int, int]:
    """发布政策数 of the venue per fair week, as its admin downloads the campaign table."""
    fair_id = ui.server.fair()["id"]
    table = ui.page.evaluate(
        "async (url) => (await fetch(url)).json()",
        f"/api/fairs/{fair_id}/campaign-statistics?format=json&venue={venue_id}",
    )
    return {row["week"]: row["policies_published"] for row in table["rows"]}


def week_of(ui: Ui, at: str) -> int:
    """The fair week an instant falls in (docs/campaign-stats.md: starts ≤ at < ends)."""
    fair_id = ui.server.fair()["id"]
    weeks = ui.server.get_json(f"/api/fairs/{fair_id}/weeks")["weeks"]
    moment = datetime.fromisoformat(at)
    return int(
        next(
            w["number"]
            for w in weeks
            if datetime.fromisoformat(w["starts_at"])
            <= moment
            < datetime.fromisoformat(w["ends_at"])
        )
    )


def draft_total(ui: Ui, region: str) -> int:
    """How many drafts of the region the signed-in editor has, as the API counts them."""
    found = ui.page.evaluate(
        "async (url) => (await fetch(url)).json()",
        f"/api/policies?{urlencode({'status': 'draft', 'region': region})}",
    )
    return int(found["total"])


def card(ui: Ui, policy_id: str) -> Any:
    return ui.page.locator(f"li[data-policy='{policy_id}']")


def open_policies_tab(ui: Ui, venue_id: str) -> None:
    ui.goto(f"/manage/venues/{venue_id}")
    tabs = ui.page.get_by_role(
        "navigation", name=text("structure", "zh-CN", "structure.manage_venue.tabs")
    )
    tabs.get_by_role(
        "link", name=text("structure", "zh-CN", "structure.manage_venue.policies"), exact=True
    ).click()
    wait_for_path(ui, f"/manage/venues/{venue_id}/policies")


# One walk through the list, the editor and the public API at two widths.
@pytest.mark.timeout(300)
def test_a_venue_admin_writes_publishes_and_withdraws_a_policy_with_the_keyboard(ui: Ui) -> None:
    ui.sign_in(Role.VENUE_ADMIN)
    venue = first_sub_venue(ui)
    region = venue["region_code"]
    open_policies_tab(ui, venue["id"])
    drafts_before = draft_total(ui, region)
    assert ui.page.locator("#policies-drafts > li").count() == drafts_before
    before = counted(ui, venue["id"])

    # New policy, by keyboard: title, kind (a radio button), five of the six fields.
    ui.tab_to("#policy-new")
    ui.page.keyboard.press("Enter")
    wait_for_path(ui, f"/manage/venues/{venue['id']}/policies/new")
    assert heading(ui) == zh("jobs.policy_editor.new_title")
    title = f"创业补贴{datetime.now().strftime('%H%M%S%f')}（示例）"
    ui.tab_to("#policy-title")
    ui.page.keyboard.type(title)
    ui.page.keyboard.press("Tab")
    assert ui.focused()["id"] == "policy-kind-employer"
    ui.page.keyboard.press("ArrowDown")  # moves to, and chooses, 惠民政策
    assert ui.page.locator("#policy-kind-people").is_checked()
    for name, value in POLICY.items():
        ui.page.keyboard.press("Tab")
        assert ui.focused()["id"] == f"policy-{name}"
        ui.page.keyboard.type(value)

    # The legal basis is left empty: the summary and the field say so; nothing is saved.
    ui.tab_to("#policy-submit")
    ui.page.keyboard.press("Enter")
    ui.page.locator("#policy-summary").wait_for()
    assert ui.focused()["id"] == "policy-summary"
    assert ui.page.locator("#policy-legal_basis-error").inner_text() == text(
        "errors", "zh-CN", "errors.field.required"
    )
    assert ui.page.locator("#policy .field-error").count() == 1
    assert ui.page.locator("#policy-legal_basis").get_attribute("aria-invalid") == "true"
    assert ui.page.locator("#policy-title").input_value() == title  # what was typed stays
    ui.settle()
    screenshots(ui, "refused")
    assert draft_total(ui, region) == drafts_before

    # Filled in, saved as a draft: back on the list, announced, the draft has focus.
    ui.page.locator("#policy-summary a").click()  # the summary's link goes to the field
    assert ui.focused()["id"] == "policy-legal_basis"
    ui.page.keyboard.type(LEGAL_BASIS)
    ui.tab_to("#policy-submit")
    ui.page.keyboard.press("Enter")
    wait_for_path(ui, f"/manage/venues/{venue['id']}/policies")
    announced(ui, zh("jobs.policy_editor.saved_draft", title=title))
    draft = ui.page.locator("#policies-drafts > li").filter(has_text=title)
    assert draft.count() == 1
    policy_id = str(draft.get_attribute("data-policy"))
    assert ui.focused()["id"] == f"policy-{policy_id}-title"
    assert ui.page.locator("#policies-drafts > li").count() == drafts_before + 1
    assert zh("jobs.manage_policies.status_draft") in draft.inner_text()
    assert zh("jobs.policy_kind.people") in draft.inner_text()
    # A visitor who is not signed in sees nothing of it.
    assert policy_id not in public_ids(ui, region)
    assert public_status(ui, policy_id) == 404
    assert counted(ui, venue["id"]) == before

    # Published from the list: public, linked, counted in the week of its publication.
    ui.tab_to(f"#publish-{policy_id}")
    ui.page.keyboard.press("Enter")
    announced(ui, zh("jobs.manage_policies.published_done", title=title))
    published = ui.page.locator("#policies-published").locator(f"li[data-policy='{policy_id}']")
    assert published.count() == 1
    assert ui.focused()["id"] == f"policy-{policy_id}-title"
    assert published.locator(f"#public-{policy_id}").get_attribute("href") == (
        f"/policies/{policy_id}"
    )
    assert policy_id in public_ids(ui, region)
    assert public_status(ui, policy_id) == 200
    published_at = ui.server.get_json(f"/api/policies/{policy_id}")["published_at"]
    week = week_of(ui, published_at)
    assert counted(ui, venue["id"]) == {**before, week: before[week] + 1}
    ui.settle()
    screenshots(ui, "published")

    # Withdrawn after a confirmation that says it leaves the public catalogue.
    ui.tab_to(f"#withdraw-{policy_id}")
    ui.page.keyboard.press("Enter")
    warning = ui.page.locator(f"#withdraw-{policy_id}-warning")
    assert warning.inner_text() == zh("jobs.manage_policies.withdraw_warning", title=title)
    assert ui.focused()["id"] == f"withdraw-confirm-{policy_id}"
    assert (
        ui.page.locator(f"#withdraw-confirm-{policy_id}").get_attribute("aria-describedby")
        == f"withdraw-{policy_id}-warning"
    )
    assert policy_id in public_ids(ui, region)  # not yet
    ui.settle()
    ui.page.keyboard.press("Enter")
    announced(ui, zh("jobs.manage_policies.withdrawn", title=title))
    assert card(ui, policy_id).get_attribute("data-status") == "draft"
    assert ui.page.locator("#policies-drafts").locator(f"li[data-policy='{policy_id}']").count()
    assert policy_id not in public_ids(ui, region)
    assert public_status(ui, policy_id) == 404
    assert counted(ui, venue["id"]) == before

    # Edited and published from the editor ("save and publish"), on a phone.
    ui.resize(PHONE)
    card(ui, policy_id).get_by_role("link", name=zh("jobs.manage_policies.edit")).click()
    wait_for_path(ui, f"/manage/venues/{venue['id']}/policies/{policy_id}")
    assert heading(ui) == title
    assert ui.page.locator("#policy-legal_basis").input_value() == LEGAL_BASIS
    assert ui.page.locator("#policy-kind-people").is_checked()
    renamed = f"{title}（修订）"
    ui.page.get_by_label(zh("jobs.policy_editor.title"), exact=True).fill(renamed)
    ui.page.locator("#policy-publish").click()
    wait_for_path(ui, f"/manage/venues/{venue['id']}/policies")
    announced(ui, zh("jobs.manage_policies.published_done", title=renamed))
    assert card(ui, policy_id).get_attribute("data-status") == "published"
    assert ui.focused()["id"] == f"policy-{policy_id}-title"
    assert ui.server.get_json(f"/api/policies/{policy_id}")["title"] == renamed
    ui.screenshot()

    # Another region's policy is not this venue's to edit.
    national = ui.server.get_json("/api/policies?region=national&per_page=1")["items"][0]
    ui.goto(f"/manage/venues/{venue['id']}/policies/{national['id']}")
    assert ui.page.locator("main [data-error-code]").get_attribute("data-error-code") == (
        "policy.not_found"
    )


def test_a_venue_without_policies_says_how_to_start_in_english_on_a_phone(ui: Ui) -> None:
    fair = ui.server.fair()
    # A sub-venue the demo wrote no policy for.
    with_policies = {
        p["region_code"] for p in ui.server.get_json("/api/policies?per_page=100")["items"]
    }
    venue = next(
        v for v in fair["venues"] if v["kind"] == "sub" and v["region_code"] not in with_policies
    )
    ui.prefer_language("en")
    ui.resize(PHONE)
    ui.sign_in(Role.VENUE_ADMIN, UUID(venue["id"]))
    ui.goto(f"/manage/venues/{venue['id']}/policies")
    empty = ui.page.locator("#policies-empty")
    assert empty.inner_text() == text("jobs", "en", "jobs.manage_policies.none")
    assert ui.page.locator("#policies-drafts, #policies-published").count() == 0
    screenshots(ui, "empty")  # both widths, then back to the desktop
    ui.resize(PHONE)
    ui.page.get_by_role("link", name=text("jobs", "en", "jobs.manage_policies.new")).click()
    wait_for_path(ui, f"/manage/venues/{venue['id']}/policies/new")
    # Every field has its label and a hint in English.
    for name in FIELDS:
        control = ui.page.get_by_label(text("jobs", "en", f"jobs.policy.{name}"), exact=True)
        assert control.get_attribute("aria-describedby") == f"policy-{name}-hint"
    ui.screenshot()


def test_organisers_see_the_national_policies_at_the_main_venue(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    ui.sign_in(Role.ORGANISER)
    main = next(v for v in ui.server.fair()["venues"] if v["kind"] == "main")
    national = ui.server.get_json("/api/policies?region=national&per_page=100")
    ui.goto(f"/manage/venues/{main['id']}/policies")
    listed = ui.page.locator("#policies-published > li")
    assert listed.count() == national["total"] > 0
    assert {listed.nth(i).get_attribute("data-policy") for i in range(listed.count())} == {
        item["id"] for item in national["items"]
    }

    # The main venue's own admins are told that the organisers write the national ones.
    admin = another_ui("main-venue-admin")
    admin.sign_in(Role.VENUE_ADMIN, UUID(main["id"]))
    admin.goto(f"/manage/venues/{main['id']}/policies")
    assert admin.page.locator("#policies-national").inner_text() == zh(
        "jobs.manage_policies.national_only"
    )
    assert admin.page.locator("#policy-new").count() == 0
