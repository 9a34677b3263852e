"""Idle connections: what N connected, subscribed, silent clients cost the gateway.

One livefair node (``create_app`` on a real loopback port, uvloop, pinned to one core);
N lean WebSocket clients (:class:`bench.loadgen.WsClient`) in a forked process on the
other core. Each client signs in with its own API token (N accounts, each with an API
session, written directly through the account store) and subscribes to ``me`` (its own
``user:<id>`` topic, which has presence) and to one shared public topic,
``venue:<id>`` — booth topics arrive with a later issue, and venue topics are served
the same way.

Figures:

* server RSS growth ÷ N: RSS after a warm-up (a few clients connected and gone) and
  ``gc.collect()``, against RSS with all N subscribed and ``gc.collect()`` (target
  ≤ 30 KB per connection);
* server CPU over a 30 s idle window (target ≤ 10% of a core). In that window the
  gateway's heartbeat pings every connection every 20 s and the clients answer with
  pongs, as browsers do (``client_web/stream.js`` sends no pings of its own). A second
  window adds an application ``{"op": "ping"}`` from every client every 20 s.

``--smoke``: 200 clients and half-second windows.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    a_venue_topic,
    cpu_seconds,
    gather_limited,
    load_average,
    open_client,
    pin,
    raise_nofile,
    rss_bytes,
    serve_app,
    signed_in_accounts,
    start_load,
)
from server.app import create_app
from server.appkeys import GATEWAY, POOL
from server.config import Secret, Settings

PING_EVERY_S = 20.0


# -- the load-generator side ------------------------------------------------------------


@dataclass(slots=True)
class Member:
    waiting: int
    ready: asyncio.Future[None]
    frames: int = 0
    pongs: int = 0


class IdleLoad(Behaviour):
    def __init__(self) -> None:
        self.clients: list[WsClient] = []
        self.closed = 0
        self._pinger: asyncio.Task[None] | None = None

    def on_text(self, client: WsClient, payload: bytes) -> None:
        member: Member = client.tag
        member.frames += 1
        frame = orjson.loads(payload)
        op = frame.get("op")
        if op == "subscribed":
            member.waiting -= 1
            if member.waiting == 0 and not member.ready.done():
                member.ready.set_result(None)
        elif op == "pong":
            member.pongs += 1
        elif op == "error" and not member.ready.done():
            member.ready.set_exception(RuntimeError(f"subscribe refused: {frame}"))

    def on_close(self, client: WsClient) -> None:
        self.closed += 1

    async def do_connect(self, port: int, tokens: list[str], topic: str, concurrency: int) -> float:
        start = time.monotonic()
        loop = asyncio.get_running_loop()

        async def one(i: int) -> WsClient:
            member = Member(waiting=2, ready=loop.create_future())
            client = await open_client(
                port,
                self.on_text,
                headers={"Authorization": f"Bearer {tokens[i]}"},
                on_close=self.on_close,
                within=60,
                tag=member,
            )
            client.send_json({"op": "subscribe", "topic": "me", "ref": "m"})
            client.send_json({"op": "subscribe", "topic": topic, "ref": "v"})
            await asyncio.wait_for(member.ready, 60)
            return client

        self.clients.extend(await gather_limited(len(tokens), one, concurrency))
        return time.monotonic() - start

    async def do_drop_all(self) -> None:
        for client in self.clients:
            client.abort()
        self.clients.clear()

    async def do_status(self) -> dict[str, Any]:
        return {
            "open": sum(1 for c in self.clients if c.open),
            "closed": self.closed,
            "pings": sum(c.pings for c in self.clients),
            "pongs": sum(c.tag.pongs for c in self.clients),
            "frames": sum(c.tag.frames for c in self.clients),
            "cpu": cpu_seconds(),
        }

    async def do_client_pings(self, every: float) -> None:
        """From now on every client sends ``{"op": "ping"}`` every ``every`` s (spread)."""
        if self._pinger is not None:
            return
        clients = list(self.clients)
        offsets = sorted((random.uniform(0, every), i) for i in range(len(clients)))

        async def pinger() -> None:
            start = time.monotonic()
            round_ = 0
            while True:
                for offset, i in offsets:
                    delay = start + round_ * every + offset - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    clients[i].send_text(b'{"op":"ping"}')
                round_ += 1

        self._pinger = asyncio.get_running_loop().create_task(pinger())


# -- the server side --------------------------------------------------------------------


async def wait_for_clients(app: Any, count: int, within: float) -> int:
    """Poll until the gateway holds ``count`` clients; the number it holds."""
    for _ in range(int(within / 0.05)):  # the gateway has no event to wait on
        if len(app[GATEWAY].clients) == count:
            break
        await asyncio.sleep(0.05)
    return len(app[GATEWAY].clients)


@dataclass
class Window:
    seconds: float
    cpu: float
    load_cpu: float
    pings: int
    pongs: int
    gc: str


async def idle_window(load: Load, seconds: float, watch: GcWatch) -> Window:
    before = await load.call("status", 30)
    watch.reset()
    cpu = cpu_seconds()
    start = time.monotonic()
    await asyncio.sleep(seconds)
    elapsed = time.monotonic() - start
    used = cpu_seconds() - cpu
    after = await load.call("status", 30)
    if after["open"] != before["open"]:
        raise SystemExit(f"{before['open'] - after['open']} clients were closed while idle")
    return Window(
        elapsed,
        used / elapsed,
        (after["cpu"] - before["cpu"]) / elapsed,
        after["pings"] - before["pings"],
        after["pongs"] - before["pongs"],
        watch.summary(),
    )


async def run(load: Load, smoke: bool, nofile: tuple[int, int], clients: int | None) -> None:
    n = clients or (200 if smoke else 10_000)
    if nofile[0] < n + 512:
        raise SystemExit(f"RLIMIT_NOFILE is {nofile[0]} (hard {nofile[1]}): too low for {n}")
    window_s = 0.5 if smoke else 30.0
    settle_s = 0.3 if smoke else 2.0
    warm = 20 if smoke else 200
    await load.start()
    try:
        async with bench_database() as dsn:
            where = pin(SERVER_CORE)
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
                    start = time.monotonic()
                    async with app[POOL].acquire() as conn:
                        topic = await a_venue_topic(conn)
                        accounts = await signed_in_accounts(conn, n)
                    accounts_s = time.monotonic() - start
                    tokens = [token for _, token in accounts]

                    # Warm up: pool connections, caches, first-use allocations.
                    await load.call(
                        "connect", 120, port=port, tokens=tokens[:warm], topic=topic, concurrency=50
                    )
                    await load.call("drop_all", 30)
                    if await wait_for_clients(app, 0, 10) != 0:
                        raise SystemExit("warm-up clients were not released")
                    await asyncio.sleep(settle_s)  # a presence tick forgets them
                    rss_before = rss_bytes()

                    connect_s = await load.call(
                        "connect", 600, port=port, tokens=tokens, topic=topic, concurrency=100
                    )
                    held = await wait_for_clients(app, n, 10)
                    if held != n:
                        raise SystemExit(f"the gateway holds {held} of {n} clients")
                    await asyncio.sleep(settle_s)  # presence ticks settle the joins
                    rss_after = rss_bytes()
                    quiet = await idle_window(load, window_s, watch)
                    rss_quiet = rss_bytes()
                    await load.call("client_pings", 30, every=PING_EVERY_S)
                    pinging = await idle_window(load, window_s, watch)
                    await load.call("drop_all", 60)
                finally:
                    await runner.cleanup()
            averaged = load_average()
    finally:
        await load.close()

    per_kb = (rss_after - rss_before) / n / 1024
    mode = "smoke" if smoke else "full"
    print(
        f"idle bench ({mode}; {machine()}; {n} clients, each on me + one venue topic, one"
        f" account and API token per client; server on {where}, load generator on"
        f" {load.pinned}; RLIMIT_NOFILE {nofile[0]}/{nofile[1]}; load average {averaged})"
    )
    print(
        f"  setup: {n} accounts + tokens in {accounts_s:.1f} s;"
        f" {n} clients connected and subscribed in {connect_s:.1f} s"
    )
    print(
        f"  server RSS {rss_before / 2**20:.1f} MiB → {rss_after / 2**20:.1f} MiB"
        f" ({rss_quiet / 2**20:.1f} MiB after the idle window), after gc.collect()"
    )
    verdict = "met" if per_kb <= 30 else "MISSED"
    print(f"  RSS growth per connection {per_kb:6.1f} KB  (target ≤ 30 KB: {verdict})")
    for label, window in (
        ("server heartbeats only", quiet),
        (f"+ client pings every {PING_EVERY_S:.0f} s", pinging),
    ):
        verdict = "met" if window.cpu <= 0.10 else "MISSED"
        print(
            f"  server CPU, {label:28} {window.cpu * 100:5.1f}% of a core over"
            f" {window.seconds:.0f} s (target ≤ 10%: {verdict}); {window.pings} server pings,"
            f" {window.pongs} pongs; load generator {window.load_cpu * 100:.1f}%; {window.gc}"
        )
    print(f"  server log: {logged.summary()}")
    print(
        f"  ratio RSS per connection / 30 KB target {per_kb / 30:5.2f};"
        f" ratio CPU / 10% target {quiet.cpu / 0.10:5.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="200 clients, a few seconds")
    parser.add_argument("--clients", type=int, help="how many clients (default 10,000)")
    args = parser.parse_args()
    raise_nofile(1 << 20)
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)
    load = start_load(IdleLoad)  # forked before any event loop exists
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(run(load, args.smoke, (int(nofile[0]), int(nofile[1])), args.clients))


if __name__ == "__main__":
    main()
