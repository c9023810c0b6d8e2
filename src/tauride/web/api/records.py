"""Minutes of sittings and delegates' voting records, drawn from the journal alone.

Secret ballots stay secret: a record shows that a delegate took part, never what they chose,
and the minutes of a secret poll give its totals and who took part, not who chose what.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from tauride.domain.instructions import RecordInstruction
from tauride.domain.minutes_model import Delegate, RecordLine, SittingMinutes
from tauride.domain.minutes_render import minutes_html, minutes_markdown
from tauride.queries.minutes import delegate_record_and_instructions, sitting_minutes
from tauride.web.auth import Act, Context
from tauride.web.database import DB

router = APIRouter(prefix="/organizations/{slug}", tags=["records"])

MinutesReader = Annotated[Context, Depends(Act("minutes.read"))]
RecordReader = Annotated[Context, Depends(Act("record.read"))]

NONE = "'none'"
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


class VotingRecordRead(BaseModel):
    """Every poll the delegate was entitled to vote in, and where their constituency had
    instructed them, whether the record shows the instruction kept."""

    delegate: Delegate
    polls: list[RecordLine]
    instructions: list[RecordInstruction]


def _page_policy(page: str) -> str:
    """The minutes page's own security policy: its one inline stylesheet, nothing else."""
    styles = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _STYLE.findall(page)
    )
    return (
        f"default-src 'none'; style-src {styles or NONE}; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


@router.get(
    "/sittings/{sitting}/minutes",
    response_model=SittingMinutes,
    responses={
        200: {
            "description": "The minutes as JSON, Markdown or a self-contained HTML page.",
            "content": {
                "text/markdown": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
            },
        },
        404: {},
    },
)
def minutes(
    sitting: int,
    ctx: MinutesReader,
    database: DB,
    output_format: Annotated[
        Literal["json", "md", "html"],
        Query(alias="format", description="json, md (Markdown) or html."),
    ] = "json",
) -> SittingMinutes | Response:
    """The minutes of a sitting, drawn from the journal alone: attendance, agenda,
    speeches, motions and polls with their figures; named votes by name."""
    with database.unit_of_work() as session:
        record = sitting_minutes(session, ctx.slug, sitting)
    if output_format == "md":
        return Response(minutes_markdown(record), media_type="text/markdown; charset=utf-8")
    if output_format == "html":
        page = minutes_html(record)
        return Response(
            page,
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": _page_policy(page)},
        )
    return record


@router.get("/mandates/{mandate}/record", responses={404: {}})
def record(mandate: int, ctx: RecordReader, database: DB) -> VotingRecordRead:
    """How a delegate voted: the choice in named polls, participation only in secret ones,
    absences; and the instructions of their constituency, kept or breached."""
    with database.unit_of_work() as session:
        found, instructed = delegate_record_and_instructions(session, ctx.slug, mandate)
    return VotingRecordRead(
        delegate=found.delegate, polls=list(found.polls), instructions=list(instructed)
    )
