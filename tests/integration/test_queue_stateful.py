"""A hypothesis state machine over the queue service and a real database.

Rules: candidates join and leave lines at 3 booths, 2 recruiters (one staffing two
booths) go available, call, are answered or declined, time out, complete; candidates
disconnect and come back, time passes beyond the grace period (interrupting interviews
of the away, passing them over when called), interrupted ones are called again; lines
open and close. After every step the invariants a user would notice must hold:

* never two calls at once for a candidate or a recruiter;
* each line is in call order (join time, then id) and its positions are contiguous;
* no ticket is lost: every ticket ever issued is either in a line, in a call, or ended
  in a final state;
* the per-fair limit of lines per candidate holds.
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
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from server.bus.memory import MemoryBus
from server.domain.queue import ACTIVE, BUSY, FINAL, QueueStatus, StaffStatus, TicketState
from server.errors import Problem
from server.realtime.outbox import Outbox
from server.realtime.presence import MemoryPresenceStore, Presence
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
EXPECTED = {
    "queue.closed", "queue.full", "queue.already_joined", "queue.limit", "queue.empty",
    "queue.staff_busy", "queue.wrong_state", "ticket.not_found", "auth.forbidden",
    "queue.not_present",
}  # fmt: skip


class QueueMachine(RuleBasedStateMachine):
    def __init__(self, dsn: str) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.clock = FakeClock(datetime(2020, 7, 1, 1, 0, tzinfo=UTC))
        self.pool = self.run(db.create_pool(dsn, min_size=1, max_size=2))
        self.presence = Presence(MemoryPresenceStore(), "test")
        self.service = QueueService(
            self.pool, Outbox(self.pool, MemoryBus(), self.clock), self.clock, self.presence
        )
        registry = TimerRegistry()
        registry.register(RING_KIND, self.service.on_ring_timeout)
        registry.register(NOTIFY_KIND, self.service.on_notify)
        registry.register(GRACE_KIND, self.service.on_grace)
        registry.register(DAY_CLOSE_KIND, self.service.on_day_close)
        self.runner = TimerRunner(self.pool, registry, self.clock)
        self.issued: set[UUID] = set()
        self.states: set[str] = set()  # ticket states now (refreshed after every step)
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
                await a_booth(conn, [self.recruiters[1]], capacity=4),
            ]
        self.desk = {self.recruiters[0]: self.booths[:2], self.recruiters[1]: self.booths[2:]}
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

    @rule(c=st.integers(0, CANDIDATES - 1), b=st.integers(0, 2))
    def join(self, c: int, b: int) -> None:
        row = self.attempt(self.service.join(self.booths[b], self.candidates[c]))
        if row is not None:
            self.issued.add(row["id"])

    @precondition(lambda self: bool(self.states & {"waiting", "notified", "interrupted"}))
    @rule(data=st.data())
    def leave(self, data: st.DataObject) -> None:
        mine = [t for t in self.run(self.tickets()) if TicketState(t["state"]) in ACTIVE]
        if mine:
            t = data.draw(st.sampled_from(mine))
            self.attempt(self.service.leave(t["id"], t["candidate_id"]))

    @rule(r=st.integers(0, 1), status=st.sampled_from([StaffStatus.AVAILABLE, StaffStatus.PAUSED]))
    def staff(self, r: int, status: StaffStatus) -> None:
        recruiter = self.recruiters[r]
        for booth in self.desk[recruiter]:
            self.attempt(self.service.set_staff_status(booth, recruiter, status))

    @precondition(lambda self: bool(self.states & {"waiting", "notified"}))
    @rule(r=st.integers(0, 1), which=st.integers(0, 1))
    def call(self, r: int, which: int) -> None:
        recruiter = self.recruiters[r]
        booths = self.desk[recruiter]
        self.attempt(self.service.call(booths[which % len(booths)], recruiter))

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
        """Past the grace period: away interviews are interrupted, calls time out."""
        self.clock.advance(timedelta(seconds=130))
        while self.run(self.runner.run_due()):
            pass

    @precondition(lambda self: "interrupted" in self.states)
    @rule(data=st.data())
    def call_again(self, data: st.DataObject) -> None:
        stopped = [t for t in self.run(self.tickets()) if t["state"] == TicketState.INTERRUPTED]
        if stopped:
            t = data.draw(st.sampled_from(stopped))
            booth = t["booth_id"]
            recruiter = next(r for r, booths in self.desk.items() if booth in booths)
            self.attempt(self.service.call(booth, recruiter, t["id"]))

    @rule(b=st.integers(0, 2), status=st.sampled_from(list(QueueStatus)))
    def line_status(self, b: int, status: QueueStatus) -> None:
        booth = self.booths[b]
        recruiter = next(r for r, booths in self.desk.items() if booth in booths)
        self.attempt(self.service.set_queue_status(booth, recruiter, status))

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
                        "SELECT token FROM tickets WHERE booth_id = $1"
                        " AND state IN ('waiting', 'notified') ORDER BY joined_at, id",
                        booth,
                    )
                    assert [e["token"] for e in snapshot["line"]] == [r["token"] for r in rows]

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
                if t["candidate_id"] == candidate and TicketState(t["state"]) in ACTIVE
            ]
            assert len(active) <= self.service.settings.lines_per_candidate


@pytest.mark.timeout(300)
def test_the_queue_keeps_its_invariants_under_any_sequence_of_actions(database_url: str) -> None:
    run_state_machine_as_test(
        lambda: QueueMachine(database_url),
        settings=settings(
            max_examples=25, stateful_step_count=40, deadline=None, database=None, derandomize=True
        ),
    )
    # The machine really exercised the queue, not only refusals.
    assert {"waiting", "called", "in_interview"} <= SEEN, SEEN
    assert SEEN & {"done", "left", "expired"}, SEEN
