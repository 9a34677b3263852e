"""Shared bench plumbing: a database to run against, and a machine description."""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg

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
