"""Employers: profile, verification by a venue admin of their region, logo, recruiters.

Employers are global (not per fair). Any signed-in account may create one and becomes
its admin. Until a venue admin of the employer's region (or an organiser) verifies it,
the employer and its booths exist only for its own staff, that region's venue admins
and organisers: everyone else gets 404. Changing the name, credit code or region clears
the verification, so what was checked is what the public sees.

Recruiters join by a one-time invitation code (valid 7 days, stored as its SHA-256)
that an employer admin hands to them; accepting it grants ``recruiter`` on the employer.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Annotated, Any, Final, Literal
from uuid import UUID

import asyncpg
from aiohttp import web
from pydantic import AfterValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from server.api.auth import authorize, principal_of, signed_in
from server.api.routing import Api, Call, Model, Query, read_body
from server.appkeys import CLOCK, POOL
from server.domain.credit_code import CreditCodeError, parse_credit_code
from server.domain.industries import INDUSTRIES as INDUSTRIES  # re-exported: tests, pages
from server.domain.industries import Industry
from server.domain.permissions import Action, Resource, allowed
from server.domain.principal import ROLE_SCOPE, Principal, Role
from server.domain.regions import REGIONS, is_region_code
from server.errors import FieldError, Problem
from server.store import accounts as accounts_store
from server.store import employers as store
from server.store.db import Connection
from server.store.employers import Viewer

# -- vocabulary ---------------------------------------------------------------------------
# Clients map these values to text (the API never localises); the names here are the
# reference for the catalogues and docs/structure.md.

EmployerType = Literal["private", "sme", "micro", "state", "other"]
SizeBand = Literal["1_19", "20_99", "100_299", "300_999", "1000_4999", "5000_plus"]


INVITATION_TTL: Final = timedelta(days=7)
INVITATION_ALPHABET: Final = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols: 5 bits each
INVITATION_LENGTH: Final = 16  # 80 bits

LOGO_MAX_BYTES: Final = 512 * 1024
LOGO_TYPES: Final = ("image/png", "image/jpeg", "image/webp")
LOGO_MIN_SIDE: Final = 16
LOGO_MAX_SIDE: Final = 4096


# -- validation ---------------------------------------------------------------------------


def _credit_code(value: str) -> str:
    try:
        return parse_credit_code(value).value
    except CreditCodeError as exc:
        raise PydanticCustomError("employer.credit_code", str(exc)) from None


def _region(value: str) -> str:
    if not is_region_code(value):
        raise PydanticCustomError("enum", "not a sub-venue region code (GB/T 2260)")
    return value


CreditCodeText = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_credit_code)]
RegionCode = Annotated[
    str,
    Field(json_schema_extra={"enum": [region.code for region in REGIONS]}),
    AfterValidator(_region),
]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Description = Annotated[str, Field(max_length=4000)]
Website = Annotated[str, Field(max_length=300, pattern=r"^(https?://[^\s]+)?$")]


class Stripped(Model):
    model_config = ConfigDict(str_strip_whitespace=True)


class EmployerIn(Stripped):
    name: Name
    credit_code: CreditCodeText = Field(
        description="统一社会信用代码: 18 characters with a GB 32100-2015 check character."
    )
    type: EmployerType
    industry: Industry = Field(description="GB/T 4754-2017 section, A–T.")
    region_code: RegionCode
    size: SizeBand = Field(description="Number of employees.")
    description: Description = ""
    website: Website = ""


class EmployerPatch(Stripped):
    """Only the fields present change; ``null`` is refused."""

    name: Name | None = None
    credit_code: CreditCodeText | None = None
    type: EmployerType | None = None
    industry: Industry | None = None
    region_code: RegionCode | None = None
    size: SizeBand | None = None
    description: Description | None = None
    website: Website | None = None


class VerificationIn(Model):
    verified: bool = Field(
        default=True, description="false withdraws the verification (its booths go private)"
    )


class EmployerSummary(Model):
    id: UUID
    name: str
    type: str
    industry: str
    region_code: str
    verified: bool
    logo_url: str | None


class EmployerOut(Model):
    id: UUID
    name: str
    credit_code: str
    type: str
    industry: str
    region_code: str
    size: str
    description: str
    website: str
    verified: bool
    verified_at: datetime | None
    verified_by: UUID | None = Field(description="Shown to the employer's staff and admins only.")
    logo_url: str | None
    created_at: datetime
    updated_at: datetime


class EmployerList(Model):
    items: list[EmployerOut]
    next_after: UUID | None = Field(description="Pass as ?after= for the next page.")


class EmployerQuery(Query):
    region: Annotated[str, Field(pattern=r"^[0-9]{6}$")] | None = None
    type: EmployerType | None = None
    industry: Industry | None = None
    verified: bool | None = Field(
        default=None, description="false: those waiting for verification (that you may see)"
    )
    q: Annotated[str, Field(min_length=1, max_length=50)] | None = Field(
        default=None, description="Part of the name, or an exact credit code."
    )
    mine: bool = Field(default=False, description="Only employers you work for.")
    after: UUID | None = None
    limit: int = Field(default=50, ge=1, le=200)


class LogoOut(Model):
    url: str
    media_type: str
    width: int
    height: int
    bytes: int


class InvitationIn(Stripped):
    note: str = Field(default="", max_length=80, description="For whom, as a reminder.")


class InvitationOut(Model):
    id: UUID
    employer_id: UUID
    code: str = Field(description="Shown once: hand it to the recruiter.")
    note: str
    expires_at: datetime


class AcceptIn(Model):
    code: str = Field(min_length=1, max_length=40)


class Accepted(Model):
    employer: EmployerSummary
    role: str
    created: bool


class StaffMember(Model):
    account_id: UUID
    display_name: str
    role: str
    since: datetime


class PendingInvitation(Model):
    id: UUID
    note: str
    created_at: datetime
    expires_at: datetime


class RecruiterList(Model):
    items: list[StaffMember]
    pending_invitations: list[PendingInvitation]


# -- helpers shared with booths -----------------------------------------------------------


def parse_id(text: str, code: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise Problem(code, f"no such id: {text}") from None


def viewer_of(principal: Principal) -> Viewer:
    """What the principal may see beyond the public, as the store's SQL needs it."""
    grants = principal.grants
    return Viewer(
        account_id=principal.account_id,
        employer_ids=tuple(
            principal.scopes(Role.EMPLOYER_ADMIN) | principal.scopes(Role.RECRUITER)
        ),
        regions=tuple(
            sorted({g.region_code for g in grants if g.role is Role.VENUE_ADMIN and g.region_code})
        ),
        venue_ids=tuple(principal.scopes(Role.VENUE_ADMIN)),
        fair_ids=tuple(principal.scopes(Role.ORGANISER)),
        everything=any(g.role is Role.ORGANISER for g in grants),
    )


