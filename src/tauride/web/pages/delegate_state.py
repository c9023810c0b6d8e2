"""What a delegate's screen shows of a sitting, read for the one mandate they act through:
their seat, attendance and quorum, the agenda, the floor, the motions and the polls.

A delegate acts only through their own mandate. An account may hold more than one (a seat
of its own and an alternate's); the screen works through the one that sits in the
sitting's body, or the one the delegate picks among those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import BodyMembership, Mandate, Organization, Person
from tauride.db.polls import Ballot, Motion, Participation, Poll, PollElector
from tauride.db.sittings import Attendance, Sitting
from tauride.domain.authorization import Forbidden, Principal
from tauride.domain.errors import NotFound
from tauride.domain.polls import PollMethod, PollState, is_yes_no
from tauride.domain.procedure import MOTION_RULES, PENDING_STATES, MotionKind, MotionState
from tauride.domain.sittings import AgendaItemState
from tauride.queries.sittings import sitting_status
from tauride.services import sittings
from tauride.services.speakers_list import speakers_state
from tauride.web.api.polls import PollRead, poll_read
from tauride.web.pages.i18n import gettext as _


@dataclass(frozen=True)
class Org:
    slug: str
    name: str


@dataclass(frozen=True)
class SittingView:
    id: int
    title: str
    number: int
    body: str
    state: str
    scheduled_for: str | None


@dataclass(frozen=True)
class Seat:
    """The mandate the delegate acts through at this sitting."""

    mandate: int
    person: str
    constituency: str | None
    consultative: bool
    sits_in_for: str | None
    # Every mandate of the account that may sit at this sitting: (id, label).
    choices: tuple[tuple[int, str], ...] = ()


def org_view(session: Session, org_id: int) -> Org:
    org = session.get_one(Organization, org_id)
    return Org(org.slug, org.name)


def sitting_view(session: Session, org: Organization, sitting_id: int) -> SittingView:
    sitting = sittings.get_sitting(session, org, sitting_id)
    return SittingView(
        sitting.id,
        sitting.title,
        sitting.number,
        sitting.body.name,
        sitting.state.value,
        sitting.scheduled_for,
    )


def require_mandates(who: Principal) -> None:
    """Refuse an account that holds no mandate in the organization."""
    if not who.mandates:
        raise Forbidden(
            _(
                "You hold no mandate in this organization: the delegate's screen is for "
                "delegates. Ask the secretariat if you should have one."
            )
        )


def seat_for(session: Session, sitting: Sitting, who: Principal, wanted: int | None) -> Seat:
    """The delegate's seat at this sitting: the mandate asked for if it is theirs, else the
    first of theirs that sits in the body (as a member, or as an alternate of a member)."""
    require_mandates(who)
    if wanted is not None and wanted not in who.mandates:
        raise Forbidden(_("You act only through your own mandate."))
    members = dict(
        session.execute(
            select(BodyMembership.mandate_id, BodyMembership.consultative).where(
                BodyMembership.body_id == sitting.body_id, BodyMembership.ended_at.is_(None)
            )
        ).all()
    )
    own = session.scalars(
        select(Mandate).where(Mandate.id.in_(who.mandates)).order_by(Mandate.id)
    ).all()
    eligible = [m for m in own if m.id in members or m.alternate_for_id in members]
    if not eligible:
        raise Forbidden(_("None of your mandates sits in %(body)s.", body=sitting.body.name))
    chosen = next((m for m in eligible if m.id == wanted), None)
    if chosen is None:
        if wanted is not None:
            raise Forbidden(
                _("This mandate of yours does not sit in %(body)s.", body=sitting.body.name)
            )
        chosen = next((m for m in eligible if m.id in members), eligible[0])
    principal = chosen.alternate_for if chosen.id not in members else None
    return Seat(
        mandate=chosen.id,
        person=chosen.person.name,
        constituency=chosen.constituency.name if chosen.constituency else None,
        # An alternate sitting in has the voice of the seat they fill.
        consultative=bool(members.get(chosen.id, members.get(chosen.alternate_for_id or 0))),
        sits_in_for=principal.person.name if principal is not None else None,
        choices=tuple((m.id, _seat_label(m)) for m in eligible),
    )


def _seat_label(mandate: Mandate) -> str:
    where = mandate.constituency.name if mandate.constituency else None
    return f"{mandate.person.name} ({where})" if where else mandate.person.name


@dataclass(frozen=True)
class AttendanceView:
    state: str
    present: bool
    members: int
    attending: int
    quorum: int
    has_quorum: bool


def attendance_view(session: Session, slug: str, sitting_id: int, seat: Seat) -> AttendanceView:
    status = sitting_status(session, slug, sitting_id)
    mine = session.scalar(
        select(Attendance.id).where(
            Attendance.sitting_id == sitting_id,
            Attendance.mandate_id == seat.mandate,
            Attendance.checked_out_at.is_(None),
        )
    )
    return AttendanceView(
        state=status.state,
        present=mine is not None,
        members=status.members,
        attending=status.present,
        quorum=status.quorum,
        has_quorum=status.has_quorum,
    )


def agenda_view(session: Session, sitting_id: int) -> list[dict[str, Any]]:
    return [
        {
            "item": i.id,
            "position": i.position,
            "kind": i.kind.value,
            "title": i.title,
            "minutes": i.minutes_allotted,
            "state": i.state.value,
        }
        for i in sittings.agenda(session, sitting_id)
    ]


@dataclass(frozen=True)
class FloorView:
    """The speakers' list of the item under discussion, and where the delegate is on it."""

    item: dict[str, Any] | None
    speaking: bool = False
    waiting: list[dict[str, Any]] = field(default_factory=list)


