"""Sittings of a body: scheduling, opening and closing, attendance, the agenda."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tauride.db.models import BodyMembership, Mandate, MandateStatus, Organization
from tauride.db.sittings import AgendaItem, Attendance, Sitting
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.sittings import (
    AgendaItemKind,
    AgendaItemState,
    SittingNotOpen,
    SittingState,
    sitting_transition,
)
from tauride.services import journal
from tauride.services.bodies import get_body
from tauride.services.organizations import current_constitution


class NotAMember(Conflict):
    kind = "not-a-member"


def get_sitting(session: Session, org: Organization, sitting_id: int) -> Sitting:
    """The sitting with this number in the organization, or NotFound."""
    sitting = session.get(Sitting, sitting_id)
    if sitting is None or sitting.organization_id != org.id:
        raise NotFound(f"no sitting {sitting_id} in {org.slug}")
    return sitting


def lock_sitting(session: Session, sitting: Sitting) -> Sitting:
    """Take the sitting's row lock: acts that change its state queue behind each other."""
    # populate_existing: the row read under the lock replaces what the session held before.
    return session.execute(
        select(Sitting)
        .where(Sitting.id == sitting.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def require_open(sitting: Sitting) -> None:
    """Refuse an act that needs the sitting to be in session."""
    if sitting.state is not SittingState.OPEN:
        raise SittingNotOpen(f"sitting {sitting.id} is {sitting.state.value}, not open")


def schedule_sitting(
    session: Session,
    org: Organization,
    body_key: str,
    *,
    title: str,
    scheduled_for: str | None,
    actor: str,
) -> Sitting:
    """Convene a sitting of a body; sittings are numbered within the body."""
    body = get_body(session, org.id, body_key)
    if not title.strip():
        raise InvalidInput("title: must not be empty")
    number = session.execute(
        select(func.coalesce(func.max(Sitting.number), 0)).where(Sitting.body_id == body.id)
    ).scalar_one()
    sitting = Sitting(
        organization_id=org.id,
        body_id=body.id,
        number=int(number) + 1,
        title=title.strip(),
        scheduled_for=scheduled_for,
    )
    session.add(sitting)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="sitting.scheduled",
        payload={
            "sitting": sitting.id,
            "body": body_key,
            "body_name": body.name,
            "number": sitting.number,
            "title": sitting.title,
            "scheduled_for": scheduled_for,
        },
    )
    return sitting


def change_state(
    session: Session, org: Organization, sitting_id: int, target: SittingState, *, actor: str
) -> Sitting:
    """Open, suspend, resume or close a sitting; closing checks everyone out."""
    sitting = lock_sitting(session, get_sitting(session, org, sitting_id))
    previous = sitting.state
    sitting.state = sitting_transition(previous, target)
    now = dt.datetime.now(dt.UTC)
    if target is SittingState.OPEN and sitting.opened_at is None:
        sitting.opened_at = now
    if target is SittingState.CLOSED:
        sitting.closed_at = now
        for row in present_rows(session, sitting.id):
            row.checked_out_at = now
    session.flush()
    act = {
        SittingState.OPEN: "resumed" if previous is SittingState.SUSPENDED else "opened",
        SittingState.SUSPENDED: "suspended",
        SittingState.CLOSED: "closed",
        SittingState.SCHEDULED: "scheduled",
    }[target]
    journal.append(
        session,
        org.id,
        actor=actor,
        kind=f"sitting.{act}",
        payload={"sitting": sitting.id, "from": previous.value},
    )
    return sitting


def present_rows(session: Session, sitting_id: int) -> list[Attendance]:
    """The attendance rows of those present now."""
    return list(
        session.scalars(
            select(Attendance)
            .where(Attendance.sitting_id == sitting_id, Attendance.checked_out_at.is_(None))
            .order_by(Attendance.id)
        )
    )


def _membership(session: Session, body_id: int, mandate_id: int) -> BodyMembership | None:
    return session.scalars(
        select(BodyMembership)
        .where(
            BodyMembership.body_id == body_id,
            BodyMembership.mandate_id == mandate_id,
            BodyMembership.ended_at.is_(None),
        )
        .limit(1)
    ).first()


def _present(session: Session, sitting_id: int, mandate_ids: list[int]) -> dict[int, Attendance]:
    """Attendance rows of those present now among these mandates (or sitting in for them)."""
    rows = session.scalars(
        select(Attendance).where(
            Attendance.sitting_id == sitting_id,
            Attendance.checked_out_at.is_(None),
            or_(Attendance.mandate_id.in_(mandate_ids), Attendance.for_mandate_id.in_(mandate_ids)),
        )
    )
    return {row.mandate_id: row for row in rows}


def check_in(
    session: Session,
    org: Organization,
    sitting_id: int,
    mandate_id: int,
    *,
    actor: str,
) -> Attendance:
    """Record a member as present; an alternate may sit in for an absent principal.

    The caller holds no lock; this takes the sitting's row lock so that two check-ins of
    the same mandate cannot both land.
    """
    sitting = lock_sitting(session, get_sitting(session, org, sitting_id))
    if sitting.state is SittingState.CLOSED:
        raise SittingNotOpen(f"sitting {sitting.id} is closed")
    mandate = session.get(Mandate, mandate_id)
    if mandate is None or mandate.organization_id != org.id:
        raise NotFound(f"no mandate {mandate_id} in {org.slug}")
    if mandate.status is not MandateStatus.ACTIVE:
        raise NotAMember(f"mandate {mandate_id} is {mandate.status.value}")
    concerned = [mandate_id] + ([mandate.alternate_for_id] if mandate.alternate_for_id else [])
    present = _present(session, sitting.id, concerned)
    if mandate_id in present:
        raise Conflict(f"{mandate.person.name} is already checked in")
    for_mandate: int | None = None
    if _membership(session, sitting.body_id, mandate_id) is None:
        principal_id = mandate.alternate_for_id
        if principal_id is None or _membership(session, sitting.body_id, principal_id) is None:
            raise NotAMember(f"{mandate.person.name} does not sit in this body")
        _, constitution = current_constitution(session, org.id)
        if not constitution.bodies[sitting.body.key].alternates_sit_in:
            raise NotAMember("this body's rules do not let alternates sit in")
        if principal_id in present:
            raise Conflict(f"the principal of {mandate.person.name} is present")
        if any(row.for_mandate_id == principal_id for row in present.values()):
            raise Conflict(f"another alternate already sits in for mandate {principal_id}")
        for_mandate = principal_id
    row = Attendance(
        organization_id=org.id,
        sitting_id=sitting.id,
        mandate_id=mandate_id,
        for_mandate_id=for_mandate,
        recorded_by=actor,
    )
    session.add(row)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="attendance.checked_in",
        payload={
            "sitting": sitting.id,
            "mandate": mandate_id,
            "person": mandate.person.name,
            "for_mandate": for_mandate,
        },
    )
    return row


