"""Decide the acts on an agenda item's speakers' list: requests, calls, speeches and guests.

Every act takes the sitting's row lock, loads the item's `speaker_requests` rows, rebuilds
the pure `SpeakersList` from them to decide (`tauride.services.speakers_list`), and writes
rows and a journal entry. The closing of a list is a row of its own (kind `list-closed`).
A guest (a delegation the body hears) has a row with `guest` and no mandate and stands
outside the order rules. A sitting has one floor: giving it to someone ends any speech
still running in the sitting, on this item or on one the chair has moved from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Mandate, Organization
from tauride.db.sittings import AgendaItem, Attendance, Sitting, SpeakerRequest
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.sittings import AgendaItemState
from tauride.domain.speakers import ListClosed, RequestKind, Side, SpeakersList
from tauride.services import journal
from tauride.services.bodies import current_memberships
from tauride.services.sittings import NotAMember, get_sitting, lock_sitting, require_open
from tauride.services.speakers_list import (
    LIST_CLOSED,
    RequestState,
    aware,
    item_rows,
    rebuild,
    speakers_rule,
)

GUEST_NAME_MAX = 300


class ItemNotCurrent(Conflict):
    """The act needs the agenda item to be the one under discussion."""

    kind = "item-not-current"


class NobodySpeaking(Conflict):
    kind = "nobody-speaking"


@dataclasses.dataclass(frozen=True)
class Floor:
    """An agenda item's speakers' list, as stored and as the rules see it."""

    org: Organization
    sitting: Sitting
    item: AgendaItem
    rows: dict[int, SpeakerRequest]
    speakers: SpeakersList


def check_floor(
    session: Session, org: Organization, item_id: int, *, current_item: bool = True
) -> Floor:
    """Lock the item's sitting and load its list; refuse unless the sitting is open and
    (where `current_item`) the item is the one under discussion."""
    item = session.get(AgendaItem, item_id)
    if item is None or item.organization_id != org.id:
        raise NotFound(f"no agenda item {item_id} in {org.slug}")
    sitting = lock_sitting(session, get_sitting(session, org, item.sitting_id))
    # What was read before the lock may be stale: read the sitting and the item again.
    session.refresh(sitting)
    session.refresh(item)
    require_open(sitting)
    if current_item and item.state is not AgendaItemState.CURRENT:
        raise ItemNotCurrent(
            f"agenda item {item.id} ({item.title}) is {item.state.value}, not under discussion"
        )
    rows = item_rows(session, item.id)
    speakers = rebuild(speakers_rule(item.kind), rows)
    return Floor(org, sitting, item, {r.id: r for r in rows}, speakers)


def check_speaker(session: Session, org: Organization, sitting: Sitting, mandate_id: int) -> None:
    """Refuse a mandate that neither sits in the sitting's body (with a vote or a
    consultative voice) nor sits in at this sitting for an absent member."""
    mandate = session.get(Mandate, mandate_id)
    if mandate is None or mandate.organization_id != org.id:
        raise NotFound(f"no mandate {mandate_id} in {org.slug}")
    if any(m.mandate_id == mandate_id for m in current_memberships(session, sitting.body_id)):
        return
    sits_in = select(Attendance.id).where(
        Attendance.sitting_id == sitting.id,
        Attendance.mandate_id == mandate_id,
        Attendance.for_mandate_id.is_not(None),
        Attendance.checked_out_at.is_(None),
    )
    if session.scalar(sits_in) is None:
        raise NotAMember(
            f"{mandate.person.name} (mandate {mandate_id}) does not sit in {sitting.body.name}"
        )


def _record(
    session: Session,
    floor: Floor,
    act: str,
    row: SpeakerRequest | None,
    actor: str,
    **extra: object,
) -> None:
    payload: dict[str, Any] = {"sitting": floor.sitting.id, "item": floor.item.id}
    if row is not None:
        person = row.guest
        if row.mandate_id is not None:
            person = session.get_one(Mandate, row.mandate_id).person.name
        payload |= {
            "item": row.agenda_item_id,
            "request": row.id,
            "mandate": row.mandate_id,
            "person": person,
            "guest": row.guest is not None,
            "side": row.side,
            "kind": row.kind,
        }
    kind = f"speakers.{act}"
    journal.append(session, floor.org.id, actor=actor, kind=kind, payload=payload | extra)


def _add(session: Session, floor: Floor, state: RequestState, **fields: Any) -> SpeakerRequest:
    # An insert takes a key-share lock on the organization's row (the foreign key), which
    # the journal's FOR UPDATE would then wait on while another insert in the organization
    # waits on ours: take the journal's lock first, so nothing can deadlock.
    journal.lock_organization(session, floor.org.id)
    fields = {"side": Side.NEUTRAL.value, "kind": RequestKind.SPEECH.value} | fields
    row = SpeakerRequest(
        organization_id=floor.org.id, agenda_item_id=floor.item.id, state=state.value, **fields
    )
    session.add(row)
    session.flush()
    return row


def _end_running(session: Session, floor: Floor, now: dt.datetime, actor: str) -> None:
    """End every speech still running in the sitting: a sitting has one floor."""
    running = session.scalars(
        select(SpeakerRequest)
        .join(AgendaItem, SpeakerRequest.agenda_item_id == AgendaItem.id)
        .where(
            AgendaItem.sitting_id == floor.sitting.id,
            SpeakerRequest.state == RequestState.SPEAKING.value,
        )
        .order_by(SpeakerRequest.id)
        .execution_options(populate_existing=True)
    ).all()
    for row in running:
        row.state, row.ended_at = RequestState.SPOKEN.value, now
        session.flush()
        spoke = int((now - aware(row.started_at or now)).total_seconds())
        limit = row.time_limit_s
        over = limit is not None and spoke > limit
        _record(session, floor, "ended", row, actor, seconds=spoke, limit_s=limit, over=over)


def request_floor(
    session: Session,
    org: Organization,
    item_id: int,
    mandate_id: int,
    *,
    side: Side = Side.NEUTRAL,
    kind: RequestKind = RequestKind.SPEECH,
    actor: str,
) -> SpeakerRequest:
    """Put a member on the item's list, for a speech on a side or for a point of order.

    Refused unless the sitting is open, the item is under discussion and the mandate sits
    in the body; refused when the same kind of turn already waits, and a speech when the
    list is closed. A point of order is always neutral.
    """
    floor = check_floor(session, org, item_id)
    check_speaker(session, org, floor.sitting, mandate_id)
    after = floor.speakers.request(mandate_id, side, kind)
    mine = after.waiting[-1]
    position = next(i for i, r in enumerate(after.queue, start=1) if r is mine)
    fields = {"mandate_id": mandate_id, "side": mine.side.value, "kind": mine.kind.value}
    row = _add(session, floor, RequestState.WAITING, **fields)
    _record(session, floor, "requested", row, actor, position=position)
    return row


def withdraw_request(
    session: Session,
    org: Organization,
    item_id: int,
    mandate_id: int,
    *,
    kind: RequestKind = RequestKind.SPEECH,
    actor: str,
) -> SpeakerRequest:
    """Take a member's waiting request of this kind off the list (`ended_at` says when)."""
    floor = check_floor(session, org, item_id)
    floor.speakers.withdraw(mandate_id, kind)
    row = next(
        r
        for r in floor.rows.values()
        if r.mandate_id == mandate_id and r.kind == kind.value and r.state == RequestState.WAITING
    )
    row.state, row.ended_at = RequestState.WITHDRAWN.value, dt.datetime.now(dt.UTC)
    session.flush()
    _record(session, floor, "withdrawn", row, actor)
    return row


