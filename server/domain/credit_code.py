"""The unified social credit code (统一社会信用代码, GB 32100-2015) of an employer (pure).

Eighteen characters from a 31-character alphabet (digits and upper-case letters
without I, O, Z, S and V)::

    9 1 110108 55138508 2 Q
    │ │ │      │        │ └─ 18: check character over positions 1–17
    │ │ │      └────────┴─── 9–17: organisation code (GB 11714), with its own check
    │ │ └───────────────────  3–8: administrative division (GB/T 2260) of the registrar
    │ └─────────────────────    2: type of institution, per registration authority
    └───────────────────────    1: registration authority (9 = market regulation)

:func:`parse_credit_code` checks the length, the alphabet, the authority/type pair,
the region's shape and province, and the check character: weights 3^(i−1) mod 31
(1, 3, 9, 27, 19, 26, …) over the first 17 characters' values, check value
(31 − Σ mod 31) mod 31. The organisation code's own GB 11714 check is *not* enforced:
some registrars issued codes whose positions 9–17 do not satisfy it, and refusing a
real employer is worse than accepting a typo that the 18th character already catches
in all but 1 of 31 cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH: Final = 18
_VALUE: Final = {char: value for value, char in enumerate(ALPHABET)}

# Registration authority (position 1) -> the institution types (position 2) it issues.
# GB 32100-2015 Table 1, with the authorities its amendment added (2, 3, 4, 6, 7, 8, A, N).
TYPES: Final[dict[str, dict[str, str]]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "2": {"1": "外国常驻新闻机构", "9": "其他"},
    "3": {
        "1": "律师执业机构",
        "2": "外国律师事务所驻华代表机构",
        "3": "司法鉴定机构",
        "4": "仲裁委员会",
        "5": "公证处",
        "6": "基层法律服务所",
        "9": "其他",
    },
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "6": {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地代表机构", "9": "其他"},
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "其他"},
}

# First two digits of the GB/T 2260 provincial divisions; "10" is the national level
# (central registrars use 100000).
PROVINCE_PREFIXES: Final = frozenset(
    [
        "10",
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)


class CreditCodeError(ValueError):
    """Why a text is not a valid code: ``reason`` is one of ``length``, ``character``,
    ``authority``, ``type``, ``region`` or ``check``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class CreditCode:
    value: str

    @property
    def authority(self) -> str:
        return self.value[0]

    @property
    def institution_type(self) -> str:
        return self.value[1]

    @property
    def region(self) -> str:
        """The registrar's six-digit administrative division."""
        return self.value[2:8]

    @property
    def organisation_code(self) -> str:
        return self.value[8:17]

    def __str__(self) -> str:
        return self.value


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must be in :data:`ALPHABET`)."""
    if len(first17) != LENGTH - 1:
        raise ValueError("expected 17 characters")
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(text: str) -> str:
    """Upper-case, without surrounding blanks or the spaces and hyphens people type."""
    return "".join(text.split()).replace("-", "").upper()


def parse_credit_code(text: str) -> CreditCode:
    """Validate a code (after :func:`normalise`); raise :class:`CreditCodeError` if invalid."""
    code = normalise(text)
    if len(code) != LENGTH:
        raise CreditCodeError("length", f"a credit code has {LENGTH} characters, not {len(code)}")
    bad = sorted({char for char in code if char not in _VALUE})
    if bad:
        raise CreditCodeError(
            "character", f"not allowed in a credit code: {''.join(bad)} (no I, O, Z, S or V)"
        )
    types = TYPES.get(code[0])
    if types is None:
        raise CreditCodeError("authority", f"{code[0]} is not a registration authority code")
    if code[1] not in types:
        raise CreditCodeError(
            "type", f"{code[1]} is not an institution type of registration authority {code[0]}"
        )
    region = code[2:8]
    if not region.isdigit() or region[:2] not in PROVINCE_PREFIXES:
        raise CreditCodeError("region", f"{region} is not an administrative division code")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError("check", "the check character does not match: a typo?")
    return CreditCode(code)


def is_credit_code(text: str) -> bool:
    try:
        parse_credit_code(text)
    except CreditCodeError:
        return False
    return True


def make_credit_code(authority: str, institution_type: str, region: str, organisation: str) -> str:
    """A valid code from its parts (for fixtures and the demo): appends the check character."""
    first17 = f"{authority}{institution_type}{region}{organisation}"
    code = first17 + check_character(first17)
    parse_credit_code(code)
    return code


def organisation_check(body: str) -> str:
    """GB 11714's check character for an 8-character organisation-code body (demo data)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(
        (int(char) if char.isdigit() else ord(char) - 55) * w
        for char, w in zip(body, weights, strict=True)
    )
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)
