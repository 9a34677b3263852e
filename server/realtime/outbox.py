"""Writing events: in the change's transaction, published after commit, relayed if lost.

::

    async with outbox.transaction() as tx:
        await tx.conn.execute("UPDATE …")           # the change
        tx.emit("booth:42", "queue.joined", {...})   # its events
    # committed: the events are now on the bus

If the process dies between commit and publish, the relay (on any node) republishes
events whose topic's ``published_seq`` lags for more than ``RELAY_AFTER``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import asyncpg

from server.bus import EventBus
from server.realtime.hub import bus_message, channel
from server.store import events as store
from server.store.db import Connection
from server.timers import Clock, after_commit, schedule

log = logging.getLogger(__name__)

RELAY_AFTER = timedelta(seconds=3)
RELAY_WINDOW = timedelta(hours=1)  # older unpublished events are history, not news
FLUSH_EVERY_S = 0.5


class OutboxTransaction:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._events: list[store.NewEvent] = []
        self.written: list[store.Event] = []
        self.committed: list[Callable[[], None]] = []

    def emit(self, topic: str, type_: str, data: dict[str, Any]) -> None:
        """Append an event to ``topic`` when the transaction commits."""
        self._events.append(store.NewEvent(topic, type_, data))

    def announce(self, events: list[store.Event]) -> None:
        """Events a statement of this transaction already appended (the queue's
        one-statement steps write their own): published after commit with the rest."""
        self.written.extend(events)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once the transaction has committed (never on rollback)."""
        self.committed.append(action)

    def take(self) -> list[store.NewEvent]:
        events, self._events = self._events, []
        return events


class Outbox:
    def __init__(self, pool: asyncpg.Pool, bus: EventBus, clock: Clock) -> None:
        self._pool = pool
        self._bus = bus
        self._clock = clock
        self._published: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[OutboxTransaction]:
        async with self._pool.acquire() as conn:
            tx = OutboxTransaction(conn)
            async with conn.transaction():
                yield tx
                written = await store.append_events(conn, tx.take(), self._clock.now())
        await self.publish(tx.written + written)
        for action in tx.committed:
            action()

    async def append(self, conn: Connection, events: list[store.NewEvent]) -> list[store.Event]:
        """For callers that manage their own transaction: append now, publish after commit."""
        return await store.append_events(conn, events, self._clock.now())

    async def append_in_timer(self, conn: Connection, events: list[store.NewEvent]) -> None:
        """From a timer handler: append now, publish once the timer's batch commits."""
        written = await store.append_events(conn, events, self._clock.now())
        if written:
            after_commit(lambda: self.publish(written))

    async def publish(self, events: list[store.Event]) -> None:
        for event in events:
            try:
                await self._bus.publish(channel(event.topic), bus_message(event))
            except Exception:
                # Committed but not announced: the relay will publish it.
                log.warning("publishing %s#%d failed; the relay will retry", event.topic, event.seq)
                return
            previous = self._published.get(event.topic, 0)
            self._published[event.topic] = max(previous, event.seq)

    async def flush_published(self) -> None:
        published, self._published = self._published, {}
        if published:
            async with self._pool.acquire() as conn:
                await store.mark_published(conn, published)

    async def relay_once(self) -> int:
        """Republish events that were committed but never marked published."""
        async with self._pool.acquire() as conn:
            now = self._clock.now()
            lagging = await store.unpublished(conn, now - RELAY_AFTER, now - RELAY_WINDOW)
        if lagging:
            log.warning("relay: republishing %d events", len(lagging))
            await self.publish(lagging)
            await self.flush_published()
        return len(lagging)

    async def run(self) -> None:
        """The node's background loop: record what was published, relay what was not."""
        tick = 0
        while True:
            await asyncio.sleep(FLUSH_EVERY_S)
            try:
                await self.flush_published()
                tick += 1
                if tick % 4 == 0:
                    await self.relay_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox maintenance failed; retrying")


HISTORY_KEPT = timedelta(hours=24)
PRUNE_EVERY = timedelta(hours=1)
PRUNE_KIND = "events.prune"


async def prune_events(conn: Connection, timer: Any) -> None:
    """The ``events.prune`` timer: drop events older than a day, then come back in an hour.

    Clients that resume with an older ``since`` get a snapshot with ``recovered: false``.
    """
    due_at = timer.due_at
    removed = await store.prune(conn, due_at - HISTORY_KEPT)
    if removed:
        log.info("pruned %d events older than %s", removed, due_at - HISTORY_KEPT)
    await schedule(conn, PRUNE_KIND, PRUNE_KIND, due_at + PRUNE_EVERY)