def check_out(
    session: Session, org: Organization, sitting_id: int, mandate_id: int, *, actor: str
) -> None:
    """Record that a member left the sitting."""
    sitting = lock_sitting(session, get_sitting(session, org, sitting_id))
    row = next((r for r in present_rows(session, sitting.id) if r.mandate_id == mandate_id), None)
    if row is None:
        raise Conflict(f"mandate {mandate_id} is not checked in")
    row.checked_out_at = dt.datetime.now(dt.UTC)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="attendance.checked_out",
        payload={"sitting": sitting.id, "mandate": mandate_id},
    )


def add_agenda_item(
    session: Session,
    org: Organization,
    sitting_id: int,
    *,
    kind: AgendaItemKind,
    title: str,
    minutes: int | None,
    actor: str,
) -> AgendaItem:
    """Put an item at the end of a sitting's agenda."""
    sitting = get_sitting(session, org, sitting_id)
    if sitting.state is SittingState.CLOSED:
        raise SittingNotOpen(f"sitting {sitting.id} is closed")
    if not title.strip():
        raise InvalidInput("title: must not be empty")
    if minutes is not None and minutes <= 0:
        raise InvalidInput("minutes: must be a positive number of minutes")
    position = session.execute(
        select(func.coalesce(func.max(AgendaItem.position), 0)).where(
            AgendaItem.sitting_id == sitting.id
        )
    ).scalar_one()
    item = AgendaItem(
        organization_id=org.id,
        sitting_id=sitting.id,
        position=int(position) + 1,
        kind=kind,
        title=title.strip(),
        minutes_allotted=minutes,
    )
    session.add(item)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="agenda.item_added",
        payload={
            "sitting": sitting.id,
            "item": item.id,
            "position": item.position,
            "kind": kind.value,
            "title": item.title,
            "minutes": minutes,
        },
    )
    return item


def agenda(session: Session, sitting_id: int) -> list[AgendaItem]:
    """The items of a sitting in their order."""
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.sitting_id == sitting_id)
            .order_by(AgendaItem.position)
        )
    )


def reorder_agenda(
    session: Session,
    org: Organization,
    sitting_id: int,
    order: list[int],
    *,
    decided_by: str,
    actor: str,
) -> None:
    """Put the agenda in a new order, as the body decided (the decision is recorded)."""
    sitting = lock_sitting(session, get_sitting(session, org, sitting_id))
    items = {item.id: item for item in agenda(session, sitting.id)}
    if sorted(order) != sorted(items):
        raise InvalidInput(
            f"order: must list each item of sitting {sitting.id} once: {sorted(items)}"
        )
    for position, item_id in enumerate(order, start=1):
        items[item_id].position = position
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="agenda.reordered",
        payload={"sitting": sitting.id, "order": order, "decided_by": decided_by},
    )


def take_up_item(session: Session, org: Organization, item_id: int, *, actor: str) -> AgendaItem:
    """Make an item the current one; the item before it is done."""
    item = session.get(AgendaItem, item_id)
    if item is None or item.organization_id != org.id:
        raise NotFound(f"no agenda item {item_id} in {org.slug}")
    sitting = lock_sitting(session, get_sitting(session, org, item.sitting_id))
    require_open(sitting)
    if item.state is AgendaItemState.DONE:
        raise Conflict(f"agenda item {item_id} has been dealt with")
    for other in agenda(session, sitting.id):
        if other.state is AgendaItemState.CURRENT and other.id != item.id:
            other.state = AgendaItemState.DONE
    item.state = AgendaItemState.CURRENT
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="agenda.item_taken_up",
        payload={"sitting": sitting.id, "item": item.id, "title": item.title},
    )
    return item
