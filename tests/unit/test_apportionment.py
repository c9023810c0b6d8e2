"""Apportionment by hand-checked cases: textbook houses, ties, refusals, ratio rules."""

from __future__ import annotations

import pickle
import re
from fractions import Fraction

import pytest

from tauride.domain.apportionment import (
    ALIASES,
    METHODS,
    ApportionmentTie,
    apportion,
    apportion_by_ratio,
    canonical_method,
    exact_quotas,
    group_small_units,
)

# 1790 census, apportionment population of the fifteen states (the figures of the 1792 debate).
US_1790 = {
    "Connecticut": 236_841,
    "Delaware": 55_540,
    "Georgia": 70_835,
    "Kentucky": 68_705,
    "Maryland": 278_514,
    "Massachusetts": 475_327,
    "New Hampshire": 141_822,
    "New Jersey": 179_570,
    "New York": 331_589,
    "North Carolina": 353_523,
    "Pennsylvania": 432_879,
    "Rhode Island": 68_446,
    "South Carolina": 206_236,
    "Vermont": 85_533,
    "Virginia": 630_560,
}


def seats_of(allocation: dict[str, int]) -> list[int]:
    return list(allocation.values())


def test_jefferson_gives_the_1792_house_of_105() -> None:
    # The apportionment actually enacted in 1792 (divisor 33,000): Virginia 19, Delaware 1.
    assert seats_of(apportion(US_1790, 105, "jefferson")) == [
        7, 1, 2, 2, 8, 14, 4, 5, 10, 10, 13, 2, 6, 2, 19,
    ]  # fmt: skip


def test_hamilton_gives_delaware_a_second_seat_in_the_house_of_105() -> None:
    # Standard divisor 3,615,920 / 105 = 34,437.33; the floors of the quotas sum to 97. The 8
    # seats left go to the largest remainders: Kentucky .995, South Carolina .989, Rhode
    # Island .988, Connecticut .877, Massachusetts .803, New York .629, Delaware .613,
    # Pennsylvania .570; Vermont (.484) and Virginia (.310) miss out.
    result = apportion(US_1790, 105, "hamilton")
    assert seats_of(result) == [7, 2, 2, 2, 8, 14, 4, 5, 10, 10, 13, 2, 6, 2, 18]
    assert result["Virginia"] == 18
    assert apportion(US_1790, 105, "jefferson")["Virginia"] == 19


def test_hamilton_gives_the_vetoed_1792_house_of_120() -> None:
    # The bill Washington vetoed: 120 seats by largest remainder, eight states with an extra
    # seat beyond the floor of their quota.
    assert seats_of(apportion(US_1790, 120, "hamilton")) == [
        8, 2, 2, 2, 9, 16, 5, 6, 11, 12, 14, 2, 7, 3, 21,
    ]  # fmt: skip


def test_jefferson_favours_large_states_in_the_house_of_120() -> None:
    # Against Hamilton: Virginia (quota 20.93) and Pennsylvania (14.37) each gain a seat,
    # Delaware (1.84) and New Hampshire (4.71) each lose one.
    result = apportion(US_1790, 120, "jefferson")
    assert seats_of(result) == [8, 1, 2, 2, 9, 16, 4, 6, 11, 12, 15, 2, 7, 3, 22]
    assert result != apportion(US_1790, 120, "hamilton")


