"""The weekly programme over HTTP: featured sessions, planning, publication, the
submission board and report, follows and iCalendar feeds (docs/programme.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from aiohttp import web
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from scheduler.deadlines import FairWeek
from scheduler.service import END_KIND, TIMER_KINDS, Fair, ProgrammeService
from scheduler.sessions import (
    DURATION_MAX_MINUTES,
    DURATION_MIN_MINUTES,
    Category,
    KeyGroup,
    SessionState,
    StaffingFocus,
)
from server.api.auth import account_id, principal_of, signed_in
from server.api.routing import Api, Call, Model, Partial, Query, download, id_or_slug
from server.appkeys import BUS, CLOCK, OUTBOX, POOL, QUEUE, SETTINGS, TIMERS
from server.errors import FieldError, Problem
from server.services.sessions_live import MEDIA_END_CHANNEL
from server.store.db import Connection
from server.timers import Timer, after_commit

PROGRAMME = web.AppKey("programme", ProgrammeService)
TAGS = ("programme",)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise PydanticCustomError(
            "time.no_offset", "an instant needs its UTC offset, e.g. 2020-07-08T10:00:00+08:00"
        )
    return value


# An instant: ISO 8601 with its offset. Naive times are refused with the field code
# ``time.no_offset`` rather than read in some zone.
AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
IndustryCode = Annotated[str, Field(pattern=r"^[A-T]$")]  # GB/T 4754-2017 section


class SessionFields(Model):
    title: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=4000)
    category: Category
    staffing_focus: StaffingFocus | None = None
    target_groups: list[KeyGroup] = Field(default_factory=list, max_length=5)
    industries: list[IndustryCode] = Field(default_factory=list, max_length=20)
    partner_region: str | None = Field(default=None, pattern=r"^[0-9]{6}$")
    hosts: list[UUID] = Field(default_factory=list, max_length=10)
    booths: list[UUID] = Field(default_factory=list, max_length=50)
    preferred_times: list[AwareDatetime] = Field(default_factory=list, max_length=5)
    duration_minutes: int = Field(default=90, ge=DURATION_MIN_MINUTES, le=DURATION_MAX_MINUTES)
    expected_audience: int = Field(default=0, ge=0, le=100_000_000)


class SessionIn(SessionFields):
    week: int = Field(ge=1, le=60)
    submit: bool = Field(
        default=False,
        description="Also submit it, in the same transaction: a refusal writes nothing",
    )


class SessionPatch(Model):
    """Only the fields sent change; ``null`` only for the nullable ones."""

    week: int | None = Field(default=None, ge=1, le=60)
    title: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=4000)
    category: Category | None = None
    staffing_focus: StaffingFocus | None = None
    target_groups: list[KeyGroup] | None = Field(default=None, max_length=5)
    industries: list[IndustryCode] | None = Field(default=None, max_length=20)
    partner_region: str | None = Field(default=None, pattern=r"^[0-9]{6}$")
    hosts: list[UUID] | None = Field(default=None, max_length=10)
    booths: list[UUID] | None = Field(default=None, max_length=50)
    preferred_times: list[AwareDatetime] | None = Field(default=None, max_length=5)
    duration_minutes: int | None = Field(
        default=None, ge=DURATION_MIN_MINUTES, le=DURATION_MAX_MINUTES
    )
    expected_audience: int | None = Field(default=None, ge=0, le=100_000_000)
    submit: bool = Field(
        default=False,
        description="Also submit it, in the same transaction: a refusal changes nothing",
    )


NULLABLE = {"staffing_focus", "partner_region"}


def _nulls(changes: Mapping[str, Any]) -> list[FieldError]:
    """A PATCH's ``null`` for a field that must have a value."""
    return [
        FieldError(f"/{k}", "required")
        for k, v in changes.items()
        if v is None and k not in NULLABLE
    ]


class SessionPrivate(Model):
    """What the venue's admins, the organisers and the hosts see besides the public part."""

    hosts: list[UUID]
    preferred_times: list[datetime]
    return_reason: str
    cancel_reason: str
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    submitted_late: bool | None
    approved_at: datetime | None
    created_at: datetime
    updated_at: datetime


