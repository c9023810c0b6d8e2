"""Motions as data: kinds, the precedence table, when a motion is in order, its state machine.

The table follows Robert's Rules of Order Newly Revised (RONR, 12th ed.), §5 "Description
of motions in all classes": privileged motions (adjourn) take precedence over incidental
ones (suspend the rules), which take precedence over the subsidiary motions (lay on the
table > previous question, here "close debate" > postpone > refer > amend), which take
precedence over the main motion. A point of order is in order at any time (RONR §23).

Where RONR leaves choices or a council body usually differs, this module decides:
- A substitute is an amendment that replaces the whole text (RONR §12); it ranks with
  amendments and may itself be amended (second degree).
- Amendments go one level deep: an amendment to an amendment, never a third degree
  (RONR 12:11).
- "Reconsider" is taken up when nothing is pending and targets a motion already decided
  (RONR §37, simplified: it is not moved while other business is pending). If carried,
  the question is moved afresh as a new motion record; decided motions stay decided, so
  every terminal state has no exit.
- Seconding is a state of its own: a kind that needs a second goes submitted → seconded →
  admitted; a kind that does not goes straight to admitted (`transitions(kind)`).
- Undebatable motions (and questions on which debate was closed) go admitted → voting.
- A referred motion leaves the body; the committee's report comes back as a new motion.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from tauride.domain.errors import Conflict, NotFound
from tauride.domain.majority_figures import Threshold


class MotionKind(enum.StrEnum):
    MAIN = "main"
    AMENDMENT = "amendment"
    AMENDMENT_TO_AMENDMENT = "amendment-to-amendment"
    SUBSTITUTE = "substitute"
    CLOSE_DEBATE = "close-debate"
    ADJOURN = "adjourn"
    REFER = "refer"
    POSTPONE = "postpone"
    LAY_ON_THE_TABLE = "lay-on-the-table"
    RECONSIDER = "reconsider"
    SUSPEND_THE_RULES = "suspend-the-rules"
    POINT_OF_ORDER = "point-of-order"


class MotionClass(enum.StrEnum):
    """RONR's classes of motions (§5–§6)."""

    MAIN = "main"
    SUBSIDIARY = "subsidiary"
    PRIVILEGED = "privileged"
    INCIDENTAL = "incidental"
    BRINGS_BACK = "brings-back"


class Target(enum.StrEnum):
    """What a kind of motion is applied to."""

    NONE = "none"  # stands alone
    PENDING = "pending"  # a pending motion of a kind in `applies_to`
    OPTIONAL = "optional"  # a pending motion, or nothing
    DECIDED = "decided"  # a motion already decided (reconsider)


@dataclass(frozen=True)
class MotionRule:
    """How one kind of motion behaves. A higher `rank` takes precedence."""

    kind: MotionKind
    motion_class: MotionClass
    rank: int
    needs_second: bool
    debatable: bool
    amendable: bool
    threshold: Threshold
    target: Target
    applies_to: frozenset[MotionKind]
    # In order whatever is pending, even interrupting a speaker (point of order).
    always_in_order: bool = False
    # Decided by the chair's ruling rather than by a vote (an appeal then goes to a vote).
    chair_decides: bool = False
    source: str = ""


K = MotionKind
_AMENDABLE = frozenset({K.MAIN, K.SUBSTITUTE, K.REFER, K.POSTPONE})
_DEBATABLE = frozenset(
    {K.MAIN, K.AMENDMENT, K.AMENDMENT_TO_AMENDMENT, K.SUBSTITUTE, K.REFER, K.POSTPONE}
)
_DECIDABLE = frozenset(
    {K.MAIN, K.AMENDMENT, K.AMENDMENT_TO_AMENDMENT, K.SUBSTITUTE, K.REFER, K.POSTPONE}
)


def _rule(
    kind: MotionKind,
    motion_class: MotionClass,
    rank: int,
    *,
    second: bool = True,
    debatable: bool = False,
    amendable: bool = False,
    threshold: Threshold = "more-than-half",
    target: Target = Target.NONE,
    applies_to: frozenset[MotionKind] = frozenset(),
    always: bool = False,
    chair: bool = False,
    source: str,
) -> MotionRule:
    return MotionRule(
        kind, motion_class, rank, second, debatable, amendable, threshold, target,
        applies_to, always, chair, source,
    )  # fmt: skip


