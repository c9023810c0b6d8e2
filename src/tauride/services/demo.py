"""A sitting ready to try: the Petrograd plenary convened with an agenda, most of its
delegates already registered at the door, and accounts for a chair, two delegates and an
observer, each with a fresh one-time login code.

Running it again keeps the sitting and the accounts and hands out new codes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.accounts import Account
from tauride.db.models import Mandate, Organization, Person
from tauride.db.sittings import Sitting
from tauride.domain.quorum import quorum_required
from tauride.domain.sittings import AgendaItemKind, SittingState
from tauride.services import accounts, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.organizations import current_constitution

TITLE = "Sitting of the Plenary (try a vote)"
AGENDA: tuple[tuple[AgendaItemKind, str, int], ...] = (
    (AgendaItemKind.REPORT, "Report of the Executive Committee", 20),
    (AgendaItemKind.RESOLUTION, "On the Liberty Loan of the Provisional Government", 40),
    (AgendaItemKind.ANY_OTHER_BUSINESS, "Any other business", 10),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    name: str
    code: str


@dataclass(frozen=True)
class Demo:
    sitting_id: int
    body_name: str
    present: int
    quorum_note: str
    accounts: list[DemoAccount]


def _account(
    session: Session,
    org: Organization,
    username: str,
    role: str,
    name: str,
    *,
    mandate_id: int | None,
    actor: str,
) -> DemoAccount:
    exists = session.execute(select(Account.id).where(Account.username == username)).scalar()
    if exists is None:
        accounts.create_account(session, username, name)
        accounts.grant_role(session, org, username, role, mandate_id=mandate_id, actor=actor)
    return DemoAccount(username, role, name, accounts.issue_login_code(session, username))


def prepare(session: Session, org: Organization, *, body_key: str, actor: str) -> Demo:
    """Convene (once) a sitting of the body and hand out codes for the people who try it.

    All voting members but the two demo delegates and a few more are checked in, so that
    when both demo delegates check in, the sitting has exactly its quorum.
    """
    body = get_body(session, org.id, body_key)
    _, constitution = current_constitution(session, org.id)
    sitting = session.execute(
        select(Sitting)
        .where(
            Sitting.body_id == body.id,
            Sitting.title == TITLE,
            Sitting.state != SittingState.CLOSED,
        )
        .order_by(Sitting.id.desc())
    ).scalar()
    members = sorted(
        (m for m in current_memberships(session, body.id) if not m.consultative),
        key=lambda m: m.mandate_id,
    )
    voting = [m.mandate_id for m in members]
    demo_delegates = voting[:2]
    if sitting is None:
        when = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).replace(
            minute=0, second=0, microsecond=0
        )
        sitting = sittings.schedule_sitting(
            session, org, body_key, title=TITLE, scheduled_for=when.isoformat(), actor=actor
        )
        for kind, title, minutes in AGENDA:
            sittings.add_agenda_item(
                session, org, sitting.id, kind=kind, title=title, minutes=minutes, actor=actor
            )
        quorum = quorum_required(Fraction(constitution.bodies[body_key].quorum), len(voting))
        for mandate_id in voting[2 : 2 + max(0, quorum - 2)]:
            sittings.check_in(session, org, sitting.id, mandate_id, actor=actor)
    rows = session.execute(
        select(Mandate.id, Person.name)
        .join(Person, Mandate.person_id == Person.id)
        .where(Mandate.id.in_(demo_delegates))
    ).all()
    names = {row.id: row.name for row in rows}
    people = [
        _account(
            session, org, "chair", "chair", "Chair of the Soviet", mandate_id=None, actor=actor
        ),
        *(
            _account(
                session,
                org,
                f"delegate{i}",
                "delegate",
                names.get(mandate_id, f"Delegate {i}"),
                mandate_id=mandate_id,
                actor=actor,
            )
            for i, mandate_id in enumerate(demo_delegates, start=1)
        ),
        _account(session, org, "observer", "observer", "Observer", mandate_id=None, actor=actor),
    ]
    present = len(sittings.present_rows(session, sitting.id))
    quorum = quorum_required(Fraction(constitution.bodies[body_key].quorum), len(voting))
    note = f"{present} of {len(voting)} present; quorum {quorum}"
    return Demo(sitting.id, body.name, present, note, people)
