"""Public ids are UUIDv7: version 7, RFC variant, ordered by creation time."""

from __future__ import annotations

import uuid

from server.ids import uuid7


def test_uuid7_has_version_7_and_the_rfc_variant() -> None:
    value = uuid7()
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_uuid7_orders_by_milliseconds_and_keeps_them() -> None:
    early = uuid7(unix_ms=1_593_532_800_000, rand=b"\xff" * 10)
    late = uuid7(unix_ms=1_593_532_800_001, rand=b"\x00" * 10)
    assert early < late
    assert early.int >> 80 == 1_593_532_800_000


def test_uuid7_values_are_distinct() -> None:
    assert len({uuid7() for _ in range(10_000)}) == 10_000
