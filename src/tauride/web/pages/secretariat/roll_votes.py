"""Roll votes: a constituency's secret ballot of its roll with one-time codes — opened on
its vacant seats (or from a recall petition), its code sheet issued once, then closed.

The code sheet is the one response that pairs constituents with codes: it is stored
nowhere, a second issue is refused and a lost code is not replaced (services/roll_votes).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, Constituent, Organization
from tauride.db.roll_votes import RollVote
from tauride.domain.errors import NotFound, TaurideError
from tauride.services import roll_vote_counts, roll_votes
from tauride.services.organizations import current_constitution
from tauride.web.api.roll_votes import RollVoteRead, vote_read
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.secretariat.common import (
    OrgRef,
    base_path,
    new_router,
    organization,
    page,
    split_problems,
    unit_of_work,
    use_language,
)
from tauride.web.pages.secretariat.sheets import Sheet, Slip, show_sheet
from tauride.web.pages.session import PageAct, PageContext

router = new_router()

VoteManager = Annotated[PageContext, Depends(PageAct("vote.manage"))]

MAX_CANDIDATES = 500


def _votes(session: Session, org: Organization) -> list[RollVoteRead]:
    ids = session.scalars(
        select(RollVote.id).where(RollVote.organization_id == org.id).order_by(RollVote.id.desc())
    )
    return [vote_read(roll_votes.vote_state(session, org, v)) for v in ids]


def _constituencies(session: Session, org_id: int) -> list[str]:
    """Electing constituencies that have a roll to vote with (a group through its units)."""
    with_roll = select(Constituent.constituency_id)
    rows = session.scalars(
        select(Constituency.name)
        .where(
            Constituency.organization_id == org_id,
            Constituency.grouped_into_id.is_(None),
            (Constituency.id.in_(with_roll))
            | (
                Constituency.is_group.is_(True)
                & Constituency.id.in_(
                    select(Constituency.grouped_into_id).where(Constituency.id.in_(with_roll))
                )
            ),
        )
        .order_by(Constituency.name)
    )
    return list(rows)


def _panel(
    request: Request,
    pc: PageContext,
    org: OrgRef,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status: int = 200,
) -> HTMLResponse:
    with unit_of_work(request, pc) as (session, held):
        _, constitution = current_constitution(session, held.id)
        context = {
            "votes": _votes(session, held),
            "constituencies": _constituencies(session, held.id),
            "methods": list(constitution.elections.methods),
            "values": values or {},
            "errors": errors or {},
            "notice": notice,
        }
    return page(
        request, pc, org, "secretariat/roll_votes.html", context, status=status, fragment="panel"
    )


@router.get("/roll-votes", response_class=HTMLResponse)
def list_votes(request: Request, pc: VoteManager) -> HTMLResponse:
    """Roll votes with codes issued and used, their results, and what each awaits."""
    use_language(pc)
    return _panel(request, pc, organization(request, pc))


def candidate_names(typed: str) -> list[str]:
    """The candidates typed, one per line."""
    return [line.strip() for line in typed.splitlines() if line.strip()]


@router.post("/roll-votes", response_class=HTMLResponse)
def open_election(
    request: Request,
    pc: VoteManager,
    constituency: Annotated[str, Form()] = "",
    candidates: Annotated[str, Form()] = "",
    method: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Open a vote of the constituency's roll on its vacant seats (journaled)."""
    use_language(pc)
    org = organization(request, pc)
    values = {"constituency": constituency, "candidates": candidates, "method": method}
    errors: dict[str, str] = {}
    names = candidate_names(candidates)
    if not constituency:
        errors["constituency"] = _("Choose the constituency.")
    if not names:
        errors["candidates"] = _("Name the candidates, one per line.")
    elif len(names) > MAX_CANDIDATES:
        errors["candidates"] = _("At most %(n)s candidates.", n=MAX_CANDIDATES)
    if errors:
        return _panel(request, pc, org, values=values, errors=errors, status=422)
    try:
        with unit_of_work(request, pc) as (session, held):
            vote = roll_votes.open_election_vote(
                session,
                held,
                constituency,
                candidates=names,
                method=method or None,
                actor=pc.ctx.actor,
            )
            vote_id = vote.id
    except TaurideError as exc:
        problems = exc.problems
        if isinstance(exc, NotFound):
            problems = [f"constituency: {p}" for p in problems]
        errors = split_problems(problems, ("constituency", "candidates", "method"))
        return _panel(request, pc, org, values=values, errors=errors, status=422)
    notice = _("Roll vote %(n)s opened in %(where)s.", n=vote_id, where=constituency)
    return _panel(request, pc, org, notice=notice)


@router.post("/roll-votes/{vote_id}/codes", response_class=HTMLResponse)
def issue_codes(request: Request, pc: VoteManager, vote_id: int) -> HTMLResponse:
    """Issue one code to every constituent on the roll, once, and show the sheet to print."""
    use_language(pc)
    org = organization(request, pc)
    with unit_of_work(request, pc) as (session, held):
        issued = roll_votes.issue_codes(session, held, vote_id, actor=pc.ctx.actor)
        state = roll_votes.vote_state(session, held, vote_id)
    if state["kind"] == "recall":
        purpose = _(
            "Recall ballot of %(where)s (vote %(n)s): each code casts one secret ballot, "
            "yes, no or abstain.",
            where=state["constituency"],
            n=vote_id,
        )
    else:
        purpose = _(
            "Election in %(where)s (vote %(n)s): each code casts one secret ballot.",
            where=state["constituency"],
            n=vote_id,
        )
    sheet = Sheet(
        title=_("Code sheet of roll vote %(n)s", n=vote_id),
        purpose=purpose,
        slips=[
            Slip(
                name=line.name,
                code=line.code,
                details=[(_("Unit"), line.unit), (_("Roll number"), line.roll_number)],
                instructions=_(
                    "Keep this code secret: it casts your one ballot in vote %(n)s.", n=vote_id
                ),
            )
            for line in issued
        ],
        back=f"{base_path(org.slug)}/roll-votes",
        back_label=_("Back to roll votes"),
    )
    return show_sheet(request, pc, org, sheet)


@router.post("/roll-votes/{vote_id}/close", response_class=HTMLResponse)
def close_vote(request: Request, pc: VoteManager, vote_id: int) -> HTMLResponse:
    """Close the vote (journaled): seal, count, seat the winners or decide the recall."""
    use_language(pc)
    org = organization(request, pc)
    with unit_of_work(request, pc) as (session, held):
        roll_vote_counts.close_vote(session, held, vote_id, actor=pc.ctx.actor)
    notice = _("Roll vote %(n)s closed and counted.", n=vote_id)
    return _panel(request, pc, org, notice=notice)
