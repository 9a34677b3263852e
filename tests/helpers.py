"""Helpers for HTTP tests: sign people up, give them roles, call the API as them."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from aiohttp.test_utils import TestClient

from server.appkeys import CLOCK, POOL, TIMERS
from server.domain.principal import ROLE_SCOPE, Role
from server.services.identity import Passwords
from server.store import accounts as accounts_store
from server.timers import FakeClock, TimerRunner

PASSWORD = "Strong-pass-2020"


T = TypeVar("T")


async def within(seconds: float, step: Awaitable[T], what: str) -> T:
    """Await ``step`` for at most ``seconds``; past that, fail naming ``what`` and showing
    where every task of the loop stands (a teardown that hangs says where, at once,
    instead of running into the test timeout)."""
    try:
        return await asyncio.wait_for(step, seconds)
    except TimeoutError:
        stacks = io.StringIO()
        for task in asyncio.all_tasks():
            task.print_stack(limit=8, file=stacks)
        raise AssertionError(
            f"{what} did not finish within {seconds:g} s; the loop's tasks:\n{stacks.getvalue()}"
        ) from None


def ws_url(client: TestClient[Any, Any]) -> str:
    """The event stream's URL on a test server."""
    return str(client.make_url("/ws")).replace("http://", "ws://")


def fast_passwords() -> Passwords:
    """argon2id with tiny costs: the same code path, milliseconds per hash."""
    return Passwords(time_cost=1, memory_cost=1024, parallelism=1)


class Person:
    """A signed-in API client (bearer token), as a test actor."""

    def __init__(self, client: TestClient[Any, Any], account_id: UUID, token: str) -> None:
        self.client = client
        self.account_id = account_id
        self.token = token

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def get(self, path: str) -> Any:
        return await self.client.get(path, headers=self.headers)

    async def post(self, path: str, json: Any = None) -> Any:
        return await self.client.post(path, json=json, headers=self.headers)

    async def put(self, path: str, json: Any = None) -> Any:
        return await self.client.put(path, json=json, headers=self.headers)

    async def patch(self, path: str, json: Any = None) -> Any:
        return await self.client.patch(path, json=json, headers=self.headers)

    async def delete(self, path: str) -> Any:
        return await self.client.delete(path, headers=self.headers)

    async def grant(self, role: Role, scope_id: UUID | None) -> None:
        app = self.client.app
        assert app is not None
        async with app[POOL].acquire() as conn:
            await accounts_store.insert_grant(
                conn,
                self.account_id,
                role,
                ROLE_SCOPE[role],
                scope_id,
                granted_by=None,
                now=app[CLOCK].now(),
            )


async def sign_up(
    client: TestClient[Any, Any], contact: str, name: str = "测试用户", *, browser: bool = False
) -> Any:
    """Register through the API (code from the development notifier); returns the response."""
    code = await client.post("/api/auth/codes", json={"destination": contact})
    assert code.status == 202, await code.text()
    dev_code = (await code.json())["dev_code"]
    return await client.post(
        "/api/auth/register",
        json={
            "destination": contact,
            "code": dev_code,
            "password": PASSWORD,
            "display_name": name,
            "client": "browser" if browser else "api",
        },
    )


async def quick_person(
    client: TestClient[Any, Any], contact: str, name: str = "测试用户"
) -> Person:
    """A candidate with an API token, created directly (no code, no rate limit): for tests
    that need many people; sign-up itself is tested through the API elsewhere."""
    from server.appkeys import IDENTITY

    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn, conn.transaction():
        account_id = await app[IDENTITY].create_account(
            conn, destination=contact, password=PASSWORD, display_name=name
        )
        issued = await app[IDENTITY].issue_api_token(conn, account_id, "test")
    return Person(client, account_id, issued.token)


async def person(client: TestClient[Any, Any], contact: str, name: str = "测试用户") -> Person:
    response = await sign_up(client, contact, name)
    assert response.status == 201, await response.text()
    body = await response.json()
    return Person(client, UUID(body["account"]["id"]), body["token"])


async def a_fair_and_venue(
    conn: Any, region_code: str = "110000", *, slug: str = "test-fair", year: int = 2020
) -> tuple[UUID, UUID]:
    """A sub-venue of the fair ``slug`` (held in July of ``year``; made if missing),
    inserted directly (for tests that need a topic)."""
    from datetime import date

    from server.ids import uuid7

    fair_id = await conn.fetchval("SELECT id FROM fairs WHERE slug = $1", slug)
    if fair_id is None:
        fair_id = uuid7()
        await conn.execute(
            "INSERT INTO fairs (id, slug, title_zh, title_en, starts_on, ends_on, time_zone)"
            " VALUES ($1, $2, '测试招聘会', 'Test fair', $3, $4, 'Asia/Shanghai')",
            fair_id,
            slug,
            date(year, 7, 1),
            date(year, 7, 31),
        )
    venue_id = uuid7()
    await conn.execute(
        "INSERT INTO venues (id, fair_id, kind, region_code, name_zh, name_en, position)"
        " VALUES ($1, $2, 'sub', $3, '测试分会场', 'Test sub-venue', 1)",
        venue_id,
        fair_id,
        region_code,
    )
    return fair_id, venue_id


