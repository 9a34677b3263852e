"""SDP for WHIP/WHEP: offers from a real Chromium and from OBS, codec decisions, reasons,
and the bitrate hints added to answers."""

# The SDP fixtures are verbatim, long lines included.
# ruff: noqa: E501

from __future__ import annotations

import pytest

from signaling import sdp
from signaling.errors import CodecMismatch, CodecRefused, SdpError
from signaling.sdp import VideoCodec

# Chromium 156's offer for a sendonly video + audio publisher (as the host page makes
# it), captured on this machine: VP8 first, H.264 in four flavours, AV1, VP9, RTX.
CHROMIUM_OFFER = """\
v=0
o=- 1175582176054640773 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1
a=extmap-allow-mixed
a=msid-semantic: WMS
m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 107 108 109 114 115 116 117 39 40 45 46 98 99 100 101 118 119 120
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=candidate:2050255889 1 udp 2113937151 96597463-80f0-412e-bb35-dd1d85f30855.local 47805 typ host generation 0 network-cost 999
a=candidate:2101739681 1 udp 2113942271 2beda027-3248-4501-8783-f91a0d11eaf5.local 44821 typ host generation 0 network-cost 999
a=ice-ufrag:bQ/B
a=ice-pwd:cGPzEH0ZuK3Z/1EZp7rRo7dT
a=ice-options:trickle
a=fingerprint:sha-256 23:57:D8:EE:87:76:52:5C:B0:F4:A3:78:8E:98:14:0C:16:54:C5:CD:EC:22:4A:53:7C:D4:C1:77:04:B4:B2:75
a=setup:actpass
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:toffset
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 urn:3gpp:video-orientation
a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type
a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing
a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space
a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
a=sendonly
a=msid:- 1cadc19d-a35f-447f-b7b6-1b4f94d6f380
a=rtcp-mux
a=rtcp-rsize
a=rtcp-xr:rcvr-rtt=all
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
a=rtpmap:102 H264/90000
a=rtcp-fb:102 goog-remb
a=rtcp-fb:102 transport-cc
a=rtcp-fb:102 ccm fir
a=rtcp-fb:102 nack
a=rtcp-fb:102 nack pli
a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
a=rtpmap:103 rtx/90000
a=fmtp:103 apt=102
a=rtpmap:104 H264/90000
a=rtcp-fb:104 goog-remb
a=rtcp-fb:104 transport-cc
a=rtcp-fb:104 ccm fir
a=rtcp-fb:104 nack
a=rtcp-fb:104 nack pli
a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f
a=rtpmap:107 rtx/90000
a=fmtp:107 apt=104
a=rtpmap:108 H264/90000
a=rtcp-fb:108 goog-remb
a=rtcp-fb:108 transport-cc
a=rtcp-fb:108 ccm fir
a=rtcp-fb:108 nack
a=rtcp-fb:108 nack pli
a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
a=rtpmap:109 rtx/90000
a=fmtp:109 apt=108
a=rtpmap:114 H264/90000
a=rtcp-fb:114 goog-remb
a=rtcp-fb:114 transport-cc
a=rtcp-fb:114 ccm fir
a=rtcp-fb:114 nack
a=rtcp-fb:114 nack pli
a=fmtp:114 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f
a=rtpmap:115 rtx/90000
a=fmtp:115 apt=114
a=rtpmap:116 H264/90000
a=rtcp-fb:116 goog-remb
a=rtcp-fb:116 transport-cc
a=rtcp-fb:116 ccm fir
a=rtcp-fb:116 nack
a=rtcp-fb:116 nack pli
a=fmtp:116 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f
a=rtpmap:117 rtx/90000
a=fmtp:117 apt=116
a=rtpmap:39 H264/90000
a=rtcp-fb:39 goog-remb
a=rtcp-fb:39 transport-cc
a=rtcp-fb:39 ccm fir
a=rtcp-fb:39 nack
a=rtcp-fb:39 nack pli
a=fmtp:39 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f
a=rtpmap:40 rtx/90000
a=fmtp:40 apt=39
a=rtpmap:45 AV1/90000
a=rtcp-fb:45 goog-remb
a=rtcp-fb:45 transport-cc
a=rtcp-fb:45 ccm fir
a=rtcp-fb:45 nack
a=rtcp-fb:45 nack pli
a=fmtp:45 level-idx=5;profile=0;tier=0
a=rtpmap:46 rtx/90000
a=fmtp:46 apt=45
a=rtpmap:98 VP9/90000
a=rtcp-fb:98 goog-remb
a=rtcp-fb:98 transport-cc
a=rtcp-fb:98 ccm fir
a=rtcp-fb:98 nack
a=rtcp-fb:98 nack pli
a=fmtp:98 profile-id=0
a=rtpmap:99 rtx/90000
a=fmtp:99 apt=98
a=rtpmap:100 VP9/90000
a=rtcp-fb:100 goog-remb
a=rtcp-fb:100 transport-cc
a=rtcp-fb:100 ccm fir
a=rtcp-fb:100 nack
a=rtcp-fb:100 nack pli
a=fmtp:100 profile-id=2
a=rtpmap:101 rtx/90000
a=fmtp:101 apt=100
a=rtpmap:118 red/90000
a=rtpmap:119 rtx/90000
a=fmtp:119 apt=118
a=rtpmap:120 ulpfec/90000
a=ssrc-group:FID 3999958739 1935243065
a=ssrc:3999958739 cname:uy2juLmM340GPw/I
a=ssrc:3999958739 msid:- 1cadc19d-a35f-447f-b7b6-1b4f94d6f380
a=ssrc:1935243065 cname:uy2juLmM340GPw/I
a=ssrc:1935243065 msid:- 1cadc19d-a35f-447f-b7b6-1b4f94d6f380
m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=candidate:2050255889 1 udp 2113937151 96597463-80f0-412e-bb35-dd1d85f30855.local 56630 typ host generation 0 network-cost 999
a=candidate:2101739681 1 udp 2113942271 2beda027-3248-4501-8783-f91a0d11eaf5.local 41734 typ host generation 0 network-cost 999
a=ice-ufrag:bQ/B
a=ice-pwd:cGPzEH0ZuK3Z/1EZp7rRo7dT
a=ice-options:trickle
a=fingerprint:sha-256 23:57:D8:EE:87:76:52:5C:B0:F4:A3:78:8E:98:14:0C:16:54:C5:CD:EC:22:4A:53:7C:D4:C1:77:04:B4:B2:75
a=setup:actpass
a=mid:1
a=extmap:14 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid
a=sendonly
a=msid:- 38860de6-fd02-4e60-8f8c-6382d22e2bfa
a=rtcp-mux
a=rtcp-rsize
a=rtcp-xr:rcvr-rtt=all
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
a=rtpmap:63 red/48000/2
a=fmtp:63 111/111
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:13 CN/8000
a=rtpmap:110 telephone-event/48000
a=rtpmap:126 telephone-event/8000
a=ssrc:4046579848 cname:uy2juLmM340GPw/I
a=ssrc:4046579848 msid:- 38860de6-fd02-4e60-8f8c-6382d22e2bfa
""".replace("\n", "\r\n")

