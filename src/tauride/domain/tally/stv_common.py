"""What the STV counts share: ballots as rows of preferences, exact sums, and the tie rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from tauride.domain.tally.lots import draw_lot
from tauride.domain.tally.profile import NO_CANDIDATE, IntArray, Profile
from tauride.domain.tally.records import Decision, Number
from tauride.domain.tally.single import weighted_tally

AnyArray = npt.NDArray[Any]
BoolArray = npt.NDArray[np.bool_]
# Above this, a product of two values could leave int64: the count goes over to Python ints.
INT64_SAFE = 2**62
_FEW = 4096  # values that `group_sum` adds in place rather than through `weighted_tally`


@dataclass(frozen=True)
class Ballots:
    """The valid ballots of a profile, ready for an STV count.

    `rankings` holds one row per distinct ranking, withdrawn candidates struck out and the
    remaining preferences packed to the left (`NO_CANDIDATE` pads). Rows that name no
    standing candidate (blank ballots, or only withdrawn candidates) are not valid ballot
    papers and are left out; `valid` counts the ballots that remain.
    """

    rankings: IntArray
    counts: IntArray
    valid: int
    standing: tuple[int, ...]


def prepare(profile: Profile) -> Ballots:
    """Decide which ballots are valid and strike out withdrawn candidates, keeping the order."""
    rankings = profile.rankings.astype(np.int64, copy=False)
    if rankings.shape[1] == 0:
        rankings = np.full((rankings.shape[0], 1), NO_CANDIDATE, dtype=np.int64)
    if profile.withdrawn:
        struck = np.isin(rankings, sorted(profile.withdrawn))
        rankings = np.where(struck, NO_CANDIDATE, rankings)
        # A stable sort on "is empty" moves the remaining preferences left, in their order.
        order = np.argsort(rankings == NO_CANDIDATE, axis=1, kind="stable")
        rankings = np.take_along_axis(rankings, order, axis=1)
    counts = profile.counts.astype(np.int64, copy=False)
    keep = (rankings[:, 0] != NO_CANDIDATE) & (counts > 0)
    if not keep.all():
        rankings, counts = rankings[keep], counts[keep]
    return Ballots(
        rankings=rankings, counts=counts, valid=int(counts.sum()), standing=profile.continuing
    )


def group_sum(values: AnyArray, groups: IntArray, size: int) -> list[Any]:
    """Sum `values` by group index exactly (int64 or Python numbers).

    Many int64 values are summed through `weighted_tally`, which uses floats only where
    every sum is exact in them; a few are added in place, which costs fewer calls.
    """
    if values.dtype == np.int64 and values.shape[0] > _FEW:
        return list(weighted_tally(groups, values, size).tolist())
    out = np.zeros(size, dtype=values.dtype)
    np.add.at(out, groups, values)
    return list(out.tolist())


def fixed_number(units: int, places: int) -> Decimal:
    """Write a fixed-point count (`units` of 10^-places) as the exact Decimal it stands for."""
    # Built from text, a Decimal is exact whatever the context's precision.
    return Decimal(f"{units}e-{places}")


def exact_number(value: Fraction | int) -> Number:
    """A fraction as the simplest exact number: an int where it is whole."""
    fraction = Fraction(value)
    return fraction.numerator if fraction.denominator == 1 else fraction


def by_total(candidates: Sequence[int], totals: Sequence[Any]) -> list[int]:
    """Order candidates by total, highest first, then in ballot-paper order.

    Used only where the order does not change the outcome (several elected at one stage).
    """
    return sorted(candidates, key=lambda c: (-totals[c], c))


@dataclass(frozen=True)
class TieBreak:
    """Who a tie rule picked, the decision that says why, and whether a lot was drawn."""

    chosen: int
    decision: Decision
    by_lot: bool


def break_tie(
    tied: Sequence[int],
    history: Sequence[Sequence[Any]],
    *,
    highest: bool,
    names: Sequence[str],
    seed: int,
    purpose: str,
    what: str,
    lookback_rule: str = "",
    lot_rule: str = "",
    step: str = "stage",
) -> TieBreak:
    """Decide a tie by the most recent earlier stage at which the tied totals differed.

    `history[i]` holds every candidate's total at the end of stage (or round, as `step`
    names it) i+1, most recent last.
    Going back stage by stage, the first stage at which the tied candidates did not all
    have the same total decides: the one with the highest (or lowest) total there is
    chosen. If several share that total, the others drop out and the search goes on
    further back among those still tied. Equal at every stage, they are separated by
    `draw_lot(seed, their names, purpose)`, which anyone holding the seed can redraw.
    """
    group = sorted(tied)
    everyone = tuple(names[c] for c in group)
    more = "most" if highest else "fewest"
    for index in range(len(history) - 1, -1, -1):
        values = [history[index][c] for c in group]
        best = max(values) if highest else min(values)
        if all(v == best for v in values):
            continue
        group = [c for c, v in zip(group, values, strict=True) if v == best]
        if len(group) == 1:
            cite = f" ({lookback_rule})" if lookback_rule else ""
            reason = (
                f"{what}: {names[group[0]]} had the {more} votes at {step} {index + 1},"
                f" the most recent at which they differed{cite}"
            )
            return TieBreak(group[0], Decision("tie", everyone, reason), by_lot=False)
    drawn = draw_lot(seed, [names[c] for c in group], purpose)
    chosen = next(c for c in group if names[c] == drawn)
    cite = f" ({lot_rule})" if lot_rule else ""
    reason = (
        f"{what}: equal at every {step}; {drawn} drawn by lot{cite},"
        f" seed {seed}, purpose {purpose!r}"
    )
    return TieBreak(chosen, Decision("lot", tuple(names[c] for c in group), reason), by_lot=True)
