"""The career assessment: the shipped item bank is whole and attributed, answers score
into a three-letter RIASEC code, and bad answers are named one by one."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from server.domain.assessment import (
    DIMENSIONS,
    AnswersInvalid,
    Bank,
    parse_bank,
    score,
    suggested_categories,
)
from server.domain.jobs import Category


def shipped() -> Bank:
    text = resources.files("server").joinpath("data/assessment/riasec.json").read_text("utf-8")
    return parse_bank(json.loads(text), frozenset(c.value for c in Category))


def answers_with(bank: Bank, by_dimension: dict[str, int]) -> dict[str, int]:
    return {item.id: by_dimension.get(item.dimension, 1) for item in bank.items}


def test_the_bank_has_60_translated_items_10_per_dimension_and_names_its_source() -> None:
    bank = shipped()
    assert len(bank.items) == 60
    assert all(sum(i.dimension == d for i in bank.items) == 10 for d in DIMENSIONS)
    assert bank.items[0].en == "Build kitchen cabinets"
    assert bank.items[0].zh == "制作厨房橱柜"
    attribution = bank.document["attribution"]
    assert "O*NET Interest Profiler Short Form" in attribution["en"]
    assert attribution["license"] == "CC-BY-4.0"
    assert "O*NET" in attribution["zh"]


def test_every_dimension_suggests_existing_job_categories() -> None:
    bank = shipped()
    assert all(bank.categories[d] for d in DIMENSIONS)


def test_a_map_naming_an_unknown_category_is_refused() -> None:
    document = dict(shipped().document)
    document["categories"] = {**document["categories"], "R": ["spaceflight"]}
    with pytest.raises(ValueError, match="spaceflight"):
        parse_bank(document, frozenset(c.value for c in Category))


def test_a_bank_with_too_few_items_is_refused() -> None:
    document = dict(shipped().document)
    document["items"] = document["items"][:24]
    with pytest.raises(ValueError, match="at least 30"):
        parse_bank(document, None)


def test_strongest_interests_make_the_code_and_scores_run_0_to_40() -> None:
    bank = shipped()
    result = score(bank, answers_with(bank, {"S": 5, "E": 4, "C": 3}))
    assert result.code == "SEC"
    assert result.scores == {"R": 0, "I": 0, "A": 0, "S": 40, "E": 30, "C": 20}
    assert bank.max_score == 40


def test_ties_are_broken_in_riasec_order() -> None:
    bank = shipped()
    assert score(bank, answers_with(bank, dict.fromkeys(DIMENSIONS, 3))).code == "RIA"
    assert score(bank, answers_with(bank, {"C": 5, "A": 5, "I": 5})).code == "IAC"


def test_missing_unknown_and_out_of_scale_answers_are_each_named() -> None:
    bank = shipped()
    answers = answers_with(bank, {})
    del answers["r01"]
    answers["i01"] = 6
    answers["x99"] = 3
    with pytest.raises(AnswersInvalid) as caught:
        score(bank, answers)
    assert set(caught.value.errors) == {
        ("r01", "required"),
        ("i01", "out_of_range"),
        ("x99", "unknown_field"),
    }


def test_suggested_categories_follow_the_code_without_repeats() -> None:
    bank = shipped()
    categories = suggested_categories(bank, "SEC")
    assert categories[0] == bank.categories["S"][0]
    assert len(categories) == len(set(categories))
    assert set(bank.categories["C"]) <= set(categories)
