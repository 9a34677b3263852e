"""The broadcast relay: a publisher received once, its encoded frames sent to every viewer.

::

    publisher ──RTP──▶ RTCRtpReceiver ──(tap: complete encoded frames)──▶ BroadcastRelay
                                                                     │ one av.Packet per frame
                        viewer's RTCRtpSender ◀── ViewerTrack ◀──────┤ (shared, read-only)
                        viewer's RTCRtpSender ◀── ViewerTrack ◀──────┘
                          │ PLI/FIR from the viewer
                          └──────────▶ BroadcastRelay.request_keyframe ─▶ PLI to the
                                         (rate-limited)                   publisher's media SSRC

Nothing is decoded or encoded: a viewer costs packetization, SRTP and a UDP send per
packet. Because nothing is re-encoded, a viewer can only start (or restart) at a
keyframe: a new viewer waits for one and asks the publisher for it, and a viewer whose
queue overflows (its sender fell behind) drops what it holds and waits again, rather
than skipping single frames and decoding garbage. Audio needs no such care.

Limits, plainly: there is no per-viewer bandwidth adaptation (no simulcast, no SVC
layer selection; aiortc has neither), so every viewer gets the publisher's bitrate. A
viewer that cannot take it keeps falling behind and seeing keyframe restarts. Past one
machine, hand the broadcast to an SFU (``docs/broadcast.md``).
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from signaling import encoded
from signaling.keyframes import KeyframeLimiter, ParameterSets, Rebaser, is_keyframe
from signaling.sdp import VideoCodec

log = logging.getLogger(__name__)

CLOCK_RATES = {"video": 90_000, "audio": 48_000}
# The smallest forward step of the timestamps at a publisher change: one frame of
# 30 fps video, one 20 ms Opus packet.
MIN_STEPS = {"video": 3_000, "audio": 960}
# Frames a viewer's sender may lag before it is reset to wait for a keyframe: about
# two seconds of 30 fps video or of 20 ms audio.
QUEUE_FRAMES = {"video": 60, "audio": 100}
KEYFRAME_INTERVAL = 0.5

if TYPE_CHECKING:
    from av.stream import Stream

    Packet: TypeAlias = av.Packet[Stream]  # what a sender packetizes instead of encoding


class ViewerTrack(MediaStreamTrack):
    """What one viewer's sender reads: pre-encoded ``av.Packet``s, packetized, not encoded."""

    def __init__(
        self,
        kind: str,
        on_behind: Callable[[], None],
        on_start: Callable[[], None] = lambda: None,
        capacity: int = 0,
    ) -> None:
        super().__init__()
        self.kind = kind
        self._capacity = capacity or QUEUE_FRAMES[kind]
        self._queue: asyncio.Queue[Packet | None] = asyncio.Queue()
        self._on_behind = on_behind
        self._on_start = on_start
        self.started = False
        self.waiting_for_keyframe = kind == "video"
        self.frames = 0
        self.resets = 0

    def begin(self) -> None:
        """The sender is running (its connection is up): frames are wanted from now.

        Until then nothing is queued, so a viewer whose connection takes a while does
        not get a burst of stale frames, and its keyframe is asked for when it can use it.
        """
        if not self.started:
            self.started = True
            self._on_start()

    def wait_for_keyframe(self) -> None:
        if self.kind == "video":
            self.waiting_for_keyframe = True

    def push(self, packet: Packet, keyframe: bool) -> None:
        """Queue one frame; called by the relay on the event loop thread."""
        if self.readyState != "live" or not self.started:
            return
        if self._queue.qsize() >= self._capacity:
            # The sender fell behind. Dropping single frames would corrupt every frame
            # up to the next keyframe, so drop everything and restart at one.
            self.resets += 1
            while not self._queue.empty():
                self._queue.get_nowait()
            self.wait_for_keyframe()
            self._on_behind()
        if self.waiting_for_keyframe:
            if not keyframe:
                return
            self.waiting_for_keyframe = False
        self.frames += 1
        self._queue.put_nowait(packet)

    def finish(self) -> None:
        """End the track: the sender stops after what is queued."""
        self._queue.put_nowait(None)

    async def recv(self) -> Packet:
        if self.readyState != "live":
            raise MediaStreamError
        self.begin()
        packet = await self._queue.get()
        if packet is None:
            self.stop()
            raise MediaStreamError
        return packet


@dataclass(slots=True)
class Viewer:
    id: str
    video: ViewerTrack
    audio: ViewerTrack

    def track(self, kind: str) -> ViewerTrack:
        return self.video if kind == "video" else self.audio


@dataclass(slots=True)
class Feed:
    """One publisher connection's receivers, by kind."""

    receivers: Mapping[str, Any]
    taps: dict[str, encoded.Tap] = field(default_factory=dict)


@dataclass(slots=True)
class RelayStats:
    frames_in: int = 0
    keyframes_in: int = 0
    keyframe_requests: int = 0  # asked for by joins, falls-behind and viewers' PLIs
    plis_sent: int = 0  # actually sent to the publisher (rate-limited)
    viewer_plis: int = 0  # PLI/FIR received from viewers
    resets: int = 0
    publishers: int = 0


