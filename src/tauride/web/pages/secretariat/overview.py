"""The secretariat's start page: every task it has, each with the figures that call for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tauride.db.accounts import RoleGrant
from tauride.db.models import Constituency, Constituent, ConstitutionVersion, Mandate, MandateStatus
from tauride.db.petitions import Recall
from tauride.db.roll_votes import RollVote
from tauride.domain.recalls import RecallState
from tauride.domain.roll_votes import RollVoteState
from tauride.web.pages.secretariat.common import new_router, page, unit_of_work, use_language
from tauride.web.pages.session import PageAct, PageContext

router = new_router()

Secretariat = Annotated[PageContext, Depends(PageAct("roll.read"))]


@dataclass(frozen=True)
class Figures:
    """What the secretariat keeps: how much of it there is and what waits for it."""

    constitution_version: int
    constituencies: int
    groups: int
    constituents: int
    mandates_active: int
    mandates_ended: int
    alternates: int
    petitions_open: int
    petitions_at_ballot: int
    votes_open: int
    accounts: int


def _count(session: Session, query: Select[int]) -> int:
    return int(session.scalar(query) or 0)


def figures(session: Session, org_id: int) -> Figures:
    """The figures of the secretariat's start page."""
    units = (
        select(func.count()).select_from(Constituency).where(Constituency.organization_id == org_id)
    )
    mandates = select(func.count()).select_from(Mandate).where(Mandate.organization_id == org_id)
    recalls = select(func.count()).select_from(Recall).where(Recall.organization_id == org_id)
    return Figures(
        constitution_version=_count(
            session,
            select(func.max(ConstitutionVersion.version)).where(
                ConstitutionVersion.organization_id == org_id
            ),
        ),
        constituencies=_count(session, units.where(Constituency.is_group.is_(False))),
        groups=_count(session, units.where(Constituency.is_group.is_(True))),
        constituents=_count(
            session,
            select(func.count())
            .select_from(Constituent)
            .where(Constituent.organization_id == org_id),
        ),
        mandates_active=_count(
            session,
            mandates.where(
                Mandate.status == MandateStatus.ACTIVE, Mandate.alternate_for_id.is_(None)
            ),
        ),
        mandates_ended=_count(session, mandates.where(Mandate.status != MandateStatus.ACTIVE)),
        alternates=_count(
            session,
            mandates.where(
                Mandate.status == MandateStatus.ACTIVE, Mandate.alternate_for_id.is_not(None)
            ),
        ),
        petitions_open=_count(session, recalls.where(Recall.state == RecallState.OPEN.value)),
        petitions_at_ballot=_count(
            session, recalls.where(Recall.state == RecallState.BALLOT.value)
        ),
        votes_open=_count(
            session,
            select(func.count())
            .select_from(RollVote)
            .where(RollVote.organization_id == org_id, RollVote.state == RollVoteState.OPEN.value),
        ),
        accounts=_count(
            session,
            select(func.count(func.distinct(RoleGrant.account_id))).where(
                RoleGrant.organization_id == org_id, RoleGrant.revoked_at.is_(None)
            ),
        ),
    )


@router.get("", response_class=HTMLResponse)
def index(request: Request, pc: Secretariat) -> HTMLResponse:
    """The secretariat's tasks: the constitution, imports, seats, mandates, petitions,
    code sheets and accounts, each with its figures."""
    use_language(pc)
    with unit_of_work(request, pc) as (session, org):
        found = figures(session, org.id)
    return page(request, pc, org, "secretariat/index.html", {"figures": found})
