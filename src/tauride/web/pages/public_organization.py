"""The public face of an organization: its constitution in brief, its bodies, and the full
roll of each body."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from tauride.queries.organizations import organization_summary, quorum_count
from tauride.services.organizations import current_constitution
from tauride.web.database import DB
from tauride.web.pages.public_common import show
from tauride.web.pages.public_reads import (
    body_roll,
    constituents_by_body,
    find_body,
    organization_header,
)
from tauride.web.pages.session import PageAct, PageContext

router = APIRouter(include_in_schema=False)

OrgReader = Annotated[PageContext, Depends(PageAct("organization.read"))]

ROLL_PAGE = 250
"""Members of a body shown on one page: a congress of thousands is a roll of pages, so that
a phone does not load a megabyte (the figures above the roll count every member)."""


@router.get("/o/{slug}", response_class=HTMLResponse)
def overview(request: Request, page: OrgReader, database: DB) -> HTMLResponse:
    """An organization at a glance: how its delegates are elected, its bodies and their
    members, and the constituents behind them."""
    with database.unit_of_work() as session:
        org = organization_header(session, page.ctx.org_id)
        summary = organization_summary(session, page.slug)
        version, constitution = current_constitution(session, page.ctx.org_id)
        behind = constituents_by_body(session, page.ctx.org_id)
    return show(
        request,
        page,
        org,
        "public/overview.html",
        "overview",
        summary=summary,
        constitution=constitution,
        version=version,
        behind=behind,
        constituencies=sum(k.units for k in summary.kinds),
        delegates=summary.mandates_voting + summary.mandates_consultative,
    )


@router.get("/o/{slug}/bodies/{body_ref}", response_class=HTMLResponse)
def body(
    request: Request,
    body_ref: str,
    page: OrgReader,
    database: DB,
    after: Annotated[int, Query(ge=0, description="members of the roll already shown")] = 0,
) -> HTMLResponse:
    """Every member of a body, with the constituency that sent them, the constituents they
    stand for, their faction and their mandate, a page of the roll at a time."""
    with database.unit_of_work() as session:
        org = organization_header(session, page.ctx.org_id)
        found = find_body(session, page.ctx.org_id, body_ref)
        members = body_roll(session, found.id)
        _, constitution = current_constitution(session, page.ctx.org_id)
    rule = constitution.bodies.get(found.key)
    voting = [m for m in members if not m.consultative]
    factions = Counter(m.faction for m in voting)
    return show(
        request,
        page,
        org,
        "public/body.html",
        "overview",
        body=found,
        rule=rule,
        members=members[after : after + ROLL_PAGE],
        first=after + 1,
        total=len(members),
        after=after,
        following=after + ROLL_PAGE if after + ROLL_PAGE < len(members) else None,
        voting=len(voting),
        consultative=len(members) - len(voting),
        quorum=quorum_count(rule.quorum, len(voting)) if rule else None,
        represented=sum(m.represents for m in voting),
        factions=sorted(factions.items(), key=lambda kv: (-kv[1], kv[0] or "")),
        constitution=constitution,
    )