PARTIES = {"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}


def test_dhondt_party_list_of_eight_seats() -> None:
    # Quotients (÷1, 2, 3, 4, 5): A 100k 50k 33.3k 25k 20k; B 80k 40k 26.7k 20k; C 30k 15k;
    # D 20k. The eight highest: A 100k, B 80k, A 50k, B 40k, A 33.3k, C 30k, B 26.7k, A 25k.
    assert apportion(PARTIES, 8, "dhondt") == {"A": 4, "B": 3, "C": 1, "D": 0}


def test_sainte_lague_party_list_of_eight_seats() -> None:
    # Quotients (÷1, 3, 5, 7): A 100k 33.3k 20k 14.3k; B 80k 26.7k 16k; C 30k 10k; D 20k.
    # The eight highest: A 100k, B 80k, A 33.3k, C 30k, B 26.7k, then A 20k and D 20k tied
    # for the 6th and 7th seats (both fit), then B 16k.
    assert apportion(PARTIES, 8, "sainte-lague") == {"A": 3, "B": 3, "C": 1, "D": 1}


def test_sainte_lague_tie_for_the_last_seat_is_raised() -> None:
    # Same quotients with 6 seats: A 20k and D 20k compete for the 6th seat alone.
    with pytest.raises(ApportionmentTie) as caught:
        apportion(PARTIES, 6, "webster")
    assert caught.value.tied == ("A", "D")
    assert caught.value.seats_left == 1
    assert caught.value.method == "webster"
    assert str(caught.value) == "tie for the last 1 seat(s) between A, D under webster"


SMALL = {"A": 100, "B": 50, "C": 10}


def test_huntington_hill_by_hand() -> None:
    # Each unit first takes a seat (infinite priority): A1 B1 C1. Priorities p²/(s(s+1)):
    # A 10000/2 = 5000, B 2500/2 = 1250, C 100/2 = 50 → A (A2). Then A 10000/6 = 1666.7
    # still beats B 1250 → A (A3).
    assert apportion(SMALL, 5, "huntington-hill") == {"A": 3, "B": 1, "C": 1}
    # Webster, by contrast (÷1, 3, 5): A 100, B 50, A 33.3, A 20, B 16.7; C's 10 misses out.
    assert apportion(SMALL, 5, "webster") == {"A": 3, "B": 2, "C": 0}


def test_adams_by_hand() -> None:
    # Each unit first takes a seat: A1 B1 C1. Priorities p/s: A 100, B 50, C 10 → A (A2).
    # Then A 100/2 = 50 and B 50/1 = 50 are equal: with 2 seats left both get one.
    assert apportion(SMALL, 4, "adams") == {"A": 2, "B": 1, "C": 1}
    assert apportion(SMALL, 6, "adams") == {"A": 3, "B": 2, "C": 1}
    # With 7: A 100/3 = 33.3, B 50/2 = 25, C 10 → A.
    assert apportion(SMALL, 7, "adams") == {"A": 4, "B": 2, "C": 1}


def test_adams_tie_between_equal_averages() -> None:
    with pytest.raises(ApportionmentTie) as caught:
        apportion(SMALL, 5, "adams")
    assert (caught.value.tied, caught.value.seats_left) == (("A", "B"), 1)


@pytest.mark.parametrize("method", ["adams", "huntington-hill"])
def test_more_populated_units_than_seats_is_a_tie_under_first_seat_methods(method: str) -> None:
    with pytest.raises(ApportionmentTie) as caught:
        apportion({"A": 100, "Empty": 0, "B": 50, "C": 10}, 2, method)
    assert caught.value.tied == ("A", "B", "C")
    assert caught.value.seats_left == 2


def test_huntington_hill_tie_between_equal_sizes() -> None:
    with pytest.raises(ApportionmentTie) as caught:
        apportion({"A": 2, "B": 2}, 3, "huntington-hill")
    assert (caught.value.tied, caught.value.seats_left) == (("A", "B"), 1)


def test_hamilton_tie_at_the_cut() -> None:
    # Quotas 1.5, 1.5, 1: one seat left, two equal remainders.
    with pytest.raises(ApportionmentTie) as caught:
        apportion({"A": 3, "B": 3, "C": 2}, 4, "hamilton")
    assert (caught.value.tied, caught.value.seats_left) == (("A", "B"), 1)


def test_hamilton_tie_names_only_the_tied_and_counts_only_their_seats() -> None:
    # Quotas 2.6, 0.3, 0.3, 0.8: 2 seats left; remainders D .8, A .6, B .3, C .3 → D and A
    # take them, and B and C, though equal, are below the cut: no tie.
    assert apportion({"A": 26, "B": 3, "C": 3, "D": 8}, 4, "hamilton") == {
        "A": 3, "B": 0, "C": 0, "D": 1,
    }  # fmt: skip
    # Quotas 2.4, 0.4, 0.4, 0.8 (sizes 24, 4, 4, 8; 4 seats): 2 seats left, D (.8) takes one
    # and A, B, C (.4 each) compete for the other.
    with pytest.raises(ApportionmentTie) as caught:
        apportion({"A": 24, "B": 4, "C": 4, "D": 8}, 4, "hamilton")
    assert (caught.value.tied, caught.value.seats_left) == (("A", "B", "C"), 1)


def test_tied_units_that_all_fit_each_get_a_seat() -> None:
    assert apportion({"A": 5, "B": 5, "C": 5}, 3, "jefferson") == {"A": 1, "B": 1, "C": 1}
    with pytest.raises(ApportionmentTie) as caught:
        apportion({"A": 5, "B": 5, "C": 5}, 2, "jefferson")
    assert (caught.value.tied, caught.value.seats_left) == (("A", "B", "C"), 2)


def test_tie_survives_pickling() -> None:
    tie = ApportionmentTie(("A", "B"), 1, "adams")
    copy = pickle.loads(pickle.dumps(tie))  # noqa: S301 - our own object, just made
    assert (copy.tied, copy.seats_left, copy.method, str(copy)) == (
        tie.tied, tie.seats_left, tie.method, str(tie),
    )  # fmt: skip


def test_alabama_paradox_under_hamilton() -> None:
    # 10 seats: quotas 4.286, 4.286, 1.429; floors 4+4+1, C's remainder .429 wins → C has 2.
    # 11 seats: quotas 4.714, 4.714, 1.571; floors again 9, A and B (.714) win → C has 1.
    sizes = {"A": 6, "B": 6, "C": 2}
    assert apportion(sizes, 10, "hamilton") == {"A": 4, "B": 4, "C": 2}
    assert apportion(sizes, 11, "hamilton") == {"A": 5, "B": 5, "C": 1}


def test_decisions_are_exact_where_floats_would_tie() -> None:
    # As floats both sizes are 1e20: only exact arithmetic sees A's claim is larger.
    sizes = {"B": 10**20, "A": 10**20 + 1}
    for method in ("jefferson", "webster", "hamilton"):
        assert apportion(sizes, 1, method) == {"B": 0, "A": 1}
    assert apportion(sizes, 3, "huntington-hill") == {"B": 1, "A": 2}
    assert apportion(sizes, 3, "adams") == {"B": 1, "A": 2}


def test_aliases_give_the_same_results() -> None:
    assert dict(ALIASES) == {"dhondt": "jefferson", "sainte-lague": "webster"}
    for alias, canonical in ALIASES.items():
        assert apportion(US_1790, 105, alias) == apportion(US_1790, 105, canonical)
    assert canonical_method(" DHondt ") == "jefferson"
    assert canonical_method("Huntington-Hill") == "huntington-hill"


@pytest.mark.parametrize("method", METHODS)
def test_size_zero_never_gets_a_seat(method: str) -> None:
    result = apportion({"A": 7, "Closed": 0, "B": 4}, 5, method)
    assert result["Closed"] == 0
    assert list(result) == ["A", "Closed", "B"]
    assert sum(result.values()) == 5


@pytest.mark.parametrize("method", METHODS)
def test_no_seats_gives_zeros(method: str) -> None:
    assert apportion({"A": 7, "B": 0}, 0, method) == {"A": 0, "B": 0}


def test_exact_quotas() -> None:
    assert exact_quotas({"A": 6, "B": 6, "C": 2}, 10) == {
        "A": Fraction(30, 7), "B": Fraction(30, 7), "C": Fraction(10, 7),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("sizes", "seats", "method", "message"),
    [
        ({}, 3, "webster", "empty"),
        ({"A": 5, "B": -1}, 3, "webster", "must not be negative (-1)"),
        ({"A": 5, "B": 1.5}, 3, "webster", "whole number"),
        ({"A": 5, "B": True}, 3, "webster", "whole number"),
        ({"A": 5}, -1, "webster", "seats must not be negative (-1)"),
        ({"A": 5}, 2, "borda", "unknown method 'borda'; known methods: hamilton, jefferson"),
        ({"A": 0, "B": 0}, 2, "hamilton", "every constituency has size 0"),
        ({"A": 0, "B": 0}, 2, "webster", "every constituency has size 0"),
    ],
)
def test_impossible_inputs_are_refused(
    sizes: dict[str, int], seats: int, method: str, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        apportion(sizes, seats, method)


def test_unknown_method_lists_the_aliases_too() -> None:
    with pytest.raises(ValueError, match="dhondt = jefferson"):
        apportion({"A": 1}, 1, "x")


# Ratio rules ----------------------------------------------------------------------------

ROUNDING_SIZES = {"A": 1250, "B": 1249, "C": 1750, "D": 499, "E": 0}


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        ("down", [2, 2, 3, 0, 0]),
        ("up", [3, 3, 4, 1, 0]),
        # 1250/500 = 2.5 and 1750/500 = 3.5 are exact halves: they go up by rule.
        ("nearest", [3, 2, 4, 1, 0]),
    ],
)
def test_ratio_rounding_modes(rounding: str, expected: list[int]) -> None:
    result = apportion_by_ratio(ROUNDING_SIZES, 500, rounding=rounding)
    assert list(result.seats.values()) == expected
    assert result.members == {name: (name,) for name in ROUNDING_SIZES}
    assert result.sizes == ROUNDING_SIZES


