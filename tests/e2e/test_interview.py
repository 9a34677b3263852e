"""Live video interviews in real Chromium (issue 9): two people, two browser contexts
with fake cameras, peer to peer through this machine's interface address.

The walk: a candidate joins the demo recruiter's line, the recruiter calls from the
console, the candidate accepts and is taken into the interview room at once, and so is
the recruiter, without a click (the console that made the call follows it); both
check their devices and join with video; each decodes the other's video
(``framesDecoded`` rising, within 30 s of joining); they chat; the recruiter records
达成意向 (``offer_intent``) with notes; the ticket is ``done`` and the interview record
exists with both attendees; on the way a reload rejoins the room and audio-only is chosen
and undone. The same again with the recruiter on a second server node (one database, one
Redis). A candidate whose camera is refused joins with audio and still sees the
recruiter: the controls follow what they send, their choice is never taken for a weak
network, and one click on "leave" ends the interview for both. The fallback's rule (weak
network: video → audio → text) and what a call says it sends. Two offers crossing
on brand-new connections (the polite side's first offer gathers before it is rolled
back). Last, a real coturn with ``use-auth-secret``: a browser given livefair's TURN
credentials gathers a ``relay`` candidate.

Chromium never uses loopback candidates; two contexts of one Chromium connect through
host candidates on the machine's own interface address (the pages have camera
permission, so those are raw IPs, not mDNS names). The servers themselves stay on
127.0.0.1 (a secure context for getUserMedia); no public STUN/TURN server is ever given.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import pytest
import redis.asyncio as aioredis
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from server.domain.principal import Role
from server.store import db
from tests._require import missing
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    LiveServer,
    Ui,
    in_thread,
)
from tests.e2e.test_identity_pages import text
from tests.e2e.test_queue_pages import RECRUITER, join_by_keyboard, log_in, q, staffed_booth

if TYPE_CHECKING:
    from playwright.sync_api import Locator

pytestmark = [pytest.mark.chromium, pytest.mark.timeout(240)]

FRAMES_BOUND_S = 30.0
# From a call's video decoding, longer than the fallback takes to step down
# (STEP_DOWN_AFTER weak samples, 2 s apart, in components/interview-quality.js).
FALLBACK_SAMPLES_S = 12.0
REDIS_DB = 9  # this module's database on the test Redis (see module_redis)
TURN_SECRET = secrets.token_urlsafe(24)

# The video frames each side has decoded from the others, and their bytes.
REMOTE_VIDEO = """async () => {
  const call = document.querySelector('lf-interview-page')?.model?.call;
  if (!call) return null;
  const out = { peers: call.peers.size, framesDecoded: 0, bytesReceived: 0, states: [],
                error: call.lastError, trace: call.trace.slice(-12).join(' '),
                local: call.localStream.getTracks().map((t) => t.kind + ':' + t.readyState) };
  for (const peer of call.peers.values()) {
    out.states.push(`${peer.pc.connectionState}/${peer.pc.signalingState}/${peer.polite}`);
    for (const report of (await peer.pc.getStats()).values()) {
      if (report.type === 'inbound-rtp' && report.kind === 'video') {
        out.framesDecoded += report.framesDecoded || 0;
        out.bytesReceived += report.bytesReceived || 0;
      }
      if (report.type === 'inbound-rtp' && report.kind === 'audio') {
        out.audioBytes = (out.audioBytes || 0) + (report.bytesReceived || 0);
      }
    }
  }
  return out;
}"""

# A browser where the camera is refused (the microphone is allowed).
NO_CAMERA = """(() => {
  const devices = navigator.mediaDevices;
  if (!devices || !devices.getUserMedia) return;
  const original = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) =>
    constraints && constraints.video
      ? Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))
      : original(constraints);
})();"""

# With the ICE servers livefair hands to a member: one connection that may only use
# TURN (iceTransportPolicy "relay") to a plain one in the same page.
RELAY_PROBE = """async (id) => {
  const { api } = await import('/api.js');
  const { ice_servers: iceServers } = await api(`/api/interviews/${id}/ice-servers`);
  const relayed = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
  const plain = new RTCPeerConnection({ iceServers: [] });
  relayed.onicecandidate = (e) => e.candidate && plain.addIceCandidate(e.candidate);
  plain.onicecandidate = (e) => e.candidate && relayed.addIceCandidate(e.candidate);
  relayed.createDataChannel('probe');
  await relayed.setLocalDescription();
  await plain.setRemoteDescription(relayed.localDescription);
  await plain.setLocalDescription();
  await relayed.setRemoteDescription(plain.localDescription);
  const started = Date.now();
  while (relayed.connectionState !== 'connected' && Date.now() - started < 15000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The stats name the pair in use a moment after the state says connected: ask until
  // the transport names it (bounded), by selectedCandidatePairId, else a nominated pair.
  let types = [];
  let selected = null;
  while (selected === null && Date.now() - started < 20000) {
    const report = await relayed.getStats();
    types = [];
    let pairId = null;
    for (const entry of report.values()) {
      if (entry.type === 'local-candidate') types.push(entry.candidateType);
      if (entry.type === 'transport' && entry.selectedCandidatePairId) {
        pairId = entry.selectedCandidatePairId;
      }
      const usable = entry.nominated && entry.state === 'succeeded';
      if (!pairId && entry.type === 'candidate-pair' && usable) pairId = entry.id;
    }
    const pair = pairId && report.get(pairId);
    selected = (pair && report.get(pair.localCandidateId)?.candidateType) ?? null;
    if (selected === null) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const state = relayed.connectionState;
  relayed.close();
  plain.close();
  return { urls: iceServers.flatMap((s) => s.urls), types, selected, state };
}"""


def interface_address() -> str:
    """This machine's own non-loopback IPv4 address (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))
        address: str = probe.getsockname()[0]
    return address


# -- coturn and the servers ----------------------------------------------------------


@dataclass
class Turn:
    url: str
    log: Path


def _free_udp_port(address: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((address, 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def coturn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Turn | str]:
    """Debian's coturn on the interface address with ``use-auth-secret`` (livefair's
    TURN REST credentials), or the reason it is not available."""
    binary = shutil.which("turnserver")
    address = interface_address()
    if binary is None:
        yield "turnserver is not installed (apt-get install coturn)"
        return
    if address.startswith("127."):
        yield "no non-loopback interface address to bind coturn to"
        return
    workdir = tmp_path_factory.mktemp("coturn")
    port = _free_udp_port(address)
    log = workdir / "turnserver.log"
    command = [
        binary,
        "-n",
        f"--listening-ip={address}",
        f"--relay-ip={address}",
        f"--listening-port={port}",
        "--min-port=49160",
        "--max-port=49400",
        "--use-auth-secret",
        f"--static-auth-secret={TURN_SECRET}",
        "--realm=livefair.test",
        "--no-cli",
        "--no-tls",
        "--no-dtls",
        "--log-file=stdout",
        "--simple-log",
        f"--pidfile={workdir / 'turnserver.pid'}",
        f"--userdb={workdir / 'turndb'}",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 10
    while b"Total General servers" not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait(timeout=5)
            yield f"turnserver did not start: {log.read_text(errors='replace')[-2000:]}"
            return
        time.sleep(0.1)
    try:
        yield Turn(url=f"turn:{address}:{port}?transport=udp", log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def module_redis(redis_url: str) -> str:
    """The test Redis, in a database of this module's own, with no rate-limit counters.

    With Redis, sign-up and login limits per address are shared by every node *and*
    every run: this module's people all come from 127.0.0.1, so earlier runs (or other
    suites on the same Redis) would leave them rate-limited.
    """
    parts = urlsplit(redis_url)
    url = urlunsplit(parts._replace(path=f"/{REDIS_DB}"))

    async def clear() -> None:
        client = aioredis.Redis.from_url(url)
        try:
            keys = [key async for key in client.scan_iter(match="livefair:rate:*")]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()

    in_thread(lambda: asyncio.run(clear()))
    return url


@pytest.fixture(scope="module")
def live_server_env(redis_url: str, coturn: Turn | str) -> dict[str, str]:
    """Both nodes on the test Redis; TURN from settings when coturn runs."""
    env = {"LIVEFAIR_REDIS_URL": module_redis(redis_url)}
    if isinstance(coturn, Turn):
        env.update(LIVEFAIR_TURN_URLS=coturn.url, LIVEFAIR_TURN_SECRET=TURN_SECRET)
    return env


# -- the walk ----------------------------------------------------------------------


def i(key: str, **params: object) -> str:
    return text("interview", "zh-CN", key, **params)


def into_the_room(candidate: Ui, recruiter: Ui) -> tuple[str, dict[str, Any]]:
    """Queue → call → accept → both on the interview page (in the lobby)."""
    me = log_in(recruiter, RECRUITER)
    booth = staffed_booth(recruiter, me)
    recruiter.goto(f"/booths/{booth['id']}/console")
    recruiter.page.get_by_role("button", name=q("zh-CN", "queue.console.set_available")).click()
    recruiter.page.locator("#console-status-available[aria-pressed='true']").wait_for()

    candidate.sign_in(Role.CANDIDATE)
    join_by_keyboard(candidate, booth["id"])
    # This candidate, called by name from the console (callCandidate): "call next" would
    # call whoever an earlier test of the module left in this line first.
    mine = candidate.page.evaluate("async () => (await (await fetch('/api/me/tickets')).json())")
    (ticket,) = [t for t in mine["items"] if t["booth_id"] == booth["id"]]
    recruiter.page.locator(f"#console-call-{ticket['id']}").click()
    recruiter.page.locator("#console-current-state").filter(
        has_text=q("zh-CN", "queue.state.called")
    ).wait_for()

    # The call rings in the candidate's "my lines" (the shell's compact panel here).
    # Accepting is going in: the candidate lands in the interview room.
    candidate.page.get_by_role("button", name=q("zh-CN", "queue.ticket.accept")).click()
    candidate.page.wait_for_url("**/interviews/*")
    candidate.settle()
    interview_id = candidate.path.rsplit("/", 1)[1]

    # The console that made the call takes the recruiter into the same room, no click,
    # and the room's page says why (the recruiter may have been looking elsewhere).
    # test_queue_console asserts that on its own. In two CI runs of the whole suite the
    # console stayed put here: the likely cause, the ticket's "get ready" (the line's
    # refresh, at most once a second) reaching the console while its call by name was
    # on its way, which ended the call for it, is fixed (components/console-call.js,
    # `pending`). Should it recur, this walk — about the interview — goes in by the
    # console's own link, as the recruiter would, and says so in the log.
    room = f"**/interviews/{interview_id}"
    try:
        recruiter.page.wait_for_url(room, timeout=15_000)
    except PlaywrightTimeoutError:
        print("the console did not take the recruiter into the room; in by its link")
        recruiter.page.locator("#console-open-interview").click()
        recruiter.page.wait_for_url(room)
    else:
        recruiter.page.wait_for_function(
            "(said) => document.getElementById('notices').textContent === said",
            arg=q("zh-CN", "queue.console.taken_to_room"),
        )
    recruiter.settle()
    return interview_id, booth


def remote_video(person: Ui) -> dict[str, Any]:
    result: dict[str, Any] | None = person.page.evaluate(REMOTE_VIDEO)
    return result or {"peers": 0, "framesDecoded": 0, "bytesReceived": 0, "states": []}


def both_decode(people: list[Ui], joined: float) -> None:
    """framesDecoded (and bytes) rise on every side, within FRAMES_BOUND_S of joining."""
    first: dict[str, dict[str, Any]] = {}
    while time.monotonic() - joined < FRAMES_BOUND_S:
        for who in people:
            stats = remote_video(who)
            if who.test_name not in first and stats["framesDecoded"] > 0:
                first[who.test_name] = stats
        if len(first) == len(people):
            break
        time.sleep(0.25)
    missing_sides = [who.test_name for who in people if who.test_name not in first]
    assert not missing_sides, f"no remote video decoded within {FRAMES_BOUND_S} s: " + str(
        {who.test_name: remote_video(who) for who in people}
    )
    rising: set[str] = set()
    while time.monotonic() - joined < FRAMES_BOUND_S and len(rising) < len(people):
        time.sleep(0.5)
        for who in people:
            later = remote_video(who)
            before = first[who.test_name]
            if (
                later["framesDecoded"] > before["framesDecoded"]
                and later["bytesReceived"] > before["bytesReceived"]
            ):
                rising.add(who.test_name)
    assert len(rising) == len(people), f"frames stopped rising: {rising}"
    # The figure for the record (pytest -s shows it): join click to frames on every side.
    print(f"video decoded and rising on {len(people)} side(s) {time.monotonic() - joined:.1f} s in")
    for who in people:
        # What a person sees: the other's tile says "connected" and its video has a size.
        tile = who.page.locator(".interview-tile[data-state='connected']")
        tile.wait_for()
        width = tile.locator("video").evaluate("(video) => video.videoWidth")
        assert width > 0


def screenshots_of(person: Ui, label: str) -> None:
    """Screenshots at both widths named <test>-<label>-<width>.png; back to the desktop."""
    name = person.test_name
    person.test_name = f"{name}-{label}"
    try:
        for width in (DESKTOP, PHONE):
            person.resize(width)
            person.screenshot()
    finally:
        person.test_name = name
    person.resize(DESKTOP)


def join_with_video(person: Ui) -> None:
    person.page.get_by_role("button", name=i("interview.lobby.join_video")).click()
    person.page.locator("#interview-room-title").wait_for(state="attached")


def stored(server: LiveServer, interview_id: str) -> dict[str, Any]:
    """The ticket's state and the interview record, straight from the database."""

    async def read() -> dict[str, Any]:
        conn = await db.connect(server.database_url)
        try:
            ticket = await conn.fetchval(
                "SELECT state FROM tickets WHERE id = $1", UUID(interview_id)
            )
            record = await conn.fetchrow(
                "SELECT outcome, notes, started_at, ended_at FROM interviews WHERE id = $1",
                UUID(interview_id),
            )
            attendees = await conn.fetchval(
                "SELECT count(*) FROM interview_attendees WHERE interview_id = $1",
                UUID(interview_id),
            )
            chat = await conn.fetchval(
                "SELECT count(*) FROM interview_chat WHERE interview_id = $1", UUID(interview_id)
            )
        finally:
            await conn.close()
        return {
            "ticket": ticket,
            "record": dict(record) if record else None,
            "attendees": attendees,
            "chat": chat,
        }

    return in_thread(lambda: asyncio.run(read()))


def outcome_confirmation(recruiter: Ui, outcome: str, action: str) -> Locator:
    """Choose ``outcome`` (a pressed button, nothing recorded yet): the confirmation opens
    with focus on it, and its button names the action. Returns that button."""
    label = i(f"interview.outcome.{outcome}")
    recruiter.page.get_by_role("button", name=label, exact=True).click()
    chosen = recruiter.page.locator(f"#interview-outcome-{outcome}[aria-pressed='true']")
    chosen.wait_for()
    confirm = recruiter.page.get_by_role("button", name=i(action, outcome=label))
    confirm.wait_for()
    assert recruiter.focused()["id"] == "interview-outcome-confirm"
    return confirm


def recorded_as(recruiter: Ui, outcome: str) -> None:
    recorded = i("interview.outcome.recorded", outcome=i(f"interview.outcome.{outcome}"))
    recruiter.page.locator("#interview-outcome-recorded").filter(has_text=recorded).wait_for()


def still_running(candidate: Ui, recruiter: Ui, interview_id: str) -> None:
    """Nothing recorded, nobody out of the room, the chat still open."""
    found = stored(candidate.server, interview_id)
    assert found["ticket"] == "in_interview", found
    assert found["record"] is not None, found
    assert found["record"]["outcome"] is None, found
    assert found["record"]["ended_at"] is None, found
    for who in (candidate, recruiter):
        who.page.locator("#interview-room-title").wait_for(state="attached")
        assert who.page.get_by_role("heading", name=i("interview.ended.title")).count() == 0
    candidate.page.get_by_label(i("interview.chat.label")).wait_for()


def interview_walk(candidate: Ui, recruiter: Ui, *, screenshots: bool) -> None:
    interview_id, _ = into_the_room(candidate, recruiter)

    # The lobby's device check: the fake camera's preview and microphone are found.
    for who in (candidate, recruiter):
        who.page.get_by_text(i("interview.lobby.camera_ok")).wait_for()
        who.page.get_by_text(i("interview.lobby.mic_ok")).wait_for()
    if screenshots:
        screenshots_of(candidate, "lobby")
    joined = time.monotonic()
    # By keyboard for the candidate.
    candidate.tab_to("#interview-join-video")
    candidate.page.keyboard.press("Enter")
    candidate.page.locator("#interview-room-title").wait_for(state="attached")
    join_with_video(recruiter)
    both_decode([candidate, recruiter], joined)
    for who in (candidate, recruiter):
        # The indicator shows a level measured from getStats (how good depends on load).
        measured = ":is([data-level='good'], [data-level='fair'], [data-level='poor'])"
        indicator = who.page.locator(f"#interview-quality{measured}")
        indicator.wait_for()
        level = indicator.get_attribute("data-level")
        label = i("interview.quality.label", level=i(f"interview.quality.{level}"))
        assert indicator.inner_text() == label
        who.settle()

    # The chat is kept with the interview and reaches the other side.
    message = "你好，能听到我吗？"
    candidate.page.get_by_label(i("interview.chat.label")).fill(message)
    candidate.page.get_by_role("button", name=i("interview.chat.send")).click()
    recruiter.page.get_by_role("log").get_by_text(message).wait_for()

    # A reload comes back into the same room (no lobby), with the chat kept, and the
    # video flows again both ways on fresh connections.
    candidate.reload()
    candidate.page.locator("#interview-room-title").wait_for(state="attached")
    candidate.page.get_by_role("log").get_by_text(message).wait_for()
    both_decode([candidate, recruiter], time.monotonic())

    # Audio only, by the recruiter's choice: video stops both ways (renegotiated), and
    # comes back on "back to audio and video".
    recruiter.page.get_by_role("button", name=i("interview.room.to_audio")).click()
    no_video = i("interview.peer.no_video")
    for who in (candidate, recruiter):
        who.page.locator(".interview-tile-state").filter(has_text=no_video).wait_for()
    recruiter.page.get_by_role("button", name=i("interview.room.back_to_media")).click()
    both_decode([candidate, recruiter], time.monotonic())

    # Mute shows as pressed (keyboard: Tab to it, Enter).
    candidate.tab_to("#interview-mute")
    candidate.page.keyboard.press("Enter")
    candidate.page.locator("#interview-mute[aria-pressed='true']").wait_for()

    if screenshots:
        for who in (candidate, recruiter):
            screenshots_of(who, "call")

    # An outcome button only chooses: the recruiter is asked to confirm the end, and
    # Cancel (here Escape, by keyboard) leaves the interview running on both sides.
    recruiter.page.get_by_label(i("interview.panel.notes")).fill("Python 扎实，三月可到岗")
    end_with = outcome_confirmation(recruiter, "offer_intent", "interview.outcome.confirm_end")
    recruiter.settle()  # axe-core on the open confirmation
    recruiter.page.locator("#interview-outcome-confirm").focus()
    if screenshots:
        screenshots_of(recruiter, "confirm")
    recruiter.page.keyboard.press("Escape")
    recruiter.page.locator("#interview-outcome-confirm").wait_for(state="detached")
    assert recruiter.focused()["id"] == "interview-outcome-offer_intent"
    assert end_with.count() == 0
    still_running(candidate, recruiter, interview_id)

    # A mis-click confirmed: 不合适 (not_suitable), by keyboard. Both sides see the end.
    outcome_confirmation(recruiter, "not_suitable", "interview.outcome.confirm_end")
    recruiter.tab_to("#interview-outcome-confirm-button")
    recruiter.page.keyboard.press("Enter")
    recorded_as(recruiter, "not_suitable")
    candidate.page.get_by_role("heading", name=i("interview.ended.title")).wait_for()
    candidate.page.get_by_text(i("interview.chat.closed")).wait_for()
    assert candidate.page.locator("#interview-room-title").count() == 0
    assert stored(candidate.server, interview_id)["record"]["outcome"] == "not_suitable"
    recruiter.settle()
    candidate.settle()

    # The recruiter notices and changes it to 达成意向 (the notes come along).
    recruiter.page.get_by_role("button", name=i("interview.outcome.change")).click()
    notes = recruiter.page.get_by_label(i("interview.panel.notes"))
    assert notes.input_value() == "Python 扎实，三月可到岗"
    outcome_confirmation(recruiter, "offer_intent", "interview.outcome.confirm_change")
    recruiter.settle()
    recruiter.page.locator("#interview-outcome-confirm-button").click()
    recorded_as(recruiter, "offer_intent")
    recruiter.settle()

    found = stored(candidate.server, interview_id)
    assert found["ticket"] == "done", found
    record = found["record"]
    assert record is not None, found
    assert record["outcome"] == "offer_intent"
    assert record["notes"] == "Python 扎实，三月可到岗"
    assert record["ended_at"] is not None
    assert record["ended_at"] >= record["started_at"]
    assert found["attendees"] == 2
    assert found["chat"] == 1


def test_a_called_candidate_and_the_recruiter_see_each_other_and_record_an_offer_intent(
    ui: Ui, ui_on: Callable[[LiveServer, str], Ui], live_server: LiveServer
) -> None:
    candidate = ui
    recruiter = ui_on(live_server, "recruiter")
    interview_walk(candidate, recruiter, screenshots=True)


def test_the_same_interview_works_with_the_two_people_on_two_server_nodes(
    ui: Ui, ui_on: Callable[[LiveServer, str], Ui], second_node: LiveServer
) -> None:
    candidate = ui  # on the first node
    recruiter = ui_on(second_node, "recruiter-node2")
    assert recruiter.server.url != candidate.server.url
    interview_walk(candidate, recruiter, screenshots=False)


def test_a_candidate_without_camera_permission_joins_with_audio_and_sees_the_recruiter(
    ui: Ui, ui_on: Callable[[LiveServer, str], Ui], live_server: LiveServer
) -> None:
    candidate = ui
    candidate.page.context.add_init_script(NO_CAMERA)
    recruiter = ui_on(live_server, "recruiter")
    interview_id, _ = into_the_room(candidate, recruiter)

    # The device check says why and offers audio or text, not video.
    candidate.page.locator("#interview-permission").filter(
        has_text=i("interview.lobby.denied")
    ).wait_for()
    candidate.page.get_by_text(i("interview.lobby.camera_missing")).wait_for()
    candidate.page.get_by_text(i("interview.lobby.mic_ok")).wait_for()
    assert candidate.page.locator("#interview-join-video").count() == 0
    candidate.settle()
    joined = time.monotonic()
    candidate.page.get_by_role("button", name=i("interview.lobby.join_audio")).click()
    candidate.page.locator("#interview-room-title").wait_for(state="attached")
    join_with_video(recruiter)

    # The controls follow what the candidate sends: audio, so "audio only" is not
    # offered, "back to audio and video" and "text only" are.
    controls = candidate.page.get_by_role("group", name=i("interview.room.controls"))
    controls.get_by_role("button", name=i("interview.room.back_to_media")).wait_for()
    controls.get_by_role("button", name=i("interview.room.to_text")).wait_for()
    assert controls.get_by_role("button", name=i("interview.room.to_audio")).count() == 0

    # The candidate sees the recruiter; the recruiter hears the candidate, without video.
    both_decode([candidate], joined)
    decoding = time.monotonic()
    recruiter.page.locator(".interview-tile[data-state='no_video']").wait_for()
    deadline = time.monotonic() + FRAMES_BOUND_S
    while remote_video(recruiter).get("audioBytes", 0) == 0:
        assert time.monotonic() < deadline, remote_video(recruiter)
        time.sleep(0.25)
    recruiter.settle()

    # Sending no video is the candidate's choice, not a weak network: past the samples
    # the fallback counts (a sample every 2 s), the call has not stepped down and the
    # recruiter's video still reaches the candidate. (Waiting for something not to
    # happen: a bounded sleep is the honest way.)
    time.sleep(max(0.0, decoding + FALLBACK_SAMPLES_S - time.monotonic()))
    assert candidate.page.locator("#interview-fallback").count() == 0
    both_decode([candidate], time.monotonic())

    # "Back to audio and video" asks for the camera: refused again, it says so and the
    # call goes on with audio.
    controls.get_by_role("button", name=i("interview.room.back_to_media")).click()
    candidate.page.locator("#interview-error").filter(
        has_text=i("interview.room.devices_failed")
    ).wait_for()
    assert controls.get_by_role("button", name=i("interview.room.to_audio")).count() == 0
    candidate.settle()

    # One click on "leave" ends the interview for both: the record says ended, and the
    # recruiter can still record the outcome afterwards.
    candidate.page.get_by_role("button", name=i("interview.room.leave")).click()
    for who in (candidate, recruiter):
        who.page.get_by_role("heading", name=i("interview.ended.title")).wait_for()
        assert who.page.locator("#interview-room-title").count() == 0
    record = candidate.page.evaluate(
        "async (id) => (await fetch(`/api/interviews/${id}`)).json()", interview_id
    )
    assert record["state"] == "ended", record
    assert record["ended_at"] is not None, record
    assert stored(candidate.server, interview_id)["ticket"] == "done"
    candidate.settle()
    recruiter.settle()

    # A recruiter who moved on before writing the outcome finds the interview again on
    # "my booths", and goes back to its page from there to record it.
    recruiter.goto("/me/booths")
    awaiting = recruiter.page.locator(f"#my-awaiting li[data-interview='{interview_id}']")
    awaiting.get_by_role("link", name=q("zh-CN", "queue.my_booths.awaiting_record")).click()
    recruiter.page.wait_for_url(f"**/interviews/{interview_id}")
    recruiter.settle()
    outcome_confirmation(recruiter, "next_round", "interview.outcome.confirm_record")
    recruiter.page.locator("#interview-outcome-confirm-button").click()
    recorded_as(recruiter, "next_round")
    recruiter.goto("/me/booths")
    recruiter.page.locator("#my-booths").wait_for()
    assert recruiter.page.locator("#my-awaiting").count() == 0


# The fallback's rule, run in the browser on its own module: weak samples in a row.
LADDER = """async () => {
  const q = await import('/components/interview-quality.js');
  const sample = (at, packets, lost, frames, rtt, more = {}) => ({
    at, rtt, outgoingBps: 1e6, packetsReceived: packets, packetsLost: lost,
    framesDecoded: frames, bytesReceived: packets * 1000, videoInbound: true,
    videoOutbound: true, localCandidateType: 'host', ...more });
  const good = q.assess(sample(0, 100, 0, 0, 0.02), sample(2, 300, 0, 60, 0.02));
  const lossy = q.assess(sample(0, 100, 0, 0, 0.05), sample(2, 200, 20, 50, 0.05));
  const slowCamera = q.assess(sample(0, 100, 0, 0, 0.02), sample(2, 300, 0, 4, 0.02));
  const silent = q.assess(sample(0, 100, 0, 0, 0.02), sample(2, 100, 0, 0, 0.02));
  // A low outgoing estimate (Chromium's, with audio alone going out), with and
  // without video of ours on the way.
  const narrow = (videoOutbound) => q.assess(
    sample(0, 100, 0, 0, 0.02, { outgoingBps: 40_000, videoOutbound }),
    sample(2, 300, 0, 60, 0.02, { outgoingBps: 40_000, videoOutbound }));
  const walk = (quality, steps) => {
    let state = { rung: 'video', weak: 0 };
    const rungs = [];
    for (let i = 0; i < steps; i += 1) {
      state = q.nextRung(state, quality);
      rungs.push(state.rung);
    }
    return rungs;
  };
  return {
    levels: [good.level, lossy.level, slowCamera.level, silent.level],
    lossy: walk(lossy, 8),
    slowCamera: walk(slowCamera, 8),
    silent: walk(silent, 8),
    noVideoSent: walk(narrow(false), 8),
    videoStarved: walk(narrow(true), 8),
    noVideoSentTooWeak: q.tooWeakForVideo(narrow(false)),
  };
}"""


def test_the_fallback_steps_down_on_a_weak_network_but_not_on_a_slow_camera_or_no_video_sent(
    ui: Ui,
) -> None:
    ui.goto("/")
    result = ui.page.evaluate(LADDER)
    assert result["levels"] == ["good", "poor", "poor", "none"]
    # 17 % loss: four weak samples to audio only, four more to text.
    assert result["lossy"] == ["video"] * 3 + ["audio"] * 4 + ["text"]
    # A camera at 2 fps shows as poor, but the network is fine: video stays.
    assert result["slowCamera"] == ["video"] * 8
    # Nothing arriving (the other side sends nothing) is not a weak network either.
    assert result["silent"] == ["video"] * 8
    # A low outgoing estimate starves video we send; when we send none (joined with
    # audio or text only) it is only the estimate of an audio stream: no step down.
    assert result["videoStarved"] == ["video"] * 3 + ["audio"] * 5
    assert result["noVideoSent"] == ["video"] * 8
    assert result["noVideoSentTooWeak"] is False

    # What a person sends, whatever the call carries: the room's controls follow it.
    sending = ui.page.evaluate(SENDING)
    assert sending == {
        "video": "video",
        "audio": "audio",
        "text": "text",
        "videoAtAudio": "audio",
        "videoAtText": "text",
        "audioAtVideo": "audio",
        "audioThenCamera": "video",
    }


# What a call says its person sends (`sending`), by the tracks they joined with and the
# call's rung.
SENDING = """async () => {
  const { InterviewCall } = await import('/components/interview-call.js');
  const devices = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const calls = [];
  const call = (tracks, rung = null) => {
    const made = new InterviewCall({ room: 'sending', iceServers: [], send: () => true });
    made.start(new MediaStream(tracks));
    if (rung) made.setRung(rung);
    calls.push(made);
    return made.sending;
  };
  const result = {
    video: call(devices.getTracks()),
    audio: call(devices.getAudioTracks()),
    text: call([]),
    videoAtAudio: call(devices.getTracks(), 'audio'),
    videoAtText: call(devices.getTracks(), 'text'),
    audioAtVideo: call(devices.getAudioTracks(), 'video'),
  };
  // Joined with audio only, then the camera turned on ("back to audio and video").
  const later = new InterviewCall({ room: 'sending', iceServers: [], send: () => true });
  later.start(new MediaStream(devices.getAudioTracks()));
  later.addLocalTrack(devices.getVideoTracks()[0]);
  calls.push(later);
  result.audioThenCamera = later.sending;
  for (const made of calls) made.close({ bye: false });
  return result;
}"""


# Two interview calls in one page, joined by a relay this script holds: the recruiter's
# offer (and its candidates) is kept until the candidate's new connection starts its own
# offer, then delivered at once, so the two offers cross as they do when two people join
# at the same moment (on two server nodes, every time). What the candidate's connection
# went through is recorded: its first local candidate ("gathered") and its signaling
# states (the polite side's rollback shows as "stable").
CROSSING_OFFERS = """async () => {
  const { InterviewCall } = await import('/components/interview-call.js');
  const room = 'crossing';
  const sessions = { C: 'c1', R: 'r1' };
  const calls = {};
  const held = [];
  let holding = true;
  const deliver = (to, from, data) =>
    calls[to].handle({ op: 'signal', room, from, data: { ...data, session: sessions[from] } });
  for (const me of ['C', 'R']) {
    calls[me] = new InterviewCall({ room, iceServers: [], send: ({ to, ...data }) => {
      if (!to) return true;
      if (me === 'R' && holding) held.push(() => deliver(to, me, data));
      else deliver(to, me, data);
      return true;
    }});
    calls[me].start(await navigator.mediaDevices.getUserMedia({ audio: true, video: true }));
  }
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const peer = (to, id, role, polite) => calls[to].handle({ op: 'signal', room, from: 'server',
    data: { type: 'peer', peer: { id, role, session: sessions[id], polite } } });
  await peer('R', 'C', 'candidate', false);
  while (held.length === 0) await sleep(10);
  await peer('C', 'R', 'recruiter', true);
  const pc = calls.C.peers.get('R').pc;
  const order = [];
  pc.addEventListener('icecandidate', () => order.push('gathered'), { once: true });
  pc.addEventListener('signalingstatechange', () => order.push(pc.signalingState));
  pc.addEventListener('negotiationneeded', () => {
    holding = false;
    for (const send of held.splice(0)) send();
  });
  const both = () => [calls.C.peers.get('R'), calls.R.peers.get('C')];
  const started = performance.now();
  while (both().some((p) => p.pc.connectionState !== 'connected')
         && performance.now() - started < 10000) {
    await sleep(50);
  }
  const states = both().map((p) => p.pc.connectionState);
  for (const call of Object.values(calls)) call.close({ bye: false });
  return { order, states };
}"""


def test_offers_crossing_on_new_connections_connect_after_the_polite_side_has_gathered(
    ui: Ui,
) -> None:
    """Two offers cross on brand-new connections; the candidate's side (polite) lets its
    own offer gather a candidate before the recruiter's offer rolls it back, and the two
    connect.

    The order is asserted, not only the connection: rolled back before it had gathered,
    a Chromium connection sometimes never gathers again (no candidate for the answer or
    for any ICE restart, both sides "new" until the watchdog rebuilds the call) — on a
    loaded machine often enough to fail the two-node walk, too rarely to catch here.
    """
    ui.goto("/")
    for _ in range(3):
        result = ui.page.evaluate(CROSSING_OFFERS)
        order = result["order"]
        assert order[0] == "have-local-offer", result  # its own offer was set first
        assert "gathered" in order, result
        assert order.index("gathered") < order.index("stable"), result
        assert order[-1] == "stable", result
        assert result["states"] == ["connected", "connected"], result


@pytest.mark.coturn
def test_a_browser_with_livefairs_turn_credentials_gathers_a_relay_candidate(
    ui: Ui, ui_on: Callable[[LiveServer, str], Ui], live_server: LiveServer, coturn: Turn | str
) -> None:
    if not isinstance(coturn, Turn):
        missing("coturn", coturn)
    candidate = ui
    recruiter = ui_on(live_server, "recruiter")
    interview_id, _ = into_the_room(candidate, recruiter)
    # The lobby asked for the camera, so this page offers raw addresses, as in a call.
    candidate.page.get_by_text(i("interview.lobby.camera_ok")).wait_for()

    probe = candidate.page.evaluate(RELAY_PROBE, interview_id)
    assert probe["urls"] == [coturn.url], probe  # livefair's TURN only, nothing public
    assert "relay" in probe["types"], (probe, coturn.log.read_text(errors="replace")[-2000:])
    assert probe["state"] == "connected", probe
    assert probe["selected"] == "relay", probe

    # Free the recruiter for whatever comes next: record an outcome.
    outcome_confirmation(recruiter, "no_show", "interview.outcome.confirm_end")
    recruiter.page.locator("#interview-outcome-confirm-button").click()
    recorded_as(recruiter, "no_show")
