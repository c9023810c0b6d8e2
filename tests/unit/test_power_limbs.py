"""Shapley–Shubik's table in multi-limb integers against Python integers and the modular path."""

from __future__ import annotations

import math
import random
from fractions import Fraction
from unittest import mock

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tauride.domain.power import majority_quota, shapley_shubik
from tauride.domain.power_limbs import LIMB, size_weight_table


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 -- reproducible games, not secrets


def python_table(weights: list[int], quota: int, rows: int) -> list[list[int]]:
    """Coalitions of the players lighter than the quota, by size (< rows) and weight (< quota)."""
    table = [[0] * quota for _ in range(rows)]
    table[0][0] = 1
    for w in weights:
        if w >= quota:
            continue
        for k in range(rows - 1, 0, -1):
            for s in range(quota - 1, w - 1, -1):
                table[k][s] += table[k - 1][s - w]
    return table


@pytest.mark.parametrize(
    ("seed", "players", "heaviest", "limbs"), [(1, 90, 1, 2), (2, 100, 3, 2), (3, 40, 25, 1)]
)
def test_limb_table_holds_the_exact_counts(
    seed: int, players: int, heaviest: int, limbs: int
) -> None:
    # Light weights make the counts grow fastest: binomials of 90 players pass 2^48, so the
    # counts take two limbs and carries are settled every 15 players.
    rng = seeded(seed)
    weights = [rng.randint(0, heaviest) for _ in range(players)]
    quota = majority_quota(sum(weights))
    rows = min(players, sum(1 for w in weights if w < quota)) + 1
    expected = python_table(weights, quota, rows)
    table = size_weight_table(weights, quota, rows)
    assert max(max(row) for row in expected).bit_length() > LIMB * (limbs - 1)
    for k, row in enumerate(table):
        got = [0] * quota
        for s in range(row.first, row.last + 1):
            got[s] = sum(
                int(limb) << (LIMB * i) for i, limb in enumerate(row.cells[:, s - row.low])
            )
        assert got == expected[k]
    assert all(not any(row) for row in expected[len(table) :])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=70),
    st.fractions(Fraction(1, 3), 1),
)
def test_shapley_shubik_is_the_same_counted_in_limbs_or_modulo_primes(
    weights: list[int], share: Fraction
) -> None:
    assume(sum(weights) > 0)
    quota = max(1, math.ceil(share * sum(weights)))
    in_limbs = shapley_shubik(weights, quota)
    with mock.patch("tauride.domain.power.MAX_LIMB_BYTES", 0):
        modulo_primes = shapley_shubik(weights, quota)
    assert in_limbs == modulo_primes
