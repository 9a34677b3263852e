"""One declaration per route: validation, the handler's typed input, and OpenAPI.

::

    @api.route("POST", "/api/things", operation_id="createThing",
               body=ThingIn, response=ThingOut, status=201)
    async def create_thing(call: Call[ThingIn, None]) -> ThingOut:
        ...

The wrapper reads the body under the route's size limit, validates it with the
pydantic model (400 ``request.malformed`` for bad JSON, 422 ``request.invalid`` with a
JSON pointer per invalid field), validates the query string likewise, calls the handler
with a typed :class:`Call`, and renders the returned model as JSON. The same
declaration produces the route's OpenAPI operation (:mod:`server.api.openapi`).

A handler's own field rules (a week the fair has, opening hours in order) run only on
a body the model accepted, so a body with a malformed field would show them one
submit later. A route declares those rules as ``rules``: when the model refuses the
body, they run on its well-formed fields (:class:`Partial`) and their errors join the
model's in the one 422. They only read; the handler still checks everything itself.

Why pydantic (v2) rather than msgspec: it reports *every* invalid field with a
structured location, which maps directly to the JSON pointers clients need, and its
JSON Schema output is what OpenAPI 3.1 uses. Its Rust core validates and serialises
fast enough for an API whose hot paths are on the WebSocket.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import quote
from uuid import UUID

import orjson
from aiohttp import web
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from server.errors import FieldError, Problem

DEFAULT_MAX_BODY = 64 * 1024
JSON_TYPES = ("application/json",)


class Model(BaseModel):
    """Base of every request and response body: unknown fields are refused, and
    JSON types are not coerced ("5" is not an integer)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Query(BaseModel):
    """Base of query-string models: values arrive as text and are parsed (lax)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


B = TypeVar("B")
Q = TypeVar("Q")


@dataclass(frozen=True, slots=True)
class Call(Generic[B, Q]):
    """What a handler receives: the request, its validated body and query."""

    request: web.Request
    body: B
    query: Q

    @property
    def app(self) -> web.Application:
        return self.request.app

    def path(self, name: str) -> str:
        return self.request.match_info[name]

    def path_id(self, name: str, not_found: str) -> UUID:
        """A path parameter that must be an id; anything else is ``not_found`` (404)."""
        text = self.request.match_info[name]
        try:
            return UUID(text)
        except ValueError:
            raise Problem(not_found, f"no such id: {text}") from None


Handler = Callable[[Call[Any, Any]], Awaitable[BaseModel | web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class Partial:
    """The well-formed part of a body the model refused: its top-level fields that are
    valid on their own (validated values, by field name) and the names of those that
    are not. A field in neither was not sent."""

    fields: Mapping[str, Any]
    failed: frozenset[str]


# A route's own field rules, evaluated on what is well-formed of a refused body. They
# return nothing when the caller may not act (the handler answers that once the body is
# valid) and skip every rule whose inputs are not in ``fields``.
Rules = Callable[[web.Request, Partial], Awaitable[Sequence[FieldError]]]


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    handler: Handler
    response: type[BaseModel] | None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    status: int = 200
    max_body: int = DEFAULT_MAX_BODY
    tags: tuple[str, ...] = ()
    # Extra responses for OpenAPI: status -> (description, media type or None).
    responses: Mapping[int, tuple[str, str | None]] = field(default_factory=dict)
    # Set for routes that do not speak JSON (WHIP's application/sdp, file uploads).
    raw_body_type: str | None = None
    raw_response_type: str | None = None
    rules: Rules | None = None


class Api:
    """The collection of declared operations of one application."""

    def __init__(self) -> None:
        self.operations: list[Operation] = []
        self.exempt: dict[str, str] = {}

    def route(
        self,
        method: str,
        path: str,
        *,
        operation_id: str,
        summary: str,
        response: type[BaseModel] | None,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        status: int = 200,
        max_body: int = DEFAULT_MAX_BODY,
        tags: tuple[str, ...] = (),
        responses: Mapping[int, tuple[str, str | None]] | None = None,
        raw_body_type: str | None = None,
        raw_response_type: str | None = None,
        rules: Rules | None = None,
    ) -> Callable[[Handler], Handler]:
        if not re.fullmatch(r"[a-z][A-Za-z0-9]+", operation_id):
            raise ValueError(f"operationId {operation_id!r} must be lowerCamelCase")
        if any(op.operation_id == operation_id for op in self.operations):
            raise ValueError(f"operationId {operation_id!r} is declared twice")

        def register(handler: Handler) -> Handler:
            self.operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    operation_id=operation_id,
                    summary=summary,
                    handler=handler,
                    response=response,
                    body=body,
                    query=query,
                    status=status,
                    max_body=max_body,
                    tags=tags,
                    responses=dict(responses or {}),
                    raw_body_type=raw_body_type,
                    raw_response_type=raw_response_type,
                    rules=rules,
                )
            )
            return handler

        return register

    def exempt_route(self, path: str, reason: str) -> None:
        """Record a route deliberately outside OpenAPI (static files, the WebSocket)."""
        self.exempt[path] = reason

    def install(self, app: web.Application) -> None:
        for op in self.operations:
            app.router.add_route(op.method, op.path, _endpoint(op), name=op.operation_id)


def _endpoint(op: Operation) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def endpoint(request: web.Request) -> web.StreamResponse:
        body: Any = None
        if op.body is not None:
            raw = await read_body(request, op.max_body, JSON_TYPES)
            try:
                body = parse_json(op.body, raw)
            except Problem as problem:
                if op.rules is None or problem.code != "request.invalid":
                    raise
                partial = well_formed(op.body, raw, problem.errors)
                more = await op.rules(request, partial)
                raise joined(problem, more, partial.failed) from problem
        query: Any = None
        if op.query is not None:
            query = parse_query(op.query, request.query)
        result = await op.handler(Call(request, body, query))
        if isinstance(result, web.StreamResponse):
            return result
        return web.Response(
            body=result.model_dump_json(by_alias=True).encode(),
            status=op.status,
            content_type="application/json",
        )

    endpoint.__name__ = op.operation_id
    return endpoint


async def read_body(request: web.Request, limit: int, media_types: tuple[str, ...]) -> bytes:
    """Read the request body, refusing the wrong media type (415) or > ``limit`` bytes (413)."""
    content_type = request.content_type
    if content_type not in media_types and not (
        "application/json" in media_types and content_type.endswith("+json")
    ):
        raise Problem(
            "request.unsupported_media_type",
            f"expected Content-Type {' or '.join(media_types)}, got {content_type or 'none'}",
        )
    too_large = Problem("request.too_large", f"the body is limited to {limit} bytes")
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


M = TypeVar("M", bound=BaseModel)


def parse_json(model: type[M], raw: bytes) -> M:
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        if any(e["type"] == "json_invalid" for e in errors) or not raw.strip():
            raise Problem("request.malformed", "the body is not valid JSON") from exc
        raise _invalid(errors) from exc


def parse_query(model: type[M], query: Mapping[str, str]) -> M:
    try:
        return model.model_validate(dict(query))
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        raise _invalid(errors, prefix="/query") from exc


# pydantic error types -> the stable codes clients map to text.
_CODES = {
    "missing": "required",
    "extra_forbidden": "unknown_field",
    "string_too_long": "too_long",
    "too_long": "too_long",
    "string_too_short": "too_short",
    "too_short": "too_short",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "string_pattern_mismatch": "bad_format",
    "literal_error": "not_allowed",
    "enum": "not_allowed",
    "model_type": "wrong_type",
    "model_attributes_type": "wrong_type",
    "dict_type": "wrong_type",
    "list_type": "wrong_type",
}


def _code_for(error_type: str) -> str:
    if "." in error_type:  # a feature's own PydanticCustomError("employer.credit_code", …)
        return error_type
    if error_type in _CODES:
        return _CODES[error_type]
    if error_type.endswith(("_type", "_parsing")):
        return "wrong_type"
    return "invalid"


def _invalid(errors: list[Any], prefix: str = "") -> Problem:
    fields = []
    for error in errors:
        code = _code_for(error["type"])
        fields.append(FieldError(prefix + json_pointer(error["loc"]), code, error["msg"]))
    return Problem("request.invalid", "some fields are invalid", errors=fields)


def _top_name(pointer: str) -> str:
    """The top-level member a JSON pointer starts with ("/hours/2/end" -> "hours")."""
    return pointer.split("/")[1].replace("~1", "/").replace("~0", "~")


def well_formed(model: type[BaseModel], raw: bytes, errors: Sequence[FieldError]) -> Partial:
    """What of ``raw`` is valid field by field, for a body ``model`` refused with ``errors``.

    A field is validated alone, as JSON, against its declaration (type, constraints,
    ``Annotated`` validators); the model's own ``field_validator``/``model_validator``
    methods are not run. A list with one bad item counts as failed as a whole.
    """
    failed = frozenset(_top_name(e.pointer) for e in errors if e.pointer.startswith("/"))
    data = orjson.loads(raw)  # parse_json has already refused what is not JSON
    fields: dict[str, Any] = {}
    if isinstance(data, dict):
        for name, info in model.model_fields.items():
            key = info.alias or name
            if key in failed or key not in data:
                continue
            try:
                fields[name] = _field_adapter(model, name).validate_json(orjson.dumps(data[key]))
            except ValidationError:  # a rule of the model's own methods
                continue
    return Partial(fields=fields, failed=frozenset(n for n in failed if n in model.model_fields))


_adapters: dict[tuple[type[BaseModel], str], TypeAdapter[Any]] = {}


def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    key = (model, name)
    if key not in _adapters:
        info = model.model_fields[name]
        config = model.model_config
        declared: Any = Annotated[info.annotation, info]  # the field as declared, alone
        _adapters[key] = TypeAdapter(
            declared,
            config=ConfigDict(
                strict=config.get("strict", False),
                str_strip_whitespace=config.get("str_strip_whitespace", False),
            ),
        )
    return _adapters[key]


def joined(problem: Problem, more: Sequence[FieldError], failed: frozenset[str]) -> Problem:
    """``problem``'s field errors and the rules' ``more``, in one 422; a rule's error on a
    field that is already malformed is left out (the field's own error says it)."""
    extra = [e for e in more if _top_name(e.pointer) not in failed]
    if not extra:
        return problem
    return Problem(problem.code, problem.message, errors=[*problem.errors, *extra])


def json_pointer(location: tuple[int | str, ...]) -> str:
    """RFC 6901 pointer for a pydantic error location."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in location)


def id_or_slug(text: str) -> UUID | str:
    """A path's ``{fair}``: an id if it parses as one, else a slug."""
    try:
        return UUID(text)
    except ValueError:
        return text


def download(body: bytes, media_type: str, filename: str) -> web.Response:
    """A file to save (a report): not cached, named in UTF-8 (RFC 6266)."""
    return web.Response(
        body=body,
        headers={
            "Content-Type": media_type,
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
        },
    )
