"""A Python client for the event stream (tests, bots, the load generator).

It keeps one WebSocket open, reconnects with jittered exponential back-off, and on
every reconnect resubscribes each topic with the last ``seq`` it holds, so the server
replays exactly what was missed (or sends a fresh snapshot with ``recovered: false``).

::

    async with StreamClient("ws://127.0.0.1:8080/ws", token=token) as stream:
        await stream.subscribe("me")
        frame = await stream.next()
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import orjson
import websockets
from websockets.asyncio.client import ClientConnection


class StreamClosed(Exception):
    """The client was stopped, or the server refused it for good."""


class StreamClient:
    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
        reconnect: bool = True,
        min_backoff: float = 0.05,
        max_backoff: float = 5.0,
        rng: random.Random | None = None,
    ) -> None:
        self.url = url
        self._headers = dict(headers or {})
        if token is not None:
            self._headers["Authorization"] = f"Bearer {token}"
        self._reconnect = reconnect
        self._min_backoff = min_backoff
        self._max_backoff = max_backoff
        self._rng = rng or random.Random()
        self.seqs: dict[str, int | None] = {}
        self.frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.close_codes: list[int | None] = []
        self.connects = 0
        self._ws: ClientConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        self._refs = 0

    async def __aenter__(self) -> StreamClient:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self, within: float = 10.0) -> None:
        self._task = asyncio.create_task(self._run(), name="stream-client")
        await asyncio.wait_for(self._connected.wait(), within)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        if self._ws is not None:
            await self._ws.close()

    async def send(self, frame: dict[str, Any]) -> None:
        if self._ws is None:
            raise StreamClosed("not connected")
        await self._ws.send(orjson.dumps(frame).decode())

    async def subscribe(self, topic: str, since: int | None = None) -> None:
        """Follow ``topic`` (now and after every reconnect)."""
        self.seqs[topic] = since
        if self._ws is not None:
            await self.send(self._subscribe_frame(topic))

    def _subscribe_frame(self, topic: str) -> dict[str, Any]:
        self._refs += 1
        frame: dict[str, Any] = {"op": "subscribe", "topic": topic, "ref": f"s{self._refs}"}
        if self.seqs.get(topic) is not None:
            frame["since"] = self.seqs[topic]
        return frame

    async def next(self, within: float = 10.0) -> dict[str, Any]:
        """The next frame, waiting at most ``within`` seconds."""
        return await asyncio.wait_for(self.frames.get(), within)

    async def next_op(self, op: str, within: float = 10.0) -> dict[str, Any]:
        """Skip frames until one with ``op`` arrives."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            frame = await self.next(max(deadline - loop.time(), 0.001))
            if frame.get("op") == op:
                return frame

    def drop(self) -> None:
        """Cut the connection abruptly (tests): the client reconnects and resumes."""
        if self._ws is not None:
            self._ws.transport.abort()

    async def _run(self) -> None:
        attempt = 0
        while True:
            try:
                async with websockets.connect(
                    self.url,
                    additional_headers=self._headers,
                    compression=None,
                    max_size=2**20,
                    open_timeout=10,
                    ping_interval=None,
                ) as ws:
                    self._ws = ws
                    self.connects += 1
                    attempt = 0
                    for topic in list(self.seqs):
                        await ws.send(orjson.dumps(self._subscribe_frame(topic)).decode())
                    self._connected.set()
                    async for raw in ws:
                        frame = orjson.loads(raw)
                        self._track(frame)
                        self.frames.put_nowait(frame)
                    self.close_codes.append(ws.close_code)
            except asyncio.CancelledError:
                raise
            except (OSError, websockets.exceptions.WebSocketException) as exc:
                code = getattr(getattr(exc, "rcvd", None), "code", None)
                self.close_codes.append(code)
            finally:
                self._ws = None
            if not self._reconnect:
                self.frames.put_nowait({"op": "closed", "codes": list(self.close_codes)})
                return
            # Full jitter: spread a storm of reconnecting clients over the window.
            delay = min(self._max_backoff, self._min_backoff * 2**attempt)
            attempt += 1
            await asyncio.sleep(self._rng.uniform(0, delay))

    def _track(self, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        topic = frame.get("topic")
        if op in ("event", "snapshot", "subscribed") and isinstance(topic, str):
            seq = frame.get("seq")
            if isinstance(seq, int) and topic in self.seqs:
                self.seqs[topic] = seq
