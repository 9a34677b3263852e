"""WHIP ingest and WHEP egress: the peer connections around the relay.

:class:`MediaEdge` turns an SDP offer into an answer and a session, and back into
nothing on ``DELETE``. It knows nothing about HTTP, tokens or the database: the API
layer authorises first and then calls it.

aiortc is always the **answerer**: it cannot roll back, and a browser or encoder that
offers works with every WHIP/WHEP client. Before the offer is applied, the edge creates
its own transceivers with codec preferences, so aiortc negotiates exactly the codec the
relay forwards (aiortc matches an offer's m-line to an existing transceiver of that
kind). Candidates are all gathered before the answer is returned (no trickle).

Peer connections use only the ICE servers they are given — never aiortc's default
public STUN server.

A publisher connection that drops without ``DELETE`` leaves its viewers connected for
``publisher_grace`` seconds, waiting for a reconnect; past that, the broadcast ends on
this process. That wait is a property of in-memory media state that dies with the
process, so it is a plain loop timer, not a durable timer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpReceiver,
    RTCRtpSender,
    RTCSessionDescription,
)

from signaling import encoded
from signaling.errors import (
    BroadcastFull,
    CodecMismatch,
    NotLive,
    SdpError,
    SessionNotFound,
)
from signaling.peers import CLOSE_TIMEOUT, close_quietly
from signaling.relay import KEYFRAME_INTERVAL, BroadcastRelay, Viewer
from signaling.sdp import (
    VideoChoice,
    VideoCodec,
    add_bitrate_hints,
    check_publish,
    check_view,
    choose_video,
    has_opus,
    parse_offer,
)

log = logging.getLogger(__name__)

PUBLISHER_GRACE = 60.0
RETRY_AFTER = 10

GoneCallback = Callable[[str, str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Answer:
    session_id: str
    sdp: str
    codec: VideoCodec


@dataclass(slots=True)
class _Publisher:
    id: str
    broadcast_id: str
    pc: RTCPeerConnection
    feed: Any = None
    credential: bytes = b""
    pulled: bool = False  # a copy pulled from the owner node, not a WHIP publisher


@dataclass(slots=True)
class _Viewing:
    id: str
    broadcast_id: str
    pc: RTCPeerConnection
    viewer: Viewer | None = None


@dataclass(slots=True)
class _Broadcast:
    relay: BroadcastRelay
    publisher: _Publisher | None = None
    viewings: dict[str, _Viewing] = field(default_factory=dict)
    grace: asyncio.TimerHandle | None = None


def _preferences(kind: str, choice: VideoChoice | None) -> list[Any]:
    """aiortc codec capabilities for exactly what is forwarded (+ RTX for video)."""
    codecs = RTCRtpSender.getCapabilities(kind).codecs
    if kind == "audio":
        return [c for c in codecs if c.mimeType.lower() == "audio/opus"]
    assert choice is not None
    wanted = f"video/{choice.codec.value}".lower()
    chosen = [c for c in codecs if c.mimeType.lower() == wanted]
    if choice.codec is VideoCodec.H264:
        # The offer's own profile first: the answer then names what is really sent.
        first = [c for c in chosen if c.parameters.get("profile-level-id") in choice.profiles]
        chosen = first + [c for c in chosen if c not in first]
    rtx = [c for c in codecs if c.mimeType.lower() == "video/rtx"]
    return chosen + rtx


def _new_id() -> str:
    return secrets.token_urlsafe(18)


class MediaEdge:
    """Every WHIP and WHEP session of this process, and the relays between them."""

    def __init__(
        self,
        *,
        viewer_cap: int,
        ice_servers: Callable[[], Sequence[Any]] = tuple,
        keyframe_interval: float = KEYFRAME_INTERVAL,
        publisher_grace: float = PUBLISHER_GRACE,
        retry_after: int = RETRY_AFTER,
        on_publisher_gone: GoneCallback | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if viewer_cap < 0:
            raise ValueError("viewer_cap must be >= 0")
        encoded.check_aiortc()
        self.viewer_cap = viewer_cap
        self._ice_servers = ice_servers
        self._keyframe_interval = keyframe_interval
        self._publisher_grace = publisher_grace
        self._retry_after = retry_after
        self._on_publisher_gone = on_publisher_gone
        self._monotonic = monotonic
        self._broadcasts: dict[str, _Broadcast] = {}
        self._reserved = 0  # viewer slots held while an offer is being answered
        self._pull_locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    # -- queries ---------------------------------------------------------------------

    @property
    def viewers(self) -> int:
        return sum(len(b.viewings) for b in self._broadcasts.values())

    def relay(self, broadcast_id: str) -> BroadcastRelay | None:
        entry = self._broadcasts.get(broadcast_id)
        return None if entry is None else entry.relay

    def publishing(self) -> list[tuple[str, str]]:
        """``(broadcast id, WHIP session id)`` of every connected publisher."""
        return [
            (broadcast_id, entry.publisher.id)
            for broadcast_id, entry in self._broadcasts.items()
            if entry.publisher is not None and not entry.publisher.pulled
        ]

    def has_source(self, broadcast_id: str) -> bool:
        """A publisher or a pulled copy feeds the broadcast here."""
        entry = self._broadcasts.get(broadcast_id)
        return entry is not None and entry.publisher is not None

    def publisher_credential(self, broadcast_id: str, session_id: str) -> bytes | None:
        entry = self._broadcasts.get(broadcast_id)
        if entry is None or entry.publisher is None or entry.publisher.id != session_id:
            return None
        return entry.publisher.credential

    def _pc(self) -> RTCPeerConnection:
        # iceServers is always a list: None would make aiortc use a public STUN server.
        # It is asked for per connection, so TURN credentials are always fresh.
        return RTCPeerConnection(RTCConfiguration(iceServers=list(self._ice_servers())))

    # -- WHIP ------------------------------------------------------------------------

    async def publish(
        self,
        broadcast_id: str,
        offer_sdp: str,
        *,
        fixed: VideoCodec | None = None,
        credential: bytes = b"",
    ) -> Answer:
        """Answer a publisher's offer. A publisher already connected is replaced.

        ``fixed`` is the broadcast's video codec if it has one (from its first
        publish); the offer must include it. ``credential`` identifies what authorised
        this session (the API keeps the token hash) so DELETE can check it later.
        """
        self._check_open()
        offer = parse_offer(offer_sdp)
        check_publish(offer)
        _one_each(offer_sdp)
        entry = self._broadcasts.get(broadcast_id)
        if entry is not None and fixed is None:
            fixed = entry.relay.codec
        choice = choose_video(offer, fixed)
        if entry is not None and entry.relay.codec is not choice.codec:
            raise CodecMismatch(
                f"this broadcast's video is {entry.relay.codec.value} on this server; "
                f"the offer sends {choice.codec.value}"
            )
        pc = self._pc()
        try:
            video = pc.addTransceiver("video", direction="recvonly")
            video.setCodecPreferences(_preferences("video", choice))
            kinds = {"video": video}
            if has_opus(offer):
                audio = pc.addTransceiver("audio", direction="recvonly")
                audio.setCodecPreferences(_preferences("audio", None))
                kinds["audio"] = audio
            await _apply_offer(pc, offer_sdp)
            receivers: dict[str, RTCRtpReceiver] = {k: t.receiver for k, t in kinds.items()}
            answer = await _answer(pc)
        except BaseException:
            await close_quietly(pc)
            raise
        # From here on nothing awaits until the session is registered.
        entry = self._broadcasts.get(broadcast_id)
        if entry is None:
            relay = BroadcastRelay(
                broadcast_id,
                choice.codec,
                keyframe_interval=self._keyframe_interval,
                monotonic=self._monotonic,
            )
            entry = self._broadcasts[broadcast_id] = _Broadcast(relay)
        elif entry.relay.codec is not choice.codec:  # a concurrent first publish won
            await close_quietly(pc)
            raise CodecMismatch(f"this broadcast's video is {entry.relay.codec.value}")
        if entry.grace is not None:
            entry.grace.cancel()
            entry.grace = None
        previous = entry.publisher
        publisher = _Publisher(_new_id(), broadcast_id, pc, credential=credential)
        publisher.feed = entry.relay.attach(receivers)
        entry.publisher = publisher
        if previous is not None:
            log.info("broadcast %s: publisher %s replaced", broadcast_id, previous.id)
            entry.relay.detach(previous.feed)
            self._spawn(close_quietly(previous.pc))

        @pc.on("connectionstatechange")
        def _state() -> None:
            if pc.connectionState in ("failed", "closed"):
                self._publisher_dropped(publisher)

        log.info("broadcast %s: publisher %s (%s)", broadcast_id, publisher.id, choice.codec)
        return Answer(publisher.id, add_bitrate_hints(answer), choice.codec)

    def _publisher_dropped(self, publisher: _Publisher) -> None:
        entry = self._broadcasts.get(publisher.broadcast_id)
        if entry is None or entry.publisher is not publisher:
            return
        log.info("broadcast %s: publisher %s dropped", publisher.broadcast_id, publisher.id)
        entry.relay.detach(publisher.feed)
        entry.publisher = None
        self._spawn(close_quietly(publisher.pc))
        if self._on_publisher_gone is not None:
            self._spawn(self._on_publisher_gone(publisher.broadcast_id, publisher.id))
        loop = asyncio.get_running_loop()
        entry.grace = loop.call_later(
            self._publisher_grace, self._grace_over, publisher.broadcast_id
        )

    def _grace_over(self, broadcast_id: str) -> None:
        entry = self._broadcasts.get(broadcast_id)
        if entry is not None and entry.publisher is None:
            log.info("broadcast %s: no publisher came back; ending it here", broadcast_id)
            self._spawn(self.end(broadcast_id))

    async def unpublish(self, broadcast_id: str, session_id: str) -> None:
        """WHIP DELETE: the publisher ends the broadcast; every viewer is disconnected."""
        entry = self._broadcasts.get(broadcast_id)
        if entry is None or entry.publisher is None or entry.publisher.id != session_id:
            raise SessionNotFound(f"no publishing session {session_id}")
        await self.end(broadcast_id)

    async def end(self, broadcast_id: str) -> None:
        """End the broadcast on this process: close its publisher and all its viewers."""
        entry = self._broadcasts.pop(broadcast_id, None)
        self._pull_locks.pop(broadcast_id, None)
        if entry is None:
            return
        if entry.grace is not None:
            entry.grace.cancel()
        await entry.relay.aclose()
        connections = [v.pc for v in entry.viewings.values()]
        if entry.publisher is not None:
            connections.append(entry.publisher.pc)
        entry.viewings.clear()
        entry.publisher = None
        await asyncio.gather(*(close_quietly(pc) for pc in connections))

    # -- pulling from the owner node -------------------------------------------------

    async def pull(
        self,
        broadcast_id: str,
        codec: VideoCodec,
        exchange: Callable[[str], Awaitable[str]],
    ) -> None:
        """Receive the broadcast from its owner node and serve it here as its publisher.

        This node offers (aiortc cannot roll back, so the puller offers and the owner's
        WHEP answers): ``exchange`` sends the offer and returns the answer, or raises.
        Concurrent calls for one broadcast make one pull. When the pulled connection
        drops, the broadcast ends here at once: viewers come back and pull anew.
        """
        self._check_open()
        lock = self._pull_locks.setdefault(broadcast_id, asyncio.Lock())
        async with lock:
            if self.has_source(broadcast_id):
                return
            pc = self._pc()
            try:
                video = pc.addTransceiver("video", direction="recvonly")
                wanted = f"video/{codec.value}".lower()
                video.setCodecPreferences(
                    [
                        c
                        for c in RTCRtpSender.getCapabilities("video").codecs
                        if c.mimeType.lower() in (wanted, "video/rtx")
                    ]
                )
                audio = pc.addTransceiver("audio", direction="recvonly")
                audio.setCodecPreferences(_preferences("audio", None))
                await pc.setLocalDescription(await pc.createOffer())
                assert pc.localDescription is not None
                answer = await exchange(pc.localDescription.sdp)
                await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
            except BaseException:
                await close_quietly(pc)
                raise
            entry = self._broadcasts.get(broadcast_id)
            if entry is None:
                relay = BroadcastRelay(
                    broadcast_id,
                    codec,
                    keyframe_interval=self._keyframe_interval,
                    monotonic=self._monotonic,
                )
                entry = self._broadcasts[broadcast_id] = _Broadcast(relay)
            publisher = _Publisher(_new_id(), broadcast_id, pc, pulled=True)
            publisher.feed = entry.relay.attach({"video": video.receiver, "audio": audio.receiver})
            entry.publisher = publisher

            @pc.on("connectionstatechange")
            def _state() -> None:
                if pc.connectionState in ("failed", "closed"):
                    current = self._broadcasts.get(broadcast_id)
                    if current is not None and current.publisher is publisher:
                        log.info("broadcast %s: the pulled copy dropped", broadcast_id)
                        self._spawn(self.end(broadcast_id))

            log.info("broadcast %s: pulling from its owner node", broadcast_id)

    # -- WHEP ------------------------------------------------------------------------

    async def view(self, broadcast_id: str, offer_sdp: str, *, relay: bool = False) -> Answer:
        """Answer a viewer's offer: it receives the broadcast from its next keyframe.

        ``relay``: another node pulling its copy; it serves many, so the cap spares it.
        """
        self._check_open()
        entry = self._broadcasts.get(broadcast_id)
        if entry is None:
            raise NotLive(f"broadcast {broadcast_id} is not being published on this server")
        if not relay and self.viewers + self._reserved >= self.viewer_cap:
            raise BroadcastFull(self.viewer_cap, self._retry_after)
        offer = parse_offer(offer_sdp)
        check_view(offer)
        _one_each(offer_sdp)
        choice = choose_video(offer, entry.relay.codec)
        audio_wanted = has_opus(offer)
        if audio_wanted is False:
            raise SdpError("the audio section does not offer Opus")
        self._reserved += 1
        viewing = _Viewing(_new_id(), broadcast_id, self._pc())
        pc = viewing.pc
        try:
            viewer = entry.relay.add_viewer(viewing.id)
            viewing.viewer = viewer
            video = pc.addTransceiver(viewer.video, direction="sendonly")
            video.setCodecPreferences(_preferences("video", choice))
            encoded.on_keyframe_request(video.sender, entry.relay.viewer_asked_for_keyframe)
            if audio_wanted:
                audio = pc.addTransceiver(viewer.audio, direction="sendonly")
                audio.setCodecPreferences(_preferences("audio", None))
            await _apply_offer(pc, offer_sdp)
            answer = await _answer(pc)
        except BaseException:
            entry.relay.remove_viewer(viewing.id)
            await close_quietly(pc)
            raise
        finally:
            self._reserved -= 1
        if self._broadcasts.get(broadcast_id) is not entry:  # ended meanwhile
            entry.relay.remove_viewer(viewing.id)
            await close_quietly(pc)
            raise NotLive(f"broadcast {broadcast_id} ended")
        entry.viewings[viewing.id] = viewing

        @pc.on("connectionstatechange")
        def _state() -> None:
            if pc.connectionState in ("failed", "closed"):
                self._spawn(self._drop_viewer(broadcast_id, viewing.id))

        return Answer(viewing.id, answer, choice.codec)

    async def leave(self, broadcast_id: str, session_id: str) -> None:
        """WHEP DELETE."""
        entry = self._broadcasts.get(broadcast_id)
        if entry is None or session_id not in entry.viewings:
            raise SessionNotFound(f"no viewing session {session_id}")
        await self._drop_viewer(broadcast_id, session_id)

    async def _drop_viewer(self, broadcast_id: str, session_id: str) -> None:
        entry = self._broadcasts.get(broadcast_id)
        if entry is None:
            return
        viewing = entry.viewings.pop(session_id, None)
        if viewing is None:
            return
        entry.relay.remove_viewer(session_id)
        await close_quietly(viewing.pc)

    # -- lifecycle -------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise NotLive("the server is shutting down")

    def _spawn(self, coro: Awaitable[None]) -> None:
        async def run() -> None:
            await coro

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("media edge task failed", exc_info=task.exception())

    async def close(self) -> None:
        """Close every session (application shutdown)."""
        self._closed = True
        await asyncio.gather(*(self.end(b) for b in list(self._broadcasts)))
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, CLOSE_TIMEOUT)


def _one_each(offer_sdp: str) -> None:
    lines = offer_sdp.splitlines()
    for kind in ("video", "audio"):
        count = sum(1 for line in lines if line.startswith(f"m={kind} "))
        if count > 1:
            raise SdpError(f"the offer has {count} {kind} sections; livefair takes one of each")


async def _apply_offer(pc: RTCPeerConnection, offer_sdp: str) -> None:
    try:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise SdpError(f"the offer could not be applied: {exc}") from exc
    except Exception as exc:  # aiortc's InvalidStateError / OperationError and kin
        if type(exc).__module__.startswith("aiortc"):
            raise SdpError(f"the offer could not be applied: {exc}") from exc
        raise


async def _answer(pc: RTCPeerConnection) -> str:
    await pc.setLocalDescription(await pc.createAnswer())
    description = pc.localDescription
    if description is None:  # pragma: no cover - aiortc sets it above
        raise RuntimeError("aiortc produced no local description")
    sdp: str = description.sdp
    return sdp
