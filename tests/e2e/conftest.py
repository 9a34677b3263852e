"""Browser harness: real Chromium against a real server, with axe-core on every page.

Fixtures, from the widest scope down:

``browser`` (once for the e2e package)
    The system Chromium (``/usr/bin/chromium``) launched headless through Playwright's
    **sync** API with the flags of :data:`CHROMIUM_ARGS`. Playwright starts it on a new,
    temporary profile (its own ``--user-data-dir`` under the temp folder, deleted on
    close; it refuses that flag in ``args``), and every test gets its own context on
    top, so cookies and localStorage never leak between tests. Skips visibly (fails
    under ``LIVEFAIR_REQUIRE=chromium``) when Chromium or Playwright is missing.

    Package scope, not session: while Playwright's sync API is alive it marks its
    event loop as running in the main thread, which breaks every asyncio test run
    after it (``asyncio.run()`` refuses to start). The e2e package is one block of the
    session, so this is still one launch per run.

``live_server`` (per test module)
    ``livefair serve --demo`` in a subprocess on a free loopback port, with its own
    database cloned from the cluster's demo template (migrated, the demo fair loaded
    once per worker, so the server starts at once); ready when ``/readyz`` says
    so; terminated and its database dropped afterwards. Its log is attached to any
    start-up failure.

``live_server_env`` / ``second_node`` (per test module)
    Extra ``LIVEFAIR_*`` settings for the module's servers (override the fixture in a
    module), and a second ``serve`` on the same database: two nodes of one deployment,
    which share events and signals through ``LIVEFAIR_REDIS_URL`` (the module must set it).

``ui`` (per test)
    A fresh context and page (1280×800, browser clock in a zone far from the fair's,
    so code that uses the browser's zone instead of the fair's shows wrong dates) and
    the helpers of :class:`Ui`. Every page the app shows is checked by :meth:`Ui.settle`:
    axe-core (serious or critical violations fail), no raw catalogue key on screen, no
    console error, no failed static file. The test fails at teardown if it left a page
    without settling it.

Signed-in visitors: ``ui.sign_in(Role.ORGANISER)`` registers a new account through the
browser (the development notifier hands out the code), grants it the role in the
server's database and reloads, so the page sees the session cookie and the grant.

Screenshots: ``ui.screenshot()`` writes ``artifacts/screenshots/<test>-<width>.png``.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import pytest

from server.domain.principal import ROLE_SCOPE, Role, ScopeType
from server.store import accounts as accounts_store
from server.store import db
from tests._require import missing
from tests.conftest import TEST_SECRET_KEY, Cluster, free_port
from tests.helpers import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Response

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = 1280
PHONE = 390
NARROW_BELOW = 768  # the 48rem breakpoint of client_web/styles/shell.css
HEIGHT = 800
# The browser's own zone. The demo fair is in Asia/Shanghai; 13 hours apart, most
# days are different dates in the two zones.
BROWSER_ZONE = "America/New_York"
BLOCKING_IMPACTS = ("serious", "critical")
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
}
# What a catalogue key looks like ("fairs.venue.leader"): shown alone, it is a missing
# string (lib/i18n.js returns the key itself when a key is missing).
RAW_KEY = re.compile(r"^[a-z]+(\.[a-z_]+)+$")
TIMEOUT_MS = 10_000
SERVER_START_S = 60.0  # a demo fair loads in ~5 s alone, much longer on a busy machine

T = TypeVar("T")


def in_thread(function: Callable[[], T]) -> T:
    """Run ``function`` in a new thread and return its result.

    The cluster helpers call ``asyncio.run()``, which refuses to start in the main
    thread while Playwright's sync API is alive (it marks its loop as running there).
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = function()
        except BaseException as exc:  # re-raised in the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="e2e-helper")
    thread.start()
    thread.join(timeout=60)
    if thread.is_alive():
        raise TimeoutError(f"{function!r} did not finish within 60 s")
    if "error" in outcome:
        raise outcome["error"]
    result: T = outcome["value"]
    return result


# -- the browser ------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        missing("chromium", f"{CHROMIUM} is not installed (apt-get install chromium)")
    for package in ("playwright", "axe_playwright_python"):
        if importlib.util.find_spec(package) is None:
            missing("chromium", f"{package} is not installed (pip install -e '.[dev]')")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=30_000
        )
        try:
            yield launched
        finally:
            launched.close()


# -- the server -------------------------------------------------------------------


