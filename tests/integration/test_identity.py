"""Sign-up, sign-in, sessions, CSRF, rate limits and appointments over HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from aiohttp.test_utils import TestClient

from server.appkeys import POOL
from server.demo.load import load_demo
from server.domain.principal import Role
from server.timers import FakeClock
from tests.helpers import PASSWORD, Person, person, sign_up

Client = TestClient[Any, Any]


async def code_for(client: Client, contact: str) -> str:
    response = await client.post("/api/auth/codes", json={"destination": contact})
    assert response.status == 202
    code: str = (await response.json())["dev_code"]
    return code


async def register(client: Client, contact: str, code: str, password: str = PASSWORD) -> Any:
    return await client.post(
        "/api/auth/register",
        json={
            "destination": contact,
            "code": code,
            "password": password,
            "display_name": "李四",
            "client": "api",
        },
    )


async def errors_of(response: Any, status: int = 422) -> dict[str, str]:
    assert response.status == status, await response.text()
    body = await response.json(content_type=None)
    return {e["pointer"]: e["code"] for e in body.get("errors", [])}


async def test_a_candidate_signs_up_with_a_code_and_sees_their_account(client: Client) -> None:
    response = await sign_up(client, "138 0013 8000", "王五", browser=True)
    assert response.status == 201
    body = await response.json()
    assert body["token"] is None  # browsers get cookies, not tokens
    assert body["account"]["phone"] == "+8613800138000"
    assert [g["role"] for g in body["account"]["grants"]] == ["candidate"]
    cookie = response.cookies["lf_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    me = await client.get("/api/me")
    assert (await me.json())["display_name"] == "王五"


async def test_a_wrong_code_counts_and_five_wrong_codes_burn_it(client: Client) -> None:
    code = await code_for(client, "a@example.org")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert await errors_of(await register(client, "a@example.org", wrong)) == {
            "/code": "code.wrong"
        }
    assert await errors_of(await register(client, "a@example.org", code)) == {
        "/code": "code.expired"
    }


async def test_a_code_expires_after_ten_minutes(client: Client, clock: FakeClock) -> None:
    code = await code_for(client, "b@example.org")
    clock.advance(timedelta(minutes=10, seconds=1))
    assert await errors_of(await register(client, "b@example.org", code)) == {
        "/code": "code.expired"
    }


async def test_weak_passwords_and_bad_contacts_are_refused_by_field(client: Client) -> None:
    code = await code_for(client, "c@example.org")
    for password, reason in [
        ("short1!", "password.too_short"),
        ("onlyletters", "password.too_simple"),
        ("password123", "password.common"),
        ("c@example.org1", "password.contains_identifier"),
    ]:
        response = await register(client, "c@example.org", code, password)
        assert await errors_of(response) == {"/password": reason}
    bad = await client.post("/api/auth/codes", json={"destination": "12345"})
    assert await errors_of(bad) == {"/destination": "contact.bad_phone"}
    unknown = await client.post(
        "/api/auth/codes", json={"destination": "d@example.org", "admin": True}
    )
    assert await errors_of(unknown) == {"/admin": "unknown_field"}


async def test_one_contact_one_account(client: Client, clock: FakeClock) -> None:
    assert (await sign_up(client, "e@example.org")).status == 201
    clock.advance(61)  # past the one-code-per-minute limit
    again = await sign_up(client, "E@Example.org")
    assert again.status == 409
    assert (await again.json(content_type=None))["code"] == "auth.account_exists"


async def test_codes_are_rate_limited_per_destination(client: Client, clock: FakeClock) -> None:
    assert (
        await client.post("/api/auth/codes", json={"destination": "f@example.org"})
    ).status == 202
    again = await client.post("/api/auth/codes", json={"destination": "f@example.org"})
    assert again.status == 429
    assert 1 <= int(again.headers["Retry-After"]) <= 60
    clock.advance(61)
    assert (
        await client.post("/api/auth/codes", json={"destination": "f@example.org"})
    ).status == 202


async def test_login_with_a_token_then_bearer_access_and_revocation(client: Client) -> None:
    await person(client, "13900139000")
    login = await client.post(
        "/api/auth/login",
        json={
            "identifier": "+86 139-0013-9000",
            "password": PASSWORD,
            "client": "api",
            "label": "recruiting bot",
        },
    )
    assert login.status == 200
    token = (await login.json())["token"]
    headers = {"Authorization": f"Bearer {token}"}
    sessions = await (await client.get("/api/me/sessions", headers=headers)).json()
    assert len(sessions["items"]) == 2  # the sign-up's session and this one
    current = [s for s in sessions["items"] if s["current"]]
    assert current[0]["label"] == "recruiting bot"
    other = next(s for s in sessions["items"] if not s["current"])
    assert (await client.delete(f"/api/me/sessions/{other['id']}", headers=headers)).status == 204
    again = await client.delete(f"/api/me/sessions/{other['id']}", headers=headers)
    assert again.status == 404
    assert (await client.post("/api/auth/logout", headers=headers)).status == 204
    after = await client.get("/api/me", headers=headers)
    assert after.status == 401
    assert (await after.json(content_type=None))["code"] == "auth.required"


async def test_a_forgotten_password_is_reset_with_a_code_and_ends_every_other_session(
    client: Client, clock: FakeClock
) -> None:
    """The code sent to the account's contact sets a new password; whoever held the old
    one (a token, a browser) is signed out, and the old password no longer works."""
    someone = await person(client, "13700137000")
    headers = {"Authorization": f"Bearer {someone.token}"}
    assert (await client.get("/api/me", headers=headers)).status == 200

    def reset(code: str, password: str = "Another-pass-2020") -> Any:
        body = {"destination": "137 0013 7000", "code": code, "password": password}
        return client.post("/api/auth/password-reset", json={**body, "client": "api"})

    clock.advance(timedelta(minutes=2))  # one code a minute per contact
    asked = await client.post(
        "/api/auth/codes", json={"destination": "13700137000", "purpose": "reset_password"}
    )
    assert asked.status == 202, await asked.text()
    code = (await asked.json())["dev_code"]
    # Another contact's (sign-up) code is wrong here, a weak password is refused by
    # field, and neither changes anything.
    elsewhere = await code_for(client, "13700137001")
    assert await errors_of(await reset(elsewhere)) == {"/code": "code.wrong"}
    assert await errors_of(await reset(code, "12345678")) == {"/password": "password.too_simple"}
    assert (await client.get("/api/me", headers=headers)).status == 200

    done = await reset(code)
    assert done.status == 200, await done.text()
    token = (await done.json())["token"]
    assert (await client.get("/api/me", headers=headers)).status == 401  # the old token
    fresh = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/me", headers=fresh)).status == 200
    old = {"identifier": "13700137000", "password": PASSWORD, "client": "api"}
    assert (await client.post("/api/auth/login", json=old)).status == 401
    new = {**old, "password": "Another-pass-2020"}
    assert (await client.post("/api/auth/login", json=new)).status == 200
    # The code was used up; and a contact with no account is told so, with a valid code.
    assert await errors_of(await reset(code)) == {"/code": "code.expired"}
    clock.advance(timedelta(minutes=2))
    nobody = await client.post(
        "/api/auth/codes", json={"destination": "nobody@example.org", "purpose": "reset_password"}
    )
    body = {"destination": "nobody@example.org", "code": (await nobody.json())["dev_code"]}
    missing = await client.post(
        "/api/auth/password-reset", json={**body, "password": "Another-pass-2020"}
    )
    assert missing.status == 404
    assert (await missing.json(content_type=None))["code"] == "account.not_found"


async def test_wrong_passwords_are_401_then_rate_limited(client: Client) -> None:
    await person(client, "g@example.org")
    for _ in range(10):
        response = await client.post(
            "/api/auth/login", json={"identifier": "g@example.org", "password": "Wrong-pass-1"}
        )
        assert response.status == 401
        assert (await response.json(content_type=None))["code"] == "auth.invalid_credentials"
    blocked = await client.post(
        "/api/auth/login", json={"identifier": "g@example.org", "password": PASSWORD}
    )
    assert blocked.status == 429
    assert int(blocked.headers["Retry-After"]) > 0
    unknown = await client.post(
        "/api/auth/login", json={"identifier": "nobody@example.org", "password": PASSWORD}
    )
    assert (await unknown.json(content_type=None))["code"] == "auth.invalid_credentials"


async def test_cookie_sessions_need_the_csrf_header_and_same_origin(client: Client) -> None:
    response = await sign_up(client, "h@example.org", browser=True)
    assert response.status == 201
    no_header = await client.post("/api/auth/logout")
    assert no_header.status == 403
    assert (await no_header.json(content_type=None))["code"] == "auth.csrf"
    csrf = response.cookies["csrf_token"].value
    cross_site = await client.post(
        "/api/auth/logout", headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"}
    )
    assert (await cross_site.json(content_type=None))["code"] == "auth.bad_origin"
    ok = await client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    assert ok.status == 204
    assert (await client.get("/api/me")).status == 401


async def test_a_bad_bearer_token_is_401_not_anonymous(client: Client) -> None:
    response = await client.get("/api/venues/x", headers={"Authorization": "Bearer nope"})
    assert response.status == 401
    basic = await client.get("/api/me", headers={"Authorization": "Basic abc"})
    assert basic.status == 401


async def venues(client: Client) -> tuple[UUID, list[dict[str, Any]]]:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        from server.timers import SystemClock

        await load_demo(conn, clock=SystemClock())
        fair_id = await conn.fetchval("SELECT id FROM fairs")
        rows = await conn.fetch("SELECT id, region_code FROM venues ORDER BY position")
    return fair_id, [dict(r) for r in rows]


async def test_organisers_appoint_venue_admins_who_appoint_counsellors(client: Client) -> None:
    fair_id, all_venues = await venues(client)
    beijing = next(v for v in all_venues if v["region_code"] == "110000")
    hubei = next(v for v in all_venues if v["region_code"] == "420000")
    organiser = await person(client, "org@example.org", "组织者")
    await organiser.grant(Role.ORGANISER, fair_id)
    admin = await person(client, "admin-bj@example.org", "北京管理员")
    counsellor = await person(client, "13700137000", "指导员")

    appointed = await organiser.post(
        f"/api/venues/{beijing['id']}/admins", json={"account": "admin-bj@example.org"}
    )
    assert appointed.status == 201
    assert (await appointed.json())["created"] is True
    again = await organiser.post(
        f"/api/venues/{beijing['id']}/admins", json={"account": "admin-bj@example.org"}
    )
    assert (await again.json())["created"] is False
    me = await (await admin.get("/api/me")).json()
    assert {"role": "venue_admin", "region_code": "110000"}.items() <= next(
        g for g in me["grants"] if g["role"] == "venue_admin"
    ).items()

    assert (
        await admin.post(
            f"/api/venues/{beijing['id']}/counsellors", json={"account": "137 0013 7000"}
        )
    ).status == 201
    staff = await (await admin.get(f"/api/venues/{beijing['id']}/staff")).json()
    ours = {str(admin.account_id), str(counsellor.account_id)}  # the demo has its own staff
    assert {(s["display_name"], s["role"]) for s in staff["items"] if s["account_id"] in ours} == {
        ("北京管理员", "venue_admin"),
        ("指导员", "counsellor"),
    }

    # Outside one's venue, or without the role: refused, and nothing is written.
    other_venue = await admin.post(
        f"/api/venues/{hubei['id']}/counsellors", json={"account": "137 0013 7000"}
    )
    assert other_venue.status == 403
    assert (await other_venue.json(content_type=None))["code"] == "auth.forbidden"
    self_promotion = await admin.post(
        f"/api/venues/{hubei['id']}/admins", json={"account": "admin-bj@example.org"}
    )
    assert self_promotion.status == 403
    assert (await counsellor.get(f"/api/venues/{beijing['id']}/staff")).status == 403
    anonymous = await client.post(
        f"/api/venues/{beijing['id']}/admins", json={"account": "admin-bj@example.org"}
    )
    assert anonymous.status == 401
    unknown = await organiser.post(
        f"/api/venues/{beijing['id']}/admins", json={"account": "nobody@example.org"}
    )
    assert (await unknown.json(content_type=None))["code"] == "account.not_found"
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        hubei_grants = await conn.fetchval(
            "SELECT count(*) FROM grants WHERE scope_id = $1 AND account_id = ANY($2::uuid[])",
            hubei["id"],
            [admin.account_id, counsellor.account_id],
        )
    assert hubei_grants == 0


async def test_a_person_fixture_is_an_api_client(client: Client) -> None:
    someone: Person = await person(client, "i@example.org")
    assert (await someone.get("/api/me")).status == 200
