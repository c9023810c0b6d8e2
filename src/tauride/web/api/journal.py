"""The journal: its head, pages of entries, the whole export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from tauride.domain.errors import InvalidInput
from tauride.queries.journal import journal_entries, journal_page
from tauride.queries.organizations import organization_summary
from tauride.web.auth import Act, Context
from tauride.web.database import DB
from tauride.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/organizations/{slug}/journal", tags=["journal"])

Reader = Annotated[Context, Depends(Act("journal.read"))]


class JournalEntryRead(BaseModel):
    height: int
    prev_hash: str
    hash: str
    at: str
    actor: str
    kind: str
    payload: dict[str, Any]


class HeadRead(BaseModel):
    height: int
    head: str | None


@router.get("/head")
def head(ctx: Reader, database: DB) -> HeadRead:
    """The newest entry's height and hash: what an organization publishes to be checked."""
    with database.unit_of_work() as session:
        s = organization_summary(session, ctx.slug)
    return HeadRead(height=s.journal_height, head=s.journal_head)


@router.get("")
def entries(
    ctx: Reader,
    database: DB,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query()] = None,
) -> Page[JournalEntryRead]:
    """Entries in height order, a page at a time."""
    after = decode_cursor(cursor) or 0
    if not isinstance(after, int):
        raise InvalidInput("query:cursor: not a cursor this server issued")
    with database.unit_of_work() as session:
        rows = journal_page(session, ctx.slug, after=after, limit=limit + 1)
    page = rows[:limit]
    return Page(
        items=[JournalEntryRead(**e.to_dict()) for e in page],
        next_cursor=encode_cursor(page[-1].height) if len(rows) > limit else None,
    )


@router.get("/export", response_class=StreamingResponse)
def export(ctx: Reader, database: DB) -> StreamingResponse:
    """The whole chain as JSON Lines, oldest first: what `tauride journal verify` checks."""
    slug = ctx.slug  # the dependency has found the organization: nothing fails mid-stream

    def body() -> Iterator[str]:
        with database.unit_of_work() as session:
            for entry in journal_entries(session, slug):
                yield json.dumps(entry.to_dict(), ensure_ascii=False) + "\n"

    return StreamingResponse(body(), media_type="application/x-ndjson")
