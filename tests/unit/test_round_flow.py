"""The round flow of a count: a lane per candidate, a bar per round on one scale, bands
and figures for the transfers, the words where candidates were elected or excluded."""

from __future__ import annotations

import random
from decimal import Decimal
from itertools import pairwise

from tauride.domain.round_flow import (
    COLUMN_WIDTH,
    LABEL_WIDTH,
    NON_TRANSFERABLE,
    flow_of_count,
    rounds_of,
    shown,
)
from tauride.domain.tally.methods import count
from tauride.domain.tally.profile import Profile

NAMES = ["Alexeev", "Bunin", "Chernov", "Dolgova"]
BALLOTS = [(12, [0, 1]), (4, [1, 0, 2]), (5, [2, 3]), (3, [3]), (2, [1, 3, 2])]


def _record(method: str, seats: int) -> dict[str, object]:
    profile = Profile.from_ballots(NAMES, BALLOTS, seats=seats)
    return count(profile, method, seats=seats, seed=1).as_json()


def test_a_surplus_flows_from_the_elected_to_the_next_preference() -> None:
    record = _record("scottish-stv", 2)
    flow = flow_of_count(record)
    assert flow.quota == Decimal("9.00000")
    assert flow.elected == ("Alexeev", "Bunin")
    # Lanes by first preferences; no lane for non-transferable votes when none were lost.
    assert [lane.candidate for lane in flow.lanes] == ["Alexeev", "Bunin", "Chernov", "Dolgova"]
    assert [c.round for c in flow.columns] == [1, 2]
    assert flow.width == LABEL_WIDTH + 2 * COLUMN_WIDTH + 16
    alexeev, bunin, chernov, _ = flow.lanes
    assert [b.value for b in alexeev.bars] == [12, 9]
    assert [b.state for b in alexeev.bars] == ["elected", "elected"]
    assert [b.state for b in bunin.bars] == ["continuing", "elected"]
    assert [(d.action, d.round) for d in alexeev.decided] == [("elected", 1)]
    assert [(d.action, d.round) for d in bunin.decided] == [("elected", 2)]
    assert (alexeev.elected_in, bunin.elected_in, chernov.elected_in) == (1, 2, None)
    # The bands carry the transfers: Alexeev's surplus of 3 passes to Bunin.
    assert [band.change for band in alexeev.bands] == [-3]
    assert [band.change for band in bunin.bands] == [3]
    assert [band.change for band in chernov.bands] == [0]
    # Every bar on one scale, the quota across each lane at its height.
    scale = {round(b.height / float(b.value), 9) for lane in flow.lanes for b in lane.bars}
    assert len(scale) == 1
    (unit,) = scale
    for lane in flow.lanes:
        assert lane.quota_y is not None
        assert abs(lane.base - lane.quota_y - 9 * unit) < 1e-6
        for bar in lane.bars:
            assert abs(bar.y + bar.height - lane.base) < 1e-6
    # The table keeps every decimal the count wrote.
    assert [c.exact for c in alexeev.cells] == ["12.00000", "9.00000"]
    assert [c.decided for c in bunin.cells] == [None, "elected"]
    assert [c.change for c in bunin.cells] == [None, Decimal("3.00000")]


def test_an_exclusion_ends_the_lane_and_exhausted_votes_get_their_own() -> None:
    flow = flow_of_count(_record("irv", 1))
    kinds = [(lane.kind, lane.candidate) for lane in flow.lanes]
    assert kinds[-1] == (NON_TRANSFERABLE, "")
    dolgova = next(lane for lane in flow.lanes if lane.candidate == "Dolgova")
    assert dolgova.excluded_in == 1
    assert [(d.action, d.round) for d in dolgova.decided] == [("excluded", 1)]
    # Excluded in round 1, their votes pass on in round 2, and the lane stops there.
    assert [b.value for b in dolgova.bars] == [3, 0]
    assert {b.state for b in dolgova.bars} == {"excluded"}
    assert [band.change for band in dolgova.bands] == [-3]
    exhausted = flow.lanes[-1]
    assert [b.value for b in exhausted.bars] == [0, 3]
    assert [band.change for band in exhausted.bands] == [3]
    assert exhausted.quota_y is None
    assert flow.quota is None
    assert [c.exact for c in exhausted.cells] == ["0", "3"]


def test_a_long_count_keeps_one_column_per_round_and_its_decisions() -> None:
    rng = random.Random(7)  # noqa: S311 — reproducible test ballots, not a secret
    names = [f"Candidate {i}" for i in range(12)]
    ballots = [(1, rng.sample(range(12), k=rng.randint(1, 12))) for _ in range(300)]
    record = count(Profile.from_ballots(names, ballots, seats=5), "scottish-stv", seats=5).as_json()
    rounds = rounds_of(record)
    flow = flow_of_count(record)
    assert len(flow.columns) == len(rounds) == len(record["rounds"])  # type: ignore[arg-type]
    elected = [lane.candidate for lane in flow.lanes if lane.elected_in]
    assert sorted(elected) == sorted(flow.elected)
    assert len(elected) == 5
    for lane in flow.lanes:
        xs = [b.x for b in lane.bars]
        assert xs == sorted(xs)
        assert all(after.round == before.round + 1 for before, after in pairwise(lane.bars))
        assert len(lane.bands) == max(len(lane.bars) - 1, 0)
        assert len(lane.cells) == len(rounds)
        if lane.excluded_in:
            assert lane.bars[-1].value == 0 or lane.bars[-1].round == len(rounds)
    # Lanes never overlap and the drawing holds them all.
    tops = [lane.top for lane in flow.lanes]
    assert tops == sorted(tops)
    assert flow.height >= flow.lanes[-1].base + 20


def test_figures_are_shown_to_two_decimals_at_most() -> None:
    assert shown(Decimal("12.00000")) == Decimal(12)
    assert str(shown(Decimal("12.50000"))) == "12.5"
    assert str(shown(Decimal("3.14159"))) == "3.14"
    assert str(shown(Decimal("-3.00000"))) == "-3"
    assert flow_of_count({"rounds": []}).lanes == ()
