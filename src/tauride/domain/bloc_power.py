"""Voting power of a body's blocs, within a bounded cost: counted exactly where that is
cheap enough to do on request, else estimated from random draws with 95% intervals.

The exact counts (`tauride.domain.power`) cost about players² × total weight / 64 steps,
which for a delegation per constituency in a congress of thousands runs to hours. Anyone
may ask for these figures, so a game beyond the budget is estimated instead
(`tauride.domain.power_estimates`), from a fixed number of draws with a fixed seed: the
same game always gives the same figures, and says that they are estimates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tauride.domain.errors import InvalidInput
from tauride.domain.majority import SHARES
from tauride.domain.power import (
    BANZHAF,
    INDICES,
    SHAPLEY_SHUBIK,
    PowerResult,
    banzhaf,
    majority_quota,
    shapley_shubik,
)
from tauride.domain.power_estimates import (
    PowerEstimate,
    banzhaf_monte_carlo,
    shapley_shubik_monte_carlo,
)

# Players² × total weight / 64 that an exact count may cost: about a quarter of a second
# for the Shapley–Shubik index, the dearer of the two.
EXACT_BUDGET = 10_000_000
SAMPLES = 2_000
SEED = 1917

_EXACT: dict[str, Callable[[Sequence[int], int], PowerResult]] = {
    BANZHAF: banzhaf,
    SHAPLEY_SHUBIK: shapley_shubik,
}
_ESTIMATE: dict[str, Callable[[Sequence[int], int, int, int | None], PowerEstimate]] = {
    BANZHAF: banzhaf_monte_carlo,
    SHAPLEY_SHUBIK: shapley_shubik_monte_carlo,
}


@dataclass(frozen=True)
class BlocShare:
    """A bloc's share of all voting power by one index.

    Counted exactly: `exact` is the share as a fraction and `raw` the swings (Banzhaf) or
    pivotal orderings (Shapley–Shubik) behind it. Estimated: both are None and `interval`
    holds the 95% interval around `value`.
    """

    value: float
    exact: Fraction | None = None
    raw: int | None = None
    interval: tuple[float, float] | None = None


@dataclass(frozen=True)
class BlocLine:
    """One bloc voting together: how many members, their summed weight, and its power by
    each index asked for."""

    name: str | None
    members: int
    weight: int
    shares: Mapping[str, BlocShare]


@dataclass(frozen=True)
class BlocGame:
    """The weighted game of a body voting in blocs: what wins and who holds the power.

    A body without voting weight has a game of no blocs, quota and total 0.
    """

    quota: int
    total: int
    blocs: tuple[BlocLine, ...]
    samples: int | None = None
    """How many random coalitions or orderings each estimate drew; None when counted."""
    seed: int | None = None

    @property
    def exact(self) -> bool:
        """Whether the figures were counted exactly rather than estimated."""
        return self.samples is None


def exact_is_affordable(weights: Sequence[int]) -> bool:
    """Decide whether counting the game exactly stays within what a request may spend."""
    return len(weights) ** 2 * sum(weights) // 64 <= EXACT_BUDGET


def body_quota(total: int, threshold: str) -> int:
    """Decide the weight that wins under a body's majority threshold, of all its weight."""
    share, strict = SHARES.get(threshold, SHARES["more-than-half"])
    return majority_quota(total, share, at_least=not strict)


def bloc_game(
    blocs: Mapping[str | None, Sequence[int]],
    quota: int,
    indices: Sequence[str] = INDICES,
) -> BlocGame:
    """Decide each bloc's voting power by each index, from its members' weights, in order.

    Counted exactly when within `EXACT_BUDGET` (and within the exact count's own memory
    bound), else estimated from `SAMPLES` draws seeded with `SEED`. The quota must lie
    between 1 and the total weight. A game that cannot be counted and whose draws never
    show a bloc decisive (a quota that only near-unanimity reaches) is refused rather than
    shown as figures nobody could trust.
    """
    weights = [sum(members) for members in blocs.values()]
    total = sum(weights)
    if total == 0:
        return BlocGame(0, 0, ())
    if not 0 < quota <= total:
        raise ValueError(f"quota {quota} must lie between 1 and the total weight {total}")
    if exact_is_affordable(weights):
        try:
            counted = {index: _EXACT[index](weights, quota) for index in indices}
        except ValueError:  # the exact tables would outgrow their memory bound
            pass
        else:
            return BlocGame(
                quota,
                total,
                _lines(
                    blocs,
                    weights,
                    lambda i: {
                        index: BlocShare(float(result.values[i]), result.values[i], result.raw[i])
                        for index, result in counted.items()
                    },
                ),
            )
    try:
        drawn = {index: _ESTIMATE[index](weights, quota, SAMPLES, SEED) for index in indices}
    except ValueError as error:
        raise InvalidInput(
            f"quota: {quota} of {total} makes no bloc decisive in {SAMPLES:,} random"
            f" coalitions, and this game is too large to count exactly ({error})"
        ) from None
    return BlocGame(
        quota,
        total,
        _lines(
            blocs,
            weights,
            lambda i: {
                index: BlocShare(estimate.values[i], interval=(estimate.low[i], estimate.high[i]))
                for index, estimate in drawn.items()
            },
        ),
        SAMPLES,
        SEED,
    )


def _lines(
    blocs: Mapping[str | None, Sequence[int]],
    weights: list[int],
    shares: Callable[[int], dict[str, BlocShare]],
) -> tuple[BlocLine, ...]:
    """Decide the blocs' lines, in order, each with its shares as `shares(position)` gives."""
    return tuple(
        BlocLine(name, len(blocs[name]), weight, shares(i))
        for i, (name, weight) in enumerate(zip(blocs, weights, strict=True))
    )
