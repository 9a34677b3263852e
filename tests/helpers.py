"""Helpers for HTTP tests: sign people up, give them roles, call the API as them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiohttp.test_utils import TestClient

from server.appkeys import CLOCK, POOL
from server.domain.principal import ROLE_SCOPE, Role
from server.services.identity import Passwords
from server.store import accounts as accounts_store

PASSWORD = "Strong-pass-2020"


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


async def person(client: TestClient[Any, Any], contact: str, name: str = "测试用户") -> Person:
    response = await sign_up(client, contact, name)
    assert response.status == 201, await response.text()
    body = await response.json()
    return Person(client, UUID(body["account"]["id"]), body["token"])


async def a_fair_and_venue(conn: Any, region_code: str = "110000") -> tuple[UUID, UUID]:
    """One fair with one sub-venue, inserted directly (for tests that need a topic)."""
    from datetime import date

    from server.ids import uuid7

    fair_id = await conn.fetchval("SELECT id FROM fairs WHERE slug = 'test-fair'")
    if fair_id is None:
        fair_id = uuid7()
        await conn.execute(
            "INSERT INTO fairs (id, slug, title_zh, title_en, starts_on, ends_on, time_zone)"
            " VALUES ($1, 'test-fair', '测试招聘会', 'Test fair', $2, $3, 'Asia/Shanghai')",
            fair_id,
            date(2020, 7, 1),
            date(2020, 7, 31),
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
