"""Keyframe detection, the keyframe-request rate limit and timestamp rebasing."""

from __future__ import annotations

import pytest

from signaling.keyframes import (
    KeyframeLimiter,
    ParameterSets,
    Rebaser,
    h264_nal_types,
    h264_nal_units,
    is_keyframe,
)

SPS = b"\x00\x00\x00\x01\x67\x42\xe0\x1f"
PPS = b"\x00\x00\x00\x01\x68\xce\x3c\x80"
IDR = b"\x00\x00\x00\x01\x65\x88\x84\x00"
SLICE = b"\x00\x00\x01\x41\x9a\x02"


def test_a_vp8_keyframe_has_bit_zero_clear() -> None:
    assert is_keyframe("VP8", b"\x10\x02\x00\x9d\x01\x2a")
    assert not is_keyframe("VP8", b"\x31\x02\x00")
    assert not is_keyframe("VP8", b"")


def test_an_h264_access_unit_is_a_keyframe_when_it_holds_an_idr_slice() -> None:
    assert h264_nal_types(SPS + PPS + IDR) == [7, 8, 5]
    assert is_keyframe("H264", SPS + PPS + IDR)
    assert not is_keyframe("H264", SLICE)
    assert not is_keyframe("H264", SPS + PPS)  # parameter sets alone are not a picture
    assert h264_nal_types(b"\x00\x00\x01") == []


def test_audio_frames_are_always_a_place_to_start() -> None:
    assert is_keyframe("opus", b"\xfc\xff\xfe")


def test_keyframe_requests_are_limited_and_a_deferred_one_is_granted_later() -> None:
    limiter = KeyframeLimiter(interval=0.5)
    assert limiter.ask(10.0)
    assert not limiter.ask(10.1)
    assert limiter.wait(10.1) == pytest.approx(0.4)
    assert not limiter.ask(10.2)  # many viewers: still one pending request
    assert limiter.pending
    assert not limiter.due(10.4)
    assert limiter.due(10.5)
    assert not limiter.due(10.6)  # granted once
    assert not limiter.ask(10.7)
    assert limiter.ask(11.1)


def test_timestamps_continue_across_a_publisher_reconnect() -> None:
    rebaser = Rebaser(clock_rate=90_000, min_step=3_000)
    assert rebaser.map(0, now=100.0) == 0
    assert rebaser.map(3_000, now=100.033) == 3_000
    # The publisher reconnects 2 s later; its timestamps start again near 0.
    rebaser.new_source()
    assert rebaser.map(0, now=102.033) == 3_000 + 180_000
    assert rebaser.map(3_000, now=102.066) == 3_000 + 180_000 + 3_000


def test_an_immediate_reconnect_still_moves_forward_by_a_frame() -> None:
    rebaser = Rebaser(clock_rate=48_000, min_step=960)
    rebaser.map(5_000_000, now=1.0)  # the first source may start anywhere
    rebaser.new_source()
    assert rebaser.map(77, now=1.0) == 960


def test_nal_units_are_split_at_three_and_four_byte_start_codes() -> None:
    assert h264_nal_units(SPS + PPS + SLICE) == [
        b"\x67\x42\xe0\x1f",
        b"\x68\xce\x3c\x80",
        b"\x41\x9a\x02",
    ]


def test_an_idr_without_parameter_sets_gets_the_last_ones_seen() -> None:
    sets = ParameterSets()
    assert sets.fill(IDR) == IDR  # none seen yet: nothing to add
    assert sets.fill(SPS + PPS + IDR) == SPS + PPS + IDR
    assert sets.fill(SLICE) == SLICE
    filled = sets.fill(IDR)
    assert h264_nal_types(filled) == [7, 8, 5]
    assert filled.endswith(IDR)
