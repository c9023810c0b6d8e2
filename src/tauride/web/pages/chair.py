"""The chair's console: a sitting at a glance and one click per usual act.

The page shows the sitting's state, attendance against quorum, the agenda, the floor of
the item under discussion, the motions before the body, the polls open now and the last
result. Each part reloads itself when the sitting changes (`/chair/panels/{panel}`); every
act is done through the same services and policies as the API, in one transaction, in
the chair's name, and answers with the whole refreshed console so that everything the
act touched shows its new state at once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.domain.console_chair import CHAIR_RULINGS
from tauride.domain.errors import InvalidInput, NotFound
from tauride.domain.polls import PollMethod, is_yes_no
from tauride.domain.sittings import SittingState
from tauride.services import motions, polls, sittings, speakers
from tauride.web.api.sittings import item_of
from tauride.web.database import Database
from tauride.web.pages.chair_view import PANELS, Console, GuestForm, load_console
from tauride.web.pages.errors import html_error
from tauride.web.pages.live import events_url, journal_height
from tauride.web.pages.session import PageAct, PageContext
from tauride.web.pages.templating import render

router = APIRouter(include_in_schema=False)

CONSOLE = "/o/{slug}/sittings/{sitting_id}/chair"

Running = Annotated[PageContext, Depends(PageAct("sitting.run"))]
Deciding = Annotated[PageContext, Depends(PageAct("motion.decide"))]
Polling = Annotated[PageContext, Depends(PageAct("poll.open"))]

Work = Callable[[Session, Organization], Any]


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def _console(
    request: Request,
    page: PageContext,
    sitting_id: int,
    guest: GuestForm | None = None,
    parts: Collection[str] = PANELS,
) -> Console:
    with _database(request).unit_of_work() as session:
        org = session.get_one(Organization, page.ctx.org_id)
        return load_console(session, org, sitting_id, guest, parts=parts)


def _values(page: PageContext, console: Console) -> dict[str, Any]:
    return {"org": console.org, "who": page.who, "section": "sittings", "c": console}


def _board(
    request: Request,
    page: PageContext,
    sitting_id: int,
    *,
    guest: GuestForm | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The whole console below its heading, as it is now."""
    console = _console(request, page, sitting_id, guest)
    return render(request, page.viewer, "chair/board.html", _values(page, console), status=status)


def _refused(request: Request, error: InvalidInput) -> Response:
    """A refusal for bad input, shown among the alerts rather than in place of the console
    (htmx swaps 422 answers into their target)."""
    response = html_error(request, 422, error.kind, error.problems)
    response.headers["HX-Retarget"] = "#alerts"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def _act(request: Request, page: PageContext, sitting_id: int, work: Work) -> Response:
    """Do one act of the chair on this organization's sitting, then show the console."""
    try:
        with _database(request).unit_of_work() as session:
            org = session.get_one(Organization, page.ctx.org_id)
            sittings.get_sitting(session, org, sitting_id)
            work(session, org)
    except InvalidInput as error:
        return _refused(request, error)
    return _board(request, page, sitting_id)


@router.get(CONSOLE, response_class=HTMLResponse)
def console(request: Request, sitting_id: int, page: Running) -> HTMLResponse:
    """The chair's console of a sitting."""
    # The height is read first: the stream replays whatever happens while the page renders.
    with _database(request).unit_of_work() as session:
        height = journal_height(session, page.ctx.org_id)
    values = _values(page, _console(request, page, sitting_id))
    values["events"] = events_url(page.slug, height, sitting_id)
    return render(request, page.viewer, "chair/console.html", values)


@router.get(CONSOLE + "/panels/{panel}", response_class=HTMLResponse)
def panel(request: Request, sitting_id: int, panel: str, page: Running) -> HTMLResponse:
    """One part of the console as it is now, for the page to replace its own copy."""
    if panel not in PANELS:
        raise NotFound(f"the console has no panel '{panel}'")
    values = _values(page, _console(request, page, sitting_id, parts={panel}))
    return render(request, page.viewer, f"chair/panels/{panel}.html", values)


@router.post(CONSOLE + "/state")
def change_state(
    request: Request, sitting_id: int, page: Running, state: Annotated[str, Form()] = ""
) -> Response:
    """Open, suspend, resume ("open") or close the sitting."""
    targets = {s.value: s for s in (SittingState.OPEN, SittingState.SUSPENDED, SittingState.CLOSED)}

    def work(session: Session, org: Organization) -> None:
        if state not in targets:
            raise InvalidInput(f"state: one of {', '.join(targets)}")
        sittings.change_state(session, org, sitting_id, targets[state], actor=page.ctx.actor)

    return _act(request, page, sitting_id, work)


@router.post(CONSOLE + "/agenda/{item}/take-up")
def take_up(request: Request, sitting_id: int, item: int, page: Running) -> Response:
    """Make the item the one under discussion; the item before it is done."""

    def work(session: Session, org: Organization) -> None:
        item_of(session, org, sitting_id, item)
        sittings.take_up_item(session, org, item, actor=page.ctx.actor)

    return _act(request, page, sitting_id, work)


