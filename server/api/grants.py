"""Appointing people to roles: venue admins (by organisers) and counsellors (by venue admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from server.api.auth import authorize, principal_of
from server.api.routing import Api, Call, Model
from server.appkeys import IDENTITY, POOL
from server.domain.permissions import Action, Resource
from server.domain.principal import ROLE_SCOPE, Role
from server.errors import Problem
from server.services.identity import contact_or_problem
from server.store import accounts as accounts_store
from server.store import fairs as fairs_store
from server.store.db import Connection


class Appointment(Model):
    account: str = Field(
        min_length=3, max_length=254, description="The person's mobile number or e-mail."
    )


class Appointed(Model):
    account_id: UUID
    display_name: str
    role: str
    scope_type: str
    scope_id: UUID
    created: bool
    at: datetime


class StaffMember(Model):
    account_id: UUID
    display_name: str
    role: str


class VenueStaff(Model):
    items: list[StaffMember]


async def venue_resource(conn: Connection, venue_ref: str) -> Resource:
    try:
        venue_id = UUID(venue_ref)
    except ValueError:
        raise Problem("venue.not_found", f"no venue {venue_ref}") from None
    venue = await fairs_store.get_venue(conn, venue_id)
    if venue is None:
        raise Problem("venue.not_found", f"no venue {venue_ref}")
    return Resource(
        fair_id=venue["fair_id"], venue_id=venue["id"], venue_region=venue["region_code"]
    )


async def _appoint(call: Call[Appointment, None], role: Role, action: Action) -> Appointed:
    principal = await principal_of(call.request)
    contact = contact_or_problem(call.body.account, "/account")
    now = call.app[IDENTITY].now()
    async with call.app[POOL].acquire() as conn, conn.transaction():
        resource = await venue_resource(conn, call.path("venue"))
        authorize(principal, action, resource)
        account = await accounts_store.find_account(conn, contact)
        if account is None:
            raise Problem("account.not_found", "no account with this contact; ask them to sign up")
        assert resource.venue_id is not None
        created = await accounts_store.insert_grant(
            conn,
            account["id"],
            role,
            ROLE_SCOPE[role],
            resource.venue_id,
            granted_by=principal.account_id,
            now=now,
        )
        if created:
            await accounts_store.audit(
                conn,
                account["id"],
                "grant.added",
                now,
                actor_id=principal.account_id,
                detail={"role": role.value, "venue": str(resource.venue_id)},
            )
    return Appointed(
        account_id=account["id"],
        display_name=account["display_name"],
        role=role.value,
        scope_type=ROLE_SCOPE[role].value,
        scope_id=resource.venue_id,
        created=created,
        at=now,
    )


def register(api: Api) -> None:
    @api.route(
        "POST",
        "/api/venues/{venue}/admins",
        operation_id="appointVenueAdmin",
        summary="Make an account an admin of this venue (organisers)",
        body=Appointment,
        response=Appointed,
        status=201,
        tags=("identity",),
    )
    async def appoint_venue_admin(call: Call[Appointment, None]) -> Appointed:
        return await _appoint(call, Role.VENUE_ADMIN, Action.APPOINT_VENUE_ADMIN)

    @api.route(
        "POST",
        "/api/venues/{venue}/counsellors",
        operation_id="appointCounsellor",
        summary="Make an account a counsellor of this venue (venue admins, organisers)",
        body=Appointment,
        response=Appointed,
        status=201,
        tags=("identity",),
    )
    async def appoint_counsellor(call: Call[Appointment, None]) -> Appointed:
        return await _appoint(call, Role.COUNSELLOR, Action.APPOINT_COUNSELLOR)

    @api.route(
        "GET",
        "/api/venues/{venue}/staff",
        operation_id="listVenueStaff",
        summary="The venue's admins and counsellors (venue admins, organisers)",
        response=VenueStaff,
        tags=("identity",),
    )
    async def list_venue_staff(call: Call[None, None]) -> VenueStaff:
        principal = await principal_of(call.request)
        async with call.app[POOL].acquire() as conn:
            resource = await venue_resource(conn, call.path("venue"))
            authorize(principal, Action.APPOINT_COUNSELLOR, resource)
            rows: list[Any] = await conn.fetch(
                """
                SELECT a.id AS account_id, a.display_name, g.role
                  FROM grants g JOIN accounts a ON a.id = g.account_id
                 WHERE g.scope_type = 'venue' AND g.scope_id = $1
                 ORDER BY g.role DESC, a.display_name, a.id
                """,
                resource.venue_id,
            )
        return VenueStaff(items=[StaffMember(**dict(row)) for row in rows])
