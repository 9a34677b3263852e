"""livefair's errors.

::

    LivefairError
     ├── ConfigError          a setting is missing or malformed (start-up only)
     ├── MigrationError       a migration file is missing, duplicated or was edited
     └── Problem              something a client can act on: a stable dotted code,
                              a human message and an HTTP status, from STATUS below

Every code a client can see is in :data:`STATUS`; the HTTP layer renders a
:class:`Problem` as ``application/problem+json`` (RFC 9457) and the WebSocket gateway as
an ``error`` frame. Anything else reaching a client is ``server.error``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# One table: code -> HTTP status. Features add their codes here, so that the set of
# codes a client must understand is visible in one place.
STATUS: Mapping[str, int] = {
    "request.malformed": 400,
    "request.invalid": 422,
    "auth.required": 401,
    "auth.forbidden": 403,
    "route.not_found": 404,
    "route.method_not_allowed": 405,
    "request.too_large": 413,
    "request.unsupported_media_type": 415,
    "rate.limited": 429,
    "server.error": 500,
    "server.unavailable": 503,
    # identity
    "auth.invalid_credentials": 401,
    "auth.account_disabled": 403,
    "auth.bad_origin": 403,
    "auth.csrf": 403,
    "auth.account_exists": 409,
    "account.not_found": 404,
    "session.not_found": 404,
    # booth queues
    "queue.closed": 409,
    "queue.full": 409,
    "queue.already_joined": 409,
    "queue.limit": 409,
    "queue.empty": 409,
    "queue.staff_busy": 409,
    "queue.not_present": 409,
    "queue.not_available": 409,
    "queue.wrong_state": 409,
    "ticket.not_found": 404,
    # handoffs between booths
    "handoff.not_after_interview": 409,
    "handoff.too_late": 409,
    "handoff.other_fair": 422,
    "handoff.colleague_required": 422,
    "handoff.to_self": 422,
    "handoff.not_staff": 422,
    "handoff.already": 409,
    "handoff.already_in_line": 409,
    "handoff.not_found": 404,
    "handoff.answered": 409,
    "handoff.expired": 409,
    # notifications
    "notification.not_found": 404,
    # fairs and venues
    "fair.not_found": 404,
    "venue.not_found": 404,
    # broadcasts (WHIP/WHEP)
    "broadcast.not_found": 404,
    "broadcast.not_live": 409,
    "broadcast.bad_sdp": 400,
    "broadcast.codec_mismatch": 400,
    "broadcast.full": 503,
    # employers and booths (the fair's structure)
    "employer.not_found": 404,
    "employer.exists": 409,
    "employer.not_verified": 409,
    "employer.logo_invalid": 422,
    "employer.logo_not_found": 404,
    "booth.not_found": 404,
    "booth.exists": 409,
    "booth.closed": 409,
    # the weekly programme (scheduler/, server/api/programme.py, docs/programme.md)
    "featured_session.not_found": 404,
    "featured_session.main_venue": 422,
    "featured_session.not_editable": 409,
    "featured_session.wrong_state": 409,
    "featured_session.week_taken": 409,
    "featured_session.not_published": 409,
    "week.not_found": 404,
    "calendar.not_found": 404,
    "schedule.deadline_passed": 409,
    "schedule.outside_fair": 409,
    "schedule.outside_hours": 409,
    "schedule.province_week": 409,
    "schedule.host_busy": 409,
    "schedule.booth_busy": 409,
    "schedule.stages_full": 409,
    "schedule.stage_taken": 409,
    "schedule.no_such_stage": 422,
    "schedule.no_free_slot": 409,
    "schedule.in_past": 409,
    # featured sessions live (docs/sessions-live.md)
    "session.no_ingest": 409,
    "session.banned": 403,
    "chat.muted": 403,
    "chat.message_not_found": 404,
    "question.not_found": 404,
    # candidates: profiles, resumes, applications, assessment (docs/people.md)
    "profile.key_group_consent": 422,
    "resume.not_found": 404,
    "resume.type_refused": 415,
    "resume.too_large": 413,
    "resume.zip_bomb": 422,
    "resume.limit": 409,
    "resume.duplicate": 409,
    "application.not_found": 404,
    "application.exists": 409,
    "application.transition": 409,
    "job.not_found": 404,  # shared with jobs: applying to a job that is not there
    "job.not_open": 409,
    "assessment.not_taken": 404,
    "account.wrong_password": 403,
    "account.in_queue": 409,
    # jobs, policies, search (docs/jobs.md; job.not_found is in the block above)
    "policy.not_found": 404,
    # interviews (server/services/interviews.py, signaling/negotiation.py, docs/interviews.md)
    "interview.not_found": 404,
    "interview.ended": 409,
    "interview.closed": 409,
    "interview.already_recorded": 409,
    "interview.not_recorded": 409,
    "interview.correction_closed": 409,
    "interview.full": 409,
    "interview.already_member": 409,
    "interview.not_staff": 422,
    # reservations (server/services/reservations.py, docs/reservations.md)
    "slot.not_found": 404,
    "slot.reservations_off": 409,
    "slot.window_not_open": 409,
    "slot.window_closed": 409,
    "slot.full": 409,
    "booking.exists": 409,
    "booking.overlap": 409,
    "booking.quota_booth": 409,
    "booking.quota_day": 409,
    "booking.not_found": 404,
    "booking.not_cancellable": 409,
}


class LivefairError(Exception):
    """Root of every error livefair raises on purpose."""


class ConfigError(LivefairError):
    """A setting is invalid. The message names the variable and what was expected.

    ``got`` is echoed only for non-secret settings; callers pass it only then.
    """

    def __init__(self, variable: str, expected: str, got: str | None = None) -> None:
        self.variable = variable
        self.expected = expected
        message = f"{variable}: expected {expected}"
        if got is not None:
            message += f", got {got!r}"
        super().__init__(message)


class MigrationError(LivefairError):
    """The migrations on disk and those recorded in the database disagree."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid field: a JSON pointer into the request and a stable code."""

    pointer: str
    code: str
    message: str = ""


# What every problem body carries itself (RFC 9457 and livefair's code and field errors):
# a problem's own figures (``extra``) take other names.
RESERVED_MEMBERS = frozenset({"type", "title", "status", "code", "detail", "errors"})


class Problem(LivefairError):
    """An error a client can act on."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        errors: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        if code not in STATUS:
            raise KeyError(f"error code {code!r} is not in server.errors.STATUS")
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = STATUS[code]
        self.errors = tuple(errors)
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})
        clash = RESERVED_MEMBERS.intersection(self.extra)
        if clash:  # a figure named "status" would replace the HTTP status in the body
            raise ValueError(f"problem members {sorted(clash)} are the body's own")

    def body(self) -> dict[str, Any]:
        """The RFC 9457 body; ``code`` is the stable identifier clients switch on."""
        body: dict[str, Any] = {
            "type": f"urn:livefair:problem:{self.code}",
            "title": self.code,
            "status": self.status,
            "code": self.code,
            "detail": self.message,
        }
        if self.errors:
            body["errors"] = [
                {"pointer": e.pointer, "code": e.code, "message": e.message} for e in self.errors
            ]
        body.update(self.extra)
        return body
