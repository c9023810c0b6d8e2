"""Elections by a body: called, nominations made and withdrawn, a ranked poll, the count.

The secretariat or the chair calls an election of a body's elected seats (seats and
method come from the constitution), opens its voting at a sitting of the electing body,
and has it counted. Members of the electing body cast their rankings through the polls
(`POST …/polls/{poll}/ballots` with a `ranking`). The count is returned round by round.

Who nominates: a nomination is a candidate's consent to stand, so a delegate nominates
only themselves, through their own mandate, and withdraws only themselves. Nominations
made by others — a faction, a group of deputies, from the floor — are entered by the
secretariat, which names who made them (`nominated_by`) and may withdraw any candidate.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Body, Organization
from tauride.db.polls import Election, Poll
from tauride.domain.authorization import authorize
from tauride.domain.errors import InvalidInput
from tauride.domain.polls import PollMethod
from tauride.services import elections
from tauride.web.acts import perform, read
from tauride.web.auth import Act, Context
from tauride.web.database import DB
from tauride.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/organizations/{slug}/elections", tags=["elections"])

Reader = Annotated[Context, Depends(Act("election.read"))]
Manager = Annotated[Context, Depends(Act("election.manage"))]
Nominator = Annotated[Context, Depends(Act("election.nominate"))]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]
# SQLite hands timestamps back without their zone; they were written in UTC.
Utc = Annotated[
    dt.datetime, AfterValidator(lambda at: at if at.tzinfo else at.replace(tzinfo=dt.UTC))
]
SELF_NOMINATED = "self-nominated"


class ElectionCreate(BaseModel):
    """Call an election: the body whose elected seats are to be filled."""

    body: Annotated[str, Field(min_length=1, max_length=100, description="The body's key.")]


class CandidateCreate(BaseModel):
    mandate: int
    nominated_by: Annotated[
        str | None,
        Field(
            min_length=1,
            max_length=200,
            description="Who nominates (by default: 'self-nominated' for a delegate "
            "standing through their own mandate, 'the secretariat' otherwise).",
        ),
    ] = None


class VotingCreate(BaseModel):
    """Open the ranked poll at an open sitting of the electing body."""

    sitting: int
    method: PollMethod = PollMethod.SECRET


class CandidateRead(BaseModel):
    mandate: int
    name: str
    nominated_by: str
    withdrawn: bool


class DecisionRead(BaseModel):
    action: str
    candidates: list[str]
    reason: str


class RoundRead(BaseModel):
    round: int
    totals: dict[str, str]
    non_transferable: str
    transfers: dict[str, str]
    decisions: list[DecisionRead]
    note: str | None


class CountRead(BaseModel):
    """The count, round by round, as exact decimals in text."""

    method: str
    seats: int
    ballots: int
    quota: str | None
    elected: list[str]
    alternates: list[str] = Field(description="Runners-up in order, where the body has them.")
    rounds: list[RoundRead]
    final: dict[str, str]
    tied: list[str] | None
    seed: int = Field(description="The lot seed, drawn from the sealed ballots' Merkle root.")


class ElectionRead(BaseModel):
    id: int
    body: str
    body_name: str
    electing_body: str
    seats: int
    method: str
    state: str = Field(description="nominations, voting or counted.")
    poll: int | None = Field(description="The ranked poll, once voting is open.")
    candidates: list[CandidateRead]
    elected: list[int] | None = Field(description="After the count: the mandates seated.")
    count: CountRead | None
    created_at: Utc


def _count(record: dict[str, Any]) -> CountRead:
    rounds = [
        RoundRead(
            round=r["round"],
            totals=r["totals"],
            non_transferable=r["non-transferable"],
            transfers=r["transfers"],
            decisions=[DecisionRead(**d) for d in r["decisions"]],
            note=r.get("note"),
        )
        for r in record["rounds"]
    ]
    return CountRead(
        method=record["method"],
        seats=record["seats"],
        ballots=record["ballots"],
        quota=record.get("quota"),
        elected=record["elected"],
        alternates=record.get("alternates", []),
        rounds=rounds,
        final=record["final"],
        tied=record.get("tied"),
        seed=record["seed"],
    )


def election_read(session: Session, election: Election) -> ElectionRead:
    body = session.get_one(Body, election.body_id)
    electing = session.get_one(Body, election.electing_body_id)
    elected = None
    if election.result is not None and election.poll_id is not None:
        mandate_of: dict[str, int] = session.get_one(Poll, election.poll_id).rule["candidates"]
        elected = [mandate_of[name] for name in election.result["elected"]]
    return ElectionRead(
        id=election.id,
        body=body.key,
        body_name=body.name,
        electing_body=electing.key,
        seats=election.seats,
        method=election.method,
        state=election.state,
        poll=election.poll_id,
        candidates=[
            CandidateRead(
                mandate=c.mandate_id,
                name=c.name,
                nominated_by=c.nominated_by,
                withdrawn=c.withdrawn,
            )
            for c in elections.candidates(session, election.id)
        ],
        elected=elected,
        count=_count(election.result) if election.result is not None else None,
        created_at=election.created_at,
    )


@router.post("", status_code=201, response_model=ElectionRead)
def call(body: ElectionCreate, request: Request, database: DB, ctx: Manager) -> JSONResponse:
    """Open nominations for a body's elected seats (seats and method by the constitution)."""

    def work(session: Session, org: Organization, ctx: Context) -> ElectionRead:
        election = elections.call_election(session, org, body.body, actor=ctx.actor)
        return election_read(session, election)

    return perform(database, request, ctx, "election.manage", work, body=body, status=201)


