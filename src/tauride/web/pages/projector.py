"""Pages: the projector over the hall — the item on the floor, who speaks and for how long,
the motion put to the vote, how many have voted, and the result with a hemicycle of the
body or, after an election, the flow of its count round by round.

What a poll shows is what its API shows anyone (`poll_read`): while it is open, how many
of those entitled have voted and never how; after close the totals and the outcome, and
for a named poll who voted how, which colours the hemicycle seat by seat.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.db.polls import Poll
from tauride.domain.hemicycle import SeatChart, seat_chart
from tauride.domain.polls import PollMethod, PollState, is_yes_no
from tauride.domain.round_flow import RoundFlow, flow_of_count, shown
from tauride.queries import projector as floor
from tauride.queries.sittings import sitting_status
from tauride.services.sittings import get_sitting
from tauride.services.speakers_list import speakers_state
from tauride.web.api.polls import PollRead, poll_read
from tauride.web.database import DB
from tauride.web.pages.live import events_url, journal_height
from tauride.web.pages.session import PageAct, PageContext
from tauride.web.pages.templating import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[PageContext, Depends(PageAct("sitting.read"))]


def clock(seconds: float) -> str:
    """A timer's text before the page's script takes over: "4:05", "−0:12"."""
    whole = round(seconds)
    sign = "−" if whole < 0 else ""
    minutes, rest = divmod(abs(whole), 60)
    return f"{sign}{minutes}:{rest:02d}"


def _speaker(session: Session, item_id: int, now: dt.datetime) -> dict[str, Any]:
    state = speakers_state(session, item_id)
    current = state["current"]
    timer: dict[str, str] | None = None
    if current is not None:
        started = dt.datetime.fromisoformat(current["started_at"])
        if current["ends_by"]:
            ends = dt.datetime.fromisoformat(current["ends_by"])
            timer = {"attr": "data-deadline", "at": current["ends_by"]}
            timer["text"] = clock((ends - now).total_seconds())
        else:
            timer = {"attr": "data-since", "at": current["started_at"]}
            timer["text"] = clock((now - started).total_seconds())
    return {"current": current, "timer": timer, "next": state["queue"][:3]}


def _seat_votes(session: Session, read: PollRead, members: set[int]) -> dict[int, str]:
    """Each member's choice in a closed named poll, by the seat they hold."""
    votes = read.votes or []
    principal = floor.seats_of_voters(session, [v.mandate for v in votes])
    seats: dict[int, str] = {}
    for vote in votes:
        seat = vote.mandate if vote.mandate in members else principal.get(vote.mandate)
        if seat is not None:
            seats[seat] = vote.choice
    return seats


def _hemicycle(session: Session, poll: Poll, read: PollRead) -> SeatChart:
    members = floor.seat_holders(session, poll.body_id)
    if read.votes is None:
        return seat_chart(members)
    votes = _seat_votes(session, read, {m.mandate for m in members})
    return seat_chart(members, votes=votes, options=read.options)


def _election(session: Session, poll: Poll) -> dict[str, Any] | None:
    election = floor.election_of_poll(session, poll.id)
    if election is None:
        return None
    count = election.result if election.state == "counted" else None
    flow: RoundFlow | None = flow_of_count(count) if count else None
    return {
        "state": election.state,
        "body": floor.body_name(session, election.body_id),
        "elected": list(count.get("elected", [])) if count else [],
        "quota": shown(Decimal(count["quota"])) if count and count.get("quota") else None,
        "flow": flow,
    }


def _poll(session: Session, poll: Poll) -> dict[str, Any]:
    read = poll_read(session, poll)
    method = PollMethod(read.method)
    closed = read.state == PollState.CLOSED.value
    election = _election(session, poll) if read.kind == "election" else None
    result = read.result
    outcome = result.outcome if result is not None else {}
    return {
        "id": read.id,
        "question": read.question,
        "method": read.method,
        "kind": read.kind,
        "secret": method is PollMethod.SECRET,
        "named": method.named,
        "by_tellers": method.counted_by_tellers,
        "open": not closed,
        "options": read.options,
        "yes_no": is_yes_no(read.options),
        "entitled": read.entitled,
        "voted": read.voted,
        "result": result,
        "carried": outcome.get("carried"),
        "winner": outcome.get("winner"),
        "figure": outcome.get("figure"),
        "weighted": result is not None and result.weighted_counts is not None,
        "motion": floor.motion_text(session, poll.motion_id) if poll.motion_id else None,
        "election": election,
        "hemicycle": _hemicycle(session, poll, read) if closed and election is None else None,
    }


def projector_view(session: Session, org: Organization, sitting_id: int) -> dict[str, Any]:
    """Everything the projector shows of a sitting now."""
    status = sitting_status(session, org.slug, sitting_id)
    item = floor.current_item(session, sitting_id)
    poll = floor.poll_on_screen(session, sitting_id)
    now = dt.datetime.now(dt.UTC)
    return {
        "org": {"slug": org.slug, "name": org.name},
        "status": status,
        "body_name": get_sitting(session, org, sitting_id).body.name,
        "item": item,
        "items": len(status.agenda),
        "speaker": _speaker(session, item.item, now) if item else None,
        "poll": _poll(session, poll) if poll is not None else None,
    }


@router.get("/o/{slug}/sittings/{sitting_id}/projector", response_class=HTMLResponse)
def projector(request: Request, sitting_id: int, page: Reader, database: DB) -> HTMLResponse:
    """The projector: read from the back of the hall, updated live as the sitting goes on."""
    with database.unit_of_work() as session:
        org = session.get_one(Organization, page.ctx.org_id)
        height = journal_height(session, org.id)
        view = projector_view(session, org, sitting_id)
    context = {
        **view,
        "who": page.who,
        "section": "sittings",
        "events": events_url(org.slug, height, sitting_id),
    }
    return render(request, page.viewer, "projector/projector.html", context, fragment="panel")
