"""Majority rules: thresholds, bases, card votes, ties and quorum, against a slow obvious model."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tauride.domain.constitution.model import MajorityRule
from tauride.domain.majority import CastingVoteRefused, decide, decide_options
from tauride.domain.majority_figures import (
    BASES,
    THRESHOLDS,
    TIE_RULES,
    BadTally,
    Number,
    OptionTally,
    Rule,
    Tally,
    describe_share,
)

# ---------------------------------------------------------------------------------------
# The model: the rule book's words, read literally, with a loop for the required figure.


def model_base(basis: str, yes: Number, no: Number, abstain: Number, t: Tally) -> Number:
    base = {
        "cast": yes + no,
        "cast-and-abstentions": yes + no + abstain,
        "present": t.present,
        "members": t.members,
    }[basis]
    assert base is not None
    return base


def model_carries(threshold: str, y: Number, base: Number, rival: Number) -> bool:
    """Does a yes figure of `y` carry? The words of each threshold, as fractions of the base."""
    if y <= 0:
        return False
    if threshold == "plurality":
        return y > rival
    if threshold == "unanimity":
        return base - y <= 0  # nobody in the base but yes-voters
    if threshold == "more-than-half":
        return Fraction(y) > Fraction(base) / 2
    share = {"two-thirds": Fraction(2, 3), "three-fifths": Fraction(3, 5)}[threshold]
    return Fraction(y) >= Fraction(base) * share  # "at least"


def model_required(threshold: str, base: Number, rival: Number, unit: Fraction) -> Fraction:
    """Count up from one unit until the yes figure carries."""
    y = unit
    while not model_carries(threshold, y, base, rival):
        y += unit
    return y


def unit_of(*values: Number | None) -> Fraction:
    denominators = [Fraction(v).denominator for v in values if v is not None]
    return Fraction(1, math.lcm(*denominators))


@dataclass(frozen=True)
class Expected:
    carried: bool | None
    required: Fraction
    tie: bool
    quorum_failed: bool
    base: Number


def model_decide(
    heads: Tally,
    figures: Tally,
    rule: Rule,
    quorum: Fraction | None,
    casting_vote: bool | None,
) -> Expected:
    base = model_base(rule.base, figures.yes, figures.no, figures.abstain, figures)
    unit = unit_of(figures.yes, figures.no, figures.abstain, figures.present, figures.members)
    required = model_required(rule.threshold, base, figures.no, unit)
    tie = figures.yes > 0 and (
        (rule.threshold == "plurality" and figures.yes == figures.no)
        or (rule.threshold == "more-than-half" and figures.yes == base - figures.yes)
    )
    took_part = heads.yes + heads.no + heads.abstain
    assert heads.members is not None
    failed = quorum is not None and took_part < quorum * heads.members
    if failed:
        carried: bool | None = False
    elif tie and rule.tie == "casting-vote":
        carried = casting_vote
    elif tie:
        carried = False
    else:
        carried = model_carries(rule.threshold, figures.yes, base, figures.no)
    return Expected(carried, required, tie, failed, base)


# ---------------------------------------------------------------------------------------
# Strategies


@st.composite
def tallies(draw: st.DrawFn, fractional: bool = False) -> Tally:
    count: st.SearchStrategy[Number] = (
        st.fractions(min_value=0, max_value=20, max_denominator=4)
        if fractional
        else st.integers(min_value=0, max_value=60)
    )
    yes, no, abstain = draw(count), draw(count), draw(count)
    present = yes + no + abstain + draw(count)
    return Tally(yes, no, abstain, present, present + draw(count))


rules = st.builds(
    Rule,
    threshold=st.sampled_from(THRESHOLDS),
    base=st.sampled_from(BASES),
    weighted=st.booleans(),
    tie=st.sampled_from(TIE_RULES),
)
quorums = st.none() | st.fractions(min_value=0, max_value=1, max_denominator=10)


def check_against_model(
    heads: Tally, weights: Tally, rule: Rule, quorum: Fraction | None, vote: bool | None
) -> None:
    figures = weights if rule.weighted else heads
    expected = model_decide(heads, figures, rule, quorum, None)
    awaiting = expected.carried is None
    if vote is not None and not awaiting:
        with pytest.raises(CastingVoteRefused):
            decide(heads, rule, weights=weights, quorum=quorum, casting_vote=vote)
        return
    if awaiting:
        expected = model_decide(heads, figures, rule, quorum, vote)
    outcome = decide(heads, rule, weights=weights, quorum=quorum, casting_vote=vote)
    assert outcome.carried is expected.carried, outcome.reason
    assert outcome.required == expected.required
    assert outcome.tie == expected.tie
    assert outcome.quorum_failed == expected.quorum_failed
    assert outcome.base == expected.base
    assert outcome.share == (Fraction(figures.yes) / expected.base if expected.base else None)
    # Whatever else happens, a yes figure at or above `required` is what carries on the count.
    if not outcome.tie and not outcome.quorum_failed:
        assert outcome.carried == (figures.yes >= outcome.required)


@settings(max_examples=200, deadline=None)
@given(tallies(), tallies(), rules, quorums, st.none() | st.booleans())
def test_decision_matches_the_rule_book_model(
    heads: Tally, weights: Tally, rule: Rule, quorum: Fraction | None, vote: bool | None
) -> None:
    check_against_model(heads, weights, rule, quorum, vote)


@settings(max_examples=100, deadline=None)
@given(tallies(), tallies(fractional=True), rules, quorums)
def test_card_vote_with_fractional_weights_matches_the_model(
    heads: Tally, weights: Tally, rule: Rule, quorum: Fraction | None
) -> None:
    check_against_model(heads, weights, rule, quorum, None)


@pytest.mark.parametrize(
    ("threshold", "basis", "weighted", "tie"),
    list(itertools.product(THRESHOLDS, BASES, (False, True), TIE_RULES)),
)
def test_every_small_tally_matches_the_model_under_every_rule(
    threshold: str, basis: str, weighted: bool, tie: str
) -> None:
    rule = Rule(threshold, basis, weighted, tie)  # type: ignore[arg-type]
    small = itertools.product(range(4), range(4), range(2), (0, 1), (0, 2))
    for i, (yes, no, abstain, away, absent) in enumerate(small):
        present = yes + no + abstain + away
        heads = Tally(yes, no, abstain, present, present + absent)
        # Weights that disagree with the heads, so that judging the wrong figures shows.
        weights = Tally(no, yes, abstain, present, present + absent)
        quorum = Fraction(1, 2) if i % 2 else None
        check_against_model(heads, weights, rule, quorum, (None, True, False)[i % 3])


# ---------------------------------------------------------------------------------------
# List polls


def model_options(
    votes: dict[str, int], abstain: int, rule: Rule
) -> tuple[bool | None, str | None]:
    top = max(votes.values())
    leaders = [o for o, n in votes.items() if n == top]
    cast = sum(votes.values())
    base = {"cast": cast, "cast-and-abstentions": cast + abstain}.get(rule.base, cast + abstain)
    if rule.threshold == "plurality":
        if top == 0:
            return False, None
        if len(leaders) > 1:
            return (None, None) if rule.tie == "casting-vote" else (False, None)
        return True, leaders[0]
    rival = max([n for o, n in votes.items() if o != leaders[0]], default=0)
    carried = model_carries(rule.threshold, top, base, rival)
    return carried, leaders[0] if carried else None


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from("ABCDE"), st.integers(min_value=0, max_value=12), min_size=1),
    st.integers(min_value=0, max_value=5),
    rules.filter(lambda r: not r.weighted),
)
def test_list_poll_matches_the_model(votes: dict[str, int], abstain: int, rule: Rule) -> None:
    present = sum(votes.values()) + abstain
    outcome = decide_options(OptionTally(votes, abstain, present, present), rule)
    carried, winner = model_options(votes, abstain, rule)
    assert (outcome.carried, outcome.winner) == (carried, winner), outcome.reason
    if outcome.carried is None:
        choice = outcome.tied[-1]
        tally = OptionTally(votes, abstain, present, present)
        decided = decide_options(tally, rule, casting_vote=choice)
        assert (decided.carried, decided.winner) == (True, choice)


def test_list_poll_tie_at_the_top_goes_to_the_casting_vote_among_the_tied() -> None:
    rule = Rule("plurality", tie="casting-vote")
    tally = OptionTally({"amalgamate": 40, "stay in Petrograd": 40, "refer": 3})
    waiting = decide_options(tally, rule)
    assert waiting.carried is None
    assert waiting.tied == ("amalgamate", "stay in Petrograd")
    assert "awaiting the chair's casting vote" in waiting.reason
    with pytest.raises(CastingVoteRefused):
        decide_options(tally, rule, casting_vote="refer")
    decided = decide_options(tally, rule, casting_vote="stay in Petrograd")
    assert decided.winner == "stay in Petrograd"
    assert decided.reason.startswith("carried on the chair's casting vote for stay in Petrograd")


def test_list_poll_without_an_absolute_majority_carries_nothing() -> None:
    outcome = decide_options(OptionTally({"A": 6, "B": 5, "C": 1}), Rule())
    assert outcome.carried is False
    assert outcome.winner is None
    assert outcome.reason == "lost: A with 6 of 12 votes cast, more than half needed 7"


# ---------------------------------------------------------------------------------------
# The rules, one by one


def test_more_than_half_of_1020_votes_cast_needs_511() -> None:
    outcome = decide(Tally(812, 208), MajorityRule())
    assert outcome.carried is True
    assert outcome.required == 511
    assert outcome.share == Fraction(812, 1020)
    assert outcome.reason == "carried: 812 of 1,020 votes cast, more than half needed 511"
    assert outcome.figure == "812 to 208 (79.6%)"


def test_exactly_half_is_not_more_than_half() -> None:
    assert decide(Tally(5, 5), Rule()).carried is False
    assert decide(Tally(6, 5), Rule()).carried is True


def test_two_thirds_is_reached_at_exactly_two_thirds() -> None:
    rule = Rule("two-thirds")
    assert decide(Tally(20, 10), rule).carried is True
    assert decide(Tally(19, 10), rule).carried is False
    assert decide(Tally(20, 10), rule).required == 20


def test_three_fifths_is_reached_at_exactly_three_fifths() -> None:
    rule = Rule("three-fifths")
    assert decide(Tally(30, 20), rule).carried is True
    assert decide(Tally(29, 20), rule).carried is False


def test_abstentions_do_not_break_unanimity_over_votes_cast() -> None:
    outcome = decide(Tally(12, 0, 3), Rule("unanimity"))
    assert outcome.carried is True


def test_abstentions_break_unanimity_when_the_base_includes_them() -> None:
    outcome = decide(Tally(12, 0, 3), Rule("unanimity", "cast-and-abstentions"))
    assert outcome.carried is False
    assert outcome.reason == "lost: 12 of 15 votes cast and abstentions, unanimity needed 15"


def test_one_vote_against_breaks_unanimity() -> None:
    assert decide(Tally(99, 1), Rule("unanimity")).carried is False


def test_nothing_carries_without_a_yes_vote() -> None:
    for threshold in THRESHOLDS:
        assert decide(Tally(0, 0), Rule(threshold)).carried is False


def test_abstentions_count_against_when_the_base_is_members_present() -> None:
    rule = Rule(base="present")
    assert decide(Tally(6, 3, 3, present=12), rule).carried is False
    assert decide(Tally(7, 3, 2, present=12), rule).carried is True


def test_majority_of_all_members_counts_the_absent_against() -> None:
    outcome = decide(Tally(40, 10, 0, present=50, members=100), Rule(base="members"))
    assert outcome.carried is False
    assert outcome.required == 51


def test_tie_is_lost_without_a_casting_vote() -> None:
    outcome = decide(Tally(510, 510), Rule())
    assert (outcome.carried, outcome.tie) == (False, True)
    assert outcome.reason.startswith("lost on a tie")


def test_tie_waits_for_the_chairs_casting_vote_which_decides() -> None:
    rule = Rule(tie="casting-vote")
    assert decide(Tally(510, 510), rule).carried is None
    assert decide(Tally(510, 510), rule, casting_vote=True).carried is True
    assert decide(Tally(510, 510), rule, casting_vote=False).carried is False


def test_casting_vote_is_refused_without_a_tie_or_without_the_rule() -> None:
    with pytest.raises(CastingVoteRefused, match="no tie"):
        decide(Tally(6, 5), Rule(tie="casting-vote"), casting_vote=True)
    with pytest.raises(CastingVoteRefused, match="no casting vote"):
        decide(Tally(5, 5), Rule(), casting_vote=True)


def test_qualified_majorities_have_no_tie_to_break() -> None:
    outcome = decide(Tally(5, 5), Rule("two-thirds", tie="casting-vote"))
    assert (outcome.carried, outcome.tie) == (False, False)


def test_card_vote_judges_weights_and_counts_quorum_in_heads() -> None:
    # Three delegates for (1,000 constituents), seven against (700): heads lose, weight wins.
    heads = Tally(3, 7, 0, present=10, members=12)
    weights = Tally(1000, 700, 0, present=1700, members=2000)
    outcome = decide(heads, Rule(weighted=True), weights=weights, quorum=Fraction(1, 2))
    assert outcome.carried is True
    assert outcome.participants == 10
    assert outcome.quorum_needed == 6
    assert "(card vote)" in outcome.reason
    with pytest.raises(BadTally, match="weighted figures"):
        decide(heads, Rule(weighted=True))


def test_participation_quorum_failure_loses_the_question() -> None:
    outcome = decide(Tally(30, 5, 4, present=60, members=100), Rule(), quorum=Fraction(2, 5))
    assert outcome.quorum_failed
    assert outcome.carried is False
    assert outcome.reason == "no quorum: 39 of 100 members took part, 40 needed"


def test_required_is_exact_for_fractional_weights() -> None:
    outcome = decide(Tally(1, 1), Rule(weighted=True), weights=Tally(Fraction(5, 2), 2))
    assert outcome.required == Fraction(5, 2)  # more than half of 9/2, in halves
    assert outcome.carried is True


def test_constitution_majority_rule_is_accepted() -> None:
    rule = MajorityRule(threshold="two-thirds", base="present", weighted=False, tie="lost")
    assert decide(Tally(8, 2, 2, present=12), rule).carried is True


@pytest.mark.parametrize(
    ("tally", "problem"),
    [
        (Tally(5, 5, 0, present=9), "only 9 are present"),
        (Tally(5, 5, 0, present=10, members=9), "members"),
        (Tally(-1, 5), "must be a count"),
        (Tally(2.5, 5), "must be a count"),  # type: ignore[arg-type]
        (Tally(True, 5), "must be a count"),
        (Tally(Fraction(1, 2), 5), "must be a count"),  # heads are whole
    ],
)
def test_impossible_figures_are_refused(tally: Tally, problem: str) -> None:
    with pytest.raises(BadTally, match=problem):
        decide(tally, Rule())


def test_base_of_members_needs_the_number_of_members() -> None:
    with pytest.raises(BadTally, match="members"):
        decide(Tally(5, 5), Rule(base="members"))


@pytest.mark.parametrize(
    ("yes", "base", "text"),
    [
        (812, 1020, "812 to 208 (79.6%)"),
        (1, 3, "1 to 2 (33.3%)"),
        (1, 8, "1 to 7 (12.5%)"),  # half up
        (19999, 20000, "19,999 to 1 (99.9%)"),  # never rounded up to unanimity
        (1, 20000, "1 to 19,999 (0.1%)"),  # never rounded down to nobody
        (7, 7, "7 to 0 (100.0%)"),
        (0, 0, "0 to 0 (no votes)"),
    ],
)
def test_describe_share_records_the_figure(yes: int, base: int, text: str) -> None:
    assert describe_share(yes, base) == text
