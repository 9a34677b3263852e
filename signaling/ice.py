"""ICE servers from settings only: STUN URLs, and TURN with coturn's REST credentials.

livefair never falls back to a public STUN server. aiortc does exactly that when it is
given ``iceServers=None``, so every peer connection the server makes takes
:func:`aiortc_ice_servers` (an empty list when nothing is configured).

TURN credentials follow coturn's ``use-auth-secret`` scheme (the "TURN REST API"
draft): the username is ``"<expiry unix time>:<account id>"`` and the credential is
``base64(HMAC-SHA1(shared secret, username))``. coturn recomputes the HMAC and refuses
a username whose expiry has passed, so credentials need no storage and no revocation.

This module takes ``now`` and reads no clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from server.config import Secret

# What aiortc's parser accepts (aiortc.rtcicetransport.STUN_REGEX / TURN_REGEX): a host,
# an optional port and, for TURN, an optional ?transport=udp|tcp.
_STUN = re.compile(r"stun:(?P<host>[^?:]+|\[[0-9A-Fa-f:.]+\])(?::(?P<port>\d+))?")
_TURN = re.compile(
    r"(?P<scheme>turns?):(?P<host>[^?:]+|\[[0-9A-Fa-f:.]+\])(?::(?P<port>\d+))?"
    r"(?:\?transport=(?P<transport>udp|tcp))?"
)


class IceSettings(Protocol):
    """The part of :class:`server.config.Settings` this module reads."""

    @property
    def stun_urls(self) -> tuple[str, ...]: ...

    @property
    def turn_urls(self) -> tuple[str, ...]: ...

    @property
    def turn_secret(self) -> Secret | None: ...

    @property
    def turn_ttl(self) -> int: ...


def turn_credentials(secret: str, account_id: str, expiry_unix: int) -> tuple[str, str]:
    """coturn's REST-API credentials: ``(username, credential)``."""
    if ":" in account_id:
        # coturn reads the part before the first colon as the expiry time.
        raise ValueError("an account id for TURN must not contain ':'")
    username = f"{expiry_unix}:{account_id}"
    digest = hmac.new(secret.encode("utf-8"), username.encode("utf-8"), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode("ascii")


def ice_servers_for(settings: IceSettings, account_id: str, now: datetime) -> list[dict[str, Any]]:
    """The ``iceServers`` list (W3C ``RTCIceServer`` dictionaries) for one account.

    Empty when neither STUN nor TURN is configured: peers then use host candidates only.
    TURN credentials expire ``settings.turn_ttl`` seconds after ``now``.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    servers: list[dict[str, Any]] = []
    if settings.stun_urls:
        servers.append({"urls": list(settings.stun_urls)})
    if settings.turn_urls:
        if settings.turn_secret is None:
            raise ValueError("TURN URLs are configured without a TURN secret")
        expiry = int(now.timestamp()) + settings.turn_ttl
        username, credential = turn_credentials(settings.turn_secret.reveal(), account_id, expiry)
        servers.append(
            {"urls": list(settings.turn_urls), "username": username, "credential": credential}
        )
    return servers


def link_headers(servers: Sequence[dict[str, Any]]) -> list[str]:
    """WHIP/WHEP ``Link: <url>; rel="ice-server"`` values (RFC 9725 section 4.6)."""
    links: list[str] = []
    for server in servers:
        for url in server["urls"]:
            link = f'<{url}>; rel="ice-server"'
            if "username" in server:
                username = server["username"].replace('"', "")
                credential = server["credential"].replace('"', "")
                link += f'; username="{username}"; credential="{credential}"'
                link += '; credential-type="password"'
            links.append(link)
    return links


def aiortc_ice_servers(servers: Sequence[dict[str, Any]]) -> list[Any]:
    """The same list as aiortc ``RTCIceServer`` objects: at most one STUN and one TURN.

    aiortc (through aioice) uses only the first STUN and the first TURN server it is
    given, and only ``turn:`` over udp/tcp or ``turns:`` over tcp; this keeps exactly
    those, so what it will use is visible here rather than silently chosen inside it.
    """
    from aiortc import RTCIceServer

    stun: str | None = None
    turn: tuple[str, str, str] | None = None
    for server in servers:
        for url in server["urls"]:
            if stun is None and _STUN.fullmatch(url):
                stun = url
                continue
            match = _TURN.fullmatch(url)
            if turn is None and match and "username" in server:
                transport = match["transport"] or ("tcp" if match["scheme"] == "turns" else "udp")
                if match["scheme"] == "turns" and transport != "tcp":
                    continue
                turn = (url, server["username"], server["credential"])
    result: list[Any] = []
    if stun is not None:
        result.append(RTCIceServer(urls=stun))
    if turn is not None:
        result.append(RTCIceServer(urls=turn[0], username=turn[1], credential=turn[2]))
    return result
