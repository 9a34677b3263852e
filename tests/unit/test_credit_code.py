"""Unified social credit codes (GB 32100-2015): literal vectors, and typos caught."""

from __future__ import annotations

import pytest

from server.domain.credit_code import (
    ALPHABET,
    WEIGHTS,
    CreditCodeError,
    check_character,
    is_credit_code,
    make_credit_code,
    organisation_check,
    parse_credit_code,
)

# Computed for these tests (no real organisation is meant), except the last: the
# example printed in GB 32100-2015 itself.
VALID = [
    "91110108MA01ABCD0B",  # enterprise (9/1), Haidian, Beijing — worked through below
    "92420106MA4K8X700K",  # individual business (9/2), Wuchang, Wuhan
    "52310115MJ12345675",  # private non-enterprise unit (5/2), Pudong, Shanghai
    "12100000400001230J",  # public institution (1/2), national level
    "Y1650102MA77RT300U",  # other authority (Y/1), Urumqi
    "93440305MA5G0QW008",  # farmers' co-operative (9/3), Nanshan, Shenzhen
    "91350100M000100Y43",
]


def test_the_weights_are_powers_of_three_modulo_31() -> None:
    assert len(ALPHABET) == 31
    assert not set("IOZSV") & set(ALPHABET)
    assert [pow(3, i, 31) for i in range(17)] == list(WEIGHTS)


def test_a_check_character_worked_by_hand() -> None:
    # 9·1 + 1·3 + 1·9 + 1·27 + 0·19 + 1·26 + 0·16 + 8·17 + M(21)·20 + A(10)·29 + 0·25
    # + 1·13 + A(10)·8 + B(11)·24 + C(12)·10 + D(13)·30 + 0·28 = 1787; 1787 mod 31 = 20;
    # 31 − 20 = 11, which is B.
    assert check_character("91110108MA01ABCD0") == "B"


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_parse_into_their_parts(code: str) -> None:
    parsed = parse_credit_code(code)
    assert parsed.value == code
    assert parsed.authority + parsed.institution_type + parsed.region == code[:8]
    assert parsed.organisation_code == code[8:17]


@pytest.mark.parametrize("code", VALID)
def test_any_one_character_changed_is_caught(code: str) -> None:
    for position in range(18):
        for replacement in ALPHABET:
            if replacement == code[position]:
                continue
            typo = code[:position] + replacement + code[position + 1 :]
            assert not is_credit_code(typo), typo


@pytest.mark.parametrize("code", VALID)
def test_two_neighbours_swapped_are_caught(code: str) -> None:
    for position in range(17):
        a, b = code[position], code[position + 1]
        if a != b:
            swapped = code[:position] + b + a + code[position + 2 :]
            assert not is_credit_code(swapped), swapped


def test_people_may_type_lower_case_spaces_and_hyphens() -> None:
    assert parse_credit_code(" 9111 0108-ma01 abcd 0b ").value == "91110108MA01ABCD0B"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "length"),
        ("91110108MA01ABCD0", "length"),
        ("91110108MA01ABCD0BB", "length"),
        ("91110108MA01ABCDOB", "character"),  # the letter O, not zero
        ("91110108MA01ABCDIB", "character"),
        ("91110108MA01ABCD0？", "character"),
        ("B1110108MA01ABCD0B", "authority"),
        ("94110108MA01ABCD0B", "type"),  # market regulation issues only types 1, 2, 3
        ("Y2110108MA01ABCD0B", "type"),
        ("91990108MA01ABCD0B", "region"),
        ("911A0108MA01ABCD0B", "region"),
        ("91110108MA01ABCD0C", "check"),
    ],
)
def test_each_kind_of_mistake_is_named(text: str, reason: str) -> None:
    with pytest.raises(CreditCodeError) as caught:
        parse_credit_code(text)
    assert caught.value.reason == reason


def test_made_codes_are_valid_and_the_organisation_check_follows_gb_11714() -> None:
    assert organisation_check("55138508") == "2"  # an organisation code in wide circulation
    body = "MA000001"
    code = make_credit_code("9", "1", "110100", body + organisation_check(body))
    assert is_credit_code(code)
    with pytest.raises(CreditCodeError):
        make_credit_code("9", "9", "110100", "MA0000010")
