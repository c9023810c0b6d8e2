"""Quorum arithmetic and the electorate frozen at a poll's opening."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tauride.domain.errors import InvalidInput
from tauride.domain.quorum import (
    Member,
    NoQuorum,
    Seat,
    check_quorum,
    freeze_electorate,
    has_quorum,
    quorum_required,
)

shares = st.fractions(min_value=0, max_value=1, max_denominator=20)


@given(shares, st.integers(min_value=0, max_value=500))
def test_quorum_is_the_smallest_attendance_reaching_the_share(
    share: Fraction, members: int
) -> None:
    # Slow model: count people in until their share of the members reaches the rule.
    needed = 0
    while needed < share * members:
        needed += 1
    assert quorum_required(share, members) == needed
    assert has_quorum(needed, members, share)
    assert needed == 0 or not has_quorum(needed - 1, members, share)


def test_half_of_an_odd_membership_rounds_up() -> None:
    assert quorum_required(Fraction(1, 2), 101) == 51
    assert quorum_required(Fraction(1, 2), 100) == 50
    assert quorum_required(Fraction(2, 3), 100) == 67


def test_no_quorum_names_the_figures() -> None:
    with pytest.raises(NoQuorum, match="40 of 100 voting members present, 50 needed") as caught:
        check_quorum(40, 100, Fraction(1, 2))
    assert caught.value.kind == "no-quorum"
    check_quorum(50, 100, Fraction(1, 2))


@pytest.mark.parametrize("share", [Fraction(3, 2), Fraction(-1, 2), 0.5, True])
def test_a_quorum_share_outside_zero_to_one_or_inexact_is_refused(share: object) -> None:
    with pytest.raises(InvalidInput):
        quorum_required(share, 10)  # type: ignore[arg-type]


def test_consultative_members_are_excluded_from_the_electorate() -> None:
    roll = [Member(1), Member(2), Member(3, consultative=True)]
    electorate = freeze_electorate(roll, {1, 2, 3}, {})
    assert [s.voter_id for s in electorate.seats] == [1, 2]
    assert electorate.members == 2
    assert not electorate.entitled(3)


def test_alternate_sits_in_for_an_absent_principal_with_the_principals_weight() -> None:
    roll = [Member(1, weight=500), Member(2, weight=700), Member(9, weight=1, represents=2)]
    electorate = freeze_electorate(roll, {1, 9}, {9: 2})
    assert electorate.seats == (Seat(1, 1, 500), Seat(2, 9, 700))
    assert electorate.seat_of(9) == Seat(2, 9, 700)
    assert Seat(2, 9, 700).by_alternate
    assert not Seat(1, 1, 500).by_alternate
    assert electorate.present == 2
    assert electorate.present_weight == 1200
    assert (electorate.members, electorate.member_weight) == (2, 1200)


def test_alternate_does_not_vote_when_the_principal_is_present() -> None:
    roll = [Member(1), Member(9, represents=1)]
    electorate = freeze_electorate(roll, {1, 9}, {9: 1})
    assert electorate.weights == {1: 1}
    assert not electorate.entitled(9)


def test_alternate_not_recorded_as_sitting_in_does_not_vote() -> None:
    electorate = freeze_electorate([Member(1), Member(9, represents=1)], {9}, {})
    assert electorate.present == 0


def test_a_seat_is_counted_once_so_two_alternates_cannot_share_it() -> None:
    roll = [Member(1), Member(8, represents=1), Member(9, represents=1)]
    with pytest.raises(InvalidInput, match="both sit in for mandate 1"):
        freeze_electorate(roll, {8, 9}, {8: 1, 9: 1})
    # Only one of them present: that one takes the seat.
    assert freeze_electorate(roll, {9}, {8: 1, 9: 1}).seats == (Seat(1, 9, 1),)


def test_consultative_alternate_cannot_vote_in_a_principals_place() -> None:
    roll = [Member(1), Member(9, represents=1, consultative=True)]
    assert freeze_electorate(roll, {9}, {9: 1}).present == 0


@pytest.mark.parametrize(
    ("roll", "present", "alternates", "problem"),
    [
        ([Member(1)], {2}, {}, "mandate 2 is present but not on this body's roll"),
        ([Member(1), Member(1)], set(), {}, "on the roll twice"),
        ([Member(1, weight=-1)], set(), {}, "must not be negative"),
        ([Member(1), Member(9)], {9}, {9: 1}, "not an alternate for mandate 1"),
        ([Member(9, represents=4)], set(), {}, "not a principal"),
        ([Member(1)], set(), {7: 1}, "alternate 7 is not on this body's roll"),
    ],
)
def test_an_impossible_roll_or_attendance_is_refused(
    roll: list[Member], present: set[int], alternates: dict[int, int], problem: str
) -> None:
    with pytest.raises(InvalidInput, match=problem):
        freeze_electorate(roll, present, alternates)


@st.composite
def sittings(draw: st.DrawFn) -> tuple[list[Member], set[int], dict[int, int]]:
    principals = draw(st.integers(min_value=0, max_value=12))
    roll = [
        Member(i, draw(st.integers(0, 9)), None, draw(st.booleans())) for i in range(principals)
    ]
    alternates: dict[int, int] = {}
    if principals:
        for j in range(draw(st.integers(min_value=0, max_value=8))):
            alt = 100 + j
            principal = draw(st.integers(min_value=0, max_value=principals - 1))
            roll.append(Member(alt, draw(st.integers(0, 9)), principal, draw(st.booleans())))
            if draw(st.booleans()):
                alternates[alt] = principal
    present = {m.mandate_id for m in roll if draw(st.booleans())}
    return roll, present, alternates


@settings(max_examples=200, deadline=None)
@given(sittings())
def test_electorate_matches_the_attendance_model(
    sitting: tuple[list[Member], set[int], dict[int, int]],
) -> None:
    roll, present, alternates = sitting
    by_id = {m.mandate_id: m for m in roll}
    # Model: each voting principal's seat, filled by them or by the one alternate sitting in.
    expected: list[Seat] = []
    clash = False
    for p in (m for m in roll if m.represents is None and not m.consultative):
        if p.mandate_id in present:
            expected.append(Seat(p.mandate_id, p.mandate_id, p.weight))
            continue
        sitters = [
            a
            for a, seat in alternates.items()
            if seat == p.mandate_id and a in present and not by_id[a].consultative
        ]
        clash = clash or len(sitters) > 1
        if len(sitters) == 1:
            expected.append(Seat(p.mandate_id, sitters[0], p.weight))
    if clash:
        with pytest.raises(InvalidInput):
            freeze_electorate(roll, present, alternates)
        return
    electorate = freeze_electorate(roll, present, alternates)
    assert electorate.seats == tuple(sorted(expected, key=lambda s: s.mandate_id))
    voters = [s.voter_id for s in electorate.seats]
    assert len(set(voters)) == len(voters)  # nobody votes twice
    assert set(voters) <= present
    assert not any(by_id[v].consultative for v in voters)
    assert electorate.present <= electorate.members
