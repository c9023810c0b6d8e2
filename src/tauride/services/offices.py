"""Offices: chairs, secretaries, presidium members — held by election, recallable by the
body that elected them (the constitution's `offices.*.elected_by`).

A recall is a main motion moved in a sitting of the electing body that names the office
term it would end (`Motion.office_term_id`); it is debated and voted on like any motion,
under the body's majority rule (moved by services/office_recalls.py). When its poll carries
it, the term ends and `office.recalled` is journaled (`note_decision`, called by
`motions.close_vote`); when it is lost, nothing changes. The office is then filled again by
`fill_office`.

An office may instead be elected by each unit of a constituency kind (`elected_by` names the
kind: soldiers electing their company's commander); such officers are elected and recalled
by their unit, in services/unit_officers.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Mandate, MandateStatus, OfficeTerm, Organization, Person
from tauride.db.polls import Motion
from tauride.domain.constitution import Constitution
from tauride.domain.constitution.model import Office
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.offices import OfficeHeld
from tauride.domain.procedure import MotionState
from tauride.services import bodies, journal
from tauride.services.organizations import current_constitution

Holder = int | str
"""A holder named by mandate number or by the person's name."""


def get_office(constitution: Constitution, office_key: str) -> Office:
    """The office of this key in the constitution, or NotFound listing the others."""
    office = constitution.offices.get(office_key)
    if office is None:
        known = ", ".join(constitution.offices) or "none"
        raise NotFound(f"no office '{office_key}' (offices: {known})")
    return office


def elected_by_units(constitution: Constitution, office: Office) -> bool:
    """Whether each unit of a constituency kind elects the office (not a body)."""
    return office.elected_by in constitution.constituency_kinds


def holder_name(term: OfficeTerm) -> str:
    """Who holds the term: the mandate's person, or the unit officer's."""
    person = term.mandate.person if term.mandate is not None else term.person
    return person.name if person is not None else "?"


def body_office(constitution: Constitution, office_key: str) -> Office:
    office = get_office(constitution, office_key)
    if elected_by_units(constitution, office):
        raise InvalidInput(
            f"office '{office_key}' is elected by each '{office.elected_by}' unit: "
            "its unit elects and recalls it (office elect-unit, recall-unit)"
        )
    return office


def _terms(
    session: Session, org: Organization, office_key: str, holder: Holder
) -> list[OfficeTerm]:
    query = (
        select(OfficeTerm)
        .join(Mandate, OfficeTerm.mandate_id == Mandate.id)
        .join(Person, Mandate.person_id == Person.id)
        .where(OfficeTerm.organization_id == org.id, OfficeTerm.office_key == office_key)
        .order_by(OfficeTerm.id)
    )
    if isinstance(holder, int):
        query = query.where(OfficeTerm.mandate_id == holder)
    else:
        query = query.where(Person.name == holder)
    return list(session.scalars(query))


def current_term(
    session: Session, org: Organization, office_key: str, holder: Holder
) -> OfficeTerm:
    """The term in which `holder` holds the office now; Conflict if it has ended."""
    terms = _terms(session, org, office_key, holder)
    held = [t for t in terms if t.ended_at is None]
    who = f"mandate {holder}" if isinstance(holder, int) else f"'{holder}'"
    if not terms:
        raise NotFound(f"{who} does not hold the office '{office_key}'")
    if not held:
        raise Conflict(f"{who} no longer holds the office '{office_key}': the term has ended")
    if len(held) > 1:
        raise InvalidInput(f"{who} names several holders of '{office_key}': give the mandate")
    return held[0]


