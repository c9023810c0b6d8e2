"""The delegate's screen: a sitting on a phone — check in, the agenda, the floor, motions,
the vote with its confirmation and receipt — and the delegate's own voting record.

The parts of the screen that others' acts change reload themselves when the sitting's
live events arrive; the acts are in `delegate_acts` (attendance, floor, motions) and
`delegate_votes` (the ballot).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import BodyMembership, Mandate
from tauride.db.sittings import Sitting
from tauride.domain.errors import NotFound
from tauride.domain.sittings import SittingState
from tauride.queries.minutes import delegate_record_and_instructions
from tauride.web.database import DB
from tauride.web.pages import delegate_acts, delegate_votes
from tauride.web.pages.delegate_screen import Part, render_part, screen, signed_in
from tauride.web.pages.delegate_state import org_view, require_mandates
from tauride.web.pages.session import PageAct, PageContext
from tauride.web.pages.templating import render

router = APIRouter(include_in_schema=False)

SittingReader = Annotated[PageContext, Depends(PageAct("sitting.read"))]
RecordReader = Annotated[PageContext, Depends(PageAct("record.read"))]


@router.get("/o/{slug}/sittings/{sitting_id}/delegate", response_class=HTMLResponse)
def delegate_screen(
    request: Request,
    sitting_id: int,
    page: SittingReader,
    database: DB,
    mandate: int | None = None,
) -> HTMLResponse:
    """The sitting on the delegate's phone: the vote first when one is open, then
    attendance, the agenda, the speakers' list and the motions."""
    signed_in(request, page)
    with database.unit_of_work() as session:
        values = screen(session, page.ctx, sitting_id, mandate)
    return render(request, page.viewer, "delegate/sitting.html", values)


@router.get("/o/{slug}/sittings/{sitting_id}/delegate/parts/{part}", response_class=HTMLResponse)
def delegate_part(
    request: Request,
    sitting_id: int,
    part: Part,
    page: SittingReader,
    database: DB,
    mandate: int | None = None,
) -> HTMLResponse:
    """One part of the screen, fresh: what a live update reloads."""
    signed_in(request, page)
    with database.unit_of_work() as session:
        values = screen(session, page.ctx, sitting_id, mandate, [part])
    return render_part(request, page, part, values)


def _sittings_of(session: Session, mandate: Mandate) -> list[dict[str, Any]]:
    """The sittings not yet closed of every body the mandate sits in (or sits in for)."""
    concerned = [mandate.id] + ([mandate.alternate_for_id] if mandate.alternate_for_id else [])
    rows = session.scalars(
        select(Sitting)
        .where(
            Sitting.organization_id == mandate.organization_id,
            Sitting.state != SittingState.CLOSED,
            Sitting.body_id.in_(
                select(BodyMembership.body_id).where(
                    BodyMembership.mandate_id.in_(concerned), BodyMembership.ended_at.is_(None)
                )
            ),
        )
        .order_by(Sitting.id)
    ).all()
    return [
        {"id": s.id, "title": s.title, "number": s.number, "body": s.body.name, "state": s.state}
        for s in rows
    ]


def _when(at: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(at)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _mandate_record(session: Session, slug: str, mandate: Mandate) -> dict[str, Any]:
    try:
        record, instructions = delegate_record_and_instructions(session, slug, mandate.id)
    except NotFound:
        record, instructions = None, ()
    return {
        "mandate": mandate.id,
        "person": mandate.person.name,
        "constituency": mandate.constituency.name if mandate.constituency else None,
        "sittings": _sittings_of(session, mandate),
        "polls": [
            {"line": line, "at": _when(line.at)} for line in (record.polls if record else ())
        ],
        "instructions": [{"line": line, "at": _when(line.at)} for line in instructions],
    }


@router.get("/o/{slug}/me", response_class=HTMLResponse)
def my_record(request: Request, page: RecordReader, database: DB) -> HTMLResponse:
    """The delegate's own record: how they voted in every poll they were entitled to, the
    instructions of their constituency and whether they kept them, and their sittings."""
    signed_in(request, page)
    require_mandates(page.who)
    with database.unit_of_work() as session:
        org = org_view(session, page.ctx.org_id)
        mandates = session.scalars(
            select(Mandate).where(Mandate.id.in_(page.who.mandates)).order_by(Mandate.id)
        ).all()
        records = [_mandate_record(session, page.slug, m) for m in mandates]
    values = {"org": org, "who": page.who, "section": "records", "records": records}
    return render(request, page.viewer, "delegate/me.html", values)


router.include_router(delegate_acts.router)
router.include_router(delegate_votes.router)
