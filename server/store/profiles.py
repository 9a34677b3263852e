"""Candidate profiles, and erasing a candidate when they delete their account (SQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from server.store.db import Connection

PROFILE_COLUMNS = """
    account_id, name, phone, email, region_code, education, graduation_year, desired_jobs,
    key_groups, key_groups_consent_at, show_contact, share_key_groups, updated_at
"""


async def get_profile(conn: Connection, account_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT {PROFILE_COLUMNS} FROM candidate_profiles WHERE account_id = $1", account_id
    )
    return dict(row) if row else None


async def put_profile(
    conn: Connection, account_id: UUID, fields: dict[str, Any], *, consent: bool, now: datetime
) -> dict[str, Any]:
    """Replace the profile; the consent time is kept while consent stays given."""
    row = await conn.fetchrow(
        f"""
        INSERT INTO candidate_profiles AS p (account_id, name, phone, email, region_code,
            education, graduation_year, desired_jobs, key_groups, key_groups_consent_at,
            show_contact, share_key_groups, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $10 THEN $13::timestamptz END,
                $11, $12, $13)
        ON CONFLICT (account_id) DO UPDATE SET
            name = EXCLUDED.name, phone = EXCLUDED.phone, email = EXCLUDED.email,
            region_code = EXCLUDED.region_code, education = EXCLUDED.education,
            graduation_year = EXCLUDED.graduation_year, desired_jobs = EXCLUDED.desired_jobs,
            key_groups = EXCLUDED.key_groups,
            key_groups_consent_at = CASE WHEN $10
                THEN coalesce(p.key_groups_consent_at, $13::timestamptz) END,
            show_contact = EXCLUDED.show_contact,
            share_key_groups = EXCLUDED.share_key_groups, updated_at = EXCLUDED.updated_at
        RETURNING {PROFILE_COLUMNS}
        """,
        account_id,
        fields["name"],
        fields["phone"],
        fields["email"],
        fields["region_code"],
        fields["education"],
        fields["graduation_year"],
        fields["desired_jobs"],
        fields["key_groups"],
        consent,
        fields["show_contact"],
        fields["share_key_groups"],
        now,
    )
    assert row is not None
    return dict(row)


async def erase_candidate(conn: Connection, account_id: UUID, now: datetime) -> None:
    """Delete what is the candidate's own and leave an anonymous tombstone account.

    Applications keep their job, employer, status and times (statistics count them) but
    lose the candidate and the resume; tickets keep pointing at the tombstone, which has
    no contact, name or password and can never sign in again."""
    contact = await conn.fetchrow("SELECT phone, email FROM accounts WHERE id = $1", account_id)
    await conn.execute(
        "UPDATE applications SET candidate_id = NULL, resume_id = NULL WHERE candidate_id = $1",
        account_id,
    )
    # What they said in interviews is theirs; the interview record (times, outcome) stays.
    await conn.execute("DELETE FROM interview_chat WHERE author_id = $1", account_id)
    for table in ("candidate_audit", "resumes", "assessment_results", "candidate_profiles"):
        column = "candidate_id" if table == "candidate_audit" else "account_id"
        await conn.execute(f"DELETE FROM {table} WHERE {column} = $1", account_id)
    for table in ("notifications", "grants", "account_audit", "booth_staff", "staff_status"):
        await conn.execute(f"DELETE FROM {table} WHERE account_id = $1", account_id)
    await conn.execute(
        "UPDATE sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL",
        account_id,
        now,
    )
    if contact is not None:
        await conn.execute(
            "DELETE FROM verification_codes WHERE destination = ANY($1::text[])",
            [c for c in (contact["phone"], contact["email"]) if c],
        )
    await conn.execute(
        "UPDATE accounts SET phone = NULL, email = NULL, password_hash = '',"
        " display_name = '', disabled_at = coalesce(disabled_at, $2), deleted_at = $2"
        " WHERE id = $1",
        account_id,
        now,
    )


async def get_many(conn: Connection, account_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {PROFILE_COLUMNS} FROM candidate_profiles WHERE account_id = ANY($1::uuid[])",
        account_ids,
    )
    return {r["account_id"]: dict(r) for r in rows}
