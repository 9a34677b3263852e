"""Sign-up, sign-in and sessions over HTTP; who is asking; CSRF and Origin checks.

Browsers hold an HttpOnly, SameSite=Lax session cookie and send the matching
``X-CSRF-Token`` (from the readable ``csrf_token`` cookie) on every state-changing
request; any state-changing request without a bearer token must also come from this
site's Origin. API clients and the WebSocket use ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from aiohttp import web
from pydantic import Field

from server import origins
from server.api.routing import Api, Call, Model
from server.appkeys import BUS, IDENTITY, POOL, SETTINGS
from server.domain.permissions import Action, Resource, allowed
from server.domain.principal import ANONYMOUS, Principal
from server.errors import Problem
from server.origins import CSRF_COOKIE, SESSION_COOKIE
from server.realtime.gateway import SESSION_ENDED_CHANNEL, ended_session
from server.services.identity import IssuedSession
from server.store import accounts as store

CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PRINCIPAL_KEY = web.RequestKey("principal", Principal)


# -- who is asking --------------------------------------------------------------------


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem("auth.required", "expected 'Authorization: Bearer <token>'")
    return token.strip()


async def principal_of(request: web.Request) -> Principal:
    """Resolve (once per request) the principal behind the bearer token or session cookie."""
    if PRINCIPAL_KEY in request:
        return request[PRINCIPAL_KEY]
    identity = request.app[IDENTITY]
    principal = ANONYMOUS
    token = bearer_token(request)
    if token is not None:
        resolved = await identity.resolve(token)
        if resolved is None:
            raise Problem("auth.required", "the token is invalid, expired or revoked")
        principal = resolved
    elif cookie := request.cookies.get(SESSION_COOKIE):
        principal = await identity.resolve(cookie) or ANONYMOUS
    request[PRINCIPAL_KEY] = principal
    return principal


async def signed_in(call: Call[Any, Any]) -> Principal:
    principal = await principal_of(call.request)
    if principal.is_anonymous:
        raise Problem("auth.required", "sign in first")
    return principal


async def account_id(call: Call[Any, Any]) -> UUID:
    """The signed-in account's id (401 ``auth.required`` for anonymous callers)."""
    principal = await signed_in(call)
    assert principal.account_id is not None  # signed_in refuses anonymous principals
    return principal.account_id


def authorize(principal: Principal, action: Action, resource: Resource) -> None:
    if allowed(principal, action, resource):
        return
    if principal.is_anonymous:
        raise Problem("auth.required", "sign in first")
    raise Problem("auth.forbidden", f"not allowed: {action.value}")


def same_origin(request: web.Request, origin: str) -> bool:
    return origins.same_origin(
        origin, request.app[SETTINGS].public_url, request.scheme, request.host
    )


# Bearer tokens a feature checks itself, not identity sessions: WHIP ingest tokens
# ("lfi_") and the interim broadcast operator token ("lfo_"), see signaling/tokens.py.
FEATURE_BEARER_PREFIXES = ("lfi_", "lfo_")


def _feature_bearer(request: web.Request) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and token.strip().startswith(FEATURE_BEARER_PREFIXES)


