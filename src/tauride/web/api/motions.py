"""Motions and matters: moved and seconded through one's own mandate (or by the secretariat
in the name of a body), admitted, withdrawn, referred and put to the vote by the chair;
matters before several bodies with their concurrence and conflicts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Body, Organization
from tauride.db.polls import Matter, Motion, Poll
from tauride.domain.authorization import authorize
from tauride.domain.errors import InvalidInput
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import MotionKind, MotionState
from tauride.services import matters, motions
from tauride.services.sittings import get_sitting
from tauride.web.acts import perform, read
from tauride.web.api.polls import PollRead, poll_read
from tauride.web.auth import Act, Context
from tauride.web.database import DB
from tauride.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/organizations/{slug}", tags=["motions"])

Reader = Annotated[Context, Depends(Act("motion.read"))]
Mover = Annotated[Context, Depends(Act("motion.move"))]
Chair = Annotated[Context, Depends(Act("motion.decide"))]
Registrar = Annotated[Context, Depends(Act("matter.open"))]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]


class MotionCreate(BaseModel):
    """A motion moved by a member (`mover`) or in the name of a body or petition
    (`mover_label`, the secretariat only); amendments and other subsidiary motions name
    the motion they apply to (`target`)."""

    kind: MotionKind = MotionKind.MAIN
    title: Annotated[str, Field(min_length=1, max_length=500)]
    text: Annotated[str, Field(max_length=100_000)] = ""
    target: int | None = None
    mover: int | None = None
    mover_label: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    agenda_item: int | None = None
    matter: Annotated[str | None, Field(min_length=1, max_length=200)] = None


class SecondCreate(BaseModel):
    mandate: int


class MotionStateUpdate(BaseModel):
    """admitted, debate, withdrawn, referred, postponed, tabled, ruled-out…; a motion is
    carried or lost only by its poll."""

    state: MotionState


class MotionPollCreate(BaseModel):
    method: PollMethod = PollMethod.ELECTRONIC
    allow_change: bool = False


class MotionRead(BaseModel):
    id: int
    sitting: int | None
    body: str
    agenda_item: int | None
    kind: str
    target: int | None
    title: str
    text: str
    mover: int | None
    mover_label: str | None
    seconder: int | None
    state: str
    matter: str | None
    created_at: dt.datetime
    decided_at: dt.datetime | None
    polls: list[int]


class MatterCreate(BaseModel):
    key: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^/]+$")]
    title: Annotated[str, Field(min_length=1, max_length=500)]
    required_bodies: Annotated[
        list[str], Field(description="Bodies that must each carry it; empty: no concurrence.")
    ] = []


class MatterMotionRead(BaseModel):
    id: int
    body: str
    kind: str
    state: str


class MatterRead(BaseModel):
    key: str
    title: str | None
    required_bodies: list[str]
    positions: dict[str, str]
    adopted: bool
    conflicts: list[list[str]]
    motions: list[MatterMotionRead]


def motion_read(session: Session, motion: Motion) -> MotionRead:
    body = session.get_one(Body, motion.body_id)
    polls = session.scalars(select(Poll.id).where(Poll.motion_id == motion.id).order_by(Poll.id))
    return MotionRead(
        id=motion.id,
        sitting=motion.sitting_id,
        body=body.key,
        agenda_item=motion.agenda_item_id,
        kind=motion.kind,
        target=motion.target_id,
        title=motion.title,
        text=motion.text,
        mover=motion.mover_mandate_id,
        mover_label=motion.mover_label,
        seconder=motion.seconder_mandate_id,
        state=motion.state,
        matter=motion.matter,
        created_at=motion.created_at,
        decided_at=motion.decided_at,
        polls=list(polls),
    )


@router.post("/sittings/{sitting}/motions", status_code=201, response_model=MotionRead)
def move(
    sitting: int, body: MotionCreate, request: Request, database: DB, ctx: Mover
) -> JSONResponse:
    """Move a motion; refused when out of order by precedence."""

    def work(session: Session, org: Organization, ctx: Context) -> MotionRead:
        # A delegate moves through their own mandate; only the secretariat moves in the
        # name of a body or petition.
        authorize("motion.move", ctx.who, mandate_id=body.mover)
        motion = motions.move_motion(
            session,
            org,
            sitting,
            kind=body.kind,
            title=body.title,
            text=body.text,
            target_id=body.target,
            mover_mandate_id=body.mover,
            mover_label=body.mover_label,
            agenda_item_id=body.agenda_item,
            matter=body.matter,
            actor=ctx.actor,
        )
        return motion_read(session, motion)

    return perform(database, request, ctx, "motion.move", work, body=body, status=201)


@router.get("/sittings/{sitting}/motions")
def sitting_motions(
    sitting: int, ctx: Reader, database: DB, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[MotionRead]:
    """The motions of a sitting, in the order they were moved."""
    after = decode_cursor(cursor) or 0
    if not isinstance(after, int):
        raise InvalidInput("query:cursor: not a cursor this server issued")

    def work(session: Session, org: Organization, ctx: Context) -> Page[MotionRead]:
        get_sitting(session, org, sitting)
        rows = list(
            session.scalars(
                select(Motion)
                .where(
                    Motion.sitting_id == sitting,
                    Motion.organization_id == org.id,
                    Motion.id > after,
                )
                .order_by(Motion.id)
                .limit(limit + 1)
            )
        )
        page = rows[:limit]
        return Page(
            items=[motion_read(session, m) for m in page],
            next_cursor=encode_cursor(page[-1].id) if len(rows) > limit else None,
        )

    result: Page[MotionRead] = read(database, ctx, work)
    return result


@router.get("/motions/{motion}")
def get_motion(motion: int, ctx: Reader, database: DB) -> MotionRead:
    """A motion: its kind, text, mover, seconder, state and polls."""

    def work(session: Session, org: Organization, ctx: Context) -> MotionRead:
        return motion_read(session, motions.get_motion(session, org, motion))

    result: MotionRead = read(database, ctx, work)
    return result


@router.post("/motions/{motion}/second", response_model=MotionRead)
def second(
    motion: int, body: SecondCreate, request: Request, database: DB, ctx: Mover
) -> JSONResponse:
    """Second a motion through one's own mandate; the mover cannot second."""

    def work(session: Session, org: Organization, ctx: Context) -> MotionRead:
        authorize("motion.move", ctx.who, mandate_id=body.mandate)
        return motion_read(
            session, motions.second_motion(session, org, motion, body.mandate, actor=ctx.actor)
        )

    return perform(database, request, ctx, "motion.move", work, body=body)


