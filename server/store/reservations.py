"""Reservations in PostgreSQL: slot settings, booked slots and bookings (SQL only).

Locks, always taken in this order (``ReservationService`` follows it): the candidate's
``accounts`` row (their quotas), then the slot's ``reservation_slots`` row (its places),
then — when a booking becomes a ticket — the booth's queue row (``QueueService``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from server.domain.slots import LIVE, SlotMode, SlotSettings
from server.store.db import Connection, literal_in, set_state

SETTINGS_COLUMNS = (
    "enabled, mode, capacity, buffer_minutes, opens_hours, closes_minutes, grace_minutes"
)
SLOT_COLUMNS = (
    "id, fair_id, booth_id, starts_at, ends_at, mode, capacity, taken, opens_at, closes_at,"
    " grace_minutes, seed, seed_sha256, drawn_at, started_at, settled_at"
)
BOOKING_COLUMNS = (
    "id, slot_id, fair_id, booth_id, candidate_id, starts_at, ends_at, fair_day, state,"
    " draw_rank, ticket_id, requested_at, confirmed_at, changed_at"
)
LIVE_STATES = [s.value for s in LIVE]

# The candidate's live bookings, through the partial index on them (with
# ``state = ANY($2)`` a generic plan finds no index on the candidate and reads every
# booking of the fair).
HELD_BY = (
    f"SELECT {BOOKING_COLUMNS} FROM bookings"
    f" WHERE candidate_id = $1 AND state IN {literal_in(LIVE)}"
)


def settings_of(row: Any) -> SlotSettings:
    if row is None:
        return SlotSettings()
    return SlotSettings(
        enabled=row["enabled"],
        mode=SlotMode(row["mode"]),
        capacity=row["capacity"],
        buffer_minutes=row["buffer_minutes"],
        opens_hours=row["opens_hours"],
        closes_minutes=row["closes_minutes"],
        grace_minutes=row["grace_minutes"],
    )


async def booth(conn: Connection, booth_id: UUID) -> dict[str, Any] | None:
    """A public booth with what slots are made from: hours, slot length, the fair's zone
    and dates, and its slot settings (defaults when it never set any)."""
    row = await conn.fetchrow(
        f"""
        SELECT b.id, b.fair_id, b.hours, b.slot_minutes, f.time_zone, f.starts_on, f.ends_on,
               s.booth_id IS NOT NULL AS configured, {
            ", ".join(f"s.{c.strip()}" for c in SETTINGS_COLUMNS.split(","))
        }
          FROM booths b JOIN fairs f ON f.id = b.fair_id
          LEFT JOIN employers e ON e.id = b.employer_id
          LEFT JOIN booth_slot_settings s ON s.booth_id = b.id
         WHERE b.id = $1 AND b.status = 'approved'
           AND (b.employer_id IS NULL OR e.verified_at IS NOT NULL)
        """,
        booth_id,
    )
    if row is None:
        return None
    found = dict(row)
    found["settings"] = settings_of(row if row["configured"] else None)
    return found


def settings_values(settings: SlotSettings) -> tuple[Any, ...]:
    """The settings as the values of :data:`SETTINGS_COLUMNS`, in order."""
    return (
        settings.enabled,
        settings.mode.value,
        settings.capacity,
        settings.buffer_minutes,
        settings.opens_hours,
        settings.closes_minutes,
        settings.grace_minutes,
    )


async def put_settings(
    conn: Connection, booth_id: UUID, settings: SlotSettings, account_id: UUID, now: datetime
) -> None:
    await conn.execute(
        f"""
        INSERT INTO booth_slot_settings (booth_id, {SETTINGS_COLUMNS}, updated_by, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT (booth_id) DO UPDATE SET
          enabled = EXCLUDED.enabled, mode = EXCLUDED.mode, capacity = EXCLUDED.capacity,
          buffer_minutes = EXCLUDED.buffer_minutes, opens_hours = EXCLUDED.opens_hours,
          closes_minutes = EXCLUDED.closes_minutes, grace_minutes = EXCLUDED.grace_minutes,
          updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
        """,
        booth_id,
        *settings_values(settings),
        account_id,
        now,
    )


async def slots_between(
    conn: Connection, booth_id: UUID, start: datetime, end: datetime, viewer: UUID | None
) -> list[dict[str, Any]]:
    """The booth's booked slots starting in [start, end), with their counts and the
    viewer's own live booking (and wait-list place) if any."""
    rows = await conn.fetch(
        f"""
        SELECT {", ".join(f"s.{c.strip()}" for c in SLOT_COLUMNS.split(","))},
               (SELECT count(*) FROM bookings k WHERE k.slot_id = s.id
                   AND k.state = 'requested') AS requests,
               (SELECT count(*) FROM bookings k WHERE k.slot_id = s.id
                   AND k.state = 'waitlisted') AS waitlist,
               m.id AS my_booking, m.state AS my_state,
               CASE WHEN m.state = 'waitlisted' THEN (
                 SELECT count(*) + 1 FROM bookings k WHERE k.slot_id = s.id
                    AND k.state = 'waitlisted' AND k.draw_rank < m.draw_rank) END AS my_place
          FROM reservation_slots s
          LEFT JOIN bookings m ON m.slot_id = s.id AND m.candidate_id = $4
                              AND m.state = ANY($5::text[])
         WHERE s.booth_id = $1 AND s.starts_at >= $2 AND s.starts_at < $3
         ORDER BY s.starts_at
        """,
        booth_id,
        start,
        end,
        viewer,
        LIVE_STATES,
    )
    return [dict(r) for r in rows]


async def lock_candidate(conn: Connection, candidate_id: UUID) -> None:
    """Serialise one candidate's bookings (quotas and overlaps) across nodes."""
    await conn.execute("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", candidate_id)


async def lock_slot(conn: Connection, slot_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT {SLOT_COLUMNS} FROM reservation_slots WHERE id = $1 FOR UPDATE", slot_id
    )
    return None if row is None else dict(row)


async def create_slot(conn: Connection, values: dict[str, Any]) -> bool:
    """Make the slot's row (its first booking); False if another request made it first."""
    created = await conn.fetchval(
        """
        INSERT INTO reservation_slots (id, fair_id, booth_id, starts_at, ends_at, mode,
                                       capacity, opens_at, closes_at, grace_minutes, seed,
                                       seed_sha256, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        ON CONFLICT DO NOTHING RETURNING true
        """,
        values["id"],
        values["fair_id"],
        values["booth_id"],
        values["starts_at"],
        values["ends_at"],
        values["mode"],
        values["capacity"],
        values["opens_at"],
        values["closes_at"],
        values["grace_minutes"],
        values["seed"],
        values["seed_sha256"],
        values["created_at"],
    )
    return created is True


async def held_by(conn: Connection, candidate_id: UUID) -> list[dict[str, Any]]:
    """The candidate's live bookings (for quotas and overlaps)."""
    rows = await conn.fetch(HELD_BY, candidate_id)
    return [dict(r) for r in rows]


async def take_places(conn: Connection, slot_id: UUID, places: int) -> bool:
    """Take ``places`` of the slot's places if there are that many free (the row's CHECK
    refuses more than its capacity even if this WHERE were wrong)."""
    taken = await conn.fetchval(
        "UPDATE reservation_slots SET taken = taken + $2 WHERE id = $1"
        " AND taken + $2 <= capacity RETURNING true",
        slot_id,
        places,
    )
    return taken is True


async def free_place(conn: Connection, slot_id: UUID) -> None:
    await conn.execute("UPDATE reservation_slots SET taken = taken - 1 WHERE id = $1", slot_id)


async def insert_booking(conn: Connection, values: dict[str, Any]) -> dict[str, Any]:
    row = await conn.fetchrow(
        f"""
        INSERT INTO bookings (id, slot_id, fair_id, booth_id, candidate_id, starts_at, ends_at,
                              fair_day, state, requested_at, confirmed_at, changed_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10)
        RETURNING {BOOKING_COLUMNS}
        """,
        values["id"],
        values["slot_id"],
        values["fair_id"],
        values["booth_id"],
        values["candidate_id"],
        values["starts_at"],
        values["ends_at"],
        values["fair_day"],
        values["state"],
        values["now"],
        values.get("confirmed_at"),
    )
    assert row is not None
    return dict(row)


async def get_booking(
    conn: Connection, booking_id: UUID, *, for_update: bool = False
) -> dict[str, Any] | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(
        f"SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1{lock}", booking_id
    )
    return None if row is None else dict(row)


async def set_booking(
    conn: Connection, booking_id: UUID, state: str, now: datetime, **fields: Any
) -> dict[str, Any]:
    return await set_state(conn, "bookings", booking_id, state, now, BOOKING_COLUMNS, **fields)


async def bookings_of_slot(
    conn: Connection, slot_id: UUID, states: list[str]
) -> list[dict[str, Any]]:
    """The slot's bookings in these states: draw order first, then booking order."""
    rows = await conn.fetch(
        f"SELECT {BOOKING_COLUMNS} FROM bookings WHERE slot_id = $1 AND state = ANY($2::text[])"
        " ORDER BY draw_rank NULLS LAST, requested_at, id",
        slot_id,
        states,
    )
    return [dict(r) for r in rows]


async def waitlist_head(conn: Connection, slot_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        f"SELECT {BOOKING_COLUMNS} FROM bookings WHERE slot_id = $1 AND state = 'waitlisted'"
        " ORDER BY draw_rank, id LIMIT 1 FOR UPDATE",
        slot_id,
    )
    return None if row is None else dict(row)


async def mark_slot(conn: Connection, slot_id: UUID, column: str, now: datetime) -> None:
    assert column in ("drawn_at", "started_at", "settled_at")
    await conn.execute(f"UPDATE reservation_slots SET {column} = $2 WHERE id = $1", slot_id, now)


# $1 candidate, $2 the first fair day. Through bookings_candidate_day_idx (0022).
CANDIDATE_BOOKINGS = f"""
SELECT {", ".join(f"k.{c.strip()}" for c in BOOKING_COLUMNS.split(","))},
       s.mode, coalesce(nullif(b.title, ''), e.name, '') AS booth_name,
       CASE WHEN k.state = 'waitlisted' THEN (
         SELECT count(*) + 1 FROM bookings o WHERE o.slot_id = k.slot_id
            AND o.state = 'waitlisted' AND o.draw_rank < k.draw_rank) END AS place
  FROM bookings k JOIN reservation_slots s ON s.id = k.slot_id
  JOIN booths b ON b.id = k.booth_id LEFT JOIN employers e ON e.id = b.employer_id
 WHERE k.candidate_id = $1 AND k.fair_day >= $2
 ORDER BY k.starts_at, k.id
"""


async def candidate_bookings(
    conn: Connection, candidate_id: UUID, since: date
) -> list[dict[str, Any]]:
    """The candidate's bookings of slots on fair days from ``since`` on, with the
    booth's name and their wait-list place."""
    rows = await conn.fetch(
        CANDIDATE_BOOKINGS,
        candidate_id,
        since,
    )
    return [dict(r) for r in rows]


async def booth_bookings(
    conn: Connection, booth_id: UUID, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Every booking of the booth's slots starting in [start, end), in the order its staff
    read them per slot: places held (confirmed, admitted) by booking time, the wait-list
    in draw order, lottery requests by booking time, then those that ended. Wait-listed
    bookings carry their ``place`` (1 = next to move up)."""
    rows = await conn.fetch(
        f"""
        SELECT {BOOKING_COLUMNS},
               CASE WHEN state = 'waitlisted' THEN row_number() OVER (
                 PARTITION BY slot_id, state = 'waitlisted' ORDER BY draw_rank, id) END AS place
          FROM bookings
         WHERE slot_id IN (SELECT id FROM reservation_slots
                            WHERE booth_id = $1 AND starts_at >= $2 AND starts_at < $3)
         ORDER BY starts_at,
                  CASE state WHEN 'confirmed' THEN 0 WHEN 'admitted' THEN 0
                             WHEN 'waitlisted' THEN 1 WHEN 'requested' THEN 2 ELSE 3 END,
                  CASE WHEN state = 'waitlisted' THEN draw_rank END,
                  requested_at, id
        """,
        booth_id,
        start,
        end,
    )
    return [dict(r) for r in rows]


async def slot_counts(conn: Connection, slot_id: UUID) -> dict[str, Any]:
    """A slot's public figures: places taken and free, lottery requests, the wait-list."""
    row = await conn.fetchrow(
        """
        SELECT s.starts_at, s.taken, s.capacity - s.taken AS free,
               count(*) FILTER (WHERE k.state = 'requested') AS requests,
               count(*) FILTER (WHERE k.state = 'waitlisted') AS waitlist
          FROM reservation_slots s LEFT JOIN bookings k ON k.slot_id = s.id
         WHERE s.id = $1
         GROUP BY s.id
        """,
        slot_id,
    )
    assert row is not None
    return dict(row)
