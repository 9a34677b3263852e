"""Fan-out: one topic, N subscribers, 200-byte events — the gateway against a bare server.

Arms, in one process and one (uvloop) event loop, measured alternately in one run:

* ``bare``: a ``websockets`` server (``websockets.asyncio.server.serve``) whose
  publisher calls ``websockets.asyncio.server.broadcast()`` — encode once, write to
  every connection synchronously, no backpressure: the ceiling for Python fan-out;
* ``livefair``: the application from ``create_app`` on a real port, its clients
  subscribed to one ``venue:<id>`` topic over ``GET /ws``, each event committed through
  the outbox (``async with app[OUTBOX].transaction() as tx: tx.emit(...)``) and
  delivered by the hub with the send cap checked per client.

Both arms send the same frame (livefair's ``event`` frame, 200 bytes of JSON). The
clients are lean WebSocket connections (:class:`bench.loadgen.WsClient`) in a separate,
forked process; the server is pinned to one core and the load generator to the other.

Figures:

* delivered frames/s with a window of events in flight (an event is complete when
  every client holds it) — the ratio livefair/bare (target ≥ 0.6, goal 0.8);
* publish→receive latency at 10 events/s (publish = just before ``broadcast()`` or
  before the outbox transaction opens, so livefair's includes its commit) — livefair's
  p99 against 1.5 × bare p99 + 20 ms.

``--smoke``: 50 clients, a second or two of traffic.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import orjson
import uvloop
from websockets.asyncio.server import Server, ServerConnection, broadcast, serve

from bench.common import bench_database, machine
from bench.loadgen import (
    HOST,
    SERVER_CORE,
    Behaviour,
    GcWatch,
    Load,
    LogCounter,
    WsClient,
    a_venue_topic,
    cpu_seconds,
    gather_limited,
    load_average,
    open_client,
    pin,
    raise_nofile,
    serve_app,
    start_load,
    summary_ms,
)
from server.app import create_app
from server.appkeys import OUTBOX
from server.config import Secret, Settings
from server.realtime.protocol import event_frame
from server.store import db

FRAME_BYTES = 200
EVENT_TYPE = "bench.tick"
LATENCY_RATE = 10.0  # events/s


# -- the load-generator side ------------------------------------------------------------


@dataclass(slots=True)
class Subscriber:
    arm: str
    last: int = 0
    disorder: int = 0
    subscribed: asyncio.Future[int] | None = None


@dataclass
class Phase:
    arm: str
    n: int
    latency: bool
    frames: int = 0
    completed: int = 0
    counts: dict[int, int] = field(default_factory=dict)
    delays: list[float] = field(default_factory=list)


class FanoutLoad(Behaviour):
    """Holds each arm's clients; counts frames, completions and latencies per phase."""

    def __init__(self) -> None:
        self.arms: dict[str, list[WsClient]] = {}
        self.phase: Phase | None = None
        self.stray = 0
        self.closed = 0
        self.cpu_at_start = 0.0

    def on_text(self, client: WsClient, payload: bytes) -> None:
        frame = orjson.loads(payload)
        state: Subscriber = client.tag
        op = frame.get("op")
        if op != "event":
            if op == "subscribed" and state.subscribed is not None:
                state.last = frame["seq"]
                if not state.subscribed.done():
                    state.subscribed.set_result(frame["seq"])
            return
        seq: int = frame["seq"]
        if state.last and seq != state.last + 1:
            state.disorder += 1
        state.last = seq
        phase = self.phase
        if phase is None or phase.arm != state.arm:
            self.stray += 1
            return
        phase.frames += 1
        if phase.latency:
            phase.delays.append(time.monotonic() - frame["data"]["t"])
        count = phase.counts.get(seq, 0) + 1
        if count == phase.n:
            del phase.counts[seq]
            phase.completed += 1
            self.channel.note("done", phase.completed)
        else:
            phase.counts[seq] = count

    def on_close(self, client: WsClient) -> None:
        self.closed += 1

    async def do_connect(
        self, arm: str, port: int, n: int, subscribe: str | None, concurrency: int = 64
    ) -> float:
        """Open ``n`` clients (and subscribe each to ``subscribe``); seconds taken."""
        start = time.monotonic()
        loop = asyncio.get_running_loop()

        async def one(i: int) -> WsClient:
            state = Subscriber(arm)
            client = await open_client(
                port, self.on_text, on_close=self.on_close, within=30, tag=state
            )
            if subscribe is not None:
                state.subscribed = loop.create_future()
                client.send_json({"op": "subscribe", "topic": subscribe, "ref": f"b{i}"})
                await asyncio.wait_for(state.subscribed, 30)
            return client

        self.arms[arm] = await gather_limited(n, one, concurrency)
        return time.monotonic() - start

    async def do_phase(self, arm: str, latency: bool) -> None:
        self.phase = Phase(arm, len(self.arms[arm]), latency)
        self.cpu_at_start = cpu_seconds()

    async def do_end_phase(self) -> dict[str, Any]:
        phase, self.phase = self.phase, None
        assert phase is not None
        disorder = 0
        for client in self.arms[phase.arm]:
            disorder += client.tag.disorder
            client.tag.disorder = 0
        return {
            "frames": phase.frames,
            "completed": phase.completed,
            "incomplete": len(phase.counts),
            "disorder": disorder,
            "closed": self.closed,
            "delays": phase.delays,
            "cpu": cpu_seconds() - self.cpu_at_start,
        }

    async def do_disconnect(self) -> None:
        for clients in self.arms.values():
            for client in clients:
                client.abort()
        self.arms.clear()