@router.post("/motions/{motion}/state", response_model=MotionRead)
def set_state(
    motion: int, body: MotionStateUpdate, request: Request, database: DB, ctx: Chair
) -> JSONResponse:
    """The chair admits a motion, opens its debate, rules it out, refers or withdraws it;
    a withdrawn motion's amendments lapse with it."""

    def work(session: Session, org: Organization, ctx: Context) -> MotionRead:
        changed = motions.set_motion_state(session, org, motion, body.state, actor=ctx.actor)
        return motion_read(session, changed)

    return perform(database, request, ctx, "motion.decide", work, body=body)


@router.post("/motions/{motion}/vote", status_code=201, response_model=PollRead)
def put_to_vote(
    motion: int,
    request: Request,
    database: DB,
    ctx: Chair,
    body: MotionPollCreate | None = None,
) -> JSONResponse:
    """Put the question: a poll opens on the motion under its kind's threshold."""
    given = body or MotionPollCreate()

    def work(session: Session, org: Organization, ctx: Context) -> PollRead:
        poll = motions.put_to_vote(
            session,
            org,
            motion,
            method=given.method,
            allow_change=given.allow_change,
            actor=ctx.actor,
        )
        return poll_read(session, poll)

    return perform(database, request, ctx, "motion.decide", work, body=given, status=201)


def _matter_read(session: Session, org: Organization, key: str) -> MatterRead:
    state = matters.state_of(session, org.id, key)
    title = session.scalar(
        select(Matter.title).where(Matter.organization_id == org.id, Matter.key == key)
    )
    rows = session.execute(
        select(Motion.id, Body.key, Motion.kind, Motion.state)
        .join(Body, Motion.body_id == Body.id)
        .where(Motion.organization_id == org.id, Motion.matter == key)
        .order_by(Motion.id)
    )
    return MatterRead(
        key=key,
        title=title,
        required_bodies=list(state.required),
        positions={b: p.value for b, p in state.positions.items()},
        adopted=state.adopted,
        conflicts=[list(pair) for pair in state.conflicts],
        motions=[MatterMotionRead(id=i, body=b, kind=k, state=s) for i, b, k, s in rows],
    )


@router.post("/matters", status_code=201, response_model=MatterRead)
def open_matter(body: MatterCreate, request: Request, database: DB, ctx: Registrar) -> JSONResponse:
    """Register a matter; motions moved with its key in any body are linked to it, and it
    is adopted only when every required body carried it."""

    def work(session: Session, org: Organization, ctx: Context) -> MatterRead:
        matters.open_matter(
            session,
            org,
            body.key,
            title=body.title,
            required_bodies=body.required_bodies,
            actor=ctx.actor,
        )
        return _matter_read(session, org, body.key)

    return perform(database, request, ctx, "matter.open", work, body=body, status=201)


@router.get("/matters/{key}")
def get_matter(key: str, ctx: Reader, database: DB) -> MatterRead:
    """Each body's position on a matter, whether it is adopted, and any conflict."""

    def work(session: Session, org: Organization, ctx: Context) -> MatterRead:
        return _matter_read(session, org, key)

    result: MatterRead = read(database, ctx, work)
    return result
