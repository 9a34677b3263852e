"""Viewers across nodes: one publisher, N viewers on one node, against the same N viewers
split over two nodes where the second pulls one copy from the first (``MediaEdge.pull``,
as ``server/api/broadcast.py`` does when a viewer arrives at a node that is not the
broadcast's owner).

One run, three processes: node A (owner: the WHIP publisher lands here), node B (relay:
pulls from A over WHEP on its first viewer), and the load (this process): a publisher
replaying pre-encoded H.264 and WHEP viewers that count frames without decoding
(bench/broadcast.py's load). Arms, for each N:

* ``one node``: N viewers on A;
* ``two nodes``: N/2 viewers on A and N/2 on B (A also serves B's one pull).

Figures: each node's CPU (share of one core, from ``/proc``), viewers per node, and the
worst viewer's share of the frames it should have got. The machine is shared (and the
nodes are not pinned: two cores, three processes): read the split between nodes and the
ratio of the busiest node's CPU in the two arms, not absolute numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import aiohttp

from bench.broadcast import CONNECT_TIMEOUT, cpu_seconds

ARM = "forward"


@dataclass(frozen=True)
class Plan:
    width: int
    height: int
    fps: int
    bitrate: int
    window: float
    settle: float
    warmup_frames: int
    steps: tuple[int, ...]


FULL = Plan(1280, 720, 30, 1_000_000, 5.0, 0.5, 10, (10, 20, 40))
SMOKE = Plan(320, 180, 30, 300_000, 0.3, 0.05, 2, (2,))


# -- a node ------------------------------------------------------------------------------


def _serve(pipe: Connection) -> None:
    from bench.broadcast import _loop_factory

    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(_node_main(pipe))


async def _node_main(pipe: Connection) -> None:
    from aiohttp import web

    from signaling.errors import NotLive
    from signaling.sdp import VideoCodec
    from signaling.whip import MediaEdge

    edge = MediaEdge(viewer_cap=10_000, publisher_grace=600)
    http = aiohttp.ClientSession()
    owner: dict[str, str | None] = {"url": None}

    def sdp_answer(sdp: str) -> web.Response:
        return web.Response(
            status=201, text=sdp, content_type="application/sdp", headers={"Location": "/x"}
        )

    async def whip(request: web.Request) -> web.Response:
        return sdp_answer((await edge.publish("bench", await request.text())).sdp)

    async def whep(request: web.Request) -> web.Response:
        relay = request.query.get("relay") == "1"
        url = owner["url"]
        if not relay and url is not None and not edge.has_source("bench"):

            async def exchange(offer: str) -> str:
                async with http.post(
                    f"{url}/{ARM}/whep?relay=1",
                    data=offer.encode(),
                    headers={"Content-Type": "application/sdp"},
                ) as answer:
                    if answer.status != 201:
                        raise NotLive(f"the owner answered {answer.status}")
                    return await answer.text()

            await edge.pull("bench", VideoCodec.H264, exchange)
        return sdp_answer((await edge.view("bench", await request.text(), relay=relay)).sdp)

    async def stats(request: web.Request) -> web.Response:
        return web.json_response({"viewers": edge.viewers})

    app = web.Application()
    app.router.add_post(f"/{ARM}/whip", whip)
    app.router.add_post(f"/{ARM}/whep", whep)
    app.router.add_get("/stats", stats)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    pipe.send(runner.addresses[0][1])
    loop = asyncio.get_running_loop()
    while (message := await loop.run_in_executor(None, pipe.recv)) != "stop":
        if message == "reset":
            await edge.end("bench")
        else:
            owner["url"] = message or None
        pipe.send("ok")
    await edge.close()
    await http.close()
    await runner.cleanup()


@dataclass
class Node:
    process: Any
    pipe: Connection
    base: str

    @property
    def pid(self) -> int:
        pid: int = self.process.pid
        return pid

    def tell(self, message: str) -> None:
        self.pipe.send(message)
        if not self.pipe.poll(30):
            raise RuntimeError("a bench node did not answer")
        self.pipe.recv()


def start_node(context: Any) -> Node:
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(child,), daemon=True)
    process.start()
    if not parent.poll(30):
        raise RuntimeError("a bench node did not start within 30 s")
    return Node(process, parent, f"http://127.0.0.1:{parent.recv()}")


# -- the load ----------------------------------------------------------------------------


async def measure(
    plan: Plan, publisher: Any, viewers: list[Any], nodes: list[Node]
) -> tuple[list[float], float]:
    """Each node's CPU over the window and the worst viewer's share of the frames."""
    await asyncio.gather(
        *(v.wait_frames(plan.warmup_frames, within=CONNECT_TIMEOUT) for v in viewers)
    )
    await asyncio.sleep(plan.settle)
    before = [(v.video_frames, v.last_timestamp) for v in viewers]
    cpu = [cpu_seconds(n.pid) for n in nodes]
    start = time.monotonic()
    await asyncio.sleep(plan.window)
    elapsed = time.monotonic() - start
    cpu = [(cpu_seconds(n.pid) - c) / elapsed for n, c in zip(nodes, cpu, strict=True)]
    step = 90_000 // plan.fps
    delivery = 1.0
    for viewer, (frames, timestamp) in zip(viewers, before, strict=True):
        received = viewer.video_frames - frames
        spanned = (viewer.last_timestamp - timestamp) // step if received else 0
        if not received:
            delivery = 0.0
        elif spanned > 0:
            delivery = min(delivery, received / spanned)
    return cpu, delivery


async def arm(
    plan: Plan, frames: list[bytes], n: int, a: Node, b: Node, *, split: bool
) -> tuple[list[float], float]:
    from signaling import client as media

    http = aiohttp.ClientSession()
    track = media.PacketLoopTrack(frames, plan.fps)
    publisher = await media.Publisher.start(
        http,
        f"{a.base}/{ARM}/whip",
        None,
        video=track,
        video_codecs=media.codecs("video", "video/H264", profile="42e01f", rtx=False),
    )
    viewers: list[Any] = []
    try:
        on_b = n // 2 if split else 0
        for index in range(n):
            node = b if index < on_b else a
            viewers.append(
                await media.Viewer.start(
                    http,
                    f"{node.base}/{ARM}/whep",
                    decode=False,
                    audio=False,
                    video_codecs=media.codecs("video", "video/H264"),
                )
            )
        return await measure(plan, publisher, viewers, [a, b])
    finally:
        await asyncio.gather(*(v.close() for v in viewers), return_exceptions=True)
        await publisher.close()
        await http.close()
        a.tell("reset")
        b.tell("reset")


async def run(plan: Plan, smoke: bool) -> None:
    from bench.common import machine
    from signaling.client import encode_h264

    print(f"relay bench ({'smoke' if smoke else 'full'}; {machine()})")
    frames = encode_h264(plan.width, plan.height, plan.fps, 2.0, plan.bitrate)
    print(f"  publisher: H.264 {plan.width}x{plan.height} {plan.fps} fps, pre-encoded")
    context = multiprocessing.get_context("spawn")
    a = start_node(context)
    b = start_node(context)
    try:
        b.tell(a.base)  # node B pulls from node A
        for n in plan.steps:
            one, one_delivery = await arm(plan, frames, n, a, b, split=False)
            two, two_delivery = await arm(plan, frames, n, a, b, split=True)
            print(
                f"  {n:>3} viewers  one node: A {one[0] * 100:5.1f}% "
                f"({n} viewers; frames {one_delivery * 100:5.1f}%)"
                f"  |  two nodes: A {two[0] * 100:5.1f}% ({n - n // 2} viewers + 1 pull), "
                f"B {two[1] * 100:5.1f}% ({n // 2} viewers; frames {two_delivery * 100:5.1f}%)"
                f"  |  ratio busiest node, two nodes / one: {max(two) / max(one[0], 1e-4):.2f}x",
                flush=True,
            )
    finally:
        for node in (a, b):
            with contextlib.suppress(OSError, RuntimeError):
                node.pipe.send("stop")
            node.process.join(10)
            if node.process.is_alive():
                node.process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="a run of a few seconds")
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        raise SystemExit("this benchmark reads /proc: Linux only")
    from bench.broadcast import _loop_factory

    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(run(SMOKE if args.smoke else FULL, args.smoke))


if __name__ == "__main__":
    main()
