"""Profile rules: key groups need their own consent, a recruiter's card holds contact,
key groups and the assessment only as the candidate chose, and the database accepts
exactly the vocabularies the API does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from server.domain.profiles import (
    EDUCATION,
    KEY_GROUPS,
    ConsentMissing,
    key_groups_to_store,
    recruiter_card,
)

MIGRATION = (
    Path(__file__).resolve().parents[2] / "server/store/migrations/0012_people_candidates.sql"
)


def profile(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "林晓",
        "phone": "+8613800138000",
        "email": "lin@example.org",
        "region_code": "350000",
        "education": "bachelor",
        "graduation_year": 2020,
        "desired_jobs": ["会计"],
        "key_groups": ["graduates"],
        "show_contact": False,
        "share_key_groups": False,
        **overrides,
    }


def test_key_groups_without_consent_are_refused_and_withdrawal_clears_them() -> None:
    with pytest.raises(ConsentMissing):
        key_groups_to_store(["laid_off"], consent=False)
    assert key_groups_to_store([], consent=False) == []
    assert key_groups_to_store(["other", "graduates", "other"], consent=True) == [
        "graduates",
        "other",
    ]


def test_a_recruiter_card_hides_contact_key_groups_and_assessment_by_default() -> None:
    card = recruiter_card(
        profile(),
        {"code": "SEC", "scores": {"S": 30}, "share_with_recruiters": False},
        account_id=uuid4(),
        fallback_name="",
    )
    assert card["name"] == "林晓"
    assert not {"phone", "email", "key_groups", "assessment"} & card.keys()


def test_a_recruiter_card_shows_what_the_candidate_shares() -> None:
    card = recruiter_card(
        profile(show_contact=True, share_key_groups=True),
        {"code": "SEC", "scores": {"S": 30}, "share_with_recruiters": True},
        account_id=uuid4(),
        fallback_name="",
    )
    assert (card["phone"], card["email"]) == ("+8613800138000", "lin@example.org")
    assert card["key_groups"] == ["graduates"]
    assert card["assessment"] == {"code": "SEC", "scores": {"S": 30}}


def test_without_a_profile_the_card_is_the_account_name_only() -> None:
    card = recruiter_card(None, None, account_id=uuid4(), fallback_name="测试用户")
    assert (card["name"], card["education"], card["desired_jobs"]) == ("测试用户", None, [])


def _sql_values(column: str) -> set[str]:
    sql = MIGRATION.read_text(encoding="utf-8")
    table = sql[sql.index("CREATE TABLE candidate_profiles") :]
    match = re.search(rf"\n\s+{column}\s.*?(?:\)\),|\]::text\[\]\))", table, re.S)
    assert match is not None
    return set(re.findall(r"'([a-z_0-9]+)'", match.group(0)))


def test_the_database_accepts_exactly_the_apis_vocabularies() -> None:
    assert _sql_values("education") == set(EDUCATION)
    assert _sql_values("key_groups") == set(KEY_GROUPS)
