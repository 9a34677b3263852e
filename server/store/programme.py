"""The weekly programme (SQL): featured sessions, hosts, booths, late windows, followers,
calendar tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from server.store.db import Connection

SESSION_COLUMNS = """
    s.id, s.fair_id, s.venue_id, s.week, s.title, s.description, s.category,
    s.staffing_focus, s.target_groups, s.industries, s.partner_region, s.preferred_times,
    s.duration_minutes, s.expected_audience, s.state, s.return_reason, s.cancel_reason,
    s.created_by, s.created_at, s.updated_at, s.first_submitted_at, s.submitted_at,
    s.submitted_late, s.approved_at, s.starts_at, s.ends_at, s.stage, s.published_at,
    s.sequence, s.lobby_at, s.live_at, s.ended_at, s.cancelled_at,
    v.region_code, v.name_zh AS venue_name_zh, v.name_en AS venue_name_en,
    fa.time_zone AS time_zone,
    ARRAY(SELECT h.account_id FROM featured_session_hosts h
           WHERE h.session_id = s.id ORDER BY h.position) AS hosts,
    ARRAY(SELECT b.booth_id FROM featured_session_booths b
           WHERE b.session_id = s.id ORDER BY b.position) AS booths
"""
SESSION_FROM = (
    "featured_sessions s JOIN venues v ON v.id = s.venue_id JOIN fairs fa ON fa.id = s.fair_id"
)
# Columns a create or an edit may set directly.
FIELDS = (
    "week",
    "title",
    "description",
    "category",
    "staffing_focus",
    "target_groups",
    "industries",
    "partner_region",
    "preferred_times",
    "duration_minutes",
    "expected_audience",
)
# Columns the service's state changes set.
STATE_FIELDS = (
    "state",
    "return_reason",
    "cancel_reason",
    "first_submitted_at",
    "submitted_at",
    "submitted_late",
    "approved_at",
    "approved_by",
    "starts_at",
    "ends_at",
    "stage",
    "published_at",
    "lobby_at",
    "live_at",
    "ended_at",
    "cancelled_at",
)


async def insert_session(
    conn: Connection,
    *,
    session_id: UUID,
    fair_id: UUID,
    venue_id: UUID,
    fields: dict[str, Any],
    actor: UUID | None,
    now: datetime,
) -> None:
    names = [name for name in FIELDS if name in fields]
    columns = ["id", "fair_id", "venue_id", "state", "created_by", "created_at", "updated_at"]
    values: list[Any] = [session_id, fair_id, venue_id, "draft", actor, now, now]
    columns += names
    values += [fields[name] for name in names]
    placeholders = ", ".join(f"${i}" for i in range(1, len(values) + 1))
    await conn.execute(
        f"INSERT INTO featured_sessions ({', '.join(columns)}) VALUES ({placeholders})",
        *values,
    )


async def update_session(
    conn: Connection,
    session_id: UUID,
    fields: dict[str, Any],
    now: datetime,
    *,
    bump_sequence: bool = False,
) -> None:
    allowed = set(FIELDS) | set(STATE_FIELDS)
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not a session column: {sorted(unknown)}")
    assignments = ["updated_at = $2"]
    values: list[Any] = [session_id, now]
    for name, value in fields.items():
        values.append(value)
        assignments.append(f"{name} = ${len(values)}")
    if bump_sequence:
        assignments.append("sequence = sequence + 1")
    await conn.execute(
        f"UPDATE featured_sessions SET {', '.join(assignments)} WHERE id = $1", *values
    )


async def get_session(
    conn: Connection, session_id: UUID, *, for_update: bool = False
) -> dict[str, Any] | None:
    lock = " FOR UPDATE OF s" if for_update else ""
    row = await conn.fetchrow(
        f"SELECT {SESSION_COLUMNS} FROM {SESSION_FROM} WHERE s.id = $1{lock}", session_id
    )
    return None if row is None else dict(row)


async def list_sessions(
    conn: Connection,
    fair_id: UUID,
    *,
    week: int | None = None,
    venue_id: UUID | None = None,
    states: Sequence[str] | None = None,
    published: bool | None = None,
    overlapping: tuple[datetime, datetime] | None = None,
) -> list[dict[str, Any]]:
    """Sessions of a fair, by start time (unplaced last), then region order."""
    where = ["s.fair_id = $1"]
    values: list[Any] = [fair_id]

    def add(condition: str, value: Any) -> None:
        values.append(value)
        where.append(condition.replace("$?", f"${len(values)}"))

    if week is not None:
        add("s.week = $?", week)
    if venue_id is not None:
        add("s.venue_id = $?", venue_id)
    if states is not None:
        add("s.state = ANY($?::text[])", list(states))
    if published is True:
        where.append("s.published_at IS NOT NULL")
    elif published is False:
        where.append("s.published_at IS NULL")
    if overlapping is not None:
        add("s.starts_at < $?", overlapping[1])
        add("s.ends_at > $?", overlapping[0])
    rows = await conn.fetch(
        f"""
        SELECT {SESSION_COLUMNS} FROM {SESSION_FROM}
         WHERE {" AND ".join(where)}
         ORDER BY s.starts_at NULLS LAST, s.stage, v.position, s.id
        """,
        *values,
    )
    return [dict(r) for r in rows]


async def sessions_of_venue(
    conn: Connection, venue_id: UUID, week: int, *, for_update: bool = False
) -> list[dict[str, Any]]:
    lock = " FOR UPDATE OF s" if for_update else ""
    rows = await conn.fetch(
        f"SELECT {SESSION_COLUMNS} FROM {SESSION_FROM}"
        f" WHERE s.venue_id = $1 AND s.week = $2 ORDER BY s.created_at, s.id{lock}",
        venue_id,
        week,
    )
    return [dict(r) for r in rows]


async def set_hosts(conn: Connection, session_id: UUID, hosts: Sequence[UUID]) -> list[UUID]:
    """Replace the session's hosts; return those removed (their grants go too)."""
    removed = await conn.fetch(
        "DELETE FROM featured_session_hosts WHERE session_id = $1"
        " AND NOT (account_id = ANY($2::uuid[])) RETURNING account_id",
        session_id,
        list(hosts),
    )
    await conn.executemany(
        """
        INSERT INTO featured_session_hosts (session_id, account_id, position) VALUES ($1, $2, $3)
        ON CONFLICT (session_id, account_id) DO UPDATE SET position = EXCLUDED.position
        """,
        [(session_id, host, position) for position, host in enumerate(hosts)],
    )
    gone = [r["account_id"] for r in removed]
    if gone:
        await conn.execute(
            "DELETE FROM grants WHERE role = 'host' AND scope_type = 'session'"
            " AND scope_id = $1 AND account_id = ANY($2::uuid[])",
            session_id,
            gone,
        )
    return gone


