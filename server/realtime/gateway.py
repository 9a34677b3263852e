"""``GET /ws``: one WebSocket per client, speaking the grammar of :mod:`.protocol`.

A subscribe is answered with either the missed events (``since`` given and still in
history) or a ``snapshot`` (state and its seq, read in one REPEATABLE READ transaction;
``recovered: false`` when a resume could not be served), then ``subscribed``. The
subscription is registered — buffering — before history or snapshot is read, and the
buffer is drained without awaiting, so nothing falls between replay and live delivery.

Limits: frames ≤ 64 KiB (larger: close 1009), ≤ 200 topics per connection, ≤ 50
subscribes per second (``rate.limited``), a send cap after which the client is closed
with 4008 ``slow_consumer``, heartbeats every 20 s, no compression.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
import uuid
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import asyncpg
from aiohttp import WSMsgType, web

from server.domain.principal import ANONYMOUS, Principal
from server.errors import Problem
from server.origins import SESSION_COOKIE, same_origin
from server.realtime import protocol
from server.realtime.hub import Hub, Subscription
from server.realtime.presence import Presence
from server.realtime.topics import ResolvedTopic, TopicRegistry, client_name
from server.realtime.transport import FrameSink, text_frame
from server.services.identity import IdentityService
from server.store import events as store

log = logging.getLogger(__name__)

CLOSE_SLOW_CONSUMER = 4008
CLOSE_SESSION_ENDED = 4401
# Sessions that ended (signed out, revoked, the account deleted), on every node: a
# message is "session:<id>" or "account:<id>" (ended_session, ended_account).
SESSION_ENDED_CHANNEL = "auth:ended"
SEND_CAP = 1024 * 1024
MAX_TOPICS = 200
SUBSCRIBES_PER_SECOND = 50
HEARTBEAT_S = 20.0
REPLAY_LIMIT = 10_000

SignalHandler = Callable[["Client", protocol.Signal], Awaitable[None]]
SignalGone = Callable[["Client"], None]


@dataclass(frozen=True, slots=True)
class Limits:
    send_cap: int = SEND_CAP
    max_topics: int = MAX_TOPICS
    subscribes_per_second: int = SUBSCRIBES_PER_SECOND
    heartbeat: float = HEARTBEAT_S


class Client:
    """One connected WebSocket: its principal, its subscriptions, its send buffer."""

    _ids = itertools.count(1)

    def __init__(
        self, gateway: Gateway, ws: web.WebSocketResponse, sink: FrameSink, principal: Principal
    ) -> None:
        self.id = f"c{next(self._ids)}-{uuid.uuid4().hex[:6]}"
        self.gateway = gateway
        self.ws = ws
        self.sink = sink
        self.principal = principal
        self.subs: dict[str, tuple[Subscription, ResolvedTopic]] = {}
        self.closing = False
        self._window_start = 0.0
        self._window_count = 0

    @property
    def member(self) -> str:
        """Who this connection counts as in presence."""
        return str(self.principal.account_id) if self.principal.account_id else self.id

    def send(self, frame_payload: bytes) -> None:
        """Write one JSON frame now; cut the client if its buffer is over the cap."""
        if self.closing:
            return
        if not self.sink.write(text_frame(frame_payload)):
            self.cut()

    def cut(self) -> None:
        """Close with 4008 slow_consumer; the client resumes on reconnect. A client whose
        connection is already closing (it navigated away or lost the network) is only
        forgotten: it is gone, not slow."""
        if self.closing:
            return
        self.closing = True
        self.gateway.forget(self)
        if self.sink.gone():
            log.debug("client %s left while frames were sent to it", self.id)
            return
        log.info("closing slow client %s (%d bytes buffered)", self.id, self.sink.buffered())
        self.gateway.in_background(self._close(CLOSE_SLOW_CONSUMER, b"slow_consumer"))

    async def _close(self, code: int, reason: bytes) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(code=code, message=reason), 30)

    def end(self) -> None:
        """Close with 4401 session_ended: the session it opened with is over. The browser
        reconnects as whoever its cookie now says (nobody, after a sign-out)."""
        if self.closing:
            return
        self.closing = True
        self.gateway.forget(self)
        self.gateway.in_background(self._close(CLOSE_SESSION_ENDED, b"session_ended"))

    def allow_subscribe(self) -> bool:
        now = time.monotonic()
        if now - self._window_start >= 1.0:
            self._window_start, self._window_count = now, 0
        self._window_count += 1
        return self._window_count <= self.gateway.limits.subscribes_per_second


def ended_session(session_id: uuid.UUID) -> bytes:
    return f"session:{session_id}".encode()


def ended_account(account_id: uuid.UUID) -> bytes:
    return f"account:{account_id}".encode()


class Gateway:
    def __init__(
        self,
        hub: Hub,
        registry: TopicRegistry,
        presence: Presence,
        pool: asyncpg.Pool,
        identity: IdentityService,
        *,
        public_url: str,
        sockets: weakref.WeakSet[web.WebSocketResponse],
        bearer: Callable[[web.Request], Awaitable[Principal]],
        limits: Limits | None = None,
    ) -> None:
        self.public_url = public_url
        self.bearer = bearer
        self.sockets = sockets
        self.hub = hub
        self.registry = registry
        self.presence = presence
        self.pool = pool
        self.identity = identity
        self.limits = limits or Limits()
        self.clients: set[Client] = set()
        self.signal_handler: SignalHandler | None = None
        self.signal_gone: SignalGone | None = None  # told when a connection closes
        self._background: set[asyncio.Task[None]] = set()
        self._by_topic: dict[str, set[Client]] = {}

    # -- connection ---------------------------------------------------------------------

    async def principal_for(self, request: web.Request) -> Principal:
        if request.headers.get("Authorization") is not None:
            # Already resolved (and cached on the request) by the HTTP auth middleware.
            return await self.bearer(request)
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            # A browser sends cookies on cross-site WebSocket upgrades too: only this
            # site's pages may use them.
            origin = request.headers.get("Origin")
            if origin is None or not same_origin(
                origin, self.public_url, request.scheme, request.host
            ):
                raise Problem("auth.bad_origin", "cross-site WebSocket with cookies refused")
            return await self.identity.resolve(cookie) or ANONYMOUS
        return ANONYMOUS

    async def handle(self, request: web.Request) -> web.StreamResponse:
        principal = await self.principal_for(request)
        ws = web.WebSocketResponse(
            heartbeat=self.limits.heartbeat,
            compress=False,
            max_msg_size=protocol.MAX_FRAME_BYTES,
        )
        try:
            await ws.prepare(request)
        except ConnectionResetError:
            # The client gave up during the upgrade (a reconnect storm): nothing to log.
            return web.Response(status=499)
        client = Client(self, ws, FrameSink(request.transport, self.limits.send_cap), principal)
        self.clients.add(client)
        self.sockets.add(ws)
        try:
            async for message in ws:
                if client.closing:
                    break
                if message.type == WSMsgType.TEXT:
                    await self.on_frame(client, message.data)
                elif message.type == WSMsgType.BINARY:
                    client.send(protocol.error_frame("frame.malformed", "frames are JSON text"))
        finally:
            self.forget(client)
        return ws

    def end_sessions(self, channel: str, message: bytes) -> None:
        """A bus handler for :data:`SESSION_ENDED_CHANNEL`: close this node's sockets of
        the session (or the account) that ended, so a revoked session stops receiving
        its account's events at once, not at its next reconnect."""
        kind, _, ident = message.decode().partition(":")
        for client in list(self.clients):
            principal = client.principal
            of = principal.session_id if kind == "session" else principal.account_id
            if of is not None and str(of) == ident:
                log.info("closing client %s: its %s %s ended", client.id, kind, ident)
                client.end()

    def forget(self, client: Client) -> None:
        if client not in self.clients:
            return
        self.clients.discard(client)
        if self.signal_gone is not None:
            self.signal_gone(client)
        for subscription, resolved in client.subs.values():
            self._detach(client, subscription, resolved)
        client.subs.clear()

    # -- frames -------------------------------------------------------------------------

    async def on_frame(self, client: Client, raw: str) -> None:
        try:
            command = protocol.parse(raw)
            if isinstance(command, protocol.Ping):
                client.send(protocol.PONG)
            elif isinstance(command, protocol.Subscribe):
                await self.subscribe(client, command)
            elif isinstance(command, protocol.Unsubscribe):
                self.unsubscribe(client, command)
            elif self.signal_handler is None:
                raise protocol.ProtocolError("op.unavailable", "signaling is not enabled")
            else:
                await self.signal_handler(client, command)
        except protocol.ProtocolError as exc:
            client.send(protocol.error_frame(exc.code, exc.message, exc.ref))

    async def subscribe(self, client: Client, command: protocol.Subscribe) -> None:
        ref = command.ref
        if not client.allow_subscribe():
            raise protocol.ProtocolError("rate.limited", "too many subscribes; slow down", ref)
        if command.topic in client.subs:
            raise protocol.ProtocolError("topic.already_subscribed", "already subscribed", ref)
        if len(client.subs) >= self.limits.max_topics:
            raise protocol.ProtocolError(
                "topic.limit", f"at most {self.limits.max_topics} topics per connection", ref
            )
        resolved = await self.registry.resolve(command.topic, client.principal, ref)
        subscription, hub_seq = await self.hub.attach(client, resolved.stored)
        if client.closing:
            self.hub.detach(subscription)
            return
        client.subs[resolved.client_name] = (subscription, resolved)
        self._by_topic.setdefault(resolved.stored, set()).add(client)
        if resolved.family.presence:
            self.presence.join(resolved.stored, client.member)
            if resolved.family.on_join is not None:
                self.in_background(resolved.family.on_join(resolved.stored, client.member))
        try:
            sent = await self._catch_up(client, resolved, command.since, hub_seq)
        except Exception:
            self._detach(client, subscription, resolved)
            client.subs.pop(resolved.client_name, None)
            raise
        client.send(protocol.subscribed_frame(resolved.client_name, sent, ref))
        subscription.go_live(sent)

    async def _catch_up(
        self, client: Client, resolved: ResolvedTopic, since: int | None, hub_seq: int
    ) -> int:
        """Send what the client missed, or a snapshot; return the seq it now holds.

        Events after ``hub_seq`` (what the hub had delivered when the subscription was
        registered) arrive through the subscription's buffer; this sends the rest.
        """
        if since is not None and since <= hub_seq:
            frames = self.hub.replay_from_memory(resolved.stored, since)
            if frames is not None:
                for _, frame in frames:
                    client.send(frame)
                return frames[-1][0] if frames else since
            async with self.pool.acquire() as conn:
                events = await store.events_after(
                    conn, resolved.stored, since, until=hub_seq, limit=REPLAY_LIMIT
                )
            complete = (
                events[0].seq == since + 1 and events[-1].seq == hub_seq
                if events
                else since == hub_seq
            )
            if complete:
                for event in events:
                    client.send(
                        protocol.event_frame(
                            client_name(event.topic), event.seq, event.type, event.at, event.data
                        )
                    )
                return hub_seq
        # No resume asked, or the history it needs is gone (or the client is ahead of
        # this server's history): start over from a snapshot.
        return await self._snapshot(client, resolved, recovered=False)

    async def _snapshot(self, client: Client, resolved: ResolvedTopic, *, recovered: bool) -> int:
        async with (
            self.pool.acquire() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            data = await resolved.family.snapshot(conn, resolved.ident, client.principal)
            seq = await store.current_seq(conn, resolved.stored)
        extra: dict[str, Any] = {}
        if resolved.family.presence:
            extra["presence"] = self.presence.count(resolved.stored)
        client.send(
            protocol.snapshot_frame(
                resolved.client_name, seq, {**data, **extra}, recovered=recovered
            )
        )
        return seq

    def unsubscribe(self, client: Client, command: protocol.Unsubscribe) -> None:
        entry = client.subs.pop(command.topic, None)
        if entry is None:
            raise protocol.ProtocolError("topic.not_subscribed", "not subscribed", command.ref)
        self._detach(client, *entry)
        client.send(protocol.unsubscribed_frame(command.topic, command.ref))

    def _detach(self, client: Client, subscription: Subscription, resolved: ResolvedTopic) -> None:
        self.hub.detach(subscription)
        clients = self._by_topic.get(resolved.stored)
        if clients is not None:
            clients.discard(client)
            if not clients:
                del self._by_topic[resolved.stored]
        if resolved.family.presence:
            self.presence.leave(resolved.stored, client.member)
            gone = resolved.family.on_gone
            # Gone from this node: the hook asks the other nodes itself. (The last tick's
            # totals still hold this very connection, so they cannot say who is left.)
            if gone is not None and not self.presence.is_here(resolved.stored, client.member):
                self.in_background(gone(resolved.stored, client.member))

    def in_background(self, hook: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(hook)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- ephemeral ----------------------------------------------------------------------

    def broadcast_presence(self, topic: str, count: int) -> None:
        family = self.registry.family(topic.partition(":")[0])
        if family is not None and family.on_count is not None:
            family.on_count(topic, count)
        clients = self._by_topic.get(topic)
        if not clients:
            return
        frame = protocol.presence_frame(client_name(topic), count)
        for client in list(clients):
            if client_name(topic) == "me":
                continue  # your own presence is not news to you
            client.send(frame)
