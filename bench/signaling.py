"""Signaling relay: 100 interview rooms, 10 messages/s each, on one node.

Each room is a recruiter and a candidate, both on ``GET /ws`` with their own bearer
token, joined to the room (``signal`` ``join``). Every room then sends 10 messages a
second, alternating direction — one in ten an SDP offer (Chromium's, ≈ 5.4 KB), the rest
trickled ICE candidates — so the server parses, validates (SDP and candidate grammar),
checks membership and delivers each one to the peer. The
delay is measured from just before the sender writes the frame to when the peer has
parsed it, both ends in the load-generator process (one clock); a counter rides in the
candidate's foundation or the offer's ``o=`` session id.

The server runs the real application (``create_app``: gateway, room relay, in-process
bus, PostgreSQL for the membership check at join) pinned to one core; the clients are
lean WebSocket connections in a forked process on the other core.

A second arm runs the same load against a bare ``websockets`` relay (forward by ``to``,
nothing checked) in the same process, alternating with livefair's in one run: on a
shared machine the ratio between the two says more than either figure.

Both members of a room are on this one node, so messages go straight from socket to
socket (the bus carries only join/leave announcements); between nodes they go through
the bus channel ``sig:<room>`` (tests/integration/test_interviews.py covers that path).

Target: p99 ≤ 20 ms. ``--smoke``: 10 rooms for 2 s; ``--rooms N``: another load.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import uvloop
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from bench.common import bench_database, machine
from bench.loadgen import (
    HOST,
    SERVER_CORE,
    Behaviour,
    GcWatch,
    Load,
    WsClient,
    a_venue_topic,
    cpu_seconds,
    gather_limited,
    load_average,
    open_client,
    pin,
    raise_nofile,
    serve_app,
    signed_in_accounts,
    start_load,
    summary_ms,
)
from server.app import create_app
from server.config import Secret, Settings
from server.ids import uuid7
from server.store import db

TARGET_P99_MS = 20.0
RATE = 10.0  # messages per second per room
CAPTURED = json.loads(
    (Path(__file__).parents[1] / "tests" / "unit" / "chromium_call_sdp.json").read_text("utf-8")
)
OFFER: str = CAPTURED["offer"]
_ORIGIN = re.compile(r"^o=- (\d+) ", re.MULTILINE)
_FOUNDATION = re.compile(r"^candidate:(\d+) ")


def offer_with(counter: int) -> str:
    return _ORIGIN.sub(f"o=- {counter} ", OFFER, count=1)


def candidate_with(counter: int) -> dict[str, Any]:
    return {
        "candidate": f"candidate:{counter} 1 udp 2122194687 192.0.2.2 49309 typ host"
        " generation 0 ufrag nvIP network-id 1",
        "sdpMid": "0",
        "sdpMLineIndex": 0,
        "usernameFragment": "nvIP",
    }


# -- the load-generator side ------------------------------------------------------------


@dataclass
class Member:
    room: str
    account: str
    peer: str
    joined: asyncio.Future[None]
    peered: asyncio.Future[None]


@dataclass
class Run:
    sent: dict[int, float] = field(default_factory=dict)
    delays: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    offers: int = 0


class SignalingLoad(Behaviour):
    def __init__(self) -> None:
        self.arms: dict[str, list[tuple[WsClient, WsClient]]] = {}
        self.run: Run | None = None
        self.counter = 0

    def on_text(self, client: WsClient, payload: bytes) -> None:
        frame = orjson.loads(payload)
        state: Member = client.tag
        op = frame.get("op")
        if op == "error":
            if self.run is not None:
                self.run.errors.append(f"{frame['code']}: {frame['message']}")
            elif not state.joined.done():
                state.joined.set_exception(RuntimeError(frame["message"]))
            return
        if op != "signal":
            return
        data = frame["data"]
        kind = data["type"]
        if kind == "joined":
            state.joined.set_result(None)
        elif kind == "peer":
            if not state.peered.done():
                state.peered.set_result(None)
        elif self.run is not None and kind in ("offer", "candidate"):
            now = time.monotonic()
            if kind == "offer":
                match = _ORIGIN.search(data["sdp"])
            else:
                match = _FOUNDATION.match(data["candidate"]["candidate"])
            assert match is not None
            sent = self.run.sent.pop(int(match[1]), None)
            if sent is not None:
                self.run.delays.append(now - sent)

    async def do_connect(
        self, arm: str, port: int, rooms: list[tuple[str, str, str, str, str]]
    ) -> float:
        """Open and join two members per room for ``arm``; seconds taken."""
        start = time.monotonic()
        loop = asyncio.get_running_loop()

        async def member(room: str, account: str, peer: str, token: str) -> WsClient:
            state = Member(room, account, peer, loop.create_future(), loop.create_future())
            client = await open_client(
                port, self.on_text, headers={"Authorization": f"Bearer {token}"}, tag=state
            )
            # "as" names the member to the bare relay (livefair knows it from the token).
            join = {"type": "join", "as": account}
            client.send_json({"op": "signal", "room": room, "data": join})
            await asyncio.wait_for(state.joined, 30)
            return client

        async def pair(i: int) -> tuple[WsClient, WsClient]:
            room, rec, rec_token, cand, cand_token = rooms[i]
            a = await member(room, rec, cand, rec_token)
            b = await member(room, cand, rec, cand_token)
            await asyncio.wait_for(asyncio.gather(a.tag.peered, b.tag.peered), 30)
            return a, b

        self.arms[arm] = await gather_limited(len(rooms), pair, 32)
        return time.monotonic() - start

    async def do_exchange(self, arm: str, seconds: float) -> dict[str, Any]:
        pairs = self.arms[arm]
        run = self.run = Run()
        cpu = cpu_seconds()
        begin = time.monotonic() + 0.1

        async def room(index: int, a: WsClient, b: WsClient) -> None:
            offset = (index / len(pairs)) / RATE  # spread the rooms over a tick
            k = 0
            while True:
                at = begin + offset + k / RATE
                if at - begin > seconds:
                    return
                await asyncio.sleep(max(0.0, at - time.monotonic()))
                sender, receiver = (a, b) if k % 2 == 0 else (b, a)
                self.counter += 1
                n = self.counter
                if k % 10 == 0:
                    data: dict[str, Any] = {"type": "offer", "sdp": offer_with(n)}
                    run.offers += 1
                else:
                    data = {"type": "candidate", "candidate": candidate_with(n)}
                data["to"] = receiver.tag.account
                run.sent[n] = time.monotonic()
                sender.send_json({"op": "signal", "room": sender.tag.room, "data": data})
                k += 1

        await asyncio.gather(*(room(i, a, b) for i, (a, b) in enumerate(pairs)))
        await asyncio.sleep(1.0)  # the last ones in flight
        self.run = None
        return {
            "delays": run.delays,
            "lost": len(run.sent),
            "errors": run.errors[:5],
            "error_count": len(run.errors),
            "offers": run.offers,
            "cpu": cpu_seconds() - cpu,
        }

    async def do_disconnect(self) -> None:
        for pairs in self.arms.values():
            for a, b in pairs:
                a.abort()
                b.abort()
        self.arms.clear()


# -- the server side --------------------------------------------------------------------


class BareRelay:
    """The floor for a Python relay: a ``websockets`` server that forwards each frame to
    the member named in ``to`` — no validation, no membership check, no bus."""

    def __init__(self) -> None:
        self.members: dict[tuple[str, str], ServerConnection] = {}
        self.server: Server | None = None
        self.port = 0

    async def _handler(self, ws: ServerConnection) -> None:
        with contextlib.suppress(ConnectionClosed):  # the load generator aborts at the end
            await self._relay(ws)

    async def _relay(self, ws: ServerConnection) -> None:
        me = ""
        async for raw in ws:
            frame = orjson.loads(raw)
            room, data = frame["room"], frame["data"]
            if data["type"] == "join":
                me = data["as"]
                self.members[(room, me)] = ws
                await ws.send(_bare(room, "server", {"type": "joined"}))
                for (other_room, other), peer in list(self.members.items()):
                    if other_room == room and other != me:
                        await peer.send(_bare(room, "server", {"type": "peer"}))
                        await ws.send(_bare(room, "server", {"type": "peer"}))
                continue
            target = self.members.get((room, data["to"]))
            if target is not None:
                await target.send(_bare(room, me, {**data, "session": "s"}))

    async def start(self) -> None:
        self.server = await serve(
            self._handler, HOST, 0, compression=None, max_size=64 * 1024, backlog=4096
        )
        self.port = next(iter(self.server.sockets)).getsockname()[1]

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await asyncio.wait_for(self.server.wait_closed(), 10)


def _bare(room: str, sender: str, data: dict[str, Any]) -> str:
    return orjson.dumps({"op": "signal", "room": room, "from": sender, "data": data}).decode()


async def interviews(conn: Any, n: int) -> list[tuple[str, str, str, str, str]]:
    """``n`` accepted calls at guidance desks: (room, recruiter, token, candidate, token)."""
    venue = UUID((await a_venue_topic(conn)).split(":")[1])
    fair = await conn.fetchval("SELECT fair_id FROM venues WHERE id = $1", venue)
    people = await signed_in_accounts(conn, 2 * n)
    now = datetime.now(UTC)
    rooms = []
    async with conn.transaction():
        for i in range(n):
            (rec, rec_token), (cand, cand_token) = people[2 * i], people[2 * i + 1]
            booth, ticket = uuid7(), uuid7()
            await conn.execute(
                "INSERT INTO booths (id, fair_id, venue_id, kind, capacity, slot_minutes,"
                " status, approved_at, created_at, updated_at)"
                " VALUES ($1, $2, $3, 'career_guidance', 50, 15, 'approved', $4, $4, $4)",
                booth,
                fair,
                venue,
                now,
            )
            await conn.execute(
                "INSERT INTO booth_staff (booth_id, account_id, assigned_at) VALUES ($1, $2, $3)",
                booth,
                rec,
                now,
            )
            await conn.execute(
                "INSERT INTO tickets (id, fair_id, booth_id, candidate_id, token, state,"
                " joined_at, changed_at, called_by, called_at, started_at, call_key)"
                " VALUES ($1, $2, $3, $4, $5, 'in_interview', $6, $6, $7, $6, $6,"
                " extract(epoch FROM $6::timestamptz))",
                ticket,
                fair,
                booth,
                cand,
                f"bench-{ticket.hex}",
                now,
                rec,
            )
            rooms.append((str(ticket), str(rec), rec_token, str(cand), cand_token))
    return rooms


@dataclass
class Arm:
    name: str
    label: str
    delays: list[float] = field(default_factory=list)
    lost: int = 0
    errors: list[str] = field(default_factory=list)
    offers: int = 0
    server_cpu_s: float = 0.0
    seconds: float = 0.0


@dataclass
class Figures:
    rooms: int
    seconds: float
    reps: int
    arms: list[Arm]
    connect_s: float = 0.0
    where: str = ""
    gc: str = ""


async def measure(load: Load, smoke: bool, rooms: int | None) -> Figures:
    figures = Figures(
        rooms=rooms or (10 if smoke else 100),
        seconds=2.0 if smoke else 10.0,
        reps=1 if smoke else 3,
        arms=[
            Arm("bare", "bare websockets relay (no checks)"),
            Arm("livefair", "livefair /ws signal op"),
        ],
    )
    async with bench_database() as dsn:
        figures.where = pin(SERVER_CORE)
        conn = await db.connect(dsn)
        try:
            pairs = await interviews(conn, figures.rooms)
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
            bare = BareRelay()
            try:
                await bare.start()
                await load.call("connect", 120, arm="bare", port=bare.port, rooms=pairs)
                figures.connect_s = await load.call(
                    "connect", 120, arm="livefair", port=port, rooms=pairs
                )
                for arm in figures.arms:  # warm up
                    await load.call("exchange", 60, arm=arm.name, seconds=1.0)
                watch = GcWatch()
                watch.reset()
                for _ in range(figures.reps):  # alternate, so both see the same machine
                    for arm in figures.arms:
                        cpu = cpu_seconds()
                        started = time.monotonic()
                        result = await load.call(
                            "exchange", figures.seconds + 60, arm=arm.name, seconds=figures.seconds
                        )
                        arm.server_cpu_s += cpu_seconds() - cpu
                        arm.seconds += time.monotonic() - started
                        arm.delays += result["delays"]
                        arm.lost += result["lost"]
                        arm.errors += result["errors"]
                        arm.offers += result["offers"]
                figures.gc = watch.summary()
                await load.call("disconnect", 30)
            finally:
                await bare.close()
                await runner.cleanup()
    return figures


def report(figures: Figures, load: Load) -> bool:
    expected = int(figures.rooms * RATE * figures.seconds * figures.reps)
    print(f"# signaling relay — {machine()}; {load_average()}")
    print(f"server {figures.where}, load generator {load.pinned}")
    print(
        f"{figures.rooms} rooms × 2 members, {RATE:.0f} messages/s per room, "
        f"{figures.reps} × {figures.seconds:.0f} s per arm, alternating; one in ten an "
        "offer (≈ 5.4 KB), the rest ICE candidates"
    )
    print(f"livefair joined all rooms in {figures.connect_s:.2f} s")
    stats = {}
    for arm in figures.arms:
        stats[arm.name] = summary_ms(arm.delays)
        per_message = 1e6 * arm.server_cpu_s / max(1, len(arm.delays))
        print(
            f"{arm.label}: delivered {len(arm.delays)} of ≈ {expected}, lost {arm.lost}, "
            f"errors {len(arm.errors)} {arm.errors[:3]}; delay ms "
            + ", ".join(f"{k} {v:.2f}" for k, v in stats[arm.name].items() if k != "count")
            + f"; server CPU {100 * arm.server_cpu_s / arm.seconds:.1f}% of a core "
            f"({per_message:.0f} µs per message)"
        )
    print(f"full GCs: {figures.gc}")
    ours, floor = stats["livefair"]["p99"], stats["bare"]["p99"]
    livefair = figures.arms[1]
    ok = (
        ours <= TARGET_P99_MS
        and livefair.lost == 0
        and not livefair.errors
        and len(livefair.delays) >= expected * 0.95
    )
    print(f"p99 livefair / bare ratio: {ours / floor:.2f}")
    print(f"p99 / target ratio: {ours / TARGET_P99_MS:.2f} ({'ok' if ok else 'FAILED'})")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="10 rooms for 2 s")
    parser.add_argument("--rooms", type=int, help="rooms instead of 100 (a load sweep)")
    args = parser.parse_args()
    raise_nofile(1 << 16)
    load = start_load(SignalingLoad)

    async def run() -> bool:
        await load.start()
        try:
            figures = await measure(load, args.smoke, args.rooms)
        finally:
            await load.close()
        return report(figures, load)

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        ok = runner.run(run())
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    raise SystemExit(main())
