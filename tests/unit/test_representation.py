"""Seats per constituency under a kind's rule, including federation thresholds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tauride.domain.constitution.model import RepresentationRule
from tauride.domain.representation import ElectingUnit, Unit, allocate, split_represented


def test_ratio_rule_with_grouping_of_small_plants() -> None:
    rule = RepresentationRule(rule="ratio", ratio=500, minimum=1, group_below=True)
    units = [Unit("Putilov", 2600), Unit("Small A", 200, "Neva"), Unit("Small B", 350, "Neva")]
    assert allocate(rule, units) == [
        ElectingUnit("Putilov", ("Putilov",), 2600, 5),
        ElectingUnit("Small A + Small B", ("Small A", "Small B"), 550, 1),
    ]


def test_per_unit_rule_gives_every_company_its_deputy_whatever_its_size() -> None:
    rule = RepresentationRule(rule="per-unit", seats=1)
    result = allocate(rule, [Unit("1st Company", 250), Unit("2nd Company", 90)])
    assert [u.seats for u in result] == [1, 1]


def test_house_rule_shares_a_fixed_number_of_seats() -> None:
    rule = RepresentationRule(rule="house", seats=10, method="sainte-lague")
    result = allocate(rule, [Unit("A", 5300), Unit("B", 3100), Unit("C", 1600)])
    assert {u.name: u.seats for u in result} == {"A": 5, "B": 3, "C": 2}


def test_first_congress_of_soviets_thresholds() -> None:
    # June 1917: voting delegates from soviets of 25,000 or more, consultative from 10,000.
    rule = RepresentationRule(
        rule="ratio", ratio=25000, voting_from=25000, consultative_from=10000, consultative_seats=1
    )
    units = [Unit("Petrograd", 400_000), Unit("Tver", 18_000), Unit("Village", 4_000)]
    result = {u.name: (u.seats, u.consultative_seats) for u in allocate(rule, units)}
    assert result == {"Petrograd": (16, 0), "Tver": (0, 1), "Village": (0, 0)}


def test_result_keeps_the_order_of_the_units() -> None:
    rule = RepresentationRule(rule="ratio", ratio=100, voting_from=100, consultative_from=10)
    units = [Unit("small", 50), Unit("big", 500), Unit("middle", 20)]
    assert [u.name for u in allocate(rule, units)] == ["small", "big", "middle"]


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=500))
def test_card_vote_weights_sum_to_the_size_and_differ_by_at_most_one(size: int, seats: int) -> None:
    weights = split_represented(size, seats)
    assert len(weights) == seats
    assert sum(weights) == size
    assert max(weights) - min(weights) <= 1


def test_no_seats_no_weights() -> None:
    assert split_represented(1000, 0) == []
