"""Delegates' mandates: created from a constituency's result, ended by recall or otherwise."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, Faction, Mandate, MandateStatus, Organization, Person
from tauride.domain.errors import Conflict, NotFound
from tauride.domain.representation import split_represented
from tauride.services import journal
from tauride.services.tables import Problems, Row, read_rows, required_text


def _date(row: Row, column: str, problems: Problems) -> dt.date | None:
    raw = row.get(column)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        problems.add(f"{row.where(column)}: '{raw}' is not a date (YYYY-MM-DD)")
        return None


def electing_units(session: Session, organization_id: int) -> dict[str, Constituency]:
    """Constituencies by every name a delegate may be listed under.

    A unit that elects through a group is found under its own name too, and resolves to
    the group: the file may name the plant a delegate comes from.
    """
    rows = list(
        session.scalars(select(Constituency).where(Constituency.organization_id == organization_id))
    )
    by_id = {c.id: c for c in rows}
    return {c.name: by_id[c.grouped_into_id] if c.grouped_into_id is not None else c for c in rows}


def seated_mandates(session: Session, constituency_id: int) -> list[Mandate]:
    """The active mandates holding a constituency's seats, in the order they were created."""
    return list(
        session.scalars(
            select(Mandate)
            .where(
                Mandate.constituency_id == constituency_id,
                Mandate.status == MandateStatus.ACTIVE,
                Mandate.alternate_for_id.is_(None),
            )
            .order_by(Mandate.id)
        )
    )


def import_delegates(
    session: Session, org: Organization, text: str, *, source: str, actor: str
) -> list[Mandate]:
    """Create mandates from CSV `name,constituency,faction[,alternate_for,term_start,term_end]`.

    A constituency cannot get more delegates than its apportioned seats; a federation
    unit with consultative seats only gets consultative mandates. All lines valid or none
    written.
    """
    rows = read_rows(
        text,
        source,
        required=("name", "constituency", "faction"),
        optional=("alternate_for", "term_start", "term_end"),
    )
    units = electing_units(session, org.id)
    factions = {
        f.key: f for f in session.scalars(select(Faction).where(Faction.organization_id == org.id))
    }
    problems = Problems()
    seen: dict[str, int] = {}
    planned: list[tuple[Row, str, Constituency, Faction | None]] = []
    for row in rows:
        name = required_text(row, "name", problems)
        where = required_text(row, "constituency", problems)
        faction_key = row.get("faction")
        unit = units.get(where) if where else None
        if where and unit is None:
            problems.add(f"{row.where('constituency')}: no constituency '{where}'")
        faction = factions.get(faction_key) if faction_key else None
        if faction_key and faction is None:
            problems.add(f"{row.where('faction')}: no faction '{faction_key}'")
        if name is not None:
            if name in seen:
                problems.add(f"{row.where('name')}: duplicate of line {seen[name]} ('{name}')")
            seen.setdefault(name, row.line)
        if name and unit is not None:
            planned.append((row, name, unit, faction))
    principals = {name: unit for _, name, unit, _ in planned}
    taken: dict[int, int] = defaultdict(int)
    for row, _name, unit, _ in planned:
        alternate_for = row.get("alternate_for")
        if alternate_for:
            if alternate_for not in principals:
                problems.add(
                    f"{row.where('alternate_for')}: no delegate '{alternate_for}' in this file"
                )
            continue
        if unit.id not in taken:
            taken[unit.id] = len(seated_mandates(session, unit.id))
        taken[unit.id] += 1
        capacity = unit.seats + unit.consultative_seats
        if taken[unit.id] > capacity:
            problems.add(
                f"{row.where('constituency')}: '{unit.name}' has {capacity} seat(s); "
                f"this is delegate {taken[unit.id]}"
            )
    dates = [
        (_date(row, "term_start", problems), _date(row, "term_end", problems))
        for row, *_ in planned
    ]
    problems.raise_if_any()
    created: dict[str, Mandate] = {}
    for (row, name, unit, faction), (start, end) in zip(planned, dates, strict=True):
        person = Person(organization_id=org.id, name=name)
        mandate = Mandate(
            organization_id=org.id,
            person=person,
            constituency_id=unit.id,
            faction_id=faction.id if faction else None,
            consultative=unit.seats == 0,
            term_start=start,
            term_end=end,
        )
        alternate_for = row.get("alternate_for")
        if alternate_for:
            mandate.alternate_for = created[alternate_for]
        session.add(mandate)
        created[name] = mandate
    session.flush()
    by_id = {c.id: c for c in units.values()}
    for unit_id in taken:
        reweigh(session, unit_id)
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="mandates.created",
        payload={
            "source": source,
            "mandates": [
                {
                    "mandate": m.id,
                    "person": name,
                    "constituency": by_id[m.constituency_id].name if m.constituency_id else None,
                    "faction": m.faction.key if m.faction else None,
                    "consultative": m.consultative,
                    "alternate_for": m.alternate_for_id,
                }
                for name, m in created.items()
            ],
        },
    )
    return list(created.values())


def reweigh(session: Session, constituency_id: int) -> None:
    """Share the constituency's size among its seated voting delegates (card-vote weight)."""
    constituency = session.get_one(Constituency, constituency_id)
    seated = [m for m in seated_mandates(session, constituency_id) if not m.consultative]
    for mandate, represents in zip(
        seated, split_represented(constituency.size, len(seated)), strict=True
    ):
        mandate.represents = represents


def end_mandate(
    session: Session,
    org: Organization,
    mandate_id: int,
    *,
    status: MandateStatus,
    reason: str,
    actor: str,
) -> Mandate:
    """End an active mandate (recalled, resigned, expired); its seats in bodies end with it."""
    mandate = session.get(Mandate, mandate_id)
    if mandate is None or mandate.organization_id != org.id:
        raise NotFound(f"no mandate {mandate_id} in {org.slug}")
    if mandate.status is not MandateStatus.ACTIVE:
        raise Conflict(f"mandate {mandate_id} has already ended ({mandate.status.value})")
    if status is MandateStatus.ACTIVE:
        raise Conflict("a mandate ends as recalled, resigned or expired")
    mandate.status = status
    mandate.ended_at = dt.datetime.now(dt.UTC)
    session.flush()
    if mandate.constituency_id is not None:
        reweigh(session, mandate.constituency_id)
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="mandate.ended",
        payload={
            "mandate": mandate.id,
            "person": mandate.person.name,
            "status": status.value,
            "reason": reason,
        },
    )
    return mandate