def floor_view(session: Session, sitting_id: int, seat: Seat) -> FloorView:
    current = next(
        (i for i in sittings.agenda(session, sitting_id) if i.state is AgendaItemState.CURRENT),
        None,
    )
    if current is None:
        return FloorView(None)
    state = speakers_state(session, current.id)
    running = state["current"]
    return FloorView(
        item=state,
        speaking=running is not None and running["mandate"] == seat.mandate,
        waiting=[turn for turn in state["queue"] if turn["mandate"] == seat.mandate],
    )


def _amending_kind(kind: MotionKind) -> MotionKind | None:
    for amendment in (MotionKind.AMENDMENT, MotionKind.AMENDMENT_TO_AMENDMENT):
        if kind in MOTION_RULES[amendment].applies_to:
            return amendment
    return None


@dataclass(frozen=True)
class MotionLine:
    id: int
    kind: str
    title: str
    text: str
    state: str
    target: int | None
    mover: str | None
    seconder: str | None
    mine: bool
    can_second: bool
    amend_with: str | None


def motions_view(session: Session, sitting_id: int, seat: Seat) -> list[MotionLine]:
    """The sitting's motions, newest first, with what the delegate may do to each."""
    rows = session.scalars(
        select(Motion).where(Motion.sitting_id == sitting_id).order_by(Motion.id.desc())
    ).all()
    people = {m.mover_mandate_id for m in rows} | {m.seconder_mandate_id for m in rows}
    names = dict(
        session.execute(
            select(Mandate.id, Person.name)
            .join(Person, Mandate.person_id == Person.id)
            .where(Mandate.id.in_({p for p in people if p is not None}))
        ).all()
    )
    lines = []
    for m in rows:
        kind, state = MotionKind(m.kind), MotionState(m.state)
        amending = (
            _amending_kind(kind) if state in (MotionState.ADMITTED, MotionState.DEBATE) else None
        )
        lines.append(
            MotionLine(
                id=m.id,
                kind=m.kind,
                title=m.title,
                text=m.text,
                state=m.state,
                target=m.target_id,
                mover=names.get(m.mover_mandate_id or 0) or m.mover_label,
                seconder=names.get(m.seconder_mandate_id or 0),
                mine=m.mover_mandate_id == seat.mandate,
                can_second=state is MotionState.SUBMITTED
                and MOTION_RULES[kind].needs_second
                and m.mover_mandate_id != seat.mandate,
                amend_with=amending.value if amending else None,
            )
        )
    return lines


def motion_targets(lines: list[MotionLine]) -> list[MotionLine]:
    """The motions another may be applied to: those before the body, and those decided
    (which a motion to reconsider brings back)."""
    open_or_decided = PENDING_STATES | {MotionState.CARRIED, MotionState.LOST}
    return [m for m in lines if MotionState(m.state) in open_or_decided]


@dataclass(frozen=True)
class PollView:
    """A poll as this delegate sees it: its public state, and whether and how they voted."""

    read: PollRead
    entitled: bool
    voted: bool
    choice: str | None

    @property
    def id(self) -> int:
        return self.read.id

    @property
    def open(self) -> bool:
        return self.read.state == PollState.OPEN.value

    @property
    def secret(self) -> bool:
        return not PollMethod(self.read.method).named

    @property
    def tellers(self) -> bool:
        return PollMethod(self.read.method).counted_by_tellers

    @property
    def election(self) -> bool:
        return self.read.kind == "election"

    @property
    def yes_no(self) -> bool:
        return is_yes_no(self.read.options)

    @property
    def can_vote(self) -> bool:
        return (
            self.open
            and self.entitled
            and not self.tellers
            and (not self.voted or self.read.allow_change)
        )


def poll_view(session: Session, poll: Poll, seat: Seat) -> PollView:
    entitled = session.scalar(
        select(PollElector.id).where(
            PollElector.poll_id == poll.id, PollElector.mandate_id == seat.mandate
        )
    )
    voted = session.scalar(
        select(Participation.id).where(
            Participation.poll_id == poll.id, Participation.mandate_id == seat.mandate
        )
    )
    choice = None
    if voted is not None and PollMethod(poll.method).named and poll.kind != "election":
        # A named ballot carries its voter: the delegate sees their own choice.
        choice = session.scalar(
            select(Ballot.choice).where(
                Ballot.poll_id == poll.id, Ballot.mandate_id == seat.mandate
            )
        )
    return PollView(poll_read(session, poll), entitled is not None, voted is not None, choice)


@dataclass(frozen=True)
class PollsView:
    open: list[PollView]
    last_closed: PollView | None


def polls_view(session: Session, sitting_id: int, seat: Seat) -> PollsView:
    """The polls open now, and the one closed last (its result)."""
    opened = session.scalars(
        select(Poll)
        .where(Poll.sitting_id == sitting_id, Poll.state == PollState.OPEN.value)
        .order_by(Poll.id)
    ).all()
    closed = session.scalars(
        select(Poll)
        .where(Poll.sitting_id == sitting_id, Poll.state == PollState.CLOSED.value)
        .order_by(Poll.id.desc())
        .limit(1)
    ).first()
    return PollsView(
        [poll_view(session, p, seat) for p in opened],
        poll_view(session, closed, seat) if closed is not None else None,
    )


def sitting_poll(session: Session, sitting_id: int, poll_id: int, seat: Seat) -> PollView:
    """One poll of this sitting, as the delegate sees it."""
    poll = session.scalar(select(Poll).where(Poll.id == poll_id, Poll.sitting_id == sitting_id))
    if poll is None:
        raise NotFound(f"no poll {poll_id} in sitting {sitting_id}")
    return poll_view(session, poll, seat)
