"""Liveness, readiness and the OpenAPI document."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from pydantic import ConfigDict

from server import __version__
from server.api.openapi import build_openapi
from server.api.routing import Api, Call, Model
from server.appkeys import API, BUS, POOL, SETTINGS
from server.errors import Problem

CHECK_TIMEOUT_S = 2.0


class Health(Model):
    status: str


class Readiness(Model):
    status: str
    checks: dict[str, str]


class OpenApiDocument(Model):
    """The OpenAPI 3.1 document itself (free-form)."""

    model_config = ConfigDict(extra="allow")


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/healthz",
        operation_id="getHealth",
        summary="The process is alive",
        response=Health,
        tags=("operations",),
    )
    async def healthz(call: Call[None, None]) -> Health:
        return Health(status="ok")

    @api.route(
        "GET",
        "/readyz",
        operation_id="getReadiness",
        summary="The database and the bus answer",
        response=Readiness,
        tags=("operations",),
    )
    async def readyz(call: Call[None, None]) -> Readiness:
        checks = {
            "database": await _check(_database(call.app)),
            "bus": await _check(call.app[BUS].ping()),
        }
        failing = sorted(name for name, result in checks.items() if result != "ok")
        if failing:
            raise Problem(
                "server.unavailable",
                "not ready: " + ", ".join(failing) + " did not answer",
                extra={"checks": checks},
                headers={"Retry-After": "5"},
            )
        return Readiness(status="ready", checks=checks)

    @api.route(
        "GET",
        "/api/openapi.json",
        operation_id="getOpenApi",
        summary="This API's OpenAPI 3.1 document",
        response=OpenApiDocument,
        tags=("operations",),
    )
    async def openapi(call: Call[None, None]) -> web.StreamResponse:
        document = build_openapi(
            call.app[API],
            title="livefair",
            version=__version__,
            server_url=call.app[SETTINGS].public_url,
        )
        return web.json_response(document)


async def _database(app: web.Application) -> None:
    async with app[POOL].acquire(timeout=CHECK_TIMEOUT_S) as conn:
        await conn.fetchval("SELECT 1", timeout=CHECK_TIMEOUT_S)


async def _check(probe: Any) -> str:
    try:
        await asyncio.wait_for(probe, CHECK_TIMEOUT_S)
    except Exception as exc:
        return f"failed: {type(exc).__name__}"
    return "ok"
