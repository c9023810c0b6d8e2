"""Apportionment properties, checked against slow, obvious models of each method."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tauride.domain.apportionment import (
    METHODS,
    ApportionmentTie,
    apportion,
    apportion_by_ratio,
    exact_quotas,
    group_small_units,
)

DIVISOR_METHODS = ("jefferson", "webster", "huntington-hill", "adams")

# A claim's value, compared as (rank, amount): rank 1 is an infinite claim (Adams and
# Huntington-Hill on a first seat), rank 0 a finite one of that amount.
Claim = tuple[int, Fraction]
INFINITE: Claim = (1, Fraction(0))


def claim(method: str, size: int, k: int) -> Claim:
    """The claim of a unit of `size` to its (k+1)-th seat: size / d(k), from the textbook."""
    if method == "jefferson":
        return (0, Fraction(size, k + 1))
    if method == "webster":
        return (0, size / (k + Fraction(1, 2)))
    if method == "adams":
        return INFINITE if k == 0 else (0, Fraction(size, k))
    # Huntington-Hill divides by √(k(k+1)); squares keep the order and stay rational.
    return INFINITE if k == 0 else (0, Fraction(size * size, k * (k + 1)))


class Tie(Exception):
    def __init__(self, tied: tuple[str, ...], seats_left: int) -> None:
        super().__init__(tied, seats_left)
        self.tied = tied
        self.seats_left = seats_left


def reference_divisor(sizes: dict[str, int], seats: int, method: str) -> dict[str, int]:
    """Find the divisor: try every candidate value of a claim, highest first.

    At candidate D a unit holds as many seats as it has claims worth at least D. The first
    D that fills the house decides: filled exactly, that is the answer; overfilled, the
    claims worth exactly D are tied for the seats the claims above D leave.
    """
    names = list(sizes)
    if seats == 0:
        return dict.fromkeys(names, 0)
    # No unit can hold more than `seats` seats, so claims k < seats are all that matter.
    claims = {
        name: [claim(method, sizes[name], k) for k in range(seats)]
        for name in names
        if sizes[name] > 0
    }
    candidates = sorted({c for values in claims.values() for c in values}, reverse=True)
    for divisor in candidates:
        held = {name: sum(1 for c in claims.get(name, []) if c >= divisor) for name in names}
        if sum(held.values()) == seats:
            return held
        if sum(held.values()) > seats:
            above = sum(1 for values in claims.values() for c in values if c > divisor)
            tied = tuple(name for name in names if divisor in claims.get(name, []))
            raise Tie(tied, seats - above)
    raise AssertionError("some candidate always fills the house")


def reference_hamilton(sizes: dict[str, int], seats: int) -> dict[str, int]:
    """The textbook procedure: floors of the quotas, then one seat each by largest remainder."""
    total = sum(sizes.values())
    quotas = {name: Fraction(size * seats, total) for name, size in sizes.items()}
    held = {name: int(q) for name, q in quotas.items()}
    remainders = {name: quotas[name] - held[name] for name in sizes}
    left = seats - sum(held.values())
    while left > 0:
        best = max(remainders.values())
        top = tuple(name for name in sizes if remainders.get(name) == best)
        if len(top) > left:
            raise Tie(top, left)
        for name in top:
            held[name] += 1
            del remainders[name]
        left -= len(top)
    return held


def reference(sizes: dict[str, int], seats: int, method: str) -> dict[str, int]:
    if method == "hamilton":
        return reference_hamilton(sizes, seats)
    return reference_divisor(sizes, seats, method)


def outcome(
    run: Callable[[dict[str, int], int, str], dict[str, int]],
    sizes: dict[str, int],
    seats: int,
    method: str,
) -> dict[str, int] | tuple[tuple[str, ...], int]:
    """Either the allocation, or (tied, seats_left) when the run met a tie."""
    try:
        return run(sizes, seats, method)
    except (Tie, ApportionmentTie) as tie:
        return (tie.tied, tie.seats_left)


def named(values: list[int]) -> dict[str, int]:
    return {f"u{i}": size for i, size in enumerate(values)}


# Small sizes make many exact ties; large ones make ties rare, so totals get exercised too.
small_sizes = st.lists(st.integers(0, 40), min_size=1, max_size=7).filter(any).map(named)
large_sizes = st.lists(st.integers(0, 10**9), min_size=1, max_size=12).filter(any).map(named)
any_sizes = st.one_of(small_sizes, large_sizes)
methods = st.sampled_from(METHODS)


@given(sizes=any_sizes, seats=st.integers(0, 30), method=methods)
@settings(max_examples=300)
def test_agrees_with_the_reference_including_its_ties(
    sizes: dict[str, int], seats: int, method: str
) -> None:
    assert outcome(apportion, sizes, seats, method) == outcome(reference, sizes, seats, method)


@given(sizes=any_sizes, seats=st.integers(0, 60), method=methods)
def test_every_seat_is_given_and_only_to_populated_units(
    sizes: dict[str, int], seats: int, method: str
) -> None:
    result = outcome(apportion, sizes, seats, method)
    if isinstance(result, tuple):
        tied, seats_left = result
        assert 0 < seats_left < len(tied)
        assert list(tied) == [name for name in sizes if name in tied]
        return
    assert sum(result.values()) == seats
    assert list(result) == list(sizes)
    assert all(result[name] == 0 for name, size in sizes.items() if size == 0)


@given(sizes=any_sizes, seats=st.integers(0, 60))
def test_hamilton_keeps_every_unit_within_its_quota(sizes: dict[str, int], seats: int) -> None:
    try:
        result = apportion(sizes, seats, "hamilton")
    except ApportionmentTie:
        return
    for name, quota in exact_quotas(sizes, seats).items():
        assert math.floor(quota) <= result[name] <= math.ceil(quota)


@given(sizes=any_sizes, seats=st.integers(0, 60))
def test_jefferson_meets_lower_quota_and_adams_upper_quota(
    sizes: dict[str, int], seats: int
) -> None:
    quotas = exact_quotas(sizes, seats)
    try:
        jefferson = apportion(sizes, seats, "jefferson")
        assert all(jefferson[name] >= math.floor(q) for name, q in quotas.items())
    except ApportionmentTie:
        pass
    try:
        adams = apportion(sizes, seats, "adams")
        assert all(adams[name] <= math.ceil(q) for name, q in quotas.items())
    except ApportionmentTie:
        pass


@given(sizes=any_sizes, seats=st.integers(0, 60), method=st.sampled_from(DIVISOR_METHODS))
def test_divisor_methods_are_house_monotone(sizes: dict[str, int], seats: int, method: str) -> None:
    try:
        smaller = apportion(sizes, seats, method)
        larger = apportion(sizes, seats + 1, method)
    except ApportionmentTie:
        return
    assert all(larger[name] >= smaller[name] for name in sizes)


@given(sizes=any_sizes, seats=st.integers(0, 40), method=methods, factor=st.integers(2, 10**6))
def test_scaling_every_size_changes_nothing(
    sizes: dict[str, int], seats: int, method: str, factor: int
) -> None:
    scaled = {name: size * factor for name, size in sizes.items()}
    assert outcome(apportion, scaled, seats, method) == outcome(apportion, sizes, seats, method)


# Ratio rules ---------------------------------------------------------------------------

ratio_sizes = st.lists(st.integers(0, 2_000), min_size=1, max_size=10).map(named)
labels = st.sampled_from(["", "north", "south"])


@given(
    sizes=ratio_sizes,
    ratio=st.integers(1, 1_000),
    rounding=st.sampled_from(["down", "up", "nearest"]),
    minimum=st.integers(0, 3),
)
def test_ratio_seats_round_the_exact_share_then_meet_the_minimum(
    sizes: dict[str, int], ratio: int, rounding: str, minimum: int
) -> None:
    result = apportion_by_ratio(sizes, ratio, rounding=rounding, minimum=minimum)
    for name, size in sizes.items():
        share = Fraction(size, ratio)
        seats = result.seats[name]
        if size == 0:
            assert seats == 0
            continue
        assert seats >= minimum
        if seats == minimum:
            continue
        if rounding == "down":
            assert seats <= share < seats + 1
        elif rounding == "up":
            assert seats - 1 < share <= seats
        else:
            # Within a half; an exact half has gone up.
            assert seats - Fraction(1, 2) <= share < seats + Fraction(1, 2)


@given(sizes=ratio_sizes, ratio=st.integers(1, 1_000), data=st.data())
def test_grouping_partitions_the_small_units(
    sizes: dict[str, int], ratio: int, data: st.DataObject
) -> None:
    labelled = {name: data.draw(labels) for name in sizes}
    units = group_small_units(sizes, ratio, labelled)
    position = {name: i for i, name in enumerate(sizes)}
    assert sorted(name for unit in units for name in unit) == sorted(sizes)
    assert [position[unit[0]] for unit in units] == sorted(position[unit[0]] for unit in units)
    unlabelled_pool = []
    for unit in units:
        assert [position[name] for name in unit] == sorted(position[name] for name in unit)
        if len(unit) > 1:
            assert all(0 < sizes[name] < ratio for name in unit)
            assert len({labelled[name] for name in unit}) == 1
        if all(0 < sizes[name] < ratio and not labelled[name] for name in unit):
            unlabelled_pool.append(sum(sizes[name] for name in unit))
    # Unlabelled small units form groups that reach the ratio, unless together they never
    # could: then they are one group.
    assert all(total >= ratio for total in unlabelled_pool) or len(unlabelled_pool) == 1
    result = apportion_by_ratio(sizes, ratio, group_below=True, groups=labelled)
    assert sum(result.sizes.values()) == sum(sizes.values())
    assert list(result.members.values()) == units