def test_ratio_minimum_lifts_small_units_but_not_empty_ones() -> None:
    result = apportion_by_ratio(ROUNDING_SIZES, 500, minimum=1)
    assert result.seats == {"A": 2, "B": 2, "C": 3, "D": 1, "E": 0}
    assert apportion_by_ratio({"A": 1250}, 500, minimum=4).seats == {"A": 4}


def test_one_deputy_per_500_workers_with_small_works_grouped() -> None:
    # 1905: a works of 500 or more elects its own deputies; smaller ones combine.
    sizes = {
        "Putilov Works": 12_000,
        "Nevsky Thread Mill": 320,
        "Obukhov Works": 4_700,
        "Okhta Powder Works": 250,
        "Printers' Shop": 120,
    }
    result = apportion_by_ratio(sizes, 500, group_below=True)
    group = "Nevsky Thread Mill + Okhta Powder Works + Printers' Shop"
    assert result.seats == {"Putilov Works": 24, group: 1, "Obukhov Works": 9}
    assert result.members[group] == ("Nevsky Thread Mill", "Okhta Powder Works", "Printers' Shop")
    assert result.members["Putilov Works"] == ("Putilov Works",)
    assert result.sizes[group] == 690


def test_greedy_groups_close_at_the_ratio_and_the_remainder_joins_the_last() -> None:
    sizes = {"a": 300, "b": 250, "c": 400, "d": 100, "e": 50, "Big": 500}
    assert group_small_units(sizes, 500, {}) == [("a", "b"), ("c", "d", "e"), ("Big",)]
    result = apportion_by_ratio(sizes, 500, group_below=True)
    assert result.seats == {"a + b": 1, "c + d + e": 1, "Big": 1}


