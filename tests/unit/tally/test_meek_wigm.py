"""Meek and WIGM: reference figures, and a case where they part company, worked by hand."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import pytest

from tauride.domain.tally.blt import parse_blt
from tauride.domain.tally.meek import meek
from tauride.domain.tally.profile import Profile
from tauride.domain.tally.records import CountResult, decimal_text
from tauride.domain.tally.stv_scottish import scottish_stv
from tauride.domain.tally.wigm import wigm

# The Green Party of the United States steering committee election of 24 July 2005
# (94 ballots, 13 candidates, 4 seats), a test case of the Droop STV package. Equal
# rankings are merged into weights: the counts are the same.
GPUS_2005 = """13 4
    1 1 4 13 2 7 5 3 9 8 12 11 0
    1 1 4 13 5 3 2 0
    2 1 4 13 7 0
    1 1 13 3 4 7 5 2 0
    1 1 13 3 7 2 4 5 0
    1 2 3 4 1 13 7 0
    1 2 4 13 5 0
    1 2 7 8 12 13 11 1 5 9 0
    1 3 1 4 13 0
    1 3 1 4 13 2 7 0
    1 3 1 4 2 13 7 9 5 8 0
    1 3 4 7 2 12 13 8 1 5 0
    1 3 13 1 4 2 7 5 0
    2 3 13 1 2 0
    1 3 13 4 1 7 2 5 0
    1 4 1 2 13 9 5 0
    1 4 1 2 8 3 0
    2 4 1 5 13 2 3 0
    1 4 1 13 3 2 7 8 0
    2 4 1 13 7 3 5 2 0
    1 4 2 13 1 3 0
    1 4 3 1 2 11 0
    1 4 3 13 1 7 0
    1 4 3 13 8 0
    3 4 3 13 1 0
    1 4 5 2 3 13 0
    1 4 5 13 3 2 1 0
    1 4 7 8 2 0
    1 4 7 13 5 0
    1 4 8 7 5 13 2 1 3 9 0
    1 4 13 2 7 0
    1 4 13 2 7 1 8 0
    1 4 13 5 2 1 3 0
    1 5 1 13 3 2 4 7 0
    1 5 13 2 7 4 1 0
    2 7 1 8 9 13 3 2 4 12 5 11 0
    1 7 3 4 13 1 5 0
    1 7 4 2 13 0
    1 7 5 4 8 11 2 13 1 3 9 12 0
    1 7 8 4 9 12 0
    1 7 8 9 11 0
    1 7 8 9 12 11 0
    1 7 8 9 3 12 2 13 5 1 4 0
    19 7 8 9 11 12 0
    1 7 8 11 9 12 0
    2 7 8 11 9 0
    1 7 8 12 1 13 9 2 4 11 5 0
    1 7 9 8 12 11 2 13 0
    1 8 4 7 11 13 9 0
    1 9 11 8 7 0
    2 13 1 2 7 4 5 3 0
    1 13 1 4 2 5 3 7 0
    1 13 1 7 4 0
    1 13 2 4 7 5 1 0
    1 13 3 4 1 2 5 7 0
    1 13 3 4 1 7 2 5 0
    1 13 3 5 2 0
    1 13 4 1 2 0
    1 13 4 1 3 0
    1 13 4 3 1 2 5 0
    1 13 4 7 2 8 0
    1 13 4 7 3 1 5 8 2 9 0
    1 13 5 2 1 7 3 8 0
    1 13 5 2 4 1 3 7 0
    1 13 5 7 2 4 1 0
    1 13 7 3 2 5 4 1 0
    1 13 7 5 4 2 1 0
