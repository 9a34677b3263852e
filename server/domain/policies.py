"""The policy catalogue (政策清单): kinds, the notice's six fields, publication (pure).

The notice: 政策清单要明确对象范围、补贴标准、申领流程、受理机构、办理时限、政策依据。
Every policy has all six, in that order; pages show them under those headings.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class PolicyKind(StrEnum):
    EMPLOYER = "employer"  # 惠企: helps employers keep and add jobs (降、返、补)
    PEOPLE = "people"  # 惠民: helps workers find work or start a business


class PolicyStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


KIND_NAMES: Final[dict[PolicyKind, tuple[str, str]]] = {
    PolicyKind.EMPLOYER: ("惠企政策", "Employer-benefit policy"),
    PolicyKind.PEOPLE: ("惠民政策", "People-benefit policy"),
}

# (field, zh heading, en heading, longest length), in the notice's order.
FIELDS: Final[tuple[tuple[str, str, str, int], ...]] = (
    ("target_scope", "对象范围", "Target scope", 4000),
    ("subsidy_standard", "补贴标准", "Subsidy standard", 4000),
    ("procedure", "申领流程", "Application procedure", 4000),
    ("agency", "受理机构", "Accepting agency", 1000),
    ("time_limit", "办理时限", "Time limit", 1000),
    ("legal_basis", "政策依据", "Legal basis", 4000),
)
FIELD_NAMES: Final = tuple(name for name, *_ in FIELDS)
TITLE_MAX: Final = 200