@router.post(CONSOLE + "/agenda/{item}/speakers/next")
def call_next(request: Request, sitting_id: int, item: int, page: Running) -> Response:
    """End the running speech and give the floor to whoever the rules put first."""

    def work(session: Session, org: Organization) -> None:
        item_of(session, org, sitting_id, item)
        speakers.call_next(session, org, item, actor=page.ctx.actor)

    return _act(request, page, sitting_id, work)


@router.post(CONSOLE + "/agenda/{item}/speakers/end")
def end_speech(request: Request, sitting_id: int, item: int, page: Running) -> Response:
    """End the running speech without calling anyone."""

    def work(session: Session, org: Organization) -> None:
        item_of(session, org, sitting_id, item)
        speakers.end_speech(session, org, item, actor=page.ctx.actor)

    return _act(request, page, sitting_id, work)


@router.post(CONSOLE + "/agenda/{item}/speakers/close")
def close_list(request: Request, sitting_id: int, item: int, page: Running) -> Response:
    """Close the speakers' list: those waiting still speak, nobody new may ask."""

    def work(session: Session, org: Organization) -> None:
        item_of(session, org, sitting_id, item)
        speakers.close_list(session, org, item, actor=page.ctx.actor)

    return _act(request, page, sitting_id, work)


@router.post(CONSOLE + "/agenda/{item}/speakers/guests")
def hear_guest(
    request: Request,
    sitting_id: int,
    item: int,
    page: Running,
    name: Annotated[str, Form()] = "",
) -> Response:
    """Give the floor at once to a guest of the body (a delegation); a name that will not
    do is shown next to its field, as typed."""

    def work(session: Session, org: Organization) -> None:
        item_of(session, org, sitting_id, item)
        speakers.hear_guest(session, org, item, name, actor=page.ctx.actor)

    try:
        with _database(request).unit_of_work() as session:
            org = session.get_one(Organization, page.ctx.org_id)
            work(session, org)
    except InvalidInput as error:
        guest = GuestForm(name, "; ".join(error.problems))
        return _board(request, page, sitting_id, guest=guest, status=422)
    return _board(request, page, sitting_id)


@router.post(CONSOLE + "/motions/{motion}/state")
def rule_on_motion(
    request: Request,
    sitting_id: int,
    motion: int,
    page: Deciding,
    state: Annotated[str, Form()] = "",
) -> Response:
    """Admit a motion, open its debate, or rule it out of order."""
    rulings = {s.value: s for s in CHAIR_RULINGS}

    def work(session: Session, org: Organization) -> None:
        _motion_of(session, org, sitting_id, motion)
        if state not in rulings:
            raise InvalidInput(f"state: one of {', '.join(rulings)}")
        motions.set_motion_state(session, org, motion, rulings[state], actor=page.ctx.actor)

    return _act(request, page, sitting_id, work)


@router.post(CONSOLE + "/motions/{motion}/vote")
def put_to_vote(
    request: Request,
    sitting_id: int,
    motion: int,
    page: Deciding,
    method: Annotated[str, Form()] = PollMethod.ELECTRONIC.value,
) -> Response:
    """Put the question: a poll opens on the motion by the method chosen."""

    def work(session: Session, org: Organization) -> None:
        _motion_of(session, org, sitting_id, motion)
        methods = {m.value: m for m in PollMethod}
        if method not in methods:
            raise InvalidInput(f"method: one of {', '.join(methods)}")
        motions.put_to_vote(session, org, motion, method=methods[method], actor=page.ctx.actor)

    return _act(request, page, sitting_id, work)


@router.post(CONSOLE + "/polls/{poll}/close")
def close_poll(
    request: Request,
    sitting_id: int,
    poll: int,
    page: Polling,
    casting_vote: Annotated[str, Form()] = "",
) -> Response:
    """Close the vote: count, decide, seal; on a tie, with the chair's casting vote."""

    def work(session: Session, org: Organization) -> None:
        found = polls.get_poll(session, org, poll)
        if found.sitting_id != sitting_id:
            raise NotFound(f"no poll {poll} in sitting {sitting_id}")
        vote: bool | str | None = casting_vote or None
        if vote is not None and is_yes_no(found.options):
            if vote not in ("yes", "no"):
                raise InvalidInput("casting_vote: on a yes/no question, yes or no")
            vote = vote == "yes"
        motions.close_vote(session, org, poll, casting_vote=vote, actor=page.ctx.actor)

    return _act(request, page, sitting_id, work)


def _motion_of(session: Session, org: Organization, sitting_id: int, motion_id: int) -> None:
    """Refuse a motion that is not before this sitting."""
    if motions.get_motion(session, org, motion_id).sitting_id != sitting_id:
        raise NotFound(f"no motion {motion_id} in sitting {sitting_id}")
