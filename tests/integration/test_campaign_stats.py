"""The campaign's statistics table (getCampaignStatistics): a small July 2020 fair's
history over two provinces and two weeks, every figure checked by hand, and who may read
it.

The history is inserted as rows (fair, venues, employers, booths, jobs, applications,
tickets with their interviews, a featured session with its viewers, policies): the
services that make them need browsers (interviews, broadcasts) or many steps each, and
what this part adds is the counting. Accounts are made through the identity service.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from aiohttp.test_utils import TestClient

from server.appkeys import POOL
from server.domain.credit_code import check_character
from server.domain.principal import Role
from server.ids import uuid7
from tests.helpers import Person, a_fair_and_venue, quick_person

Client = TestClient[Any, Any]
BJ = timedelta(hours=8)


def at(day: int, hour: int = 10, minute: int = 0, month: int = 7) -> datetime:
    """A wall time in Beijing in 2020, as an instant."""
    return datetime(2020, month, day, hour, minute, tzinfo=UTC) - BJ


class Fair:
    """Beijing (A) and Zhejiang (B) sub-venues and the main venue (M) of the July 2020
    test fair; week 1 is 29 June–5 July, week 2 is 6–12 July."""

    async def make(self, client: Client) -> None:
        app = client.app
        assert app is not None
        self.c1 = await quick_person(client, "camp-c1@example.org")
        self.c2 = await quick_person(client, "camp-c2@example.org")
        async with app[POOL].acquire() as conn:
            self.fair, self.a = await a_fair_and_venue(conn, "110000")
            _, self.b = await a_fair_and_venue(conn, "330000")
            self.main = uuid7()
            await conn.execute(
                "INSERT INTO venues (id, fair_id, kind, name_zh, name_en, position)"
                " VALUES ($1, $2, 'main', '主会场', 'Main venue', 0)",
                self.main,
                self.fair,
            )
            e1 = await self.employer(conn, "private", "110000")
            e2 = await self.employer(conn, "state", "330000")
            e3 = await self.employer(conn, "sme", "330000", verified=False)
            # A: E1's booth from before the fair, a guidance desk closed on 4 July.
            # B: E2's booth approved on 8 July (week 2).
            self.booth1 = await self.booth(conn, self.a, e1, at(25, month=6))
            await self.booth(conn, self.a, None, at(25, month=6), closed=at(4))
            self.booth2 = await self.booth(conn, self.b, e2, at(8, 9))
            # Jobs: one posted before the fair (week 1), urgent; two in week 2; one of
            # an unverified employer (not counted).
            j1 = await self.job(conn, e1, "110000", "technology", 5, at(20, month=6), urgent=True)
            j2 = await self.job(conn, e1, "110000", "sales", 3, at(7))
            j3 = await self.job(conn, e2, "330000", "manufacturing", 10, at(8))
            await self.job(conn, e3, "330000", "sales", 7, at(8))
            for candidate, job, when in (
                (self.c1, j1, at(2)),
                (self.c1, j2, at(7)),
                (self.c2, j2, at(8)),
                (self.c1, j3, at(9)),
            ):
                await self.apply(conn, candidate, job, e1 if job != j3 else e2, when)
            # Interviews. A, week 1: C1 (a graduate then) waited 300 s, offer intent;
            # C2 waited 600 s, not suitable. B, week 2: C2 did not come (no_show: not
            # held); C1 waited 240 s, offer intent.
            await self.interview(conn, self.booth1, self.c1, at(3), 300, "offer_intent", True)
            await self.interview(conn, self.booth1, self.c2, at(3, 10, 1), 600, "not_suitable")
            await self.interview(conn, self.booth2, self.c2, at(9), 120, "no_show")
            await self.interview(conn, self.booth2, self.c1, at(10), 240, "offer_intent", True)
            # A's featured session went live on 8 July and had three viewers; B's was
            # placed but never went live.
            live = await self.session(conn, self.a, 2, at(8), live=True)
            for viewer in ("a:one", "a:two", "s:anonymous"):
                await conn.execute(
                    "INSERT INTO session_viewings (session_id, viewer, first_seen_at,"
                    " last_seen_at) VALUES ($1, $2, $3, $3)",
                    live,
                    viewer,
                    at(8, 10, 5),
                )
            await self.session(conn, self.b, 2, at(9), live=False)
            # Policies: Beijing's published on 1 July, a national one on 6 July, a draft.
            await self.policy(conn, "110000", at(1))
            await self.policy(conn, None, at(6))
            await self.policy(conn, "330000", None)

    async def employer(self, conn: Any, kind: str, region: str, *, verified: bool = True) -> UUID:
        employer_id = uuid7()
        body = "91110000" + f"{employer_id.int % 10**9:09d}"
        await conn.execute(
            "INSERT INTO employers (id, name, credit_code, type, industry, region_code, size,"
            " created_at, updated_at, verified_at)"
            " VALUES ($1, '测试企业', $2, $3, 'I', $4, '20_99', $5, $5, $6)",
            employer_id,
            body + check_character(body),
            kind,
            region,
            at(1, month=6),
            at(1, month=6) if verified else None,
        )
        return employer_id

    async def booth(
        self,
        conn: Any,
        venue: UUID,
        employer: UUID | None,
        approved: datetime,
        closed: datetime | None = None,
    ) -> UUID:
        booth_id = uuid7()
        await conn.execute(
            "INSERT INTO booths (id, fair_id, venue_id, kind, employer_id, capacity,"
            " slot_minutes, status, approved_at, closed_at, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, 50, 10, $6, $7, $8, $7, $7)",
            booth_id,
            self.fair,
            venue,
            "employer" if employer else "hiring_guidance",
            employer,
            "closed" if closed else "approved",
            approved,
            closed,
        )
        return booth_id

    async def job(
        self,
        conn: Any,
        employer: UUID,
        region: str,
        category: str,
        openings: int,
        created: datetime,
        *,
        urgent: bool = False,
    ) -> UUID:
        job_id = uuid7()
        await conn.execute(
            "INSERT INTO jobs (id, fair_id, employer_id, title, openings, salary_negotiable,"
            " education, region_code, category, urgent_shortage, industry, created_at,"
            " updated_at) VALUES ($1, $2, $3, '岗位', $4, true, 'any', $5, $6, $7, 'I', $8, $8)",
            job_id,
            self.fair,
            employer,
            openings,
            region,
            category,
            urgent,
            created,
        )
        return job_id

    async def apply(
        self, conn: Any, candidate: Person, job: UUID, employer: UUID, when: datetime
    ) -> None:
        resume = uuid7()
        await conn.execute(
            "INSERT INTO resumes (id, account_id, filename, media_type, content, sha256,"
            " uploaded_at) VALUES ($1, $2, 'cv.pdf', 'application/pdf', '%PDF', '\\x00', $3)",
            resume,
            candidate.account_id,
            when,
        )
        await conn.execute(
            "INSERT INTO applications (id, fair_id, job_id, employer_id, candidate_id,"
            " resume_id, status, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, 'submitted', $7, $7)",
            uuid7(),
            self.fair,
            job,
            employer,
            candidate.account_id,
            resume,
            when,
        )

    async def interview(
        self,
        conn: Any,
        booth: UUID,
        candidate: Person,
        joined: datetime,
        wait: int,
        outcome: str,
        graduate: bool = False,
    ) -> None:
        ticket = uuid7()
        called = joined + timedelta(seconds=wait)
        started, ended = called + timedelta(seconds=10), called + timedelta(seconds=610)
        await conn.execute(
            "INSERT INTO tickets (id, fair_id, booth_id, candidate_id, token, state, joined_at,"
            " changed_at, called_at, first_called_at, started_at, ended_at, call_key)"
            " VALUES ($1, $2, $3, $4, $5, 'done', $6, $9, $7, $7, $8, $9, 1)",
            ticket,
            self.fair,
            booth,
            candidate.account_id,
            str(ticket),
            joined,
            called,
            started,
            ended,
        )
        # The snapshot, as open_interview takes it: the candidate's groups *then* (their
        # profile has none now) and the employer's type.
        await conn.execute(
            "INSERT INTO interviews (id, fair_id, booth_id, candidate_id, started_at, ends_at,"
            " ended_at, outcome, employer_type, candidate_groups)"
            " VALUES ($1, $2, $3, $4, $5, $6, $6, $7, 'private', $8::jsonb)",
            ticket,
            self.fair,
            booth,
            candidate.account_id,
            started,
            ended,
            outcome,
            ["graduates"] if graduate else [],
        )

    async def session(
        self, conn: Any, venue: UUID, week: int, starts: datetime, *, live: bool
    ) -> UUID:
        session_id = uuid7()
        await conn.execute(
            "INSERT INTO featured_sessions (id, fair_id, venue_id, week, title, category, state,"
            " created_at, updated_at, starts_at, ends_at, stage, published_at, live_at,"
            " ended_at) VALUES ($1, $2, $3, $4, '专场', 'other', $5, $6::timestamptz, $6, $6,"
            " $6 + interval '90 minutes', 1, $6 - interval '3 days', $7, $8)",
            session_id,
            self.fair,
            venue,
            week,
            "ended" if live else "scheduled",
            starts,
            starts if live else None,
            starts + timedelta(minutes=90) if live else None,
        )
        return session_id

    async def policy(self, conn: Any, region: str | None, published: datetime | None) -> None:
        await conn.execute(
            "INSERT INTO policies (id, fair_id, region_code, kind, title, target_scope,"
            " subsidy_standard, procedure, agency, time_limit, legal_basis, status,"
            " created_at, updated_at, published_at)"
            " VALUES ($1, $2, $3, 'employer', '政策', '', '', '', '', '', '', $4, $5, $5, $6)",
            uuid7(),
            self.fair,
            region,
            "published" if published else "draft",
            at(1, month=6),
            published,
        )


@pytest.fixture
async def fair(client: Client) -> Fair:
    made = Fair()
    await made.make(client)
    return made


async def organiser(client: Client, fair: Fair) -> Person:
    who = await quick_person(client, "camp-org@example.org")
    await who.grant(Role.ORGANISER, fair.fair)
    return who


async def table(who: Person, fair: Fair, query: str = "") -> dict[str, Any]:
    response = await who.get(f"/api/fairs/{fair.fair}/campaign-statistics?{query}")
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


def row(body: dict[str, Any], venue: UUID, week: int) -> dict[str, Any]:
    (found,) = [r for r in body["rows"] if r["venue_id"] == str(venue) and r["week"] == week]
    return found


def nonzero(found: dict[str, Any]) -> dict[str, Any]:
    """The measures of a row that are not 0 or null (what an organiser reads first)."""
    skip = {"venue_id", "region_code", "venue_name_zh", "venue_name_en", "week"}
    return {k: v for k, v in found.items() if k not in skip and v not in (0, None)}


async def test_the_organiser_reads_every_venue_and_week_with_exact_figures(
    client: Client, fair: Fair
) -> None:
    body = await table(await organiser(client, fair), fair)
    assert body["time_zone"] == "Asia/Shanghai"
    assert body["weeks"] == [1, 2, 3, 4, 5]
    assert len(body["rows"]) == 3 * 5  # every venue and week, zeros included
    assert body["rows"][0]["venue_id"] == str(fair.main)  # venues in their order
    # The page writes durations as minutes and seconds: the columns say which they are.
    columns = {c["key"]: c for c in body["columns"]}
    assert {k for k, c in columns.items() if c["seconds"]} == {"wait_median", "wait_p90"}
    assert columns["employers"]["additive"] is False
    assert columns["jobs"]["additive"] is True
    assert nonzero(row(body, fair.a, 1)) == {
        "employers": 1,
        "employers_private": 1,
        "booths": 2,
        "jobs": 1,
        "openings": 5,
        "jobs_urgent": 1,
        "openings_urgent": 5,
        "jobs_technology": 1,
        "openings_technology": 5,
        "applications": 1,
        "applicants": 1,
        "interviews": 2,
        "offer_intents": 1,
        "interviewees": 2,
        "interviewees_graduates": 1,
        "policies_published": 1,
        "queue_joins": 2,
        "queue_served": 2,
        "wait_median": 450.0,
        "wait_p90": 570.0,
    }
    assert nonzero(row(body, fair.a, 2)) == {
        "employers": 1,
        "employers_private": 1,
        "booths": 1,  # the guidance desk closed in week 1
        "jobs": 1,
        "openings": 3,
        "jobs_sales": 1,
        "openings_sales": 3,
        "applications": 2,
        "applicants": 2,
        "sessions_held": 1,
        "session_viewers": 3,
    }
    assert nonzero(row(body, fair.b, 1)) == {}
    assert nonzero(row(body, fair.b, 2)) == {
        "employers": 1,
        "employers_state": 1,
        "booths": 1,
        "jobs": 1,  # the unverified employer's job is not counted
        "openings": 10,
        "jobs_manufacturing": 1,
        "openings_manufacturing": 10,
        "applications": 1,
        "applicants": 1,
        "interviews": 1,  # the no-show is not an interview held
        "offer_intents": 1,
        "interviewees": 1,
        "interviewees_graduates": 1,
        "queue_joins": 2,
        "queue_served": 2,
        "wait_median": 180.0,
        "wait_p90": 228.0,
    }
    assert nonzero(row(body, fair.main, 2)) == {"policies_published": 1}  # the national one
    totals = body["totals"]
    assert nonzero(totals) == {
        "jobs": 3,
        "openings": 18,
        "jobs_urgent": 1,
        "openings_urgent": 5,
        "jobs_technology": 1,
        "openings_technology": 5,
        "jobs_sales": 1,
        "openings_sales": 3,
        "jobs_manufacturing": 1,
        "openings_manufacturing": 10,
        "applications": 4,
        "interviews": 3,
        "offer_intents": 2,
        "sessions_held": 1,
        "session_viewers": 3,
        "policies_published": 2,
        "queue_joins": 4,
        "queue_served": 4,
    }
    # Distinct counts and medians do not add up over weeks: null, not a wrong sum.
    assert totals["employers"] is None
    assert totals["wait_median"] is None
    (a_total,) = [t for t in body["venue_totals"] if t["venue_id"] == str(fair.a)]
    assert (a_total["week"], a_total["applications"], a_total["interviews"]) == (None, 3, 2)


async def test_one_week_can_be_asked_for(client: Client, fair: Fair) -> None:
    body = await table(await organiser(client, fair), fair, "week=2")
    assert body["weeks"] == [2]
    assert [r["week"] for r in body["rows"]] == [2, 2, 2]
    assert body["totals"]["jobs"] == 2  # the pre-fair job is week 1's
    assert body["totals"]["applications"] == 3


async def test_a_venue_admin_sees_only_their_venue(client: Client, fair: Fair) -> None:
    admin = await quick_person(client, "camp-admin@example.org")
    await admin.grant(Role.VENUE_ADMIN, fair.a)
    body = await table(admin, fair)
    assert {r["venue_id"] for r in body["rows"]} == {str(fair.a)}
    assert body["totals"]["applications"] == 3
    assert (await table(admin, fair, f"venue={fair.a}"))["rows"][0]["venue_id"] == str(fair.a)
    other = await admin.get(f"/api/fairs/{fair.fair}/campaign-statistics?venue={fair.b}")
    assert other.status == 403
    assert (await other.json(content_type=None))["code"] == "auth.forbidden"


async def test_others_are_refused(client: Client, fair: Fair) -> None:
    anonymous = await client.get(f"/api/fairs/{fair.fair}/campaign-statistics")
    assert anonymous.status == 401
    assert (await anonymous.json(content_type=None))["code"] == "auth.required"
    stranger = await quick_person(client, "camp-x@example.org")
    response = await stranger.get(f"/api/fairs/{fair.fair}/campaign-statistics")
    assert response.status == 403


@pytest.mark.parametrize("week", ["6", "0", "two"])
async def test_a_week_outside_the_fair_is_invalid(client: Client, fair: Fair, week: str) -> None:
    who = await organiser(client, fair)
    response = await who.get(f"/api/fairs/{fair.fair}/campaign-statistics?week={week}")
    assert response.status == 422
    body = await response.json(content_type=None)
    assert body["code"] == "request.invalid"
    assert [e["pointer"] for e in body["errors"]] == ["/query/week"]


async def test_the_csv_opens_in_chinese_excel(client: Client, fair: Fair) -> None:
    who = await organiser(client, fair)
    response = await who.get("/api/fairs/test-fair/campaign-statistics?format=csv&week=1")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "test-fair-statistics-week1.csv" in response.headers["Content-Disposition"]
    raw = await response.read()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw[3:].decode("utf-8").split("\r\n")
    assert lines[0].startswith("周次 Week,地区代码 Region code,会场 Venue,Venue,参会企业数")
    assert "达成意向数 Offer intentions" in lines[0]
    assert lines[-1] == ""
    head, *rows = list(csv.reader(lines[:-1]))
    (beijing,) = [r for r in rows if r[:2] == ["1", "110000"]]
    cells = dict(zip(head, beijing, strict=True))
    assert cells["面试场次 Interviews held"] == "2"
    assert cells["排队等待中位数（秒） Wait median (s)"] == "450.0"
    assert rows[-1][2:4] == ["合计", "Total"]


async def test_the_xlsx_is_a_workbook_with_the_sheet(client: Client, fair: Fair) -> None:
    who = await organiser(client, fair)
    response = await who.get(f"/api/fairs/{fair.fair}/campaign-statistics?format=xlsx")
    assert response.status == 200
    archive = zipfile.ZipFile(io.BytesIO(await response.read()))
    assert 'name="statistics"' in archive.read("xl/workbook.xml").decode()
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "达成意向数 Offer intentions" in sheet
    assert sheet.count("<row ") == 1 + 3 * 5 + 1  # header, rows, total