# -- the server side --------------------------------------------------------------------


class Arm(Protocol):
    name: str
    label: str

    async def publish(self, t: float) -> None: ...


def padding(topic: str) -> str:
    """The ``pad`` that makes an ``event`` frame of ``topic`` ``FRAME_BYTES`` long."""
    t = time.monotonic()
    probe = event_frame(topic, 1000, EVENT_TYPE, datetime.now(UTC), {"t": t, "pad": ""})
    return "x" * max(0, FRAME_BYTES - len(probe))


class BareArm:
    name = "bare"
    label = "bare websockets.broadcast()"

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.pad = padding(topic)
        self.connections: set[ServerConnection] = set()
        self.seq = 0
        self.server: Server | None = None
        self.port = 0

    async def _handler(self, ws: ServerConnection) -> None:
        self.connections.add(ws)
        try:
            await ws.wait_closed()
        finally:
            self.connections.discard(ws)

    async def start(self) -> None:
        self.server = await serve(
            self._handler, HOST, 0, compression=None, max_size=64 * 1024, backlog=4096
        )
        self.port = next(iter(self.server.sockets)).getsockname()[1]

    async def publish(self, t: float) -> None:
        self.seq += 1
        frame = event_frame(
            self.topic, self.seq, EVENT_TYPE, datetime.now(UTC), {"t": t, "pad": self.pad}
        )
        broadcast(self.connections, frame, text=True)

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await asyncio.wait_for(self.server.wait_closed(), 10)


class LivefairArm:
    name = "livefair"
    label = "livefair gateway (outbox → hub → /ws)"

    def __init__(self, topic: str, app: Any) -> None:
        self.topic = topic
        self.pad = padding(topic)
        self.app = app

    async def publish(self, t: float) -> None:
        async with self.app[OUTBOX].transaction() as tx:
            tx.emit(self.topic, EVENT_TYPE, {"t": t, "pad": self.pad})


class Progress:
    """Completed events in the running phase, as the load generator reports them."""

    def __init__(self) -> None:
        self.completed = 0
        self.at = time.monotonic()
        self._changed = asyncio.Event()

    def note(self, name: str, value: Any) -> None:
        if name == "done":
            self.completed = value
            self.at = time.monotonic()
            self._changed.set()

    async def wait(self, within: float) -> None:
        self._changed.clear()
        await asyncio.wait_for(self._changed.wait(), within)

    async def until(self, count: int, within: float) -> None:
        deadline = time.monotonic() + within
        while self.completed < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"only {self.completed} of {count} events reached every client")
            await self.wait(remaining)


@dataclass
class Rep:
    rate: float
    server_cpu: float
    load_cpu: float
    result: dict[str, Any]


def check(result: dict[str, Any], published: int) -> None:
    if result["completed"] != published or result["disorder"] or result["incomplete"]:
        raise SystemExit(f"delivery check failed: {published} published, {result}")


