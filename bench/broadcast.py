"""Broadcast relay: server CPU per viewer when forwarding encoded frames, against aiortc's
``MediaRelay`` (decode once, encode per viewer), and time to first frame of late joins.

One run, two processes:

* the **server** (a child process, pinned to CPU 0 when there are two): livefair's
  :class:`signaling.whip.MediaEdge` for the ``forward`` arm, and for the ``mediarelay``
  arm a plain aiortc answerer that decodes the publisher once and sends each viewer
  ``MediaRelay.subscribe(track)`` (so aiortc encodes H.264 per viewer);
* the **load** (this process, pinned to CPU 1): one WHIP publisher replaying
  pre-encoded H.264 (1280x720, ~1 Mbps, 30 fps, a keyframe every second, and an IDR at
  once when asked by PLI, like a browser's encoder), and WHEP viewers that do not
  decode: they count complete frames through the same encoded-frame adapter
  (:mod:`signaling.encoded`).

Figures: server CPU (share of one core, from ``/proc``) with the publisher alone and
with N viewers; per-viewer CPU = (CPU at N - CPU at 0) / N; frames each viewer got
against frames published over the same window (loss, from the RTP timestamps); the
per-viewer CPU ratio ``MediaRelay / forwarding``; the most viewers forwarded with < 1 %
frame loss; time to first frame (POST of the offer to the first complete video frame)
of 20 late joins, one a second (joins closer than the 0.5 s keyframe-request limit
share one PLI, which can add up to 0.5 s).

``--smoke`` (a few seconds): 320x180, two forwarding viewers, one MediaRelay viewer,
two late joins. The machine is shared: read ratios, not absolute numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import aiohttp

SERVER_CPU = 0
LOAD_CPU = 1
CONNECT_TIMEOUT = 20.0


@dataclass(frozen=True)
class Plan:
    width: int
    height: int
    fps: int
    bitrate: int
    window: float
    settle: float
    warmup_frames: int
    forward_steps: tuple[int, ...]
    relay_steps: tuple[int, ...]
    late_joins: int
    join_gap: float  # between late joins: more than the 0.5 s PLI limit measures each alone

    @property
    def label(self) -> str:
        return f"H.264 {self.width}x{self.height} {self.fps} fps {self.bitrate / 1e6:.1f} Mbps"


FULL = Plan(
    width=1280,
    height=720,
    fps=30,
    bitrate=1_000_000,
    window=5.0,
    settle=0.5,
    warmup_frames=10,
    forward_steps=(1, 2, 10, 20, 30, 40, 50, 65, 80, 100, 125),
    relay_steps=(1, 2),
    late_joins=20,
    join_gap=1.0,
)
SMOKE = Plan(
    width=320,
    height=180,
    fps=30,
    bitrate=300_000,
    window=0.3,
    settle=0.05,
    warmup_frames=2,
    forward_steps=(2,),
    relay_steps=(1,),
    late_joins=2,
    join_gap=0.0,
)


# -- the server process --------------------------------------------------------------


def _serve(pipe: Connection) -> None:
    """Child process: both arms behind one small HTTP server; reports its port."""
    if len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {SERVER_CPU})
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(_server_main(pipe))


def _loop_factory() -> Any:
    """uvloop where livefair serves with it (``livefair serve``), else asyncio's loop."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on POSIX
        return asyncio.new_event_loop
    return uvloop.new_event_loop


