"""Queue statistics over HTTP: ``getQueueStats`` (definitions: docs/queue-stats.md).

One booth, venue or fair, a span of fair days (the fair's own by default), optionally
grouped. Who may ask: the booth's staff (their booth; grouped by recruiter, only their
own row), the venue's admins (its booths), the fair's organisers (everything).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any
from uuid import UUID

from pydantic import Field

from scheduler.deadlines import MIDNIGHT, end_of_day, local_instant, zone_of
from server.api.auth import authorize, principal_of
from server.api.routing import Api, Call, Model, Query
from server.appkeys import POOL
from server.domain.permissions import Action, Resource
from server.domain.principal import Principal, Role
from server.domain.queue_stats import Figures, Grouping, figures, range_errors
from server.errors import FieldError, Problem
from server.store import booths as booths_store
from server.store import fairs as fairs_store
from server.store.db import Connection
from server.store.queue_stats import queue_stats

SCOPES = ("booth", "venue", "fair")


class StatsQuery(Query):
    booth: UUID | None = Field(None, description="one booth or guidance desk")
    venue: UUID | None = Field(None, description="every booth of one venue")
    fair: UUID | None = Field(None, description="every booth of the fair (organisers)")
    from_: date | None = Field(
        None, alias="from", description="first fair day (default: the fair's first day)"
    )
    to: date | None = Field(None, description="last fair day, inclusive (default: the fair's)")
    by: Grouping | None = Field(None, description="one row per group (besides the total)")


class StatsFigures(Model):
    joins: int | None = Field(description="walk-ins and reservations that joined")
    handoffs: int | None = Field(description="tickets handed to this line")
    served: int = Field(description="tickets done")
    left: int | None
    expired: int
    removed: int
    no_shows: int = Field(description="reservations that ended unserved as no-shows")
    open: int | None = Field(description="still in line or in an interview")
    wait_median: float | None = Field(description="seconds from join to first call, served")
    wait_p90: float | None
    service_median: float | None = Field(description="seconds from interview start to end")
    first_contact_median: float | None = Field(
        description="seconds from join to first call, every ticket called"
    )
    abandonment_rate: float | None = Field(description="left / (joins + handoffs)")


class StatsRow(StatsFigures):
    key: str = Field(description="the group: an id, a day or week's Monday, a lane or kind")


class QueueStats(Model):
    fair_id: UUID
    venue_id: UUID | None
    booth_id: UUID | None
    from_: date = Field(alias="from")
    to: date
    time_zone: str
    by: Grouping | None
    total: StatsFigures
    rows: list[StatsRow]


def _invalid(field: str, code: str, message: str) -> Problem:
    return Problem(
        "request.invalid", message, errors=[FieldError(f"/query/{field}", code, message)]
    )


async def _scope(conn: Connection, query: StatsQuery) -> tuple[str, UUID, dict[str, Any], Resource]:
    """The scope asked for, its fair, and what the permission rule needs to know."""
    given = [name for name in SCOPES if getattr(query, name) is not None]
    if len(given) != 1:
        raise _invalid("booth", "queue_stats.scope", "give exactly one of booth, venue, fair")
    scope = given[0]
    scope_id: UUID = getattr(query, scope)
    if scope == "booth":
        booth = await booths_store.get_booth(conn, scope_id)
        if booth is None:
            raise Problem("booth.not_found", f"no booth {scope_id}")
        staff = await booths_store.staff_of(conn, [scope_id])
        fair_id, venue_id = booth["fair_id"], booth["venue_id"]
        members = frozenset(m["account_id"] for m in staff.get(scope_id, []))
    elif scope == "venue":
        venue = await fairs_store.get_venue(conn, scope_id)
        if venue is None:
            raise Problem("venue.not_found", f"no venue {scope_id}")
        fair_id, venue_id, members = venue["fair_id"], scope_id, frozenset()
    else:
        fair_id, venue_id, members = scope_id, None, frozenset()
    fair = await fairs_store.get_fair(conn, fair_id)
    if fair is None:
        raise Problem("fair.not_found", f"no fair {fair_id}")
    return scope, scope_id, fair, Resource(fair_id=fair_id, venue_id=venue_id, booth_staff=members)


def _sees_every_recruiter(principal: Principal, resource: Resource) -> bool:
    return principal.organises(resource.fair_id) or (
        resource.venue_id is not None and principal.has(Role.VENUE_ADMIN, resource.venue_id)
    )


def _out(found: Figures) -> dict[str, Any]:
    return asdict(found)


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/api/queue-stats",
        operation_id="getQueueStats",
        summary="Queue statistics of a booth, venue or fair over fair days (staff, admins)",
        query=StatsQuery,
        response=QueueStats,
        tags=("queues",),
    )
    async def get_queue_stats(call: Call[None, StatsQuery]) -> QueueStats:
        principal = await principal_of(call.request)
        query = call.query
        async with call.app[POOL].acquire() as conn:
            scope, scope_id, fair, resource = await _scope(conn, query)
            authorize(principal, Action.VIEW_QUEUE_STATS, resource)
            first = query.from_ or fair["starts_on"]
            last = query.to or fair["ends_on"]
            for field, code in range_errors(first, last):
                raise _invalid(field, code, f"from {first} to {last} is not a range of fair days")
            zone = zone_of(fair["time_zone"])
            total, groups = await queue_stats(
                conn,
                scope=scope,
                scope_id=scope_id,
                start=local_instant(first, MIDNIGHT, zone),
                end=end_of_day(last, zone),
                time_zone=fair["time_zone"],
                by=query.by,
            )
        per_recruiter = query.by is Grouping.RECRUITER
        if per_recruiter and not _sees_every_recruiter(principal, resource):
            mine = str(principal.account_id)
            groups = [g for g in groups if g["key"] == mine]
        return QueueStats(
            fair_id=fair["id"],
            venue_id=resource.venue_id,
            booth_id=scope_id if scope == "booth" else None,
            **{"from": first},
            to=last,
            time_zone=fair["time_zone"],
            by=query.by,
            total=StatsFigures(**_out(figures(total))),
            rows=[
                StatsRow(key=g["key"], **_out(figures(g, per_recruiter=per_recruiter)))
                for g in groups
            ],
        )