0
"Budd Dickinson"
"Kirit Mookerjee"
"Tom Sevigny"
"Pat LaMarche"
"Michael Piacsek"
"Write-In 2"
"Rebecca Rotzler"
"Kristen Olsen"
"Jason Jones"
"Write-In 1"
"Steve Greenfield"
"Jimmy Leas"
"Steve Kramer"
"GPUS Steering Committee Election 2005-07-24"
"""

GPUS = parse_blt(GPUS_2005, "gpus-2005.blt")


def figures(totals: dict[str, object]) -> dict[str, str]:
    return {name: str(value) for name, value in totals.items() if value}


def test_meek_matches_the_reference_meek_rule_digit_for_digit() -> None:
    # The PR Foundation's Reference Meek Rule at nine decimals, as counted by Droop:
    # rounds 1 (LaMarche, Rotzler), 8 (Kramer), 11 (Olsen; Sevigny left over).
    result = meek(GPUS, seats=4, seed=0)
    assert result.elected == ("Rebecca Rotzler", "Pat LaMarche", "Steve Kramer", "Kristen Olsen")
    assert len(result.rounds) == 11
    assert figures(result.final.totals) == {
        "Tom Sevigny": "16.482212783",
        "Pat LaMarche": "19.087429756",
        "Rebecca Rotzler": "19.073682122",
        "Kristen Olsen": "19.085721549",
        "Steve Kramer": "19.202438090",
    }
    assert result.final.non_transferable == Decimal("1.068515700")
    assert result.quota == Decimal("18.586296861")
    # Round 9 excluded Kirit Mookerjee: the quota had fallen as ballots exhausted.
    assert "quota 18.799133306" in result.rounds[8].note
    assert [d.candidates for d in result.rounds[8].decisions][-1] == ("Kirit Mookerjee",)
    assert result.rounds[8].totals["Pat LaMarche"] == Decimal("18.799133460")
    assert result.final.decisions[-1].action == "excluded"
    assert result.final.decisions[-1].candidates == ("Tom Sevigny",)
    # The four write-ins and others with no votes are tied at every round: lots.
    assert result.lot_seed == 0


def test_meek_passes_over_withdrawn_candidates_like_the_reference() -> None:
    withdrawn = Profile(
        candidates=GPUS.candidates,
        rankings=GPUS.rankings,
        counts=GPUS.counts,
        seats=4,
        withdrawn=frozenset({3}),  # Pat LaMarche
    )
    result = meek(withdrawn, seats=4, seed=0)
    assert set(result.elected) == {
        "Budd Dickinson",
        "Rebecca Rotzler",
        "Kristen Olsen",
        "Steve Kramer",
    }
    assert result.quota == Decimal("18.577127416")
    assert result.final.totals["Kristen Olsen"] == Decimal("18.671139499")


def test_meek_on_pollux_and_helen() -> None:
    # Droop's "42" case: 4 "Castor Pollux", 2 "Helen"; 2 seats. Castor's surplus flows
    # to Pollux until Pollux has 1.999999996 and Helen 2: nine decimals separate them,
    # Pollux is excluded and Helen takes the second seat.
    profile = Profile.from_ballots(["Castor", "Pollux", "Helen"], [(4, [0, 1]), (2, [2])], seats=2)
    result = meek(profile, seats=2, seed=0)
    assert result.elected == ("Castor", "Helen")
    assert figures(result.rounds[1].totals) == {
        "Castor": "2.000000004",
        "Pollux": "1.999999996",
        "Helen": "2.000000000",
    }
    # A last distribution shows Pollux's share of Castor's ballots exhausted.
    assert figures(result.final.totals) == {"Castor": "2.000000004", "Helen": "2.000000000"}
    assert result.final.non_transferable == Decimal("1.999999996")


def test_wigm_exact_matches_the_reference_and_differs_from_meek() -> None:
    # Exact WIGM (Droop's "wigm", rational arithmetic) elects Tom Sevigny instead of
    # Kristen Olsen. Olsen is the second choice of Rebecca Rotzler's 19 straight-ticket
    # voters. WIGM fixes Rotzler's surplus once, at stage 2; Meek keeps passing it on as
    # later ballots reach Rotzler (her keep factor falls) and as the quota falls with
    # exhausted ballots, until Olsen overtakes Sevigny.
    result = wigm(GPUS, seats=4, seed=0)
    assert set(result.elected) == {"Rebecca Rotzler", "Pat LaMarche", "Steve Kramer", "Tom Sevigny"}
    assert result.quota == Fraction(94, 5)
    sevigny = result.final.totals["Tom Sevigny"]
    assert decimal_text(sevigny, 12) == "18.911062700740"
    assert result.final.totals["Pat LaMarche"] == Fraction(94, 5)
    assert decimal_text(result.final.non_transferable, 12) == "18.688937299259"
    assert scottish_stv(GPUS, seats=4, seed=0).elected[-1] == "Tom Sevigny"


# A case small enough to follow. 22 ballots, 2 seats.
#   12 "A B", 3 "X A C", 2 "B", 5 "C"
# WIGM (exact quota 22/3 = 7.333..., elected on exceeding it):
#   stage 1: A 12 elected; surplus 14/3 at 14/36 per paper: B gets 14/3, B = 20/3;
#   stage 3: exclude X (3): A is already elected, so the 3 papers go on to C at full
#   value: C = 8 > 22/3, elected. Winners A, C (Scottish STV agrees).
# Meek (quota 22/3 while no ballot exhausts):
#   round 1: A 12 elected; round 2: A's keep factor settles at 11/18 (12 x 11/18 = 22/3),
#   B = 2 + 12 x 7/18 = 6.667, C 5, X 3: exclude X;
#   round 3: the X voters now reach A, who keeps a share of 15 ballots: the keep factor
#   falls to 22/45 (15 x 22/45 = 22/3), so A's own 12 voters pass 23/45 each to B:
#   B = 2 + 12 x 23/45 = 8.133 > 22/3, elected; C = 5 + 3 x 23/45 = 6.533.
#   Winners A, B: the X voters helped elect A and so freed A's voters for B.
SMALL = Profile.from_ballots(
    ["A", "B", "C", "X"],
    [(12, [0, 1]), (3, [3, 0, 2]), (2, [1]), (5, [2])],
    seats=2,
)


def test_meek_and_wigm_differ_on_votes_that_pass_through_an_elected_candidate() -> None:
    by_wigm = wigm(SMALL, seats=2, seed=0)
    assert by_wigm.elected == ("A", "C")
    assert by_wigm.rounds[1].totals["B"] == Fraction(20, 3)
    assert by_wigm.final.totals["C"] == 8
    assert scottish_stv(SMALL, seats=2, seed=0).elected == ("A", "C")

    by_meek = meek(SMALL, seats=2, seed=0)
    assert by_meek.elected == ("A", "B")
    assert [d.action for d in by_meek.rounds[1].decisions] == ["excluded"]
    last = by_meek.final
    # Nine decimals, rounded up as the Reference rule does: 22/45 = 0.48888...
    assert last.keep_values["A"] == Decimal("0.488888889")
    assert Decimal("8.1333") < Decimal(last.totals["B"]) < Decimal("8.1334")
    assert Decimal("6.5333") < Decimal(last.totals["C"]) < Decimal("6.5334")
    assert [(d.action, d.candidates) for d in last.decisions] == [
        ("elected", ("B",)),
        ("excluded", ("C",)),
    ]


def test_wigm_exact_elects_only_on_exceeding_the_quota() -> None:
    # 4 ballots, 1 seat: the exact quota is 2 and A has exactly 2: not elected at stage 1.
    profile = Profile.from_ballots(["A", "B", "C"], [(2, [0]), (1, [1, 0]), (1, [2])], seats=1)
    result = wigm(profile, seats=1, seed=0)
    assert result.rounds[0].decisions == ()
    assert result.elected == ("A",)


def test_meek_precision_is_configurable() -> None:
    coarse = meek(GPUS, seats=4, seed=0, precision=6)
    fine = meek(GPUS, seats=4, seed=0, precision=15)
    assert set(coarse.elected) == set(fine.elected) == set(meek(GPUS, seats=4, seed=0).elected)
    assert fine.places == 15
    total = fine.final.totals["Kristen Olsen"]
    assert isinstance(total, Decimal)
    assert total.as_tuple().exponent == -15
    assert abs(total - Decimal("19.085721549")) < Decimal("0.000001")
    with pytest.raises(ValueError, match="precision"):
        meek(GPUS, seats=4, seed=0, precision=0)


def test_wigm_in_fixed_point_agrees_with_exact_here() -> None:
    fixed = wigm(GPUS, seats=4, seed=0, precision=5)
    assert set(fixed.elected) == set(wigm(GPUS, seats=4, seed=0).elected)
    assert fixed.quota == Decimal("18.80001")  # 94 / 5 truncated, plus 0.00001
    assert fixed.as_json()["quota"] == "18.80001"


@pytest.mark.parametrize("method", [meek, wigm])
def test_rounds_balance_and_keep_factors_are_recorded(method: Callable[..., CountResult]) -> None:
    result = method(GPUS, seats=4, seed=0)
    for stage in result.rounds:
        assert sum(map(Fraction, stage.totals.values())) + Fraction(stage.non_transferable) == 94
    if method is meek:
        assert result.rounds[0].keep_values["Pat LaMarche"] == Decimal("1.000000000")
