"""HTTP basics: health, readiness, and problem+json for every kind of bad request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pydantic import Field

from server.api.routing import Api, Call, Model
from server.app import create_app
from server.config import Secret, Settings
from server.store.embedded import EmbeddedPostgres
from tests.conftest import TEST_SECRET_KEY

ClientFactory = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]


class Thing(Model):
    name: str = Field(min_length=1, max_length=10)
    count: int = Field(ge=0, le=5)
    tags: list[str] = Field(default_factory=list, max_length=3)


class ThingOut(Model):
    name: str
    count: int


def app_with_test_routes(settings: Settings) -> web.Application:
    app = create_app(settings, run_timers=False)
    api = Api()

    @api.route(
        "POST",
        "/api/test/things",
        operation_id="createTestThing",
        summary="test",
        body=Thing,
        response=ThingOut,
        status=201,
        max_body=1024,
    )
    async def create(call: Call[Thing, None]) -> ThingOut:
        return ThingOut(name=call.body.name, count=call.body.count)

    @api.route("GET", "/api/test/boom", operation_id="boom", summary="test", response=ThingOut)
    async def boom(call: Call[None, None]) -> ThingOut:
        raise RuntimeError("the database exploded: secret detail")

    api.install(app)
    return app


@pytest.fixture
async def client(
    settings: Settings, aiohttp_client: ClientFactory
) -> AsyncIterator[TestClient[Any, Any]]:
    test_client = await aiohttp_client(app_with_test_routes(settings))
    yield test_client
    await test_client.close()


async def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status == status
    assert response.content_type == "application/problem+json"
    body: dict[str, Any] = await response.json(content_type=None)
    assert body["code"] == code
    assert body["status"] == status
    return body


async def test_health_and_readiness_answer(client: TestClient[Any, Any]) -> None:
    assert (await (await client.get("/healthz")).json()) == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status == 200
    assert (await ready.json())["checks"] == {"database": "ok", "bus": "ok"}


async def test_an_unknown_route_is_a_problem(client: TestClient[Any, Any]) -> None:
    await problem(await client.get("/api/nothing-here"), 404, "route.not_found")


async def test_a_wrong_method_is_a_problem_with_allow(client: TestClient[Any, Any]) -> None:
    response = await client.delete("/api/test/things")
    await problem(response, 405, "route.method_not_allowed")
    assert "POST" in response.headers["Allow"]


async def test_a_valid_body_is_accepted(client: TestClient[Any, Any]) -> None:
    response = await client.post("/api/test/things", json={"name": "booth", "count": 2})
    assert response.status == 201
    assert await response.json() == {"name": "booth", "count": 2}


async def test_malformed_json_is_400(client: TestClient[Any, Any]) -> None:
    response = await client.post(
        "/api/test/things", data=b'{"name": "x",', headers={"Content-Type": "application/json"}
    )
    await problem(response, 400, "request.malformed")


async def test_an_empty_body_is_400(client: TestClient[Any, Any]) -> None:
    response = await client.post(
        "/api/test/things", data=b"", headers={"Content-Type": "application/json"}
    )
    await problem(response, 400, "request.malformed")


async def test_invalid_fields_are_422_with_a_pointer_each(client: TestClient[Any, Any]) -> None:
    response = await client.post(
        "/api/test/things",
        json={"name": "x" * 11, "count": "3", "tags": ["a", 5], "colour": "red"},
    )
    body = await problem(response, 422, "request.invalid")
    by_pointer = {e["pointer"]: e["code"] for e in body["errors"]}
    assert by_pointer == {
        "/name": "too_long",
        "/count": "wrong_type",
        "/tags/1": "wrong_type",
        "/colour": "unknown_field",
    }


async def test_missing_and_out_of_range_fields_are_named(client: TestClient[Any, Any]) -> None:
    response = await client.post("/api/test/things", json={"count": 9})
    body = await problem(response, 422, "request.invalid")
    assert {e["pointer"]: e["code"] for e in body["errors"]} == {
        "/name": "required",
        "/count": "out_of_range",
    }


async def test_an_oversized_body_is_413(client: TestClient[Any, Any]) -> None:
    response = await client.post("/api/test/things", json={"name": "x" * 2000, "count": 1})
    await problem(response, 413, "request.too_large")


async def test_an_oversized_chunked_body_is_413(client: TestClient[Any, Any]) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(10):
            yield b" " * 200

    response = await client.post(
        "/api/test/things", data=chunks(), headers={"Content-Type": "application/json"}
    )
    await problem(response, 413, "request.too_large")


async def test_a_form_post_is_415(client: TestClient[Any, Any]) -> None:
    response = await client.post("/api/test/things", data={"name": "x"})
    await problem(response, 415, "request.unsupported_media_type")


async def test_an_unexpected_error_is_500_without_details(client: TestClient[Any, Any]) -> None:
    response = await client.get("/api/test/boom", headers={"X-Request-Id": "req-42"})
    body = await problem(response, 500, "server.error")
    assert "exploded" not in body["detail"]
    assert "req-42" in body["detail"]


async def test_readiness_is_503_naming_the_database_when_it_stops(
    aiohttp_client: ClientFactory, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret_key=Secret(TEST_SECRET_KEY))
    client = await aiohttp_client(create_app(settings, run_timers=False))
    assert (await client.get("/readyz")).status == 200
    stopper = EmbeddedPostgres(tmp_path / "data" / "postgres", started_here=True)
    await asyncio.to_thread(stopper.stop)
    response = await client.get("/readyz")
    body = await problem(response, 503, "server.unavailable")
    assert body["checks"]["database"].startswith("failed")
    assert body["checks"]["bus"] == "ok"
    assert "database" in body["detail"]
    assert response.headers["Retry-After"] == "5"
