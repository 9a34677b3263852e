"""Employers over HTTP: registration, verification by the region's venue, privacy until
then, profile edits, logos, and recruiters joining by invitation."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from aiohttp.test_utils import TestClient

from server.api.employers import INDUSTRIES
from server.appkeys import POOL
from server.domain.credit_code import make_credit_code
from server.domain.principal import Role
from server.ids import uuid7
from server.timers import FakeClock
from tests.helpers import Person, person

Client = TestClient[Any, Any]


# -- fixtures: a small fair, people, employers, images ------------------------------------


@dataclass
class Fair:
    id: UUID
    main: UUID
    beijing: UUID
    hubei: UUID
    organiser: Person
    beijing_admin: Person
    hubei_admin: Person


async def small_fair(client: Client) -> Fair:
    """July 2020 with a main venue and the Beijing and Hubei sub-venues, an organiser and
    an admin for each sub-venue."""
    app = client.app
    assert app is not None
    fair_id, main, beijing, hubei = uuid7(), uuid7(), uuid7(), uuid7()
    async with app[POOL].acquire() as conn:
        await conn.execute(
            "INSERT INTO fairs (id, slug, title_zh, title_en, starts_on, ends_on, time_zone)"
            " VALUES ($1, 'july-2020', '招聘月', 'Recruitment month', $2, $3, 'Asia/Shanghai')",
            fair_id,
            date(2020, 7, 1),
            date(2020, 7, 31),
        )
        for venue_id, kind, region, position in [
            (main, "main", None, 0),
            (beijing, "sub", "110000", 1),
            (hubei, "sub", "420000", 17),
        ]:
            await conn.execute(
                "INSERT INTO venues (id, fair_id, kind, region_code, name_zh, name_en, position)"
                " VALUES ($1, $2, $3, $4, '会场', 'Venue', $5)",
                venue_id,
                fair_id,
                kind,
                region,
                position,
            )
    organiser = await person(client, "organiser@example.org", "组织者")
    await organiser.grant(Role.ORGANISER, fair_id)
    beijing_admin = await person(client, "admin.bj@example.org", "北京管理员")
    await beijing_admin.grant(Role.VENUE_ADMIN, beijing)
    hubei_admin = await person(client, "admin.hb@example.org", "湖北管理员")
    await hubei_admin.grant(Role.VENUE_ADMIN, hubei)
    return Fair(fair_id, main, beijing, hubei, organiser, beijing_admin, hubei_admin)


def credit_code(n: int, division: str = "110108") -> str:
    return make_credit_code("9", "1", division, f"MA{n:07d}")


def employer_body(n: int = 1, region: str = "110000", **changes: Any) -> dict[str, Any]:
    body = {
        "name": f"示例科技有限公司{n}",
        "credit_code": credit_code(n, region[:2] + "0108"),
        "type": "private",
        "industry": "I",
        "region_code": region,
        "size": "20_99",
        "description": "一家示例企业",
    }
    body.update(changes)
    return body


async def create_employer(owner: Person, n: int = 1, region: str = "110000") -> dict[str, Any]:
    response = await owner.post("/api/employers", employer_body(n, region))
    assert response.status == 201, await response.text()
    employer: dict[str, Any] = await response.json()
    return employer


async def verified_employer(
    owner: Person, verifier: Person, n: int = 1, region: str = "110000"
) -> dict[str, Any]:
    employer = await create_employer(owner, n, region)
    response = await verifier.post(f"/api/employers/{employer['id']}/verification", {})
    assert response.status == 200, await response.text()
    verified: dict[str, Any] = await response.json()
    return verified


async def invite(admin: Person, employer_id: str) -> str:
    response = await admin.post(f"/api/employers/{employer_id}/invitations", {"note": "HR"})
    assert response.status == 201, await response.text()
    code: str = (await response.json())["code"]
    return code


async def recruiter_of(client: Client, admin: Person, employer_id: str, contact: str) -> Person:
    recruiter = await person(client, contact, "招聘专员")
    accepted = await recruiter.post(
        "/api/invitations/accept", {"code": await invite(admin, employer_id)}
    )
    assert accepted.status == 200, await accepted.text()
    return recruiter


async def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status == status, await response.text()
    body: dict[str, Any] = await response.json(content_type=None)
    return body


async def field_errors(response: Any, status: int = 422) -> dict[str, str]:
    body = await problem(response, status)
    return {e["pointer"]: e["code"] for e in body.get("errors", [])}


async def count(client: Client, table: str) -> int:
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        value: int = await conn.fetchval(f"SELECT count(*) FROM {table}")
    return value


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def webp(width: int, height: int) -> bytes:
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
    vp8x += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(vp8x)) + b"WEBP" + vp8x


async def upload(
    who: Person | None, client: Client, employer_id: str, data: bytes, kind: str
) -> Any:
    headers = {"Content-Type": kind, **(who.headers if who else {})}
    return await client.put(f"/api/employers/{employer_id}/logo", data=data, headers=headers)


# -- registration and privacy -------------------------------------------------------------


async def test_a_signed_in_person_registers_an_employer_and_becomes_its_admin(
    client: Client, clock: FakeClock
) -> None:
    owner = await person(client, "hr@example.org", "人事")
    response = await owner.post(
        "/api/employers", employer_body(credit_code=" " + credit_code(1).lower() + " ")
    )
    body = await problem(response, 201)
    assert body["credit_code"] == credit_code(1)  # normalised
    assert body["verified"] is False
    assert body["verified_at"] is None
    assert body["logo_url"] is None
    assert body["created_at"] == clock.now().isoformat().replace("+00:00", "Z")
    me = await (await owner.get("/api/me")).json()
    assert {"role": "employer_admin", "scope_id": body["id"]}.items() <= next(
        g for g in me["grants"] if g["role"] == "employer_admin"
    ).items()
    anonymous = await client.post("/api/employers", json=employer_body(2))
    assert (await problem(anonymous, 401))["code"] == "auth.required"


async def test_an_unverified_employer_is_known_only_to_its_staff_its_region_and_organisers(
    client: Client,
) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    stranger = await person(client, "someone@example.org")
    employer = await create_employer(owner)
    path = f"/api/employers/{employer['id']}"
    assert (await problem(await client.get(path), 404))["code"] == "employer.not_found"
    assert (await stranger.get(path)).status == 404
    assert (await fair.hubei_admin.get(path)).status == 404
    for insider in (owner, fair.beijing_admin, fair.organiser):
        assert (await insider.get(path)).status == 200
    public = await (await client.get("/api/employers")).json()
    assert public["items"] == []
    waiting = await (await fair.beijing_admin.get("/api/employers?verified=false")).json()
    assert [e["id"] for e in waiting["items"]] == [employer["id"]]
    assert (await (await fair.hubei_admin.get("/api/employers?verified=false")).json())[
        "items"
    ] == []


async def test_a_venue_admin_verifies_an_employer_of_their_region_and_the_public_sees_it(
    client: Client, clock: FakeClock
) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await create_employer(owner)
    path = f"/api/employers/{employer['id']}"
    # Not the employer's own admin, and not a venue admin of another province.
    assert (await problem(await owner.post(f"{path}/verification", {}), 403))[
        "code"
    ] == "auth.forbidden"
    assert (await fair.hubei_admin.post(f"{path}/verification", {})).status == 404
    assert (await (await owner.get(path)).json())["verified"] is False

    verified = await problem(await fair.beijing_admin.post(f"{path}/verification", {}), 200)
    assert verified["verified"] is True
    assert verified["verified_by"] == str(fair.beijing_admin.account_id)
    assert verified["verified_at"] == clock.now().isoformat().replace("+00:00", "Z")
    public = await problem(await client.get(path), 200)
    assert public["verified"] is True
    assert public["verified_by"] is None  # who checked it is not public
    assert [e["id"] for e in (await (await client.get("/api/employers")).json())["items"]] == [
        employer["id"]
    ]
    # Now public, it is still not Hubei's to verify or withdraw.
    withdraw = await fair.hubei_admin.post(f"{path}/verification", {"verified": False})
    assert (await problem(withdraw, 403))["code"] == "auth.forbidden"
    assert (await client.post(f"{path}/verification", json={})).status == 401


async def test_an_organiser_verifies_and_withdrawing_verification_hides_the_employer_again(
    client: Client,
) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await create_employer(owner, region="420000")
    path = f"/api/employers/{employer['id']}"
    assert (await fair.organiser.post(f"{path}/verification", {})).status == 200
    assert (await client.get(path)).status == 200
    withdrawn = await fair.hubei_admin.post(f"{path}/verification", {"verified": False})
    assert (await problem(withdrawn, 200))["verified"] is False
    assert (await client.get(path)).status == 404


async def test_a_new_name_code_or_region_needs_verifying_again_but_a_description_does_not(
    client: Client,
) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await verified_employer(owner, fair.beijing_admin)
    path = f"/api/employers/{employer['id']}"
    described = await owner.patch(path, {"description": "我们在招人", "size": "100_299"})
    body = await problem(described, 200)
    assert (body["description"], body["size"], body["verified"]) == ("我们在招人", "100_299", True)
    same_name = await owner.patch(path, {"name": employer["name"]})
    assert (await same_name.json())["verified"] is True
    renamed = await owner.patch(path, {"name": "另一个名字有限公司"})
    assert (await problem(renamed, 200))["verified"] is False
    assert (await client.get(path)).status == 404


async def test_a_recruiter_or_admin_of_employer_a_cannot_edit_employer_b(client: Client) -> None:
    fair = await small_fair(client)
    admin_a = await person(client, "a@example.org")
    admin_b = await person(client, "b@example.org")
    employer_a = await verified_employer(admin_a, fair.beijing_admin, 1)
    employer_b = await verified_employer(admin_b, fair.beijing_admin, 2)
    recruiter_a = await recruiter_of(client, admin_a, employer_a["id"], "r@example.org")
    for outsider in (admin_a, recruiter_a, fair.beijing_admin):
        response = await outsider.patch(f"/api/employers/{employer_b['id']}", {"name": "偷梁换柱"})
        assert (await problem(response, 403))["code"] == "auth.forbidden"
        logo = await upload(outsider, client, employer_b["id"], png(64, 64), "image/png")
        assert logo.status == 403
        invitation = await outsider.post(f"/api/employers/{employer_b['id']}/invitations", {})
        assert invitation.status == 403
    # A recruiter does not edit even their own employer: that is for its admins.
    own = await recruiter_a.patch(f"/api/employers/{employer_a['id']}", {"name": "改名"})
    assert own.status == 403
    assert (await (await client.get(f"/api/employers/{employer_b['id']}")).json())[
        "name"
    ] == employer_b["name"]


# -- bad input ----------------------------------------------------------------------------


async def test_bad_input_on_registration_is_refused_by_field_and_nothing_is_written(
    client: Client,
) -> None:
    owner = await person(client, "hr@example.org")
    malformed = await client.post(
        "/api/employers",
        data=b'{"name": ',
        headers={**owner.headers, "Content-Type": "application/json"},
    )
    assert (await problem(malformed, 400))["code"] == "request.malformed"
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        (employer_body(admin=True), {"/admin": "unknown_field"}),
        (employer_body(name="名" * 101), {"/name": "too_long"}),
        (employer_body(name="   "), {"/name": "too_short"}),
        (
            employer_body(credit_code=credit_code(1)[:-1] + "0"),
            {"/credit_code": "employer.credit_code"},
        ),
        (employer_body(credit_code="91110108MA01ABCDOB"), {"/credit_code": "employer.credit_code"}),
        (employer_body(credit_code="1" * 41), {"/credit_code": "too_long"}),
        (employer_body(type="startup"), {"/type": "not_allowed"}),
        (employer_body(industry="Z"), {"/industry": "not_allowed"}),
        (employer_body(region_code="990000"), {"/region_code": "not_allowed"}),
        (employer_body(size=50), {"/size": "not_allowed"}),
        (employer_body(description="x" * 4001), {"/description": "too_long"}),
        (employer_body(website="javascript:alert(1)"), {"/website": "bad_format"}),
        (employer_body(name=5), {"/name": "wrong_type"}),
    ]
    for body, expected in cases:
        assert await field_errors(await owner.post("/api/employers", body)) == expected, body
    missing = {k: v for k, v in employer_body().items() if k != "credit_code"}
    assert await field_errors(await owner.post("/api/employers", missing)) == {
        "/credit_code": "required"
    }
    assert await count(client, "employers") == 0
    assert await count(client, "grants WHERE role = 'employer_admin'") == 0


async def test_a_bad_credit_code_names_its_field_and_says_what_is_wrong(client: Client) -> None:
    owner = await person(client, "hr@example.org")
    response = await owner.post("/api/employers", employer_body(credit_code="91110108MA01ABCD0C"))
    body = await problem(response, 422)
    assert body["code"] == "request.invalid"
    assert body["errors"][0]["pointer"] == "/credit_code"
    assert body["errors"][0]["code"] == "employer.credit_code"
    assert "check character" in body["errors"][0]["message"]


async def test_one_credit_code_registers_one_employer(client: Client) -> None:
    first = await person(client, "a@example.org")
    second = await person(client, "b@example.org")
    await create_employer(first, 1)
    again = await second.post("/api/employers", employer_body(1, name="冒名有限公司"))
    body = await problem(again, 409)
    assert body["code"] == "employer.exists"
    assert body["errors"][0]["pointer"] == "/credit_code"
    other = await create_employer(second, 2)
    taken = await second.patch(f"/api/employers/{other['id']}", {"credit_code": credit_code(1)})
    assert (await problem(taken, 409))["code"] == "employer.exists"
    assert await count(client, "employers") == 2


async def test_bad_edits_are_refused_by_field_and_change_nothing(client: Client) -> None:
    owner = await person(client, "hr@example.org")
    employer = await create_employer(owner)
    path = f"/api/employers/{employer['id']}"
    assert await field_errors(await owner.patch(path, {"name": None})) == {"/name": "wrong_type"}
    assert await field_errors(await owner.patch(path, {"name": "ok", "verified": True})) == {
        "/verified": "unknown_field"
    }
    assert await field_errors(await owner.patch(path, {"credit_code": "12345"})) == {
        "/credit_code": "employer.credit_code"
    }
    assert await field_errors(await owner.post(f"{path}/verification", {"verified": "yes"})) == {
        "/verified": "wrong_type"
    }
    assert (await (await owner.get(path)).json())["name"] == employer["name"]
    unknown = await owner.patch("/api/employers/not-an-id", {"name": "x"})
    assert (await problem(unknown, 404))["code"] == "employer.not_found"
    assert (await owner.patch(f"/api/employers/{uuid7()}", {"name": "x"})).status == 404


async def test_employers_are_listed_with_filters_and_pages(client: Client) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    for n in range(1, 6):
        await verified_employer(owner, fair.beijing_admin, n)
    await verified_employer(owner, fair.hubei_admin, 6, "420000")
    hubei = await (await client.get("/api/employers?region=420000")).json()
    assert [e["region_code"] for e in hubei["items"]] == ["420000"]
    first = await (await client.get("/api/employers?limit=4")).json()
    assert len(first["items"]) == 4
    rest = await (await client.get(f"/api/employers?limit=4&after={first['next_after']}")).json()
    assert len(rest["items"]) == 2
    assert rest["next_after"] is None
    found = await (await client.get("/api/employers?q=公司3")).json()
    assert [e["name"] for e in found["items"]] == ["示例科技有限公司3"]
    by_code = await (await client.get(f"/api/employers?q={credit_code(2)}")).json()
    assert [e["credit_code"] for e in by_code["items"]] == [credit_code(2)]
    percent = await (await client.get("/api/employers?q=%25")).json()
    assert percent["items"] == []  # a wildcard is a literal character
    assert (await (await client.get("/api/employers?type=state")).json())["items"] == []
    mine = await (await owner.get("/api/employers?mine=true&limit=200")).json()
    assert len(mine["items"]) == 6
    assert await field_errors(await client.get("/api/employers?limit=0")) == {
        "/query/limit": "out_of_range"
    }
    assert await field_errors(await client.get("/api/employers?colour=red")) == {
        "/query/colour": "unknown_field"
    }
    assert await field_errors(await client.get("/api/employers?q=" + "x" * 51)) == {
        "/query/q": "too_long"
    }


# -- logos --------------------------------------------------------------------------------


async def test_an_employer_admin_uploads_a_logo_that_is_served_as_what_it_is(
    client: Client,
) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await verified_employer(owner, fair.beijing_admin)
    image = png(120, 80)
    response = await upload(owner, client, employer["id"], image, "image/png")
    body = await problem(response, 200)
    assert (body["media_type"], body["width"], body["height"], body["bytes"]) == (
        "image/png",
        120,
        80,
        len(image),
    )
    profile = await (await client.get(f"/api/employers/{employer['id']}")).json()
    assert profile["logo_url"] == body["url"]
    served = await client.get(body["url"])
    assert served.status == 200
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert await served.read() == image
    again = await client.get(body["url"], headers={"If-None-Match": served.headers["ETag"]})
    assert again.status == 304
    for data, kind, size in [
        (jpeg(300, 200), "image/jpeg", (300, 200)),
        (webp(64, 48), "image/webp", (64, 48)),
    ]:
        replaced = await problem(await upload(owner, client, employer["id"], data, kind), 200)
        assert (replaced["media_type"], replaced["width"], replaced["height"]) == (kind, *size)
        assert (await client.get(replaced["url"])).headers["Content-Type"] == kind
    assert (await owner.delete(f"/api/employers/{employer['id']}/logo")).status == 204
    gone = await client.get(f"/api/employers/{employer['id']}/logo")
    assert (await problem(gone, 404))["code"] == "employer.logo_not_found"


async def test_logos_are_checked_by_content_size_and_dimensions(client: Client) -> None:
    owner = await person(client, "hr@example.org")
    employer = await create_employer(owner)
    cases = [
        (png(64, 64), "image/jpeg", 422, "employer.logo_invalid"),  # says JPEG, is PNG
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png", 422, "employer.logo_invalid"),
        (b"<html>", "text/html", 415, "request.unsupported_media_type"),
        (png(8, 8), "image/png", 422, "employer.logo_invalid"),  # too small to be a logo
        (png(5000, 20), "image/png", 422, "employer.logo_invalid"),
        (jpeg(64, 64)[:20], "image/jpeg", 422, "employer.logo_invalid"),  # truncated
        (png(64, 64) + b"\x00" * (512 * 1024), "image/png", 413, "request.too_large"),
    ]
    for data, kind, status, code in cases:
        response = await upload(owner, client, employer["id"], data, kind)
        assert (await problem(response, status))["code"] == code, (kind, status)
    assert await count(client, "employer_logos") == 0


async def test_an_unverified_employers_logo_is_as_private_as_the_employer(client: Client) -> None:
    owner = await person(client, "hr@example.org")
    employer = await create_employer(owner)
    assert (await upload(owner, client, employer["id"], png(32, 32), "image/png")).status == 200
    path = f"/api/employers/{employer['id']}/logo"
    assert (await owner.get(path)).status == 200
    assert (await owner.get(path)).headers["Cache-Control"] == "private, no-cache"
    assert (await client.get(path)).status == 404
    assert (await upload(None, client, employer["id"], png(32, 32), "image/png")).status == 404


# -- recruiters ---------------------------------------------------------------------------


async def test_a_recruiter_joins_with_a_one_time_code(client: Client) -> None:
    owner = await person(client, "hr@example.org", "人事经理")
    employer = await create_employer(owner)
    code = await invite(owner, employer["id"])
    assert len(code.replace("-", "")) == 16
    recruiter = await person(client, "r@example.org", "招聘专员")
    accepted = await problem(
        await recruiter.post("/api/invitations/accept", {"code": code.lower().replace("-", " ")}),
        200,
    )
    assert accepted["role"] == "recruiter"
    assert accepted["created"] is True
    assert accepted["employer"]["id"] == employer["id"]
    # The unverified employer is now visible to its new recruiter.
    assert (await recruiter.get(f"/api/employers/{employer['id']}")).status == 200
    someone_else = await person(client, "x@example.org")
    reused = await someone_else.post("/api/invitations/accept", {"code": code})
    assert await field_errors(reused) == {"/code": "invitation.used"}
    guessed = await someone_else.post("/api/invitations/accept", {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert await field_errors(guessed) == {"/code": "invitation.invalid"}
    anonymous = await client.post("/api/invitations/accept", json={"code": code})
    assert anonymous.status == 401
    staff = await (await owner.get(f"/api/employers/{employer['id']}/recruiters")).json()
    assert {(m["display_name"], m["role"]) for m in staff["items"]} == {
        ("人事经理", "employer_admin"),
        ("招聘专员", "recruiter"),
    }
    assert staff["pending_invitations"] == []
    # Recruiters neither invite nor see the staff list: that is for admins.
    assert (await recruiter.post(f"/api/employers/{employer['id']}/invitations", {})).status == 403
    assert (await recruiter.get(f"/api/employers/{employer['id']}/recruiters")).status == 403


async def test_an_invitation_expires_after_seven_days(client: Client, clock: FakeClock) -> None:
    owner = await person(client, "hr@example.org")
    employer = await create_employer(owner)
    code = await invite(owner, employer["id"])
    pending = await (await owner.get(f"/api/employers/{employer['id']}/recruiters")).json()
    assert [i["note"] for i in pending["pending_invitations"]] == ["HR"]
    clock.advance(timedelta(days=7))
    recruiter = await person(client, "r@example.org")
    late = await recruiter.post("/api/invitations/accept", {"code": code})
    assert await field_errors(late) == {"/code": "invitation.expired"}
    assert await count(client, "grants WHERE role = 'recruiter'") == 0


async def test_bad_input_on_invitations(client: Client) -> None:
    owner = await person(client, "hr@example.org")
    employer = await create_employer(owner)
    path = f"/api/employers/{employer['id']}/invitations"
    assert await field_errors(await owner.post(path, {"note": "x" * 81})) == {"/note": "too_long"}
    assert await field_errors(await owner.post(path, {"role": "admin"})) == {
        "/role": "unknown_field"
    }
    assert await field_errors(await owner.post("/api/invitations/accept", {"code": ""})) == {
        "/code": "too_short"
    }
    assert await field_errors(await owner.post("/api/invitations/accept", {"code": 123})) == {
        "/code": "wrong_type"
    }
    assert await count(client, "recruiter_invitations") == 0


async def test_an_admin_removes_a_recruiter(client: Client) -> None:
    owner = await person(client, "hr@example.org")
    employer = await create_employer(owner)
    recruiter = await recruiter_of(client, owner, employer["id"], "r@example.org")
    path = f"/api/employers/{employer['id']}/recruiters/{recruiter.account_id}"
    assert (await recruiter.delete(path)).status == 403
    assert (await owner.delete(path)).status == 204
    assert (await problem(await owner.delete(path), 404))["code"] == "account.not_found"
    assert (await recruiter.get(f"/api/employers/{employer['id']}")).status == 404


async def test_the_structure_operations_are_in_the_openapi_document(client: Client) -> None:
    document = await (await client.get("/api/openapi.json")).json()
    operations = {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
    }
    assert {
        "createEmployer",
        "verifyEmployer",
        "listEmployers",
        "getEmployer",
        "updateEmployer",
        "uploadEmployerLogo",
        "getEmployerLogo",
        "inviteRecruiter",
        "acceptInvitation",
        "listRecruiters",
        "createBooth",
        "requestBooth",
        "approveBooth",
        "updateBooth",
        "listBooths",
        "getBooth",
        "setBoothStaff",
    } <= operations
    industry = document["components"]["schemas"]["EmployerIn"]["properties"]["industry"]
    assert industry["enum"] == sorted(INDUSTRIES) == [chr(c) for c in range(ord("A"), ord("U"))]
