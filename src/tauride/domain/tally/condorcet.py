"""Pairwise counts: the pairwise matrix, the Condorcet winner, Schulze and ranked pairs."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from tauride.domain.tally.lots import draw_lot
from tauride.domain.tally.profile import NO_CANDIDATE, IntArray, Profile
from tauride.domain.tally.records import CountResult, Decision, Round
from tauride.domain.tally.single import (
    check_seats,
    elect_by_tiers,
    float_weights,
    weighted_tally,
)

BoolArray = npt.NDArray[np.bool_]

# Largest histogram one pass of the pairwise kernel fills (see _subsets).
_MAX_BINS = 2**18
# Up to this many candidate-pair-ranking comparisons, compare every pair directly.
_DIRECT_LIMIT = 2**22


def _positions(rankings: IntArray, n: int) -> npt.NDArray[np.signedinteger[Any]]:
    """Each candidate's place on each ranking, (n, m); the ranking width if unranked."""
    m, width = rankings.shape
    # One flat scatter into a row-major table with a spare column n is much faster than a
    # loop of 2-D writes. A blank (-1) lands in the spare column of the row before (the
    # very last cell for row 0), which is dropped afterwards.
    target = rankings + np.arange(0, m * (n + 1), n + 1, dtype=np.int64)[:, None]
    dtype = np.int8 if width < 2**7 else np.int16 if width < 2**15 else np.int64
    table = np.full(m * (n + 1), width, dtype=dtype)
    table[target.ravel()] = np.tile(np.arange(width, dtype=dtype), m)
    return np.ascontiguousarray(table.reshape(m, n + 1)[:, :n].T)


def _subsets(n: int, size: int) -> list[tuple[int, ...]]:
    """Groups of `size` candidates that between them contain every pair (greedy cover)."""
    uncovered = set(itertools.combinations(range(n), 2))
    groups: list[tuple[int, ...]] = []
    while uncovered:
        group = list(min(uncovered))
        while len(group) < min(size, n):
            gain = {
                x: sum((min(x, y), max(x, y)) in uncovered for y in group)
                for x in range(n)
                if x not in group
            }
            group.append(max(gain, key=lambda x: (gain[x], -x)))
        groups.append(tuple(group))
        uncovered -= {(min(x, y), max(x, y)) for x, y in itertools.combinations(group, 2)}
    return groups


def pairwise_matrix(profile: Profile) -> IntArray:
    """How many ballots rank each candidate above each other: `d[i, j]`, an int64 n x n.

    A ranked candidate is above every unranked one; two unranked candidates are not
    compared. Withdrawn candidates have zero rows and columns (striking them out of a
    ranking changes no other comparison).

    Small profiles compare every pair on every ranking at once. Large ones code each
    ranking's places for a group of k candidates as one integer, histogram the codes
    weighted by the ranking counts (one `bincount` per group) and read every pair of the
    group from the histogram; a few groups cover all pairs, so a million distinct
    rankings of ten candidates take a handful of passes over arrays.
    """
    n = profile.n_candidates
    m, width = profile.rankings.shape
    d = np.zeros((n, n), dtype=np.int64)
    if n < 2 or m == 0:
        return d
    places = _positions(profile.rankings, n)
    if n * n * m <= _DIRECT_LIMIT:
        d = np.tensordot(places[:, None, :] < places[None, :, :], profile.counts, axes=(2, 0))
    else:
        d = _pairwise_by_codes(places, profile.counts, width)
    if profile.withdrawn:
        gone = sorted(profile.withdrawn)
        d[gone, :] = 0
        d[:, gone] = 0
    return d


def _pairwise_by_codes(
    places: npt.NDArray[np.signedinteger[Any]], counts: IntArray, width: int
) -> IntArray:
    """The pairwise matrix from place codes of a few candidates at a time.

    `places` is (n, m): each candidate's place on each ranking, `width` if unranked.
    """
    n, m = places.shape
    d = np.zeros((n, n), dtype=np.int64)
    base = width + 1
    size = 2
    # Larger groups mean fewer passes but larger histograms; small profiles get small ones.
    while size < n and base ** (size + 1) <= max(base**2, min(_MAX_BINS, 8 * m)):
        size += 1
    weights = float_weights(counts)
    for group in _subsets(n, size):
        # base ** size <= _MAX_BINS, so codes fit in int32.
        code = places[group[0]].astype(np.int32)
        for k, c in enumerate(group[1:], start=1):
            code += places[c].astype(np.int32) * np.int32(base**k)
        hist = weighted_tally(code, weights, base ** len(group))
        # Axis k of the reshaped histogram is the place of group[k] (C order: last digit
        # varies fastest, so reverse the axes to match the code's digit order).
        cube = hist.reshape((base,) * len(group)).transpose(tuple(reversed(range(len(group)))))
        for i, j in itertools.combinations(range(len(group)), 2):
            others = tuple(k for k in range(len(group)) if k not in (i, j))
            plane = cube.sum(axis=others) if others else cube
            d[group[i], group[j]] = int(np.triu(plane, 1).sum())
            d[group[j], group[i]] = int(np.tril(plane, -1).sum())
    return d


