"""What a closed poll decided: its counts judged by the poll's majority rule."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from tauride.db.polls import Poll
from tauride.domain import majority, majority_figures
from tauride.domain.polls import ABSTAIN, is_yes_no


def decide_poll(
    poll: Poll,
    heads: dict[str, int],
    weights: dict[str, int],
    casting_vote: bool | str | None,
) -> majority_figures.Outcome:
    """Decide a poll from its counts in heads and in weight, under the rule frozen at opening."""
    rule = majority_figures.Rule(
        threshold=poll.rule["threshold"],
        base=poll.rule["base"],
        weighted=poll.rule["weighted"],
        tie=poll.rule["tie"],
    )
    figures = poll.rule
    if is_yes_no(poll.options):
        tally = majority_figures.Tally(
            heads.get("yes", 0),
            heads.get("no", 0),
            heads.get(ABSTAIN, 0),
            figures["present"],
            figures["members"],
        )
        weighted = majority_figures.Tally(
            weights.get("yes", 0),
            weights.get("no", 0),
            weights.get(ABSTAIN, 0),
            figures["present_weight"],
            figures["member_weight"],
        )
        vote = casting_vote if isinstance(casting_vote, bool) or casting_vote is None else None
        return majority.decide(
            tally, rule, weights=weighted if rule.weighted else None, casting_vote=vote
        )
    choices = [o for o in poll.options if o != ABSTAIN]
    options = majority_figures.OptionTally(
        {o: heads.get(o, 0) for o in choices},
        heads.get(ABSTAIN, 0),
        figures["present"],
        figures["members"],
    )
    weighted_options = majority_figures.OptionTally(
        {o: weights.get(o, 0) for o in choices},
        weights.get(ABSTAIN, 0),
        figures["present_weight"],
        figures["member_weight"],
    )
    return majority.decide_options(
        options,
        rule,
        weights=weighted_options if rule.weighted else None,
        casting_vote=casting_vote if isinstance(casting_vote, str) else None,
    )


def _plain(value: object) -> object:
    if isinstance(value, Fraction):
        return (
            f"{value.numerator}/{value.denominator}" if value.denominator != 1 else value.numerator
        )
    return value


def outcome_record(outcome: majority_figures.Outcome) -> dict[str, Any]:
    """The outcome as JSON values: fractions as "n/d" strings."""
    return {
        "carried": outcome.carried,
        "winner": outcome.winner,
        "threshold": outcome.threshold,
        "basis": outcome.basis,
        "weighted": outcome.weighted,
        "yes": _plain(outcome.yes),
        "no": _plain(outcome.no),
        "abstain": _plain(outcome.abstain),
        "base": _plain(outcome.base),
        "required": _plain(outcome.required),
        "figure": outcome.figure,
        "reason": outcome.reason,
        "casting_vote": outcome.casting_vote,
    }
