"""A broadcast in real Chromium: a host page publishes its fake camera over WHIP, viewer
pages watch over WHEP, and the server forwards encoded frames between them.

This module brings its own browser and server (it needs Chromium flags and a server on
a non-loopback address that the shared harness does not use):

* WebRTC between Chromium and aiortc needs host candidates on this machine's interface
  address (aiortc gathers no 127.0.0.1, Chromium ignores loopback candidates), so the
  server listens on that address, and Chromium is told to treat its plain-http origin as
  secure (``navigator.mediaDevices`` exists only in a secure context).
* Playwright's sync API marks an event loop as running in the thread that starts it,
  and the shared harness may hold one in the main thread; so this module drives its
  own Playwright from one dedicated worker thread (:class:`Driver`).
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest

from signaling.tokens import operator_token
from tests._require import missing
from tests.conftest import Cluster, free_port

pytestmark = [pytest.mark.chromium, pytest.mark.timeout(150)]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SECRET_KEY = "e2e-broadcast-secret-key-0123456789abcde"  # 40 characters
SERVER_START_S = 30.0
T = TypeVar("T")

STATS = """async () => {
  const session = (window.livefairWatch || window.livefairHost).session();
  if (!session) return null;
  const out = {};
  for (const report of (await session.pc.getStats()).values()) {
    if (report.type === 'inbound-rtp' && report.kind === 'video') {
      out.framesDecoded = report.framesDecoded || 0;
      out.bytesReceived = report.bytesReceived || 0;
    }
    if (report.type === 'outbound-rtp' && report.kind === 'video') {
      out.pliCount = (out.pliCount || 0) + (report.pliCount || 0);
      out.framesEncoded = (out.framesEncoded || 0) + (report.framesEncoded || 0);
    }
  }
  return out;
}"""


def interface_address() -> str:
    """This machine's own non-loopback IPv4 address (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))
        address: str = probe.getsockname()[0]
    if address.startswith("127."):
        missing("chromium", "no non-loopback interface address for WebRTC host candidates")
    return address


class Driver:
    """Runs every Playwright call on one worker thread that owns the browser."""

    def __init__(self) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="playwright")

    def call(self, function: Callable[[], T], timeout: float = 60) -> T:
        return self._pool.submit(function).result(timeout=timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def post(self, path: str, body: dict[str, Any], token: str) -> dict[str, Any]:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            result: dict[str, Any] = json.load(response)
            return result

    def tail(self, lines: int = 60) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="module")
