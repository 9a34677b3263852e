"""The rules of a live session's chat and Q&A (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from server.domain.chat import (
    QuestionRank,
    Restrictions,
    SessionRoles,
    clean_text,
    may_moderate,
    question_order,
)
from server.domain.principal import Grant, Principal, Role, ScopeType

NOW = datetime(2020, 7, 8, 2, tzinfo=UTC)
FAIR, VENUE, OTHER_VENUE = UUID(int=1), UUID(int=2), UUID(int=3)
HOST, ADMIN, VIEWER = UUID(int=10), UUID(int=11), UUID(int=12)
SESSION = SessionRoles(FAIR, VENUE, frozenset({HOST}))


def person(account: UUID, *grants: Grant) -> Principal:
    return Principal(account, frozenset(grants))


def test_hosts_the_venues_admins_and_organisers_moderate_nobody_else() -> None:
    assert may_moderate(person(HOST), SESSION)
    assert may_moderate(person(ADMIN, Grant(Role.VENUE_ADMIN, ScopeType.VENUE, VENUE)), SESSION)
    assert may_moderate(person(ADMIN, Grant(Role.ORGANISER, ScopeType.FAIR, FAIR)), SESSION)
    other = Grant(Role.VENUE_ADMIN, ScopeType.VENUE, OTHER_VENUE)
    assert not may_moderate(person(ADMIN, other), SESSION)
    assert not may_moderate(person(VIEWER), SESSION)
    assert not may_moderate(Principal(None), SESSION)


def test_a_timed_mute_lifts_by_itself_and_a_ban_does_not() -> None:
    later = NOW + timedelta(minutes=5)
    assert Restrictions.from_rows([("mute", later)], NOW).muted
    assert not Restrictions.from_rows([("mute", later)], later).muted
    assert Restrictions.from_rows([("mute", None)], later + timedelta(days=1)).muted
    assert Restrictions.from_rows([("ban", None)], later).banned


def test_questions_go_by_votes_then_by_who_asked_first() -> None:
    a = QuestionRank(UUID(int=1), 0, NOW)
    b = QuestionRank(UUID(int=2), 2, NOW + timedelta(minutes=2))
    c = QuestionRank(UUID(int=3), 2, NOW + timedelta(minutes=1))
    assert question_order([a, b, c]) == [c.id, b.id, a.id]


def test_text_is_trimmed() -> None:
    assert clean_text("  你好 \n") == "你好"
    assert clean_text(" \t ") == ""
