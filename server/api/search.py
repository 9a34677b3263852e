"""One search box over public jobs, employers and policies (``searchAll``)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from server.api.jobs import Highlight, Keyword, Page, Paged, highlight_of, keyword_terms
from server.api.routing import Api, Call, Model
from server.appkeys import POOL
from server.domain.industries import Industry
from server.domain.jobs import Category
from server.domain.policies import PolicyKind
from server.store import search as store

ResultType = Literal["job", "employer", "policy"]
TYPES: tuple[ResultType, ...] = ("job", "employer", "policy")


class SearchQuery(Page):
    q: Keyword | None = None
    fair: UUID | None = None
    region: Annotated[str, Field(pattern=r"^([0-9]{6}|national)$")] | None = None
    industry: Industry | None = Field(default=None, description="Jobs and employers only.")
    category: Category | None = Field(default=None, description="Jobs only.")
    kind: PolicyKind | None = Field(default=None, description="Policies only.")
    type: str | None = Field(
        default=None,
        pattern=r"^(job|employer|policy)(,(job|employer|policy))*$",
        description="Comma-separated: job, employer, policy (default: all).",
    )


class SearchHit(Model):
    type: ResultType
    id: UUID
    title: str
    region_code: str | None
    subtitle: str | None = Field(
        description="job: the employer's name; policy: its kind; employer: its industry."
    )
    highlight: Highlight | None


class SearchResults(Paged[SearchHit]):
    counts: dict[ResultType, int]


def register(api: Api) -> None:
    @api.route(
        "GET",
        "/api/search",
        operation_id="searchAll",
        summary="Search public jobs, employers and policies; best match first",
        query=SearchQuery,
        response=SearchResults,
        tags=("search",),
    )
    async def search_all(call: Call[None, SearchQuery]) -> SearchResults:
        query = call.query
        terms = keyword_terms(query.q)
        types = frozenset(query.type.split(",")) if query.type else frozenset(TYPES)
        filters = store.Filters(
            fair_id=query.fair,
            region=query.region,
            industry=query.industry,
            category=query.category,
            kind=query.kind,
            types=types,
        )
        async with call.app[POOL].acquire() as conn:
            rows, counts = await store.search_all(
                conn, filters, terms, offset=query.offset, limit=query.per_page
            )
        return SearchResults(
            items=[
                SearchHit(
                    type=row["type"],
                    id=row["id"],
                    title=row["title"],
                    region_code=row["region_code"],
                    subtitle=row["subtitle"],
                    highlight=highlight_of(row["title"], list(row["texts"]), terms),
                )
                for row in rows
            ],
            total=sum(counts.values()),
            page=query.page,
            per_page=query.per_page,
            counts={t: counts.get(t, 0) for t in TYPES},
        )
