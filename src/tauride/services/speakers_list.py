"""Decide what an agenda item's stored speakers' list amounts to, and show it.

The rule that orders and times the item's speakers, the pure `SpeakersList` rebuilt from
its `speaker_requests` rows, and the read model of who has the floor and who waits. The
closing of a list is a row of its own (kind `list-closed`): agenda items have no column
for it. The acts on the list are in `tauride.services.speakers`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Mandate, Person
from tauride.db.sittings import AgendaItem, SpeakerRequest
from tauride.domain.errors import NotFound
from tauride.domain.sittings import AgendaItemKind
from tauride.domain.speakers import Request, RequestKind, Side, SpeakersList, SpeakersRule, Speech

SPEECH_SECONDS = 5 * 60
POINT_OF_ORDER_SECONDS = 2 * 60
LIST_CLOSED = "list-closed"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class RequestState(enum.StrEnum):
    WAITING = "waiting"
    SPEAKING = "speaking"
    SPOKEN = "spoken"
    WITHDRAWN = "withdrawn"
    # The state of the row that records the closing of the list.
    CLOSED = "closed"


GIVEN = (RequestState.SPEAKING, RequestState.SPOKEN)


def speakers_rule(kind: AgendaItemKind) -> SpeakersRule:
    """Decide how the speakers of an agenda item of this kind are ordered and timed.

    The constitution does not say how a body orders its speakers, so every body has the
    defaults: first-time speakers before repeat speakers, five-minute speeches (repeat
    speeches alike), two-minute points of order, no alternation — except on an item of
    kind "debate", where the floor alternates between pro and contra.
    """
    return SpeakersRule(
        alternate=kind is AgendaItemKind.DEBATE,
        first_time_first=True,
        speech_seconds=SPEECH_SECONDS,
        point_of_order_seconds=POINT_OF_ORDER_SECONDS,
    )


def aware(at: dt.datetime) -> dt.datetime:
    """The instant with its zone: UTC when the database handed it back without one."""
    # SQLite hands timestamps back without their zone; they were written in UTC.
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def rebuild(rule: SpeakersRule, rows: list[SpeakerRequest]) -> SpeakersList:
    """The pure list that the stored requests of one item amount to.

    A request's `seq` is its row id: rows are inserted under the sitting's lock, in the
    order of asking. Turns count in the order they started; guests' turns do not count.
    """
    members = [r for r in rows if r.mandate_id is not None and r.kind != LIST_CLOSED]
    waiting = tuple(
        Request(r.mandate_id or 0, Side(r.side), RequestKind(r.kind), r.id)
        for r in members
        if r.state == RequestState.WAITING
    )
    given = sorted(
        (r for r in members if r.state in GIVEN and r.started_at is not None),
        key=lambda r: (aware(r.started_at or EPOCH), r.id),
    )
    history: list[Speech] = []
    current: Speech | None = None
    for row in given:
        mandate_id, kind = row.mandate_id or 0, RequestKind(row.kind)
        spoke = any(s.mandate_id == mandate_id and s.kind is RequestKind.SPEECH for s in history)
        history.append(Speech(mandate_id, Side(row.side), kind, not spoke, row.time_limit_s))
        if row.state == RequestState.SPEAKING:
            current = history[-1]
    return SpeakersList(
        rule=rule,
        waiting=waiting,
        current=current,
        history=tuple(history),
        closed=any(r.kind == LIST_CLOSED for r in rows),
        asked=max((r.id for r in rows), default=0) + 1,
    )


def item_rows(session: Session, item_id: int) -> list[SpeakerRequest]:
    """The stored requests of one agenda item, in the order they were asked, read afresh."""
    return list(
        session.scalars(
            select(SpeakerRequest)
            .where(SpeakerRequest.agenda_item_id == item_id)
            .order_by(SpeakerRequest.id)
            .execution_options(populate_existing=True)
        )
    )


def speakers_state(session: Session, item_id: int) -> dict[str, Any]:
    """Who has the floor (since when, until when) and who waits, in the order of calling."""
    item = session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(f"no agenda item {item_id}")
    rows = item_rows(session, item.id)
    rule = speakers_rule(item.kind)
    speakers = rebuild(rule, rows)
    mandates = {r.mandate_id for r in rows if r.mandate_id is not None}
    found = session.execute(
        select(Mandate.id, Person.name)
        .join(Person, Mandate.person_id == Person.id)
        .where(Mandate.id.in_(mandates))
    )
    names: dict[int, str] = dict(found.all())
    current: dict[str, Any] | None = None
    running = next((r for r in rows if r.state == RequestState.SPEAKING), None)
    if running is not None and running.started_at is not None:
        started, limit = aware(running.started_at), running.time_limit_s
        current = {
            "request": running.id,
            "mandate": running.mandate_id,
            "person": names.get(running.mandate_id or 0) or running.guest,
            "guest": running.guest is not None,
            "side": running.side,
            "kind": running.kind,
            "started_at": started.isoformat(),
            "time_limit_s": limit,
            "ends_by": (started + dt.timedelta(seconds=limit)).isoformat() if limit else None,
        }
    queue = []
    for position, request in enumerate(speakers.queue, start=1):
        first = not speakers.has_spoken(request.mandate_id)
        queue.append(
            {
                "position": position,
                "request": request.seq,
                "mandate": request.mandate_id,
                "person": names.get(request.mandate_id),
                "side": request.side.value,
                "kind": request.kind.value,
                "first": first,
                "time_limit_s": rule.limit(request.kind, first),
            }
        )
    return {
        "item": item.id,
        "sitting": item.sitting_id,
        "title": item.title,
        "kind": item.kind.value,
        "item_state": item.state.value,
        "closed": speakers.closed,
        "rule": dataclasses.asdict(rule),
        "current": current,
        "queue": queue,
        "turns_given": sum(1 for r in rows if r.state in GIVEN),
    }
