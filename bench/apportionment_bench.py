"""Apportionment: every fixed-house method on the US House and at a national scale."""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import partial

from measure import (
    Probe,
    Settings,
    Timing,
    anchor,
    fmt_count,
    fmt_ratio,
    fmt_time,
    measure,
    print_table,
)
from tauride.domain.apportionment import METHODS, ApportionmentTie, apportion, apportion_by_ratio

# The real 2020 census apportionment populations (resident population plus overseas federal
# personnel) of the 50 states, total 331,108,434. They are the published figures:
# Huntington-Hill over 435 seats reproduces the 2020 apportionment from them, including
# New York's 26th seat, which 89 more residents would have turned into a 27th.
US_2020: dict[str, int] = {
    "California": 39_576_757, "Texas": 29_183_290, "Florida": 21_570_527,
    "New York": 20_215_751, "Pennsylvania": 13_011_844, "Illinois": 12_822_739,
    "Ohio": 11_808_848, "Georgia": 10_725_274, "North Carolina": 10_453_948,
    "Michigan": 10_084_442, "New Jersey": 9_294_493, "Virginia": 8_654_542,
    "Washington": 7_715_946, "Arizona": 7_158_923, "Massachusetts": 7_033_469,
    "Tennessee": 6_916_897, "Indiana": 6_790_280, "Maryland": 6_185_278,
    "Missouri": 6_160_281, "Wisconsin": 5_897_473, "Colorado": 5_782_171,
    "Minnesota": 5_709_752, "South Carolina": 5_124_712, "Alabama": 5_030_053,
    "Louisiana": 4_661_468, "Kentucky": 4_509_342, "Oregon": 4_241_500,
    "Oklahoma": 3_963_516, "Connecticut": 3_608_298, "Utah": 3_275_252,
    "Iowa": 3_192_406, "Nevada": 3_108_462, "Arkansas": 3_013_756,
    "Mississippi": 2_963_914, "Kansas": 2_940_865, "New Mexico": 2_120_220,
    "Nebraska": 1_963_333, "Idaho": 1_841_377, "West Virginia": 1_795_045,
    "Hawaii": 1_460_137, "New Hampshire": 1_379_089, "Maine": 1_363_582,
    "Rhode Island": 1_098_163, "Montana": 1_085_407, "Delaware": 990_837,
    "South Dakota": 887_770, "North Dakota": 779_702, "Alaska": 736_081,
    "Vermont": 643_503, "Wyoming": 577_719,
}  # fmt: skip
US_HOUSE_SEATS = 435


def national_sizes(units: int, seed: int) -> dict[str, int]:
    """Seeded log-normal unit sizes (median about 20,000, mean about 33,000), all distinct.

    Distinct sizes keep equal claims, which the methods refuse to break, unlikely; the
    benchmark still reports a tie rather than failing if one decides a seat.
    """
    rng = random.Random(seed)  # noqa: S311 -- reproducible sizes, not secrets
    seen: set[int] = set()
    sizes: dict[str, int] = {}
    for i in range(units):
        size = max(1, round(rng.lognormvariate(9.9, 1.0)))
        while size in seen:
            size += 1
        seen.add(size)
        sizes[f"unit-{i:05d}"] = size
    return sizes


def tie_free_national(units: int, seed: int, attempts: int = 20) -> tuple[dict[str, int], int]:
    """Sizes from the first seed, counting up from ``seed``, under which no method ties.

    A tie at the last seat makes a method refuse to answer (as it should); the benchmark
    wants every method to finish, so it skips such draws and says which seed it kept.
    """
    for candidate in range(seed, seed + attempts):
        sizes = national_sizes(units, candidate)
        try:
            for method in ("webster", *METHODS):
                apportion(sizes, units, method)
        except ApportionmentTie:
            continue
        return sizes, candidate
    raise RuntimeError(f"every seed from {seed} to {seed + attempts - 1} gives a tie")


def _timed(fn: Callable[[], object], settings: Settings, against: list[Probe]) -> Timing | str:
    try:
        return measure(fn, settings, against)
    except ApportionmentTie as tie:
        return f"tie between {len(tie.tied)} units"


def _row(label: str, case: str, timing: Timing | str, ratios: tuple[float, float]) -> list[str]:
    if isinstance(timing, str):
        return [label, case, timing, "", "", ""]
    return [label, case, fmt_time(timing.seconds), timing.how, *map(fmt_ratio, ratios)]


def run(settings: Settings) -> None:
    """Measure every method on both cases, the ratio rule with grouping, and the anchors."""
    units = 1_000 if settings.quick else 10_000
    national, seed = tie_free_national(units, settings.seed)
    total = sum(national.values())
    ratio = total // units  # about one seat per unit on average
    cases = [
        (f"50 states, {US_HOUSE_SEATS} seats", US_2020, US_HOUSE_SEATS),
        (f"{fmt_count(units)} units, {fmt_count(units)} seats", national, units),
    ]
    rows: list[list[str]] = []
    for case, sizes, seats in cases:
        sort, by_sort = anchor(partial(sorted, sizes.values()), settings)
        hamilton_fn = partial(apportion, sizes, seats, "hamilton")
        hamilton = measure(hamilton_fn, settings, [by_sort])
        anchors = [by_sort, Probe(hamilton_fn, hamilton.calls)]
        rows.append(_row("sorted() of the sizes", case, sort, (1.0, 1 / hamilton.ratios[0])))
        for method in METHODS:
            if method == "hamilton":
                rows.append(_row(method, case, hamilton, (hamilton.ratios[0], 1.0)))
                continue
            timing = _timed(partial(apportion, sizes, seats, method), settings, anchors)
            ratios = (0.0, 0.0) if isinstance(timing, str) else (timing.ratios[0], timing.ratios[1])
            rows.append(_row(method, case, timing, ratios))
    by_ratio = partial(apportion_by_ratio, national, ratio, minimum=1, group_below=True)
    grouped = by_ratio()
    label = f"ratio 1:{fmt_count(ratio)}, grouped"
    timing = measure(by_ratio, settings, anchors)  # anchors of the national case, the last
    rows.append(_row(label, cases[1][0], timing, (timing.ratios[0], timing.ratios[1])))
    drawn = f"seed {seed}"
    if seed == settings.seed + 1:
        drawn += f" (seed {settings.seed} gave a tie for a seat and was skipped)"
    elif seed > settings.seed:
        drawn += f" (seeds {settings.seed}-{seed - 1} gave ties for a seat and were skipped)"
    small = sum(1 for size in national.values() if size < ratio)
    groups = len(grouped.seats) - (units - small)
    print_table(
        "1. Apportionment — median time per call",
        ["method", "case", "time/call", "samples", "× sorted()", "× hamilton"],
        rows,
        [
            "Anchors: sorted() of the same sizes, and Hamilton on the same case; each ratio is"
            " the median of paired samples.",
            "50 states: the real 2020 census apportionment populations (total 331,108,434).",
            f"{fmt_count(units)} units: log-normal sizes, total {fmt_count(total)}, {drawn}.",
            f"Ratio rule: one seat per {fmt_count(ratio)}, rounding down, minimum 1;"
            f" {fmt_count(small)} units below the ratio form {fmt_count(groups)} groups;"
            f" {fmt_count(sum(grouped.seats.values()))} seats in all.",
            "With as many seats as units, Adams and Huntington-Hill give every unit its first"
            " seat (an infinite claim) and stop: those rows time only that one pass.",
        ],
    )