def _beats(d: IntArray, continuing: tuple[int, ...]) -> BoolArray:
    """Strict pairwise majorities among the continuing candidates."""
    mask = np.zeros(d.shape, dtype=bool)
    mask[np.ix_(continuing, continuing)] = True
    result: BoolArray = (d > d.T) & mask
    return result


def condorcet_winner(profile: Profile) -> str | None:
    """The candidate who beats every other continuing candidate pairwise, if there is one."""
    continuing = profile.continuing
    beats = _beats(pairwise_matrix(profile), continuing)
    for c in continuing:
        if int(beats[c].sum()) == len(continuing) - 1:
            return profile.candidates[c]
    return None


def _empty_ballots(profile: Profile) -> int:
    """Weight of ballots that rank no continuing candidate."""
    ranked = profile.rankings != NO_CANDIDATE
    if profile.withdrawn:
        ranked &= ~np.isin(profile.rankings, sorted(profile.withdrawn))
    return int(profile.counts[~ranked.any(axis=1)].sum())


def strongest_paths(d: IntArray, continuing: tuple[int, ...]) -> IntArray:
    """Schulze's strongest-path strengths by winning votes, widest paths by Floyd–Warshall.

    A link i -> j has strength d[i, j] when d[i, j] > d[j, i] (the winning votes), else
    none (0); a path is as strong as its weakest link. Walks are allowed in the update
    since a cycle never strengthens a path; the diagonal is cleared at the end.
    """
    p = np.where(_beats(d, continuing), d, 0).astype(np.int64)
    for k in continuing:
        np.maximum(p, np.minimum(p[:, k : k + 1], p[k : k + 1, :]), out=p)
    np.fill_diagonal(p, 0)
    return p


def _layers(beaten_by: BoolArray, continuing: tuple[int, ...]) -> list[list[int]]:
    """Peel a strict partial order into tiers: the unbeaten, then the unbeaten of the rest."""
    left = list(continuing)
    tiers: list[list[int]] = []
    while left:
        tier = [c for c in left if not any(beaten_by[c, x] for x in left)]
        tiers.append(tier)
        left = [c for c in left if c not in tier]
    return tiers


def schulze(profile: Profile, *, seats: int, seed: int) -> CountResult:
    """Elect by Schulze's method: a beats b when a's strongest path to b is the stronger.

    Path strength uses winning votes (Schulze's original: the link a -> b is as strong as
    the number of ballots ranking a over b, where those outnumber the reverse). The
    relation "beats" is transitive (Schulze's theorem) and the winners are the candidates
    it leaves unbeaten; with several seats the next places go to the unbeaten among the
    rest, and so on down the Schulze ranking. Candidates in the tier that straddles the
    cut are tied (reported in `tied`) and drawn by lot from `seed`.
    """
    continuing = check_seats(profile, seats)
    names = profile.candidates
    d = pairwise_matrix(profile)
    p = strongest_paths(d, continuing)
    beats = p > p.T
    tiers = _layers(beats.T, continuing)
    elected, tie_decisions, tied = elect_by_tiers(
        profile, tiers, seats=seats, seed=seed, purpose="schulze tie at the cut"
    )
    decisions = [*tie_decisions]
    before: set[int] = set()
    for c in elected:
        rest = [x for x in continuing if x != c and x not in before]
        if all(d[c, x] > d[x, c] for x in continuing if x != c):
            reason = "beats every other candidate pairwise"
        elif rest:
            reason = "; ".join(
                f"strongest path to {names[x]} is {p[c, x]} against {p[x, c]}" for x in rest
            )
        else:
            reason = "last of the Schulze ranking"
        decisions.append(Decision("elected", (names[c],), reason))
        before.add(c)
    wins = beats.sum(axis=1)
    only = Round(
        number=1,
        totals={names[c]: int(wins[c]) for c in continuing},
        non_transferable=_empty_ballots(profile),
        decisions=tuple(decisions),
        note="totals: candidates each one beats by strongest path (winning votes)",
    )
    return CountResult(
        method="schulze",
        seats=seats,
        ballots=profile.total,
        elected=tuple(names[c] for c in elected),
        rounds=(only,),
        lot_seed=seed if tied else None,
        tied=tied,
    )


def _tie_breaking_ranking(profile: Profile, seed: int) -> list[int]:
    """Tideman's tie-breaking ranking of the candidates (TBRC), drawn place by place by lot."""
    names = profile.candidates
    pool = [names[c] for c in profile.continuing]
    order: list[int] = []
    while pool:
        name = draw_lot(seed, pool, f"ranked pairs tie-breaking ranking, place {len(order) + 1}")
        order.append(names.index(name))
        pool.remove(name)
    return order


def _lock(reach: BoolArray, a: int, b: int) -> None:
    """Lock a over b and everything that follows from it (reach is transitively closed)."""
    above = reach[:, a].copy()
    above[a] = True
    below = reach[b].copy()
    below[b] = True
    reach |= np.outer(above, below)


