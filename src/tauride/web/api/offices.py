"""Offices over HTTP: chairs, secretaries, presidium members — who holds them, filling a
vacant one, and moving the recall of a holder in a sitting of the body that elected them.

A recall is an ordinary main motion of that body: seconded, admitted, put to the vote and
decided through the motion and poll endpoints; when its poll carries it, the term ends.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy.orm import Session

from tauride.db.models import OfficeTerm, Organization
from tauride.domain.authorization import authorize
from tauride.domain.errors import InvalidInput
from tauride.services import office_recalls, offices
from tauride.services.organizations import current_constitution
from tauride.web.acts import perform, read
from tauride.web.api.motions import MotionRead, motion_read
from tauride.web.auth import Act, Context
from tauride.web.database import DB
from tauride.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/organizations/{slug}/offices", tags=["offices"])

Reader = Annotated[Context, Depends(Act("organization.read"))]
Filler = Annotated[Context, Depends(Act("office.fill"))]
Mover = Annotated[Context, Depends(Act("motion.move"))]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]
History = Annotated[bool, Query(description="Ended terms too, not only those running.")]
# SQLite hands timestamps back without their zone; they were written in UTC.
Utc = Annotated[
    dt.datetime, AfterValidator(lambda at: at if at.tzinfo else at.replace(tzinfo=dt.UTC))
]
HolderMandate = Annotated[int | None, Field(description="The holder's mandate number.")]
HolderName = Annotated[
    str | None,
    Field(min_length=1, max_length=300, description="Or the holder's name, if unambiguous."),
]


class OfficeTermRead(BaseModel):
    office: str
    term: int
    mandate: int | None = Field(description="The holder's mandate; none for a unit's officer.")
    person: str
    mandate_status: str | None
    unit: str | None = Field(None, description="The unit a unit's officer serves.")
    started_at: Utc
    ended_at: Utc | None


class OfficeRead(BaseModel):
    office: str = Field(description="The office's key in the constitution.")
    name: str
    elected_by: str = Field(
        description="The body that elects the office, or the constituency kind each unit "
        "of which elects its own holders; they may recall it."
    )
    places: int
    terms: list[OfficeTermRead]


class OfficeTermCreate(BaseModel):
    """The new holder — a voting member of the electing body — by mandate or by name."""

    holder: HolderMandate = None
    holder_name: HolderName = None
    source: Annotated[
        str | None, Field(min_length=1, max_length=300, description="How it was decided.")
    ] = None


class RecallMotionCreate(BaseModel):
    """A main motion, in a sitting of the body that elected the office, to recall its
    holder; moved by a member through their own mandate (`mover`) or, by the secretariat,
    in the name of a body or petition (`mover_label`)."""

    sitting: int
    holder: HolderMandate = None
    holder_name: HolderName = None
    mover: int | None = None
    mover_label: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    text: Annotated[str, Field(max_length=100_000, description="The grounds.")] = ""
    agenda_item: int | None = None


class RecallMotionRead(MotionRead):
    office: str
    term: int = Field(description="The office term the motion would end if carried.")
    holder: int
    person: str


def _holder(mandate: int | None, name: str | None) -> offices.Holder:
    if mandate is not None and name is None:
        return mandate
    if name is not None and mandate is None:
        return name.strip()
    raise InvalidInput("holder: give the holder's mandate or their name (holder_name), one")


def _office_read(row: dict[str, Any]) -> OfficeRead:
    return OfficeRead(
        office=row["office"],
        name=row["name"],
        elected_by=row["elected_by"],
        places=row["places"],
        terms=[OfficeTermRead(office=row["office"], **t) for t in row["terms"]],
    )


def _term_read(term: OfficeTerm) -> OfficeTermRead:
    return OfficeTermRead(
        office=term.office_key,
        term=term.id,
        mandate=term.mandate_id,
        person=offices.holder_name(term),
        mandate_status=term.mandate.status.value if term.mandate else None,
        unit=term.constituency.name if term.constituency else None,
        started_at=term.started_at,
        ended_at=term.ended_at,
    )


@router.get("")
def list_offices(
    ctx: Reader,
    database: DB,
    history: History = False,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[OfficeRead]:
    """Every office of the constitution in force, the body that elects it and who holds it
    (vacant: no term)."""
    after = decode_cursor(cursor)
    if after is not None and not isinstance(after, str):
        raise InvalidInput("query:cursor: not a cursor this server issued")

    def work(session: Session, org: Organization, ctx: Context) -> Page[OfficeRead]:
        rows = offices.offices(session, org, history=history)
        keys = [r["office"] for r in rows]
        if after is not None:
            if after not in keys:
                raise InvalidInput("query:cursor: not a cursor this server issued")
            rows = rows[keys.index(after) + 1 :]
        page = rows[:limit]
        return Page(
            items=[_office_read(r) for r in page],
            next_cursor=encode_cursor(page[-1]["office"]) if len(rows) > limit else None,
        )

    result: Page[OfficeRead] = read(database, ctx, work)
    return result


@router.get("/{office}", responses={404: {}})
def get_office(office: str, ctx: Reader, database: DB, history: History = False) -> OfficeRead:
    """One office: the body that elects it and who holds it."""

    def work(session: Session, org: Organization, ctx: Context) -> OfficeRead:
        _, constitution = current_constitution(session, org.id)
        offices.get_office(constitution, office)
        rows = offices.offices(session, org, history=history)
        return _office_read(next(r for r in rows if r["office"] == office))

    result: OfficeRead = read(database, ctx, work)
    return result


@router.post("/{office}/terms", status_code=201, response_model=OfficeTermRead)
def fill(
    office: str, body: OfficeTermCreate, request: Request, database: DB, ctx: Filler
) -> JSONResponse:
    """Give an office to a voting member of the body that elects it, after its election or
    a recall; refused while every place of the office is held."""

    def work(session: Session, org: Organization, ctx: Context) -> OfficeTermRead:
        holder = _holder(body.holder, body.holder_name)
        term = offices.fill_office(
            session, org, office, holder, source=body.source, actor=ctx.actor
        )
        return _term_read(term)

    return perform(database, request, ctx, "office.fill", work, body=body, status=201)


@router.post("/{office}/recall-motions", status_code=201, response_model=RecallMotionRead)
def move_recall(
    office: str, body: RecallMotionCreate, request: Request, database: DB, ctx: Mover
) -> JSONResponse:
    """Move, in a sitting of the body that elected the office, a motion to recall its
    holder; it is then seconded, admitted and voted on like any motion, and ends the term
    when its poll carries it."""

    def work(session: Session, org: Organization, ctx: Context) -> RecallMotionRead:
        # A delegate moves through their own mandate; only the secretariat moves in the
        # name of a body or petition.
        authorize("motion.move", ctx.who, mandate_id=body.mover)
        motion = office_recalls.move_recall(
            session,
            org,
            body.sitting,
            office,
            _holder(body.holder, body.holder_name),
            mover_mandate_id=body.mover,
            mover_label=body.mover_label,
            text=body.text,
            agenda_item_id=body.agenda_item,
            actor=ctx.actor,
        )
        term = session.get_one(OfficeTerm, motion.office_term_id)
        return RecallMotionRead(
            **motion_read(session, motion).model_dump(),
            office=term.office_key,
            term=term.id,
            holder=term.mandate_id or 0,  # a body's office: always held through a mandate
            person=offices.holder_name(term),
        )

    return perform(database, request, ctx, "motion.move", work, body=body, status=201)
