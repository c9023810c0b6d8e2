"""Recall of a delegate: a petition of their constituency, its signatures, the ballot.

A constituent opens a petition against their own constituency's delegate (the
secretariat against any) and signs it for themselves: the signer is the constituent the
account is bound to, never a roll number the request names. Signatures collected on
paper are entered by the secretariat by roll number. Once the threshold is reached, the
ballot is decided by the tellers' counts entered here, or by a roll vote with one-time
codes (`/roll-votes`). Nothing shown names a signer, and the journal, which is never
erased, does not name the account of a constituent who opens or signs: it names the act's
author "constituent" (a signature's entry carries the service's salted commitment).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.accounts import RoleGrant
from tauride.db.models import Constituency, Constituent, Mandate, Organization
from tauride.db.petitions import Recall
from tauride.db.roll_votes import RollVote
from tauride.domain.authorization import Forbidden, Role, authorize
from tauride.domain.errors import InvalidInput, NotFound, TaurideError
from tauride.domain.recalls import RecallState
from tauride.services import recalls
from tauride.web.acts import perform, read
from tauride.web.auth import Act, Context
from tauride.web.database import DB
from tauride.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/organizations/{slug}/recalls", tags=["recalls"])

Reader = Annotated[Context, Depends(Act("recall.read"))]
Opener = Annotated[Context, Depends(Act("recall.open"))]
Signer = Annotated[Context, Depends(Act("recall.sign"))]
PaperSigner = Annotated[Context, Depends(Act("recall.sign_paper"))]
Teller = Annotated[Context, Depends(Act("recall.ballot"))]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]
CONSTITUENT = "constituent"
# SQLite hands timestamps back without their zone; they were written in UTC.
Utc = Annotated[
    dt.datetime, AfterValidator(lambda at: at if at.tzinfo else at.replace(tzinfo=dt.UTC))
]


class RecallCreate(BaseModel):
    mandate: int = Field(description="The delegate's mandate: one holding a constituency's seat.")


class PaperSignaturesCreate(BaseModel):
    """Signatures collected on paper: all of them are recorded or, if any is refused, none."""

    roll_numbers: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=100)]],
        Field(min_length=1, max_length=100_000),
    ]
    unit: Annotated[
        str | None,
        Field(
            min_length=1,
            max_length=300,
            description="The signers' unit, when the delegate's constituency is a group.",
        ),
    ] = None


class BallotCountsCreate(BaseModel):
    """The tellers' counts of the recall ballot."""

    yes: Annotated[int, Field(ge=0, description="Votes to recall the delegate.")]
    no: Annotated[int, Field(ge=0, description="Votes to keep the delegate.")]
    abstain: Annotated[int, Field(ge=0)] = 0


class RecallBallotRead(BaseModel):
    yes: int
    no: int
    abstain: int


class RecallRead(BaseModel):
    id: int
    mandate: int
    person: str
    mandate_status: str
    constituency: str
    units: list[str] = Field(description="Its units, when the constituency is a group.")
    state: str = Field(description="open, ballot (threshold reached), carried or failed.")
    threshold: str
    size: int
    roll: int = Field(description="Constituents on the roll.")
    count: int = Field(description="Signatures counted.")
    needed: int
    share: str
    opened_at: Utc
    decided_at: Utc | None
    ballot: RecallBallotRead | None
    vote: int | None = Field(description="The roll vote deciding it, if one was opened.")


def recall_read(session: Session, org: Organization, recall_id: int) -> RecallRead:
    data: dict[str, Any] = recalls.recall_state(session, recall_id, org=org)
    vote = session.scalar(select(RollVote.id).where(RollVote.recall_id == recall_id))
    fields = {k: data[k] for k in RecallRead.model_fields if k not in ("id", "vote")}
    return RecallRead(id=data["recall"], vote=vote, **fields)


def constituent_actor(ctx: Context) -> str:
    """How the journal names who acted: a constituent acting on their own constituency by
    that alone, never by account (whose name may be theirs)."""
    return ctx.actor if Role.SECRETARIAT in ctx.who.roles else CONSTITUENT


def _bound_constituent(session: Session, ctx: Context, recall: Recall) -> Constituent:
    """The constituent the account is bound to, on the roll that signs this petition."""
    units = recalls.roll_units(session, session.get_one(Constituency, recall.constituency_id))
    found = session.scalars(
        select(Constituent)
        .join(RoleGrant, RoleGrant.constituent_id == Constituent.id)
        .where(
            RoleGrant.account_id == ctx.who.account_id,
            RoleGrant.organization_id == ctx.org_id,
            RoleGrant.role == Role.CONSTITUENT.value,
            RoleGrant.revoked_at.is_(None),
            Constituent.constituency_id.in_([u.id for u in units]),
        )
        .order_by(Constituent.id)
    ).first()
    if found is None:
        raise Forbidden("recall.sign: only through your own constituency")
    return found