def server(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not CHROMIUM.exists():
        missing("chromium", f"{CHROMIUM} is not installed")
    address = interface_address()
    database_url = _in_thread(cluster.create_database)
    port = free_port()
    url = f"http://{address}:{port}"
    data_dir = tmp_path_factory.mktemp("broadcast-server")
    log = data_dir / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEFAIR_")}
    env.update(
        LIVEFAIR_DATABASE_URL=database_url,
        LIVEFAIR_HOST=address,
        LIVEFAIR_PORT=str(port),
        LIVEFAIR_PUBLIC_URL=url,
        LIVEFAIR_DATA_DIR=str(data_dir),
        LIVEFAIR_SECRET_KEY=SECRET_KEY,
    )
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    running = Server(url, process, log)
    try:
        _wait_ready(running)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        _in_thread(lambda: cluster.drop_database(database_url))


def _in_thread(function: Callable[[], T]) -> T:
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(function).result(timeout=60)


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"livefair serve exited:\n{server.tail()}")
        try:
            with urllib.request.urlopen(server.url + "/readyz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    pytest.fail(f"livefair serve was not ready within {SERVER_START_S:.0f} s:\n{server.tail()}")


@pytest.fixture(scope="module")
def driver(server: Server) -> Iterator[tuple[Driver, Any]]:
    """A Chromium with fake devices, for this module only; yields (driver, context)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("chromium", "the playwright package is missing")
    drive = Driver()
    profile = tempfile.mkdtemp(prefix="livefair-broadcast-chromium-")
    args = [
        "--no-sandbox",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--autoplay-policy=no-user-gesture-required",
        f"--unsafely-treat-insecure-origin-as-secure={server.url}",
    ]
    state: dict[str, Any] = {}

    def launch() -> Any:
        state["playwright"] = sync_playwright().start()
        state["context"] = state["playwright"].chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            args=args,
            headless=True,
            timeout=30_000,
            viewport={"width": 960, "height": 640},
        )
        return state["context"]

    def close() -> None:
        if "context" in state:
            state["context"].close()
        if "playwright" in state:
            state["playwright"].stop()

    try:
        context = drive.call(launch)
        yield drive, context
    finally:
        try:
            drive.call(close)
        finally:
            drive.shutdown()
            shutil.rmtree(profile, ignore_errors=True)


def open_page(drive: Driver, context: Any, url: str) -> Any:
    def run() -> Any:
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded")
        return page

    return drive.call(run)


def stats(drive: Driver, page: Any) -> dict[str, int]:
    result: dict[str, int] | None = drive.call(lambda: page.evaluate(STATS))
    return result or {}


def wait_for(
    drive: Driver, page: Any, predicate: Callable[[dict[str, int]], bool], timeout: float
) -> dict[str, int]:
    """Poll the page's WebRTC stats until ``predicate`` holds (at most ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    last: dict[str, int] = {}
    while time.monotonic() < deadline:
        last = stats(drive, page)
        if last and predicate(last):
            return last
        time.sleep(0.25)
    raise AssertionError(f"stats did not get there within {timeout} s; last: {last}")


def state_of(drive: Driver, page: Any) -> str:
    value: str = drive.call(lambda: page.locator("#status").get_attribute("data-state") or "")
    return value


def test_a_browser_host_reaches_every_viewer_and_a_late_viewer_gets_a_keyframe(
    server: Server, driver: tuple[Driver, Any]
) -> None:
    drive, context = driver
    now = datetime.now(UTC)
    broadcast = server.post(
        "/api/broadcasts",
        {
            "title": "Warm jobs: an e2e broadcast",
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(hours=1)).isoformat(),
        },
        operator_token(SECRET_KEY),
    )

    # The host goes live from the test page with the token they were given.
    host = open_page(drive, context, broadcast["host_page"])

    def go_live() -> None:
        host.fill("input[name=token]", broadcast["ingest_token"])
        host.click("#start")

    drive.call(go_live)
    deadline = time.monotonic() + 20
    while state_of(drive, host) != "live":
        assert time.monotonic() < deadline, f"host never went live:\n{server.tail()}"
        assert state_of(drive, host) != "error", drive.call(lambda: host.inner_text("#status"))
        time.sleep(0.2)

    # Three viewers: every one decodes, and keeps decoding.
    viewers = [open_page(drive, context, broadcast["viewer_page"]) for _ in range(3)]
    first = [wait_for(drive, v, lambda s: s.get("framesDecoded", 0) > 10, 20) for v in viewers]
    time.sleep(1.5)
    later = [stats(drive, v) for v in viewers]
    for before, after in zip(first, later, strict=True):
        assert after["framesDecoded"] > before["framesDecoded"]
        assert after["bytesReceived"] > before["bytesReceived"]

    # A fourth joins later: the server asks the host for a keyframe (a PLI the host's
    # encoder counts), and the newcomer decodes within the bound.
    plis_before = stats(drive, host).get("pliCount", 0)
    joined = time.monotonic()
    fourth = open_page(drive, context, broadcast["viewer_page"])
    wait_for(drive, fourth, lambda s: s.get("framesDecoded", 0) > 0, 15)
    assert time.monotonic() - joined < 15
    wait_for(drive, host, lambda s: s.get("pliCount", 0) > plis_before, 5)

    # The host stops: WHIP DELETE ends the broadcast, and every viewer sees it end.
    drive.call(lambda: host.click("#stop"))
    for viewer in [*viewers, fourth]:
        deadline = time.monotonic() + 15
        while state_of(drive, viewer) != "ended":
            assert time.monotonic() < deadline, "a viewer did not see the broadcast end"
            time.sleep(0.2)
        tracks = drive.call(
            lambda viewer=viewer: viewer.evaluate(
                "() => document.getElementById('video').srcObject.getTracks()"
                ".map((t) => t.readyState)"
            )
        )
        assert tracks
        assert set(tracks) == {"ended"}
    assert state_of(drive, host) == "ended"