async def _server_main(pipe: Connection) -> None:
    from aiohttp import web
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaBlackhole, MediaRelay

    from signaling.whip import MediaEdge

    edge = MediaEdge(viewer_cap=10_000, publisher_grace=600)
    relay = MediaRelay()
    relay_state: dict[str, Any] = {"source": None, "pcs": set()}

    def sdp_answer(sdp: str) -> web.Response:
        return web.Response(
            status=201, text=sdp, content_type="application/sdp", headers={"Location": "/x"}
        )

    async def forward_whip(request: web.Request) -> web.Response:
        answer = await edge.publish("bench", await request.text())
        return sdp_answer(answer.sdp)

    async def forward_whep(request: web.Request) -> web.Response:
        answer = await edge.view("bench", await request.text())
        return sdp_answer(answer.sdp)

    async def answer(pc: Any, offer: str) -> str:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        sdp: str = pc.localDescription.sdp
        return sdp

    def tracked(pc: Any) -> None:
        relay_state["pcs"].add(pc)

        @pc.on("connectionstatechange")
        async def _closed() -> None:
            if pc.connectionState in ("failed", "closed"):
                relay_state["pcs"].discard(pc)
                await pc.close()

    async def relay_whip(request: web.Request) -> web.Response:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        tracked(pc)

        @pc.on("track")
        def _track(track: Any) -> None:
            if track.kind == "video":
                relay_state["source"] = track
                # Someone must drain the decoded frames even with no viewer.
                sink = MediaBlackhole()
                sink.addTrack(relay.subscribe(track))
                relay_state["sink"] = sink
                asyncio.get_running_loop().create_task(sink.start())

        return sdp_answer(await answer(pc, await request.text()))

    async def relay_whep(request: web.Request) -> web.Response:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        tracked(pc)
        pc.addTrack(relay.subscribe(relay_state["source"]))
        return sdp_answer(await answer(pc, await request.text()))

    async def stats(request: web.Request) -> web.Response:
        current = edge.relay("bench")
        if current is None:
            return web.json_response({})
        return web.json_response(
            {
                "viewers": edge.viewers,
                "frames_in": current.stats.frames_in,
                "resets": current.stats.resets,
                "viewer_plis": current.stats.viewer_plis,
                "plis_sent": current.stats.plis_sent,
            }
        )

    app = web.Application()
    app.router.add_post("/forward/whip", forward_whip)
    app.router.add_post("/forward/whep", forward_whep)
    app.router.add_post("/mediarelay/whip", relay_whip)
    app.router.add_post("/mediarelay/whep", relay_whep)
    app.router.add_get("/stats", stats)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    pipe.send(port)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_reader(pipe.fileno(), stop.set)
    await stop.wait()
    loop.remove_reader(pipe.fileno())
    await edge.close()
    await asyncio.gather(*(pc.close() for pc in list(relay_state["pcs"])))
    await runner.cleanup()


def udp_receive_drops() -> int:
    """Datagrams the kernel dropped for full socket receive buffers (machine-wide)."""
    with open("/proc/net/snmp", encoding="ascii") as snmp:
        rows = [line.split() for line in snmp if line.startswith("Udp:")]
    return int(rows[1][rows[0].index("RcvbufErrors")])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


# -- the load --------------------------------------------------------------------------


@dataclass
class Arm:
    name: str
    # n viewers -> (server CPU, worst delivery, worst lag growth in frames)
    results: dict[int, tuple[float, float, int]] = field(default_factory=dict)
    load: dict[int, float] = field(default_factory=dict)  # n -> the load process's CPU
    drops: dict[int, int] = field(default_factory=dict)  # n -> UDP receive-buffer drops

    def per_viewer(self, n: int) -> float:
        return (self.results[n][0] - self.results[0][0]) / n


