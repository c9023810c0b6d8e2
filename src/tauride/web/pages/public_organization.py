"""The public face of an organization: its constitution in brief, its bodies, and the full
roll of each body."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Depends, Request
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
def body(request: Request, body_ref: str, page: OrgReader, database: DB) -> HTMLResponse:
    """Every member of a body, with the constituency that sent them, the constituents they
    stand for, their faction and their mandate."""
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
        members=members,
        voting=len(voting),
        consultative=len(members) - len(voting),
        quorum=quorum_count(rule.quorum, len(voting)) if rule else None,
        represented=sum(m.represents for m in voting),
        factions=sorted(factions.items(), key=lambda kv: (-kv[1], kv[0] or "")),
        constitution=constitution,
    )
