"""Key-group and general lanes interleave by the booth's ratio, first come first served
within a lane, and a lane that stood empty banks no credit (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.lanes import (
    HANDOFF_WINDOW,
    LaneRatio,
    LaneSetting,
    advanced,
    claimable,
    handoff_refusal,
    lane_for,
    needs_accept,
    walk_in_key,
)
from server.domain.queue import Lane, Ticket, TicketKind, TicketState, call_order

NOW = datetime(2020, 7, 1, 2, 0, tzinfo=UTC)
G, K = Lane.GENERAL, Lane.KEY_GROUP


@dataclass
class Booth:
    """One booth's walk-in line as the service keeps it: keys fixed at join, the virtual
    time advanced by each call in order."""

    ratio: LaneRatio = field(default_factory=LaneRatio)
    vtime: float = 0.0
    line: list[Ticket] = field(default_factory=list)
    joined: int = 0

    def join(self, lane: Lane) -> str:
        last = max((t.call_key for t in self.line if t.lane == lane), default=None)
        self.joined += 1
        name = f"{lane.value[0]}{self.joined:03d}"
        self.line.append(
            Ticket(
                id=name,
                token=name,
                candidate_id=name,
                state=TicketState.WAITING,
                joined_at=NOW + timedelta(seconds=self.joined),
                lane=lane,
                call_key=walk_in_key(self.vtime, last, self.ratio.step(lane)),
            )
        )
        return name

    def call(self) -> Ticket:
        first = call_order(self.line)[0]
        self.line.remove(first)
        assert first.call_key is not None
        self.vtime = advanced(self.vtime, first.call_key)
        return first

    def lanes_called(self, n: int) -> str:
        return "".join("k" if self.call().lane == K else "g" for _ in range(n))


def test_with_both_lanes_full_one_to_one_alternates() -> None:
    booth = Booth()
    for _ in range(6):
        booth.join(G)
    for _ in range(6):
        booth.join(K)
    called = booth.lanes_called(12)
    assert all(called[i : i + 2] in ("gk", "kg") for i in range(0, 12, 2)), called


@pytest.mark.parametrize(
    ("ratio", "turn"),
    [
        (LaneRatio(key_group=2, general=1), ["g", "k", "k"]),
        (LaneRatio(key_group=1, general=3), ["g", "g", "g", "k"]),
    ],
)
def test_each_turn_calls_as_many_of_each_lane_as_the_ratio_says(
    ratio: LaneRatio, turn: list[str]
) -> None:
    booth = Booth(ratio)
    turns = 4
    for _ in range(turns * ratio.general):
        booth.join(G)
    for _ in range(turns * ratio.key_group):
        booth.join(K)
    size = len(turn)
    called = booth.lanes_called(turns * size)
    for i in range(0, turns * size, size):
        assert sorted(called[i : i + size]) == turn, called


def test_an_idle_lane_banks_no_credit() -> None:
    """The key-group lane stood empty while ten general tickets were called: key-group
    candidates who come now share the line 1:1 from now on, not ten in a row."""
    booth = Booth()
    for _ in range(20):
        booth.join(G)
    assert booth.lanes_called(10) == "g" * 10
    for _ in range(6):
        booth.join(K)
    called = booth.lanes_called(8)
    assert called.count("k") == 4, called
    assert "kk" not in called, called


def test_a_lone_lane_is_first_come_first_served() -> None:
    booth = Booth()
    names = [booth.join(K) for _ in range(5)]
    assert [booth.call().id for _ in range(5)] == names


@given(
    ratio=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    steps=st.lists(st.sampled_from(["g", "k", "call"]), max_size=60),
)
def test_within_a_lane_the_order_is_the_join_order(
    ratio: tuple[int, int], steps: list[str]
) -> None:
    booth = Booth(LaneRatio(*ratio))
    called: list[Ticket] = []
    for step in steps:
        if step == "call":
            if booth.line:
                called.append(booth.call())
        else:
            booth.join(K if step == "k" else G)
    for lane in (G, K):
        mine = [t for t in called + call_order(booth.line) if t.lane == lane]
        assert [t.joined_at for t in mine] == sorted(t.joined_at for t in mine)


@given(
    ratio=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    backlog=st.integers(1, 30),
)
def test_with_both_lanes_backlogged_each_gets_its_share(
    ratio: tuple[int, int], backlog: int
) -> None:
    """Over any stretch of calls while both lanes wait, each lane gets its share of the
    calls within one ticket (what the ratio promises)."""
    kw, gw = ratio
    booth = Booth(LaneRatio(kw, gw))
    for _ in range(backlog * gw):
        booth.join(G)
    for _ in range(backlog * kw):
        booth.join(K)
    called = booth.lanes_called(backlog * (kw + gw))
    for n in range(1, len(called) + 1):
        share = called[:n].count("k")
        assert abs(share - n * kw / (kw + gw)) <= 1, (called, n)


def test_weights_are_bounded() -> None:
    with pytest.raises(ValueError, match="lane weights"):
        LaneRatio(0, 1)
    with pytest.raises(ValueError, match="lane weights"):
        LaneRatio(1, 11)


def test_the_key_group_lane_needs_a_matching_group_and_the_consent_to_show_it() -> None:
    lane = LaneSetting(frozenset({"graduates", "laid_off"}))
    assert lane_for(lane, ["graduates"], shares_groups=True) is K
    assert lane_for(lane, ["graduates"], shares_groups=False) is G
    assert lane_for(lane, ["unemployed"], shares_groups=True) is G
    assert lane_for(LaneSetting(), ["graduates"], shares_groups=True) is G


def test_only_another_employer_needs_the_candidates_accept() -> None:
    assert needs_accept("e1", "e2")
    assert needs_accept("e1", None)
    assert not needs_accept("e1", "e1")
    assert not needs_accept(None, None)


def refusal(**changes: object) -> str | None:
    facts: dict[str, object] = {
        "state": "done",
        "started": True,
        "ended_at": NOW - timedelta(minutes=1),
        "now": NOW,
        "same_fair": True,
        "same_booth": False,
        "colleague": None,
        "by": "r1",
        "colleague_is_staff": False,
    }
    facts.update(changes)
    return handoff_refusal(**facts)  # type: ignore[arg-type]


def test_a_handoff_follows_an_interview_in_the_same_fair() -> None:
    assert refusal() is None
    assert refusal(state="in_interview") == "handoff.not_after_interview"
    assert refusal(state="done", started=False) == "handoff.not_after_interview"
    assert refusal(state="removed") == "handoff.not_after_interview"
    assert refusal(ended_at=NOW - HANDOFF_WINDOW - timedelta(seconds=1)) == "handoff.too_late"
    assert refusal(same_fair=False) == "handoff.other_fair"
    assert refusal(same_booth=True) == "handoff.colleague_required"
    assert refusal(same_booth=True, colleague="r1") == "handoff.to_self"
    assert refusal(same_booth=True, colleague="r2") == "handoff.not_staff"
    assert refusal(same_booth=True, colleague="r2", colleague_is_staff=True) is None


def waiting(name: str, kind: TicketKind, **fields: object) -> Ticket:
    return Ticket(
        id=name,
        token=name,
        candidate_id=name,
        state=TicketState.WAITING,
        joined_at=NOW,
        kind=kind,
        call_key=NOW.timestamp(),
        **fields,  # type: ignore[arg-type]
    )


def test_a_held_handoff_is_the_named_colleagues_until_the_hold_ends() -> None:
    until = NOW + timedelta(minutes=1)
    held = waiting("h", TicketKind.HANDOFF, held_for="r2", held_until=until)
    walk_in = waiting("w", TicketKind.WALK_IN)
    assert claimable([held, walk_in], "r2", NOW, only_handoffs=False) == [held, walk_in]
    assert claimable([held, walk_in], "r1", NOW, only_handoffs=False) == [walk_in]
    assert claimable([held, walk_in], "r1", until, only_handoffs=False) == [held, walk_in]


def test_a_recruiter_taking_only_handoffs_skips_walk_ins() -> None:
    line = [
        waiting("r", TicketKind.RESERVATION),
        waiting("h", TicketKind.HANDOFF),
        waiting("w", TicketKind.WALK_IN),
    ]
    assert [t.id for t in claimable(line, "r1", NOW, only_handoffs=True)] == ["r", "h"]
    assert [t.id for t in claimable(line, "r1", NOW, only_handoffs=False)] == ["r", "h", "w"]
