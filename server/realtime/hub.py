"""The node-local hub: one bus subscription per topic, fanned out to local clients in order.

Per topic the hub keeps the last seq it delivered, a hold-back buffer for events that
arrive ahead of a gap, and a short in-memory history of encoded frames for resumes.
Every event is encoded once (by its publisher) and the same bytes are written to every
subscriber. An event ahead of a gap waits until the gap fills from the bus or, after
``gap_wait`` seconds, from PostgreSQL; nothing is delivered out of order or skipped.

Bus messages are ``b"<seq>\\n" + frame`` on channel ``ev:<topic>``.

Redaction: an event whose data holds ``"redacts": <seq>`` (``chat.deleted``) rewrites
that earlier event's frame in the history to its redacted form as it is delivered, on
every node, so a resume from memory never replays what was deleted; the outbox row was
rewritten in the deleting transaction (:func:`server.store.events.redact`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

import asyncpg
import orjson

from server.bus import EventBus
from server.realtime.protocol import event_frame
from server.realtime.topics import client_name
from server.store import events as store
from server.timers import Clock

log = logging.getLogger(__name__)

HISTORY_SIZE = 1000
HISTORY_AGE = timedelta(minutes=10)
GAP_WAIT_S = 0.25


def channel(topic: str) -> str:
    return "ev:" + topic


def bus_message(event: store.Event) -> bytes:
    frame = event_frame(client_name(event.topic), event.seq, event.type, event.at, event.data)
    return b"%d\n%s" % (event.seq, frame)


REDACTION_MARK = b'"%s":' % store.REDACTS.encode()


def _redact_history(history: deque[tuple[int, float, bytes]], frame: bytes) -> None:
    """Rewrite the history entry the event ``frame`` redacts, if it is still held."""
    data = orjson.loads(frame).get("data")
    target = data.get(store.REDACTS) if isinstance(data, dict) else None
    if not isinstance(target, int) or isinstance(target, bool):
        return
    for index, (seq, at, old) in enumerate(history):
        if seq == target:
            event = orjson.loads(old)
            if isinstance(event.get("data"), dict):
                event["data"] = store.redacted(event["data"])
                history[index] = (seq, at, orjson.dumps(event))
            return


class Receiver(Protocol):
    """A client connection as the hub sees it: it takes frames, or is cut."""

    def send(self, frame: bytes) -> None: ...


@dataclass(eq=False, slots=True)
class Subscription:
    receiver: Receiver
    topic: str
    last_sent: int = 0
    buffering: bool = True
    buffer: list[tuple[int, bytes]] = field(default_factory=list)

    def offer(self, seq: int, frame: bytes) -> None:
        if seq <= self.last_sent:
            return
        if self.buffering:
            self.buffer.append((seq, frame))
            return
        self.last_sent = seq
        self.receiver.send(frame)

    def go_live(self, sent_up_to: int) -> None:
        """Flush what arrived while the snapshot or replay was being sent; then go live.

        Runs without awaiting, so no event can slip between the buffer and live delivery.
        """
        self.last_sent = sent_up_to
        self.buffering = False
        pending, self.buffer = self.buffer, []
        for seq, frame in pending:
            if seq > self.last_sent:
                self.last_sent = seq
                self.receiver.send(frame)


@dataclass(eq=False)
class TopicState:
    name: str
    subs: set[Subscription] = field(default_factory=set)
    last_seq: int = 0
    ready: bool = False
    pending: dict[int, bytes] = field(default_factory=dict)
    history: deque[tuple[int, float, bytes]] = field(
        default_factory=lambda: deque(maxlen=HISTORY_SIZE)
    )
    gap_task: asyncio.Task[None] | None = None
    stop: Callable[[], None] | None = None
    loading: asyncio.Future[None] | None = None


class Hub:
    def __init__(
        self,
        bus: EventBus,
        pool: asyncpg.Pool,
        clock: Clock,
        *,
        gap_wait: float = GAP_WAIT_S,
        history_age: timedelta = HISTORY_AGE,
    ) -> None:
        self._bus = bus
        self._pool = pool
        self._clock = clock
        self._gap_wait = gap_wait
        self._history_age = history_age.total_seconds()
        self.topics: dict[str, TopicState] = {}
        bus.on_reconnect(self._on_bus_reconnect)

    # -- subscriptions ------------------------------------------------------------------

    async def attach(self, receiver: Receiver, topic: str) -> tuple[Subscription, int]:
        """Register a buffering subscription; return it and the seq the hub has delivered."""
        state = await self._ensure(topic)
        sub = Subscription(receiver, topic)
        state.subs.add(sub)
        return sub, state.last_seq

    def detach(self, sub: Subscription) -> None:
        state = self.topics.get(sub.topic)
        if state is None:
            return
        state.subs.discard(sub)
        if not state.subs and state.ready:
            self._drop(state)

    def _drop(self, state: TopicState) -> None:
        if state.stop is not None:
            state.stop()
        if state.gap_task is not None:
            state.gap_task.cancel()
        self.topics.pop(state.name, None)

    async def _ensure(self, topic: str) -> TopicState:
        state = self.topics.get(topic)
        if state is None:
            state = TopicState(topic)
            self.topics[topic] = state
            state.loading = asyncio.get_running_loop().create_future()
            try:
                state.stop = await self._bus.subscribe(channel(topic), self._on_bus)
                async with self._pool.acquire() as conn:
                    state.last_seq = await store.current_seq(conn, topic)
            except BaseException as exc:
                self.topics.pop(topic, None)
                if state.stop is not None:
                    state.stop()
                state.loading.set_exception(exc)
                state.loading.exception()  # retrieved: awaiters re-raise it
                raise
            state.ready = True
            state.loading.set_result(None)
            self._advance(state)
        elif not state.ready:
            assert state.loading is not None
            await asyncio.shield(state.loading)
        return state

    # -- delivery -----------------------------------------------------------------------

    def _on_bus(self, chan: str, message: bytes) -> None:
        topic = chan[3:]
        state = self.topics.get(topic)
        if state is None:
            return
        head, _, frame = message.partition(b"\n")
        try:
            seq = int(head)
        except ValueError:
            log.warning("malformed bus message on %s", chan)
            return
        if seq <= state.last_seq and state.ready:
            return  # a duplicate (relay, or a reconnect re-check)
        state.pending[seq] = frame
        if state.ready:
            self._advance(state)

    def _advance(self, state: TopicState) -> None:
        """Deliver pending events in seq order; start a gap fill if one is missing."""
        for seq in [s for s in state.pending if s <= state.last_seq]:
            del state.pending[seq]
        while (frame := state.pending.pop(state.last_seq + 1, None)) is not None:
            self._deliver(state, state.last_seq + 1, frame)
        if state.pending and (state.gap_task is None or state.gap_task.done()):
            state.gap_task = asyncio.create_task(self._fill_gap(state))

    def _deliver(self, state: TopicState, seq: int, frame: bytes) -> None:
        state.last_seq = seq
        now = self._clock.now().timestamp()
        history = state.history
        history.append((seq, now, frame))
        while history and now - history[0][1] > self._history_age:
            history.popleft()
        if REDACTION_MARK in frame:
            _redact_history(history, frame)
        for sub in list(state.subs):
            sub.offer(seq, frame)

    async def _fill_gap(self, state: TopicState) -> None:
        await asyncio.sleep(self._gap_wait)
        if not state.pending or self.topics.get(state.name) is not state:
            return
        target = max(state.pending)
        try:
            async with self._pool.acquire() as conn:
                missing = await store.events_after(conn, state.name, state.last_seq, until=target)
        except Exception:
            log.exception("gap fill for %s failed; retrying", state.name)
            state.gap_task = None
            self._advance(state)
            return
        for event in missing:
            state.pending.setdefault(event.seq, bus_message(event).partition(b"\n")[2])
        state.gap_task = None
        self._advance(state)
        if state.pending and min(state.pending) > state.last_seq + 1:
            log.error(
                "topic %s: events %d..%d are missing from the outbox",
                state.name,
                state.last_seq + 1,
                min(state.pending) - 1,
            )

    def _on_bus_reconnect(self) -> None:
        asyncio.get_running_loop().create_task(self.recheck())

    async def recheck(self) -> None:
        """After the bus lost messages: compare every topic with PostgreSQL, fetch the rest."""
        ready = [s for s in self.topics.values() if s.ready]
        if not ready:
            return
        async with self._pool.acquire() as conn:
            seqs = await store.current_seqs(conn, [s.name for s in ready])
            for state in ready:
                if seqs[state.name] > state.last_seq:
                    for event in await store.events_after(
                        conn, state.name, state.last_seq, until=seqs[state.name]
                    ):
                        state.pending.setdefault(event.seq, bus_message(event).partition(b"\n")[2])
                    self._advance(state)

    # -- history ------------------------------------------------------------------------

    def replay_from_memory(self, topic: str, since: int) -> list[tuple[int, bytes]] | None:
        """Frames after ``since`` up to what the hub delivered, or None if not all in memory."""
        state = self.topics.get(topic)
        if state is None or not state.ready:
            return None
        if since >= state.last_seq:
            return []
        history = state.history
        if not history or history[0][0] > since + 1:
            return None
        return [(seq, frame) for seq, _, frame in history if seq > since]

    async def close(self) -> None:
        for state in list(self.topics.values()):
            self._drop(state)
            if state.gap_task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await state.gap_task
