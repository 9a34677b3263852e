"""Topic families: which topics exist, who may read them, how to build their snapshot.

Features register a family per topic prefix (``booth``, ``session``…) with an
``authorize`` and a ``snapshot`` coroutine. The gateway owns the names: ``me`` is the
signed-in account's stored topic ``user:<id>``, which is never subscribed directly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from server.domain.principal import Principal
from server.realtime.protocol import ProtocolError
from server.store.db import Connection

Authorize = Callable[[Principal, str], Awaitable[bool]]
"""(principal, the id part of the topic) → may this principal read it?"""

Snapshot = Callable[[Connection, str, Principal], Awaitable[dict[str, Any]]]
"""(connection in a REPEATABLE READ transaction, id part, principal) → the topic's state."""

Gone = Callable[[str, str], Coroutine[Any, Any, None]]
"""(stored topic, member) → react to a member no longer connected here (presence families)."""

Counted = Callable[[str, int], None]
"""(stored topic, total members on every node) → called (without awaiting) when a presence
family's total changes, at most once a second per topic on each node following it."""

ANONYMOUS_PREFIXES = frozenset({"fair", "venue", "booth", "session"})


@dataclass(frozen=True, slots=True)
class TopicFamily:
    prefix: str
    authorize: Authorize
    snapshot: Snapshot
    presence: bool = False
    # Called when a member's last connection on this node leaves a topic of the family.
    on_gone: Gone | None = None
    # Called with a presence topic's new total (e.g. to keep a session's viewer peak).
    on_count: Counted | None = None
    # Called when a member subscribes (afresh or resuming) to a topic of the family.
    on_join: Gone | None = None


@dataclass(frozen=True, slots=True)
class ResolvedTopic:
    client_name: str  # what the client subscribed to ("me", "booth:42")
    stored: str  # the outbox topic ("user:<id>", "booth:42")
    ident: str  # the part after the prefix
    family: TopicFamily


def client_name(stored: str) -> str:
    """The name a client knows a stored topic by (``user:<id>`` is ``me``)."""
    return "me" if stored.startswith("user:") else stored


class TopicRegistry:
    def __init__(self) -> None:
        self._families: dict[str, TopicFamily] = {}

    def register(self, family: TopicFamily) -> None:
        if family.prefix in self._families:
            raise ValueError(f"topic family {family.prefix!r} is already registered")
        self._families[family.prefix] = family

    def families(self) -> dict[str, TopicFamily]:
        return dict(self._families)

    def family(self, prefix: str) -> TopicFamily | None:
        return self._families.get(prefix)

    async def resolve(self, topic: str, principal: Principal, ref: str | None) -> ResolvedTopic:
        """Map a client topic to its stored topic and check the principal may read it."""
        forbidden = ProtocolError("auth.forbidden", f"you may not subscribe to {topic}", ref)
        if topic == "me":
            if principal.account_id is None:
                raise ProtocolError("auth.forbidden", "sign in to subscribe to me", ref)
            family = self._families["user"]
            ident = str(principal.account_id)
            return ResolvedTopic("me", f"user:{ident}", ident, family)
        prefix, _, ident = topic.partition(":")
        if prefix == "user":
            raise forbidden  # only through "me"
        found = self._families.get(prefix)
        if found is None or not ident:
            raise ProtocolError("topic.unknown", f"no such topic {topic}", ref)
        family = found
        if principal.is_anonymous and prefix not in ANONYMOUS_PREFIXES:
            raise forbidden
        if not await family.authorize(principal, ident):
            raise forbidden
        return ResolvedTopic(topic, topic, ident, family)
