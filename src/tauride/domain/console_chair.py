"""What the chair's console offers at a glance: where the sitting may go next, which agenda
item comes next, and the motions before the body in the order it must decide them, each
with what the chair may do with it.

The order of the pending motions is the order of the stack: every motion, when it was
moved, either outranked all those pending or applied to the one on top
(`procedure.check_in_order`), so the last one moved is the immediately pending question
and the body decides them from the top down (RONR §5).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tauride.domain.procedure import (
    MOTION_RULES,
    PENDING_STATES,
    MotionKind,
    MotionState,
    transitions,
)
from tauride.domain.sittings import SITTING_TRANSITIONS, AgendaItemState, SittingState

# The states a chair moves a motion to by ruling: admitting it, opening its debate, or
# refusing it as improper. Withdrawal is the mover's; a poll decides the rest.
CHAIR_RULINGS: tuple[MotionState, ...] = (
    MotionState.ADMITTED,
    MotionState.DEBATE,
    MotionState.RULED_OUT,
)

AWAITING_ADMISSION = frozenset({MotionState.SUBMITTED, MotionState.SECONDED})
LAID_ASIDE = frozenset({MotionState.POSTPONED, MotionState.TABLED})


def sitting_moves(state: SittingState) -> tuple[SittingState, ...]:
    """Decide where the chair may take the sitting from `state`: open (or resume),
    suspend, close — in that order, only those the sitting's life allows."""
    allowed = SITTING_TRANSITIONS[state]
    order = (SittingState.OPEN, SittingState.SUSPENDED, SittingState.CLOSED)
    return tuple(target for target in order if target in allowed)


@dataclass(frozen=True)
class AgendaEntry:
    """An agenda item as the console orders it."""

    item: int
    position: int
    state: AgendaItemState


def next_item(entries: Iterable[AgendaEntry]) -> int | None:
    """Decide the item the chair takes up next: the first not yet dealt with after the one
    under discussion, else the first not yet dealt with (an item passed over); None when
    every item is done."""
    ordered = sorted(entries, key=lambda e: e.position)
    current = next((e for e in ordered if e.state is AgendaItemState.CURRENT), None)
    waiting = [e for e in ordered if e.state is AgendaItemState.PENDING]
    if current is not None:
        after = [e for e in waiting if e.position > current.position]
        if after:
            return after[0].item
    return waiting[0].item if waiting else None


@dataclass(frozen=True)
class MotionEntry:
    """A motion of the sitting as procedure sees it."""

    id: int
    kind: MotionKind
    state: MotionState
    target_id: int | None = None


@dataclass(frozen=True)
class MotionChoice:
    """A motion on the console and what the chair may do with it now."""

    motion: MotionEntry
    rulings: tuple[MotionState, ...]
    may_vote: bool
    awaits_second: bool
    immediately_pending: bool = False

    @property
    def id(self) -> int:
        return self.motion.id


@dataclass(frozen=True)
class Motions:
    """The sitting's motions that need the chair: before the body (in the order it decides
    them), waiting for admission (in the order moved), and laid aside."""

    pending: tuple[MotionChoice, ...]
    waiting: tuple[MotionChoice, ...]
    aside: tuple[MotionChoice, ...]

    @property
    def next_to_vote(self) -> MotionChoice | None:
        """The immediately pending question, if it may be put to the vote now."""
        top = self.pending[0] if self.pending else None
        return top if top is not None and top.may_vote else None


def _choice(motion: MotionEntry, *, top: bool = False) -> MotionChoice:
    exits = transitions(motion.kind)[motion.state]
    return MotionChoice(
        motion=motion,
        rulings=tuple(s for s in CHAIR_RULINGS if s in exits),
        may_vote=MotionState.VOTING in exits,
        awaits_second=motion.state is MotionState.SUBMITTED
        and MOTION_RULES[motion.kind].needs_second,
        immediately_pending=top,
    )


def floor_order(motions: Sequence[MotionEntry]) -> Motions:
    """Decide how the console lists the motions: the pending ones from the immediately
    pending question down, then those awaiting admission, then those laid aside."""
    pending = sorted((m for m in motions if m.state in PENDING_STATES), key=lambda m: -m.id)
    return Motions(
        pending=tuple(_choice(m, top=i == 0) for i, m in enumerate(pending)),
        waiting=tuple(_choice(m) for m in motions if m.state in AWAITING_ADMISSION),
        aside=tuple(_choice(m) for m in motions if m.state in LAID_ASIDE),
    )


def clock(seconds: float) -> str:
    """Decide how a speech's timer reads: minutes and seconds, a minus sign once over time
    ("4:05", "−0:12"), as the page's script counts it on."""
    whole = round(seconds)
    sign = "−" if whole < 0 else ""
    whole = abs(whole)
    return f"{sign}{whole // 60}:{whole % 60:02d}"
