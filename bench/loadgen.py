"""Shared plumbing for the gateway benchmarks: a load-generator process and its clients.

* :class:`WsClient` — a lean WebSocket client (an ``asyncio.Protocol``: hand-written
  upgrade request, a minimal frame parser, masked client frames, automatic pongs).
  Thousands of them fit in one process, and per received frame it costs a fraction of
  what a full client library costs, so the load generator is not what a benchmark
  measures. Server frames must be unmasked and uncompressed (every server here is).
* :func:`start_load` — forks the load-generator process *before* the bench starts its
  event loop (so the child inherits the imports and nothing else), pins the two
  processes to different cores, and returns a :class:`Load` to drive it: the bench
  calls ``await load.call("name", within, **kwargs)``, the child runs its behaviour's
  ``async def do_name(**kwargs)`` and replies; either side may ``note`` the other
  (a :class:`Channel` over a socket pair carries both).
* helpers: core pinning, the file-descriptor limit, RSS and CPU time, percentiles,
  full-GC pauses (:class:`GcWatch`), counted log warnings (:class:`LogCounter`), a venue
  topic and signed-in accounts made directly in the database, and running an aiohttp
  application on a real loopback port.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gc
import hashlib
import itertools
import logging
import multiprocessing
import os
import pickle
import resource
import socket
import struct
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from multiprocessing.process import BaseProcess
from typing import Any, cast
from uuid import UUID

import orjson
import uvloop
from aiohttp import web

from server import gc_tuning
from server.ids import uuid7
from server.services.identity import token_digest
from server.store import accounts as accounts_store
from server.store.db import Connection as DbConnection

HOST = "127.0.0.1"
WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
SERVER_CORE = 0
LOAD_CORE = 1

log = logging.getLogger(__name__)


# -- the machine ------------------------------------------------------------------------


def pin(core: int) -> str:
    """Pin the calling thread (and what it starts later) to ``core``; say what happened."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return "not pinned (one core)"
    chosen = available[core % len(available)]
    os.sched_setaffinity(0, {chosen})
    return f"core {chosen}"


def raise_nofile(wanted: int) -> int:
    """Raise the soft file-descriptor limit towards ``wanted`` (up to the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def rss_bytes() -> int:
    """This process's resident set size (after a full garbage collection)."""
    gc.collect()
    with open("/proc/self/statm", encoding="ascii") as handle:
        resident = int(handle.read().split()[1])
    return resident * os.sysconf("SC_PAGE_SIZE")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by nearest rank; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary_ms(values: Sequence[float]) -> dict[str, float]:
    """p50/p90/p99/max of latencies given in seconds, in milliseconds."""
    return {
        "count": len(values),
        "p50": percentile(values, 50) * 1000,
        "p90": percentile(values, 90) * 1000,
        "p99": percentile(values, 99) * 1000,
        "max": (max(values) * 1000) if values else float("nan"),
    }


class GcWatch:
    """Full (generation 2) garbage collections in this process: how many, the longest.

    A full collection walks every tracked object, and each connection owns about a
    hundred of them: with thousands of clients it stalls the event loop — fan-out
    included — for as long as it runs.
    """

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        elif self._started:
            self.pauses.append(time.perf_counter() - self._started)
            self._started = 0.0

    def reset(self) -> None:
        self.pauses.clear()

    def summary(self) -> str:
        if not self.pauses:
            return "no full GC"
        return (
            f"{len(self.pauses)} full GC, longest {max(self.pauses) * 1000:.0f} ms"
            f" ({len(gc.get_objects()):,} objects tracked)"
        )