C = MotionClass
_RULES = (
    _rule(K.MAIN, C.MAIN, 1, debatable=True, amendable=True, source="RONR §10"),
    # Ranks with a main motion: taken up while nothing is pending, on a decided motion.
    _rule(K.RECONSIDER, C.BRINGS_BACK, 1, debatable=True, target=Target.DECIDED,
          applies_to=_DECIDABLE, source="RONR §37"),
    # Primary amendments apply to amendable motions other than amendments (RONR §12).
    _rule(K.AMENDMENT, C.SUBSIDIARY, 2, debatable=True, amendable=True,
          target=Target.PENDING, applies_to=_AMENDABLE, source="RONR §12"),
    _rule(K.SUBSTITUTE, C.SUBSIDIARY, 2, debatable=True, amendable=True,
          target=Target.PENDING, applies_to=frozenset({K.MAIN}), source="RONR §12"),
    # Second degree: applies to a primary amendment; itself not amendable (RONR 12:11).
    _rule(K.AMENDMENT_TO_AMENDMENT, C.SUBSIDIARY, 3, debatable=True, target=Target.PENDING,
          applies_to=frozenset({K.AMENDMENT, K.SUBSTITUTE}), source="RONR 12:11"),
    _rule(K.REFER, C.SUBSIDIARY, 4, debatable=True, amendable=True, target=Target.PENDING,
          applies_to=frozenset({K.MAIN}), source="RONR §13"),
    _rule(K.POSTPONE, C.SUBSIDIARY, 5, debatable=True, amendable=True, target=Target.PENDING,
          applies_to=frozenset({K.MAIN}), source="RONR §14"),
    # Previous question: ends debate on the immediately pending debatable question.
    _rule(K.CLOSE_DEBATE, C.SUBSIDIARY, 6, threshold="two-thirds", target=Target.PENDING,
          applies_to=_DEBATABLE, source="RONR §16"),
    _rule(K.LAY_ON_THE_TABLE, C.SUBSIDIARY, 7, target=Target.PENDING,
          applies_to=frozenset({K.MAIN}), source="RONR §17"),
    _rule(K.SUSPEND_THE_RULES, C.INCIDENTAL, 8, threshold="two-thirds",
          target=Target.OPTIONAL, applies_to=frozenset(K), source="RONR §25"),
    _rule(K.ADJOURN, C.PRIVILEGED, 9, source="RONR §21"),
    _rule(K.POINT_OF_ORDER, C.INCIDENTAL, 10, second=False, target=Target.OPTIONAL,
          applies_to=frozenset(K), always=True, chair=True, source="RONR §23"),
)  # fmt: skip

MOTION_RULES: Mapping[MotionKind, MotionRule] = MappingProxyType({r.kind: r for r in _RULES})
"""The precedence table: every kind of motion and how it behaves."""


class OutOfOrder(Conflict):
    """The motion may not be moved now: precedence, target or depth forbids it."""

    kind = "out-of-order"


class MotionLapsed(OutOfOrder):
    """The motion aimed at has lapsed; nothing can be applied to it any more."""

    kind = "motion-lapsed"


class BadTransition(Conflict):
    """The motion cannot pass from its state to the one asked for."""

    kind = "bad-transition"


class MotionState(enum.StrEnum):
    SUBMITTED = "submitted"
    SECONDED = "seconded"
    ADMITTED = "admitted"
    DEBATE = "debate"
    VOTING = "voting"
    POSTPONED = "postponed"
    TABLED = "tabled"
    CARRIED = "carried"
    LOST = "lost"
    WITHDRAWN = "withdrawn"
    REFERRED = "referred"
    LAPSED = "lapsed"
    # The chair refuses to admit it (RONR 10:26, improper motions).
    RULED_OUT = "ruled-out"


