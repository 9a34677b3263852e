"""The demo's jobs and policies: dozens of jobs per province in every category, policies
of both kinds for several regions with all six fields, all of it findable."""

from __future__ import annotations

from server.demo.load import load_demo
from server.domain.jobs import Category
from server.domain.policies import FIELD_NAMES
from server.domain.regions import REGIONS
from server.domain.search import query_tokens
from server.store import jobs as jobs_store
from server.store import search as search_store
from server.store.db import Connection
from server.timers import SystemClock


async def test_every_province_has_dozens_of_jobs_in_every_category(conn: Connection) -> None:
    await load_demo(conn, clock=SystemClock())
    per_region = {
        row["region_code"]: (row["jobs"], row["categories"], row["urgent"], row["negotiable"])
        for row in await conn.fetch(
            """SELECT region_code, count(*) AS jobs, count(DISTINCT category) AS categories,
                      count(*) FILTER (WHERE urgent_shortage) AS urgent,
                      count(*) FILTER (WHERE salary_negotiable) AS negotiable
                 FROM jobs GROUP BY region_code"""
        )
    }
    assert set(per_region) == {region.code for region in REGIONS}
    for jobs, categories, urgent, negotiable in per_region.values():
        assert jobs >= 24
        assert categories == len(Category)
        assert urgent > 0
        assert negotiable > 0  # 面议
    # Shanghai pays more than Gansu for the same title.
    pay = {
        row["region_code"]: row["salary_min"]
        for row in await conn.fetch(
            "SELECT region_code, min(salary_min) AS salary_min FROM jobs"
            " WHERE title = '普工' GROUP BY region_code"
        )
    }
    assert pay["310000"] > pay["620000"]
    rows, total = await jobs_store.list_jobs(
        conn, jobs_store.JobFilters(region="420000"), query_tokens("会计"), offset=0, limit=5
    )
    assert total > 0
    assert all("会计" in row["title"] + row["description"] for row in rows)
    unindexed = await conn.fetchval("SELECT count(*) FROM employers WHERE search = ''::tsvector")
    assert unindexed == 0


async def test_policies_of_both_kinds_for_several_regions_with_all_six_fields(
    conn: Connection,
) -> None:
    await load_demo(conn, clock=SystemClock())
    rows = await conn.fetch("SELECT * FROM policies WHERE status = 'published'")
    assert {row["kind"] for row in rows} == {"employer", "people"}
    regions = {row["region_code"] for row in rows}
    assert None in regions
    assert len(regions - {None}) >= 5
    for row in rows:
        assert all(row[name].strip() for name in FIELD_NAMES), row["title"]
        assert "{" not in "".join(row[name] for name in FIELD_NAMES)
    drafts = await conn.fetchval("SELECT count(*) FROM policies WHERE status = 'draft'")
    assert drafts > 0
    found, counts = await search_store.search_all(
        conn,
        search_store.Filters(kind="people", region="420000"),
        query_tokens("创业"),
        offset=0,
        limit=10,
    )
    assert counts.get("policy", 0) > 0
    assert all(row["region_code"] == "420000" for row in found)
