"""The event-stream frame grammar (pure: bytes in, typed commands out; values in, bytes out).

Client → server::

    {"op": "subscribe", "topic": "booth:42", "since": 118, "ref": "c1"}
    {"op": "unsubscribe", "topic": "booth:42", "ref": "c2"}
    {"op": "ping"}
    {"op": "signal", "room": "…", "data": {…}}

Server → client: ``event``, ``snapshot``, ``subscribed``, ``unsubscribed``, ``error``,
``pong``, ``signal``, ``presence`` (see docs/protocol.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

MAX_FRAME_BYTES = 64 * 1024
TOPIC = re.compile(r"^[a-z][a-z_]{0,30}(?::[A-Za-z0-9_-]{1,64}){0,2}$")
REF = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class ProtocolError(Exception):
    """A frame the server will not act on; the socket stays open."""

    def __init__(self, code: str, message: str, ref: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.ref = ref


@dataclass(frozen=True, slots=True)
class Subscribe:
    topic: str
    since: int | None
    ref: str | None


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    topic: str
    ref: str | None


@dataclass(frozen=True, slots=True)
class Ping:
    pass


@dataclass(frozen=True, slots=True)
class Signal:
    room: str
    data: dict[str, Any]
    ref: str | None = None


Command = Subscribe | Unsubscribe | Ping | Signal


def _ref(frame: dict[str, Any]) -> str | None:
    ref = frame.get("ref")
    if ref is None:
        return None
    if not isinstance(ref, str) or not REF.match(ref):
        raise ProtocolError("frame.invalid", "ref must be a short string of [A-Za-z0-9_.:-]")
    return ref


def parse(raw: str | bytes) -> Command:
    """Parse one client frame, or raise :class:`ProtocolError`."""
    if len(raw) > MAX_FRAME_BYTES:
        raise ProtocolError("frame.too_large", f"frames are limited to {MAX_FRAME_BYTES} bytes")
    try:
        frame = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ProtocolError("frame.malformed", "a frame must be a JSON object") from None
    if not isinstance(frame, dict):
        raise ProtocolError("frame.malformed", "a frame must be a JSON object")
    op = frame.get("op")
    ref = frame.get("ref") if isinstance(frame.get("ref"), str) else None
    if op == "ping":
        return Ping()
    if op in ("subscribe", "unsubscribe"):
        ref = _ref(frame)
        topic = frame.get("topic")
        if not isinstance(topic, str) or not TOPIC.match(topic):
            raise ProtocolError("topic.invalid", "topic must look like 'booth:<id>' or 'me'", ref)
        if op == "unsubscribe":
            return Unsubscribe(topic, ref)
        since = frame.get("since")
        if since is not None and (
            isinstance(since, bool) or not isinstance(since, int) or since < 0
        ):
            raise ProtocolError("frame.invalid", "since must be a non-negative integer", ref)
        return Subscribe(topic, since, ref)
    if op == "signal":
        room = frame.get("room")
        data = frame.get("data")
        if not isinstance(room, str) or not 1 <= len(room) <= 64 or not isinstance(data, dict):
            raise ProtocolError("frame.invalid", "signal needs a room id and a data object", ref)
        return Signal(room, data, _ref(frame))
    raise ProtocolError("op.unknown", f"unknown op {op!r}", ref)


def _dump(frame: dict[str, Any]) -> bytes:
    return orjson.dumps(frame)


def event_frame(topic: str, seq: int, type_: str, at: datetime, data: dict[str, Any]) -> bytes:
    return _dump(
        {
            "op": "event",
            "topic": topic,
            "seq": seq,
            "type": type_,
            "at": at.isoformat(),
            "data": data,
        }
    )


def snapshot_frame(topic: str, seq: int, data: dict[str, Any], *, recovered: bool) -> bytes:
    return _dump(
        {"op": "snapshot", "topic": topic, "seq": seq, "recovered": recovered, "data": data}
    )


def subscribed_frame(topic: str, seq: int, ref: str | None) -> bytes:
    return _dump({"op": "subscribed", "topic": topic, "seq": seq, "ref": ref})


def unsubscribed_frame(topic: str, ref: str | None) -> bytes:
    return _dump({"op": "unsubscribed", "topic": topic, "ref": ref})


def error_frame(code: str, message: str, ref: str | None = None, **extra: Any) -> bytes:
    return _dump({"op": "error", "code": code, "message": message, "ref": ref, **extra})


def presence_frame(topic: str, count: int) -> bytes:
    return _dump({"op": "presence", "topic": topic, "count": count})


def signal_frame(room: str, sender: str, data: dict[str, Any]) -> bytes:
    return _dump({"op": "signal", "room": room, "from": sender, "data": data})


PONG = _dump({"op": "pong"})
