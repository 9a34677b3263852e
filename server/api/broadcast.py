"""Broadcasts over HTTP: WHIP ingest (RFC 9725), WHEP egress, ingest tokens.

::

    POST   /api/broadcasts                              createBroadcast    operator token
    POST   /api/broadcasts/{id}/ingest-token            rotateIngestToken  operator or ingest token
    POST   /api/broadcasts/{id}/whip                    whipPublish        ingest token, SDP offer
    DELETE /api/broadcasts/{id}/whip/{session}          whipDelete         ingest token
    POST   /api/broadcasts/{id}/whep                    whepView           anyone, SDP offer
    DELETE /api/broadcasts/{id}/whep/{session}          whepDelete         the session URL

WHIP and WHEP answer ``201`` with the SDP answer and the session's ``Location``;
``DELETE`` on it ends the session (a publisher's ``DELETE`` ends the broadcast for its
viewers). Trickle ICE (``PATCH``) is not offered: ``405``; clients send their
candidates in the offer. ICE servers the server is configured with are listed in
``Link: <…>; rel="ice-server"`` headers.

A featured session's broadcast has the session's id: its hosts get the ingest token
from ``issueSessionIngest`` (server/api/sessions_live.py) and may rotate it signed in;
it takes a publisher only in the session's lobby and while live, and viewers only while
live. The operator token (``signaling.tokens.operator_token``) remains for standalone
broadcasts (the broadcast test pages, benchmarks).

The media itself is :class:`signaling.whip.MediaEdge`, one per process, kept under
:data:`MEDIA_EDGE`; :func:`setup` starts and stops it with the application.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import aiohttp
import asyncpg
from aiohttp import web
from multidict import CIMultiDict
from pydantic import AwareDatetime, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from server.api.auth import FEATURE_BEARER_PREFIXES, principal_of
from server.api.routing import Api, Call, Model, read_body
from server.appkeys import CLOCK, POOL, SETTINGS
from server.errors import FieldError, Problem
from server.ids import uuid7
from server.store import broadcast as store
from server.store import programme as programme_store
from server.store import sessions_live as live_store
from signaling import tokens
from signaling.errors import (
    BroadcastFull,
    CodecMismatch,
    NotLive,
    SdpError,
    SessionNotFound,
    SignalingError,
)
from signaling.ice import aiortc_ice_servers, ice_servers_for, link_headers
from signaling.nodes import REFRESH_S, LocalOwners, Owners, RedisOwners
from signaling.sdp import MAX_SDP_BYTES, VideoCodec
from signaling.whip import Answer, MediaEdge

SDP = "application/sdp"
DEFAULT_VIEWER_CAP = 100  # bench/RESULTS.md: ~0.5% of a core per 720p viewer; keep headroom
# The TURN "account" the server's own peer connections use.
SERVER_ICE_ACCOUNT = "livefair-server"

# A featured session's broadcast (same id) takes a publisher in these session states.
PUBLISHING_STATES = frozenset({"lobby", "live"})

log = logging.getLogger(__name__)


@dataclass
class Cluster:
    """How this node finds a broadcast's owner node and talks to it.

    ``node_url`` is where the other nodes reach this one (``LIVEFAIR_NODE_URL``, else
    the public URL); tests with several in-process nodes set it once their port is known.
    """

    owners: Owners
    node_url: str
    node_token: str
    http: aiohttp.ClientSession | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def owner_elsewhere(self, broadcast_id: UUID) -> str | None:
        try:
            owner = await self.owners.owner(str(broadcast_id))
        except Exception:  # the registry is an optimisation: without it, stay local
            log.warning("broadcast %s: the owner registry failed", broadcast_id, exc_info=True)
            return None
        return owner if owner is not None and owner != self.node_url else None

    async def claim(self, broadcast_id: str) -> None:
        try:
            await self.owners.claim(broadcast_id, self.node_url)
        except Exception:
            log.warning("broadcast %s: claiming ownership failed", broadcast_id, exc_info=True)

    async def release(self, broadcast_id: str) -> None:
        try:
            await self.owners.release(broadcast_id, self.node_url)
        except Exception:
            log.warning("broadcast %s: releasing ownership failed", broadcast_id, exc_info=True)


CLUSTER = web.AppKey("broadcast_cluster", Cluster)
MEDIA_EDGE = web.AppKey("media_edge", MediaEdge)
VIEWER_CAP = web.AppKey("broadcast_viewer_cap", int)
"""Set before start-up to change the per-process viewer cap (tests; later a setting)."""


class BroadcastIn(Model):
    title: str = Field(min_length=1, max_length=200)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    fair_id: UUID | None = None

    @field_validator("ends_at")
    @classmethod
    def _after_start(cls, value: datetime, info: ValidationInfo) -> datetime:
        starts_at = info.data.get("starts_at")
        if starts_at is not None and value <= starts_at:
            raise PydanticCustomError(
                "broadcast.ends_before_start", "ends_at must be after starts_at"
            )
        return value


class IngestToken(Model):
    ingest_token: str = Field(description="Shown once: only its SHA-256 is stored.")
    ingest_token_expires_at: datetime
    whip_url: str


class BroadcastCreated(IngestToken):
    id: UUID
    fair_id: UUID | None
    title: str
    starts_at: datetime
    ends_at: datetime
    whep_url: str
    host_page: str
    viewer_page: str


class RotateIn(Model):
    """An empty object (``{}``); rotating takes no parameters."""


class Ended(Model):
    ended: bool


def _problem(exc: SignalingError) -> Problem:
    if isinstance(exc, CodecMismatch):
        return Problem("broadcast.codec_mismatch", exc.reason, extra={"reason": exc.reason})
    if isinstance(exc, SdpError):
        return Problem("broadcast.bad_sdp", exc.reason, extra={"reason": exc.reason})
    if isinstance(exc, BroadcastFull):
        return Problem(
            "broadcast.full",
            str(exc),
            headers={"Retry-After": str(exc.retry_after)},
            # Other nodes' WHEP URLs, once livefair knows them (multi-node).
            extra={"alternatives": []},
        )
    if isinstance(exc, NotLive):
        return Problem("broadcast.not_live", str(exc))
    if isinstance(exc, SessionNotFound):
        return Problem("broadcast.not_found", str(exc))
    return Problem("server.error", "the media server failed")  # pragma: no cover


def _unauthorised(message: str, error: str | None = None) -> Problem:
    challenge = 'Bearer realm="livefair"'
    if error:
        challenge += f', error="{error}"'
    return Problem("auth.required", message, headers={"WWW-Authenticate": challenge})


def _secret_key(app: web.Application) -> str:
    key = app[SETTINGS].secret_key
    if key is None:  # pragma: no cover - create_app always sets one
        raise RuntimeError("the application has no secret key")
    return key.reveal()


async def _sdp_body(request: web.Request) -> str:
    raw = await read_body(request, MAX_SDP_BYTES, (SDP,))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem("broadcast.bad_sdp", "the offer is not UTF-8 text") from None


async def _ingest_owner(app: web.Application, token: str) -> UUID | None:
    async with app[POOL].acquire() as conn:
        return await store.find_ingest_token(conn, tokens.digest(token), app[CLOCK].now())


async def _authorise_ingest(call: Call[Any, Any], broadcast_id: UUID) -> bytes:
    """The digest of a current ingest token of ``broadcast_id``; 401 or 403 otherwise."""
    token = tokens.bearer(call.request.headers.get("Authorization"))
    if token is None:
        raise _unauthorised("publishing needs the broadcast's ingest token (Bearer)")
    owner = await _ingest_owner(call.app, token)
    if owner is None:
        raise _unauthorised("the ingest token is unknown, rotated or expired", "invalid_token")
    if owner != broadcast_id:
        raise Problem("auth.forbidden", "this ingest token belongs to another broadcast")
    return tokens.digest(token)


async def _authorise_host(call: Call[Any, Any], broadcast_id: UUID) -> None:
    """A signed-in host of the featured session whose broadcast this is."""
    principal = await principal_of(call.request)
    if principal.is_anonymous:
        raise _unauthorised("rotating needs a host's sign-in, the operator or the ingest token")
    async with call.app[POOL].acquire() as conn:
        session = await programme_store.get_session(conn, broadcast_id)
    if session is None or principal.account_id not in session["hosts"]:
        raise Problem("auth.forbidden", "only the featured session's hosts rotate its token")


def _authorise_operator(call: Call[Any, Any]) -> None:
    token = tokens.bearer(call.request.headers.get("Authorization"))
    if token is None:
        raise _unauthorised("this action needs the operator token (Bearer)")
    if not tokens.is_operator_token(token, _secret_key(call.app)):
        raise _unauthorised("not the operator token", "invalid_token")


def _urls(app: web.Application, broadcast_id: UUID) -> dict[str, str]:
    base = app[SETTINGS].public_url
    return {
        "whip_url": f"{base}/api/broadcasts/{broadcast_id}/whip",
        "whep_url": f"{base}/api/broadcasts/{broadcast_id}/whep",
        "host_page": f"{base}/broadcast/host.html?broadcast={broadcast_id}",
        "viewer_page": f"{base}/broadcast/watch.html?broadcast={broadcast_id}",
    }


async def new_ingest_token(
    app: web.Application, conn: Any, broadcast_id: UUID, ends_at: datetime
) -> tuple[str, datetime]:
    token = tokens.ingest_token(secrets.token_bytes(tokens.TOKEN_BYTES))
    expires_at = tokens.ingest_expiry(ends_at)
    await store.replace_ingest_token(
        conn,
        token_id=uuid7(),
        broadcast_id=broadcast_id,
        token_sha256=tokens.digest(token),
        expires_at=expires_at,
        now=app[CLOCK].now(),
    )
    return token, expires_at


def _sdp_response(app: web.Application, path: str, answer: Answer, account: str) -> web.Response:
    headers: CIMultiDict[str] = CIMultiDict()
    headers["Location"] = f"{path}/{answer.session_id}"
    headers["Cache-Control"] = "no-store"
    for link in link_headers(ice_servers_for(app[SETTINGS], account, app[CLOCK].now())):
        headers.add("Link", link)
    return web.Response(status=201, text=answer.sdp, content_type=SDP, headers=headers)


def _from_node(call: Call[Any, Any]) -> bool:
    """Sent by another node of this deployment (a pull or a proxied request)."""
    return tokens.is_node_token(call.request.headers.get(tokens.NODE_HEADER), _secret_key(call.app))


async def _proxy(call: Call[Any, Any], owner: str) -> web.Response:
    """Forward the request to the owner node as it came (with its Authorization)."""
    cluster = call.app[CLUSTER]
    assert cluster.http is not None
    headers = {tokens.NODE_HEADER: cluster.node_token}
    if "Authorization" in call.request.headers:
        headers["Authorization"] = call.request.headers["Authorization"]
    try:
        async with cluster.http.request(
            call.request.method, owner + call.request.path_qs, headers=headers
        ) as answer:
            body = await answer.read()
            kind = answer.headers.get("Content-Type", "application/json")
            return web.Response(status=answer.status, body=body, headers={"Content-Type": kind})
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise Problem("server.unavailable", "the broadcast's node does not answer") from exc


async def _pull(call: Call[Any, Any], broadcast_id: UUID, codec: VideoCodec, owner: str) -> None:
    """Make this node serve the broadcast from a copy pulled over WHEP from its owner."""
    cluster = call.app[CLUSTER]
    assert cluster.http is not None
    http = cluster.http
    url = f"{owner}/api/broadcasts/{broadcast_id}/whep"

    async def exchange(offer: str) -> str:
        headers = {"Content-Type": SDP, tokens.NODE_HEADER: cluster.node_token}
        try:
            async with http.post(url, data=offer.encode(), headers=headers) as answer:
                if answer.status != 201:
                    raise NotLive(f"the owner node answered {answer.status}")
                return await answer.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise NotLive("the owner node does not answer") from exc

    await call.app[MEDIA_EDGE].pull(str(broadcast_id), codec, exchange)


def register(api: Api) -> None:
    tags = ("broadcasts",)

    @api.route(
        "POST",
        "/api/broadcasts",
        operation_id="createBroadcast",
        summary="Create a broadcast and its first ingest token (operator; organisers later)",
        body=BroadcastIn,
        response=BroadcastCreated,
        status=201,
        tags=tags,
    )
    async def create_broadcast(call: Call[BroadcastIn, None]) -> BroadcastCreated:
        _authorise_operator(call)
        body = call.body
        broadcast_id = uuid7()
        try:
            async with call.app[POOL].acquire() as conn, conn.transaction():
                row = await store.create_broadcast(
                    conn,
                    broadcast_id=broadcast_id,
                    title=body.title,
                    starts_at=body.starts_at,
                    ends_at=body.ends_at,
                    fair_id=body.fair_id,
                )
                token, expires_at = await new_ingest_token(
                    call.app, conn, broadcast_id, body.ends_at
                )
        except asyncpg.ForeignKeyViolationError:
            raise Problem(
                "request.invalid",
                "some fields are invalid",
                errors=[FieldError("/fair_id", "fair.not_found", "no such fair")],
            ) from None
        return BroadcastCreated(
            id=row["id"],
            fair_id=row["fair_id"],
            title=row["title"],
            starts_at=row["starts_at"],
            ends_at=row["ends_at"],
            ingest_token=token,
            ingest_token_expires_at=expires_at,
            **_urls(call.app, broadcast_id),
        )

    @api.route(
        "POST",
        "/api/broadcasts/{broadcast}/ingest-token",
        operation_id="rotateIngestToken",
        summary="Replace the broadcast's ingest token; the old one stops working at once",
        body=RotateIn,
        response=IngestToken,
        status=201,
        tags=tags,
    )
    async def rotate_ingest_token(call: Call[RotateIn, None]) -> IngestToken:
        broadcast_id = call.path_id("broadcast", "broadcast.not_found")
        token = tokens.bearer(call.request.headers.get("Authorization"))
        if token is None or not token.startswith(FEATURE_BEARER_PREFIXES):
            await _authorise_host(call, broadcast_id)
        elif not tokens.is_operator_token(token, _secret_key(call.app)):
            owner = await _ingest_owner(call.app, token)
            if owner is None:
                raise _unauthorised("the token is unknown, rotated or expired", "invalid_token")
            if owner != broadcast_id:
                raise Problem("auth.forbidden", "this ingest token belongs to another broadcast")
        async with call.app[POOL].acquire() as conn, conn.transaction():
            row = await store.get_broadcast(conn, broadcast_id, for_update=True)
            if row is None:
                raise Problem("broadcast.not_found", f"no broadcast {broadcast_id}")
            new_token, expires_at = await new_ingest_token(
                call.app, conn, broadcast_id, row["ends_at"]
            )
        return IngestToken(
            ingest_token=new_token,
            ingest_token_expires_at=expires_at,
            whip_url=_urls(call.app, broadcast_id)["whip_url"],
        )

    @api.route(
        "POST",
        "/api/broadcasts/{broadcast}/whip",
        operation_id="whipPublish",
        summary="WHIP: publish the broadcast (SDP offer in, SDP answer out)",
        response=None,
        status=201,
        max_body=MAX_SDP_BYTES,
        raw_body_type=SDP,
        raw_response_type=SDP,
        tags=tags,
    )
    async def whip_publish(call: Call[None, None]) -> web.StreamResponse:
        broadcast_id = call.path_id("broadcast", "broadcast.not_found")
        credential = await _authorise_ingest(call, broadcast_id)
        offer = await _sdp_body(call.request)
        async with call.app[POOL].acquire() as conn:
            row = await store.get_broadcast(conn, broadcast_id)
            state = await live_store.session_state(conn, broadcast_id)
        if row is None:  # pragma: no cover - its token exists, so it does
            raise Problem("broadcast.not_found", f"no broadcast {broadcast_id}")
        if state is not None and state not in PUBLISHING_STATES:
            raise Problem(
                "featured_session.wrong_state",
                f"the session is {state}: hosts publish from its lobby until its end",
                extra={"state": state},
            )
        fixed = VideoCodec(row["video_codec"]) if row["video_codec"] else None
        edge = call.app[MEDIA_EDGE]
        try:
            answer = await edge.publish(
                str(broadcast_id), offer, fixed=fixed, credential=credential
            )
        except SignalingError as exc:
            raise _problem(exc) from exc
        async with call.app[POOL].acquire() as conn, conn.transaction():
            stored = await store.fix_video_codec(conn, broadcast_id, answer.codec.value)
            if stored == answer.codec.value:
                await store.ingest_started(
                    conn, broadcast_id, answer.session_id, call.app[CLOCK].now()
                )
        if stored != answer.codec.value:  # another node's first publish fixed another codec
            await edge.unpublish(str(broadcast_id), answer.session_id)
            raise Problem("broadcast.codec_mismatch", f"this broadcast's video is {stored}")
        await call.app[CLUSTER].claim(str(broadcast_id))
        return _sdp_response(call.app, call.request.path, answer, f"whip-{broadcast_id}")

    @api.route(
        "DELETE",
        "/api/broadcasts/{broadcast}/whip/{session}",
        operation_id="whipDelete",
        summary="WHIP: stop publishing; the broadcast ends for its viewers",
        response=Ended,
        tags=tags,
    )
    async def whip_delete(call: Call[None, None]) -> Ended | web.Response:
        broadcast_id = call.path_id("broadcast", "broadcast.not_found")
        session = call.path("session")
        edge = call.app[MEDIA_EDGE]
        token = tokens.bearer(call.request.headers.get("Authorization"))
        opened_with = edge.publisher_credential(str(broadcast_id), session)
        if opened_with is None and not _from_node(call):
            owner = await call.app[CLUSTER].owner_elsewhere(broadcast_id)
            if owner is not None:  # the publisher is on another node
                return await _proxy(call, owner)
        if token is None or opened_with is None or tokens.digest(token) != opened_with:
            # Not the token that opened the session (it may have been rotated since):
            # a current token of this broadcast will do.
            await _authorise_ingest(call, broadcast_id)
        try:
            await edge.unpublish(str(broadcast_id), session)
        except SignalingError as exc:
            raise _problem(exc) from exc
        await call.app[CLUSTER].release(str(broadcast_id))
        async with call.app[POOL].acquire() as conn:
            await store.ingest_stopped(conn, broadcast_id, session)
        return Ended(ended=True)

    @api.route(
        "POST",
        "/api/broadcasts/{broadcast}/whep",
        operation_id="whepView",
        summary="WHEP: watch the broadcast (SDP offer in, SDP answer out)",
        response=None,
        status=201,
        max_body=MAX_SDP_BYTES,
        raw_body_type=SDP,
        raw_response_type=SDP,
        responses={
            409: ("broadcast.not_live: nobody publishes it on this server", None),
            503: ("broadcast.full: past the viewer cap; see Retry-After", None),
        },
        tags=tags,
    )
    async def whep_view(call: Call[None, None]) -> web.StreamResponse:
        broadcast_id = call.path_id("broadcast", "broadcast.not_found")
        offer = await _sdp_body(call.request)
        async with call.app[POOL].acquire() as conn:
            row = await store.get_broadcast(conn, broadcast_id)
            state = await live_store.session_state(conn, broadcast_id)
        if state is not None and (state != "live" or row is None):
            # A featured session's broadcast (before its host set it up, too).
            raise Problem("broadcast.not_live", f"the session is {state}, not live")
        if row is None:
            raise Problem("broadcast.not_found", f"no broadcast {broadcast_id}")
        edge = call.app[MEDIA_EDGE]
        relay = _from_node(call)
        try:
            if not relay and not edge.has_source(str(broadcast_id)) and row["video_codec"]:
                owner = await call.app[CLUSTER].owner_elsewhere(broadcast_id)
                if owner is not None:  # published on another node: pull one copy here
                    await _pull(call, broadcast_id, VideoCodec(row["video_codec"]), owner)
            answer = await edge.view(str(broadcast_id), offer, relay=relay)
        except SignalingError as exc:
            raise _problem(exc) from exc
        return _sdp_response(call.app, call.request.path, answer, f"whep-{answer.session_id}")

    @api.route(
        "DELETE",
        "/api/broadcasts/{broadcast}/whep/{session}",
        operation_id="whepDelete",
        summary="WHEP: stop watching",
        response=Ended,
        tags=tags,
    )
    async def whep_delete(call: Call[None, None]) -> Ended | web.Response:
        # The session URL is the capability: its id is 144 random bits.
        broadcast_id = call.path_id("broadcast", "broadcast.not_found")
        try:
            await call.app[MEDIA_EDGE].leave(str(broadcast_id), call.path("session"))
        except SessionNotFound as exc:
            owner = (
                None if _from_node(call) else await call.app[CLUSTER].owner_elsewhere(broadcast_id)
            )
            if owner is None:
                raise _problem(exc) from exc
            return await _proxy(call, owner)
        except SignalingError as exc:
            raise _problem(exc) from exc
        return Ended(ended=True)


def setup(app: web.Application) -> None:
    """Run a :class:`MediaEdge` with the application (after the database context)."""
    app.cleanup_ctx.append(_media_edge)


async def _media_edge(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    clock = app[CLOCK]

    def ice_servers() -> list[Any]:
        return aiortc_ice_servers(ice_servers_for(settings, SERVER_ICE_ACCOUNT, clock.now()))

    owners: Owners = (
        LocalOwners() if settings.redis_url is None else RedisOwners(settings.redis_url.reveal())
    )
    cluster = Cluster(
        owners,
        settings.node_url or settings.public_url,
        tokens.node_token(_secret_key(app)),
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)),
    )
    app[CLUSTER] = cluster

    async def publisher_gone(broadcast_id: str, session: str) -> None:
        await cluster.release(broadcast_id)
        async with app[POOL].acquire() as conn:
            await store.ingest_stopped(conn, UUID(broadcast_id), session)

    edge = MediaEdge(
        viewer_cap=app.get(VIEWER_CAP, DEFAULT_VIEWER_CAP),
        ice_servers=ice_servers,
        on_publisher_gone=publisher_gone,
    )
    app[MEDIA_EDGE] = edge

    async def keep_claims() -> None:
        while True:
            await asyncio.sleep(REFRESH_S)
            for broadcast_id, _ in edge.publishing():
                await cluster.claim(broadcast_id)

    refresher = asyncio.create_task(keep_claims(), name="broadcast-owners")
    try:
        yield
    finally:
        refresher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await refresher
        publishing = edge.publishing()
        for broadcast_id, _ in publishing:
            await cluster.release(broadcast_id)
        await edge.close()
        assert cluster.http is not None
        await cluster.http.close()
        await owners.close()
        if publishing:
            async with app[POOL].acquire() as conn:
                for broadcast_id, session in publishing:
                    await store.ingest_stopped(conn, UUID(broadcast_id), session)
