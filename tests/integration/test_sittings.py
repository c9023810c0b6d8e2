"""Sittings: their states, attendance with quorum, alternates, and the agenda."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tauride.db.models import Mandate, Organization
from tauride.domain.errors import Conflict, InvalidInput
from tauride.domain.sittings import AgendaItemKind, AgendaItemState, SittingState
from tauride.services import sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder


@pytest.fixture
def org(session: Session) -> Organization:
    return load_folder(session, example_path("st-petersburg-1905"), actor="test")


def _plenary_mandates(session: Session, org: Organization) -> list[int]:
    body = get_body(session, org.id, "plenary")
    return [m.mandate_id for m in current_memberships(session, body.id)]


def test_sitting_goes_through_its_states_and_is_journaled(
    session: Session, org: Organization
) -> None:
    sitting = sittings.schedule_sitting(
        session,
        org,
        "plenary",
        title="Sitting of November 12",
        scheduled_for="1905-11-12",
        actor="test",
    )
    assert (sitting.number, sitting.state) == (1, SittingState.SCHEDULED)
    for target in (
        SittingState.OPEN,
        SittingState.SUSPENDED,
        SittingState.OPEN,
        SittingState.CLOSED,
    ):
        sittings.change_state(session, org, sitting.id, target, actor="test")
    assert sitting.state is SittingState.CLOSED
    with pytest.raises(Conflict, match="a closed sitting cannot become open"):
        sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="test")
    second = sittings.schedule_sitting(
        session, org, "plenary", title="Next", scheduled_for=None, actor="test"
    )
    assert second.number == 2


def test_check_in_refuses_strangers_and_doubles(session: Session, org: Organization) -> None:
    sitting = sittings.schedule_sitting(
        session, org, "executive", title="Executive", scheduled_for=None, actor="test"
    )
    executive = get_body(session, org.id, "executive")
    members = {m.mandate_id for m in current_memberships(session, executive.id)}
    outsider = next(m for m in _plenary_mandates(session, org) if m not in members)
    member = next(iter(members))
    sittings.check_in(session, org, sitting.id, member, actor="test")
    with pytest.raises(Conflict, match="already checked in"):
        sittings.check_in(session, org, sitting.id, member, actor="test")
    with pytest.raises(sittings.NotAMember, match="does not sit in this body"):
        sittings.check_in(session, org, sitting.id, outsider, actor="test")
    sittings.check_out(session, org, sitting.id, member, actor="test")
    assert sittings.present_rows(session, sitting.id) == []
    with pytest.raises(Conflict, match="not checked in"):
        sittings.check_out(session, org, sitting.id, member, actor="test")


def test_alternate_sits_in_only_where_the_constitution_allows(
    session: Session, org: Organization
) -> None:
    plenary = _plenary_mandates(session, org)
    principal = session.get_one(Mandate, plenary[0])
    alternate = Mandate(
        organization_id=org.id,
        person_id=session.get_one(Mandate, plenary[1]).person_id,
        constituency_id=principal.constituency_id,
        alternate_for_id=principal.id,
    )
    session.add(alternate)
    session.flush()
    sitting = sittings.schedule_sitting(
        session, org, "plenary", title="S", scheduled_for=None, actor="test"
    )
    with pytest.raises(sittings.NotAMember, match="do not let alternates sit in"):
        sittings.check_in(session, org, sitting.id, alternate.id, actor="test")


def test_closing_checks_everyone_out(session: Session, org: Organization) -> None:
    sitting = sittings.schedule_sitting(
        session, org, "plenary", title="S", scheduled_for=None, actor="test"
    )
    sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="test")
    for mandate_id in _plenary_mandates(session, org)[:5]:
        sittings.check_in(session, org, sitting.id, mandate_id, actor="test")
    assert len(sittings.present_rows(session, sitting.id)) == 5
    sittings.change_state(session, org, sitting.id, SittingState.CLOSED, actor="test")
    assert sittings.present_rows(session, sitting.id) == []


def test_agenda_is_ordered_reordered_and_taken_up(session: Session, org: Organization) -> None:
    sitting = sittings.schedule_sitting(
        session, org, "plenary", title="S", scheduled_for=None, actor="test"
    )
    titles = ["Lockouts", "Unemployment", "Eight-hour day", "Wage rates"]
    items = [
        sittings.add_agenda_item(
            session, org, sitting.id, kind=AgendaItemKind.DEBATE, title=t, minutes=30, actor="test"
        )
        for t in titles
    ]
    assert [i.position for i in items] == [1, 2, 3, 4]
    sittings.reorder_agenda(
        session,
        org,
        sitting.id,
        [items[1].id, items[0].id, items[2].id, items[3].id],
        decided_by="vote of the assembly",
        actor="test",
    )
    assert [i.title for i in sittings.agenda(session, sitting.id)][:2] == [
        "Unemployment",
        "Lockouts",
    ]
    with pytest.raises(InvalidInput, match="must list each item"):
        sittings.reorder_agenda(
            session, org, sitting.id, [items[0].id], decided_by="x", actor="test"
        )
    with pytest.raises(Conflict, match="not open"):
        sittings.take_up_item(session, org, items[0].id, actor="test")
    sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="test")
    sittings.take_up_item(session, org, items[1].id, actor="test")
    sittings.take_up_item(session, org, items[0].id, actor="test")
    states = {i.title: i.state for i in sittings.agenda(session, sitting.id)}
    assert states["Unemployment"] is AgendaItemState.DONE
    assert states["Lockouts"] is AgendaItemState.CURRENT
    with pytest.raises(InvalidInput, match="minutes"):
        sittings.add_agenda_item(
            session, org, sitting.id, kind=AgendaItemKind.REPORT, title="X", minutes=0, actor="t"
        )
