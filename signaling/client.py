"""A WHIP publisher and a WHEP viewer on aiortc: for bots, the load tool, bench and tests.

The publisher can be shaped like OBS (H.264 ``42e01f``, ``packetization-mode=1``, Opus,
no RTX: what OBS's libdatachannel offers) or like a browser (VP8 or H.264 with RTX).
The viewer either decodes (what a person would see) or, with ``decode=False``, counts
complete encoded frames through :mod:`signaling.encoded` without decoding, so one
process can stand in for many viewers.

Every wait here is bounded by the caller (``asyncio.timeout``) or by ``timeout``
arguments; peer connections use only the ICE servers passed in (none by default).
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import urljoin

import aiohttp
import av
from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.mediastreams import (
    AUDIO_PTIME,
    VIDEO_CLOCK_RATE,
    MediaStreamError,
    MediaStreamTrack,
)

from signaling import encoded
from signaling.peers import close_quietly

if TYPE_CHECKING:
    from av.stream import Stream

    Packet: TypeAlias = av.Packet[Stream]

VIDEO_TIME_BASE = fractions.Fraction(1, VIDEO_CLOCK_RATE)
SDP = "application/sdp"


class WhipError(Exception):
    """The server refused an offer: ``status`` and the problem+json body."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        super().__init__(f"{status} {body.get('code')}: {body.get('detail')}")
        self.status = status
        self.body = body
        self.headers = headers


# -- sources ---------------------------------------------------------------------------


