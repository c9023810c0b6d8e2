"""Delegates' voting records: every delegate, and for each how they voted, where they were
present and whether they kept their constituency's instructions."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from tauride.web.database import DB
from tauride.web.pages.public_common import show
from tauride.web.pages.public_reads import (
    body_names,
    delegate_record,
    mandate_lines,
    organization_header,
)
from tauride.web.pages.session import PageAct, PageContext

router = APIRouter(include_in_schema=False)

RecordReader = Annotated[PageContext, Depends(PageAct("record.read"))]


@router.get("/o/{slug}/records", response_class=HTMLResponse)
def records(request: Request, page: RecordReader, database: DB) -> HTMLResponse:
    """Every delegate who has held a mandate, current or ended, with a link to their record."""
    with database.unit_of_work() as session:
        org = organization_header(session, page.ctx.org_id)
        mandates = mandate_lines(session, page.ctx.org_id)
    return show(request, page, org, "public/records.html", "records", mandates=mandates)


@router.get("/o/{slug}/records/{mandate_id}", response_class=HTMLResponse)
def record(request: Request, mandate_id: int, page: RecordReader, database: DB) -> HTMLResponse:
    """How a delegate voted: their choice in named polls, only their participation in
    secret ones, their absences, the sittings they attended, and their constituency's
    instructions kept or breached."""
    with database.unit_of_work() as session:
        org = organization_header(session, page.ctx.org_id)
        found = delegate_record(session, page.slug, mandate_id)
        mandate = next(iter(mandate_lines(session, page.ctx.org_id, mandate_id)), None)
        names = body_names(session, page.ctx.org_id)
    tally = Counter(line.participation.value for line in found.record.polls)
    return show(
        request,
        page,
        org,
        "public/record.html",
        "records",
        delegate=found.record.delegate,
        mandate=mandate,
        polls=found.record.polls,
        instructions=found.instructions,
        attended=found.attended,
        tally=tally,
        names=names,
    )