async def set_booths(conn: Connection, session_id: UUID, booths: Sequence[UUID]) -> None:
    await conn.execute("DELETE FROM featured_session_booths WHERE session_id = $1", session_id)
    await conn.executemany(
        "INSERT INTO featured_session_booths (session_id, booth_id, position) VALUES ($1, $2, $3)",
        [(session_id, booth, position) for position, booth in enumerate(booths)],
    )


async def existing_accounts(conn: Connection, ids: Sequence[UUID]) -> set[UUID]:
    rows = await conn.fetch(
        "SELECT id FROM accounts WHERE id = ANY($1::uuid[]) AND disabled_at IS NULL", list(ids)
    )
    return {r["id"] for r in rows}


async def fair_booths(conn: Connection, fair_id: UUID, ids: Sequence[UUID]) -> set[UUID]:
    """Which of ``ids`` are approved booths of the fair."""
    rows = await conn.fetch(
        "SELECT id FROM booths WHERE id = ANY($1::uuid[]) AND fair_id = $2 AND status = 'approved'",
        list(ids),
        fair_id,
    )
    return {r["id"] for r in rows}


async def host_names(conn: Connection, ids: Sequence[UUID]) -> dict[UUID, str]:
    rows = await conn.fetch(
        "SELECT id, display_name FROM accounts WHERE id = ANY($1::uuid[])", list(ids)
    )
    return {r["id"]: r["display_name"] or str(r["id"]) for r in rows}


