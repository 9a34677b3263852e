"""Employers, their logos, staff grants and recruiter invitations (SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from server.ids import uuid7
from server.store import search as search_store
from server.store.db import Connection, Params

EMPLOYER_COLUMNS = """
    e.id, e.name, e.credit_code, e.type, e.industry, e.region_code, e.size, e.description,
    e.website, e.created_at, e.updated_at, e.verified_at, e.verified_by,
    encode(l.sha256, 'hex') AS logo_sha256
"""
EMPLOYER_FROM = "employers e LEFT JOIN employer_logos l ON l.employer_id = e.id"
# Fields an employer admin edits; changing one of VERIFIED_FIELDS clears verification.
EDITABLE = ("name", "credit_code", "type", "industry", "region_code", "size", "description",
            "website")  # fmt: skip
VERIFIED_FIELDS = frozenset({"name", "credit_code", "region_code"})


@dataclass(frozen=True, slots=True)
class Viewer:
    """What a principal may see beyond the public: employers they work for, regions
    they administer, and whether they organise (any fair: organisers see everything)."""

    account_id: UUID | None = None
    employer_ids: tuple[UUID, ...] = ()
    regions: tuple[str, ...] = ()
    venue_ids: tuple[UUID, ...] = ()
    fair_ids: tuple[UUID, ...] = ()
    everything: bool = False


PUBLIC = Viewer()


async def insert_employer(
    conn: Connection, fields: dict[str, Any], *, created_by: UUID | None, now: datetime
) -> UUID:
    employer_id = uuid7()
    await conn.execute(
        """
        INSERT INTO employers (id, name, credit_code, type, industry, region_code, size,
                               description, website, created_by, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
        """,
        employer_id,
        fields["name"],
        fields["credit_code"],
        fields["type"],
        fields["industry"],
        fields["region_code"],
        fields["size"],
        fields.get("description", ""),
        fields.get("website", ""),
        created_by,
        now,
    )
    await search_store.index_employer(conn, employer_id)
    return employer_id


async def get_employer(
    conn: Connection, employer_id: UUID, *, for_update: bool = False
) -> dict[str, Any] | None:
    lock = " FOR UPDATE OF e" if for_update else ""
    row = await conn.fetchrow(
        f"SELECT {EMPLOYER_COLUMNS} FROM {EMPLOYER_FROM} WHERE e.id = $1{lock}", employer_id
    )
    return None if row is None else dict(row)


async def credit_code_taken(conn: Connection, credit_code: str, other_than: UUID | None) -> bool:
    taken = await conn.fetchval(
        "SELECT true FROM employers WHERE credit_code = $1 AND id IS DISTINCT FROM $2",
        credit_code,
        other_than,
    )
    return taken is True


async def list_employers(
    conn: Connection,
    viewer: Viewer,
    *,
    region: str | None = None,
    type_: str | None = None,
    industry: str | None = None,
    verified: bool | None = None,
    text: str | None = None,
    mine: bool = False,
    after: UUID | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Employers the viewer may see, oldest first, ``limit`` after the cursor ``after``."""
    clauses = [
        """(e.verified_at IS NOT NULL OR e.id = ANY($1::uuid[]) OR e.region_code = ANY($2::text[])
            OR $3::boolean)"""
    ]
    params = Params([list(viewer.employer_ids), list(viewer.regions), viewer.everything])
    if mine:
        clauses.append("e.id = ANY($1::uuid[])")
    clauses += params.equal(("e.region_code", region), ("e.type", type_), ("e.industry", industry))
    if verified is not None:
        clauses.append("e.verified_at IS NOT NULL" if verified else "e.verified_at IS NULL")
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = params.add("%" + escaped + "%")
        clauses.append(f"(e.name ILIKE {pattern} OR e.credit_code = {params.add(text)})")
    if after is not None:
        clauses.append(f"e.id > {params.add(after)}")
    rows = await conn.fetch(
        f"""
        SELECT {EMPLOYER_COLUMNS} FROM {EMPLOYER_FROM}
         WHERE {" AND ".join(clauses)}
         ORDER BY e.id LIMIT {params.add(limit)}
        """,
        *params,
    )
    return [dict(row) for row in rows]


async def update_employer(
    conn: Connection, employer_id: UUID, changes: dict[str, Any], *, now: datetime
) -> bool:
    """Apply ``changes`` (EDITABLE fields); returns True if verification was cleared."""
    assert set(changes) <= set(EDITABLE)
    current = await conn.fetchrow(
        "SELECT name, credit_code, region_code, verified_at FROM employers WHERE id = $1",
        employer_id,
    )
    assert current is not None
    resets = current["verified_at"] is not None and any(
        field in changes and changes[field] != current[field] for field in VERIFIED_FIELDS
    )
    assignments = [f"{field} = ${n}" for n, field in enumerate(changes, start=3)]
    assignments.append("updated_at = $2")
    if resets:
        assignments += ["verified_at = NULL", "verified_by = NULL"]
    await conn.execute(
        f"UPDATE employers SET {', '.join(assignments)} WHERE id = $1",
        employer_id,
        now,
        *changes.values(),
    )
    await search_store.index_employer(conn, employer_id)
    return resets


async def set_verified(
    conn: Connection, employer_id: UUID, *, by: UUID | None, at: datetime | None
) -> None:
    await conn.execute(
        "UPDATE employers SET verified_at = $2, verified_by = $3 WHERE id = $1",
        employer_id,
        at,
        by,
    )


# -- logos ----------------------------------------------------------------------------


async def put_logo(
    conn: Connection,
    employer_id: UUID,
    *,
    media_type: str,
    width: int,
    height: int,
    content: bytes,
    sha256: bytes,
    uploaded_by: UUID | None,
    now: datetime,
) -> None:
    await conn.execute(
        """
        INSERT INTO employer_logos (employer_id, media_type, width, height, content, sha256,
                                    uploaded_by, uploaded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (employer_id) DO UPDATE
           SET media_type = EXCLUDED.media_type, width = EXCLUDED.width,
               height = EXCLUDED.height, content = EXCLUDED.content, sha256 = EXCLUDED.sha256,
               uploaded_by = EXCLUDED.uploaded_by, uploaded_at = EXCLUDED.uploaded_at
        """,
        employer_id,
        media_type,
        width,
        height,
        content,
        sha256,
        uploaded_by,
        now,
    )


async def get_logo(conn: Connection, employer_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT media_type, width, height, content, sha256, uploaded_at"
        " FROM employer_logos WHERE employer_id = $1",
        employer_id,
    )
    return None if row is None else dict(row)


async def delete_logo(conn: Connection, employer_id: UUID) -> bool:
    deleted = await conn.fetchval(
        "DELETE FROM employer_logos WHERE employer_id = $1 RETURNING true", employer_id
    )
    return deleted is True


# -- staff ----------------------------------------------------------------------------


async def list_staff(conn: Connection, employer_id: UUID) -> list[dict[str, Any]]:
    """The employer's admins and recruiters, one row per (account, role)."""
    rows = await conn.fetch(
        """
        SELECT a.id AS account_id, a.display_name, g.role, g.created_at AS since
          FROM grants g JOIN accounts a ON a.id = g.account_id
         WHERE g.scope_type = 'employer' AND g.scope_id = $1
         ORDER BY g.role, g.created_at, a.id
        """,
        employer_id,
    )
    return [dict(row) for row in rows]


async def remove_recruiter(conn: Connection, employer_id: UUID, account_id: UUID) -> bool:
    """Take the recruiter role away and the account off the employer's booths."""
    removed = await conn.fetchval(
        """
        DELETE FROM grants
         WHERE account_id = $1 AND role = 'recruiter' AND scope_type = 'employer'
           AND scope_id = $2
        RETURNING true
        """,
        account_id,
        employer_id,
    )
    if removed is not True:
        return False
    await conn.execute(
        """
        DELETE FROM booth_staff s USING booths b
         WHERE s.booth_id = b.id AND b.employer_id = $1 AND s.account_id = $2
           AND NOT EXISTS (SELECT 1 FROM grants g
                            WHERE g.account_id = $2 AND g.role = 'employer_admin'
                              AND g.scope_type = 'employer' AND g.scope_id = $1)
        """,
        employer_id,
        account_id,
    )
    return True


# -- invitations ----------------------------------------------------------------------


async def insert_invitation(
    conn: Connection,
    employer_id: UUID,
    *,
    code_hash: bytes,
    note: str,
    created_by: UUID | None,
    now: datetime,
    expires_at: datetime,
) -> UUID:
    invitation_id = uuid7()
    await conn.execute(
        """
        INSERT INTO recruiter_invitations (id, employer_id, code_hash, note, created_by,
                                           created_at, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """,
        invitation_id,
        employer_id,
        code_hash,
        note,
        created_by,
        now,
        expires_at,
    )
    return invitation_id


async def invitation_by_hash(conn: Connection, code_hash: bytes) -> dict[str, Any] | None:
    """The invitation with this code, locked until the transaction ends."""
    row = await conn.fetchrow(
        """
        SELECT id, employer_id, expires_at, accepted_at FROM recruiter_invitations
         WHERE code_hash = $1 FOR UPDATE
        """,
        code_hash,
    )
    return None if row is None else dict(row)


async def accept_invitation(
    conn: Connection, invitation_id: UUID, account_id: UUID, now: datetime
) -> None:
    await conn.execute(
        "UPDATE recruiter_invitations SET accepted_by = $2, accepted_at = $3 WHERE id = $1",
        invitation_id,
        account_id,
        now,
    )


async def pending_invitations(
    conn: Connection, employer_id: UUID, now: datetime
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT id, note, created_at, expires_at FROM recruiter_invitations
         WHERE employer_id = $1 AND accepted_at IS NULL AND expires_at > $2
         ORDER BY created_at, id
        """,
        employer_id,
        now,
    )
    return [dict(row) for row in rows]