S = MotionState
# Withdrawal is possible until the question is put (RONR §33); a motion lapses when the
# question it adheres to goes away; postponed and tabled motions can be taken up again.
_OFF_THE_FLOOR = frozenset({S.WITHDRAWN, S.LAPSED, S.REFERRED, S.POSTPONED, S.TABLED})
TRANSITIONS: Mapping[MotionState, frozenset[MotionState]] = MappingProxyType(
    {
        S.SUBMITTED: frozenset({S.SECONDED, S.ADMITTED, S.WITHDRAWN, S.LAPSED, S.RULED_OUT}),
        S.SECONDED: frozenset({S.ADMITTED, S.WITHDRAWN, S.LAPSED, S.RULED_OUT}),
        S.ADMITTED: frozenset({S.DEBATE, S.VOTING}) | _OFF_THE_FLOOR,
        S.DEBATE: frozenset({S.VOTING}) | _OFF_THE_FLOOR,
        S.VOTING: frozenset({S.CARRIED, S.LOST}),
        S.POSTPONED: frozenset({S.DEBATE, S.VOTING, S.WITHDRAWN, S.LAPSED}),
        S.TABLED: frozenset({S.DEBATE, S.VOTING, S.WITHDRAWN, S.LAPSED}),
        S.CARRIED: frozenset(),
        S.LOST: frozenset(),
        S.WITHDRAWN: frozenset(),
        S.REFERRED: frozenset(),
        S.LAPSED: frozenset(),
        S.RULED_OUT: frozenset(),
    }
)
"""Every state and the states it may pass to, whatever the kind of motion."""

TERMINAL: frozenset[MotionState] = frozenset(s for s, nexts in TRANSITIONS.items() if not nexts)
"""States with no exit: the motion's fate is recorded."""

PENDING_STATES: frozenset[MotionState] = frozenset({S.ADMITTED, S.DEBATE, S.VOTING})
"""States in which a motion is before the body."""


def transitions(kind: MotionKind) -> Mapping[MotionState, frozenset[MotionState]]:
    """Decide the state machine of one kind: seconding and debate only where the rules say."""
    rule = MOTION_RULES[kind]
    table = dict(TRANSITIONS)
    if rule.needs_second:
        table[S.SUBMITTED] = table[S.SUBMITTED] - {S.ADMITTED}
    else:
        table[S.SUBMITTED] = table[S.SUBMITTED] - {S.SECONDED}
        table[S.SECONDED] = frozenset()  # unreachable for this kind
    if not rule.debatable:
        table = {state: nexts - {S.DEBATE} for state, nexts in table.items()}
    # Only what can be postponed, tabled or referred goes into those states.
    for kinds, state in (
        (MOTION_RULES[K.POSTPONE].applies_to, S.POSTPONED),
        (MOTION_RULES[K.LAY_ON_THE_TABLE].applies_to, S.TABLED),
        (MOTION_RULES[K.REFER].applies_to, S.REFERRED),
    ):
        if kind not in kinds:
            table = {s: nexts - {state} for s, nexts in table.items()}
    return MappingProxyType(table)


def transition(
    current: MotionState, target: MotionState, kind: MotionKind | None = None
) -> MotionState:
    """Decide whether a motion may pass from `current` to `target`; refuse otherwise.

    With `kind`, the kind's own machine (`transitions(kind)`) is used; without it, the
    general table `TRANSITIONS`.
    """
    table = TRANSITIONS if kind is None else transitions(kind)
    allowed = table[current]
    if target not in allowed:
        what = f"a {kind.value} motion" if kind is not None else "a motion"
        exits = ", ".join(sorted(s.value for s in allowed)) or "nothing: its fate is recorded"
        raise BadTransition(
            f"{what} cannot pass from {current.value} to {target.value} (allowed: {exits})"
        )
    return target


@dataclass(frozen=True)
class MotionRef:
    """A motion as procedure sees it: id, kind, what it is applied to, and its state."""

    id: int
    kind: MotionKind
    target_id: int | None = None
    state: MotionState = MotionState.DEBATE


PendingMotion = MotionRef