# What OBS's WHIP output (libdatachannel) offers: audio first, one H.264 entry with
# constrained baseline and packetization-mode 1, no RTX, session-level ICE and DTLS.
OBS_OFFER = """\
v=0
o=rtc 2345766936 0 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1
a=group:LS 0 1
a=msid-semantic:WMS *
a=setup:actpass
a=ice-ufrag:Qw8c
a=ice-pwd:Xsz6Kc1aPfvHXmnZgROTfn
a=ice-options:ice2,trickle
a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:3D:86:D2:5B:40:6B:0B:3B
m=audio 54213 UDP/TLS/RTP/SAVPF 111
c=IN IP4 192.0.2.10
a=mid:0
a=sendonly
a=ssrc:2468013579 cname:obs
a=msid:obs audio
a=rtcp-mux
a=rtpmap:111 opus/48000/2
a=fmtp:111 minptime=10;maxaveragebitrate=96000;stereo=1;sprop-stereo=1;useinbandfec=1
a=candidate:1 1 UDP 2122317823 192.0.2.10 54213 typ host
a=end-of-candidates
m=video 54213 UDP/TLS/RTP/SAVPF 96
c=IN IP4 192.0.2.10
a=mid:1
a=sendonly
a=ssrc:1357924680 cname:obs
a=msid:obs video
a=rtcp-mux
a=rtpmap:96 H264/90000
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtcp-fb:96 goog-remb
a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1
""".replace("\n", "\r\n")


