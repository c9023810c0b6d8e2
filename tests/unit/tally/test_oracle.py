"""Our single-winner counts against pref-voting, an independent implementation.

Winner sets are compared. pref-voting reports every candidate that can win as a list;
where it names one, we must elect that one and report no tie. Where it names several:

- plurality, Borda, Schulze have no tie rule but a lot, so `tied` must be exactly that set,
  the lot must pick one of them and the seed must be recorded;
- IRV is compared with pref-voting's parallel-universe tie-breaking (`instant_runoff_put`:
  every winner under some order of exclusions). Our rule settles exclusion ties
  backwards and then by lot, so our winner must be one of the set and our count must
  have met a tie for fewest votes;
- ranked pairs is compared with `ranked_pairs`, which likewise returns every winner under
  some order of the equal-margin pairs; ours must be one of them and its lot recorded.

Truncated ballots go to pref-voting as a `ProfileWithTies` with extended strict
preference (a ranked candidate is above every unranked one), which is our convention.
Schulze is compared with `beat_path` using `support` as the strength (winning votes, as
ours); on complete ballots this agrees with its default, margins.
"""

from __future__ import annotations

import functools
import math
import os
import types
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tauride.domain.tally.condorcet import pairwise_matrix, ranked_pairs, schulze
from tauride.domain.tally.irv import irv
from tauride.domain.tally.profile import Profile
from tauride.domain.tally.records import CountResult
from tauride.domain.tally.single import borda, plurality

# pref-voting compiles its kernels with numba on first call, which takes far longer than
# running them uncompiled on profiles this small. Must be set before numba is imported.
os.environ.setdefault("NUMBA_DISABLE_JIT", "1")

SEED = 42
Ballots = Sequence[tuple[int, Sequence[int]]]
# pref-voting's ranked pairs tries every order of each group of equal margins.
MAX_TIE_ORDERS = 2000


@functools.cache
def oracle() -> types.SimpleNamespace:
    from pref_voting.iterative_methods import instant_runoff_put
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.margin_based_methods import ranked_pairs as oracle_ranked_pairs
    from pref_voting.profiles import Profile as OracleProfile
    from pref_voting.profiles_with_ties import ProfileWithTies
    from pref_voting.scoring_methods import (
        borda,
        borda_for_profile_with_ties,
        domination_borda_scores,
        plurality,
    )

    return types.SimpleNamespace(
        OracleProfile=OracleProfile,
        ProfileWithTies=ProfileWithTies,
        plurality=plurality,
        borda=borda,
        borda_for_profile_with_ties=borda_for_profile_with_ties,
        domination_borda_scores=domination_borda_scores,
        beat_path=beat_path,
        instant_runoff_put=instant_runoff_put,
        ranked_pairs=oracle_ranked_pairs,
    )


def profiles_for(n: int, ballots: Ballots, truncated: bool) -> tuple[Profile, Any]:
    """The same election as our Profile and as pref-voting's."""
    ours = Profile.from_ballots([f"c{i}" for i in range(n)], ballots)
    pv = oracle()
    counts = [count for count, _ in ballots]
    if not truncated:
        return ours, pv.OracleProfile([list(r) for _, r in ballots], counts)
    theirs = pv.ProfileWithTies(
        [{c: place + 1 for place, c in enumerate(r)} for _, r in ballots],
        counts,
        candidates=list(range(n)),
    )
    theirs.use_extended_strict_preference()
    return ours, theirs


def names(winners: Sequence[int]) -> list[str]:
    return sorted(f"c{c}" for c in winners)


def assert_same_winners(result: CountResult, winners: Sequence[int]) -> None:
    """One winner: elected alone, no tie. Several: reported as tied, one drawn by lot."""
    expected = names(winners)
    if len(expected) == 1:
        assert list(result.elected) == expected
        assert result.tied == ()
    else:
        assert sorted(result.tied) == expected
        assert result.elected[0] in expected
        assert result.lot_seed == SEED


def met_a_tie(result: CountResult) -> bool:
    return any(d.action == "tie" for r in result.rounds for d in r.decisions)


def tie_orders(profile: Profile) -> int:
    """How many orders of equal-margin pairs pref-voting's ranked pairs would try."""
    d = pairwise_matrix(profile)
    margins = Counter(
        int(d[a, b] - d[b, a])
        for a in range(profile.n_candidates)
        for b in range(profile.n_candidates)
        if a != b and d[a, b] >= d[b, a]
    )
    return math.prod(math.factorial(k) for k in margins.values())


