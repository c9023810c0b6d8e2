"""Monte Carlo estimates of voting power, with 95% intervals, for games too large to count.

Companion of `tauride.domain.power`, which counts the indices exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tauride.domain.power import BANZHAF, SHAPLEY_SHUBIK, checked_weights

Int64s = npt.NDArray[np.int64]
Float64s = npt.NDArray[np.float64]
Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


@dataclass(frozen=True)
class PowerEstimate:
    """Monte Carlo estimates of the normalized index, in input order, with 95% intervals."""

    index: str
    values: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    samples: int
    seed: int | None


def banzhaf_monte_carlo(
    weights: Sequence[int], quota: int, samples: int, seed: int | None = None
) -> PowerEstimate:
    """Estimate the normalized Banzhaf index from random coalitions, with 95% intervals.

    Each sample is a uniformly random coalition of all players; in it every player's
    criticality (with or without the player) is one draw of the swing probability. The
    normalized index is a ratio of means, its interval from the delta method. Players of
    equal weight are pooled: only how many of each weight join is drawn.
    """
    given = checked_weights(weights, quota)
    if samples < 2:
        raise ValueError(f"samples must be at least 2, not {samples}")
    classes, members, inverse = _classes(given)
    rng = np.random.default_rng(seed)
    width = len(classes)
    # Sums over samples of the critical counts c per class and y in all, and of products.
    sum_c = np.zeros(width, dtype=np.int64)
    sum_cc, sum_cy = np.zeros(width), np.zeros(width)
    sum_y, sum_yy = 0, 0.0
    for batch in _batches(samples, width):
        joined = rng.binomial(members, 0.5, size=(batch, width))
        total = (joined @ classes)[:, None]
        inside = (total >= quota) & (total < quota + classes)
        outside = (total < quota) & (total >= quota - classes)
        critical = joined * inside + (members - joined) * outside
        y = critical.sum(axis=1)
        sum_c += critical.sum(axis=0)
        sum_cc += (critical.astype(float) ** 2).sum(axis=0)
        sum_cy += (critical * y[:, None].astype(float)).sum(axis=0)
        sum_y += int(y.sum())
        sum_yy += float((y.astype(float) ** 2).sum())
    if sum_y == 0:
        raise ValueError(f"no player was critical in {samples} samples: take more samples")
    # A player's share is its class's mean critical count over m, divided by the mean of y:
    # one division of exact integer sums.
    share = sum_c / (members * sum_y)
    mean_c, mean_y = sum_c / samples, sum_y / samples
    var_c = (sum_cc - samples * mean_c**2) / (samples - 1)
    cov_cy = (sum_cy - samples * mean_c * mean_y) / (samples - 1)
    var_y = (sum_yy - samples * mean_y**2) / (samples - 1)
    # Delta method: the ratio's variance is that of (x - share·y) / mean(y), x = c / m.
    spread = var_c / members**2 - 2 * share * cov_cy / members + share**2 * var_y
    half = Z95 * np.sqrt(np.maximum(spread, 0.0) / samples) / mean_y
    # Never seen critical: the rule of three bounds the class's mean share, not zero width.
    high = np.where(sum_c == 0, 3 / samples / mean_y, share + half)
    return _estimate(BANZHAF, inverse, samples, seed, (share, share - half, high))


def shapley_shubik_monte_carlo(
    weights: Sequence[int], quota: int, samples: int, seed: int | None = None
) -> PowerEstimate:
    """Estimate the normalized Shapley–Shubik index from random orderings, with 95% intervals.

    Each sample is a uniformly random ordering; its pivot is the player who brings the
    running total to the quota. A weight class's share of pivots is a proportion, given a
    Wilson interval, then split equally among the class's players.
    """
    given = checked_weights(weights, quota)
    if samples < 2:
        raise ValueError(f"samples must be at least 2, not {samples}")
    classes, members, inverse = _classes(given)
    rng = np.random.default_rng(seed)
    pivots = np.zeros(len(classes), dtype=np.int64)
    order = np.asarray(given, dtype=np.int64)
    for batch in _batches(samples, len(given)):
        shuffled = rng.permuted(np.tile(order, (batch, 1)), axis=1)
        position = np.argmax(np.cumsum(shuffled, axis=1) >= quota, axis=1)
        pivot = shuffled[np.arange(batch), position]
        pivots += np.bincount(np.searchsorted(classes, pivot), minlength=len(classes))
    share = pivots / samples
    z2 = Z95 * Z95
    centre = (share + z2 / (2 * samples)) / (1 + z2 / samples)
    half = Z95 * np.sqrt(share * (1 - share) / samples + z2 / (4 * samples**2))
    half /= 1 + z2 / samples
    bounds = (share / members, (centre - half) / members, (centre + half) / members)
    return _estimate(SHAPLEY_SHUBIK, inverse, samples, seed, bounds)


def _classes(weights: list[int]) -> tuple[Int64s, Int64s, Int64s]:
    """Decide the distinct weights, how many players hold each, and each player's class."""
    classes, inverse, members = np.unique(
        np.asarray(weights, dtype=np.int64), return_inverse=True, return_counts=True
    )
    return classes, members, inverse


def _batches(samples: int, width: int) -> list[int]:
    """Decide batch sizes that cover `samples` with about a million cells each."""
    size = max(1, (1 << 20) // max(width, 1))
    return [min(size, samples - start) for start in range(0, samples, size)]


def _estimate(
    index: str,
    inverse: Int64s,
    samples: int,
    seed: int | None,
    figures: tuple[Float64s, Float64s, Float64s],
) -> PowerEstimate:
    """Decide the per-player estimate from per-class (value, low, high), bounds within [0, 1]."""
    values, low, high = (figure[inverse].tolist() for figure in figures)
    return PowerEstimate(
        index=index,
        values=tuple(values),
        low=tuple(max(0.0, v) for v in low),
        high=tuple(min(1.0, v) for v in high),
        samples=samples,
        seed=seed,
    )
