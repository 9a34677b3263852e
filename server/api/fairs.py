"""Public read API of fairs and their venues."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from server.api.auth import authorize, principal_of
from server.api.routing import Api, Call, Model, Query, id_or_slug
from server.appkeys import OUTBOX, POOL
from server.domain.permissions import Action, Resource
from server.errors import Problem
from server.store import fairs as store


class Bilingual(Model):
    zh: str
    en: str


class PartnerPlatform(Model):
    name_zh: str
    name_en: str
    url: str


class Leader(Model):
    name: str
    title: str
    phone: str


class Venue(Model):
    id: UUID
    fair_id: UUID
    kind: Literal["main", "sub"]
    region_code: str | None
    name_zh: str
    name_en: str
    url: str
    leader: Leader
    position: int
    # What the venue's booth topics show: the line and waits, or only the length.
    queue_visibility: Literal["full", "length_only"]


class Fair(Model):
    id: UUID
    slug: str
    title_zh: str
    title_en: str
    theme_zh: str
    theme_en: str
    starts_on: date
    ends_on: date
    time_zone: str
    organisers: list[Bilingual]
    first_submission_due: date | None
    summary_due: date | None
    weekly_deadline_weekday: str | None


class FairDetail(Fair):
    partner_platforms: list[PartnerPlatform]
    venues: list[Venue]


class FairList(Model):
    items: list[Fair]


class VenueList(Model):
    items: list[Venue]


class VenueQuery(Query):
    fair: UUID


class VenueUpdate(Model):
    """What a venue's admins may change: its leader, contact and public link."""

    name_zh: str | None = Field(default=None, min_length=1, max_length=100)
    name_en: str | None = Field(default=None, min_length=1, max_length=150)
    url: str | None = Field(default=None, max_length=300, pattern=r"^(https?://\S+)?$")
    leader_name: str | None = Field(default=None, max_length=50)
    leader_title: str | None = Field(default=None, max_length=100)
    leader_phone: str | None = Field(default=None, max_length=40, pattern=r"^[0-9+ ()-]*$")


def _fair(row: dict[str, Any]) -> dict[str, Any]:
    document = row.pop("document") or {}
    row["weekly_deadline_weekday"] = (document.get("weekly_deadline") or {}).get("weekday")
    return row


def _venue(row: dict[str, Any]) -> Venue:
    leader = Leader(
        name=row.pop("leader_name"), title=row.pop("leader_title"), phone=row.pop("leader_phone")
    )
    return Venue(leader=leader, **row)


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/api/fairs",
        operation_id="listFairs",
        summary="Fairs, most recent first",
        response=FairList,
        tags=("fairs",),
    )
    async def list_fairs(call: Call[None, None]) -> FairList:
        async with call.app[POOL].acquire() as conn:
            rows = await store.list_fairs(conn)
        return FairList(items=[Fair(**_fair(row)) for row in rows])

    @api.route(
        "GET",
        "/api/fairs/{fair}",
        operation_id="getFair",
        summary="A fair by id or slug, with its venues and partner platforms",
        response=FairDetail,
        tags=("fairs",),
    )
    async def get_fair(call: Call[None, None]) -> FairDetail:
        ref = call.path("fair")
        async with call.app[POOL].acquire() as conn, conn.transaction(readonly=True):
            row = await store.get_fair(conn, id_or_slug(ref))
            if row is None:
                raise Problem("fair.not_found", f"no fair {ref}")
            partners = await store.partner_platforms(conn, row["id"])
            venues = await store.list_venues(conn, row["id"])
        return FairDetail(
            **_fair(row),
            partner_platforms=[PartnerPlatform(**p) for p in partners],
            venues=[_venue(v) for v in venues],
        )

    @api.route(
        "GET",
        "/api/venues",
        operation_id="listVenues",
        summary="A fair's venues: the main venue first, then sub-venues in region order",
        response=VenueList,
        query=VenueQuery,
        tags=("fairs",),
    )
    async def list_venues(call: Call[None, VenueQuery]) -> VenueList:
        async with call.app[POOL].acquire() as conn:
            rows = await store.list_venues(conn, call.query.fair)
        return VenueList(items=[_venue(row) for row in rows])

    @api.route(
        "GET",
        "/api/venues/{venue}",
        operation_id="getVenue",
        summary="One venue",
        response=Venue,
        tags=("fairs",),
    )
    async def get_venue(call: Call[None, None]) -> Venue:
        venue_id = call.path_id("venue", "venue.not_found")
        async with call.app[POOL].acquire() as conn:
            row = await store.get_venue(conn, venue_id)
        if row is None:
            raise Problem("venue.not_found", f"no venue {venue_id}")
        return _venue(row)

    @api.route(
        "PATCH",
        "/api/venues/{venue}",
        operation_id="updateVenue",
        summary="Edit a venue's names, leader and link (its admins, the fair's organisers)",
        body=VenueUpdate,
        response=Venue,
        tags=("fairs",),
    )
    async def update_venue(call: Call[VenueUpdate, None]) -> Venue:
        principal = await principal_of(call.request)
        venue_id = call.path_id("venue", "venue.not_found")
        changes = call.body.model_dump(exclude_none=True)
        async with call.app[OUTBOX].transaction() as tx:
            row = await store.get_venue(tx.conn, venue_id)
            if row is None:
                raise Problem("venue.not_found", f"no venue {venue_id}")
            authorize(
                principal,
                Action.UPDATE_VENUE,
                Resource(
                    fair_id=row["fair_id"], venue_id=row["id"], venue_region=row["region_code"]
                ),
            )
            if changes:
                assignments = ", ".join(f"{name} = ${i}" for i, name in enumerate(changes, 2))
                await tx.conn.execute(
                    f"UPDATE venues SET {assignments} WHERE id = $1", venue_id, *changes.values()
                )
                tx.emit(f"venue:{venue_id}", "venue.updated", {"fields": sorted(changes)})
            row = await store.get_venue(tx.conn, venue_id)
        assert row is not None
        return _venue(row)
