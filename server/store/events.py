"""The outbox: events appended in the caller's transaction, read back for replay."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server.store.db import Connection


@dataclass(frozen=True, slots=True)
class NewEvent:
    topic: str
    type: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Event:
    topic: str
    seq: int
    type: str
    data: dict[str, Any]
    at: datetime


async def append_events(conn: Connection, events: Sequence[NewEvent], now: datetime) -> list[Event]:
    """Append events to their topics inside the caller's transaction.

    All of the transaction's topic rows are bumped by one statement in sorted order, so
    two transactions touching the same topics lock them in the same order (no deadlock);
    the row lock then holds other writers of those topics until this one commits, which
    makes each topic's seq contiguous in commit order.
    """
    if not events:
        return []
    counts = Counter(e.topic for e in events)
    names = sorted(counts)
    rows = await conn.fetch(
        """
        INSERT INTO topics (topic, seq, changed_at)
        SELECT t, n, $3 FROM unnest($1::text[], $2::bigint[]) AS u(t, n) ORDER BY t
        ON CONFLICT (topic) DO UPDATE
           SET seq = topics.seq + EXCLUDED.seq, changed_at = EXCLUDED.changed_at
        RETURNING topic, seq
        """,
        names,
        [counts[n] for n in names],
        now,
    )
    next_seq = {row["topic"]: row["seq"] - counts[row["topic"]] + 1 for row in rows}
    out: list[Event] = []
    for event in events:
        seq = next_seq[event.topic]
        next_seq[event.topic] = seq + 1
        out.append(Event(event.topic, seq, event.type, event.data, now))
    await conn.executemany(
        "INSERT INTO events (topic, seq, type, data, at) VALUES ($1, $2, $3, $4, $5)",
        [(e.topic, e.seq, e.type, e.data, e.at) for e in out],
    )
    return out


async def current_seq(conn: Connection, topic: str) -> int:
    seq = await conn.fetchval("SELECT seq FROM topics WHERE topic = $1", topic)
    return int(seq or 0)


async def current_seqs(conn: Connection, topics: Sequence[str]) -> dict[str, int]:
    rows = await conn.fetch(
        "SELECT topic, seq FROM topics WHERE topic = ANY($1::text[])", list(topics)
    )
    found = {row["topic"]: int(row["seq"]) for row in rows}
    return {t: found.get(t, 0) for t in topics}


async def events_after(
    conn: Connection, topic: str, after: int, *, until: int | None = None, limit: int = 10_000
) -> list[Event]:
    rows = await conn.fetch(
        """
        SELECT topic, seq, type, data, at FROM events
         WHERE topic = $1 AND seq > $2 AND ($3::bigint IS NULL OR seq <= $3)
         ORDER BY seq LIMIT $4
        """,
        topic,
        after,
        until,
        limit,
    )
    return [Event(r["topic"], r["seq"], r["type"], r["data"], r["at"]) for r in rows]


async def oldest_seq(conn: Connection, topic: str) -> int | None:
    """The first seq still stored for the topic (older ones were pruned)."""
    value = await conn.fetchval("SELECT min(seq) FROM events WHERE topic = $1", topic)
    return None if value is None else int(value)


async def mark_published(conn: Connection, published: dict[str, int]) -> None:
    if not published:
        return
    names = sorted(published)
    await conn.execute(
        """
        INSERT INTO topics_published (topic, seq)
        SELECT t, s FROM unnest($1::text[], $2::bigint[]) AS u(t, s) ORDER BY t
        ON CONFLICT (topic) DO UPDATE SET seq = GREATEST(topics_published.seq, EXCLUDED.seq)
        """,
        names,
        [published[n] for n in names],
    )


async def unpublished(
    conn: Connection, older_than: datetime, newer_than: datetime, limit: int = 100
) -> list[Event]:
    """Events of recently changed topics whose publication was never recorded (the relay)."""
    rows = await conn.fetch(
        """
        SELECT e.topic, e.seq, e.type, e.data, e.at
          FROM (SELECT t.topic, coalesce(p.seq, 0) AS published, t.seq
                  FROM topics t LEFT JOIN topics_published p ON p.topic = t.topic
                 WHERE t.changed_at < $1 AND t.changed_at >= $2
                   AND t.seq > coalesce(p.seq, 0)
                 ORDER BY t.changed_at LIMIT $3) t
          JOIN events e ON e.topic = t.topic AND e.seq > t.published AND e.seq <= t.seq
         ORDER BY e.topic, e.seq
        """,
        older_than,
        newer_than,
        limit,
    )
    return [Event(r["topic"], r["seq"], r["type"], r["data"], r["at"]) for r in rows]


async def prune(conn: Connection, before: datetime) -> int:
    """Delete events older than ``before``; return how many."""
    status = await conn.execute("DELETE FROM events WHERE at < $1", before)
    return int(status.split()[-1])


REDACTS = "redacts"
"""An event whose data has ``"redacts": <seq>`` replaces that earlier event's data by
:func:`redacted` — here in PostgreSQL (:func:`redact`, in the same transaction) and in
every node's in-memory resume history (:class:`server.realtime.hub.Hub`)."""


def redacted(data: dict[str, Any]) -> dict[str, Any]:
    """What a redacted event keeps: its ``id`` only."""
    return {"id": data.get("id"), "redacted": True}


async def redact(conn: Connection, topic: str, seq: int) -> bool:
    """Replace the stored data of event ``seq`` of ``topic``; False if it was pruned."""
    done = await conn.fetchval(
        """
        UPDATE events SET data = jsonb_build_object('id', data->'id', 'redacted', true)
         WHERE topic = $1 AND seq = $2 RETURNING true
        """,
        topic,
        seq,
    )
    return done is True
