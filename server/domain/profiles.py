"""Candidate profiles: vocabularies, the key-group consent rule, and what a recruiter
may see of a candidate (pure).

Key groups are sensitive personal information (PIPL art. 28–29): they are stored only
with a separate consent (its time recorded), and reach a recruiter only when the
candidate ticks ``share_key_groups``. Contact details reach a recruiter only with
``show_contact``; the assessment only with its own ``share_with_recruiters``. Nothing
of a profile is ever public.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from server.domain.jobs import Education, KeyGroup

# A person always has a rung; ``any`` is only a job's requirement.
EDUCATION: Final[tuple[str, ...]] = tuple(e.value for e in Education if e is not Education.ANY)
KEY_GROUPS: Final[tuple[str, ...]] = (*(g.value for g in KeyGroup), "other")


class ConsentMissing(ValueError):
    code = "profile.key_group_consent"


def key_groups_to_store(groups: list[str], consent: bool) -> list[str]:
    """Key groups need the separate consent; withdrawing it clears them."""
    if groups and not consent:
        raise ConsentMissing("declaring a key group needs the separate consent")
    return sorted(set(groups), key=KEY_GROUPS.index) if consent else []


def recruiter_card(
    profile: Mapping[str, Any] | None,
    assessment: Mapping[str, Any] | None,
    *,
    account_id: Any,
    fallback_name: str,
) -> dict[str, Any]:
    """What a recruiter with a reason to look (an application, a ticket) sees."""
    card: dict[str, Any] = {
        "account_id": account_id,
        "name": fallback_name,
        "region_code": None,
        "education": None,
        "graduation_year": None,
        "desired_jobs": [],
    }
    if profile is not None:
        card.update(
            name=profile["name"],
            region_code=profile["region_code"],
            education=profile["education"],
            graduation_year=profile["graduation_year"],
            desired_jobs=list(profile["desired_jobs"]),
        )
        if profile["show_contact"]:
            card.update(phone=profile["phone"], email=profile["email"])
        if profile["share_key_groups"] and profile["key_groups"]:
            card["key_groups"] = list(profile["key_groups"])
    if assessment is not None and assessment["share_with_recruiters"]:
        card["assessment"] = {"code": assessment["code"], "scores": dict(assessment["scores"])}
    return card
