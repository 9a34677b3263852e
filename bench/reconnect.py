"""Reconnect storm: N clients dropped at once come back and resume exactly.

One livefair node (``create_app`` on a real loopback port, uvloop, pinned to one core);
N lean WebSocket clients (:class:`bench.loadgen.WsClient`) in a forked process on the
other core, each signed in with its own API token (N accounts written directly through
the account store) and subscribed to ``me`` and to one public topic: client i follows
``venue:<id>`` number i mod K, K = 50 by default (100 clients per topic, like visitors
spread over booths; booth topics arrive with a later issue and venue topics are served
the same way). ``--topics 1`` puts everyone on one topic: then 20 events/s are
100,000 frames/s of live fan-out, a whole core's worth here, before any reconnect.

A publisher commits 20 outbox transactions per second for the whole run, each with one
event on the next public topic (round robin) and one on a rotating account's ``me``
(``user:<id>``), so both kinds of topic have events to miss. It commits on a pool of
its own and announces on the node's bus, like writers on another node: on the node's
own pool (10 connections) the gateway's reconnect queries starved it to ~3 per second.

Two figures, each the time from the drop until the last client is live again — it has
reconnected and received ``subscribed`` for both topics after an exact resume (the
missed events replayed, no ``snapshot``) — followed by a check, after the publisher
stops, that every client holds every seq of both its topics once and in order:

* **storm**: every client's transport is aborted server-side at once; clients
  reconnect after a delay drawn uniformly from 0–5 s (then full-jitter back-off) and
  resume from their last seq — replay comes from the hub's memory (target ≤ 15 s);
* **node restart**: the application is stopped (clients get 1001) and a new one is
  started on the same database and port; its hub has no history, so every resume is
  replayed from PostgreSQL. Events committed while no node runs are announced on a bus
  nobody hears: only PostgreSQL has them.

``--smoke``: 100 clients on 5 topics, a 1 s spread.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import uvloop
from aiohttp import web

from bench.common import bench_database, machine
from bench.loadgen import (
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
    percentile,
    pin,
    raise_nofile,
    serve_app,
    signed_in_accounts,
    start_load,
)
from server.app import create_app
from server.appkeys import BUS, GATEWAY, POOL
from server.bus import EventBus
from server.bus.memory import MemoryBus
from server.config import Secret, Settings
from server.realtime.outbox import Outbox
from server.store import db
from server.store import events as events_store
from server.timers import SystemClock

SPREAD_S = 5.0  # the first reconnect waits uniform(0, SPREAD_S)
BACKOFF_BASE_S = 0.25
BACKOFF_CAP_S = 5.0
PUBLISH_RATE = 20.0  # transactions/s, each with a venue event and a me event

log = logging.getLogger(__name__)
BEGAN = time.monotonic()


def step(what: str) -> None:
    """Progress on stderr (a full run takes a minute or more)."""
    print(f"[{time.monotonic() - BEGAN:6.1f} s] {what}", file=sys.stderr, flush=True)


# -- the load-generator side ------------------------------------------------------------


@dataclass(slots=True)
class Follower:
    index: int
    token: str
    seqs: dict[str, int | None]
    client: WsClient | None = None
    live: set[str] = field(default_factory=set)
    live_at: float | None = None
    attempt: int = 0
    connects: int = 0
    gaps: int = 0
    duplicates: int = 0
    restarts: int = 0  # a snapshot (recovered: false) answered a resume
    errors: int = 0


class ReconnectLoad(Behaviour):
    def __init__(self) -> None:
        self.followers: list[Follower] = []
        self.port = 0
        self.topics: list[str] = []
        self.dropped_at: float | None = None
        self.failed_connects = 0
        self.rng = random.Random(6)
        self.all_live: asyncio.Event = asyncio.Event()
        self.live_count = 0
        self.stopping = False
        self.spread = SPREAD_S

    # frames

    def on_text(self, client: WsClient, payload: bytes) -> None:
        follower: Follower = client.tag
        frame = orjson.loads(payload)
        op = frame.get("op")
        topic = frame.get("topic")
        if op == "event":
            last = follower.seqs.get(topic)
            seq = frame["seq"]
            if last is not None and seq != last + 1:
                if seq <= last:
                    follower.duplicates += 1
                    return
                follower.gaps += 1
            follower.seqs[topic] = seq
        elif op == "snapshot":
            if follower.seqs.get(topic) is not None:
                follower.restarts += 1
            follower.seqs[topic] = frame["seq"]
        elif op == "subscribed":
            last = follower.seqs.get(topic)
            if last is not None and last < frame["seq"]:
                follower.gaps += 1  # the replay stopped short
            follower.seqs[topic] = max(last or 0, frame["seq"])
            follower.live.add(topic)
            if len(follower.live) == len(follower.seqs) and follower.live_at is None:
                follower.live_at = time.monotonic()
                self.live_count += 1
                if self.live_count == len(self.followers):
                    self.all_live.set()
        elif op == "error":
            follower.errors += 1
            log.warning("client %d: %s", follower.index, frame)

    def on_close(self, client: WsClient) -> None:
        follower: Follower = client.tag
        if follower.client is not client:
            return
        follower.client = None
        follower.live.clear()
        if self.stopping:
            return
        follower.attempt = 0
        self._schedule(follower, self.rng.uniform(0, self.spread))

    # connections

    def _schedule(self, follower: Follower, delay: float) -> None:
        loop = asyncio.get_running_loop()
        loop.call_later(delay, lambda: loop.create_task(self._connect(follower)))

    async def _connect(self, follower: Follower) -> None:
        if self.stopping or follower.client is not None:
            return
        try:
            client = await open_client(
                self.port,
                self.on_text,
                headers={"Authorization": f"Bearer {follower.token}"},
                on_close=self.on_close,
                within=10,
                tag=follower,
            )
        except Exception:  # refused while the node restarts, or timed out
            self.failed_connects += 1
            follower.attempt += 1
            ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**follower.attempt)
            self._schedule(follower, self.rng.uniform(0, ceiling))
            return
        follower.client = client
        follower.connects += 1
        for ref, topic in enumerate(follower.seqs):
            frame: dict[str, Any] = {"op": "subscribe", "topic": topic, "ref": f"r{ref}"}
            if follower.seqs[topic] is not None:
                frame["since"] = follower.seqs[topic]
            client.send_json(frame)

    async def do_connect(
        self, port: int, tokens: list[str], topics: list[str], spread: float
    ) -> float:
        """Connect every client (snapshots) and wait until all are live; client i follows
        ``me`` and ``topics[i % len(topics)]``."""
        self.port, self.topics, self.spread = port, topics, spread
        self.followers = [
            Follower(i, t, {"me": None, topics[i % len(topics)]: None})
            for i, t in enumerate(tokens)
        ]
        start = time.monotonic()
        self.all_live.clear()
        self.live_count = 0

        async def one(i: int) -> None:
            await self._connect(self.followers[i])

        await gather_limited(len(tokens), one, 100)
        await asyncio.wait_for(self.all_live.wait(), 300)
        return time.monotonic() - start

    async def do_arm(self) -> None:
        """From now on, count clients that become live again (call just before the drop)."""
        for follower in self.followers:
            follower.live_at = None
        self.live_count = 0
        self.all_live.clear()
        self.dropped_at = time.monotonic()

    async def do_wait_live(self, limit_s: float) -> dict[str, Any]:
        """Wait until every client is live again; seconds from the drop per client."""
        assert self.dropped_at is not None
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.all_live.wait(), limit_s)
        times = [f.live_at - self.dropped_at for f in self.followers if f.live_at is not None]
        return {
            "live": len(times),
            "p50": percentile(times, 50),
            "p99": percentile(times, 99),
            "last": max(times) if times else float("nan"),
            "failed_connects": self.failed_connects,
        }

    async def do_verify(
        self, shared: dict[str, int], mine: list[int], limit_s: float
    ) -> dict[str, Any]:
        """Wait until every client holds the heads (``shared[topic]`` for its public
        topic, ``mine[i]`` for client i's ``me``); count what went wrong."""

        def behind() -> int:
            count = 0
            for follower in self.followers:
                for topic, seq in follower.seqs.items():
                    head = mine[follower.index] if topic == "me" else shared[topic]
                    count += (seq or 0) != head
            return count

        for _ in range(int(limit_s / 0.1)):  # the last events may still be in flight
            if not behind():
                break
            await asyncio.sleep(0.1)
        result = {
            "behind": behind(),
            "gaps": sum(f.gaps for f in self.followers),
            "duplicates": sum(f.duplicates for f in self.followers),
            "restarts": sum(f.restarts for f in self.followers),
            "errors": sum(f.errors for f in self.followers),
            "connects": sum(f.connects for f in self.followers),
            "failed_connects": self.failed_connects,
        }
        self.failed_connects = 0
        return result

    async def do_hang_up(self) -> None:
        """Close every client for good (no reconnect)."""
        self.stopping = True
        for follower in self.followers:
            if follower.client is not None:
                follower.client.abort()


# -- the server side --------------------------------------------------------------------


class Publisher:
    """20 outbox transactions/s, committed on a pool of their own (as another node's
    writers would), announced on the running node's bus (or, while no node runs, on a
    bus nobody hears). The app's own pool stays free for the gateway's reconnect work,
    so the rate holds through the storm."""

    def __init__(
        self, topics: list[str], accounts: list[UUID], pool: Any, bus: Callable[[], EventBus]
    ) -> None:
        self.topics = topics
        self.accounts = accounts
        self.pool = pool
        self.bus = bus
        self.committed: list[float] = []
        self.failed = 0
        self._outboxes: dict[int, Outbox] = {}
        self._task: asyncio.Task[None] | None = None

    def _outbox(self) -> Outbox:
        bus = self.bus()
        outbox = self._outboxes.get(id(bus))
        if outbox is None:
            outbox = self._outboxes[id(bus)] = Outbox(self.pool, bus, SystemClock())
        return outbox

    def rate(self, since: float, seconds: float) -> float:
        return sum(1 for t in self.committed if since <= t < since + seconds) / seconds

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        start = time.monotonic()
        tick = 0
        while True:
            tick += 1
            await asyncio.sleep(max(0.0, start + tick / PUBLISH_RATE - time.monotonic()))
            account = self.accounts[tick % len(self.accounts)]
            outbox = self._outbox()
            try:
                async with outbox.transaction() as tx:
                    tx.emit(self.topics[tick % len(self.topics)], "bench.tick", {"tick": tick})
                    tx.emit(f"user:{account}", "bench.note", {"tick": tick})
                self.committed.append(time.monotonic())
                if tick % 10 == 0:  # as the node's outbox loop would: no relay re-sends
                    await outbox.flush_published()
            except Exception:
                self.failed += 1

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


def drop_every_client(app: web.Application) -> int:
    """Abort every gateway client's transport, as a network failure would."""
    clients = list(app[GATEWAY].clients)
    for client in clients:
        # The gateway has no public way to drop a connection; its FrameSink holds the
        # transport.
        client.sink._transport.abort()
    return len(clients)


def make_app(dsn: str, folder: str) -> web.Application:
    settings = Settings(
        database_url=Secret(dsn),
        data_dir=Path(folder),
        secret_key=Secret("bench-secret-key-0123456789-abcdefghijklmnop"),
    )
    return create_app(settings, run_timers=False)


async def heads(pool: Any, topics: list[str]) -> dict[str, int]:
    async with pool.acquire() as conn:
        return await events_store.current_seqs(conn, topics)


@dataclass
class Storm:
    label: str
    dropped: int
    live: dict[str, Any]
    check: dict[str, Any]
    cpu: float
    gc: str
    log: str
    rate: float
    extra: str = ""


async def verify(load: Load, pool: Any, topics: list[str], accounts: list[UUID]) -> dict[str, Any]:
    found = await heads(pool, [*topics, *(f"user:{a}" for a in accounts)])
    shared = {t: found[t] for t in topics}
    mine = [found[f"user:{a}"] for a in accounts]
    result: dict[str, Any] = await load.call("verify", 60, shared=shared, mine=mine, limit_s=20)
    return result


async def run(
    load: Load,
    smoke: bool,
    nofile: tuple[int, int],
    clients: int | None,
    public_topics: int | None,
) -> None:
    n = clients or (100 if smoke else 5000)
    k = public_topics or (5 if smoke else 50)
    spread = 1.0 if smoke else SPREAD_S
    pause = 0.25 if smoke else 0.5  # publishing before a drop, and after the last is live
    if nofile[0] < n + 512:
        raise SystemExit(f"RLIMIT_NOFILE is {nofile[0]} (hard {nofile[1]}): too low for {n}")
    await load.start()
    storms: list[Storm] = []
    try:
        async with bench_database() as dsn:
            where = pin(SERVER_CORE)
            watch = GcWatch()
            logged = LogCounter()
            spare = await db.create_pool(dsn, min_size=2, max_size=4)
            publisher: Publisher | None = None
            with tempfile.TemporaryDirectory(prefix="livefair-bench-") as folder:
                app = make_app(dsn, folder)
                runner, port = await serve_app(app)
                try:
                    async with spare.acquire() as conn:
                        topics = [await a_venue_topic(conn) for _ in range(k)]
                        pairs = await signed_in_accounts(conn, n)
                    accounts = [a for a, _ in pairs]
                    step(f"{n} accounts; connecting")
                    connect_s = await load.call(
                        "connect",
                        600,
                        port=port,
                        tokens=[t for _, t in pairs],
                        topics=topics,
                        spread=spread,
                    )
                    current = {"app": app}
                    nobody: EventBus = MemoryBus()

                    def bus() -> EventBus:
                        live = current.get("app")
                        return live[BUS] if live is not None else nobody

                    publisher = Publisher(topics, accounts, spare, bus)
                    publisher.start()
                    step(f"connected in {connect_s:.1f} s; publishing")
                    await asyncio.sleep(4 * pause)

                    # 1. a storm: every connection cut at once
                    await load.call("arm", 10)
                    cpu = cpu_seconds()
                    watch.reset()
                    logged.counts.clear()
                    dropped_at = time.monotonic()
                    dropped = drop_every_client(app)
                    step(f"dropped {dropped}")
                    live = await load.call("wait_live", 120, limit_s=60)
                    cpu = cpu_seconds() - cpu
                    live["wall"] = time.monotonic() - dropped_at
                    step(f"{live['live']} live again, the last after {live['last']:.1f} s")
                    await asyncio.sleep(pause)
                    await publisher.stop()
                    check = await verify(load, app[POOL], topics, accounts)
                    step(f"checked: {check}")
                    storms.append(
                        Storm(
                            "storm (replay from memory)",
                            dropped,
                            live,
                            check,
                            cpu,
                            watch.summary(),
                            logged.summary(),
                            publisher.rate(dropped_at, live["last"]),
                        )
                    )

                    # 2. a node restart: replay from PostgreSQL
                    publisher.start()
                    await asyncio.sleep(pause)
                    await load.call("arm", 10)
                    dropped = len(app[GATEWAY].clients)
                    cpu = cpu_seconds()
                    watch.reset()
                    logged.counts.clear()
                    stopping = time.monotonic()
                    current.pop("app")
                    await runner.cleanup()
                    stopped = time.monotonic()
                    app = make_app(dsn, folder)
                    runner, _ = await serve_app(app, port)
                    current["app"] = app
                    started = time.monotonic()
                    step(f"stopped in {stopped - stopping:.1f} s, up {started - stopping:.1f} s")
                    live = await load.call("wait_live", 120, limit_s=60)
                    cpu = cpu_seconds() - cpu
                    live["wall"] = time.monotonic() - stopping
                    step(f"{live['live']} live again, the last after {live['last']:.1f} s")
                    await asyncio.sleep(pause)
                    await publisher.stop()
                    check = await verify(load, app[POOL], topics, accounts)
                    step(f"checked: {check}")
                    storms.append(
                        Storm(
                            "node restart (replay from PostgreSQL)",
                            dropped,
                            live,
                            check,
                            cpu,
                            watch.summary(),
                            logged.summary(),
                            publisher.rate(stopping, live["last"]),
                            f"old node stopped in {stopped - stopping:.1f} s, new node"
                            f" listening {started - stopping:.1f} s after the stop began",
                        )
                    )
                    committed, failed = len(publisher.committed), publisher.failed
                    await load.call("hang_up", 30)
                finally:
                    if publisher is not None:
                        await publisher.stop()
                    await runner.cleanup()
                    await spare.close()
            averaged = load_average()
    finally:
        await load.close()

    mode = "smoke" if smoke else "full"
    print(
        f"reconnect bench ({mode}; {machine()}; {n} clients, each on me + one of {k} venue"
        " topics,"
        f" one account and API token per client; server on {where}, load generator on"
        f" {load.pinned}; load average {averaged})"
    )
    print(
        f"  setup: {n} clients connected and subscribed in {connect_s:.1f} s; publisher"
        f" {PUBLISH_RATE:.0f} transactions/s (venue event + me event each):"
        f" {committed} committed, {failed} failed across the restart"
    )
    print(
        f"  clients reconnect after uniform(0, {spread:.0f} s), then full-jitter back-off"
        f" ({BACKOFF_BASE_S} s × 2^n, cap {BACKOFF_CAP_S:.0f} s), resuming with since"
    )
    ok = True
    for storm in storms:
        live, check = storm.live, storm.check
        exact = not (check["gaps"] or check["duplicates"] or check["restarts"] or check["errors"])
        recovered = live["live"] == n and not check["behind"]
        ok = ok and exact
        verdict = "met" if exact and recovered and live["last"] <= 15 else "MISSED"
        if recovered:
            headline = f"every client live again and holding every seq after {live['last']:.1f} s"
        else:
            headline = f"only {live['live']} of {n} live again within 60 s"
        print(
            f"  {storm.label}: {storm.dropped} dropped; {headline} (p50 {live['p50']:.1f} s,"
            f" p99 {live['p99']:.1f} s; target ≤ 15 s: {verdict})"
        )
        print(
            f"    check: {live['live']}/{n} live, {check['behind']} topics behind,"
            f" {check['gaps']} gaps, {check['duplicates']} duplicates, {check['restarts']}"
            f" resumes answered with a snapshot, {check['errors']} errors;"
            f" {check['failed_connects']} refused or failed connects"
        )
        print(
            f"    server CPU from the drop until the wait ended: {storm.cpu:.1f} s"
            f" ({storm.cpu / live['wall'] * 100:.0f}% of a core,"
            f" {storm.cpu / max(storm.dropped, 1) * 1000:.1f} ms per client);"
            f" {storm.rate:.1f} transactions/s committed meanwhile"
        )
        if storm.extra:
            print(f"    {storm.extra}")
        print(f"    server GC: {storm.gc}")
        print(f"    server log: {storm.log}")
    print(
        f"  ratio storm / 15 s target {storms[0].live['last'] / 15:5.2f};"
        f" ratio restart / storm {storms[1].live['last'] / storms[0].live['last']:5.2f}"
    )
    if not ok:
        raise SystemExit("reconnect bench: a resume was not exact (gap, duplicate or snapshot)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="100 clients, a few seconds")
    parser.add_argument("--clients", type=int, help="how many clients (default 5,000)")
    parser.add_argument(
        "--topics", type=int, help="public topics the clients are spread over (default 50)"
    )
    args = parser.parse_args()
    raise_nofile(1 << 20)
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)
    load = start_load(ReconnectLoad)  # forked before any event loop exists
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(
            run(load, args.smoke, (int(nofile[0]), int(nofile[1])), args.clients, args.topics)
        )


if __name__ == "__main__":
    main()
