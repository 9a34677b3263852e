"""The fair's structure in real Chromium, as its people use it: an employer admin signs
up and registers an employer, a venue admin of its region verifies it and opens a booth,
a recruiter joins with an invitation code and is put on the booth, and an anonymous
visitor finds the booth on the venue's page; organisers run venues and their staff.

Every page is also checked by the harness (conftest.py): axe-core, raw keys, console.
"""

from __future__ import annotations

import random
import re
import struct
import zlib
from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest

from server.domain.credit_code import ALPHABET, make_credit_code, organisation_check
from server.domain.principal import Role
from server.domain.regions import REGIONS
from tests.e2e.conftest import LiveServer, Ui
from tests.e2e.test_identity_pages import (
    heading,
    new_contact,
    request_code,
    screenshots,
    text,
    wait_for_path,
)

pytestmark = pytest.mark.chromium


HUBEI = "420000"


@pytest.fixture(scope="module")
def fair(live_server: LiveServer) -> dict[str, Any]:
    return live_server.fair()


def venue_of(fair: dict[str, Any], region: str) -> dict[str, Any]:
    venue: dict[str, Any] = next(v for v in fair["venues"] if v["region_code"] == region)
    return venue


def new_credit_code() -> str:
    body = f"{random.randrange(10**8):08d}"
    return make_credit_code("9", "1", "420100", body + organisation_check(body))


def mistyped(code: str) -> str:
    """The same code with its check character changed: a one-character typo."""
    wrong = ALPHABET[(ALPHABET.index(code[-1]) + 1) % len(ALPHABET)]
    return code[:-1] + wrong


