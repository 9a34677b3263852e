"""A featured session watched through two server nodes (issue 12, "viewers across nodes").

Two ``livefair serve`` processes share one PostgreSQL database, a Redis and one
secret key, as two nodes behind a load balancer would. The host publishes to node A from
the studio; one viewer's page is served by node A, another's by node B. Node B has no
publisher: it pulls the stream once from A (WHEP, authenticated with a token derived
from the secret key) and serves its own viewer. Both decode frames; chat posted on B
reaches the studio on A; the host ends on A and the viewer on B sees "ended".

Every page is also checked by the harness (conftest.py): axe-core, raw keys, console.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from server.demo.employers import DEMO_DOMAIN, slug
from server.domain.principal import Role
from tests._require import missing
from tests.conftest import TEST_SECRET_KEY, Cluster, free_port
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    ROOT,
    LiveServer,
    Ui,
    _wait_ready,
    in_thread,
)
from tests.e2e.test_queue_pages import log_in
from tests.e2e.test_session_live import (
    bring_lobby_timer_to_now,
    chat_log,
    frames_decoded,
    live,
    next_session,
    send_chat,
)

if TYPE_CHECKING:
    pass

pytestmark = [pytest.mark.chromium, pytest.mark.redis, pytest.mark.timeout(300)]

MEDIA_TIMEOUT_MS = 30_000


def _start(
    name: str, database_url: str, redis_url: str, tmp: pytest.TempPathFactory
) -> tuple[LiveServer, subprocess.Popen[bytes]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data_dir = tmp.mktemp(f"node-{name}")
    log = data_dir / "server.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("LIVEFAIR_")}
    env.update(
        LIVEFAIR_DATABASE_URL=database_url,
        LIVEFAIR_REDIS_URL=redis_url,
        LIVEFAIR_HOST="127.0.0.1",
        LIVEFAIR_PORT=str(port),
        LIVEFAIR_PUBLIC_URL=url,
        LIVEFAIR_DATA_DIR=str(data_dir),
        LIVEFAIR_SECRET_KEY=TEST_SECRET_KEY,
    )
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--demo"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(url, process, log)
    except BaseException:
        _stop(process)
        raise
    return LiveServer(url, database_url, log), process


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def own_redis() -> Iterator[str]:
    """A Redis of this module's own: the shared test Redis keeps rate-limit counters
    (sign-ups per address) across runs, which would refuse this module's sign-ups."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis", "the two-node browser test starts its own redis-server")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="livefair-e2e-redis-")
    arguments = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", workdir]
    process = subprocess.Popen(
        [binary, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("redis-server did not start within 10 s")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def nodes(
    cluster: Cluster, own_redis: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Nodes A and B on one database (a clone of the demo template) and one Redis."""
    redis_url = own_redis
    database_url = in_thread(lambda: cluster.create_database(demo=True))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        a, process = _start("a", database_url, redis_url, tmp_path_factory)
        processes.append(process)
        b, process = _start("b", database_url, redis_url, tmp_path_factory)
        processes.append(process)
        yield a, b
    finally:
        for process in processes:
            _stop(process)
        in_thread(lambda: cluster.drop_database(database_url))


@pytest.fixture(scope="module")
def live_server(nodes: tuple[LiveServer, LiveServer]) -> LiveServer:
    """The harness's ``ui`` (and the host) use node A."""
    return nodes[0]


def test_viewers_on_two_nodes_watch_one_host_chat_and_see_the_end(
    ui: Ui, ui_on: Callable[[LiveServer, str], Ui], nodes: tuple[LiveServer, LiveServer]
) -> None:
    a, b = nodes
    session = next_session(a)
    sid = session["id"]
    watch_path = f"/sessions/{sid}"

    near = ui  # node A
    near.sign_in(Role.CANDIDATE)
    near.goto(watch_path)
    far = ui_on(b, "node-b")
    far.sign_in(Role.CANDIDATE)
    far.goto(watch_path)
    # Node B's page plays what node B serves.
    whep = far.page.evaluate(
        "() => document.querySelector('lf-session-watch-page').feed.session.whep_url"
    )
    assert whep.startswith(b.url), whep

    host = ui_on(a, "host")
    log_in(host, f"{slug(session['region_code'])}.counsellor2@{DEMO_DOMAIN}")
    host.goto(f"{watch_path}/studio")

    bring_lobby_timer_to_now(a, sid)
    far.page.locator("#session-state[data-state='lobby']").wait_for(timeout=15_000)
    host.page.locator("#session-state[data-state='lobby']").wait_for(timeout=15_000)
    host.page.get_by_role("button", name=live("zh-CN", "live.studio.go_live")).click()
    host.page.locator("#session-state[data-state='live']").wait_for(timeout=MEDIA_TIMEOUT_MS)
    host.settle()

    for person in (near, far):
        person.page.locator("#session-state[data-state='live']").wait_for()
        first = frames_decoded(person, "lf-session-watch-page", 10)
        frames_decoded(person, "lf-session-watch-page", first)
        person.settle()

    # Chat crosses the nodes both ways.
    hello = f"来自另一节点 {uuid.uuid4().hex[:6]}"
    send_chat(far, hello)
    chat_log(host).get_by_text(hello).wait_for()
    reply = f"收到 {uuid.uuid4().hex[:6]}"
    send_chat(host, reply)
    chat_log(far).get_by_text(reply).wait_for()
    for width in (DESKTOP, PHONE):
        far.resize(width)
        far.screenshot()

    host.page.get_by_role("button", name=live("zh-CN", "live.studio.end")).click()
    host.page.get_by_role("button", name=live("zh-CN", "live.studio.end_confirm")).click()
    for person in (near, far):
        person.page.get_by_text(live("zh-CN", "live.stage.ended")).wait_for()
        person.page.wait_for_function(
            "() => document.getElementById('live-video').srcObject.getTracks()"
            ".every((track) => track.readyState === 'ended')"
        )
        person.settle()