class FeaturedSession(Model):
    id: UUID
    fair_id: UUID
    venue_id: UUID
    region_code: str | None
    week: int
    title: str
    description: str
    category: Category
    staffing_focus: StaffingFocus | None
    target_groups: list[KeyGroup]
    industries: list[str]
    partner_region: str | None
    duration_minutes: int
    expected_audience: int
    state: SessionState
    starts_at: datetime | None
    ends_at: datetime | None
    stage: int | None
    sequence: int
    booths: list[UUID]
    published_at: datetime | None
    private: SessionPrivate | None = None
    following: bool | None = Field(
        default=None,
        description="Whether the signed-in caller follows the session (followSession);"
        " null for a visitor, and where it is not read (getFeaturedSession and getProgramme"
        " read it).",
    )


class OpenLateWindow(Model):
    """A late window still open for the venue: it may submit for ``week`` until ``until``."""

    week: int
    until: datetime


class FeaturedSessionList(Model):
    items: list[FeaturedSession]
    late_windows: list[OpenLateWindow]


class HostedSession(Model):
    """A featured session the caller hosts, with where and when it takes place."""

    id: UUID
    fair_id: UUID
    venue_id: UUID
    venue_name_zh: str
    venue_name_en: str
    time_zone: str = Field(description="The fair's zone: show the times in it.")
    title: str
    state: SessionState = Field(description="lobby, live and ended are the broadcast's too.")
    starts_at: datetime | None
    ends_at: datetime | None
    duration_minutes: int


class HostedSessionList(Model):
    items: list[HostedSession]


class Week(Model):
    number: int
    monday: date
    first_day: date
    last_day: date
    programme_days: list[date]
    starts_at: datetime
    ends_at: datetime
    due_at: datetime = Field(description="Submissions for this week close at this instant.")
    opens: str = Field(description="Sessions start from this wall time (HH:MM, fair zone).")
    closes: str = Field(description="Sessions end by this wall time (HH:MM, fair zone).")
    stages: int = Field(description="Parallel streams: a session's stage is 1 … stages.")
    step_minutes: int = Field(description="The planner's start grid (a manual move may differ).")


class WeekList(Model):
    fair_id: UUID
    time_zone: str
    weekly_rule: str
    summary_due_at: datetime | None
    open_for_submission: int | None
    weeks: list[Week]


class Programme(Model):
    fair_id: UUID
    time_zone: str
    week: Week | None
    sessions: list[FeaturedSession]


class ReasonIn(Model):
    reason: str = Field(min_length=1, max_length=500)


class MoveIn(Model):
    starts_at: AwareDatetime
    stage: int | None = Field(default=None, ge=1)


class PlanIn(Model):
    move: bool = Field(default=True, description="Move clashing sessions to the nearest slot.")
    dry_run: bool = Field(default=False, description="Show the plan without placing anything.")


class PartyOut(Model):
    id: str
    name: str


class SessionRef(Model):
    id: str
    title: str


class ClashOut(Model):
    code: str
    message: str
    party: PartyOut | None
    sessions: list[SessionRef]


class SlotOut(Model):
    starts_at: datetime
    ends_at: datetime
    stage: int


class ConflictOut(Model):
    session_id: UUID
    title: str
    wanted: datetime | None
    clashes: list[ClashOut]
    proposals: list[SlotOut]
    placed: bool


class PlanOut(Model):
    week: Week
    applied: bool
    placed: list[FeaturedSession]
    conflicts: list[ConflictOut]


class LateWindowIn(Model):
    venue_id: UUID
    until: AwareDatetime


class LateWindowOut(Model):
    venue_id: UUID
    week: int
    until: datetime
    due_at: datetime


class BoardRowOut(Model):
    venue_id: UUID
    region_code: str | None
    name_zh: str
    name_en: str
    status: Literal["missing", "draft", "submitted", "returned", "approved", "placed"]
    session_id: UUID | None
    title: str | None
    state: SessionState | None = Field(description="The session's own state (placed: which).")
    starts_at: datetime | None = Field(description="Where it is placed (null until then).")
    ends_at: datetime | None
    stage: int | None
    duration_minutes: int | None
    published_at: datetime | None
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    on_time: bool | None
    late_until: datetime | None
    overdue: bool


