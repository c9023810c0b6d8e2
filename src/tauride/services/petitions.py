"""Petitions, appeals and delegations to a body: submitted, put on an agenda, heard, answered.

A petition comes from one constituency (its signatures counted against the
constituency's size) or from a group named by a label (a group of constituents, an
outside delegation). Only the count of signatures is taken: signers' names are never
asked for, stored or journaled. The body puts the petition on a sitting's agenda, may
hear a delegation speak at that item, and answers by a resolution; the petition is
answered once that motion is decided, carried or lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Body, Constituency, Organization
from tauride.db.petitions import Petition
from tauride.db.polls import Motion
from tauride.db.sittings import AgendaItem
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.petitions import (
    ANSWERING_KINDS,
    FATES,
    PETITION_ITEMS,
    PetitionKind,
    PetitionState,
    petition_transition,
    share_signed,
    transitions,
)
from tauride.domain.procedure import TERMINAL, MotionKind, MotionState
from tauride.domain.sittings import AgendaItemKind, AgendaItemState
from tauride.services import journal, sittings, speakers
from tauride.services.bodies import get_body

TITLE_MAX = 500
LABEL_MAX = 300


def get_petition(session: Session, org: Organization, petition_id: int) -> Petition:
    """The petition with this number in the organization, or NotFound."""
    petition = session.get(Petition, petition_id)
    if petition is None or petition.organization_id != org.id:
        raise NotFound(f"no petition {petition_id} in {org.slug}")
    return petition


def _lock(session: Session, org: Organization, petition_id: int) -> Petition:
    """Take the petition's row lock: its changes of state queue behind each other."""
    get_petition(session, org, petition_id)
    return session.execute(
        select(Petition)
        .where(Petition.id == petition_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _check_move(petition: Petition, target: PetitionState) -> PetitionState:
    kind, current = PetitionKind(petition.kind), PetitionState(petition.state)
    return petition_transition(kind, current, target, what=f"petition {petition.id}: ")


def origin(session: Session, petition: Petition) -> dict[str, Any]:
    """Whence the petition comes and how many signed it: counts only, never names."""
    unit_id = petition.from_constituency_id
    unit = session.get_one(Constituency, unit_id) if unit_id is not None else None
    return {
        "from": unit.name if unit is not None else petition.from_label,
        "from_constituency": unit.name if unit is not None else None,
        "constituency": unit_id,
        "from_label": petition.from_label,
        "signatures": petition.signatures,
        "constituency_size": unit.size if unit is not None else None,
        "share": share_signed(petition.signatures, unit.size) if unit is not None else None,
    }


def _record(session: Session, petition: Petition, act: str, actor: str, **extra: object) -> None:
    journal.append(
        session,
        petition.organization_id,
        actor=actor,
        kind=f"petition.{act}",
        payload={"petition": petition.id, "state": petition.state, **extra},
    )


def submit_petition(
    session: Session,
    org: Organization,
    body_key: str,
    *,
    kind: PetitionKind | str,
    title: str,
    text: str,
    from_constituency: str | None,
    from_label: str | None,
    signatures: int,
    actor: str,
) -> Petition:
    """Receive an appeal, petition or delegation addressed to a body.

    It comes from exactly one of a constituency (named as on its roll: a plant that
    elects through a group is still its own constituency here) or a group named by a
    label. Signatures are a count, at least zero and, for a constituency, not more than
    its size.
    """
    body = get_body(session, org.id, body_key)
    problems: list[str] = []
    try:
        kind = PetitionKind(kind)
    except ValueError:
        kinds = ", ".join(k.value for k in PetitionKind)
        raise InvalidInput(f"kind: '{kind}' is not one of {kinds}") from None
    title, text = title.strip(), text.strip()
    label = " ".join(from_label.split()) if from_label is not None else None
    if not title or len(title) > TITLE_MAX:
        problems.append(f"title: give a title of 1 to {TITLE_MAX} characters")
    if not text and kind is not PetitionKind.DELEGATION:
        problems.append(f"text: give the text of the {kind.value}")
    if (from_constituency is None) == (label is None):
        problems.append("from: give either a constituency or the name of a group, not both")
    elif label is not None and not 0 < len(label) <= LABEL_MAX:
        problems.append(f"from: name the group in 1 to {LABEL_MAX} characters")
    if signatures < 0:
        problems.append(f"signatures: {signatures} is negative")
    unit: Constituency | None = None
    if from_constituency is not None:
        unit = session.execute(
            select(Constituency).where(
                Constituency.organization_id == org.id, Constituency.name == from_constituency
            )
        ).scalar_one_or_none()
        if unit is None:
            problems.append(f"from: no constituency '{from_constituency}' in {org.slug}")
        elif signatures > unit.size:
            problems.append(
                f"signatures: {signatures} is more than the {unit.size} constituents of {unit.name}"
            )
    if problems:
        raise InvalidInput(problems)
    petition = Petition(
        organization_id=org.id,
        body_id=body.id,
        kind=kind.value,
        from_constituency_id=unit.id if unit is not None else None,
        from_label=label,
        title=title,
        text=text,
        signatures=signatures,
        state=PetitionState.SUBMITTED.value,
    )
    session.add(petition)
    session.flush()
    details = {"body": body.key, "body_name": body.name, "kind": kind.value, "title": title}
    _record(
        session, petition, "submitted", actor, **details, text=text, **origin(session, petition)
    )
    return petition


def put_on_agenda(
    session: Session,
    org: Organization,
    petition_id: int,
    sitting_id: int,
    *,
    item_id: int | None = None,
    actor: str,
) -> AgendaItem:
    """Put a petition on the agenda of a sitting of the body it is addressed to.

    It gets an item of its own, titled after it — of kind delegations for a delegation,
    resolution otherwise — unless `item_id` names an item of that sitting (of kind
    delegations or resolution, not yet dealt with) that it joins: a body may receive
    several delegations under one item.
    """
    petition = _lock(session, org, petition_id)
    sitting = sittings.get_sitting(session, org, sitting_id)
    target = _check_move(petition, PetitionState.ON_AGENDA)
    if sitting.body_id != petition.body_id:
        body = session.get_one(Body, petition.body_id)
        raise Conflict(
            f"sitting {sitting.id} is of {sitting.body.name}; petition {petition.id} "
            f"is addressed to {body.name}"
        )
    if item_id is None:
        delegation = petition.kind == PetitionKind.DELEGATION
        kind = AgendaItemKind.DELEGATIONS if delegation else AgendaItemKind.RESOLUTION
        item = sittings.add_agenda_item(
            session, org, sitting.id, kind=kind, title=petition.title, minutes=None, actor=actor
        )
    else:
        found = session.get(AgendaItem, item_id)
        if found is None or found.sitting_id != sitting.id:
            raise NotFound(f"no agenda item {item_id} in sitting {sitting.id}")
        if found.kind not in PETITION_ITEMS or found.state is AgendaItemState.DONE:
            raise Conflict(
                f"agenda item {found.id} is a {found.state.value} {found.kind.value} item; "
                "a petition joins a pending or current item of delegations or a resolution"
            )
        item = found
    petition.state, petition.agenda_item_id = target.value, item.id
    session.flush()
    where = {"sitting": sitting.id, "item": item.id, "position": item.position}
    _record(session, petition, "on_agenda", actor, **where, item_kind=item.kind.value)
    return item


def hear(
    session: Session, org: Organization, petition_id: int, *, speaker: str, actor: str
) -> Petition:
    """Hear the petition's delegation at its agenda item, which must be under discussion.

    The speaker takes the floor as a guest, named with those they speak for.
    """
    petition = _lock(session, org, petition_id)
    target = _check_move(petition, PetitionState.HEARD)
    name = " ".join(speaker.split())
    if not name:
        raise InvalidInput("speaker: name who speaks for the delegation")
    room = speakers.GUEST_NAME_MAX - len(name) - len(" for ")
    frm = str(origin(session, petition)["from"])
    if len(frm) > room:
        frm = frm[: max(room - 1, 0)] + "…"
    row = speakers.hear_guest(
        session, org, petition.agenda_item_id or 0, f"{name} for {frm}", actor=actor
    )
    petition.state = target.value
    session.flush()
    item, guest = petition.agenda_item_id, row.guest
    _record(session, petition, "heard", actor, item=item, speaker=name, guest=guest, request=row.id)
    return petition


def _settle(session: Session, petition: Petition, motion: Motion, actor: str) -> None:
    petition.state = _check_move(petition, PetitionState.ANSWERED).value
    session.flush()
    decided = {"motion": motion.id, "title": motion.title, "fate": motion.state}
    _record(session, petition, "answered", actor, **decided, sitting=motion.sitting_id)


def answer(
    session: Session, org: Organization, petition_id: int, motion_id: int, *, actor: str
) -> Petition:
    """Link the body's resolution that answers a petition; answered once it is decided.

    The motion must be a main or substitute motion of the body the petition is addressed
    to, and must not have gone off the floor undecided (withdrawn, lapsed, referred,
    ruled out). A decided motion answers at once; a pending one is linked (journaled as
    `petition.answer_linked`) and answers when decided — see `note_decision`. A link whose
    motion went off the floor undecided may be replaced. Answering again with the motion
    that answered changes nothing.
    """
    petition = _lock(session, org, petition_id)
    if petition.state == PetitionState.ANSWERED and petition.answer_motion_id == motion_id:
        return petition  # already answered by this motion (say, when its vote closed)
    _check_move(petition, PetitionState.ANSWERED)
    motion = session.get(Motion, motion_id)
    if motion is None or motion.organization_id != org.id:
        raise NotFound(f"no motion {motion_id} in {org.slug}")
    if motion.body_id != petition.body_id:
        body = session.get_one(Body, petition.body_id)
        raise Conflict(
            f"motion {motion.id} is not before {body.name}, to which petition "
            f"{petition.id} is addressed"
        )
    kind = MotionKind(motion.kind)
    if kind not in ANSWERING_KINDS:
        kinds = "a main or substitute motion"
        raise Conflict(f"a petition is answered by {kinds}, not by a motion of kind {kind.value}")
    state = MotionState(motion.state)
    if state in TERMINAL and state not in FATES:
        raise Conflict(f"motion {motion.id} is {state.value}: it answers nothing")
    linked = petition.answer_motion_id
    if linked is not None and (linked != motion.id or state not in FATES):
        previous = MotionState(session.get_one(Motion, linked).state)
        # Only a motion that went off the floor undecided lets go of the petition.
        if previous not in TERMINAL - FATES:
            raise Conflict(f"petition {petition.id} is linked to motion {linked} ({previous})")
    petition.answer_motion_id = motion.id
    session.flush()
    if state in FATES:
        _settle(session, petition, motion, actor)
    else:
        _record(session, petition, "answer_linked", actor, motion=motion.id, title=motion.title)
    return petition


def note_decision(
    session: Session, org: Organization, motion_id: int, *, actor: str
) -> list[Petition]:
    """After a motion was decided: the petitions it answers are answered.

    Idempotent — petitions already answered are left alone — so that the close of a vote
    may call it, and a replay may call it again.
    """
    motion = session.get(Motion, motion_id)
    if motion is None or motion.organization_id != org.id:
        raise NotFound(f"no motion {motion_id} in {org.slug}")
    if MotionState(motion.state) not in FATES:
        return []
    answering = Petition.answer_motion_id == motion.id
    waiting = session.scalars(
        select(Petition.id)
        .where(answering, Petition.state != PetitionState.ANSWERED)
        .order_by(Petition.id)
    ).all()
    answered = []
    for petition_id in waiting:
        petition = _lock(session, org, petition_id)
        if petition.state != PetitionState.ANSWERED:
            _settle(session, petition, motion, actor)
            answered.append(petition)
    return answered


def petition_state(session: Session, petition_id: int) -> dict[str, Any]:
    """A petition as a page or export shows it: whence, signatures and share, where it
    stands on the agenda and how the body answered (who was heard is in the journal)."""
    petition = session.get(Petition, petition_id)
    if petition is None:
        raise NotFound(f"no petition {petition_id}")
    body = session.get_one(Body, petition.body_id)
    kind, state = PetitionKind(petition.kind), PetitionState(petition.state)
    agenda: dict[str, Any] | None = None
    if petition.agenda_item_id is not None:
        item = session.get_one(AgendaItem, petition.agenda_item_id)
        agenda = {"sitting": item.sitting_id, "item": item.id, "position": item.position}
        agenda |= {"title": item.title, "kind": item.kind.value, "state": item.state.value}
    answered_by: dict[str, Any] | None = None
    if petition.answer_motion_id is not None:
        motion = session.get_one(Motion, petition.answer_motion_id)
        fate = motion.state if MotionState(motion.state) in FATES else None
        answered_by = {"motion": motion.id, "title": motion.title, "state": motion.state}
        answered_by["fate"] = fate
    # SQLite hands timestamps back without their zone; they were written in UTC.
    at = petition.submitted_at
    at = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return {
        "petition": petition.id,
        "body": body.key,
        "body_name": body.name,
        "kind": kind.value,
        "title": petition.title,
        "text": petition.text,
        **origin(session, petition),
        "state": state.value,
        "next": sorted(s.value for s in transitions(kind)[state]),
        "submitted_at": at.isoformat(),
        "agenda": agenda,
        "answer": answered_by,
    }
