"""The one module that reaches into aiortc's private internals (aiortc is pinned).

aiortc has no public API for *received* encoded media. Inside ``RTCRtpReceiver``, the
jitter buffer reassembles each complete frame and puts ``(codec, JitterFrame)`` on a
name-mangled ``queue.Queue`` that a decoder thread drains. :func:`tap_receiver`
replaces that queue's ``put`` so complete encoded frames come to a callback instead,
on the event loop thread, and are not decoded. The end-of-stream sentinel (``None``)
is still passed on, so the decoder thread exits and the receiver's track ends as usual.

The other private pieces used here:

* ``RTCRtpReceiver._send_rtcp_pli(media_ssrc)`` sends a Picture Loss Indication to the
  publisher (:func:`request_keyframe`), addressed to the **media** SSRC: Chrome ignores
  a PLI for its RTX SSRC, which ``getSynchronizationSources()`` may list first, so RTX
  SSRCs are mapped back through the receiver's private RTX table.
* ``RTCRtpSender._send_keyframe()`` is what a sender calls when its viewer sends a PLI
  or FIR; a sender fed pre-encoded packets ignores it, so :func:`on_keyframe_request`
  replaces it on the instance with a callback.

Sending pre-encoded frames needs nothing private: a track whose ``recv()`` returns an
``av.Packet`` is packetized instead of encoded (H.264 must be Annex-B).

:func:`check_aiortc` verifies every assumption and raises
:class:`AdapterBroken` naming the one that failed; the relay calls it once at start-up,
and ``tests/unit/test_signaling_encoded.py`` runs real frames through it, so an aiortc
upgrade that moves these internals fails loudly instead of serving black video.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiortc
from aiortc import RTCRtpReceiver, RTCRtpSender

SUPPORTED_AIORTC = "1.16.0"

_DECODER_QUEUE = "_RTCRtpReceiver__decoder_queue"
_RTX_SSRC = "_RTCRtpReceiver__rtx_ssrc"
_SEND_PLI = "_send_rtcp_pli"
_SEND_KEYFRAME = "_send_keyframe"

FrameCallback = Callable[[str, bytes, int], None]
"""``(codec name, encoded frame, timestamp)``: the codec as aiortc names it ("VP8",
"H264", "opus"); the frame complete (H.264 in Annex-B); the RTP timestamp in the codec's
clock rate, counted from 0 at the receiver's first frame."""


class AdapterBroken(RuntimeError):
    """aiortc's internals are not what this adapter was written against."""


def check_aiortc() -> None:
    """Raise :class:`AdapterBroken` unless aiortc's private surface is as expected."""
    version = getattr(aiortc, "__version__", "?")
    problems = []
    if not callable(getattr(RTCRtpReceiver, _SEND_PLI, None)):
        problems.append(f"RTCRtpReceiver.{_SEND_PLI} is gone")
    if not callable(getattr(RTCRtpSender, _SEND_KEYFRAME, None)):
        problems.append(f"RTCRtpSender.{_SEND_KEYFRAME} is gone")
    init_names = RTCRtpReceiver.__init__.__code__.co_names
    for name in (_DECODER_QUEUE, _RTX_SSRC):
        if name not in init_names:
            problems.append(f"RTCRtpReceiver no longer sets {name}")
    if problems:
        raise AdapterBroken(
            f"aiortc {version} broke the encoded-frame adapter (written for "
            f"{SUPPORTED_AIORTC}): " + "; ".join(problems)
        )


def _decoder_queue(receiver: Any) -> queue.Queue[Any]:
    found = getattr(receiver, _DECODER_QUEUE, None)
    if not isinstance(found, queue.Queue):
        raise AdapterBroken(f"the receiver has no {_DECODER_QUEUE} queue (aiortc changed)")
    return found


@dataclass(slots=True)
class Tap:
    """A tapped receiver; counts what went through it."""

    receiver: Any
    frames: int = 0
    bytes: int = 0


def tap_receiver(receiver: Any, on_frame: FrameCallback, *, decode: bool = False) -> Tap:
    """Send every complete encoded frame of ``receiver`` to ``on_frame``.

    Call it after ``setRemoteDescription`` (the receiver exists) and before media
    flows. With ``decode=False`` (the relay's case) frames are not decoded and the
    receiver's track yields nothing until it ends; ``decode=True`` keeps decoding too.
    """
    target = _decoder_queue(receiver)
    original_put = target.put
    tap = Tap(receiver)

    def put(item: Any, block: bool = True, timeout: float | None = None) -> None:
        if item is None:
            original_put(item, block, timeout)
            return
        codec, frame = item
        data = frame.data
        tap.frames += 1
        tap.bytes += len(data)
        on_frame(codec.name, data, frame.timestamp)
        if decode:
            original_put(item, block, timeout)

    target.put = put  # type: ignore[method-assign]
    return tap


def media_ssrc(receiver: Any) -> int | None:
    """The SSRC the publisher sends media on (never its RTX SSRC), if any arrived yet."""
    rtx_to_media: dict[int, int] = getattr(receiver, _RTX_SSRC, None) or {}
    newest: tuple[Any, int] | None = None
    for source in receiver.getSynchronizationSources():
        # An RTX SSRC maps to its media SSRC; an RTX packet is evidence of that media.
        ssrc = rtx_to_media.get(source.source, source.source)
        if newest is None or source.timestamp > newest[0]:
            newest = (source.timestamp, ssrc)
    return None if newest is None else newest[1]


async def request_keyframe(receiver: Any) -> int | None:
    """Send a PLI for the publisher's media SSRC; returns that SSRC (None: not yet known)."""
    ssrc = media_ssrc(receiver)
    if ssrc is not None:
        await getattr(receiver, _SEND_PLI)(ssrc)
    return ssrc


def on_keyframe_request(sender: Any, callback: Callable[[], None]) -> None:
    """Call ``callback`` whenever the remote end of ``sender`` asks for a keyframe."""
    if not callable(getattr(sender, _SEND_KEYFRAME, None)):
        raise AdapterBroken(f"RTCRtpSender.{_SEND_KEYFRAME} is gone (aiortc changed)")
    setattr(sender, _SEND_KEYFRAME, callback)
