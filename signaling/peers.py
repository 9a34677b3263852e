"""Closing aiortc peer connections without waiting forever.

``RTCPeerConnection.close()`` stops its transceivers, DTLS and ICE transports in turn;
when a transport is mid-handshake or its peer has vanished, one of those steps can wait
without end (aiortc/aiortc#283, aiortc/aioice#12). Every close in livefair — the media
edge's and the bots' — goes through :func:`close_quietly`, so a stuck peer costs at most
``CLOSE_TIMEOUT`` and never holds up a shutdown.
"""

from __future__ import annotations

import asyncio
import logging

from aiortc import RTCPeerConnection

log = logging.getLogger(__name__)

CLOSE_TIMEOUT = 5.0


async def close_quietly(pc: RTCPeerConnection) -> None:
    """Close ``pc``; give up (logged) after ``CLOSE_TIMEOUT`` seconds or on a transport error."""
    try:
        await asyncio.wait_for(pc.close(), CLOSE_TIMEOUT)
    except TimeoutError:
        log.warning("a peer connection did not close within %.0f s; left to the GC", CLOSE_TIMEOUT)
    except (ConnectionError, OSError) as exc:
        log.debug("closing a peer connection: %r", exc)
