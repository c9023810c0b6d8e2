"""Motions before a body: moved, seconded, admitted, debated, withdrawn, put to the vote."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.db.polls import Motion, Poll
from tauride.db.sittings import Sitting
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import (
    MOTION_RULES,
    PENDING_STATES,
    MotionKind,
    MotionRef,
    MotionState,
    check_in_order,
    lapse_dependents,
    transition,
)
from tauride.services import journal, matters, offices, petitions, polls
from tauride.services.bodies import current_memberships
from tauride.services.sittings import NotAMember, get_sitting, lock_sitting, require_open


def get_motion(session: Session, org: Organization, motion_id: int) -> Motion:
    """The motion with this number in the organization, or NotFound."""
    motion = session.get(Motion, motion_id)
    if motion is None or motion.organization_id != org.id:
        raise NotFound(f"no motion {motion_id} in {org.slug}")
    return motion


def _refs(session: Session, sitting_id: int) -> list[MotionRef]:
    rows = session.scalars(
        select(Motion).where(Motion.sitting_id == sitting_id).order_by(Motion.id)
    )
    return [MotionRef(m.id, MotionKind(m.kind), m.target_id, MotionState(m.state)) for m in rows]


def _record(
    session: Session, org: Organization, motion: Motion, act: str, actor: str, **extra: object
) -> None:
    journal.append(
        session,
        org.id,
        actor=actor,
        kind=f"motion.{act}",
        payload={"motion": motion.id, "state": motion.state, **extra},
    )


def _move_to(motion: Motion, target: MotionState) -> None:
    motion.state = transition(MotionState(motion.state), target, MotionKind(motion.kind)).value
    if target in (MotionState.CARRIED, MotionState.LOST):
        motion.decided_at = dt.datetime.now(dt.UTC)


def move_motion(
    session: Session,
    org: Organization,
    sitting_id: int,
    *,
    kind: MotionKind,
    title: str,
    text: str,
    target_id: int | None = None,
    mover_mandate_id: int | None = None,
    mover_label: str | None = None,
    agenda_item_id: int | None = None,
    matter: str | None = None,
    actor: str,
) -> Motion:
    """Submit a motion to a sitting: by a member (voting or consultative) or in the name of
    a body or petition (`mover_label`); refused when out of order by precedence."""
    sitting = lock_sitting(session, get_sitting(session, org, sitting_id))
    require_open(sitting)
    problems = []
    if not title.strip():
        problems.append("title: must not be empty")
    if (mover_mandate_id is None) == (mover_label is None):
        problems.append("mover: give either a member's mandate or the name of a body or petition")
    if problems:
        raise InvalidInput(problems)
    if mover_mandate_id is not None:
        _require_member(session, sitting, mover_mandate_id)
    refs = _refs(session, sitting.id)
    if matter is None and target_id is not None:
        # An amendment or substitute is on the same matter as the motion it applies to.
        matter = get_motion(session, org, target_id).matter
    pending = [r for r in refs if r.state in PENDING_STATES]
    check_in_order(pending, kind, target_id, settled=[r for r in refs if r not in pending])
    motion = Motion(
        organization_id=org.id,
        body_id=sitting.body_id,
        sitting_id=sitting.id,
        agenda_item_id=agenda_item_id,
        kind=kind.value,
        target_id=target_id,
        title=title.strip(),
        text=text.strip(),
        mover_mandate_id=mover_mandate_id,
        mover_label=mover_label,
        state=MotionState.SUBMITTED.value,
        matter=matter,
    )
    session.add(motion)
    session.flush()
    _record(
        session,
        org,
        motion,
        "moved",
        actor,
        kind=kind.value,
        title=motion.title,
        text=motion.text,
        target=target_id,
        mover=mover_mandate_id,
        mover_label=mover_label,
        matter=matter,
        agenda_item=agenda_item_id,
        sitting=sitting.id,
    )
    return motion


def _require_member(session: Session, sitting: Sitting, mandate_id: int) -> bool:
    """Refuse a mandate that does not sit in the body; say whether its seat is consultative."""
    for membership in current_memberships(session, sitting.body_id):
        if membership.mandate_id == mandate_id:
            return membership.consultative
    raise NotAMember(f"mandate {mandate_id} does not sit in this body")


def second_motion(
    session: Session, org: Organization, motion_id: int, seconder_mandate_id: int, *, actor: str
) -> Motion:
    """Record the seconder of a motion that needs one; the mover cannot second."""
    motion = get_motion(session, org, motion_id)
    sitting = lock_sitting(session, get_sitting(session, org, motion.sitting_id or 0))
    _require_member(session, sitting, seconder_mandate_id)
    if seconder_mandate_id == motion.mover_mandate_id:
        raise Conflict("the mover cannot second their own motion")
    _move_to(motion, MotionState.SECONDED)
    motion.seconder_mandate_id = seconder_mandate_id
    session.flush()
    _record(session, org, motion, "seconded", actor, seconder=seconder_mandate_id)
    return motion


def set_motion_state(
    session: Session, org: Organization, motion_id: int, target: MotionState, *, actor: str
) -> Motion:
    """The chair admits a motion, opens its debate or rules it out; a mover withdraws it.

    A withdrawn motion's amendments (and whatever else adheres to it) lapse with it.
    """
    if target in (MotionState.VOTING, MotionState.CARRIED, MotionState.LOST):
        raise InvalidInput("a motion goes to the vote by `put_to_vote`, and its poll decides it")
    motion = get_motion(session, org, motion_id)
    sitting = lock_sitting(session, get_sitting(session, org, motion.sitting_id or 0))
    require_open(sitting)
    _move_to(motion, target)
    session.flush()
    _record(session, org, motion, target.value.replace("-", "_"), actor)
    if target is MotionState.WITHDRAWN:
        lapse_with(session, org, motion, actor=actor)
    return motion


def lapse_with(session: Session, org: Organization, gone: Motion, *, actor: str) -> list[int]:
    """Lapse every motion that adheres to one that went away."""
    refs = _refs(session, gone.sitting_id or 0)
    lapsed = lapse_dependents(refs, gone.id)
    for motion_id in lapsed:
        dependent = get_motion(session, org, motion_id)
        _move_to(dependent, MotionState.LAPSED)
        session.flush()
        _record(session, org, dependent, "lapsed", actor, because_of=gone.id)
    return lapsed


def put_to_vote(
    session: Session,
    org: Organization,
    motion_id: int,
    *,
    method: PollMethod,
    allow_change: bool = False,
    actor: str,
) -> Poll:
    """Put the question: the motion goes to the vote under its kind's threshold."""
    motion = get_motion(session, org, motion_id)
    _move_to(motion, MotionState.VOTING)
    session.flush()
    _record(session, org, motion, "put_to_vote", actor)
    return polls.open_poll(
        session,
        org,
        motion.sitting_id or 0,
        question=motion.title,
        method=method,
        motion_id=motion.id,
        threshold=MOTION_RULES[MotionKind(motion.kind)].threshold,
        allow_change=allow_change,
        actor=actor,
    )


