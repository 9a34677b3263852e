"""Errors of the signaling package.

::

    SignalingError
     ├── SdpError            the offer cannot be used (reason for the client)
     │    ├── CodecRefused   valid SDP, but nothing livefair can forward
     │    └── CodecMismatch  not the codec the broadcast already uses
     ├── BroadcastFull       this process serves its viewer cap already
     ├── NotLive             no publisher has started this broadcast here
     └── SessionNotFound     no such WHIP/WHEP session (ended, or never was)

The HTTP layer maps each to a stable code (``broadcast.bad_sdp``,
``broadcast.codec_mismatch``, ``broadcast.full``, ``broadcast.not_live``,
``broadcast.not_found``). Pure: no I/O imports.
"""

from __future__ import annotations


class SignalingError(Exception):
    """Root of every error the signaling package raises on purpose."""


class SdpError(SignalingError, ValueError):
    """The offer cannot be used; ``reason`` says why, for the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CodecRefused(SdpError):
    """The offer is valid SDP but offers nothing livefair can forward."""


class CodecMismatch(SdpError):
    """The offer lacks the codec this broadcast already uses."""


class BroadcastFull(SignalingError):
    """The process serves its viewer cap; try again after ``retry_after`` seconds."""

    def __init__(self, cap: int, retry_after: int) -> None:
        super().__init__(f"this server already serves its cap of {cap} viewers")
        self.cap = cap
        self.retry_after = retry_after


class NotLive(SignalingError):
    """Nobody publishes this broadcast on this server."""


class SessionNotFound(SignalingError):
    """No such WHIP or WHEP session."""