def call_next(
    session: Session, org: Organization, item_id: int, *, actor: str
) -> SpeakerRequest | None:
    """End the running speech and give the floor to whoever the rules put first.

    The time limit in force is recorded on the new speech. When nobody waits, the running
    speech ends all the same and the result is None.
    """
    floor = check_floor(session, org, item_id)
    chosen = floor.speakers.upcoming
    speech = floor.speakers.call_next().current
    now = dt.datetime.now(dt.UTC)
    _end_running(session, floor, now, actor)
    if chosen is None or speech is None:
        return None
    row = floor.rows[chosen.seq]
    row.state, row.started_at, row.time_limit_s = RequestState.SPEAKING.value, now, speech.seconds
    session.flush()
    _record(session, floor, "called", row, actor, first=speech.first, limit_s=speech.seconds)
    return row


def end_speech(session: Session, org: Organization, item_id: int, *, actor: str) -> SpeakerRequest:
    """End the speech running on this item without calling anyone.

    The item need not be under discussion any more: a chair who has moved on may still
    end a speech left running on it.
    """
    floor = check_floor(session, org, item_id, current_item=False)
    ended = next((r for r in floor.rows.values() if r.state == RequestState.SPEAKING), None)
    if ended is None:
        raise NobodySpeaking(f"nobody has the floor on agenda item {floor.item.id}")
    _end_running(session, floor, dt.datetime.now(dt.UTC), actor)
    return ended


def close_list(session: Session, org: Organization, item_id: int, *, actor: str) -> None:
    """Close the item's list: those waiting still speak, nobody new may ask for a speech;
    points of order are still heard."""
    floor = check_floor(session, org, item_id)
    if floor.speakers.closed:
        raise ListClosed(f"the speakers' list of agenda item {floor.item.id} is already closed")
    waiting = [r.mandate_id for r in floor.speakers.queue]
    _add(session, floor, RequestState.CLOSED, kind=LIST_CLOSED, note="the list was closed")
    _record(session, floor, "closed", None, actor, waiting=waiting)


def hear_guest(
    session: Session, org: Organization, item_id: int, guest_name: str, *, actor: str
) -> SpeakerRequest:
    """Give the floor at once to a guest the body hears (a delegation), without a mandate.

    Ends the running speech; the guest has a speech's time limit and stands outside the
    order rules, so the queue is as it was once the guest is done.
    """
    name = " ".join(guest_name.split())
    if not name or len(name) > GUEST_NAME_MAX:
        raise InvalidInput(f"guest: name the delegation heard, in 1 to {GUEST_NAME_MAX} characters")
    floor = check_floor(session, org, item_id)
    now = dt.datetime.now(dt.UTC)
    _end_running(session, floor, now, actor)
    limit = floor.speakers.rule.speech_seconds
    row = _add(
        session, floor, RequestState.SPEAKING, guest=name, started_at=now, time_limit_s=limit
    )
    _record(session, floor, "guest_heard", row, actor, limit_s=limit)
    return row
