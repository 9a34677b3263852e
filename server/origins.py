"""Cookie names and the same-origin rule shared by the HTTP API and the WebSocket gateway."""

from __future__ import annotations

from urllib.parse import urlsplit

SESSION_COOKIE = "lf_session"
CSRF_COOKIE = "csrf_token"


def same_origin(origin: str, public_url: str, scheme: str, host: str) -> bool:
    """True if ``origin`` is this site: the public URL, or the host the request came to."""
    parts = urlsplit(origin)
    candidate = f"{parts.scheme}://{parts.netloc}"
    return candidate in (public_url, f"{scheme}://{host}")
