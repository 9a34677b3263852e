"""The policy catalogue over HTTP: venue admins of the region and organisers draft and
publish; the public reads published policies without signing in; drafts stay private."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.helpers import person
from tests.integration.test_employers import Fair, count, field_errors, problem, small_fair

Client = TestClient[Any, Any]
NO_SUCH_ID = "0190f000-0000-7000-8000-000000000000"


def policy_body(fair: Fair, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "fair_id": str(fair.id),
        "region_code": "110000",
        "kind": "employer",
        "title": "失业保险稳岗返还",
        "target_scope": "依法参加失业保险、上年度未裁员或裁员率低于全市调查失业率"
        "控制目标的民营企业",
        "subsidy_standard": "按企业上年度实际缴纳失业保险费的50%返还",
        "procedure": "企业通过网上经办平台提交申请，人社部门审核后公示并拨付",
        "agency": "各区社会保险经办机构",
        "time_limit": "自受理之日起20个工作日内办结",
        "legal_basis": "《人力资源社会保障部 财政部 国家发展改革委 工业和信息化部"
        "关于失业保险支持企业稳定就业岗位的通知》",
    }
    body.update(changes)
    return body


async def draft(fair: Fair, editor: Any = None, **changes: Any) -> dict[str, Any]:
    editor = editor or fair.beijing_admin
    created: dict[str, Any] = await problem(
        await editor.post("/api/policies", policy_body(fair, **changes)), 201
    )
    return created


async def test_a_venue_admin_drafts_and_publishes_and_the_public_reads_it(client: Client) -> None:
    fair = await small_fair(client)
    policy = await draft(fair)
    assert policy["status"] == "draft"
    assert policy["published_at"] is None
    path = f"/api/policies/{policy['id']}"
    assert (await problem(await client.get(path), 404))["code"] == "policy.not_found"
    listed = await problem(await client.get("/api/policies"), 200)
    assert listed["items"] == []
    drafts = await problem(await fair.beijing_admin.get("/api/policies?status=draft"), 200)
    assert [p["id"] for p in drafts["items"]] == [policy["id"]]
    hubei_drafts = await problem(await fair.hubei_admin.get("/api/policies?status=draft"), 200)
    assert hubei_drafts["items"] == []

    published = await fair.beijing_admin.post(f"{path}/publication", {"published": True})
    body = await problem(published, 200)
    assert body["status"] == "published"
    assert body["published_at"] is not None
    public = await problem(await client.get(path), 200)
    for field in ("target_scope", "subsidy_standard", "procedure", "agency", "time_limit",
                  "legal_basis"):  # fmt: skip
        assert public[field] == policy_body(fair)[field]
    found = await problem(await client.get("/api/policies", params={"q": "民营"}), 200)
    assert [p["id"] for p in found["items"]] == [policy["id"]]
    assert found["items"][0]["highlight"]["snippet"]["ranges"]

    withdrawn = await fair.organiser.post(f"{path}/publication", {"published": False})
    assert (await problem(withdrawn, 200))["status"] == "draft"
    assert (await problem(await client.get(path), 404))["code"] == "policy.not_found"


async def test_only_the_regions_venue_admins_and_organisers_edit_policies(client: Client) -> None:
    fair = await small_fair(client)
    policy = await draft(fair)
    path = f"/api/policies/{policy['id']}"
    candidate = await person(client, "candidate@example.org")
    # The Hubei admin cannot see a Beijing draft at all; a candidate neither.
    for outsider in (fair.hubei_admin, candidate):
        assert (await problem(await outsider.patch(path, {"title": "改"}), 404))[
            "code"
        ] == "policy.not_found"
    await problem(await fair.beijing_admin.post(f"{path}/publication", {}), 200)
    for outsider in (fair.hubei_admin, candidate):
        refused = await outsider.patch(path, {"title": "改"})
        assert (await problem(refused, 403))["code"] == "auth.forbidden"
        unpublish = await outsider.post(f"{path}/publication", {"published": False})
        assert (await problem(unpublish, 403))["code"] == "auth.forbidden"
        created = await outsider.post("/api/policies", policy_body(fair))
        assert (await problem(created, 403))["code"] == "auth.forbidden"
    national = await fair.beijing_admin.post("/api/policies", policy_body(fair, region_code=None))
    assert (await problem(national, 403))["code"] == "auth.forbidden"
    assert (await problem(await client.post("/api/policies", json=policy_body(fair)), 401))[
        "code"
    ] == "auth.required"
    edited = await fair.organiser.patch(path, {"title": "稳岗返还（2020年）"})
    assert (await problem(edited, 200))["status"] == "published"  # edits keep it published
    await draft(fair, fair.organiser, region_code=None, kind="people", title="创业担保贷款")
    assert await count(client, "policies") == 2


async def test_policy_filters_combine(client: Client) -> None:
    fair = await small_fair(client)
    rows = [
        (fair.beijing_admin, "110000", "employer", "社会保险补贴"),
        (fair.beijing_admin, "110000", "people", "职业培训补贴"),
        (fair.hubei_admin, "420000", "people", "创业担保贷款"),
        (fair.organiser, None, "people", "就业见习补贴"),
    ]
    for editor, region, kind, title in rows:
        policy = await draft(fair, editor, region_code=region, kind=kind, title=title)
        await problem(await editor.post(f"/api/policies/{policy['id']}/publication", {}), 200)
    await draft(fair, title="未发布的补贴")

    async def titles(**params: str) -> list[str]:
        body = await problem(await client.get("/api/policies", params=params), 200)
        return sorted(p["title"] for p in body["items"])

    assert len(await titles()) == 4
    assert await titles(kind="people") == ["创业担保贷款", "就业见习补贴", "职业培训补贴"]
    assert await titles(kind="people", region="110000") == ["职业培训补贴"]
    assert await titles(region="national") == ["就业见习补贴"]
    assert await titles(q="补贴", kind="employer") == ["社会保险补贴"]
    assert await titles(q="补贴", region="420000") == []
    assert await titles(q="惠民", fair=str(fair.id), region="420000") == ["创业担保贷款"]
    search = await problem(
        await client.get("/api/search", params={"q": "补贴", "kind": "people"}), 200
    )
    assert search["counts"] == {"job": 0, "employer": 0, "policy": 2}


@pytest.mark.parametrize(
    ("changes", "pointer", "code"),
    [
        ({"kind": "both"}, "/kind", None),
        ({"title": ""}, "/title", "too_short"),
        ({"target_scope": ""}, "/target_scope", "too_short"),
        ({"agency": "机" * 1001}, "/agency", "too_long"),
        ({"legal_basis": None}, "/legal_basis", None),
        ({"region_code": "000000"}, "/region_code", None),
        ({"status": "published"}, "/status", "unknown_field"),
        ({"fair_id": NO_SUCH_ID}, "/fair_id", "fair.not_found"),
    ],
)
async def test_bad_policy_input_names_the_field_and_writes_nothing(
    client: Client, changes: dict[str, Any], pointer: str, code: str | None
) -> None:
    fair = await small_fair(client)
    errors = await field_errors(
        await fair.organiser.post("/api/policies", policy_body(fair, **changes))
    )
    assert pointer in errors, errors
    if code is not None:
        assert errors[pointer] == code
    assert await count(client, "policies") == 0


async def test_a_missing_field_is_required(client: Client) -> None:
    fair = await small_fair(client)
    body = policy_body(fair)
    del body["time_limit"]
    errors = await field_errors(await fair.organiser.post("/api/policies", body))
    assert errors == {"/time_limit": "required"}


async def test_bad_edits_and_unknown_policies_change_nothing(client: Client) -> None:
    fair = await small_fair(client)
    policy = await draft(fair)
    path = f"/api/policies/{policy['id']}"
    for changes, pointer in [
        ({"title": None}, "/title"),
        ({"region_code": "420000"}, "/region_code"),  # a policy does not move
        ({"procedure": "x" * 4001}, "/procedure"),
    ]:
        errors = await field_errors(await fair.beijing_admin.patch(path, changes))
        assert pointer in errors, errors
    publication = await fair.beijing_admin.post(f"{path}/publication", {"published": "yes"})
    assert "/published" in await field_errors(publication)
    mine = await problem(await fair.beijing_admin.get(path), 200)
    assert (mine["title"], mine["status"], mine["updated_at"]) == (
        policy["title"],
        "draft",
        policy["updated_at"],
    )
    for unknown in (f"/api/policies/{NO_SUCH_ID}", "/api/policies/nope"):
        assert (await problem(await client.get(unknown), 404))["code"] == "policy.not_found"
        patched = await fair.organiser.patch(unknown, {"title": "x"})
        assert (await problem(patched, 404))["code"] == "policy.not_found"
        published = await fair.organiser.post(f"{unknown}/publication", {})
        assert (await problem(published, 404))["code"] == "policy.not_found"


@pytest.mark.parametrize(
    "params",
    [{"kind": "all"}, {"region": "beijing"}, {"status": "archived"}, {"q": "、"}, {"page": "x"}],
)
async def test_bad_policy_queries_are_clear_problems(
    client: Client, params: dict[str, str]
) -> None:
    body = await problem(await client.get("/api/policies", params=params), 422)
    assert body["code"] == "request.invalid"
    assert [e["pointer"] for e in body["errors"]] == [f"/query/{next(iter(params))}"]


async def test_drafts_need_a_signed_in_caller(client: Client) -> None:
    response = await client.get("/api/policies?status=draft")
    assert (await problem(response, 401))["code"] == "auth.required"
