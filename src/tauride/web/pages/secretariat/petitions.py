"""Recall petitions: their signatures counted and needed, paper signatures entered by roll
number, and the ballot once the threshold is reached (tellers' counts, or a roll vote
with one-time codes).

Signatures are constituents' personal data: the page shows counts, never a signer, as the
API does; paper signatures are recorded all together or, if any is refused, not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, Mandate, MandateStatus, Person
from tauride.db.petitions import Recall
from tauride.domain.authorization import Forbidden, Unauthenticated, authorize
from tauride.domain.errors import InvalidInput, NotFound, TaurideError
from tauride.domain.recalls import LIVE
from tauride.services import recalls, roll_votes
from tauride.web.api.recalls import constituent_actor, recall_read
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.secretariat.common import (
    OrgRef,
    new_router,
    organization,
    page,
    unit_of_work,
    use_language,
    whole_number,
)
from tauride.web.pages.session import PageAct, PageContext

router = new_router()

Clerk = Annotated[PageContext, Depends(PageAct("recall.sign_paper"))]
Opener = Annotated[PageContext, Depends(PageAct("recall.open"))]
Teller = Annotated[PageContext, Depends(PageAct("recall.ballot"))]
VoteManager = Annotated[PageContext, Depends(PageAct("vote.manage"))]

MAX_NUMBERS = 100_000
_SEPARATORS = re.compile(r"[\r\n,;]+")


@dataclass
class FormState:
    """The one form of the page that was sent: which, what it held, what was wrong."""

    target: str = ""
    """"open", or "<recall>:paper", "<recall>:ballot", "<recall>:vote"."""
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    """Every roll number refused, with the reason."""


@dataclass(frozen=True)
class Candidate:
    """A delegate whose constituency may petition to recall them."""

    mandate: int
    person: str
    constituency: str


def _candidates(session: Session, org_id: int) -> list[Candidate]:
    live = select(Recall.mandate_id).where(Recall.state.in_([s.value for s in LIVE]))
    rows = session.execute(
        select(Mandate.id, Person.name, Constituency.name)
        .join(Person, Mandate.person_id == Person.id)
        .join(Constituency, Mandate.constituency_id == Constituency.id)
        .where(
            Mandate.organization_id == org_id,
            Mandate.status == MandateStatus.ACTIVE,
            Mandate.alternate_for_id.is_(None),
            Mandate.id.not_in(live),
        )
        .order_by(Constituency.name, Person.name)
    ).all()
    return [Candidate(m, p, c) for m, p, c in rows]


def _panel(
    request: Request,
    pc: PageContext,
    org: OrgRef,
    *,
    state: FormState | None = None,
    notice: str = "",
    vote: int | None = None,
    status: int = 200,
) -> HTMLResponse:
    with unit_of_work(request, pc) as (session, held):
        petitions = [recall_read(session, held, r) for r in _ids(session, held.id)]
        candidates = _candidates(session, held.id)
    context: dict[str, Any] = {
        "petitions": petitions,
        "candidates": candidates,
        "state": state or FormState(),
        "notice": notice,
        "vote": vote,
    }
    return page(
        request, pc, org, "secretariat/petitions.html", context, status=status, fragment="panel"
    )


def _ids(session: Session, org_id: int) -> list[int]:
    """Petitions still deciding first, then the decided ones, newest first in each."""
    rows = session.execute(
        select(Recall.id, Recall.state).where(Recall.organization_id == org_id)
    ).all()
    live = {s.value for s in LIVE}
    return [i for i, _state in sorted(rows, key=lambda r: (r[1] not in live, -r[0]))]


@router.get("/petitions", response_class=HTMLResponse)
def list_petitions(request: Request, pc: Clerk) -> HTMLResponse:
    """Recall petitions with signatures counted and needed, and what each awaits."""
    use_language(pc)
    return _panel(request, pc, organization(request, pc))


@router.post("/petitions", response_class=HTMLResponse)
def open_petition(
    request: Request, pc: Opener, mandate: Annotated[str, Form()] = ""
) -> HTMLResponse:
    """Open a recall petition against a delegate (journaled); its threshold is the
    constitution's now."""
    use_language(pc)
    org = organization(request, pc)
    state = FormState("open", {"mandate": mandate})
    chosen = whole_number(mandate, "mandate", state.errors, _("Choose the delegate."), minimum=1)
    if chosen is None:
        return _panel(request, pc, org, state=state, status=422)
    try:
        with unit_of_work(request, pc) as (session, held):
            target = session.get(Mandate, chosen)
            if target is None or target.organization_id != held.id:
                raise NotFound(f"no mandate {chosen} in {held.slug}")
            authorize("recall.open", pc.who, constituency_id=target.constituency_id)
            recall = recalls.open_recall(session, held, chosen, actor=constituent_actor(pc.ctx))
            person = target.person.name
    except (Forbidden, Unauthenticated):
        raise
    except TaurideError as exc:
        state.errors["mandate"] = " ".join(exc.problems)
        return _panel(request, pc, org, state=state, status=422)
    notice = _("Petition %(n)s opened against %(person)s.", n=recall.id, person=person)
    return _panel(request, pc, org, notice=notice)


