"""Position updates: 1,000 waiting candidates of one booth follow its line while it changes.

The issue's target: p99 position update to 1,000 waiting candidates of one booth
≤ 250 ms while the line changes 10 times a second.

* The server is livefair's application (``create_app``) on a real loopback port, with a
  booth whose line holds 1,000 waiting tickets (a line may hold up to 2,000); 1,000 lean
  WebSocket clients (the separate, forked load generator of :mod:`bench.loadgen`)
  subscribe to its public ``booth:<id>`` topic, as each candidate's browser does to
  count its place.
* The line changes 10 times a second through the queue service: alternately the first
  candidate leaves and a new one joins (``leave`` / ``join``: real transactions, their
  events through the outbox), so the line stays at 1,000. Each change starts on time
  (a task of its own), as changes by many people would.
* Latency: from the change's commit — the instant the outbox starts publishing the
  committed events, recorded per event in the server process — to each client's receipt
  of that event (``time.monotonic()`` is one clock for both processes). Every event
  published on the topic counts (the line's ``queue.joined`` / ``queue.removed`` and the
  debounced ``queue.eta``), and every client must get every seq once and in order.

``--smoke``: 50 clients, 2 seconds of changes.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import uvloop

from bench.common import bench_database, machine
from bench.loadgen import (
    SERVER_CORE,
    Behaviour,
    GcWatch,
    Load,
    LogCounter,
    WsClient,
    gather_limited,
    load_average,
    open_client,
    pin,
    raise_nofile,
    serve_app,
    start_load,
    summary_ms,
)
from bench.queue import setup
from server.app import create_app
from server.appkeys import OUTBOX, QUEUE
from server.config import Secret, Settings
from server.ids import uuid7
from server.store import db
from server.store import events as events_store

CHANGES_PER_S = 10.0
TARGET_P99_MS = 250.0


@dataclass
class Follower:
    last: int = 0
    disorder: int = 0
    received: list[tuple[int, float]] = field(default_factory=list)
    subscribed: asyncio.Future[int] | None = None


class PositionsLoad(Behaviour):
    """Subscribers of one booth topic; each records (seq, receipt time) per event."""

    def __init__(self) -> None:
        self.clients: list[WsClient] = []
        self.recording = False
        self.closed = 0

    def on_text(self, client: WsClient, payload: bytes) -> None:
        frame = orjson.loads(payload)
        state: Follower = client.tag
        op = frame.get("op")
        if op == "subscribed":
            state.last = frame["seq"]
            if state.subscribed is not None and not state.subscribed.done():
                state.subscribed.set_result(frame["seq"])
            return
        if op != "event":
            return
        seq: int = frame["seq"]
        if seq != state.last + 1:
            state.disorder += 1
        state.last = seq
        if self.recording:
            state.received.append((seq, time.monotonic()))

    def on_close(self, client: WsClient) -> None:
        self.closed += 1

    async def do_connect(self, port: int, n: int, topic: str) -> float:
        start = time.monotonic()
        loop = asyncio.get_running_loop()

        async def one(i: int) -> WsClient:
            state = Follower()
            client = await open_client(
                port, self.on_text, on_close=self.on_close, within=60, tag=state
            )
            state.subscribed = loop.create_future()
            client.send_json({"op": "subscribe", "topic": topic, "ref": f"p{i}"})
            await asyncio.wait_for(state.subscribed, 60)
            return client

        self.clients = await gather_limited(n, one, 32)
        return time.monotonic() - start

    async def do_record(self, on: bool) -> None:
        self.recording = on

    async def do_delays(self, commits: dict[int, float], last_seq: int) -> dict[str, Any]:
        """Delays (s) of every recorded event from its commit; what went missing."""
        delays: list[float] = []
        missing = 0
        disorder = 0
        wanted = set(commits)
        for client in self.clients:
            state: Follower = client.tag
            disorder += state.disorder
            got = {seq for seq, _ in state.received}
            missing += len(wanted - got)
            for seq, at in state.received:
                committed = commits.get(seq)
                if committed is not None:
                    delays.append(at - committed)
            if state.last < last_seq:  # the stream stopped short of the last event
                disorder += 1
        return {
            "delays": delays,
            "missing": missing,
            "disorder": disorder,
            "closed": self.closed,
        }

    async def do_disconnect(self) -> None:
        for client in self.clients:
            client.abort()
        self.clients = []


async def a_full_line(dsn: str, n: int, extra: int) -> tuple[UUID, UUID, list[UUID], list[UUID]]:
    """A booth with ``n`` waiting tickets (inserted directly) and ``extra`` more people."""
    conn = await db.connect(dsn)
    try:
        booths, recruiters, candidates = await setup(conn, n + extra)
        booth = booths[0]
        now = datetime.now(UTC) - timedelta(hours=1)
        await conn.execute("UPDATE booths SET capacity = $2 WHERE id = $1", booth, n + extra)
        await conn.execute(
            "INSERT INTO booth_queues (booth_id, status, changed_at) VALUES ($1, 'open', $2)",
            booth,
            now,
        )
        fair = await conn.fetchval("SELECT fair_id FROM booths WHERE id = $1", booth)
        tickets = [uuid7() for _ in range(n)]
        await conn.copy_records_to_table(
            "tickets",
            records=[
                (
                    ticket,
                    fair,
                    booth,
                    candidate,
                    f"bench{ticket.hex}",
                    "waiting",
                    now + timedelta(milliseconds=i),
                    now,
                    (now + timedelta(milliseconds=i)).timestamp(),
                )
                for i, (ticket, candidate) in enumerate(zip(tickets, candidates, strict=False))
            ],
            columns=[
                "id",
                "fair_id",
                "booth_id",
                "candidate_id",
                "token",
                "state",
                "joined_at",
                "changed_at",
                "call_key",
            ],
        )
        return booth, recruiters[0], tickets, candidates
    finally:
        await conn.close()


@dataclass
class Figures:
    n: int
    seconds: float
    where: str = ""
    connect_s: float = 0.0
    changes: int = 0
    late_changes: int = 0
    events: int = 0
    result: dict[str, Any] = field(default_factory=dict)
    averaged: str = ""
    gc: str = ""
    log: str = ""


async def measure(load: Load, smoke: bool, seconds: float | None) -> Figures:
    n = 50 if smoke else 1000
    figures = Figures(n=n, seconds=seconds or (2.0 if smoke else 30.0))
    changes = int(figures.seconds * CHANGES_PER_S)
    async with bench_database() as dsn:
        figures.where = pin(SERVER_CORE)
        booth, _, tickets, candidates = await a_full_line(dsn, n, changes)
        topic = f"booth:{booth}"
        watch = GcWatch()
        logged = LogCounter()
        with tempfile.TemporaryDirectory(prefix="livefair-bench-") as folder:
            settings = Settings(
                database_url=Secret(dsn),
                data_dir=Path(folder),
                secret_key=Secret("bench-secret-key-0123456789-abcdefghijklmnop"),
            )
            app = create_app(settings, run_timers=False)
            runner, port = await serve_app(app)
            try:
                figures.connect_s = await load.call("connect", 600, port=port, n=n, topic=topic)
                outbox = app[OUTBOX]
                queue = app[QUEUE]
                commits: dict[int, float] = {}
                publish = outbox.publish

                async def timed(events: list[events_store.Event]) -> None:
                    at = time.monotonic()  # the change has committed: publication starts
                    for event in events:
                        if event.topic == topic:  # first publication only (not the relay's)
                            commits.setdefault(event.seq, at)
                    await publish(events)

                outbox.publish = timed  # type: ignore[method-assign]
                line: deque[tuple[UUID, UUID]] = deque(
                    zip(tickets, candidates[: len(tickets)], strict=True)
                )
                newcomers = deque(candidates[len(tickets) :])
                await load.call("record", 10, on=True)
                watch.reset()
                start = time.monotonic()
                running: set[asyncio.Task[None]] = set()

                async def change(i: int) -> None:
                    # Changes come from many people: each starts on time, whether or not
                    # the one before has finished.
                    if i % 2 == 0:
                        ticket, candidate = line.popleft()
                        await queue.leave(ticket, candidate)
                    else:
                        candidate = newcomers.popleft()
                        joined = await queue.join(booth, candidate)
                        line.append((joined["id"], candidate))

                for i in range(changes):
                    delay = start + i / CHANGES_PER_S - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    else:
                        figures.late_changes += 1
                    task = asyncio.create_task(change(i))
                    running.add(task)
                    task.add_done_callback(running.discard)
                    figures.changes += 1
                await asyncio.gather(*running)
                await queue.settle()
                await asyncio.sleep(1.0)  # the last events reach every client
                await load.call("record", 10, on=False)
                figures.gc = watch.summary()
                figures.events = len(commits)
                last = max(commits) if commits else 0
                figures.result = await load.call("delays", 120, commits=commits, last_seq=last)
                await load.call("disconnect", 30)
            finally:
                await runner.cleanup()
        figures.averaged = load_average()
        figures.log = logged.summary()
    return figures


def report(f: Figures, smoke: bool, pinned: str) -> None:
    print(
        f"queue positions bench ({'smoke' if smoke else 'full'}; {machine()}; {f.n} followers"
        f" of one booth; server on {f.where}, load generator on {pinned};"
        f" load average {f.averaged})"
    )
    print(f"  connect + subscribe {f.connect_s:.1f} s")
    print(
        f"  {f.changes} changes at {CHANGES_PER_S:.0f}/s for {f.seconds:.0f} s (leave the front,"
        f" join at the end; {f.late_changes} started late), {f.events} events on the topic"
    )
    result = f.result
    lat = summary_ms(result["delays"])
    verdict = "met" if lat["p99"] <= TARGET_P99_MS else "MISSED"
    if smoke:
        verdict = "smoke run: too small to judge"
    print(
        f"  commit → receipt: p50 {lat['p50']:.1f}  p90 {lat['p90']:.1f}  p99 {lat['p99']:.1f}"
        f"  max {lat['max']:.1f} ms over {lat['count']} deliveries"
        f"  (target p99 ≤ {TARGET_P99_MS:.0f} ms: {verdict})"
    )
    print(f"  ratio p99 / target {lat['p99'] / TARGET_P99_MS:5.2f}  (≤ 1 meets it)")
    print(
        f"  delivery: {result['missing']} missing, {result['disorder']} out of order,"
        f" {result['closed']} connections closed"
    )
    print(f"  server GC: {f.gc}; server log: {f.log}")
    if result["missing"] or result["disorder"] or result["closed"]:
        raise SystemExit("events were lost, reordered or connections dropped")


async def run(load: Load, smoke: bool, seconds: float | None) -> None:
    await load.start()
    try:
        figures = await measure(load, smoke, seconds)
    finally:
        await load.close()
    report(figures, smoke, load.pinned)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="50 followers, 2 s of changes")
    parser.add_argument("--seconds", type=float, help="seconds of changes (default 30)")
    args = parser.parse_args()
    raise_nofile(1 << 20)
    load = start_load(PositionsLoad)  # forked before any event loop exists
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run(load, args.smoke, args.seconds))


if __name__ == "__main__":
    main()
