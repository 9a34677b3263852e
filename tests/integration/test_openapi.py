"""Every route is declared once and documented: operationId and schemas."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from server.api.openapi import documented
from server.app import create_app
from server.appkeys import API
from server.config import Settings

ClientFactory = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def test_every_route_is_a_documented_operation_or_an_explained_exemption(
    settings: Settings,
) -> None:
    app = create_app(settings)
    api = app[API]
    declared = {(op.method, op.path) for op in api.operations}
    undocumented = []
    for route in app.router.routes():
        if route.method not in METHODS:
            continue  # HEAD twins of GET routes
        path = route.resource.canonical if route.resource is not None else ""
        if (route.method, path) in declared:
            continue
        if path in api.exempt:
            assert api.exempt[path], f"{path} is exempt without a reason"
            continue
        undocumented.append(f"{route.method} {path}")
    assert undocumented == []
    assert [op.operation_id for op in api.operations if not documented(op)] == []


async def test_the_openapi_document_is_served_and_its_references_resolve(
    aiohttp_client: ClientFactory, settings: Settings
) -> None:
    client = await aiohttp_client(create_app(settings, run_timers=False))
    response = await client.get("/api/openapi.json")
    assert response.status == 200
    document = await response.json()
    assert document["openapi"].startswith("3.1")
    operation_ids = [
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
    ]
    assert len(operation_ids) == len(set(operation_ids))
    assert {"getHealth", "getReadiness", "getOpenApi", "listVenues", "getVenue"} <= set(
        operation_ids
    )
    schemas = document["components"]["schemas"]

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if "$ref" in node else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    for ref in refs(document):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas, ref
    venue_params = document["paths"]["/api/venues"]["get"]["parameters"]
    assert venue_params == [
        {
            "name": "fair",
            "in": "query",
            "required": True,
            "schema": {"format": "uuid", "title": "Fair", "type": "string"},
        }
    ]
