"""SDP for WHIP and WHEP: read an offer, decide the codecs, add bitrate hints to an answer.

Pure: text in, values out. What livefair forwards (encoded, never transcoded):

* video: VP8, or H.264 constrained baseline / baseline with ``packetization-mode=1``
  (OBS sends ``profile-level-id=42e01f;packetization-mode=1``). An H.264 offer without
  an fmtp line means packetization-mode 0, which aiortc cannot receive; High and Main
  profiles may use B-frames and CABAC that not every viewer decodes, and aiortc does
  not negotiate them either.
* audio: Opus.

A broadcast's video codec is fixed by its first publish; :func:`choose_video` refuses a
later offer without it (:class:`CodecMismatch`) so viewers never see the codec change
under them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from signaling.errors import CodecMismatch, CodecRefused, SdpError

MAX_SDP_BYTES = 64 * 1024

# Chrome sizes its first frames from its bandwidth estimate, which aiortc feeds only
# with REMB: without these a browser publisher stays near 1 Mbps / 480x270 for ~20 s
# (notes/webrtc.md). Values in kbps.
BITRATE_HINTS = (
    ("x-google-start-bitrate", "1500"),
    ("x-google-min-bitrate", "800"),
    ("x-google-max-bitrate", "2500"),
)


class VideoCodec(StrEnum):
    VP8 = "VP8"
    H264 = "H264"


@dataclass(frozen=True, slots=True)
class Codec:
    payload_type: int
    name: str
    clock_rate: int
    channels: int | None = None
    fmtp: tuple[tuple[str, str], ...] = ()

    def param(self, name: str) -> str | None:
        for key, value in self.fmtp:
            if key.lower() == name.lower():
                return value
        return None


@dataclass(frozen=True, slots=True)
class Media:
    kind: str
    mid: str | None
    direction: str
    codecs: tuple[Codec, ...]
    port: int = 9


@dataclass(frozen=True, slots=True)
class Offer:
    media: tuple[Media, ...]

    def first(self, kind: str) -> Media | None:
        return next((m for m in self.media if m.kind == kind and m.port != 0), None)


@dataclass(frozen=True, slots=True)
class VideoChoice:
    codec: VideoCodec
    # The H.264 profile-level-ids the offer carries for this codec (empty for VP8).
    profiles: tuple[str, ...] = field(default=())


_DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")
_RTPMAP = re.compile(r"(\d+) ([A-Za-z0-9_.-]+)/(\d+)(?:/(\d+))?")

# (profile_idc, bit pattern of profile_iop, name): libwebrtc's table, as aiortc uses it.
_H264_PROFILES = (
    (0x42, "x1xx0000", "constrained baseline"),
    (0x4D, "1xxx0000", "constrained baseline"),
    (0x58, "11xx0000", "constrained baseline"),
    (0x42, "x0xx0000", "baseline"),
    (0x58, "10xx0000", "baseline"),
    (0x4D, "0x0x0000", "main"),
    (0x64, "00000000", "high"),
    (0x64, "00001100", "constrained high"),
    (0xF4, "00000000", "predictive high 4:4:4"),
)
_FORWARDABLE_H264 = ("constrained baseline", "baseline")


def h264_profile(profile_level_id: str) -> str | None:
    """The profile named by an H.264 ``profile-level-id`` (e.g. ``42e01f``), or None."""
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", profile_level_id):
        return None
    idc = int(profile_level_id[0:2], 16)
    iop = int(profile_level_id[2:4], 16)
    bits = f"{iop:08b}"
    for table_idc, pattern, name in _H264_PROFILES:
        if table_idc == idc and all(p in ("x", b) for p, b in zip(pattern, bits, strict=True)):
            return name
    return None


def parse_offer(text: str) -> Offer:
    """Parse the parts of an SDP offer livefair decides on; :class:`SdpError` if unusable."""
    if len(text.encode("utf-8", "replace")) > MAX_SDP_BYTES:
        raise SdpError(f"the offer is larger than {MAX_SDP_BYTES} bytes")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or lines[0] != "v=0":
        raise SdpError("an SDP offer starts with the line v=0")
    for number, line in enumerate(lines, 1):
        if len(line) < 2 or line[1] != "=" or not line[0].isalpha():
            raise SdpError(f"line {number} is not an SDP line (type=value): {line[:40]!r}")
    session: list[str] = []
    sections: list[list[str]] = []
    for line in lines:
        if line.startswith("m="):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
        else:
            session.append(line)
    if not sections:
        raise SdpError("the offer has no media section (m=)")
    media = tuple(_media(section, session, index) for index, section in enumerate(sections))
    if not any(m.kind in ("audio", "video") for m in media):
        raise SdpError("the offer has no audio or video section")
    return Offer(media)


def _media(lines: list[str], session: list[str], index: int) -> Media:
    parts = lines[0][2:].split()
    if len(parts) < 4 or not parts[1].split("/")[0].isdigit():
        raise SdpError(f"media section {index} has a malformed m= line")
    kind, port = parts[0], int(parts[1].split("/")[0])
    attributes = [line[2:] for line in lines if line.startswith("a=")]
    session_attributes = [line[2:] for line in session if line.startswith("a=")]
    if kind in ("audio", "video") and port != 0:
        for name in ("ice-ufrag", "ice-pwd", "fingerprint"):
            if not any(a.startswith(name + ":") for a in attributes + session_attributes):
                raise SdpError(f"the {kind} section has no a={name} (not a WebRTC offer)")
    direction = next((a for a in attributes if a in _DIRECTIONS), "sendrecv")
    mid = next((a[4:] for a in attributes if a.startswith("mid:")), None)
    rtpmaps: dict[int, tuple[str, int, int | None]] = {}
    fmtps: dict[int, tuple[tuple[str, str], ...]] = {}
    for attribute in attributes:
        if attribute.startswith("rtpmap:"):
            match = _RTPMAP.fullmatch(attribute[7:].strip())
            if match is None:
                raise SdpError(f"malformed a=rtpmap in the {kind} section: {attribute[:60]!r}")
            channels = int(match[4]) if match[4] else None
            rtpmaps[int(match[1])] = (match[2], int(match[3]), channels)
        elif attribute.startswith("fmtp:"):
            head, _, params = attribute[5:].partition(" ")
            if head.isdigit():
                fmtps[int(head)] = _fmtp(params)
    codecs = []
    for fmt in parts[3:]:
        if not fmt.isdigit() or int(fmt) not in rtpmaps:
            continue  # static payload types without rtpmap are of no use to livefair
        name, clock_rate, channels = rtpmaps[int(fmt)]
        codecs.append(Codec(int(fmt), name, clock_rate, channels, fmtps.get(int(fmt), ())))
    return Media(kind, mid, direction, tuple(codecs), port)


def _fmtp(params: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in params.split(";"):
        key, _, value = item.strip().partition("=")
        if key:
            pairs.append((key.strip(), value.strip()))
    return tuple(pairs)


def _h264_verdict(codec: Codec) -> str | None:
    """None when this H.264 entry can be forwarded, else why not."""
    if (codec.param("packetization-mode") or "0") != "1":
        if not codec.fmtp:
            return "H.264 is offered without an fmtp line, which means packetization-mode 0"
        return "H.264 is offered without packetization-mode=1"
    profile_level_id = codec.param("profile-level-id") or "42e01f"
    profile = h264_profile(profile_level_id)
    if profile not in _FORWARDABLE_H264:
        return (
            f"H.264 {profile or 'unknown'} profile ({profile_level_id}) is not supported; "
            "use constrained baseline (profile-level-id=42e01f)"
        )
    return None


def _forwardable(codec: Codec) -> VideoCodec | None:
    name = codec.name.upper()
    if name == "VP8":
        return VideoCodec.VP8
    if name == "H264" and _h264_verdict(codec) is None:
        return VideoCodec.H264
    return None


def choose_video(offer: Offer, fixed: VideoCodec | None = None) -> VideoChoice:
    """The video codec to receive or send, in the offer's order of preference.

    ``fixed`` is the broadcast's codec once it has one. Raises :class:`CodecRefused`
    (with the reason for each refused H.264 entry) or :class:`CodecMismatch`.
    """
    media = offer.first("video")
    if media is None:
        raise CodecRefused("the offer has no video section")
    usable = [(c, v) for c in media.codecs if (v := _forwardable(c)) is not None]
    if fixed is not None:
        matching = [c for c, v in usable if v is fixed]
        if not matching:
            offered = _names(c for c, _ in usable) or "nothing usable"
            raise CodecMismatch(
                f"this broadcast's video is {fixed.value}; the offer has {offered}. "
                f"Keep the codec of the first publish ({fixed.value})"
            )
        return _choice(fixed, matching)
    if usable:
        codec = usable[0][1]
        return _choice(codec, [c for c, v in usable if v is codec])
    reasons = [r for c in media.codecs if c.name.upper() == "H264" and (r := _h264_verdict(c))]
    offered = _names(c for c in media.codecs if c.name.lower() not in ("rtx", "red", "ulpfec"))
    reason = "; ".join(dict.fromkeys(reasons)) if reasons else f"offered: {offered or 'none'}"
    raise CodecRefused(
        "no video codec livefair can forward (VP8, or H.264 constrained baseline with "
        f"packetization-mode=1): {reason}"
    )


def _choice(codec: VideoCodec, entries: Sequence[Codec]) -> VideoChoice:
    if codec is VideoCodec.VP8:
        return VideoChoice(codec)
    profiles = tuple(dict.fromkeys((c.param("profile-level-id") or "42e01f") for c in entries))
    return VideoChoice(codec, profiles)


def _names(codecs: Iterable[Codec]) -> str:
    return ", ".join(dict.fromkeys(c.name for c in codecs))


def has_opus(offer: Offer) -> bool | None:
    """None without an audio section; else whether it offers Opus."""
    media = offer.first("audio")
    if media is None:
        return None
    return any(c.name.lower() == "opus" for c in media.codecs)


def check_publish(offer: Offer) -> None:
    """A publisher's offer must send (WHIP is one-way) and offer Opus if it has audio."""
    for media in offer.media:
        sends = media.direction in ("sendonly", "sendrecv")
        if media.kind in ("audio", "video") and media.port != 0 and not sends:
            raise SdpError(f"a WHIP offer sends media; its {media.kind} is {media.direction}")
    if has_opus(offer) is False:
        raise CodecRefused("the audio section does not offer Opus")


