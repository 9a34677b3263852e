"""Job vocabulary: salary ranges or 面议, the education ladder, categories and groups."""

from __future__ import annotations

import pytest

from scheduler.sessions import KeyGroup as SessionKeyGroup
from server.domain.jobs import (
    CATEGORY_NAMES,
    EDUCATION_LADDER,
    EDUCATION_NAMES,
    Category,
    Education,
    KeyGroup,
    Salary,
    SalaryError,
    open_to,
)
from server.domain.policies import FIELDS, KIND_NAMES, PolicyKind


def test_a_salary_is_a_monthly_range_or_negotiable() -> None:
    assert Salary.of(False, 6000, 9000).label_zh() == "6000-9000元/月"
    assert Salary.of(False, 6000, 6000).label_zh() == "6000-6000元/月"
    assert Salary.of(True, None, None).label_zh() == "面议"


@pytest.mark.parametrize(
    ("negotiable", "low", "high"),
    [
        (False, 9000, 6000),  # upside down
        (False, None, 6000),  # half a range
        (False, 6000, None),
        (False, None, None),  # nothing, and not negotiable
        (True, 6000, 9000),  # negotiable with amounts
        (False, 0, 5000),
        (False, 5000, 2_000_000),
    ],
)
def test_impossible_salaries_are_refused_with_one_code(
    negotiable: bool, low: int | None, high: int | None
) -> None:
    with pytest.raises(SalaryError) as refused:
        Salary.of(negotiable, low, high)
    assert refused.value.code == "job.salary_range"


def test_the_education_ladder_runs_from_any_to_doctorate() -> None:
    assert EDUCATION_LADDER[0] is Education.ANY
    assert EDUCATION_LADDER[-1] is Education.DOCTORATE
    assert EDUCATION_NAMES[Education.ASSOCIATE][0] == "大专"
    assert set(EDUCATION_NAMES) == set(Education)


def test_a_candidate_meets_every_requirement_up_to_their_level() -> None:
    assert open_to(Education.ANY) == (Education.ANY,)
    assert open_to(Education.BACHELOR) == (
        Education.ANY,
        Education.JUNIOR_MIDDLE,
        Education.SENIOR_HIGH,
        Education.SECONDARY_VOCATIONAL,
        Education.ASSOCIATE,
        Education.BACHELOR,
    )
    assert Education.MASTER not in open_to(Education.BACHELOR)


def test_every_category_has_chinese_and_english_names() -> None:
    assert set(CATEGORY_NAMES) == set(Category)
    assert all(zh and en for zh, en in CATEGORY_NAMES.values())


def test_jobs_and_featured_sessions_target_the_same_key_groups() -> None:
    assert SessionKeyGroup is KeyGroup


def test_a_policy_has_the_notices_six_fields_in_order() -> None:
    assert [zh for _, zh, _, _ in FIELDS] == [
        "对象范围", "补贴标准", "申领流程", "受理机构", "办理时限", "政策依据",
    ]  # fmt: skip
    assert KIND_NAMES[PolicyKind.EMPLOYER][0] == "惠企政策"
    assert KIND_NAMES[PolicyKind.PEOPLE][0] == "惠民政策"