def png_logo(side: int = 32) -> bytes:
    """A small red square as a PNG file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xa4\x16\x1a" * side for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def zh(key: str, **params: object) -> str:
    return text("structure", "zh-CN", key, **params)


def announced(ui: Ui, expected: str) -> None:
    ui.page.wait_for_function(
        "(expected) => document.getElementById('notices').textContent === expected",
        arg=expected,
    )


def test_employer_signs_up_is_verified_gets_a_booth_staffed_by_an_invited_recruiter(
    ui: Ui, another_ui: Callable[[str], Ui], fair: dict[str, Any]
) -> None:
    hubei = venue_of(fair, HUBEI)
    name = f"湖北测试科技有限公司{random.randrange(10**6):06d}"
    code = new_credit_code()

    # The employer's admin signs up through the real form …
    ui.goto("/signup")
    dev_code = request_code(ui, new_contact())
    ui.page.locator("#signup-details-code").fill(dev_code)
    ui.page.locator("#signup-details-display_name").fill("陈经理")
    ui.page.locator("#signup-details-password").fill("Employer-2020")
    ui.page.locator("#signup-details-submit").click()
    wait_for_path(ui, "/account")

    # … and registers the employer; a typo in the credit code is explained.
    ui.page.get_by_role(
        "link", name=text("identity", "zh-CN", "identity.account.register_employer")
    ).click()
    wait_for_path(ui, "/manage/employers/new")
    form = ui.page.locator("#employer-new")
    form.get_by_role("textbox", name=zh("structure.employer.name"), exact=True).fill(name)
    form.get_by_role("textbox", name=zh("structure.employer.credit_code"), exact=True).fill(
        mistyped(code)
    )
    form.get_by_role("combobox", name=zh("structure.employer.type"), exact=True).select_option(
        "private"
    )
    form.get_by_role("combobox", name=zh("structure.employer.industry"), exact=True).select_option(
        "I"
    )
    form.get_by_role("combobox", name=zh("structure.employer.region"), exact=True).select_option(
        HUBEI
    )
    form.get_by_role("combobox", name=zh("structure.employer.size"), exact=True).select_option(
        "20_99"
    )
    form.get_by_role("textbox", name=zh("structure.employer.description"), exact=True).fill(
        "软件开发与数据服务，招聘2020届毕业生。"
    )
    ui.page.locator("#employer-new-submit").click()
    error = ui.page.locator("#employer-new-credit_code-error")
    error.wait_for()
    assert error.inner_text() == zh("structure.credit_code.check")
    screenshots(ui, "credit-code")
    ui.page.locator(".language-switch").click()
    ui.page.wait_for_function("() => document.documentElement.lang === 'en'")
    ui.settle()
    assert error.inner_text() == text("structure", "en", "structure.credit_code.check")
    ui.page.locator(".language-switch").click()
    ui.page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    ui.settle()

    form.get_by_role("textbox", name=zh("structure.employer.credit_code"), exact=True).fill(code)
    ui.page.locator("#employer-new-submit").click()
    ui.page.wait_for_url(re.compile(r"/manage/employers/[0-9a-f-]{36}$"))
    ui.settle()
    employer_id = ui.path.rsplit("/", 1)[1]
    assert heading(ui) == name
    assert "等待审核" in ui.page.locator("#verification-note").inner_text()
    nav = ui.page.locator("lf-nav a[data-nav='my-employers']")
    assert nav.get_attribute("aria-current") == "true"  # the new role's navigation
    ui.page.locator("#logo-file").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": png_logo()}]
    )
    ui.page.locator("#logo-upload").click()
    announced(ui, zh("structure.logo.uploaded"))

    # A venue admin of Hubei verifies it and opens a booth for it.
    venue_admin = another_ui("venue-admin")
    venue_admin.sign_in(Role.VENUE_ADMIN, UUID(hubei["id"]))
    venue_admin.goto(f"/manage/venues/{hubei['id']}/employers")
    card = venue_admin.page.locator(f"#waiting-list > li[data-employer='{employer_id}']")
    assert code in card.inner_text()
    card.get_by_role("button", name=zh("structure.verify.verify")).click()
    announced(venue_admin, zh("structure.verify.done", name=name))
    assert venue_admin.page.locator(f"#verified-list > li[data-employer='{employer_id}']").count()

    venue_admin.page.locator(".tabs").get_by_role(
        "link", name=zh("structure.manage_venue.booths")
    ).click()
    venue_admin.settle()
    venue_admin.page.locator("#booth-new-search").fill(name)
    venue_admin.page.locator("#booth-new-search").press("Enter")
    venue_admin.page.get_by_role("radio", name=name).check()
    venue_admin.page.locator("#booth-new-intro").fill("招聘软件工程师、测试工程师。")
    venue_admin.page.locator("#booth-new-hours-preset").click()
    venue_admin.page.locator("#booth-new-capacity").fill("30")
    venue_admin.page.locator("#booth-new-submit").click()
    announced(venue_admin, zh("structure.venue_booths.opened", booth=name))
    booth = venue_admin.page.locator("#open-list > li", has_text=name)
    booth_id = booth.get_attribute("data-booth")
    assert booth_id
    screenshots(venue_admin, "booths")

    # The admin invites a recruiter, who signs up and accepts the code.
    ui.page.locator(".tabs").get_by_role(
        "link", name=zh("structure.manage_employer.recruiters")
    ).click()
    ui.settle()
    ui.page.locator("#invite-note").fill("招聘专员")
    ui.page.locator("#invite-submit").click()
    invitation = ui.page.locator("#invitation-code")
    invitation.wait_for()
    assert ui.focused()["id"] == "invitation-code-box"
    assert "北京时间" in ui.page.locator("#invitation-code-box").inner_text()
    screenshots(ui, "invitation")

    recruiter = another_ui("recruiter")
    recruiter_me = recruiter.sign_in(Role.CANDIDATE)
    recruiter.goto("/join")
    recruiter.page.locator("#join-code").fill(invitation.inner_text().lower())
    recruiter.page.locator("#join-submit").click()
    wait_for_path(recruiter, f"/manage/employers/{employer_id}")
    assert recruiter.page.locator("#notices").inner_text() == text(
        "identity", "zh-CN", "identity.join.joined", employer=name
    )
    assert recruiter.page.locator("lf-nav a[data-nav='my-employers']").count() == 1

    # The admin puts the recruiter on the booth.
    ui.page.locator(".tabs").get_by_role(
        "link", name=zh("structure.manage_employer.booths")
    ).click()
    ui.settle()
    mine = ui.page.locator(f"#my-booth-list > li[data-booth='{booth_id}']")
    mine.get_by_role("checkbox", name=recruiter_me["display_name"]).check()
    mine.get_by_role("button", name=zh("structure.staff.save")).click()
    announced(ui, zh("structure.staff.saved", booth=name, count=1))
    staffed = ui.server.get_json(f"/api/booths/{booth_id}")
    assert [m["account_id"] for m in staffed["staff"]] == [recruiter_me["id"]]

    # Anyone finds the booth on the venue's page, with its hours in Beijing time.
    visitor = another_ui("visitor")
    visitor.goto(f"/venues/{hubei['id']}")
    listed = visitor.page.locator(f"#venue-booth-list > li[data-booth='{booth_id}']")
    assert name in listed.inner_text()
    screenshots(visitor, "venue")
    listed.get_by_role("link", name=name).click()
    visitor.settle()
    assert heading(visitor) == name
    page_text = visitor.page.locator("main").inner_text()
    assert "周一至周五" in page_text
    assert "09:00–12:00、14:00–17:00" in page_text
    assert "以上均为北京时间" in page_text
    assert zh("structure.booth.capacity_text", capacity=30) in page_text
    assert zh("structure.booth.staff_people", count=1) in page_text
    logo = visitor.page.locator("main img.logo")
    logo.wait_for()
    assert logo.evaluate("(img) => img.decode().then(() => img.naturalWidth)") == 32
    screenshots(visitor, "booth")
    visitor.page.get_by_role("link", name=name).first.click()  # the employer's page
    visitor.settle()
    assert heading(visitor) == name
    assert visitor.page.locator(f"#employer-booth-list > li[data-booth='{booth_id}']").count()


def test_organiser_sees_every_venue_appoints_its_people_and_staffs_a_desk(
    ui: Ui, fair: dict[str, Any]
) -> None:
    ui.sign_in(Role.ORGANISER)
    ui.goto("/manage/venues")
    assert ui.page.locator("#manage-venue-list > li").count() == len(fair["venues"])
    screenshots(ui, "venues")

    tibet = venue_of(fair, "540000")
    card = ui.page.locator(f"#manage-venue-list > li[data-venue='{tibet['id']}']")
    assert zh("structure.venue_staff.admins") in card.inner_text()
    card.get_by_role(
        "link", name=zh("structure.manage_venues.appoint", venue=tibet["name_zh"])
    ).click()
    wait_for_path(ui, f"/manage/venues/{tibet['id']}/staff")

    # People are found by the contact they signed up with (demo accounts here).
    admins = ui.page.locator("#admins-list > li")
    before = admins.count()
    ui.page.locator("#appoint-admin-account").fill("e002.admin@demo.livefair.example")
    ui.page.locator("#appoint-admin-submit").click()
    ui.page.wait_for_function(
        "(n) => document.querySelectorAll('#admins-list > li').length === n", arg=before + 1
    )
    assert ui.focused()["id"] == "admins-title"
    ui.page.locator("#appoint-counsellor-account").fill("no-such-person@example.org")
    ui.page.locator("#appoint-counsellor-submit").click()
    ui.page.locator("#appoint-counsellor-summary").wait_for()
    assert text("errors", "zh-CN", "errors.code.account.not_found") in (
        ui.page.locator("#appoint-counsellor-summary").inner_text()
    )
    counsellors = ui.page.locator("#counsellors-list > li")
    before = counsellors.count()
    ui.page.locator("#appoint-counsellor-account").fill("e003.admin@demo.livefair.example")
    ui.page.locator("#appoint-counsellor-submit").click()
    ui.page.wait_for_function(
        "(n) => document.querySelectorAll('#counsellors-list > li').length === n", arg=before + 1
    )
    appointed = counsellors.last
    name = appointed.inner_text().strip()

    # … and the new counsellor staffs one of the venue's guidance desks.
    ui.page.locator(".tabs").get_by_role("link", name=zh("structure.manage_venue.booths")).click()
    ui.settle()
    desk = ui.page.locator("#desk-list > li[data-kind='legal_advice']")
    desk_id = desk.get_attribute("data-booth")
    desk_name = desk.locator(".card-title a").inner_text()
    desk.get_by_role("checkbox", name=name).check()
    chosen = desk.locator("input[type='checkbox']:checked").count()
    desk.get_by_role("button", name=zh("structure.staff.save")).click()
    announced(ui, zh("structure.staff.saved", booth=desk_name, count=chosen))
    staff = ui.server.get_json(f"/api/booths/{desk_id}")["staff"]
    assert name in [member["display_name"] for member in staff]


def test_region_names_of_the_client_are_the_servers(ui: Ui) -> None:
    ui.goto("/")
    client = ui.page.evaluate("async () => (await import('/components/regions.js')).REGIONS")
    assert client == [{"code": r.code, "zh": r.zh, "en": r.en} for r in REGIONS]


def test_an_address_that_is_no_employers_says_not_found(ui: Ui) -> None:
    """A mistyped or stale link to an employer says so, not "some fields are wrong"."""
    for ident in ("not-an-id", "01a21db7-3e91-773e-b5ab-5b9e30416a70"):
        ui.goto(f"/employers/{ident}")
        main = ui.page.locator("main")
        main.get_by_text(text("errors", "zh-CN", "errors.code.employer.not_found")).wait_for()
        assert text("errors", "zh-CN", "errors.code.request.invalid") not in main.inner_text()


def test_public_pages_fit_a_360_px_phone_in_english(ui: Ui, fair: dict[str, Any]) -> None:
    hubei = venue_of(fair, HUBEI)
    booth = ui.server.get_json(f"/api/booths?venue={hubei['id']}&kind=employer&limit=1")["items"][0]
    ui.resize(360)
    ui.prefer_language("en")
    ui.goto(f"/booths/{booth['id']}")
    assert ui.lang == "en"
    assert "All times are Beijing time." in ui.page.locator("main").inner_text()
    for path in (f"/venues/{hubei['id']}", f"/employers/{booth['employer']['id']}", "/signup"):
        ui.goto(path)  # settle() fails on sideways scrolling, raw keys and axe findings
        assert ui.lang == "en"


def test_an_employer_chosen_while_the_search_runs_stays_chosen(
    ui: Ui, fair: dict[str, Any]
) -> None:
    """A venue admin picks an employer, searches again and, before the answer comes, goes
    on to the booth's introduction: the answer keeps the choice (the employer is in it)
    and leaves the focus where the admin is typing."""
    hubei = venue_of(fair, HUBEI)
    ui.sign_in(Role.VENUE_ADMIN, UUID(hubei["id"]))
    ui.goto(f"/manage/venues/{hubei['id']}/booths")
    search = ui.page.locator("#booth-new-search")
    search.fill("北京")  # employers of another province: none has a booth here yet
    search.press("Enter")
    radio = ui.page.locator("#booth-new-employers input[type='radio']:not([disabled])").first
    employer_id = radio.get_attribute("value")
    name = ui.page.locator(f"label[for='{radio.get_attribute('id')}']").inner_text()
    radio.check()

    held: list[Any] = []
    ui.page.route("**/api/employers?verified=true&q=*", lambda route: held.append(route))
    search.fill(name)
    search.press("Enter")
    intro = ui.page.locator("#booth-new-intro")
    intro.fill("招聘软件工程师。")  # typed while the search is on its way
    for _ in range(100):  # the request reaches the route (held there) in its own time
        if held:
            break
        ui.page.wait_for_timeout(50)
    assert len(held) == 1
    held[0].continue_()
    announced(ui, zh("structure.venue_booths.found", count=1))
    chosen = ui.page.locator(f"#booth-new-employers input[value='{employer_id}']")
    assert chosen.is_checked()
    assert ui.focused()["id"] == "booth-new-intro"
    assert intro.input_value() == "招聘软件工程师。"


def test_one_booth_request_marks_every_bad_field_with_hours_closing_before_opening(
    ui: Ui, fair: dict[str, Any]
) -> None:
    employer = ui.server.get_json("/api/employers?limit=1")["items"][0]
    ui.sign_in(Role.EMPLOYER_ADMIN, UUID(employer["id"]))
    mine = f"/api/booths?employer={employer['id']}&limit=500"
    fetch = "async (path) => (await (await fetch(path)).json()).items"
    booths_before = ui.page.evaluate(fetch, mine)  # as its admin: requested ones too
    ui.goto(f"/manage/employers/{employer['id']}/booths")
    form = ui.page.locator("#booth-request")
    venue = venue_of(fair, employer["region_code"])
    form.locator("#booth-request-venue_id").select_option(venue["id"])

    # Too small a line, no slot length, and hours 17:00–09:00: one submit names them all.
    form.locator("#booth-request-capacity").fill("0")
    form.locator("#booth-request-slot_minutes").fill("")
    form.locator("#booth-request-hours-add").click()
    form.locator("#booth-request-hours-0-start").fill("17:00")
    form.locator("#booth-request-hours-0-end").fill("09:00")
    form.locator("#booth-request-submit").click()
    ui.page.wait_for_selector("#booth-request-summary:focus")
    ui.settle()

    def field(code: str) -> str:
        return text("errors", "zh-CN", f"errors.field.{code}")

    assert form.locator("#booth-request-capacity-error").inner_text() == field("out_of_range")
    assert form.locator("#booth-request-slot_minutes-error").inner_text() == field("required")
    assert form.locator("#booth-request-hours-0-end-error").inner_text() == field(
        "booth.hours_order"
    )
    assert form.locator('[aria-invalid="true"]').count() == 3
    assert ui.page.locator("#booth-request-summary li").count() == 3
    assert ui.page.evaluate(fetch, mine) == booths_before  # nothing was written
