"""Roll votes as rules: one-time voting codes, their keyed hashes, states and refusals.

A roll vote is a constituency's secret ballot of its roll — electing its delegates or
deciding a recall — cast with one-time codes handed to the constituents on paper. A code
is 16 characters of Crockford's base 32 (digits and capitals without I, L, O and U), 80
bits from the operating system's random source, printed in four groups of four:
``7KQ2-M9XD-4HBE-TN0R``. What a constituent types is forgiven its case, spaces and
dashes, and the letters O, I and L are read as the digits they look like. Only a keyed
hash of a code is ever stored: HMAC-SHA256 under the organization's secret salt (see
`domain.commitments`).
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Sequence

from tauride.domain.commitments import commitment
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.journal import canonical_json
from tauride.domain.polls import BadChoice, check_ranking

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: no I, L, O or U, so that no two characters are mistaken."""

GROUPS = 4
GROUP_SIZE = 4
CODE_LENGTH = GROUPS * GROUP_SIZE
CODE_BITS = CODE_LENGTH * 5  # 32 = 2**5 symbols: 80 bits

_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -_.\t\n\r\u00a0\u2010\u2011\u2012\u2013\u2014")

RECALL_OPTIONS: tuple[str, ...] = ("yes", "no", "abstain")
RECALL_METHOD = "yes-no"
MAX_NAME = 300  # a candidate's name becomes a Person's (String(300))


class RollVoteKind(enum.StrEnum):
    ELECTION = "election"  # fills the constituency's vacant seats
    RECALL = "recall"  # the recall ballot of a petition that reached its threshold


class RollVoteState(enum.StrEnum):
    OPEN = "open"  # codes may be issued and used
    CLOSED = "closed"  # sealed and counted: no code works any more


class VoteClosed(Conflict):
    """The vote is closed: no more codes, no more ballots."""

    kind = "vote-closed"


class MalformedCode(InvalidInput):
    """What was typed is not shaped like a voting code."""

    kind = "malformed-code"


class UnknownCode(NotFound):
    """No voting code of the organization has this hash."""

    kind = "unknown-code"


class CodeOfAnotherVote(Conflict):
    """The code was issued for another vote of the organization."""

    kind = "code-of-another-vote"


class CodeUsed(Conflict):
    """The code has cast its one ballot already."""

    kind = "code-used"


class CodesIssued(Conflict):
    """The vote's codes have been issued; they are issued once, and never again."""

    kind = "codes-issued"


def new_code() -> str:
    """Decide a fresh voting code, canonical form (16 characters, no dashes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def format_code(canonical: str) -> str:
    """Print a canonical code in groups for the code sheet: ``XXXX-XXXX-XXXX-XXXX``."""
    return "-".join(canonical[i : i + GROUP_SIZE] for i in range(0, len(canonical), GROUP_SIZE))


def normalize_code(typed: str) -> str:
    """Decide the canonical form of a typed code, or refuse it as malformed.

    Case, spaces and dashes do not matter; O, I and L are read as 0, 1 and 1.
    """
    text = typed.upper().translate(_SEPARATORS).translate(_READ_AS)
    if len(text) != CODE_LENGTH or any(c not in ALPHABET for c in text):
        raise MalformedCode(
            f"code: not a voting code ({GROUPS} groups of {GROUP_SIZE} letters and digits, "
            "as printed on the code sheet)"
        )
    return text


def code_hash(key: bytes, canonical: str) -> str:
    """Decide the stored form of a code: HMAC-SHA256 under the organization's salt, in hex.

    The label keeps a code's hash apart from every other commitment under the same salt.
    """
    return commitment(key, f"voting-code:{canonical}")


def require_open(vote_id: int, state: str) -> None:
    """Refuse any act but reading once the vote has closed."""
    if state != RollVoteState.OPEN:
        raise VoteClosed(f"vote {vote_id} is closed")


def check_candidates(names: Sequence[str], seats: int) -> tuple[str, ...]:
    """Decide an election's candidates: distinct, non-empty names, at least one per seat."""
    cleaned = tuple(" ".join(n.split()) for n in names)
    problems = []
    if len(cleaned) < max(seats, 1):
        problems.append(f"candidates: {len(cleaned)} candidate(s) for {seats} vacant seat(s)")
    if any(not n for n in cleaned):
        problems.append("candidates: a name must not be empty")
    problems += [
        f"candidates: '{n[:40]}…' is longer than {MAX_NAME} characters"
        for n in cleaned
        if len(n) > MAX_NAME
    ]
    if len(set(cleaned)) != len(cleaned):
        problems.append("candidates: every candidate must differ from the others")
    if problems:
        raise InvalidInput(problems)
    return cleaned


def election_ranking(
    candidates: Sequence[str], *, choice: str | None, ranking: Sequence[str] | None
) -> tuple[str, ...]:
    """Decide an election ballot: one candidate (`choice`) or a ranking, most preferred first.

    An empty ranking is a blank ballot: it counts as cast and for no one.
    """
    if (choice is None) == (ranking is None):
        raise BadChoice("ballot: give either one candidate or a ranking of candidates")
    if choice is not None:
        ranking = [choice]
    assert ranking is not None
    return check_ranking([" ".join(n.split()) for n in ranking], candidates)


def recall_choice(*, choice: str | None, ranking: Sequence[str] | None) -> str:
    """Decide a recall ballot: yes (recall the delegate), no (keep them) or abstain."""
    if ranking is not None or choice is None:
        raise BadChoice("ballot: a recall ballot is yes, no or abstain, not a ranking")
    cleaned = choice.strip().lower()
    if cleaned not in RECALL_OPTIONS:
        raise BadChoice(f"choice: '{choice}' is not one of {', '.join(RECALL_OPTIONS)}")
    return cleaned


def roll_ballot_leaf(
    vote_id: int, receipt: str, choice: str | None, ranking: Sequence[str] | None
) -> bytes:
    """The bytes a roll ballot contributes to its vote's Merkle tree: no code, no person."""
    leaf: dict[str, object] = {"roll_vote": vote_id, "receipt": receipt}
    if choice is not None:
        leaf["choice"] = choice
    if ranking is not None:
        leaf["ranking"] = list(ranking)
    return canonical_json(leaf)


def recall_counts(choices: Sequence[str | None]) -> dict[str, int]:
    """Decide a recall ballot's counts from its ballots' choices."""
    counts = dict.fromkeys(RECALL_OPTIONS, 0)
    for choice in choices:
        if choice in counts:
            counts[choice] += 1
    return counts


def first_preferences(
    candidates: Sequence[str], rankings: Sequence[Sequence[str] | None]
) -> dict[str, int]:
    """Decide each candidate's first preferences, and the blank ballots under ``""``."""
    counts = dict.fromkeys(candidates, 0)
    blank = 0
    for ranking in rankings:
        if ranking:
            counts[ranking[0]] += 1
        else:
            blank += 1
    return {**counts, "": blank} if blank else counts


def turnout(used: int, issued: int) -> dict[str, object]:
    """Codes used against codes issued, with the share as an exact fraction's text."""
    return {"used": used, "issued": issued, "share": f"{used}/{issued}" if issued else "0"}
