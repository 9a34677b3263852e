"""Shared fixtures: one PostgreSQL cluster per test session, a fresh database per test.

The cluster is ``LIVEFAIR_TEST_DATABASE_URL`` (a superuser DSN of a real server: CI uses
the machine's PostgreSQL 15) or, without it, an embedded PostgreSQL 18 started once
for the session. Each test database is cloned from a migrated template with
``CREATE DATABASE … TEMPLATE``, which takes milliseconds.

Redis tests use ``LIVEFAIR_TEST_REDIS_URL`` or start ``redis-server`` on a free port;
with neither they skip visibly (or fail under ``LIVEFAIR_REQUIRE=redis``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import settings as hypothesis_settings

from server.config import Secret, Settings
from server.store import db, search
from server.store.embedded import EmbeddedPostgres
from server.store.migrate import migrate
from server.timers import FakeClock
from tests._require import missing

hypothesis_settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
hypothesis_settings.register_profile("dev", max_examples=100, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

T = TypeVar("T")
TEST_SECRET_KEY = "test-secret-key-0123456789-abcdefghijklmnop"


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, even inside a running event loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def with_database(dsn: str, name: str) -> str:
    """The same server DSN, pointed at database ``name``."""
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@dataclass
class Cluster:
    """A PostgreSQL server that tests may create databases on."""

    admin_dsn: str
    label: str
    _template: str | None = None
    _demo: str | None = None
    _counter: itertools.count[int] = field(default_factory=itertools.count)
    _created: list[str] = field(default_factory=list)

    def _admin(self, sql: str) -> None:
        async def run() -> None:
            conn = await db.connect(self.admin_dsn)
            try:
                await conn.execute(sql)
            finally:
                await conn.close()

        run_sync(run())

    def template(self) -> str:
        if self._template is None:
            name = f"livefair_tpl_{os.getpid()}"
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{name}"')

            async def prepare() -> None:
                conn = await db.connect(with_database(self.admin_dsn, name))
                try:
                    await migrate(conn)
                    await search.ensure_format(conn)  # as a server does on start
                finally:
                    await conn.close()

            run_sync(prepare())
            self._created.append(name)
            self._template = name
        return self._template

    def demo_template(self) -> str:
        """A clone of the migrated template with the demo fair loaded, once per process:
        ``serve --demo`` finds it there and starts at once (the load takes seconds; each
        browser test module serves a fair of its own). The fair is placed by today's
        date, as ``serve --demo`` would place it."""
        if self._demo is None:
            from server.demo.load import load_demo
            from server.timers import SystemClock

            name = f"livefair_demo_{os.getpid()}"
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template()}"')
            self._created.append(name)

            async def load() -> None:
                conn = await db.connect(with_database(self.admin_dsn, name))
                try:
                    await load_demo(conn, clock=SystemClock())
                finally:
                    await conn.close()

            run_sync(load())
            self._demo = name
        return self._demo

    def create_database(self, *, migrated: bool = True, demo: bool = False) -> str:
        """A new database (a clone of the migrated template — with the demo fair, if
        ``demo`` — or empty); returns its DSN."""
        name = f"livefair_t{os.getpid()}_{next(self._counter)}"
        if demo:
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.demo_template()}"')
        elif migrated:
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template()}"')
        else:
            self._admin(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return with_database(self.admin_dsn, name)

    def drop_database(self, dsn: str) -> None:
        name = urlsplit(dsn).path.lstrip("/")
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self._created:
            self._created.remove(name)

    def drop_all(self) -> None:
        for name in reversed(self._created):
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._created.clear()


def _embedded_cluster(root: Path) -> tuple[Cluster, EmbeddedPostgres]:
    server = EmbeddedPostgres(root / "pg")
    dsn = server.start()
    return Cluster(dsn, "embedded PostgreSQL 18"), server


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """The session's main cluster: the configured server, else embedded."""
    url = os.environ.get("LIVEFAIR_TEST_DATABASE_URL")
    if url:
        primary = Cluster(url, "server")
        yield primary
        primary.drop_all()
        return
    primary, server = _embedded_cluster(tmp_path_factory.mktemp("cluster"))
    try:
        yield primary
    finally:
        primary.drop_all()
        server.stop()


