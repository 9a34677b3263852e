"""Chat, questions and moderation of a live featured session: the rules (pure).

Who moderates: the session's hosts, the admins of its venue and the fair's organisers.
A mute stops an account's chat messages and questions (for a while, or the whole
session); a ban also stops its votes. Moderators are never restricted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from server.domain.principal import Principal, Role

CHAT_MAX = 500
QUESTION_MAX = 300
# Default rate limits: (messages, per seconds) per account and session.
CHAT_RATE = (1, 2)
QUESTION_RATE = (1, 10)
SNAPSHOT_CHAT = 50
# A heartbeat adds the time since the viewer's previous one, up to this much: a tab
# that closed without a word stops adding after one interval (applied atomically in
# SQL, server/store/sessions_live.py record_viewing).
HEARTBEAT_CAP = timedelta(seconds=60)
# Session states in which people talk: the lobby (before) and live.
TALKING_STATES = frozenset({"lobby", "live"})


class RestrictionKind(StrEnum):
    MUTE = "mute"
    BAN = "ban"

    @property
    def past(self) -> str:
        """As in the event types: ``chat.muted``, ``chat.unbanned``."""
        return "muted" if self is RestrictionKind.MUTE else "banned"


@dataclass(frozen=True, slots=True)
class SessionRoles:
    """What the rules need of a session: its fair, venue and hosts."""

    fair_id: UUID
    venue_id: UUID
    hosts: frozenset[UUID]


def is_host(principal: Principal, session: SessionRoles) -> bool:
    return principal.account_id is not None and principal.account_id in session.hosts


def may_moderate(principal: Principal, session: SessionRoles) -> bool:
    return (
        is_host(principal, session)
        or principal.organises(session.fair_id)
        or principal.has(Role.VENUE_ADMIN, session.venue_id)
    )


def clean_text(text: str) -> str:
    """What is stored: the text without surrounding whitespace (empty means refused)."""
    return text.strip()


@dataclass(frozen=True, slots=True)
class Restrictions:
    """An account's mute and ban in one session, as stored."""

    muted: bool = False
    muted_until: datetime | None = None
    banned: bool = False

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, datetime | None]], now: datetime) -> Restrictions:
        muted, until, banned = False, None, False
        for kind, ends in rows:
            if kind == RestrictionKind.BAN:
                banned = True
            elif kind == RestrictionKind.MUTE and (ends is None or ends > now):
                muted, until = True, ends
        return cls(muted, until, banned)


def mute_until(now: datetime, minutes: int | None) -> datetime | None:
    return None if minutes is None else now + timedelta(minutes=minutes)


@dataclass(frozen=True, slots=True)
class QuestionRank:
    id: UUID
    votes: int
    asked_at: datetime


def question_order(questions: Sequence[QuestionRank]) -> list[UUID]:
    """Most votes first; ties by who asked first (then id, so the order is total)."""
    ranked = sorted(questions, key=lambda q: (-q.votes, q.asked_at, str(q.id)))
    return [q.id for q in ranked]