@router.get("")
def list_elections(
    ctx: Reader,
    database: DB,
    state: Annotated[str | None, Query(description="nominations, voting or counted.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[ElectionRead]:
    """The organization's elections, oldest first."""
    after = decode_cursor(cursor) or 0
    if not isinstance(after, int):
        raise InvalidInput("query:cursor: not a cursor this server issued")

    def work(session: Session, org: Organization, ctx: Context) -> Page[ElectionRead]:
        query = select(Election).where(Election.organization_id == org.id, Election.id > after)
        if state is not None:
            query = query.where(Election.state == state)
        rows = list(session.scalars(query.order_by(Election.id).limit(limit + 1)))
        page = rows[:limit]
        return Page(
            items=[election_read(session, e) for e in page],
            next_cursor=encode_cursor(page[-1].id) if len(rows) > limit else None,
        )

    result: Page[ElectionRead] = read(database, ctx, work)
    return result


@router.get("/{election}")
def get_election(election: int, ctx: Reader, database: DB) -> ElectionRead:
    """An election: its candidates, its poll, and once counted the count round by round."""

    def work(session: Session, org: Organization, ctx: Context) -> ElectionRead:
        return election_read(session, elections.get_election(session, org, election))

    result: ElectionRead = read(database, ctx, work)
    return result


@router.post("/{election}/candidates", status_code=201, response_model=CandidateRead)
def nominate(
    election: int, body: CandidateCreate, request: Request, database: DB, ctx: Nominator
) -> JSONResponse:
    """Nominate a voting member of the electing body: a delegate only themselves."""

    def work(session: Session, org: Organization, ctx: Context) -> CandidateRead:
        authorize("election.nominate", ctx.who, mandate_id=body.mandate)
        by = body.nominated_by
        if by is None:
            by = SELF_NOMINATED if body.mandate in ctx.who.mandates else "the secretariat"
        candidate = elections.nominate(
            session, org, election, body.mandate, nominated_by=by, actor=ctx.actor
        )
        return CandidateRead(
            mandate=candidate.mandate_id,
            name=candidate.name,
            nominated_by=candidate.nominated_by,
            withdrawn=candidate.withdrawn,
        )

    return perform(database, request, ctx, "election.nominate", work, body=body, status=201)


@router.post("/{election}/candidates/{mandate}/withdrawal", response_model=ElectionRead)
def withdraw(
    election: int, mandate: int, request: Request, database: DB, ctx: Nominator
) -> JSONResponse:
    """A candidate withdraws (a delegate only themselves); after voting began, the count
    treats them as withdrawn."""

    def work(session: Session, org: Organization, ctx: Context) -> ElectionRead:
        authorize("election.nominate", ctx.who, mandate_id=mandate)
        elections.withdraw(session, org, election, mandate, actor=ctx.actor)
        return election_read(session, elections.get_election(session, org, election))

    return perform(database, request, ctx, "election.nominate", work)


@router.post("/{election}/voting", status_code=201, response_model=ElectionRead)
def open_voting(
    election: int, body: VotingCreate, request: Request, database: DB, ctx: Manager
) -> JSONResponse:
    """Close nominations and open the ranked poll (kind "election") at a sitting of the
    electing body; members cast rankings through `POST …/polls/{poll}/ballots`."""

    def work(session: Session, org: Organization, ctx: Context) -> ElectionRead:
        elections.open_voting(
            session, org, election, body.sitting, method=body.method, actor=ctx.actor
        )
        return election_read(session, elections.get_election(session, org, election))

    return perform(database, request, ctx, "election.manage", work, body=body, status=201)


@router.post("/{election}/count", response_model=ElectionRead)
def count(election: int, request: Request, database: DB, ctx: Manager) -> JSONResponse:
    """Close the poll, seal and count the ballots by the method, and seat the winners."""

    def work(session: Session, org: Organization, ctx: Context) -> ElectionRead:
        elections.count_election(session, org, election, actor=ctx.actor)
        return election_read(session, elections.get_election(session, org, election))

    return perform(database, request, ctx, "election.manage", work)
