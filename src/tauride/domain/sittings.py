"""A sitting's life: scheduled → open ⇄ suspended → closed, as data."""

from __future__ import annotations

import enum

from tauride.domain.errors import Conflict


class SittingState(enum.StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class SittingNotOpen(Conflict):
    """The act needs an open sitting."""

    kind = "sitting-not-open"


class BadSittingTransition(Conflict):
    kind = "bad-transition"


# Resuming a suspended sitting returns it to OPEN; a closed sitting stays closed.
SITTING_TRANSITIONS: dict[SittingState, frozenset[SittingState]] = {
    SittingState.SCHEDULED: frozenset({SittingState.OPEN, SittingState.CLOSED}),
    SittingState.OPEN: frozenset({SittingState.SUSPENDED, SittingState.CLOSED}),
    SittingState.SUSPENDED: frozenset({SittingState.OPEN, SittingState.CLOSED}),
    SittingState.CLOSED: frozenset(),
}

SITTING_ACTS = {
    SittingState.OPEN: "open",
    SittingState.SUSPENDED: "suspend",
    SittingState.CLOSED: "close",
}


def sitting_transition(current: SittingState, target: SittingState) -> SittingState:
    """Decide whether a sitting may move from `current` to `target`; refuse otherwise."""
    if target not in SITTING_TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in SITTING_TRANSITIONS[current])) or "nothing"
        raise BadSittingTransition(
            f"a {current.value} sitting cannot become {target.value} (allowed: {allowed})"
        )
    return target


class AgendaItemKind(enum.StrEnum):
    REPORT = "report"
    DEBATE = "debate"
    ELECTION = "election"
    RESOLUTION = "resolution"
    DELEGATIONS = "delegations"
    DELEGATES_REPORTS = "delegates-reports"
    ANY_OTHER_BUSINESS = "any-other-business"


class AgendaItemState(enum.StrEnum):
    PENDING = "pending"
    CURRENT = "current"
    DONE = "done"
