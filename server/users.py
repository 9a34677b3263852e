"""Account administration from the command line (``livefair user …``)."""

from __future__ import annotations

import logging

from server.config import Settings
from server.domain.principal import ROLE_SCOPE, Role
from server.errors import Problem
from server.notify import LogNotifier
from server.ratelimit import MemoryRateLimiter
from server.services.identity import IdentityService, Passwords, contact_or_problem
from server.store import accounts as store
from server.store import db
from server.store.database import database_dsn
from server.timers import SystemClock

log = logging.getLogger("livefair")


async def create(
    settings: Settings, contact: str, name: str, password: str, role: str, fair: str | None
) -> int:
    clock = SystemClock()
    async with database_dsn(settings) as dsn:
        pool = await db.create_pool(dsn, min_size=1, max_size=2)
        try:
            identity = IdentityService(
                pool, clock, Passwords(), LogNotifier(), MemoryRateLimiter(clock), "cli"
            )
            async with pool.acquire() as conn, conn.transaction():
                account_id = await identity.create_account(
                    conn, destination=contact, password=password, display_name=name
                )
                if role == Role.ORGANISER.value:
                    if fair is None:
                        fairs = await conn.fetch("SELECT id, slug FROM fairs")
                        if len(fairs) != 1:
                            raise Problem(
                                "request.invalid",
                                f"{len(fairs)} fairs exist: name one with --fair",
                            )
                        fair_id = fairs[0]["id"]
                    else:
                        fair_id = await conn.fetchval("SELECT id FROM fairs WHERE slug = $1", fair)
                        if fair_id is None:
                            raise Problem("fair.not_found", f"no fair {fair}")
                    await store.insert_grant(
                        conn,
                        account_id,
                        Role.ORGANISER,
                        ROLE_SCOPE[Role.ORGANISER],
                        fair_id,
                        granted_by=None,
                        now=clock.now(),
                    )
        finally:
            await pool.close()
    print(f"account {account_id} ({role})")
    return 0


async def disable(settings: Settings, contact: str) -> int:
    parsed = contact_or_problem(contact, "/contact")
    now = SystemClock().now()
    async with database_dsn(settings) as dsn:
        conn = await db.connect(dsn)
        try:
            async with conn.transaction():
                account_id = await conn.fetchval(
                    "UPDATE accounts SET disabled_at = $2"
                    " WHERE (phone = $1 OR email = $1) AND disabled_at IS NULL RETURNING id",
                    parsed.value,
                    now,
                )
                if account_id is None:
                    raise Problem("account.not_found", "no active account with this contact")
                await conn.execute(
                    "UPDATE sessions SET revoked_at = $2 WHERE account_id = $1"
                    " AND revoked_at IS NULL",
                    account_id,
                    now,
                )
                await store.audit(conn, account_id, "account.disabled", now)
        finally:
            await conn.close()
    print(f"account {account_id} disabled; its sessions are revoked")
    return 0
