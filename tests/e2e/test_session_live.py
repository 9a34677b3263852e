"""A featured session live in the browser (issue 12), one walk through it.

The demo's next-week session is published and scheduled. A candidate finds it on the
programme and opens its page: it says when it starts. The lobby timer fires (the test
brings the server's own ``session.open_lobby`` timer to now: the server runs a real
clock, so "time passes" for that one timer only) and every open page shows the lobby.
The session's host — the demo venue's second counsellor — goes live from the studio with
Chromium's fake camera and microphone (WHIP); the viewers' pages start the stream (WHEP)
and decode frames. Chat and a question flow both ways (asked, voted, marked answered);
a viewer joins a booth's line from the session page and the studio sees the line grow.
A viewer loses its connection; meanwhile a message is posted and a moderator deletes it;
the viewer's resume brings what it missed but never the deleted text. The host ends the
session and every viewer sees "ended".

One server node here; test_session_live_nodes.py has viewers on two nodes.
Every page is also checked by the harness (conftest.py): axe-core, raw keys, console.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from server.demo.employers import DEMO_DOMAIN, slug
from server.domain.principal import Role
from server.store import db
from tests.e2e.conftest import DESKTOP, PHONE, LiveServer, Ui, in_thread
from tests.e2e.test_identity_pages import text
from tests.e2e.test_queue_pages import log_in

if TYPE_CHECKING:
    from playwright.sync_api import WebSocketRoute

pytestmark = [pytest.mark.chromium, pytest.mark.timeout(300)]


MEDIA_TIMEOUT_MS = 30_000  # WebRTC on a loaded 2-core machine: connect and decode
LOBBY_TIMEOUT_MS = 15_000  # the server's timer runner polls every second

# Video frames the page's peer connection has decoded (-1: no stream yet).
FRAMES = """(selector) => {
  const pc = document.querySelector(selector)?.peer;
  if (!pc) return -1;
  return pc.getStats().then((stats) => {
    for (const report of stats.values()) {
      if (report.type === 'inbound-rtp' && report.kind === 'video') {
        return report.framesDecoded || 0;
      }
    }
    return 0;
  });
}"""


def live(lang: str, key: str, **params: object) -> str:
    return text("live", lang, key, **params)


def next_session(server: LiveServer) -> dict[str, Any]:
    """The demo's first published, scheduled session that brings booths."""
    fair = server.fair()
    sessions = server.get_json(f"/api/fairs/{fair['id']}/programme")["sessions"]
    ready = [s for s in sessions if s["state"] == "scheduled" and s["booths"] and s["starts_at"]]
    assert ready, f"the demo has no scheduled session with booths: {sessions[:2]}"
    return dict(min(ready, key=lambda s: s["starts_at"]))


def bring_lobby_timer_to_now(server: LiveServer, session_id: str) -> None:
    """Make the session's ``session.open_lobby`` timer due now; the server's runner fires it.

    The e2e server runs on the real clock and the demo session starts days later; moving
    this one timer is what the fake clock does in tests/integration/test_programme_timers.py.
    """

    async def run() -> None:
        conn = await db.connect(server.database_url)
        try:
            moved = await conn.execute(
                "UPDATE timers SET due_at = now() WHERE key = $1",
                f"session.open_lobby:{session_id}",
            )
            assert moved == "UPDATE 1", moved
        finally:
            await conn.close()

    in_thread(lambda: asyncio.run(run()))


class Wire:
    """The page's event-stream WebSocket, routed through the test so it can be cut.

    While ``online`` is false every connection attempt is closed at once (the client
    backs off and retries). Frames the server sends are recorded with the connection
    they came on.
    """

    def __init__(self, ui: Ui) -> None:
        self.online = True
        self.connections = 0
        self.frames: list[tuple[int, dict[str, Any]]] = []
        self._open: list[tuple[WebSocketRoute, WebSocketRoute]] = []
        ui.page.route_web_socket(re.compile(r"/ws$"), self._route)

    def _route(self, page_side: WebSocketRoute) -> None:
        if not self.online:
            page_side.close(code=1001, reason="offline")
            return
        self.connections += 1
        number = self.connections
        server_side = page_side.connect_to_server()

        def forward(message: str | bytes) -> None:
            if isinstance(message, str):
                self.frames.append((number, json.loads(message)))
            page_side.send(message)

        server_side.on_message(forward)
        self._open.append((page_side, server_side))

    def cut(self) -> None:
        self.online = False
        for page_side, server_side in self._open:
            server_side.close()
            page_side.close(code=1001, reason="offline")
        self._open.clear()

    def restore(self) -> None:
        self.online = True

    def since(self, connection: int) -> list[dict[str, Any]]:
        return [frame for number, frame in self.frames if number >= connection]


