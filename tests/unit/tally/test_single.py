"""Plurality, block vote, approval, Borda and IRV: textbook cases, ties, lots and properties."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tauride.domain.tally.condorcet import ranked_pairs, schulze
from tauride.domain.tally.irv import irv
from tauride.domain.tally.lots import draw_lot
from tauride.domain.tally.profile import Profile
from tauride.domain.tally.records import CountResult
from tauride.domain.tally.single import approval, borda, plurality

Method = Callable[..., CountResult]
SEED = 1917

# Tennessee's capital, the textbook example: 42% near Memphis, 26% Nashville, 15%
# Chattanooga, 17% Knoxville, each ranking the cities by distance.
MEM, NAS, CHA, KNO = range(4)
TENNESSEE = Profile.from_ballots(
    ["Memphis", "Nashville", "Chattanooga", "Knoxville"],
    [
        (42, [MEM, NAS, CHA, KNO]),
        (26, [NAS, CHA, KNO, MEM]),
        (15, [CHA, KNO, NAS, MEM]),
        (17, [KNO, CHA, NAS, MEM]),
    ],
)


def decisions(result: CountResult, action: str) -> list[tuple[str, ...]]:
    return [d.candidates for r in result.rounds for d in r.decisions if d.action == action]


def test_plurality_elects_memphis_on_first_preferences() -> None:
    result = plurality(TENNESSEE, seats=1, seed=SEED)
    assert result.elected == ("Memphis",)
    assert result.final.totals == {
        "Memphis": 42,
        "Nashville": 26,
        "Chattanooga": 15,
        "Knoxville": 17,
    }
    assert result.tied == ()
    assert result.lot_seed is None


def test_block_vote_counts_each_ballots_first_preferences_up_to_the_seats() -> None:
    result = plurality(TENNESSEE, seats=2, seed=SEED)
    assert result.final.totals == {
        "Memphis": 42,
        "Nashville": 42 + 26,
        "Chattanooga": 26 + 15 + 17,
        "Knoxville": 15 + 17,
    }
    assert result.elected == ("Nashville", "Chattanooga")
    assert "block vote" in result.final.note


def test_borda_elects_nashville_with_the_textbook_scores() -> None:
    result = borda(TENNESSEE, seats=1, seed=SEED)
    assert result.elected == ("Nashville",)
    assert result.final.totals == {
        "Memphis": 42 * 3,
        "Nashville": 42 * 2 + 26 * 3 + 15 * 1 + 17 * 1,
        "Chattanooga": 42 * 1 + 26 * 2 + 15 * 3 + 17 * 2,
        "Knoxville": 26 * 1 + 15 * 2 + 17 * 3,
    }


def test_borda_gives_unranked_candidates_nothing() -> None:
    profile = Profile.from_ballots(["A", "B", "C", "D"], [(1, [0]), (1, [1, 2])])
    # A ranked first of four: 3 points; B first: 3, C second: 2; D unranked: 0.
    assert borda(profile, seats=1, seed=SEED).final.totals == {"A": 3, "B": 3, "C": 2, "D": 0}


def test_irv_elects_knoxville_after_two_exclusions() -> None:
    result = irv(TENNESSEE, seats=1, seed=SEED)
    assert result.elected == ("Knoxville",)
    first, second, third = result.rounds
    assert decisions(result, "excluded") == [("Chattanooga",), ("Nashville",)]
    assert second.transfers["Chattanooga"] == -15
    assert second.transfers["Knoxville"] == 15
    assert third.totals == {"Memphis": 42, "Nashville": 0, "Chattanooga": 0, "Knoxville": 58}
    assert third.decisions[-1].reason == "majority: 58 of 100 votes in the count"
    assert first.non_transferable == 0
    assert result.lot_seed is None


def test_irv_exhausted_ballots_leave_the_count_and_the_majority_is_of_those_left() -> None:
    # B's voters rank nobody else: after B goes, A's 4 are a majority of the 7 still in.
    profile = Profile.from_ballots(["A", "B", "C"], [(4, [0]), (2, [1]), (3, [2])])
    result = irv(profile, seats=1, seed=SEED)
    assert result.elected == ("A",)
    assert result.final.non_transferable == 2
    assert result.final.decisions[-1].reason == "majority: 4 of 7 votes in the count"


def test_irv_exclusion_tie_goes_to_the_earlier_round() -> None:
    # Round 1: A 10, B 6, C 5, D 2. D's ballots split to C and A, so B and C tie at 6 in
    # round 2; C had fewer in round 1 and is excluded, and its ballots elect B. Drawing
    # the tie by lot could have excluded B instead and elected C.
    profile = Profile.from_ballots(
        ["A", "B", "C", "D"],
        [(10, [0]), (6, [1]), (5, [2, 1]), (1, [3, 2, 1]), (1, [3, 0])],
    )
    result = irv(profile, seats=1, seed=SEED)
    assert result.elected == ("B",)
    second = result.rounds[1]
    assert second.totals == {"A": 11, "B": 6, "C": 6, "D": 0}
    actions = [(d.action, d.candidates) for d in second.decisions]
    assert actions == [("tie", ("B", "C")), ("excluded", ("C",))]
    assert "most recent earlier round" in second.decisions[-1].reason
    assert result.lot_seed is None


def test_irv_last_two_level_throughout_is_settled_by_a_recorded_lot() -> None:
    profile = Profile.from_ballots(["A", "B"], [(5, [0]), (5, [1])])
    result = irv(profile, seats=1, seed=SEED)
    loser = draw_lot(SEED, ["A", "B"], "irv exclusion at round 1")
    assert result.elected == tuple({"A", "B"} - {loser})
    assert result.tied == ("A", "B")
    assert result.lot_seed == SEED
    lot = next(d for d in result.rounds[0].decisions if d.action == "lot")
    assert lot.candidates == (loser,)
    assert f"seed {SEED}" in lot.reason


def test_irv_excludes_all_candidates_without_votes_together() -> None:
    profile = Profile.from_ballots(["A", "B", "C", "D", "E"], [(3, [0]), (2, [1, 0]), (1, [4, 1])])
    result = irv(profile, seats=1, seed=SEED)
    assert decisions(result, "excluded") == [("C", "D"), ("E",), ("B",)]
    assert result.lot_seed is None
    assert result.elected == ("A",)


def test_irv_fills_one_seat_only() -> None:
    with pytest.raises(ValueError, match="one seat"):
        irv(TENNESSEE, seats=2, seed=SEED)


@pytest.mark.parametrize("method", [plurality, approval, borda, schulze, ranked_pairs])
def test_more_seats_than_candidates_is_refused(method: Method) -> None:
    with pytest.raises(ValueError, match="continuing candidates"):
        method(TENNESSEE, seats=5, seed=SEED)


def test_plurality_tie_is_drawn_by_lot_from_the_seed_and_reported() -> None:
    profile = Profile.from_ballots(["A", "B", "C"], [(3, [0]), (3, [1]), (1, [2])])
    result = plurality(profile, seats=1, seed=SEED)
    expected = draw_lot(SEED, ["A", "B"], "plurality tie at the cut, place 1")
    assert result.elected == (expected,)
    assert result.tied == ("A", "B")
    assert result.lot_seed == SEED
    lot = next(d for d in result.final.decisions if d.action == "lot")
    assert lot.candidates == (expected,)
    assert f"seed {SEED}" in lot.reason
    winners = {plurality(profile, seats=1, seed=seed).elected[0] for seed in range(40)}
    assert winners == {"A", "B"}


def test_tie_at_the_cut_of_several_seats_draws_only_the_last_places() -> None:
    profile = Profile.from_ballots(["A", "B", "C", "D"], [(5, [0]), (3, [1]), (3, [2]), (3, [3])])
    result = plurality(profile, seats=3, seed=SEED)
    assert result.elected[0] == "A"
    assert set(result.elected[1:]) < {"B", "C", "D"}
    assert result.tied == ("B", "C", "D")
    tie = next(d for d in result.final.decisions if d.action == "tie")
    assert tie.reason == "3 candidates tie for the last 2 places"


def test_approval_counts_every_ranked_candidate() -> None:
    profile = Profile.from_ballots(["A", "B", "C"], [(2, [0, 1]), (3, [2]), (1, [1, 2, 0])])
    result = approval(profile, seats=1, seed=SEED)
    assert result.final.totals == {"A": 3, "B": 3, "C": 4}
    assert result.elected == ("C",)


def test_counts_past_float_precision_stay_exact() -> None:
    profile = Profile.from_ballots(["A", "B"], [(2**53, [0]), (1, [0, 1]), (2**53 - 1, [1])])
    result = plurality(profile, seats=1, seed=SEED)
    assert result.final.totals == {"A": 2**53 + 1, "B": 2**53 - 1}
    assert result.elected == ("A",)


# --- properties ---------------------------------------------------------------------------


@st.composite
def profiles(draw: st.DrawFn, min_candidates: int = 2) -> Profile:
    n = draw(st.integers(min_candidates, 6))
    rows = draw(
        st.lists(
            st.tuples(st.integers(1, 9), st.permutations(range(n)), st.integers(0, n)),
            min_size=0,
            max_size=12,
        )
    )
    names = [chr(ord("A") + i) for i in range(n)]
    return Profile.from_ballots(names, [(c, list(p[:k])) for c, p, k in rows])


def slow_scores(profile: Profile, points: Callable[[int, int], int]) -> dict[str, int]:
    """Points per candidate, ballot by ballot: points(place, ranked) for each ranked one."""
    totals = dict.fromkeys(profile.candidates, 0)
    for count, ranking in profile.ballots():
        for place, c in enumerate(ranking):
            totals[profile.candidates[c]] += count * points(place, len(ranking))
    return totals


def check_cut(result: CountResult, seats: int) -> None:
    """The elected outscore everyone else, and a tie is reported exactly at the cut."""
    totals = result.final.totals
    losers = [c for c in totals if c not in result.elected]
    assert len(result.elected) == seats
    lowest_in = min(totals[c] for c in result.elected)
    assert all(totals[c] <= lowest_in for c in losers)
    at_cut = sorted(c for c in totals if totals[c] == lowest_in)
    straddles = any(totals[c] == lowest_in for c in losers)
    assert list(result.tied) == (at_cut if straddles else [])
    assert result.lot_seed == (SEED if straddles else None)


@settings(max_examples=150, deadline=None)
@given(profile=profiles(), data=st.data())
def test_scoring_methods_match_a_ballot_by_ballot_count(
    profile: Profile, data: st.DataObject
) -> None:
    n = profile.n_candidates
    seats = data.draw(st.integers(1, n))
    cases = [
        (plurality(profile, seats=seats, seed=SEED), lambda k, _: int(k < seats)),
        (approval(profile, seats=seats, seed=SEED), lambda _k, _r: 1),
        (borda(profile, seats=seats, seed=SEED), lambda k, _: n - 1 - k),
    ]
    for result, points in cases:
        assert result.final.totals == slow_scores(profile, points)
        check_cut(result, seats)
        assert result.ballots == profile.total


def strike(profile: Profile, gone: int) -> Profile:
    """The same election with candidate `gone` erased from the ballot paper."""
    names = [c for i, c in enumerate(profile.candidates) if i != gone]
    ballots: list[tuple[int, Sequence[int]]] = [
        (count, [c - (c > gone) for c in ranking if c != gone])
        for count, ranking in profile.ballots()
    ]
    return Profile.from_ballots(names, ballots)


@settings(max_examples=100, deadline=None)
@given(profile=profiles(min_candidates=3), data=st.data())
def test_a_withdrawn_candidate_counts_as_if_never_on_the_ballot(
    profile: Profile, data: st.DataObject
) -> None:
    gone = data.draw(st.integers(0, profile.n_candidates - 1))
    withdrawn = Profile(
        candidates=profile.candidates,
        rankings=profile.rankings,
        counts=profile.counts,
        withdrawn=frozenset({gone}),
    )
    struck = strike(profile, gone)
    for method in (plurality, approval, borda, irv, schulze, ranked_pairs):
        ours, theirs = method(withdrawn, seats=1, seed=SEED), method(struck, seats=1, seed=SEED)
        assert ours.elected == theirs.elected, method.__name__
        assert ours.tied == theirs.tied, method.__name__
        assert [r.totals for r in ours.rounds] == [r.totals for r in theirs.rounds]
        assert [r.decisions for r in ours.rounds] == [r.decisions for r in theirs.rounds]
