"""Where several bodies stand on one matter: concurrence and conflicting decisions."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class Position(enum.StrEnum):
    """What a body's decision on a matter amounts to."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    # The body put its own text in the place of the one before it (a carried substitute).
    SUBSTITUTED = "substituted"


@dataclass(frozen=True)
class Decision:
    """One body's motion on the matter, as far as its fate goes."""

    body: str
    motion_id: int
    kind: str
    state: str


def position_of(decisions: Sequence[Decision]) -> Position:
    """Decide a body's position from its motions on the matter, the latest deciding.

    A main motion carried is acceptance, lost is rejection; a main motion that lapsed
    because the body carried a substitute for it is substitution (the 1917 conference
    "substituted its own demands").
    """
    position = Position.PENDING
    for decision in sorted(decisions, key=lambda d: d.motion_id):
        if decision.kind == "main":
            if decision.state == "carried":
                position = Position.ACCEPTED
            elif decision.state == "lost":
                position = Position.REJECTED
        elif decision.kind == "substitute" and decision.state == "carried":
            position = Position.SUBSTITUTED
    return position


@dataclass(frozen=True)
class MatterState:
    """The positions of the bodies on a matter, whether it is adopted, and any conflict."""

    positions: Mapping[str, Position]
    required: tuple[str, ...]

    @property
    def adopted(self) -> bool:
        """Concurrence: adopted only when every required body accepted it."""
        return bool(self.required) and all(
            self.positions.get(body) is Position.ACCEPTED for body in self.required
        )

    @property
    def conflicts(self) -> list[tuple[str, str]]:
        """Pairs of bodies whose decisions contradict: one accepted, the other did not."""
        accepted = sorted(b for b, p in self.positions.items() if p is Position.ACCEPTED)
        against = sorted(
            b for b, p in self.positions.items() if p in (Position.REJECTED, Position.SUBSTITUTED)
        )
        return [(a, b) for a in accepted for b in against]


def matter_state(decisions: Sequence[Decision], required: Sequence[str]) -> MatterState:
    """Decide every body's position on a matter and the concurrence of the required ones."""
    by_body: dict[str, list[Decision]] = {}
    for decision in decisions:
        by_body.setdefault(decision.body, []).append(decision)
    positions = {body: position_of(ds) for body, ds in by_body.items()}
    for body in required:
        positions.setdefault(body, Position.PENDING)
    return MatterState(positions=positions, required=tuple(required))