def chat_log(ui: Ui) -> Any:
    return ui.page.locator("#chat-log")


def send_chat(ui: Ui, message: str) -> None:
    """Type a message and press Enter; it shows in the sender's own log (from the topic)."""
    ui.page.locator("#chat-input").fill(message)
    ui.page.locator("#chat-input").press("Enter")
    chat_log(ui).get_by_text(message).wait_for()


def frames_decoded(ui: Ui, selector: str, above: int) -> int:
    """Poll the page's video ``framesDecoded`` until it passes ``above``; return it.

    (``wait_for_function`` takes a returned promise as truthy at once, so the stats,
    which only come as a promise, are polled from here.)
    """
    deadline = time.monotonic() + MEDIA_TIMEOUT_MS / 1000
    value = -1
    while time.monotonic() < deadline:
        value = int(ui.page.evaluate(FRAMES, selector))
        if value > above:
            return value
        ui.page.wait_for_timeout(250)
    raise AssertionError(f"{selector}: framesDecoded stayed at {value} (wanted > {above})")


def test_a_featured_session_from_lobby_to_end_with_chat_questions_and_a_booth_line(
    ui: Ui, another_ui: Callable[[str], Ui], live_server: LiveServer
) -> None:
    session = next_session(live_server)
    sid = session["id"]
    watch_path = f"/sessions/{sid}"

    # A candidate finds the session on the programme; before the lobby it says when.
    viewer = ui
    viewer.sign_in(Role.CANDIDATE)
    viewer.goto("/programme")
    viewer.page.locator(f"a[href='{watch_path}']").click()
    viewer.page.wait_for_url(f"**{watch_path}")
    viewer.settle()
    assert viewer.page.locator("main h1").inner_text() == session["title"]
    stage = viewer.page.locator("#live-stage-text")
    assert "北京时间" in stage.inner_text()
    assert viewer.page.locator("#session-state").get_attribute("data-state") == "scheduled"

    # A second viewer, in English, will lose its connection later.
    other = another_ui("other")
    other.prefer_language("en")
    other.sign_in(Role.CANDIDATE)
    wire = Wire(other)
    other.goto(watch_path)

    # The host opens the studio from the session page.
    host = another_ui("host")
    log_in(host, f"{slug(session['region_code'])}.counsellor2@{DEMO_DOMAIN}")
    host.goto(watch_path)
    host.page.get_by_role("link", name=live("zh-CN", "live.watch.open_studio")).click()
    host.page.wait_for_url(f"**{watch_path}/studio")
    host.settle()
    go_live = host.page.locator("#studio-go-live")
    assert go_live.is_disabled()  # not before the lobby
    note = host.page.locator("#session-stats-note")
    note.filter(has_text=live("zh-CN", "live.stats.not_started")).wait_for()  # nothing yet

    # The lobby opens on every page at once.
    bring_lobby_timer_to_now(live_server, sid)
    viewer.page.get_by_text(live("zh-CN", "live.stage.lobby")).wait_for(timeout=LOBBY_TIMEOUT_MS)
    other.page.get_by_text(live("en", "live.stage.lobby")).wait_for(timeout=LOBBY_TIMEOUT_MS)
    host.page.locator("#session-state[data-state='lobby']").wait_for(timeout=LOBBY_TIMEOUT_MS)
    viewer.settle()

    # The host previews the fake camera, then goes live by keyboard.
    host.page.get_by_role("button", name=live("zh-CN", "live.studio.preview_start")).click()
    host.page.wait_for_function(
        "() => document.getElementById('studio-preview').srcObject?.active === true"
    )
    host.tab_to("#studio-go-live")
    host.page.keyboard.press("Enter")
    host.page.locator("#session-state[data-state='live']").wait_for(timeout=MEDIA_TIMEOUT_MS)
    host.settle()

    # Both viewers watch: frames are decoded, and keep coming.
    for person in (viewer, other):
        person.page.locator("#session-state[data-state='live']").wait_for()
        first = frames_decoded(person, "lf-session-watch-page", 10)
        frames_decoded(person, "lf-session-watch-page", first)
    viewer.settle()
    other.settle()
    host.page.locator("#studio-viewers").filter(
        has_text=live("zh-CN", "live.viewers", count=3)
    ).wait_for()

    # The studio reloaded mid-session: still live, but the page sends nothing until the
    # host resumes; then the viewers' pictures move on again, without a reload of theirs.
    host.page.reload()
    resume = host.page.get_by_role("button", name=live("zh-CN", "live.studio.resume"))
    resume.wait_for()
    status = live("zh-CN", "live.studio.live_not_sending")
    host.page.get_by_text(status).wait_for()
    host.settle()
    resume.click()
    host.page.locator("#studio-resume").wait_for(state="detached", timeout=MEDIA_TIMEOUT_MS)
    assert host.page.get_by_text(status).count() == 0
    for person in (viewer, other):
        now = frames_decoded(person, "lf-session-watch-page", 0)
        frames_decoded(person, "lf-session-watch-page", now + 30)

    # Spaces alone are not sent, and the viewer is told why; the next message clears it.
    viewer.page.locator("#chat-input").fill("   ")
    viewer.page.locator("#chat-input").press("Enter")
    viewer.page.get_by_role("alert").filter(has_text=live("zh-CN", "live.compose.empty")).wait_for()

    # Chat both ways.
    hello = f"大家好 {uuid.uuid4().hex[:6]}"
    send_chat(viewer, hello)
    chat_log(host).get_by_text(hello).wait_for()
    assert viewer.page.get_by_text(live("zh-CN", "live.compose.empty")).count() == 0
    welcome = f"欢迎各位 {uuid.uuid4().hex[:6]}"
    send_chat(host, welcome)
    chat_log(viewer).get_by_text(welcome).wait_for()
    chat_log(other).get_by_text(welcome).wait_for()

    # A question: asked by a viewer, voted up by another, marked answered by the host.
    question = f"应届生可以现场面试吗？ {uuid.uuid4().hex[:6]}"
    viewer.page.locator("#question-input").fill(question)
    viewer.page.get_by_role("button", name=live("zh-CN", "live.questions.ask")).click()
    asked = host.page.locator("li.question").filter(has_text=question)
    asked.wait_for()
    vote = (
        other.page.locator("li.question")
        .filter(has_text=question)
        .get_by_role("button", name=live("en", "live.questions.upvote"))
    )
    vote.click()
    other.page.locator("li.question").filter(has_text=question).get_by_role(
        "button", name=live("en", "live.questions.voted")
    ).wait_for()
    asked.filter(has_text=live("zh-CN", "live.questions.votes", count=1)).wait_for()
    asked.get_by_role("button", name=live("zh-CN", "live.questions.mark_answered")).click()
    viewer.page.locator("li.question").filter(has_text=question).filter(
        has_text=live("zh-CN", "live.questions.answered")
    ).wait_for()
    # While live, the studio's figures are "so far"; refreshing counts the question.
    note.filter(has_text=live("zh-CN", "live.stats.so_far")).wait_for()
    assert note.get_attribute("data-final") == "false"
    host.page.get_by_role("button", name=live("zh-CN", "live.stats.refresh")).click()
    host.page.locator("#session-stats dd[data-figure='questions'][data-value='1']").wait_for()

    # Watching leads into a booth line: the viewer joins by keyboard, the studio sees it.
    booth_id = session["booths"][0]
    length = host.page.locator(f"#session-booth-length-{booth_id}")
    before = int(re.sub(r"\D", "", length.inner_text()))
    viewer.tab_to(f"#session-booth-join-{booth_id}")
    viewer.page.keyboard.press("Enter")
    viewer.page.locator(f"#session-booth-mine-{booth_id}").wait_for()
    grown = text("queue", "zh-CN", "queue.booth.length", count=before + 1)
    length.filter(has_text=grown).wait_for()
    viewer.settle()

    # A language switch keeps the stream playing and what was typed in the chat.
    viewer.page.locator("#chat-input").fill("草稿")
    playing = frames_decoded(viewer, "lf-session-watch-page", 0)
    viewer.page.locator(".language-switch").click()
    viewer.page.wait_for_function("() => document.documentElement.lang === 'en'")
    viewer.page.get_by_role("heading", name=live("en", "live.chat.title")).wait_for()
    viewer.settle()
    assert viewer.page.locator("#chat-input").input_value() == "草稿"
    frames_decoded(viewer, "lf-session-watch-page", playing + 10)
    assert viewer.page.evaluate(
        "() => { const video = document.getElementById('live-video');"
        " return video.srcObject.active && !video.paused; }"
    ), "the video stopped playing"
    viewer.page.locator(".language-switch").click()
    viewer.page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    viewer.page.locator("#chat-input").fill("")

    for person in (viewer, host):
        for width in (DESKTOP, PHONE):
            person.resize(width)
            person.screenshot()
        person.resize(DESKTOP)

    # The other viewer drops off. A message is posted and deleted by the moderator, and
    # another one posted, while it is away.
    seen = wire.connections
    wire.cut()
    spam = f"加微信领补贴 {uuid.uuid4().hex[:6]}"
    send_chat(viewer, spam)
    message = chat_log(host).locator("li.chat-message").filter(has_text=spam)
    message.get_by_role("button", name=live("zh-CN", "live.moderate.delete")).click()
    message.wait_for(state="detached")
    chat_log(viewer).get_by_text(spam).wait_for(state="detached")
    back = f"继续 {uuid.uuid4().hex[:6]}"
    send_chat(host, back)

    # It reconnects and resumes: it gets what it missed, never the deleted text.
    wire.restore()
    chat_log(other).get_by_text(back).wait_for(timeout=LOBBY_TIMEOUT_MS)
    assert spam not in chat_log(other).inner_text()
    resumed = wire.since(seen + 1)
    topic = f"session:{sid}"
    assert not [f for f in resumed if f.get("op") == "snapshot" and f.get("topic") == topic], (
        "the session topic was re-snapshotted, not resumed"
    )
    types = [f.get("type") for f in resumed if f.get("topic") == topic]
    assert "chat.deleted" in types
    assert spam not in json.dumps(resumed, ensure_ascii=False)

    # The moderator mutes the other viewer: its page says so instead of offering the form.
    again = f"I'm back {uuid.uuid4().hex[:6]}"
    send_chat(other, again)
    mine = chat_log(host).locator("li.chat-message").filter(has_text=again)
    mine.get_by_role("button", name=live("zh-CN", "live.moderate.mute")).click()
    other.page.get_by_text(live("en", "live.chat.muted")).wait_for()
    assert other.page.locator("#chat-input").count() == 0

    # The host sees whom they muted, with the way back, and lifts it: the form returns.
    mine.locator("[id^='chat-unmute-']").wait_for()  # its message offers the way back
    listed = host.page.locator(".chat-restricted-list li").filter(
        has_text=live("zh-CN", "live.moderate.is_muted")
    )
    assert listed.count() == 1
    host.settle()
    listed.locator("[id^='restricted-unmute-']").click()
    other.page.locator("#chat-input").wait_for()
    host.page.locator(".chat-restricted-list li").first.wait_for(state="detached")
    mine.locator("[id^='chat-mute-']").wait_for()

    # The host ends the session; every viewer sees it end, and the stream stops.
    host.page.get_by_role("button", name=live("zh-CN", "live.studio.end")).click()
    host.page.get_by_role("button", name=live("zh-CN", "live.studio.end_confirm")).click()
    host.page.locator("#session-state[data-state='ended']").wait_for()
    # Moderation ended with it: no delete, mute, ban or "answered" buttons are left.
    tools = "[id^='chat-delete-'], [id^='chat-mute-'], [id^='chat-ban-'], [id^='question-answer-']"
    host.page.locator(tools).first.wait_for(state="detached")
    viewer.page.get_by_text(live("zh-CN", "live.stage.ended")).wait_for()
    other.page.get_by_text(live("en", "live.stage.ended")).wait_for()
    assert (
        viewer.page.get_by_role("status")
        .filter(has_text=live("zh-CN", "live.status.ended"))
        .count()
    )
    for person in (viewer, other):
        person.page.wait_for_function(
            "() => document.getElementById('live-video').srcObject.getTracks()"
            ".every((track) => track.readyState === 'ended')"
        )
        person.settle()
    host.settle()
    for width in (DESKTOP, PHONE):
        other.resize(width)
        other.screenshot()

    # The host's studio shows the session's figures, final, as the API gives them: at
    # least the five messages (the deleted one counts), the one question and the two
    # viewers of this test.
    figures = host.page.locator("#session-stats")
    figures.get_by_text(live("zh-CN", "live.stats.final")).wait_for()
    host.settle()
    stats = host.page.evaluate(
        "async (id) => (await fetch(`/api/featured-sessions/${id}/stats`)).json()", sid
    )
    assert stats["final"] is True
    assert stats["messages"] >= 5
    assert stats["questions"] >= 1
    assert stats["unique_viewers"] >= 2
    assert host.page.locator("#session-stats-refresh").count() == 0
    shown = {
        dd.get_attribute("data-figure"): dd.get_attribute("data-value")
        for dd in figures.locator("dd").all()
    }
    for name in ("peak_viewers", "unique_viewers", "watch_seconds", "messages", "questions"):
        assert shown[name] == str(stats[name]), name
    messages = figures.locator("dd[data-figure='messages']").inner_text()
    assert re.sub(r"\D", "", messages) == str(stats["messages"])
    # A plain viewer sees no figures, on the session's page nor at the studio's address.
    assert viewer.page.locator("#session-stats").count() == 0
    viewer.goto(f"{watch_path}/studio")
    viewer.page.locator("#studio-not-host").wait_for()
    assert viewer.page.locator("#session-stats").count() == 0