class Board(Model):
    fair_id: UUID
    time_zone: str
    week: Week
    rows: list[BoardRowOut]


class ProgrammeQuery(Query):
    week: int | None = Field(default=None, ge=1, le=60)
    venue: UUID | None = None
    unpublished: bool = Field(
        default=False, description="Organisers: also approved and unpublished sessions."
    )


class BoardQuery(Query):
    week: int | None = Field(default=None, ge=1, le=60)


class ReportQuery(Query):
    week: int | None = Field(default=None, ge=1, le=60)
    format: Literal["csv", "xlsx"] = "csv"


class CalendarQuery(Query):
    fair: str | None = Field(default=None, max_length=80)


class CalendarToken(Model):
    token: str = Field(description="Shown once; the feed URL contains it.")
    url: str


class CalendarTokenState(Model):
    active: bool = Field(description="The account has a personal calendar URL that works.")
    created_at: datetime | None = Field(description="When that URL was made.")


def _week_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Problem("week.not_found", f"no week {text}") from None


def week_out(fair: Fair, week: FairWeek) -> Week:
    window = fair.rules.window(week, fair.calendar.zone)
    return Week(
        number=week.number,
        monday=week.monday,
        first_day=week.first_day,
        last_day=week.last_day,
        programme_days=list(window.days),
        starts_at=week.starts_at,
        ends_at=week.ends_at,
        due_at=week.due_at,
        opens=f"{window.opens:%H:%M}",
        closes=f"{window.closes:%H:%M}",
        stages=window.stages,
        step_minutes=int(window.step.total_seconds() // 60),
    )


def session_out(
    row: Mapping[str, Any], *, private: bool, followed: set[UUID] | None = None
) -> FeaturedSession:
    """``followed``: the sessions the caller follows (None: a visitor, or not read)."""
    return FeaturedSession(
        id=row["id"],
        fair_id=row["fair_id"],
        venue_id=row["venue_id"],
        region_code=row["region_code"],
        week=row["week"],
        title=row["title"],
        description=row["description"],
        category=Category(row["category"]),
        staffing_focus=StaffingFocus(row["staffing_focus"]) if row["staffing_focus"] else None,
        target_groups=[KeyGroup(g) for g in row["target_groups"]],
        industries=list(row["industries"]),
        partner_region=row["partner_region"],
        duration_minutes=row["duration_minutes"],
        expected_audience=row["expected_audience"],
        state=SessionState(row["state"]),
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        stage=row["stage"],
        sequence=row["sequence"],
        booths=list(row["booths"]),
        published_at=row["published_at"],
        private=SessionPrivate(
            hosts=list(row["hosts"]),
            preferred_times=list(row["preferred_times"]),
            return_reason=row["return_reason"],
            cancel_reason=row["cancel_reason"],
            first_submitted_at=row["first_submitted_at"],
            submitted_at=row["submitted_at"],
            submitted_late=row["submitted_late"],
            approved_at=row["approved_at"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )
        if private
        else None,
        following=None if followed is None else row["id"] in followed,
    )


def _fields(model: Model) -> dict[str, Any]:
    return _plain(model.model_dump(exclude_unset=True))


def _plain(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Fields as the service takes them: enums as their text, without ``submit``."""
    data = {k: v for k, v in fields.items() if k != "submit"}
    for name in ("category", "staffing_focus"):
        if data.get(name) is not None:
            data[name] = str(data[name])
    if "target_groups" in data and data["target_groups"] is not None:
        data["target_groups"] = [str(g) for g in data["target_groups"]]
    return data


def register(api: Api) -> None:
    def service(call: Call[Any, Any]) -> ProgrammeService:
        return call.app[PROGRAMME]

    async def render(call: Call[Any, Any], row: Mapping[str, Any]) -> FeaturedSession:
        principal = await principal_of(call.request)
        followed = await service(call).followed(principal, [row["id"]])
        return session_out(
            row, private=service(call).sees_private(principal, row), followed=followed
        )

    # The draft's rules, for a body with malformed fields too (all errors at once).
    async def create_rules(request: web.Request, partial: Partial) -> list[FieldError]:
        try:
            venue_id = UUID(request.match_info["venue"])
        except ValueError:
            return []
        return await request.app[PROGRAMME].draft_errors(
            await principal_of(request),
            venue_id=venue_id,
            fields=_plain(partial.fields),
            failed=partial.failed,
        )

    async def update_rules(request: web.Request, partial: Partial) -> list[FieldError]:
        try:
            session_id = UUID(request.match_info["session"])
        except ValueError:
            return []
        changes = _plain(partial.fields)
        nulls = _nulls(changes)
        errors = await request.app[PROGRAMME].draft_errors(
            await principal_of(request),
            session_id=session_id,
            fields={k: v for k, v in changes.items() if f"/{k}" not in {e.pointer for e in nulls}},
            failed=partial.failed,
        )
        return [*nulls, *errors]

    @api.route(
        "POST",
        "/api/venues/{venue}/featured-sessions",
        operation_id="createFeaturedSession",
        summary="Draft a featured session for a week, or submit it at once (the venue's"
        " admins, organisers)",
        body=SessionIn,
        rules=create_rules,
        response=FeaturedSession,
        status=201,
        tags=TAGS,
    )
    async def create(call: Call[SessionIn, None]) -> FeaturedSession:
        principal = await signed_in(call)
        venue_id = call.path_id("venue", "venue.not_found")
        row = await service(call).create(
            principal, venue_id, _fields(call.body), submit=call.body.submit
        )
        return session_out(row, private=True)

    @api.route(
        "GET",
        "/api/venues/{venue}/featured-sessions",
        operation_id="listVenueSessions",
        summary="A sub-venue's sessions of every week and state (the venue's admins, organisers)",
        response=FeaturedSessionList,
        tags=TAGS,
    )
    async def venue_sessions(call: Call[None, None]) -> FeaturedSessionList:
        principal = await signed_in(call)
        rows, windows = await service(call).venue_sessions(
            principal, call.path_id("venue", "venue.not_found")
        )
        return FeaturedSessionList(
            items=[session_out(r, private=True) for r in rows],
            late_windows=[OpenLateWindow(week=w, until=until) for w, until in windows],
        )

    @api.route(
        "GET",
        "/api/featured-sessions/{session}",
        operation_id="getFeaturedSession",
        summary="A featured session (unpublished ones: its venue's admins, organisers, hosts)",
        response=FeaturedSession,
        tags=TAGS,
    )
    async def get(call: Call[None, None]) -> FeaturedSession:
        principal = await principal_of(call.request)
        row = await service(call).get(
            principal, call.path_id("session", "featured_session.not_found")
        )
        return await render(call, row)

    @api.route(
        "PATCH",
        "/api/featured-sessions/{session}",
        operation_id="updateFeaturedSession",
        summary="Edit a draft or returned session (only the fields sent)",
        body=SessionPatch,
        rules=update_rules,
        response=FeaturedSession,
        tags=TAGS,
    )
    async def update(call: Call[SessionPatch, None]) -> FeaturedSession:
        principal = await signed_in(call)
        changes = _fields(call.body)
        nulls = _nulls(changes)
        if nulls:
            raise Problem("request.invalid", "some fields are invalid", errors=nulls)
        row = await service(call).update(
            principal,
            call.path_id("session", "featured_session.not_found"),
            changes,
            submit=call.body.submit,
        )
        return session_out(row, private=True)

    @api.route(
        "POST",
        "/api/featured-sessions/{session}/submit",
        operation_id="submitFeaturedSession",
        summary="Submit (or resubmit) the session before its week's deadline",
        response=FeaturedSession,
        tags=TAGS,
    )
    async def submit(call: Call[None, None]) -> FeaturedSession:
        principal = await signed_in(call)
        row = await service(call).submit(
            principal, call.path_id("session", "featured_session.not_found")
        )
        return session_out(row, private=True)

    @api.route(
        "POST",
        "/api/featured-sessions/{session}/return",
        operation_id="returnFeaturedSession",
        summary="Return a submitted session to its venue with a reason (organisers)",
        body=ReasonIn,
        response=FeaturedSession,
        tags=TAGS,
    )
    async def return_session(call: Call[ReasonIn, None]) -> FeaturedSession:
        principal = await signed_in(call)
        row = await service(call).return_(
            principal, call.path_id("session", "featured_session.not_found"), call.body.reason
        )
        return session_out(row, private=True)

    @api.route(
        "POST",
        "/api/featured-sessions/{session}/approve",
        operation_id="approveFeaturedSession",
        summary="Approve a submitted session for the programme (organisers)",
        response=FeaturedSession,
        tags=TAGS,
    )
    async def approve(call: Call[None, None]) -> FeaturedSession:
        principal = await signed_in(call)
        row = await service(call).approve(
            principal, call.path_id("session", "featured_session.not_found")
        )
        return session_out(row, private=True)

    @api.route(
        "POST",
        "/api/featured-sessions/{session}/cancel",
        operation_id="cancelFeaturedSession",
        summary="Cancel a session before it goes live (the venue's admins, organisers)",
        body=ReasonIn,
        response=FeaturedSession,
        tags=TAGS,
    )
    async def cancel_session(call: Call[ReasonIn, None]) -> FeaturedSession:
        principal = await signed_in(call)
        row = await service(call).cancel(
            principal, call.path_id("session", "featured_session.not_found"), call.body.reason
        )
        # A lobby may already have a publisher: its broadcast ends with the session.
        await call.app[BUS].publish(MEDIA_END_CHANNEL, str(row["id"]).encode())
        return session_out(row, private=True)

    @api.route(
        "PUT",
        "/api/featured-sessions/{session}/slot",
        operation_id="moveFeaturedSession",
        summary="Place or move a session by hand; checked like the planner checks (organisers)",
        body=MoveIn,
        response=FeaturedSession,
        tags=TAGS,
    )
    async def move(call: Call[MoveIn, None]) -> FeaturedSession:
        principal = await signed_in(call)
        row = await service(call).move(
            principal,
            call.path_id("session", "featured_session.not_found"),
            call.body.starts_at,
            call.body.stage,
        )
        return session_out(row, private=True)

    @api.route(
        "PUT",
        "/api/featured-sessions/{session}/follow",
        operation_id="followSession",
        summary="Follow a published session: reminders 1 day and 15 minutes before",
        response=None,
        status=204,
        tags=TAGS,
    )
    async def follow(call: Call[None, None]) -> web.StreamResponse:
        principal = await signed_in(call)
        await service(call).follow(
            principal, call.path_id("session", "featured_session.not_found"), True
        )
        return web.Response(status=204)

    @api.route(
        "DELETE",
        "/api/featured-sessions/{session}/follow",
        operation_id="unfollowSession",
        summary="Stop following a session",
        response=None,
        status=204,
        tags=TAGS,
    )
    async def unfollow(call: Call[None, None]) -> web.StreamResponse:
        principal = await signed_in(call)
        await service(call).follow(
            principal, call.path_id("session", "featured_session.not_found"), False
        )
        return web.Response(status=204)

    @api.route(
        "GET",
        "/api/me/featured-sessions",
        operation_id="getMySessions",
        summary="The featured sessions I host, of every fair: open now, to come, then over",
        response=HostedSessionList,
        tags=TAGS,
    )
    async def my_sessions(call: Call[None, None]) -> HostedSessionList:
        rows = await service(call).hosted(await account_id(call))
        return HostedSessionList(
            items=[HostedSession.model_validate(r, strict=False) for r in rows]
        )

    @api.route(
        "GET",
        "/api/fairs/{fair}/weeks",
        operation_id="listProgrammeWeeks",
        summary="The fair's weeks, programme days and submission deadlines",
        response=WeekList,
        tags=TAGS,
    )
    async def weeks(call: Call[None, None]) -> WeekList:
        fair = await service(call).fair(id_or_slug(call.path("fair")))
        current = fair.calendar.open_for_submission(service(call).now())
        return WeekList(
            fair_id=fair.id,
            time_zone=fair.calendar.zone.key,
            weekly_rule=fair.calendar.weekly.describe(),
            summary_due_at=fair.calendar.summary_due_at(),
            open_for_submission=None if current is None else current.number,
            weeks=[week_out(fair, w) for w in fair.calendar.weeks()],
        )

    @api.route(
        "POST",
        "/api/fairs/{fair}/weeks/{week}/late-windows",
        operation_id="openLateWindow",
        summary="Let one venue submit for a week after its deadline, until a time (organisers)",
        body=LateWindowIn,
        response=LateWindowOut,
        status=201,
        tags=TAGS,
    )
    async def late_window(call: Call[LateWindowIn, None]) -> LateWindowOut:
        principal = await signed_in(call)
        opened = await service(call).open_late_window(
            principal,
            id_or_slug(call.path("fair")),
            _week_number(call.path("week")),
            call.body.venue_id,
            call.body.until,
        )
        return LateWindowOut(**opened)

    @api.route(
        "POST",
        "/api/fairs/{fair}/weeks/{week}/plan",
        operation_id="planWeek",
        summary="Place the week's approved sessions on the main-venue programme (organisers)",
        body=PlanIn,
        response=PlanOut,
        tags=TAGS,
    )
    async def plan(call: Call[PlanIn, None]) -> PlanOut:
        principal = await signed_in(call)
        outcome = await service(call).plan(
            principal,
            id_or_slug(call.path("fair")),
            _week_number(call.path("week")),
            move=call.body.move,
            dry_run=call.body.dry_run,
        )
        return PlanOut(
            week=week_out(outcome.fair, outcome.week),
            applied=outcome.applied,
            placed=[session_out(r, private=True) for r in outcome.placed],
            conflicts=[ConflictOut.model_validate(c, strict=False) for c in outcome.conflicts],
        )

    @api.route(
        "POST",
        "/api/fairs/{fair}/weeks/{week}/publish",
        operation_id="publishWeek",
        summary="Publish the week's placed sessions: announced, timers armed (organisers)",
        response=Programme,
        tags=TAGS,
    )
    async def publish(call: Call[None, None]) -> Programme:
        principal = await signed_in(call)
        fair, week, rows = await service(call).publish(
            principal, id_or_slug(call.path("fair")), _week_number(call.path("week"))
        )
        return Programme(
            fair_id=fair.id,
            time_zone=fair.calendar.zone.key,
            week=week_out(fair, week),
            sessions=[session_out(r, private=False) for r in rows],
        )

    @api.route(
        "GET",
        "/api/fairs/{fair}/programme",
        operation_id="getProgramme",
        summary="The published programme, by week and venue (the main venue: all of it)",
        query=ProgrammeQuery,
        response=Programme,
        tags=TAGS,
    )
    async def get_programme(call: Call[None, ProgrammeQuery]) -> Programme:
        principal = await principal_of(call.request)
        query = call.query
        fair, rows = await service(call).programme(
            principal, id_or_slug(call.path("fair")), query.week, query.venue, query.unpublished
        )
        followed = await service(call).followed(principal, [r["id"] for r in rows])
        return Programme(
            fair_id=fair.id,
            time_zone=fair.calendar.zone.key,
            week=None if query.week is None else week_out(fair, fair.calendar.week(query.week)),
            sessions=[session_out(r, private=query.unpublished, followed=followed) for r in rows],
        )

    @api.route(
        "GET",
        "/api/fairs/{fair}/submissions",
        operation_id="getSubmissionBoard",
        summary="Who has submitted for a week, on time or late (organisers; admins: their own)",
        query=BoardQuery,
        response=Board,
        tags=TAGS,
    )
    async def board(call: Call[None, BoardQuery]) -> Board:
        principal = await signed_in(call)
        fair, week, rows = await service(call).board(
            principal, id_or_slug(call.path("fair")), call.query.week
        )
        return Board(
            fair_id=fair.id,
            time_zone=fair.calendar.zone.key,
            week=week_out(fair, week),
            rows=[
                BoardRowOut(
                    venue_id=r.venue["id"],
                    region_code=r.venue["region_code"],
                    name_zh=r.venue["name_zh"],
                    name_en=r.venue["name_en"],
                    status=r.status.value,
                    session_id=None if r.session is None else r.session["id"],
                    title=None if r.session is None else r.session["title"],
                    state=None if r.session is None else SessionState(r.session["state"]),
                    starts_at=None if r.session is None else r.session["starts_at"],
                    ends_at=None if r.session is None else r.session["ends_at"],
                    stage=None if r.session is None else r.session["stage"],
                    duration_minutes=None if r.session is None else r.session["duration_minutes"],
                    published_at=None if r.session is None else r.session["published_at"],
                    first_submitted_at=None
                    if r.session is None
                    else r.session["first_submitted_at"],
                    submitted_at=None if r.session is None else r.session["submitted_at"],
                    on_time=r.on_time,
                    late_until=r.late_until,
                    overdue=r.overdue,
                )
                for r in rows
            ],
        )

    @api.route(
        "GET",
        "/api/fairs/{fair}/submissions/report",
        operation_id="getSubmissionReport",
        summary="The weekly submission report as CSV (UTF-8 with BOM, CRLF) or XLSX (organisers)",
        query=ReportQuery,
        response=None,
        raw_response_type="text/csv",
        tags=TAGS,
    )
    async def submission_report(call: Call[None, ReportQuery]) -> web.StreamResponse:
        principal = await signed_in(call)
        body, media_type, name = await service(call).report(
            principal, id_or_slug(call.path("fair")), call.query.week, call.query.format
        )
        return download(body, media_type, name)

    @api.route(
        "GET",
        "/calendar/{scope}.ics",
        operation_id="getCalendarFeed",
        summary="iCalendar feed: fair, venue-<id> or user-<token> (no cookies needed)",
        query=CalendarQuery,
        response=None,
        raw_response_type="text/calendar",
        tags=TAGS,
    )
    async def calendar_feed(call: Call[None, CalendarQuery]) -> web.StreamResponse:
        scope = call.path("scope")
        body = await service(call).calendar_feed(scope, call.query.fair)
        personal = scope.startswith("user-")
        return web.Response(
            body=body,
            headers={
                "Content-Type": "text/calendar; charset=utf-8",
                "Cache-Control": "private, no-cache" if personal else "public, max-age=300",
                "Referrer-Policy": "no-referrer",
            },
        )

    @api.route(
        "GET",
        "/api/me/calendar-token",
        operation_id="getCalendarToken",
        summary="Whether I have a personal calendar URL (not the URL: it is shown once)",
        response=CalendarTokenState,
        tags=TAGS,
    )
    async def calendar_token(call: Call[None, None]) -> CalendarTokenState:
        created = await service(call).calendar_token_created(await account_id(call))
        return CalendarTokenState(active=created is not None, created_at=created)

    @api.route(
        "POST",
        "/api/me/calendar-token",
        operation_id="rotateCalendarToken",
        summary="A new personal calendar URL (the old one stops working)",
        response=CalendarToken,
        status=201,
        tags=TAGS,
    )
    async def rotate(call: Call[None, None]) -> CalendarToken:
        principal = await signed_in(call)
        assert principal.account_id is not None
        token, url = await service(call).rotate_calendar_token(principal.account_id)
        return CalendarToken(token=token, url=url)

    @api.route(
        "DELETE",
        "/api/me/calendar-token",
        operation_id="revokeCalendarToken",
        summary="Stop the personal calendar URL",
        response=None,
        status=204,
        tags=TAGS,
    )
    async def revoke(call: Call[None, None]) -> web.StreamResponse:
        principal = await signed_in(call)
        assert principal.account_id is not None
        await service(call).revoke_calendar_token(principal.account_id)
        return web.Response(status=204)


def register_timers(app: web.Application) -> None:
    """Register the programme's timer kinds; handlers reach the service once it exists."""
    for spec in TIMER_KINDS:

        def handler_for(method: str) -> Any:
            async def handler(conn: Connection, timer: Timer) -> None:
                await getattr(app[PROGRAMME], method)(conn, timer)
                if timer.kind == END_KIND:  # a forgotten broadcast ends on every node too
                    ident = str(timer.payload["session"]).encode()
                    after_commit(lambda: app[BUS].publish(MEDIA_END_CHANNEL, ident))

            return handler

        app[TIMERS].register(
            spec.kind,
            handler_for(spec.method),
            late_policy=spec.late_policy,
            max_lateness=spec.max_lateness,
        )


async def programme_ctx(app: web.Application) -> AsyncIterator[None]:
    """Create the service (after the realtime context: it needs the outbox and queues)."""
    service = ProgrammeService(
        app[POOL],
        app[OUTBOX],
        app[CLOCK],
        public_url=app[SETTINGS].public_url,
        lines=app[QUEUE],
    )
    app[PROGRAMME] = service
    await service.start()
    yield
