"""Matters before several bodies: concurrence required, conflicts noticed and recorded."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Body, JournalRecord, Organization
from tauride.db.polls import Matter, Motion
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.matters import Decision, MatterState, matter_state
from tauride.services import journal


def open_matter(
    session: Session,
    org: Organization,
    key: str,
    *,
    title: str,
    required_bodies: list[str],
    actor: str,
) -> Matter:
    """Register a matter whose resolution needs a majority in each of `required_bodies`."""
    known = set(session.scalars(select(Body.key).where(Body.organization_id == org.id)))
    problems = [f"required_bodies: no body named '{b}'" for b in required_bodies if b not in known]
    if not key.strip():
        problems.append("key: must not be empty")
    if len(set(required_bodies)) != len(required_bodies):
        problems.append("required_bodies: a body is named twice")
    if problems:
        raise InvalidInput(problems)
    exists = session.execute(
        select(Matter.id).where(Matter.organization_id == org.id, Matter.key == key)
    ).first()
    if exists is not None:
        raise Conflict(f"matter '{key}' exists already")
    matter = Matter(
        organization_id=org.id, key=key, title=title.strip(), required_bodies=required_bodies
    )
    session.add(matter)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="matter.opened",
        payload={"matter": key, "title": matter.title, "required_bodies": required_bodies},
    )
    return matter


def state_of(session: Session, organization_id: int, key: str) -> MatterState:
    """Every body's position on the matter, from the motions that carry its key."""
    rows = session.execute(
        select(Motion.id, Motion.kind, Motion.state, Body.key)
        .join(Body, Motion.body_id == Body.id)
        .where(Motion.organization_id == organization_id, Motion.matter == key)
    ).all()
    matter = session.execute(
        select(Matter).where(Matter.organization_id == organization_id, Matter.key == key)
    ).scalar_one_or_none()
    if matter is None and not rows:
        raise NotFound(f"no matter '{key}'")
    required = list(matter.required_bodies) if matter else []
    return matter_state(
        [Decision(body, motion_id, kind, state) for motion_id, kind, state, body in rows], required
    )


def note_decision(session: Session, org: Organization, key: str, *, actor: str) -> MatterState:
    """After a body decided on a matter: record concurrence reached and new conflicts.

    Each fact is journaled once: the adoption when the last required body carries it, a
    conflict when two bodies' decisions first contradict.
    """
    state = state_of(session, org.id, key)
    recorded = [
        (kind, payload)
        for kind, payload in session.execute(
            select(JournalRecord.kind, JournalRecord.payload).where(
                JournalRecord.organization_id == org.id,
                JournalRecord.kind.in_(("matter.adopted", "matter.conflict")),
            )
        )
        if payload.get("matter") == key
    ]
    if state.adopted and all(kind != "matter.adopted" for kind, _ in recorded):
        journal.append(
            session,
            org.id,
            actor=actor,
            kind="matter.adopted",
            payload={"matter": key, "required_bodies": list(state.required)},
        )
    known = {tuple(p["bodies"]) for kind, p in recorded if kind == "matter.conflict"}
    for pair in state.conflicts:
        if pair not in known:
            journal.append(
                session,
                org.id,
                actor=actor,
                kind="matter.conflict",
                payload={
                    "matter": key,
                    "bodies": list(pair),
                    "positions": [state.positions[pair[0]].value, state.positions[pair[1]].value],
                },
            )
    return state
