"""Decide an instant-runoff count: exclude the weakest, round by round, until one has a majority.

Like every count, `irv` takes `(profile, *, seats, seed)` and returns a `CountResult`. A
tie for fewest votes is broken backwards, then by a lot drawn from `seed` with `draw_lot`,
recorded as a "lot" decision and in `CountResult.lot_seed`; when the last two tie and a
lot decides, both are reported in `CountResult.tied`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from tauride.domain.tally.lots import draw_lot
from tauride.domain.tally.piles import Piles
from tauride.domain.tally.profile import IntArray, Profile
from tauride.domain.tally.records import CountResult, Decision, Round
from tauride.domain.tally.single import check_seats, float_weights, weighted_tally


def _backwards_lowest(history: Sequence[IntArray], tied: list[int]) -> list[int]:
    """Narrow an exclusion tie to those lowest at the most recent earlier round that differs.

    Rounds are read from the most recent backwards; at each round where the tied
    candidates' totals differ, only those with the fewest stay in the tie.
    """
    for totals in reversed(history):
        lowest = min(int(totals[c]) for c in tied)
        narrowed = [c for c in tied if totals[c] == lowest]
        if len(narrowed) < len(tied):
            tied = narrowed
        if len(tied) == 1:
            break
    return tied


def _exclusion(
    names: tuple[str, ...],
    totals: IntArray,
    hopeful: list[int],
    history: Sequence[IntArray],
    seed: int,
) -> tuple[list[int], list[Decision], bool]:
    """Decide who IRV excludes this round: the decisions and whether a lot was drawn."""
    fewest = min(int(totals[c]) for c in hopeful)
    lowest = [c for c in hopeful if totals[c] == fewest]
    if fewest == 0 and len(lowest) < len(hopeful):
        reason = "no votes" if len(lowest) == 1 else "no votes: excluded together"
        return lowest, [Decision("excluded", tuple(names[c] for c in lowest), reason)], False
    if len(lowest) == 1:
        return (
            lowest,
            [Decision("excluded", (names[lowest[0]],), f"fewest votes ({fewest})")],
            False,
        )
    decisions = [
        Decision("tie", tuple(names[c] for c in lowest), f"tie for fewest votes ({fewest})")
    ]
    narrowed = _backwards_lowest(history, lowest)
    if len(narrowed) == 1:
        reason = "fewest votes at the most recent earlier round where they differed"
        decisions.append(Decision("excluded", (names[narrowed[0]],), reason))
        return narrowed, decisions, False
    pool = [names[c] for c in narrowed]
    purpose = f"irv exclusion at round {len(history) + 1}"
    loser = draw_lot(seed, pool, purpose)
    reason = f"drawn by lot among {', '.join(pool)} from seed {seed} ({purpose})"
    decisions.append(Decision("lot", (loser,), reason))
    decisions.append(Decision("excluded", (loser,), reason))
    return [names.index(loser)], decisions, True


def _transfer(
    piles: Piles, stop: npt.NDArray[np.bool_], excluded: list[int], weights: Any, totals: IntArray
) -> IntArray:
    """Pass the excluded candidates' ballots on to their next continuing preferences.

    Only their rows move; the new totals are the old ones with those rows' votes moved
    (the last entry, n, is the exhausted ballots).
    """
    totals = totals.copy()
    stop[excluded] = False
    for c in excluded:
        rows = piles.held_by(c)
        tops = piles.advance(rows, stop)
        totals += weighted_tally(tops, weights[rows], totals.shape[0])
        totals[c] = 0
    return totals


def irv(profile: Profile, *, seats: int, seed: int) -> CountResult:
    """Elect one candidate by instant runoff: exclude the weakest until one has a majority.

    Each round a ballot counts for its first continuing preference; a ballot with none
    left is exhausted (the round's non-transferable line) and no longer counts. A
    candidate with more than half of the votes still in the count is elected, so the
    count runs at most until two candidates remain. Otherwise the candidate with the
    fewest votes is excluded, one per round, and its ballots pass to their next
    preferences. Candidates with no votes at all are excluded together, since they hold
    no ballot and their order cannot matter. A tie for fewest is broken backwards (the
    one with fewest votes at the most recent earlier round where their totals differed),
    then by lot from `seed`. When the last two tie and a lot decides, both are reported
    in `tied`. IRV fills one seat: for several, use an STV method.
    """
    if seats != 1:
        raise ValueError("IRV fills one seat; use an STV method for several")
    continuing = check_seats(profile, seats)
    names = profile.candidates
    n = profile.n_candidates
    # A ranking rests on a continuing candidate or on the blank that ends it.
    stop = np.ones(n + 1, dtype=bool)
    stop[list(profile.withdrawn)] = False
    piles = Piles(profile.rankings, n, stop)
    weights = float_weights(profile.counts)
    totals = weighted_tally(piles.holders(), weights, n + 1)
    hopeful = list(continuing)
    history: list[IntArray] = []
    rounds: list[Round] = []
    lot_used = False
    tied_for_win: tuple[str, ...] = ()
    elected: str | None = None
    while elected is None:
        in_count = sum(int(totals[c]) for c in hopeful)
        leader = max(hopeful, key=lambda c: int(totals[c]))
        excluded: list[int] = []
        if 2 * int(totals[leader]) > in_count or len(hopeful) == 1:
            elected = names[leader]
            reason = (
                f"majority: {totals[leader]} of {in_count} votes in the count"
                if 2 * int(totals[leader]) > in_count
                else "last continuing candidate"
            )
            decisions = [Decision("elected", (elected,), reason)]
        else:
            excluded, decisions, lot = _exclusion(names, totals, hopeful, history, seed)
            lot_used = lot_used or lot
            if lot and len(hopeful) == 2:
                tied_for_win = tuple(names[c] for c in hopeful)
        previous = history[-1] if history else None
        rounds.append(
            Round(
                number=len(history) + 1,
                totals={names[c]: int(totals[c]) for c in continuing},
                non_transferable=int(totals[n]),
                transfers=(
                    {}
                    if previous is None
                    else {names[c]: int(totals[c] - previous[c]) for c in continuing}
                ),
                decisions=tuple(decisions),
            )
        )
        history.append(totals)
        hopeful = [c for c in hopeful if c not in excluded]
        totals = _transfer(piles, stop, excluded, weights, totals)
    return CountResult(
        method="irv",
        seats=1,
        ballots=profile.total,
        elected=(elected,),
        rounds=tuple(rounds),
        lot_seed=seed if lot_used else None,
        tied=tied_for_win,
    )
