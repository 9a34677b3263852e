"""Accounts, sessions, grants and verification codes (SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from server.domain.contact import Contact
from server.domain.principal import Grant, Role, ScopeType
from server.ids import uuid7
from server.store.db import Connection

ACCOUNT_COLUMNS = "id, phone, email, password_hash, display_name, disabled_at, created_at"


async def find_account(conn: Connection, contact: Contact) -> dict[str, Any] | None:
    """The account with this (normalised) mobile number or e-mail address, if any."""
    column = "phone" if contact.kind == "phone" else "email"
    row = await conn.fetchrow(
        f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {column} = $1", contact.value
    )
    return None if row is None else dict(row)


async def get_account(conn: Connection, account_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1", account_id)
    return None if row is None else dict(row)


async def insert_account(
    conn: Connection,
    *,
    phone: str | None,
    email: str | None,
    password_hash: str,
    display_name: str,
    now: datetime,
) -> UUID:
    account_id = uuid7()
    await conn.execute(
        """
        INSERT INTO accounts (id, phone, email, password_hash, display_name, created_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        """,
        account_id,
        phone,
        email,
        password_hash,
        display_name,
        now,
    )
    return account_id


async def insert_grant(
    conn: Connection,
    account_id: UUID,
    role: Role,
    scope_type: ScopeType,
    scope_id: UUID | None,
    *,
    granted_by: UUID | None,
    now: datetime,
) -> bool:
    """Grant a role; False if the account already had it."""
    inserted = await conn.fetchval(
        """
        INSERT INTO grants (id, account_id, role, scope_type, scope_id, granted_by, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (account_id, role, scope_type, scope_id) DO NOTHING
        RETURNING true
        """,
        uuid7(),
        account_id,
        role.value,
        scope_type.value,
        scope_id,
        granted_by,
        now,
    )
    return inserted is True


async def load_grants(conn: Connection, account_id: UUID) -> frozenset[Grant]:
    rows = await conn.fetch(
        """
        SELECT g.role, g.scope_type, g.scope_id,
               COALESCE(v.fair_id, CASE WHEN g.scope_type = 'fair' THEN g.scope_id END)
                   AS fair_id,
               v.region_code
          FROM grants g
          LEFT JOIN venues v ON g.scope_type = 'venue' AND v.id = g.scope_id
         WHERE g.account_id = $1
        """,
        account_id,
    )
    return frozenset(
        Grant(
            role=Role(row["role"]),
            scope_type=ScopeType(row["scope_type"]),
            scope_id=row["scope_id"],
            fair_id=row["fair_id"],
            region_code=row["region_code"],
        )
        for row in rows
    )


async def roles_at(
    conn: Connection, scope_type: ScopeType, scope_id: UUID, account_ids: Sequence[UUID]
) -> dict[UUID, set[str]]:
    """Which of ``account_ids`` hold which roles on the scope (an employer, a venue …)."""
    rows = await conn.fetch(
        """
        SELECT account_id, role FROM grants
         WHERE scope_type = $1 AND scope_id = $2 AND account_id = ANY($3::uuid[])
        """,
        scope_type.value,
        scope_id,
        list(account_ids),
    )
    found: dict[UUID, set[str]] = {}
    for row in rows:
        found.setdefault(row["account_id"], set()).add(row["role"])
    return found


async def insert_session(
    conn: Connection,
    *,
    account_id: UUID,
    token_hash: bytes,
    kind: str,
    label: str,
    address: str,
    now: datetime,
    expires_at: datetime,
) -> UUID:
    session_id = uuid7()
    await conn.execute(
        """
        INSERT INTO sessions (id, account_id, token_hash, kind, label, address, created_at,
                              last_seen_at, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)
        """,
        session_id,
        account_id,
        token_hash,
        kind,
        label[:200],
        address,
        now,
        expires_at,
    )
    return session_id


async def session_by_token(
    conn: Connection, token_hash: bytes, now: datetime
) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        """
        SELECT s.id, s.account_id, s.kind, s.last_seen_at
          FROM sessions s JOIN accounts a ON a.id = s.account_id
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
           AND a.disabled_at IS NULL
        """,
        token_hash,
        now,
    )
    return None if row is None else dict(row)


async def touch_session(conn: Connection, session_id: UUID, now: datetime) -> None:
    await conn.execute("UPDATE sessions SET last_seen_at = $2 WHERE id = $1", session_id, now)


async def list_sessions(conn: Connection, account_id: UUID, now: datetime) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT id, kind, label, address, created_at, last_seen_at, expires_at
          FROM sessions
         WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > $2
         ORDER BY last_seen_at DESC
        """,
        account_id,
        now,
    )
    return [dict(row) for row in rows]


async def revoke_session(
    conn: Connection, account_id: UUID, session_id: UUID, now: datetime
) -> bool:
    revoked = await conn.fetchval(
        """
        UPDATE sessions SET revoked_at = $3
         WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL
        RETURNING true
        """,
        session_id,
        account_id,
        now,
    )
    return revoked is True


async def set_password(conn: Connection, account_id: UUID, password_hash: str) -> None:
    await conn.execute(
        "UPDATE accounts SET password_hash = $2 WHERE id = $1", account_id, password_hash
    )


async def revoke_all_sessions(conn: Connection, account_id: UUID, now: datetime) -> int:
    """End every session and API token of the account; how many were live."""
    revoked = await conn.fetch(
        "UPDATE sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL"
        " RETURNING id",
        account_id,
        now,
    )
    return len(revoked)


async def audit(
    conn: Connection,
    account_id: UUID,
    action: str,
    now: datetime,
    *,
    actor_id: UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO account_audit (account_id, actor_id, action, detail, at)"
        " VALUES ($1, $2, $3, $4, $5)",
        account_id,
        actor_id,
        action,
        detail or {},
        now,
    )
