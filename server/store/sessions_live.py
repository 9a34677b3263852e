"""Featured sessions live (SQL): chat, questions and votes, restrictions, viewings, peaks."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from server.store.db import Connection

MESSAGE_COLUMNS = """
    m.id, m.session_id, m.author_id, coalesce(a.display_name, '') AS author_name, m.text,
    m.at, m.event_seq, m.deleted_at
"""
MESSAGE_FROM = "session_chat_messages m LEFT JOIN accounts a ON a.id = m.author_id"
QUESTION_COLUMNS = """
    q.id, q.session_id, q.author_id, coalesce(a.display_name, '') AS author_name, q.text,
    q.asked_at, q.votes, q.answered_at
"""
QUESTION_FROM = "session_questions q LEFT JOIN accounts a ON a.id = q.author_id"


async def session_state(conn: Connection, session_id: UUID) -> str | None:
    """The featured session's state, or None if ``session_id`` is no featured session."""
    state: str | None = await conn.fetchval(
        "SELECT state FROM featured_sessions WHERE id = $1", session_id
    )
    return state


async def ingest_active(conn: Connection, session_id: UUID) -> bool:
    """A WHIP publisher is connected to the session's broadcast (on some node)."""
    value = await conn.fetchval(
        "SELECT ingest_session IS NOT NULL FROM broadcasts WHERE id = $1", session_id
    )
    return bool(value)


# -- chat -------------------------------------------------------------------------------


async def insert_message(
    conn: Connection, message_id: UUID, session_id: UUID, author_id: UUID, text: str, at: datetime
) -> dict[str, Any]:
    await conn.execute(
        """
        INSERT INTO session_chat_messages (id, session_id, author_id, text, at)
        VALUES ($1, $2, $3, $4, $5)
        """,
        message_id,
        session_id,
        author_id,
        text,
        at,
    )
    row = await get_message(conn, session_id, message_id)
    assert row is not None
    return row


async def set_message_seq(conn: Connection, message_id: UUID, seq: int) -> None:
    await conn.execute(
        "UPDATE session_chat_messages SET event_seq = $2 WHERE id = $1", message_id, seq
    )


async def get_message(
    conn: Connection, session_id: UUID, message_id: UUID, *, for_update: bool = False
) -> dict[str, Any] | None:
    lock = " FOR UPDATE OF m" if for_update else ""
    row = await conn.fetchrow(
        f"SELECT {MESSAGE_COLUMNS} FROM {MESSAGE_FROM} WHERE m.id = $1 AND m.session_id = $2{lock}",
        message_id,
        session_id,
    )
    return None if row is None else dict(row)


async def mark_deleted(conn: Connection, message_id: UUID, by: UUID, at: datetime) -> None:
    await conn.execute(
        "UPDATE session_chat_messages SET deleted_at = $3, deleted_by = $2 WHERE id = $1",
        message_id,
        by,
        at,
    )


