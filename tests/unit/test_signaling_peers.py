"""A peer connection that never finishes closing costs at most CLOSE_TIMEOUT."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from signaling import peers


class StuckPeer:
    """Closes like an aiortc connection whose DTLS transport waits for a vanished peer."""

    def __init__(self) -> None:
        self.closing = asyncio.Event()

    async def close(self) -> None:
        self.closing.set()
        await asyncio.Event().wait()


class RefusingPeer:
    async def close(self) -> None:
        raise ConnectionError("the socket is gone")


async def test_a_stuck_close_gives_up_after_the_timeout(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(peers, "CLOSE_TIMEOUT", 0.05)
    stuck: Any = StuckPeer()
    await asyncio.wait_for(peers.close_quietly(stuck), 2)
    assert stuck.closing.is_set()
    assert "did not close" in caplog.text


async def test_a_transport_error_on_close_is_not_raised() -> None:
    refusing: Any = RefusingPeer()
    await peers.close_quietly(refusing)
