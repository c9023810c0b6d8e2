"""The journal as the public sees it: its head, the latest entries, and how anyone can
check that nothing in it was changed."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from tauride.queries.journal import journal_page
from tauride.queries.organizations import organization_summary
from tauride.web.database import DB
from tauride.web.pages.public_common import PAGE_SIZE, show
from tauride.web.pages.public_reads import organization_header
from tauride.web.pages.session import PageAct, PageContext

router = APIRouter(include_in_schema=False)

JournalReader = Annotated[PageContext, Depends(PageAct("journal.read"))]


@router.get("/o/{slug}/journal", response_class=HTMLResponse)
def journal(
    request: Request,
    page: JournalReader,
    database: DB,
    before: Annotated[
        int | None, Query(ge=1, description="Show entries up to this height, newest first.")
    ] = None,
) -> HTMLResponse:
    """The journal's head (what the organization publishes to be checked), its entries
    newest first, a page at a time, and how to verify the whole chain."""
    with database.unit_of_work() as session:
        org = organization_header(session, page.ctx.org_id)
        summary = organization_summary(session, page.slug)
        top = min(before or summary.journal_height, summary.journal_height)
        after = max(0, top - PAGE_SIZE)
        entries = journal_page(session, page.slug, after=after, limit=top - after)
    return show(
        request,
        page,
        org,
        "public/journal.html",
        "journal",
        height=summary.journal_height,
        head=summary.journal_head,
        entries=[
            (e, json.dumps(dict(e.payload), ensure_ascii=False, sort_keys=True, indent=1))
            for e in reversed(entries)
        ],
        newer=min(top + PAGE_SIZE, summary.journal_height)
        if top < summary.journal_height
        else None,
        older=after if after > 0 else None,
        base=str(request.base_url).rstrip("/"),
    )
