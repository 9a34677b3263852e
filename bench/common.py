"""Shared bench plumbing: a database to run against, and a machine description."""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from uuid import UUID

import asyncpg

from server.domain.credit_code import check_character
from server.ids import uuid7
from server.store import db
from server.store.embedded import EmbeddedPostgres
from server.store.migrate import migrate


def machine() -> str:
    cpus = os.cpu_count() or 0
    return f"{platform.machine()}, {cpus} cores, Python {platform.python_version()}"


@contextlib.asynccontextmanager
async def bench_database() -> AsyncIterator[str]:
    """A migrated database: ``LIVEFAIR_BENCH_DATABASE_URL``, else a temporary embedded one."""
    url = os.environ.get("LIVEFAIR_BENCH_DATABASE_URL")
    if url:
        conn = await db.connect(url)
        try:
            await migrate(conn)
        finally:
            await conn.close()
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="livefair-bench-") as folder:
        server = EmbeddedPostgres(Path(folder) / "pg")
        dsn = await asyncio.to_thread(server.start)
        try:
            conn = await db.connect(dsn)
            try:
                await migrate(conn)
            finally:
                await conn.close()
            yield dsn
        finally:
            await asyncio.to_thread(server.stop)


async def select1_rate(pool: asyncpg.Pool, seconds: float) -> float:
    count = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal count
        async with pool.acquire() as conn:
            while time.perf_counter() < deadline:
                await conn.fetchval("SELECT 1")
                count += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(8)))
    return count / (time.perf_counter() - start)


# -- rows a benchmark starts from (written straight, not through the services) ---------


async def a_fair_and_venue(
    conn: asyncpg.Connection, slug: str, starts_on: date, ends_on: date, time_zone: str
) -> tuple[UUID, UUID]:
    fair_id, venue_id = uuid7(), uuid7()
    await conn.execute(
        "INSERT INTO fairs (id, slug, title_zh, title_en, starts_on, ends_on, time_zone)"
        " VALUES ($1, $2, '基准', 'Bench', $3, $4, $5)",
        fair_id,
        f"{slug}-{fair_id.hex[:8]}",
        starts_on,
        ends_on,
        time_zone,
    )
    await conn.execute(
        "INSERT INTO venues (id, fair_id, kind, region_code, name_zh, name_en, position)"
        " VALUES ($1, $2, 'sub', '110000', '基准', 'Bench', 1)",
        venue_id,
        fair_id,
    )
    return fair_id, venue_id


async def an_employer_booth(
    conn: asyncpg.Connection, fair_id: UUID, venue_id: UUID, name: str, now: datetime
) -> UUID:
    """An approved booth (line capacity 500) of a verified private employer."""
    employer, booth = uuid7(), uuid7()
    body = "91110000" + f"{employer.int % 10**9:09d}"
    await conn.execute(
        "INSERT INTO employers (id, name, credit_code, type, industry, region_code, size,"
        " created_at, updated_at, verified_at) VALUES ($1, $2, $3, 'private', 'I',"
        " '110000', '20_99', $4, $4, $4)",
        employer,
        name,
        body + check_character(body),
        now,
    )
    await conn.execute(
        "INSERT INTO booths (id, fair_id, venue_id, kind, employer_id, capacity,"
        " slot_minutes, status, approved_at, created_at, updated_at)"
        " VALUES ($1, $2, $3, 'employer', $4, 500, 10, 'approved', $5, $5, $5)",
        booth,
        fair_id,
        venue_id,
        employer,
        now,
    )
    return booth
