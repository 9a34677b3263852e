"""Where the database is: the configured server, or an embedded one under the data folder."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg

from server.config import Settings
from server.store import db, search
from server.store.embedded import EmbeddedPostgres
from server.store.migrate import migrate

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "livefair"


@contextlib.asynccontextmanager
async def database_dsn(settings: Settings) -> AsyncIterator[str]:
    """Yield a DSN for livefair's database, migrated to the latest version.

    With ``LIVEFAIR_DATABASE_URL`` unset this starts (or reuses) the embedded PostgreSQL
    in ``DATA_DIR/postgres`` and stops it on exit if it was started here.
    """
    embedded: EmbeddedPostgres | None = None
    if settings.database_url is not None:
        dsn = settings.database_url.reveal()
    else:
        embedded = EmbeddedPostgres(Path(settings.data_dir) / "postgres")
        admin_dsn = await asyncio.to_thread(embedded.start)
        await _ensure_database(admin_dsn, EMBEDDED_DATABASE)
        dsn = embedded.dsn(EMBEDDED_DATABASE)
    try:
        conn = await db.connect(dsn)
        try:
            await migrate(conn)
            if await search.ensure_format(conn):
                log.info("search documents rebuilt (format %d)", search.SEARCH_FORMAT)
        finally:
            await conn.close()
        yield dsn
    finally:
        if embedded is not None:
            await asyncio.to_thread(embedded.stop)


async def _ensure_database(admin_dsn: str, name: str) -> None:
    conn = await db.connect(admin_dsn)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            with contextlib.suppress(asyncpg.DuplicateDatabaseError):  # a concurrent start won
                await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
