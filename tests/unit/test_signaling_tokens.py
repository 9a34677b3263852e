"""Ingest tokens and the interim operator token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from signaling import tokens

KEY = "a-secret-key-of-at-least-thirty-two-characters"


def test_an_ingest_token_carries_256_random_bits_and_is_stored_as_its_sha256() -> None:
    token = tokens.ingest_token(bytes(range(32)))
    assert token.startswith("lfi_")
    assert len(token) == 4 + 43  # base64url of 32 bytes, unpadded
    assert tokens.digest(token) != tokens.digest(tokens.ingest_token(bytes(32)))
    assert len(tokens.digest(token)) == 32
    with pytest.raises(ValueError, match="32 random bytes"):
        tokens.ingest_token(b"short")


def test_an_ingest_token_expires_an_hour_after_the_broadcast_ends() -> None:
    ends_at = datetime(2020, 7, 8, 4, 0, tzinfo=UTC)
    assert tokens.ingest_expiry(ends_at) == ends_at + timedelta(hours=1)


def test_the_operator_token_is_derived_from_the_secret_key_only() -> None:
    token = tokens.operator_token(KEY)
    assert token.startswith("lfo_")
    assert token == tokens.operator_token(KEY)
    assert token != tokens.operator_token(KEY + "x")
    assert tokens.is_operator_token(token, KEY)
    assert not tokens.is_operator_token(token[:-1], KEY)


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer lfi_abc", "lfi_abc"),
        ("bearer   lfi_abc  ", "lfi_abc"),
        ("Basic dXNlcjpwYXNz", None),
        ("Bearer", None),
        ("Bearer a b", None),
        (None, None),
        ("", None),
    ],
)
def test_a_bearer_header_is_read_strictly(header: str | None, token: str | None) -> None:
    assert tokens.bearer(header) == token
