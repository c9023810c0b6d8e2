"""Officers elected by a unit: an office the constitution gives to each unit of a
constituency kind (`offices.*.elected_by` names the kind: a company elects its commander).

The unit's meeting elects a person — not a delegate: the officer holds no mandate — to a
place of the office for that unit, and the unit recalls them by a ballot decided by the
constitution's recall ballot rule (`recall.ballot`, as for a delegate's recall), the unit's
size as its members. A carried recall ends the term (`office.recalled`, with the counts);
a lost one changes nothing, but its ballot is journaled (`office.recall_lost`). Officers
are public: the journal names them and their unit, never the constituents.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, OfficeTerm, Organization, Person
from tauride.domain import majority, majority_figures
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.offices import OfficeHeld
from tauride.services import journal
from tauride.services.offices import elected_by_units, get_office
from tauride.services.organizations import current_constitution


def _unit(session: Session, org: Organization, name: str) -> Constituency:
    unit = session.scalars(
        select(Constituency).where(
            Constituency.organization_id == org.id, Constituency.name == name.strip()
        )
    ).first()
    if unit is None:
        raise NotFound(f"no constituency '{name.strip()}' in {org.slug}")
    return unit


def _person(session: Session, org: Organization, name: str) -> Person:
    """The person of this name in the organization, recorded now if there is none."""
    person = session.scalars(
        select(Person)
        .where(Person.organization_id == org.id, Person.name == name)
        .order_by(Person.id)
    ).first()
    if person is None:
        person = Person(organization_id=org.id, name=name)
        session.add(person)
        session.flush()
    return person


def elect_unit_officer(
    session: Session,
    org: Organization,
    office_key: str,
    constituency_name: str,
    person_name: str,
    *,
    source: str | None = None,
    actor: str,
) -> OfficeTerm:
    """Record that the unit's meeting elected `person_name` to the office for that unit;
    refused unless the office is elected by units of the unit's kind and a place is free.
    `source` says how it was decided ("company meeting of 3 March")."""
    _, constitution = current_constitution(session, org.id)
    office = get_office(constitution, office_key)
    if not elected_by_units(constitution, office):
        raise InvalidInput(
            f"office '{office_key}' is elected by the body '{office.elected_by}', not by a unit"
        )
    unit = _unit(session, org, constituency_name)
    if unit.is_group or unit.kind != office.elected_by:
        what = "a group of units" if unit.is_group else f"a '{unit.kind}'"
        raise InvalidInput(
            f"office '{office_key}' is elected by each '{office.elected_by}' unit; "
            f"'{unit.name}' is {what}"
        )
    name = " ".join(person_name.split())
    if not name:
        raise InvalidInput("person: give the officer's name")
    held = list(
        session.scalars(
            select(OfficeTerm)
            .where(
                OfficeTerm.organization_id == org.id,
                OfficeTerm.office_key == office_key,
                OfficeTerm.constituency_id == unit.id,
                OfficeTerm.ended_at.is_(None),
            )
            .with_for_update()
        )
    )
    if any(t.person is not None and t.person.name == name for t in held):
        raise OfficeHeld(f"{name} holds the office '{office_key}' for '{unit.name}' already")
    if len(held) >= office.holders:
        raise OfficeHeld(
            f"office '{office_key}' of '{unit.name}' is held already ({office.holders} "
            "holder(s)): a holder must be recalled first"
        )
    person = _person(session, org, name)
    term = OfficeTerm(
        organization_id=org.id, office_key=office_key, person_id=person.id, constituency_id=unit.id
    )
    session.add(term)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="office.unit_elected",
        payload={
            "office": office_key,
            "term": term.id,
            "person": name,
            "unit": unit.name,
            "source": source,
        },
    )
    return term


def recall_unit_officer(
    session: Session,
    org: Organization,
    term_id: int,
    *,
    yes: int,
    no: int,
    abstain: int = 0,
    actor: str,
) -> bool:
    """Decide the unit's ballot on recalling its officer from the counts; whether it
    carried. The constitution's `recall.ballot` rule judges them, the unit's size as its
    members and all who took part as present; a tie keeps the officer."""
    term = session.execute(
        select(OfficeTerm)
        .where(OfficeTerm.id == term_id, OfficeTerm.organization_id == org.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if term is None:
        raise NotFound(f"no office term {term_id} in {org.slug}")
    unit, person = term.constituency, term.person
    if unit is None or person is None:
        raise InvalidInput(
            f"term {term_id} ({term.office_key}) is held through a mandate: the body that "
            "elected it recalls it by a motion (office recall)"
        )
    if term.ended_at is not None:
        raise Conflict(f"term {term_id} ({person.name}, {term.office_key}) has ended")
    # Negative or fractional counts are refused by majority.decide; this one is ours.
    if (present := yes + no + abstain) > unit.size:
        raise InvalidInput(
            f"{present:,} took part, but '{unit.name}' has {unit.size:,} constituents"
        )
    _, constitution = current_constitution(session, org.id)
    declared = constitution.recall.ballot
    rule = majority_figures.Rule(threshold=declared.threshold, base=declared.base, tie="lost")
    tally = majority_figures.Tally(yes, no, abstain, present=present, members=unit.size)
    outcome = majority.decide(tally, rule)
    carried = outcome.carried is True
    if carried:
        term.ended_at = dt.datetime.now(dt.UTC)
        session.flush()
    payload: dict[str, Any] = {"office": term.office_key, "term": term.id}
    payload |= {"person": person.name, "unit": unit.name, "members": unit.size}
    payload |= {"yes": yes, "no": no, "abstain": abstain}
    payload |= {"rule": {"threshold": rule.threshold, "base": rule.base}}
    payload |= {"required": int(outcome.required), "carried": carried, "reason": outcome.reason}
    kind = "office.recalled" if carried else "office.recall_lost"
    journal.append(session, org.id, actor=actor, kind=kind, payload=payload)
    return carried
