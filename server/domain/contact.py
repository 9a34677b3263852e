"""Contact identifiers: mobile numbers in E.164 (+86 by default) and e-mail addresses (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

CHINA_MOBILE = re.compile(r"^\+861[3-9]\d{9}$")
E164 = re.compile(r"^\+[1-9]\d{7,14}$")
PHONE_CHARACTERS = re.compile(r"^\+?[0-9]+$")
EMAIL = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


@dataclass(frozen=True, slots=True)
class Contact:
    kind: Literal["phone", "email"]
    value: str  # normalised: E.164 or lower-cased e-mail

    def masked(self) -> str:
        """For logs and screens: +86 138****8000, z***@example.org."""
        if self.kind == "phone":
            return self.value[:6] + "****" + self.value[-4:]
        local, _, domain = self.value.partition("@")
        return local[:1] + "***@" + domain


class ContactError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_contact(text: str) -> Contact:
    """Normalise a phone number or e-mail; raise :class:`ContactError` if it is neither.

    Phone numbers without a country code are Chinese (+86); Chinese numbers must be
    mobile numbers (1[3-9] and 9 more digits). Text without "@" that is not made of
    digits (after spaces, dashes and brackets) is neither: ``contact.unrecognised``.
    """
    raw = text.strip()
    if "@" in raw:
        if len(raw) > 254 or not EMAIL.match(raw):
            raise ContactError("contact.bad_email", "not a valid e-mail address")
        local, _, domain = raw.partition("@")
        return Contact("email", f"{local}@{domain}".lower())
    digits = re.sub(r"[\s\-()]", "", raw)
    if not PHONE_CHARACTERS.match(digits):
        # "notanemail" is no attempt at a phone number: say what is accepted.
        raise ContactError("contact.unrecognised", "neither an e-mail address nor a phone number")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+"):
        digits = "+86" + digits
    if digits.startswith("+86"):
        if not CHINA_MOBILE.match(digits):
            raise ContactError("contact.bad_phone", "not a valid mainland China mobile number")
    elif not E164.match(digits):
        raise ContactError("contact.bad_phone", "not a valid international phone number")
    return Contact("phone", digits)


COMMON_PASSWORDS = frozenset(
    [
        "password",
        "password1",
        "password123",
        "12345678",
        "123456789",
        "1234567890",
        "11111111",
        "88888888",
        "qwerty123",
        "qwertyuiop",
        "abc12345",
        "abcd1234",
        "a1234567",
        "iloveyou",
        "woaini1314",
        "1q2w3e4r",
        "zxcvbnm123",
        "00000000",
        "66666666",
        "admin123",
        "passw0rd",
        "welcome1",
        "letmein1",
        "aa123456",
    ]
)


def password_problem(password: str, identifier: str = "") -> str | None:
    """The code of what makes a password too weak, or None.

    At least 8 characters, at least two kinds (letters, digits, symbols), not a
    well-known password and not the account's own phone number or e-mail.
    """
    if len(password) < 8:
        return "password.too_short"
    if len(password) > 256:
        return "password.too_long"
    kinds = sum(
        (
            any(c.isalpha() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if kinds < 2:
        return "password.too_simple"
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS:
        return "password.common"
    ident = identifier.lower().lstrip("+")
    variants = {ident, ident.partition("@")[0]}
    if ident.isdigit():
        variants.add(ident[-11:])  # the national number, without the country code
    if any(v and len(v) >= 4 and (v in lowered or lowered in v) for v in variants):
        return "password.contains_identifier"
    return None
