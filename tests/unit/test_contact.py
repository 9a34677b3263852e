"""Contacts are normalised (E.164, +86 by default; lower-case e-mail); weak passwords named."""

from __future__ import annotations

import pytest

from server.domain.contact import ContactError, parse_contact, password_problem


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("13800138000", "+8613800138000"),
        ("138 0013 8000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),
        ("+44 20 7946 0958", "+442079460958"),
        ("Zhang.San@Example.ORG", "zhang.san@example.org"),
    ],
)
def test_contacts_are_normalised(text: str, value: str) -> None:
    assert parse_contact(text).value == value


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("12345", "contact.bad_phone"),
        ("010 6512 3456", "contact.bad_phone"),  # a Beijing landline is not a mobile
        ("+86 128 0013 8000", "contact.bad_phone"),
        ("+1 23", "contact.bad_phone"),
        ("zhang@", "contact.bad_email"),
        ("zhang@example", "contact.bad_email"),
        ("notanemail", "contact.unrecognised"),  # neither: not called a bad phone number
        ("138 0013 800a", "contact.unrecognised"),
        ("", "contact.unrecognised"),
    ],
)
def test_bad_contacts_are_named(text: str, code: str) -> None:
    with pytest.raises(ContactError) as caught:
        parse_contact(text)
    assert caught.value.code == code


def test_masking_hides_the_middle() -> None:
    assert parse_contact("13800138000").masked() == "+86138****8000"
    assert parse_contact("zhang@example.org").masked() == "z***@example.org"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Ab1!", "password.too_short"),
        ("abcdefghij", "password.too_simple"),
        ("password123", "password.common"),
        ("woaini1314", "password.common"),
        ("13800138000x", "password.contains_identifier"),
        ("求职-2020-民企", None),
        ("Strong-pass-2020", None),
    ],
)
def test_password_strength(password: str, problem: str | None) -> None:
    assert password_problem(password, "+8613800138000") == problem
