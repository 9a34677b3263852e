"""The policy catalogue (政策清单): 惠企 and 惠民 policies with the notice's six fields.

Venue admins write their region's policies, organisers any (and the national ones, with
no region). A policy starts as a draft, seen only by those who may edit it; once
published anyone reads it without signing in. Withdrawing publication makes it a draft
again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from server.api.auth import authorize, principal_of, signed_in
from server.api.employers import RegionCode, Stripped, no_nulls
from server.api.jobs import (
    Highlight,
    Keyword,
    Page,
    Paged,
    field_problem,
    highlight_of,
    keyword_terms,
)
from server.api.routing import Api, Call, Model
from server.appkeys import CLOCK, POOL
from server.domain.permissions import Action, Resource, allowed
from server.domain.policies import FIELD_NAMES, TITLE_MAX, PolicyKind, PolicyStatus
from server.domain.principal import Principal, Role
from server.errors import Problem
from server.store import fairs as fairs_store
from server.store import policies as store
from server.store.db import Connection

LongText = Annotated[str, Field(min_length=1, max_length=4000)]
ShortText = Annotated[str, Field(min_length=1, max_length=1000)]
Title = Annotated[str, Field(min_length=1, max_length=TITLE_MAX)]


class PolicyIn(Stripped):
    fair_id: UUID
    region_code: RegionCode | None = Field(
        description="The province; null for a national policy (organisers only)."
    )
    kind: PolicyKind = Field(description="employer: 惠企; people: 惠民.")
    title: Title
    target_scope: LongText = Field(description="对象范围")
    subsidy_standard: LongText = Field(description="补贴标准")
    procedure: LongText = Field(description="申领流程")
    agency: ShortText = Field(description="受理机构")
    time_limit: ShortText = Field(description="办理时限")
    legal_basis: LongText = Field(description="政策依据")


class PolicyPatch(Stripped):
    """Only the fields present change; ``null`` is refused (the region too: a policy
    does not move between national and regional)."""

    kind: PolicyKind | None = None
    title: Title | None = None
    target_scope: LongText | None = None
    subsidy_standard: LongText | None = None
    procedure: LongText | None = None
    agency: ShortText | None = None
    time_limit: ShortText | None = None
    legal_basis: LongText | None = None


class PublicationIn(Model):
    published: bool = Field(default=True, description="false withdraws it (a draft again)")


class PolicyOut(Model):
    id: UUID
    fair_id: UUID
    region_code: str | None
    kind: str
    title: str
    target_scope: str
    subsidy_standard: str
    procedure: str
    agency: str
    time_limit: str
    legal_basis: str
    status: str
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    highlight: Highlight | None = None


class PolicyQuery(Page):
    fair: UUID | None = None
    region: Annotated[str, Field(pattern=r"^([0-9]{6}|national)$")] | None = None
    kind: PolicyKind | None = None
    status: PolicyStatus = Field(
        default=PolicyStatus.PUBLISHED, description="draft: the drafts you may edit"
    )
    q: Keyword | None = None


class PolicyList(Paged[PolicyOut]):
    pass


def render(row: dict[str, Any], terms: list[str] | None = None) -> PolicyOut:
    return PolicyOut(
        **{name: row[name] for name in ("id", "fair_id", "region_code", "kind", "title")},
        **{name: row[name] for name in FIELD_NAMES},
        status=row["status"],
        published_at=row["published_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        highlight=highlight_of(row["title"], [row[name] for name in FIELD_NAMES], terms),
    )


def resource(fair_id: UUID, region_code: str | None) -> Resource:
    return Resource(fair_id=fair_id, venue_region=region_code)


def may_edit(principal: Principal, row: dict[str, Any]) -> bool:
    return allowed(principal, Action.EDIT_POLICY, resource(row["fair_id"], row["region_code"]))


async def visible_policy(
    conn: Connection, principal: Principal, policy_id: UUID, *, for_update: bool = False
) -> dict[str, Any]:
    """A published policy, or a draft its editors see; 404 otherwise."""
    row = await store.get_policy(conn, policy_id, for_update=for_update)
    if row is None or not (row["status"] == PolicyStatus.PUBLISHED or may_edit(principal, row)):
        raise Problem("policy.not_found", f"no policy {policy_id}")
    return row


def register(api: Api) -> None:
    tags = ("policies",)

    @api.route(
        "GET",
        "/api/policies",
        operation_id="listPolicies",
        summary="Published policies, filtered; best match first with a keyword"
        " (status=draft: the drafts you may edit)",
        query=PolicyQuery,
        response=PolicyList,
        tags=tags,
    )
    async def list_policies(call: Call[None, PolicyQuery]) -> PolicyList:
        query = call.query
        terms = keyword_terms(query.q)
        drafts_of_fairs: list[UUID] | None = None
        drafts_of_regions: list[str] = []
        if query.status is PolicyStatus.DRAFT:
            principal = await signed_in(call)
            drafts_of_fairs = sorted(principal.scopes(Role.ORGANISER))
            drafts_of_regions = sorted(
                f"{g.fair_id}:{g.region_code}"
                for g in principal.grants
                if g.role is Role.VENUE_ADMIN and g.fair_id is not None and g.region_code
            )
        filters = store.PolicyFilters(
            fair_id=query.fair,
            region=query.region,
            kind=query.kind,
            drafts_of_fairs=drafts_of_fairs,
            drafts_of_regions=drafts_of_regions,
        )
        async with call.app[POOL].acquire() as conn:
            rows, total = await store.list_policies(
                conn, filters, terms, offset=query.offset, limit=query.per_page
            )
        return PolicyList.of([render(row, terms) for row in rows], total, query)

    @api.route(
        "GET",
        "/api/policies/{policy}",
        operation_id="getPolicy",
        summary="One policy: public once published; drafts to their editors only",
        response=PolicyOut,
        tags=tags,
    )
    async def get_policy(call: Call[None, None]) -> PolicyOut:
        principal = await principal_of(call.request)
        async with call.app[POOL].acquire() as conn:
            row = await visible_policy(conn, principal, call.path_id("policy", "policy.not_found"))
        return render(row)

    @api.route(
        "POST",
        "/api/policies",
        operation_id="createPolicy",
        summary="Draft a policy (venue admins of its region, organisers; national: organisers)",
        body=PolicyIn,
        response=PolicyOut,
        status=201,
        tags=tags,
    )
    async def create_policy(call: Call[PolicyIn, None]) -> PolicyOut:
        principal = await signed_in(call)
        body = call.body
        now = call.app[CLOCK].now()
        async with call.app[POOL].acquire() as conn, conn.transaction():
            fair = await fairs_store.get_fair(conn, body.fair_id)
            if fair is None:
                raise field_problem("/fair_id", "fair.not_found", "no such fair")
            authorize(principal, Action.EDIT_POLICY, resource(fair["id"], body.region_code))
            policy_id = await store.insert_policy(
                conn,
                fair_id=fair["id"],
                fields=body.model_dump(mode="json", exclude={"fair_id"}),
                actor=principal.account_id,
                now=now,
            )
            row = await store.get_policy(conn, policy_id)
        assert row is not None
        return render(row)

    @api.route(
        "PATCH",
        "/api/policies/{policy}",
        operation_id="updatePolicy",
        summary="Edit a policy (its editors); a published one stays published",
        body=PolicyPatch,
        response=PolicyOut,
        tags=tags,
    )
    async def update_policy(call: Call[PolicyPatch, None]) -> PolicyOut:
        principal = await signed_in(call)
        changes = no_nulls(call.body)
        now = call.app[CLOCK].now()
        async with call.app[POOL].acquire() as conn, conn.transaction():
            row = await visible_policy(
                conn, principal, call.path_id("policy", "policy.not_found"), for_update=True
            )
            authorize(principal, Action.EDIT_POLICY, resource(row["fair_id"], row["region_code"]))
            if changes:
                await store.update_policy(
                    conn,
                    row["id"],
                    {k: str(v) for k, v in changes.items()},
                    actor=principal.account_id,
                    now=now,
                )
                row = await visible_policy(conn, principal, row["id"])
        return render(row)

    @api.route(
        "POST",
        "/api/policies/{policy}/publication",
        operation_id="publishPolicy",
        summary="Publish a policy, or withdraw it to a draft (its editors)",
        body=PublicationIn,
        response=PolicyOut,
        tags=tags,
    )
    async def publish_policy(call: Call[PublicationIn, None]) -> PolicyOut:
        principal = await signed_in(call)
        now = call.app[CLOCK].now()
        async with call.app[POOL].acquire() as conn, conn.transaction():
            row = await visible_policy(
                conn, principal, call.path_id("policy", "policy.not_found"), for_update=True
            )
            authorize(principal, Action.EDIT_POLICY, resource(row["fair_id"], row["region_code"]))
            published = row["status"] == PolicyStatus.PUBLISHED
            if call.body.published != published:
                await store.set_published(
                    conn, row["id"], call.body.published, actor=principal.account_id, now=now
                )
                row = await visible_policy(conn, principal, row["id"])
        return render(row)
