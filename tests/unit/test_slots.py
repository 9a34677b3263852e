"""Reservations, pure: slot generation, booking windows, quotas and the lottery."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.booths import Hours
from server.domain.queue import TicketState
from server.domain.slots import (
    BookingState,
    Held,
    Quotas,
    Slot,
    SlotSettings,
    Window,
    day_bounds,
    draw,
    draw_order,
    fair_day,
    no_show_outcome,
    quota_refusal,
    seed_hash,
    slots_on,
    window_at,
)

SHANGHAI = "Asia/Shanghai"
MONDAY = date(2020, 7, 6)
WEEKDAYS = [Hours(time(9), time(12), weekday=1), Hours(time(14), time(17), weekday=1)]


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time as UTC (8 hours ahead, no DST)."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC) - timedelta(hours=8)


def test_slots_fill_each_opening_interval_with_buffers_between_them() -> None:
    slots = slots_on(WEEKDAYS, MONDAY, SHANGHAI, slot_minutes=20, buffer_minutes=10)
    # 09:00-12:00 is 180 minutes: slots start every 30 minutes, the last at 11:30.
    morning = [s for s in slots if s.starts_at < utc(MONDAY, 12)]
    assert [s.starts_at for s in morning] == [
        utc(MONDAY, 9) + timedelta(minutes=30 * i) for i in range(6)
    ]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=20) for s in slots)
    assert len(slots) == 12
    assert slots[6].starts_at == utc(MONDAY, 14)


def test_a_remainder_too_short_for_a_slot_is_not_offered() -> None:
    hours = [Hours(time(9), time(9, 50), weekday=1)]
    slots = slots_on(hours, MONDAY, SHANGHAI, slot_minutes=15, buffer_minutes=5)
    assert [s.starts_at for s in slots] == [utc(MONDAY, 9), utc(MONDAY, 9, 20)]
    assert slots[-1].ends_at == utc(MONDAY, 9, 35)  # 09:40-09:55 would end after 09:50


def test_a_dates_own_hours_replace_its_weekdays() -> None:
    special = [*WEEKDAYS, Hours(time(10), time(11), on_date=MONDAY)]
    slots = slots_on(special, MONDAY, SHANGHAI, slot_minutes=30, buffer_minutes=0)
    assert [s.starts_at for s in slots] == [utc(MONDAY, 10), utc(MONDAY, 10, 30)]
    assert slots_on(special, MONDAY + timedelta(days=1), SHANGHAI, 30, 0) == []


def test_slots_follow_daylight_saving_in_the_fairs_zone() -> None:
    # Berlin moves to summer time on 2020-03-29 at 02:00: 09:00 is 07:00 UTC that day.
    hours = [Hours(time(9), time(10), on_date=date(2020, 3, 29))]
    (slot,) = slots_on(hours, date(2020, 3, 29), "Europe/Berlin", 60, 0)
    assert slot.starts_at == datetime(2020, 3, 29, 7, tzinfo=UTC)


def test_fair_days_and_their_bounds_are_in_fair_time() -> None:
    late = datetime(2020, 7, 6, 17, 30, tzinfo=UTC)  # 01:30 on the 7th in Shanghai
    assert fair_day(late, SHANGHAI) == date(2020, 7, 7)
    start, end = day_bounds(date(2020, 7, 7), SHANGHAI)
    assert start <= late < end
    assert end - start == timedelta(days=1)


def test_the_booking_window_opens_and_closes_relative_to_the_slot() -> None:
    slot = Slot(utc(MONDAY, 10), utc(MONDAY, 10, 15))
    opens_at, closes_at = slot.window(SlotSettings(opens_hours=24, closes_minutes=30))
    assert opens_at == utc(MONDAY, 10) - timedelta(days=1)
    assert closes_at == utc(MONDAY, 9, 30)
    assert window_at(opens_at, closes_at, opens_at - timedelta(seconds=1)) is Window.NOT_OPEN
    assert window_at(opens_at, closes_at, opens_at) is Window.OPEN
    assert window_at(opens_at, closes_at, closes_at) is Window.CLOSED  # exclusive


def held(booth: str, day: date, hour: int, minutes: int = 15) -> Held:
    start = utc(day, hour)
    return Held(booth, start, start + timedelta(minutes=minutes), day)


def test_quotas_refuse_overlaps_then_per_booth_then_per_day() -> None:
    quotas = Quotas(per_booth=1, per_day=2)
    mine = [held("a", MONDAY, 9)]
    assert quota_refusal(mine, held("b", MONDAY, 9, 30), quotas) == "booking.overlap"
    assert quota_refusal(mine, held("a", MONDAY, 11), quotas) == "booking.quota_booth"
    assert quota_refusal(mine, held("b", MONDAY, 11), quotas) is None
    two = [*mine, held("b", MONDAY, 11)]
    assert quota_refusal(two, held("c", MONDAY, 14), quotas) == "booking.quota_day"
    assert quota_refusal(two, held("c", MONDAY + timedelta(days=1), 14), quotas) is None


def test_back_to_back_slots_do_not_overlap() -> None:
    mine = [held("a", MONDAY, 9, minutes=60)]
    assert quota_refusal(mine, held("b", MONDAY, 10), Quotas()) is None


REQUESTS = [f"req-{i:03d}" for i in range(40)]


@given(st.text(min_size=1, max_size=40), st.permutations(REQUESTS))
def test_the_same_seed_draws_the_same_order_whatever_order_requests_came_in(
    seed: str, shuffled: list[str]
) -> None:
    assert draw_order(seed, shuffled) == draw_order(seed, REQUESTS)
    result = draw(seed, shuffled, 5)
    assert result.winners == draw_order(seed, REQUESTS)[:5]
    assert result.waitlist == draw_order(seed, REQUESTS)[5:]


def test_different_seeds_draw_different_orders_and_the_commitment_reveals_nothing() -> None:
    orders = {tuple(draw_order(f"seed-{n}", REQUESTS)) for n in range(20)}
    assert len(orders) == 20
    assert seed_hash("abc") == seed_hash("abc") != seed_hash("abd")
    assert "abc" not in seed_hash("abc")


def test_a_draw_with_more_places_than_requests_takes_everyone() -> None:
    result = draw("s", ["a", "b"], 5)
    assert sorted(result.winners) == ["a", "b"]
    assert result.waitlist == []
    assert draw("s", ["a"], 0).waitlist == ["a"]


@pytest.mark.parametrize(("requesters", "places"), [(10, 3), (25, 1)])
def test_every_requester_is_equally_likely_to_win(requesters: int, places: int) -> None:
    """Over many seeds each requester's wins are Binomial(n, places/requesters): every
    count must fall within 4.5 standard deviations, and so must the count of draws each
    requester heads (the seeds are fixed, so the test is deterministic; a draw favouring
    early or late requesters, or one id over another, falls far outside)."""
    seeds = 4000
    ids = [f"booking-{i}" for i in range(requesters)]
    wins = dict.fromkeys(ids, 0)
    first_place = dict.fromkeys(ids, 0)
    for n in range(seeds):
        result = draw(f"{n:08x}", ids, places)
        for winner in result.winners:
            wins[winner] += 1
        first_place[draw_order(f"{n:08x}", ids)[0]] += 1
    p = places / requesters
    mean, sd = seeds * p, math.sqrt(seeds * p * (1 - p))
    assert all(abs(count - mean) <= 4.5 * sd for count in wins.values()), wins
    q = 1 / requesters
    mean1, sd1 = seeds * q, math.sqrt(seeds * q * (1 - q))
    assert all(abs(count - mean1) <= 4.5 * sd1 for count in first_place.values()), first_place
    assert sum(wins.values()) == seeds * places


NOW = datetime(2020, 7, 7, 1, 10, tzinfo=UTC)
AWAY_BEFORE = NOW - timedelta(minutes=2)


@pytest.mark.parametrize(
    ("state", "started", "passes", "away_since", "outcome"),
    [
        (TicketState.DONE, True, 0, None, None),  # they came
        (TicketState.IN_INTERVIEW, True, 1, None, None),
        (TicketState.WAITING, False, 0, None, None),  # connected, not called yet
        (TicketState.NOTIFIED, False, 0, NOW - timedelta(minutes=1), None),  # briefly away
        (TicketState.WAITING, False, 1, None, BookingState.NO_SHOW),  # missed a call
        (TicketState.WAITING, False, 0, NOW - timedelta(minutes=5), BookingState.NO_SHOW),
        (TicketState.EXPIRED, False, 2, None, BookingState.NO_SHOW),  # two calls unanswered
        (TicketState.LEFT, False, 0, None, BookingState.CANCELLED),
        (TicketState.REMOVED, False, 0, None, None),  # staff's decision stands
        (TicketState.CALLED, False, 0, None, None),  # ringing right now
    ],
)
def test_a_no_show_is_someone_who_missed_their_call_or_stayed_away(
    state: TicketState,
    started: bool,
    passes: int,
    away_since: datetime | None,
    outcome: BookingState | None,
) -> None:
    found = no_show_outcome(
        state, started=started, passes=passes, away_since=away_since, away_before=AWAY_BEFORE
    )
    assert found is outcome
