"""Settings: one frozen value read once from ``LIVEFAIR_*`` environment variables.

Only this module and the entry points read the environment; everything else takes
a :class:`Settings` (or the part of it it needs) as an argument.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server.errors import ConfigError

PREFIX = "LIVEFAIR_"
LOG_LEVELS = ("debug", "info", "warning", "error")
MIN_SECRET_KEY_LENGTH = 32


@dataclass(frozen=True, slots=True)
class Secret:
    """A string that never shows itself in reprs, logs or tracebacks."""

    _value: str = field(repr=False)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: Secret | None = None
    redis_url: Secret | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = "http://127.0.0.1:8080"
    # Where the other nodes reach this one (broadcast relays); None: the public URL.
    node_url: str | None = None
    data_dir: Path = Path("./var")
    secret_key: Secret | None = None
    time_zone: str = "Asia/Shanghai"
    log_level: str = "info"
    stun_urls: tuple[str, ...] = ()
    turn_urls: tuple[str, ...] = ()
    turn_secret: Secret | None = None
    turn_ttl: int = 86400
    # Browser tests only: a file of seconds by which the server's clock runs ahead.
    test_clock_file: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and validate every setting; a bad value raises :class:`ConfigError`."""
        env = _Env(os.environ if environ is None else environ)
        host = env.text("HOST", "127.0.0.1")
        port = env.integer("PORT", 8080, low=1, high=65535)
        settings = cls(
            database_url=env.url("DATABASE_URL", ("postgres", "postgresql")),
            redis_url=env.url("REDIS_URL", ("redis", "rediss", "unix")),
            host=host,
            port=port,
            public_url=env.public_url("PUBLIC_URL", _served_at(host, port)),
            node_url=(env.public_url("NODE_URL", "") if env._raw("NODE_URL") is not None else None),
            data_dir=Path(env.text("DATA_DIR", "./var")),
            secret_key=env.secret_key("SECRET_KEY"),
            time_zone=env.time_zone("TIME_ZONE", "Asia/Shanghai"),
            log_level=env.choice("LOG_LEVEL", "info", LOG_LEVELS),
            stun_urls=env.url_list("STUN_URLS", ("stun", "stuns")),
            turn_urls=env.url_list("TURN_URLS", ("turn", "turns")),
            turn_secret=env.secret("TURN_SECRET"),
            turn_ttl=env.integer("TURN_TTL", 86400, low=60, high=7 * 86400),
            test_clock_file=(
                Path(env.text("TEST_CLOCK_FILE", ""))
                if env._raw("TEST_CLOCK_FILE") is not None
                else None
            ),
        )
        if settings.redis_url is not None and settings.secret_key is None:
            raise ConfigError(
                f"{PREFIX}SECRET_KEY",
                "an explicit key shared by every node when LIVEFAIR_REDIS_URL is set",
            )
        if settings.turn_urls and settings.turn_secret is None:
            raise ConfigError(
                f"{PREFIX}TURN_SECRET", "the coturn shared secret when LIVEFAIR_TURN_URLS is set"
            )
        return settings

    @property
    def embedded_database(self) -> bool:
        return self.database_url is None

    def with_secret_key(self) -> Settings:
        """Return settings with a secret key, generating ``DATA_DIR/secret_key`` if needed.

        The generated file is created with mode 0600 and reused by later starts on the
        same data directory.
        """
        if self.secret_key is not None:
            return self
        path = self.data_dir / "secret_key"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            value = path.read_text(encoding="ascii").strip()
            if len(value) < MIN_SECRET_KEY_LENGTH:
                raise ConfigError(str(path), "a generated key of at least 32 characters") from None
        else:
            value = secrets.token_urlsafe(48)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(value + "\n")
        return replace(self, secret_key=Secret(value))


class _Env:
    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def _raw(self, name: str) -> str | None:
        value = self._environ.get(PREFIX + name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def text(self, name: str, default: str) -> str:
        return self._raw(name) or default

    def integer(self, name: str, default: int, *, low: int, high: int) -> int:
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(PREFIX + name, f"an integer from {low} to {high}", raw) from None
        if not low <= value <= high:
            raise ConfigError(PREFIX + name, f"an integer from {low} to {high}", raw)
        return value

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        raw = self._raw(name)
        if raw is None:
            return default
        if raw.lower() not in choices:
            raise ConfigError(PREFIX + name, "one of " + ", ".join(choices), raw)
        return raw.lower()

    def url(self, name: str, schemes: tuple[str, ...]) -> Secret | None:
        # Connection URLs may embed passwords: they are checked, then kept as secrets,
        # and an error never repeats them.
        raw = self._raw(name)
        if raw is None:
            return None
        parts = urlsplit(raw)
        if parts.scheme not in schemes:
            raise ConfigError(PREFIX + name, "a URL with scheme " + " or ".join(schemes))
        return Secret(raw)

    def public_url(self, name: str, default: str) -> str:
        raw = self.text(name, default).rstrip("/")
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path:
            raise ConfigError(
                PREFIX + name, "an http(s) origin such as https://fair.example.org", raw
            )
        return raw

    def url_list(self, name: str, schemes: tuple[str, ...]) -> tuple[str, ...]:
        raw = self._raw(name)
        if raw is None:
            return ()
        urls = tuple(part.strip() for part in raw.split(",") if part.strip())
        for url in urls:
            if url.split(":", 1)[0] not in schemes:
                raise ConfigError(
                    PREFIX + name, "comma-separated URLs with scheme " + " or ".join(schemes), url
                )
        return urls

    def secret(self, name: str) -> Secret | None:
        raw = self._raw(name)
        return None if raw is None else Secret(raw)

    def secret_key(self, name: str) -> Secret | None:
        raw = self._raw(name)
        if raw is None:
            return None
        if len(raw) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(PREFIX + name, f"at least {MIN_SECRET_KEY_LENGTH} characters")
        return Secret(raw)

    def time_zone(self, name: str, default: str) -> str:
        raw = self.text(name, default)
        try:
            ZoneInfo(raw)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                PREFIX + name, "an IANA time zone such as Asia/Shanghai", raw
            ) from None
        return raw


def _served_at(host: str, port: int) -> str:
    """The default public origin: where this process listens (a wildcard address is
    reached as loopback; an IPv6 literal goes in brackets)."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"