def test_a_remainder_with_no_group_to_join_stands_alone() -> None:
    result = apportion_by_ratio({"a": 100, "b": 200, "Big": 900}, 500, group_below=True)
    assert result.seats == {"a + b": 0, "Big": 1}
    assert apportion_by_ratio({"a": 100}, 500, group_below=True, minimum=1).seats == {"a": 1}


def test_labels_decide_groups_and_units_above_the_ratio_are_never_grouped() -> None:
    sizes = {"n1": 320, "v1": 100, "n2": 250, "Big": 800, "v2": 150, "u1": 200, "u2": 90}
    labels = {"n1": "Nevsky", "n2": "Nevsky", "v1": "Vyborg", "v2": "Vyborg", "Big": "Nevsky"}
    # Vyborg's 250 stay one group though below the ratio; unlabelled u1 + u2 (290) never
    # reach it and stand as one group.
    assert group_small_units(sizes, 500, labels) == [
        ("n1", "n2"), ("v1", "v2"), ("Big",), ("u1", "u2"),
    ]  # fmt: skip
    result = apportion_by_ratio(sizes, 500, group_below=True, groups=labels, minimum=1)
    assert result.seats == {"n1 + n2": 1, "v1 + v2": 1, "Big": 1, "u1 + u2": 1}


def test_blank_label_means_unlabelled() -> None:
    assert group_small_units({"a": 300, "b": 300}, 500, {"a": " ", "b": ""}) == [("a", "b")]


def test_without_grouping_small_units_stand_alone() -> None:
    assert apportion_by_ratio({"a": 300, "b": 300}, 500).seats == {"a": 0, "b": 0}


def test_zero_sized_units_are_not_grouped() -> None:
    result = apportion_by_ratio({"a": 300, "z": 0, "b": 300}, 500, group_below=True)
    assert result.members == {"a + b": ("a", "b"), "z": ("z",)}
    assert list(result.seats) == ["a + b", "z"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sizes": {}, "ratio": 500}, "empty"),
        ({"sizes": {"a": -1}, "ratio": 500}, "must not be negative"),
        ({"sizes": {"a": 1}, "ratio": 0}, "ratio must be a positive whole number"),
        ({"sizes": {"a": 1}, "ratio": -5}, "ratio must be a positive whole number"),
        ({"sizes": {"a": 1}, "ratio": 5, "minimum": -1}, "minimum"),
        ({"sizes": {"a": 1}, "ratio": 5, "rounding": "banker"}, "unknown rounding 'banker'"),
        ({"sizes": {"a": 1}, "ratio": 5, "groups": {"a": "x"}}, "grouping"),
        (
            {"sizes": {"a": 1}, "ratio": 5, "group_below": True, "groups": {"q": "x"}},
            "unknown constituencies: q",
        ),
        (
            {"sizes": {"a": 1, "b": 1, "a + b": 9}, "ratio": 5, "group_below": True},
            "used twice",
        ),
    ],
)
def test_ratio_rule_refuses_impossible_inputs(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        apportion_by_ratio(**kwargs)  # type: ignore[arg-type]


def test_ten_thousand_units_and_seats() -> None:
    sizes = {f"unit {i}": (i * 7919) % 100_003 + 1 for i in range(10_000)}
    for method in ("webster", "huntington-hill"):
        assert sum(apportion(sizes, 10_000, method).values()) == 10_000