@router.post("", status_code=201, response_model=RecallRead)
def open_recall(body: RecallCreate, request: Request, database: DB, ctx: Opener) -> JSONResponse:
    """Open a recall petition against a delegate; the threshold is the constitution's now.
    A constituent opens one only against their own constituency's delegate."""

    def work(session: Session, org: Organization, ctx: Context) -> RecallRead:
        mandate = session.get(Mandate, body.mandate)
        if mandate is None or mandate.organization_id != org.id:
            raise NotFound(f"no mandate {body.mandate} in {org.slug}")
        authorize("recall.open", ctx.who, constituency_id=mandate.constituency_id)
        recall = recalls.open_recall(session, org, mandate.id, actor=constituent_actor(ctx))
        return recall_read(session, org, recall.id)

    return perform(database, request, ctx, "recall.open", work, body=body, status=201)


@router.get("")
def list_recalls(
    ctx: Reader,
    database: DB,
    state: Annotated[RecallState | None, Query()] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[RecallRead]:
    """Recall petitions, oldest first."""
    after = decode_cursor(cursor) or 0
    if not isinstance(after, int):
        raise InvalidInput("query:cursor: not a cursor this server issued")

    def work(session: Session, org: Organization, ctx: Context) -> Page[RecallRead]:
        query = select(Recall.id).where(Recall.organization_id == org.id, Recall.id > after)
        if state is not None:
            query = query.where(Recall.state == state.value)
        rows = list(session.scalars(query.order_by(Recall.id).limit(limit + 1)))
        page = rows[:limit]
        return Page(
            items=[recall_read(session, org, r) for r in page],
            next_cursor=encode_cursor(page[-1]) if len(rows) > limit else None,
        )

    result: Page[RecallRead] = read(database, ctx, work)
    return result


@router.get("/{recall}")
def get_recall(recall: int, ctx: Reader, database: DB) -> RecallRead:
    """A petition's standing: signatures counted and needed, its state, the ballot."""

    def work(session: Session, org: Organization, ctx: Context) -> RecallRead:
        return recall_read(session, org, recall)

    result: RecallRead = read(database, ctx, work)
    return result


@router.post("/{recall}/signatures", status_code=201, response_model=RecallRead)
def sign(recall: int, request: Request, database: DB, ctx: Signer) -> JSONResponse:
    """Sign a petition of one's own constituency, as the constituent the account is bound
    to; a second signature is refused."""

    def work(session: Session, org: Organization, ctx: Context) -> RecallRead:
        found = recalls.get_recall(session, org, recall)
        authorize("recall.sign", ctx.who, constituency_id=found.constituency_id)
        signer = _bound_constituent(session, ctx, found)
        unit = session.get_one(Constituency, signer.constituency_id)
        grouped = unit.id != found.constituency_id
        recalls.sign(
            session,
            org,
            recall,
            signer.roll_number,
            constituency=unit.name if grouped else None,
            actor=CONSTITUENT,
        )
        return recall_read(session, org, recall)

    return perform(database, request, ctx, "recall.sign", work, status=201)


@router.post("/{recall}/paper-signatures", status_code=201, response_model=RecallRead)
def sign_on_paper(
    recall: int, body: PaperSignaturesCreate, request: Request, database: DB, ctx: PaperSigner
) -> JSONResponse:
    """Enter signatures collected on paper, by roll number: all of them or, if any is
    refused, none (the problem lists every refused number)."""

    def work(session: Session, org: Organization, ctx: Context) -> RecallRead:
        refused: list[tuple[str, TaurideError]] = []
        for number in body.roll_numbers:
            try:
                recalls.sign(session, org, recall, number, constituency=body.unit, actor=ctx.actor)
            except NotFound:
                raise
            except TaurideError as exc:
                refused.append((number, exc))
        if refused:
            problems = [f"{n}: {p}" for n, exc in refused for p in exc.problems]
            raise type(refused[0][1])([*problems, "no signature recorded"])
        return recall_read(session, org, recall)

    return perform(database, request, ctx, "recall.sign_paper", work, body=body, status=201)


@router.post("/{recall}/ballot", response_model=RecallRead)
def enter_ballot(
    recall: int, body: BallotCountsCreate, request: Request, database: DB, ctx: Teller
) -> JSONResponse:
    """Enter the tellers' counts of the recall ballot; a carried recall ends the mandate."""

    def work(session: Session, org: Organization, ctx: Context) -> RecallRead:
        recalls.record_ballot(
            session, org, recall, yes=body.yes, no=body.no, abstain=body.abstain, actor=ctx.actor
        )
        return recall_read(session, org, recall)

    return perform(database, request, ctx, "recall.ballot", work, body=body)
