"""Who is asking: an anonymous visitor, or an account with role grants (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID


class Role(StrEnum):
    CANDIDATE = "candidate"
    RECRUITER = "recruiter"
    EMPLOYER_ADMIN = "employer_admin"
    COUNSELLOR = "counsellor"
    HOST = "host"
    VENUE_ADMIN = "venue_admin"
    ORGANISER = "organiser"


class ScopeType(StrEnum):
    PLATFORM = "platform"  # candidate: profiles are global, not per fair
    FAIR = "fair"
    VENUE = "venue"
    EMPLOYER = "employer"
    SESSION = "session"


# Which scope each role is granted on.
ROLE_SCOPE: dict[Role, ScopeType] = {
    Role.CANDIDATE: ScopeType.PLATFORM,
    Role.RECRUITER: ScopeType.EMPLOYER,
    Role.EMPLOYER_ADMIN: ScopeType.EMPLOYER,
    Role.COUNSELLOR: ScopeType.VENUE,
    Role.HOST: ScopeType.SESSION,
    Role.VENUE_ADMIN: ScopeType.VENUE,
    Role.ORGANISER: ScopeType.FAIR,
}


@dataclass(frozen=True, slots=True)
class Grant:
    """A role on a scope. Venue and session grants also carry their fair (and a venue
    grant its region), filled in when the grant is loaded, so that checks stay pure."""

    role: Role
    scope_type: ScopeType
    scope_id: UUID | None
    fair_id: UUID | None = None
    region_code: str | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    account_id: UUID | None
    grants: frozenset[Grant] = field(default_factory=frozenset)
    session_id: UUID | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.account_id is None

    def has(self, role: Role, scope_id: UUID | None = None) -> bool:
        return any(
            g.role is role and (scope_id is None or g.scope_id == scope_id) for g in self.grants
        )

    def scopes(self, role: Role) -> frozenset[UUID]:
        return frozenset(g.scope_id for g in self.grants if g.role is role and g.scope_id)

    def organises(self, fair_id: UUID | None) -> bool:
        return fair_id is not None and self.has(Role.ORGANISER, fair_id)

    def administers_region(self, region_code: str | None, fair_id: UUID | None = None) -> bool:
        """True for a venue admin of a venue in ``region_code`` (of ``fair_id`` if given)."""
        return region_code is not None and any(
            g.role is Role.VENUE_ADMIN
            and g.region_code == region_code
            and (fair_id is None or g.fair_id == fair_id)
            for g in self.grants
        )


ANONYMOUS = Principal(account_id=None)