async def booth_names(conn: Connection, ids: Sequence[UUID]) -> dict[UUID, str]:
    rows = await conn.fetch(
        """
        SELECT b.id, COALESCE(NULLIF(b.title, ''), e.name, b.kind) AS name
          FROM booths b LEFT JOIN employers e ON e.id = b.employer_id
         WHERE b.id = ANY($1::uuid[])
        """,
        list(ids),
    )
    return {r["id"]: r["name"] for r in rows}


async def venue_admins(conn: Connection, venue_ids: Sequence[UUID]) -> list[tuple[UUID, UUID]]:
    """(venue id, account id) of every admin of the venues."""
    rows = await conn.fetch(
        """
        SELECT g.scope_id, g.account_id FROM grants g JOIN accounts a ON a.id = g.account_id
         WHERE g.role = 'venue_admin' AND g.scope_type = 'venue'
           AND g.scope_id = ANY($1::uuid[]) AND a.disabled_at IS NULL
         ORDER BY g.scope_id, g.account_id
        """,
        list(venue_ids),
    )
    return [(r["scope_id"], r["account_id"]) for r in rows]


async def late_windows(conn: Connection, fair_id: UUID, week: int) -> dict[UUID, datetime]:
    rows = await conn.fetch(
        """
        SELECT w.venue_id, w.until FROM programme_late_windows w
          JOIN venues v ON v.id = w.venue_id
         WHERE v.fair_id = $1 AND w.week = $2
        """,
        fair_id,
        week,
    )
    return {r["venue_id"]: r["until"] for r in rows}


async def late_window(conn: Connection, venue_id: UUID, week: int) -> datetime | None:
    until: datetime | None = await conn.fetchval(
        "SELECT until FROM programme_late_windows WHERE venue_id = $1 AND week = $2",
        venue_id,
        week,
    )
    return until


async def open_late_windows(
    conn: Connection, venue_id: UUID, now: datetime
) -> list[tuple[int, datetime]]:
    """The venue's late windows still open at ``now``, by week."""
    rows = await conn.fetch(
        "SELECT week, until FROM programme_late_windows WHERE venue_id = $1 AND until > $2"
        " ORDER BY week",
        venue_id,
        now,
    )
    return [(r["week"], r["until"]) for r in rows]


async def put_late_window(
    conn: Connection, venue_id: UUID, week: int, until: datetime, actor: UUID | None, now: datetime
) -> None:
    await conn.execute(
        """
        INSERT INTO programme_late_windows (venue_id, week, until, opened_by, opened_at)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (venue_id, week) DO UPDATE
           SET until = EXCLUDED.until, opened_by = EXCLUDED.opened_by,
               opened_at = EXCLUDED.opened_at
        """,
        venue_id,
        week,
        until,
        actor,
        now,
    )


async def follow(conn: Connection, session_id: UUID, account_id: UUID, now: datetime) -> None:
    await conn.execute(
        "INSERT INTO session_followers (session_id, account_id, created_at) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        session_id,
        account_id,
        now,
    )


async def unfollow(conn: Connection, session_id: UUID, account_id: UUID) -> None:
    await conn.execute(
        "DELETE FROM session_followers WHERE session_id = $1 AND account_id = $2",
        session_id,
        account_id,
    )