async def throughput(load: Load, arm: Arm, seconds: float, window: int) -> Rep:
    progress = Progress()
    load.on_note = progress.note
    await load.call("phase", 10, arm=arm.name, latency=False)
    cpu = cpu_seconds()
    start = time.monotonic()
    deadline = start + seconds
    published = 0
    while time.monotonic() < deadline:
        if published - progress.completed >= window:
            await progress.wait(30)
            continue
        await arm.publish(time.monotonic())
        published += 1
        await asyncio.sleep(0)
    await progress.until(published, 30)
    elapsed = progress.at - start
    server_cpu = cpu_seconds() - cpu
    result = await load.call("end_phase", 30)
    check(result, published)
    return Rep(result["frames"] / elapsed, server_cpu / elapsed, result["cpu"] / elapsed, result)


async def latency(load: Load, arm: Arm, count: int) -> list[float]:
    """Publish ``count`` events at 10/s; every client's publish→receive delay (s)."""
    progress = Progress()
    load.on_note = progress.note
    await load.call("phase", 10, arm=arm.name, latency=True)
    start = time.monotonic() + 0.05
    for i in range(count):
        await asyncio.sleep(max(0.0, start + i / LATENCY_RATE - time.monotonic()))
        await arm.publish(time.monotonic())
    await progress.until(count, 30)
    result: dict[str, Any] = await load.call("end_phase", 30)
    check(result, count)
    delays: list[float] = result["delays"]
    return delays


@dataclass
class Figures:
    n: int
    window: int
    reps: int
    seconds: float
    rounds: int
    per_round: int
    connect_s: dict[str, float]
    throughput: dict[str, list[Rep]]
    delays: dict[str, list[list[float]]]
    where: str = ""
    averaged: str = ""
    gc_throughput: str = ""
    gc_latency: str = ""
    log: str = ""


async def measure(load: Load, smoke: bool) -> Figures:
    n = 50 if smoke else 2000
    figures = Figures(
        n=n,
        window=16,
        reps=1 if smoke else 3,
        seconds=0.3 if smoke else 3.0,
        rounds=1 if smoke else 2,
        per_round=5 if smoke else 30,
        connect_s={},
        throughput={"bare": [], "livefair": []},
        delays={"bare": [], "livefair": []},
    )
    async with bench_database() as dsn:
        figures.where = pin(SERVER_CORE)
        watch = GcWatch()
        logged = LogCounter()
        conn = await db.connect(dsn)
        try:
            topic = await a_venue_topic(conn)
        finally:
            await conn.close()
        with tempfile.TemporaryDirectory(prefix="livefair-bench-") as folder:
            settings = Settings(
                database_url=Secret(dsn),
                data_dir=Path(folder),
                secret_key=Secret("bench-secret-key-0123456789-abcdefghijklmnop"),
            )
            app = create_app(settings, run_timers=False)
            runner, port = await serve_app(app)
            bare = BareArm(topic)
            try:
                await bare.start()
                arms: list[Arm] = [bare, LivefairArm(topic, app)]
                figures.connect_s["bare"] = await load.call(
                    "connect", 120, arm="bare", port=bare.port, n=n, subscribe=None
                )
                figures.connect_s["livefair"] = await load.call(
                    "connect", 120, arm="livefair", port=port, n=n, subscribe=topic
                )
                if len(bare.connections) != n:
                    raise SystemExit(f"bare server holds {len(bare.connections)} of {n}")
                for arm in arms:  # warm up: caches, the pool, the kernel's buffers
                    await throughput(load, arm, 0.1 if smoke else 1.0, figures.window)
                watch.reset()
                for _ in range(figures.reps):
                    for arm in arms:
                        figures.throughput[arm.name].append(
                            await throughput(load, arm, figures.seconds, figures.window)
                        )
                figures.gc_throughput = watch.summary()
                watch.reset()
                for _ in range(figures.rounds):
                    for arm in arms:
                        figures.delays[arm.name].append(await latency(load, arm, figures.per_round))
                figures.gc_latency = watch.summary()
                await load.call("disconnect", 30)
            finally:
                await bare.close()
                await runner.cleanup()
        figures.averaged = load_average()
        figures.log = logged.summary()
    return figures