def check_view(offer: Offer) -> None:
    """A viewer's offer must receive."""
    for media in offer.media:
        receives = media.direction in ("recvonly", "sendrecv")
        if media.kind in ("audio", "video") and media.port != 0 and not receives:
            raise SdpError(f"a WHEP offer receives media; its {media.kind} is {media.direction}")


def add_bitrate_hints(answer: str, hints: Sequence[tuple[str, str]] = BITRATE_HINTS) -> str:
    """Add ``x-google-*-bitrate`` to every video codec's fmtp (a new line if it has none).

    RTX, RED and FEC entries are left alone. Parameters already present are kept.
    """
    lines = answer.splitlines()
    out: list[str] = []
    kind: str | None = None
    pending: list[int] = []  # video payload types of this section, from a=rtpmap
    seen_fmtp: set[int] = set()

    def flush() -> None:
        for pt in pending:
            if pt not in seen_fmtp:
                out.append(f"a=fmtp:{pt} " + ";".join(f"{k}={v}" for k, v in hints))
        pending.clear()
        seen_fmtp.clear()

    for line in lines:
        if line.startswith("m="):
            if kind == "video":
                flush()
            kind = line[2:].split(" ", 1)[0]
            pending.clear()
            seen_fmtp.clear()
            out.append(line)
            continue
        if kind == "video" and line.startswith("a=rtpmap:"):
            match = _RTPMAP.fullmatch(line[9:].strip())
            if match and match[2].lower() not in ("rtx", "red", "ulpfec", "flexfec-03"):
                pending.append(int(match[1]))
        elif kind == "video" and line.startswith("a=fmtp:"):
            head, _, params = line[7:].partition(" ")
            if head.isdigit() and int(head) in pending:
                seen_fmtp.add(int(head))
                present = {k.lower() for k, _ in _fmtp(params)}
                extra = [f"{k}={v}" for k, v in hints if k.lower() not in present]
                if extra:
                    line = f"{line};{';'.join(extra)}" if params else f"{line}{';'.join(extra)}"
        out.append(line)
    if kind == "video":
        flush()
    return "\r\n".join(out) + "\r\n"
