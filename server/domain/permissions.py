"""Who may do what: one pure function, :func:`allowed`, over a principal, an action and
the resource it touches. The HTTP layer (``server.api.auth.authorize``) turns a refusal
into 401 ``auth.required`` or 403 ``auth.forbidden`` (or 404 where existence itself is
private).

The rules, in words:

* an **organiser** runs their fair: venues, venue admins, every venue's structure;
* a **venue admin** runs one venue: its profile, its counsellors, its booths and
  guidance desks, and verifies employers of the venue's region;
* a **counsellor** staffs guidance desks of their venue (assigned per desk);
* an **employer admin** runs one employer: its profile, its recruiters (by invitation),
  its booths' staff, and may request a booth;
* a **recruiter** works for one employer and staffs that employer's booths when assigned;
* any signed-in account may create an employer (and becomes its admin);
* **booth staff** are assigned per booth; only they work its queue;
* an employer's **recruiters and admins** edit its jobs;
* **queue statistics**: a booth's staff read their booth's, a venue admin their venue's
  (and its booths'), an organiser the whole fair's;
* **policies** are edited and published by the fair's organisers and by venue admins of
  the policy's region (national policies: organisers only).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from server.domain.principal import Principal, Role


class Action(StrEnum):
    UPDATE_VENUE = "venue.update"
    APPOINT_VENUE_ADMIN = "venue.appoint_admin"
    APPOINT_COUNSELLOR = "venue.appoint_counsellor"
    CREATE_EMPLOYER = "employer.create"
    UPDATE_EMPLOYER = "employer.update"
    VIEW_UNVERIFIED_EMPLOYER = "employer.view_unverified"
    VERIFY_EMPLOYER = "employer.verify"
    INVITE_RECRUITER = "employer.invite_recruiter"
    REQUEST_BOOTH = "booth.request"
    CREATE_BOOTH = "booth.create"
    UPDATE_BOOTH = "booth.update"
    SET_BOOTH_STAFF = "booth.set_staff"
    WORK_BOOTH = "booth.work"
    DISABLE_ACCOUNT = "account.disable"
    EDIT_JOB = "job.edit"
    EDIT_POLICY = "policy.edit"
    VIEW_QUEUE_STATS = "queue.view_stats"


@dataclass(frozen=True, slots=True)
class Resource:
    """What an action touches, as far as the rules need to know.

    ``venue_*`` describe the venue involved (its id, fair and region); ``employer_*``
    the employer involved; ``booth_*`` the booth; ``staff`` the booth's staff.
    """

    fair_id: UUID | None = None
    venue_id: UUID | None = None
    venue_region: str | None = None
    employer_id: UUID | None = None
    employer_region: str | None = None
    booth_employer_id: UUID | None = None
    booth_venue_id: UUID | None = None
    booth_staff: frozenset[UUID] = frozenset()


def allowed(principal: Principal, action: Action, resource: Resource) -> bool:
    if principal.is_anonymous:
        return False
    organiser = principal.organises(resource.fair_id)
    if action is Action.CREATE_EMPLOYER:
        return True
    if action is Action.APPOINT_VENUE_ADMIN or action is Action.DISABLE_ACCOUNT:
        return organiser
    if action in (Action.UPDATE_VENUE, Action.APPOINT_COUNSELLOR, Action.CREATE_BOOTH):
        return organiser or principal.has(Role.VENUE_ADMIN, resource.venue_id)
    if action in (Action.UPDATE_EMPLOYER, Action.INVITE_RECRUITER, Action.REQUEST_BOOTH):
        return resource.employer_id is not None and principal.has(
            Role.EMPLOYER_ADMIN, resource.employer_id
        )
    if action is Action.VERIFY_EMPLOYER:
        return principal.administers_region(resource.employer_region, resource.fair_id) or (
            resource.fair_id is not None and organiser
        )
    if action is Action.VIEW_UNVERIFIED_EMPLOYER:
        return (
            (
                resource.employer_id is not None
                and principal.has(Role.EMPLOYER_ADMIN, resource.employer_id)
            )
            or (
                resource.employer_id is not None
                and principal.has(Role.RECRUITER, resource.employer_id)
            )
            or principal.administers_region(resource.employer_region)
            or any(g.role is Role.ORGANISER for g in principal.grants)
        )
    if action in (Action.UPDATE_BOOTH, Action.SET_BOOTH_STAFF):
        if resource.booth_employer_id is not None:
            if action is Action.SET_BOOTH_STAFF:
                return principal.has(Role.EMPLOYER_ADMIN, resource.booth_employer_id)
            return (
                principal.has(Role.EMPLOYER_ADMIN, resource.booth_employer_id)
                or organiser
                or (principal.has(Role.VENUE_ADMIN, resource.booth_venue_id))
            )
        return organiser or principal.has(Role.VENUE_ADMIN, resource.booth_venue_id)
    if action is Action.WORK_BOOTH:
        return principal.account_id in resource.booth_staff
    if action is Action.EDIT_JOB:
        return resource.employer_id is not None and (
            principal.has(Role.RECRUITER, resource.employer_id)
            or principal.has(Role.EMPLOYER_ADMIN, resource.employer_id)
        )
    if action is Action.VIEW_QUEUE_STATS:
        # venue_id None is the whole fair: organisers only.
        return (
            organiser
            or (
                resource.venue_id is not None and principal.has(Role.VENUE_ADMIN, resource.venue_id)
            )
            or principal.account_id in resource.booth_staff
        )
    if action is Action.EDIT_POLICY:
        # venue_region None is a national policy: the main venue's, so organisers only.
        return organiser or principal.administers_region(resource.venue_region, resource.fair_id)
    raise ValueError(f"no rule for {action}")  # pragma: no cover - every Action has one