LABELS = {"bare": "bare websockets.broadcast()", "livefair": "livefair gateway (outbox → /ws)"}


def report(f: Figures, smoke: bool, pinned: str) -> None:
    print(
        f"fan-out bench ({'smoke' if smoke else 'full'}; {machine()}; {f.n} clients per arm,"
        f" {FRAME_BYTES}-byte frames; server on {f.where}, load generator on {pinned};"
        f" load average {f.averaged})"
    )
    print(
        f"  connect + subscribe: bare {f.connect_s['bare']:.1f} s,"
        f" livefair {f.connect_s['livefair']:.1f} s"
    )
    print(
        f"  throughput: {f.window} events in flight, {f.reps} × {f.seconds:.1f} s per arm,"
        " alternating; median"
    )
    rates: dict[str, float] = {}
    per_cpu: dict[str, float] = {}
    for name, runs in f.throughput.items():
        rates[name] = statistics.median(r.rate for r in runs)
        per_cpu[name] = statistics.median(r.rate / max(r.server_cpu, 1e-9) for r in runs)
        each = ", ".join(f"{r.rate:,.0f}" for r in runs)
        cpu = statistics.median(r.server_cpu for r in runs) * 100
        load_cpu = statistics.median(r.load_cpu for r in runs) * 100
        print(
            f"    {LABELS[name]:34} {rates[name]:>9,.0f} frames/s  (runs {each};"
            f" server CPU {cpu:.0f}%, load CPU {load_cpu:.0f}%;"
            f" {per_cpu[name]:,.0f} frames per server CPU-second)"
        )
    print(
        "  ratio livefair/bare frames per server CPU-second"
        f" {per_cpu['livefair'] / per_cpu['bare']:5.2f}  (less sensitive to other load)"
    )
    ratio = rates["livefair"] / rates["bare"]
    verdict = "goal met" if ratio >= 0.8 else "target met" if ratio >= 0.6 else "TARGET MISSED"
    if smoke:  # with 50 clients the outbox's commit, not fan-out, sets livefair's pace
        verdict = "smoke run: too small to judge"
    print(f"  ratio livefair/bare frames/s  {ratio:5.2f}  (target ≥ 0.6, goal ≥ 0.8: {verdict})")
    print(
        f"  latency: {f.rounds} × {f.per_round} events at {LATENCY_RATE:.0f}/s per arm,"
        f" alternating, to {f.n} clients"
    )
    p99: dict[str, float] = {}
    for name, rounds in f.delays.items():
        lat = summary_ms([d for r in rounds for d in r])
        p99[name] = lat["p99"]
        each = ", ".join(f"{summary_ms(r)['p99']:.0f}" for r in rounds)
        print(
            f"    {LABELS[name]:34} p50 {lat['p50']:5.1f}  p90 {lat['p90']:5.1f}"
            f"  p99 {lat['p99']:5.1f}  max {lat['max']:5.1f} ms"
            f"  ({lat['count']} frames; p99 per round {each})"
        )
    limit = 1.5 * p99["bare"] + 20
    verdict = "met" if p99["livefair"] <= limit else "MISSED"
    if smoke:
        verdict = "smoke run: too small to judge"
    print(
        f"  ratio livefair/bare p99 latency {p99['livefair'] / p99['bare']:5.2f}"
        f"  (livefair {p99['livefair']:.1f} ms ≤ 1.5 × {p99['bare']:.1f} + 20"
        f" = {limit:.1f} ms: {verdict})"
    )
    print("  delivery: every event reached every client once and in order, in every phase")
    print(f"  server GC: throughput phases {f.gc_throughput}; latency phases {f.gc_latency}")
    print(f"  server log: {f.log}")


async def run(load: Load, smoke: bool) -> None:
    await load.start()
    try:
        figures = await measure(load, smoke)
    finally:
        await load.close()
    report(figures, smoke, load.pinned)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="50 clients, a few seconds")
    args = parser.parse_args()
    raise_nofile(1 << 20)
    load = start_load(FanoutLoad)  # forked before any event loop exists
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run(load, args.smoke))


if __name__ == "__main__":
    main()
