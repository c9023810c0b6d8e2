"""Decide the single-round counts: plurality, block vote, approval and Borda.

Every count here takes `(profile, *, seats, seed)` and returns a `CountResult`. A tie at
the cut is settled by a lot, drawn from `seed` with `draw_lot`, recorded as a "lot"
decision and in `CountResult.lot_seed`, and the tied candidates are reported in
`CountResult.tied`. The exact weighted tallies, the check of seats and the election by
tiers here serve instant runoff (`irv`) and the pairwise counts (`condorcet`) as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from tauride.domain.tally.lots import draw_lot
from tauride.domain.tally.profile import NO_CANDIDATE, IntArray, Profile
from tauride.domain.tally.records import CountResult, Decision, Round

# Weighted sums through float64 bincount are exact below 2**53; above it we add in int64.
# The bound is checked on a float64 sum (an int64 sum could wrap), hence the margin.
_EXACT_FLOAT = 2**52


def weighted_tally(
    index: npt.NDArray[np.integer], weights: npt.NDArray[Any], size: int
) -> IntArray:
    """Sum `weights` per value of `index` (0 <= index < size), exactly, as int64.

    Float64 weights are taken as already checked exact (see `float_weights`).
    """
    if weights.dtype == np.float64:
        return np.bincount(index, weights=weights, minlength=size).astype(np.int64)
    if float(np.abs(weights).sum(dtype=np.float64)) < _EXACT_FLOAT:
        sums = np.bincount(index, weights=weights.astype(np.float64), minlength=size)
        return sums.astype(np.int64)
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, index, weights)
    return out


def float_weights(counts: IntArray) -> npt.NDArray[Any]:
    """The counts as float64 when every sum of them is exact in float64, else unchanged."""
    total = float(np.abs(counts).sum(dtype=np.float64))
    if total < _EXACT_FLOAT and (counts.size == 0 or int(counts.min()) >= 0):
        return counts.astype(np.float64)
    return counts


def continuing_rankings(profile: Profile) -> IntArray:
    """The rankings with withdrawn candidates struck out and later preferences moved up."""
    rankings = profile.rankings
    if not profile.withdrawn:
        return rankings
    struck = np.where(np.isin(rankings, sorted(profile.withdrawn)), NO_CANDIDATE, rankings)
    # A stable sort on "is blank" closes the gaps and keeps the order of preference.
    order = np.argsort(struck == NO_CANDIDATE, axis=1, kind="stable")
    return np.take_along_axis(struck, order, axis=1)


def check_seats(profile: Profile, seats: int) -> tuple[int, ...]:
    """The continuing candidates, once `seats` is known to be fillable from them."""
    continuing = profile.continuing
    if seats < 1:
        raise ValueError("at least one seat")
    if seats > len(continuing):
        raise ValueError(f"{seats} seats to fill but only {len(continuing)} continuing candidates")
    return continuing


def elect_by_tiers(
    profile: Profile,
    tiers: Sequence[Sequence[int]],
    *,
    seats: int,
    seed: int,
    purpose: str,
) -> tuple[list[int], tuple[Decision, ...], tuple[str, ...]]:
    """Fill the seats tier by tier, best first, drawing lots inside the tier at the cut.

    `tiers` lists the candidates in groups that the method cannot tell apart, best group
    first. A tier that fits is elected whole (in index order: the order cannot matter);
    the tier that straddles the cut is a tie, settled by drawing its places one at a
    time. Returns the elected in order, the tie and lot decisions, and the tied names.
    """
    names = profile.candidates
    elected: list[int] = []
    for tier in tiers:
        need = seats - len(elected)
        if need <= 0:
            break
        if len(tier) <= need:
            elected.extend(sorted(tier))
            continue
        tied = tuple(names[c] for c in sorted(tier))
        pool = list(tied)
        drawn: list[str] = []
        for place in range(need):
            name = draw_lot(seed, pool, f"{purpose}, place {len(elected) + place + 1}")
            drawn.append(name)
            pool.remove(name)
        elected.extend(names.index(name) for name in drawn)
        places = "the last place" if need == 1 else f"the last {need} places"
        decisions = (
            Decision("tie", tied, f"{len(tied)} candidates tie for {places}"),
            Decision(
                "lot",
                tuple(drawn),
                f"drawn by lot among {', '.join(tied)} from seed {seed} ({purpose})",
            ),
        )
        return elected, decisions, tied
    return elected, (), ()


def _score_count(
    method: str,
    profile: Profile,
    tallies: IntArray,
    points: IntArray,
    *,
    seats: int,
    seed: int,
    unit: str,
    note: str,
) -> CountResult:
    """Elect the `seats` highest scores, `points` per place; a tie at the cut is drawn by lot.

    `tallies` are the weights of the places (see `_place_tallies`); the score of a
    candidate is the sum over places of the place's points times its tally.
    """
    continuing = check_seats(profile, seats)
    scores = points @ tallies
    values = sorted({int(scores[c]) for c in continuing}, reverse=True)
    tiers = [[c for c in continuing if scores[c] == v] for v in values]
    elected, tie_decisions, tied = elect_by_tiers(
        profile, tiers, seats=seats, seed=seed, purpose=f"{method} tie at the cut"
    )
    names = profile.candidates
    decisions = [*tie_decisions]
    for place, c in enumerate(elected, start=1):
        rank = "highest total" if seats == 1 else f"place {place} of {seats}"
        decisions.append(Decision("elected", (names[c],), f"{rank}: {scores[c]} {unit}"))
    empty = profile.total - int(tallies[0].sum())
    only = Round(
        number=1,
        totals={names[c]: int(scores[c]) for c in continuing},
        non_transferable=empty,
        decisions=tuple(decisions),
        note=note,
    )
    return CountResult(
        method=method,
        seats=seats,
        ballots=profile.total,
        elected=tuple(names[c] for c in elected),
        rounds=(only,),
        lot_seed=seed if tied else None,
        tied=tied,
    )


def _place_tallies(profile: Profile, depth: int) -> IntArray:
    """Weight of ballots ranking each candidate k-th among the continuing, for k < depth.

    Row k of the (depth, n) result holds the k-th preferences; row 0 is the first.
    """
    rankings = continuing_rankings(profile)
    weights = float_weights(profile.counts)
    n = profile.n_candidates
    rows = np.zeros((depth, n), dtype=np.int64)
    for k in range(min(depth, rankings.shape[1])):
        # A blank (-1) lands in bin 0, which is dropped.
        rows[k] = weighted_tally(rankings[:, k] + 1, weights, n + 1)[1:]
    return rows


def plurality(profile: Profile, *, seats: int, seed: int) -> CountResult:
    """Elect the candidates with the most votes: first preferences, or a block vote.

    With one seat a ballot counts for its first continuing preference. With several
    seats this is the block vote: each ballot counts one vote for each of its first
    `seats` continuing preferences, and the `seats` highest totals are elected. A tie at
    the cut is drawn by lot from `seed`.
    """
    check_seats(profile, seats)
    tallies = _place_tallies(profile, seats)
    note = (
        "first preferences"
        if seats == 1
        else f"block vote: one vote to each of a ballot's first {seats} preferences"
    )
    points = np.ones(seats, dtype=np.int64)
    return _score_count(
        "plurality", profile, tallies, points, seats=seats, seed=seed, unit="votes", note=note
    )


def approval(profile: Profile, *, seats: int, seed: int) -> CountResult:
    """Elect the most-approved candidates, every candidate a ballot ranks being approved.

    Ballots arrive as rankings (BLT carries nothing else), so a ballot approves each
    continuing candidate it ranks, whatever the place. A tie at the cut is drawn by lot.
    """
    n = len(check_seats(profile, seats))
    tallies = _place_tallies(profile, n)
    points = np.ones(n, dtype=np.int64)
    note = "approvals: every candidate a ballot ranks"
    return _score_count(
        "approval", profile, tallies, points, seats=seats, seed=seed, unit="approvals", note=note
    )


def borda(profile: Profile, *, seats: int, seed: int) -> CountResult:
    """Elect the candidates with the highest Borda scores.

    With n continuing candidates a ballot gives n - k points to the candidate it ranks
    k-th and 0 to every candidate it leaves unranked (the truncated-ballot variant in
    which unranked candidates score 0: a ranked candidate scores one point for each
    candidate it is ranked above, unranked ones included). On complete rankings this is
    the classical Borda count. A tie at the cut is drawn by lot.
    """
    n = len(check_seats(profile, seats))
    tallies = _place_tallies(profile, n)
    points = n - np.arange(1, n + 1, dtype=np.int64)
    note = f"Borda points: n - k for the k-th preference of {n}, 0 if unranked"
    return _score_count(
        "borda", profile, tallies, points, seats=seats, seed=seed, unit="points", note=note
    )