class Load:
    def __init__(self, base: str, pid: int, plan: Plan, frames: list[bytes]) -> None:
        self.base = base
        self.pid = pid
        self.plan = plan
        self.frames = frames
        self.http = aiohttp.ClientSession()
        self.load_cpu = 0.0
        self.udp_drops = 0

    async def publish(self, arm: str) -> Any:
        from signaling import client as media

        track = media.PacketLoopTrack(self.frames, self.plan.fps)
        publisher = await media.Publisher.start(
            self.http,
            f"{self.base}/{arm}/whip",
            None,
            video=track,
            video_codecs=media.codecs("video", "video/H264", profile="42e01f", rtx=False),
        )
        publisher.source = track  # the measurement counts what it sent
        return publisher

    async def viewer(self, arm: str) -> Any:
        from signaling import client as media

        return await media.Viewer.start(
            self.http,
            f"{self.base}/{arm}/whep",
            decode=False,
            audio=False,
            video_codecs=media.codecs("video", "video/H264"),
        )

    async def measure(self, publisher: Any, viewers: list[Any]) -> tuple[float, float, int]:
        """Over the window: server CPU (share of a core); the worst viewer's share of the
        frames it should have got, from the frames' RTP timestamps (a gap is a lost
        frame; a viewer that got nothing lost everything); and the most frames a
        viewer fell further behind the publisher (latency growth, not loss: a viewer
        more than ~2 s behind is reset by the relay, and that shows as a gap)."""
        await asyncio.gather(
            *(v.wait_frames(self.plan.warmup_frames, within=CONNECT_TIMEOUT) for v in viewers)
        )
        await asyncio.sleep(self.plan.settle)
        before = [(v.video_frames, v.last_timestamp) for v in viewers]
        sent = publisher.source.sent
        cpu, own = cpu_seconds(self.pid), cpu_seconds(os.getpid())
        drops = udp_receive_drops()
        start = time.monotonic()
        await asyncio.sleep(self.plan.window)
        elapsed = time.monotonic() - start
        cpu = (cpu_seconds(self.pid) - cpu) / elapsed
        self.load_cpu = (cpu_seconds(os.getpid()) - own) / elapsed
        self.udp_drops = udp_receive_drops() - drops
        sent = publisher.source.sent - sent
        step = 90_000 // self.plan.fps
        delivery, lag = 1.0, 0
        for viewer, (frames, timestamp) in zip(viewers, before, strict=True):
            received = viewer.video_frames - frames
            spanned = (viewer.last_timestamp - timestamp) // step if received else 0
            if not received:
                delivery = 0.0
            elif spanned > 0:
                delivery = min(delivery, received / spanned)
            lag = max(lag, sent - spanned)
        return cpu, delivery, lag

    async def arm(self, name: str, steps: tuple[int, ...]) -> Arm:
        result = Arm(name)
        publisher = await self.publish(name)
        viewers: list[Any] = []
        try:
            await asyncio.sleep(self.plan.settle)
            result.results[0] = await self.measure(publisher, [])
            result.load[0], result.drops[0] = self.load_cpu, self.udp_drops
            report(name, 0, result)
            for n in steps:
                joining = [self.viewer(name) for _ in range(n - len(viewers))]
                joined = await asyncio.gather(*joining, return_exceptions=True)
                viewers += [v for v in joined if not isinstance(v, BaseException)]
                try:
                    if len(viewers) < n:
                        raise TimeoutError(f"{n - len(viewers)} viewers could not join")
                    result.results[n] = await self.measure(publisher, viewers)
                except TimeoutError as exc:
                    print(f"  {name:<10} viewers={n:<3} did not all get frames: {exc!r}")
                    break
                result.load[n], result.drops[n] = self.load_cpu, self.udp_drops
                report(name, n, result)
                if name == "forward":
                    async with self.http.get(f"{self.base}/stats") as response:
                        print(f"    relay: {await response.json()}", flush=True)
                if result.results[n][1] < 0.99 and name == "forward":
                    break  # past the point of loss: stop adding viewers
        finally:
            await asyncio.gather(*(v.close() for v in viewers), return_exceptions=True)
            await publisher.close()
        return result

    async def late_joins(self, count: int) -> list[float]:
        publisher = await self.publish("forward")
        times: list[float] = []
        try:
            await asyncio.sleep(self.plan.settle)
            for _ in range(count):
                viewer = await self.viewer("forward")
                try:
                    await viewer.wait_frames(1, within=CONNECT_TIMEOUT)
                    assert viewer.time_to_first_frame is not None
                    times.append(viewer.time_to_first_frame)
                finally:
                    await viewer.close()
                await asyncio.sleep(self.plan.join_gap)
        finally:
            await publisher.close()
        return times

    async def close(self) -> None:
        await self.http.close()


