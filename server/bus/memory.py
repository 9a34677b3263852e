"""The in-process bus: a dictionary of channels, for a single node."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

from server.bus import Handler

log = logging.getLogger(__name__)


class MemoryBus:
    def __init__(self) -> None:
        self._handlers: defaultdict[str, list[Handler]] = defaultdict(list)

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._handlers.clear()

    async def publish(self, channel: str, message: bytes) -> None:
        deliver(self._handlers.get(channel, ()), channel, message)

    async def subscribe(self, channel: str, handler: Handler) -> Callable[[], None]:
        self._handlers[channel].append(handler)

        def unsubscribe() -> None:
            handlers = self._handlers.get(channel)
            if handlers and handler in handlers:
                handlers.remove(handler)
                if not handlers:
                    del self._handlers[channel]

        return unsubscribe

    def on_reconnect(self, callback: Callable[[], None]) -> None:
        return None  # an in-process bus never loses its subscriptions

    async def ping(self) -> None:
        return None


def deliver(handlers: list[Handler] | tuple[()], channel: str, message: bytes) -> None:
    """Call every handler; one failing handler does not starve the others."""
    for handler in list(handlers):
        try:
            handler(channel, message)
        except Exception:
            log.exception("bus handler for %s failed", channel)