def only_h264(fmtp: str | None) -> str:
    """The OBS offer with its H.264 fmtp replaced (or removed)."""
    line = "a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1"
    return OBS_OFFER.replace(line + "\r\n", "" if fmtp is None else f"a=fmtp:96 {fmtp}\r\n")


def test_a_chromium_offer_publishes_vp8_its_first_forwardable_codec() -> None:
    offer = sdp.parse_offer(CHROMIUM_OFFER)
    assert [m.kind for m in offer.media] == ["video", "audio"]
    assert sdp.choose_video(offer) == sdp.VideoChoice(VideoCodec.VP8)
    assert sdp.has_opus(offer) is True
    sdp.check_publish(offer)


def test_a_chromium_offer_can_keep_a_broadcast_on_h264_with_its_baseline_profiles() -> None:
    choice = sdp.choose_video(sdp.parse_offer(CHROMIUM_OFFER), VideoCodec.H264)
    # Only packetization-mode=1 entries of (constrained) baseline: not 4d001f (main).
    assert choice == sdp.VideoChoice(VideoCodec.H264, ("42001f", "42e01f"))


def test_an_obs_offer_publishes_h264_constrained_baseline() -> None:
    offer = sdp.parse_offer(OBS_OFFER)
    assert [m.kind for m in offer.media] == ["audio", "video"]
    assert sdp.choose_video(offer) == sdp.VideoChoice(VideoCodec.H264, ("42e01f",))
    sdp.check_publish(offer)


@pytest.mark.parametrize(
    ("fmtp", "reason"),
    [
        (None, "without an fmtp line, which means packetization-mode 0"),
        ("profile-level-id=42e01f", "without packetization-mode=1"),
        ("profile-level-id=42e01f;packetization-mode=0", "without packetization-mode=1"),
        ("profile-level-id=64001f;packetization-mode=1", "H.264 high profile (64001f)"),
        ("profile-level-id=640c1f;packetization-mode=1", "constrained high profile (640c1f)"),
        ("profile-level-id=4d001f;packetization-mode=1", "H.264 main profile (4d001f)"),
    ],
)
def test_an_h264_offer_livefair_cannot_forward_is_refused_with_its_reason(
    fmtp: str | None, reason: str
) -> None:
    with pytest.raises(CodecRefused) as refused:
        sdp.choose_video(sdp.parse_offer(only_h264(fmtp)))
    assert reason in refused.value.reason
    assert "constrained baseline" in refused.value.reason


def test_an_offer_with_only_codecs_livefair_does_not_forward_names_them() -> None:
    offer = OBS_OFFER.replace("H264/90000", "VP9/90000")
    with pytest.raises(CodecRefused, match="offered: VP9"):
        sdp.choose_video(sdp.parse_offer(offer))


def test_a_reconnect_must_keep_the_codec_of_the_first_publish() -> None:
    with pytest.raises(CodecMismatch, match="this broadcast's video is VP8"):
        sdp.choose_video(sdp.parse_offer(OBS_OFFER), VideoCodec.VP8)
    assert sdp.choose_video(sdp.parse_offer(OBS_OFFER), VideoCodec.H264).codec is VideoCodec.H264


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "starts with the line v=0"),
        ("GET / HTTP/1.1\r\n", "starts with the line v=0"),
        ("v=0\r\nthis is not sdp\r\n", "line 2 is not an SDP line"),
        ("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n", "no media section"),
        ("v=0\r\nm=video nine UDP 96\r\n", "malformed m= line"),
        ("v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n", "no audio or video"),
        (OBS_OFFER.replace("a=ice-pwd:Xsz6Kc1aPfvHXmnZgROTfn\r\n", ""), "no a=ice-pwd"),
        (OBS_OFFER.replace("a=rtpmap:96 H264/90000", "a=rtpmap:96 H264"), "malformed a=rtpmap"),
        ("v=0\r\n" + "a=x\r\n" * 20000, "larger than"),
    ],
)
def test_garbage_is_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(SdpError) as refused:
        sdp.parse_offer(text)
    assert reason in refused.value.reason


