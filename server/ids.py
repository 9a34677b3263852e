"""Opaque public ids: UUIDv7 generated in Python.

PostgreSQL's ``uuidv7()`` exists only from version 18 and livefair's SQL runs on 15
through 18, so ids are made here. Version 7 ids sort by creation time, which keeps
B-tree inserts local.
"""

from __future__ import annotations

import os
import time
import uuid


def uuid7(unix_ms: int | None = None, rand: bytes | None = None) -> uuid.UUID:
    """A RFC 9562 version 7 UUID: 48-bit Unix milliseconds, then 74 random bits."""
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    tail = os.urandom(10) if rand is None else rand
    if len(tail) != 10:
        raise ValueError("rand must be 10 bytes")
    value = (ms & 0xFFFF_FFFF_FFFF) << 80
    value |= int.from_bytes(tail, "big") & ((1 << 80) - 1)
    value &= ~(0xF << 76)
    value |= 0x7 << 76  # version
    value &= ~(0x3 << 62)
    value |= 0x2 << 62  # RFC 9562 variant
    return uuid.UUID(int=value)
