"""The EventBus: how one node tells the others (and itself) that something happened.

PostgreSQL is the log; the bus is the doorbell. Two implementations share the
:class:`EventBus` protocol: :mod:`server.bus.memory` (one process, the default) and
:mod:`server.bus.redis` (several nodes, ``LIVEFAIR_REDIS_URL``). One Redis message per
event, fanned out locally to every subscriber of the channel — never one per client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

Handler = Callable[[str, bytes], None]
"""Called synchronously with ``(channel, message)`` for every message on a channel.

Handlers must not block: they hand the message on (to a socket buffer, a queue).
"""


class EventBus(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, channel: str, message: bytes) -> None: ...

    async def subscribe(self, channel: str, handler: Handler) -> Callable[[], None]:
        """Deliver the channel's messages to ``handler``; call the result to stop.

        Returns once the subscription is active: anything published afterwards arrives.
        """
        ...

    def on_reconnect(self, callback: Callable[[], None]) -> None:
        """Called after the bus lost and regained its subscription (messages may be lost)."""
        ...

    async def ping(self) -> None:
        """Return when the bus answers; raise when it does not."""
        ...