def test_direction_is_checked_for_publishers_and_viewers() -> None:
    publisher = sdp.parse_offer(OBS_OFFER)
    viewer = sdp.parse_offer(OBS_OFFER.replace("a=sendonly", "a=recvonly"))
    sdp.check_publish(publisher)
    sdp.check_view(viewer)
    with pytest.raises(SdpError, match="WHIP offer sends media"):
        sdp.check_publish(viewer)
    with pytest.raises(SdpError, match="WHEP offer receives media"):
        sdp.check_view(publisher)


def test_audio_without_opus_is_refused() -> None:
    offer = sdp.parse_offer(OBS_OFFER.replace("opus/48000/2", "PCMU/8000"))
    assert sdp.has_opus(offer) is False
    with pytest.raises(CodecRefused, match="Opus"):
        sdp.check_publish(offer)


@pytest.mark.parametrize(
    ("profile_level_id", "profile"),
    [
        ("42e01f", "constrained baseline"),
        ("42001f", "baseline"),
        ("4de01f", "constrained baseline"),
        ("4d001f", "main"),
        ("4d401f", "main"),
        ("64001f", "high"),
        ("640c1f", "constrained high"),
        ("zzzzzz", None),
    ],
)
def test_h264_profiles_are_read_like_libwebrtc(profile_level_id: str, profile: str | None) -> None:
    assert sdp.h264_profile(profile_level_id) == profile


ANSWER = "\r\n".join(
    [
        "v=0",
        "o=- 1 1 IN IP4 0.0.0.0",
        "s=-",
        "t=0 0",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111",
        "a=rtpmap:111 opus/48000/2",
        "a=fmtp:111 minptime=10",
        "m=video 9 UDP/TLS/RTP/SAVPF 96 97",
        "a=rtpmap:96 H264/90000",
        "a=fmtp:96 packetization-mode=1;profile-level-id=42e01f",
        "a=rtpmap:97 rtx/90000",
        "a=fmtp:97 apt=96",
        "m=video 9 UDP/TLS/RTP/SAVPF 100",
        "a=rtpmap:100 VP8/90000",
        "a=ssrc:1 cname:x",
        "",
    ]
)


def test_bitrate_hints_are_added_to_every_video_codec_and_nothing_else() -> None:
    hinted = sdp.add_bitrate_hints(ANSWER).split("\r\n")
    hints = "x-google-start-bitrate=1500;x-google-min-bitrate=800;x-google-max-bitrate=2500"
    assert f"a=fmtp:96 packetization-mode=1;profile-level-id=42e01f;{hints}" in hinted
    assert f"a=fmtp:100 {hints}" in hinted  # VP8 had no fmtp line: one is added
    assert "a=fmtp:97 apt=96" in hinted  # RTX untouched
    assert "a=fmtp:111 minptime=10" in hinted  # audio untouched
    assert hinted.index(f"a=fmtp:100 {hints}") > hinted.index("m=video 9 UDP/TLS/RTP/SAVPF 100")


def test_bitrate_hints_already_present_are_kept() -> None:
    answer = ANSWER.replace(
        "profile-level-id=42e01f", "profile-level-id=42e01f;x-google-max-bitrate=900"
    )
    hinted = sdp.add_bitrate_hints(answer)
    assert "x-google-max-bitrate=900" in hinted
    assert hinted.count("x-google-max-bitrate") == 2  # 96 keeps its own, 100 gets one
