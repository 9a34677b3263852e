"""Bearer tokens of broadcasts: ingest tokens (what OBS calls "Bearer Token") and the
interim operator token. Pure: randomness and ``now`` come from the caller.

* An **ingest token** is 256 random bits, shown once; only its SHA-256 is stored, so a
  database leak does not let anyone publish. It expires an hour after its broadcast's
  end (:data:`INGEST_GRACE`) and is replaced by rotation.
* The **operator token** is ``HMAC-SHA256(SECRET_KEY, OPERATOR_LABEL)``: whoever holds
  the server's secret key can derive it, and nobody else. It exists only until the
  identity issue gives livefair organiser accounts; then creating broadcasts and
  rotating tokens become organiser-only actions and this token goes away.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

INGEST_PREFIX = "lfi_"
OPERATOR_PREFIX = "lfo_"
TOKEN_BYTES = 32
INGEST_GRACE = timedelta(hours=1)
OPERATOR_LABEL = b"livefair/broadcast-operator/v1"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def ingest_token(random_bytes: bytes) -> str:
    """A new ingest token from ``TOKEN_BYTES`` random bytes (``secrets.token_bytes``)."""
    if len(random_bytes) != TOKEN_BYTES:
        raise ValueError(f"an ingest token takes {TOKEN_BYTES} random bytes")
    return INGEST_PREFIX + _b64(random_bytes)


def digest(token: str) -> bytes:
    """What is stored and looked up: SHA-256 of the token's text."""
    return hashlib.sha256(token.encode("utf-8")).digest()


def ingest_expiry(ends_at: datetime) -> datetime:
    return ends_at + INGEST_GRACE


def operator_token(secret_key: str) -> str:
    mac = hmac.new(secret_key.encode("utf-8"), OPERATOR_LABEL, hashlib.sha256).digest()
    return OPERATOR_PREFIX + _b64(mac)


def is_operator_token(candidate: str, secret_key: str) -> bool:
    return hmac.compare_digest(candidate.encode("utf-8"), operator_token(secret_key).encode())


def bearer(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        return None
    return token


NODE_PREFIX = "lfn_"
NODE_LABEL = b"livefair/node-relay/v1"
NODE_HEADER = "X-Livefair-Node"
"""Carries the node token on requests one node sends another (a pull, a proxied DELETE):
the receiver serves them itself and never forwards them again."""


def node_token(secret_key: str) -> str:
    """What nodes of one deployment show each other: ``HMAC-SHA256(SECRET_KEY, label)``."""
    mac = hmac.new(secret_key.encode("utf-8"), NODE_LABEL, hashlib.sha256).digest()
    return NODE_PREFIX + _b64(mac)


def is_node_token(candidate: str | None, secret_key: str) -> bool:
    if not candidate:
        return False
    return hmac.compare_digest(candidate.encode("utf-8"), node_token(secret_key).encode())