@pytest.fixture(scope="session")
def embedded_cluster(
    tmp_path_factory: pytest.TempPathFactory, cluster: Cluster
) -> Iterator[Cluster]:
    """Embedded PostgreSQL 18 even when the main cluster is a server (store tests use both)."""
    if cluster.label.startswith("embedded"):
        yield cluster
        return
    other, server = _embedded_cluster(tmp_path_factory.mktemp("embedded"))
    try:
        yield other
    finally:
        other.drop_all()
        server.stop()


@pytest.fixture(params=["main", "embedded"])
def any_cluster(request: pytest.FixtureRequest, cluster: Cluster) -> Cluster:
    """Parametrises a store test over the main cluster and embedded PostgreSQL 18."""
    if request.param == "main":
        return cluster
    if cluster.label.startswith("embedded"):
        pytest.skip("the main cluster is already embedded PostgreSQL 18")
    embedded: Cluster = request.getfixturevalue("embedded_cluster")
    return embedded


@pytest.fixture
def database_url(cluster: Cluster) -> Iterator[str]:
    """A fresh, migrated database for this test."""
    dsn = cluster.create_database()
    yield dsn
    cluster.drop_database(dsn)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=Secret(database_url),
        data_dir=tmp_path / "data",
        secret_key=Secret(TEST_SECRET_KEY),
    )


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[db.Connection]:
    connection = await db.connect(database_url)
    yield connection
    await connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """``LIVEFAIR_TEST_REDIS_URL``, else a redis-server of this session's own. Under
    pytest-xdist each worker starts its own server even when the URL is set: pub/sub
    channels and rate-limit windows are server-wide, so workers sharing one Redis would
    hear each other."""
    url = os.environ.get("LIVEFAIR_TEST_REDIS_URL")
    if url and os.environ.get("PYTEST_XDIST_WORKER") is None:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        missing(
            "redis",
            "redis-server is not on PATH"
            " (needed without LIVEFAIR_TEST_REDIS_URL, and under pytest-xdist)",
        )
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="livefair-redis-")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start within 10 s")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock starting now (so expiry times look real), moved only by tests."""
    return FakeClock(datetime.now(UTC))


@pytest.fixture
async def client(
    settings: Settings, clock: FakeClock, aiohttp_client: Any
) -> AsyncIterator[TestClient[Any, Any]]:
    """The whole application on a test server, with fast password hashing."""
    from server.app import create_app
    from tests.helpers import fast_passwords

    app = create_app(settings, clock=clock, run_timers=False, passwords=fast_passwords())
    test_client: TestClient[Any, Any] = await aiohttp_client(app)
    yield test_client
    await test_client.close()  # before the test database is dropped


# Test files that time real media (WebRTC in Chromium, aiortc): under pytest-xdist
# they run one after another in a single worker, so two of them never compete for
# the CPU (a two-node interview once decoded no frame in 30 s while a broadcast test
# ran beside it). Every other file is a group of its own (``--dist loadgroup`` then
# hands out whole files, as ``loadfile`` does, and module fixtures start once).
MEDIA_FILES = frozenset(
    {
        "tests/e2e/test_broadcast.py",
        "tests/e2e/test_interview.py",
        "tests/e2e/test_session_live.py",
        "tests/e2e/test_session_live_nodes.py",
        "tests/integration/test_broadcast.py",
        "tests/integration/test_broadcast_nodes.py",
        "tests/integration/test_session_live.py",
        "tests/integration/test_bench_smoke.py",
    }
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group("media" if path in MEDIA_FILES else path))
