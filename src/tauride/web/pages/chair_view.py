"""The chair's console as one read: the sitting, attendance against quorum, the agenda,
the floor of the item under discussion, the motions in the order the body decides them,
the polls open now and the result of the last one closed.

Polls are shown as anyone may see them (`poll_read`): while open, how many of those
entitled have voted and never how; a show of hands, whether the tellers have counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Body, Organization
from tauride.db.polls import HandCount, Poll
from tauride.db.sittings import Sitting
from tauride.domain.console_chair import (
    AgendaEntry,
    MotionEntry,
    Motions,
    clock,
    floor_order,
    next_item,
    sitting_moves,
)
from tauride.domain.polls import PollMethod, PollState, is_yes_no
from tauride.domain.procedure import MotionKind, MotionState
from tauride.domain.sittings import AgendaItemState, SittingState
from tauride.queries.sittings import PresentLine, present_at, sitting_line, sitting_status
from tauride.services.speakers_list import speakers_state
from tauride.web.api.polls import PollRead, poll_read

PANELS = ("sitting", "attendance", "agenda", "floor", "motions", "polls", "result")
METHODS = tuple(PollMethod)


@dataclass(frozen=True)
class OrgRef:
    """The organization as the page header names it."""

    slug: str
    name: str


@dataclass(frozen=True)
class OpenPoll:
    """A poll open now: its progress, for a show of hands who entered the counts, and
    the choices of the chair's casting vote where the body's rules give one on a tie."""

    poll: PollRead
    counted_by: str | None
    casting_options: tuple[str, ...]

    @property
    def waits_for_tellers(self) -> bool:
        return PollMethod(self.poll.method).counted_by_tellers and self.counted_by is None


@dataclass(frozen=True)
class GuestForm:
    """What was typed in the form that gives the floor to a guest, and what was wrong."""

    name: str = ""
    error: str = ""


@dataclass(frozen=True)
class Console:
    """Everything the chair's console shows of one sitting."""

    org: OrgRef
    sitting: int
    number: int
    title: str
    body: str
    state: str
    scheduled_for: str | None
    opened_at: dt.datetime | None
    moves: tuple[str, ...]
    members: int
    present: int
    quorum: int
    has_quorum: bool
    attending: list[PresentLine]
    agenda: list[dict[str, Any]]
    current_item: dict[str, Any] | None
    next_item: dict[str, Any] | None
    floor: dict[str, Any] | None
    motions: Motions
    motion_lines: dict[int, dict[str, Any]]
    open_polls: list[OpenPoll]
    result: PollRead | None
    guest: GuestForm = field(default_factory=GuestForm)

    @property
    def base(self) -> str:
        """Where the console and its acts are."""
        return f"/o/{self.org.slug}/sittings/{self.sitting}/chair"

    @property
    def convened_for(self) -> dt.datetime | str | None:
        """When the sitting was convened for: a moment where the notice gave one, else the
        notice's own words."""
        if not self.scheduled_for:
            return None
        try:
            return dt.datetime.fromisoformat(self.scheduled_for)
        except ValueError:
            return self.scheduled_for

    @property
    def is_open(self) -> bool:
        return self.state == SittingState.OPEN.value

    @property
    def methods(self) -> tuple[PollMethod, ...]:
        return METHODS

    @property
    def open_for(self) -> str:
        """How long the sitting has been open, as its timer first reads."""
        if self.opened_at is None:
            return ""
        return clock(max((dt.datetime.now(dt.UTC) - self.opened_at).total_seconds(), 0))

    @property
    def speech_clock(self) -> tuple[str, str | None] | None:
        """How long the speaker has spoken, and how long they have left (if limited)."""
        speech = self.floor["current"] if self.floor else None
        if speech is None:
            return None
        now = dt.datetime.now(dt.UTC)
        spoken = (now - dt.datetime.fromisoformat(speech["started_at"])).total_seconds()
        ends = speech["ends_by"]
        left = (dt.datetime.fromisoformat(ends) - now).total_seconds() if ends else None
        return clock(max(spoken, 0)), clock(left) if left is not None else None


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _open_poll(session: Session, poll: Poll) -> OpenPoll:
    entered_by = session.scalar(
        select(HandCount.entered_by).where(HandCount.poll_id == poll.id).limit(1)
    )
    # The journal names an account "account:<username>"; the console names the teller.
    counted_by = entered_by.removeprefix("account:") if entered_by is not None else None
    casting: tuple[str, ...] = ()
    if poll.rule.get("tie") == "casting-vote":
        casting = ("yes", "no") if is_yes_no(poll.options) else tuple(poll.options)
    return OpenPoll(poll_read(session, poll), counted_by, casting)


def _last_result(session: Session, sitting_id: int) -> PollRead | None:
    last = session.scalars(
        select(Poll)
        .where(Poll.sitting_id == sitting_id, Poll.state == PollState.CLOSED.value)
        .order_by(Poll.closed_at.desc(), Poll.id.desc())
        .limit(1)
    ).first()
    return poll_read(session, last) if last is not None else None


def load_console(
    session: Session,
    org: Organization,
    sitting_id: int,
    guest: GuestForm | None = None,
    *,
    parts: Collection[str] = PANELS,
) -> Console:
    """Read the console of a sitting of the organization (NotFound if it is not one).

    Only the `parts` asked for read what is theirs alone (who is present, the floor, the
    polls, the last result): a panel that reloads itself reads no more than it shows.
    """
    line = sitting_line(session, org.slug, sitting_id)
    status = sitting_status(session, org.slug, sitting_id)
    entries = [
        AgendaEntry(i["item"], i["position"], AgendaItemState(i["state"])) for i in status.agenda
    ]
    upcoming = next_item(entries)
    current = next((i for i in status.agenda if i["state"] == AgendaItemState.CURRENT), None)
    motions = floor_order(
        [
            MotionEntry(m["motion"], MotionKind(m["kind"]), MotionState(m["state"]), m["target"])
            for m in status.motions
        ]
    )
    open_polls = (
        [
            _open_poll(session, poll)
            for poll in session.scalars(
                select(Poll)
                .where(Poll.sitting_id == sitting_id, Poll.state == PollState.OPEN.value)
                .order_by(Poll.kind == "election", Poll.id)
            )
        ]
        if "polls" in parts
        else []
    )
    body = session.scalar(
        select(Body.name).join(Sitting, Sitting.body_id == Body.id).where(Sitting.id == sitting_id)
    )
    return Console(
        org=OrgRef(org.slug, org.name),
        sitting=line.sitting,
        number=line.number,
        title=line.title,
        body=body or status.body,
        state=line.state,
        scheduled_for=line.scheduled_for,
        opened_at=_moment(line.opened_at),
        moves=tuple(s.value for s in sitting_moves(SittingState(line.state))),
        members=status.members,
        present=status.present,
        quorum=status.quorum,
        has_quorum=status.has_quorum,
        attending=present_at(session, org.slug, sitting_id) if "attendance" in parts else [],
        agenda=status.agenda,
        current_item=current,
        next_item=next((i for i in status.agenda if i["item"] == upcoming), None),
        floor=speakers_state(session, current["item"])
        if current is not None and "floor" in parts
        else None,
        motions=motions,
        motion_lines={m["motion"]: m for m in status.motions},
        open_polls=open_polls,
        result=_last_result(session, sitting_id) if "result" in parts else None,
        guest=guest or GuestForm(),
    )
