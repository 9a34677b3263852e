"""Versioned plain-SQL migrations.

Files are named ``NNNN_<area>_<what>.sql`` and live in ``server/store/migrations``.
:func:`migrate` applies the pending ones in one transaction under an advisory lock, so
two processes starting at once cannot both apply a migration, and records each with the
SHA-256 of its text. An applied file that was edited afterwards, two files with one
number, a recorded migration whose file is gone, or a new file numbered below one
already applied stop the start-up with :class:`~server.errors.MigrationError`: history
is append-only. (Numbers may have gaps: a number given up by unmerged work stays free.)
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable

import asyncpg

from server.errors import MigrationError

log = logging.getLogger(__name__)

FILE_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9]+(?:_[a-z0-9]+)+)\.sql$")
# An arbitrary, fixed key: every livefair process takes this same lock while migrating.
ADVISORY_LOCK_KEY = 0x4C49_5645_4641_4952 & 0x7FFF_FFFF_FFFF_FFFF  # "LIVEFAIR"


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def load_migrations(folder: Traversable | None = None) -> list[Migration]:
    """Read and check the migration files, in version order."""
    folder = folder or resources.files("server.store") / "migrations"
    found: dict[int, Migration] = {}
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = FILE_NAME.match(entry.name)
        if match is None:
            raise MigrationError(f"{entry.name}: expected a name like 0001_area_what.sql")
        version = int(match["version"])
        if version in found:
            raise MigrationError(
                f"{entry.name}: version {version:04d} is also used by {found[version].name}"
            )
        found[version] = Migration(version, entry.name, entry.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


async def migrate(conn: asyncpg.Connection, migrations: list[Migration] | None = None) -> list[str]:
    """Apply pending migrations; return the names applied (empty when up to date)."""
    migrations = load_migrations() if migrations is None else migrations
    applied_now: list[str] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", ADVISORY_LOCK_KEY)
        await conn.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """
        )
        rows = await conn.fetch("SELECT version, name, checksum FROM schema_migrations")
        recorded = {row["version"]: (row["name"], row["checksum"]) for row in rows}
        on_disk = {m.version: m for m in migrations}
        for version, (name, checksum) in sorted(recorded.items()):
            migration = on_disk.get(version)
            if migration is None:
                raise MigrationError(f"{name} was applied but its file is gone")
            if migration.checksum != checksum:
                raise MigrationError(
                    f"{migration.name} was edited after it was applied; add a new migration instead"
                )
        latest = max(recorded, default=0)
        for migration in migrations:
            if migration.version in recorded:
                continue
            if migration.version < latest:
                raise MigrationError(
                    f"{migration.name} is numbered below the applied "
                    f"{recorded[latest][0]}; give it the next free number"
                )
            log.info("applying migration %s", migration.name)
            try:
                await conn.execute(migration.sql)
            except asyncpg.PostgresError as exc:
                raise MigrationError(f"{migration.name}: {exc}") from exc
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                migration.version,
                migration.name,
                migration.checksum,
            )
            applied_now.append(migration.name)
    return applied_now
