"""The weekly programme planner: places everything it can, explains the rest by name."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.deadlines import DeadlineSettingError, FairCalendar
from scheduler.planning import (
    DailyHours,
    Party,
    Placement,
    ProgrammeRules,
    Reason,
    Request,
    Window,
    clashes_at,
    free_slots,
    plan_week,
    validate_programme,
)
from server.domain.regions import REGIONS

SHANGHAI = ZoneInfo("Asia/Shanghai")
JULY_2020 = FairCalendar.of(
    starts_on=date(2020, 7, 1),
    ends_on=date(2020, 7, 31),
    time_zone="Asia/Shanghai",
    first_submission_due=date(2020, 6, 19),
)
RULES = ProgrammeRules()
SUBMITTED = datetime(2020, 6, 30, 8, tzinfo=UTC)


def cst(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI).astimezone(UTC)  # type: ignore[misc]


def window(week: int, rules: ProgrammeRules = RULES) -> Window:
    return rules.window(JULY_2020.week(week), SHANGHAI)


def request(
    ident: str,
    region: str | None,
    *,
    title: str | None = None,
    hosts: tuple[str, ...] = (),
    booths: tuple[str, ...] = (),
    preferred: tuple[datetime, ...] = (),
    minutes: int = 90,
    submitted: datetime = SUBMITTED,
) -> Request:
    name = next((r.zh for r in REGIONS if r.code == region), "主会场")
    return Request(
        id=ident,
        title=title or f"{name}特色专场",
        region_code=region,
        region_name=name,
        submitted_at=submitted,
        duration=timedelta(minutes=minutes),
        hosts=tuple(Party(h, h) for h in hosts),
        booths=tuple(Party(b, f"展位{b}") for b in booths),
        preferred=preferred,
    )


def max_parallel(placements: list[Placement] | tuple[Placement, ...]) -> int:
    return max(
        (
            sum(1 for q in placements if q.overlaps(p.start, p.start + timedelta(seconds=1)))
            for p in placements
        ),
        default=0,
    )


@pytest.mark.parametrize("week", [1, 2, 3, 4, 5])
def test_thirty_two_provinces_fit_each_week_of_july_2020_on_four_stages(week: int) -> None:
    w = window(week)
    first_day = w.days[0]
    anchor = local(first_day, 10)
    requests = [
        request(
            f"w{week}-{region.code}",
            region.code,
            # Eight provinces share the national host; every province has its own too.
            hosts=(f"host-{region.code}", *(("李华",) if i % 4 == 0 else ())),
            booths=(f"booth-{region.code}", *(("central",) if i % 8 == 0 else ())),
            preferred=(anchor, anchor + timedelta(hours=4)),  # everyone wants the same
            submitted=SUBMITTED + timedelta(minutes=i),
        )
        for i, region in enumerate(REGIONS)
    ]
    plan = plan_week(requests, w)
    assert len(plan.placements) == 32
    assert plan.unplaced == ()
    assert validate_programme(plan.placements, w) == []
    assert max_parallel(plan.placements) <= 4
    days = {w.local(p.start).date() for p in plan.placements}
    assert days <= set(w.days)
    if week == 1:  # Wednesday 1 July to Friday 3 July: three weekdays
        assert w.days == (date(2020, 7, 1), date(2020, 7, 2), date(2020, 7, 3))
    for p in plan.placements:
        local_start = w.local(p.start)
        assert time(9) <= local_start.time()
        assert w.local(p.end).time() <= time(17)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI).astimezone(UTC)


WED_8 = date(2020, 7, 8)
THU_9 = date(2020, 7, 9)


def test_a_host_wanted_in_two_places_is_reported_by_name_and_moved_nearest() -> None:
    beijing = request(
        "bj", "110000", title="北京民企专场", hosts=("王芳",), preferred=(local(WED_8, 10),)
    )
    tianjin = request(
        "tj", "120000", title="天津专场", hosts=("王芳",), preferred=(local(WED_8, 10),)
    )
    plan = plan_week([tianjin, beijing], window(2))
    [conflict] = plan.conflicts
    assert conflict.request_id == "tj"
    [clash] = conflict.clashes
    assert clash.reason is Reason.HOST_BUSY
    assert clash.party == Party("王芳", "王芳")
    assert "王芳" in clash.message
    assert "北京民企专场" in clash.message
    assert "北京市" in clash.message
    assert conflict.placed is not None
    assert conflict.placed.start == local(WED_8, 11, 30)  # the nearest the host is free
    assert conflict.proposals[0].start == local(WED_8, 11, 30)


def test_a_booth_staffed_twice_is_reported_by_name() -> None:
    beijing = request(
        "bj", "110000", title="北京民企专场", booths=("B1",), preferred=(local(WED_8, 10),)
    )
    hebei = request("hb", "130000", booths=("B1",), preferred=(local(WED_8, 10, 30),))
    plan = plan_week([beijing, hebei], window(2))
    [conflict] = plan.conflicts
    assert [c.reason for c in conflict.clashes] == [Reason.BOOTH_BUSY]
    assert "展位B1" in conflict.clashes[0].message
    assert conflict.clashes[0].sessions == (Party("bj", "北京民企专场"),)


def test_a_second_session_of_one_province_in_a_week_is_left_unplaced_naming_the_first() -> None:
    first = request("bj1", "110000", title="北京民企专场", preferred=(local(WED_8, 10),))
    second = request(
        "bj2",
        "110000",
        title="北京第二场",
        preferred=(local(THU_9, 10),),
        submitted=SUBMITTED + timedelta(hours=1),
    )
    plan = plan_week([second, first], window(2))
    assert [p.request.id for p in plan.placements] == ["bj1"]
    [conflict] = plan.conflicts
    assert conflict.placed is None
    assert conflict.proposals == ()
    assert {c.reason for c in conflict.clashes} == {Reason.PROVINCE_WEEK}
    assert "北京民企专场" in conflict.clashes[0].message


def test_a_full_house_names_every_session_on_the_stages() -> None:
    at = local(THU_9, 14)
    four = [request(f"s{r.code}", r.code, preferred=(at,)) for r in REGIONS[3:7]]
    fifth = request("hlj", "230000", preferred=(at,))
    plan = plan_week([*four, fifth], window(2))
    [conflict] = plan.conflicts
    [clash] = conflict.clashes
    assert clash.reason is Reason.STAGES_FULL
    assert [s.id for s in clash.sessions] == [f"s{r.code}" for r in REGIONS[3:7]]
    for region in REGIONS[3:7]:
        assert region.zh in clash.message
    assert conflict.placed is not None
    assert conflict.placed.start != at


def test_times_outside_the_fair_or_the_hours_are_refused_with_their_reason() -> None:
    saturday = request("sat", "110000", preferred=(local(date(2020, 7, 11), 10),))
    evening = request("eve", "120000", preferred=(local(WED_8, 16),))
    june = request("jun", "130000", preferred=(local(date(2020, 6, 30), 10),))
    plan = plan_week([saturday, evening, june], window(2))
    reasons = {c.request_id: [x.reason for x in c.clashes] for c in plan.conflicts}
    assert reasons == {
        "sat": [Reason.OUTSIDE_FAIR],
        "eve": [Reason.OUTSIDE_HOURS],
        "jun": [Reason.OUTSIDE_FAIR],
    }
    week1 = plan_week(
        [request("w1", "110000", preferred=(local(date(2020, 6, 30), 10),))], window(1)
    )
    assert week1.conflicts[0].clashes[0].reason is Reason.OUTSIDE_FAIR  # 30 June: before the fair
    assert week1.placements[0].start == local(date(2020, 7, 1), 9)


def test_a_session_longer_than_the_day_cannot_be_placed_and_says_so() -> None:
    plan = plan_week([request("long", "110000", minutes=600)], window(2))
    [conflict] = plan.conflicts
    assert conflict.placed is None
    assert conflict.clashes[0].reason is Reason.OUTSIDE_HOURS
    assert "600-minute" in conflict.clashes[0].message


def test_without_moving_a_clash_stays_unplaced_with_the_nearest_free_slots() -> None:
    a = request("a", "110000", hosts=("王芳",), preferred=(local(WED_8, 12),))
    b = request("b", "120000", hosts=("王芳",), preferred=(local(WED_8, 12),))
    plan = plan_week([a, b], window(2), move=False)
    [conflict] = plan.conflicts
    assert conflict.placed is None
    assert [s.start for s in conflict.proposals] == [
        local(WED_8, 10, 30),  # 1 h 30 before, ties go to the earlier slot
        local(WED_8, 13, 30),
        local(WED_8, 10),
    ]


def test_lower_region_codes_win_a_contested_preference_whatever_the_submission_order() -> None:
    late_beijing = request(
        "bj",
        "110000",
        hosts=("王芳",),
        preferred=(local(WED_8, 10),),
        submitted=SUBMITTED + timedelta(days=1),
    )
    early_shanghai = request("sh", "310000", hosts=("王芳",), preferred=(local(WED_8, 10),))
    plan = plan_week([early_shanghai, late_beijing], window(2))
    assert [c.request_id for c in plan.conflicts] == ["sh"]


def test_preferences_come_before_anyone_is_moved() -> None:
    # Beijing cannot have its preference; its fallback must not take Tianjin's.
    wanted = local(WED_8, 10)
    beijing = request("bj", "110000", hosts=("王芳",), preferred=(local(WED_8, 9),))
    blocker = request("main", None, hosts=("王芳",), preferred=(local(WED_8, 9),))
    tianjin = request("tj", "120000", hosts=("王芳",), preferred=(local(WED_8, 10, 30),))
    plan = plan_week([beijing, blocker, tianjin], window(2, ProgrammeRules(stages=4)))
    placed = {p.request.id: p.start for p in plan.placements}
    assert placed["main"] == local(WED_8, 9)
    assert placed["tj"] == local(WED_8, 10, 30)
    assert placed["bj"] not in (local(WED_8, 9), wanted, local(WED_8, 10, 30))


def test_the_plan_does_not_depend_on_the_input_order() -> None:
    requests = [
        request(
            f"r{i}",
            r.code,
            hosts=(f"h{i % 5}",),
            booths=(f"b{i % 3}",),
            preferred=(local(WED_8, 9 + i % 7),),
        )
        for i, r in enumerate(REGIONS)
    ]
    first = plan_week(requests, window(2))
    shuffled = requests[:]
    random.Random(4).shuffle(shuffled)
    assert plan_week(shuffled, window(2)) == first


def test_a_manual_move_is_checked_like_the_planner_checks() -> None:
    w = window(2)
    a = Placement(request("a", "110000", hosts=("王芳",)), local(WED_8, 10), 1)
    b = Placement(request("b", "120000", hosts=("李华",)), local(WED_8, 14), 1)
    clashes, stage = clashes_at(b.request, local(WED_8, 10, 30), w, [a, b], stage=1)
    assert [c.reason for c in clashes] == [Reason.STAGE_TAKEN]
    assert stage is None
    clashes, stage = clashes_at(b.request, local(WED_8, 10, 30), w, [a, b])
    assert (clashes, stage) == ([], 2)
    clashes, _ = clashes_at(b.request, local(WED_8, 14), w, [a, b], stage=1)
    assert clashes == []  # its own old place is not in the way
    clashes, _ = clashes_at(b.request, local(WED_8, 14), w, [a, b], stage=5)
    assert [c.reason for c in clashes] == [Reason.NO_SUCH_STAGE]


def test_back_to_back_sessions_of_one_host_do_not_clash() -> None:
    w = window(2)
    a = Placement(request("a", "110000", hosts=("王芳",)), local(WED_8, 10), 1)
    b = request("b", "120000", hosts=("王芳",))
    assert clashes_at(b, local(WED_8, 11, 30), w, [a])[0] == []


def test_daily_hours_are_local_on_both_sides_of_a_dst_change() -> None:
    berlin = FairCalendar.of(
        starts_on=date(2020, 10, 19), ends_on=date(2020, 10, 30), time_zone="Europe/Berlin"
    )
    rules = ProgrammeRules(DailyHours(opens=time(9), closes=time(10, 30)))
    before = rules.window(berlin.week(1), ZoneInfo("Europe/Berlin"))
    after = rules.window(berlin.week(2), ZoneInfo("Europe/Berlin"))
    assert free_slots(request("x", None), before, [])[0].start == datetime(
        2020, 10, 19, 7, tzinfo=UTC
    )
    assert free_slots(request("x", None), after, [])[0].start == datetime(
        2020, 10, 26, 8, tzinfo=UTC
    )


def test_programme_settings_are_read_with_defaults_and_named_when_wrong() -> None:
    assert ProgrammeRules.parse(None) == ProgrammeRules()
    rules = ProgrammeRules.parse(
        {"stages": 2, "weekdays": ["saturday", "sunday"], "opens": "10:00", "closes": "16:00"}
    )
    assert (rules.stages, rules.hours.weekdays, rules.hours.opens) == (2, {5, 6}, time(10))
    with pytest.raises(DeadlineSettingError, match="programme"):
        ProgrammeRules.parse({"opens": "18:00"})
    with pytest.raises(DeadlineSettingError, match="programme"):
        ProgrammeRules.parse({"weekdays": ["someday"]})


# -- the property: whatever comes in, the programme never double-books ----------------

HOSTS = [f"h{i}" for i in range(6)]
BOOTHS = [f"b{i}" for i in range(4)]


REGION_CODES = st.sampled_from([*[r.code for r in REGIONS[:8]], None])
PREFERRED = st.lists(
    st.builds(
        lambda d, m: local(date(2020, 7, 6 + d), 7) + timedelta(minutes=15 * m),
        st.integers(0, 6),
        st.integers(0, 50),
    ),
    max_size=3,
)
ONE_REQUEST = st.tuples(
    REGION_CODES,
    st.lists(st.sampled_from(HOSTS), max_size=2, unique=True),
    st.lists(st.sampled_from(BOOTHS), max_size=2, unique=True),
    PREFERRED,
    st.sampled_from([30, 45, 60, 90, 120, 240]),
    st.integers(0, 100),
)
WEEK_TWO_CASES = st.tuples(st.lists(ONE_REQUEST, max_size=40), st.integers(1, 4)).map(
    lambda case: (
        [
            request(
                f"r{i:02d}",
                region,
                hosts=tuple(hosts),
                booths=tuple(booths),
                preferred=tuple(preferred),
                minutes=minutes,
                submitted=SUBMITTED + timedelta(minutes=offset),
            )
            for i, (region, hosts, booths, preferred, minutes, offset) in enumerate(case[0])
        ],
        case[1],
    )
)


@settings(max_examples=60, deadline=None)
@given(WEEK_TWO_CASES, st.booleans())
def test_no_plan_double_books_a_host_or_a_booth_or_exceeds_the_stages(
    case: tuple[list[Request], int], move: bool
) -> None:
    requests, stages = case
    w = window(2, ProgrammeRules(stages=stages))
    plan = plan_week(requests, w, move=move)
    placed = plan.placements
    for i, p in enumerate(placed):
        for q in placed[i + 1 :]:
            if p.overlaps(q.start, q.end):
                assert not {h.id for h in p.request.hosts} & {h.id for h in q.request.hosts}
                assert not {b.id for b in p.request.booths} & {b.id for b in q.request.booths}
                assert p.stage != q.stage
    assert max_parallel(placed) <= stages
    assert all(1 <= p.stage <= stages for p in placed)
    assert validate_programme(placed, w) == []
    placed_ids = {p.request.id for p in placed}
    assert placed_ids | set(plan.unplaced) == {r.id for r in requests}
    assert not placed_ids & set(plan.unplaced)
    for conflict in plan.conflicts:
        assert conflict.clashes, "every conflict says why"
