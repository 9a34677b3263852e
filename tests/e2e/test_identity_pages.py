"""Signing up, in and out in real Chromium: the sign-up form with its development code,
field errors from the API's codes in both languages, the keyboard alone, and the list of
sessions with revoking another browser.

Every page is also checked by the harness (conftest.py): axe-core, raw keys, console.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from server.domain.principal import Role
from tests.e2e.conftest import DESKTOP, PHONE, Ui
from tests.helpers import PASSWORD

if TYPE_CHECKING:
    pass

pytestmark = pytest.mark.chromium

CATALOGUES = Path(__file__).resolve().parents[2] / "client_web" / "i18n"


def text(feature: str, lang: str, key: str, **params: object) -> str:
    """A catalogue string as the page shows it, placeholders filled in."""
    catalogue = json.loads((CATALOGUES / f"{feature}.{lang}.json").read_text(encoding="utf-8"))
    value: str = catalogue[key]
    for name, param in params.items():
        value = value.replace("{" + name + "}", str(param))
    return value


def heading(ui: Ui) -> str:
    return ui.page.locator("main h1").inner_text().strip()


def new_contact() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}@example.org"


def request_code(ui: Ui, contact: str) -> str:
    """Step 1 of the sign-up form; returns the development code the page shows."""
    ui.page.get_by_role("textbox", name=text("identity", ui.lang, "identity.contact.label")).fill(
        contact
    )
    ui.page.locator("#signup-contact-submit").click()
    return ui.page.locator("#dev-code").inner_text().strip()


def screenshots(ui: Ui, label: str) -> None:
    """Screenshots at both widths, named <test>-<label>-<width>.png; back to the desktop."""
    name = ui.test_name
    ui.test_name = f"{name}-{label}"
    try:
        for width in (DESKTOP, PHONE):
            ui.resize(width)
            ui.screenshot()
    finally:
        ui.test_name = name
    ui.resize(DESKTOP)


def wait_for_path(ui: Ui, path: str) -> None:
    """Wait until the app has moved to ``path`` (not a query that mentions it) and settle."""
    ui.page.wait_for_url(lambda url: urlsplit(url).path == path)
    ui.settle()


def field_error(ui: Ui, control_id: str) -> str:
    return ui.page.locator(f"#{control_id}-error").inner_text().strip()


def test_sign_up_by_keyboard_alone_with_the_development_code(ui: Ui) -> None:
    ui.goto("/signup")
    assert heading(ui) == text("identity", "zh-CN", "identity.signup.title")

    ui.tab_to("#signup-contact-destination")
    ui.page.keyboard.type(new_contact())
    ui.page.keyboard.press("Enter")
    code = ui.page.locator("#dev-code")
    code.wait_for()
    assert ui.page.locator("#dev-code-title").inner_text() == text(
        "identity", "zh-CN", "identity.signup.dev_code_title"
    )
    assert "开发环境验证码" in ui.page.locator("#dev-code-title").inner_text()
    assert ui.focused()["id"] == "signup-details-code", "focus moves to the code field"
    assert "北京时间" in ui.page.locator("main").inner_text()  # the code's expiry, fair time

    ui.page.keyboard.type(code.inner_text().strip())
    ui.page.keyboard.press("Tab")
    assert ui.focused()["id"] == "signup-details-display_name"
    ui.page.keyboard.type("键盘用户")
    ui.page.keyboard.press("Tab")
    assert ui.focused()["id"] == "signup-details-password"
    ui.page.keyboard.type("Kb-only-2020")
    rules = ui.page.locator("#signup-password-rules li[data-met='true']")
    assert rules.count() == 3  # length, kinds, not the contact ("common" is the server's)
    screenshots(ui, "password")
    ui.page.keyboard.press("Enter")

    wait_for_path(ui, "/account")
    assert heading(ui) == text("identity", "zh-CN", "identity.account.title")
    assert ui.focused()["tag"] == "h1"
    assert ui.page.locator("#notices").inner_text() == text(
        "identity", "zh-CN", "identity.signup.welcome", name="键盘用户"
    )
    assert ui.page.locator("lf-account-link").inner_text().strip().endswith("键盘用户")


def test_sign_up_field_errors_come_from_the_api_codes_in_both_languages(ui: Ui) -> None:
    ui.goto("/signup")
    request_code_button = ui.page.locator("#signup-contact-submit")

    # Letters without "@" are no phone number: the message says what is accepted.
    ui.page.locator("#signup-contact-destination").fill("notanemail")
    request_code_button.click()
    ui.page.locator("#signup-contact-destination-error").wait_for()
    assert field_error(ui, "signup-contact-destination") == text(
        "errors", "zh-CN", "errors.field.contact.unrecognised"
    )

    ui.page.locator("#signup-contact-destination").fill("138 0013")
    request_code_button.click()
    ui.page.wait_for_function(
        "(t) => document.getElementById('signup-contact-destination-error')?.textContent === t",
        arg=text("errors", "zh-CN", "errors.field.contact.bad_phone"),
    )
    assert field_error(ui, "signup-contact-destination") == text(
        "errors", "zh-CN", "errors.field.contact.bad_phone"
    )
    assert ui.focused()["id"] == "signup-contact-summary", "the summary takes focus"
    assert ui.page.locator("#signup-contact-destination").get_attribute("aria-invalid") == "true"

    ui.page.locator(".language-switch").click()  # the error follows the language
    ui.page.wait_for_function("() => document.documentElement.lang === 'en'")
    ui.settle()
    assert field_error(ui, "signup-contact-destination") == text(
        "errors", "en", "errors.field.contact.bad_phone"
    )

    code = request_code(ui, new_contact())
    details = ui.page.locator("#signup-details-submit")
    ui.page.locator("#signup-details-display_name").fill("Errors")
    expectations = [
        ("short1!", "000000", "signup-details-password", "password.too_short"),
        ("abcdefghij", "000000", "signup-details-password", "password.too_simple"),
        ("Long-enough-2020", "000000", "signup-details-code", "code.wrong"),
    ]
    for password, typed_code, control, code_name in expectations:
        ui.page.locator("#signup-details-password").fill(password)
        ui.page.locator("#signup-details-code").fill(typed_code)
        details.click()
        expected = text("errors", "en", f"errors.field.{code_name}")
        ui.page.wait_for_function(
            "([id, expected]) => document.getElementById(id + '-error')?.textContent === expected",
            arg=[control, expected],
        )
    screenshots(ui, "errors")  # axe checks the errors at each width

    ui.page.locator(".language-switch").click()
    ui.page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    ui.settle()
    assert field_error(ui, "signup-details-code") == text(
        "errors", "zh-CN", "errors.field.code.wrong"
    )
    assert ui.page.locator("#signup-details-summary a").inner_text() == text(
        "shell",
        "zh-CN",
        "shell.form.item",
        label=text("identity", "zh-CN", "identity.signup.code"),
        message=text("errors", "zh-CN", "errors.field.code.wrong"),
    )

    ui.page.locator("#signup-details-code").fill(code)  # the right code still works
    details.click()
    wait_for_path(ui, "/account")


def test_sessions_list_revokes_another_browser_and_signs_out(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    me = ui.sign_in(Role.CANDIDATE)
    phone = another_ui("phone")
    phone.goto("/login?next=/account")
    phone.page.get_by_role(
        "textbox", name=text("identity", "zh-CN", "identity.contact.label")
    ).fill(me["email"])
    phone.page.get_by_label(text("identity", "zh-CN", "identity.password.label"), exact=True).fill(
        PASSWORD
    )
    phone.page.locator("#login-submit").click()
    wait_for_path(phone, "/account")
    assert phone.page.locator("#session-list > li").count() == 2

    ui.goto("/account")
    sessions = ui.page.locator("#session-list > li")
    assert sessions.count() == 2
    current = ui.page.locator(
        "#session-list > li", has_text=text("identity", "zh-CN", "identity.sessions.current")
    )
    assert current.count() == 1
    assert "北京时间" in current.inner_text()
    screenshots(ui, "sessions")

    other = ui.page.locator("#session-list > li:not(:has(.badge))")
    other.get_by_role("button", name=text("identity", "zh-CN", "identity.sessions.revoke")).click()
    ui.page.wait_for_function("() => document.querySelectorAll('#session-list > li').length === 1")
    assert ui.focused()["id"] == "account-sessions"
    assert "已撤销" in ui.page.locator("#notices").inner_text()

    phone.reload()  # the revoked browser is signed out
    assert phone.page.locator("[data-sign-in-prompt]").count() == 1
    assert phone.page.locator("lf-account-link").inner_text().strip() == text(
        "shell", "zh-CN", "shell.account.sign_in"
    )

    ui.page.locator("#account-sign-out").click()
    wait_for_path(ui, "/")
    assert ui.page.locator("#notices").inner_text() == text(
        "identity", "zh-CN", "identity.account.signed_out"
    )
    assert ui.page.locator("lf-account-link").inner_text().strip() == text(
        "shell", "zh-CN", "shell.account.sign_in"
    )
    assert ui.page.evaluate("async () => (await import('/session.js')).roles()") == []


def test_a_forgotten_password_is_reset_with_a_code_and_other_browsers_are_signed_out(
    ui: Ui, another_ui: Callable[[str], Ui]
) -> None:
    contact = new_contact()
    ui.goto("/signup")
    code = request_code(ui, contact)
    ui.page.locator("#signup-details-code").fill(code)
    ui.page.locator("#signup-details-display_name").fill("健忘的人")
    ui.page.locator("#signup-details-password").fill("First-pass-2020")
    ui.page.locator("#signup-details-submit").click()
    wait_for_path(ui, "/account")

    # Elsewhere, the password forgotten: from the sign-in page to a new one (two minutes
    # on, as the server counts: one code a minute goes to a contact).
    clock = ui.server.clock_file
    ahead = float(clock.read_text()) if clock is not None and clock.exists() else 0.0
    ui.server.advance_clock(datetime.now(UTC) + timedelta(seconds=ahead + 120))
    other = another_ui("forgetful")
    other.goto("/login")
    other.page.locator("#login-forgot").click()
    wait_for_path(other, "/reset-password")
    assert heading(other) == text("identity", "zh-CN", "identity.reset.title")
    label = text("identity", "zh-CN", "identity.contact.label")
    other.page.get_by_role("textbox", name=label).fill(contact)
    other.page.locator("#reset-contact-submit").click()
    dev_code = other.page.locator("#dev-code")
    dev_code.wait_for()
    assert other.focused()["id"] == "reset-details-code"
    assert other.page.locator("#reset-details-display_name").count() == 0  # no name here
    other.page.keyboard.type(dev_code.inner_text().strip())
    other.page.locator("#reset-details-password").fill("Second-pass-2021")
    other.settle()
    other.page.locator("#reset-details-submit").click()
    wait_for_path(other, "/account")
    assert other.page.locator("#notices").inner_text() == text(
        "identity", "zh-CN", "identity.reset.done", name="健忘的人"
    )

    # The first browser's session ended with the old password; the new one signs in.
    status = "async () => (await fetch('/api/me')).status"
    assert ui.page.evaluate(status) == 401
    for password, status in (("First-pass-2020", 401), ("Second-pass-2021", 200)):
        body = {"identifier": contact, "password": password, "client": "api"}
        request = urllib.request.Request(
            f"{ui.server.url}/api/auth/login",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                answered = response.status
        except urllib.error.HTTPError as refused:
            answered = refused.code
        assert answered == status, password
