"""The career assessment (职业测评): the questionnaire, and the candidate's result.

The item bank is read once from server/data/assessment/riasec.json (shipped as package
data) and checked against the job categories; scoring is server/domain/assessment.py.
Recruiters see a result only when the candidate shares it (``share_with_recruiters``),
through an application's candidate card.
"""

from __future__ import annotations

import functools
import json
from datetime import datetime
from importlib import resources
from typing import Annotated, Any

from pydantic import Field

from server.api.auth import account_id, principal_of
from server.api.routing import Api, Call, Model
from server.appkeys import CLOCK, POOL
from server.domain.assessment import AnswersInvalid, Bank, parse_bank, score, suggested_categories
from server.domain.jobs import Category
from server.errors import FieldError, Problem
from server.store import assessments as store

BANK_FILE = "data/assessment/riasec.json"


@functools.cache
def bank() -> Bank:
    text = resources.files("server").joinpath(BANK_FILE).read_text(encoding="utf-8")
    return parse_bank(json.loads(text), frozenset(c.value for c in Category))


class Text(Model):
    zh: str
    en: str


class Attribution(Model):
    zh: str
    en: str
    source_url: str
    license: str
    license_url: str


class ScalePoint(Model):
    value: int
    zh: str
    en: str


class ItemOut(Model):
    id: str
    dimension: str
    zh: str
    en: str


class DimensionOut(Model):
    code: str
    zh: str
    en: str


class ResultOut(Model):
    code: str = Field(description="Three RIASEC letters, strongest first.")
    scores: dict[str, int] = Field(description="Per dimension, 0..max_score.")
    max_score: int
    categories: list[str] = Field(description="Suggested job categories (listJobs?category=).")
    share_with_recruiters: bool
    taken_at: datetime


class AssessmentOut(Model):
    id: str
    version: int
    attribution: Attribution
    scale: list[ScalePoint]
    dimensions: list[DimensionOut]
    items: list[ItemOut]
    result: ResultOut | None = Field(description="Your latest result (signed in), or null.")


Answer = Annotated[int, Field(ge=1, le=5)]


class SubmitIn(Model):
    answers: Annotated[dict[Annotated[str, Field(max_length=20)], Answer], Field(max_length=200)]
    share_with_recruiters: bool = False


class SharingIn(Model):
    share_with_recruiters: bool


def render_result(row: dict[str, Any]) -> ResultOut:
    the_bank = bank()
    return ResultOut(
        code=row["code"],
        scores=dict(row["scores"]),
        max_score=the_bank.max_score,
        categories=suggested_categories(the_bank, row["code"]),
        share_with_recruiters=row["share_with_recruiters"],
        taken_at=row["taken_at"],
    )


def register(api: Api) -> None:
    tags = ("candidates",)
    the_bank = bank()  # fail at start-up, not on the first request, if the file is wrong
    document = the_bank.document

    @api.route(
        "GET",
        "/api/assessment",
        operation_id="getAssessment",
        summary="The RIASEC interest questionnaire (O*NET Interest Profiler Short Form,"
        " CC BY 4.0) and, when signed in, your latest result",
        response=AssessmentOut,
        tags=tags,
    )
    async def get_assessment(call: Call[None, None]) -> AssessmentOut:
        principal = await principal_of(call.request)
        result = None
        if principal.account_id is not None:
            async with call.app[POOL].acquire() as conn:
                row = await store.get(conn, principal.account_id)
            if row is not None:
                result = render_result(row)
        return AssessmentOut(
            id=the_bank.id,
            version=the_bank.version,
            attribution=Attribution.model_validate(document["attribution"]),
            scale=[ScalePoint.model_validate(p) for p in document["scale"]],
            dimensions=[DimensionOut.model_validate(d) for d in document["dimensions"]],
            items=[
                ItemOut(id=i.id, dimension=i.dimension, zh=i.zh, en=i.en) for i in the_bank.items
            ],
            result=result,
        )

    @api.route(
        "POST",
        "/api/me/assessment",
        operation_id="submitAssessment",
        summary="Answer every item (1 strongly dislike … 5 strongly like); scored on the server",
        body=SubmitIn,
        response=ResultOut,
        tags=tags,
    )
    async def submit_assessment(call: Call[SubmitIn, None]) -> ResultOut:
        me = await account_id(call)
        answers = dict(call.body.answers)
        try:
            scored = score(the_bank, answers)
        except AnswersInvalid as exc:
            raise Problem(
                "request.invalid",
                "some answers are missing or invalid",
                errors=[FieldError(f"/answers/{item}", code) for item, code in exc.errors],
            ) from exc
        async with call.app[POOL].acquire() as conn, conn.transaction():
            row = await store.put(
                conn,
                me,
                bank_id=the_bank.id,
                bank_version=the_bank.version,
                answers=answers,
                code=scored.code,
                scores=scored.scores,
                share=call.body.share_with_recruiters,
                now=call.app[CLOCK].now(),
            )
        return render_result(row)

    @api.route(
        "PATCH",
        "/api/me/assessment",
        operation_id="updateAssessmentSharing",
        summary="Share your result with recruiters you apply to, or stop sharing it",
        body=SharingIn,
        response=ResultOut,
        tags=tags,
    )
    async def update_sharing(call: Call[SharingIn, None]) -> ResultOut:
        me = await account_id(call)
        async with call.app[POOL].acquire() as conn, conn.transaction():
            row = await store.set_sharing(conn, me, call.body.share_with_recruiters)
        if row is None:
            raise Problem("assessment.not_taken", "take the assessment first")
        return render_result(row)
