"""Settings are read once, validated, and never reveal secrets."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from server.config import Settings
from server.errors import ConfigError

KEY = "k" * 40


def test_defaults_need_no_configuration() -> None:
    settings = Settings.from_env({})
    assert settings.embedded_database
    assert settings.redis_url is None
    assert settings.port == 8080
    assert settings.public_url == "http://127.0.0.1:8080"
    assert settings.time_zone == "Asia/Shanghai"
    assert settings.stun_urls == ()
    assert settings.turn_urls == ()


@pytest.mark.parametrize(
    ("environ", "origin"),
    [
        ({"LIVEFAIR_PORT": "8090"}, "http://127.0.0.1:8090"),
        ({"LIVEFAIR_HOST": "0.0.0.0", "LIVEFAIR_PORT": "80"}, "http://127.0.0.1:80"),
        ({"LIVEFAIR_HOST": "192.0.2.7"}, "http://192.0.2.7:8080"),
        ({"LIVEFAIR_HOST": "::1"}, "http://[::1]:8080"),
        (
            {"LIVEFAIR_PORT": "8090", "LIVEFAIR_PUBLIC_URL": "https://fair.example.org"},
            "https://fair.example.org",
        ),
    ],
)
def test_the_public_url_defaults_to_where_the_server_listens(
    environ: dict[str, str], origin: str
) -> None:
    """Links, WHEP locations and the allowed WebSocket origin follow LIVEFAIR_PORT."""
    assert Settings.from_env(environ).public_url == origin


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("LIVEFAIR_PORT", "eighty", "an integer from 1 to 65535"),
        ("LIVEFAIR_PORT", "70000", "an integer from 1 to 65535"),
        ("LIVEFAIR_DATABASE_URL", "mysql://x@y/z", "a URL with scheme postgres or postgresql"),
        ("LIVEFAIR_REDIS_URL", "http://localhost", "a URL with scheme redis"),
        ("LIVEFAIR_PUBLIC_URL", "fair.example.org", "an http(s) origin"),
        ("LIVEFAIR_PUBLIC_URL", "https://fair.example.org/sub", "an http(s) origin"),
        ("LIVEFAIR_TIME_ZONE", "Mars/Olympus", "an IANA time zone"),
        ("LIVEFAIR_LOG_LEVEL", "loud", "one of debug, info, warning, error"),
        ("LIVEFAIR_SECRET_KEY", "short", "at least 32 characters"),
        ("LIVEFAIR_STUN_URLS", "http://stun.invalid", "comma-separated URLs with scheme stun"),
        ("LIVEFAIR_TURN_TTL", "5", "an integer from 60"),
    ],
)
def test_a_bad_value_names_the_variable_and_what_was_expected(
    variable: str, value: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({variable: value})
    assert caught.value.variable == variable
    assert str(caught.value).startswith(variable)
    assert expected in str(caught.value)


def test_redis_without_an_explicit_secret_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="LIVEFAIR_SECRET_KEY"):
        Settings.from_env({"LIVEFAIR_REDIS_URL": "redis://127.0.0.1:6379/0"})
    settings = Settings.from_env(
        {"LIVEFAIR_REDIS_URL": "redis://127.0.0.1:6379/0", "LIVEFAIR_SECRET_KEY": KEY}
    )
    assert settings.redis_url is not None


def test_turn_urls_need_the_shared_secret() -> None:
    with pytest.raises(ConfigError, match="LIVEFAIR_TURN_SECRET"):
        Settings.from_env({"LIVEFAIR_TURN_URLS": "turn:10.0.0.1:3478"})


def test_secrets_never_appear_in_reprs_or_errors() -> None:
    settings = Settings.from_env(
        {
            "LIVEFAIR_DATABASE_URL": "postgresql://app:hunter2-db@db/livefair",
            "LIVEFAIR_REDIS_URL": "redis://:hunter2-redis@cache:6379/0",
            "LIVEFAIR_SECRET_KEY": "hunter2-key-" + "x" * 30,
            "LIVEFAIR_TURN_URLS": "turn:10.0.0.1:3478",
            "LIVEFAIR_TURN_SECRET": "hunter2-turn",
        }
    )
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in str(settings)
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"LIVEFAIR_DATABASE_URL": "mysql://app:hunter2@db/x"})
    assert "hunter2" not in str(caught.value)
    with pytest.raises(ConfigError) as short:
        Settings.from_env({"LIVEFAIR_SECRET_KEY": "hunter2"})
    assert "hunter2" not in str(short.value)


def test_lists_are_split_on_commas() -> None:
    settings = Settings.from_env(
        {
            "LIVEFAIR_STUN_URLS": "stun:10.0.0.1:3478, stun:10.0.0.2:3478",
            "LIVEFAIR_TURN_URLS": "turn:10.0.0.1:3478?transport=udp,turns:10.0.0.1:5349",
            "LIVEFAIR_TURN_SECRET": "s",
        }
    )
    assert settings.stun_urls == ("stun:10.0.0.1:3478", "stun:10.0.0.2:3478")
    assert len(settings.turn_urls) == 2


def test_a_generated_secret_key_is_private_and_reused(tmp_path: Path) -> None:
    settings = Settings.from_env({"LIVEFAIR_DATA_DIR": str(tmp_path / "data")})
    first = settings.with_secret_key()
    assert first.secret_key is not None
    assert len(first.secret_key.reveal()) >= 32
    key_file = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    second = Settings.from_env({"LIVEFAIR_DATA_DIR": str(tmp_path / "data")}).with_secret_key()
    assert second.secret_key is not None
    assert second.secret_key.reveal() == first.secret_key.reveal()


def test_an_explicit_secret_key_writes_no_file(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"LIVEFAIR_DATA_DIR": str(tmp_path / "data"), "LIVEFAIR_SECRET_KEY": KEY}
    ).with_secret_key()
    assert settings.secret_key is not None
    assert settings.secret_key.reveal() == KEY
    assert not (tmp_path / "data" / "secret_key").exists()
