"""The imperative mandate over HTTP: what a constituency tells its delegates and what it hears
back from them.

Instructions are public acts of a constituency meeting: recorded by the secretariat or by a
constituent of that constituency, journaled in the meeting's name (never a constituent's).
Whether delegates kept them is judged from the record only: a named vote kept or breached
it, a secret ballot shows only that they voted. Report-back digests of a sitting say, for
one constituency, what was decided and how its delegates voted — never what anyone chose
in a secret ballot.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, Organization
from tauride.db.roll_votes import Instruction
from tauride.domain.authorization import authorize
from tauride.domain.digests import Digest, digest_html, digest_markdown, digest_text
from tauride.domain.errors import InvalidInput, NotFound
from tauride.domain.instructions import PollCompliance
from tauride.queries.digests import digest_constituencies, instructions_report, sitting_digests
from tauride.services import instructions
from tauride.web.acts import perform, read
from tauride.web.api.recalls import constituent_actor
from tauride.web.auth import Act, Context
from tauride.web.database import DB
from tauride.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/organizations/{slug}")

Giver = Annotated[Context, Depends(Act("instruction.give"))]
Reader = Annotated[Context, Depends(Act("instruction.read"))]
MinutesReader = Annotated[Context, Depends(Act("minutes.read"))]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]
# SQLite hands timestamps back without their zone; they were written in UTC.
Utc = Annotated[
    dt.datetime, AfterValidator(lambda at: at if at.tzinfo else at.replace(tzinfo=dt.UTC))
]
NONE = "'none'"
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


class InstructionCreate(BaseModel):
    """A constituency meeting's instruction to its delegates: on one motion (before it is put
    to the vote), or on every main motion or substitute that decides a matter."""

    constituency: Annotated[
        str,
        Field(
            min_length=1,
            max_length=300,
            description="The constituency's name; a unit electing through a group instructs "
            "through the group.",
        ),
    ]
    motion: int | None = None
    matter: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    choice: Annotated[
        str, Field(min_length=1, max_length=300, description="How to vote: yes, no or abstain.")
    ]
    text: Annotated[str, Field(max_length=100_000, description="The resolution as worded.")] = ""
    given_by: Annotated[
        str,
        Field(
            min_length=1,
            max_length=300,
            description="The meeting that gave it: 'general meeting of the works, 10 May'.",
        ),
    ]


class InstructionRead(BaseModel):
    id: int
    constituency: str
    motion: int | None
    matter: str | None
    choice: str
    text: str
    given_by: str
    given_at: Utc
    superseded_by: int | None = Field(
        description="A later instruction of the same constituency on the same question."
    )


class InstructionDetailRead(InstructionRead):
    """An instruction and every poll at which it was the one that counted, with what each
    of the constituency's delegates did: kept, breached, absent, secret, unknown, pending."""

    polls: list[PollCompliance]


def _after_int(cursor: str | None) -> int:
    after = decode_cursor(cursor) or 0
    if not isinstance(after, int):
        raise InvalidInput("query:cursor: not a cursor this server issued")
    return after


def _read(row: Instruction, constituency: str, superseded_by: int | None) -> InstructionRead:
    return InstructionRead(
        id=row.id,
        constituency=constituency,
        motion=row.motion_id,
        matter=row.matter,
        choice=row.choice,
        text=row.text,
        given_by=row.given_by,
        given_at=row.given_at,
        superseded_by=superseded_by,
    )


def _superseding(session: Session, org_id: int, rows: list[Instruction]) -> dict[int, int]:
    """For each of these instructions superseded since, the one that superseded it."""
    if not rows:
        return {}
    later = session.scalars(
        select(Instruction)
        .where(
            Instruction.organization_id == org_id,
            Instruction.constituency_id.in_({r.constituency_id for r in rows}),
            Instruction.id > min(r.id for r in rows),
        )
        .order_by(Instruction.id)
    ).all()
    found: dict[int, int] = {}
    for row in rows:
        key = (row.constituency_id, row.motion_id, row.matter)
        found_next = next(
            (
                x.id
                for x in later
                if x.id > row.id and (x.constituency_id, x.motion_id, x.matter) == key
            ),
            None,
        )
        if found_next is not None:
            found[row.id] = found_next
    return found


@router.post(
    "/instructions", status_code=201, response_model=InstructionRead, tags=["instructions"]
)
def give(body: InstructionCreate, request: Request, database: DB, ctx: Giver) -> JSONResponse:
    """Record a constituency meeting's instruction to its delegates. A constituent records
    one only for their own constituency. A later instruction on the same motion or matter
    supersedes this one (both stay on record); at each poll, the latest given before it
    opened counts."""

    def work(session: Session, org: Organization, ctx: Context) -> InstructionRead:
        unit = instructions.get_constituency(session, org, body.constituency)
        authorize("instruction.give", ctx.who, constituency_id=unit.id)
        given = instructions.give_instruction(
            session,
            org,
            unit.name,
            motion_id=body.motion,
            matter=body.matter,
            choice=body.choice,
            text=body.text,
            given_by=body.given_by,
            actor=constituent_actor(ctx),
        )
        return _read(given, unit.name, None)

    return perform(database, request, ctx, "instruction.give", work, body=body, status=201)


