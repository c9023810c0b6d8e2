"""Polls as rules: their methods and options, the refusals of a cast, and sealed leaves."""

from __future__ import annotations

import enum
from collections.abc import Sequence

from tauride.domain.errors import Conflict, InvalidInput
from tauride.domain.journal import canonical_json


class PollMethod(enum.StrEnum):
    """How a body votes: by name, electronically in the open, by hands, or in secret."""

    ROLL_CALL = "roll-call"
    ELECTRONIC = "electronic"
    SHOW_OF_HANDS = "show-of-hands"
    SECRET = "secret"  # noqa: S105 — the method of voting, not a credential

    @property
    def named(self) -> bool:
        """Whether the record shows who chose what."""
        return self in (PollMethod.ROLL_CALL, PollMethod.ELECTRONIC)

    @property
    def counted_by_tellers(self) -> bool:
        return self is PollMethod.SHOW_OF_HANDS


class PollState(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


YES_NO_ABSTAIN: tuple[str, ...] = ("yes", "no", "abstain")
ABSTAIN = "abstain"


class PollClosed(Conflict):
    kind = "poll-closed"


class NotEntitled(Conflict):
    kind = "not-entitled"


class DoubleVote(Conflict):
    kind = "double-vote"


class BadChoice(InvalidInput):
    kind = "bad-choice"


def check_options(options: Sequence[str]) -> tuple[str, ...]:
    """Decide the options of a poll: at least two distinct, non-empty names."""
    cleaned = tuple(o.strip() for o in options)
    problems = []
    if len(cleaned) < 2:
        problems.append("options: a poll needs at least two options")
    if any(not o for o in cleaned):
        problems.append("options: an option must not be empty")
    if len(set(cleaned)) != len(cleaned):
        problems.append("options: every option must differ from the others")
    if problems:
        raise InvalidInput(problems)
    return cleaned


def is_yes_no(options: Sequence[str]) -> bool:
    """Whether the poll is a yes/no question (with or without abstention)."""
    return tuple(options) in (YES_NO_ABSTAIN, ("yes", "no"))


def ballot_leaf(
    poll_id: int,
    receipt: str,
    choice: str,
    weight: int,
    mandate_id: int | None,
    ranking: Sequence[str] | None = None,
) -> bytes:
    """The bytes a ballot contributes to its poll's Merkle tree.

    A secret ballot's leaf names no voter: only the receipt its voter holds links it to
    them. A named ballot's leaf carries the mandate, as the public record does.
    """
    leaf: dict[str, object] = {
        "poll": poll_id,
        "receipt": receipt,
        "choice": choice,
        "weight": weight,
    }
    if mandate_id is not None:
        leaf["mandate"] = mandate_id
    if ranking is not None:
        leaf["ranking"] = list(ranking)
    return canonical_json(leaf)


def check_ranking(ranking: Sequence[str], candidates: Sequence[str]) -> tuple[str, ...]:
    """Decide a ranked ballot: candidates of the election, each at most once, in order.

    An empty ranking is a blank ballot: it counts as cast and transfers to nobody.
    """
    problems = [
        f"ranking: '{name}' is not a candidate" for name in ranking if name not in candidates
    ]
    if len(set(ranking)) != len(ranking):
        problems.append("ranking: a candidate is ranked twice")
    if problems:
        raise BadChoice(problems)
    return tuple(ranking)
