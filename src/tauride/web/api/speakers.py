"""The speakers' list of an agenda item: requests for the floor, calls, guests, the queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.domain.authorization import authorize
from tauride.domain.speakers import RequestKind, Side
from tauride.services import speakers
from tauride.services.speakers import GUEST_NAME_MAX
from tauride.services.speakers_list import speakers_state
from tauride.web.acts import perform
from tauride.web.api.sittings import item_of
from tauride.web.auth import Act, Context
from tauride.web.database import DB

router = APIRouter(
    prefix="/organizations/{slug}/sittings/{sitting}/agenda/{item}/speakers", tags=["speakers"]
)

Run = Annotated[Context, Depends(Act("sitting.run"))]
Ask = Annotated[Context, Depends(Act("speakers.request"))]
Reader = Annotated[Context, Depends(Act("sitting.read"))]


class SpeakerRequestCreate(BaseModel):
    """A member asks for the floor through their mandate: a speech on a side, or a point
    of order (always neutral, heard first)."""

    mandate: int
    side: Side = Side.NEUTRAL
    kind: RequestKind = RequestKind.SPEECH


class WithdrawalCreate(BaseModel):
    """A member takes their waiting request of this kind off the list."""

    mandate: int
    kind: RequestKind = RequestKind.SPEECH


class GuestCreate(BaseModel):
    """A guest of the body (a delegation) is given the floor at once, without a mandate."""

    name: Annotated[str, Field(min_length=1, max_length=GUEST_NAME_MAX)]


class SpeakersRuleRead(BaseModel):
    alternate: bool
    first_time_first: bool
    speech_seconds: int | None
    repeat_seconds: int | None
    point_of_order_seconds: int | None


class SpeakerRead(BaseModel):
    """Who has the floor: since when, and until when by the time limit."""

    request: int
    mandate: int | None
    person: str | None
    guest: bool
    side: str
    kind: str
    started_at: str
    time_limit_s: int | None
    ends_by: str | None


class SpeakerRequestRead(BaseModel):
    """A waiting request: its place in the order of calling and the time it will have."""

    position: int
    request: int
    mandate: int
    person: str | None
    side: str
    kind: str
    first: bool
    time_limit_s: int | None


class SpeakersRead(BaseModel):
    item: int
    sitting: int
    title: str
    kind: str
    item_state: str
    closed: bool
    rule: SpeakersRuleRead
    current: SpeakerRead | None
    queue: list[SpeakerRequestRead]
    turns_given: int


def _state(session: Session, org: Organization, sitting: int, item: int) -> SpeakersRead:
    item_of(session, org, sitting, item)
    return SpeakersRead(**speakers_state(session, item))


@router.get("")
def show(sitting: int, item: int, ctx: Reader, database: DB) -> SpeakersRead:
    """Who has the floor (since when, until when) and who waits, in the order of calling."""
    with database.unit_of_work() as session:
        org = session.get_one(Organization, ctx.org_id)
        return _state(session, org, sitting, item)


@router.post("", status_code=201, response_model=SpeakerRequestRead)
def ask(
    sitting: int,
    item: int,
    body: SpeakerRequestCreate,
    request: Request,
    database: DB,
    ctx: Ask,
) -> JSONResponse:
    """A delegate asks for the floor through their own mandate on the item under discussion."""

    def work(session: Session, org: Organization, ctx: Context) -> SpeakerRequestRead:
        authorize("speakers.request", ctx.who, mandate_id=body.mandate)
        item_of(session, org, sitting, item)
        row = speakers.request_floor(
            session, org, item, body.mandate, side=body.side, kind=body.kind, actor=ctx.actor
        )
        queue = _state(session, org, sitting, item).queue
        return next(turn for turn in queue if turn.request == row.id)

    return perform(database, request, ctx, "speakers.request", work, body=body, status=201)


@router.post("/withdrawals", response_model=SpeakersRead)
def withdraw(
    sitting: int,
    item: int,
    body: WithdrawalCreate,
    request: Request,
    database: DB,
    ctx: Ask,
) -> JSONResponse:
    """A delegate withdraws their own waiting request (a speech or a point of order)."""

    def work(session: Session, org: Organization, ctx: Context) -> SpeakersRead:
        authorize("speakers.request", ctx.who, mandate_id=body.mandate)
        item_of(session, org, sitting, item)
        speakers.withdraw_request(session, org, item, body.mandate, kind=body.kind, actor=ctx.actor)
        return _state(session, org, sitting, item)

    return perform(database, request, ctx, "speakers.request", work, body=body)


@router.post("/next", response_model=SpeakersRead)
def call_next(sitting: int, item: int, request: Request, database: DB, ctx: Run) -> JSONResponse:
    """The chair ends the running speech and gives the floor to whoever the rules put first
    (when nobody waits, the floor is left free)."""

    def work(session: Session, org: Organization, ctx: Context) -> SpeakersRead:
        item_of(session, org, sitting, item)
        speakers.call_next(session, org, item, actor=ctx.actor)
        return _state(session, org, sitting, item)

    return perform(database, request, ctx, "sitting.run", work)


@router.post("/end", response_model=SpeakersRead)
def end(sitting: int, item: int, request: Request, database: DB, ctx: Run) -> JSONResponse:
    """The chair ends the running speech without calling anyone."""

    def work(session: Session, org: Organization, ctx: Context) -> SpeakersRead:
        item_of(session, org, sitting, item)
        speakers.end_speech(session, org, item, actor=ctx.actor)
        return _state(session, org, sitting, item)

    return perform(database, request, ctx, "sitting.run", work)


@router.post("/close", response_model=SpeakersRead)
def close(sitting: int, item: int, request: Request, database: DB, ctx: Run) -> JSONResponse:
    """The chair closes the list: those waiting still speak, nobody new may ask for a
    speech; points of order are still heard."""

    def work(session: Session, org: Organization, ctx: Context) -> SpeakersRead:
        item_of(session, org, sitting, item)
        speakers.close_list(session, org, item, actor=ctx.actor)
        return _state(session, org, sitting, item)

    return perform(database, request, ctx, "sitting.run", work)


@router.post("/guests", status_code=201, response_model=SpeakersRead)
def hear_guest(
    sitting: int,
    item: int,
    body: GuestCreate,
    request: Request,
    database: DB,
    ctx: Run,
) -> JSONResponse:
    """The chair gives the floor at once to a guest of the body; the queue waits."""

    def work(session: Session, org: Organization, ctx: Context) -> SpeakersRead:
        item_of(session, org, sitting, item)
        speakers.hear_guest(session, org, item, body.name, actor=ctx.actor)
        return _state(session, org, sitting, item)

    return perform(database, request, ctx, "sitting.run", work, body=body, status=201)
