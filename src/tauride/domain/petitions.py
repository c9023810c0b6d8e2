"""Petitions, appeals and delegations as rules: their kinds, states and transitions."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from fractions import Fraction
from types import MappingProxyType

from tauride.domain.errors import Conflict
from tauride.domain.procedure import MotionKind, MotionState
from tauride.domain.sittings import AgendaItemKind


class PetitionKind(enum.StrEnum):
    APPEAL = "appeal"
    PETITION = "petition"
    DELEGATION = "delegation"


class PetitionState(enum.StrEnum):
    SUBMITTED = "submitted"
    ON_AGENDA = "on-agenda"
    HEARD = "heard"
    ANSWERED = "answered"


P = PetitionState
TRANSITIONS: Mapping[PetitionState, frozenset[PetitionState]] = MappingProxyType(
    {
        P.SUBMITTED: frozenset({P.ON_AGENDA}),
        # A written appeal may be answered without anyone being heard.
        P.ON_AGENDA: frozenset({P.HEARD, P.ANSWERED}),
        P.HEARD: frozenset({P.ANSWERED}),
        P.ANSWERED: frozenset(),
    }
)
"""Every state and the states a petition may pass to."""

# A delegation came to be heard: the body answers it only after hearing it.
DELEGATION_TRANSITIONS: Mapping[PetitionState, frozenset[PetitionState]] = MappingProxyType(
    dict(TRANSITIONS) | {P.ON_AGENDA: frozenset({P.HEARD})}
)

# The motions that answer: a resolution, moved as a main motion or substituted for one.
ANSWERING_KINDS = frozenset({MotionKind.MAIN, MotionKind.SUBSTITUTE})
FATES = frozenset({MotionState.CARRIED, MotionState.LOST})
# Items a petition may join instead of getting an item of its own.
PETITION_ITEMS = frozenset({AgendaItemKind.DELEGATIONS, AgendaItemKind.RESOLUTION})


class BadPetitionTransition(Conflict):
    kind = "bad-petition-transition"


def transitions(kind: PetitionKind) -> Mapping[PetitionState, frozenset[PetitionState]]:
    """The state machine of a petition of this kind."""
    return DELEGATION_TRANSITIONS if kind is PetitionKind.DELEGATION else TRANSITIONS


def petition_transition(
    kind: PetitionKind, current: PetitionState, target: PetitionState, *, what: str = ""
) -> PetitionState:
    """Decide whether a petition of this kind may pass from `current` to `target`."""
    allowed = transitions(kind)[current]
    if target not in allowed:
        exits = ", ".join(sorted(s.value for s in allowed)) or "nothing: it has been answered"
        raise BadPetitionTransition(
            f"{what}a {kind.value} cannot pass from {current.value} to {target.value} "
            f"(allowed: {exits})"
        )
    return target


def share_signed(signatures: int, size: int) -> str | None:
    """The share of a constituency that signed, as an exact reduced fraction "n/d"."""
    share = Fraction(signatures, size) if size > 0 else None
    return None if share is None else f"{share.numerator}/{share.denominator}"
