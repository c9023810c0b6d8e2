"""Malapportionment and poll representativeness from plain numbers, exactly."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tauride.domain.errors import InvalidInput
from tauride.domain.majority_figures import Rule
from tauride.domain.malapportionment import (
    UNATTACHED,
    District,
    SeatHolder,
    districts_of,
    malapportionment,
)
from tauride.domain.poll_backing import (
    Attribution,
    Counted,
    Elector,
    Named,
    poll_backing,
    verdict,
)

# v = 6/10, 3/10, 1/10 against s = 1/4, 2/4, 1/4.
SMALL = [District("A", "x", 600, 1), District("B", "x", 300, 2), District("C", "y", 100, 1)]


def test_loosemore_hanby_and_gallagher_by_hand() -> None:
    m = malapportionment(SMALL)
    # Gaps v − s: +0.35, −0.20, −0.15.
    assert m.loosemore_hanby == Fraction(35, 100)  # ½ (0.35 + 0.20 + 0.15)
    assert m.gallagher_squared == Fraction(925, 10_000)  # ½ (0.1225 + 0.04 + 0.0225)
    assert m.gallagher == pytest.approx(0.304138, abs=1e-6)
    assert [d.per_seat for d in m.districts] == [600, 150, 100]
    assert m.mean_per_seat == 250
    assert (m.min_per_seat.name, m.max_per_seat.name, m.max_min_ratio) == ("C", "A", Fraction(6))
    assert [d.voice for d in m.districts] == [Fraction(5, 12), Fraction(5, 3), Fraction(5, 2)]


def test_kinds_compare_the_weight_of_one_constituents_voice() -> None:
    m = malapportionment(SMALL)
    x, y = m.kinds
    assert (x.units, x.size, x.seats, y.units, y.size, y.seats) == (2, 900, 3, 1, 100, 1)
    assert m.kind_loosemore_hanby == Fraction(15, 100)  # |0.9 − 0.75|
    # 300 per seat against 100 per seat: one y weighs three x.
    assert m.voice_ratio("y", "x") == 3
    assert m.voice_ratio("x", "y") == Fraction(1, 3)
    assert m.kind_disparity() == ("y", "x", Fraction(3))
    with pytest.raises(InvalidInput, match="kind 'z'"):
        m.voice_ratio("z", "x")


def test_petrograd_ratio_one_deputy_per_company_against_one_per_thousand() -> None:
    m = malapportionment(
        [District("plant", "factory", 9_140, 9), District("company", "company", 220, 1)]
    )
    assert m.voice_ratio("company", "factory") == Fraction(9_140, 9) / 220


def test_seats_of_no_constituency_and_constituents_without_a_seat() -> None:
    districts = districts_of(
        [
            SeatHolder("A", "x", 500),
            SeatHolder("A", "x", 499),
            SeatHolder(None, None, 0),
            SeatHolder(None, None, 0),
        ]
    )
    assert districts == [District("A", "x", 999, 2), District(UNATTACHED, UNATTACHED, 0, 2)]
    m = malapportionment([*districts, District("B", "x", 1, 0)])
    assert m.max_min_ratio is None  # a seat standing for nobody
    assert [d.name for d in m.unrepresented] == ["B"]
    assert m.districts[1].voice is None


@pytest.mark.parametrize(
    ("districts", "problem"),
    [
        ([District("A", "x", -1, 1)], "size must be a whole number"),
        ([District("A", "x", 1, 1), District("A", "x", 2, 1)], "A: named twice"),
        ([District("A", "x", 0, 1)], "at least one seat and one constituent"),
        ([District("A", "x", 5, 0)], "at least one seat and one constituent"),
    ],
)
def test_impossible_figures_are_refused(districts: list[District], problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        malapportionment(districts)


def _districts(draw: st.DrawFn, *, proportional: bool = False) -> list[District]:
    seats = draw(st.lists(st.integers(0, 30), min_size=1, max_size=12))
    if proportional:
        ratio = draw(st.integers(1, 1_000))
        sizes = [s * ratio for s in seats]
    else:
        sizes = draw(st.lists(st.integers(0, 10_000), min_size=len(seats), max_size=len(seats)))
    kinds = draw(st.lists(st.sampled_from("abc"), min_size=len(seats), max_size=len(seats)))
    return [
        District(f"d{i}", kind, size, seat)
        for i, (size, seat, kind) in enumerate(zip(sizes, seats, kinds, strict=True))
    ]


@st.composite
def bodies(draw: st.DrawFn, *, proportional: bool = False) -> list[District]:
    districts = _districts(draw, proportional=proportional)
    if not sum(d.size for d in districts) or not sum(d.seats for d in districts):
        districts.append(District("last", "a", 1, 1))
    return districts


@settings(max_examples=200, deadline=None)
@given(bodies())
def test_indices_lie_between_zero_and_one_and_gallagher_never_exceeds_lh(
    districts: list[District],
) -> None:
    m = malapportionment(districts)
    assert 0 <= m.loosemore_hanby <= 1
    assert 0 <= m.kind_loosemore_hanby <= m.loosemore_hanby
    # With gaps summing to zero, ½Σd² ≤ (Σ positive gaps)² = LH².
    assert m.gallagher_squared <= m.loosemore_hanby**2
    # The obvious model: the same sums in floating point.
    size, seats = sum(d.size for d in districts), sum(d.seats for d in districts)
    gaps = [d.size / size - d.seats / seats for d in districts]
    assert float(m.loosemore_hanby) == pytest.approx(sum(map(abs, gaps)) / 2, abs=1e-9)
    assert m.gallagher == pytest.approx(math.sqrt(sum(g * g for g in gaps) / 2), abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(bodies(proportional=True))
def test_indices_are_zero_when_seats_follow_constituents(districts: list[District]) -> None:
    m = malapportionment(districts)
    assert m.loosemore_hanby == m.gallagher_squared == 0
    assert all(k.voice in (None, 1) for k in m.kinds)
    assert m.max_min_ratio in (None, 1)


@settings(max_examples=100, deadline=None)
@given(bodies(), st.integers(2, 50))
def test_indices_do_not_change_when_every_size_is_scaled(
    districts: list[District], factor: int
) -> None:
    scaled = [District(d.name, d.kind, d.size * factor, d.seats) for d in districts]
    before, after = malapportionment(districts), malapportionment(scaled)
    assert before.loosemore_hanby == after.loosemore_hanby
    assert before.gallagher_squared == after.gallagher_squared


# A named poll of five seats: two large constituencies against three small.
ELECTORS = [Elector(1, 1_000), Elector(2, 900), Elector(3, 100), Elector(4, 120), Elector(5, 80)]
OPTIONS = ("yes", "no", "abstain")
RULE = Rule("more-than-half", "cast")


def test_named_poll_carried_by_heads_is_lost_by_constituents() -> None:
    b = poll_backing(OPTIONS, RULE, ELECTORS[1:], [1_000], Named({3: "yes", 4: "yes", 5: "no"}))
    assert b.attribution is Attribution.NAMED
    assert (b.options["yes"].heads, b.options["yes"].constituents) == (2, 220)
    assert (b.options["no"].heads, b.options["no"].constituents) == (1, 80)
    assert (b.did_not_vote.heads, b.did_not_vote.constituents) == (1, 900)
    assert (b.not_present.heads, b.not_present.constituents) == (1, 1_000)
    assert (b.absent.heads, b.absent.constituents) == (2, 1_900)
    assert (b.members.heads, b.members.constituents) == (5, 2_200)
    assert b.by_heads is not None
    assert b.by_heads.carried is True  # 2 of 3 cast
    assert b.differs is False  # by constituents, 220 of 300 cast carries too

    against = Named({1: "no", 3: "yes", 4: "yes", 5: "yes"})
    b = poll_backing(OPTIONS, RULE, ELECTORS, [], against)
    assert b.by_heads is not None
    assert b.by_constituents is not None
    assert (verdict(b.by_heads), verdict(b.by_constituents)) == ("carried", "lost")
    assert b.by_constituents.weighted is True
    assert b.differs is True


def test_a_list_poll_can_be_won_by_another_option_when_weighted() -> None:
    options = ("Tseretelli", "Chkheidze", "abstain")
    rule = Rule("plurality", "cast")
    choices = Named({1: "Tseretelli", 3: "Chkheidze", 4: "Chkheidze", 5: "abstain"})
    b = poll_backing(options, rule, ELECTORS, [], choices)
    assert b.by_heads is not None
    assert b.by_constituents is not None
    assert (b.by_heads.winner, b.by_constituents.winner) == ("Chkheidze", "Tseretelli")
    assert b.differs is True


def test_secret_ballot_attributes_only_participation() -> None:
    b = poll_backing(
        OPTIONS, RULE, ELECTORS, [50], Counted({"yes": 2, "no": 1}, frozenset({1, 3, 4}))
    )
    assert b.attribution is Attribution.PARTICIPATION
    assert b.options["yes"].constituents is None
    assert (b.voted.heads, b.voted.constituents) == (3, 1_220)
    assert (b.did_not_vote.heads, b.did_not_vote.constituents) == (2, 980)
    assert b.absent.constituents == 1_030
    assert b.by_heads is not None
    assert b.by_constituents is None
    assert b.differs is None
    assert "only participation" in b.attribution.note


def test_secret_card_vote_totals_per_option_are_exact() -> None:
    choices = Counted({"yes": 1, "no": 2}, frozenset({1, 3, 4}), {"yes": 1_000, "no": 220})
    b = poll_backing(OPTIONS, RULE, ELECTORS, [], choices)
    assert b.attribution is Attribution.CARD_VOTE
    assert b.options["no"].constituents == 220
    assert b.differs is True  # 1 of 3 heads; 1,000 of 1,220 constituents


def test_show_of_hands_attributes_only_presence() -> None:
    b = poll_backing(OPTIONS, RULE, ELECTORS, [70], Counted({"yes": 3, "no": 1}))
    assert b.attribution is Attribution.PRESENCE
    assert (b.voted.heads, b.voted.constituents) == (4, None)
    assert (b.did_not_vote.heads, b.absent.heads, b.absent.constituents) == (1, 2, None)
    assert (b.present.constituents, b.not_present.constituents) == (2_200, 70)


def test_an_election_is_not_decided_again() -> None:
    b = poll_backing((), None, ELECTORS, [], Counted({}, frozenset({1, 2})))
    assert (b.by_heads, b.by_constituents, b.differs) == (None, None, None)
    assert b.voted.constituents == 1_900


@pytest.mark.parametrize(
    ("choices", "problem"),
    [
        (Named({9: "yes"}), "voter 9 is not entitled"),
        (Named({1: "maybe"}), "'maybe' is not an option"),
        (Counted({"yes": 6}), "6 votes counted, but only 5 may vote"),
        (Counted({"yes": 1}, frozenset({7})), "voter 7 is not entitled"),
    ],
)
def test_choices_that_cannot_be_true_are_refused(choices: Named | Counted, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        poll_backing(OPTIONS, RULE, ELECTORS, [], choices)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 5_000), min_size=1, max_size=15),
    st.lists(st.integers(0, 5_000), max_size=5),
    st.data(),
)
def test_every_constituent_is_behind_exactly_one_line(
    sizes: list[int], away: list[int], data: st.DataObject
) -> None:
    electors = [Elector(i, size) for i, size in enumerate(sizes)]
    picks = data.draw(st.lists(st.sampled_from([*OPTIONS, None]), min_size=len(sizes)))
    named = Named({i: pick for i, pick in enumerate(picks[: len(sizes)]) if pick is not None})
    b = poll_backing(OPTIONS, RULE, electors, away, named)
    lines = [*b.options.values(), b.absent]
    assert sum(line.heads for line in lines) == len(sizes) + len(away)
    assert sum(line.constituents or 0 for line in lines) == sum(sizes) + sum(away)
    assert b.differs is not None
