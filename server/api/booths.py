"""Booths and guidance desks at a fair's venues, and who staffs them.

An employer's booth is created by the venue's admin (approved at once) or requested by
the employer's admin and approved by the venue's. Only verified employers have booths;
withdrawing an employer's verification hides its booths again. Guidance desks are
booths of a guidance kind with no employer, created by the venue and staffed by its
counsellors. The public lists approved booths of verified employers and approved desks;
a booth that was public stays readable by id after it closes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

import asyncpg
from aiohttp import web
from pydantic import Field

from server.api.auth import account_id, authorize, principal_of
from server.api.employers import (
    EmployerSummary,
    Stripped,
    no_nulls,
    parse_id,
    sees_privately,
    summary,
    viewer_of,
    visible_employer,
)
from server.api.grants import venue_resource
from server.api.routing import Api, Call, Model, Partial, Query
from server.appkeys import CLOCK, POOL, QUEUE
from server.domain.booths import (
    CAPACITY_MAX,
    CAPACITY_MIN,
    HHMM_PATTERN,
    MAX_HOURS_ENTRIES,
    MAX_STAFF,
    SLOT_MINUTES_MAX,
    SLOT_MINUTES_MIN,
    BoothKind,
    BoothStatus,
    Hours,
    StatusChange,
    check_hours,
    parse_hhmm,
    status_change,
)
from server.domain.permissions import Action, Resource, allowed
from server.domain.principal import Principal, Role, ScopeType
from server.domain.queue import QueueStatus, StaffStatus
from server.errors import FieldError, Problem
from server.store import accounts as accounts_store
from server.store import booths as store
from server.store import employers as employers_store
from server.store import fairs as fairs_store
from server.store.db import Connection

Kind = Literal["employer", "hiring_guidance", "career_guidance", "entrepreneurship", "legal_advice"]
Status = Literal["requested", "approved", "closed"]
Capacity = Annotated[int, Field(ge=CAPACITY_MIN, le=CAPACITY_MAX)]
SlotMinutes = Annotated[int, Field(ge=SLOT_MINUTES_MIN, le=SLOT_MINUTES_MAX)]
Title = Annotated[str, Field(max_length=100)]
Intro = Annotated[str, Field(max_length=2000)]
HHMM = Annotated[str, Field(pattern=HHMM_PATTERN, description="HH:MM in the fair's time zone")]


class HoursEntry(Model):
    """Opening hours on one date, or on every such weekday (1 = Monday … 7 = Sunday)."""

    date: dt.date | None = None
    weekday: Annotated[int, Field(ge=1, le=7)] | None = None
    start: HHMM
    end: HHMM


HoursList = Annotated[
    list[HoursEntry],
    Field(
        max_length=MAX_HOURS_ENTRIES,
        description="In fair time. A date's own entries replace its weekday's.",
    ),
]


class BoothIn(Stripped):
    kind: Kind = "employer"
    employer_id: UUID | None = Field(default=None, description="For kind 'employer' only.")
    title: Title = ""
    intro: Intro = ""
    capacity: Capacity = Field(default=50, description="The most candidates waiting at once.")
    slot_minutes: SlotMinutes = 15
    hours: HoursList = Field(default_factory=list)


class BoothRequestIn(Stripped):
    venue_id: UUID
    title: Title = ""
    intro: Intro = ""
    capacity: Capacity = 50
    slot_minutes: SlotMinutes = 15
    hours: HoursList = Field(default_factory=list)


class BoothPatch(Stripped):
    """Only the fields present change; ``null`` is refused."""

    title: Title | None = None
    intro: Intro | None = None
    capacity: Capacity | None = None
    slot_minutes: SlotMinutes | None = None
    hours: HoursList | None = None
    status: Status | None = Field(
        default=None,
        description="closed: withdraw or close (its employer's admins too);"
        " approved: approve or reopen (the venue only)",
    )


class ApprovalIn(Model):
    approved: bool = Field(default=True, description="false declines the request")


class StaffIn(Model):
    account_ids: Annotated[list[UUID], Field(max_length=MAX_STAFF)]


class BoothStaffMember(Model):
    account_id: UUID
    display_name: str


class BoothStaff(Model):
    items: list[BoothStaffMember]


class BoothOut(Model):
    id: UUID
    fair_id: UUID
    venue_id: UUID
    kind: Kind
    status: Status
    title: str
    intro: str
    capacity: int
    slot_minutes: int
    hours: list[HoursEntry]
    employer: EmployerSummary | None
    staff: list[BoothStaffMember]
    requested_at: dt.datetime | None
    approved_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class BoothList(Model):
    items: list[BoothOut]
    next_offset: int | None = Field(description="Pass as ?offset= for the next page.")


class FairRef(Model):
    id: UUID
    slug: str
    title_zh: str
    title_en: str


class VenueRef(Model):
    id: UUID
    name_zh: str
    name_en: str


class MyBooth(Model):
    """A booth the caller staffs. Its name is shown as on its page: ``title``, else the
    employer's name, else (a desk) its kind."""

    id: UUID
    kind: Kind
    status: Status
    title: str
    employer: EmployerSummary | None
    fair: FairRef
    venue: VenueRef
    line_status: QueueStatus = Field(description="the booth's line (closed if never opened)")
    waiting: int = Field(description="candidates in the line now (waiting or notified)")
    my_status: StaffStatus = Field(description="the caller's own status at this booth")


