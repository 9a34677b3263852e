"""The candidate's profile, and deleting one's account (docs/people.md).

A profile is never public. Key groups are sensitive (PIPL): ``key_groups`` needs
``key_groups_consent: true`` in the same request, and ``false`` withdraws the consent
and clears them. Recruiters see a profile only through an application or a ticket
(server/domain/profiles.py ``recruiter_card``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from aiohttp import web
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from server.api.auth import account_id, signed_in
from server.api.employers import RegionCode, Stripped
from server.api.resumes import ResumeOut
from server.api.resumes import render as render_resume
from server.api.routing import Api, Call, Model
from server.api.sessions_live import SESSIONS_LIVE
from server.appkeys import BUS, CLOCK, OUTBOX, PASSWORDS, POOL, SETTINGS
from server.domain.profiles import (
    EDUCATION,
    KEY_GROUPS,
    ConsentMissing,
    key_groups_to_store,
    recruiter_card,
)
from server.domain.resumes import open_grounds, readable_resumes
from server.errors import FieldError, Problem
from server.origins import CSRF_COOKIE, SESSION_COOKIE
from server.realtime.gateway import SESSION_ENDED_CHANNEL, ended_account
from server.store import assessments as assessments_store
from server.store import audit
from server.store import profiles as store
from server.store import resumes as resumes_store
from server.store.resumes import OPEN_TICKET_STATES


def one_of(values: tuple[str, ...]) -> Any:
    def check(value: str) -> str:
        if value not in values:
            raise PydanticCustomError("enum", "not one of the allowed values")
        return value

    return AfterValidator(check)


EducationLevel = Annotated[
    str, Field(json_schema_extra={"enum": list(EDUCATION)}), one_of(EDUCATION)
]
KeyGroupValue = Annotated[
    str, Field(json_schema_extra={"enum": list(KEY_GROUPS)}), one_of(KEY_GROUPS)
]
DesiredJob = Annotated[str, Field(min_length=1, max_length=40)]


class Visibility(Model):
    show_contact: bool = Field(
        default=False, description="Recruiters with a reason to look see phone and e-mail."
    )
    share_key_groups: bool = Field(
        default=False, description="Recruiters with a reason to look see your key groups."
    )


class ProfileIn(Stripped):
    name: Annotated[str, Field(min_length=1, max_length=50)]
    phone: Annotated[str, Field(max_length=20, pattern=r"^(\+?[0-9][0-9 -]{4,18})?$")] = ""
    email: Annotated[str, Field(max_length=120, pattern=r"^([^@\s]+@[^@\s]+\.[^@\s]+)?$")] = ""
    region_code: RegionCode | None = None
    education: EducationLevel | None = None
    graduation_year: Annotated[int, Field(ge=1950, le=2035)] | None = None
    desired_jobs: Annotated[list[DesiredJob], Field(max_length=10)] = Field(default_factory=list)
    key_groups: Annotated[list[KeyGroupValue], Field(max_length=len(KEY_GROUPS))] = Field(
        default_factory=list, description="Sensitive: declared only with key_groups_consent."
    )
    key_groups_consent: bool = Field(
        default=False,
        description="The separate consent to process key-group status; false clears it.",
    )
    visibility: Visibility = Visibility()


class ProfileOut(Model):
    account_id: UUID
    name: str
    phone: str
    email: str
    region_code: str | None
    education: str | None
    graduation_year: int | None
    desired_jobs: list[str]
    key_groups: list[str]
    key_groups_consent_at: datetime | None
    visibility: Visibility
    updated_at: datetime | None


class AssessmentCard(Model):
    code: str
    scores: dict[str, int]


class CandidateCard(Model):
    account_id: UUID
    name: str
    region_code: str | None
    education: str | None
    graduation_year: int | None
    desired_jobs: list[str]
    phone: str | None = Field(default=None, description="Only if the candidate shows it.")
    email: str | None = Field(default=None, description="Only if the candidate shows it.")
    key_groups: list[str] | None = Field(default=None, description="Only if shared.")
    assessment: AssessmentCard | None = Field(default=None, description="Only if shared.")


class CandidateView(Model):
    card: CandidateCard
    resumes: list[ResumeOut] = Field(
        description="Through a ticket: all the candidate's resumes; through an application:"
        " the one sent with it."
    )


class DeleteAccountIn(Model):
    password: str = Field(min_length=1, max_length=200, description="Your current password.")


def render(owner: UUID, row: dict[str, Any] | None) -> ProfileOut:
    if row is None:
        return ProfileOut(
            account_id=owner, name="", phone="", email="", region_code=None, education=None,
            graduation_year=None, desired_jobs=[], key_groups=[], key_groups_consent_at=None,
            visibility=Visibility(), updated_at=None,
        )  # fmt: skip
    return ProfileOut(
        account_id=row["account_id"],
        name=row["name"],
        phone=row["phone"],
        email=row["email"],
        region_code=row["region_code"],
        education=row["education"],
        graduation_year=row["graduation_year"],
        desired_jobs=list(row["desired_jobs"]),
        key_groups=list(row["key_groups"]),
        key_groups_consent_at=row["key_groups_consent_at"],
        visibility=Visibility(
            show_contact=row["show_contact"], share_key_groups=row["share_key_groups"]
        ),
        updated_at=row["updated_at"],
    )


def register(api: Api) -> None:
    tags = ("candidates",)

    @api.route(
        "GET",
        "/api/me/profile",
        operation_id="getProfile",
        summary="Your candidate profile (empty until saved)",
        response=ProfileOut,
        tags=tags,
    )
    async def get_profile(call: Call[None, None]) -> ProfileOut:
        me = await account_id(call)
        async with call.app[POOL].acquire() as conn:
            return render(me, await store.get_profile(conn, me))

    @api.route(
        "PUT",
        "/api/me/profile",
        operation_id="updateProfile",
        summary="Save your whole candidate profile; key groups need their separate consent",
        body=ProfileIn,
        response=ProfileOut,
        tags=tags,
    )
    async def update_profile(call: Call[ProfileIn, None]) -> ProfileOut:
        me = await account_id(call)
        body = call.body
        try:
            groups = key_groups_to_store(list(body.key_groups), body.key_groups_consent)
        except ConsentMissing as exc:
            raise Problem(
                ConsentMissing.code,
                str(exc),
                errors=[FieldError("/key_groups_consent", ConsentMissing.code)],
            ) from exc
        fields = {
            "name": body.name,
            "phone": body.phone,
            "email": body.email.lower(),
            "region_code": body.region_code,
            "education": body.education,
            "graduation_year": body.graduation_year,
            "desired_jobs": list(body.desired_jobs),
            "key_groups": groups,
            "show_contact": body.visibility.show_contact,
            "share_key_groups": body.visibility.share_key_groups and bool(groups),
        }
        async with call.app[POOL].acquire() as conn, conn.transaction():
            row = await store.put_profile(
                conn, me, fields, consent=body.key_groups_consent, now=call.app[CLOCK].now()
            )
        return render(me, row)

    @api.route(
        "GET",
        "/api/candidates/{candidate}",
        operation_id="getCandidate",
        summary="A candidate as a recruiter may see them: booth staff while the candidate's"
        " ticket is open (+30 days), the employer's staff while an application is",
        response=CandidateView,
        tags=tags,
    )
    async def get_candidate(call: Call[None, None]) -> CandidateView:
        principal = await signed_in(call)
        assert principal.account_id is not None
        candidate = call.path_id("candidate", "account.not_found")
        async with call.app[POOL].acquire() as conn:
            grounds = open_grounds(
                await resumes_store.grounds(conn, principal.account_id, candidate, None),
                call.app[CLOCK].now(),
            )
            if not grounds and candidate != principal.account_id:
                raise Problem(
                    "auth.forbidden",
                    "only recruiters the candidate queued for or applied to (until 30 days"
                    " after) see a candidate",
                )
            display_name = await conn.fetchval(
                "SELECT display_name FROM accounts WHERE id = $1 AND deleted_at IS NULL",
                candidate,
            )
            if display_name is None:
                raise Problem("account.not_found", f"no candidate {candidate}")
            card = recruiter_card(
                await store.get_profile(conn, candidate),
                await assessments_store.get(conn, candidate),
                account_id=candidate,
                fallback_name=display_name,
            )
            resumes = await resumes_store.list_for(conn, candidate)
            if candidate != principal.account_id:
                async with conn.transaction():
                    await audit.record(
                        conn,
                        audit.VIEWED,
                        candidate_id=candidate,
                        reader_id=principal.account_id,
                        ground=grounds[0],
                        now=call.app[CLOCK].now(),
                    )
        if candidate == principal.account_id:
            readable = [r["id"] for r in resumes]
        else:
            readable = readable_resumes(grounds, [r["id"] for r in resumes])
        return CandidateView(
            card=CandidateCard.model_validate(card),
            resumes=[render_resume(r) for r in resumes if r["id"] in readable],
        )

    @api.route(
        "DELETE",
        "/api/me",
        operation_id="deleteAccount",
        summary="Delete your account: profile, resumes and assessment go, applications are"
        " anonymised, every session ends",
        body=DeleteAccountIn,
        response=None,
        status=204,
        tags=tags,
    )
    async def delete_account(call: Call[DeleteAccountIn, None]) -> web.StreamResponse:
        me = await account_id(call)
        async with call.app[POOL].acquire() as conn:
            password_hash = await conn.fetchval(
                "SELECT password_hash FROM accounts WHERE id = $1", me
            )
            if not await call.app[PASSWORDS].verify(password_hash, call.body.password):
                raise Problem(
                    "account.wrong_password",
                    "the password is wrong",
                    errors=[FieldError("/password", "account.wrong_password")],
                )
            async with conn.transaction():
                in_line = await conn.fetchval(
                    "SELECT count(*) FROM tickets WHERE candidate_id = $1"
                    " AND state = ANY($2::text[])",
                    me,
                    list(OPEN_TICKET_STATES),
                )
                if in_line:
                    raise Problem("account.in_queue", "leave your booth queues first")
                await store.erase_candidate(conn, me, call.app[CLOCK].now())
                said = await call.app[SESSIONS_LIVE].erase_author(conn, me)
        await call.app[OUTBOX].publish(said)
        await call.app[BUS].publish(SESSION_ENDED_CHANNEL, ended_account(me))
        response = web.Response(status=204)
        secure = call.app[SETTINGS].public_url.startswith("https://")
        response.del_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Lax", secure=secure)
        response.del_cookie(CSRF_COOKIE, path="/", samesite="Lax", secure=secure)
        return response
