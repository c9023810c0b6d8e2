"""The delegate's ballot: a choice (or, in an election, a ranking), a confirmation step,
then the cast and its receipt.

The confirmation carries a fresh Idempotency-Key, and the cast goes through the same
once-only path as the API's: a confirm pressed twice casts once and shows the same
receipt twice. As for the API, the record of that key keeps only a keyed digest of the
request and a masked receipt, so that in a secret poll nothing stored ties the account
to its choice.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.domain.authorization import authorize
from tauride.domain.errors import NotFound
from tauride.domain.polls import BadChoice, NotEntitled, PollClosed
from tauride.services import polls, sittings
from tauride.web import idempotency
from tauride.web.acts import perform
from tauride.web.api.ballot_privacy import cast_fingerprint, mask_receipt, unmask_receipt
from tauride.web.api.polls import BallotCreate
from tauride.web.auth import Context
from tauride.web.database import DB
from tauride.web.pages.delegate_screen import screen
from tauride.web.pages.delegate_state import PollView, seat_for, sitting_poll
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.session import PageAct, PageContext
from tauride.web.pages.templating import render

router = APIRouter(include_in_schema=False)

PREFIX = "/o/{slug}/sittings/{sitting_id}/delegate/polls/{poll_id}"

Voter = Annotated[PageContext, Depends(PageAct("poll.cast"))]
MandateField = Annotated[int, Form()]
Ranks = Annotated[list[str], Form()]


def _step(
    request: Request,
    page: PageContext,
    database: DB,
    sitting_id: int,
    poll_id: int,
    mandate: int,
    template: str,
    *,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    with database.unit_of_work() as session:
        values = screen(session, page.ctx, sitting_id, mandate, [])
        values["poll"] = votable(
            sitting_poll(session, sitting_id, poll_id, values["seat"]), mandate
        )
    return render(request, page.viewer, template, values | extra, status=status)


def votable(poll: PollView, mandate: int) -> PollView:
    """The poll, if the delegate may still fill in a ballot in it; refused otherwise."""
    if not poll.open:
        raise PollClosed(f"poll {poll.id} is closed")
    if not poll.entitled:
        raise NotEntitled(f"mandate {mandate} is not entitled to vote in poll {poll.id}")
    return poll


def check_ranking(ranks: list[str], candidates: list[str]) -> tuple[list[str], dict[str, str]]:
    """A ranking from the preference boxes, and the mistakes in it by box: blanks after
    the last preference are dropped; a gap, a stranger or a repeat is a mistake."""
    given = [r.strip() for r in ranks]
    while given and not given[-1]:
        given.pop()
    errors: dict[str, str] = {}
    for i, name in enumerate(given):
        if not name:
            errors[f"rank-{i}"] = _("Fill in your preferences in order: this one is empty.")
        elif name not in candidates:
            errors[f"rank-{i}"] = _("Choose a candidate from the list.")
        elif name in given[:i]:
            errors[f"rank-{i}"] = _("%(name)s is ranked already.", name=name)
    return given, errors


@router.post(PREFIX + "/ballot", response_class=HTMLResponse)
def ballot(
    request: Request,
    sitting_id: int,
    poll_id: int,
    page: Voter,
    database: DB,
    mandate: MandateField,
    rank: Ranks = [],  # noqa: B006 — FastAPI copies a form default; it is never mutated
) -> HTMLResponse:
    """The ranked ballot of an election, filled in with the ranking given so far."""
    return _step(
        request,
        page,
        database,
        sitting_id,
        poll_id,
        mandate,
        "delegate/_ranking.html",
        ranking=[r.strip() for r in rank],
    )


@router.post(PREFIX + "/confirm", response_class=HTMLResponse)
def confirm(
    request: Request,
    sitting_id: int,
    poll_id: int,
    page: Voter,
    database: DB,
    mandate: MandateField,
    choice: Annotated[str, Form()] = "",
    rank: Ranks = [],  # noqa: B006 — FastAPI copies a form default; it is never mutated
) -> HTMLResponse:
    """Ask the delegate to confirm what they are about to cast."""
    with database.unit_of_work() as session:
        values = screen(session, page.ctx, sitting_id, mandate, [])
        poll: PollView = sitting_poll(session, sitting_id, poll_id, values["seat"])
    values["poll"] = poll
    votable(poll, mandate)
    if poll.election:
        ranking, errors = check_ranking(rank, poll.read.options)
        if errors:
            extra = {"ranking": [r.strip() for r in rank], "errors": errors}
            return render(
                request, page.viewer, "delegate/_ranking.html", values | extra, status=422
            )
        values |= {"ranking": ranking, "choice": None}
    else:
        if choice not in poll.read.options:
            raise BadChoice(f"choice: '{choice}' is not one of {', '.join(poll.read.options)}")
        values |= {"ranking": None, "choice": choice}
    return render(request, page.viewer, "delegate/_confirm.html", values)


@router.post(PREFIX + "/ballots", response_class=HTMLResponse)
def cast(
    request: Request,
    sitting_id: int,
    poll_id: int,
    page: Voter,
    database: DB,
    mandate: MandateField,
    choice: Annotated[str, Form()] = "",
    rank: Ranks = [],  # noqa: B006 — FastAPI copies a form default; it is never mutated
    receipt: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Cast the confirmed ballot once per Idempotency-Key, and show its receipt."""
    with database.unit_of_work() as session:
        values = screen(session, page.ctx, sitting_id, mandate, [])
        election = sitting_poll(session, sitting_id, poll_id, values["seat"]).election
    ranking = [r.strip() for r in rank if r.strip()] if election else None
    body = BallotCreate(
        mandate=mandate,
        choice=None if election else choice,
        ranking=ranking,
        receipt=receipt.strip() or None,
    )
    key = request.headers.get(idempotency.HEADER)

    def work(session: Session, org: Organization, ctx: Context) -> dict[str, Any]:
        sitting = sittings.get_sitting(session, org, sitting_id)
        seat_for(session, sitting, ctx.who, mandate)
        authorize("poll.cast", ctx.who, mandate_id=mandate)
        if polls.get_poll(session, org, poll_id).sitting_id != sitting.id:
            raise NotFound(f"no poll {poll_id} in sitting {sitting.id}")
        given = polls.cast_ballot(
            session,
            org,
            poll_id,
            mandate,
            body.choice or "",
            receipt=body.receipt,
            ranking=body.ranking,
        )
        return {"poll": poll_id, "receipt": mask_receipt(request, ctx, key, given)}

    fingerprint = cast_fingerprint(request, body)
    answer = perform(database, request, page.ctx, "poll.cast", work, body=fingerprint, status=201)
    content = json.loads(bytes(unmask_receipt(request, page.ctx, key, answer).body))
    with database.unit_of_work() as session:
        values = screen(session, page.ctx, sitting_id, mandate, ["poll"])
        values["poll"] = sitting_poll(session, sitting_id, poll_id, values["seat"])
    values |= {"receipt": content["receipt"], "choice": body.choice, "ranking": ranking}
    return render(request, page.viewer, "delegate/_cast.html", values)