async def followers(conn: Connection, session_id: UUID) -> list[UUID]:
    rows = await conn.fetch(
        "SELECT f.account_id FROM session_followers f JOIN accounts a ON a.id = f.account_id"
        " WHERE f.session_id = $1 AND a.disabled_at IS NULL ORDER BY f.account_id",
        session_id,
    )
    return [r["account_id"] for r in rows]


async def is_following(conn: Connection, session_id: UUID, account_id: UUID) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM session_followers WHERE session_id = $1 AND account_id = $2",
        session_id,
        account_id,
    )
    return found is not None


async def followed_among(
    conn: Connection, account_id: UUID, session_ids: Sequence[UUID]
) -> set[UUID]:
    """Which of ``session_ids`` the account follows."""
    rows = await conn.fetch(
        "SELECT session_id FROM session_followers"
        " WHERE account_id = $1 AND session_id = ANY($2::uuid[])",
        account_id,
        list(session_ids),
    )
    return {r["session_id"] for r in rows}


async def followed_sessions(conn: Connection, account_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"""
        SELECT {SESSION_COLUMNS} FROM {SESSION_FROM}
          JOIN session_followers f ON f.session_id = s.id
         WHERE f.account_id = $1 AND s.published_at IS NOT NULL
         ORDER BY s.starts_at, s.id
        """,
        account_id,
    )
    return [dict(r) for r in rows]


async def hosted_sessions(
    conn: Connection, account_id: UUID, *, open_states: Sequence[str], over_states: Sequence[str]
) -> list[dict[str, Any]]:
    """The sessions an account hosts, of every fair, with their venue's names and fair's
    zone: open ones (``open_states``) first, then the rest by start (unplaced last), then
    those over (``over_states``), the latest first."""
    rows = await conn.fetch(
        """
        SELECT s.id, s.fair_id, s.venue_id, v.name_zh AS venue_name_zh,
               v.name_en AS venue_name_en, fa.time_zone, s.title, s.state, s.starts_at,
               s.ends_at, s.duration_minutes
          FROM featured_session_hosts h
          JOIN featured_sessions s ON s.id = h.session_id
          JOIN venues v ON v.id = s.venue_id
          JOIN fairs fa ON fa.id = s.fair_id
         WHERE h.account_id = $1
         ORDER BY s.state = ANY($2::text[]) DESC, s.state = ANY($3::text[]),
                  CASE WHEN s.state = ANY($3::text[]) THEN NULL ELSE s.starts_at END NULLS LAST,
                  CASE WHEN s.state = ANY($3::text[])
                       THEN COALESCE(s.starts_at, s.cancelled_at, s.updated_at) END DESC,
                  s.week, s.created_at, s.id
        """,
        account_id,
        list(open_states),
        list(over_states),
    )
    return [dict(r) for r in rows]


async def put_calendar_token(
    conn: Connection, account_id: UUID, token_hash: bytes, now: datetime
) -> None:
    await conn.execute(
        """
        INSERT INTO calendar_tokens (account_id, token_hash, created_at) VALUES ($1, $2, $3)
        ON CONFLICT (account_id) DO UPDATE
           SET token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at
        """,
        account_id,
        token_hash,
        now,
    )


async def calendar_token_created(conn: Connection, account_id: UUID) -> datetime | None:
    """When the account's calendar URL was made; None if it has none."""
    created: datetime | None = await conn.fetchval(
        "SELECT created_at FROM calendar_tokens WHERE account_id = $1", account_id
    )
    return created


async def delete_calendar_token(conn: Connection, account_id: UUID) -> bool:
    deleted = await conn.fetchval(
        "DELETE FROM calendar_tokens WHERE account_id = $1 RETURNING true", account_id
    )
    return deleted is True


async def account_for_calendar(conn: Connection, token_hash: bytes) -> UUID | None:
    account: UUID | None = await conn.fetchval(
        "SELECT t.account_id FROM calendar_tokens t JOIN accounts a ON a.id = t.account_id"
        " WHERE t.token_hash = $1 AND a.disabled_at IS NULL",
        token_hash,
    )
    return account
