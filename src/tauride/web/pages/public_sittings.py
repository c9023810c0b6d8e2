"""The organization's sittings, with the way into each sitting's screens, and the list of
published minutes."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from tauride.domain.sittings import SittingState
from tauride.queries.sittings import SittingLine, sittings_page
from tauride.web.database import DB
from tauride.web.pages.public_common import PAGE_SIZE, show
from tauride.web.pages.public_reads import body_names, organization_header
from tauride.web.pages.session import PageAct, PageContext

router = APIRouter(include_in_schema=False)

SittingReader = Annotated[PageContext, Depends(PageAct("sitting.read"))]
MinutesReader = Annotated[PageContext, Depends(PageAct("minutes.read"))]
After = Annotated[int, Query(ge=0, description="The last sitting of the previous page.")]


def _page(lines: list[SittingLine]) -> tuple[list[SittingLine], int | None]:
    """A page of sittings and where the next one starts (None on the last page)."""
    shown = lines[:PAGE_SIZE]
    return shown, shown[-1].sitting if len(lines) > PAGE_SIZE and shown else None


@router.get("/o/{slug}/sittings", response_class=HTMLResponse)
def sittings(
    request: Request,
    page: SittingReader,
    database: DB,
    body: Annotated[str | None, Query(max_length=64)] = None,
    state: Annotated[SittingState | None, Query()] = None,
    after: After = 0,
) -> HTMLResponse:
    """Every sitting of the organization's bodies in the order they were convened, with
    links to the chair's console, the delegates' screen, the projector, the convocation
    and the minutes."""
    chosen = body or None
    with database.unit_of_work() as session:
        org = organization_header(session, page.ctx.org_id)
        names = body_names(session, page.ctx.org_id)
        lines = sittings_page(
            session, page.slug, after=after, limit=PAGE_SIZE + 1, body=chosen, state=state
        )
    shown, following = _page(lines)
    return show(
        request,
        page,
        org,
        "public/sittings.html",
        "sittings",
        sittings=shown,
        following=following,
        names=names,
        body=chosen,
        state=state.value if state else None,
        states=[s.value for s in SittingState],
        query=urlencode({k: v for k, v in (("body", chosen), ("state", state)) if v}),
    )


@router.get("/o/{slug}/minutes", response_class=HTMLResponse)
def minutes(request: Request, page: MinutesReader, database: DB, after: After = 0) -> HTMLResponse:
    """The minutes of every closed sitting, drawn from the journal."""
    with database.unit_of_work() as session:
        org = organization_header(session, page.ctx.org_id)
        names = body_names(session, page.ctx.org_id)
        lines = sittings_page(
            session, page.slug, after=after, limit=PAGE_SIZE + 1, state=SittingState.CLOSED
        )
    shown, following = _page(lines)
    return show(
        request,
        page,
        org,
        "public/minutes.html",
        "minutes",
        sittings=shown,
        following=following,
        names=names,
    )
