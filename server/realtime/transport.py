"""The one place that writes WebSocket frames to aiohttp's transport directly.

Fan-out encodes each event once and writes the same frame bytes to every subscriber's
transport synchronously — no awaited per-client send, no task or queue per client.
Before each write the transport's buffer is checked; a client whose buffer passes the
send cap is cut (4008 ``slow_consumer``) instead of growing server memory.

This bypasses aiohttp's ``WebSocketWriter`` for data frames. That is safe because the
writer also writes each frame with a single synchronous ``transport.write`` (no await
between header and payload), so frames never interleave; compression is off, so no
RSV bits or compressor state are involved. ``tests/unit/test_ws_transport.py`` compares
these frames byte for byte with aiohttp's own writer and fails if an upgrade changes it.
"""

from __future__ import annotations

import asyncio
import struct

OPCODE_TEXT = 0x1


def text_frame(payload: bytes) -> bytes:
    """An unmasked (server → client), final, uncompressed text frame."""
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | OPCODE_TEXT, length)
    elif length < 65536:
        header = struct.pack("!BBH", 0x80 | OPCODE_TEXT, 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | OPCODE_TEXT, 127, length)
    return header + payload


class FrameSink:
    """Writes pre-encoded frames to one client's transport, within a buffer cap."""

    __slots__ = ("_cap", "_transport")

    def __init__(self, transport: asyncio.BaseTransport | None, cap: int) -> None:
        # Duck-typed: uvloop's transports have these methods without subclassing asyncio's.
        if transport is None or not all(
            hasattr(transport, name) for name in ("write", "get_write_buffer_size", "is_closing")
        ):
            raise RuntimeError("the WebSocket has no writable transport")
        self._transport: asyncio.WriteTransport = transport  # type: ignore[assignment]
        self._cap = cap

    def write(self, frame: bytes) -> bool:
        """Queue ``frame``; False when the client is over its cap (or gone) — cut it."""
        transport = self._transport
        if transport.is_closing():
            return False
        if transport.get_write_buffer_size() + len(frame) > self._cap:
            return False
        transport.write(frame)
        return True

    def gone(self) -> bool:
        """The connection is closing or closed (the client left), not slow."""
        return self._transport.is_closing()

    def buffered(self) -> int:
        return self._transport.get_write_buffer_size()
