"""Pure rules of forwarding: what is a keyframe, when to ask for one, how to rebase time.

No I/O and no clock: callers pass ``now`` (monotonic seconds) where time matters.
"""

from __future__ import annotations

from dataclasses import dataclass

H264_IDR = 5
H264_SPS = 7
H264_PPS = 8


def is_keyframe(codec: str, frame: bytes) -> bool:
    """Whether a viewer can start decoding at this complete encoded frame.

    VP8 (RFC 6386 9.1): bit 0 of the first byte is 0 on a key frame. H.264 (Annex-B,
    as aiortc reassembles it): the access unit holds an IDR slice (NAL type 5). Audio
    frames are all "keyframes".
    """
    name = codec.upper()
    if name == "VP8":
        return len(frame) > 0 and frame[0] & 0x01 == 0
    if name == "H264":
        return H264_IDR in h264_nal_types(frame)
    return True


def h264_nal_types(frame: bytes) -> list[int]:
    """NAL unit types of an Annex-B access unit, in order."""
    types: list[int] = []
    start = 0
    while True:
        index = frame.find(b"\x00\x00\x01", start)
        if index < 0 or index + 3 >= len(frame):
            return types
        types.append(frame[index + 3] & 0x1F)
        start = index + 3


def h264_nal_units(frame: bytes) -> list[bytes]:
    """The NAL units of an Annex-B access unit, without their start codes."""
    units: list[bytes] = []
    starts: list[tuple[int, int]] = []  # (start code position, payload position)
    index = frame.find(b"\x00\x00\x01")
    while index >= 0:
        code_at = index - 1 if index > 0 and frame[index - 1] == 0 else index
        starts.append((code_at, index + 3))
        index = frame.find(b"\x00\x00\x01", index + 3)
    for number, (_, payload_at) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(frame)
        if payload_at < end:
            units.append(frame[payload_at:end])
    return units


@dataclass(slots=True)
class ParameterSets:
    """Makes every forwarded H.264 keyframe decodable on its own.

    A decoder needs the SPS and PPS before an IDR slice. Browsers send them with every
    IDR; an encoder that sends them only once at the start would leave every late
    joiner black. This remembers the last ones seen and puts them in front of an IDR
    access unit that lacks them.
    """

    _sps: bytes | None = None
    _pps: bytes | None = None

    def fill(self, frame: bytes) -> bytes:
        units = h264_nal_units(frame)
        types = [unit[0] & 0x1F for unit in units]
        for unit, kind in zip(units, types, strict=True):
            if kind == H264_SPS:
                self._sps = unit
            elif kind == H264_PPS:
                self._pps = unit
        if H264_IDR not in types or self._sps is None or self._pps is None:
            return frame
        missing = b""
        if H264_SPS not in types:
            missing += b"\x00\x00\x00\x01" + self._sps
        if H264_PPS not in types:
            missing += b"\x00\x00\x00\x01" + self._pps
        return missing + frame


@dataclass(slots=True)
class KeyframeLimiter:
    """At most one keyframe request per ``interval`` seconds; a request that comes
    too soon is remembered and granted when the interval has passed (:meth:`due`).

    Every viewer that joins or falls behind asks; the publisher gets one PLI for
    them all, never a storm (each PLI costs a large frame on every viewer's link).
    """

    interval: float = 0.5
    _last: float | None = None
    _pending: bool = False

    def ask(self, now: float) -> bool:
        """A request arrives at ``now``: True if it should be sent now."""
        if self._last is None or now - self._last >= self.interval:
            self._last = now
            self._pending = False
            return True
        self._pending = True
        return False

    def due(self, now: float) -> bool:
        """True once when a deferred request may now be sent."""
        if self._pending and self._last is not None and now - self._last >= self.interval:
            self._last = now
            self._pending = False
            return True
        return False

    def wait(self, now: float) -> float:
        """Seconds from ``now`` until a request may be sent (0 if it may now)."""
        if self._last is None:
            return 0.0
        return max(0.0, self._last + self.interval - now)

    @property
    def pending(self) -> bool:
        return self._pending


@dataclass(slots=True)
class Rebaser:
    """Keeps forwarded RTP timestamps moving forward across publisher reconnects.

    Each publisher connection restarts its timestamps (aiortc counts from 0 per
    receiver); viewers must see one continuous stream. On a new source the offset is
    chosen so the first new frame lands the wall-clock gap after the last old frame
    (at least one ``min_step``), so audio and video stay aligned with each other.
    """

    clock_rate: int
    min_step: int
    _offset: int = 0
    _last_out: int | None = None
    _last_at: float | None = None
    _new_source: bool = True

    def new_source(self) -> None:
        """The next timestamp comes from a new publisher connection."""
        self._new_source = True

    def map(self, timestamp: int, now: float) -> int:
        if self._new_source:
            self._new_source = False
            if self._last_out is None or self._last_at is None:
                self._offset = -timestamp
            else:
                gap = max(self.min_step, round((now - self._last_at) * self.clock_rate))
                self._offset = self._last_out + gap - timestamp
        out = timestamp + self._offset
        if self._last_out is not None and out < self._last_out:
            out = self._last_out  # never backwards within a source either
        self._last_out = out
        self._last_at = now
        return out