class BroadcastRelay:
    """The relay of one broadcast in this process."""

    def __init__(
        self,
        broadcast_id: str,
        codec: VideoCodec,
        *,
        keyframe_interval: float = KEYFRAME_INTERVAL,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        encoded.check_aiortc()
        self.broadcast_id = broadcast_id
        self.codec = codec
        self.stats = RelayStats()
        self._monotonic = monotonic
        self._limiter = KeyframeLimiter(keyframe_interval)
        self._rebasers = {kind: Rebaser(CLOCK_RATES[kind], MIN_STEPS[kind]) for kind in CLOCK_RATES}
        self._time_bases = {kind: fractions.Fraction(1, rate) for kind, rate in CLOCK_RATES.items()}
        self._parameter_sets = ParameterSets()
        self._viewers: dict[str, Viewer] = {}
        self._feed: Feed | None = None
        self._deferred: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._ended = False

    @property
    def viewers(self) -> int:
        return len(self._viewers)

    @property
    def publishing(self) -> bool:
        return self._feed is not None

    def viewer(self, viewer_id: str) -> Viewer | None:
        return self._viewers.get(viewer_id)

    # -- publisher -------------------------------------------------------------------

    def attach(self, receivers: Mapping[str, Any]) -> Feed:
        """Take frames from a new publisher connection from now on (the old one is dropped).

        Call after ``setRemoteDescription``, before media flows.
        """
        feed = Feed(receivers)
        for kind, receiver in receivers.items():
            feed.taps[kind] = encoded.tap_receiver(receiver, self._frames_of(feed, kind))
        self._feed = feed
        self.stats.publishers += 1
        for rebaser in self._rebasers.values():
            rebaser.new_source()
        for viewer in self._viewers.values():
            # A new encoder's frames cannot follow the old one's references.
            viewer.video.wait_for_keyframe()
        return feed

    def _frames_of(self, feed: Feed, kind: str) -> encoded.FrameCallback:
        def on_frame(codec: str, data: bytes, timestamp: int) -> None:
            self._on_frame(feed, kind, codec, data, timestamp)

        return on_frame

    def detach(self, feed: Feed) -> None:
        """The publisher connection ``feed`` is gone; viewers stay and wait."""
        if self._feed is feed:
            self._feed = None

    def _on_frame(self, feed: Feed, kind: str, codec: str, data: bytes, timestamp: int) -> None:
        if feed is not self._feed or self._ended:
            return  # a replaced publisher's last packets
        keyframe = kind == "audio" or is_keyframe(codec, data)
        if keyframe and codec.upper() == "H264":
            data = self._parameter_sets.fill(data)
        self.stats.frames_in += 1
        if kind == "video" and keyframe:
            self.stats.keyframes_in += 1
        packet = av.Packet(data)
        packet.pts = self._rebasers[kind].map(timestamp, self._monotonic())
        packet.time_base = self._time_bases[kind]
        waiting = False
        for viewer in self._viewers.values():
            track = viewer.track(kind)
            track.push(packet, keyframe)
            waiting = waiting or (track.started and track.waiting_for_keyframe)
        if waiting and kind == "video":
            # Someone still waits: ask again (rate-limited) in case a PLI was lost or
            # went out before the publisher's SSRC was known.
            self.request_keyframe()

    # -- viewers ---------------------------------------------------------------------

    def add_viewer(self, viewer_id: str) -> Viewer:
        """A new viewer: once its sender runs, it waits for a keyframe, asked for then."""
        viewer = Viewer(
            viewer_id,
            ViewerTrack("video", on_behind=self._fell_behind, on_start=self.request_keyframe),
            ViewerTrack("audio", on_behind=lambda: None),
        )
        self._viewers[viewer_id] = viewer
        return viewer

    def remove_viewer(self, viewer_id: str) -> None:
        viewer = self._viewers.pop(viewer_id, None)
        if viewer is not None:
            viewer.video.finish()
            viewer.audio.finish()

    def viewer_asked_for_keyframe(self) -> None:
        """A viewer's PLI or FIR: forwarded, rate-limited (a sender of packets ignores it)."""
        self.stats.viewer_plis += 1
        self.request_keyframe()

    def _fell_behind(self) -> None:
        self.stats.resets += 1
        self.request_keyframe()

    # -- keyframes -------------------------------------------------------------------

    def request_keyframe(self) -> None:
        """Ask the publisher for a keyframe now, or as soon as the rate limit allows."""
        if self._ended:
            return
        self.stats.keyframe_requests += 1
        now = self._monotonic()
        if self._limiter.ask(now):
            self._send_pli()
        elif self._deferred is None:
            # As soon as the limit allows: a join just after another waits only the rest
            # of the interval.
            loop = asyncio.get_running_loop()
            self._deferred = loop.call_later(self._limiter.wait(now), self._deferred_pli)

    def _deferred_pli(self) -> None:
        self._deferred = None
        if self._ended:
            return
        now = self._monotonic()
        if self._limiter.due(now + 1e-3):
            self._send_pli()
        elif self._limiter.pending:  # the clock disagreed with the loop's timer: retry
            loop = asyncio.get_running_loop()
            self._deferred = loop.call_later(max(self._limiter.wait(now), 0.01), self._deferred_pli)

    def _send_pli(self) -> None:
        feed = self._feed
        receiver = None if feed is None else feed.receivers.get("video")
        if receiver is None:
            return
        task = asyncio.get_running_loop().create_task(self._pli(receiver))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _pli(self, receiver: Any) -> None:
        try:
            ssrc = await encoded.request_keyframe(receiver)
        except ConnectionError:
            return
        if ssrc is not None:
            self.stats.plis_sent += 1
            log.debug("broadcast %s: PLI to SSRC %d", self.broadcast_id, ssrc)

    # -- end -------------------------------------------------------------------------

    def end(self) -> None:
        """End every viewer's tracks; the relay takes no more frames."""
        self._ended = True
        self._feed = None
        if self._deferred is not None:
            self._deferred.cancel()
            self._deferred = None
        for viewer_id in list(self._viewers):
            self.remove_viewer(viewer_id)
        for task in list(self._tasks):
            task.cancel()

    async def aclose(self) -> None:
        self.end()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
