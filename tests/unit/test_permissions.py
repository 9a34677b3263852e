"""The authorisation matrix: every role × every action × own or other resource."""

from __future__ import annotations

from uuid import uuid4

import pytest

from server.domain.permissions import Action, Resource, allowed
from server.domain.principal import ANONYMOUS, ROLE_SCOPE, Grant, Principal, Role

FAIR, OTHER_FAIR = uuid4(), uuid4()
VENUE, OTHER_VENUE = uuid4(), uuid4()  # VENUE is Beijing's sub-venue of FAIR
EMPLOYER, OTHER_EMPLOYER = uuid4(), uuid4()
ME = uuid4()


def principal(role: Role) -> Principal:
    scope = {
        Role.CANDIDATE: None,
        Role.RECRUITER: EMPLOYER,
        Role.EMPLOYER_ADMIN: EMPLOYER,
        Role.COUNSELLOR: VENUE,
        Role.HOST: uuid4(),
        Role.VENUE_ADMIN: VENUE,
        Role.ORGANISER: FAIR,
    }[role]
    in_venue = role in (Role.VENUE_ADMIN, Role.COUNSELLOR)
    grant = Grant(
        role,
        ROLE_SCOPE[role],
        scope,
        fair_id=FAIR if in_venue or role is Role.ORGANISER else None,
        region_code="110000" if in_venue else None,
    )
    return Principal(account_id=ME, grants=frozenset({grant}))


def resource(action: Action, own: bool) -> Resource:
    """The resource an action touches: 'own' is inside the principal's scope."""
    venue = VENUE if own else OTHER_VENUE
    employer = EMPLOYER if own else OTHER_EMPLOYER
    region = "110000" if own else "420000"
    if action in (Action.UPDATE_BOOTH, Action.SET_BOOTH_STAFF, Action.WORK_BOOTH):
        return Resource(
            fair_id=FAIR if own else OTHER_FAIR,
            booth_employer_id=employer,
            booth_venue_id=venue,
            booth_staff=frozenset({ME} if own else set()),
        )
    return Resource(
        fair_id=FAIR if own else OTHER_FAIR,
        venue_id=venue,
        venue_region=region,
        employer_id=employer,
        employer_region=region,
    )


# Expected: the set of (role, own) pairs allowed per action. Anything not listed is refused.
ALLOWED: dict[Action, set[tuple[Role, bool]]] = {
    Action.UPDATE_VENUE: {(Role.VENUE_ADMIN, True), (Role.ORGANISER, True)},
    Action.APPOINT_VENUE_ADMIN: {(Role.ORGANISER, True)},
    Action.APPOINT_COUNSELLOR: {(Role.VENUE_ADMIN, True), (Role.ORGANISER, True)},
    Action.CREATE_EMPLOYER: {(r, own) for r in Role for own in (True, False)},
    Action.UPDATE_EMPLOYER: {(Role.EMPLOYER_ADMIN, True)},
    Action.VIEW_UNVERIFIED_EMPLOYER: {
        (Role.EMPLOYER_ADMIN, True),
        (Role.RECRUITER, True),
        (Role.VENUE_ADMIN, True),
        (Role.ORGANISER, True),
        (Role.ORGANISER, False),
    },
    Action.VERIFY_EMPLOYER: {(Role.VENUE_ADMIN, True), (Role.ORGANISER, True)},
    Action.INVITE_RECRUITER: {(Role.EMPLOYER_ADMIN, True)},
    Action.REQUEST_BOOTH: {(Role.EMPLOYER_ADMIN, True)},
    Action.CREATE_BOOTH: {(Role.VENUE_ADMIN, True), (Role.ORGANISER, True)},
    Action.UPDATE_BOOTH: {
        (Role.EMPLOYER_ADMIN, True),
        (Role.VENUE_ADMIN, True),
        (Role.ORGANISER, True),
    },
    Action.SET_BOOTH_STAFF: {(Role.EMPLOYER_ADMIN, True)},
    Action.WORK_BOOTH: {(r, True) for r in Role},  # assigned staff, whatever their role
    Action.DISABLE_ACCOUNT: {(Role.ORGANISER, True)},
    Action.EDIT_JOB: {(Role.RECRUITER, True), (Role.EMPLOYER_ADMIN, True)},
    Action.EDIT_POLICY: {(Role.VENUE_ADMIN, True), (Role.ORGANISER, True)},
    Action.VIEW_QUEUE_STATS: {(Role.VENUE_ADMIN, True), (Role.ORGANISER, True)},
}


def test_every_action_has_an_expectation() -> None:
    assert set(ALLOWED) == set(Action)


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
def test_matrix(action: Action, role: Role, own: bool) -> None:
    expected = (role, own) in ALLOWED[action]
    assert allowed(principal(role), action, resource(action, own)) is expected


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_anonymous_visitors_may_change_nothing(action: Action) -> None:
    assert allowed(ANONYMOUS, action, resource(action, True)) is False


def test_guidance_desk_staff_are_set_by_the_venue_not_an_employer() -> None:
    desk = Resource(fair_id=FAIR, booth_employer_id=None, booth_venue_id=VENUE)
    assert allowed(principal(Role.VENUE_ADMIN), Action.SET_BOOTH_STAFF, desk)
    assert allowed(principal(Role.ORGANISER), Action.SET_BOOTH_STAFF, desk)
    assert not allowed(principal(Role.EMPLOYER_ADMIN), Action.SET_BOOTH_STAFF, desk)
    assert not allowed(principal(Role.COUNSELLOR), Action.SET_BOOTH_STAFF, desk)


def test_a_venue_admin_verifies_only_employers_of_their_region_in_their_fair() -> None:
    admin = principal(Role.VENUE_ADMIN)
    same_region_other_fair = Resource(fair_id=OTHER_FAIR, employer_region="110000")
    assert not allowed(admin, Action.VERIFY_EMPLOYER, same_region_other_fair)
    assert allowed(admin, Action.VERIFY_EMPLOYER, Resource(fair_id=FAIR, employer_region="110000"))


def test_only_organisers_edit_a_national_policy() -> None:
    national = Resource(fair_id=FAIR, venue_region=None)
    assert allowed(principal(Role.ORGANISER), Action.EDIT_POLICY, national)
    assert not allowed(principal(Role.VENUE_ADMIN), Action.EDIT_POLICY, national)


def test_booth_staff_read_their_booths_queue_statistics_and_only_organisers_the_fairs() -> None:
    booth = Resource(fair_id=FAIR, venue_id=OTHER_VENUE, booth_staff=frozenset({ME}))
    assert allowed(principal(Role.RECRUITER), Action.VIEW_QUEUE_STATS, booth)
    assert allowed(principal(Role.COUNSELLOR), Action.VIEW_QUEUE_STATS, booth)
    others = Resource(fair_id=FAIR, venue_id=OTHER_VENUE, booth_staff=frozenset({uuid4()}))
    assert not allowed(principal(Role.RECRUITER), Action.VIEW_QUEUE_STATS, others)
    fair = Resource(fair_id=FAIR)
    assert allowed(principal(Role.ORGANISER), Action.VIEW_QUEUE_STATS, fair)
    assert not allowed(principal(Role.VENUE_ADMIN), Action.VIEW_QUEUE_STATS, fair)
