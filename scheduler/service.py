"""The weekly programme service: submissions, planning, publication, and its timers.

Orchestration only: the rules are pure (:mod:`scheduler.deadlines`,
:mod:`scheduler.planning`, :mod:`scheduler.sessions`), SQL is in
:mod:`server.store.programme`. Every change is one transaction through the outbox, so a
change and its events commit together; bad input is refused before anything is
written, so nothing is ever placed half-way. Planning and moves take the fair's row
lock (``FOR NO KEY UPDATE``): two organisers placing sessions at once are serialised.

Events (ids and public fields only):

* ``fair:<id>`` and ``venue:<main venue id>``: ``programme.published {week, sessions}``,
  ``session.changed {session, change}`` (``moved``, ``cancelled``, ``lobby``, ``live``,
  ``ended``);
* ``venue:<id>`` of the session's own venue: the same, for its sessions;
* ``session:<id>``: ``session.state {state}``.

Notifications (``notify``): venue admins before each deadline
(``programme.submission_due``), on a return/approval/late window; hosts on publication
and when the lobby opens; followers 1 day and 15 minutes before (``programme.reminder``)
and on a move or a cancellation.

Timers (registered in ``server/app.py`` with :data:`TIMER_KINDS`): one per deadline
(``submission.reminder``, re-armed for its next lead), and per published session
``session.open_lobby``, ``session.end``, ``programme.reminder`` (one per lead),
``booth.open``/``booth.close`` per participating booth. Keys are derived from ids, so
moving a session reschedules its timers in place and cancelling removes them.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit
from uuid import UUID

import asyncpg

from scheduler import calendar as ical
from scheduler import report
from scheduler.deadlines import (
    DeadlineSettingError,
    FairCalendar,
    FairWeek,
    may_submit,
    next_reminder,
    timeliness,
)
from scheduler.planning import (
    Clash,
    Party,
    Placement,
    ProgrammeRules,
    Request,
    Slot,
    Window,
    clashes_at,
    free_slots,
    plan_week,
)
from scheduler.sessions import (
    CANCELLABLE,
    DURATION_MIN_MINUTES,
    EDITABLE,
    ENDABLE,
    MOVABLE,
    OPEN,
    OVER,
    PLACED,
    RETURNABLE,
    STATE_RANK,
    BoardStatus,
    Category,
    KeyGroup,
    SessionState,
    StaffingFocus,
    board_status,
    category_errors,
)
from server.domain.principal import Principal, Role, ScopeType
from server.domain.queue import QueueStatus
from server.domain.regions import REGIONS, region_by_code
from server.errors import FieldError, Problem
from server.ids import uuid7
from server.realtime.outbox import Outbox, OutboxTransaction
from server.services.notifications import notify
from server.store import accounts as accounts_store
from server.store import fairs as fairs_store
from server.store import programme as store
from server.store.db import Connection
from server.timers import Clock, LatePolicy, Timer, cancel, ensure, schedule

LOBBY_KIND = "session.open_lobby"
END_KIND = "session.end"
REMINDER_KIND = "programme.reminder"
SUBMISSION_KIND = "submission.reminder"
BOOTH_OPEN_KIND = "booth.open"
BOOTH_CLOSE_KIND = "booth.close"
PLACED_STATES = [s.value for s in PLACED]
KNOWN_REGIONS = frozenset(r.code for r in REGIONS)


@dataclass(frozen=True, slots=True)
class ProgrammeSettings:
    lobby_lead: timedelta = timedelta(minutes=15)  # the lobby opens this long before
    lobby_max_lateness: timedelta = timedelta(minutes=10)  # later: reported, not opened
    end_grace: timedelta = timedelta(minutes=15)  # a session left open ends this long after
    reminder_leads: tuple[tuple[str, timedelta], ...] = (
        ("1d", timedelta(days=1)),
        ("15m", timedelta(minutes=15)),
    )
    submission_leads: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=2))


@dataclass(frozen=True, slots=True)
class TimerSpec:
    kind: str
    method: str
    late_policy: LatePolicy
    max_lateness: timedelta


# What server/app.py registers: kind -> the ProgrammeService method handling it.
TIMER_KINDS = (
    TimerSpec(LOBBY_KIND, "on_open_lobby", LatePolicy.REPORT, timedelta(minutes=10)),
    TimerSpec(END_KIND, "on_end", LatePolicy.FIRE, timedelta(minutes=5)),
    TimerSpec(REMINDER_KIND, "on_reminder", LatePolicy.FIRE, timedelta(minutes=5)),
    TimerSpec(SUBMISSION_KIND, "on_submission_reminder", LatePolicy.FIRE, timedelta(minutes=5)),
    TimerSpec(BOOTH_OPEN_KIND, "on_booth_open", LatePolicy.FIRE, timedelta(minutes=5)),
    TimerSpec(BOOTH_CLOSE_KIND, "on_booth_close", LatePolicy.FIRE, timedelta(minutes=5)),
)


class BoothLines(Protocol):
    """The queue service's one method the programme needs (opening and closing lines)."""

    async def set_queue_status(
        self,
        booth_id: UUID,
        account_id: UUID | None,
        status: QueueStatus,
        *,
        by_system: bool = False,
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class Fair:
    row: dict[str, Any]
    calendar: FairCalendar
    rules: ProgrammeRules
    main_venue_id: UUID | None

    @property
    def id(self) -> UUID:
        fair_id: UUID = self.row["id"]
        return fair_id

    def week(self, number: int) -> FairWeek:
        if not 1 <= number <= self.calendar.week_count:
            raise Problem(
                "week.not_found",
                f"the fair has weeks 1 to {self.calendar.week_count}",
                extra={"weeks": self.calendar.week_count},
            )
        return self.calendar.week(number)

    def window(self, number: int) -> Window:
        return self.rules.window(self.week(number), self.calendar.zone)


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    fair: Fair
    week: FairWeek
    placed: list[dict[str, Any]]  # session rows as placed (or as they would be)
    conflicts: list[dict[str, Any]]
    applied: bool


@dataclass
class BoardRow:
    venue: dict[str, Any]
    session: dict[str, Any] | None
    status: BoardStatus
    due_at: datetime
    late_until: datetime | None
    on_time: bool | None
    overdue: bool
    extra: dict[str, Any] = field(default_factory=dict)


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def public_event(row: Mapping[str, Any]) -> dict[str, Any]:
    """A session as events carry it: public fields, ids, ISO instants."""
    return {
        "id": str(row["id"]),
        "fair_id": str(row["fair_id"]),
        "venue_id": str(row["venue_id"]),
        "region_code": row["region_code"],
        "week": row["week"],
        "title": row["title"],
        "category": row["category"],
        "state": row["state"],
        "starts_at": _iso(row["starts_at"]),
        "ends_at": _iso(row["ends_at"]),
        "stage": row["stage"],
        "sequence": row["sequence"],
    }


def clash_view(clash: Clash) -> dict[str, Any]:
    return {
        "code": clash.reason.value,
        "message": clash.message,
        "party": None if clash.party is None else {"id": clash.party.id, "name": clash.party.name},
        "sessions": [{"id": s.id, "title": s.name} for s in clash.sessions],
    }


def slot_view(slot: Slot) -> dict[str, Any]:
    return {"starts_at": slot.start, "ends_at": slot.end, "stage": slot.stage}


def session_timers(
    row: Mapping[str, Any], now: datetime, settings: ProgrammeSettings
) -> list[tuple[str, str, datetime | None, dict[str, Any]]]:
    """A published session's timers as (kind, key, due_at, payload); ``None``: remove it.

    The lobby opens ``lobby_lead`` before the start (at once if that has passed), the
    session ends ``end_grace`` after its end, each reminder lead still ahead gets a
    timer, each participating booth opens at the start.
    """
    ident = str(row["id"])
    starts, ends = row["starts_at"], row["ends_at"]
    payload = {"session": ident, "starts_at": starts.isoformat()}
    timers: list[tuple[str, str, datetime | None, dict[str, Any]]] = [
        (LOBBY_KIND, f"{LOBBY_KIND}:{ident}", max(starts - settings.lobby_lead, now), payload),
        (END_KIND, f"{END_KIND}:{ident}", ends + settings.end_grace, payload),
    ]
    for label, lead in settings.reminder_leads:
        due = starts - lead if starts - lead > now else None
        timers.append(
            (REMINDER_KIND, f"{REMINDER_KIND}:{ident}:{label}", due, {**payload, "lead": label})
        )
    for booth in row["booths"]:
        timers.append(
            (
                BOOTH_OPEN_KIND,
                f"{BOOTH_OPEN_KIND}:{ident}:{booth}",
                starts,
                {"session": ident, "booth": str(booth)},
            )
        )
    return timers


class ProgrammeService:
    def __init__(
        self,
        pool: asyncpg.Pool,
        outbox: Outbox,
        clock: Clock,
        *,
        public_url: str,
        lines: BoothLines | None = None,
        settings: ProgrammeSettings | None = None,
    ) -> None:
        self._pool = pool
        self._outbox = outbox
        self._clock = clock
        self._lines = lines
        self.public_url = public_url.rstrip("/")
        self.settings = settings or ProgrammeSettings()

    def now(self) -> datetime:
        return self._clock.now()

    # -- context ----------------------------------------------------------------------

    async def _fair(self, conn: Connection, ref: UUID | str, *, lock: bool = False) -> Fair:
        row = await fairs_store.get_fair(conn, ref)
        if row is None:
            raise Problem("fair.not_found", f"no fair {ref}")
        if lock:
            await conn.execute("SELECT 1 FROM fairs WHERE id = $1 FOR NO KEY UPDATE", row["id"])
        document = row.get("document") or {}
        try:
            calendar = FairCalendar.from_row(row)
            rules = ProgrammeRules.parse(document.get("programme"))
        except DeadlineSettingError as exc:  # a broken fair setting is a server-side bug
            raise RuntimeError(f"fair {row['id']}: {exc}") from exc
        main = await conn.fetchval(
            "SELECT id FROM venues WHERE fair_id = $1 AND kind = 'main'", row["id"]
        )
        return Fair(row, calendar, rules, main)

    async def fair(self, ref: UUID | str) -> Fair:
        async with self._pool.acquire() as conn:
            return await self._fair(conn, ref)

    async def _venue(self, conn: Connection, venue_id: UUID) -> dict[str, Any]:
        venue = await fairs_store.get_venue(conn, venue_id)
        if venue is None:
            raise Problem("venue.not_found", f"no venue {venue_id}")
        return venue

    async def _session(
        self, conn: Connection, session_id: UUID, *, for_update: bool = False
    ) -> dict[str, Any]:
        row = await store.get_session(conn, session_id, for_update=for_update)
        if row is None:
            raise Problem("featured_session.not_found", "no such featured session")
        return row

    @staticmethod
    def _manages(principal: Principal, fair_id: UUID, venue_id: UUID) -> bool:
        return principal.organises(fair_id) or principal.has(Role.VENUE_ADMIN, venue_id)

    def _require_manager(self, principal: Principal, row: Mapping[str, Any]) -> None:
        if not self._manages(principal, row["fair_id"], row["venue_id"]):
            raise Problem("auth.forbidden", "only this venue's admins or the organisers")

    @staticmethod
    def _require_organiser(principal: Principal, fair_id: UUID) -> None:
        if not principal.organises(fair_id):
            raise Problem("auth.forbidden", "only the fair's organisers")

    def sees_private(self, principal: Principal, row: Mapping[str, Any]) -> bool:
        """The venue's admins, the organisers and the session's hosts."""
        return self._manages(principal, row["fair_id"], row["venue_id"]) or (
            principal.account_id is not None and principal.account_id in row["hosts"]
        )

    def may_see(self, principal: Principal, row: Mapping[str, Any]) -> bool:
        return row["published_at"] is not None or self.sees_private(principal, row)

    # -- validation -------------------------------------------------------------------

    async def _validate(
        self, conn: Connection, fair: Fair, venue: Mapping[str, Any], fields: Mapping[str, Any]
    ) -> None:
        """Every rule a draft's fields must meet; all failures at once (422)."""
        errors = await self._errors(conn, fair, venue, fields)
        if errors:
            raise Problem("request.invalid", "some fields are invalid", errors=errors)

    async def _errors(
        self,
        conn: Connection,
        fair: Fair,
        venue: Mapping[str, Any],
        fields: Mapping[str, Any],
        failed: frozenset[str] = frozenset(),
    ) -> list[FieldError]:
        """What breaks a draft's rules. A rule whose inputs are not in ``fields`` (their
        own error already refused them: ``failed``) is skipped, except that preferred
        times are checked with the shortest duration when the duration is ``failed``:
        what clashes then clashes at any duration."""
        errors: list[FieldError] = []
        window: Window | None = None
        if "week" in fields:
            week_number = int(fields["week"])
            if not 1 <= week_number <= fair.calendar.week_count:
                errors.append(
                    FieldError("/week", "week.not_found", f"weeks 1 to {fair.calendar.week_count}")
                )
            else:
                window = fair.window(week_number)
        if fields.get("category") is not None:
            for pointer, code in category_errors(
                category=Category(fields["category"]),
                staffing_focus=StaffingFocus(fields["staffing_focus"])
                if fields.get("staffing_focus")
                else None,
                target_groups=[KeyGroup(g) for g in fields.get("target_groups") or []],
                partner_region=fields.get("partner_region"),
                own_region=venue["region_code"],
                known_regions=KNOWN_REGIONS,
            ):
                errors.append(FieldError(pointer, code))
        if "duration_minutes" in failed:
            duration = timedelta(minutes=DURATION_MIN_MINUTES)
        else:
            duration = timedelta(minutes=int(fields.get("duration_minutes") or 90))
        if window is not None:
            probe = Request("", "", None, "", self.now(), duration)
            for i, at in enumerate(fields.get("preferred_times") or []):
                clashes, _ = clashes_at(probe, at, window, [])
                for clash in clashes:
                    errors.append(
                        FieldError(f"/preferred_times/{i}", clash.reason.value, clash.message)
                    )
        hosts = list(fields.get("hosts") or [])
        known = await store.existing_accounts(conn, hosts)
        for i, host in enumerate(hosts):
            if host not in known:
                errors.append(FieldError(f"/hosts/{i}", "featured_session.host_unknown"))
        booths = list(fields.get("booths") or [])
        in_fair = await store.fair_booths(conn, fair.id, booths)
        for i, booth in enumerate(booths):
            if booth not in in_fair:
                errors.append(FieldError(f"/booths/{i}", "booth.not_found"))
        return errors

    async def draft_errors(
        self,
        principal: Principal,
        *,
        venue_id: UUID | None = None,
        session_id: UUID | None = None,
        fields: Mapping[str, Any],
        failed: frozenset[str],
    ) -> list[FieldError]:
        """The rules a new draft for ``venue_id`` (or the changes to ``session_id``)
        break, for a request whose ``failed`` fields were refused as malformed; nothing
        when the caller may not make that change (create/update say why). Reads only."""
        async with self._pool.acquire() as conn:
            if session_id is not None:
                row = await store.get_session(conn, session_id)
                if (
                    row is None
                    or not self._manages(principal, row["fair_id"], row["venue_id"])
                    or SessionState(row["state"]) not in EDITABLE
                ):
                    return []
                merged = {name: row[name] for name in (*store.FIELDS, "hosts", "booths")}
                merged.update(fields)
                fields = {k: v for k, v in merged.items() if k not in failed}
                venue_id = row["venue_id"]
            if venue_id is None:
                return []
            venue = await fairs_store.get_venue(conn, venue_id)
            if (
                venue is None
                or venue["kind"] != "sub"
                or not self._manages(principal, venue["fair_id"], venue_id)
            ):
                return []
            fair = await self._fair(conn, venue["fair_id"])
            return await self._errors(conn, fair, venue, fields, failed)

    async def _set_people(
        self,
        conn: Connection,
        session_id: UUID,
        fields: Mapping[str, Any],
        actor: UUID | None,
    ) -> None:
        now = self.now()
        if "hosts" in fields:
            await store.set_hosts(conn, session_id, fields["hosts"])
            for host in fields["hosts"]:
                await accounts_store.insert_grant(
                    conn, host, Role.HOST, ScopeType.SESSION, session_id, granted_by=actor, now=now
                )
        if "booths" in fields:
            await store.set_booths(conn, session_id, fields["booths"])

    # -- venue admins -----------------------------------------------------------------

    async def create(
        self, principal: Principal, venue_id: UUID, fields: dict[str, Any], *, submit: bool = False
    ) -> dict[str, Any]:
        """Draft a session; with ``submit``, submit it in the same transaction, so that a
        refused submission (deadline, week taken) leaves no draft behind."""
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            venue = await self._venue(conn, venue_id)
            if not self._manages(principal, venue["fair_id"], venue_id):
                raise Problem("auth.forbidden", "only this venue's admins or the organisers")
            if venue["kind"] != "sub":
                raise Problem(
                    "featured_session.main_venue",
                    "featured sessions come from the provinces' sub-venues",
                )
            fair = await self._fair(conn, venue["fair_id"])
            await self._validate(conn, fair, venue, fields)
            session_id = uuid7()
            await store.insert_session(
                conn,
                session_id=session_id,
                fair_id=fair.id,
                venue_id=venue_id,
                fields={k: v for k, v in fields.items() if k in store.FIELDS},
                actor=principal.account_id,
                now=self.now(),
            )
            await self._set_people(conn, session_id, fields, principal.account_id)
            row = await self._session(conn, session_id)
            return await self._submit(conn, row) if submit else row

    async def update(
        self,
        principal: Principal,
        session_id: UUID,
        changes: dict[str, Any],
        *,
        submit: bool = False,
    ) -> dict[str, Any]:
        """Edit a draft or returned session; with ``submit``, submit it in the same
        transaction (a refusal keeps the session as it was)."""
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            row = await self._session(conn, session_id, for_update=True)
            self._require_manager(principal, row)
            if SessionState(row["state"]) not in EDITABLE:
                raise Problem(
                    "featured_session.not_editable",
                    f"a {row['state']} session cannot be edited"
                    + (" (ask an organiser to return it)" if row["state"] != "cancelled" else ""),
                    extra={"state": row["state"]},
                )
            venue = await self._venue(conn, row["venue_id"])
            fair = await self._fair(conn, row["fair_id"])
            merged = {name: row[name] for name in (*store.FIELDS, "hosts", "booths")}
            merged.update(changes)
            await self._validate(conn, fair, venue, merged)
            columns = {k: v for k, v in changes.items() if k in store.FIELDS}
            await store.update_session(conn, session_id, columns, self.now())
            await self._set_people(conn, session_id, changes, principal.account_id)
            row = await self._session(conn, session_id)
            return await self._submit(conn, row) if submit else row

    async def submit(self, principal: Principal, session_id: UUID) -> dict[str, Any]:
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            row = await self._session(conn, session_id, for_update=True)
            self._require_manager(principal, row)
            return await self._submit(conn, row)

    async def _submit(self, conn: Connection, row: Mapping[str, Any]) -> dict[str, Any]:
        """Submit ``row`` (locked, its manager checked) inside the caller's transaction:
        a refusal raises, and the caller's transaction undoes whatever it wrote first."""
        session_id = row["id"]
        state = SessionState(row["state"])
        if state not in EDITABLE:
            raise Problem(
                "featured_session.wrong_state",
                f"a {state} session cannot be submitted",
                extra={"state": state.value},
            )
        fair = await self._fair(conn, row["fair_id"])
        week = fair.week(row["week"])
        now = self.now()
        late_until = await store.late_window(conn, row["venue_id"], row["week"])
        # A returned session may be resubmitted until its week begins.
        resubmission = state is SessionState.RETURNED and now < week.starts_at
        if not resubmission and not may_submit(now, week.due_at, late_until):
            due = week.due_at.astimezone(fair.calendar.zone).isoformat()
            raise Problem(
                "schedule.deadline_passed",
                f"submissions for week {week.number} closed at {due}",
                extra={"week": week.number, "due_at": due},
            )
        taken = [
            other
            for other in await store.sessions_of_venue(conn, row["venue_id"], row["week"])
            if other["id"] != session_id
            and other["state"] not in ("draft", "returned", "cancelled")
        ]
        if taken:
            raise Problem(
                "featured_session.week_taken",
                f"this venue already submitted “{taken[0]['title']}” for week {week.number}",
                extra={"session_id": str(taken[0]["id"])},
            )
        first = row["first_submitted_at"] or now
        await store.update_session(
            conn,
            session_id,
            {
                "state": SessionState.SUBMITTED.value,
                "submitted_at": now,
                "first_submitted_at": first,
                "submitted_late": timeliness(first, week.due_at).value == "late",
                "return_reason": "",
            },
            now,
        )
        return await self._session(conn, session_id)

    async def cancel(self, principal: Principal, session_id: UUID, reason: str) -> dict[str, Any]:
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            row = await self._session(conn, session_id, for_update=True)
            self._require_manager(principal, row)
            if SessionState(row["state"]) not in CANCELLABLE:
                raise Problem(
                    "featured_session.wrong_state",
                    f"a {row['state']} session cannot be cancelled",
                    extra={"state": row["state"]},
                )
            now = self.now()
            published = row["published_at"] is not None
            await store.update_session(
                conn,
                session_id,
                {"state": "cancelled", "cancel_reason": reason, "cancelled_at": now},
                now,
                bump_sequence=published,
            )
            row = await self._session(conn, session_id)
            if published:
                await self._cancel_timers(conn, row)
                await self._announce_change(tx, row, "cancelled")
                await self._notify_followers(tx, row, "programme.session_cancelled")
            return row

    # -- organisers -------------------------------------------------------------------

    async def return_(self, principal: Principal, session_id: UUID, reason: str) -> dict[str, Any]:
        async with self._outbox.transaction() as tx:
            row = await self._session(tx.conn, session_id, for_update=True)
            self._require_organiser(principal, row["fair_id"])
            if SessionState(row["state"]) not in RETURNABLE:
                raise Problem(
                    "featured_session.wrong_state",
                    f"a {row['state']} session cannot be returned",
                    extra={"state": row["state"]},
                )
            now = self.now()
            await store.update_session(
                tx.conn,
                session_id,
                {"state": "returned", "return_reason": reason, "approved_at": None},
                now,
            )
            row = await self._session(tx.conn, session_id)
            await self._notify_admins(tx, row, "programme.session_returned", {"reason": reason})
            return row

    async def approve(self, principal: Principal, session_id: UUID) -> dict[str, Any]:
        async with self._outbox.transaction() as tx:
            row = await self._session(tx.conn, session_id, for_update=True)
            self._require_organiser(principal, row["fair_id"])
            if row["state"] != SessionState.SUBMITTED:
                raise Problem(
                    "featured_session.wrong_state",
                    f"a {row['state']} session cannot be approved",
                    extra={"state": row["state"]},
                )
            now = self.now()
            await store.update_session(
                tx.conn,
                session_id,
                {"state": "approved", "approved_at": now, "approved_by": principal.account_id},
                now,
            )
            row = await self._session(tx.conn, session_id)
            await self._notify_admins(tx, row, "programme.session_approved", {})
            return row

    async def open_late_window(
        self,
        principal: Principal,
        fair_ref: UUID | str,
        week_number: int,
        venue_id: UUID,
        until: datetime,
    ) -> dict[str, Any]:
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            fair = await self._fair(conn, fair_ref)
            self._require_organiser(principal, fair.id)
            week = fair.week(week_number)
            venue = await fairs_store.get_venue(conn, venue_id)
            errors = []
            if venue is None or venue["fair_id"] != fair.id or venue["kind"] != "sub":
                errors.append(FieldError("/venue_id", "venue.not_found"))
            if until <= self.now() or until <= week.due_at:
                errors.append(
                    FieldError("/until", "out_of_range", "must be after now and the deadline")
                )
            if errors:
                raise Problem("request.invalid", "some fields are invalid", errors=errors)
            await store.put_late_window(
                conn, venue_id, week.number, until, principal.account_id, self.now()
            )
            for venue_of, admin in await store.venue_admins(conn, [venue_id]):
                await notify(
                    tx,
                    admin,
                    "programme.late_window",
                    {
                        "fair_id": str(fair.id),
                        "venue_id": str(venue_of),
                        "week": week.number,
                        "until": until.isoformat(),
                    },
                    self.now(),
                )
            return {
                "venue_id": venue_id,
                "week": week.number,
                "until": until,
                "due_at": week.due_at,
            }

    async def _placements(
        self, conn: Connection, fair: Fair, week: FairWeek, rows: Sequence[Mapping[str, Any]]
    ) -> tuple[list[Request], dict[str, Request]]:
        hosts = {h for r in rows for h in r["hosts"]}
        booths = {b for r in rows for b in r["booths"]}
        host_names = await store.host_names(conn, list(hosts))
        booth_names = await store.booth_names(conn, list(booths))
        requests = [self._request(r, host_names, booth_names) for r in rows]
        return requests, {r.id: r for r in requests}

    @staticmethod
    def _request(
        row: Mapping[str, Any], host_names: Mapping[UUID, str], booth_names: Mapping[UUID, str]
    ) -> Request:
        code = row["region_code"]
        return Request(
            id=str(row["id"]),
            title=row["title"],
            region_code=code,
            region_name=region_by_code(code).zh if code in KNOWN_REGIONS else row["venue_name_zh"],
            submitted_at=row["first_submitted_at"] or row["created_at"],
            duration=timedelta(minutes=row["duration_minutes"]),
            hosts=tuple(Party(str(h), host_names.get(h, str(h))) for h in row["hosts"]),
            booths=tuple(Party(str(b), booth_names.get(b, str(b))) for b in row["booths"]),
            preferred=tuple(row["preferred_times"]),
        )

    async def _fixed(
        self, conn: Connection, fair: Fair, week: FairWeek, excluding: UUID | None = None
    ) -> list[Placement]:
        rows = [
            r
            for r in await store.list_sessions(
                conn, fair.id, states=PLACED_STATES, overlapping=(week.starts_at, week.ends_at)
            )
            if r["id"] != excluding
        ]
        _, by_id = await self._placements(conn, fair, week, rows)
        return [Placement(by_id[str(r["id"])], r["starts_at"], r["stage"]) for r in rows]

    async def plan(
        self,
        principal: Principal,
        fair_ref: UUID | str,
        week_number: int,
        *,
        move: bool = True,
        dry_run: bool = False,
    ) -> PlanOutcome:
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            fair = await self._fair(conn, fair_ref, lock=True)
            self._require_organiser(principal, fair.id)
            week = fair.week(week_number)
            window = fair.window(week_number)
            rows = await store.list_sessions(
                conn, fair.id, week=week.number, states=[SessionState.APPROVED.value]
            )
            requests, _ = await self._placements(conn, fair, week, rows)
            fixed = await self._fixed(conn, fair, week)
            plan = plan_week(requests, window, fixed, move=move)
            now = self.now()
            placed: list[dict[str, Any]] = []
            by_id = {str(r["id"]): r for r in rows}
            for placement in plan.placements:
                session_id = UUID(placement.request.id)
                if not dry_run:
                    await store.update_session(
                        conn,
                        session_id,
                        {
                            "state": SessionState.SCHEDULED.value,
                            "starts_at": placement.start,
                            "ends_at": placement.end,
                            "stage": placement.stage,
                        },
                        now,
                    )
                    placed.append(await self._session(conn, session_id))
                else:
                    placed.append(
                        {
                            **by_id[placement.request.id],
                            "state": SessionState.SCHEDULED.value,
                            "starts_at": placement.start,
                            "ends_at": placement.end,
                            "stage": placement.stage,
                        }
                    )
            conflicts = [
                {
                    "session_id": UUID(c.request_id),
                    "title": c.title,
                    "wanted": c.wanted,
                    "clashes": [clash_view(x) for x in c.clashes],
                    "proposals": [slot_view(s) for s in c.proposals],
                    "placed": c.placed is not None,
                }
                for c in plan.conflicts
            ]
            return PlanOutcome(fair, week, placed, conflicts, applied=not dry_run)

    async def move(
        self, principal: Principal, session_id: UUID, starts_at: datetime, stage: int | None
    ) -> dict[str, Any]:
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            head = await self._session(conn, session_id)
            fair = await self._fair(conn, head["fair_id"], lock=True)
            self._require_organiser(principal, fair.id)
            row = await self._session(conn, session_id, for_update=True)
            if SessionState(row["state"]) not in MOVABLE:
                raise Problem(
                    "featured_session.wrong_state",
                    f"a {row['state']} session cannot be moved",
                    extra={"state": row["state"]},
                )
            if starts_at < self.now():
                # A start already past would open the lobby at once and, once published,
                # end the session within minutes: refused.
                raise Problem(
                    "schedule.in_past",
                    f"{starts_at.isoformat()} has already passed",
                    extra={"now": self.now().isoformat()},
                )
            week = fair.week(row["week"])
            window = fair.window(row["week"])
            fixed = await self._fixed(conn, fair, week, excluding=session_id)
            _, by_id = await self._placements(conn, fair, week, [row])
            request = by_id[str(session_id)]
            clashes, chosen = clashes_at(request, starts_at, window, fixed, stage)
            if clashes or chosen is None:
                proposals = free_slots(request, window, fixed, starts_at)
                raise Problem(
                    clashes[0].reason.value,
                    "; ".join(c.message for c in clashes),
                    extra={
                        "clashes": [clash_view(c) for c in clashes],
                        "proposals": [
                            {
                                **slot_view(s),
                                "starts_at": s.start.isoformat(),
                                "ends_at": s.end.isoformat(),
                            }
                            for s in proposals
                        ],
                    },
                )
            now = self.now()
            published = row["published_at"] is not None
            await store.update_session(
                conn,
                session_id,
                {
                    "state": SessionState.SCHEDULED.value,
                    "starts_at": starts_at,
                    "ends_at": starts_at + request.duration,
                    "stage": chosen,
                },
                now,
                bump_sequence=published,
            )
            row = await self._session(conn, session_id)
            if published:
                await self._schedule_timers(conn, row)
                await self._announce_change(tx, row, "moved")
                await self._notify_followers(tx, row, "programme.session_moved")
                # Its hosts were told when it was published; they are told of the move too
                # (once: a host who follows it already had the followers' notice).
                following = set(await store.followers(conn, session_id))
                for host in row["hosts"]:
                    if host not in following:
                        await notify(tx, host, "programme.session_moved", self._notice(row), now)
            return row

    async def publish(
        self, principal: Principal, fair_ref: UUID | str, week_number: int
    ) -> tuple[Fair, FairWeek, list[dict[str, Any]]]:
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            fair = await self._fair(conn, fair_ref, lock=True)
            self._require_organiser(principal, fair.id)
            week = fair.week(week_number)
            now = self.now()
            fresh = await store.list_sessions(
                conn,
                fair.id,
                week=week.number,
                states=[SessionState.SCHEDULED.value],
                published=False,
            )
            for row in fresh:
                await store.update_session(conn, row["id"], {"published_at": now}, now)
            rows = await store.list_sessions(conn, fair.id, week=week.number, published=True)
            if fresh:
                new_ids = {r["id"] for r in fresh}
                for row in rows:
                    if row["id"] in new_ids:
                        await self._schedule_timers(conn, row)
                        for host in row["hosts"]:
                            await notify(
                                tx, host, "programme.session_scheduled", self._notice(row), now
                            )
                views = [public_event(r) for r in rows]
                payload = {"fair_id": str(fair.id), "week": week.number, "sessions": views}
                tx.emit(f"fair:{fair.id}", "programme.published", payload)
                if fair.main_venue_id is not None:
                    tx.emit(f"venue:{fair.main_venue_id}", "programme.published", payload)
                for venue_id in sorted({r["venue_id"] for r in rows}, key=str):
                    mine = [public_event(r) for r in rows if r["venue_id"] == venue_id]
                    tx.emit(
                        f"venue:{venue_id}",
                        "programme.published",
                        {"fair_id": str(fair.id), "week": week.number, "sessions": mine},
                    )
            return fair, week, rows

    # -- announcements ----------------------------------------------------------------

    def _notice(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "session_id": str(row["id"]),
            "fair_id": str(row["fair_id"]),
            "title": row["title"],
            "starts_at": _iso(row["starts_at"]),
            "ends_at": _iso(row["ends_at"]),
        }

    async def _announce_change(
        self, tx: OutboxTransaction, row: Mapping[str, Any], change: str
    ) -> None:
        data = {"change": change, "session": public_event(row)}
        tx.emit(f"fair:{row['fair_id']}", "session.changed", data)
        main = await tx.conn.fetchval(
            "SELECT id FROM venues WHERE fair_id = $1 AND kind = 'main'", row["fair_id"]
        )
        if main is not None and main != row["venue_id"]:
            tx.emit(f"venue:{main}", "session.changed", data)
        tx.emit(f"venue:{row['venue_id']}", "session.changed", data)
        tx.emit(f"session:{row['id']}", "session.state", {"state": row["state"]})

    async def _notify_followers(
        self, tx: OutboxTransaction, row: Mapping[str, Any], kind: str, **extra: Any
    ) -> int:
        people = await store.followers(tx.conn, row["id"])
        now = self.now()
        data = {**self._notice(row), **extra}
        for account in people:
            await notify(tx, account, kind, data, now)
        return len(people)

    async def _notify_admins(
        self, tx: OutboxTransaction, row: Mapping[str, Any], kind: str, extra: dict[str, Any]
    ) -> None:
        now = self.now()
        for _, admin in await store.venue_admins(tx.conn, [row["venue_id"]]):
            await notify(
                tx,
                admin,
                kind,
                {"session_id": str(row["id"]), "week": row["week"], "title": row["title"], **extra},
                now,
            )

    # -- timers -----------------------------------------------------------------------

    def _timer_keys(self, row: Mapping[str, Any]) -> list[str]:
        ident = row["id"]
        keys = [f"{LOBBY_KIND}:{ident}", f"{END_KIND}:{ident}"]
        keys += [f"{REMINDER_KIND}:{ident}:{label}" for label, _ in self.settings.reminder_leads]
        keys += [f"{BOOTH_OPEN_KIND}:{ident}:{booth}" for booth in row["booths"]]
        return keys

    async def _schedule_timers(self, conn: Connection, row: Mapping[str, Any]) -> None:
        """(Re)arm a published session's timers at its current times."""
        for kind, key, due_at, payload in session_timers(row, self.now(), self.settings):
            if due_at is None:
                await cancel(conn, key)
            else:
                await schedule(conn, kind, key, due_at, payload)
        for booth in row["booths"]:
            # A line the programme already opened closes at the new end.
            await conn.execute(
                "UPDATE timers SET due_at = $2 WHERE key = $1",
                f"{BOOTH_CLOSE_KIND}:{row['id']}:{booth}",
                row["ends_at"],
            )

    async def _cancel_timers(self, conn: Connection, row: Mapping[str, Any]) -> None:
        for key in self._timer_keys(row):
            await cancel(conn, key)

    async def _timer_session(self, conn: Connection, timer: Timer) -> dict[str, Any] | None:
        return await store.get_session(conn, UUID(str(timer.payload["session"])), for_update=True)

    async def on_open_lobby(self, conn: Connection, timer: Timer) -> None:
        """``session.open_lobby``: a scheduled session's lobby opens (start − 15 min)."""
        row = await self._timer_session(conn, timer)
        if row is None or row["state"] != SessionState.SCHEDULED:
            return
        now = self.now()
        tx = OutboxTransaction(conn)
        await store.update_session(conn, row["id"], {"state": "lobby", "lobby_at": now}, now)
        row = await self._session(conn, row["id"])
        await self._announce_change(tx, row, "lobby")
        for host in row["hosts"]:
            await notify(tx, host, "programme.lobby_open", self._notice(row), now)
        await self._outbox.append_in_timer(conn, tx.take())

    async def on_end(self, conn: Connection, timer: Timer) -> None:
        """``session.end``: a session still open past its end (+ grace) is ended."""
        row = await self._timer_session(conn, timer)
        if row is None or SessionState(row["state"]) not in ENDABLE:
            return
        now = self.now()
        tx = OutboxTransaction(conn)
        await store.update_session(conn, row["id"], {"state": "ended", "ended_at": now}, now)
        row = await self._session(conn, row["id"])
        await self._announce_change(tx, row, "ended")
        await self._outbox.append_in_timer(conn, tx.take())

    # -- going live and ending (docs/sessions-live.md) ---------------------------------

    async def go_live(
        self,
        principal: Principal,
        session_id: UUID,
        ingest_active: Callable[[Connection], Awaitable[bool]],
    ) -> dict[str, Any]:
        """A host takes the session from its lobby to ``live``; only with an active ingest.

        ``ingest_active`` is asked inside the transaction that holds the session's row.
        """
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            row = await self._session(conn, session_id, for_update=True)
            if principal.account_id is None or principal.account_id not in row["hosts"]:
                if not self.may_see(principal, row):
                    raise Problem("featured_session.not_found", "no such featured session")
                raise Problem("auth.forbidden", "only the session's hosts go live")
            if row["state"] != SessionState.LOBBY:
                raise Problem(
                    "featured_session.wrong_state",
                    f"a {row['state']} session cannot go live (only from its lobby)",
                    extra={"state": row["state"]},
                )
            if not await ingest_active(conn):
                raise Problem("session.no_ingest", "start publishing (WHIP) before going live")
            now = self.now()
            await store.update_session(conn, session_id, {"state": "live", "live_at": now}, now)
            row = await self._session(conn, session_id)
            await self._announce_change(tx, row, "live")
            return row

    async def end_broadcast(self, principal: Principal, session_id: UUID) -> dict[str, Any]:
        """A host (or the venue's admins, the organisers) ends a session in its lobby or live."""
        async with self._outbox.transaction() as tx:
            conn = tx.conn
            row = await self._session(conn, session_id, for_update=True)
            if not self.sees_private(principal, row):
                if not self.may_see(principal, row):
                    raise Problem("featured_session.not_found", "no such featured session")
                raise Problem("auth.forbidden", "only the session's hosts, admins or organisers")
            if row["state"] not in (SessionState.LOBBY, SessionState.LIVE):
                raise Problem(
                    "featured_session.wrong_state",
                    f"a {row['state']} session cannot be ended",
                    extra={"state": row["state"]},
                )
            now = self.now()
            await store.update_session(conn, session_id, {"state": "ended", "ended_at": now}, now)
            row = await self._session(conn, session_id)
            await self._announce_change(tx, row, "ended")
            return row

    async def on_reminder(self, conn: Connection, timer: Timer) -> None:
        """``programme.reminder``: tell every follower; skipped once the session started."""
        row = await self._timer_session(conn, timer)
        now = self.now()
        if row is None or row["state"] not in ("scheduled", "lobby") or now >= row["starts_at"]:
            return
        tx = OutboxTransaction(conn)
        await self._notify_followers(tx, row, "programme.reminder", lead=timer.payload.get("lead"))
        await self._outbox.append_in_timer(conn, tx.take())

    async def on_submission_reminder(self, conn: Connection, timer: Timer) -> None:
        """``submission.reminder``: remind the admins of every province still owing its
        session for the week, then re-arm for the next lead (one timer per deadline)."""
        fair_id = UUID(str(timer.payload["fair"]))
        week_number = int(timer.payload["week"])
        row = await fairs_store.get_fair(conn, fair_id)
        if row is None:
            return
        fair = await self._fair(conn, fair_id)
        if not 1 <= week_number <= fair.calendar.week_count:
            return
        week = fair.calendar.week(week_number)
        now = self.now()
        if now >= week.due_at:
            return
        tx = OutboxTransaction(conn)
        board = await self._board_rows(conn, fair, week)
        owing = [
            r.venue["id"]
            for r in board
            if r.status in (BoardStatus.MISSING, BoardStatus.DRAFT, BoardStatus.RETURNED)
        ]
        for venue_id, admin in await store.venue_admins(conn, owing):
            await notify(
                tx,
                admin,
                "programme.submission_due",
                {
                    "fair_id": str(fair.id),
                    "venue_id": str(venue_id),
                    "week": week.number,
                    "due_at": week.due_at.isoformat(),
                },
                now,
            )
        following = next_reminder(week.due_at, now, self.settings.submission_leads)
        if following is not None:
            await schedule(conn, SUBMISSION_KIND, timer.key, following, dict(timer.payload))
        await self._outbox.append_in_timer(conn, tx.take())

    async def on_booth_open(self, conn: Connection, timer: Timer) -> None:
        """``booth.open``: open a participating booth's line at the start, if it is closed
        (then ``booth.close`` closes it at the end: the programme closes only what it opened)."""
        row = await self._timer_session(conn, timer)
        booth_id = UUID(str(timer.payload["booth"]))
        if (
            self._lines is None
            or row is None
            or row["state"] not in ("scheduled", "lobby", "live")
            or self.now() >= row["ends_at"]
        ):
            return
        status = await conn.fetchval(
            "SELECT status FROM booth_queues WHERE booth_id = $1", booth_id
        )
        if status not in (None, QueueStatus.CLOSED.value):
            return
        await self._lines.set_queue_status(booth_id, None, QueueStatus.OPEN, by_system=True)
        await schedule(
            conn,
            BOOTH_CLOSE_KIND,
            f"{BOOTH_CLOSE_KIND}:{row['id']}:{booth_id}",
            row["ends_at"],
            {"session": str(row["id"]), "booth": str(booth_id)},
        )

    async def on_booth_close(self, conn: Connection, timer: Timer) -> None:
        if self._lines is None:
            return
        booth_id = UUID(str(timer.payload["booth"]))
        await self._lines.set_queue_status(booth_id, None, QueueStatus.CLOSED, by_system=True)

    async def ensure_deadline_timers(self, conn: Connection, fair_id: UUID) -> int:
        """Arm one ``submission.reminder`` per future deadline of the fair (idempotent)."""
        fair = await self._fair(conn, fair_id)
        now = self.now()
        created = 0
        for week in fair.calendar.weeks():
            at = next_reminder(week.due_at, now, self.settings.submission_leads)
            if at is None:
                continue
            created += await ensure(
                conn,
                SUBMISSION_KIND,
                f"{SUBMISSION_KIND}:{fair.id}:{week.number}",
                at,
                {"fair": str(fair.id), "week": week.number},
            )
        return created

    async def start(self) -> None:
        """At start-up: arm the deadline reminders of every fair not yet over."""
        async with self._pool.acquire() as conn:
            fairs = await conn.fetch(
                "SELECT id FROM fairs WHERE ends_on >= $1::date",
                (self.now() - timedelta(days=14)).date(),
            )
            for fair in fairs:
                async with conn.transaction():
                    await self.ensure_deadline_timers(conn, fair["id"])

    # -- reading ----------------------------------------------------------------------

    async def get(self, principal: Principal, session_id: UUID) -> dict[str, Any]:
        async with self._pool.acquire() as conn:
            row = await self._session(conn, session_id)
        if not self.may_see(principal, row):
            raise Problem("featured_session.not_found", "no such featured session")
        return row

    async def venue_sessions(
        self, principal: Principal, venue_id: UUID
    ) -> tuple[list[dict[str, Any]], list[tuple[int, datetime]]]:
        """Every session of a sub-venue, in every state and week, and its late windows
        still open as (week, until) (its admins, organisers)."""
        async with self._pool.acquire() as conn, conn.transaction(readonly=True):
            venue = await self._venue(conn, venue_id)
            if not self._manages(principal, venue["fair_id"], venue_id):
                raise Problem("auth.forbidden", "only this venue's admins or the organisers")
            rows = await store.list_sessions(conn, venue["fair_id"], venue_id=venue_id)
            windows = await store.open_late_windows(conn, venue_id, self.now())
        return sorted(rows, key=lambda r: (r["week"], r["created_at"], r["id"])), windows

    async def programme(
        self,
        principal: Principal,
        fair_ref: UUID | str,
        week_number: int | None,
        venue_id: UUID | None,
        include_unpublished: bool,
    ) -> tuple[Fair, list[dict[str, Any]]]:
        async with self._pool.acquire() as conn, conn.transaction(readonly=True):
            fair = await self._fair(conn, fair_ref)
            if week_number is not None:
                fair.week(week_number)
            venue_filter = None
            if venue_id is not None:
                venue = await self._venue(conn, venue_id)
                if venue["fair_id"] != fair.id:
                    raise Problem("venue.not_found", f"no venue {venue_id} in this fair")
                venue_filter = None if venue["kind"] == "main" else venue_id
            if include_unpublished and not principal.organises(fair.id):
                raise Problem("auth.forbidden", "only organisers see the draft programme")
            rows = await store.list_sessions(
                conn,
                fair.id,
                week=week_number,
                venue_id=venue_filter,
                states=None
                if not include_unpublished
                else ["approved", *PLACED_STATES, "cancelled"],
                published=None if include_unpublished else True,
            )
        return fair, rows

    async def hosted(self, account_id: UUID) -> list[dict[str, Any]]:
        """The sessions the account hosts, of every fair: open now, to come, over."""
        async with self._pool.acquire() as conn:
            return await store.hosted_sessions(
                conn,
                account_id,
                open_states=[s.value for s in OPEN],
                over_states=[s.value for s in OVER],
            )

    async def followed(self, principal: Principal, session_ids: Sequence[UUID]) -> set[UUID] | None:
        """Which of the sessions the signed-in caller follows; None for a visitor."""
        if principal.account_id is None:
            return None
        if not session_ids:
            return set()
        async with self._pool.acquire() as conn:
            return await store.followed_among(conn, principal.account_id, session_ids)

    async def follow(self, principal: Principal, session_id: UUID, on: bool) -> None:
        assert principal.account_id is not None
        async with self._pool.acquire() as conn, conn.transaction():
            row = await self._session(conn, session_id)
            if not on:
                await store.unfollow(conn, session_id, principal.account_id)
                return
            if row["published_at"] is None:
                if self.may_see(principal, row):
                    raise Problem(
                        "featured_session.not_published",
                        "a session can be followed once it is on the published programme",
                    )
                raise Problem("featured_session.not_found", "no such featured session")
            if row["state"] in ("ended", "cancelled"):
                raise Problem(
                    "featured_session.wrong_state",
                    f"a {row['state']} session cannot be followed",
                    extra={"state": row["state"]},
                )
            await store.follow(conn, session_id, principal.account_id, self.now())

    async def _board_rows(self, conn: Connection, fair: Fair, week: FairWeek) -> list[BoardRow]:
        venues = [v for v in await fairs_store.list_venues(conn, fair.id) if v["kind"] == "sub"]
        sessions = await store.list_sessions(conn, fair.id, week=week.number)
        windows = await store.late_windows(conn, fair.id, week.number)
        now = self.now()
        best: dict[UUID, dict[str, Any]] = {}
        for s in sessions:
            current = best.get(s["venue_id"])
            rank = STATE_RANK[SessionState(s["state"])]
            if current is None or rank > STATE_RANK[SessionState(current["state"])]:
                best[s["venue_id"]] = s
        rows = []
        for venue in venues:
            session = best.get(venue["id"])
            status = board_status(None if session is None else SessionState(session["state"]))
            first = None if session is None else session["first_submitted_at"]
            on_time = None if first is None else first < week.due_at
            late_until = windows.get(venue["id"])
            owing = status in (BoardStatus.MISSING, BoardStatus.DRAFT, BoardStatus.RETURNED)
            overdue = owing and now >= week.due_at and not may_submit(now, week.due_at, late_until)
            rows.append(BoardRow(venue, session, status, week.due_at, late_until, on_time, overdue))
        return rows

    async def board(
        self, principal: Principal, fair_ref: UUID | str, week_number: int | None
    ) -> tuple[Fair, FairWeek, list[BoardRow]]:
        async with self._pool.acquire() as conn, conn.transaction(readonly=True):
            fair = await self._fair(conn, fair_ref)
            if week_number is None:
                current = fair.calendar.open_for_submission(self.now())
                week = current if current is not None else fair.week(fair.calendar.week_count)
            else:
                week = fair.week(week_number)
            rows = await self._board_rows(conn, fair, week)
        if not principal.organises(fair.id):
            mine = principal.scopes(Role.VENUE_ADMIN)
            rows = [r for r in rows if r.venue["id"] in mine]
            if not rows:
                raise Problem("auth.forbidden", "only organisers and venue admins")
        return fair, week, rows

    async def report(
        self, principal: Principal, fair_ref: UUID | str, week_number: int | None, fmt: str
    ) -> tuple[bytes, str, str]:
        """The weekly submission report: (body, media type, file name)."""
        async with self._pool.acquire() as conn, conn.transaction(readonly=True):
            fair = await self._fair(conn, fair_ref)
            self._require_organiser(principal, fair.id)
            weeks = (
                [fair.week(week_number)] if week_number is not None else list(fair.calendar.weeks())
            )
            lines = []
            for week in weeks:
                for row in await self._board_rows(conn, fair, week):
                    session = row.session or {}
                    lines.append(
                        report.ReportLine(
                            week=week.number,
                            region_code=row.venue["region_code"] or "",
                            province_zh=row.venue["name_zh"],
                            province_en=row.venue["name_en"],
                            status=row.status.value,
                            title=session.get("title", ""),
                            first_submitted_at=session.get("first_submitted_at"),
                            submitted_at=session.get("submitted_at"),
                            due_at=row.due_at,
                            on_time=row.on_time,
                            late_until=row.late_until,
                            approved_at=session.get("approved_at"),
                            starts_at=session.get("starts_at"),
                        )
                    )
        zone = fair.calendar.zone
        stem = f"{fair.row['slug']}-submissions" + (f"-week{week_number}" if week_number else "")
        if fmt == "xlsx":
            return (
                report.to_xlsx(lines, zone),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                f"{stem}.xlsx",
            )
        return report.to_csv(lines, zone), "text/csv; charset=utf-8", f"{stem}.csv"

    # -- calendars --------------------------------------------------------------------

    async def rotate_calendar_token(self, account_id: UUID) -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        async with self._pool.acquire() as conn:
            await store.put_calendar_token(conn, account_id, token_digest(token), self.now())
        return token, f"{self.public_url}/calendar/user-{token}.ics"

    async def calendar_token_created(self, account_id: UUID) -> datetime | None:
        async with self._pool.acquire() as conn:
            return await store.calendar_token_created(conn, account_id)

    async def revoke_calendar_token(self, account_id: UUID) -> bool:
        async with self._pool.acquire() as conn:
            return await store.delete_calendar_token(conn, account_id)

    async def calendar_feed(self, scope: str, fair_ref: str | None = None) -> bytes:
        """``fair`` (the latest fair, or ``fair_ref``), ``venue-<id>`` or ``user-<token>``."""
        not_found = Problem("calendar.not_found", f"no calendar {scope}")
        kind, _, ident = scope.partition("-")
        async with self._pool.acquire() as conn, conn.transaction(readonly=True):
            if kind == "fair" and not ident:
                ref: UUID | str
                if fair_ref is None:
                    fairs = await fairs_store.list_fairs(conn)
                    if not fairs:
                        raise not_found
                    ref = fairs[0]["id"]
                else:
                    ref = fair_ref
                    with contextlib.suppress(ValueError):
                        ref = UUID(fair_ref)
                fair = await self._fair(conn, ref)
                rows = await store.list_sessions(conn, fair.id, published=True)
                name = fair.row["title_zh"]
            elif kind == "venue" and ident:
                try:
                    venue_id = UUID(ident)
                except ValueError:
                    raise not_found from None
                venue = await fairs_store.get_venue(conn, venue_id)
                if venue is None:
                    raise not_found
                fair = await self._fair(conn, venue["fair_id"])
                rows = await store.list_sessions(
                    conn,
                    fair.id,
                    venue_id=None if venue["kind"] == "main" else venue_id,
                    published=True,
                )
                name = venue["name_zh"]
            elif kind == "user" and ident:
                account = await store.account_for_calendar(conn, token_digest(ident))
                if account is None:
                    raise not_found
                rows = await store.followed_sessions(conn, account)
                hosted = await conn.fetch(
                    f"SELECT {store.SESSION_COLUMNS} FROM {store.SESSION_FROM}"
                    " JOIN featured_session_hosts fh ON fh.session_id = s.id"
                    " WHERE fh.account_id = $1 AND s.published_at IS NOT NULL",
                    account,
                )
                seen = {r["id"] for r in rows}
                rows += [dict(r) for r in hosted if r["id"] not in seen]
                name = "livefair"
            else:
                raise not_found
        host = urlsplit(self.public_url).hostname or "livefair.invalid"
        events = [
            ical.CalendarEvent(
                uid=f"session-{r['id']}@{host}",
                sequence=r["sequence"],
                summary=r["title"],
                description=r["description"],
                location=r["venue_name_zh"],
                starts_at=r["starts_at"],
                ends_at=r["ends_at"],
                zone=r["time_zone"],
                stamp=r["updated_at"],
                cancelled=r["state"] == "cancelled",
                url=f"{self.public_url}/sessions/{r['id']}",
                categories=(r["category"],),
            )
            for r in rows
            if r["starts_at"] is not None
        ]
        return ical.feed(name, events)
