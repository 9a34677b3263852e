"""The ``livefair`` command."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

from server import __version__, logs
from server.config import Settings
from server.errors import ConfigError, MigrationError, Problem

log = logging.getLogger("livefair")
T = TypeVar("T")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="livefair",
        description="Live online job fairs. Configured by LIVEFAIR_* environment variables "
        "(see .env.example); with none set it runs on an embedded PostgreSQL in ./var.",
    )
    parser.add_argument("--version", action="version", version=f"livefair {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="serve the fair over HTTP and WebSocket")
    serve.add_argument(
        "--demo", action="store_true", help="load the demo fair first if it is not there"
    )
    commands.add_parser("migrate", help="apply pending database migrations and exit")
    demo = commands.add_parser(
        "demo", help="load the 2020 recruitment-month campaign, moved to start this week"
    )
    demo.add_argument("--as-published", action="store_true", help="keep the literal 2020 dates")
    demo.add_argument("--replace", action="store_true", help="delete and reload the demo fair")
    user = commands.add_parser("user", help="manage accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    create = user_commands.add_parser(
        "create",
        help="create an account (password from LIVEFAIR_NEW_PASSWORD or a prompt)",
    )
    create.add_argument("contact", help="mobile number (+86 by default) or e-mail")
    create.add_argument("--name", required=True, help="display name")
    create.add_argument(
        "--role",
        choices=["candidate", "organiser"],
        default="candidate",
        help="organiser: runs a fair (other roles are appointed in the app)",
    )
    create.add_argument("--fair", help="the fair's slug (organiser; default: the only fair)")
    disable = user_commands.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("contact")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"livefair: configuration error: {exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level)
    try:
        if args.command == "serve":
            return serve(settings, demo=args.demo)
        if args.command == "migrate":
            return _run(_migrate(settings))
        if args.command == "user":
            from server import users

            if args.user_command == "create":
                password = os.environ.get("LIVEFAIR_NEW_PASSWORD") or getpass.getpass(
                    "password for the new account: "
                )
                return _run(
                    users.create(settings, args.contact, args.name, password, args.role, args.fair)
                )
            return _run(users.disable(settings, args.contact))
        return _run(_demo(settings, as_published=args.as_published, replace=args.replace))
    except (ConfigError, MigrationError) as exc:
        log.error("%s", exc)
        return 2
    except Problem as exc:
        detail = "; ".join(f"{e.pointer} {e.code}" for e in exc.errors)
        print(
            f"livefair: {exc.code}: {exc.message}" + (f" ({detail})" if detail else ""),
            file=sys.stderr,
        )
        return 1


def _loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on POSIX
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _run(coro: Coroutine[Any, Any, int]) -> int:
    with asyncio.Runner(loop_factory=_loop) as runner:
        return runner.run(coro)


def serve(settings: Settings, *, demo: bool) -> int:
    from aiohttp import web

    from server import gc_tuning
    from server.app import create_app

    clock = None
    if settings.test_clock_file is not None:
        from server.timers import OffsetClock

        log.warning(
            "the clock runs ahead by the seconds in %s (tests only)", settings.test_clock_file
        )
        clock = OffsetClock(settings.test_clock_file)
    app = create_app(settings, demo=demo, clock=clock)
    app.on_startup.append(gc_tuning.on_startup)  # a server process, not a test's app
    where = "embedded PostgreSQL" if settings.embedded_database else "PostgreSQL"
    bus = "in-process bus" if settings.redis_url is None else "Redis bus"
    log.info("livefair %s on %s (%s, %s)", __version__, settings.public_url, where, bus)
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        loop=_loop(),
        print=None,
        access_log=None,
        shutdown_timeout=10,
    )
    return 0


async def _migrate(settings: Settings) -> int:
    from server.store.database import database_dsn

    async with database_dsn(settings):
        log.info("the database is up to date")
    return 0


async def _demo(settings: Settings, *, as_published: bool, replace: bool) -> int:
    from server.demo.load import load_demo
    from server.store import db
    from server.store.database import database_dsn
    from server.timers import SystemClock

    async with database_dsn(settings) as dsn:
        conn = await db.connect(dsn)
        try:
            summary = await load_demo(
                conn, clock=SystemClock(), as_published=as_published, replace=replace
            )
        finally:
            await conn.close()
    log.info("demo fair: %s", summary.describe())
    print(summary.describe())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
