"""The embedded PostgreSQL keeps its data across restarts, and is reused while running."""

from __future__ import annotations

import asyncio
from pathlib import Path

from server.store import db
from server.store.embedded import EmbeddedPostgres


async def _query(dsn: str, sql: str) -> object:
    conn = await db.connect(dsn)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


async def test_a_restart_on_the_same_folder_continues_on_the_same_data(tmp_path: Path) -> None:
    first = EmbeddedPostgres(tmp_path / "pg")
    dsn = await asyncio.to_thread(first.start)
    try:
        await _query(dsn, "CREATE TABLE kept AS SELECT 'still here'::text AS note")
        encoding = await _query(dsn, "SHOW server_encoding")
        collation = await _query(
            dsn, "SELECT datcollate FROM pg_database WHERE datname = current_database()"
        )
    finally:
        await asyncio.to_thread(first.stop)
    assert encoding == "UTF8"
    assert collation == "C.UTF-8"

    second = EmbeddedPostgres(tmp_path / "pg")
    dsn = await asyncio.to_thread(second.start)
    try:
        assert second.started_here
        assert await _query(dsn, "SELECT note FROM kept") == "still here"
        # A second process on the same folder reuses the running server and leaves it up.
        third = EmbeddedPostgres(tmp_path / "pg")
        assert await asyncio.to_thread(third.start) == dsn
        assert not third.started_here
        await asyncio.to_thread(third.stop)
        assert await _query(dsn, "SELECT count(*) FROM kept") == 1
    finally:
        await asyncio.to_thread(second.stop)