async def a_booth(
    conn: Any, staff: list[UUID], *, capacity: int = 50, slot_minutes: int = 10
) -> UUID:
    """A verified employer's approved booth at a test venue, staffed by ``staff``."""
    from server.domain.credit_code import check_character
    from server.ids import uuid7

    found = await conn.fetchrow(
        "SELECT v.fair_id, v.id FROM venues v JOIN fairs f ON f.id = v.fair_id"
        " WHERE f.slug = 'test-fair' LIMIT 1"
    )
    fair_id, venue_id = (found["fair_id"], found["id"]) if found else await a_fair_and_venue(conn)
    now = await conn.fetchval("SELECT now()")
    employer_id = uuid7()
    body = "91110000" + f"{employer_id.int % 10**9:09d}"
    await conn.execute(
        "INSERT INTO employers (id, name, credit_code, type, industry, region_code, size,"
        " created_at, updated_at, verified_at) VALUES ($1, '测试企业（示例）', $2, 'private',"
        " 'I', '110000', '20_99', $3, $3, $3)",
        employer_id,
        body + check_character(body),
        now,
    )
    booth_id = uuid7()
    await conn.execute(
        "INSERT INTO booths (id, fair_id, venue_id, kind, employer_id, capacity, slot_minutes,"
        " status, approved_at, created_at, updated_at)"
        " VALUES ($1, $2, $3, 'employer', $4, $5, $6, 'approved', $7, $7, $7)",
        booth_id,
        fair_id,
        venue_id,
        employer_id,
        capacity,
        slot_minutes,
        now,
    )
    for account_id in staff:
        await conn.execute(
            "INSERT INTO booth_staff (booth_id, account_id, assigned_at) VALUES ($1, $2, $3)",
            booth_id,
            account_id,
            now,
        )
    return booth_id


async def a_long_day(conn: Any, now: datetime) -> tuple[UUID, UUID]:
    """A booth at the end of a busy day, as ``(booth, recruiter)``: its line open, its one
    recruiter available, 2,000 finished tickets of 200 candidates and 3 waiting (analysed,
    so plans see the real proportions)."""
    recruiter = await conn.fetchval(
        "INSERT INTO accounts (id, email, password_hash, created_at)"
        " VALUES (gen_random_uuid(), 'r@example.org', 'x', $1) RETURNING id",
        now,
    )
    booth = await a_booth(conn, [recruiter])
    await conn.execute(
        "INSERT INTO booth_queues (booth_id, status, changed_at) VALUES ($1, 'open', $2)",
        booth,
        now,
    )
    await conn.execute(
        "INSERT INTO staff_status (booth_id, account_id, status, changed_at)"
        " VALUES ($1, $2, 'available', $3)",
        booth,
        recruiter,
        now,
    )
    # 2,000 finished tickets of 200 candidates, then 3 waiting.
    await conn.execute(
        "INSERT INTO accounts (id, email, password_hash, created_at)"
        " SELECT gen_random_uuid(), 'c' || g || '@example.org', 'x', $1"
        "   FROM generate_series(1, 203) g",
        now,
    )
    await conn.execute(
        """
        INSERT INTO tickets (id, fair_id, booth_id, candidate_id, token, state, joined_at,
                             changed_at, call_key, called_by, called_at, started_at, ended_at)
        SELECT gen_random_uuid(), b.fair_id, b.id, a.id, 'h' || g || a.id, 'done',
               $2::timestamptz - interval '8 hours' + g * interval '10 seconds', $2,
               g, $3, $2, $2, $2
          FROM booths b, generate_series(1, 10) g,
               (SELECT id FROM accounts WHERE email LIKE 'c%' ORDER BY email LIMIT 200) a
         WHERE b.id = $1
        """,
        booth,
        now,
        recruiter,
    )
    await conn.execute(
        """
        INSERT INTO tickets (id, fair_id, booth_id, candidate_id, token, state, joined_at,
                             changed_at, call_key)
        SELECT gen_random_uuid(), b.fair_id, b.id, a.id, 'w' || a.id, 'waiting', $2, $2,
               1e6 + row_number() OVER (ORDER BY a.email)
          FROM booths b,
               (SELECT id, email FROM accounts WHERE email LIKE 'c%'
                 ORDER BY email DESC LIMIT 3) a
         WHERE b.id = $1
        """,
        booth,
        now,
    )
    await conn.execute("ANALYZE tickets")
    return booth, recruiter


async def run_timers_at(client: TestClient[Any, Any], clock: FakeClock, at: datetime) -> int:
    """Move the clock to ``at`` and run every timer due by then (as a node's runner)."""
    app = client.app
    assert app is not None
    if at > clock.now():
        clock.advance(at - clock.now())
    runner = TimerRunner(app[POOL], app[TIMERS], clock)
    settled = 0
    while (batch := await runner.run_due()) > 0:
        settled += batch
    return settled
