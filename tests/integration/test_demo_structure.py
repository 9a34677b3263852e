"""The demo fair comes with employers, booths, guidance desks and an account per role."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from server.appkeys import POOL
from server.demo.employers import DEMO_PASSWORD, SHOWN, demo_accounts_text
from server.demo.load import load_demo
from server.domain.credit_code import is_credit_code
from server.domain.regions import REGIONS
from server.store.db import Connection
from server.timers import SystemClock

Client = TestClient[Any, Any]
EVERY_TYPE = {"private", "sme", "micro", "state", "other"}
GUIDANCE = {"hiring_guidance", "career_guidance", "entrepreneurship", "legal_advice"}


async def test_every_province_has_a_verified_employer_of_every_type(conn: Connection) -> None:
    await load_demo(conn, clock=SystemClock())
    employers = await conn.fetch("SELECT * FROM employers")
    by_region: dict[str, set[str]] = {}
    for employer in employers:
        by_region.setdefault(employer["region_code"], set()).add(employer["type"])
    assert by_region == {region.code: EVERY_TYPE for region in REGIONS}
    assert all(e["verified_at"] is not None and e["verified_by"] for e in employers)
    assert all(is_credit_code(e["credit_code"]) for e in employers)
    assert all(e["name"].endswith("（示例）") for e in employers)
    assert len({e["name"] for e in employers}) == len(employers)
    # Verified by a venue admin of the employer's own region.
    mismatched = await conn.fetchval(
        """
        SELECT count(*) FROM employers e
         WHERE NOT EXISTS (SELECT 1 FROM grants g JOIN venues v ON v.id = g.scope_id
                            WHERE g.account_id = e.verified_by AND g.role = 'venue_admin'
                              AND v.region_code = e.region_code)
        """
    )
    assert mismatched == 0


async def test_every_employer_exhibits_at_home_and_some_at_the_main_venue(
    conn: Connection,
) -> None:
    await load_demo(conn, clock=SystemClock())
    rows = await conn.fetch(
        """
        SELECT b.id, v.kind AS venue_kind, v.region_code AS venue_region,
               e.region_code AS employer_region, b.status, b.hours
          FROM booths b JOIN venues v ON v.id = b.venue_id JOIN employers e ON e.id = b.employer_id
        """
    )
    at_home = {r["employer_region"] for r in rows if r["venue_region"] == r["employer_region"]}
    assert at_home == {region.code for region in REGIONS}
    assert 3 <= sum(r["venue_kind"] == "main" for r in rows) <= 12
    away_at_hubei = {
        r["employer_region"]
        for r in rows
        if r["venue_region"] == "420000" and r["employer_region"] != "420000"
    }
    assert away_at_hubei == {"310000", "320000", "330000"}
    assert all(r["status"] == "approved" and r["hours"] for r in rows)
    unstaffed_or_wrongly = await conn.fetchval(
        """
        SELECT count(*) FROM booths b
         WHERE b.employer_id IS NOT NULL
           AND (NOT EXISTS (SELECT 1 FROM booth_staff s WHERE s.booth_id = b.id)
                OR EXISTS (SELECT 1 FROM booth_staff s
                            WHERE s.booth_id = b.id
                              AND NOT EXISTS (SELECT 1 FROM grants g
                                               WHERE g.account_id = s.account_id
                                                 AND g.role = 'recruiter'
                                                 AND g.scope_id = b.employer_id)))
        """
    )
    assert unstaffed_or_wrongly == 0


async def test_every_venue_has_the_four_desks_staffed_by_its_counsellors(conn: Connection) -> None:
    await load_demo(conn, clock=SystemClock())
    venues = await conn.fetch("SELECT id FROM venues")
    desks = await conn.fetch("SELECT venue_id, kind FROM booths WHERE employer_id IS NULL")
    assert {(d["venue_id"], d["kind"]) for d in desks} == {
        (v["id"], kind) for v in venues for kind in GUIDANCE
    }
    assert len(desks) == len(venues) * 4
    wrongly_staffed = await conn.fetchval(
        """
        SELECT count(*) FROM booths b
         WHERE b.employer_id IS NULL
           AND (NOT EXISTS (SELECT 1 FROM booth_staff s WHERE s.booth_id = b.id)
                OR EXISTS (SELECT 1 FROM booth_staff s
                            WHERE s.booth_id = b.id
                              AND NOT EXISTS (SELECT 1 FROM grants g
                                               WHERE g.account_id = s.account_id
                                                 AND g.role = 'counsellor'
                                                 AND g.scope_id = b.venue_id)))
        """
    )
    assert wrongly_staffed == 0


async def test_replacing_the_demo_leaves_one_copy_of_everything(conn: Connection) -> None:
    await load_demo(conn, clock=SystemClock())
    counts = await conn.fetchrow(
        "SELECT (SELECT count(*) FROM employers) AS e, (SELECT count(*) FROM booths) AS b,"
        " (SELECT count(*) FROM accounts) AS a, (SELECT count(*) FROM grants) AS g"
    )
    await load_demo(conn, clock=SystemClock(), replace=True)
    again = await conn.fetchrow(
        "SELECT (SELECT count(*) FROM employers) AS e, (SELECT count(*) FROM booths) AS b,"
        " (SELECT count(*) FROM accounts) AS a, (SELECT count(*) FROM grants) AS g"
    )
    assert counts == again


async def test_the_shown_demo_accounts_hold_every_role_and_the_documented_password(
    client: Client,
) -> None:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        await load_demo(conn, clock=SystemClock())
        rows = await conn.fetch(
            """
            SELECT a.email, a.password_hash, g.role
              FROM accounts a JOIN grants g ON g.account_id = a.id
             WHERE a.email = ANY($1::text[])
            """,
            [account.email for account in SHOWN],
        )
    assert {row["email"] for row in rows} == {account.email for account in SHOWN}
    assert {row["role"] for row in rows} == {
        "organiser",
        "venue_admin",
        "employer_admin",
        "recruiter",
        "counsellor",
        "candidate",
    }
    assert len({row["password_hash"] for row in rows}) == 1  # hashed once, shared
    # argon2 at full cost takes a while per sign-in: one is proof enough.
    login = await client.post(
        "/api/auth/login",
        json={"identifier": SHOWN[0].email, "password": DEMO_PASSWORD, "client": "api"},
    )
    assert login.status == 200
    text = demo_accounts_text()
    assert DEMO_PASSWORD in text
    assert all(account.email in text for account in SHOWN)


async def test_the_demo_recruiter_staffs_a_public_booth_of_their_employer(client: Client) -> None:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        await load_demo(conn, clock=SystemClock())
    login = await client.post(
        "/api/auth/login",
        json={"identifier": "e001.recruiter1@demo.livefair.example", "password": DEMO_PASSWORD},
    )
    assert login.status == 200
    recruiter = (await login.json())["account"]
    employer_id = next(g["scope_id"] for g in recruiter["grants"] if g["role"] == "recruiter")
    booths = await (await client.get(f"/api/booths?employer={employer_id}")).json()
    assert booths["items"]
    for booth in booths["items"]:
        assert booth["employer"]["verified"] is True
        assert recruiter["id"] in {member["account_id"] for member in booth["staff"]}


async def test_some_demo_booths_take_reservations_and_the_first_employer_does_not(
    client: Client,
) -> None:
    """A visitor of the demo can book a slot: every third employer's booth in its own
    province takes reservations (the first employer's, which the walkthroughs use for the
    walk-in line, does not)."""
    assert client.app is not None
    async with client.app[POOL].acquire() as conn:
        await load_demo(conn, clock=SystemClock())
        rows = await conn.fetch(
            """
            SELECT s.booth_id, v.region_code = e.region_code AS at_home, s.enabled
              FROM booth_slot_settings s JOIN booths b ON b.id = s.booth_id
              JOIN employers e ON e.id = b.employer_id JOIN venues v ON v.id = b.venue_id
            """
        )
        first = await conn.fetchval(
            """
            SELECT count(*) FROM booth_slot_settings s JOIN booth_staff st USING (booth_id)
              JOIN accounts a ON a.id = st.account_id
             WHERE a.email = 'e001.recruiter1@demo.livefair.example'
            """
        )
    assert len(rows) >= len(REGIONS)  # about a third of 5 employers in every province
    assert all(r["enabled"] and r["at_home"] for r in rows)
    assert first == 0
    slots = await (await client.get(f"/api/booths/{rows[0]['booth_id']}/slots")).json()
    assert slots["enabled"] is True, slots
    assert slots["days"], "the booth has fair days with slots"
