"""The campaign's statistics table over HTTP: ``getCampaignStatistics`` (definitions:
docs/campaign-stats.md).

Per venue and fair week, as JSON, CSV or XLSX. The fair's organisers see every venue;
a venue admin sees their own venues of the fair (``venue=`` another: 403).
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from aiohttp import web
from pydantic import Field

from scheduler import report
from scheduler.deadlines import DeadlineSettingError, FairCalendar
from scheduler.weeks import week_number
from server.api.auth import signed_in
from server.api.routing import Api, Call, Model, Query, download, id_or_slug
from server.appkeys import POOL
from server.domain import campaign_stats as table
from server.domain.principal import Principal, Role
from server.domain.queue_stats import figures
from server.errors import FieldError, Problem
from server.store import campaign_stats as store
from server.store import fairs as fairs_store
from server.store.queue_stats import by_venue_and_week

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CampaignQuery(Query):
    format: Literal["json", "csv", "xlsx"] = "json"
    week: int | None = Field(None, ge=1, le=60, description="one fair week (default: all)")
    venue: UUID | None = Field(None, description="one venue (default: every venue you may see)")


class CampaignRow(Model):
    model_config = Model.model_config | {"extra": "allow"}
    venue_id: UUID
    region_code: str | None
    venue_name_zh: str
    venue_name_en: str
    week: int | None = Field(description="null on a venue's total over the weeks")


class CampaignColumn(Model):
    key: str
    zh: str
    en: str
    additive: bool = Field(description="whether totals add it up (otherwise null there)")
    seconds: bool = Field(description="a duration in seconds (null: no data), not a count")


class CampaignStatistics(Model):
    fair_id: UUID
    time_zone: str
    weeks: list[int]
    columns: list[CampaignColumn]
    rows: list[CampaignRow]
    venue_totals: list[CampaignRow]
    totals: dict[str, float | int | None]


def _invalid(field: str, code: str, message: str) -> Problem:
    return Problem(
        "request.invalid", message, errors=[FieldError(f"/query/{field}", code, message)]
    )


def _visible(
    principal: Principal, fair_id: UUID, venues: list[dict[str, Any]], asked: UUID | None
) -> list[dict[str, Any]]:
    """The venues the principal may read, of those asked for (403 if none)."""
    if asked is not None:
        venues = [v for v in venues if v["id"] == asked]
        if not venues:
            raise Problem("venue.not_found", f"no venue {asked} in this fair")
    if not principal.organises(fair_id):
        venues = [v for v in venues if principal.has(Role.VENUE_ADMIN, v["id"])]
        if not venues:
            raise Problem("auth.forbidden", "not allowed: the fair's or venue's statistics")
    return venues


def _row(venue: table.Venue, week: int | None, found: table.Figures) -> CampaignRow:
    return CampaignRow(
        venue_id=venue.id,
        region_code=venue.region_code,
        venue_name_zh=venue.name_zh,
        venue_name_en=venue.name_en,
        week=week,
        **found,
    )


def _cells(row: table.Row) -> list[report.Cell]:
    head: list[report.Cell] = [
        row.week,
        row.venue.region_code or "",
        report.text(row.venue.name_zh),
        report.text(row.venue.name_en),
    ]
    return head + [row.figures[c.key] for c in table.COLUMNS]


HEAD = ("周次 Week", "地区代码 Region code", "会场 Venue", "Venue")


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/api/fairs/{fair}/campaign-statistics",
        operation_id="getCampaignStatistics",
        summary="The campaign's statistics table (情况统计表) per venue and week: JSON, CSV "
        "or XLSX (organisers; venue admins: their venues)",
        query=CampaignQuery,
        response=CampaignStatistics,
        raw_response_type="text/csv",
        tags=("programme",),
    )
    async def get_campaign_statistics(
        call: Call[None, CampaignQuery],
    ) -> CampaignStatistics | web.StreamResponse:
        principal = await signed_in(call)
        query = call.query
        ref = call.path("fair")
        async with call.app[POOL].acquire() as conn, conn.transaction(readonly=True):
            fair = await fairs_store.get_fair(conn, id_or_slug(ref))
            if fair is None:
                raise Problem("fair.not_found", f"no fair {ref}")
            try:
                calendar = FairCalendar.from_row(fair)
            except DeadlineSettingError as exc:  # a broken fair setting: a server bug
                raise RuntimeError(f"fair {fair['id']}: {exc}") from exc
            if query.week is not None and query.week > calendar.week_count:
                raise _invalid(
                    "week", "week.not_found", f"the fair has weeks 1 to {calendar.week_count}"
                )
            rows = await fairs_store.list_venues(conn, fair["id"])
            venues = [
                table.Venue(v["id"], v["region_code"], v["name_zh"], v["name_en"])
                for v in _visible(principal, fair["id"], rows, query.venue)
            ]
            weeks = (
                [calendar.week(query.week)] if query.week is not None else list(calendar.weeks())
            )
            spans = [(w.number, w.starts_at, w.ends_at) for w in weeks]
            partials = await store.measures(conn, fair["id"], spans, calendar.week(1).starts_at)
            for found in await by_venue_and_week(
                conn,
                fair_id=fair["id"],
                start=spans[0][1],
                end=spans[-1][2],
                time_zone=fair["time_zone"],
            ):
                line = figures(found)
                partials.append(
                    {
                        "venue_id": found["venue_id"],
                        "week": week_number(calendar.starts_on, found["monday"]),
                        "queue_joins": line.joins,
                        "queue_served": line.served,
                        "wait_median": line.wait_median,
                        "wait_p90": line.wait_p90,
                    }
                )
        numbers = [w.number for w in weeks]
        lines, venue_totals, total = table.assemble(venues, numbers, partials)
        if query.format == "json":
            return CampaignStatistics(
                fair_id=fair["id"],
                time_zone=fair["time_zone"],
                weeks=numbers,
                columns=[
                    CampaignColumn(
                        key=c.key, zh=c.zh, en=c.en, additive=c.additive, seconds=c.seconds
                    )
                    for c in table.COLUMNS
                ],
                rows=[_row(r.venue, r.week, r.figures) for r in lines],
                venue_totals=[_row(r.venue, None, r.figures) for r in venue_totals],
                totals=total,
            )
        head = list(HEAD) + [c.header for c in table.COLUMNS]
        cells = [_cells(r) for r in lines]
        cells.append([None, "", "合计", "Total", *(total[c.key] for c in table.COLUMNS)])
        stem = f"{fair['slug']}-statistics" + (f"-week{query.week}" if query.week else "")
        if query.format == "xlsx":
            return download(report.table_xlsx(head, cells, "statistics"), XLSX, f"{stem}.xlsx")
        return download(report.table_csv(head, cells), "text/csv; charset=utf-8", f"{stem}.csv")
