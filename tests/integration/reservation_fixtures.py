"""What the reservation tests share: a July 2020 clock, booths with hours and slot
settings, running the timers that are due, and a booth with a long booking history."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import pytest
from aiohttp.test_utils import TestClient

from server.appkeys import POOL
from server.timers import FakeClock
from tests.helpers import Person, a_booth, quick_person

Client = TestClient[Any, Any]
TUESDAY = date(2020, 7, 7)  # inside the test fair (July 2020, Asia/Shanghai)
# Tuesday 09:00-11:30 fair time: ten 15-minute slots back to back (no buffer).
HOURS = [{"weekday": 2, "start": "09:00", "end": "11:30"}]
SETTINGS = {
    "enabled": True,
    "mode": "first_come",
    "capacity": 2,
    "buffer_minutes": 0,
    "opens_hours": 72,
    "closes_minutes": 30,
    "grace_minutes": 10,
}


def cst(day: date, hour: int, minute: int = 0) -> datetime:
    """A Beijing wall-clock time as an aware UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC) - timedelta(hours=8)


@pytest.fixture
def clock() -> FakeClock:
    """Monday 6 July 2020, 08:00 Beijing time: Tuesday's slots are open for booking."""
    return FakeClock(cst(date(2020, 7, 6), 8))


async def slotted_booth(
    client: Client, staff: Person, *, hours: list[dict[str, Any]] | None = None, **settings: Any
) -> UUID:
    """An approved booth with opening hours, staffed by ``staff``, who turns reservations
    on through the API with :data:`SETTINGS` (overridden by ``settings``)."""
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        booth_id = await a_booth(conn, [staff.account_id], slot_minutes=15)
        await conn.execute("UPDATE booths SET hours = $2 WHERE id = $1", booth_id, hours or HOURS)
    response = await staff.put(f"/api/booths/{booth_id}/slot-settings", {**SETTINGS, **settings})
    assert response.status == 200, await response.text()
    return booth_id


async def booth_at_nine(
    client: Client, staff_email: str, **settings: Any
) -> tuple[Person, UUID, str]:
    """Staff signed up as ``staff_email``, their :func:`slotted_booth` (``settings`` as
    there), and when its first Tuesday slot starts (09:00, as the API writes it)."""
    staff = await quick_person(client, staff_email)
    booth = await slotted_booth(client, staff, **settings)
    return staff, booth, (await slots(staff, booth))[0]["starts_at"]


async def slots(who: Person, booth_id: UUID, day: date = TUESDAY) -> list[dict[str, Any]]:
    response = await who.get(f"/api/booths/{booth_id}/slots?date={day.isoformat()}")
    assert response.status == 200, await response.text()
    items: list[dict[str, Any]] = (await response.json())["items"]
    return items


async def book(who: Person, booth_id: UUID, starts_at: str) -> Any:
    return await who.post(f"/api/booths/{booth_id}/bookings", {"starts_at": starts_at})


async def booking_history(conn: Any, staff: list[UUID] | None = None) -> tuple[UUID, UUID]:
    """A booth (staffed by ``staff``) whose slots of the twenty days before
    :data:`TUESDAY` were booked by 100 candidates (2,000 bookings, all ended), and one
    candidate with three live bookings of its slots that Tuesday and two ended ones;
    (booth, candidate). Statistics are fresh (``ANALYZE``), as after a day of bookings."""
    booth = await a_booth(conn, staff or [], slot_minutes=15)
    await conn.execute(
        "INSERT INTO accounts (id, email, password_hash, created_at)"
        " SELECT gen_random_uuid(), 'booker' || g || '@example.org', 'x', $1"
        "   FROM generate_series(0, 100) g",
        cst(TUESDAY, 8),
    )
    # 200 slots, one every 2.5 hours back from Tuesday 09:00; the last three that day.
    await conn.execute(
        """
        INSERT INTO reservation_slots (id, fair_id, booth_id, starts_at, ends_at, mode,
                                       capacity, opens_at, closes_at, grace_minutes, seed,
                                       seed_sha256, created_at)
        SELECT gen_random_uuid(), b.fair_id, b.id, s.at, s.at + interval '15 minutes',
               'first_come', 10, s.at - interval '3 days', s.at - interval '30 minutes', 10,
               'seed', 'sha', s.at - interval '3 days'
          FROM booths b,
               LATERAL (SELECT $2::timestamptz + (g - 198) * interval '150 minutes' AS at
                          FROM generate_series(1, 200) g) s
         WHERE b.id = $1
        """,
        booth,
        cst(TUESDAY, 9),
    )
    # Each slot booked by ten of the 100 (the candidate, booker0, only as said above).
    await conn.execute(
        """
        INSERT INTO bookings (id, slot_id, fair_id, booth_id, candidate_id, starts_at,
                              ends_at, fair_day, state, requested_at, changed_at)
        SELECT gen_random_uuid(), s.id, s.fair_id, s.booth_id, a.id, s.starts_at,
               s.ends_at, (s.starts_at AT TIME ZONE 'Asia/Shanghai')::date,
               CASE WHEN a.email = 'booker0@example.org' AND s.starts_at >= $2
                    THEN 'confirmed'
                    ELSE (ARRAY['cancelled', 'no_show', 'expired'])[1 + k % 3] END,
               s.opens_at, s.opens_at
          FROM (SELECT *, row_number() OVER (ORDER BY starts_at) AS n FROM reservation_slots
                 WHERE booth_id = $1) s,
               generate_series(1, 10) k,
               accounts a
         WHERE a.email = CASE WHEN s.n > 195 AND k = 1 THEN 'booker0@example.org'
                              ELSE 'booker' || 1 + (s.n * 7 + k * 13) % 100 || '@example.org'
                         END
        """,
        booth,
        cst(TUESDAY, 9),
    )
    await conn.execute("ANALYZE reservation_slots")
    await conn.execute("ANALYZE bookings")
    candidate: UUID = await conn.fetchval(
        "SELECT id FROM accounts WHERE email = 'booker0@example.org'"
    )
    return booth, candidate
