"""The counts' shared kernels against plain per-ranking scans.

`Piles` (a cursor per ranking) is checked against reading each ranking from its start;
Meek's path tree (`Paths`) against distributing every ranking by itself, as the
Reference Meek Rule states it; whole Meek and IRV counts against counts that use those
plain scans in place of the kernels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tauride.domain.tally.irv import irv
from tauride.domain.tally.meek import ELECTED, EXCLUDED, HOPEFUL, _Meek
from tauride.domain.tally.meek_paths import Paths
from tauride.domain.tally.piles import Piles
from tauride.domain.tally.profile import NO_CANDIDATE, IntArray, Profile
from tauride.domain.tally.records import CountResult
from tauride.domain.tally.single import weighted_tally
from tauride.domain.tally.stv_common import prepare

NAMES = tuple(f"c{i}" for i in range(12))


@st.composite
def matrices(draw: st.DrawFn) -> tuple[int, IntArray]:
    """Rankings of up to 12 candidates, padded with NO_CANDIDATE, some blank or cut short."""
    n = draw(st.integers(1, 12))
    width = draw(st.integers(0, n))
    rows = draw(
        st.lists(
            st.permutations(range(n)).flatmap(
                lambda order: st.integers(0, width).map(lambda k: list(order[:k]))
            ),
            min_size=1,
            max_size=30,
        )
    )
    table = np.full((len(rows), width), NO_CANDIDATE, dtype=np.int64)
    for i, row in enumerate(rows):
        table[i, : len(row)] = row
    return n, table


def scan(row: Sequence[int], stop: Sequence[bool]) -> tuple[int, list[int]]:
    """A ranking read from its start: where it rests (n if nowhere) and what it passed over."""
    passed: list[int] = []
    for c in row:
        if c == NO_CANDIDATE:
            break
        if stop[c]:
            return c, passed
        passed.append(c)
    return len(stop) - 1, passed


@settings(max_examples=300, deadline=None)
@given(matrices(), st.sampled_from(["walk", "walk and tell", "read whole rows"]), st.data())
def test_cursors_rest_where_a_scan_from_the_start_does(
    case: tuple[int, IntArray], how: str, data: st.DataObject
) -> None:
    n, table = case
    stop = np.ones(n + 1, dtype=bool)
    withdrawn = data.draw(st.sets(st.integers(0, n - 1)))
    stop[sorted(withdrawn)] = False
    # Rows are read whole below a number of cells, walked step by step above it.
    whole = 1 << 30 if how == "read whole rows" else 0
    with mock.patch("tauride.domain.tally.piles._WHOLE_ROWS", whole):
        piles = Piles(table, n, stop)
        rows = [[int(c) for c in row] for row in table]
        assert piles.holders().tolist() == [scan(row, stop)[0] for row in rows]
        for c in data.draw(st.permutations(range(n))):
            if not stop[c]:
                continue
            held = piles.held_by(c)
            before = [scan(rows[r], stop)[1] for r in held.tolist()]
            stop[c] = False
            seen: dict[int, list[int]] = {}

            def passing(
                moving: IntArray, candidates: IntArray, seen: dict[int, list[int]] = seen
            ) -> None:
                for r, x in zip(moving.tolist(), candidates.tolist(), strict=True):
                    seen.setdefault(r, []).append(x)

            tops = piles.advance(held, stop, passing if how == "walk and tell" else None)
            expected = [scan(rows[r], stop) for r in held.tolist()]
            assert tops.tolist() == [e[0] for e in expected]
            if how == "walk and tell":
                for r, old, (_, now) in zip(held.tolist(), before, expected, strict=True):
                    assert seen.get(r, []) == now[len(old) + 1 :]
            assert piles.holders().tolist() == [scan(row, stop)[0] for row in rows]


def literal_votes(rankings: IntArray, counts: IntArray, keep: Sequence[int], one: int) -> list[int]:
    """B.2.a ballot by ballot: each candidate keeps weight x keep factor, rounded up.

    A share rounded up past the weight left (a keep factor above one) spends the ballot.
    """
    votes = [0] * len(keep)
    for row, count in zip(rankings.tolist(), counts.tolist(), strict=True):
        weight = one
        for c in row:
            if c == NO_CANDIDATE or weight <= 0:
                break
            kept = -(-weight * keep[c] // one)
            votes[c] += kept * count
            weight -= kept
    return votes


@settings(max_examples=200, deadline=None)
@given(matrices(), st.data())
def test_meek_paths_distribute_as_ballot_by_ballot(
    case: tuple[int, IntArray], data: st.DataObject
) -> None:
    n, table = case
    counts = np.asarray(
        data.draw(st.lists(st.integers(0, 50), min_size=len(table), max_size=len(table))),
        dtype=np.int64,
    )
    one = 10 ** data.draw(st.sampled_from([1, 3, 9, 20]))
    dtype: Any = np.int64 if one <= 10**9 else object
    state = np.full(n, HOPEFUL, dtype=np.int8)
    paths = Paths(table, counts, state, dtype)
    for c in data.draw(st.permutations(range(n))):
        state[c] = data.draw(st.sampled_from([ELECTED, EXCLUDED]))
        paths.refresh(state)
        keep = [
            one if s == HOPEFUL else 0 if s == EXCLUDED else data.draw(st.integers(1, 2 * one))
            for s in state.tolist()
        ]
        keep_array = np.asarray(keep, dtype=dtype)
        assert paths.distribute(keep_array, one) == literal_votes(table, counts, keep, one)


class LiteralMeek(_Meek):
    """The Meek count with every distribution made ballot by ballot."""

    def __init__(self, profile: Profile, seats: int, seed: int, precision: int) -> None:
        super().__init__(profile, seats, seed, precision)
        ballots = prepare(profile)
        self.literal = (ballots.rankings, ballots.counts)

    def distribute(self) -> None:
        keep = [int(k) for k in self.keep.tolist()]
        self.votes = literal_votes(*self.literal, keep, self.one)


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    n = draw(st.integers(2, 8))
    ranking = st.permutations(list(range(n))).flatmap(
        lambda order: st.integers(0, n).map(lambda k: order[:k])
    )
    ballots = draw(st.lists(st.tuples(st.integers(0, 30), ranking), min_size=1, max_size=30))
    withdrawn = draw(st.sets(st.integers(0, n - 1), max_size=max(0, n - 2)))
    seats = draw(st.integers(1, max(1, n - len(withdrawn) - 1)))
    return Profile.from_ballots(NAMES[:n], ballots, seats=seats, withdrawn=withdrawn)


@settings(max_examples=150, deadline=None)
@given(profiles(), st.sampled_from([9, 9, 3, 1, 15]), st.integers(0, 3))
def test_meek_counts_as_with_ballot_by_ballot_distributions(
    profile: Profile, precision: int, seed: int
) -> None:
    seats = profile.seats
    fast: CountResult = _Meek(profile, seats, seed, precision).run()
    literal = LiteralMeek(profile, seats, seed, precision).run()
    assert fast == literal


def literal_irv_totals(profile: Profile, excluded: set[int]) -> list[int]:
    """First continuing preferences of every ranking, read from its start."""
    totals = [0] * (profile.n_candidates + 1)
    for count, ranking in profile.ballots():
        live = [c for c in ranking if c not in excluded and c not in profile.withdrawn]
        totals[live[0] if live else profile.n_candidates] += count
    return totals


@settings(max_examples=150, deadline=None)
@given(profiles(), st.integers(0, 3))
def test_irv_rounds_hold_the_totals_of_a_fresh_count(profile: Profile, seed: int) -> None:
    result = irv(profile, seats=1, seed=seed)
    excluded: set[int] = set()
    for count_round in result.rounds:
        totals = literal_irv_totals(profile, excluded)
        assert count_round.non_transferable == totals[-1]
        assert count_round.totals == {profile.candidates[c]: totals[c] for c in profile.continuing}
        for decision in count_round.decisions:
            if decision.action == "excluded":
                excluded |= {profile.candidates.index(name) for name in decision.candidates}


def test_tallies_of_the_kernels_are_exact_beyond_float_precision() -> None:
    # Counts whose sums pass 2^53: the tallies go over to int64 and stay exact.
    big = np.asarray([2**60, 3, 2**60 + 1], dtype=np.int64)
    assert weighted_tally(np.asarray([0, 1, 0]), big, 2).tolist() == [2**61 + 1, 3]
    table = np.asarray([[0, 1], [1, 0], [0, NO_CANDIDATE]], dtype=np.int64)
    state = np.asarray([ELECTED, HOPEFUL], dtype=np.int8)
    paths = Paths(table, big, np.asarray([HOPEFUL, HOPEFUL], dtype=np.int8), object)
    paths.refresh(state)
    keep = np.asarray([7, 10], dtype=object)
    assert paths.distribute(keep, 10) == literal_votes(table, big, [7, 10], 10)