def employer_resource(row: dict[str, Any]) -> Resource:
    return Resource(employer_id=row["id"], employer_region=row["region_code"])


def sees_privately(principal: Principal, row: dict[str, Any]) -> bool:
    """Staff of the employer, venue admins of its region and organisers."""
    return allowed(principal, Action.VIEW_UNVERIFIED_EMPLOYER, employer_resource(row))


def visible(principal: Principal, row: dict[str, Any]) -> bool:
    return row["verified_at"] is not None or sees_privately(principal, row)


def logo_url(employer_id: UUID, sha256_hex: str | None) -> str | None:
    if sha256_hex is None:
        return None
    return f"/api/employers/{employer_id}/logo?v={sha256_hex[:12]}"


def summary(row: dict[str, Any], prefix: str = "") -> EmployerSummary:
    return EmployerSummary(
        id=row[f"{prefix}id"],
        name=row[f"{prefix}name"],
        type=row[f"{prefix}type"],
        industry=row[f"{prefix}industry"],
        region_code=row[f"{prefix}region_code"],
        verified=row[f"{prefix}verified_at"] is not None,
        logo_url=logo_url(row[f"{prefix}id"], row[f"{prefix}logo_sha256"]),
    )


def render(principal: Principal, row: dict[str, Any]) -> EmployerOut:
    return EmployerOut(
        id=row["id"],
        name=row["name"],
        credit_code=row["credit_code"],
        type=row["type"],
        industry=row["industry"],
        region_code=row["region_code"],
        size=row["size"],
        description=row["description"],
        website=row["website"],
        verified=row["verified_at"] is not None,
        verified_at=row["verified_at"],
        verified_by=row["verified_by"] if sees_privately(principal, row) else None,
        logo_url=logo_url(row["id"], row["logo_sha256"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def visible_employer(
    conn: Connection, principal: Principal, ref: str, *, for_update: bool = False
) -> dict[str, Any]:
    """The employer, or 404 if it does not exist *or* this principal may not know of it."""
    employer_id = parse_id(ref, "employer.not_found")
    row = await store.get_employer(conn, employer_id, for_update=for_update)
    if row is None or not visible(principal, row):
        raise Problem("employer.not_found", f"no employer {employer_id}")
    return row


def no_nulls(body: Model) -> dict[str, Any]:
    """The fields a PATCH body sets; an explicit ``null`` is a wrong type."""
    changes = {name: getattr(body, name) for name in sorted(body.model_fields_set)}
    nulls = [name for name, value in changes.items() if value is None]
    if nulls:
        raise Problem(
            "request.invalid",
            "some fields are invalid",
            errors=[FieldError(f"/{name}", "wrong_type", "null is not allowed") for name in nulls],
        )
    return changes


def credit_code_conflict() -> Problem:
    return Problem(
        "employer.exists",
        "an employer with this credit code is already registered; ask its admin for an"
        " invitation, or the venue if the registration is not yours",
        errors=[FieldError("/credit_code", "employer.exists")],
    )


def may_verify(principal: Principal, row: dict[str, Any]) -> bool:
    """A venue admin of the employer's region in any fair they run, or any organiser.
    Verification is global, as employers are: checked once, trusted in every fair."""
    fairs = {g.fair_id for g in principal.grants if g.fair_id is not None}
    return any(
        allowed(
            principal,
            Action.VERIFY_EMPLOYER,
            Resource(fair_id=fair, employer_id=row["id"], employer_region=row["region_code"]),
        )
        for fair in fairs
    )


# -- logos --------------------------------------------------------------------------------


def image_info(data: bytes) -> tuple[str, int, int] | None:
    """(media type, width, height) from a PNG, JPEG or WebP header, or None.

    Only the header is read: enough to know what the bytes claim to be and how large the
    picture is. The bytes are served back with that exact type and ``nosniff``.
    """
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        return "image/png", int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:3] == b"\xff\xd8\xff":
        return _jpeg_info(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and len(data) >= 30:
        chunk = data[12:16]
        if chunk == b"VP8X":
            width = int.from_bytes(data[24:27], "little") + 1
            height = int.from_bytes(data[27:30], "little") + 1
            return "image/webp", width, height
        if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
            width = int.from_bytes(data[26:28], "little") & 0x3FFF
            height = int.from_bytes(data[28:30], "little") & 0x3FFF
            return "image/webp", width, height
        if chunk == b"VP8L" and data[20] == 0x2F:
            bits = int.from_bytes(data[21:25], "little")
            return "image/webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


# Start-of-frame markers carry the dimensions (not DHT C4, JPG C8, DAC CC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_info(data: bytes) -> tuple[str, int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # no length
            i += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            return None
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if length < 2:
            return None
        if marker in _SOF:
            height = int.from_bytes(data[i + 5 : i + 7], "big")
            width = int.from_bytes(data[i + 7 : i + 9], "big")
            return "image/jpeg", width, height
        i += 2 + length
    return None


def logo_problem(message: str) -> Problem:
    return Problem("employer.logo_invalid", message)


def check_logo(declared: str, data: bytes) -> tuple[str, int, int]:
    info = image_info(data)
    if info is None:
        raise logo_problem("not a PNG, JPEG or WebP image")
    media_type, width, height = info
    if media_type != declared:
        raise logo_problem(f"the content is {media_type}, not {declared} as declared")
    if not (LOGO_MIN_SIDE <= width <= LOGO_MAX_SIDE and LOGO_MIN_SIDE <= height <= LOGO_MAX_SIDE):
        raise logo_problem(
            f"{width}×{height}: each side must be {LOGO_MIN_SIDE} to {LOGO_MAX_SIDE} pixels"
        )
    return info


# -- invitations --------------------------------------------------------------------------


def new_invitation_code() -> str:
    raw = "".join(secrets.choice(INVITATION_ALPHABET) for _ in range(INVITATION_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, INVITATION_LENGTH, 4))


def invitation_digest(code: str) -> bytes:
    normal = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normal.encode()).digest()


def invitation_problem(code: str, message: str) -> Problem:
    return Problem("request.invalid", message, errors=[FieldError("/code", code, message)])


# -- routes -------------------------------------------------------------------------------


def register(api: Api) -> None:
    tags = ("employers",)

    @api.route(
        "POST",
        "/api/employers",
        operation_id="createEmployer",
        summary="Register an employer; you become its admin. It is private until verified.",
        body=EmployerIn,
        response=EmployerOut,
        status=201,
        tags=tags,
    )
    async def create_employer(call: Call[EmployerIn, None]) -> EmployerOut:
        principal = await signed_in(call)
        authorize(principal, Action.CREATE_EMPLOYER, Resource())
        assert principal.account_id is not None
        now = call.app[CLOCK].now()
        fields = call.body.model_dump()
        try:
            async with call.app[POOL].acquire() as conn, conn.transaction():
                if await store.credit_code_taken(conn, fields["credit_code"], None):
                    raise credit_code_conflict()
                employer_id = await store.insert_employer(
                    conn, fields, created_by=principal.account_id, now=now
                )
                await accounts_store.insert_grant(
                    conn,
                    principal.account_id,
                    Role.EMPLOYER_ADMIN,
                    ROLE_SCOPE[Role.EMPLOYER_ADMIN],
                    employer_id,
                    granted_by=principal.account_id,
                    now=now,
                )
                await accounts_store.audit(
                    conn,
                    principal.account_id,
                    "grant.added",
                    now,
                    actor_id=principal.account_id,
                    detail={"role": Role.EMPLOYER_ADMIN.value, "employer": str(employer_id)},
                )
                row = await store.get_employer(conn, employer_id)
        except asyncpg.UniqueViolationError:  # the same code registered at the same moment
            raise credit_code_conflict() from None
        assert row is not None
        return render(principal, row)

    @api.route(
        "GET",
        "/api/employers",
        operation_id="listEmployers",
        summary="Employers you may see: verified ones, and those you work for or oversee",
        query=EmployerQuery,
        response=EmployerList,
        tags=tags,
    )
    async def list_employers(call: Call[None, EmployerQuery]) -> EmployerList:
        principal = await principal_of(call.request)
        query = call.query
        async with call.app[POOL].acquire() as conn:
            rows = await store.list_employers(
                conn,
                viewer_of(principal),
                region=query.region,
                type_=query.type,
                industry=query.industry,
                verified=query.verified,
                text=query.q,
                mine=query.mine,
                after=query.after,
                limit=query.limit + 1,
            )
        more = len(rows) > query.limit
        rows = rows[: query.limit]
        return EmployerList(
            items=[render(principal, row) for row in rows],
            next_after=rows[-1]["id"] if more else None,
        )

    @api.route(
        "GET",
        "/api/employers/{employer}",
        operation_id="getEmployer",
        summary="One employer (404 while unverified, except to its staff and overseers)",
        response=EmployerOut,
        tags=tags,
    )
    async def get_employer(call: Call[None, None]) -> EmployerOut:
        principal = await principal_of(call.request)
        async with call.app[POOL].acquire() as conn:
            row = await visible_employer(conn, principal, call.path("employer"))
        return render(principal, row)

    @api.route(
        "PATCH",
        "/api/employers/{employer}",
        operation_id="updateEmployer",
        summary="Edit the employer's profile (its admins); a new name, code or region"
        " needs verifying again",
        body=EmployerPatch,
        response=EmployerOut,
        tags=tags,
    )
    async def update_employer(call: Call[EmployerPatch, None]) -> EmployerOut:
        principal = await principal_of(call.request)
        changes = no_nulls(call.body)
        now = call.app[CLOCK].now()
        try:
            async with call.app[POOL].acquire() as conn, conn.transaction():
                row = await visible_employer(
                    conn, principal, call.path("employer"), for_update=True
                )
                authorize(principal, Action.UPDATE_EMPLOYER, employer_resource(row))
                code = changes.get("credit_code")
                if code is not None and await store.credit_code_taken(conn, code, row["id"]):
                    raise credit_code_conflict()
                if changes:
                    await store.update_employer(conn, row["id"], changes, now=now)
                    row = await visible_employer(conn, principal, str(row["id"]))
        except asyncpg.UniqueViolationError:
            raise credit_code_conflict() from None
        return render(principal, row)

    @api.route(
        "POST",
        "/api/employers/{employer}/verification",
        operation_id="verifyEmployer",
        summary="Verify the employer (venue admins of its region, organisers),"
        " or withdraw the verification",
        body=VerificationIn,
        response=EmployerOut,
        tags=tags,
    )
    async def verify_employer(call: Call[VerificationIn, None]) -> EmployerOut:
        principal = await principal_of(call.request)
        now = call.app[CLOCK].now()
        async with call.app[POOL].acquire() as conn, conn.transaction():
            row = await visible_employer(conn, principal, call.path("employer"), for_update=True)
            if not may_verify(principal, row):
                if principal.is_anonymous:
                    raise Problem("auth.required", "sign in first")
                raise Problem("auth.forbidden", f"not allowed: {Action.VERIFY_EMPLOYER.value}")
            if call.body.verified and row["verified_at"] is None:
                await store.set_verified(conn, row["id"], by=principal.account_id, at=now)
            elif not call.body.verified and row["verified_at"] is not None:
                await store.set_verified(conn, row["id"], by=None, at=None)
            row = await visible_employer(conn, principal, str(row["id"]))
        return render(principal, row)

    @api.route(
        "PUT",
        "/api/employers/{employer}/logo",
        operation_id="uploadEmployerLogo",
        summary="Upload the employer's logo: PNG, JPEG or WebP, at most 512 KiB (its admins)",
        response=LogoOut,
        max_body=LOGO_MAX_BYTES,
        raw_body_type="image/*",
        tags=tags,
    )
    async def upload_logo(call: Call[None, None]) -> LogoOut:
        principal = await principal_of(call.request)
        async with call.app[POOL].acquire() as conn:
            row = await visible_employer(conn, principal, call.path("employer"))
        authorize(principal, Action.UPDATE_EMPLOYER, employer_resource(row))
        data = await read_body(call.request, LOGO_MAX_BYTES, LOGO_TYPES)
        media_type, width, height = check_logo(call.request.content_type, data)
        digest = hashlib.sha256(data).digest()
        async with call.app[POOL].acquire() as conn, conn.transaction():
            await store.put_logo(
                conn,
                row["id"],
                media_type=media_type,
                width=width,
                height=height,
                content=data,
                sha256=digest,
                uploaded_by=principal.account_id,
                now=call.app[CLOCK].now(),
            )
        url = logo_url(row["id"], digest.hex())
        assert url is not None
        return LogoOut(url=url, media_type=media_type, width=width, height=height, bytes=len(data))

    @api.route(
        "GET",
        "/api/employers/{employer}/logo",
        operation_id="getEmployerLogo",
        summary="The employer's logo image",
        response=None,
        raw_response_type="image/*",
        responses={304: ("not modified (If-None-Match)", None)},
        tags=tags,
    )
    async def get_logo(call: Call[None, None]) -> web.StreamResponse:
        principal = await principal_of(call.request)
        async with call.app[POOL].acquire() as conn:
            row = await visible_employer(conn, principal, call.path("employer"))
            logo = await store.get_logo(conn, row["id"])
        if logo is None:
            raise Problem("employer.logo_not_found", "this employer has no logo")
        etag = f'"{logo["sha256"].hex()[:32]}"'
        headers = {
            "ETag": etag,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "public, max-age=300"
            if row["verified_at"] is not None
            else "private, no-cache",
        }
        if call.request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        return web.Response(body=logo["content"], content_type=logo["media_type"], headers=headers)

    @api.route(
        "DELETE",
        "/api/employers/{employer}/logo",
        operation_id="deleteEmployerLogo",
        summary="Remove the employer's logo (its admins)",
        response=None,
        status=204,
        tags=tags,
    )
    async def delete_logo(call: Call[None, None]) -> web.StreamResponse:
        principal = await principal_of(call.request)
        async with call.app[POOL].acquire() as conn, conn.transaction():
            row = await visible_employer(conn, principal, call.path("employer"))
            authorize(principal, Action.UPDATE_EMPLOYER, employer_resource(row))
            if not await store.delete_logo(conn, row["id"]):
                raise Problem("employer.logo_not_found", "this employer has no logo")
        return web.Response(status=204)

    @api.route(
        "POST",
        "/api/employers/{employer}/invitations",
        operation_id="inviteRecruiter",
        summary="Create a one-time code, valid 7 days, that makes its holder a recruiter"
        " (employer admins)",
        body=InvitationIn,
        response=InvitationOut,
        status=201,
        tags=tags,
    )
    async def invite_recruiter(call: Call[InvitationIn, None]) -> InvitationOut:
        principal = await principal_of(call.request)
        now = call.app[CLOCK].now()
        code = new_invitation_code()
        async with call.app[POOL].acquire() as conn, conn.transaction():
            row = await visible_employer(conn, principal, call.path("employer"))
            authorize(principal, Action.INVITE_RECRUITER, employer_resource(row))
            invitation_id = await store.insert_invitation(
                conn,
                row["id"],
                code_hash=invitation_digest(code),
                note=call.body.note,
                created_by=principal.account_id,
                now=now,
                expires_at=now + INVITATION_TTL,
            )
        return InvitationOut(
            id=invitation_id,
            employer_id=row["id"],
            code=code,
            note=call.body.note,
            expires_at=now + INVITATION_TTL,
        )

    @api.route(
        "POST",
        "/api/invitations/accept",
        operation_id="acceptInvitation",
        summary="Become a recruiter of the employer whose invitation code you hold",
        body=AcceptIn,
        response=Accepted,
        tags=tags,
    )
    async def accept_invitation(call: Call[AcceptIn, None]) -> Accepted:
        principal = await signed_in(call)
        assert principal.account_id is not None
        now = call.app[CLOCK].now()
        async with call.app[POOL].acquire() as conn, conn.transaction():
            invitation = await store.invitation_by_hash(conn, invitation_digest(call.body.code))
            if invitation is None:
                raise invitation_problem("invitation.invalid", "no such invitation code")
            if invitation["accepted_at"] is not None:
                raise invitation_problem("invitation.used", "this code has been used")
            if invitation["expires_at"] <= now:
                raise invitation_problem("invitation.expired", "this code has expired")
            await store.accept_invitation(conn, invitation["id"], principal.account_id, now)
            created = await accounts_store.insert_grant(
                conn,
                principal.account_id,
                Role.RECRUITER,
                ROLE_SCOPE[Role.RECRUITER],
                invitation["employer_id"],
                granted_by=principal.account_id,
                now=now,
            )
            if created:
                await accounts_store.audit(
                    conn,
                    principal.account_id,
                    "grant.added",
                    now,
                    actor_id=principal.account_id,
                    detail={
                        "role": Role.RECRUITER.value,
                        "employer": str(invitation["employer_id"]),
                        "invitation": str(invitation["id"]),
                    },
                )
            row = await store.get_employer(conn, invitation["employer_id"])
        assert row is not None
        return Accepted(employer=summary(row), role=Role.RECRUITER.value, created=created)

    @api.route(
        "GET",
        "/api/employers/{employer}/recruiters",
        operation_id="listRecruiters",
        summary="The employer's admins and recruiters, and open invitations (employer admins)",
        response=RecruiterList,
        tags=tags,
    )
    async def list_recruiters(call: Call[None, None]) -> RecruiterList:
        principal = await principal_of(call.request)
        async with call.app[POOL].acquire() as conn, conn.transaction(readonly=True):
            row = await visible_employer(conn, principal, call.path("employer"))
            authorize(principal, Action.INVITE_RECRUITER, employer_resource(row))
            staff = await store.list_staff(conn, row["id"])
            pending = await store.pending_invitations(conn, row["id"], call.app[CLOCK].now())
        return RecruiterList(
            items=[StaffMember(**member) for member in staff],
            pending_invitations=[PendingInvitation(**item) for item in pending],
        )

    @api.route(
        "DELETE",
        "/api/employers/{employer}/recruiters/{account}",
        operation_id="removeRecruiter",
        summary="Take the recruiter role away, and the account off the employer's booths"
        " (employer admins)",
        response=None,
        status=204,
        tags=tags,
    )
    async def remove_recruiter(call: Call[None, None]) -> web.StreamResponse:
        principal = await principal_of(call.request)
        account_id = parse_id(call.path("account"), "account.not_found")
        now = call.app[CLOCK].now()
        async with call.app[POOL].acquire() as conn, conn.transaction():
            row = await visible_employer(conn, principal, call.path("employer"))
            authorize(principal, Action.INVITE_RECRUITER, employer_resource(row))
            if not await store.remove_recruiter(conn, row["id"], account_id):
                raise Problem("account.not_found", "no such recruiter at this employer")
            await accounts_store.audit(
                conn,
                account_id,
                "grant.removed",
                now,
                actor_id=principal.account_id,
                detail={"role": Role.RECRUITER.value, "employer": str(row["id"])},
            )
        return web.Response(status=204)