class MyBooths(Model):
    items: list[MyBooth]


class BoothQuery(Query):
    fair: UUID | None = None
    venue: UUID | None = None
    kind: Kind | None = None
    employer: UUID | None = None
    status: Status | None = Field(
        default=None,
        description="Without it: every status you may see (the public sees approved booths).",
    )
    offset: int = Field(default=0, ge=0, le=100_000)
    limit: int = Field(default=100, ge=1, le=500)


# -- rules --------------------------------------------------------------------------------


def booth_resource(row: dict[str, Any], staff: list[dict[str, Any]] | None = None) -> Resource:
    return Resource(
        fair_id=row["fair_id"],
        venue_id=row["venue_id"],
        venue_region=row["venue_region"],
        booth_employer_id=row["employer_id"],
        booth_venue_id=row["venue_id"],
        booth_staff=frozenset(member["account_id"] for member in staff or ()),
    )


def runs_venue(principal: Principal, row: dict[str, Any]) -> bool:
    """The booth's venue admins and its fair's organisers."""
    return allowed(
        principal,
        Action.CREATE_BOOTH,
        Resource(fair_id=row["fair_id"], venue_id=row["venue_id"]),
    )


def publicly_readable(row: dict[str, Any]) -> bool:
    employer_ok = row["employer_id"] is None or row["employer_verified_at"] is not None
    status = row["status"]
    was_public = status == "approved" or (status == "closed" and row["approved_at"] is not None)
    return employer_ok and was_public


def booth_visible(principal: Principal, row: dict[str, Any], staff: list[dict[str, Any]]) -> bool:
    if publicly_readable(row) or runs_venue(principal, row):
        return True
    if principal.account_id is not None and any(
        member["account_id"] == principal.account_id for member in staff
    ):
        return True
    return row["employer_id"] is not None and sees_privately(
        principal, {"id": row["employer_id"], "region_code": row["employer_region_code"]}
    )