def test_the_studio_gives_obs_its_url_and_token_and_others_get_what_they_may(
    ui: Ui, another_ui: Callable[[str], Ui], live_server: LiveServer
) -> None:
    session = next_session(live_server)
    watch_path = f"/sessions/{session['id']}"

    # Anyone can open the session's page before it starts: when, in Beijing time, and
    # what signing in would let them do.
    visitor = ui
    visitor.prefer_language("en")
    visitor.goto(watch_path)
    assert "Beijing time" in visitor.page.locator("#live-stage-text").inner_text()
    visitor.page.get_by_role("link", name=live("en", "live.chat.sign_in")).wait_for()
    visitor.page.get_by_role("link", name=live("en", "live.questions.sign_in")).wait_for()
    visitor.page.get_by_role("region", name=live("en", "live.captions.title")).wait_for()
    visitor.resize(PHONE)
    visitor.screenshot()

    # The studio is for the session's people: a candidate is told so, an organiser
    # moderates without a stream of their own.
    candidate = another_ui("candidate")
    candidate.sign_in(Role.CANDIDATE)
    candidate.goto(f"{watch_path}/studio")
    assert candidate.page.locator("#studio-not-host").is_visible()
    organiser = another_ui("organiser")
    organiser.sign_in(Role.ORGANISER)
    organiser.goto(f"{watch_path}/studio")
    organiser.page.get_by_text(live("zh-CN", "live.studio.moderator_only")).wait_for()
    # Only what applies to them: no prompt to choose and preview a picture they don't send.
    assert live("zh-CN", "live.studio.no_preview") not in organiser.page.inner_text("main")
    assert not organiser.page.locator("#studio-preview").is_visible()

    # The host publishes from OBS: the studio shows the WHIP URL and a bearer token.
    host = another_ui("host")
    log_in(host, f"{slug(session['region_code'])}.counsellor2@{DEMO_DOMAIN}")
    host.goto(f"{watch_path}/studio")
    host.page.get_by_label(live("zh-CN", "live.studio.encoder")).check()
    host.page.get_by_role("button", name=live("zh-CN", "live.studio.show_ingest")).click()
    url = host.page.get_by_label(live("zh-CN", "live.studio.whip_url"), exact=True)
    url.wait_for()
    assert url.input_value() == f"{live_server.url}/api/broadcasts/{session['id']}/whip"
    token = host.page.get_by_label(live("zh-CN", "live.studio.token"), exact=True).input_value()
    assert token.startswith("lfi_")
    host.settle()
    # The token is the session's: with it the server gets as far as the session's state
    # (no publishing before the lobby); a changed token is refused.
    publish = """async ({ url, token }) => {
        const response = await fetch(url, { method: 'POST', body: 'v=0\\r\\n',
          headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` } });
        return [response.status, (await response.json()).code];
      }"""
    whip = url.input_value()
    assert host.page.evaluate(publish, {"url": whip, "token": token}) == [
        409,
        "featured_session.wrong_state",
    ]
    assert host.page.evaluate(publish, {"url": whip, "token": token[:-2] + "xx"})[0] == 401
    for width in (DESKTOP, PHONE):
        host.resize(width)
        host.screenshot()
