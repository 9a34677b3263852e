"""The career assessment (职业测评): a RIASEC interest questionnaire, scored (pure).

The item bank is a data file (server/data/assessment/riasec.json: the O*NET Interest
Profiler Short Form, CC BY 4.0, with our Chinese translation); :func:`parse_bank` checks
it once at start-up. Each answer is 1 (strongly dislike) … 5 (strongly like); a
dimension's score is the sum of (answer − 1) over its items, so with the Short Form's
10 items per dimension it runs 0–40 as in O*NET's own scoring. The three-letter code is
the three highest dimensions; ties are broken in RIASEC order, so the same answers
always give the same code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

DIMENSIONS: Final = ("R", "I", "A", "S", "E", "C")
MIN_ITEMS: Final = 30
SCALE: Final = (1, 2, 3, 4, 5)


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    dimension: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Bank:
    id: str
    version: int
    items: tuple[Item, ...]
    categories: Mapping[str, tuple[str, ...]]  # dimension -> job categories, best first
    document: Mapping[str, Any]  # the file as read, for rendering

    @property
    def max_score(self) -> int:
        per_dimension = len(self.items) // len(DIMENSIONS)
        return per_dimension * (SCALE[-1] - SCALE[0])


@dataclass(frozen=True, slots=True)
class Scored:
    code: str
    scores: dict[str, int]


class AnswersInvalid(ValueError):
    """Answers that do not fit the bank: ``errors`` are (item id, code) pairs."""

    def __init__(self, errors: Sequence[tuple[str, str]]) -> None:
        super().__init__(f"{len(errors)} invalid answers")
        self.errors = tuple(errors)


def parse_bank(document: Mapping[str, Any], known_categories: frozenset[str] | None) -> Bank:
    """Check the bank file: enough items, balanced dimensions, unique ids, translations,
    and (when ``known_categories`` is given) only job categories that exist."""
    items = tuple(
        Item(str(raw["id"]), str(raw["dimension"]), str(raw["zh"]), str(raw["en"]))
        for raw in document["items"]
    )
    if len(items) < MIN_ITEMS:
        raise ValueError(f"an assessment needs at least {MIN_ITEMS} items, not {len(items)}")
    if len({item.id for item in items}) != len(items):
        raise ValueError("item ids repeat")
    counts = {d: sum(item.dimension == d for item in items) for d in DIMENSIONS}
    if {item.dimension for item in items} - set(DIMENSIONS) or len(set(counts.values())) != 1:
        raise ValueError(f"items must cover R, I, A, S, E, C equally: {counts}")
    if any(not item.zh.strip() or not item.en.strip() for item in items):
        raise ValueError("every item needs zh and en text")
    categories = {d: tuple(document["categories"].get(d, ())) for d in DIMENSIONS}
    if known_categories is not None:
        unknown = {c for cs in categories.values() for c in cs} - known_categories
        if unknown:
            raise ValueError(f"unknown job categories in the map: {sorted(unknown)}")
    return Bank(
        id=str(document["id"]),
        version=int(document["version"]),
        items=items,
        categories=categories,
        document=document,
    )


def score(bank: Bank, answers: Mapping[str, int]) -> Scored:
    """Score a complete set of answers, or :class:`AnswersInvalid` naming each bad one."""
    errors: list[tuple[str, str]] = []
    known = {item.id for item in bank.items}
    errors.extend((key, "unknown_field") for key in answers if key not in known)
    for item in bank.items:
        if item.id not in answers:
            errors.append((item.id, "required"))
        elif answers[item.id] not in SCALE:
            errors.append((item.id, "out_of_range"))
    if errors:
        raise AnswersInvalid(errors)
    scores = dict.fromkeys(DIMENSIONS, 0)
    for item in bank.items:
        scores[item.dimension] += answers[item.id] - SCALE[0]
    ranked = sorted(DIMENSIONS, key=lambda d: (-scores[d], DIMENSIONS.index(d)))
    return Scored(code="".join(ranked[:3]), scores=scores)


def suggested_categories(bank: Bank, code: str) -> list[str]:
    """Job categories for a code: the first letter's first, without repeats."""
    seen: list[str] = []
    for letter in code:
        for category in bank.categories.get(letter, ()):
            if category not in seen:
                seen.append(category)
    return seen
