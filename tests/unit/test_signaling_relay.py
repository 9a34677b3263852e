"""The relay's forwarding rules, with stand-in receivers (no network, no aiortc peers)."""

from __future__ import annotations

import asyncio
import datetime
import queue
from dataclasses import dataclass
from typing import Any

import pytest
from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import MediaStreamError
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from signaling.relay import BroadcastRelay, Viewer, ViewerTrack
from signaling.sdp import VideoCodec

MEDIA_SSRC = 1111
RTX_SSRC = 2222
KEY = b"\x00keyframe"  # VP8: bit 0 clear
DELTA = b"\x01delta"
CODECS = {
    "video": RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96),
    "audio": RTCRtpCodecParameters(
        mimeType="audio/opus", clockRate=48000, channels=2, payloadType=111
    ),
}


@dataclass
class Source:
    source: int
    timestamp: datetime.datetime


class FakeReceiver:
    """What the adapter touches on an RTCRtpReceiver, and a way to deliver frames."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._RTCRtpReceiver__decoder_queue: queue.Queue[Any] = queue.Queue()
        self._RTCRtpReceiver__rtx_ssrc = {RTX_SSRC: MEDIA_SSRC}
        self.plis: list[int] = []
        self.sources: list[Source] = []

    def deliver(self, data: bytes, timestamp: int) -> None:
        self._RTCRtpReceiver__decoder_queue.put((CODECS[self.kind], JitterFrame(data, timestamp)))

    def getSynchronizationSources(self) -> list[Source]:
        return self.sources

    async def _send_rtcp_pli(self, media_ssrc: int) -> None:
        self.plis.append(media_ssrc)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def publisher() -> tuple[FakeReceiver, FakeReceiver]:
    video, audio = FakeReceiver("video"), FakeReceiver("audio")
    now = datetime.datetime.now(datetime.UTC)
    # RTX seen most recently: the PLI must still name the media SSRC.
    video.sources = [Source(MEDIA_SSRC, now), Source(RTX_SSRC, now + datetime.timedelta(1))]
    return video, audio


def queued(track: ViewerTrack) -> list[tuple[bytes, int]]:
    items = []
    while not track._queue.empty():
        packet = track._queue.get_nowait()
        assert packet is not None
        items.append((bytes(packet), int(packet.pts)))
    return items


def join(relay: BroadcastRelay, viewer_id: str) -> Viewer:
    """A viewer whose connection is up (its senders have started reading)."""
    viewer = relay.add_viewer(viewer_id)
    viewer.video.begin()
    viewer.audio.begin()
    return viewer


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def relay(clock: Clock) -> BroadcastRelay:
    return BroadcastRelay("b1", VideoCodec.VP8, keyframe_interval=0.05, monotonic=clock)


async def settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


async def test_a_new_viewer_waits_for_a_keyframe_and_asks_for_one_once_connected(
    relay: BroadcastRelay,
) -> None:
    video, audio = publisher()
    relay.attach({"video": video, "audio": audio})
    viewer = relay.add_viewer("v1")
    video.deliver(KEY, 0)  # before its connection is up: not queued, nothing asked
    await settle()
    assert video.plis == []
    assert queued(viewer.video) == []
    viewer.video.begin()
    viewer.audio.begin()
    await settle()
    assert video.plis == [MEDIA_SSRC]  # the media SSRC, not the RTX one seen last

    video.deliver(DELTA, 3000)
    audio.deliver(b"opus", 0)
    assert queued(viewer.video) == []  # nothing to start from yet
    assert queued(viewer.audio) == [(b"opus", 0)]  # audio needs no keyframe
    video.deliver(KEY, 6000)
    video.deliver(DELTA, 9000)
    assert queued(viewer.video) == [(KEY, 6000), (DELTA, 9000)]


async def test_many_joins_cost_one_pli_now_and_one_when_the_limit_allows(
    relay: BroadcastRelay, clock: Clock
) -> None:
    video, audio = publisher()
    relay.attach({"video": video, "audio": audio})
    for index in range(5):
        join(relay, f"v{index}")
    await settle()
    assert len(video.plis) == 1
    clock.now += 0.06
    await asyncio.sleep(0.1)  # the deferred request fires after the interval
    assert len(video.plis) == 2
    assert relay.stats.plis_sent == 2
    assert relay.stats.keyframe_requests == 5


async def test_a_viewers_pli_is_forwarded_to_the_publisher(
    relay: BroadcastRelay, clock: Clock
) -> None:
    video, audio = publisher()
    relay.attach({"video": video, "audio": audio})
    clock.now += 1
    relay.viewer_asked_for_keyframe()
    await settle()
    assert video.plis == [MEDIA_SSRC]
    assert relay.stats.viewer_plis == 1


async def test_a_viewer_that_falls_behind_restarts_at_the_next_keyframe(
    relay: BroadcastRelay, clock: Clock
) -> None:
    video, audio = publisher()
    relay.attach({"video": video, "audio": audio})
    slow = join(relay, "slow")
    video.deliver(KEY, 0)
    for index in range(1, 60):  # fills the queue (nobody reads it)
        video.deliver(DELTA, index * 3000)
    assert slow.video.resets == 0
    clock.now += 1
    video.deliver(DELTA, 60 * 3000)  # one too many
    assert slow.video.resets == 1
    assert relay.stats.resets == 1
    assert queued(slow.video) == []  # dropped whole, not frame by frame
    video.deliver(DELTA, 61 * 3000)
    assert queued(slow.video) == []
    video.deliver(KEY, 62 * 3000)
    assert queued(slow.video) == [(KEY, 62 * 3000)]
    await settle()
    assert len(video.plis) == 2  # one for the join, one for the reset


async def test_viewers_follow_a_reconnecting_publisher_with_continuous_timestamps(
    relay: BroadcastRelay, clock: Clock
) -> None:
    first_video, first_audio = publisher()
    old = relay.attach({"video": first_video, "audio": first_audio})
    viewer = join(relay, "v1")
    first_video.deliver(KEY, 0)
    first_video.deliver(DELTA, 3000)
    assert queued(viewer.video) == [(KEY, 0), (DELTA, 3000)]

    relay.detach(old)
    clock.now += 2.0
    video, audio = publisher()
    relay.attach({"video": video, "audio": audio})
    first_video.deliver(DELTA, 6000)  # the old connection's last packet: ignored
    video.deliver(DELTA, 0)  # the new encoder's frames need a fresh start
    video.deliver(KEY, 3000)
    # 2 s after the last old frame, at 90 kHz, and the key frame one frame later.
    assert queued(viewer.video) == [(KEY, 3000 + 180_000 + 3000)]
    assert relay.stats.publishers == 2


async def test_ending_the_relay_ends_every_viewers_tracks(relay: BroadcastRelay) -> None:
    video, audio = publisher()
    relay.attach({"video": video, "audio": audio})
    viewer = join(relay, "v1")
    relay.end()
    with pytest.raises(MediaStreamError):
        await asyncio.wait_for(viewer.video.recv(), 1)
    with pytest.raises(MediaStreamError):
        await asyncio.wait_for(viewer.audio.recv(), 1)
    assert relay.viewers == 0
    video.deliver(KEY, 0)  # after the end nothing is forwarded (and nothing breaks)


async def test_an_h264_keyframe_without_parameter_sets_gets_the_last_ones_seen(
    clock: Clock,
) -> None:
    relay = BroadcastRelay("b2", VideoCodec.H264, monotonic=clock)
    video, audio = publisher()
    video.kind = "video"
    h264 = RTCRtpCodecParameters(mimeType="video/H264", clockRate=90000, payloadType=102)
    sps, pps = b"\x00\x00\x00\x01\x67\x42", b"\x00\x00\x00\x01\x68\xce"
    idr = b"\x00\x00\x00\x01\x65\x88"
    relay.attach({"video": video, "audio": audio})
    first = join(relay, "early")
    video._RTCRtpReceiver__decoder_queue.put((h264, JitterFrame(sps + pps + idr, 0)))
    late = join(relay, "late")
    video._RTCRtpReceiver__decoder_queue.put((h264, JitterFrame(idr, 3000)))
    assert [data for data, _ in queued(first.video)] == [sps + pps + idr, sps + pps + idr]
    assert [data for data, _ in queued(late.video)] == [sps + pps + idr]
