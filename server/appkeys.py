"""Typed keys for what the application keeps (aiohttp ``AppKey``)."""

from __future__ import annotations

import weakref

import asyncpg
from aiohttp import web

from server.api.routing import Api
from server.bus import EventBus
from server.config import Settings
from server.notify import Notifier
from server.ratelimit import RateLimiter
from server.realtime.gateway import Gateway
from server.realtime.outbox import Outbox
from server.realtime.topics import TopicRegistry
from server.services.identity import IdentityService, Passwords
from server.services.queue import QueueService
from server.timers import Clock, TimerRegistry, TimerRunner

SETTINGS = web.AppKey("settings", Settings)
API = web.AppKey("api", Api)
CLOCK = web.AppKey[Clock]("clock")
POOL = web.AppKey("pool", asyncpg.Pool)
BUS = web.AppKey[EventBus]("bus")
TIMERS = web.AppKey("timers", TimerRegistry)
TIMER_RUNNER = web.AppKey("timer_runner", TimerRunner)
WEBSOCKETS = web.AppKey[weakref.WeakSet[web.WebSocketResponse]]("websockets")
DATABASE_DSN = web.AppKey("database_dsn", str)
NOTIFIER = web.AppKey[Notifier]("notifier")
RATE_LIMITER = web.AppKey[RateLimiter]("rate_limiter")
PASSWORDS = web.AppKey("passwords", Passwords)
IDENTITY = web.AppKey("identity", IdentityService)
TOPICS = web.AppKey("topics", TopicRegistry)
OUTBOX = web.AppKey("outbox", Outbox)
GATEWAY = web.AppKey("gateway", Gateway)
QUEUE = web.AppKey("queue", QueueService)