def check_scoring_and_schulze(ours: Profile, theirs: Any, truncated: bool) -> None:
    pv = oracle()
    assert_same_winners(plurality(ours, seats=1, seed=SEED), pv.plurality(theirs))
    oracle_borda = (
        pv.borda_for_profile_with_ties(theirs, borda_scores=pv.domination_borda_scores)
        if truncated
        else pv.borda(theirs)
    )
    assert_same_winners(borda(ours, seats=1, seed=SEED), oracle_borda)
    assert_same_winners(
        schulze(ours, seats=1, seed=SEED),
        pv.beat_path(theirs, strength_function=theirs.support),
    )


def check_irv(ours: Profile, theirs: Any) -> None:
    result = irv(ours, seats=1, seed=SEED)
    possible = names(oracle().instant_runoff_put(theirs))
    assert result.elected[0] in possible
    if len(possible) == 1:
        assert list(result.elected) == possible
    else:
        assert met_a_tie(result)


def check_ranked_pairs(ours: Profile, theirs: Any) -> None:
    result = ranked_pairs(ours, seats=1, seed=SEED)
    possible = names(oracle().ranked_pairs(theirs))
    assert result.elected[0] in possible
    if len(possible) == 1:
        assert list(result.elected) == possible
    else:
        assert result.lot_seed == SEED


@st.composite
def elections(draw: st.DrawFn) -> tuple[int, list[tuple[int, list[int]]], bool]:
    n = draw(st.integers(3, 6))
    truncated = draw(st.booleans())
    # Counts up to 2 make ties common; up to 20, rarer and larger margins.
    most = draw(st.sampled_from([2, 20]))
    rows = draw(
        st.lists(
            st.tuples(st.integers(1, most), st.permutations(range(n)), st.integers(1, n)),
            min_size=1,
            max_size=40,
        )
    )
    ballots = [(count, list(p[:k] if truncated else p)) for count, p, k in rows]
    return n, ballots, truncated


@settings(max_examples=150, deadline=None)
@given(elections())
def test_plurality_borda_and_schulze_agree_with_pref_voting(
    election: tuple[int, list[tuple[int, list[int]]], bool],
) -> None:
    n, ballots, truncated = election
    check_scoring_and_schulze(*profiles_for(n, ballots, truncated), truncated)


@settings(max_examples=150, deadline=None)
@given(elections())
def test_irv_agrees_with_pref_voting(
    election: tuple[int, list[tuple[int, list[int]]], bool],
) -> None:
    check_irv(*profiles_for(*election))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(elections())
def test_ranked_pairs_agrees_with_pref_voting(
    election: tuple[int, list[tuple[int, list[int]]], bool],
) -> None:
    ours, theirs = profiles_for(*election)
    assume(tie_orders(ours) <= MAX_TIE_ORDERS)
    check_ranked_pairs(ours, theirs)


def mallows(rng: np.random.Generator, centre: np.ndarray, phi: float, voters: int) -> np.ndarray:
    """Rankings near `centre` by repeated insertion (Mallows, dispersion phi), one per row.

    The i-th candidate of the centre goes in at place j <= i with weight phi ** (i - j).
    """
    n = len(centre)
    rankings = np.empty((voters, 0), dtype=np.int64)
    draws = rng.random((voters, n))
    for i, c in enumerate(centre):
        weights = phi ** np.arange(i, -1, -1, dtype=float)
        cdf = np.cumsum(weights) / weights.sum()
        places = np.minimum(np.searchsorted(cdf, draws[:, i], side="right"), i)
        grown = np.empty((voters, i + 1), dtype=np.int64)
        for j in range(i + 1):
            # Rows inserting at j: c at j, the old places before j and after shifted right.
            rows = places == j
            grown[rows, :j] = rankings[rows, :j]
            grown[rows, j] = c
            grown[rows, j + 1 :] = rankings[rows, j:]
        rankings = grown
    return rankings


def clustered_election(seed: int) -> tuple[int, list[tuple[int, list[int]]], bool]:
    """Voters from one to three Mallows clusters, half the elections with truncation."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 7))
    phi = float(rng.uniform(0.3, 1.0))
    truncated = seed % 2 == 1
    clusters = [
        mallows(rng, rng.permutation(n), phi, int(rng.integers(3, 80)))
        for _ in range(int(rng.integers(1, 4)))
    ]
    cast: Counter[tuple[int, ...]] = Counter()
    for row in np.concatenate(clusters):
        length = int(rng.integers(1, n + 1)) if truncated and rng.random() < 0.6 else n
        cast[tuple(int(c) for c in row[:length])] += 1
    return n, [(count, list(r)) for r, count in cast.items()], truncated


@pytest.mark.parametrize("seed", range(300))
def test_clustered_profiles_agree_with_pref_voting(seed: int) -> None:
    n, ballots, truncated = clustered_election(seed)
    ours, theirs = profiles_for(n, ballots, truncated)
    check_scoring_and_schulze(ours, theirs, truncated)
    check_irv(ours, theirs)
    if tie_orders(ours) <= MAX_TIE_ORDERS:
        check_ranked_pairs(ours, theirs)