@dataclass
class LiveServer:
    """A running ``livefair serve --demo``."""

    url: str
    database_url: str
    log: Path
    # The server's clock runs ahead by the seconds in this file (LIVEFAIR_TEST_CLOCK_FILE).
    clock_file: Path | None = None
    # (layout, document fingerprint) pairs that axe-core found clean, across the module
    axe_checked: set[tuple[str, int]] = field(default_factory=set)

    def advance_clock(self, to: datetime) -> None:
        """Move the server's clock forward so that it reads ``to`` now (its durable timers
        then fire at their times, as a FakeClock's do in-process); never backwards."""
        assert self.clock_file is not None, "this server was started without a clock file"
        ahead = (to - datetime.now(UTC)).total_seconds()
        current = float(self.clock_file.read_text()) if self.clock_file.exists() else 0.0
        self.clock_file.write_text(repr(max(ahead, current)))

    def get_json(self, path: str) -> Any:
        """GET an API path from the test (not through the browser)."""
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.load(response)

    def fair(self) -> dict[str, Any]:
        """The demo fair as the API returns it, with venues and partner platforms."""
        fairs = self.get_json("/api/fairs")["items"]
        detail: dict[str, Any] = self.get_json(f"/api/fairs/{fairs[0]['id']}")
        return detail

    def grant(self, account_id: UUID, role: Role, scope_id: UUID | None) -> None:
        """Give an account a role, straight in the server's database."""

        async def run() -> None:
            conn = await db.connect(self.database_url)
            try:
                await accounts_store.insert_grant(
                    conn,
                    account_id,
                    role,
                    ROLE_SCOPE[role],
                    scope_id,
                    granted_by=None,
                    now=datetime.now(UTC),
                )
            finally:
                await conn.close()

        in_thread(lambda: asyncio.run(run()))


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"livefair serve exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    pytest.fail(f"livefair serve was not ready within {SERVER_START_S:.0f} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextmanager
def serving(
    database_url: str, data_dir: Path, extra_env: dict[str, str], *, demo: bool
) -> Iterator[LiveServer]:
    """``livefair serve`` (``--demo``: loading the demo fair first) on a free loopback
    port, until the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = data_dir / "server.log"
    clock_file = data_dir / "clock-ahead-seconds"
    env = {key: value for key, value in os.environ.items() if not key.startswith("LIVEFAIR_")}
    env.update(
        LIVEFAIR_DATABASE_URL=database_url,
        LIVEFAIR_HOST="127.0.0.1",
        LIVEFAIR_PORT=str(port),
        LIVEFAIR_PUBLIC_URL=url,
        LIVEFAIR_DATA_DIR=str(data_dir),
        LIVEFAIR_SECRET_KEY=TEST_SECRET_KEY,
        LIVEFAIR_TEST_CLOCK_FILE=str(clock_file),
    )
    env.update(extra_env)
    command = [sys.executable, "-m", "server.cli", "serve", *(["--demo"] if demo else [])]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(url, process, log)
        yield LiveServer(url, database_url, log, clock_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="module")
def live_server_env() -> dict[str, str]:
    """Extra ``LIVEFAIR_*`` settings for this module's servers; none by default. A module
    overrides this fixture, e.g. with ``LIVEFAIR_REDIS_URL`` for ``second_node``."""
    return {}


@pytest.fixture(scope="module")
def live_server(
    cluster: Cluster, tmp_path_factory: pytest.TempPathFactory, live_server_env: dict[str, str]
) -> Iterator[LiveServer]:
    database_url = in_thread(lambda: cluster.create_database(demo=True))
    try:
        data_dir = tmp_path_factory.mktemp("live-server")
        with serving(database_url, data_dir, live_server_env, demo=True) as server:
            yield server
    finally:
        in_thread(lambda: cluster.drop_database(database_url))


@pytest.fixture(scope="module")
def second_node(
    live_server: LiveServer,
    live_server_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """A second ``serve`` on ``live_server``'s database: two nodes of one deployment.

    Nodes share events and signals only through Redis, so the module must set
    ``LIVEFAIR_REDIS_URL`` in ``live_server_env`` (both nodes get the same settings).
    """
    if "LIVEFAIR_REDIS_URL" not in live_server_env:
        pytest.fail("second_node needs LIVEFAIR_REDIS_URL in the module's live_server_env")
    data_dir = tmp_path_factory.mktemp("second-node")
    with serving(live_server.database_url, data_dir, live_server_env, demo=False) as node:
        yield node


# -- the page and its checks ------------------------------------------------------

# A hash of the whole document (FNV-1a over its HTML): equal documents, equal axe results.
_FINGERPRINT = """() => {
  const html = document.documentElement.outerHTML;
  let hash = 0x811c9dc5;
  for (let i = 0; i < html.length; i += 1) {
    hash ^= html.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}"""

# Runs in every document before the app: reports each view the router shows.
_VIEW_HOOK = """
window.addEventListener('livefair:view', (event) => {
  window.__livefairView(event.detail.path + ' ' + event.detail.state);
});
"""


@dataclass
class Ui:
    """A page of the app under test, and what every browser test needs around it."""

    page: Page
    server: LiveServer
    test_name: str
    width: int = DESKTOP
    problems: list[str] = field(default_factory=list)
    views: list[str] = field(default_factory=list)
    checked: set[tuple[str, str, int]] = field(default_factory=set)
    checked_paths: set[str] = field(default_factory=set)

    @property
    def base_url(self) -> str:
        return self.server.url

    # navigation

    def goto(self, path: str) -> None:
        """Open ``path`` as a fresh page load and settle it."""
        self.page.goto(self.base_url + path, wait_until="domcontentloaded")
        self.settle()

    def reload(self) -> None:
        self.page.reload(wait_until="domcontentloaded")
        self.settle()

    def resize(self, width: int) -> None:
        """Change the viewport width (layout changes, so the page is checked again)."""
        self.width = width
        self.page.set_viewport_size({"width": width, "height": HEIGHT})
        if self.on_app:
            self.settle()

    @property
    def on_app(self) -> bool:
        """Whether the page shows the app (not about:blank before the first goto)."""
        return self.page.url.startswith(self.base_url)

    @property
    def path(self) -> str:
        path = self.page.evaluate("location.pathname + location.search")
        return str(path)

    @property
    def lang(self) -> str:
        return str(self.page.evaluate("document.documentElement.lang"))

    # who is using the page

    def prefer_language(self, lang: str) -> None:
        """Start with ``lang`` chosen, as if the visitor had picked it on an earlier visit
        (call before the first goto)."""
        self.page.context.add_init_script(
            "if (!localStorage.getItem('livefair.language'))"
            f" localStorage.setItem('livefair.language', {json.dumps(lang)});"
        )

    def sign_in(
        self, role: Role, scope_id: UUID | None = None, *, name: str = "E2E"
    ) -> dict[str, Any]:
        """Register a new account (display name ``name``) in this browser, grant it
        ``role`` and reload.

        The scope defaults to the demo fair (organiser) or its first sub-venue (venue
        admin, counsellor); employer and session roles need an explicit ``scope_id``.
        Returns the account as ``/api/me`` describes it.
        """
        scope = ROLE_SCOPE[role]
        if scope_id is None and scope is not ScopeType.PLATFORM:
            fair = self.server.fair()
            if scope is ScopeType.FAIR:
                scope_id = UUID(fair["id"])
            elif scope is ScopeType.VENUE:
                scope_id = UUID(next(v["id"] for v in fair["venues"] if v["kind"] == "sub"))
            else:
                raise ValueError(f"{role.value} is granted per {scope.value}: pass scope_id")
        if not self.on_app:
            self.goto("/")
        contact = f"e2e-{uuid.uuid4().hex[:12]}@example.org"
        registered = self.page.evaluate(
            """async ({ destination, password, name }) => {
                 const post = async (path, body) => {
                   const response = await fetch(path, {
                     method: 'POST', credentials: 'same-origin',
                     headers: { 'Content-Type': 'application/json' },
                     body: JSON.stringify(body) });
                   return { status: response.status, body: await response.json() };
                 };
                 const code = await post('/api/auth/codes', { destination });
                 if (code.status !== 202) return code;
                 return post('/api/auth/register', { destination, password,
                   code: code.body.dev_code, display_name: name, client: 'browser' });
               }""",
            {"destination": contact, "password": PASSWORD, "name": name},
        )
        assert registered["status"] == 201, registered
        account_id = UUID(registered["body"]["account"]["id"])
        self.server.grant(account_id, role, scope_id)
        self.reload()
        me: dict[str, Any] = self.page.evaluate("async () => (await import('/session.js')).me()")
        return me

    # checks

    def settle(self) -> None:
        """Wait until the app shows its current page, then check it.

        Call after anything that changes the page (the helpers above do). Checks run
        once per (path, language, width): raw keys, sideways scrolling, and axe-core —
        which is skipped when the very same document was already checked in the same
        layout (the server's module remembers the fingerprints: axe takes most of
        a browser test's time). Console errors and failed files are collected all the
        time and reported at teardown.
        """
        self.page.wait_for_function(
            "() => { const s = document.documentElement.dataset.viewState;"
            " return s !== undefined && s !== 'loading'; }",
            timeout=TIMEOUT_MS,
        )
        key = (self.path, self.lang, self.width)
        self.checked_paths.add(str(self.page.evaluate("location.pathname")))
        if key in self.checked:
            return
        self.checked.add(key)
        self.check_no_raw_keys()
        self.check_fits_width()
        layout = "narrow" if self.width < NARROW_BELOW else "wide"
        document = (layout, int(self.page.evaluate(_FINGERPRINT)))
        if document not in self.server.axe_checked:
            self.check_accessibility()
            self.server.axe_checked.add(document)

    def check_accessibility(self) -> None:
        """axe-core on the whole page: serious and critical violations fail the test."""
        from axe_playwright_python.base import AXE_SCRIPT, AxeResults  # type: ignore[import-untyped]

        # The package's Axe.run() injects axe-core (half a megabyte) on every call;
        # inject it once per document instead, then run it with our options.
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(AXE_SCRIPT)
        results = AxeResults(
            self.page.evaluate("(options) => window.axe.run(document, options)", AXE_OPTIONS)
        )
        blocking = [
            violation
            for violation in results.response["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]
        if blocking:
            report = "\n".join(
                f"- {v['id']} ({v['impact']}): {v['help']} — "
                + "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
                for v in blocking
            )
            pytest.fail(
                f"axe-core: {len(blocking)} serious/critical violation(s) on "
                f"{self.path} ({self.lang}, {self.width}px):\n{report}"
            )

    def check_fits_width(self) -> None:
        """Nothing makes the page scroll sideways (WCAG 1.4.10 reflow, from 360 px up)."""
        wide = self.page.evaluate(
            """() => {
                 const limit = document.documentElement.clientWidth;
                 if (document.documentElement.scrollWidth <= limit) return [];
                 return [...document.querySelectorAll('body *')]
                   .filter((el) => el.getBoundingClientRect().right > limit + 1)
                   .slice(0, 5).map((el) => el.outerHTML.slice(0, 120));
               }"""
        )
        if wide:
            pytest.fail(f"{self.path} is wider than {self.width}px; too wide: {wide}")

    def visible_texts(self) -> list[str]:
        """Every visible text node, and the labels people hear (aria-label, placeholder…)."""
        texts = self.page.evaluate(
            """() => {
              const out = [];
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const text = node.textContent.trim();
                const parent = node.parentElement;
                if (text && parent && parent.checkVisibility()) out.push(text);
              }
              for (const el of document.querySelectorAll(
                  '[aria-label], [placeholder], [title], [alt]')) {
                for (const name of ['aria-label', 'placeholder', 'title', 'alt']) {
                  const value = el.getAttribute(name);
                  if (value) out.push(value.trim());
                }
              }
              out.push(document.title);
              return out;
            }"""
        )
        return [str(text) for text in texts]

    def check_no_raw_keys(self) -> None:
        raw = sorted({text for text in self.visible_texts() if RAW_KEY.match(text)})
        if raw:
            pytest.fail(f"raw catalogue keys on screen at {self.path} ({self.lang}): {raw}")

    # evidence

    def screenshot(self) -> Path:
        """Save the full page as artifacts/screenshots/<test>-<width>.png."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.test_name).strip("_")
        path = SCREENSHOTS / f"{safe}-{self.width}.png"
        self.page.screenshot(path=str(path), full_page=True, timeout=TIMEOUT_MS)
        return path

    # keyboard

    def tab_to(self, selector: str, *, limit: int = 40) -> None:
        """Press Tab (Shift+Tab when the target comes before the focus) until the
        element matching ``selector`` has focus, as a keyboard user would."""
        backwards = self.page.evaluate(
            """(selector) => {
                 const target = document.querySelector(selector);
                 const from = document.activeElement;
                 if (!target || !from || from === document.body) return false;
                 return Boolean(from.compareDocumentPosition(target)
                                & Node.DOCUMENT_POSITION_PRECEDING);
               }""",
            selector,
        )
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(limit):
            self.page.keyboard.press(key)
            if self.page.evaluate(
                "(selector) => document.activeElement?.matches(selector) ?? false", selector
            ):
                return
        pytest.fail(f"{selector} not reached with {limit} presses of {key} from {self.path}")

    def focused(self) -> dict[str, str]:
        """The focused element: tag, text and id."""
        info = self.page.evaluate(
            """() => { const el = document.activeElement;
                 return { tag: el.tagName.toLowerCase(), text: el.textContent.trim(),
                          id: el.id || '' }; }"""
        )
        return {key: str(value) for key, value in info.items()}

    # bookkeeping (fixture side)

    def _on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        if message.type == "error" and not text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {text}")
        elif message.type == "warning" and text.startswith("i18n:"):
            self.problems.append(f"console warning: {text}")

    def _on_response(self, response: Response) -> None:
        # API errors may be what a test is about; a missing file of the app never is.
        url = response.url
        if response.status >= 400 and url.startswith(self.base_url) and "/api/" not in url:
            self.problems.append(f"HTTP {response.status} for {url}")

    def _on_view(self, _source: Any, view: str) -> None:
        self.views.append(view.split(" ", 1)[0])

    def unchecked_views(self) -> list[str]:
        """Pages the app showed that no settle() checked (the test moved on too soon)."""
        return [path for path in self.views if path not in self.checked_paths]


def _open(browser: Browser, server: LiveServer, test_name: str) -> tuple[Ui, Any]:
    """A fresh browser context and page on ``server`` with the harness's hooks."""
    context = browser.new_context(
        viewport={"width": DESKTOP, "height": HEIGHT}, timezone_id=BROWSER_ZONE, locale="en-US"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    helper = Ui(page=page, server=server, test_name=test_name)
    context.expose_binding("__livefairView", helper._on_view)
    context.add_init_script(_VIEW_HOOK)
    page.on("console", helper._on_console)
    page.on("pageerror", lambda error: helper.problems.append(f"page error: {error}"))
    page.on("response", helper._on_response)
    return helper, context


def _check(helper: Ui) -> None:
    """At the end of a passing test: the last page settled, every page shown was checked."""
    if helper.on_app:
        helper.settle()  # the page the test ended on
    unchecked = helper.unchecked_views()
    assert not unchecked, f"{helper.test_name}: pages never checked (call settle()): {unchecked}"
    assert not helper.problems, "\n".join(helper.problems)


def _report_failure(helper: Ui) -> None:
    """After a failed test: where each person's page was, what the browser reported
    (console errors, failed requests) and the server's last log lines, printed so the CI
    log shows them with the failure, and the page saved as a screenshot."""
    try:
        lines = [f"--- {helper.test_name}: the page was at {helper.page.url}"]
        lines += helper.problems or ["(no console error or failed request)"]
        server_log = helper.server.log.read_text(encoding="utf-8", errors="replace")
        lines += ["--- the server's last lines:", *server_log.splitlines()[-40:]]
        print("\n".join(lines))
        helper.screenshot()
    except Exception as error:  # the test's own failure is what the report is about
        print(f"--- {helper.test_name}: could not record the page: {error!r}")


def _passed(request: pytest.FixtureRequest) -> bool:
    report = getattr(request.node, "rep_call", None)
    return report is None or bool(report.passed)


@pytest.fixture
def ui(browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Ui]:
    helper, context = _open(browser, live_server, request.node.name)
    try:
        yield helper
        if _passed(request):
            _check(helper)
        else:
            _report_failure(helper)
    finally:
        context.close()


@pytest.fixture
def ui_on(
    browser: Browser, request: pytest.FixtureRequest
) -> Iterator[Callable[[LiveServer, str], Ui]]:
    """More people in the same test, each in a new browser context (its own cookies) on a
    given server node, with the same checks as ``ui``."""
    made: list[tuple[Ui, Any]] = []

    def make(server: LiveServer, who: str) -> Ui:
        opened = _open(browser, server, f"{request.node.name}-{who}")
        made.append(opened)
        return opened[0]

    try:
        yield make
        for helper, _ in made:
            if _passed(request):
                _check(helper)
            else:
                _report_failure(helper)
    finally:
        for _, context in made:
            context.close()


@pytest.fixture
def another_ui(
    ui_on: Callable[[LiveServer, str], Ui], live_server: LiveServer
) -> Callable[[str], Ui]:
    """More people in the same test, on the module's server."""
    return lambda who: ui_on(live_server, who)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item, so ``ui`` knows if the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
