"""The Redis bus: one pub/sub connection per process, fanned out locally.

redis-py does not reliably re-establish a pub/sub connection by itself (redis-py
#1572, #2089, #2417), so this module owns the reconnect loop: after a lost connection
it resubscribes every channel and calls the ``on_reconnect`` callbacks, whose owners
re-check their topics for gaps in PostgreSQL (messages published meanwhile are lost).

Timeouts are explicit: commands time out after ``socket_timeout``; the subscription
reads with its own short poll, so an idle subscription is never cut by a socket timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from server.bus import Handler
from server.bus.memory import deliver

log = logging.getLogger(__name__)

RECONNECT_DELAYS = (0.1, 0.25, 0.5, 1.0, 2.0)


class RedisBus:
    def __init__(self, url: str, *, socket_timeout: float = 5.0) -> None:
        self._url = url
        self._socket_timeout = socket_timeout
        self._handlers: defaultdict[str, list[Handler]] = defaultdict(list)
        self._reconnect_callbacks: list[Callable[[], None]] = []
        self._client: aioredis.Redis | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._confirming: dict[str, asyncio.Future[None]] = {}

    def _redis(self) -> aioredis.Redis:
        if self._client is None:
            raise RuntimeError("RedisBus.start() was not called")
        return self._client

    async def start(self) -> None:
        self._client = aioredis.Redis.from_url(
            self._url,
            socket_timeout=self._socket_timeout,
            socket_connect_timeout=self._socket_timeout,
            health_check_interval=0,
        )
        await self._client.ping()
        self._reader = asyncio.create_task(self._read_forever(), name="redis-bus-reader")

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def publish(self, channel: str, message: bytes) -> None:
        await self._redis().publish(channel, message)

    async def subscribe(self, channel: str, handler: Handler) -> Callable[[], None]:
        first = channel not in self._handlers
        self._handlers[channel].append(handler)
        if first or channel in self._confirming:
            # Wait for Redis to confirm the SUBSCRIBE: only then is every later PUBLISH
            # on the channel certain to reach this process.
            waiter = self._confirming.setdefault(
                channel, asyncio.get_running_loop().create_future()
            )
            self._changed.set()
            await asyncio.wait_for(asyncio.shield(waiter), timeout=self._socket_timeout * 2)

        def unsubscribe() -> None:
            handlers = self._handlers.get(channel)
            if handlers and handler in handlers:
                handlers.remove(handler)
                if not handlers:
                    del self._handlers[channel]
                    self._changed.set()

        return unsubscribe

    def on_reconnect(self, callback: Callable[[], None]) -> None:
        self._reconnect_callbacks.append(callback)

    async def ping(self) -> None:
        await self._redis().ping()

    async def _read_forever(self) -> None:
        attempt = 0
        first = True
        while True:
            pubsub = self._redis().pubsub()
            try:
                subscribed: set[str] = set()
                subscribed = await self._sync(pubsub, subscribed)
                if not first:
                    log.warning("redis bus: reconnected; resubscribed %d channels", len(subscribed))
                    for callback in list(self._reconnect_callbacks):
                        callback()
                first = False
                attempt = 0
                while True:
                    if self._changed.is_set():
                        subscribed = await self._sync(pubsub, subscribed)
                    if not subscribed:
                        # Nothing to read: wait for a subscription instead of polling.
                        await self._changed.wait()
                        continue
                    message = await pubsub.get_message(timeout=0.2)
                    if message is None:
                        continue
                    kind = message.get("type")
                    channel = message["channel"].decode()
                    if kind == "message":
                        deliver(self._handlers.get(channel, ()), channel, message["data"])
                    elif kind == "subscribe":
                        waiter = self._confirming.pop(channel, None)
                        if waiter is not None and not waiter.done():
                            waiter.set_result(None)
            except asyncio.CancelledError:
                raise
            except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                delay = RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)]
                attempt += 1
                first = False
                log.warning("redis bus: subscription lost (%s); retrying in %.2f s", exc, delay)
                await asyncio.sleep(delay)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _sync(self, pubsub: aioredis.client.PubSub, subscribed: set[str]) -> set[str]:
        self._changed.clear()
        wanted = set(self._handlers)
        if add := wanted - subscribed:
            await pubsub.subscribe(*sorted(add))
        if remove := subscribed - wanted:
            await pubsub.unsubscribe(*sorted(remove))
        # A channel dropped and wanted again before this sync never left Redis: no new
        # SUBSCRIBE (and no confirmation) will come, so its waiters are done now.
        for channel in wanted & subscribed:
            waiter = self._confirming.pop(channel, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        return wanted
