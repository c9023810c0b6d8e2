"""Read models of the projector: what a sitting has on the floor now, and the seats of its
body for a hemicycle. Never writes; what a poll may show is decided by its reader."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import (
    Body,
    BodyMembership,
    Constituency,
    ConstitutionVersion,
    Faction,
    Mandate,
    Person,
)
from tauride.db.polls import Election, Motion, Poll
from tauride.db.sittings import AgendaItem
from tauride.domain.constitution import parse_constitution
from tauride.domain.hemicycle import SeatHolder
from tauride.domain.polls import PollState
from tauride.domain.sittings import AgendaItemState


@dataclass(frozen=True)
class ItemLine:
    item: int
    position: int
    kind: str
    title: str
    minutes: int | None


@dataclass(frozen=True)
class MotionText:
    motion: int
    kind: str
    title: str
    text: str
    state: str
    mover: str | None


def current_item(session: Session, sitting_id: int) -> ItemLine | None:
    """The agenda item under discussion at the sitting, if one is."""
    item = session.scalars(
        select(AgendaItem)
        .where(AgendaItem.sitting_id == sitting_id, AgendaItem.state == AgendaItemState.CURRENT)
        .order_by(AgendaItem.position)
        .limit(1)
    ).first()
    if item is None:
        return None
    return ItemLine(item.id, item.position, item.kind.value, item.title, item.minutes_allotted)


def poll_on_screen(session: Session, sitting_id: int) -> Poll | None:
    """The poll the hall looks at: the one open now, else the last one closed (its result
    stays up until the next vote)."""
    polls = select(Poll).where(Poll.sitting_id == sitting_id)
    open_now = session.scalars(
        polls.where(Poll.state == PollState.OPEN.value).order_by(Poll.id.desc()).limit(1)
    ).first()
    if open_now is not None:
        return open_now
    return session.scalars(polls.order_by(Poll.id.desc()).limit(1)).first()


def motion_text(session: Session, motion_id: int) -> MotionText:
    """A motion's words and who moved it."""
    motion = session.get_one(Motion, motion_id)
    mover = motion.mover_label
    if motion.mover_mandate_id is not None:
        mover = session.scalar(
            select(Person.name)
            .join(Mandate, Mandate.person_id == Person.id)
            .where(Mandate.id == motion.mover_mandate_id)
        )
    return MotionText(motion.id, motion.kind, motion.title, motion.text, motion.state, mover)


def election_of_poll(session: Session, poll_id: int) -> Election | None:
    """The election whose ranked poll this is, if it is one."""
    return session.scalars(select(Election).where(Election.poll_id == poll_id)).first()


def body_name(session: Session, body_id: int) -> str:
    return session.get_one(Body, body_id).name


def seat_holders(session: Session, body_id: int) -> list[SeatHolder]:
    """The voting members of a body now, each with their faction and kind of constituency.

    In the organization's order of factions (then of kinds of constituency), then by name:
    the hemicycle gives each group a wedge in the order its first member comes.
    """
    rows = session.execute(
        select(
            Mandate.id.label("mandate"),
            Mandate.organization_id.label("org"),
            Person.name.label("name"),
            Faction.id.label("faction_rank"),
            Faction.key.label("faction"),
            Faction.name.label("faction_name"),
            Constituency.kind.label("kind"),
        )
        .select_from(BodyMembership)
        .join(Mandate, BodyMembership.mandate_id == Mandate.id)
        .join(Person, Mandate.person_id == Person.id)
        .outerjoin(Faction, Mandate.faction_id == Faction.id)
        .outerjoin(Constituency, Mandate.constituency_id == Constituency.id)
        .where(
            BodyMembership.body_id == body_id,
            BodyMembership.ended_at.is_(None),
            BodyMembership.consultative.is_(False),
        )
    ).all()
    kind_names: dict[str, str] = {}
    kind_rank: dict[str, int] = {}
    if rows and not any(r.faction for r in rows) and any(r.kind for r in rows):
        # Kinds of constituency colour the seats only where no member has a faction.
        source = session.scalars(
            select(ConstitutionVersion.source)
            .where(ConstitutionVersion.organization_id == rows[0].org)
            .order_by(ConstitutionVersion.version.desc())
            .limit(1)
        ).one()
        kinds = parse_constitution(source).constituency_kinds
        kind_names = {key: kind.name for key, kind in kinds.items()}
        kind_rank = {key: i for i, key in enumerate(kinds)}
    last = len(kind_rank)
    ordered = sorted(
        rows,
        key=lambda r: (
            r.faction_rank is None,
            r.faction_rank or 0,
            kind_rank.get(r.kind or "", last),
            r.name,
            r.mandate,
        ),
    )
    return [
        SeatHolder(
            mandate=r.mandate,
            name=r.name,
            faction=r.faction,
            faction_name=r.faction_name,
            kind=r.kind,
            kind_name=kind_names.get(r.kind or "", r.kind),
        )
        for r in ordered
    ]


def seats_of_voters(session: Session, voters: list[int]) -> dict[int, int]:
    """The seat each voter voted for: their own, or the principal's an alternate sat in."""
    found = session.execute(
        select(Mandate.id, Mandate.alternate_for_id).where(Mandate.id.in_(voters))
    ).all()
    return {mandate: principal or mandate for mandate, principal in found}
