"""Featured sessions (特色专场招聘): their states, categories and field rules (pure).

States (DESIGN.md, "Scheduling")::

    draft ──submit──▶ submitted ──approve──▶ approved ──place──▶ scheduled ──lobby timer──▶ lobby
      ▲                  │ ▲                   │                    │                      │ host
      └──── returned ◀───┘ └──── (resubmit) ───┘ return              │                      ▼
                                                                    └──── end timer ◀───── live
    any state before live ──cancel──▶ cancelled              lobby/live ──end timer──▶ ended

The host sets ``live`` (the broadcast part); everything else is the programme's.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from server.domain.jobs import KeyGroup as KeyGroup  # the notice's key groups, one list

HUBEI = "420000"  # 就业援鄂: every cooperation session has Hubei on one side
DURATION_MIN_MINUTES = 15  # how long a featured session may run
DURATION_MAX_MINUTES = 480


class SessionState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    LOBBY = "lobby"
    LIVE = "live"
    ENDED = "ended"
    CANCELLED = "cancelled"


class Category(StrEnum):
    ENTERPRISE_STAFFING = "enterprise_staffing"  # 助企用工: industry, trade, shortage fairs
    KEY_GROUPS = "key_groups"  # 暖心送岗: fairs for key groups
    HUBEI_COOPERATION = "hubei_cooperation"  # 就业援鄂: cross-province cooperation
    OTHER = "other"


class StaffingFocus(StrEnum):
    INDUSTRY = "industry"  # 行业性
    TRADE = "trade"  # 专业性
    SHORTAGE = "shortage"  # 急需紧缺工种


EDITABLE = frozenset({SessionState.DRAFT, SessionState.RETURNED})
SUBMITTABLE = EDITABLE
PLACED = frozenset(
    {SessionState.SCHEDULED, SessionState.LOBBY, SessionState.LIVE, SessionState.ENDED}
)
CANCELLABLE = frozenset(
    {
        SessionState.DRAFT,
        SessionState.SUBMITTED,
        SessionState.RETURNED,
        SessionState.APPROVED,
        SessionState.SCHEDULED,
        SessionState.LOBBY,
    }
)
ENDABLE = frozenset({SessionState.SCHEDULED, SessionState.LOBBY, SessionState.LIVE})
MOVABLE = frozenset({SessionState.APPROVED, SessionState.SCHEDULED})
RETURNABLE = frozenset({SessionState.SUBMITTED, SessionState.APPROVED})
# A host's own list (getMySessions): those open now come first, those over last.
OPEN = frozenset({SessionState.LOBBY, SessionState.LIVE})
OVER = frozenset({SessionState.ENDED, SessionState.CANCELLED})


class BoardStatus(StrEnum):
    """A province's standing for one week on the overdue board."""

    MISSING = "missing"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    PLACED = "placed"


def board_status(state: SessionState | None) -> BoardStatus:
    if state is None or state is SessionState.CANCELLED:
        return BoardStatus.MISSING
    if state in PLACED:
        return BoardStatus.PLACED
    return BoardStatus(state.value)


# Which session of a venue's week the board shows when there are several (a cancelled
# one and its replacement): the furthest along.
STATE_RANK = {
    SessionState.CANCELLED: 0,
    SessionState.DRAFT: 1,
    SessionState.RETURNED: 2,
    SessionState.SUBMITTED: 3,
    SessionState.APPROVED: 4,
    SessionState.SCHEDULED: 5,
    SessionState.LOBBY: 5,
    SessionState.LIVE: 5,
    SessionState.ENDED: 5,
}


def category_errors(
    *,
    category: Category,
    staffing_focus: StaffingFocus | None,
    target_groups: Sequence[KeyGroup],
    partner_region: str | None,
    own_region: str | None,
    known_regions: frozenset[str],
) -> list[tuple[str, str]]:
    """(JSON pointer, code) for each rule the category's fields break."""
    errors: list[tuple[str, str]] = []
    if category is Category.ENTERPRISE_STAFFING:
        if staffing_focus is None:
            errors.append(("/staffing_focus", "required"))
    elif staffing_focus is not None:
        errors.append(("/staffing_focus", "not_allowed"))
    if category is Category.KEY_GROUPS and not target_groups:
        errors.append(("/target_groups", "required"))
    if category is Category.HUBEI_COOPERATION:
        if partner_region is None:
            errors.append(("/partner_region", "required"))
        elif (
            partner_region not in known_regions
            or partner_region == own_region
            or HUBEI not in (partner_region, own_region)
        ):
            errors.append(("/partner_region", "featured_session.partner_region"))
    elif partner_region is not None:
        errors.append(("/partner_region", "not_allowed"))
    return errors