async def erase_author(
    conn: Connection, account_id: UUID, at: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A deleted account's chat messages (marked deleted, by nobody) and questions (gone,
    with their votes): what each was, to redact its events."""
    messages = await conn.fetch(
        "UPDATE session_chat_messages SET deleted_at = $2, deleted_by = NULL"
        " WHERE author_id = $1 AND deleted_at IS NULL RETURNING id, session_id, event_seq",
        account_id,
        at,
    )
    questions = await conn.fetch(
        "DELETE FROM session_questions WHERE author_id = $1 RETURNING id, session_id",
        account_id,
    )
    return [dict(r) for r in messages], [dict(r) for r in questions]


async def question_seq(conn: Connection, topic: str, question_id: UUID) -> int | None:
    """The seq of a question's ``question.asked`` event on its session's topic."""
    seq: int | None = await conn.fetchval(
        "SELECT seq FROM events WHERE topic = $1 AND type = 'question.asked' AND data->>'id' = $2",
        topic,
        str(question_id),
    )
    return seq


async def recent_messages(
    conn: Connection, session_id: UUID, limit: int, before: UUID | None = None
) -> list[dict[str, Any]]:
    """The latest ``limit`` undeleted messages (before ``before`` if given), oldest first."""
    rows = await conn.fetch(
        f"""
        SELECT * FROM (
            SELECT {MESSAGE_COLUMNS} FROM {MESSAGE_FROM}
             WHERE m.session_id = $1 AND m.deleted_at IS NULL
               AND ($3::uuid IS NULL OR (m.at, m.id) < (
                    SELECT at, id FROM session_chat_messages WHERE id = $3))
             ORDER BY m.at DESC, m.id DESC LIMIT $2
        ) recent ORDER BY at, id
        """,
        session_id,
        limit,
        before,
    )
    return [dict(r) for r in rows]


# -- questions --------------------------------------------------------------------------


async def insert_question(
    conn: Connection, question_id: UUID, session_id: UUID, author_id: UUID, text: str, at: datetime
) -> dict[str, Any]:
    await conn.execute(
        """
        INSERT INTO session_questions (id, session_id, author_id, text, asked_at)
        VALUES ($1, $2, $3, $4, $5)
        """,
        question_id,
        session_id,
        author_id,
        text,
        at,
    )
    row = await get_question(conn, session_id, question_id)
    assert row is not None
    return row


async def get_question(
    conn: Connection, session_id: UUID, question_id: UUID, *, for_update: bool = False
) -> dict[str, Any] | None:
    lock = " FOR UPDATE OF q" if for_update else ""
    row = await conn.fetchrow(
        f"SELECT {QUESTION_COLUMNS} FROM {QUESTION_FROM} WHERE q.id = $1 AND q.session_id = $2"
        f"{lock}",
        question_id,
        session_id,
    )
    return None if row is None else dict(row)


async def questions(conn: Connection, session_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {QUESTION_COLUMNS} FROM {QUESTION_FROM} WHERE q.session_id = $1", session_id
    )
    return [dict(r) for r in rows]


async def add_vote(conn: Connection, question_id: UUID, account_id: UUID, at: datetime) -> bool:
    """Record the account's vote; False if it had voted already (nothing changes)."""
    added = await conn.fetchval(
        """
        INSERT INTO session_question_votes (question_id, account_id, at) VALUES ($1, $2, $3)
        ON CONFLICT DO NOTHING RETURNING true
        """,
        question_id,
        account_id,
        at,
    )
    if added:
        await conn.execute(
            "UPDATE session_questions SET votes = votes + 1 WHERE id = $1", question_id
        )
    return added is True


# $1 session, $2 account: through session_question_votes_account_idx (0023).
VOTED = """
SELECT v.question_id FROM session_question_votes v
  JOIN session_questions q ON q.id = v.question_id
 WHERE q.session_id = $1 AND v.account_id = $2
"""


async def voted(conn: Connection, session_id: UUID, account_id: UUID) -> set[UUID]:
    """The session's questions the account voted for."""
    rows = await conn.fetch(VOTED, session_id, account_id)
    return {r["question_id"] for r in rows}


async def mark_answered(conn: Connection, question_id: UUID, by: UUID, at: datetime) -> bool:
    """Mark the question answered; False if it was already."""
    done = await conn.fetchval(
        """
        UPDATE session_questions SET answered_at = $3, answered_by = $2
         WHERE id = $1 AND answered_at IS NULL RETURNING true
        """,
        question_id,
        by,
        at,
    )
    return done is True


# -- restrictions -----------------------------------------------------------------------


async def restrictions(
    conn: Connection, session_id: UUID, account_id: UUID
) -> list[tuple[str, datetime | None]]:
    rows = await conn.fetch(
        "SELECT kind, until FROM session_restrictions WHERE session_id = $1 AND account_id = $2",
        session_id,
        account_id,
    )
    return [(r["kind"], r["until"]) for r in rows]


async def restricted(conn: Connection, session_id: UUID, now: datetime) -> list[dict[str, Any]]:
    """Who is muted (until a time not yet passed, or for the session) or banned in the
    session, with their display names, oldest restriction first."""
    rows = await conn.fetch(
        """
        SELECT r.account_id, coalesce(a.display_name, '') AS name,
               bool_or(r.kind = 'mute') AS muted,
               max(r.until) FILTER (WHERE r.kind = 'mute') AS muted_until,
               bool_or(r.kind = 'ban') AS banned
          FROM session_restrictions r LEFT JOIN accounts a ON a.id = r.account_id
         WHERE r.session_id = $1 AND (r.until IS NULL OR r.until > $2)
         GROUP BY r.account_id, a.display_name
         ORDER BY min(r.created_at), r.account_id
        """,
        session_id,
        now,
    )
    return [dict(r) for r in rows]


async def put_restriction(
    conn: Connection,
    session_id: UUID,
    account_id: UUID,
    kind: str,
    until: datetime | None,
    by: UUID,
    at: datetime,
) -> None:
    await conn.execute(
        """
        INSERT INTO session_restrictions (session_id, account_id, kind, until, created_by,
                                          created_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (session_id, account_id, kind) DO UPDATE
           SET until = EXCLUDED.until, created_by = EXCLUDED.created_by,
               created_at = EXCLUDED.created_at
        """,
        session_id,
        account_id,
        kind,
        until,
        by,
        at,
    )


