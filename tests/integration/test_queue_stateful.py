"""A hypothesis state machine over the queue service and a real database.

Rules: candidates join and leave lines at 3 booths, 2 recruiters (one staffing all three
booths, the other the third) go available, call, are answered or declined, time out,
complete; candidates disconnect and come back, time passes beyond the grace period
(interrupting interviews of the away, passing them over when called), interrupted ones
are called again; lines open and close. Issue 8's part: two booths have a key-group lane
(ratios 2:1 and 1:1) that candidates with a matching key group join when they share it
or agree at the join; candidates book slots whose tickets are admitted when the slot is
due (``admit_within``, as the ``reservation.start`` timer does); recruiters hand
candidates off after interviews (to a colleague, held for them; to a booth of the same
employer, at once; to another employer's, once the candidate accepts — or declines, or
lets it expire); recruiters switch "only handoffs" on and off. After every step the
invariants a user would notice must hold:

* never two calls at once for a candidate or a recruiter;
* each line is in call order — the pure ``call_order`` of its tickets — and its positions
  are contiguous; each lane is first come, first served;
* every call-next took the ticket the pure specification says (``claimable``: the line
  minus the busy, the held for a colleague and, for "only handoffs", walk-ins; the away
  passed over); every join got the lane and key the pure ``lane_for`` / ``walk_in_key``
  give;
* no ticket is lost: every ticket ever issued is either in a line, in a call, or ended
  in a final state; every admitted handoff is a ticket in the target line that keeps the
  original join time;
* the per-fair limit of lines per candidate holds for walk-ins (handoffs and due
  reservations are admitted whatever it).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from server.bus.memory import MemoryBus
from server.domain.lanes import LaneRatio, LaneSetting, claimable, lane_for, walk_in_key
from server.domain.queue import (
    ACTIVE,
    BUSY,
    FINAL,
    IN_LINE,
    Lane,
    QueueStatus,
    StaffStatus,
    Ticket,
    TicketKind,
    TicketState,
    away_too_long,
    call_order,
)
from server.errors import Problem
from server.realtime.outbox import Outbox
from server.realtime.presence import MemoryPresenceStore, Presence
from server.services.handoffs import EXPIRE_KIND, HandoffService
from server.services.queue import (
    DAY_CLOSE_KIND,
    GRACE_KIND,
    NOTIFY_KIND,
    RING_KIND,
    QueueService,
)
from server.store import db
from server.timers import FakeClock, TimerRegistry, TimerRunner
from tests.helpers import a_booth

CANDIDATES = 6
SEEN: set[str] = set()  # ticket states reached over all examples
KINDS_SEEN: set[str] = set()  # ticket kinds and lanes called over all examples
EXPECTED = {
    "queue.closed", "queue.full", "queue.already_joined", "queue.limit", "queue.empty",
    "queue.staff_busy", "queue.wrong_state", "ticket.not_found", "auth.forbidden",
    "queue.not_present", "queue.not_available", "handoff.not_after_interview",
    "handoff.too_late", "handoff.colleague_required", "handoff.to_self", "handoff.not_staff",
    "handoff.already", "handoff.already_in_line", "handoff.answered", "handoff.expired",
}  # fmt: skip
# Candidates' declared key groups and whether they share them with recruiters.
PROFILES = [
    (["graduates"], True),
    (["graduates"], False),
    (["laid_off", "graduates"], True),
    (["laid_off"], False),
    ([], False),
    ([], False),
]
LANES = [LaneSetting(frozenset({"graduates"}), LaneRatio(2, 1)),
         LaneSetting(frozenset({"laid_off"}), LaneRatio(1, 1)),
         LaneSetting()]  # fmt: skip


def as_ticket(row: Any) -> Ticket:
    """A ticket row as the pure functions see it (``busy`` and ``away`` if selected)."""
    return Ticket(
        id=str(row["id"]),
        token=row["token"],
        candidate_id=str(row["candidate_id"]),
        state=TicketState(row["state"]),
        joined_at=row["joined_at"],
        busy_elsewhere=row.get("busy", False),
        away_since=row.get("away"),
        kind=TicketKind(row["kind"]),
        lane=Lane(row["lane"]),
        call_key=row["call_key"],
        held_for=None if row["held_for"] is None else str(row["held_for"]),
        held_until=row["held_until"],
    )


class QueueMachine(RuleBasedStateMachine):
    def __init__(self, dsn: str) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.clock = FakeClock(datetime(2020, 7, 1, 1, 0, tzinfo=UTC))
        self.pool = self.run(db.create_pool(dsn, min_size=1, max_size=2))
        self.presence = Presence(MemoryPresenceStore(), "test")
        self.service_outbox = Outbox(self.pool, MemoryBus(), self.clock)
        self.service = QueueService(self.pool, self.service_outbox, self.clock, self.presence)
        registry = TimerRegistry()
        registry.register(RING_KIND, self.service.on_ring_timeout)
        registry.register(NOTIFY_KIND, self.service.on_notify)
        registry.register(GRACE_KIND, self.service.on_grace)
        registry.register(DAY_CLOSE_KIND, self.service.on_day_close)
        self.handoffs = HandoffService(self.pool, self.service_outbox, self.clock, self.service)
        registry.register(EXPIRE_KIND, self.handoffs.on_expire)
        self.runner = TimerRunner(self.pool, registry, self.clock)
        self.issued: set[UUID] = set()
        self.order: dict[UUID, int] = {}  # walk-ins: the order they joined in
        self.bookings: list[tuple[datetime, UUID, UUID]] = []  # (slot start, booth, who)
        self.states: set[str] = set()  # ticket states now (refreshed after every step)
        self.has_pending = False  # a handoff waits for its candidate's answer
        self.seen: set[str] = set()  # every state reached in this example
        self.run(self._setup())

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    async def _setup(self) -> None:
        async with self.pool.acquire() as conn:
            await conn.execute(
                "TRUNCATE tickets, booth_queues, staff_status, queue_watchers, timers,"
                " booth_staff, booths, employers, venues, fairs, grants, sessions, accounts,"
                " events, topics, notifications CASCADE"
            )
            now = self.clock.now()
            ids = []
            for i in range(2 + CANDIDATES):
                account = await conn.fetchval(
                    "INSERT INTO accounts (id, email, password_hash, created_at)"
                    " VALUES (gen_random_uuid(), $1, 'x', $2) RETURNING id",
                    f"sm{i}@example.org",
                    now,
                )
                ids.append(account)
            self.recruiters, self.candidates = ids[:2], ids[2:]
            self.booths = [
                await a_booth(conn, [self.recruiters[0]], capacity=4),
                await a_booth(conn, [self.recruiters[0]], capacity=4),
                await a_booth(conn, self.recruiters, capacity=4),
            ]
            # The first two booths are guidance desks (no employer): handoffs between them
            # need no accept; to the third, an employer's booth, they do.
            await conn.execute(
                "UPDATE booths SET kind = 'hiring_guidance', employer_id = NULL"
                " WHERE id = ANY($1::uuid[])",
                self.booths[:2],
            )
            for candidate, (groups, share) in zip(self.candidates, PROFILES, strict=True):
                await conn.execute(
                    "INSERT INTO candidate_profiles (account_id, name, key_groups,"
                    " key_groups_consent_at, share_key_groups, updated_at)"
                    " VALUES ($1, 'x', $2, CASE WHEN $4 THEN $3::timestamptz END, $5, $3)",
                    candidate,
                    groups,
                    now,
                    bool(groups),
                    share,
                )
            for booth, lanes in zip(self.booths, LANES, strict=True):
                if lanes.key_groups:
                    await conn.execute(
                        "INSERT INTO booth_lanes (booth_id, key_groups, key_group_weight,"
                        " general_weight, changed_at) VALUES ($1, $2, $3, $4, $5)",
                        booth,
                        sorted(lanes.key_groups),
                        lanes.ratio.key_group,
                        lanes.ratio.general,
                        now,
                    )
        self.desk = {self.recruiters[0]: self.booths, self.recruiters[1]: self.booths[2:]}
        for recruiter, booths in self.desk.items():
            for booth in booths:
                self.presence.join(f"booth:{booth}:staff", str(recruiter))
                await self.service.set_queue_status(booth, recruiter, QueueStatus.OPEN)
                await self.service.set_staff_status(booth, recruiter, StaffStatus.AVAILABLE)

    def teardown(self) -> None:
        SEEN.update(self.seen)
        self.run(self.service.close())
        self.run(self.pool.close())
        self.loop.close()

    def attempt(self, coro: Any) -> Any:
        """Run a service call; refusals with an expected code are fine (and change nothing)."""
        try:
            return self.run(coro)
        except Problem as problem:
            if problem.code not in EXPECTED:
                raise AssertionError(f"unexpected refusal {problem.code}") from problem
            return None

    async def tickets(self) -> list[dict[str, Any]]:
        async with self.pool.acquire() as conn:
            rows = await conn.fetch("SELECT * FROM tickets ORDER BY joined_at, id")
            return [dict(r) for r in rows]

    # -- rules --------------------------------------------------------------------

    @initialize()
    def a_busy_morning(self) -> None:
        """Every example starts with each kind of ticket in line: at the first booth a
        walk-in in each lane and a due reservation; at the third a handoff held for the
        second recruiter (its candidate served by the first there)."""
        self.join(0, 0, consent=False)  # graduates, shared: the key-group lane
        self.join(4, 0, consent=False)
        self.book(5, 0, minutes=0)
        self.join(1, 2, consent=False)
        called = self.run(self.service.call(self.booths[2], self.recruiters[0]))
        self.run(self.service.accept(called["id"], called["candidate_id"]))
        self.run(self.service.complete(called["id"], self.recruiters[0]))
        handoff = self.run(
            self.handoffs.hand_off(
                called["id"], self.recruiters[0], self.booths[2], self.recruiters[1]
            )
        )
        self.issued.add(UUID(handoff["ticket_id"]))

    async def lane_state(self, booth: UUID) -> tuple[float, dict[str, float | None]]:
        """The line's virtual time and each lane's last key that may still be called."""
        async with self.pool.acquire() as conn:
            vtime = await conn.fetchval(
                "SELECT lane_vtime FROM booth_queues WHERE booth_id = $1", booth
            )
            rows = await conn.fetch(
                "SELECT lane, max(call_key) AS last FROM tickets WHERE booth_id = $1"
                " AND kind = 'walk_in'"
                " AND state IN ('waiting', 'notified', 'called', 'interrupted') GROUP BY lane",
                booth,
            )
        return vtime, {r["lane"]: r["last"] for r in rows}

    @rule(c=st.integers(0, CANDIDATES - 1), b=st.integers(0, 2), consent=st.booleans())
    def join(self, c: int, b: int, consent: bool) -> None:
        vtime, last = self.run(self.lane_state(self.booths[b]))
        join = self.service.join(self.booths[b], self.candidates[c], key_group_lane=consent)
        row = self.attempt(join)
        if row is None:
            return
        self.issued.add(row["id"])
        self.order[row["id"]] = len(self.order)
        groups, share = PROFILES[c]
        lane = lane_for(LANES[b], groups, share or consent)
        assert row["lane"] == lane.value
        step = LANES[b].ratio.step(lane)
        assert row["call_key"] == walk_in_key(vtime, last.get(lane.value), step)

    @precondition(lambda self: bool(self.states & {"waiting", "notified", "interrupted"}))
    @rule(data=st.data())
    def leave(self, data: st.DataObject) -> None:
        mine = [t for t in self.run(self.tickets()) if TicketState(t["state"]) in ACTIVE]
        if mine:
            t = data.draw(st.sampled_from(mine))
            self.attempt(self.service.leave(t["id"], t["candidate_id"]))

    @rule(
        r=st.integers(0, 1),
        status=st.sampled_from([StaffStatus.AVAILABLE, StaffStatus.AVAILABLE, StaffStatus.PAUSED]),
    )
    def staff(self, r: int, status: StaffStatus) -> None:
        recruiter = self.recruiters[r]
        for booth in self.desk[recruiter]:
            self.attempt(self.service.set_staff_status(booth, recruiter, status))

    async def expected_call(self, booth: UUID, recruiter: UUID) -> UUID | None:
        """Whom the pure specification says this recruiter's call-next takes now."""
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT t.*, EXISTS (SELECT 1 FROM tickets o WHERE o.candidate_id ="
                " t.candidate_id AND o.state IN ('called', 'in_interview')) AS busy,"
                " (SELECT since FROM queue_absences a WHERE a.candidate_id = t.candidate_id)"
                " AS away FROM tickets t WHERE t.booth_id = $1"
                " AND t.state IN ('waiting', 'notified')",
                booth,
            )
            only = await conn.fetchval(
                "SELECT only_handoffs FROM booth_staff WHERE booth_id = $1 AND account_id = $2",
                booth,
                recruiter,
            )
        now = self.clock.now()
        line = [as_ticket(r) for r in rows]
        grace = timedelta(seconds=self.service.settings.grace_s)
        for t in claimable(line, str(recruiter), now, only_handoffs=only):
            if not away_too_long(t, now, grace):
                return UUID(t.id)
        return None

    @precondition(lambda self: bool(self.states & {"waiting", "notified"}))
    @rule(
        r=st.integers(0, 1),
        which=st.integers(0, 2),
        then=st.sampled_from(["ring", "accept", "serve"]),
    )
    def call(self, r: int, which: int, then: str) -> None:
        """Call next; then the call rings on, or the candidate accepts at once, or they
        accept and the interview is over (a done ticket one may hand off)."""
        recruiter = self.recruiters[r]
        booths = self.desk[recruiter]
        booth = booths[which % len(booths)]
        expected = self.run(self.expected_call(booth, recruiter))
        try:
            called = self.run(self.service.call(booth, recruiter))
        except Problem as problem:
            if problem.code not in EXPECTED:
                raise AssertionError(f"unexpected refusal {problem.code}") from problem
            if problem.code == "queue.empty":
                assert expected is None
            return
        assert called["id"] == expected
        KINDS_SEEN.update({called["kind"], called["lane"]})
        if then != "ring":
            self.attempt(self.service.accept(called["id"], called["candidate_id"]))
        if then == "serve":
            self.attempt(self.service.complete(called["id"], recruiter))

    def _called(self, data: st.DataObject) -> dict[str, Any] | None:
        called = [t for t in self.run(self.tickets()) if t["state"] == TicketState.CALLED]
        return data.draw(st.sampled_from(called)) if called else None

    @precondition(lambda self: "called" in self.states)
    @rule(data=st.data())
    def accept(self, data: st.DataObject) -> None:
        t = self._called(data)
        if t is not None:
            self.attempt(self.service.accept(t["id"], t["candidate_id"]))

    @precondition(lambda self: "called" in self.states)
    @rule(data=st.data())
    def decline(self, data: st.DataObject) -> None:
        t = self._called(data)
        if t is not None:
            self.attempt(self.service.decline(t["id"], t["candidate_id"]))

    @precondition(lambda self: "called" in self.states)
    @rule()
    def ring_timeout(self) -> None:
        """Every ringing call times out: the durable timers fire through their runner."""
        self.clock.advance(timedelta(seconds=46))
        while self.run(self.runner.run_due()):
            pass

    @precondition(lambda self: "in_interview" in self.states)
    @rule(data=st.data())
    def complete(self, data: st.DataObject) -> None:
        talking = [t for t in self.run(self.tickets()) if t["state"] == TicketState.IN_INTERVIEW]
        if talking:
            t = data.draw(st.sampled_from(talking))
            self.attempt(self.service.complete(t["id"], t["called_by"]))

    @rule(c=st.integers(0, CANDIDATES - 1))
    def disconnect(self, c: int) -> None:
        """The candidate's last tab closes: they keep their places."""
        self.run(self.service.candidate_gone(self.candidates[c]))

    @rule(c=st.integers(0, CANDIDATES - 1))
    def reconnect(self, c: int) -> None:
        self.run(self.service.candidate_back(self.candidates[c]))

    @rule()
    def time_passes(self) -> None:
        """Past the grace period: away interviews are interrupted, calls time out, booked
        slots come due; unanswered handoffs expire after a few of these."""
        self.clock.advance(timedelta(seconds=130))
        while self.run(self.runner.run_due()):
            pass
        self.admit_due()

    @precondition(lambda self: "interrupted" in self.states)
    @rule(data=st.data())
    def call_again(self, data: st.DataObject) -> None:
        stopped = [t for t in self.run(self.tickets()) if t["state"] == TicketState.INTERRUPTED]
        if stopped:
            t = data.draw(st.sampled_from(stopped))
            booth = t["booth_id"]
            recruiter = next(r for r, booths in self.desk.items() if booth in booths)
            self.attempt(self.service.call(booth, recruiter, t["id"]))

    @rule(b=st.integers(0, 2), status=st.sampled_from([*QueueStatus, QueueStatus.OPEN]))
    def line_status(self, b: int, status: QueueStatus) -> None:
        booth = self.booths[b]
        recruiter = next(r for r, booths in self.desk.items() if booth in booths)
        self.attempt(self.service.set_queue_status(booth, recruiter, status))

    @precondition(lambda self: bool(self.states & {"waiting", "notified"}))
    @rule(on=st.booleans())
    def only_handoffs(self, on: bool) -> None:
        """The second recruiter (at the third booth) takes only handoffs, or not."""
        recruiter = self.recruiters[1]
        self.attempt(self.handoffs.set_only_handoffs(self.booths[2], recruiter, on))

    @rule(c=st.integers(0, CANDIDATES - 1), b=st.integers(0, 2), minutes=st.integers(0, 3))
    def book(self, c: int, b: int, minutes: int) -> None:
        """A booking for a slot ``minutes`` from now (the reservations' own rules are
        theirs to test): its ticket is admitted when the slot is due."""
        start = self.clock.now() + timedelta(minutes=minutes)
        self.bookings.append((start, self.booths[b], self.candidates[c]))
        self.admit_due()

    def admit_due(self) -> None:
        """What the ``reservation.start`` timer does for each booking now due."""
        now = self.clock.now()
        due = [b for b in self.bookings if b[0] <= now]
        self.bookings = [b for b in self.bookings if b[0] > now]

        async def admit(start: datetime, booth: UUID, candidate: UUID) -> None:
            async with self.service_outbox.transaction() as tx:
                row = await self.service.admit_within(
                    tx, booth, candidate, kind=TicketKind.RESERVATION, call_key=start.timestamp()
                )
            if row is not None:
                self.issued.add(row["id"])

        for start, booth, candidate in due:
            self.run(admit(start, booth, candidate))

    def _done(self, data: st.DataObject) -> dict[str, Any] | None:
        done = [t for t in self.run(self.tickets()) if t["state"] == TicketState.DONE]
        return data.draw(st.sampled_from(done)) if done else None

    @precondition(lambda self: "done" in self.states)
    @rule(data=st.data(), b=st.integers(0, 2), colleague=st.booleans())
    def hand_off(self, data: st.DataObject, b: int, colleague: bool) -> None:
        t = self._done(data)
        if t is None:
            return
        by = t["called_by"] or self.recruiters[0]
        other = next(r for r in self.recruiters if r != by)
        handoff = self.attempt(
            self.handoffs.hand_off(t["id"], by, self.booths[b], other if colleague else None)
        )
        if handoff is not None and handoff["ticket_id"] is not None:
            self.issued.add(UUID(handoff["ticket_id"]))

    async def pending(self) -> list[dict[str, Any]]:
        async with self.pool.acquire() as conn:
            rows = await conn.fetch("SELECT * FROM queue_handoffs WHERE state = 'pending'")
        return [dict(r) for r in rows]

    @precondition(lambda self: self.has_pending)
    @rule(data=st.data(), accept=st.booleans())
    def answer_handoff(self, data: st.DataObject, accept: bool) -> None:
        pending = self.run(self.pending())
        if not pending:
            return
        h = data.draw(st.sampled_from(pending))
        answer = self.handoffs.accept if accept else self.handoffs.decline
        handoff = self.attempt(answer(h["id"], h["candidate_id"]))
        if handoff is not None and handoff["ticket_id"] is not None:
            self.issued.add(UUID(handoff["ticket_id"]))

    # -- invariants -----------------------------------------------------------------

    @invariant()
    def never_two_calls_at_once(self) -> None:
        busy = [t for t in self.run(self.tickets()) if TicketState(t["state"]) in BUSY]
        assert len({t["candidate_id"] for t in busy}) == len(busy)
        assert len({t["called_by"] for t in busy}) == len(busy)
        assert all(t["called_by"] is not None for t in busy)

    @invariant()
    def lines_follow_the_call_order_with_contiguous_positions(self) -> None:
        async def check() -> None:
            async with self.pool.acquire() as conn:
                for booth in self.booths:
                    snapshot = await self.service.snapshot(conn, booth)
                    rows = await conn.fetch(
                        "SELECT * FROM tickets WHERE booth_id = $1 AND state = ANY($2::text[])",
                        booth,
                        [s.value for s in IN_LINE],
                    )
                    line = call_order([as_ticket(r) for r in rows])
                    assert [e["token"] for e in snapshot["line"]] == [t.token for t in line]
                    for lane in Lane:  # first come, first served within a lane
                        walk_ins = [
                            self.order[UUID(t.id)]
                            for t in line
                            if t.kind is TicketKind.WALK_IN and t.lane is lane
                        ]
                        assert walk_ins == sorted(walk_ins)

        self.run(check())

    @invariant()
    def handoffs_are_tickets_that_keep_the_original_join_time(self) -> None:
        async def check() -> None:
            async with self.pool.acquire() as conn:
                rows = await conn.fetch(
                    "SELECT h.state, h.to_booth, h.candidate_id, t.booth_id, t.kind,"
                    " t.candidate_id AS holder, t.handed_from, h.from_ticket,"
                    " t.joined_at, o.joined_at AS original"
                    " FROM queue_handoffs h JOIN tickets o ON o.id = h.from_ticket"
                    " LEFT JOIN tickets t ON t.id = h.ticket_id"
                )
            self.has_pending = any(r["state"] == "pending" for r in rows)
            for r in rows:
                if r["state"] != "admitted":
                    continue
                assert (r["booth_id"], r["holder"]) == (r["to_booth"], r["candidate_id"])
                assert (r["kind"], r["handed_from"]) == ("handoff", r["from_ticket"])
                assert r["joined_at"] == r["original"]

        self.run(check())

    @invariant()
    def no_ticket_is_lost_and_the_limit_holds(self) -> None:
        tickets = {t["id"]: t for t in self.run(self.tickets())}
        self.states = {t["state"] for t in tickets.values()}
        self.seen |= self.states
        assert set(tickets) == self.issued
        for t in tickets.values():
            state = TicketState(t["state"])
            assert state in ACTIVE or state in FINAL
            if state in FINAL:
                assert t["ended_at"] is not None
        for candidate in self.candidates:
            active = [
                t
                for t in tickets.values()
                if t["candidate_id"] == candidate
                and TicketState(t["state"]) in ACTIVE
                and t["kind"] == TicketKind.WALK_IN
            ]
            assert len(active) <= self.service.settings.lines_per_candidate


@pytest.mark.timeout(300)
def test_the_queue_keeps_its_invariants_under_any_sequence_of_actions(database_url: str) -> None:
    run_state_machine_as_test(
        lambda: QueueMachine(database_url),
        settings=settings(
            max_examples=40, stateful_step_count=50, deadline=None, database=None, derandomize=True
        ),
    )
    # The machine really exercised the queue, not only refusals.
    assert {"waiting", "called", "in_interview"} <= SEEN, SEEN
    assert SEEN & {"done", "left", "expired"}, SEEN
    assert {"walk_in", "reservation", "handoff", "key_group"} <= KINDS_SEEN, KINDS_SEEN
