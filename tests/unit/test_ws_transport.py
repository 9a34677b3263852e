"""Frames livefair writes to aiohttp's transport are byte-identical to aiohttp's own.

If an aiohttp upgrade changes how its writer frames messages (or its internals move),
this test fails and the fan-out adapter in server/realtime/transport.py must be
revisited.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import pytest
from aiohttp._websocket.writer import WebSocketWriter

from server.realtime.transport import FrameSink, text_frame


class RecordingTransport(asyncio.WriteTransport):
    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closing = False

    def write(self, data: Any) -> None:
        self.written += bytes(data)

    def is_closing(self) -> bool:
        return self.closing

    def get_write_buffer_size(self) -> int:
        return len(self.written)


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 200_000])
async def test_our_frames_match_aiohttps_writer_byte_for_byte(size: int) -> None:
    payload = (b'{"op":"event","pad":"' + b"x" * size + b'"}')[: max(size, 2)]
    transport = RecordingTransport()

    class Protocol:
        _paused = False

        async def _drain_helper(self) -> None:
            return None

    writer = WebSocketWriter(Protocol(), transport, use_mask=False, compress=0)  # type: ignore[arg-type]
    await writer.send_frame(payload, 0x1)
    assert bytes(transport.written) == text_frame(payload)


def test_a_sink_refuses_frames_past_its_cap_and_on_a_closing_transport() -> None:
    transport = RecordingTransport()
    sink = FrameSink(transport, cap=100)
    assert sink.write(b"a" * 60)
    assert not sink.write(b"b" * 60)  # 120 > 100: the client is too slow
    assert sink.buffered() == 60
    assert not sink.gone()  # slow, not gone
    transport.closing = True
    assert not sink.write(b"c")
    assert sink.gone()


async def test_a_client_that_left_is_forgotten_without_a_slow_consumer_close(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Frames sent to a client that navigated away are not a slow consumer: it is
    forgotten quietly; one over its cap is closed with 4008 and logged."""
    from server.domain.principal import Principal
    from server.realtime.gateway import Client

    forgotten: list[Client] = []
    closed: list[int] = []

    work: list[asyncio.Task[None]] = []

    class Gateway:
        def forget(self, client: Client) -> None:
            forgotten.append(client)

        def in_background(self, hook: Coroutine[Any, Any, None]) -> None:
            work.append(asyncio.get_running_loop().create_task(hook))

    class Socket:
        async def close(self, *, code: int, message: bytes) -> None:
            closed.append(code)

    def client(transport: RecordingTransport) -> Client:
        sink = FrameSink(transport, cap=100)
        return Client(Gateway(), Socket(), sink, Principal(None))  # type: ignore[arg-type]

    caplog.set_level("INFO", logger="server.realtime.gateway")
    left = RecordingTransport()
    gone = client(left)
    left.closing = True
    gone.send(b"{}")
    await asyncio.sleep(0)
    assert forgotten == [gone]
    assert closed == []
    assert "slow client" not in caplog.text

    slow = client(RecordingTransport())
    slow.send(b"x" * 200)
    for _ in range(10):  # the close runs in a task of its own
        await asyncio.sleep(0)
    assert forgotten == [gone, slow]
    assert closed == [4008]
    assert "closing slow client" in caplog.text


def test_a_sink_accepts_uvloop_transports_which_livefair_serve_uses() -> None:
    import uvloop

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        transport, _ = await loop.create_connection(asyncio.Protocol, "127.0.0.1", port)
        assert FrameSink(transport, cap=100).write(text_frame(b"{}"))
        transport.close()
        server.close()
        await server.wait_closed()

    uvloop.run(main())
