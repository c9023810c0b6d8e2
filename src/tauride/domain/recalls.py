"""Recall as rules: the states of a recall petition, its refusals, and its threshold."""

from __future__ import annotations

import enum
from fractions import Fraction

from tauride.domain.errors import Conflict


class RecallState(enum.StrEnum):
    OPEN = "open"  # collecting signatures
    BALLOT = "ballot"  # threshold reached: the recall ballot is due
    CARRIED = "carried"  # the mandate ended
    FAILED = "failed"  # the ballot was lost: the delegate stays


LIVE = (RecallState.OPEN, RecallState.BALLOT)


class NotOnRoll(Conflict):
    """The signer is not on the roll of the constituency that elected the delegate."""

    kind = "not-on-roll"


class DoubleSignature(Conflict):
    """The constituent has signed this petition already."""

    kind = "double-signature"


class PetitionClosed(Conflict):
    """The petition takes no more signatures: threshold reached, decided, or mandate ended."""

    kind = "petition-closed"


def signatures_needed(threshold: Fraction, size: int) -> int:
    """Decide the fewest signatures that reach `threshold` of `size`: count × d ≥ n × size."""
    return -(-threshold.numerator * size // threshold.denominator)
