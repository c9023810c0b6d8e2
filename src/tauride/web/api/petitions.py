"""Appeals, petitions and delegations to a body: submitted, put on an agenda, heard, answered.

The secretariat receives a petition from anyone: a constituency or a group named by a
label. A constituent submits one from their own constituency (its signatures counted
against the constituency's size), never in another's name. The secretariat or the chair
puts it on a sitting's agenda, gives the floor to a delegation, and links the resolution
that answers it. Only a count of signatures is taken: no signer is ever named, and a
constituent who submits is journaled as "constituent", never by account.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Body, Constituency, Organization
from tauride.db.petitions import Petition
from tauride.domain.authorization import authorize
from tauride.domain.errors import InvalidInput
from tauride.domain.petitions import PetitionKind, PetitionState
from tauride.services import petitions
from tauride.web.acts import perform, read
from tauride.web.api.recalls import constituent_actor
from tauride.web.auth import Act, Context
from tauride.web.database import DB
from tauride.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/organizations/{slug}/petitions", tags=["petitions"])

Reader = Annotated[Context, Depends(Act("petition.read"))]
Submitter = Annotated[Context, Depends(Act("petition.submit"))]
Handler = Annotated[Context, Depends(Act("petition.handle"))]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]


class PetitionCreate(BaseModel):
    """An appeal, petition or delegation addressed to a body, from exactly one of a
    constituency (by name, as on its roll) or a group named by a label."""

    body: Annotated[str, Field(min_length=1, max_length=100, description="The body's key.")]
    kind: PetitionKind = PetitionKind.APPEAL
    title: Annotated[str, Field(min_length=1, max_length=petitions.TITLE_MAX)]
    text: Annotated[str, Field(max_length=100_000, description="Not needed for a delegation.")] = ""
    from_constituency: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    from_label: Annotated[str | None, Field(min_length=1, max_length=petitions.LABEL_MAX)] = None
    signatures: Annotated[int, Field(ge=0, description="How many signed: a count, no names.")] = 0


class PetitionAgendaCreate(BaseModel):
    sitting: int
    item: int | None = Field(
        default=None,
        description="Join this agenda item (delegations or resolution) instead of a new one.",
    )


class HearingCreate(BaseModel):
    speaker: Annotated[
        str, Field(min_length=1, max_length=200, description="Who speaks for the delegation.")
    ]


class AnswerCreate(BaseModel):
    motion: int = Field(description="The body's resolution (main or substitute motion).")


class AgendaRead(BaseModel):
    sitting: int
    item: int
    position: int
    title: str
    kind: str
    state: str


class AnswerRead(BaseModel):
    motion: int
    title: str
    state: str
    fate: str | None = Field(description="carried or lost once decided; null while pending.")


class PetitionRead(BaseModel):
    id: int
    body: str
    body_name: str
    kind: str
    title: str
    text: str
    origin: str = Field(description="The constituency or group it comes from.")
    constituency: int | None
    from_constituency: str | None
    from_label: str | None
    signatures: int
    constituency_size: int | None
    share: str | None = Field(description="Signatures of the constituency's size, as 'n/d'.")
    state: str
    next: list[str] = Field(description="The states it may pass to.")
    submitted_at: dt.datetime
    agenda: AgendaRead | None
    answer: AnswerRead | None


def petition_read(session: Session, petition_id: int) -> PetitionRead:
    data: dict[str, Any] = petitions.petition_state(session, petition_id)
    return PetitionRead(
        id=data["petition"],
        origin=data["from"],
        **{k: data[k] for k in PetitionRead.model_fields if k not in ("id", "origin")},
    )


@router.post("", status_code=201, response_model=PetitionRead)
def submit(body: PetitionCreate, request: Request, database: DB, ctx: Submitter) -> JSONResponse:
    """Receive an appeal, petition or delegation; a constituent's comes from their own
    constituency."""

    def work(session: Session, org: Organization, ctx: Context) -> PetitionRead:
        unit_id = None
        if body.from_constituency is not None:
            unit_id = session.scalar(
                select(Constituency.id).where(
                    Constituency.organization_id == org.id,
                    Constituency.name == body.from_constituency,
                )
            )
        authorize("petition.submit", ctx.who, constituency_id=unit_id)
        petition = petitions.submit_petition(
            session,
            org,
            body.body,
            kind=body.kind,
            title=body.title,
            text=body.text,
            from_constituency=body.from_constituency,
            from_label=body.from_label,
            signatures=body.signatures,
            actor=constituent_actor(ctx),
        )
        return petition_read(session, petition.id)

    return perform(database, request, ctx, "petition.submit", work, body=body, status=201)


@router.get("")
def list_petitions(
    ctx: Reader,
    database: DB,
    state: Annotated[PetitionState | None, Query()] = None,
    body: Annotated[str | None, Query(description="Addressed to this body (its key).")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[PetitionRead]:
    """Petitions, appeals and delegations, oldest first."""
    after = decode_cursor(cursor) or 0
    if not isinstance(after, int):
        raise InvalidInput("query:cursor: not a cursor this server issued")

    def work(session: Session, org: Organization, ctx: Context) -> Page[PetitionRead]:
        query = select(Petition.id).where(Petition.organization_id == org.id, Petition.id > after)
        if state is not None:
            query = query.where(Petition.state == state.value)
        if body is not None:
            query = query.join(Body, Petition.body_id == Body.id).where(Body.key == body)
        rows = list(session.scalars(query.order_by(Petition.id).limit(limit + 1)))
        page = rows[:limit]
        return Page(
            items=[petition_read(session, p) for p in page],
            next_cursor=encode_cursor(page[-1]) if len(rows) > limit else None,
        )

    result: Page[PetitionRead] = read(database, ctx, work)
    return result


@router.get("/{petition}")
def get_petition(petition: int, ctx: Reader, database: DB) -> PetitionRead:
    """A petition: whence, signatures and share, its agenda item, the answer."""

    def work(session: Session, org: Organization, ctx: Context) -> PetitionRead:
        return petition_read(session, petitions.get_petition(session, org, petition).id)

    result: PetitionRead = read(database, ctx, work)
    return result


@router.post("/{petition}/agenda", response_model=PetitionRead)
def put_on_agenda(
    petition: int, body: PetitionAgendaCreate, request: Request, database: DB, ctx: Handler
) -> JSONResponse:
    """Put it on the agenda of a sitting of its body: an item of its own, or one it joins."""

    def work(session: Session, org: Organization, ctx: Context) -> PetitionRead:
        petitions.put_on_agenda(
            session, org, petition, body.sitting, item_id=body.item, actor=ctx.actor
        )
        return petition_read(session, petition)

    return perform(database, request, ctx, "petition.handle", work, body=body)


@router.post("/{petition}/hearing", response_model=PetitionRead)
def hear(
    petition: int, body: HearingCreate, request: Request, database: DB, ctx: Handler
) -> JSONResponse:
    """Give the floor to the delegation at its agenda item, which must be under discussion."""

    def work(session: Session, org: Organization, ctx: Context) -> PetitionRead:
        petitions.hear(session, org, petition, speaker=body.speaker, actor=ctx.actor)
        return petition_read(session, petition)

    return perform(database, request, ctx, "petition.handle", work, body=body)


@router.post("/{petition}/answer", response_model=PetitionRead)
def answer(
    petition: int, body: AnswerCreate, request: Request, database: DB, ctx: Handler
) -> JSONResponse:
    """Link the resolution that answers it; it is answered once the motion is decided."""

    def work(session: Session, org: Organization, ctx: Context) -> PetitionRead:
        petitions.answer(session, org, petition, body.motion, actor=ctx.actor)
        return petition_read(session, petition)

    return perform(database, request, ctx, "petition.handle", work, body=body)
