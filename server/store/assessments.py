"""Career-assessment results, one (the latest) per candidate (SQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from server.store.db import Connection

COLUMNS = "account_id, bank_id, bank_version, code, scores, share_with_recruiters, taken_at"


async def get(conn: Connection, account_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM assessment_results WHERE account_id = $1", account_id
    )
    return dict(row) if row else None


async def get_many(conn: Connection, account_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM assessment_results WHERE account_id = ANY($1::uuid[])",
        account_ids,
    )
    return {r["account_id"]: dict(r) for r in rows}


async def put(
    conn: Connection,
    account_id: UUID,
    *,
    bank_id: str,
    bank_version: int,
    answers: dict[str, int],
    code: str,
    scores: dict[str, int],
    share: bool,
    now: datetime,
) -> dict[str, Any]:
    row = await conn.fetchrow(
        f"""
        INSERT INTO assessment_results (account_id, bank_id, bank_version, answers, code,
                                        scores, share_with_recruiters, taken_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (account_id) DO UPDATE SET
            bank_id = EXCLUDED.bank_id, bank_version = EXCLUDED.bank_version,
            answers = EXCLUDED.answers, code = EXCLUDED.code, scores = EXCLUDED.scores,
            share_with_recruiters = EXCLUDED.share_with_recruiters,
            taken_at = EXCLUDED.taken_at
        RETURNING {COLUMNS}
        """,
        account_id,
        bank_id,
        bank_version,
        answers,
        code,
        scores,
        share,
        now,
    )
    assert row is not None
    return dict(row)


async def set_sharing(conn: Connection, account_id: UUID, share: bool) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"UPDATE assessment_results SET share_with_recruiters = $2 WHERE account_id = $1"
        f" RETURNING {COLUMNS}",
        account_id,
        share,
    )
    return dict(row) if row else None