def roll_numbers(typed: str) -> list[str]:
    """The roll numbers typed, one per line or separated by commas."""
    return [n.strip() for n in _SEPARATORS.split(typed) if n.strip()]


@router.post("/petitions/{recall_id}/signatures", response_class=HTMLResponse)
def sign_on_paper(
    request: Request,
    pc: Clerk,
    recall_id: int,
    numbers: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Enter signatures collected on paper, by roll number: all of them or, if any is
    refused, none (every refused number is listed)."""
    use_language(pc)
    org = organization(request, pc)
    state = FormState(f"{recall_id}:paper", {"numbers": numbers, "unit": unit})
    given = roll_numbers(numbers)
    if not given:
        state.errors["numbers"] = _("Enter the roll numbers of the signatures.")
    elif len(given) > MAX_NUMBERS:
        state.errors["numbers"] = _("At most %(n)s roll numbers at once.", n=MAX_NUMBERS)
    if state.errors:
        return _panel(request, pc, org, state=state, status=422)
    try:
        with unit_of_work(request, pc) as (session, held):
            refused: list[str] = []
            for number in given:
                try:
                    recalls.sign(
                        session,
                        held,
                        recall_id,
                        number,
                        constituency=unit.strip() or None,
                        actor=pc.ctx.actor,
                    )
                except NotFound:
                    raise
                except TaurideError as exc:
                    refused.extend(f"{number}: {p}" for p in exc.problems)
            if refused:
                raise InvalidInput(refused)
            count = recalls.recall_state(session, recall_id, org=held)["count"]
    except InvalidInput as exc:
        state.refused = exc.problems
        state.errors["numbers"] = _("No signature was recorded: correct the numbers refused.")
        return _panel(request, pc, org, state=state, status=422)
    notice = _(
        "%(n)s signatures recorded on petition %(recall)s; %(count)s counted in all.",
        n=len(given),
        recall=recall_id,
        count=count,
    )
    return _panel(request, pc, org, notice=notice)


@router.post("/petitions/{recall_id}/ballot", response_class=HTMLResponse)
def enter_ballot(
    request: Request,
    pc: Teller,
    recall_id: int,
    yes: Annotated[str, Form()] = "",
    no: Annotated[str, Form()] = "",
    abstain: Annotated[str, Form()] = "0",
) -> HTMLResponse:
    """Enter the tellers' counts of the recall ballot (journaled); a carried recall ends
    the mandate."""
    use_language(pc)
    org = organization(request, pc)
    state = FormState(f"{recall_id}:ballot", {"yes": yes, "no": no, "abstain": abstain})
    message = _("A whole number from 0.")
    counts = {
        name: whole_number(raw or ("0" if name == "abstain" else ""), name, state.errors, message)
        for name, raw in (("yes", yes), ("no", no), ("abstain", abstain))
    }
    if state.errors:
        return _panel(request, pc, org, state=state, status=422)
    try:
        with unit_of_work(request, pc) as (session, held):
            carried = recalls.record_ballot(
                session,
                held,
                recall_id,
                yes=counts["yes"] or 0,
                no=counts["no"] or 0,
                abstain=counts["abstain"] or 0,
                actor=pc.ctx.actor,
            )
    except NotFound:
        raise
    except TaurideError as exc:
        state.errors["form"] = " ".join(exc.problems)
        return _panel(request, pc, org, state=state, status=422)
    notice = (
        _("Recall %(n)s carried: the mandate has ended.", n=recall_id)
        if carried
        else _("Recall %(n)s failed: the delegate stays.", n=recall_id)
    )
    return _panel(request, pc, org, notice=notice)


@router.post("/petitions/{recall_id}/roll-vote", response_class=HTMLResponse)
def hold_roll_vote(request: Request, pc: VoteManager, recall_id: int) -> HTMLResponse:
    """Hold the recall ballot as a vote of the roll with one-time codes (journaled)."""
    use_language(pc)
    org = organization(request, pc)
    with unit_of_work(request, pc) as (session, held):
        vote = roll_votes.open_recall_vote(session, held, recall_id, actor=pc.ctx.actor)
        vote_id = vote.id
    notice = _("Roll vote %(n)s opened on recall %(recall)s.", n=vote_id, recall=recall_id)
    return _panel(request, pc, org, notice=notice, vote=vote_id)
