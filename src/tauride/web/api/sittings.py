"""Sittings of a body: scheduled, opened and closed, attendance against quorum, the agenda."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.db.sittings import AgendaItem
from tauride.domain.authorization import authorize
from tauride.domain.errors import InvalidInput, NotFound
from tauride.domain.sittings import AgendaItemKind, SittingState
from tauride.queries.sittings import present_at, sitting_line, sitting_status, sittings_page
from tauride.services import sittings
from tauride.web.acts import perform
from tauride.web.auth import Act, Context
from tauride.web.database import DB
from tauride.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/organizations/{slug}/sittings", tags=["sittings"])

Schedule = Annotated[Context, Depends(Act("sitting.schedule"))]
Run = Annotated[Context, Depends(Act("sitting.run"))]
Attend = Annotated[Context, Depends(Act("attendance.check"))]
Reader = Annotated[Context, Depends(Act("sitting.read"))]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]


class SittingCreate(BaseModel):
    body: Annotated[str, Field(min_length=1, max_length=100, description="The body's key.")]
    title: Annotated[str, Field(min_length=1, max_length=300)]
    scheduled_for: Annotated[
        str | None, Field(max_length=40, description="When it is convened (free text).")
    ] = None


class SittingRead(BaseModel):
    sitting: int
    body: str
    number: int
    title: str
    scheduled_for: str | None
    state: SittingState
    opened_at: str | None
    closed_at: str | None


class SittingStateUpdate(BaseModel):
    """The state the chair moves the sitting to: "open" also resumes a suspended one."""

    state: Literal["open", "suspended", "closed"]


class AttendanceUpdate(BaseModel):
    """Check a mandate in (present) or out; an alternate checks in with their own mandate
    and sits in for their absent principal where the body's rules allow it."""

    mandate: int
    present: bool = True


class PresentRead(BaseModel):
    mandate: int
    person: str
    for_mandate: int | None
    since: str | None
    recorded_by: str


class AttendanceRead(BaseModel):
    """Who is present now, and whether they make the quorum."""

    sitting: int
    state: SittingState
    members: int
    present: int
    quorum: int
    has_quorum: bool
    attending: list[PresentRead]


class AgendaItemCreate(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=500)]
    kind: AgendaItemKind = AgendaItemKind.DEBATE
    minutes: Annotated[int | None, Field(ge=1, description="Time allotted.")] = None


class AgendaItemRead(BaseModel):
    item: int
    position: int
    kind: str
    title: str
    minutes: int | None
    state: str


class AgendaOrderUpdate(BaseModel):
    order: Annotated[list[int], Field(description="Every item of the agenda, once, in order.")]
    decided_by: Annotated[
        str, Field(min_length=1, max_length=300, description="How the body decided it.")
    ]


class MotionLineRead(BaseModel):
    motion: int
    kind: str
    title: str
    state: str
    target: int | None
    mover: str | None


class PollLineRead(BaseModel):
    poll: int
    question: str
    method: str
    state: str
    entitled: int
    voted: int
    outcome: dict[str, Any] | None


class SittingStatusRead(BaseModel):
    """A sitting at a glance: attendance against quorum now, the agenda and its current
    item, motions and polls."""

    sitting: int
    body: str
    number: int
    title: str
    state: SittingState
    members: int
    present: int
    quorum: int
    has_quorum: bool
    current_item: AgendaItemRead | None
    agenda: list[AgendaItemRead]
    motions: list[MotionLineRead]
    polls: list[PollLineRead]


def item_of(session: Session, org: Organization, sitting_id: int, item_id: int) -> AgendaItem:
    """The agenda item of this sitting, or NotFound."""
    item = session.get(AgendaItem, item_id)
    if item is None or item.organization_id != org.id or item.sitting_id != sitting_id:
        raise NotFound(f"no agenda item {item_id} in sitting {sitting_id} of {org.slug}")
    return item


def _sitting(session: Session, slug: str, sitting_id: int) -> SittingRead:
    return SittingRead(**sitting_line(session, slug, sitting_id).__dict__)


def _status(session: Session, slug: str, sitting_id: int) -> SittingStatusRead:
    s = sitting_status(session, slug, sitting_id)
    agenda = [AgendaItemRead(**i) for i in s.agenda]
    return SittingStatusRead(
        sitting=s.sitting,
        body=s.body,
        number=s.number,
        title=s.title,
        state=SittingState(s.state),
        members=s.members,
        present=s.present,
        quorum=s.quorum,
        has_quorum=s.has_quorum,
        current_item=next((i for i in agenda if i.state == "current"), None),
        agenda=agenda,
        motions=[MotionLineRead(**m) for m in s.motions],
        polls=[PollLineRead(**p) for p in s.polls],
    )


def _attendance(session: Session, slug: str, sitting_id: int) -> AttendanceRead:
    s = sitting_status(session, slug, sitting_id)
    return AttendanceRead(
        sitting=s.sitting,
        state=SittingState(s.state),
        members=s.members,
        present=s.present,
        quorum=s.quorum,
        has_quorum=s.has_quorum,
        attending=[PresentRead(**p.__dict__) for p in present_at(session, slug, sitting_id)],
    )


def _agenda(session: Session, sitting_id: int) -> list[AgendaItemRead]:
    return [_item(i) for i in sittings.agenda(session, sitting_id)]


def _item(item: AgendaItem) -> AgendaItemRead:
    return AgendaItemRead(
        item=item.id,
        position=item.position,
        kind=item.kind.value,
        title=item.title,
        minutes=item.minutes_allotted,
        state=item.state.value,
    )


