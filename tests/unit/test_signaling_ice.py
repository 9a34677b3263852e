"""ICE servers come from settings only, with coturn REST-API TURN credentials."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from aiortc import RTCIceServer

from server.config import Secret, Settings
from signaling.ice import aiortc_ice_servers, ice_servers_for, link_headers, turn_credentials

NOW = datetime(2020, 7, 1, 2, 0, tzinfo=UTC)
ACCOUNT = "0190d6a0-0000-7000-8000-000000000001"


def test_nothing_configured_means_no_ice_servers_at_all() -> None:
    servers = ice_servers_for(Settings(), ACCOUNT, NOW)
    assert servers == []
    # An empty list, not None: aiortc turns None into a public Google STUN server.
    assert aiortc_ice_servers(servers) == []


def test_stun_urls_are_passed_through_without_credentials() -> None:
    settings = Settings(stun_urls=("stun:stun.fair.example:3478",))
    assert ice_servers_for(settings, ACCOUNT, NOW) == [{"urls": ["stun:stun.fair.example:3478"]}]


def test_turn_credentials_follow_coturns_shared_secret_scheme() -> None:
    settings = Settings(
        turn_urls=("turn:turn.fair.example:3478?transport=udp", "turns:turn.fair.example:5349"),
        turn_secret=Secret("coturn-static-auth-secret"),
        turn_ttl=3600,
    )
    (server,) = ice_servers_for(settings, ACCOUNT, NOW)
    expiry = int((NOW + timedelta(seconds=3600)).timestamp())
    assert server["username"] == f"{expiry}:{ACCOUNT}"
    expected = hmac.new(b"coturn-static-auth-secret", server["username"].encode(), hashlib.sha1)
    assert server["credential"] == base64.b64encode(expected.digest()).decode()
    assert server["urls"] == list(settings.turn_urls)


def test_the_same_inputs_give_the_same_credentials_and_a_later_now_a_later_expiry() -> None:
    first = turn_credentials("s", "a", 100)
    assert first == turn_credentials("s", "a", 100)
    assert turn_credentials("s", "a", 200)[0] == "200:a"


def test_an_account_id_with_a_colon_is_refused_and_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="':'"):
        turn_credentials("s", "a:b", 100)
    with pytest.raises(ValueError, match="timezone-aware"):
        ice_servers_for(Settings(), ACCOUNT, datetime(2020, 7, 1))


def test_aiortc_gets_the_first_stun_and_the_first_usable_turn_only() -> None:
    servers = [
        {"urls": ["stun:a.example", "stun:b.example:3479"]},
        {
            "urls": [
                "turns:t.example:5349?transport=udp",  # aiortc cannot do TLS over UDP
                "turn:t.example:3478?transport=tcp",
                "turn:u.example",
            ],
            "username": "100:x",
            "credential": "c",
        },
    ]
    assert aiortc_ice_servers(servers) == [
        RTCIceServer(urls="stun:a.example"),
        RTCIceServer(urls="turn:t.example:3478?transport=tcp", username="100:x", credential="c"),
    ]


def test_whip_link_headers_carry_the_turn_credentials() -> None:
    links = link_headers(
        [
            {"urls": ["stun:a.example"]},
            {"urls": ["turn:t.example"], "username": "1:x", "credential": "c"},
        ]
    )
    assert links == [
        '<stun:a.example>; rel="ice-server"',
        '<turn:t.example>; rel="ice-server"; username="1:x"; credential="c"; '
        'credential-type="password"',
    ]
