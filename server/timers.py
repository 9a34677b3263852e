"""Time and durable timers: the one mechanism every deadline in livefair goes through.

A *timer* is a row ``(kind, key, due_at, payload)`` in PostgreSQL. Features register a
handler per ``kind`` and schedule rows inside their own transactions; a
:class:`TimerRunner` on every node claims due rows with ``FOR UPDATE SKIP LOCKED``,
runs each handler in the claiming transaction and deletes the row in it. So:

* a timer fires exactly once, on whichever node claims it first — or not at all, if
  the handler fails (the row stays, with ``attempts`` bumped and a back-off);
* a node that dies mid-handler loses nothing: its transaction rolls back and the row
  is claimed again by another node;
* "due" means ``due_at <= clock.now()`` of the runner's :class:`Clock` — never SQL
  ``now()`` — so tests drive time with :class:`FakeClock`.

Each kind has a :class:`LatePolicy` deciding what to do with a timer found later than
its ``max_lateness`` (after downtime): ``FIRE`` anyway, ``SKIP`` it, or ``REPORT`` it
(record it in ``timer_reports`` and do not fire).
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import asyncpg

from server.store.db import Connection

log = logging.getLogger(__name__)


class Clock(Protocol):
    """Where services get the time from. Pure code takes ``now`` as an argument."""

    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of this clock's time."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0.0))


class OffsetClock:
    """The system clock moved forward by the seconds written in a file, for a browser
    test's served process (``LIVEFAIR_TEST_CLOCK_FILE``): the test writes the file and
    the server's own timers fire at the new time, as a :class:`FakeClock` lets an
    in-process test do. The file is re-read when it changes; none means no offset."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stamp: int | None = None
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset()

    def offset(self) -> timedelta:
        try:
            stamp = self._path.stat().st_mtime_ns
        except FileNotFoundError:
            self._stamp, self._offset = None, timedelta(0)
            return self._offset
        if stamp != self._stamp:
            text = self._path.read_text().strip()
            self._stamp = stamp
            self._offset = timedelta(seconds=float(text or 0))
        return self._offset

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0.0))