def note_decision(
    session: Session, org: Organization, motion_id: int, *, actor: str
) -> OfficeTerm | None:
    """After a motion was decided: a carried recall ends the office term it names.

    Idempotent, so that the close of a vote may call it for every motion: anything but a
    carried recall of a term still running is left alone. Bodies are recomposed after,
    since an office may carry ex officio seats.
    """
    motion = session.get(Motion, motion_id)
    if motion is None or motion.organization_id != org.id or motion.office_term_id is None:
        return None
    if motion.state != MotionState.CARRIED.value:
        return None
    term = session.execute(
        select(OfficeTerm)
        .where(OfficeTerm.id == motion.office_term_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    if term.ended_at is not None:
        return None
    term.ended_at = dt.datetime.now(dt.UTC)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="office.recalled",
        payload={
            "office": term.office_key,
            "term": term.id,
            "mandate": term.mandate_id,
            "person": holder_name(term),
            "motion": motion.id,
        },
    )
    bodies.recompose(session, org, actor=actor)
    return term


def _mandate(session: Session, org: Organization, holder: Holder) -> Mandate:
    if isinstance(holder, int):
        mandate = session.get(Mandate, holder)
        if mandate is None or mandate.organization_id != org.id:
            raise NotFound(f"no mandate {holder} in {org.slug}")
        return mandate
    found = list(
        session.scalars(
            select(Mandate)
            .join(Person, Mandate.person_id == Person.id)
            .where(
                Mandate.organization_id == org.id,
                Person.name == holder,
                Mandate.status == MandateStatus.ACTIVE,
            )
        )
    )
    if not found:
        raise InvalidInput(f"'{holder}' holds no active mandate")
    if len(found) > 1:
        raise InvalidInput(f"'{holder}' holds several mandates: give the mandate number")
    return found[0]


def fill_office(
    session: Session,
    org: Organization,
    office_key: str,
    holder: Holder,
    *,
    source: str | None = None,
    actor: str,
) -> OfficeTerm:
    """Give an office to a voting member of the body that elects it (after an election or
    a recall); refused while every place of the office is held. `source` says how it was
    decided ("poll 12")."""
    _, constitution = current_constitution(session, org.id)
    office = body_office(constitution, office_key)
    mandate = _mandate(session, org, holder)
    name = mandate.person.name
    if mandate.status is not MandateStatus.ACTIVE:
        raise InvalidInput(f"mandate {mandate.id} ({name}) has ended ({mandate.status.value})")
    if mandate.id not in bodies.voting_member_ids(session, org.id, office.elected_by):
        raise InvalidInput(
            f"office '{office_key}': {name} is not a voting member of '{office.elected_by}'"
        )
    held = list(
        session.scalars(
            select(OfficeTerm)
            .where(
                OfficeTerm.organization_id == org.id,
                OfficeTerm.office_key == office_key,
                OfficeTerm.ended_at.is_(None),
            )
            .with_for_update()
        )
    )
    if any(t.mandate_id == mandate.id for t in held):
        raise OfficeHeld(f"{name} holds the office '{office_key}' already")
    if len(held) >= office.holders:
        raise OfficeHeld(
            f"office '{office_key}' is held already ({office.holders} holder(s)): "
            "a holder must be recalled first"
        )
    term = OfficeTerm(organization_id=org.id, office_key=office_key, mandate_id=mandate.id)
    session.add(term)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="office.assigned",
        payload={
            "office": office_key,
            "term": term.id,
            "mandate": mandate.id,
            "person": name,
            "source": source,
        },
    )
    bodies.recompose(session, org, actor=actor)
    return term


def offices(session: Session, org: Organization, *, history: bool = False) -> list[dict[str, Any]]:
    """Every office of the constitution, who holds it and since when (with `history`, the
    ended terms too); a unit's officer is listed with the unit (`unit`) and no mandate."""
    _, constitution = current_constitution(session, org.id)
    terms = session.scalars(
        select(OfficeTerm).where(OfficeTerm.organization_id == org.id).order_by(OfficeTerm.id)
    )
    by_office: dict[str, list[OfficeTerm]] = {}
    for term in terms:
        if history or term.ended_at is None:
            by_office.setdefault(term.office_key, []).append(term)
    return [
        {
            "office": key,
            "name": office.name,
            "elected_by": office.elected_by,
            "by_units": elected_by_units(constitution, office),
            "places": office.holders,
            "terms": [
                {
                    "term": t.id,
                    "mandate": t.mandate_id,
                    "person": holder_name(t),
                    "mandate_status": t.mandate.status.value if t.mandate else None,
                    "unit": t.constituency.name if t.constituency else None,
                    "started_at": t.started_at.isoformat(),
                    "ended_at": t.ended_at.isoformat() if t.ended_at else None,
                }
                for t in by_office.get(key, [])
            ],
        }
        for key, office in constitution.offices.items()
    ]
