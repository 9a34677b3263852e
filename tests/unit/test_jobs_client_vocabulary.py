"""The web client's copies of the jobs and candidates vocabularies match the server's.

The pages build their filters and editors from lists in client_web/components/
(job-card.js, job-text.js, people.js): a category, education level, key group,
application status or policy kind the server adds would otherwise never be offered,
and one it drops would be offered and refused. Every value also needs text in both
languages (the `jobs` catalogue), or the page falls back to "other".
"""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

import pytest

from server.api.applications import EMPLOYER_MOVES, Status
from server.domain.jobs import Category, Education, KeyGroup
from server.domain.policies import PolicyKind
from server.domain.profiles import KEY_GROUPS as CANDIDATE_KEY_GROUPS

COMPONENTS = Path(__file__).resolve().parents[2] / "client_web" / "components"
I18N = COMPONENTS.parent / "i18n"


def js_list(file: str, name: str) -> list[str]:
    """The string items of `export const NAME = [ … ];` in a component module."""
    source = (COMPONENTS / file).read_text(encoding="utf-8")
    match = re.search(rf"export const {name} = \[(.*?)\];", source, re.DOTALL)
    assert match, f"{file}: no `export const {name} = [...]`"
    return re.findall(r"'([^']*)'", match[1])


CASES = {
    "categories": (js_list("job-card.js", "CATEGORIES"), [c.value for c in Category]),
    "education": (js_list("job-text.js", "EDUCATION"), [e.value for e in Education]),
    "key groups": (js_list("job-text.js", "KEY_GROUPS"), [g.value for g in KeyGroup]),
    "statuses": (js_list("job-text.js", "APPLICATION_STATUSES"), list(typing.get_args(Status))),
    "employer moves": (js_list("job-text.js", "EMPLOYER_STATUSES"), sorted(EMPLOYER_MOVES)),
    "policy kinds": (js_list("job-text.js", "POLICY_KINDS"), [k.value for k in PolicyKind]),
}
# Where each value's text lives in the `jobs` catalogue.
PREFIXES = {
    "categories": "jobs.category.",
    "education": "jobs.education.",
    "key groups": "jobs.key_group.",
    "statuses": "jobs.application_status.",
    "employer moves": "jobs.application_status.",
    "policy kinds": "jobs.policy_kind.",
}


@pytest.mark.parametrize("vocabulary", sorted(CASES))
def test_the_client_offers_exactly_the_servers_values(vocabulary: str) -> None:
    client, server = CASES[vocabulary]
    if vocabulary == "employer moves":
        client = sorted(client)
    assert client == server


def test_a_candidates_key_groups_are_a_jobs_plus_other() -> None:
    assert [*js_list("job-text.js", "KEY_GROUPS"), "other"] == list(CANDIDATE_KEY_GROUPS)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_value_has_text(lang: str) -> None:
    catalogue = json.loads((I18N / f"jobs.{lang}.json").read_text(encoding="utf-8"))
    missing = [
        PREFIXES[vocabulary] + value
        for vocabulary, (_, server) in CASES.items()
        for value in server
        if PREFIXES[vocabulary] + value not in catalogue
    ]
    for group in CANDIDATE_KEY_GROUPS:
        if f"jobs.key_group.{group}" not in catalogue:
            missing.append(f"jobs.key_group.{group}")
    assert missing == []