class LogCounter(logging.Handler):
    """Counts the server's warnings and errors (instead of printing thousands of them)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: dict[tuple[str, str], int] = {}
        logging.getLogger().addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        key = (record.name, record.getMessage().split("\n", 1)[0][:80])
        self.counts[key] = self.counts.get(key, 0) + 1

    def summary(self) -> str:
        if not self.counts:
            return "no warnings or errors logged"
        ordered = sorted(self.counts.items(), key=lambda item: -item[1])
        return "; ".join(f"{count} × {name}: {message!r}" for (name, message), count in ordered)


# -- a lean WebSocket client ------------------------------------------------------------

TextHandler = Callable[["WsClient", bytes], None]
CloseHandler = Callable[["WsClient"], None]


def _noop_close(client: WsClient) -> None:
    return None


class HandshakeError(Exception):
    """The server did not switch protocols."""


class WsClient(asyncio.Protocol):
    """One client connection; text frames go to ``on_text``, the end to ``on_close``."""

    def __init__(
        self,
        path: str,
        host: str,
        headers: dict[str, str],
        on_text: TextHandler,
        on_close: CloseHandler = _noop_close,
    ) -> None:
        key = base64.b64encode(os.urandom(16))
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {host}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key.decode()}",
            "Sec-WebSocket-Version: 13",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        self._request = ("\r\n".join(lines) + "\r\n\r\n").encode()
        self._accept = base64.b64encode(hashlib.sha1(key + WS_GUID).digest())
        self.on_text = on_text
        self.on_close = on_close
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None
        self.open = False
        self.close_code: int | None = None
        self.pings = 0
        self.frames = 0
        self.tag: Any = None  # the behaviour's per-client state
        self._buffer = bytearray()
        self._handshaking = True
        self._fragments: list[bytes] | None = None

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not subclasses of asyncio.Transport, only look alike.
        self.transport = cast(asyncio.Transport, transport)
        self.transport.write(self._request)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._handshaking:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > 16384:
                    self._fail(HandshakeError("oversized handshake response"))
                return
            head = bytes(self._buffer[:end])
            del self._buffer[: end + 4]
            status = head.split(b"\r\n", 1)[0]
            if not status.startswith(b"HTTP/1.1 101") or self._accept not in head:
                self._fail(HandshakeError(status.decode("latin-1")))
                return
            self._handshaking = False
            self.open = True
            if not self.opened.done():
                self.opened.set_result(None)
        self._parse()

    def connection_lost(self, exc: Exception | None) -> None:
        was_open = self.open
        self.open = False
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed during the handshake"))
            self.opened.exception()  # retrieved: the connector re-raises it
        if was_open:
            self.on_close(self)

    # frames

    def _parse(self) -> None:
        buffer = self._buffer
        size = len(buffer)
        pos = 0
        while size - pos >= 2:
            first = buffer[pos]
            length = buffer[pos + 1] & 0x7F
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = (buffer[pos + 2] << 8) | buffer[pos + 3]
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(buffer[pos + 2 : pos + 10], "big")
                head = 10
            end = pos + head + length
            if end > size:
                break
            payload = bytes(buffer[pos + head : end])
            pos = end
            self.frames += 1
            opcode = first & 0x0F
            final = first & 0x80
            if opcode in (1, 2) and final:
                self.on_text(self, payload)
            elif opcode in (0, 1, 2):  # a fragmented message
                if opcode:
                    self._fragments = []
                if self._fragments is not None:
                    self._fragments.append(payload)
                    if final:
                        whole, self._fragments = b"".join(self._fragments), None
                        self.on_text(self, whole)
            elif opcode == 9:
                self.pings += 1
                self._send(0xA, payload)
            elif opcode == 8:
                self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                self._send(0x8, payload[:2])
                self.open = False
                if self.transport is not None:
                    self.transport.close()
                self.on_close(self)
                break
        if pos:
            del buffer[:pos]

    def _send(self, opcode: int, payload: bytes) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        length = len(payload)
        mask = os.urandom(4)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        if length:
            key = (mask * (length // 4 + 1))[:length]
            masked = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(
                length, "big"
            )
        else:
            masked = b""
        transport.write(header + mask + masked)

    def send_text(self, payload: bytes) -> None:
        self._send(0x1, payload)

    def send_json(self, frame: dict[str, Any]) -> None:
        self._send(0x1, orjson.dumps(frame))

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def _fail(self, exc: Exception) -> None:
        if not self.opened.done():
            self.opened.set_exception(exc)
            self.opened.exception()
        if self.transport is not None:
            self.transport.abort()


async def open_client(
    port: int,
    on_text: TextHandler,
    *,
    headers: dict[str, str] | None = None,
    on_close: CloseHandler = _noop_close,
    path: str = "/ws",
    within: float = 10.0,
    tag: Any = None,
) -> WsClient:
    """Connect one :class:`WsClient` to ``ws://127.0.0.1:<port><path>`` and upgrade.

    ``tag`` is set on the client before it can receive anything."""
    loop = asyncio.get_running_loop()

    made: list[WsClient] = []

    def factory() -> WsClient:
        client = WsClient(path, f"{HOST}:{port}", headers or {}, on_text, on_close)
        client.tag = tag
        made.append(client)
        return client

    async def connect() -> WsClient:
        _, protocol = await loop.create_connection(factory, HOST, port)
        await protocol.opened
        return protocol

    try:
        return await asyncio.wait_for(connect(), within)
    except BaseException:
        for client in made:  # a handshake cut short must not live on as a stray connection
            client.abort()
        raise


async def gather_limited(
    count: int, start: Callable[[int], Awaitable[Any]], concurrency: int
) -> list[Any]:
    """Run ``start(i)`` for ``i`` in ``range(count)``, at most ``concurrency`` at once."""
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> Any:
        async with gate:
            return await start(i)

    return await asyncio.gather(*(one(i) for i in range(count)))


# -- the load-generator process and its channel -----------------------------------------


class LoadError(Exception):
    """A call failed in the load-generator process (its traceback is the message)."""


class Channel:
    """One end of the socket pair between the bench process and the load generator.

    Messages are pickled tuples behind a 4-byte length, carried by asyncio streams (so
    a large call, such as ten thousand tokens, never blocks either event loop).
    """

    def __init__(self, sock: socket.socket, handler: object | None = None) -> None:
        self._sock = sock
        self._handler = handler
        self._calls: dict[int, asyncio.Future[Any]] = {}
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self.on_note: Callable[[str, Any], None] = lambda name, value: None
        self.closed: asyncio.Future[None] | None = None

    async def start(self) -> None:
        self.closed = asyncio.get_running_loop().create_future()
        reader, self._writer = await asyncio.open_unix_connection(sock=self._sock)
        self._reader_task = asyncio.get_running_loop().create_task(self._read(reader))

    def stop(self) -> None:
        if self._reader_task is not None:
            self._reader_task.cancel()
        if self._writer is not None:
            self._writer.close()

    async def call(self, name: str, within: float, **kwargs: Any) -> Any:
        """Run ``do_<name>(**kwargs)`` in the other process; its result, within ``within`` s."""
        if self.closed is None or self.closed.done():
            raise LoadError("the channel is closed")
        call_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._calls[call_id] = future
        self._send(("call", call_id, name, kwargs))
        try:
            return await asyncio.wait_for(future, within)
        finally:
            self._calls.pop(call_id, None)

    def note(self, name: str, value: Any) -> None:
        """Tell the other side something (no reply)."""
        self._send(("note", name, value))

    def _send(self, message: tuple[Any, ...]) -> None:
        if self._writer is None or self._writer.is_closing():
            raise LoadError("the channel is closed")
        body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        self._writer.write(struct.pack("!I", len(body)) + body)

    async def _read(self, reader: asyncio.StreamReader) -> None:
        problem: BaseException | None = None
        try:
            while True:
                head = await reader.readexactly(4)
                body = await reader.readexactly(struct.unpack("!I", head)[0])
                self._dispatch(pickle.loads(body))
        except asyncio.IncompleteReadError as exc:
            problem = exc
        except (OSError, asyncio.CancelledError) as exc:
            problem = exc
        for future in self._calls.values():
            if not future.done():
                future.set_exception(LoadError(f"the other process went away ({problem!r})"))
        if self.closed is not None and not self.closed.done():
            self.closed.set_result(None)

    def _dispatch(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "call":
            _, call_id, name, kwargs = message
            task = asyncio.get_running_loop().create_task(self._serve(call_id, name, kwargs))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif kind == "reply":
            future = self._calls.get(message[1])
            if future is not None and not future.done():
                future.set_result(message[2])
        elif kind == "error":
            future = self._calls.get(message[1])
            if future is not None and not future.done():
                future.set_exception(LoadError(message[2]))
        elif kind == "note":
            self.on_note(message[1], message[2])

    async def _serve(self, call_id: int, name: str, kwargs: dict[str, Any]) -> None:
        try:
            method = getattr(self._handler, "do_" + name)
            result = await method(**kwargs)
        except Exception:
            with contextlib.suppress(LoadError):
                self._send(("error", call_id, traceback.format_exc()))
            return
        with contextlib.suppress(LoadError):
            self._send(("reply", call_id, result))
        if name == "stop" and self._writer is not None:
            with contextlib.suppress(OSError):
                await asyncio.wait_for(self._writer.drain(), 10)
            if self.closed is not None and not self.closed.done():
                self.closed.set_result(None)


class Behaviour:
    """What the load-generator process does; subclasses add ``async def do_<name>``."""

    channel: Channel

    async def do_stop(self) -> None:
        return None

    async def do_cpu(self) -> float:
        return cpu_seconds()


def _load_main(sock: socket.socket, other: socket.socket, factory: Callable[[], Behaviour]) -> None:
    other.close()
    where = pin(LOAD_CORE)
    raise_nofile(1 << 20)
    logging.basicConfig(level=logging.WARNING)

    async def serve() -> None:
        behaviour = factory()
        channel = Channel(sock, behaviour)
        behaviour.channel = channel
        await channel.start()
        channel.note("pinned", where)
        assert channel.closed is not None
        await channel.closed

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(serve())


class Load:
    """The bench side of the load-generator process."""

    def __init__(self, process: BaseProcess, sock: socket.socket) -> None:
        self.process = process
        self.channel = Channel(sock)
        self.pinned = "?"
        self.on_note: Callable[[str, Any], None] = lambda name, value: None

    async def start(self) -> None:
        await self.channel.start()

        def note(name: str, value: Any) -> None:
            if name == "pinned":
                self.pinned = value
            else:
                self.on_note(name, value)

        self.channel.on_note = note

    async def call(self, name: str, within: float, **kwargs: Any) -> Any:
        return await self.channel.call(name, within, **kwargs)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.channel.call("stop", 10)
        self.channel.stop()
        await asyncio.to_thread(self.process.join, 10)
        if self.process.is_alive():
            self.process.kill()
            await asyncio.to_thread(self.process.join, 5)


def start_load(factory: Callable[[], Behaviour]) -> Load:
    """Fork the load generator (call this before any event loop or thread exists)."""
    context = multiprocessing.get_context("fork")
    ours, theirs = socket.socketpair()
    process = context.Process(
        target=_load_main, args=(theirs, ours, factory), name="livefair-load", daemon=True
    )
    process.start()
    theirs.close()
    return Load(process, ours)


# -- server-side fixtures ---------------------------------------------------------------


async def a_venue_topic(conn: DbConnection) -> str:
    """A fair with one sub-venue, inserted directly; its topic ``venue:<id>``.

    Booth topics arrive with a later issue; ``venue:<id>`` is the public topic family
    the gateway registers today, and it is served the same way (anonymous read,
    snapshot from one REPEATABLE READ transaction).
    """
    fair_id = uuid7()
    venue_id = uuid7()
    await conn.execute(
        "INSERT INTO fairs (id, slug, title_zh, title_en, starts_on, ends_on, time_zone)"
        " VALUES ($1, $2, '基准招聘会', 'Bench fair', $3, $4, 'Asia/Shanghai')",
        fair_id,
        f"bench-{fair_id.hex[-12:]}",
        date(2020, 7, 1),
        date(2020, 7, 31),
    )
    await conn.execute(
        "INSERT INTO venues (id, fair_id, kind, region_code, name_zh, name_en, position)"
        " VALUES ($1, $2, 'sub', '110000', '基准分会场', 'Bench sub-venue', 1)",
        venue_id,
        fair_id,
    )
    return f"venue:{venue_id}"


async def signed_in_accounts(conn: DbConnection, n: int) -> list[tuple[UUID, str]]:
    """``n`` accounts, each with its own API token; returns (account id, bearer token).

    Written directly through the account store (no password hashing, no HTTP): the
    benchmarks measure the gateway, not sign-up.
    """
    now = datetime.now(UTC)
    run = uuid7().hex[-10:]
    out: list[tuple[UUID, str]] = []
    async with conn.transaction():
        for i in range(n):
            account_id = await accounts_store.insert_account(
                conn,
                phone=None,
                email=f"bench-{run}-{i}@example.invalid",
                password_hash="bench-account-without-password",
                display_name=f"bench {i}",
                now=now,
            )
            token = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
            await accounts_store.insert_session(
                conn,
                account_id=account_id,
                token_hash=token_digest(token),
                kind="api",
                label="bench",
                address=HOST,
                now=now,
                expires_at=now + timedelta(days=1),
            )
            out.append((account_id, token))
    return out


async def serve_app(app: web.Application, port: int = 0) -> tuple[web.AppRunner, int]:
    """Run ``app`` on a real loopback port (``0``: any free one); the runner and the port."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=5)
    await runner.setup()
    site = web.TCPSite(runner, HOST, port, reuse_address=True, backlog=4096)
    await site.start()
    gc_tuning.tune()  # as `livefair serve` does once the application is up
    bound: int = runner.addresses[0][1]
    return runner, bound
