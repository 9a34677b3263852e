"""docker-compose.yml is valid and keeps its promises, checked with ``docker-compose config``.

``config`` only parses and interpolates the file: no Docker engine is needed. The text
output is checked without a YAML parser (no PyYAML dependency for one test module).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests._require import missing

pytestmark = pytest.mark.compose

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
TIMEOUT_S = 60
DUMMY_SECRET_KEY = "test-secret-key-" + "x" * 32
DUMMY_TURN_SECRET = "test-turn-secret"
APP_SERVICES = ("app1", "app2")


@pytest.fixture
def docker_compose() -> str:
    path = shutil.which("docker-compose")
    if path is None:
        missing("compose", "docker-compose is not installed")
    assert path is not None
    return path


@pytest.fixture
def empty_env_file(tmp_path: Path) -> Path:
    # Point --env-file at an empty file so a developer's own .env cannot change the result.
    path = tmp_path / "empty.env"
    path.write_text("", encoding="utf-8")
    return path


def _clean_environ(**extra: str) -> dict[str, str]:
    """The current environment without anything that could feed the compose file."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LIVEFAIR_", "COMPOSE_", "DOCKER_")) and key != "POSTGRES_PASSWORD"
    }
    env.update(extra)
    return env


def _config(
    docker_compose: str, env_file: Path, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [docker_compose, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def _service_blocks(config_text: str) -> dict[str, str]:
    """Split ``docker-compose config`` output into the text of each service."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_services = False
    for line in config_text.splitlines():
        if line and not line.startswith(" "):
            in_services = line.rstrip() == "services:"
            current = None
            continue
        if not in_services:
            continue
        if line.startswith("  ") and not line.startswith("   ") and line.rstrip().endswith(":"):
            current = blocks.setdefault(line.strip().rstrip(":"), [])
        elif current is not None:
            current.append(line.strip())
    return {name: "\n".join(lines) for name, lines in blocks.items()}


def test_config_is_valid_with_the_secrets(docker_compose: str, empty_env_file: Path) -> None:
    env = _clean_environ(
        LIVEFAIR_SECRET_KEY=DUMMY_SECRET_KEY, LIVEFAIR_TURN_SECRET=DUMMY_TURN_SECRET
    )
    result = _config(docker_compose, empty_env_file, env, "-q")
    assert result.returncode == 0, result.stderr


def test_config_fails_without_the_secret_key(docker_compose: str, empty_env_file: Path) -> None:
    env = _clean_environ(LIVEFAIR_TURN_SECRET=DUMMY_TURN_SECRET)
    result = _config(docker_compose, empty_env_file, env, "-q")
    assert result.returncode != 0
    assert "LIVEFAIR_SECRET_KEY" in result.stderr


def test_app_services_use_host_network_and_redis(docker_compose: str, empty_env_file: Path) -> None:
    env = _clean_environ(
        LIVEFAIR_SECRET_KEY=DUMMY_SECRET_KEY, LIVEFAIR_TURN_SECRET=DUMMY_TURN_SECRET
    )
    result = _config(docker_compose, empty_env_file, env)
    assert result.returncode == 0, result.stderr
    services = _service_blocks(result.stdout)
    for name in APP_SERVICES:
        assert name in services, f"service {name} missing from {sorted(services)}"
        lines = services[name].splitlines()
        assert "network_mode: host" in lines, name
        assert any(line.startswith("LIVEFAIR_REDIS_URL: redis://") for line in lines), name
        assert f"LIVEFAIR_SECRET_KEY: {DUMMY_SECRET_KEY}" in lines, name
