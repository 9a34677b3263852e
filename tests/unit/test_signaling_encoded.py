"""The encoded-frame adapter against aiortc's real receiver and sender code.

These tests drive a real ``RTCRtpReceiver`` / ``RTCRtpSender`` with RTP and RTCP packets
through a fake transport (no sockets). If an aiortc upgrade moves the private pieces the
relay depends on, they fail here, by name, instead of viewers seeing black video.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
from pathlib import Path
from typing import Any

import aiortc
import pytest
from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.rtcrtpparameters import (
    RTCRtpCodecParameters,
    RTCRtpDecodingParameters,
    RTCRtpReceiveParameters,
    RTCRtpRtxParameters,
)
from aiortc.rtp import RTCP_PSFB_PLI, RtcpPacket, RtcpPsfbPacket, RtpPacket, wrap_rtx

from signaling import encoded

ROOT = Path(__file__).resolve().parents[2]
MEDIA_SSRC = 1111
RTX_SSRC = 2222
VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)
RTX = RTCRtpCodecParameters(
    mimeType="video/rtx", clockRate=90000, payloadType=97, parameters={"apt": 96}
)


class FakeTransport:
    """What RTCRtpReceiver/RTCRtpSender need of an RTCDtlsTransport."""

    state = "connected"
    _stats_id = "transport"

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def _register_rtp_receiver(self, receiver: Any, parameters: Any) -> None:
        pass

    def _unregister_rtp_receiver(self, receiver: Any) -> None:
        pass

    async def _send_rtp(self, data: bytes) -> None:
        self.sent.append(data)

    def _get_stats(self) -> dict[str, Any]:
        return {}


def vp8_packet(seq: int, timestamp: int, payload: bytes, *, marker: bool) -> RtpPacket:
    # VP8 payload descriptor: one byte, S=1 (start of partition), then the frame bytes.
    packet = RtpPacket(payload_type=96, sequence_number=seq, timestamp=timestamp, ssrc=MEDIA_SSRC)
    packet.payload = b"\x10" + payload
    packet.marker = int(marker)
    return packet


@pytest.fixture
async def receiver() -> Any:
    transport = FakeTransport()
    receiver = RTCRtpReceiver("video", transport)  # type: ignore[arg-type]
    receiver._track = aiortc.rtcrtpreceiver.RemoteStreamTrack(kind="video")
    receiver._set_rtcp_ssrc(4242)
    await receiver.receive(
        RTCRtpReceiveParameters(
            codecs=[VP8, RTX],
            encodings=[
                RTCRtpDecodingParameters(
                    ssrc=MEDIA_SSRC, payloadType=96, rtx=RTCRtpRtxParameters(ssrc=RTX_SSRC)
                )
            ],
        )
    )
    yield receiver
    await receiver.stop()


def test_aiortc_is_the_pinned_version_and_its_internals_are_where_the_adapter_looks() -> None:
    assert importlib.metadata.version("aiortc") == encoded.SUPPORTED_AIORTC
    assert f'"aiortc=={encoded.SUPPORTED_AIORTC}"' in (ROOT / "pyproject.toml").read_text()
    encoded.check_aiortc()


async def test_complete_encoded_frames_reach_the_tap_and_are_not_decoded(receiver: Any) -> None:
    frames: list[tuple[str, bytes, int]] = []
    tap = encoded.tap_receiver(receiver, lambda *frame: frames.append(frame))
    keyframe = b"\x00" + b"K" * 40  # VP8: bit 0 of the first byte is 0 on a keyframe
    interframe = b"\x01" + b"P" * 10
    # Frame 1 in two packets, frame 2 in one; a frame is complete when the next begins.
    await receiver._handle_rtp_packet(vp8_packet(10, 3000, keyframe[:20], marker=False), 0)
    await receiver._handle_rtp_packet(vp8_packet(11, 3000, keyframe[20:], marker=True), 0)
    await receiver._handle_rtp_packet(vp8_packet(12, 6000, interframe, marker=True), 0)
    await receiver._handle_rtp_packet(vp8_packet(13, 9000, interframe, marker=True), 0)

    assert frames[:2] == [("VP8", keyframe, 0), ("VP8", interframe, 3000)]
    assert tap.frames == len(frames)
    # Nothing went to the decoder: the receiver's track has nothing to give.
    assert receiver.track._queue.empty()


async def test_a_tap_that_decodes_too_passes_frames_on(receiver: Any) -> None:
    frames: list[Any] = []
    encoded.tap_receiver(receiver, lambda *frame: frames.append(frame), decode=True)
    for seq, ts in ((1, 0), (2, 3000)):
        await receiver._handle_rtp_packet(vp8_packet(seq, ts, b"\x00junk", marker=True), 0)
    assert len(frames) == 1


async def test_a_keyframe_request_goes_to_the_media_ssrc_even_when_rtx_arrived_last(
    receiver: Any,
) -> None:
    transport: FakeTransport = receiver.transport
    assert await encoded.request_keyframe(receiver) is None  # nothing received yet
    await receiver._handle_rtp_packet(vp8_packet(1, 0, b"\x00abc", marker=True), 0)
    await asyncio.sleep(0.01)  # getSynchronizationSources() timestamps must differ
    retransmission = wrap_rtx(
        vp8_packet(1, 0, b"\x00abc", marker=True), payload_type=97, sequence_number=7, ssrc=RTX_SSRC
    )
    await receiver._handle_rtp_packet(retransmission, 0)
    sources = {s.source for s in receiver.getSynchronizationSources()}
    assert sources == {MEDIA_SSRC, RTX_SSRC}

    transport.sent.clear()
    assert encoded.media_ssrc(receiver) == MEDIA_SSRC
    assert await encoded.request_keyframe(receiver) == MEDIA_SSRC
    (pli,) = [p for data in transport.sent for p in RtcpPacket.parse(data)]
    assert isinstance(pli, RtcpPsfbPacket)
    assert pli.fmt == RTCP_PSFB_PLI
    assert pli.media_ssrc == MEDIA_SSRC


async def test_a_viewers_pli_reaches_the_callback_instead_of_the_idle_encoder() -> None:
    sender = RTCRtpSender("video", FakeTransport())  # type: ignore[arg-type]
    asked: list[str] = []
    encoded.on_keyframe_request(sender, lambda: asked.append("pli"))
    await sender._handle_rtcp_packet(RtcpPsfbPacket(fmt=RTCP_PSFB_PLI, ssrc=1, media_ssrc=2))
    assert asked == ["pli"]


def test_a_receiver_without_the_private_queue_is_refused_loudly() -> None:
    class NotAReceiver:
        pass

    with pytest.raises(encoded.AdapterBroken, match="aiortc changed"):
        encoded.tap_receiver(NotAReceiver(), lambda *frame: None)
    with pytest.raises(encoded.AdapterBroken, match="_send_keyframe"):
        encoded.on_keyframe_request(NotAReceiver(), lambda: None)


def test_the_check_names_what_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(RTCRtpReceiver, "_send_rtcp_pli")
    with pytest.raises(encoded.AdapterBroken, match="_send_rtcp_pli is gone"):
        encoded.check_aiortc()