def close_vote(
    session: Session,
    org: Organization,
    poll_id: int,
    *,
    casting_vote: bool | str | None = None,
    actor: str,
) -> Motion | None:
    """Close a poll and, when it decided a motion, record the motion's fate and effects.

    A carried amendment (or amendment to an amendment) gives its target its text; a
    carried substitute takes the place of its target, which lapses; carried motions to
    refer, postpone or lay on the table send their target off the floor; a lost main
    motion takes its pending amendments with it.
    """
    outcome = polls.close_poll(session, org, poll_id, casting_vote=casting_vote, actor=actor)
    poll = polls.get_poll(session, org, poll_id)
    if poll.motion_id is None:
        return None
    motion = get_motion(session, org, poll.motion_id)
    carried = bool(outcome.carried)
    _move_to(motion, MotionState.CARRIED if carried else MotionState.LOST)
    session.flush()
    _record(
        session, org, motion, "decided", actor, poll=poll.id, carried=carried, figure=outcome.figure
    )
    kind = MotionKind(motion.kind)
    target = get_motion(session, org, motion.target_id) if motion.target_id else None
    if carried and target is not None:
        effect = {
            MotionKind.REFER: MotionState.REFERRED,
            MotionKind.POSTPONE: MotionState.POSTPONED,
            MotionKind.LAY_ON_THE_TABLE: MotionState.TABLED,
            MotionKind.SUBSTITUTE: MotionState.LAPSED,
        }.get(kind)
        if kind in (MotionKind.AMENDMENT, MotionKind.AMENDMENT_TO_AMENDMENT):
            target.text = motion.text
            session.flush()
            _record(session, org, target, "amended", actor, by=motion.id, text=target.text)
        elif effect is not None:
            _move_to(target, effect)
            session.flush()
            _record(session, org, target, effect.value, actor, by=motion.id)
            lapse_with(session, org, target, actor=actor)
    if not carried and kind in (MotionKind.MAIN, MotionKind.SUBSTITUTE):
        lapse_with(session, org, motion, actor=actor)
    if motion.matter is not None and kind in (MotionKind.MAIN, MotionKind.SUBSTITUTE):
        matters.note_decision(session, org, motion.matter, actor=actor)
    if kind in (MotionKind.MAIN, MotionKind.SUBSTITUTE):
        petitions.note_decision(session, org, motion.id, actor=actor)
    if kind is MotionKind.MAIN and motion.office_term_id is not None:
        offices.note_decision(session, org, motion.id, actor=actor)
    return motion
