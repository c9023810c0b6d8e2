"""Live updates of the pages: `GET /o/{slug}/events`, a stream of Server-Sent Events.

Each event is an act journaled in the organization (`event: journal`, its id the
journal's height, its data the height, the act's kind and the sitting it concerns), or a
ballot that changed a poll's turnout (`event: ballot`, no id). A page of one sitting asks
for `?sitting=ID` and is told of that sitting's acts and of acts that name no sitting.

A page that reconnects says the last height it saw — the browser sends `Last-Event-ID`;
a page that opens a new stream gives `?last_event_id=` — and is first sent every entry
after it, then the live ones. The header wins when both are given. A page that renders
should give the height it rendered at (`events_url`), so that nothing done between its
rendering and its stream's opening is missed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sse_starlette import EventSourceResponse

from tauride.db.models import JournalRecord
from tauride.web.auth import Act, Context
from tauride.web.database import Database
from tauride.web.live.stream import journal_events

router = APIRouter(include_in_schema=False)

PING_SECONDS = 15
SEND_SECONDS = 30
"""A page that takes nothing for this long (a phone gone out of reach) is let go."""

Reader = Annotated[Context, Depends(Act("sitting.read"))]


def journal_height(session: Session, org_id: int) -> int:
    """The organization's journal height now (0 before its first entry): read it before
    or with what a live page shows."""
    height = session.execute(
        select(func.max(JournalRecord.height)).where(JournalRecord.organization_id == org_id)
    ).scalar()
    return int(height or 0)


def events_url(slug: str, height: int, sitting: int | None = None) -> str:
    """The stream a live page opens (its `data-live`), from the height it rendered at."""
    query = f"sitting={sitting}&" if sitting is not None else ""
    return f"/o/{slug}/events?{query}last_event_id={height}"


def _height(text: str | None) -> int | None:
    if text is None or not text.strip().isdigit():
        return None
    return int(text.strip())


@router.get("/o/{slug}/events", name="live.events")
async def events(
    request: Request,
    ctx: Reader,
    sitting: Annotated[int | None, Query(description="Only this sitting's acts.")] = None,
    last_event_id: Annotated[str | None, Query(description="The last height seen.")] = None,
    last_event_header: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> EventSourceResponse:
    """The organization's acts as they are journaled, from the height the page last saw."""
    database: Database = request.app.state.database
    last = _height(last_event_header)
    if last is None:
        last = _height(last_event_id)
    return EventSourceResponse(
        journal_events(database.live, ctx.org_id, sitting, last),
        ping=PING_SECONDS,
        send_timeout=SEND_SECONDS,
        headers={"Cache-Control": "no-store"},
    )
