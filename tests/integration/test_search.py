"""Chinese keyword search on PostgreSQL 15 and embedded 18, whatever the database locale:
2-character words find longer text, filters combine, relevance orders, pages page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from aiohttp.test_utils import TestClient

from server.domain.search import query_tokens
from server.store import db
from server.store import employers as employers_store
from server.store import jobs as jobs_store
from server.store import policies as policies_store
from server.store import search as search_store
from server.store.migrate import migrate
from tests.conftest import Cluster
from tests.helpers import a_fair_and_venue
from tests.integration.test_employers import credit_code

NOW = datetime(2020, 7, 1, 2, 0, tzinfo=UTC)


@pytest.fixture(params=["default", "C"])
async def search_conn(
    request: pytest.FixtureRequest, any_cluster: Cluster
) -> AsyncIterator[db.Connection]:
    """A migrated database on either cluster, in the cluster's default locale or in "C"
    (where PostgreSQL's own parser would not see Chinese characters as letters)."""
    if request.param == "default":
        dsn = any_cluster.create_database()
    else:
        dsn = any_cluster.create_database(migrated=False)
        name = urlsplit(dsn).path.lstrip("/")
        any_cluster.drop_database(dsn)
        any_cluster._admin(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"
            " LC_COLLATE 'C' LC_CTYPE 'C'"
        )
        any_cluster._created.append(name)
    conn = await db.connect(dsn)
    try:
        if request.param == "C":
            await migrate(conn)
        yield conn
    finally:
        await conn.close()
        any_cluster.drop_database(dsn)


async def employer(
    conn: db.Connection,
    n: int,
    name: str,
    *,
    region: str = "110000",
    industry: str = "I",
    kind: str = "private",
) -> UUID:
    employer_id = await employers_store.insert_employer(
        conn,
        {
            "name": name,
            "credit_code": credit_code(n, region[:2] + "0108"),
            "type": kind,
            "industry": industry,
            "region_code": region,
            "size": "20_99",
            "description": "",
        },
        created_by=None,
        now=NOW,
    )
    await employers_store.set_verified(conn, employer_id, by=None, at=NOW)
    return employer_id


def job_fields(title: str, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": title,
        "openings": 1,
        "salary_min": 5000,
        "salary_max": 8000,
        "salary_negotiable": False,
        "education": "associate",
        "region_code": "110000",
        "category": "finance",
        "urgent_shortage": False,
        "industry": "I",
        "key_groups": [],
        "description": "",
    }
    fields.update(changes)
    return fields


async def job(
    conn: db.Connection, fair: UUID, employer_id: UUID, title: str, **changes: Any
) -> UUID:
    return await jobs_store.insert_job(
        conn,
        fair_id=fair,
        employer_id=employer_id,
        fields=job_fields(title, **changes),
        actor=None,
        now=NOW,
    )


async def titles(conn: db.Connection, q: str | None, **filters: Any) -> list[str]:
    rows, total = await jobs_store.list_jobs(
        conn,
        jobs_store.JobFilters(**filters),
        query_tokens(q) if q else None,
        offset=0,
        limit=50,
    )
    assert total == len(rows)
    return [row["title"] for row in rows]


async def test_two_chinese_characters_find_the_longer_words_that_contain_them(
    search_conn: db.Connection,
) -> None:
    conn = search_conn
    fair, _ = await a_fair_and_venue(conn)
    private = await employer(conn, 1, "杭州民营企业服务有限公司")
    other = await employer(conn, 2, "国有示例集团", kind="state")
    await job(conn, fair, private, "招聘会计岗位")
    await job(conn, fair, other, "出纳", description="协助会计做账")
    await job(conn, fair, other, "软件工程师", category="technology")

    # '会计' in a title ranks above '会计' in a description; '计会' is not '会计'.
    assert await titles(conn, "会计") == ["招聘会计岗位", "出纳"]
    assert await titles(conn, "计会") == []
    assert await titles(conn, "民营") == ["招聘会计岗位"]  # through the employer's name
    assert await titles(conn, "会计岗位") == ["招聘会计岗位"]
    assert await titles(conn, "会") == ["招聘会计岗位", "出纳"]  # one character still works
    assert await titles(conn, "ＳＯＦＴＷＡＲＥ 工程") == []  # every token must match
    assert await titles(conn, "工程师") == ["软件工程师"]
    # The industry's name is searchable too: 信息传输、软件和信息技术服务业.
    assert len(await titles(conn, "软件")) == 3

    rows, counts = await search_store.search_all(
        conn, search_store.Filters(), query_tokens("民营"), offset=0, limit=10
    )
    assert counts == {"employer": 1, "job": 1}
    assert [(row["type"], row["title"]) for row in rows] == [
        ("employer", "杭州民营企业服务有限公司"),  # the name is its title: weight A
        ("job", "招聘会计岗位"),
    ]


async def test_filters_combine_and_latin_words_match_whole(search_conn: db.Connection) -> None:
    conn = search_conn
    fair, _ = await a_fair_and_venue(conn)
    bj = await employer(conn, 1, "北京示例科技", industry="I")
    hb = await employer(conn, 2, "湖北示例制造", region="420000", industry="C")
    await job(conn, fair, bj, "Java开发工程师", category="technology")
    await job(conn, fair, bj, "会计", region_code="110000")
    await job(conn, fair, hb, "焊工", region_code="420000", industry="C",
              category="manufacturing", urgent_shortage=True)  # fmt: skip
    await job(conn, fair, hb, "会计", region_code="420000", industry="C")

    assert await titles(conn, "会计", region="420000") == ["会计"]
    assert await titles(conn, None, region="420000", industry="C", urgent_shortage=True) == ["焊工"]
    assert await titles(conn, None, region="110000", industry="C") == []
    assert await titles(conn, "JAVA", category="technology") == ["Java开发工程师"]
    assert await titles(conn, "jav") == []  # Latin words are whole tokens
    assert await titles(conn, "j") == []
    assert sorted(await titles(conn, None, category="finance")) == ["会计", "会计"]


async def programming_jobs(conn: db.Connection) -> None:
    fair, _ = await a_fair_and_venue(conn)
    company = await employer(conn, 1, "北京示例科技")
    builder = await employer(conn, 2, "北京示例建设", industry="E")
    await job(conn, fair, company, "C++开发工程师", category="technology",
              description="熟悉C++11与STL")  # fmt: skip
    await job(conn, fair, company, "C#工程师", category="technology",
              description="熟悉.NET与ASP.NET Core")  # fmt: skip
    await job(conn, fair, company, "嵌入式工程师", category="technology",
              description="熟练使用C/C++")  # fmt: skip
    await job(conn, fair, company, "Java开发工程师", category="technology",
              description="熟悉Spring与MySQL")  # fmt: skip
    await job(conn, fair, builder, "安全员 (Safety Inspector)", industry="E",
              description="施工现场安全检查")  # fmt: skip


async def test_programming_names_find_their_jobs_not_the_bare_letter(
    search_conn: db.Connection,
) -> None:
    """C++ is not C: the symbols stay, so "C++" finds C++ jobs (title first), not every
    text holding a C; and a Latin letter matches whole words only."""
    conn = search_conn
    await programming_jobs(conn)

    assert await titles(conn, "C++") == ["C++开发工程师", "嵌入式工程师"]
    assert await titles(conn, "ｃ＋＋") == ["C++开发工程师", "嵌入式工程师"]
    assert await titles(conn, "C#") == ["C#工程师"]
    assert await titles(conn, "c") == ["嵌入式工程师"]  # C/C++, not inspector nor C++
    assert await titles(conn, ".NET") == ["C#工程师"]
    assert await titles(conn, "net") == ["C#工程师"]
    assert await titles(conn, "ASP.NET") == ["C#工程师"]
    assert await titles(conn, "inspector") == ["安全员 (Safety Inspector)"]
    # Chinese is still found inside longer runs.
    assert sorted(await titles(conn, "开发")) == ["C++开发工程师", "Java开发工程师"]
    assert len(await titles(conn, "工程师")) == 4

    rows, counts = await search_store.search_all(
        conn, search_store.Filters(), query_tokens("C++"), offset=0, limit=10
    )
    assert counts == {"job": 2}
    assert [row["title"] for row in rows] == ["C++开发工程师", "嵌入式工程师"]


async def test_a_title_match_ranks_above_a_description_match(search_conn: db.Connection) -> None:
    """Even when the description has the words side by side and the title far apart,
    which ts_rank alone scores the other way round."""
    conn = search_conn
    fair, _ = await a_fair_and_venue(conn)
    company = await employer(conn, 1, "示例软件")
    await job(conn, fair, company, "后端工程师", category="technology",
              description="Java开发，" * 5)  # fmt: skip
    await job(conn, fair, company, "Java（分布式与高并发系统方向）开发", category="technology")

    expected = ["Java（分布式与高并发系统方向）开发", "后端工程师"]
    assert await titles(conn, "Java 开发") == expected
    rows, _ = await search_store.search_all(
        conn, search_store.Filters(), query_tokens("Java 开发"), offset=0, limit=10
    )
    assert [row["title"] for row in rows] == expected


async def test_hidden_rows_are_not_found_and_withdrawing_verification_hides_at_once(
    search_conn: db.Connection,
) -> None:
    conn = search_conn
    fair, _ = await a_fair_and_venue(conn)
    company = await employer(conn, 1, "民营会计事务所")
    job_id = await job(conn, fair, company, "会计助理")
    policy = await policies_store.insert_policy(
        conn,
        fair_id=fair,
        fields={
            "region_code": "110000",
            "kind": "employer",
            "title": "会计人员稳岗补贴",
            "target_scope": "民营企业",
            "subsidy_standard": "每人每月500元",
            "procedure": "网上申报",
            "agency": "区人社局",
            "time_limit": "20个工作日",
            "legal_basis": "京人社发〔2020〕1号",
        },
        actor=None,
        now=NOW,
    )

    async def found() -> list[str]:
        rows, _ = await search_store.search_all(
            conn, search_store.Filters(), query_tokens("会计"), offset=0, limit=10
        )
        return sorted(row["type"] for row in rows)

    assert await found() == ["employer", "job"]  # the policy is a draft
    await policies_store.set_published(conn, policy, True, actor=None, now=NOW)
    assert await found() == ["employer", "job", "policy"]
    await jobs_store.update_job(conn, job_id, {"status": "closed"}, actor=None, now=NOW)
    assert await found() == ["employer", "policy"]
    await jobs_store.update_job(conn, job_id, {"status": "open"}, actor=None, now=NOW)
    await employers_store.set_verified(conn, company, by=None, at=None)
    assert await found() == ["policy"]


async def test_renaming_an_employer_reindexes_its_jobs(search_conn: db.Connection) -> None:
    conn = search_conn
    fair, _ = await a_fair_and_venue(conn)
    company = await employer(conn, 1, "示例集团", kind="state")
    await job(conn, fair, company, "仓库管理员")
    assert await titles(conn, "民营") == []
    await employers_store.update_employer(conn, company, {"description": "一家民营企业"}, now=NOW)
    assert await titles(conn, "民营") == []  # the job carries the name, not the description
    await employers_store.update_employer(conn, company, {"name": "示例民营集团"}, now=NOW)
    await employers_store.set_verified(conn, company, by=None, at=NOW)
    assert await titles(conn, "民营") == ["仓库管理员"]


async def test_the_employer_type_is_searchable_and_old_documents_are_rebuilt(
    search_conn: db.Connection,
) -> None:
    """ "民营" (the campaign's word) finds private enterprises and their jobs, whatever
    their names; a database whose documents predate that is rebuilt at start."""
    conn = search_conn
    fair, _ = await a_fair_and_venue(conn)
    private = await employer(conn, 1, "云帆科技", kind="private")
    state = await employer(conn, 2, "示例集团", kind="state")
    await job(conn, fair, private, "前端工程师")
    await job(conn, fair, state, "仓库管理员")
    assert await titles(conn, "民营") == ["前端工程师"]
    assert await titles(conn, "国有企业") == ["仓库管理员"]
    # Documents from before the employer type was in them: rebuilt once, at start.
    await conn.execute("UPDATE jobs SET search = ''::tsvector")
    await conn.execute("UPDATE employers SET search = ''::tsvector")
    await conn.execute("UPDATE search_format SET version = 1")
    assert await titles(conn, "民营") == []
    assert await search_store.ensure_format(conn) is True
    assert await titles(conn, "民营") == ["前端工程师"]
    assert await titles(conn, "前端") == ["前端工程师"]
    assert await search_store.ensure_format(conn) is False  # done: nothing more


async def test_pages_follow_the_relevance_order_without_gaps(search_conn: db.Connection) -> None:
    conn = search_conn
    fair, _ = await a_fair_and_venue(conn)
    company = await employer(conn, 1, "示例物流")
    for n in range(7):
        await job(conn, fair, company, f"司机{n}", description="会计" * n, category="logistics")
    terms = query_tokens("会计")
    seen: list[str] = []
    for page in range(3):
        rows, total = await jobs_store.list_jobs(
            conn, jobs_store.JobFilters(), terms, offset=page * 3, limit=3
        )
        assert total == 6  # 司机0 has no 会计
        seen += [row["title"] for row in rows]
    assert seen == [f"司机{n}" for n in (6, 5, 4, 3, 2, 1)]  # more mentions, higher rank


async def test_search_over_http_highlights_matches(client: TestClient[Any, Any]) -> None:
    app = client.app
    assert app is not None
    from server.appkeys import POOL

    async with app[POOL].acquire() as conn:
        fair, _ = await a_fair_and_venue(conn)
        company = await employer(conn, 1, "民营企业示例")
        await job(conn, fair, company, "招聘会计岗位", description="负责会计核算")
    response = await client.get("/api/search", params={"q": "会计"})
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["counts"] == {"job": 1, "employer": 0, "policy": 0}
    hit = body["items"][0]
    assert hit["title"] == "招聘会计岗位"
    assert hit["subtitle"] == "民营企业示例"
    assert hit["highlight"]["title"] == [[2, 4]]
    assert hit["highlight"]["snippet"] == {"text": "负责会计核算", "ranges": [[2, 4]]}


async def test_programming_names_highlight_whole(client: TestClient[Any, Any]) -> None:
    app = client.app
    assert app is not None
    from server.appkeys import POOL

    async with app[POOL].acquire() as conn:
        await programming_jobs(conn)
    response = await client.get("/api/search", params={"q": "C++"})
    assert response.status == 200, await response.text()
    body = await response.json()
    assert [hit["title"] for hit in body["items"]] == ["C++开发工程师", "嵌入式工程师"]
    first, second = (hit["highlight"] for hit in body["items"])
    assert first["title"] == [[0, 3]]
    assert first["snippet"] == {"text": "熟悉C++11与STL", "ranges": [[2, 5]]}
    assert second["title"] == []
    assert second["snippet"] == {"text": "熟练使用C/C++", "ranges": [[6, 9]]}

    response = await client.get("/api/jobs", params={"q": ".NET"})
    assert response.status == 200, await response.text()
    [hit] = (await response.json())["items"]
    assert hit["highlight"]["snippet"]["ranges"] == [[2, 6], [10, 14]]  # .NET, ASP[.NET]


@pytest.mark.parametrize(
    ("params", "pointer", "code"),
    [
        ({"q": "，。！"}, "/query/q", "search.query_empty"),
        ({"q": ""}, "/query/q", "too_short"),
        ({"type": "jobs"}, "/query/type", None),
        ({"region": "11"}, "/query/region", None),
        ({"industry": "Z"}, "/query/industry", None),
        ({"per_page": "1000"}, "/query/per_page", None),
        ({"page": "0"}, "/query/page", None),
        ({"color": "red"}, "/query/color", "unknown_field"),
    ],
)
async def test_bad_search_input_is_a_clear_problem(
    client: TestClient[Any, Any], params: dict[str, str], pointer: str, code: str | None
) -> None:
    response = await client.get("/api/search", params=params)
    assert response.status == 422
    assert response.content_type == "application/problem+json"
    body = await response.json()
    assert body["code"] == "request.invalid"
    assert [e["pointer"] for e in body["errors"]] == [pointer]
    if code is not None:
        assert body["errors"][0]["code"] == code


async def test_the_jobs_policies_and_search_operations_are_in_the_openapi_document(
    client: TestClient[Any, Any],
) -> None:
    document = await (await client.get("/api/openapi.json")).json()
    operation_ids = {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
    }
    assert {
        "listJobs", "getJob", "createJob", "updateJob", "searchAll", "listPolicies",
        "getPolicy", "createPolicy", "updatePolicy", "publishPolicy",
    } <= operation_ids  # fmt: skip


async def test_filters_that_exclude_every_type_find_nothing(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/search", params={"type": "policy", "industry": "C"})
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["items"] == []
    assert body["counts"] == {"job": 0, "employer": 0, "policy": 0}
