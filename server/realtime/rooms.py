"""The gateway's ``signal`` op: interview rooms across nodes, over the bus.

The rules live in :mod:`signaling.negotiation` (pure); this runs them. A connection that
has not joined a room is checked against the database (``admit``) — a stranger gets
``auth.forbidden`` and nothing reaches anyone; a joined connection is checked in memory
on every frame (an end closes the room on every node). Each node with members of a room
subscribes to the bus channel ``sig:<room>``; every envelope goes through it, so the
members on one node and on several see the same order. Nothing is stored or replayed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol
from uuid import UUID

import orjson

from server.bus import EventBus
from server.errors import Problem
from server.realtime import protocol
from server.realtime.gateway import Client
from signaling.negotiation import (
    Deliver,
    Effect,
    MemberRole,
    Publish,
    SignalError,
    Switchboard,
    end_envelope,
    parse_message,
)

log = logging.getLogger(__name__)


class Admit(Protocol):
    """(room id, account, is this a join) → the room's roster (account id → role), or
    raise a Problem (a stranger: ``auth.forbidden``)."""

    def __call__(
        self, room: str, account: UUID | None, *, joining: bool
    ) -> Awaitable[dict[str, MemberRole]]: ...


class Sender(Protocol):
    def send(self, frame_payload: bytes) -> None: ...


def channel(room: str) -> str:
    return "sig:" + room


class RoomRelay:
    def __init__(
        self,
        bus: EventBus,
        admit: Admit,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.board = Switchboard()
        self._bus = bus
        self._admit = admit
        self._monotonic = monotonic
        self._channels: dict[str, asyncio.Future[Callable[[], None]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # -- frames from clients ------------------------------------------------------------

    async def handle(self, client: Client, signal: protocol.Signal) -> None:
        room, ref = signal.room, signal.ref
        try:
            if not self.board.allow(client, self._monotonic()):
                raise SignalError("rate.limited", "too many signal frames; slow down")
            member = self.board.member_of(client, room)
            if member is None or signal.data.get("type") == "join":
                await self._join(client, room, signal.data)
                return
            effects = self.board.send(client, room, parse_message(signal.data))
        except SignalError as exc:
            client.send(protocol.error_frame(exc.code, exc.message, ref, room=room))
            return
        if len(effects) == 1 and isinstance(effects[0], Deliver):
            self._deliver(effects[0])  # the common case: a peer on this node
            return
        await self._apply(effects)

    async def _join(self, client: Client, room: str, data: dict[str, Any]) -> None:
        account = client.principal.account_id
        if account is None:
            raise SignalError("auth.forbidden", "sign in to take part in an interview")
        try:
            roster = await self._admit(room, account, joining=data.get("type") == "join")
        except Problem as problem:
            raise SignalError(problem.code, str(problem)) from None
        if data.get("type") != "join":
            raise SignalError("signal.not_joined", "send join first (again after a reconnect)")
        await self._subscribe(room)
        if client not in client.gateway.clients:
            self._release({room})  # it closed while we asked the database
            return
        effects = self.board.join(client, room, str(account), uuid.uuid4().hex[:12], roster)
        if room not in self._channels:  # released while this join awaited the database
            await self._subscribe(room)
        await self._apply(effects)

    def gone(self, client: Client) -> None:
        """The connection closed: it leaves its rooms (peers get ``bye``)."""
        effects = self.board.leave_all(client)
        if effects:
            self._spawn(self._apply(effects))

    async def end(self, room: str) -> None:
        """The interview ended: every member on every node gets ``bye`` (``ended``)."""
        await self._bus.publish(channel(room), orjson.dumps(end_envelope()))

    # -- effects ------------------------------------------------------------------------

    async def _apply(self, effects: list[Effect]) -> None:
        rooms = set()
        for effect in effects:
            rooms.add(effect.room)
            if isinstance(effect, Deliver):
                self._deliver(effect)
            else:
                await self._publish(effect)
        self._release(rooms)

    def _deliver(self, effect: Deliver) -> None:
        conn: Sender = effect.conn  # type: ignore[assignment]
        conn.send(protocol.signal_frame(effect.room, effect.sender, effect.data))

    async def _publish(self, effect: Publish) -> None:
        await self._bus.publish(channel(effect.room), orjson.dumps(effect.envelope))

    def _on_bus(self, chan: str, message: bytes) -> None:
        room = chan[4:]
        try:
            envelope = orjson.loads(message)
            effects = self.board.receive(room, envelope)
        except Exception:
            log.exception("bad signaling envelope on %s", chan)
            return
        publishes: list[Effect] = []
        for effect in effects:
            if isinstance(effect, Deliver):
                self._deliver(effect)
            else:
                publishes.append(effect)
        if publishes:
            self._spawn(self._apply(publishes))
        else:
            self._release({room})

    # -- bus channels -------------------------------------------------------------------

    async def _subscribe(self, room: str) -> None:
        while True:
            future = self._channels.get(room)
            if future is None:
                future = asyncio.get_running_loop().create_future()
                self._channels[room] = future
                try:
                    stop = await self._bus.subscribe(channel(room), self._on_bus)
                except BaseException as exc:
                    self._channels.pop(room, None)
                    future.set_exception(exc)
                    future.exception()
                    raise
                future.set_result(stop)
                return
            await asyncio.shield(future)
            if self._channels.get(room) is future:
                return

    def _release(self, rooms: set[str]) -> None:
        """Unsubscribe from those of ``rooms`` with no member on this node any more."""
        for room in rooms:
            future = self._channels.get(room)
            if future is None or not future.done() or self.board.has_local(room):
                continue
            del self._channels[room]
            if future.exception() is None:
                future.result()()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for future in self._channels.values():
            if future.done() and not future.exception():
                future.result()()
        self._channels.clear()
