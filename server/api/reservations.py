"""Reservations over HTTP: a booth's slots, booking and cancelling, a candidate's own
bookings, and the booth's slot settings (docs/reservations.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal
from uuid import UUID

from aiohttp import web
from pydantic import AwareDatetime, Field

from server.api.auth import account_id, principal_of, signed_in
from server.api.routing import Api, Call, Model, Query
from server.appkeys import CLOCK, OUTBOX, POOL, QUEUE, TIMERS
from server.domain.principal import Role
from server.domain.slots import (
    BUFFER_MAX,
    CAPACITY_MAX,
    CAPACITY_MIN,
    CLOSES_MINUTES_MAX,
    GRACE_MINUTES_MAX,
    GRACE_MINUTES_MIN,
    OPENS_HOURS_MAX,
    OPENS_HOURS_MIN,
    SlotMode,
    SlotSettings,
)
from server.errors import Problem
from server.services.reservations import (
    DRAW_KIND,
    NO_SHOW_KIND,
    START_KIND,
    ReservationService,
    booking_view,
)
from server.store.db import Connection
from server.timers import LatePolicy, Timer

RESERVATIONS = web.AppKey("reservations", ReservationService)
TAGS = ("reservations",)
Mode = Literal["first_come", "lottery"]
BookingStateName = Literal[
    "requested", "confirmed", "waitlisted", "admitted", "cancelled", "no_show", "expired"
]


class SlotSettingsBody(Model):
    enabled: bool = Field(description="whether candidates may book this booth's slots")
    mode: Mode = Field(
        description="first_come: a booking takes a free place at once; lottery: requests"
        " until the window closes, then a seeded draw and a wait-list"
    )
    capacity: Annotated[int, Field(ge=CAPACITY_MIN, le=CAPACITY_MAX)] = Field(
        description="candidates one slot admits (定员)"
    )
    buffer_minutes: Annotated[int, Field(ge=0, le=BUFFER_MAX)] = Field(
        description="minutes between one slot's end and the next one's start"
    )
    opens_hours: Annotated[int, Field(ge=OPENS_HOURS_MIN, le=OPENS_HOURS_MAX)] = Field(
        description="booking opens this many hours before a slot starts"
    )
    closes_minutes: Annotated[int, Field(ge=0, le=CLOSES_MINUTES_MAX)] = Field(
        description="booking closes this many minutes before a slot starts (the draw)"
    )
    grace_minutes: Annotated[int, Field(ge=GRACE_MINUTES_MIN, le=GRACE_MINUTES_MAX)] = Field(
        description="minutes after the start by which a booked candidate must have come"
    )


class MySlotBooking(Model):
    booking_id: UUID
    state: BookingStateName
    waitlist_place: int | None = Field(None, description="1 = next to move up")


class SlotBase(Model):
    id: UUID
    starts_at: dt.datetime
    ends_at: dt.datetime
    mode: Mode
    capacity: int
    taken: int = Field(description="places held by confirmed or admitted bookings")
    free: int
    requests: int = Field(description="lottery requests waiting for the draw")
    waitlist: int
    opens_at: dt.datetime
    closes_at: dt.datetime
    window: Literal["not_open", "open", "closed"]
    seed_sha256: str | None = Field(
        None, description="SHA-256 of the draw's seed, public once the slot is first booked"
    )
    seed: str | None = Field(None, description="the draw's seed, shown after the draw")


class SlotOut(SlotBase):
    mine: MySlotBooking | None = None


class SlotDay(Model):
    enabled: bool
    date: dt.date
    days: list[dt.date] = Field(description="fair days with slots")
    time_zone: str


class SlotList(SlotDay):
    items: list[SlotOut]


class StaffBookingOut(Model):
    id: UUID
    slot_id: UUID
    starts_at: dt.datetime = Field(description="the slot's start")
    candidate_id: UUID = Field(description="as on the roster; the person: getCandidate")
    state: BookingStateName
    waitlist_place: int | None = Field(None, description="1 = next to move up")
    booked_at: dt.datetime = Field(description="when the booking or request was made")
    ticket_id: UUID | None = Field(None, description="the ticket, once admitted")
    changed_at: dt.datetime


class StaffSlotOut(SlotBase):
    bookings: list[StaffBookingOut] = Field(
        description="places held (confirmed, admitted) by booking time, the wait-list in"
        " draw order, lottery requests by booking time, then cancelled, no-show, expired"
    )


class StaffSlotList(SlotDay):
    items: list[StaffSlotOut]


class SlotsQuery(Query):
    date: dt.date | None = Field(
        None,
        description="a fair day (fair time); default: the first from today on with a slot"
        " still to start",
    )


class BookIn(Model):
    starts_at: AwareDatetime = Field(description="the slot's start, as listSlots gives it")


class BookingOut(Model):
    id: UUID
    slot_id: UUID
    booth_id: UUID
    booth_name: str = ""
    mode: Mode | None = None
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: BookingStateName
    waitlist_place: int | None = None
    ticket_id: UUID | None = None
    changed_at: dt.datetime


class BookingList(Model):
    items: list[BookingOut]


def _booking(row: dict[str, Any]) -> BookingOut:
    view = booking_view(row)
    return BookingOut.model_validate(
        {**view, "booth_name": row.get("booth_name", ""), "mode": row.get("mode")}, strict=False
    )


def _settings_out(settings: SlotSettings) -> SlotSettingsBody:
    return SlotSettingsBody(
        enabled=settings.enabled,
        mode=settings.mode.value,
        capacity=settings.capacity,
        buffer_minutes=settings.buffer_minutes,
        opens_hours=settings.opens_hours,
        closes_minutes=settings.closes_minutes,
        grace_minutes=settings.grace_minutes,
    )


def register(api: Api) -> None:
    def service(call: Call[Any, Any]) -> ReservationService:
        return call.app[RESERVATIONS]

    def booth_id(call: Call[Any, Any]) -> UUID:
        return call.path_id("booth", "booth.not_found")

    @api.route(
        "GET",
        "/api/booths/{booth}/slots",
        operation_id="listSlots",
        summary="A booth's reservation slots on one fair day, with free places, lottery"
        " requests, the wait-list and the caller's own booking",
        query=SlotsQuery,
        response=SlotList,
        tags=TAGS,
    )
    async def list_slots(call: Call[None, SlotsQuery]) -> SlotList:
        principal = await principal_of(call.request)
        found = await service(call).list_slots(
            booth_id(call), call.query.date, principal.account_id
        )
        return SlotList.model_validate(found, strict=False)

    @api.route(
        "GET",
        "/api/booths/{booth}/bookings",
        operation_id="listBoothBookings",
        summary="Who booked the booth's slots on one fair day, candidates as ids (its staff)",
        query=SlotsQuery,
        response=StaffSlotList,
        tags=TAGS,
    )
    async def list_booth_bookings(call: Call[None, SlotsQuery]) -> StaffSlotList:
        me = await account_id(call)
        found = await service(call).booth_bookings(booth_id(call), call.query.date, me)
        return StaffSlotList.model_validate(found, strict=False)

    @api.route(
        "POST",
        "/api/booths/{booth}/bookings",
        operation_id="bookSlot",
        summary="Book a slot (first come) or request it (lottery) — candidates",
        body=BookIn,
        response=BookingOut,
        status=201,
        tags=TAGS,
    )
    async def book_slot(call: Call[BookIn, None]) -> BookingOut:
        principal = await signed_in(call)
        if not principal.has(Role.CANDIDATE):
            raise Problem("auth.forbidden", "only candidates book slots")
        assert principal.account_id is not None
        row = await service(call).book(booth_id(call), call.body.starts_at, principal.account_id)
        return _booking(row)

    @api.route(
        "DELETE",
        "/api/bookings/{booking}",
        operation_id="cancelSlot",
        summary="Cancel my booking before its slot starts (its place goes to the wait-list)",
        response=BookingOut,
        tags=TAGS,
    )
    async def cancel_slot(call: Call[None, None]) -> BookingOut:
        me = await account_id(call)
        row = await service(call).cancel(call.path_id("booking", "booking.not_found"), me)
        return _booking(row)

    @api.route(
        "GET",
        "/api/me/bookings",
        operation_id="getMyBookings",
        summary="My bookings from today on, in every state",
        response=BookingList,
        tags=TAGS,
    )
    async def my_bookings(call: Call[None, None]) -> BookingList:
        me = await account_id(call)
        return BookingList(items=[_booking(r) for r in await service(call).my_bookings(me)])

    @api.route(
        "GET",
        "/api/booths/{booth}/slot-settings",
        operation_id="getSlotSettings",
        summary="How the booth takes reservations",
        response=SlotSettingsBody,
        tags=TAGS,
    )
    async def get_settings(call: Call[None, None]) -> SlotSettingsBody:
        return _settings_out(await service(call).slot_settings(booth_id(call)))

    @api.route(
        "PUT",
        "/api/booths/{booth}/slot-settings",
        operation_id="setSlotSettings",
        summary="Set how the booth takes reservations (its staff); booked slots keep theirs",
        body=SlotSettingsBody,
        response=SlotSettingsBody,
        tags=TAGS,
    )
    async def set_settings(call: Call[SlotSettingsBody, None]) -> SlotSettingsBody:
        me = await account_id(call)
        body = call.body
        settings = SlotSettings(
            enabled=body.enabled,
            mode=SlotMode(body.mode),
            capacity=body.capacity,
            buffer_minutes=body.buffer_minutes,
            opens_hours=body.opens_hours,
            closes_minutes=body.closes_minutes,
            grace_minutes=body.grace_minutes,
        )
        return _settings_out(await service(call).set_slot_settings(booth_id(call), me, settings))


def register_timers(app: web.Application) -> None:
    """``reservation.draw``, ``reservation.start`` and ``reservation.no_show``: each fires
    however late, after downtime (a draw or a start is still owed to those who booked)."""
    for kind, method in (
        (DRAW_KIND, "on_draw"),
        (START_KIND, "on_start"),
        (NO_SHOW_KIND, "on_no_show"),
    ):

        def handler_for(name: str) -> Any:
            async def handler(conn: Connection, timer: Timer) -> None:
                await getattr(app[RESERVATIONS], name)(conn, timer)

            return handler

        app[TIMERS].register(kind, handler_for(method), late_policy=LatePolicy.FIRE)


async def reservations_ctx(app: web.Application) -> AsyncIterator[None]:
    """Create the service (after the realtime context: it needs the outbox and queues)."""
    app[RESERVATIONS] = ReservationService(app[POOL], app[OUTBOX], app[CLOCK], app[QUEUE])
    yield