async def delete_restriction(
    conn: Connection, session_id: UUID, account_id: UUID, kind: str
) -> bool:
    gone = await conn.fetchval(
        """
        DELETE FROM session_restrictions WHERE session_id = $1 AND account_id = $2 AND kind = $3
        RETURNING true
        """,
        session_id,
        account_id,
        kind,
    )
    return gone is True


async def account_exists(conn: Connection, account_id: UUID) -> bool:
    return bool(await conn.fetchval("SELECT 1 FROM accounts WHERE id = $1", account_id))


# -- statistics -------------------------------------------------------------------------


async def record_viewing(
    conn: Connection,
    session_id: UUID,
    viewer: str,
    account_id: UUID | None,
    now: datetime,
    cap_seconds: int,
) -> None:
    """Upsert the viewer's row; a repeat heartbeat adds the time since the last (capped)."""
    await conn.execute(
        """
        INSERT INTO session_viewings AS v
               (session_id, viewer, account_id, first_seen_at, last_seen_at)
        VALUES ($1, $2, $3, $4, $4)
        ON CONFLICT (session_id, viewer) DO UPDATE
           SET watch_seconds = v.watch_seconds + LEAST(GREATEST(
                   floor(extract(epoch FROM (EXCLUDED.last_seen_at - v.last_seen_at))), 0), $5
               )::integer,
               last_seen_at = GREATEST(v.last_seen_at, EXCLUDED.last_seen_at)
        """,
        session_id,
        viewer,
        account_id,
        now,
        cap_seconds,
    )


async def raise_peak(conn: Connection, session_id: UUID, viewers: int, at: datetime) -> None:
    """Keep the larger of the stored peak and ``viewers``, if the session is live."""
    await conn.execute(
        """
        INSERT INTO session_peaks (session_id, peak_viewers, peak_at)
        SELECT $1, $2, $3 FROM featured_sessions WHERE id = $1 AND state = 'live'
        ON CONFLICT (session_id) DO UPDATE
           SET peak_viewers = EXCLUDED.peak_viewers, peak_at = EXCLUDED.peak_at
         WHERE session_peaks.peak_viewers < EXCLUDED.peak_viewers
        """,
        session_id,
        viewers,
        at,
    )


async def stats(conn: Connection, session_id: UUID) -> dict[str, Any]:
    row = await conn.fetchrow(
        """
        SELECT
          coalesce((SELECT peak_viewers FROM session_peaks WHERE session_id = $1), 0) AS peak,
          (SELECT count(*) FROM session_viewings WHERE session_id = $1) AS unique_viewers,
          (SELECT count(*) FROM session_viewings
            WHERE session_id = $1 AND viewer LIKE 'a:%') AS signed_in,
          (SELECT coalesce(sum(watch_seconds), 0) FROM session_viewings
            WHERE session_id = $1) AS watch_seconds,
          (SELECT count(*) FROM session_chat_messages WHERE session_id = $1) AS messages,
          (SELECT count(*) FROM session_questions WHERE session_id = $1) AS questions
        """,
        session_id,
    )
    assert row is not None
    return dict(row)


async def moderates(
    conn: Connection, account_id: UUID, fair_id: UUID, venue_id: UUID, hosts: list[UUID]
) -> bool:
    """Whether the account is one of the session's moderators (as stored in grants)."""
    if account_id in hosts:
        return True
    found = await conn.fetchval(
        """
        SELECT 1 FROM grants WHERE account_id = $1
           AND ((role = 'venue_admin' AND scope_id = $3) OR (role = 'organiser' AND scope_id = $2))
        """,
        account_id,
        fair_id,
        venue_id,
    )
    return found is not None


async def ensure_broadcast(
    conn: Connection,
    session_id: UUID,
    fair_id: UUID,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
) -> None:
    """The session's broadcast (same id), created or moved to the session's times; locked."""
    await conn.execute(
        """
        INSERT INTO broadcasts (id, fair_id, title, starts_at, ends_at)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (id) DO UPDATE
           SET title = EXCLUDED.title, starts_at = EXCLUDED.starts_at,
               ends_at = EXCLUDED.ends_at
        """,
        session_id,
        fair_id,
        title,
        starts_at,
        ends_at,
    )