def check_in_order(
    pending: Sequence[PendingMotion],
    new_kind: MotionKind,
    target_id: int | None = None,
    *,
    settled: Sequence[MotionRef] = (),
) -> None:
    """Decide whether a motion of `new_kind` may be moved now; raise OutOfOrder if not.

    `pending` is the stack of motions before the body in the order they were moved, the
    last being the immediately pending question. `settled` are this item's motions that
    are no longer pending (decided, withdrawn, lapsed…): reconsider looks there, and an
    amendment to a lapsed motion is refused as such (MotionLapsed).

    A motion is in order when its rank is higher than every pending motion's (RONR §5),
    or when it applies to the immediately pending motion — an amendment to a pending
    motion to refer, say (RONR §5). A point of order is always in order.
    """
    rule = MOTION_RULES[new_kind]
    name = new_kind.value
    by_id = {m.id: m for m in pending}
    if rule.always_in_order:
        if target_id is not None and target_id not in by_id:
            raise OutOfOrder(f"{name}: motion {target_id} is not pending")
        return
    # Once the question is put, nothing interrupts the vote but a point of order (RONR §45).
    voting = next((m for m in pending if m.state is S.VOTING), None)
    if voting is not None:
        raise OutOfOrder(f"{name} is out of order: motion {voting.id} is being voted on")
    target = _checked_target(rule, target_id, by_id, settled)
    top = pending[-1] if pending else None
    if top is None or rule.rank > max(MOTION_RULES[m.kind].rank for m in pending):
        return
    if target is not None and target.id == top.id and rule.target is Target.PENDING:
        return
    higher = max(pending, key=lambda m: (MOTION_RULES[m.kind].rank, m.id))
    raise OutOfOrder(
        f"{name} is out of order while {higher.kind.value} (motion {higher.id}) is pending: "
        "it does not take precedence (RONR §5)"
    )


def _checked_target(
    rule: MotionRule,
    target_id: int | None,
    pending: Mapping[int, MotionRef],
    settled: Sequence[MotionRef],
) -> MotionRef | None:
    """Decide whether a motion may be applied to `target_id`; return that motion."""
    name = rule.kind.value
    if rule.target is Target.NONE:
        if target_id is not None:
            raise OutOfOrder(f"{name} is not applied to another motion")
        return None
    if target_id is None:
        if rule.target is Target.OPTIONAL:
            return None
        raise OutOfOrder(f"{name} must name the motion it applies to")
    done = {m.id: m for m in settled}
    if rule.target is Target.DECIDED:
        if target_id in pending:
            raise OutOfOrder(f"{name}: motion {target_id} is still pending")
        decided = done.get(target_id)
        if decided is None or decided.state not in (S.CARRIED, S.LOST):
            raise OutOfOrder(f"{name}: motion {target_id} has not been decided")
        target = decided
    else:
        if target_id not in pending:
            if target_id in done and done[target_id].state is S.LAPSED:
                raise MotionLapsed(f"{name}: motion {target_id} has lapsed")
            raise OutOfOrder(f"{name}: motion {target_id} is not pending")
        target = pending[target_id]
    if target.kind not in rule.applies_to:
        raise OutOfOrder(_not_applicable(rule.kind, target.kind))
    return target


def _not_applicable(kind: MotionKind, target: MotionKind) -> str:
    if kind is K.AMENDMENT_TO_AMENDMENT and target is K.AMENDMENT_TO_AMENDMENT:
        return "an amendment to an amendment cannot be amended: no third degree (RONR 12:11)"
    if kind is K.AMENDMENT and target in (K.AMENDMENT, K.SUBSTITUTE):
        return f"a {target.value} is amended by an amendment-to-amendment (RONR 12:11)"
    if kind in (K.AMENDMENT, K.AMENDMENT_TO_AMENDMENT, K.SUBSTITUTE):
        return f"a {target.value} motion is not amendable"
    return f"{kind.value} does not apply to a {target.value} motion"


def lapse_dependents(motions: Sequence[MotionRef], withdrawn_id: int) -> list[int]:
    """Decide which motions lapse when motion `withdrawn_id` goes away (withdrawn, lost…).

    Everything applied to it, directly or through another motion — its amendments and their
    amendments, a pending motion to refer or close debate on it — lapses unless its fate
    is already recorded. Ids come back in the order of `motions`.
    """
    if all(m.id != withdrawn_id for m in motions):
        raise NotFound(f"motion {withdrawn_id} is not among this item's motions")
    gone = {withdrawn_id}
    grew = True
    while grew:
        grew = False
        for motion in motions:
            if motion.id not in gone and motion.target_id in gone:
                gone.add(motion.id)
                grew = True
    # A motion to reconsider a lost question is the way back to it, not an adhering motion.
    return [
        m.id
        for m in motions
        if m.id in gone
        and m.id != withdrawn_id
        and m.state not in TERMINAL
        and m.kind is not K.RECONSIDER
    ]