class PatternTrack(MediaStreamTrack):
    """A moving test pattern (raw frames; the sender encodes them) at ``fps``."""

    kind = "video"

    def __init__(self, width: int = 320, height: int = 240, fps: int = 30) -> None:
        super().__init__()
        self.width, self.height, self.fps = width, height, fps
        self._index = 0
        self._start: float | None = None

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            await asyncio.sleep(max(0.0, self._start + self._index / self.fps - time.monotonic()))
        frame = av.VideoFrame(self.width, self.height, "yuv420p")
        luma = bytes((x * 2 + self._index * 5) % 256 for x in range(self.width))
        frame.planes[0].update(luma * self.height)
        for plane in frame.planes[1:]:
            plane.update(bytes([(self._index * 3) % 256]) * plane.buffer_size)
        frame.pts = self._index * (VIDEO_CLOCK_RATE // self.fps)
        frame.time_base = VIDEO_TIME_BASE
        self._index += 1
        return frame


class ToneTrack(MediaStreamTrack):
    """Silence-ish audio, 20 ms frames of 48 kHz stereo s16 (the sender encodes Opus)."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._index = 0
        self._start: float | None = None

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            due = self._start + self._index * AUDIO_PTIME
            await asyncio.sleep(max(0.0, due - time.monotonic()))
        samples = int(48000 * AUDIO_PTIME)
        frame = av.AudioFrame(format="s16", layout="stereo", samples=samples)
        frame.planes[0].update(bytes(frame.planes[0].buffer_size))
        frame.sample_rate = 48000
        frame.pts = self._index * samples
        frame.time_base = fractions.Fraction(1, 48000)
        self._index += 1
        return frame


class PacketLoopTrack(MediaStreamTrack):
    """Replays pre-encoded H.264 access units (Annex-B) in a loop at ``fps``: a publisher
    that costs no encoding. Asked for a keyframe (:meth:`keyframe_now`, which
    :meth:`Publisher.start` wires to incoming PLIs), it jumps to the loop's next IDR, as
    a browser's encoder would make one; with ``honour_pli=False`` it ignores the request,
    like OBS, and viewers wait for the loop's own keyframes."""

    kind = "video"

    def __init__(self, frames: Sequence[bytes], fps: int = 30, *, honour_pli: bool = True) -> None:
        from signaling.keyframes import is_keyframe

        super().__init__()
        if not frames:
            raise ValueError("no frames to replay")
        self._frames = list(frames)
        self._keyframes = [i for i, f in enumerate(self._frames) if is_keyframe("H264", f)]
        self.fps = fps
        self.honour_pli = honour_pli
        self.sent = 0
        self._position = 0
        self._jump = False
        self._start: float | None = None

    def keyframe_now(self) -> None:
        if self.honour_pli and self._keyframes:
            self._jump = True

    async def recv(self) -> Packet:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            await asyncio.sleep(max(0.0, self._start + self.sent / self.fps - time.monotonic()))
        if self._jump:
            self._jump = False
            later = [k for k in self._keyframes if k >= self._position]
            self._position = later[0] if later else self._keyframes[0]
        packet = av.Packet(self._frames[self._position])
        packet.pts = self.sent * (VIDEO_CLOCK_RATE // self.fps)
        packet.time_base = VIDEO_TIME_BASE
        self._position = (self._position + 1) % len(self._frames)
        self.sent += 1
        return packet


def encode_h264(width: int, height: int, fps: int, seconds: float, bitrate: int) -> list[bytes]:
    """Encode a moving pattern to H.264 constrained baseline access units (Annex-B),
    one keyframe per second."""
    codec = av.CodecContext.create("libx264", "w")
    codec.width, codec.height = width, height
    codec.pix_fmt = "yuv420p"
    codec.bit_rate = bitrate
    codec.framerate = fractions.Fraction(fps, 1)
    codec.time_base = fractions.Fraction(1, fps)
    codec.gop_size = fps
    codec.profile = "Baseline"
    codec.options = {
        "tune": "zerolatency",
        "preset": "ultrafast",
        "keyint_min": str(fps),
        "sc_threshold": "0",
        "repeat-headers": "1",
    }
    frames: list[bytes] = []
    for index in range(int(seconds * fps)):
        frame = av.VideoFrame(width, height, "yuv420p")
        luma = bytes((x + index * 4) % 256 for x in range(width))
        frame.planes[0].update(luma * height)
        for plane in frame.planes[1:]:
            plane.update(bytes([(index * 2) % 256]) * plane.buffer_size)
        frame.pts = index
        frames.extend(bytes(p) for p in codec.encode(frame))
    frames.extend(bytes(p) for p in codec.encode(None))
    return frames


# -- signaling helpers -----------------------------------------------------------------


def codecs(kind: str, mime: str, *, profile: str | None = None, rtx: bool = True) -> list[Any]:
    caps = RTCRtpSender.getCapabilities(kind).codecs
    chosen = [
        c
        for c in caps
        if c.mimeType.lower() == mime.lower()
        and (profile is None or c.parameters.get("profile-level-id") == profile)
    ]
    if rtx and kind == "video":
        chosen += [c for c in caps if c.mimeType.lower() == "video/rtx"]
    return chosen


async def _offer(pc: RTCPeerConnection) -> str:
    await pc.setLocalDescription(await pc.createOffer())
    description = pc.localDescription
    assert description is not None
    sdp: str = description.sdp
    return sdp


async def post_offer(
    http: aiohttp.ClientSession, url: str, sdp: str, token: str | None = None
) -> tuple[str, str, dict[str, str]]:
    """POST an offer; return ``(answer, absolute session URL, headers)`` or raise WhipError."""
    headers = {"Content-Type": SDP}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    async with http.post(url, data=sdp.encode(), headers=headers) as response:
        flat = dict(response.headers.items())
        if response.status != 201:
            try:
                body = await response.json(content_type=None)
            except ValueError:
                body = {"detail": await response.text()}
            raise WhipError(response.status, body, flat)
        answer = await response.text()
        location = urljoin(str(response.url), response.headers["Location"])
        return answer, location, flat


@dataclass
class Publisher:
    """One WHIP session."""

    pc: RTCPeerConnection
    location: str = ""
    answer: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    async def start(
        cls,
        http: aiohttp.ClientSession,
        url: str,
        token: str | None,
        *,
        video: MediaStreamTrack | None = None,
        audio: MediaStreamTrack | None = None,
        video_codecs: Sequence[Any] | None = None,
        ice_servers: Sequence[Any] = (),
        offer_sdp: str | None = None,
    ) -> Publisher:
        """Offer ``video`` (default: a test pattern, encoded as H.264 ``42e01f`` without
        RTX, like OBS) and ``audio`` (default: Opus). ``offer_sdp`` replaces the offer
        text (to send a hand-made one)."""
        pc = RTCPeerConnection(RTCConfiguration(iceServers=list(ice_servers)))
        try:
            source = video or PatternTrack()
            transceiver = pc.addTransceiver(source, direction="sendonly")
            if isinstance(source, PacketLoopTrack):
                # A sender of packets ignores PLI; the loop answers it itself.
                encoded.on_keyframe_request(transceiver.sender, source.keyframe_now)
            transceiver.setCodecPreferences(
                list(video_codecs)
                if video_codecs is not None
                else codecs("video", "video/H264", profile="42e01f", rtx=False)
            )
            sound = pc.addTransceiver(audio or ToneTrack(), direction="sendonly")
            sound.setCodecPreferences(codecs("audio", "audio/opus"))
            sdp = await _offer(pc)
            answer, location, headers = await post_offer(http, url, offer_sdp or sdp, token)
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        except BaseException:
            await close_quietly(pc)
            raise
        return cls(pc, location, answer, headers)

    async def delete(self, http: aiohttp.ClientSession, token: str | None) -> int:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        async with http.delete(self.location, headers=headers) as response:
            return response.status

    async def close(self) -> None:
        await close_quietly(self.pc)


@dataclass
class Viewer:
    """One WHEP session, counting what it receives."""

    pc: RTCPeerConnection
    decode: bool
    location: str = ""
    answer: str = ""
    started_at: float = 0.0
    first_frame_at: float | None = None
    video_frames: int = 0
    last_timestamp: int | None = None  # of the last video frame (counting, not decoding)
    audio_frames: int = 0
    keyframes: int = 0
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    _progress: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    async def start(
        cls,
        http: aiohttp.ClientSession,
        url: str,
        *,
        decode: bool = True,
        audio: bool = True,
        video_codecs: Sequence[Any] | None = None,
        ice_servers: Sequence[Any] = (),
    ) -> Viewer:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=list(ice_servers)))
        viewer = cls(pc, decode, started_at=time.monotonic())
        try:
            video = pc.addTransceiver("video", direction="recvonly")
            if video_codecs is not None:
                video.setCodecPreferences(list(video_codecs))
            if audio:
                pc.addTransceiver("audio", direction="recvonly")
            sdp = await _offer(pc)
            viewer.answer, viewer.location, _ = await post_offer(http, url, sdp)
            await pc.setRemoteDescription(RTCSessionDescription(sdp=viewer.answer, type="answer"))
            for transceiver in pc.getTransceivers():
                viewer._follow(transceiver.receiver)
        except BaseException:
            await close_quietly(pc)
            raise
        return viewer

    def _follow(self, receiver: Any) -> None:
        from signaling.keyframes import is_keyframe

        track = receiver.track
        kind = track.kind if track is not None else "video"
        if not self.decode:

            def on_frame(codec: str, data: bytes, timestamp: int) -> None:
                if kind == "video":
                    self.last_timestamp = timestamp
                self._count(kind, is_keyframe(codec, data))

            encoded.tap_receiver(receiver, on_frame)
        if track is not None:
            self._tasks.append(asyncio.get_running_loop().create_task(self._drain(track)))

    def _count(self, kind: str, keyframe: bool) -> None:
        if kind == "video":
            if self.first_frame_at is None:
                self.first_frame_at = time.monotonic()
            self.video_frames += 1
            self.keyframes += keyframe
            self._progress.set()
        else:
            self.audio_frames += 1
            self._progress.set()

    async def _drain(self, track: MediaStreamTrack) -> None:
        # Decoded frames are counted here; without decoding, this only sees the end.
        try:
            while True:
                await track.recv()
                if self.decode:
                    self._count(track.kind, False)
        except MediaStreamError:
            if track.kind == "video":
                self.ended.set()

    @property
    def time_to_first_frame(self) -> float | None:
        return None if self.first_frame_at is None else self.first_frame_at - self.started_at

    async def wait_frames(self, count: int, within: float, kind: str = "video") -> int:
        """Wait until ``count`` frames of ``kind`` arrived, for at most ``within`` seconds."""

        def received() -> int:
            return self.video_frames if kind == "video" else self.audio_frames

        async with asyncio.timeout(within):
            while received() < count:
                await self._progress.wait()
                self._progress.clear()
        return received()

    async def delete(self, http: aiohttp.ClientSession) -> int:
        async with http.delete(self.location) as response:
            return response.status

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await close_quietly(self.pc)
