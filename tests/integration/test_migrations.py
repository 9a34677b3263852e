"""Migrations apply once, in order, under a lock, and history cannot be rewritten."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from server.errors import MigrationError
from server.store import db
from server.store.migrate import Migration, load_migrations, migrate
from tests.conftest import Cluster


@pytest.fixture
def empty_database(any_cluster: Cluster):  # type: ignore[no-untyped-def]
    dsn = any_cluster.create_database(migrated=False)
    yield dsn
    any_cluster.drop_database(dsn)


async def test_migrating_twice_applies_everything_once(empty_database: str) -> None:
    conn = await db.connect(empty_database)
    try:
        first = await migrate(conn)
        second = await migrate(conn)
        recorded = await conn.fetchval("SELECT count(*) FROM schema_migrations")
    finally:
        await conn.close()
    assert first == [m.name for m in load_migrations()]
    assert second == []
    assert recorded == len(first)


async def test_two_processes_starting_at_once_apply_each_migration_once(
    empty_database: str,
) -> None:
    conns = [await db.connect(empty_database) for _ in range(4)]
    try:
        results = await asyncio.gather(*(migrate(c) for c in conns))
        rows = await conns[0].fetch("SELECT version FROM schema_migrations ORDER BY version")
    finally:
        for c in conns:
            await c.close()
    applied = [name for result in results for name in result]
    assert sorted(applied) == [m.name for m in load_migrations()]
    assert [r["version"] for r in rows] == [m.version for m in load_migrations()]


async def test_an_applied_migration_that_was_edited_stops_the_start(empty_database: str) -> None:
    migrations = load_migrations()
    conn = await db.connect(empty_database)
    try:
        await migrate(conn, migrations)
        edited = [
            *migrations[:-1],
            Migration(
                migrations[-1].version, migrations[-1].name, migrations[-1].sql + "\n-- edited\n"
            ),
        ]
        with pytest.raises(MigrationError, match="was edited"):
            await migrate(conn, edited)
        with pytest.raises(MigrationError, match="its file is gone"):
            await migrate(conn, migrations[:-1])
    finally:
        await conn.close()


async def test_a_failing_migration_applies_nothing(empty_database: str) -> None:
    migrations = [*load_migrations(), Migration(9999, "9999_test_broken.sql", "SELEC nonsense")]
    conn = await db.connect(empty_database)
    try:
        with pytest.raises(MigrationError, match=r"9999_test_broken\.sql"):
            await migrate(conn, migrations)
        exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    finally:
        await conn.close()
    assert exists is False


def test_two_files_with_one_number_are_refused(tmp_path: Path) -> None:
    (tmp_path / "0001_core_a.sql").write_text("SELECT 1;")
    (tmp_path / "0001_core_b.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="0001"):
        load_migrations(tmp_path)  # type: ignore[arg-type]


def test_a_badly_named_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "1_init.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match=r"0001_area_what\.sql"):
        load_migrations(tmp_path)  # type: ignore[arg-type]


async def test_a_new_migration_numbered_below_an_applied_one_is_refused(
    empty_database: str,
) -> None:
    migrations = load_migrations()
    late = Migration(migrations[-1].version + 2, "late_test_x.sql", "SELECT 1")
    early = Migration(migrations[-1].version + 1, "early_test_y.sql", "SELECT 1")
    conn = await db.connect(empty_database)
    try:
        await migrate(conn, [*migrations, late])
        with pytest.raises(MigrationError, match="numbered below the applied"):
            await migrate(conn, [*migrations, early, late])
    finally:
        await conn.close()