@web.middleware
async def auth_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Check a bearer token at once (a bad one is 401 on any route); refuse cross-site
    state changes before any handler runs. Cookie sessions are resolved lazily, so
    static files never cost a database lookup."""
    if "Authorization" in request.headers:
        if not _feature_bearer(request):
            await principal_of(request)
    elif request.method not in SAFE_METHODS:
        origin = request.headers.get("Origin")
        if origin is not None and not same_origin(request, origin):
            raise Problem("auth.bad_origin", "cross-site request refused")
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            expected = request.app[IDENTITY].csrf_token(cookie)
            sent = request.headers.get(CSRF_HEADER, "")
            if not hmac.compare_digest(sent, expected):
                raise Problem("auth.csrf", f"missing or wrong {CSRF_HEADER} header")
    return await handler(request)


def address_of(request: web.Request) -> str:
    return request.remote or ""


# -- bodies ---------------------------------------------------------------------------

Text80 = Field(min_length=1, max_length=80)


class CodeRequest(Model):
    destination: str = Field(min_length=3, max_length=254)
    purpose: Literal["register", "reset_password"] = "register"


class CodeIssued(Model):
    destination: str
    expires_at: datetime
    dev_code: str | None = Field(
        default=None,
        description="Only when codes are not really delivered (development): the code itself.",
    )


class Registration(Model):
    destination: str = Field(min_length=3, max_length=254)
    code: str = Field(pattern=r"^[0-9]{6}$")
    password: str = Field(min_length=1, max_length=256)
    display_name: str = Field(min_length=1, max_length=80)
    client: Literal["browser", "api"] = "browser"


class PasswordReset(Model):
    destination: str = Field(min_length=3, max_length=254)
    code: str = Field(pattern=r"^[0-9]{6}$")
    password: str = Field(min_length=1, max_length=256)
    client: Literal["browser", "api"] = "browser"


class Credentials(Model):
    identifier: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)
    client: Literal["browser", "api"] = "browser"
    label: str = Field(default="", max_length=200)


class GrantOut(Model):
    role: str
    scope_type: str
    scope_id: UUID | None
    fair_id: UUID | None
    region_code: str | None


class Me(Model):
    id: UUID
    phone: str | None
    email: str | None
    display_name: str
    grants: list[GrantOut]


class SignedIn(Model):
    account: Me
    token: str | None = Field(default=None, description="API clients only: shown once.")
    expires_at: datetime


class SessionOut(Model):
    id: UUID
    kind: Literal["browser", "api"]
    label: str
    address: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    current: bool


class SessionList(Model):
    items: list[SessionOut]


async def me_of(request: web.Request, principal: Principal) -> Me:
    assert principal.account_id is not None
    async with request.app[POOL].acquire() as conn:
        account = await store.get_account(conn, principal.account_id)
    if account is None:
        raise Problem("auth.required", "the account no longer exists")
    grants = sorted(principal.grants, key=lambda g: (g.role.value, str(g.scope_id)))
    return Me(
        id=account["id"],
        phone=account["phone"],
        email=account["email"],
        display_name=account["display_name"],
        grants=[
            GrantOut(
                role=g.role.value,
                scope_type=g.scope_type.value,
                scope_id=g.scope_id,
                fair_id=g.fair_id,
                region_code=g.region_code,
            )
            for g in grants
        ],
    )


def _cookie_options(request: web.Request) -> dict[str, object]:
    secure = request.app[SETTINGS].public_url.startswith("https://")
    return {"path": "/", "samesite": "Lax", "secure": secure}


async def _signed_in_response(
    request: web.Request, issued: IssuedSession, status: int
) -> web.Response:
    principal = await request.app[IDENTITY].resolve(issued.token)
    assert principal is not None
    me = await me_of(request, principal)
    body = SignedIn(
        account=me,
        token=issued.token if issued.kind == "api" else None,
        expires_at=issued.expires_at,
    )
    response = web.Response(
        body=body.model_dump_json().encode(), status=status, content_type="application/json"
    )
    if issued.kind == "browser":
        max_age = int((issued.expires_at - request.app[IDENTITY].now()).total_seconds())
        options = _cookie_options(request)
        response.set_cookie(
            SESSION_COOKIE,
            issued.token,
            httponly=True,
            max_age=max_age,
            **options,  # type: ignore[arg-type]
        )
        response.set_cookie(
            CSRF_COOKIE,
            request.app[IDENTITY].csrf_token(issued.token),
            max_age=max_age,
            **options,  # type: ignore[arg-type]
        )
    return response


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/api/auth/codes",
        operation_id="requestCode",
        summary="Send a verification code to a mobile number or e-mail address",
        body=CodeRequest,
        response=CodeIssued,
        status=202,
        tags=("identity",),
    )
    async def request_code(call: Call[CodeRequest, None]) -> CodeIssued:
        issued = await call.app[IDENTITY].request_code(
            call.body.destination, call.body.purpose, address_of(call.request)
        )
        return CodeIssued(
            destination=issued.contact.masked(),
            expires_at=issued.expires_at,
            dev_code=issued.dev_code,
        )

    @api.route(
        "POST",
        "/api/auth/register",
        operation_id="register",
        summary="Create a candidate account with a verified contact and a password",
        body=Registration,
        response=SignedIn,
        status=201,
        tags=("identity",),
    )
    async def register_account(call: Call[Registration, None]) -> web.StreamResponse:
        body = call.body
        issued = await call.app[IDENTITY].register(
            destination=body.destination,
            code=body.code,
            password=body.password,
            display_name=body.display_name.strip(),
            address=address_of(call.request),
            kind=body.client,
            label=call.request.headers.get("User-Agent", "")[:200],
        )
        return await _signed_in_response(call.request, issued, 201)

    @api.route(
        "POST",
        "/api/auth/password-reset",
        operation_id="resetPassword",
        summary="Set a new password with a code sent to the account's contact (purpose"
        " reset_password); ends every other session and signs in",
        body=PasswordReset,
        response=SignedIn,
        tags=("identity",),
    )
    async def reset_password(call: Call[PasswordReset, None]) -> web.StreamResponse:
        body = call.body
        issued = await call.app[IDENTITY].reset_password(
            destination=body.destination,
            code=body.code,
            password=body.password,
            address=address_of(call.request),
            kind=body.client,
            label=call.request.headers.get("User-Agent", "")[:200],
        )
        return await _signed_in_response(call.request, issued, 200)

    @api.route(
        "POST",
        "/api/auth/login",
        operation_id="login",
        summary="Sign in with a mobile number or e-mail and a password",
        body=Credentials,
        response=SignedIn,
        tags=("identity",),
    )
    async def login(call: Call[Credentials, None]) -> web.StreamResponse:
        body = call.body
        issued = await call.app[IDENTITY].login(
            identifier=body.identifier,
            password=body.password,
            address=address_of(call.request),
            kind=body.client,
            label=body.label or call.request.headers.get("User-Agent", "")[:200],
        )
        return await _signed_in_response(call.request, issued, 200)

    @api.route(
        "POST",
        "/api/auth/logout",
        operation_id="logout",
        summary="End the current session",
        response=None,
        status=204,
        tags=("identity",),
    )
    async def logout(call: Call[None, None]) -> web.StreamResponse:
        principal = await signed_in(call)
        assert principal.account_id is not None
        assert principal.session_id is not None
        await call.app[IDENTITY].revoke(
            principal.account_id, principal.session_id, actor_id=principal.account_id
        )
        await call.app[BUS].publish(SESSION_ENDED_CHANNEL, ended_session(principal.session_id))
        response = web.Response(status=204)
        secure = call.app[SETTINGS].public_url.startswith("https://")
        response.del_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Lax", secure=secure)
        response.del_cookie(CSRF_COOKIE, path="/", samesite="Lax", secure=secure)
        return response

    @api.route(
        "GET",
        "/api/me",
        operation_id="getMe",
        summary="The signed-in account and its role grants",
        response=Me,
        tags=("identity",),
    )
    async def get_me(call: Call[None, None]) -> Me:
        return await me_of(call.request, await signed_in(call))

    @api.route(
        "GET",
        "/api/me/sessions",
        operation_id="listSessions",
        summary="The account's active sessions and API tokens",
        response=SessionList,
        tags=("identity",),
    )
    async def list_sessions(call: Call[None, None]) -> SessionList:
        principal = await signed_in(call)
        assert principal.account_id is not None
        rows = await call.app[IDENTITY].sessions(principal.account_id)
        return SessionList(
            items=[
                SessionOut.model_validate({**row, "current": row["id"] == principal.session_id})
                for row in rows
            ]
        )

    @api.route(
        "DELETE",
        "/api/me/sessions/{session}",
        operation_id="revokeSession",
        summary="Revoke one of the account's sessions or API tokens",
        response=None,
        status=204,
        tags=("identity",),
    )
    async def revoke_session(call: Call[None, None]) -> web.StreamResponse:
        principal = await signed_in(call)
        assert principal.account_id is not None
        try:
            session_id = UUID(call.path("session"))
        except ValueError:
            raise Problem("session.not_found", "no such session") from None
        await call.app[IDENTITY].revoke(
            principal.account_id, session_id, actor_id=principal.account_id
        )
        await call.app[BUS].publish(SESSION_ENDED_CHANNEL, ended_session(session_id))
        return web.Response(status=204)
