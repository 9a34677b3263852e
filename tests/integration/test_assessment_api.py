"""The career assessment over HTTP: the attributed questionnaire is public, answers are
scored on the server, and bad answers are named and store nothing."""

from __future__ import annotations

from typing import Any

from tests.helpers import quick_person
from tests.integration.people_fixtures import problem

Client = Any


async def questionnaire(client: Client) -> dict[str, Any]:
    response = await client.get("/api/assessment")
    assert response.status == 200
    body: dict[str, Any] = await response.json()
    return body


def answers(items: list[dict[str, Any]], liked: dict[str, int]) -> dict[str, int]:
    return {item["id"]: liked.get(item["dimension"], 1) for item in items}


async def test_anyone_reads_the_attributed_bilingual_questionnaire(client: Client) -> None:
    body = await questionnaire(client)
    assert len(body["items"]) == 60
    assert {i["dimension"] for i in body["items"]} == set("RIASEC")
    assert all(i["zh"] and i["en"] for i in body["items"])
    assert "O*NET" in body["attribution"]["en"]
    assert body["attribution"]["license"] == "CC-BY-4.0"
    assert [p["value"] for p in body["scale"]] == [1, 2, 3, 4, 5]
    assert body["result"] is None


async def test_a_candidate_gets_a_code_scores_and_job_categories(client: Client) -> None:
    tom = await quick_person(client, "tom@example.org")
    items = (await questionnaire(client))["items"]
    response = await tom.post(
        "/api/me/assessment", {"answers": answers(items, {"C": 5, "E": 4, "R": 3})}
    )
    assert response.status == 200, await response.text()
    result = await response.json()
    assert result["code"] == "CER"
    assert result["scores"] == {"R": 20, "I": 0, "A": 0, "S": 0, "E": 30, "C": 40}
    assert result["max_score"] == 40
    assert result["categories"][:2] == ["finance", "administration"]
    assert result["share_with_recruiters"] is False
    again = await (await tom.get("/api/assessment")).json()
    assert again["result"]["code"] == "CER"


async def test_bad_answers_are_named_and_nothing_is_stored(client: Client) -> None:
    uma = await quick_person(client, "uma@example.org")
    items = (await questionnaire(client))["items"]
    partial = answers(items, {})
    del partial["r01"]
    response = await uma.post("/api/me/assessment", {"answers": partial})
    assert await problem(response, 422) == "request.invalid"
    assert [e["pointer"] for e in (await response.json())["errors"]] == ["/answers/r01"]
    out_of_scale = {**answers(items, {}), "i02": 9}
    response = await uma.post("/api/me/assessment", {"answers": out_of_scale})
    assert await problem(response, 422) == "request.invalid"
    unknown = {**answers(items, {}), "z99": 3}
    response = await uma.post("/api/me/assessment", {"answers": unknown})
    assert await problem(response, 422) == "request.invalid"
    wrong_type = await uma.post("/api/me/assessment", {"answers": {"r01": "5"}})
    assert await problem(wrong_type, 422) == "request.invalid"
    assert (await (await uma.get("/api/assessment")).json())["result"] is None
    assert await problem(
        await uma.patch("/api/me/assessment", {"share_with_recruiters": True}), 404
    ) == ("assessment.not_taken")
    assert await problem(await client.post("/api/me/assessment", json={"answers": {}}), 401) == (
        "auth.required"
    )


async def test_sharing_can_be_switched_after_taking_it(client: Client) -> None:
    vic = await quick_person(client, "vic@example.org")
    items = (await questionnaire(client))["items"]
    await vic.post("/api/me/assessment", {"answers": answers(items, {"S": 5})})
    shared = await vic.patch("/api/me/assessment", {"share_with_recruiters": True})
    assert (await shared.json())["share_with_recruiters"] is True
    body = await (await vic.get("/api/assessment")).json()
    assert body["result"]["share_with_recruiters"] is True
