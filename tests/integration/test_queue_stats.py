"""Queue statistics: real tickets through QueueService on a fake clock, every figure
checked against hand-computed values, and who may read them (getQueueStats)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from aiohttp.test_utils import TestClient

from server.appkeys import OUTBOX, POOL, QUEUE
from server.domain.principal import Role
from server.domain.queue import TicketKind
from server.timers import FakeClock
from tests.helpers import Person, person, quick_person
from tests.integration.test_queue import booth_with, on_duty, open_line, problem_code

Client = TestClient[Any, Any]

# 09:00 on 3 July 2020 in Beijing.
T0 = datetime(2020, 7, 3, 1, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


class History:
    """Two booths of one venue with a day and a bit of queue history (see ``make``)."""

    def __init__(self, client: Client, clock: FakeClock) -> None:
        self.client = client
        self.clock = clock

    def at(self, seconds: float, day: int = 0) -> None:
        target = T0 + timedelta(days=day, seconds=seconds)
        self.clock.advance(target - self.clock.now())

    async def make(self) -> None:
        client, app = self.client, self.client.app
        assert app is not None
        queue = app[QUEUE]
        self.r1, self.r2, self.r3 = [await person(client, f"sr{i}@example.org") for i in (1, 2, 3)]
        c = [await quick_person(client, f"sc{i}@example.org") for i in range(8)]
        self.a = await booth_with(client, [self.r1, self.r2])
        self.b = await booth_with(client, [self.r3])
        async with app[POOL].acquire() as conn:
            found = await conn.fetchrow(
                "SELECT fair_id, venue_id FROM booths WHERE id = $1", self.a
            )
        self.fair, self.venue = found["fair_id"], found["venue_id"]
        await open_line(self.r1, self.a)
        await open_line(self.r3, self.b)
        async with AsyncExitStack() as duty:
            for r, booth in ((self.r1, self.a), (self.r2, self.a), (self.r3, self.b)):
                await duty.enter_async_context(on_duty(client, r, booth))
            ids = {}
            for i, offset in ((1, 0), (2, 60), (3, 120), (4, 180)):
                self.at(offset)
                ids[i] = (await queue.join(self.a, c[i].account_id))["id"]
            self.at(300)
            assert (await queue.call(self.a, self.r1.account_id))["id"] == ids[1]
            self.at(310)
            await queue.accept(ids[1], c[1].account_id)
            self.at(400)
            assert (await queue.call(self.a, self.r2.account_id))["id"] == ids[2]
            await queue.decline(ids[2], c[2].account_id)  # a pass: back in place
            self.at(450)
            await queue.leave(ids[3], c[3].account_id)
            self.at(500)
            assert (await queue.call(self.a, self.r2.account_id))["id"] == ids[2]
            self.at(510)
            await queue.accept(ids[2], c[2].account_id)
            self.at(810)
            await queue.complete(ids[2], self.r2.account_id)
            self.at(910)
            await queue.complete(ids[1], self.r1.account_id)
            for offset in (1000, 1010):  # two passes: expired
                self.at(offset)
                assert (await queue.call(self.a, self.r1.account_id))["id"] == ids[4]
                await queue.decline(ids[4], c[4].account_id)
            self.at(1100)
            removed = (await queue.join(self.a, c[5].account_id))["id"]
            self.at(1150)
            await queue.join(self.a, c[6].account_id)  # still waiting: open
            self.at(1200)
            await queue.remove(removed, self.r2.account_id, "重复取号")
            # Booth B: c2 handed over (keeping their join time), and a reservation no-show.
            self.at(1300)
            async with app[OUTBOX].transaction() as tx:
                handoff = await queue.admit_within(
                    tx,
                    self.b,
                    c[2].account_id,
                    kind=TicketKind.HANDOFF,
                    call_key=self.clock.now().timestamp(),
                    joined_at=T0 + timedelta(seconds=60),
                    handed_from=ids[2],
                )
                booked = await queue.admit_within(
                    tx, self.b, c[7].account_id, kind=TicketKind.RESERVATION, call_key=1.0
                )
            assert handoff is not None
            assert booked is not None
            self.at(1350)
            await queue.remove(booked["id"], self.r3.account_id, "no_show")
            self.at(1400)
            assert (await queue.call(self.b, self.r3.account_id))["id"] == handoff["id"]
            self.at(1410)
            await queue.accept(handoff["id"], c[2].account_id)
            self.at(1710)
            await queue.complete(handoff["id"], self.r3.account_id)
            # The next fair day at booth A.
            self.at(0, day=1)
            again = (await queue.join(self.a, c[1].account_id))["id"]
            self.at(60, day=1)
            await queue.call(self.a, self.r1.account_id, again)  # c6 still waits from day 1
            self.at(70, day=1)
            await queue.accept(again, c[1].account_id)
            self.at(370, day=1)
            await queue.complete(again, self.r1.account_id)

    async def admin(self) -> Person:
        admin = await person(self.client, "sadmin@example.org")
        await admin.grant(Role.VENUE_ADMIN, self.venue)
        return admin


async def stats(who: Person, query: str) -> dict[str, Any]:
    response = await who.get(f"/api/queue-stats?{query}")
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


def figures(**given: Any) -> dict[str, Any]:
    """Every figure: counts default to 0, durations and the rate to None."""
    found: dict[str, Any] = dict.fromkeys(
        ("joins", "handoffs", "served", "left", "expired", "removed", "no_shows", "open"), 0
    )
    found.update(
        dict.fromkeys(
            (
                "wait_median",
                "wait_p90",
                "service_median",
                "first_contact_median",
                "abandonment_rate",
            )
        )
    )
    found.update(given)
    return found


def rows(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row.pop("key"): row for row in body["rows"]}


@pytest.fixture
async def history(client: Client, clock: FakeClock) -> History:
    made = History(client, clock)
    await made.make()
    return made


async def test_a_booths_figures_per_fair_day(history: History) -> None:
    body = await stats(history.r1, f"booth={history.a}&by=day")
    assert (body["from"], body["to"], body["time_zone"]) == (
        "2020-07-01",
        "2020-07-31",
        "Asia/Shanghai",
    )
    assert rows(body) == {
        "2020-07-03": figures(
            joins=6,
            served=2,
            left=1,
            expired=1,
            removed=1,
            open=1,
            wait_median=320.0,  # c1 300 s, c2 340 s (their first call, before the pass)
            wait_p90=336.0,
            service_median=450.0,  # 600 s and 300 s
            first_contact_median=340.0,  # 300, 340 and c4's 820 (expired after two passes)
            abandonment_rate=pytest.approx(1 / 6),
        ),
        "2020-07-04": figures(
            joins=1,
            served=1,
            wait_median=60.0,
            wait_p90=60.0,
            service_median=300.0,
            first_contact_median=60.0,
            abandonment_rate=0.0,
        ),
    }
    assert body["total"] == figures(
        joins=7,
        served=3,
        left=1,
        expired=1,
        removed=1,
        open=1,
        wait_median=300.0,
        wait_p90=332.0,  # 60, 300, 340: rank 1.8
        service_median=300.0,
        first_contact_median=320.0,
        abandonment_rate=pytest.approx(1 / 7),
    )


async def test_a_venue_per_booth_counts_handoffs_and_reservation_no_shows(
    history: History,
) -> None:
    admin = await history.admin()
    body = await stats(admin, f"venue={history.venue}&by=booth&to=2020-07-03")
    booth_b = rows(body)[str(history.b)]
    assert booth_b == figures(
        joins=1,  # the reservation
        handoffs=1,
        served=1,
        removed=1,
        no_shows=1,
        wait_median=1340.0,  # from c2's first join at booth A to the call at booth B
        wait_p90=1340.0,
        service_median=300.0,
        first_contact_median=1340.0,
        abandonment_rate=0.0,
    )
    assert body["total"]["joins"] + body["total"]["handoffs"] == 8
    assert (body["total"]["served"], body["total"]["removed"], body["total"]["no_shows"]) == (
        3,
        2,
        1,
    )
    by_kind = rows(await stats(admin, f"venue={history.venue}&by=kind"))
    assert {k: (v["joins"], v["handoffs"]) for k, v in by_kind.items()} == {
        "walk_in": (7, 0),
        "reservation": (1, 0),
        "handoff": (0, 1),
    }


async def test_recruiters_are_credited_with_the_tickets_they_called_last(
    history: History,
) -> None:
    admin = await history.admin()
    body = rows(await stats(admin, f"booth={history.a}&by=recruiter"))
    assert body == {
        str(history.r1.account_id): figures(
            joins=None,
            handoffs=None,
            left=None,
            open=None,
            served=2,
            wait_median=180.0,
            wait_p90=276.0,
            service_median=450.0,
            first_contact_median=180.0,
        ),
        str(history.r2.account_id): figures(
            joins=None,
            handoffs=None,
            left=None,
            open=None,
            served=1,
            wait_median=340.0,
            wait_p90=340.0,
            service_median=300.0,
            first_contact_median=340.0,
        ),
    }
    mine = await stats(history.r2, f"booth={history.a}&by=recruiter")
    assert [row["key"] for row in mine["rows"]] == [str(history.r2.account_id)]


async def test_a_day_without_tickets_has_no_durations(history: History) -> None:
    body = await stats(history.r1, f"booth={history.a}&from=2020-07-10&to=2020-07-12&by=day")
    assert body["rows"] == []
    assert body["total"] == figures()


async def test_who_may_read_the_statistics(history: History) -> None:
    client = history.client
    admin = await history.admin()
    organiser = await person(client, "sorg@example.org")
    await organiser.grant(Role.ORGANISER, history.fair)
    other_admin = await person(client, "sother@example.org")
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        other_venue = uuid4()
        await conn.execute(
            "INSERT INTO venues (id, fair_id, kind, region_code, name_zh, name_en, position)"
            " VALUES ($1, $2, 'sub', '420000', '湖北', 'Hubei', 2)",
            other_venue,
            history.fair,
        )
    await other_admin.grant(Role.VENUE_ADMIN, other_venue)
    candidate = await quick_person(client, "scand@example.org")
    a, venue, fair = f"booth={history.a}", f"venue={history.venue}", f"fair={history.fair}"
    allowed = {
        (history.r1, a): 200,
        (history.r3, a): 403,  # staff of another booth
        (admin, a): 200,
        (organiser, a): 200,
        (other_admin, a): 403,
        (candidate, a): 403,
        (history.r1, venue): 403,
        (admin, venue): 200,
        (other_admin, venue): 403,
        (organiser, venue): 200,
        (admin, fair): 403,
        (organiser, fair): 200,
    }
    for (who, query), status in allowed.items():
        response = await who.get(f"/api/queue-stats?{query}")
        assert response.status == status, (query, await response.text())
        if status == 403:
            assert await problem_code(response, 403) == "auth.forbidden"
    anonymous = await client.get(f"/api/queue-stats?{a}")
    assert await problem_code(anonymous, 401) == "auth.required"
    totals = {
        query: (await stats(organiser, query))["total"]["served"] for query in (a, venue, fair)
    }
    assert totals == {a: 3, venue: 4, fair: 4}


async def test_unknown_scopes_are_not_found(history: History) -> None:
    organiser = await person(history.client, "sorg2@example.org")
    await organiser.grant(Role.ORGANISER, history.fair)
    for scope, code in (
        ("booth", "booth.not_found"),
        ("venue", "venue.not_found"),
        ("fair", "fair.not_found"),
    ):
        response = await organiser.get(f"/api/queue-stats?{scope}={uuid4()}")
        assert await problem_code(response, 404) == code


@pytest.mark.parametrize(
    ("query", "pointer", "code"),
    [
        ("", "/query/booth", "queue_stats.scope"),
        ("booth={a}&venue={venue}", "/query/booth", "queue_stats.scope"),
        ("booth={a}&from=2020-07-05&to=2020-07-04", "/query/to", "queue_stats.to_before_from"),
        ("booth={a}&from=2020-01-01&to=2021-01-01", "/query/to", "queue_stats.range_too_long"),
        ("booth={a}&by=month", "/query/by", "not_allowed"),
        ("booth={a}&from=July", "/query/from", "wrong_type"),
        ("booth=nope", "/query/booth", "wrong_type"),
        ("booth={a}&colour=red", "/query/colour", "unknown_field"),
    ],
)
async def test_bad_parameters_are_refused_with_a_pointer_and_a_code(
    client: Client, query: str, pointer: str, code: str
) -> None:
    recruiter = await person(client, "sbad@example.org")
    booth = await booth_with(client, [recruiter])
    app = client.app
    assert app is not None
    async with app[POOL].acquire() as conn:
        venue: UUID = await conn.fetchval("SELECT venue_id FROM booths WHERE id = $1", booth)
    response = await recruiter.get("/api/queue-stats?" + query.format(a=booth, venue=venue))
    assert await problem_code(response, 422) == "request.invalid"
    body = await response.json(content_type=None)
    assert [(e["pointer"], e["code"]) for e in body["errors"]] == [(pointer, code)]
