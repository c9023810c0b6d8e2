"""Pairwise matrix, Condorcet winner, Schulze and ranked pairs: textbook cases and models."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tauride.domain.tally import condorcet
from tauride.domain.tally.condorcet import (
    condorcet_winner,
    pairwise_matrix,
    ranked_pairs,
    schulze,
    strongest_paths,
)
from tauride.domain.tally.lots import draw_lot
from tauride.domain.tally.profile import NO_CANDIDATE, Profile

SEED = 1905


def letters(ranking: str) -> list[int]:
    return [ord(c) - ord("A") for c in ranking]


def ballots_of(spec: list[tuple[int, str]], n: int) -> Profile:
    return Profile.from_ballots(
        [chr(ord("A") + i) for i in range(n)], [(k, letters(r)) for k, r in spec]
    )


# The Schulze method's own worked example (45 voters, five candidates).
SCHULZE_EXAMPLE = ballots_of(
    [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ],
    5,
)

TENNESSEE = Profile.from_ballots(
    ["Memphis", "Nashville", "Chattanooga", "Knoxville"],
    [(42, [0, 1, 2, 3]), (26, [1, 2, 3, 0]), (15, [2, 3, 1, 0]), (17, [3, 2, 1, 0])],
)

# A majority cycle A > B (6-3), B > C (7-2), C > A (5-4): strength decides.
CYCLE = ballots_of([(4, "ABC"), (3, "BCA"), (2, "CAB")], 3)

# The same cycle with every pair won 2 to 1: nothing but a lot can decide.
SYMMETRIC = ballots_of([(1, "ABC"), (1, "BCA"), (1, "CAB")], 3)


def slow_pairwise(profile: Profile) -> np.ndarray:
    n = profile.n_candidates
    d = np.zeros((n, n), dtype=np.int64)
    for count, marks in profile.ballots():
        ranking = tuple(c for c in marks if c not in profile.withdrawn)
        for place, a in enumerate(ranking):
            for b in range(n):
                if b != a and b not in profile.withdrawn and b not in ranking[:place]:
                    d[a, b] += count
    return d


def test_pairwise_matrix_of_the_schulze_example() -> None:
    assert pairwise_matrix(SCHULZE_EXAMPLE).tolist() == [
        [0, 20, 26, 30, 22],
        [25, 0, 16, 33, 18],
        [19, 29, 0, 17, 24],
        [15, 12, 28, 0, 14],
        [23, 27, 21, 31, 0],
    ]


def test_strongest_paths_of_the_schulze_example() -> None:
    d = pairwise_matrix(SCHULZE_EXAMPLE)
    assert strongest_paths(d, SCHULZE_EXAMPLE.continuing).tolist() == [
        [0, 28, 28, 30, 24],
        [25, 0, 28, 33, 24],
        [25, 29, 0, 29, 24],
        [25, 28, 28, 0, 24],
        [25, 28, 28, 31, 0],
    ]


def test_schulze_elects_e_by_strongest_paths_and_ranks_the_rest() -> None:
    result = schulze(SCHULZE_EXAMPLE, seats=1, seed=SEED)
    assert result.elected == ("E",)
    assert result.final.decisions[0].reason.startswith("strongest path to A is 25 against 24")
    assert schulze(SCHULZE_EXAMPLE, seats=3, seed=SEED).elected == ("E", "A", "C")
    assert result.final.totals == {"A": 3, "B": 1, "C": 2, "D": 0, "E": 4}
    assert result.lot_seed is None


def test_ranked_pairs_elects_a_where_schulze_elects_e() -> None:
    # Margins: B>D 21, E>D 17, A>D 15, C>B 13, D>C 11 (cycle), E>B 9, A>C 7, B>A 5
    # (cycle), C>E 3, E>A 1 (cycle): the locked order is A > C > E > B > D.
    result = ranked_pairs(SCHULZE_EXAMPLE, seats=5, seed=SEED)
    assert result.elected == ("A", "C", "E", "B", "D")
    note = result.final.note
    for skipped in ("D over C", "B over A", "E over A"):
        assert f"skipped {skipped}" in note
    assert result.final.decisions[0].reason.startswith("locked over C by 7")
    assert result.lot_seed is None


def test_tennessee_has_nashville_as_condorcet_winner() -> None:
    assert condorcet_winner(TENNESSEE) == "Nashville"
    for method in (schulze, ranked_pairs):
        result = method(TENNESSEE, seats=1, seed=SEED)
        assert result.elected == ("Nashville",)
    assert schulze(TENNESSEE, seats=1, seed=SEED).final.decisions[0].reason == (
        "beats every other candidate pairwise"
    )
    order = ranked_pairs(TENNESSEE, seats=4, seed=SEED).elected
    assert order == ("Nashville", "Chattanooga", "Knoxville", "Memphis")


def test_a_cycle_has_no_condorcet_winner_and_strength_decides() -> None:
    assert condorcet_winner(CYCLE) is None
    # Schulze: A's path to C (A>B 6, B>C 7) has strength 6 against C>A's 5.
    result = schulze(CYCLE, seats=1, seed=SEED)
    assert result.elected == ("A",)
    assert "strongest path to C is 6 against 5" in result.final.decisions[0].reason
    # Ranked pairs: B>C (margin 5) and A>B (3) lock; C>A (1) would close the cycle.
    pairs = ranked_pairs(CYCLE, seats=1, seed=SEED)
    assert pairs.elected == ("A",)
    assert "skipped C over A (5 to 4)" in pairs.final.note


def test_schulze_reports_a_perfect_cycle_as_a_tie_drawn_by_lot() -> None:
    result = schulze(SYMMETRIC, seats=1, seed=SEED)
    assert result.tied == ("A", "B", "C")
    assert result.lot_seed == SEED
    assert result.elected == (draw_lot(SEED, ["A", "B", "C"], "schulze tie at the cut, place 1"),)


def test_ranked_pairs_breaks_equal_margins_by_a_tie_breaking_ranking_drawn_by_lot() -> None:
    result = ranked_pairs(SYMMETRIC, seats=1, seed=SEED)
    lot = next(d for d in result.final.decisions if d.action == "lot")
    tbrc = lot.candidates
    assert tbrc[0] == draw_lot(SEED, ["A", "B", "C"], "ranked pairs tie-breaking ranking, place 1")
    # The three pairs have different losers; the one whose loser heads the ranking comes
    # last and closes the cycle, so the head of the ranking is never beaten.
    assert result.elected == (tbrc[0],)
    assert result.lot_seed == SEED
    assert f"seed {SEED}" in lot.reason


def test_ranked_pairs_orders_a_level_pair_by_lot() -> None:
    level = ballots_of([(2, "AB"), (2, "BA")], 2)
    result = ranked_pairs(level, seats=1, seed=SEED)
    assert result.lot_seed == SEED
    assert result.elected == (
        draw_lot(SEED, ["A", "B"], "ranked pairs tie-breaking ranking, place 1"),
    )


def test_ranked_pairs_needs_no_lot_when_equal_margins_do_not_conflict() -> None:
    # A beats B and C by 3 each: equal margins, but locking them in either order is the same.
    profile = ballots_of([(3, "ABC"), (3, "ACB")], 3)
    result = ranked_pairs(profile, seats=1, seed=SEED)
    assert result.elected == ("A",)
    assert result.lot_seed is None


def test_unranked_candidates_lose_to_ranked_ones_and_are_not_compared_together() -> None:
    profile = ballots_of([(3, "A"), (2, "BC")], 4)
    d = pairwise_matrix(profile)
    assert d[0].tolist() == [0, 3, 3, 3]
    assert d[1].tolist() == [2, 0, 2, 2]
    assert d[2].tolist() == [2, 0, 0, 2]
    assert d[3].tolist() == [0, 0, 0, 0]


def test_withdrawn_candidates_take_no_part() -> None:
    base = TENNESSEE
    profile = Profile(
        candidates=base.candidates,
        rankings=base.rankings,
        counts=base.counts,
        withdrawn=frozenset({1}),
    )
    d = pairwise_matrix(profile)
    assert not d[1].any()
    assert not d[:, 1].any()
    # Without Nashville, Chattanooga beats Memphis 58-42 and Knoxville 83-17.
    assert condorcet_winner(profile) == "Chattanooga"
    assert "Nashville" not in schulze(profile, seats=1, seed=SEED).final.totals


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    n = draw(st.integers(1, 9))
    rows = draw(
        st.lists(
            st.tuples(st.integers(1, 50), st.permutations(range(n)), st.integers(0, n)),
            max_size=30,
        )
    )
    withdrawn = draw(st.frozensets(st.integers(0, n - 1), max_size=max(n - 1, 0)))
    plain = Profile.from_ballots([f"c{i}" for i in range(n)], [(c, p[:k]) for c, p, k in rows])
    return Profile(
        candidates=plain.candidates,
        rankings=plain.rankings,
        counts=plain.counts,
        withdrawn=withdrawn,
    )


@pytest.mark.parametrize("by_codes", [False, True], ids=["direct", "codes"])
@settings(max_examples=100, deadline=None)
@given(profile=profiles())
def test_pairwise_matrix_matches_a_ballot_by_ballot_count(profile: Profile, by_codes: bool) -> None:
    with pytest.MonkeyPatch.context() as patch:
        if by_codes:
            patch.setattr(condorcet, "_DIRECT_LIMIT", 0)
        assert pairwise_matrix(profile).tolist() == slow_pairwise(profile).tolist()


@pytest.mark.parametrize(("n", "m"), [(6, 4000), (10, 2000), (20, 300)])
def test_pairwise_kernel_on_larger_random_profiles(n: int, m: int) -> None:
    rng = np.random.default_rng(n * m)
    rankings = np.argsort(rng.random((m, n)), axis=1)
    lengths = rng.integers(0, n + 1, m)
    rankings[np.arange(n)[None, :] >= lengths[:, None]] = NO_CANDIDATE
    profile = Profile(
        candidates=tuple(f"c{i}" for i in range(n)),
        rankings=rankings.astype(np.int64),
        counts=rng.integers(1, 1000, m).astype(np.int64),
    )
    expected = slow_pairwise(profile).tolist()
    assert pairwise_matrix(profile).tolist() == expected
    with pytest.MonkeyPatch.context() as patch:
        # Force the coded kernel, which larger groups of candidates per pass exercise here.
        patch.setattr(condorcet, "_DIRECT_LIMIT", 0)
        assert pairwise_matrix(profile).tolist() == expected


@settings(max_examples=100, deadline=None)
@given(profiles())
def test_schulze_and_ranked_pairs_elect_the_condorcet_winner(profile: Profile) -> None:
    winner = condorcet_winner(profile)
    if winner is None or not profile.continuing:
        return
    for method in (schulze, ranked_pairs):
        result = method(profile, seats=1, seed=SEED)
        assert result.elected == (winner,)
        assert result.lot_seed is None


@settings(max_examples=100, deadline=None)
@given(profiles(), st.integers(1, 9))
def test_several_seats_take_the_top_of_a_consistent_order(profile: Profile, seats: int) -> None:
    if seats > len(profile.continuing):
        return
    d = pairwise_matrix(profile)
    p = strongest_paths(d, profile.continuing)
    names = profile.candidates
    elected = [names.index(c) for c in schulze(profile, seats=seats, seed=SEED).elected]
    others = [c for c in profile.continuing if c not in elected]
    # No one left out beats, by strongest path, anyone elected.
    assert not any(p[x, e] > p[e, x] for x in others for e in elected)
    order = ranked_pairs(profile, seats=len(profile.continuing), seed=SEED).elected
    assert ranked_pairs(profile, seats=seats, seed=SEED).elected == order[:seats]