@router.post("", status_code=201, response_model=SittingRead)
def schedule(body: SittingCreate, request: Request, database: DB, ctx: Schedule) -> JSONResponse:
    """Convene a sitting of a body; sittings are numbered within their body."""

    def work(session: Session, org: Organization, ctx: Context) -> SittingRead:
        sitting = sittings.schedule_sitting(
            session,
            org,
            body.body,
            title=body.title,
            scheduled_for=body.scheduled_for,
            actor=ctx.actor,
        )
        return _sitting(session, ctx.slug, sitting.id)

    return perform(database, request, ctx, "sitting.schedule", work, body=body, status=201)


@router.get("")
def list_sittings(
    ctx: Reader,
    database: DB,
    body: Annotated[str | None, Query(description="Only this body's sittings.")] = None,
    state: Annotated[SittingState | None, Query(description="Only sittings in this state.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[SittingRead]:
    """The organization's sittings in the order they were scheduled, a page at a time."""
    after = decode_cursor(cursor) or 0
    if not isinstance(after, int):
        raise InvalidInput("query:cursor: not a cursor this server issued")
    with database.unit_of_work() as session:
        rows = sittings_page(
            session, ctx.slug, after=after, limit=limit + 1, body=body, state=state
        )
    page = rows[:limit]
    return Page(
        items=[SittingRead(**line.__dict__) for line in page],
        next_cursor=encode_cursor(page[-1].sitting) if len(rows) > limit else None,
    )


@router.get("/{sitting}")
def status(sitting: int, ctx: Reader, database: DB) -> SittingStatusRead:
    """Attendance against quorum at this moment, the agenda and its current item, motions
    and polls."""
    with database.unit_of_work() as session:
        return _status(session, ctx.slug, sitting)


@router.post("/{sitting}/state", response_model=SittingRead)
def change_state(
    sitting: int, body: SittingStateUpdate, request: Request, database: DB, ctx: Run
) -> JSONResponse:
    """The chair opens, suspends, resumes ("open") or closes the sitting; closing checks
    everyone out. A closed sitting stays closed."""

    def work(session: Session, org: Organization, ctx: Context) -> SittingRead:
        target = SittingState(body.state)
        sittings.change_state(session, org, sitting, target, actor=ctx.actor)
        return _sitting(session, ctx.slug, sitting)

    return perform(database, request, ctx, "sitting.run", work, body=body)


@router.get("/{sitting}/attendance")
def attendance(sitting: int, ctx: Reader, database: DB) -> AttendanceRead:
    """Who is present now (alternates with the seat they fill) and the quorum."""
    with database.unit_of_work() as session:
        return _attendance(session, ctx.slug, sitting)


@router.post("/{sitting}/attendance", response_model=AttendanceRead)
def check(
    sitting: int, body: AttendanceUpdate, request: Request, database: DB, ctx: Attend
) -> JSONResponse:
    """Check a mandate in or out: a delegate their own, the secretariat or chair anyone's."""

    def work(session: Session, org: Organization, ctx: Context) -> AttendanceRead:
        authorize("attendance.check", ctx.who, mandate_id=body.mandate)
        if body.present:
            sittings.check_in(session, org, sitting, body.mandate, actor=ctx.actor)
        else:
            sittings.check_out(session, org, sitting, body.mandate, actor=ctx.actor)
        return _attendance(session, ctx.slug, sitting)

    return perform(database, request, ctx, "attendance.check", work, body=body)


@router.get("/{sitting}/agenda")
def agenda(
    sitting: int, ctx: Reader, database: DB, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[AgendaItemRead]:
    """The agenda in its order, a page at a time."""
    after = decode_cursor(cursor) or 0
    if not isinstance(after, int):
        raise InvalidInput("query:cursor: not a cursor this server issued")
    with database.unit_of_work() as session:
        sitting_line(session, ctx.slug, sitting)
        rows = [i for i in _agenda(session, sitting) if i.position > after]
    page = rows[:limit]
    return Page(
        items=page,
        next_cursor=encode_cursor(page[-1].position) if len(rows) > limit else None,
    )


@router.post("/{sitting}/agenda", status_code=201, response_model=AgendaItemRead)
def add_item(
    sitting: int, body: AgendaItemCreate, request: Request, database: DB, ctx: Schedule
) -> JSONResponse:
    """Put an item at the end of the agenda."""

    def work(session: Session, org: Organization, ctx: Context) -> AgendaItemRead:
        item = sittings.add_agenda_item(
            session,
            org,
            sitting,
            kind=body.kind,
            title=body.title,
            minutes=body.minutes,
            actor=ctx.actor,
        )
        return _item(item)

    return perform(database, request, ctx, "sitting.schedule", work, body=body, status=201)


@router.put("/{sitting}/agenda/order", response_model=list[AgendaItemRead])
def reorder(
    sitting: int, body: AgendaOrderUpdate, request: Request, database: DB, ctx: Run
) -> JSONResponse:
    """Put the agenda in the order the body decided; the decision is recorded."""

    def work(session: Session, org: Organization, ctx: Context) -> list[AgendaItemRead]:
        sittings.reorder_agenda(
            session, org, sitting, body.order, decided_by=body.decided_by, actor=ctx.actor
        )
        return _agenda(session, sitting)

    return perform(database, request, ctx, "sitting.run", work, body=body)


@router.post("/{sitting}/agenda/{item}/take-up", response_model=AgendaItemRead)
def take_up(sitting: int, item: int, request: Request, database: DB, ctx: Run) -> JSONResponse:
    """The chair makes the item the one under discussion; the item before it is done."""

    def work(session: Session, org: Organization, ctx: Context) -> AgendaItemRead:
        item_of(session, org, sitting, item)
        return _item(sittings.take_up_item(session, org, item, actor=ctx.actor))

    return perform(database, request, ctx, "sitting.run", work)
