"""Booths and guidance desks over HTTP: who opens, requests, approves, edits and staffs
them, what the public sees, and bad input on every endpoint."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from server.domain.principal import Role
from server.ids import uuid7
from tests.helpers import Person, person
from tests.integration.test_employers import (
    Fair,
    count,
    create_employer,
    field_errors,
    problem,
    recruiter_of,
    small_fair,
    verified_employer,
)

Client = TestClient[Any, Any]
WEEKDAYS: list[dict[str, Any]] = [
    {"weekday": d, "start": "09:00", "end": "12:00"} for d in range(1, 6)
]
# As the API renders them: both day keys, one of them null.
WEEKDAYS_OUT = [{"date": None, **entry} for entry in WEEKDAYS]


def booth_body(employer_id: str | None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "employer_id": employer_id,
        "intro": "招聘软件工程师",
        "capacity": 40,
        "slot_minutes": 15,
        "hours": WEEKDAYS,
    }
    body.update(changes)
    return body


async def open_booth(admin: Person, venue: Any, employer_id: str | None, **changes: Any) -> Any:
    response = await admin.post(f"/api/venues/{venue}/booths", booth_body(employer_id, **changes))
    return await problem(response, 201)


async def listed(client: Client, query: str = "", who: Person | None = None) -> list[str]:
    response = await (who.get if who else client.get)(f"/api/booths{query}")
    body = await problem(response, 200)
    return [booth["id"] for booth in body["items"]]


# -- opening, requesting, approving -------------------------------------------------------


async def test_a_venue_admin_opens_a_booth_for_a_verified_employer_and_it_is_public(
    client: Client,
) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await verified_employer(owner, fair.beijing_admin)
    booth = await open_booth(fair.beijing_admin, fair.beijing, employer["id"])
    assert booth["status"] == "approved"
    assert booth["kind"] == "employer"
    assert (booth["capacity"], booth["slot_minutes"]) == (40, 15)
    assert booth["hours"] == WEEKDAYS_OUT
    assert booth["employer"] == {
        "id": employer["id"],
        "name": employer["name"],
        "type": "private",
        "industry": "I",
        "region_code": "110000",
        "verified": True,
        "logo_url": None,
    }
    assert booth["staff"] == []
    assert await listed(client) == [booth["id"]]
    assert await listed(client, f"?fair={fair.id}&venue={fair.beijing}&kind=employer") == [
        booth["id"]
    ]
    assert await listed(client, f"?venue={fair.hubei}") == []
    public = await problem(await client.get(f"/api/booths/{booth['id']}"), 200)
    assert public["id"] == booth["id"]
    # The main venue may host a Beijing employer too; Hubei's admin may not open a booth
    # at Beijing's venue.
    await open_booth(fair.organiser, fair.main, employer["id"])
    at_beijing = await fair.hubei_admin.post(
        f"/api/venues/{fair.beijing}/booths", booth_body(employer["id"])
    )
    assert (await problem(at_beijing, 403))["code"] == "auth.forbidden"
    assert (
        await owner.post(f"/api/venues/{fair.beijing}/booths", booth_body(employer["id"]))
    ).status == 403


async def test_an_unverified_employer_gets_no_booth(client: Client) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await create_employer(owner)
    response = await fair.beijing_admin.post(
        f"/api/venues/{fair.beijing}/booths", booth_body(employer["id"])
    )
    assert (await problem(response, 409))["code"] == "employer.not_verified"
    request = await owner.post(
        f"/api/employers/{employer['id']}/booths", {"venue_id": str(fair.beijing)}
    )
    assert (await problem(request, 409))["code"] == "employer.not_verified"
    # Hubei's admin does not even learn that the Beijing employer exists.
    hidden = await fair.hubei_admin.post(
        f"/api/venues/{fair.hubei}/booths", booth_body(employer["id"])
    )
    assert await field_errors(hidden) == {"/employer_id": "employer.not_found"}
    assert await count(client, "booths") == 0


async def test_the_employer_requests_a_booth_and_the_venue_approves_it(client: Client) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await verified_employer(owner, fair.beijing_admin)
    recruiter = await recruiter_of(client, owner, employer["id"], "r@example.org")
    body = booth_body(None, venue_id=str(fair.hubei))
    del body["employer_id"]
    response = await owner.post(f"/api/employers/{employer['id']}/booths", body)
    booth = await problem(response, 201)
    assert booth["status"] == "requested"
    assert booth["requested_at"] is not None
    path = f"/api/booths/{booth['id']}"
    # A request is not public; the employer's staff and the venue see it.
    assert (await client.get(path)).status == 404
    assert await listed(client) == []
    for insider in (owner, recruiter, fair.hubei_admin, fair.organiser):
        assert (await insider.get(path)).status == 200, insider
    assert await listed(client, "?status=requested", fair.hubei_admin) == [booth["id"]]
    # Only the venue approves: not the employer, not another province's admin.
    assert (await owner.post(f"{path}/approval", {})).status == 403
    assert (await owner.patch(path, {"status": "approved"})).status == 403
    assert (await fair.beijing_admin.post(f"{path}/approval", {})).status == 403
    approved = await problem(await fair.hubei_admin.post(f"{path}/approval", {}), 200)
    assert approved["status"] == "approved"
    assert (await client.get(path)).status == 200
    assert await listed(client) == [booth["id"]]
    # A second open booth at the same venue is a conflict, whoever asks.
    again = await owner.post(f"/api/employers/{employer['id']}/booths", body)
    assert (await problem(again, 409))["code"] == "booth.exists"
    opened = await fair.hubei_admin.post(
        f"/api/venues/{fair.hubei}/booths", booth_body(employer["id"])
    )
    assert (await problem(opened, 409))["code"] == "booth.exists"
    assert (await recruiter.post(f"/api/employers/{employer['id']}/booths", body)).status == 403


async def test_a_venue_declines_a_request_and_the_employer_may_ask_again(client: Client) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await verified_employer(owner, fair.beijing_admin)
    body = {"venue_id": str(fair.beijing), "capacity": 10}
    booth = await problem(await owner.post(f"/api/employers/{employer['id']}/booths", body), 201)
    declined = await fair.beijing_admin.post(
        f"/api/booths/{booth['id']}/approval", {"approved": False}
    )
    assert (await problem(declined, 200))["status"] == "closed"
    assert (await client.get(f"/api/booths/{booth['id']}")).status == 404  # never public
    assert (await owner.post(f"/api/employers/{employer['id']}/booths", body)).status == 201


async def test_closing_hides_a_booth_from_lists_and_only_the_venue_reopens_it(
    client: Client,
) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await verified_employer(owner, fair.beijing_admin)
    booth = await open_booth(fair.beijing_admin, fair.beijing, employer["id"])
    path = f"/api/booths/{booth['id']}"
    closed = await problem(await owner.patch(path, {"status": "closed"}), 200)
    assert closed["status"] == "closed"
    assert closed["closed_at"] is not None
    assert await listed(client) == []
    assert (await (await client.get(path)).json())["status"] == "closed"  # links keep working
    assert (await owner.patch(path, {"status": "approved"})).status == 403
    invalid = await fair.beijing_admin.patch(path, {"status": "requested"})
    assert await field_errors(invalid) == {"/status": "booth.status_transition"}
    reopened = await problem(await fair.beijing_admin.patch(path, {"status": "approved"}), 200)
    assert reopened["status"] == "approved"
    assert reopened["closed_at"] is None
    assert await listed(client) == [booth["id"]]


async def test_withdrawing_an_employers_verification_hides_its_booths(client: Client) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await verified_employer(owner, fair.beijing_admin)
    booth = await open_booth(fair.hubei_admin, fair.hubei, employer["id"])
    withdrawn = await fair.beijing_admin.post(
        f"/api/employers/{employer['id']}/verification", {"verified": False}
    )
    assert withdrawn.status == 200
    assert await listed(client) == []
    assert (await client.get(f"/api/booths/{booth['id']}")).status == 404
    # Its own staff and the hosting venue still see it.
    assert await listed(client, "", owner) == [booth["id"]]
    assert await listed(client, "", fair.hubei_admin) == [booth["id"]]
    # It cannot be reopened until verified again.
    await fair.hubei_admin.patch(f"/api/booths/{booth['id']}", {"status": "closed"})
    reopen = await fair.hubei_admin.post(f"/api/booths/{booth['id']}/approval", {})
    assert (await problem(reopen, 409))["code"] == "employer.not_verified"


async def test_the_employer_and_the_venue_edit_a_booth(client: Client) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await verified_employer(owner, fair.beijing_admin)
    booth = await open_booth(fair.beijing_admin, fair.beijing, employer["id"])
    path = f"/api/booths/{booth['id']}"
    special = [{"date": "2020-07-04", "start": "10:00", "end": "12:00"}, *WEEKDAYS]
    edited = await problem(await owner.patch(path, {"intro": "新简介", "hours": special}), 200)
    assert edited["intro"] == "新简介"
    assert edited["hours"] == [{"weekday": None, **special[0]}, *WEEKDAYS_OUT]
    resized = await problem(await fair.beijing_admin.patch(path, {"capacity": 2000}), 200)
    assert resized["capacity"] == 2000
    assert resized["intro"] == "新简介"
    other = await person(client, "other@example.org")
    other_employer = await verified_employer(other, fair.beijing_admin, 2)
    assert other_employer
    assert (await other.patch(path, {"intro": "捣乱"})).status == 403
    assert (await fair.hubei_admin.patch(path, {"intro": "捣乱"})).status == 403
    assert (await client.patch(path, json={"intro": "匿名"})).status == 401


# -- staff --------------------------------------------------------------------------------


async def test_an_employer_admin_staffs_a_booth_with_its_recruiters_only(client: Client) -> None:
    fair = await small_fair(client)
    admin_a = await person(client, "a@example.org", "甲公司人事")
    admin_b = await person(client, "b@example.org")
    employer_a = await verified_employer(admin_a, fair.beijing_admin, 1)
    employer_b = await verified_employer(admin_b, fair.beijing_admin, 2)
    recruiter_a = await recruiter_of(client, admin_a, employer_a["id"], "ra@example.org")
    recruiter_b = await recruiter_of(client, admin_b, employer_b["id"], "rb@example.org")
    booth_a = await open_booth(fair.beijing_admin, fair.beijing, employer_a["id"])
    booth_b = await open_booth(fair.beijing_admin, fair.beijing, employer_b["id"])
    staff_a = f"/api/booths/{booth_a['id']}/staff"
    staff_b = f"/api/booths/{booth_b['id']}/staff"

    ids = [str(recruiter_a.account_id), str(admin_a.account_id), str(recruiter_a.account_id)]
    assigned = await problem(await admin_a.put(staff_a, {"account_ids": ids}), 200)
    assert {(m["account_id"], m["display_name"]) for m in assigned["items"]} == {
        (str(recruiter_a.account_id), "招聘专员"),
        (str(admin_a.account_id), "甲公司人事"),
    }
    shown = await (await client.get(f"/api/booths/{booth_a['id']}")).json()
    assert {m["account_id"] for m in shown["staff"]} == set(ids)

    # Someone else's recruiter cannot be put on A's booth, and nothing changes.
    mixed = await admin_a.put(staff_a, {"account_ids": [ids[0], str(recruiter_b.account_id)]})
    assert await field_errors(mixed) == {"/account_ids/1": "booth.staff_not_eligible"}
    # A recruiter of A staffs neither A's booth (that is for admins) nor B's.
    assert (await recruiter_a.put(staff_a, {"account_ids": []})).status == 403
    assert (await recruiter_a.put(staff_b, {"account_ids": [ids[0]]})).status == 403
    assert (await admin_a.put(staff_b, {"account_ids": [ids[0]]})).status == 403
    # The venue runs the booth but does not choose an employer's staff.
    assert (await fair.beijing_admin.put(staff_a, {"account_ids": []})).status == 403
    assert len((await (await client.get(f"/api/booths/{booth_a['id']}")).json())["staff"]) == 2

    cleared = await problem(await admin_a.put(staff_a, {"account_ids": [ids[1]]}), 200)
    assert [m["account_id"] for m in cleared["items"]] == [ids[1]]


async def test_a_removed_recruiter_leaves_the_employers_booths(client: Client) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await verified_employer(owner, fair.beijing_admin)
    recruiter = await recruiter_of(client, owner, employer["id"], "r@example.org")
    booth = await open_booth(fair.beijing_admin, fair.beijing, employer["id"])
    await owner.put(
        f"/api/booths/{booth['id']}/staff", {"account_ids": [str(recruiter.account_id)]}
    )
    removed = await owner.delete(
        f"/api/employers/{employer['id']}/recruiters/{recruiter.account_id}"
    )
    assert removed.status == 204
    assert (await (await client.get(f"/api/booths/{booth['id']}")).json())["staff"] == []


async def test_guidance_desks_are_opened_and_staffed_by_the_venue(client: Client) -> None:
    fair = await small_fair(client)
    counsellor = await person(client, "c@example.org", "指导员")
    await counsellor.grant(Role.COUNSELLOR, fair.beijing)
    hubei_counsellor = await person(client, "hc@example.org")
    await hubei_counsellor.grant(Role.COUNSELLOR, fair.hubei)
    desk = await open_booth(
        fair.beijing_admin, fair.beijing, None, kind="legal_advice", title="法律咨询服务台"
    )
    assert (desk["kind"], desk["employer"], desk["title"]) == (
        "legal_advice",
        None,
        "法律咨询服务台",
    )
    assert await listed(client, "?kind=legal_advice") == [desk["id"]]
    path = f"/api/booths/{desk['id']}/staff"
    staffed = await fair.beijing_admin.put(path, {"account_ids": [str(counsellor.account_id)]})
    assert [m["display_name"] for m in (await problem(staffed, 200))["items"]] == ["指导员"]
    wrong_venue = await fair.beijing_admin.put(
        path, {"account_ids": [str(hubei_counsellor.account_id)]}
    )
    assert await field_errors(wrong_venue) == {"/account_ids/0": "booth.staff_not_eligible"}
    assert (await fair.hubei_admin.put(path, {"account_ids": []})).status == 403
    assert (await counsellor.put(path, {"account_ids": []})).status == 403
    owner = await person(client, "hr@example.org")
    await verified_employer(owner, fair.beijing_admin)
    assert (await owner.put(path, {"account_ids": []})).status == 403
    with_employer = await fair.beijing_admin.post(
        f"/api/venues/{fair.beijing}/booths",
        booth_body(str(uuid7()), kind="career_guidance"),
    )
    assert await field_errors(with_employer) == {"/employer_id": "not_allowed"}


# -- bad input ----------------------------------------------------------------------------


async def test_bad_booth_input_is_refused_by_field_and_nothing_is_written(client: Client) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await verified_employer(owner, fair.beijing_admin)
    admin = fair.beijing_admin
    path = f"/api/venues/{fair.beijing}/booths"
    e = employer["id"]
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        (booth_body(e, capacity=0), {"/capacity": "out_of_range"}),
        (booth_body(e, capacity=2001), {"/capacity": "out_of_range"}),
        (booth_body(e, capacity="40"), {"/capacity": "wrong_type"}),
        (booth_body(e, slot_minutes=4), {"/slot_minutes": "out_of_range"}),
        (booth_body(e, slot_minutes=121), {"/slot_minutes": "out_of_range"}),
        (booth_body(e, intro="x" * 2001), {"/intro": "too_long"}),
        (booth_body(e, title="x" * 101), {"/title": "too_long"}),
        (booth_body(e, kind="cafeteria"), {"/kind": "not_allowed"}),
        (booth_body(e, queue="vip"), {"/queue": "unknown_field"}),
        (booth_body(None), {"/employer_id": "required"}),
        (booth_body("not-a-uuid"), {"/employer_id": "wrong_type"}),
        (booth_body(str(uuid7())), {"/employer_id": "employer.not_found"}),
        (
            booth_body(e, hours=[{"weekday": 1, "start": "12:00", "end": "09:00"}]),
            {"/hours/0/end": "booth.hours_order"},
        ),
        (
            booth_body(e, hours=[{"date": "2020-08-01", "start": "09:00", "end": "10:00"}]),
            {"/hours/0/date": "booth.hours_outside_fair"},
        ),
        (
            booth_body(e, hours=[{"weekday": 8, "start": "09:00", "end": "10:00"}]),
            {"/hours/0/weekday": "out_of_range"},
        ),
        (
            booth_body(e, hours=[{"weekday": 1, "start": "9:00", "end": "24:00"}]),
            {"/hours/0/start": "bad_format", "/hours/0/end": "bad_format"},
        ),
        (
            booth_body(e, hours=[{"start": "09:00", "end": "10:00"}]),
            {"/hours/0": "booth.hours_day"},
        ),
        (
            booth_body(
                e,
                hours=[
                    {"weekday": 2, "start": "09:00", "end": "12:00"},
                    {"weekday": 2, "start": "11:00", "end": "13:00"},
                ],
            ),
            {"/hours/1/start": "booth.hours_overlap"},
        ),
        (
            booth_body(e, hours=[{"weekday": 1, "start": "09:00", "end": "10:00"}] * 65),
            {"/hours": "too_long"},
        ),
    ]
    for body, expected in cases:
        assert await field_errors(await admin.post(path, body)) == expected, body
    malformed = await client.post(
        path, data=b"{", headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert (await problem(malformed, 400))["code"] == "request.malformed"
    nowhere = await admin.post(f"/api/venues/{uuid7()}/booths", booth_body(e))
    assert (await problem(nowhere, 404))["code"] == "venue.not_found"
    request = f"/api/employers/{e}/booths"
    assert await field_errors(await owner.post(request, {"capacity": 10})) == {
        "/venue_id": "required"
    }
    assert await field_errors(await owner.post(request, {"venue_id": str(uuid7())})) == {
        "/venue_id": "venue.not_found"
    }
    assert await count(client, "booths") == 0


async def test_one_bad_booth_request_names_every_bad_field_with_the_hours_rules_too(
    client: Client,
) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await verified_employer(owner, fair.beijing_admin)
    backwards = [{"weekday": 1, "start": "17:00", "end": "09:00"}]
    bad = {"capacity": 0, "slot_minutes": 500, "hours": backwards}
    every = {
        "/capacity": "out_of_range",
        "/slot_minutes": "out_of_range",
        "/hours/0/end": "booth.hours_order",
    }
    request = f"/api/employers/{employer['id']}/booths"
    assert (
        await field_errors(await owner.post(request, {"venue_id": str(fair.beijing), **bad}))
        == every
    )
    assert await field_errors(await owner.post(request, {"venue_id": str(uuid7()), **bad})) == {
        "/venue_id": "venue.not_found",
        "/capacity": "out_of_range",
        "/slot_minutes": "out_of_range",
    }
    stranger = await person(client, "other@example.org")
    assert await field_errors(
        await stranger.post(request, {"venue_id": str(fair.beijing), **bad})
    ) == {"/capacity": "out_of_range", "/slot_minutes": "out_of_range"}

    opened = f"/api/venues/{fair.beijing}/booths"
    assert await field_errors(await fair.beijing_admin.post(opened, booth_body(None, **bad))) == {
        **every,
        "/employer_id": "required",
    }
    assert await count(client, "booths") == 0

    booth = await open_booth(fair.beijing_admin, fair.beijing, employer["id"])
    edit = {"capacity": 0, "intro": None, "hours": backwards}
    assert await field_errors(await owner.patch(f"/api/booths/{booth['id']}", edit)) == {
        "/capacity": "out_of_range",
        "/intro": "wrong_type",
        "/hours/0/end": "booth.hours_order",
    }
    assert (await (await client.get(f"/api/booths/{booth['id']}")).json())["hours"] == WEEKDAYS_OUT


async def test_bad_edits_and_staff_lists_change_nothing(client: Client) -> None:
    fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    employer = await verified_employer(owner, fair.beijing_admin)
    booth = await open_booth(fair.beijing_admin, fair.beijing, employer["id"])
    path = f"/api/booths/{booth['id']}"
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({"capacity": None}, {"/capacity": "wrong_type"}),
        ({"capacity": 0, "intro": "ok"}, {"/capacity": "out_of_range"}),
        ({"status": "open"}, {"/status": "not_allowed"}),
        ({"employer_id": str(uuid7())}, {"/employer_id": "unknown_field"}),
        (
            {"intro": "ok", "hours": [{"date": "2020-06-01", "start": "09:00", "end": "10:00"}]},
            {"/hours/0/date": "booth.hours_outside_fair"},
        ),
    ]
    for body, expected in cases:
        assert await field_errors(await owner.patch(path, body)) == expected, body
    assert (await (await client.get(path)).json())["intro"] == booth["intro"]
    staff = f"{path}/staff"
    assert await field_errors(await owner.put(staff, {"account_ids": ["x"]})) == {
        "/account_ids/0": "wrong_type"
    }
    too_many = [str(uuid7()) for _ in range(51)]
    assert await field_errors(await owner.put(staff, {"account_ids": too_many})) == {
        "/account_ids": "too_long"
    }
    assert await field_errors(await owner.put(staff, {})) == {"/account_ids": "required"}
    assert await field_errors(await owner.put(staff, {"account_ids": [str(uuid7())]})) == {
        "/account_ids/0": "booth.staff_not_eligible"
    }
    assert await field_errors(
        await fair.beijing_admin.post(f"{path}/approval", {"approved": 1})
    ) == {"/approved": "wrong_type"}
    assert (await problem(await client.get(f"/api/booths/{uuid7()}"), 404))[
        "code"
    ] == "booth.not_found"
    assert (await client.get("/api/booths/nope")).status == 404
    for query, pointer in [
        ("?limit=501", "/query/limit"),
        ("?offset=-1", "/query/offset"),
        ("?kind=stage", "/query/kind"),
        ("?fair=x", "/query/fair"),
    ]:
        assert pointer in await field_errors(await client.get(f"/api/booths{query}")), query


async def test_booths_are_listed_by_venue_and_paged(client: Client) -> None:
    fair: Fair = await small_fair(client)
    owner = await person(client, "hr@example.org")
    booths = []
    for n in range(1, 4):
        employer = await verified_employer(owner, fair.beijing_admin, n)
        booths.append(await open_booth(fair.hubei_admin, fair.hubei, employer["id"]))
    main_booth = await open_booth(fair.organiser, fair.main, booths[0]["employer"]["id"])
    desk = await open_booth(fair.hubei_admin, fair.hubei, None, kind="career_guidance")
    everything = await listed(client)
    # Main venue first; at a venue, employers' booths before desks.
    assert everything == [main_booth["id"], *[b["id"] for b in booths], desk["id"]]
    page = await (await client.get("/api/booths?limit=2&offset=2")).json()
    assert [b["id"] for b in page["items"]] == everything[2:4]
    assert page["next_offset"] == 4
    last = await (await client.get("/api/booths?limit=2&offset=4")).json()
    assert last["next_offset"] is None
    employer_id = booths[0]["employer"]["id"]
    assert await listed(client, f"?employer={employer_id}") == [main_booth["id"], booths[0]["id"]]
