"""Interview rules without I/O: outcomes, who plays which role, what state a record is in."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from signaling.negotiation import MemberRole

CHAT_LIMIT = 200  # messages inlined in getInterview; the chat route gives them all
MAX_EXTENSION_MINUTES = 30
# How long after recording an outcome the interviewers may still correct it: long enough
# to notice a mis-click once the candidate has gone, short enough that the statistics and
# whatever the booth does next (the next candidate, a follow-up) rest on a settled record.
OUTCOME_CORRECTION = timedelta(minutes=15)


class OutcomeKind(StrEnum):
    NEXT_ROUND = "next_round"
    OFFER_INTENT = "offer_intent"  # 达成意向: counted in the statistics table
    NOT_SUITABLE = "not_suitable"
    NO_SHOW = "no_show"
    INTERRUPTED = "interrupted"


class InterviewState(StrEnum):
    LIVE = "live"
    ENDED = "ended"
    RECORDED = "recorded"


STAFF_ROLES = frozenset({MemberRole.RECRUITER, MemberRole.CO_INTERVIEWER})


def roster(record: dict[str, Any]) -> dict[UUID, MemberRole]:
    """Everyone who may be in the room: candidate, recruiter, co-interviewer (if any)."""
    members = {record["candidate_id"]: MemberRole.CANDIDATE}
    if record["recruiter_id"] is not None:
        members[record["recruiter_id"]] = MemberRole.RECRUITER
    if record["co_interviewer_id"] is not None:
        members[record["co_interviewer_id"]] = MemberRole.CO_INTERVIEWER
    return members


def state(record: dict[str, Any]) -> InterviewState:
    if record["outcome"] is not None:
        return InterviewState.RECORDED
    if record["ended_at"] is not None:
        return InterviewState.ENDED
    return InterviewState.LIVE


def duration_s(started_at: datetime, ended_at: datetime | None) -> int | None:
    if ended_at is None:
        return None
    return int((ended_at - started_at).total_seconds())


def correctable_until(record: dict[str, Any]) -> datetime | None:
    """Until when the recorded outcome may be corrected; None if there is none to correct."""
    if record["outcome"] is None or record["outcome_at"] is None:
        return None
    until: datetime = record["outcome_at"] + OUTCOME_CORRECTION
    return until


def may_correct(record: dict[str, Any], now: datetime) -> bool:
    until = correctable_until(record)
    return until is not None and now < until
