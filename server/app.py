"""The composition root: the one place where livefair's parts are wired together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
import weakref
from collections.abc import AsyncIterator

from aiohttp import WSCloseCode, web

from server.api import (
    applications,
    assessment,
    auth,
    booths,
    broadcast,
    campaign_stats,
    employers,
    fairs,
    grants,
    handoffs,
    health,
    interviews,
    jobs,
    notifications,
    policies,
    profiles,
    programme,
    queue,
    queue_stats,
    reservations,
    resumes,
    search,
    sessions_live,
    static,
)
from server.api.problems import problem_middleware
from server.api.routing import Api
from server.appkeys import (
    API,
    BUS,
    CLOCK,
    DATABASE_DSN,
    GATEWAY,
    IDENTITY,
    NOTIFIER,
    OUTBOX,
    PASSWORDS,
    POOL,
    QUEUE,
    RATE_LIMITER,
    SETTINGS,
    TIMER_RUNNER,
    TIMERS,
    TOPICS,
    WEBSOCKETS,
)
from server.bus import EventBus
from server.bus.memory import MemoryBus
from server.config import Settings
from server.notify import LogNotifier, Notifier
from server.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from server.realtime.families import register_builtin
from server.realtime.gateway import SESSION_ENDED_CHANNEL, Gateway
from server.realtime.hub import Hub
from server.realtime.outbox import PRUNE_EVERY, PRUNE_KIND, Outbox, prune_events
from server.realtime.presence import (
    MemoryPresenceStore,
    Presence,
    PresenceStore,
    RedisPresenceStore,
)
from server.realtime.topics import TopicRegistry
from server.services.identity import IdentityService, Passwords
from server.services.queue import NOTIFY_KIND, RING_KIND, QueueService
from server.store import db
from server.store.database import database_dsn
from server.store.db import Connection
from server.timers import Clock, LatePolicy, SystemClock, Timer, TimerRegistry, TimerRunner
from server.timers import ensure as ensure_timer

log = logging.getLogger(__name__)

# The largest body any route accepts (uploads declare their own, smaller-or-equal limit);
# each route enforces its own limit while reading.
CLIENT_MAX_SIZE = 8 * 1024 * 1024


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    timers: TimerRegistry | None = None,
    run_timers: bool = True,
    demo: bool = False,
    passwords: Passwords | None = None,
    notifier: Notifier | None = None,
) -> web.Application:
    """Build the application. Resources start in ``cleanup_ctx`` when it runs."""
    settings = settings.with_secret_key()
    app = web.Application(
        middlewares=[problem_middleware, auth.auth_middleware], client_max_size=CLIENT_MAX_SIZE
    )
    app[SETTINGS] = settings
    app[CLOCK] = clock or SystemClock()
    app[TIMERS] = timers or TimerRegistry()
    app[WEBSOCKETS] = weakref.WeakSet()
    app[PASSWORDS] = passwords or Passwords()
    app[NOTIFIER] = notifier or LogNotifier()

    api = Api()
    health.register(api)
    auth.register(api)
    fairs.register(api)
    broadcast.register(api)
    grants.register(api)
    employers.register(api)
    booths.register(api)
    notifications.register(api)
    queue.register(api)
    handoffs.register(api)
    queue_stats.register(api)
    campaign_stats.register(api)
    reservations.register(api)
    programme.register(api)
    sessions_live.register(api)
    profiles.register(api)
    resumes.register(api)
    applications.register(api)
    assessment.register(api)
    jobs.register(api)
    policies.register(api)
    search.register(api)
    interviews.register(api)
    api.install(app)
    app[API] = api
    app[TOPICS] = TopicRegistry()
    register_builtin(app[TOPICS], **queue.me_hooks(lambda: app[QUEUE]))
    app[TIMERS].register(PRUNE_KIND, prune_events, late_policy=LatePolicy.FIRE)
    queue.register_topics(app[TOPICS], lambda: app[QUEUE])
    sessions_live.register_topics(app[TOPICS], lambda: app[sessions_live.SESSIONS_LIVE])

    async def ring_timeout(conn: Connection, timer: Timer) -> None:
        await app[QUEUE].on_ring_timeout(conn, timer)

    async def get_ready(conn: Connection, timer: Timer) -> None:
        await app[QUEUE].on_notify(conn, timer)

    app[TIMERS].register(RING_KIND, ring_timeout, late_policy=LatePolicy.FIRE)
    app[TIMERS].register(NOTIFY_KIND, get_ready, late_policy=LatePolicy.FIRE)
    queue.register_timers(app[TIMERS], lambda: app[QUEUE])
    handoffs.register_timers(app)
    programme.register_timers(app)
    reservations.register_timers(app)
    app.router.add_get("/ws", _websocket, name="websocket")
    api.exempt_route("/ws", "the event stream (WebSocket); documented in docs/protocol.md")
    static.install(app, api)

    app.cleanup_ctx.append(_database)
    if demo:
        app.cleanup_ctx.append(_demo)
    app.cleanup_ctx.append(_bus)
    broadcast.setup(app)  # after _database: it closes before the pool does
    app.cleanup_ctx.append(_identity)
    app.cleanup_ctx.append(_realtime)
    app.cleanup_ctx.append(handoffs.handoffs_ctx)
    app.cleanup_ctx.append(programme.programme_ctx)
    app.cleanup_ctx.append(reservations.reservations_ctx)
    app.cleanup_ctx.append(sessions_live.sessions_live_ctx)
    interviews.setup(app)  # after _realtime: it wires the gateway's signal op
    if run_timers:
        app.cleanup_ctx.append(_timer_runner)
    app.on_shutdown.append(_close_websockets)
    return app


async def _database(app: web.Application) -> AsyncIterator[None]:
    async with database_dsn(app[SETTINGS]) as dsn:
        app[DATABASE_DSN] = dsn
        app[POOL] = await db.create_pool(dsn)
        try:
            yield
        finally:
            await app[POOL].close()


async def _demo(app: web.Application) -> AsyncIterator[None]:
    from server.demo.employers import demo_accounts_text
    from server.demo.load import load_demo

    async with app[POOL].acquire() as conn:
        summary = await load_demo(conn, today=None, clock=app[CLOCK])
    log.info("demo fair: %s", summary.describe())
    accounts = demo_accounts_text()
    log.info("%s", accounts)
    print(accounts, flush=True)
    yield


def make_bus(settings: Settings) -> EventBus:
    if settings.redis_url is None:
        return MemoryBus()
    from server.bus.redis import RedisBus

    return RedisBus(settings.redis_url.reveal())


async def _bus(app: web.Application) -> AsyncIterator[None]:
    bus = make_bus(app[SETTINGS])
    await bus.start()
    app[BUS] = bus
    try:
        yield
    finally:
        await bus.close()


async def _identity(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    limiter: RateLimiter
    if settings.redis_url is None:
        limiter = MemoryRateLimiter(app[CLOCK])
    else:
        limiter = RedisRateLimiter(settings.redis_url.reveal())
    app[RATE_LIMITER] = limiter
    assert settings.secret_key is not None
    app[IDENTITY] = IdentityService(
        app[POOL],
        app[CLOCK],
        app[PASSWORDS],
        app[NOTIFIER],
        limiter,
        settings.secret_key.reveal(),
    )
    try:
        yield
    finally:
        await limiter.close()


async def _realtime(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    node = uuid.uuid4().hex[:12]
    hub = Hub(app[BUS], app[POOL], app[CLOCK])
    store: PresenceStore = (
        MemoryPresenceStore()
        if settings.redis_url is None
        else RedisPresenceStore(settings.redis_url.reveal())
    )
    presence = Presence(store, node)
    app[OUTBOX] = Outbox(app[POOL], app[BUS], app[CLOCK])
    async with app[POOL].acquire() as conn:
        await ensure_timer(conn, PRUNE_KIND, PRUNE_KIND, app[CLOCK].now() + PRUNE_EVERY)
    app[GATEWAY] = Gateway(
        hub,
        app[TOPICS],
        presence,
        app[POOL],
        app[IDENTITY],
        public_url=settings.public_url,
        sockets=app[WEBSOCKETS],
        bearer=auth.principal_of,
    )
    app[QUEUE] = QueueService(app[POOL], app[OUTBOX], app[CLOCK], presence)
    stop_ending = await app[BUS].subscribe(SESSION_ENDED_CHANNEL, app[GATEWAY].end_sessions)
    tasks = [
        asyncio.create_task(app[OUTBOX].run(), name="outbox"),
        asyncio.create_task(presence.run(app[GATEWAY].broadcast_presence), name="presence"),
    ]
    try:
        yield
    finally:
        stop_ending()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await app[QUEUE].close()
        await hub.close()
        await store.close()


async def _websocket(request: web.Request) -> web.StreamResponse:
    return await request.app[GATEWAY].handle(request)


async def _timer_runner(app: web.Application) -> AsyncIterator[None]:
    runner = TimerRunner(app[POOL], app[TIMERS], app[CLOCK])
    app[TIMER_RUNNER] = runner
    task = asyncio.create_task(runner.run_forever(), name="timer-runner")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _close_websockets(app: web.Application) -> None:
    """On shutdown, tell every client to go elsewhere (1001) so it resumes on another node."""
    sockets: weakref.WeakSet[web.WebSocketResponse] = app[WEBSOCKETS]
    for ws in list(sockets):
        await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")
