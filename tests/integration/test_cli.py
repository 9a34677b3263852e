"""The livefair command: help, configuration errors, migrate and demo."""

from __future__ import annotations

import os
import subprocess
import sys

from server.store import db

TIMEOUT = 60


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("LIVEFAIR_")}
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("serve", "migrate", "demo"):
        assert command in result.stdout


def test_a_configuration_error_exits_2_naming_the_variable() -> None:
    result = run("migrate", env={"LIVEFAIR_PORT": "none"})
    assert result.returncode == 2
    assert "LIVEFAIR_PORT" in result.stderr


async def test_migrate_then_demo_load_the_campaign(cluster) -> None:  # type: ignore[no-untyped-def]
    dsn = cluster.create_database(migrated=False)
    try:
        env = {"LIVEFAIR_DATABASE_URL": dsn}
        assert run("migrate", env=env).returncode == 0
        result = run("demo", "--as-published", env=env)
        assert result.returncode == 0, result.stderr
        assert "2020-07-01 to 2020-07-31, 33 venues" in result.stdout
        conn = await db.connect(dsn)
        try:
            assert await conn.fetchval("SELECT count(*) FROM venues") == 33
        finally:
            await conn.close()
    finally:
        cluster.drop_database(dsn)


async def test_user_create_makes_an_organiser_of_the_only_fair(cluster) -> None:  # type: ignore[no-untyped-def]
    dsn = cluster.create_database()
    try:
        env = {"LIVEFAIR_DATABASE_URL": dsn, "LIVEFAIR_NEW_PASSWORD": "Organise-2020-July"}
        assert run("demo", env=env).returncode == 0
        weak = run(
            "user",
            "create",
            "boss@example.org",
            "--name",
            "组织者",
            "--role",
            "organiser",
            env={**env, "LIVEFAIR_NEW_PASSWORD": "weak"},
        )
        assert weak.returncode == 1
        assert "password.too_short" in weak.stderr
        result = run(
            "user", "create", "boss@example.org", "--name", "组织者", "--role", "organiser", env=env
        )
        assert result.returncode == 0, result.stderr
        conn = await db.connect(dsn)
        try:
            role = await conn.fetchval(
                "SELECT g.role FROM grants g JOIN accounts a ON a.id = g.account_id"
                " JOIN fairs f ON f.id = g.scope_id WHERE a.email = 'boss@example.org'"
            )
        finally:
            await conn.close()
        assert role == "organiser"
        disabled = run("user", "disable", "boss@example.org", env=env)
        assert disabled.returncode == 0
        assert run("user", "disable", "boss@example.org", env=env).returncode == 1
    finally:
        cluster.drop_database(dsn)
