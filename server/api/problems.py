"""Errors as ``application/problem+json`` (RFC 9457), one middleware for the whole API."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable

import orjson
from aiohttp import web

from server.errors import Problem
from server.logs import request_id

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"

# aiohttp's own HTTP errors (routing, its size limit) -> our codes.
_HTTP_CODES = {
    400: "request.malformed",
    404: "route.not_found",
    405: "route.method_not_allowed",
    413: "request.too_large",
    415: "request.unsupported_media_type",
}


def problem_response(problem: Problem) -> web.Response:
    response = web.Response(
        body=orjson.dumps(problem.body()),
        status=problem.status,
        content_type=MEDIA_TYPE,
    )
    response.headers.update(problem.headers)
    return response


@web.middleware
async def problem_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    token = request_id.set(request.headers.get("X-Request-Id") or uuid.uuid4().hex[:16])
    try:
        return await handler(request)
    except Problem as problem:
        return problem_response(problem)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = _HTTP_CODES.get(exc.status)
        if code is None:
            raise
        message = {
            404: f"no route for {request.path}",
            405: f"{request.method} is not allowed on {request.path}",
        }.get(exc.status, exc.reason)
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return problem_response(Problem(code, message, headers=headers))
    except (asyncio.CancelledError, ConnectionResetError):
        raise
    except Exception:
        correlation = request_id.get()
        log.exception("unhandled error in %s %s", request.method, request.path)
        return problem_response(
            Problem(
                "server.error",
                f"an unexpected error occurred; quote {correlation} when reporting it",
                extra={"instance": f"urn:livefair:request:{correlation}"},
            )
        )
    finally:
        request_id.reset(token)