def report(name: str, n: int, arm: Arm) -> None:
    cpu, delivery, lag = arm.results[n]
    line = f"  {name:<10} viewers={n:<3} server CPU {cpu * 100:5.1f}% of a core"
    if n:
        line += f"  per viewer {arm.per_viewer(n) * 100:5.2f}%"
        line += f"  frames delivered {delivery * 100:5.1f}%, lag +{max(lag, 0)} (worst viewer)"
    line += f"  [load process {arm.load[n] * 100:3.0f}%; UDP receive drops {arm.drops[n]}]"
    if arm.load[n] >= 0.9:
        line += " <- the load generator is saturated: the limit measured is its own"
    print(line, flush=True)


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of y over x."""
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if not spread:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def run(plan: Plan, smoke: bool) -> None:
    # Imported here, not at the top: the spawned server process imports this module
    # too and should not pay for the database modules bench.common pulls in.
    from bench.common import machine
    from signaling.client import encode_h264

    pinned = len(os.sched_getaffinity(0)) > 1
    print(f"broadcast bench ({'smoke' if smoke else 'full'}; {machine()})")
    print(
        f"  publisher: {plan.label}, pre-encoded, keyframe every 1 s, IDR on PLI; "
        + ("server pinned to CPU 0, load to CPU 1" if pinned else "no pinning (one CPU)")
    )
    frames = encode_h264(plan.width, plan.height, plan.fps, 2.0, plan.bitrate)
    actual = sum(len(f) for f in frames) * 8 / (len(frames) / plan.fps)
    print(f"  pre-encoded: {len(frames)} frames, {actual / 1e6:.2f} Mbps on average")
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=_serve, args=(child,), daemon=True)
    server.start()
    if pinned:
        os.sched_setaffinity(0, {LOAD_CPU})
    load: Load | None = None
    try:
        if not parent.poll(30):
            raise RuntimeError("the bench server did not start within 30 s")
        port = parent.recv()
        assert server.pid is not None
        load = Load(f"http://127.0.0.1:{port}", server.pid, plan, frames)
        forward = await load.arm("forward", plan.forward_steps)
        relay = await load.arm("mediarelay", plan.relay_steps)
        joins = await load.late_joins(plan.late_joins)
    finally:
        if load is not None:
            await load.close()
        with contextlib.suppress(OSError):
            parent.send("stop")
        server.join(2 if smoke else 10)
        if server.is_alive():
            server.kill()

    clean = [n for n, (_, delivery, _) in forward.results.items() if n and delivery >= 0.99]
    # Per forwarded viewer: the least-squares slope of server CPU over every clean step
    # (and the publisher alone), steadier on a shared machine than any single step.
    points = [(n, forward.results[n][0]) for n in [0, *clean]]
    forward_cost = max(slope(points), 1e-4)
    print(
        f"forwarding: {forward_cost * 100:.2f}% of a core per viewer "
        f"(slope over {len(points)} steps, 0 to {max(clean, default=0)} viewers)"
    )
    for n in plan.relay_steps:
        ratio = relay.per_viewer(n) / forward_cost
        print(
            f"ratio MediaRelay/forwarding, server CPU per viewer at {n} MediaRelay viewer(s): "
            f"{ratio:.1f}x ({relay.per_viewer(n) * 100:.1f}% vs {forward_cost * 100:.2f}%)"
        )
    tested = max(n for n in forward.results if n)
    print(
        f"most viewers forwarded with < 1% frame loss: {max(clean, default=0)} "
        f"(tested up to {tested}; must >= 20, goal >= 50)"
    )
    print(
        f"time to first frame, {len(joins)} late joins: p50 {statistics.median(joins):.2f} s, "
        f"p95 {percentile(joins, 0.95):.2f} s (goal <= 2 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="a run of a few seconds")
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        raise SystemExit("this benchmark reads /proc: Linux only")
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(run(SMOKE if args.smoke else FULL, args.smoke))


if __name__ == "__main__":
    main()