async def visible_booth(
    conn: Connection, principal: Principal, ref: str, *, for_update: bool = False
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    booth_id = parse_id(ref, "booth.not_found")
    row = await store.get_booth(conn, booth_id, for_update=for_update)
    staff = (await store.staff_of(conn, [booth_id]))[booth_id] if row is not None else []
    if row is None or not booth_visible(principal, row, staff):
        raise Problem("booth.not_found", f"no booth {booth_id}")
    return row, staff


def hours_errors(
    entries: list[HoursEntry], starts_on: dt.date, ends_on: dt.date
) -> list[FieldError]:
    """What is wrong with opening hours for a fair running ``starts_on``–``ends_on``."""
    parsed = [
        Hours(parse_hhmm(e.start), parse_hhmm(e.end), on_date=e.date, weekday=e.weekday)
        for e in entries
    ]
    return [
        FieldError(
            f"/hours/{issue.index}" + (f"/{issue.field}" if issue.field else ""),
            issue.code,
            issue.message,
        )
        for issue in check_hours(parsed, starts_on, ends_on)
    ]


def hours_value(entries: list[HoursEntry], starts_on: dt.date, ends_on: dt.date) -> list[Any]:
    """Check opening hours against the fair's dates; the JSON to store, or a 422."""
    errors = hours_errors(entries, starts_on, ends_on)
    if errors:
        raise Problem("request.invalid", "the opening hours are invalid", errors=errors)
    return [e.model_dump(mode="json", exclude_none=True) for e in entries]


def render(row: dict[str, Any], staff: list[dict[str, Any]]) -> BoothOut:
    return BoothOut(
        id=row["id"],
        fair_id=row["fair_id"],
        venue_id=row["venue_id"],
        kind=row["kind"],
        status=row["status"],
        title=row["title"],
        intro=row["intro"],
        capacity=row["capacity"],
        slot_minutes=row["slot_minutes"],
        hours=[HoursEntry.model_validate(entry, strict=False) for entry in row["hours"]],
        employer=summary(row, "employer_") if row["employer_id"] is not None else None,
        staff=[BoothStaffMember(**member) for member in staff],
        requested_at=row["requested_at"],
        approved_at=row["approved_at"],
        closed_at=row["closed_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def render_mine(row: dict[str, Any]) -> MyBooth:
    return MyBooth(
        id=row["id"],
        kind=row["kind"],
        status=row["status"],
        title=row["title"],
        employer=summary(row, "employer_") if row["employer_id"] is not None else None,
        fair=FairRef(
            id=row["fair_id"],
            slug=row["fair_slug"],
            title_zh=row["fair_title_zh"],
            title_en=row["fair_title_en"],
        ),
        venue=VenueRef(
            id=row["venue_id"], name_zh=row["venue_name_zh"], name_en=row["venue_name_en"]
        ),
        line_status=QueueStatus(row["line_status"]),
        waiting=row["waiting"],
        my_status=StaffStatus(row["my_status"]),
    )


def field_problem(pointer: str, code: str, message: str) -> Problem:
    return Problem("request.invalid", message, errors=[FieldError(pointer, code, message)])


def employer_errors(kind: str, employer_id: UUID | None) -> list[FieldError]:
    """An employer's booth names its employer; a guidance desk has none."""
    if kind == BoothKind.EMPLOYER and employer_id is None:
        return [FieldError("/employer_id", "required", "an employer's booth needs its employer")]
    if kind != BoothKind.EMPLOYER and employer_id is not None:
        return [FieldError("/employer_id", "not_allowed", "a guidance desk has no employer")]
    return []


def not_verified() -> Problem:
    return Problem(
        "employer.not_verified", "the employer must be verified by its region's venue first"
    )


def booth_exists() -> Problem:
    return Problem("booth.exists", "this employer already has an open booth at this venue")


async def open_booth_exists(conn: Connection, venue_id: UUID, employer_id: UUID) -> bool:
    found = await conn.fetchval(
        "SELECT true FROM booths WHERE venue_id = $1 AND employer_id = $2 AND status <> 'closed'",
        venue_id,
        employer_id,
    )
    return found is True


async def fair_window(conn: Connection, fair_id: UUID) -> tuple[dt.date, dt.date]:
    fair = await fairs_store.get_fair(conn, fair_id)
    assert fair is not None  # a venue's fair exists (ON DELETE CASCADE)
    return fair["starts_on"], fair["ends_on"]


async def load(conn: Connection, booth_id: UUID) -> BoothOut:
    row = await store.get_booth(conn, booth_id)
    assert row is not None
    return render(row, (await store.staff_of(conn, [booth_id]))[booth_id])


# -- routes -------------------------------------------------------------------------------


# The rules each write checks after its body is valid, run also on the well-formed
# fields of a body that is not (routing's ``rules``), so that one 422 names everything.
# Nothing when the caller may not write: the handler says so once the body is valid.


async def create_rules(request: web.Request, partial: Partial) -> list[FieldError]:
    fields = partial.fields
    principal = await principal_of(request)
    async with request.app[POOL].acquire() as conn:
        try:
            venue = await venue_resource(conn, request.match_info["venue"])
            authorize(principal, Action.CREATE_BOOTH, venue)
        except Problem:
            return []
        assert venue.fair_id is not None
        errors: list[FieldError] = []
        if "kind" not in partial.failed and "employer_id" not in partial.failed:
            errors += employer_errors(fields.get("kind", "employer"), fields.get("employer_id"))
        if "hours" in fields:
            errors += hours_errors(fields["hours"], *await fair_window(conn, venue.fair_id))
        return errors


async def request_rules(request: web.Request, partial: Partial) -> list[FieldError]:
    fields = partial.fields
    principal = await principal_of(request)
    async with request.app[POOL].acquire() as conn:
        try:
            employer = await visible_employer(conn, principal, request.match_info["employer"])
            authorize(
                principal,
                Action.REQUEST_BOOTH,
                Resource(employer_id=employer["id"], employer_region=employer["region_code"]),
            )
        except Problem:
            return []
        if "venue_id" not in fields:
            return []
        venue = await fairs_store.get_venue(conn, fields["venue_id"])
        if venue is None:
            return [FieldError("/venue_id", "venue.not_found", "no such venue")]
        if "hours" not in fields:
            return []
        return hours_errors(fields["hours"], *await fair_window(conn, venue["fair_id"]))


async def update_rules(request: web.Request, partial: Partial) -> list[FieldError]:
    fields = partial.fields
    principal = await principal_of(request)
    errors = [
        FieldError(f"/{name}", "wrong_type", "null is not allowed")
        for name, value in fields.items()
        if value is None
    ]
    async with request.app[POOL].acquire() as conn:
        try:
            row, staff = await visible_booth(conn, principal, request.match_info["booth"])
            authorize(principal, Action.UPDATE_BOOTH, booth_resource(row, staff))
        except Problem:
            return errors
        if fields.get("hours") is not None:
            errors += hours_errors(fields["hours"], row["fair_starts_on"], row["fair_ends_on"])
        return errors


def register(api: Api) -> None:
    tags = ("booths",)

    @api.route(
        "POST",
        "/api/venues/{venue}/booths",
        operation_id="createBooth",
        summary="Open a booth for a verified employer, or a guidance desk, at this venue"
        " (its admins, organisers)",
        body=BoothIn,
        rules=create_rules,
        response=BoothOut,
        status=201,
        tags=tags,
    )
    async def create_booth(call: Call[BoothIn, None]) -> BoothOut:
        principal = await principal_of(call.request)
        body = call.body
        now = call.app[CLOCK].now()
        try:
            async with call.app[POOL].acquire() as conn, conn.transaction():
                venue = await venue_resource(conn, call.path("venue"))
                authorize(principal, Action.CREATE_BOOTH, venue)
                assert venue.fair_id is not None
                assert venue.venue_id is not None
                kind = BoothKind(body.kind)
                if errors := employer_errors(kind, body.employer_id):
                    raise Problem("request.invalid", errors[0].message, errors=errors)
                employer: dict[str, Any] | None = None
                if body.employer_id is not None:
                    employer = await employers_store.get_employer(conn, body.employer_id)
                    if employer is None or (
                        employer["verified_at"] is None and not sees_privately(principal, employer)
                    ):
                        raise field_problem(
                            "/employer_id", "employer.not_found", "no such employer"
                        )
                starts_on, ends_on = await fair_window(conn, venue.fair_id)
                fields = body.model_dump(include={"title", "intro", "capacity", "slot_minutes"})
                fields["hours"] = hours_value(body.hours, starts_on, ends_on)
                # Bad input first (422), then conflicts with the state of things (409).
                if employer is not None:
                    if employer["verified_at"] is None:
                        raise not_verified()
                    if await open_booth_exists(conn, venue.venue_id, employer["id"]):
                        raise booth_exists()
                booth_id = await store.insert_booth(
                    conn,
                    fair_id=venue.fair_id,
                    venue_id=venue.venue_id,
                    kind=kind.value,
                    employer_id=body.employer_id,
                    fields=fields,
                    status=BoothStatus.APPROVED.value,
                    actor=principal.account_id,
                    now=now,
                )
                return await load(conn, booth_id)
        except asyncpg.UniqueViolationError:
            raise booth_exists() from None

    @api.route(
        "POST",
        "/api/employers/{employer}/booths",
        operation_id="requestBooth",
        summary="Ask a venue for a booth for this verified employer (its admins)",
        body=BoothRequestIn,
        rules=request_rules,
        response=BoothOut,
        status=201,
        tags=tags,
    )
    async def request_booth(call: Call[BoothRequestIn, None]) -> BoothOut:
        principal = await principal_of(call.request)
        body = call.body
        now = call.app[CLOCK].now()
        try:
            async with call.app[POOL].acquire() as conn, conn.transaction():
                employer = await visible_employer(conn, principal, call.path("employer"))
                authorize(
                    principal,
                    Action.REQUEST_BOOTH,
                    Resource(employer_id=employer["id"], employer_region=employer["region_code"]),
                )
                venue = await fairs_store.get_venue(conn, body.venue_id)
                if venue is None:
                    raise field_problem("/venue_id", "venue.not_found", "no such venue")
                starts_on, ends_on = await fair_window(conn, venue["fair_id"])
                fields = body.model_dump(include={"title", "intro", "capacity", "slot_minutes"})
                fields["hours"] = hours_value(body.hours, starts_on, ends_on)
                if employer["verified_at"] is None:
                    raise not_verified()
                if await open_booth_exists(conn, venue["id"], employer["id"]):
                    raise booth_exists()
                booth_id = await store.insert_booth(
                    conn,
                    fair_id=venue["fair_id"],
                    venue_id=venue["id"],
                    kind=BoothKind.EMPLOYER.value,
                    employer_id=employer["id"],
                    fields=fields,
                    status=BoothStatus.REQUESTED.value,
                    actor=principal.account_id,
                    now=now,
                )
                return await load(conn, booth_id)
        except asyncpg.UniqueViolationError:
            raise booth_exists() from None

    async def change(
        call: Call[Any, None], changes: dict[str, Any], *, approving_only: bool
    ) -> BoothOut:
        """Apply a PATCH (or an approval) to a booth, with its status rules, in one
        transaction."""
        principal = await principal_of(call.request)
        now = call.app[CLOCK].now()
        try:
            async with call.app[POOL].acquire() as conn, conn.transaction():
                row, staff = await visible_booth(
                    conn, principal, call.path("booth"), for_update=True
                )
                by_venue = runs_venue(principal, row)
                if approving_only:
                    authorize(principal, Action.CREATE_BOOTH, booth_resource(row, staff))
                else:
                    authorize(principal, Action.UPDATE_BOOTH, booth_resource(row, staff))
                new_status = changes.get("status")
                if new_status is not None:
                    verdict = status_change(
                        BoothStatus(row["status"]), BoothStatus(new_status), by_venue=by_venue
                    )
                    if verdict is StatusChange.FORBIDDEN:
                        raise Problem(
                            "auth.forbidden", f"only the venue may set a booth {new_status}"
                        )
                    if verdict is StatusChange.INVALID:
                        raise field_problem(
                            "/status",
                            "booth.status_transition",
                            f"a {row['status']} booth cannot become {new_status}",
                        )
                    if new_status == row["status"]:
                        del changes["status"]
                    elif (
                        new_status == BoothStatus.APPROVED
                        and row["employer_id"] is not None
                        and row["employer_verified_at"] is None
                    ):
                        raise not_verified()
                if "hours" in changes:
                    changes["hours"] = hours_value(
                        changes["hours"], row["fair_starts_on"], row["fair_ends_on"]
                    )
                if changes:
                    await store.update_booth(
                        conn, row["id"], changes, actor=principal.account_id, now=now
                    )
                if "status" in changes:  # a closed booth's line closes with it
                    await call.app[QUEUE].booth_changed(conn, row["id"])
                elif "hours" in changes:  # a line following them takes the new hours
                    await call.app[QUEUE].hours_changed(conn, row["id"])
                return await load(conn, row["id"])
        except asyncpg.UniqueViolationError:  # reopening next to another open booth
            raise booth_exists() from None

    @api.route(
        "POST",
        "/api/booths/{booth}/approval",
        operation_id="approveBooth",
        summary="Approve (or reopen) a booth, or decline a request (the venue's admins,"
        " organisers)",
        body=ApprovalIn,
        response=BoothOut,
        tags=tags,
    )
    async def approve_booth(call: Call[ApprovalIn, None]) -> BoothOut:
        status = BoothStatus.APPROVED if call.body.approved else BoothStatus.CLOSED
        return await change(call, {"status": status.value}, approving_only=True)

    @api.route(
        "PATCH",
        "/api/booths/{booth}",
        operation_id="updateBooth",
        summary="Edit a booth: intro, capacity, slot length, hours, or close it (its employer's"
        " admins, the venue's admins, organisers)",
        body=BoothPatch,
        rules=update_rules,
        response=BoothOut,
        tags=tags,
    )
    async def update_booth(call: Call[BoothPatch, None]) -> BoothOut:
        return await change(call, no_nulls(call.body), approving_only=False)

    @api.route(
        "GET",
        "/api/booths",
        operation_id="listBooths",
        summary="Booths and guidance desks, by venue (the public sees approved ones of"
        " verified employers)",
        query=BoothQuery,
        response=BoothList,
        tags=tags,
    )
    async def list_booths(call: Call[None, BoothQuery]) -> BoothList:
        principal = await principal_of(call.request)
        query = call.query
        async with call.app[POOL].acquire() as conn, conn.transaction(readonly=True):
            rows = await store.list_booths(
                conn,
                viewer_of(principal),
                fair=query.fair,
                venue=query.venue,
                kind=query.kind,
                employer=query.employer,
                status=query.status,
                offset=query.offset,
                limit=query.limit + 1,
            )
            more = len(rows) > query.limit
            rows = rows[: query.limit]
            staff = await store.staff_of(conn, [row["id"] for row in rows])
        return BoothList(
            items=[render(row, staff[row["id"]]) for row in rows],
            next_offset=query.offset + query.limit if more else None,
        )

    @api.route(
        "GET",
        "/api/booths/{booth}",
        operation_id="getBooth",
        summary="One booth or guidance desk, with its staff and employer",
        response=BoothOut,
        tags=tags,
    )
    async def get_booth(call: Call[None, None]) -> BoothOut:
        principal = await principal_of(call.request)
        async with call.app[POOL].acquire() as conn, conn.transaction(readonly=True):
            row, staff = await visible_booth(conn, principal, call.path("booth"))
        return render(row, staff)

    @api.route(
        "GET",
        "/api/me/booths",
        operation_id="getMyBooths",
        summary="The booths and guidance desks I staff, in every fair (newest first), with"
        " their lines and my status at each",
        response=MyBooths,
        tags=tags,
    )
    async def my_booths(call: Call[None, None]) -> MyBooths:
        me = await account_id(call)
        async with call.app[POOL].acquire() as conn:
            rows = await store.staffed_by(conn, me)
        return MyBooths(items=[render_mine(row) for row in rows])

    @api.route(
        "PUT",
        "/api/booths/{booth}/staff",
        operation_id="setBoothStaff",
        summary="Set who staffs the booth: the employer's recruiters (its admins), or for a"
        " guidance desk the venue's counsellors (the venue's admins)",
        body=StaffIn,
        response=BoothStaff,
        tags=tags,
    )
    async def set_booth_staff(call: Call[StaffIn, None]) -> BoothStaff:
        principal = await principal_of(call.request)
        wanted = list(dict.fromkeys(call.body.account_ids))  # a set: repeats count once
        now = call.app[CLOCK].now()
        async with call.app[POOL].acquire() as conn, conn.transaction():
            row, staff = await visible_booth(conn, principal, call.path("booth"), for_update=True)
            authorize(principal, Action.SET_BOOTH_STAFF, booth_resource(row, staff))
            if row["employer_id"] is not None:
                roles = await accounts_store.roles_at(
                    conn, ScopeType.EMPLOYER, row["employer_id"], wanted
                )
                eligible = {Role.RECRUITER.value, Role.EMPLOYER_ADMIN.value}
                reason = "not a recruiter of this employer"
            else:
                roles = await accounts_store.roles_at(
                    conn, ScopeType.VENUE, row["venue_id"], wanted
                )
                eligible = {Role.COUNSELLOR.value}
                reason = "not a counsellor of this venue"
            refused = [
                FieldError(
                    f"/account_ids/{call.body.account_ids.index(account)}",
                    "booth.staff_not_eligible",
                    reason,
                )
                for account in wanted
                if not roles.get(account, set()) & eligible
            ]
            if refused:
                raise Problem(
                    "request.invalid", "some people cannot staff this booth", errors=refused
                )
            await store.set_staff(
                conn, row["id"], wanted, assigned_by=principal.account_id, now=now
            )
            members = (await store.staff_of(conn, [row["id"]]))[row["id"]]
        return BoothStaff(items=[BoothStaffMember(**member) for member in members])
