"""Constituencies and rolls: CSV import, and seats apportioned by the constitution's rules."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, Constituent, Organization
from tauride.domain.apportionment import ApportionmentTie
from tauride.domain.commitments import commitment
from tauride.domain.representation import Unit, allocate
from tauride.services import journal
from tauride.services.organizations import current_constitution
from tauride.services.tables import Problems, read_rows, required_text, whole_number


def import_constituencies(
    session: Session, org: Organization, text: str, *, source: str, actor: str
) -> list[Constituency]:
    """Add constituencies from CSV `name,kind,size[,group]`; all lines valid or none written."""
    _, constitution = current_constitution(session, org.id)
    rows = read_rows(text, source, required=("name", "kind", "size"), optional=("group",))
    existing = set(
        session.scalars(select(Constituency.name).where(Constituency.organization_id == org.id))
    )
    problems = Problems()
    seen: dict[str, int] = {}
    created: list[Constituency] = []
    for row in rows:
        name = required_text(row, "name", problems)
        kind = required_text(row, "kind", problems)
        size = whole_number(row, "size", problems)
        if name is not None:
            if name in seen:
                problems.add(f"{row.where('name')}: duplicate of line {seen[name]} ('{name}')")
            elif name in existing:
                problems.add(f"{row.where('name')}: '{name}' already exists in {org.slug}")
            seen.setdefault(name, row.line)
        if kind is not None and kind not in constitution.constituency_kinds:
            known = ", ".join(constitution.constituency_kinds)
            problems.add(f"{row.where('kind')}: no constituency kind '{kind}' (known: {known})")
        if name and kind and size is not None:
            created.append(
                Constituency(
                    organization_id=org.id,
                    name=name,
                    kind=kind,
                    size=size,
                    group_label=row.get("group") or None,
                )
            )
    problems.raise_if_any()
    session.add_all(created)
    session.flush()
    by_kind = Counter(c.kind for c in created)
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="constituencies.imported",
        payload={
            "source": source,
            "count": len(created),
            "by_kind": dict(sorted(by_kind.items())),
            "constituencies": [[c.name, c.kind, c.size] for c in created],
        },
    )
    return created


def apportion_seats(session: Session, org: Organization, *, actor: str) -> dict[str, int]:
    """Recompute every constituency's seats under the constitution in force; journal them.

    Small units grouped by a ratio rule elect through a group constituency named after its
    members ("A + B"). A tie that decides a seat stops the apportionment: the constitution
    must say how it is broken, Tauride never breaks it silently.
    """
    _, constitution = current_constitution(session, org.id)
    all_rows = list(
        session.scalars(
            select(Constituency)
            .where(Constituency.organization_id == org.id)
            .order_by(Constituency.id)
        )
    )
    units = [c for c in all_rows if not c.is_group]
    groups = {c.name: c for c in all_rows if c.is_group}
    for group in groups.values():
        group.seats = 0
        group.consultative_seats = 0
    seats: dict[str, int] = {}
    consultative: dict[str, int] = {}
    problems = Problems()
    for kind_key in constitution.constituency_kinds:
        of_kind = [u for u in units if u.kind == kind_key]
        if not of_kind:
            continue
        rule = constitution.representation[kind_key]
        try:
            electing = allocate(rule, [Unit(u.name, u.size, u.group_label) for u in of_kind])
        except ApportionmentTie as tie:
            problems.add(f"representation.{kind_key}: {tie}")
            continue
        by_name = {u.name: u for u in of_kind}
        for unit in electing:
            if unit.is_group:
                row = groups.get(unit.name)
                if row is None:
                    row = Constituency(
                        organization_id=org.id, name=unit.name, kind=kind_key, is_group=True
                    )
                    session.add(row)
                    groups[unit.name] = row
                row.size = unit.size
                session.flush()
                for member in unit.members:
                    by_name[member].grouped_into_id = row.id
                    by_name[member].seats = 0
                    by_name[member].consultative_seats = 0
            else:
                row = by_name[unit.name]
                row.grouped_into_id = None
            row.seats = unit.seats
            row.consultative_seats = unit.consultative_seats
            seats[unit.name] = unit.seats
            if unit.consultative_seats:
                consultative[unit.name] = unit.consultative_seats
    problems.raise_if_any()
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="apportionment.computed",
        payload={"seats": seats, "consultative_seats": consultative, "total": sum(seats.values())},
    )
    return seats


def import_roll(session: Session, org: Organization, text: str, *, source: str, actor: str) -> int:
    """Add constituents from CSV `constituency,roll_number,name[,contact]`; all or nothing.

    The journal records counts per constituency and a commitment to the file, never the
    names: rolls are personal data that may have to be erased.
    """
    rows = read_rows(
        text, source, required=("constituency", "roll_number", "name"), optional=("contact",)
    )
    constituencies = {
        c.name: c
        for c in session.scalars(
            select(Constituency).where(
                Constituency.organization_id == org.id, Constituency.is_group.is_(False)
            )
        )
    }
    taken = {
        (cid, number)
        for cid, number in session.execute(
            select(Constituent.constituency_id, Constituent.roll_number).where(
                Constituent.organization_id == org.id
            )
        )
    }
    problems = Problems()
    seen: dict[tuple[int, str], int] = {}
    created: list[Constituent] = []
    for row in rows:
        where = required_text(row, "constituency", problems)
        number = required_text(row, "roll_number", problems)
        name = required_text(row, "name", problems)
        target = constituencies.get(where) if where else None
        if where and target is None:
            problems.add(f"{row.where('constituency')}: no constituency '{where}'")
        if target is None or number is None or name is None:
            continue
        key = (target.id, number)
        if key in seen:
            problems.add(f"{row.where('roll_number')}: duplicate of line {seen[key]} ('{number}')")
        elif key in taken:
            problems.add(f"{row.where('roll_number')}: '{number}' is already on the roll")
        seen.setdefault(key, row.line)
        created.append(
            Constituent(
                organization_id=org.id,
                constituency_id=target.id,
                roll_number=number,
                name=name,
                contact=row.get("contact") or None,
            )
        )
    problems.raise_if_any()
    session.add_all(created)
    session.flush()
    names_by_id = {c.id: name for name, c in constituencies.items()}
    counts = Counter(names_by_id[e.constituency_id] for e in created)
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="roll.imported",
        payload={
            "count": len(created),
            "by_constituency": dict(sorted(counts.items())),
            "commitment": commitment(bytes.fromhex(org.commitment_salt), text),
        },
    )
    return len(created)