def _chain(reach: BoolArray, locked: set[tuple[int, int]], a: int, b: int) -> list[int]:
    """A chain of locked pairs leading from a down to b."""
    path = [a]
    while path[-1] != b:
        here = path[-1]
        path.append(
            next(x for x in range(len(reach)) if (here, x) in locked and (x == b or reach[x, b]))
        )
    return path


@dataclass
class _Locking:
    """The outcome of locking the pairs: closure, locked pairs, log, and the lot's part."""

    reach: BoolArray
    locked: set[tuple[int, int]] = field(default_factory=set)
    log: list[str] = field(default_factory=list)
    # Pairs skipped only because of a pair of the same margin: the lot's order decided them.
    by_lot: list[str] = field(default_factory=list)
    tbrc: list[int] = field(default_factory=list)


def _lock_pairs(profile: Profile, d: IntArray, seed: int) -> _Locking:
    """Lock the pairs of margin >= 0 by decreasing margin, equal margins in TBRC order."""
    names = profile.candidates
    continuing = profile.continuing
    margin = d - d.T
    pairs = [(a, b) for a in continuing for b in continuing if a != b and margin[a, b] >= 0]
    state = _Locking(reach=np.zeros(d.shape, dtype=bool))
    for strength in sorted({int(margin[a, b]) for a, b in pairs}, reverse=True):
        group = [(a, b) for a, b in pairs if margin[a, b] == strength]
        if len(group) > 1:
            state.tbrc = state.tbrc or _tie_breaking_ranking(profile, seed)
            place = {c: i for i, c in enumerate(state.tbrc)}
            group.sort(key=lambda pair: (-place[pair[1]], place[pair[0]]))
        before = state.reach.copy()
        for a, b in group:
            text = f"{names[a]} over {names[b]} ({d[a, b]} to {d[b, a]})"
            if state.reach[b, a]:
                state.log.append(f"skipped {text}")
                if not before[b, a]:
                    state.by_lot.append(text)
            else:
                state.log.append(f"locked {text}")
                state.locked.add((a, b))
                _lock(state.reach, a, b)
    return state


def ranked_pairs(profile: Profile, *, seats: int, seed: int) -> CountResult:
    """Elect by ranked pairs (Tideman): lock pairs by decreasing margin, skipping cycles.

    Each pair a over b with margin d[a, b] - d[b, a] >= 0 is taken in decreasing order of
    margin and locked unless it contradicts the pairs already locked; pairs with margin
    zero are taken too, last, so that the locked relation ends as a complete order. The
    top `seats` of that order are elected. Pairs of equal margin are ordered by a
    tie-breaking ranking of the candidates drawn by lot from `seed` (Tideman's TBRC): the
    pair whose loser stands lower in it first, then, for the same loser, the pair whose
    winner stands higher.

    The lot is recorded (a "lot" decision and `lot_seed`) when its order could have
    changed who is elected: some pair was skipped because of a pair of the same margin
    (otherwise every order locks the same pairs), and the elected do not all beat every
    other candidate pairwise (if they do, no order can put anyone above them). Which
    candidates win under some tie-breaking is NP-hard to decide in general, so `tied`
    stays empty.
    """
    continuing = check_seats(profile, seats)
    names = profile.candidates
    d = pairwise_matrix(profile)
    state = _lock_pairs(profile, d, seed)
    below = state.reach.sum(axis=1)
    order = sorted(continuing, key=lambda c: -int(below[c]))
    elected = order[:seats]
    dominant = all(d[e, x] > d[x, e] for e in elected for x in order[seats:])
    lot_mattered = bool(state.by_lot) and not dominant
    notes = ["totals: candidates each one is locked above", *state.log]
    decisions: list[Decision] = []
    if state.tbrc:
        ranking = ", ".join(names[c] for c in state.tbrc)
        drawn = f"tie-breaking ranking {ranking}, drawn by lot from seed {seed}"
        if lot_mattered:
            reason = f"pairs of equal margin ordered by the {drawn}; it decided: skipped "
            decisions.append(
                Decision(
                    "lot", tuple(names[c] for c in state.tbrc), reason + "; ".join(state.by_lot)
                )
            )
        else:
            notes.append(f"pairs of equal margin ordered by the {drawn}, which elects no one")
    for c in elected:
        steps = []
        for x in order[order.index(c) + 1 :]:
            if (c, x) in state.locked:
                steps.append(f"over {names[x]} by {d[c, x] - d[x, c]}")
            else:
                chain = " > ".join(names[y] for y in _chain(state.reach, state.locked, c, x))
                steps.append(f"over {names[x]} through {chain}")
        reason = "locked " + "; ".join(steps) if steps else "last of the locked order"
        decisions.append(Decision("elected", (names[c],), reason))
    only = Round(
        number=1,
        totals={names[c]: int(below[c]) for c in continuing},
        non_transferable=_empty_ballots(profile),
        decisions=tuple(decisions),
        note="; ".join(notes),
    )
    return CountResult(
        method="ranked-pairs",
        seats=seats,
        ballots=profile.total,
        elected=tuple(names[c] for c in elected),
        rounds=(only,),
        lot_seed=seed if lot_mattered else None,
    )
