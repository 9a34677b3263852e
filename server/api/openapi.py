"""OpenAPI 3.1 document built from the route declarations (:mod:`server.api.routing`)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from server.api.routing import Api, Operation
from server.errors import STATUS

REF = "#/components/schemas/{model}"
PROBLEM_MEDIA = "application/problem+json"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; switch on `code`, never on `detail`.",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string", "enum": sorted(STATUS)},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["pointer", "code"],
                "properties": {
                    "pointer": {"type": "string", "description": "RFC 6901 JSON pointer"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}


def build_openapi(api: Api, *, title: str, version: str, server_url: str) -> dict[str, Any]:
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = []
    for op in api.operations:
        for model in (op.body, op.query):
            if model is not None:
                models.append((model, "validation"))
        if op.response is not None:
            models.append((op.response, "serialization"))
    keys, top = models_json_schema(list(dict.fromkeys(models)), ref_template=REF)
    schemas: dict[str, Any] = dict(top.get("$defs", {}))
    schemas["Problem"] = PROBLEM_SCHEMA
    paths: dict[str, dict[str, Any]] = {}
    for op in api.operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, keys, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _ref(
    keys: dict[tuple[type[BaseModel], Literal["validation", "serialization"]], Any],
    model: type[BaseModel],
    mode: JsonSchemaMode,
) -> Any:
    return keys[(model, mode)]


def _operation(op: Operation, keys: dict[Any, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary}
    if op.tags:
        out["tags"] = list(op.tags)
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)(?::[^}]*)?}", op.path)
    ]
    if op.query is not None:
        # The query model's schema as it stands in components: when two enums share a
        # name (jobs' and sessions' Category), pydantic renames both there, and refs
        # taken from a separate model_json_schema() would point at neither.
        schema = schemas[_ref(keys, op.query, "validation")["$ref"].rsplit("/", 1)[1]]
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            parameters.append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    if parameters:
        out["parameters"] = parameters
    if op.body is not None:
        out["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(keys, op.body, "validation")}},
        }
    elif op.raw_body_type is not None:
        out["requestBody"] = {
            "required": True,
            "content": {op.raw_body_type: {"schema": {"type": "string"}}},
        }
    responses: dict[str, Any] = {}
    if op.response is not None:
        responses[str(op.status)] = {
            "description": op.summary,
            "content": {"application/json": {"schema": _ref(keys, op.response, "serialization")}},
        }
        if op.raw_response_type is not None:  # a download of the same (``format=``)
            content = responses[str(op.status)]["content"]
            content[op.raw_response_type] = {"schema": {"type": "string"}}
    elif op.raw_response_type is not None:
        responses[str(op.status)] = {
            "description": op.summary,
            "content": {op.raw_response_type: {"schema": {"type": "string"}}},
        }
    else:
        responses[str(op.status)] = {"description": op.summary}
    for status, (description, media) in op.responses.items():
        responses[str(status)] = {"description": description}
        if media is not None:
            responses[str(status)]["content"] = {media: {"schema": {"type": "string"}}}
    problem = {PROBLEM_MEDIA: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    responses["default"] = {"description": "an error (problem+json)", "content": problem}
    out["responses"] = responses
    return out


def documented(op: Operation) -> bool:
    """True when the operation has an id and a schema for what it answers.

    Request bodies need no separate check: a route can only read a body through its
    declared model (or declared raw media type), so an undeclared body cannot be read.
    """
    has_output = op.response is not None or op.raw_response_type is not None or op.status == 204
    return bool(op.operation_id) and has_output
