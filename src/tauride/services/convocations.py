"""Who a sitting's notices reach: the convocation of a sitting (which body meets, when, on
what, and the members called with the accounts they act through) and the addresses at
which a constituency hears its report-back. Never writes.

Addresses are personal data: they are read here to send letters and are never written
into the journal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tauride.db.accounts import Account, RoleGrant
from tauride.db.models import (
    Body,
    BodyMembership,
    Constituency,
    Constituent,
    Faction,
    Mandate,
    Organization,
    Person,
)
from tauride.db.sittings import AgendaItem, Sitting
from tauride.domain.authorization import Role
from tauride.domain.calendar import Convened, convened
from tauride.domain.errors import InvalidInput, NotFound
from tauride.services.mail import valid_address


@dataclass(frozen=True)
class Addressee:
    """An account that notices reach; `email` None: only on paper."""

    account: int
    username: str
    name: str
    email: str | None
    locale: str | None


@dataclass(frozen=True)
class Convoked:
    """A member of the body, called to the sitting, and the accounts they act through."""

    mandate: int
    name: str
    constituency: str | None
    faction: str | None
    consultative: bool
    accounts: tuple[Addressee, ...] = ()

    @property
    def reachable(self) -> bool:
        return any(a.email for a in self.accounts)


@dataclass(frozen=True)
class AgendaLine:
    position: int
    kind: str
    title: str
    minutes: int | None


@dataclass(frozen=True)
class Convocation:
    """What a sitting's convocation says: who meets, when, where, on what, and who is called."""

    organization: str
    slug: str
    sitting: int
    body: str
    body_name: str
    number: int
    title: str
    scheduled_for: str | None
    state: str
    agenda: tuple[AgendaLine, ...]
    members: tuple[Convoked, ...]

    @property
    def convened(self) -> Convened | None:
        """The date, time and place read from `scheduled_for`, if it names a date."""
        return convened(self.scheduled_for)

    @property
    def length(self) -> dt.timedelta | None:
        """The time the agenda allots, or None when it allots none."""
        total = sum(i.minutes or 0 for i in self.agenda)
        return dt.timedelta(minutes=total) if total else None

    @property
    def addressees(self) -> list[Addressee]:
        """The members' accounts that have an e-mail address, each once."""
        seen: dict[int, Addressee] = {}
        for m in self.members:
            for a in m.accounts:
                if a.email:
                    seen.setdefault(a.account, a)
        return list(seen.values())

    @property
    def unreachable(self) -> list[Convoked]:
        """Members no e-mail reaches: their convocation is printed."""
        return [m for m in self.members if not m.reachable]


def _sitting(session: Session, slug: str, sitting_id: int) -> tuple[Sitting, Body, Organization]:
    row = session.execute(
        select(Sitting, Body, Organization)
        .join(Body, Sitting.body_id == Body.id)
        .join(Organization, Sitting.organization_id == Organization.id)
        .where(Sitting.id == sitting_id, Organization.slug == slug)
    ).first()
    if row is None:
        raise NotFound(f"no sitting {sitting_id} in {slug}")
    return row[0], row[1], row[2]


def _live_grants(org_id: int, role: Role) -> Select[int | None, Account]:
    """Live accounts and the mandate or constituent through which they hold `role`."""
    column = RoleGrant.mandate_id if role is Role.DELEGATE else RoleGrant.constituent_id
    return (
        select(column, Account)
        .join(Account, RoleGrant.account_id == Account.id)
        .where(
            RoleGrant.organization_id == org_id,
            RoleGrant.role == role.value,
            RoleGrant.revoked_at.is_(None),
            Account.disabled.is_(False),
        )
        .order_by(Account.username)
    )


def _addressee(account: Account) -> Addressee:
    return Addressee(
        account.id, account.username, account.display_name, account.email, account.locale
    )


def convocation(
    session: Session, slug: str, sitting_id: int, *, members: bool = True
) -> Convocation:
    """The convocation of a sitting: its body's members at present are the ones called
    (left out with `members=False`, for a heading)."""
    sitting, body, org = _sitting(session, slug, sitting_id)
    agenda = tuple(
        AgendaLine(i.position, i.kind.value, i.title, i.minutes_allotted)
        for i in session.scalars(
            select(AgendaItem)
            .where(AgendaItem.sitting_id == sitting.id)
            .order_by(AgendaItem.position)
        )
    )
    rows = (
        session.execute(
            select(BodyMembership, Person.name, Constituency.name, Faction.key)
            .join(Mandate, BodyMembership.mandate_id == Mandate.id)
            .join(Person, Mandate.person_id == Person.id)
            .outerjoin(Constituency, Mandate.constituency_id == Constituency.id)
            .outerjoin(Faction, Mandate.faction_id == Faction.id)
            .where(BodyMembership.body_id == body.id, BodyMembership.ended_at.is_(None))
            .order_by(BodyMembership.consultative, Person.name, BodyMembership.mandate_id)
        ).all()
        if members
        else []
    )
    by_mandate: dict[int, list[Addressee]] = {}
    if members:
        seated = (
            _live_grants(org.id, Role.DELEGATE)
            .join(BodyMembership, BodyMembership.mandate_id == RoleGrant.mandate_id)
            .where(BodyMembership.body_id == body.id, BodyMembership.ended_at.is_(None))
        )
        for mandate_id, account in session.execute(seated):
            if mandate_id is not None:
                by_mandate.setdefault(mandate_id, []).append(_addressee(account))
    convoked = tuple(
        Convoked(
            m.mandate_id,
            name,
            where,
            faction,
            m.consultative,
            tuple(by_mandate.get(m.mandate_id, ())),
        )
        for m, name, where, faction in rows
    )
    return Convocation(
        organization=org.name,
        slug=org.slug,
        sitting=sitting.id,
        body=body.key,
        body_name=body.name,
        number=sitting.number,
        title=sitting.title,
        scheduled_for=sitting.scheduled_for,
        state=sitting.state.value,
        agenda=agenda,
        members=convoked,
    )


def digest_addresses(session: Session, slug: str, names: Sequence[str]) -> dict[str, list[str]]:
    """Where each constituency hears its report-back: the e-mail addresses on its roll (and
    on the rolls of the units that elect through it) and its constituents' accounts."""
    org_id = session.execute(select(Organization.id).where(Organization.slug == slug)).scalar()
    if org_id is None:
        raise NotFound(f"no organization '{slug}'")
    units = session.execute(
        select(Constituency.id, Constituency.name, Constituency.grouped_into_id).where(
            Constituency.organization_id == org_id
        )
    ).all()
    named = {name: uid for uid, name, _ in units}
    found: dict[str, list[str]] = {}
    for name in names:
        if name not in named:
            raise NotFound(f"no constituency '{name}' in {slug}")
        ids = {named[name]} | {uid for uid, _, into in units if into == named[name]}
        contacts = session.scalars(
            select(Constituent.contact).where(
                Constituent.constituency_id.in_(ids), Constituent.contact.is_not(None)
            )
        ).all()
        on_roll = (
            _live_grants(org_id, Role.CONSTITUENT)
            .join(Constituent, Constituent.id == RoleGrant.constituent_id)
            .where(Constituent.constituency_id.in_(ids))
        )
        emails = [a.email for _, a in session.execute(on_roll) if a.email]
        addresses: dict[str, str] = {}
        for text in [*contacts, *emails]:
            try:
                address = valid_address(text or "")
            except InvalidInput:
                continue  # a postal address or a telephone number: not for e-mail
            addresses.setdefault(address.lower(), address)
        found[name] = list(addresses.values())
    return found