@router.get("/instructions", tags=["instructions"])
def list_instructions(
    ctx: Reader,
    database: DB,
    constituency: Annotated[str | None, Query(description="Only this constituency's.")] = None,
    motion: Annotated[int | None, Query(description="Only those on this motion.")] = None,
    matter: Annotated[str | None, Query(description="Only those on this matter.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[InstructionRead]:
    """Instructions in the order they were given, superseded ones marked."""
    after = _after_int(cursor)

    def work(session: Session, org: Organization, ctx: Context) -> Page[InstructionRead]:
        query = (
            select(Instruction, Constituency.name)
            .join(Constituency, Instruction.constituency_id == Constituency.id)
            .where(Instruction.organization_id == org.id, Instruction.id > after)
        )
        if constituency is not None:
            unit = instructions.get_constituency(session, org, constituency)
            query = query.where(Instruction.constituency_id == unit.id)
        if motion is not None:
            query = query.where(Instruction.motion_id == motion)
        if matter is not None:
            query = query.where(Instruction.matter == matter)
        rows = session.execute(query.order_by(Instruction.id).limit(limit + 1)).all()
        page = rows[:limit]
        later = _superseding(session, org.id, [row for row, _ in page])
        return Page(
            items=[_read(row, name, later.get(row.id)) for row, name in page],
            next_cursor=encode_cursor(page[-1][0].id) if len(rows) > limit else None,
        )

    result: Page[InstructionRead] = read(database, ctx, work)
    return result


@router.get("/instructions/compliance", tags=["instructions"])
def compliance(
    ctx: Reader,
    database: DB,
    constituency: Annotated[str, Query(min_length=1, description="The constituency's name.")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[PollCompliance]:
    """Every poll on a question the constituency instructed its delegates on, in the order
    they opened, with the instruction that counted and what each delegate did: kept or
    breached (a named vote), absent, secret (a secret ballot: only that they voted),
    unknown (a show of hands) or pending (the poll is open)."""
    after = _after_int(cursor)
    with database.unit_of_work() as session:
        report = instructions_report(session, ctx.slug, constituency)
    polls = [p for p in report.polls if p.poll > after]
    page = polls[:limit]
    return Page(
        items=page,
        next_cursor=encode_cursor(page[-1].poll) if len(polls) > limit else None,
    )


@router.get("/instructions/{instruction}", tags=["instructions"], responses={404: {}})
def get_instruction(instruction: int, ctx: Reader, database: DB) -> InstructionDetailRead:
    """An instruction, and every poll at which it counted with what each delegate did."""
    with database.unit_of_work() as session:
        row = session.get(Instruction, instruction)
        if row is None or row.organization_id != ctx.org_id:
            raise NotFound(f"no instruction {instruction} in {ctx.slug}")
        name = session.get_one(Constituency, row.constituency_id).name
        report = instructions_report(session, ctx.slug, name)
        later = _superseding(session, ctx.org_id, [row])
        base = _read(row, name, later.get(row.id))
    return InstructionDetailRead(
        **base.model_dump(), polls=[p for p in report.polls if p.instruction == instruction]
    )


def _page_policy(page: str) -> str:
    """A digest page's own security policy: its one inline stylesheet, nothing else."""
    styles = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _STYLE.findall(page)
    )
    return (
        f"default-src 'none'; style-src {styles or NONE}; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


@router.get("/sittings/{sitting}/digests", tags=["digests"], responses={404: {}})
def digests(
    sitting: int,
    ctx: MinutesReader,
    database: DB,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[Digest]:
    """Report-back digests of a sitting, one for each constituency with a delegate in the
    body while it met, by the constituency's name."""
    after = decode_cursor(cursor)
    if after is not None and not isinstance(after, str):
        raise InvalidInput("query:cursor: not a cursor this server issued")
    with database.unit_of_work() as session:
        names = digest_constituencies(session, ctx.slug, sitting)
        names = [n for n in names if after is None or n > after]
        found = sitting_digests(session, ctx.slug, sitting, names[:limit])
    page = list(found.values())
    return Page(
        items=page,
        next_cursor=encode_cursor(page[-1].constituency) if len(names) > limit else None,
    )


@router.get(
    "/sittings/{sitting}/digests/{constituency}",
    tags=["digests"],
    response_model=Digest,
    responses={
        200: {
            "description": "The digest as JSON, Markdown, plain text or an HTML page.",
            "content": {
                "text/markdown": {"schema": {"type": "string"}},
                "text/plain": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
            },
        },
        404: {},
    },
)
def digest(
    sitting: int,
    constituency: str,
    ctx: MinutesReader,
    database: DB,
    output_format: Annotated[
        Literal["json", "md", "txt", "html"],
        Query(alias="format", description="json, md (Markdown), txt or html."),
    ] = "json",
) -> Digest | Response:
    """One constituency's report-back digest of a sitting: the decisions, how each of its
    delegates voted, their attendance, and the instructions they kept or breached."""
    with database.unit_of_work() as session:
        found = sitting_digests(session, ctx.slug, sitting, [constituency])[constituency]
    if output_format == "md":
        return Response(digest_markdown(found), media_type="text/markdown; charset=utf-8")
    if output_format == "txt":
        return Response(digest_text(found), media_type="text/plain; charset=utf-8")
    if output_format == "html":
        page = digest_html(found)
        return Response(
            page,
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": _page_policy(page)},
        )
    return found
