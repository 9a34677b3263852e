"""The web client (``client_web/``): static ES modules, with deep links served the shell.

Any GET that is not an API path and names no file gets ``index.html``, so that client
routes (``/venues/…``) survive a reload. Files are served with a strict
Content-Security-Policy: no code from anywhere but this origin.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from aiohttp import web

from server.api.routing import Api
from server.errors import Problem

# Paths the shell never answers: they belong to the API or to other protocols. The
# route pattern excludes them, so a later-declared route under them is never shadowed.
RESERVED = r"(?!api/|api$|ws$|calendar/|healthz$|readyz$)"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
        "style-src 'self'; script-src 'self'; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(self), display-capture=(self)",
}


def client_root() -> Path:
    """Where ``client_web`` lives: installed beside the packages, or in the checkout."""
    spec = importlib.util.find_spec("client_web")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parents[2] / "client_web"


def install(app: web.Application, api: Api, root: Path | None = None) -> None:
    base = (root or client_root()).resolve()

    async def serve(request: web.Request) -> web.StreamResponse:
        path = request.path
        target = (base / path.lstrip("/")).resolve()
        if target.is_relative_to(base) and target.is_file():
            response: web.StreamResponse = web.FileResponse(target)
            # Modules import each other by plain URLs: revalidate everything (aiohttp answers
            # If-Modified-Since with 304), so a deploy never mixes old and new modules.
            cache = "no-cache"
        elif "." in path.rsplit("/", 1)[-1]:
            raise Problem("route.not_found", f"no file {path}")
        else:
            index = base / "index.html"
            if not index.is_file():
                raise Problem("route.not_found", "the web client is not installed")
            response = web.FileResponse(index)
            cache = "no-cache"
        response.headers.update(SECURITY_HEADERS)
        response.headers["Cache-Control"] = cache
        return response

    pattern = "/{tail:" + RESERVED + ".*}"
    route = app.router.add_get(pattern, serve, name="client_web")
    canonical = route.resource.canonical if route.resource is not None else pattern
    api.exempt_route(canonical, "static files of the web client, not an API")