class FakeClock:
    """A clock that moves only when a test calls :meth:`advance` (trio's MockClock)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2020, 7, 1, 1, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._counter = 0

    def now(self) -> datetime:
        return self._now

    async def sleep(self, seconds: float) -> None:
        wake_at = self._now + timedelta(seconds=max(seconds, 0.0))
        if wake_at <= self._now:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._counter += 1
        heapq.heappush(self._sleepers, (wake_at, self._counter, future))
        await future

    def advance(self, delta: timedelta | float) -> None:
        """Move time forward and wake every sleeper whose time has come."""
        step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        if step < timedelta(0):
            raise ValueError("time only moves forward")
        self._now += step
        while self._sleepers and self._sleepers[0][0] <= self._now:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)


class LatePolicy(StrEnum):
    FIRE = "fire"
    SKIP = "skip"
    REPORT = "report"


@dataclass(frozen=True, slots=True)
class Timer:
    id: int
    kind: str
    key: str
    due_at: datetime
    payload: Mapping[str, Any]
    attempts: int


TimerHandler = Callable[[Connection, Timer], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class TimerKind:
    kind: str
    handler: TimerHandler
    late_policy: LatePolicy = LatePolicy.FIRE
    max_lateness: timedelta = timedelta(minutes=5)


@dataclass
class TimerRegistry:
    """The kinds this process can run. Features register theirs at wiring time."""

    kinds: dict[str, TimerKind] = field(default_factory=dict)

    def register(
        self,
        kind: str,
        handler: TimerHandler,
        *,
        late_policy: LatePolicy = LatePolicy.FIRE,
        max_lateness: timedelta = timedelta(minutes=5),
    ) -> None:
        if kind in self.kinds:
            raise ValueError(f"timer kind {kind!r} is already registered")
        self.kinds[kind] = TimerKind(kind, handler, late_policy, max_lateness)


async def schedule(
    conn: Connection,
    kind: str,
    key: str,
    due_at: datetime,
    payload: Mapping[str, Any] | None = None,
) -> None:
    """Create or move the timer ``key`` (call inside the caller's transaction).

    Keys are unique: scheduling an existing key replaces its kind, time and payload,
    which is how a feature reschedules ("the session moved to 14:00").
    """
    if due_at.tzinfo is None:
        raise ValueError("due_at must be timezone-aware")
    await conn.execute(
        """
        INSERT INTO timers (kind, key, due_at, payload) VALUES ($1, $2, $3, $4)
        ON CONFLICT (key) DO UPDATE
           SET kind = EXCLUDED.kind, due_at = EXCLUDED.due_at, payload = EXCLUDED.payload,
               attempts = 0, last_error = NULL
        """,
        kind,
        key,
        due_at,
        dict(payload or {}),
    )


async def ensure(
    conn: Connection,
    kind: str,
    key: str,
    due_at: datetime,
    payload: Mapping[str, Any] | None = None,
) -> bool:
    """Create the timer ``key`` unless it exists (for recurring jobs); True if created."""
    created = await conn.fetchval(
        """
        INSERT INTO timers (kind, key, due_at, payload) VALUES ($1, $2, $3, $4)
        ON CONFLICT (key) DO NOTHING RETURNING true
        """,
        kind,
        key,
        due_at,
        dict(payload or {}),
    )
    return created is True


async def cancel(conn: Connection, key: str) -> bool:
    """Remove the timer ``key``; True if there was one."""
    return await conn.fetchval("DELETE FROM timers WHERE key = $1 RETURNING true", key) is True


PostCommit = Callable[[], Awaitable[None]]
_post_commit: contextvars.ContextVar[list[PostCommit] | None] = contextvars.ContextVar(
    "timer_post_commit", default=None
)


def after_commit(action: PostCommit) -> None:
    """From inside a timer handler: run ``action`` once the handler's work has committed
    (e.g. publish the events it appended). Dropped if the handler or the batch fails."""
    actions = _post_commit.get()
    if actions is None:
        raise RuntimeError("after_commit() is only available inside a timer handler")
    actions.append(action)


RETRY_BACKOFF = (1, 5, 30, 120, 600)  # seconds after the 1st, 2nd, … failure


class TimerRunner:
    """Claims and runs due timers of the registered kinds.

    :meth:`run_due` runs one batch and is what tests call after advancing a
    :class:`FakeClock`; :meth:`run_forever` is the node's background loop.
    """

    def __init__(
        self,
        pool: asyncpg.Pool,
        registry: TimerRegistry,
        clock: Clock,
        *,
        batch_size: int = 50,
        poll_interval: float = 1.0,
    ) -> None:
        self._pool = pool
        self._registry = registry
        self._clock = clock
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look for due timers now rather than at the next poll."""
        self._wake.set()

    async def run_due(self) -> int:
        """Claim and settle one batch of due timers; return how many were settled."""
        kinds = list(self._registry.kinds)
        if not kinds:
            return 0
        now = self._clock.now()
        committed: list[PostCommit] = []
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                """
                SELECT id, kind, key, due_at, payload, attempts FROM timers
                 WHERE due_at <= $1 AND kind = ANY($2::text[])
                 ORDER BY due_at, id
                 LIMIT $3
                 FOR UPDATE SKIP LOCKED
                """,
                now,
                kinds,
                self._batch_size,
            )
            for row in rows:
                timer = Timer(
                    id=row["id"],
                    kind=row["kind"],
                    key=row["key"],
                    due_at=row["due_at"],
                    payload=row["payload"],
                    attempts=row["attempts"],
                )
                committed.extend(await self._settle(conn, timer, now))
        for action in committed:
            try:
                await action()
            except Exception:
                log.exception("an after-commit action of a timer failed")
        return len(rows)

    async def _settle(self, conn: Connection, timer: Timer, now: datetime) -> list[PostCommit]:
        spec = self._registry.kinds[timer.kind]
        lateness = now - timer.due_at
        if lateness > spec.max_lateness and spec.late_policy is not LatePolicy.FIRE:
            if spec.late_policy is LatePolicy.REPORT:
                log.warning(
                    "timer %s (%s) is %.0f s late: reported, not fired",
                    timer.key,
                    timer.kind,
                    lateness.total_seconds(),
                )
                await conn.execute(
                    """
                    INSERT INTO timer_reports (kind, key, due_at, seen_at, lateness_s, payload)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    """,
                    timer.kind,
                    timer.key,
                    timer.due_at,
                    now,
                    lateness.total_seconds(),
                    dict(timer.payload),
                )
            else:
                log.info("timer %s (%s) skipped: too late", timer.key, timer.kind)
            await conn.execute("DELETE FROM timers WHERE id = $1", timer.id)
            return []
        actions: list[PostCommit] = []
        token = _post_commit.set(actions)
        try:
            async with conn.transaction():  # a savepoint: a failing handler undoes only itself
                await spec.handler(conn, timer)
        except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError):
            raise  # the connection is gone: the whole batch rolls back and is retried
        except Exception as exc:
            delay = RETRY_BACKOFF[min(timer.attempts, len(RETRY_BACKOFF) - 1)]
            log.exception("timer %s (%s) failed; retrying in %d s", timer.key, timer.kind, delay)
            await conn.execute(
                """
                UPDATE timers SET attempts = attempts + 1, last_error = $2, due_at = $3
                 WHERE id = $1
                """,
                timer.id,
                f"{type(exc).__name__}: {exc}"[:1000],
                now + timedelta(seconds=delay),
            )
            return []
        finally:
            _post_commit.reset(token)
        # A handler may reschedule its own key (a recurring job): then the row now has
        # a new due_at and must stay.
        await conn.execute(
            "DELETE FROM timers WHERE id = $1 AND due_at = $2", timer.id, timer.due_at
        )
        return actions

    async def run_forever(self) -> None:
        """Run batches until cancelled; survive database outages with a pause."""
        while True:
            try:
                settled = await self.run_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("timer runner: batch failed; pausing")
                settled = 0
            if settled >= self._batch_size:
                continue  # more may be due right now
            self._wake.clear()
            sleeper = asyncio.ensure_future(self._clock.sleep(self._poll_interval))
            waker = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleeper.cancel()
                waker.cancel()
