"""Voting power: exact Banzhaf and Shapley–Shubik in Tauride against the powerindex package.

Run ``python bench/power.py``. Games of 10, 100, 300 and 1,000 players with seeded random
weights 1..100 and a simple-majority quota are counted by both, on the same game in the
same run; the figures are printed, never asserted. A call whose time, extrapolated from the
next smaller game by its complexity, would pass the budget is not run, and the estimate is
printed instead. The two results are cross-checked (largest absolute difference of the
normalized values), and for 1,000 players the Monte Carlo estimates are timed as well.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial

import powerindex

from measure import fmt_ratio, fmt_time, print_table
from tauride.domain.power import (
    _largest_losing_size,
    _reduced,
    banzhaf,
    majority_quota,
    shapley_shubik,
)
from tauride.domain.power_estimates import banzhaf_monte_carlo, shapley_shubik_monte_carlo
from tauride.domain.power_limbs import table_bytes

SIZES = (10, 100, 300, 1_000)
INDICES = ("banzhaf", "shapley-shubik")
# How time grows with n at weights bounded by 100 (quota ∝ n): powerindex's generating
# functions take n·W steps (Banzhaf) and n²·q (Shapley–Shubik) in Python integers; Tauride
# takes n·q table cells times ~n/62 moduli (Banzhaf), and n players times a (size, weight)
# table of ~n·q cells times ~n/48 limbs (Shapley–Shubik).
GROWTH = {
    ("tauride", "banzhaf"): 3,
    ("tauride", "shapley-shubik"): 4,
    ("powerindex", "banzhaf"): 2,
    ("powerindex", "shapley-shubik"): 3,
}
TARGET_SECONDS = 2.0  # the target for 1,000 players, each index


def game(n: int, seed: int) -> tuple[list[int], int]:
    """Seeded weights 1..100 for n players and the quota 'more than half'."""
    rng = random.Random(seed + n)  # noqa: S311 -- reproducible games, not secrets
    weights = [rng.randint(1, 100) for _ in range(n)]
    return weights, majority_quota(sum(weights))


def tauride_values(index: str, weights: list[int], quota: int) -> list[float]:
    compute = banzhaf if index == "banzhaf" else shapley_shubik
    return [float(v) for v in compute(weights, quota).values]


def powerindex_values(index: str, weights: list[int], quota: int) -> list[float]:
    played = powerindex.Game(quota, weights)
    if index == "banzhaf":
        played.calc_banzhaf()
        return list(played.banzhaf)
    played.calc_shapley_shubik()
    return list(played.shapley_shubik)


def timed(fn: Callable[[], list[float]], least: float = 1.0) -> tuple[float, int, list[float]]:
    """Median seconds of calls repeated for about `least` seconds (one call when slower)."""
    start = time.perf_counter()
    result = fn()
    times = [time.perf_counter() - start]
    while sum(times) < least and len(times) < 50:
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(times), result


def exact_table(seed: int, budget: float) -> None:
    """Time both packages on every game and index; cross-check their values."""
    rows: list[list[str]] = []
    last: dict[tuple[str, str], tuple[int, float]] = {}
    failed: set[tuple[str, str]] = set()
    reached: dict[str, float | None] = {}
    for n in SIZES:
        weights, quota = game(n, seed)
        for index in INDICES:
            cells: dict[str, tuple[str, float | None, list[float] | None]] = {}
            for package, values in (("tauride", tauride_values), ("powerindex", powerindex_values)):
                key = (package, index)
                if key in failed:
                    cells[package] = ("not run (failed on a smaller game)", None, None)
                    continue
                if key in last:
                    before_n, before_s = last[key]
                    estimate = before_s * (n / before_n) ** GROWTH[key]
                    if estimate > budget:
                        cells[package] = (f"not run (est. {fmt_time(estimate)})", None, None)
                        last[key] = (n, estimate)
                        continue
                try:
                    seconds, calls, result = timed(partial(values, index, weights, quota))
                except OverflowError as error:
                    # powerindex divides by float(n!), which overflows past 170 players.
                    cells[package] = (f"fails: OverflowError ({error})", None, None)
                    failed.add(key)
                    continue
                last[key] = (n, seconds)
                cells[package] = (f"{fmt_time(seconds)} ({calls}×)", seconds, result)
            ours, theirs = cells["tauride"], cells["powerindex"]
            ratio = fmt_ratio(theirs[1] / ours[1]) if ours[1] and theirs[1] else "—"
            if ours[2] is not None and theirs[2] is not None:
                difference = max(abs(a - b) for a, b in zip(ours[2], theirs[2], strict=True))
                checked = f"{difference:.1e}"
            else:
                checked = "—"
            if n == SIZES[-1]:
                reached[index] = ours[1]
            rows.append([f"{n:,}", index, ours[0], theirs[0], ratio, checked])
    notes = [
        f"weights: random 1..100 (seed {seed} + n), quota: more than half of the total weight",
        "time: median of repeated calls (count in brackets); ratio: powerindex / Tauride",
        "max |Δ|: largest difference of a normalized value between the two packages",
        f"not run: time extrapolated from the next smaller game beyond the {fmt_time(budget)}"
        " budget, as n^k with k from the method's complexity",
    ]
    weights, quota = game(SIZES[-1], seed)
    reduced, q = _reduced(weights, quota)
    q = min(q, sum(reduced) - q + 1)
    sizes = _largest_losing_size(reduced, q) + 1
    notes.append(
        f"Shapley–Shubik, {SIZES[-1]:,} players: a table of {sizes:,} sizes × {q:,} weights,"
        f" {table_bytes(reduced, q, sizes) / 2**20:,.0f} MiB of 48-bit limbs"
    )
    for index in INDICES:
        got = reached.get(index)
        verdict = (
            f"{fmt_time(got)}: {'meets' if got <= TARGET_SECONDS else 'misses'}"
            if got is not None
            else "not run: misses"
        )
        notes.append(
            f"target {index}, {SIZES[-1]:,} players under {fmt_time(TARGET_SECONDS)}: {verdict}"
        )
    print_table(
        "Exact indices, Tauride against powerindex",
        ["players", "index", "Tauride", "powerindex", "ratio", "max |Δ|"],
        rows,
        notes,
        left=(1,),
    )


def monte_carlo_table(seed: int, samples: Sequence[int]) -> None:
    """Time the estimates for the largest game and check them against the exact Banzhaf."""
    n = SIZES[-1]
    weights, quota = game(n, seed)
    exact = [float(v) for v in banzhaf(weights, quota).values]
    rows: list[list[str]] = []
    for count in samples:
        for index, estimate in (
            ("banzhaf", banzhaf_monte_carlo),
            ("shapley-shubik", shapley_shubik_monte_carlo),
        ):
            start = time.perf_counter()
            result = estimate(weights, quota, count, seed)
            seconds = time.perf_counter() - start
            half = max((hi - lo) / 2 for lo, hi in zip(result.low, result.high, strict=True))
            if index == "banzhaf":
                error = max(abs(a - b) for a, b in zip(result.values, exact, strict=True))
                held = sum(
                    lo <= v <= hi for v, lo, hi in zip(exact, result.low, result.high, strict=True)
                )
                against = f"{error:.1e}, {held / n:.0%} in interval"
            else:
                against = "—"
            rows.append([index, f"{count:,}", fmt_time(seconds), f"{half:.1e}", against])
    print_table(
        f"Monte Carlo estimates, {n:,} players",
        ["index", "samples", "time", "max half-width", "vs exact: max |Δ|, covered"],
        rows,
        ["half-width: of the 95% interval of a player's normalized value"],
        left=(0,),
    )


def main(argv: list[str] | None = None) -> int:
    """Print the exact and Monte Carlo tables."""
    parser = argparse.ArgumentParser(prog="bench/power.py", description=__doc__)
    parser.add_argument("--seed", type=int, default=1917, help="seed of the games")
    parser.add_argument(
        "--budget", type=float, default=30.0, help="seconds a single call may be expected to take"
    )
    args = parser.parse_args(argv)
    print(
        f"Voting power benchmark — Python {platform.python_version()} on"
        f" {platform.system()} {platform.machine()}"
    )
    started = time.perf_counter()
    exact_table(args.seed, args.budget)
    monte_carlo_table(args.seed, (10_000, 100_000))
    print(f"\nTotal wall time: {fmt_time(time.perf_counter() - started)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
