"""Wait estimates are honest: simulated candidates' real waits fall inside the shown range."""

from __future__ import annotations

import heapq
import math
import random

import pytest

from server.domain.queue import ServiceModel, WaitRange, wait_range


def simulate(seed: int, servers: int, customers: int = 600) -> tuple[int, int]:
    """A booth with ``servers`` recruiters: log-normal services, Poisson arrivals at 90 %
    load. At each join the candidate is shown ``wait_range`` from what the booth knows
    then (its position, who is free, its last 30 service times); returns (inside, total)
    over candidates after a warm-up."""
    rng = random.Random(seed)
    true_mean, cv = 420.0, 0.6
    sigma = math.sqrt(math.log(1 + cv**2))
    mu = math.log(true_mean) - sigma**2 / 2
    prior = 600.0  # the booth's slot length: deliberately not the true mean
    rate = 0.9 * servers / true_mean
    joins: list[float] = []
    t = 0.0
    for _ in range(customers):
        t += rng.expovariate(rate)
        joins.append(t)
    free_at = [0.0] * servers
    heapq.heapify(free_at)
    calls: list[tuple[float, float]] = []  # (start, end) of every service so far
    inside = total = 0
    for i, join in enumerate(joins):
        # What the booth knows at this moment:
        history = sorted((end, end - start) for start, end in calls if end <= join)[-30:]
        ahead = sum(1 for start, _ in calls if start > join)  # earlier joiners not called
        in_call = sum(1 for start, end in calls if start <= join < end)
        shown = wait_range(
            ahead, servers, servers - in_call, ServiceModel.fit([d for _, d in history], prior)
        )
        # What really happens (FIFO, the first recruiter free takes the next candidate):
        start = max(heapq.heappop(free_at), join)
        end = start + rng.lognormvariate(mu, sigma)
        heapq.heappush(free_at, end)
        calls.append((start, end))
        if i >= 100:  # after a warm-up
            assert shown is not None
            total += 1
            inside += shown.low - 1 <= start - join <= shown.high + 1
    return inside, total


@pytest.mark.parametrize("servers", [1, 2, 4])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_at_least_80_percent_of_served_candidates_wait_within_the_shown_range(
    seed: int, servers: int
) -> None:
    inside, total = simulate(seed, servers)
    assert inside / total >= 0.80, f"{inside}/{total} inside"


def test_nobody_serving_means_no_estimate_rather_than_a_guess() -> None:
    assert wait_range(3, serving=0, free=0, model=ServiceModel(600, 300)) is None


def test_first_in_line_with_someone_free_is_called_at_once() -> None:
    assert wait_range(0, serving=2, free=1, model=ServiceModel(600, 300)) == WaitRange(0, 30)


def test_ranges_grow_with_the_position_and_shrink_with_more_staff() -> None:
    model = ServiceModel(600, 300)
    one = [wait_range(p, 1, 0, model) for p in range(5)]
    three = [wait_range(p, 3, 0, model) for p in range(5)]
    assert all(a is not None and b is not None for a, b in zip(one, three, strict=True))
    assert [r.high for r in one if r] == sorted(r.high for r in one if r)
    assert all(a.high > b.high for a, b in zip(one, three, strict=True) if a and b)


def test_the_fit_moves_from_the_prior_towards_what_the_booth_observes() -> None:
    prior_only = ServiceModel.fit([], prior_mean=600)
    observed = ServiceModel.fit([300.0] * 30, prior_mean=600)
    assert prior_only.mean == pytest.approx(600, rel=0.01)
    assert 300 < observed.mean < 360


def test_a_room_left_open_overnight_does_not_stretch_every_estimate() -> None:
    # Five ten-minute talks and one interview nobody closed for 25 hours.
    model = ServiceModel.fit([600.0] * 5 + [25 * 3600.0], prior_mean=600)
    shown = wait_range(2, 1, 0, model)
    assert shown is not None
    assert shown.high < 2 * 3600, shown  # two ahead, one recruiter: not a day
    assert model.mean < 1200


def test_quick_no_shows_among_full_talks_still_give_a_usable_range() -> None:
    # Half the calls end in seconds (nobody came), half are full twenty-minute talks.
    model = ServiceModel.fit([5.0] * 15 + [1200.0] * 15, prior_mean=600)
    shown = wait_range(3, 1, 0, model)
    assert shown is not None
    assert shown.high < 3 * 3600, shown
    assert model.sd <= 1.5 * model.mean + 1e-6
