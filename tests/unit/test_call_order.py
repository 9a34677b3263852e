"""The pure call order: classes first (due reservations, handoffs, walk-ins), then each
ticket's key, then id; tickets out of line are not in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.domain.queue import Ticket, TicketKind, TicketState, call_order

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def ticket(
    name: str, kind: TicketKind = TicketKind.WALK_IN, *, minute: int = 0, key: float | None = None
) -> Ticket:
    return Ticket(
        id=name,
        token=f"tok-{name}",
        candidate_id=f"cand-{name}",
        state=TicketState.WAITING,
        joined_at=T0 + timedelta(minutes=minute),
        kind=kind,
        call_key=key,
    )


def test_classes_come_before_keys() -> None:
    early_walk_in = ticket("a", minute=0)
    handoff = ticket("b", TicketKind.HANDOFF, minute=-60, key=T0.timestamp() + 600)
    reservation = ticket("c", TicketKind.RESERVATION, minute=5, key=T0.timestamp() + 900)
    late_walk_in = ticket("d", minute=3)
    order = call_order([late_walk_in, early_walk_in, handoff, reservation])
    assert [t.id for t in order] == ["c", "b", "a", "d"]


def test_walk_ins_without_a_key_go_by_join_time_then_id() -> None:
    order = call_order([ticket("z", minute=1), ticket("y", minute=1), ticket("x", minute=2)])
    assert [t.id for t in order] == ["y", "z", "x"]


def test_a_key_overrides_the_join_time_within_a_class() -> None:
    # The lane interleaving gives a later joiner an earlier key.
    first = ticket("a", minute=0, key=T0.timestamp() + 10)
    second = ticket("b", minute=1, key=T0.timestamp() + 5)
    assert [t.id for t in call_order([first, second])] == ["b", "a"]


def test_only_tickets_in_line_are_ordered() -> None:
    called = Ticket("c", "t", "k", TicketState.CALLED, T0)
    assert call_order([called, ticket("a")]) == [ticket("a")]
