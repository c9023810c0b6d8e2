"""Scottish STV (SSI 2007/42, rules 45-52) on small elections counted by hand in the comments."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from tauride.domain.tally.lots import draw_lot
from tauride.domain.tally.profile import Profile
from tauride.domain.tally.records import CountResult, Decision
from tauride.domain.tally.stv_scottish import scottish_stv


def profile(
    names: list[str], ballots: list[tuple[int, str]], seats: int, withdrawn: Iterable[int] = ()
) -> Profile:
    index = {name: i for i, name in enumerate(names)}
    rankings = [(count, [index[name] for name in ranking.split()]) for count, ranking in ballots]
    return Profile.from_ballots(names, rankings, seats=seats, withdrawn=withdrawn)


def totals(result: CountResult, stage: int) -> dict[str, str]:
    return {name: str(value) for name, value in result.rounds[stage - 1].totals.items()}


def actions(result: CountResult, stage: int) -> list[tuple[str, tuple[str, ...]]]:
    return [(d.action, d.candidates) for d in result.rounds[stage - 1].decisions]


FOOD = profile(
    ["Oranges", "Pears", "Chocolate", "Strawberries", "Hamburgers"],
    [
        (4, "Oranges"),
        (2, "Pears Oranges"),
        (8, "Chocolate Strawberries"),
        (4, "Chocolate Hamburgers"),
        (1, "Strawberries"),
        (1, "Hamburgers"),
    ],
    seats=3,
)


def test_food_election_elects_chocolate_oranges_strawberries() -> None:
    # The classic example (Wikipedia, "Single transferable vote"): 20 ballots, 3 seats.
    # Rule 46: quota = floor(20 / 4) + 1 = 6.
    # Stage 1: Oranges 4, Pears 2, Chocolate 12, Strawberries 1, Hamburgers 1;
    #   Chocolate reaches 6 (rule 47), surplus 6.
    # Stage 2: transfer value 6 x 1 / 12 = 0.50000 on each of Chocolate's 12 papers:
    #   Strawberries + 8 x 0.5 = 5, Hamburgers + 4 x 0.5 = 3; Chocolate keeps 6.
    # Stage 3: no surplus left: exclude Pears (2, rule 50): both papers to Oranges at
    #   value 1: Oranges 6, elected.
    # Stage 4: Oranges has exactly the quota, no surplus. Exclude Hamburgers (3): its
    #   own paper and Chocolate's four papers name no one further: 3 non-transferable.
    #   Strawberries is the only continuing candidate for the last seat (rule 52).
    result = scottish_stv(FOOD, seats=3, seed=0)
    assert result.elected == ("Chocolate", "Oranges", "Strawberries")
    assert result.quota == Decimal("6.00000")
    assert len(result.rounds) == 4
    assert totals(result, 2) == {
        "Oranges": "4.00000",
        "Pears": "2.00000",
        "Chocolate": "6.00000",
        "Strawberries": "5.00000",
        "Hamburgers": "3.00000",
    }
    assert result.rounds[1].transfers == {
        "Chocolate": Decimal("-6.00000"),
        "Oranges": Decimal("0.00000"),
        "Pears": Decimal("0.00000"),
        "Strawberries": Decimal("4.00000"),
        "Hamburgers": Decimal("2.00000"),
    }
    assert actions(result, 3) == [("excluded", ("Pears",)), ("elected", ("Oranges",))]
    assert actions(result, 4) == [("excluded", ("Hamburgers",)), ("elected", ("Strawberries",))]
    assert result.rounds[3].non_transferable == Decimal("3.00000")
    assert result.rounds[0].decisions[0].reason == "quota reached (rule 47)"
    assert result.rounds[2].decisions[0].reason == "fewest votes (rule 50)"
    assert "rule 52" in result.rounds[3].decisions[1].reason
    assert result.lot_seed is None


def test_surplus_transfer_changes_the_outcome_and_truncation_is_lost() -> None:
    # 21 ballots, 2 seats: quota = floor(21 / 3) + 1 = 8. First preferences would elect
    # A (12) and B (5); C (4) comes third.
    # Stage 2: A's surplus 4 goes on 12 papers at 4 x 1 / 12 = 0.33333 (rule 48(3):
    #   five decimals, remainder ignored): C + 12 x 0.33333 = 3.99996, so C has 7.99996,
    #   0.00004 short of the quota; the 0.00004 is lost to truncation.
    # Stage 3: exclude B (5): B's papers name no one further. C is the one continuing
    #   candidate for the one vacancy left (rule 52): elected below the quota.
    result = scottish_stv(
        profile(["A", "B", "C"], [(12, "A C"), (5, "B"), (4, "C")], seats=2), seats=2, seed=0
    )
    assert result.elected == ("A", "C")
    assert totals(result, 2) == {"A": "8.00000", "B": "5.00000", "C": "7.99996"}
    assert result.rounds[1].non_transferable == Decimal("0.00004")
    assert "0.00004 lost to truncation" in result.rounds[1].note
    assert actions(result, 3) == [("excluded", ("B",)), ("elected", ("C",))]


def test_exclusion_tie_is_settled_by_the_most_recent_stage_at_which_they_differed() -> None:
    # 16 ballots, 1 seat: quota = floor(16 / 2) + 1 = 9.
    # Stage 1: A 7, B 4, C 3, D 2. Stage 2: exclude D: "D C B" to C, "D" exhausts:
    #   A 7, B 4, C 4. B and C tie for fewest. Rule 51(2)(a): at stage 1 (the most
    #   recent at which they differed) C had fewer, so C is excluded (no lot).
    # Stage 3: C's 4 papers go to B: A 7, B 8. Stage 4: exclude A, B elected (rule 52).
    # Had B been excluded instead, C would have won: the tie rule decides the seat.
    result = scottish_stv(
        profile(
            ["A", "B", "C", "D"],
            [(7, "A"), (4, "B C"), (3, "C B"), (1, "D C B"), (1, "D")],
            seats=1,
        ),
        seats=1,
        seed=0,
    )
    assert totals(result, 2) == {"A": "7.00000", "B": "4.00000", "C": "4.00000", "D": "0.00000"}
    assert actions(result, 3) == [("tie", ("B", "C")), ("excluded", ("C",))]
    reason = result.rounds[2].decisions[0].reason
    assert "C had the fewest votes at stage 1" in reason
    assert "rule 51(2)(a)" in reason
    assert totals(result, 3)["B"] == "8.00000"
    assert result.elected == ("B",)
    assert result.lot_seed is None


def test_a_three_way_tie_narrows_to_those_still_level_before_looking_further_back() -> None:
    # 35 ballots, 2 seats: quota = floor(35 / 3) + 1 = 12.
    # Stage 1: W 24 (elected), A 3, B 4, C 2, E 2.
    # Stage 2: W's surplus 12 at 12 / 24 = 0.5: "W A" x2 gives A 1, "W C" x6 gives C 3:
    #   A 4, B 4, C 5, E 2.
    # Stage 3: exclude E: one paper to A, one to B: A 5, B 5, C 5.
    # Stage 4: A, B and C tie for fewest. At stage 3 they were level; at stage 2 A and B
    #   had 4 and C 5, so C is out of the tie (rule 51(2)(a) read for the two left
    #   level); at stage 1 A had 3 and B 4: A is excluded. (Looking at stage 1 for all
    #   three would have excluded C, the one who had most at stage 2.)
    result = scottish_stv(
        profile(
            ["W", "A", "B", "C", "E"],
            [
                (2, "W A"),
                (6, "W C"),
                (16, "W"),
                (3, "A"),
                (4, "B"),
                (2, "C"),
                (1, "E A"),
                (1, "E B"),
            ],
            seats=2,
        ),
        seats=2,
        seed=0,
    )
    assert totals(result, 3) == {
        "W": "12.00000",
        "A": "5.00000",
        "B": "5.00000",
        "C": "5.00000",
        "E": "0.00000",
    }
    assert actions(result, 4) == [("tie", ("A", "B", "C")), ("excluded", ("A",))]
    assert "A had the fewest votes at stage 1" in result.rounds[3].decisions[0].reason
    # Stage 5: B and C level again; at stage 2 B had fewer: B is excluded, C elected.
    assert actions(result, 5) == [("tie", ("B", "C")), ("excluded", ("B",)), ("elected", ("C",))]
    assert result.elected == ("W", "C")


def test_equal_surpluses_go_in_the_order_of_an_earlier_stage() -> None:
    # 36 ballots, 4 seats: quota = floor(36 / 5) + 1 = 8.
    # Stage 1: A 16, B 9, C 4, D 3, E 4: A and B elected.
    # Stage 2: A's surplus 8 at 8 / 16 = 0.5: ten "A C" papers give C 5 (C 9, elected),
    #   six "A" papers exhaust (3 non-transferable).
    # Stage 3: B and C both have surplus 1 (rule 49(2)): at stage 1 B had 9 and C 4,
    #   so B's surplus goes first: 9 papers at 1 / 9 = 0.11111 to E, E 4.99999.
    result = scottish_stv(
        profile(
            ["A", "B", "C", "D", "E"],
            [(10, "A C"), (6, "A"), (9, "B E"), (4, "C"), (3, "D"), (4, "E")],
            seats=4,
        ),
        seats=4,
        seed=0,
    )
    assert actions(result, 2) == [("elected", ("C",))]
    assert actions(result, 3) == [("tie", ("B", "C"))]
    assert "rule 49(2)" in result.rounds[2].decisions[0].reason
    assert result.rounds[2].note.startswith("surplus of B (1.00000)")
    assert totals(result, 3)["E"] == "4.99999"
    assert result.elected == ("A", "B", "C", "E")


LOT = profile(["A", "B", "C"], [(4, "A"), (3, "B C"), (3, "C B")], seats=1)


def test_a_tie_at_every_stage_is_drawn_by_lot_from_the_recorded_seed() -> None:
    # 10 ballots, 1 seat, quota 6. B and C have 3 each at the only stage there is:
    # rule 51(2)(b), a lot. The one left standing receives the other's 3 and wins.
    winners = set()
    for seed in range(8):
        result = scottish_stv(LOT, seats=1, seed=seed)
        excluded = draw_lot(seed, ["B", "C"], "exclusion at stage 2")
        assert result.lot_seed == seed
        decision = result.rounds[1].decisions[0]
        assert decision.action == "lot"
        assert decision.candidates == ("B", "C")
        assert f"seed {seed}" in decision.reason
        assert "rule 51(2)(b)" in decision.reason
        assert result.rounds[1].decisions[1] == Decision(
            "excluded", (excluded,), "fewest votes (rule 50)"
        )
        assert result.elected == (({"B", "C"} - {excluded}).pop(),)
        winners.add(result.elected[0])
    assert winners == {"B", "C"}


def test_withdrawn_candidates_are_passed_over() -> None:
    # Hamburgers withdrawn: its voter's ballot is blank (not a valid paper), so the
    # quota is floor(19 / 4) + 1 = 5, and Chocolate's "Chocolate Hamburgers" papers
    # exhaust when its surplus (12 - 5 = 7) is transferred.
    food = profile(
        list(FOOD.candidates),
        [
            (count, " ".join(FOOD.candidates[c] for c in ranking))
            for count, ranking in FOOD.ballots()
        ],
        seats=3,
        withdrawn={4},
    )
    result = scottish_stv(food, seats=3, seed=0)
    assert "Hamburgers" not in result.rounds[0].totals
    assert result.quota == Decimal("5.00000")
    assert result.ballots == 20
    # 7 x 1 / 12 = 0.58333: 8 papers give Strawberries 4.66664, 4 papers exhaust 2.33332.
    assert totals(result, 2)["Strawberries"] == "5.66664"
    assert "2.33332 on exhausted papers" in result.rounds[1].note
    assert "Hamburgers" not in result.elected


def test_every_stage_balances_to_the_valid_ballots() -> None:
    result = scottish_stv(FOOD, seats=3, seed=0)
    for stage in result.rounds:
        assert sum(stage.totals.values()) + Decimal(stage.non_transferable) == 20


def test_as_many_candidates_as_seats_are_elected_at_once() -> None:
    result = scottish_stv(profile(["A", "B"], [(3, "A"), (1, "B A")], seats=2), seats=2, seed=0)
    assert len(result.rounds) == 1
    # A reaches the quota (floor(4 / 3) + 1 = 2) at stage 1; B is elected by rule 52
    # without A's surplus being transferred.
    assert actions(result, 1) == [("elected", ("A",)), ("elected", ("B",))]


def test_fewer_candidates_than_seats_leaves_seats_empty() -> None:
    result = scottish_stv(profile(["A", "B"], [(3, "A")], seats=3), seats=3, seed=0)
    assert set(result.elected) == {"A", "B"}


def test_blank_ballots_are_not_valid_papers() -> None:
    result = scottish_stv(
        profile(["A", "B"], [(3, "A"), (2, "B"), (4, "")], seats=1), seats=1, seed=0
    )
    assert result.ballots == 9
    assert result.quota == Decimal("3.00000")  # floor(5 / 2) + 1
    assert result.elected == ("A",)


def test_json_writes_five_decimals() -> None:
    document = scottish_stv(FOOD, seats=3, seed=0).as_json()
    assert document["quota"] == "6.00000"
    assert document["final"] == {
        "Oranges": "6.00000",
        "Pears": "0.00000",
        "Chocolate": "6.00000",
        "Strawberries": "5.00000",
        "Hamburgers": "0.00000",
        "non-transferable": "3.00000",
    }
