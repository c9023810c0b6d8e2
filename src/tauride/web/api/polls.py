"""Polls: opened and closed by the chair, cast by delegates through their own mandate,
counted by tellers on a show of hands, sealed at close, a ballot proved by its receipt.

What a poll shows depends on its state and method. While it is open: how many of those
entitled have voted, never how. Once closed: the totals and the outcome, and for a named
poll (roll call, electronic) who voted how; a secret poll never says who chose what.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tauride.db.models import Mandate, Organization, Person
from tauride.db.polls import Ballot, HandCount, Participation, Poll, PollElector
from tauride.domain.authorization import authorize
from tauride.domain.errors import InvalidInput
from tauride.domain.polls import YES_NO_ABSTAIN, PollMethod, PollState, is_yes_no
from tauride.services import motions, polls, seals
from tauride.services.sittings import get_sitting
from tauride.web.acts import perform, read
from tauride.web.api.ballot_privacy import cast_fingerprint, mask_receipt, unmask_receipt
from tauride.web.auth import Act, Context
from tauride.web.database import DB
from tauride.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/organizations/{slug}", tags=["polls"])

Reader = Annotated[Context, Depends(Act("poll.read"))]
Chair = Annotated[Context, Depends(Act("poll.open"))]
Voter = Annotated[Context, Depends(Act("poll.cast"))]
Teller = Annotated[Context, Depends(Act("poll.count"))]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]


class PollCreate(BaseModel):
    """A question put to the members present, not tied to a motion."""

    question: Annotated[str, Field(min_length=1, max_length=2000)]
    method: PollMethod = PollMethod.ELECTRONIC
    options: Annotated[list[str], Field(min_length=2, max_length=50)] = list(YES_NO_ABSTAIN)
    allow_change: bool = False


class BallotCreate(BaseModel):
    """A ballot cast through one's own mandate: a choice, or in an election a ranking."""

    mandate: int
    choice: Annotated[str | None, Field(max_length=300)] = None
    ranking: Annotated[list[str] | None, Field(max_length=500)] = None
    receipt: Annotated[
        str | None,
        Field(max_length=64, description="To change a secret ballot: the receipt of the first."),
    ] = None

    @model_validator(mode="after")
    def _one_of_choice_or_ranking(self) -> BallotCreate:
        if (self.choice is None) == (self.ranking is None):
            raise ValueError("give either a choice or (in an election) a ranking")
        return self


class BallotRead(BaseModel):
    """What the voter keeps: the receipt that proves their ballot's inclusion after close."""

    poll: int
    receipt: str


class HandCountCreate(BaseModel):
    """The tellers' counts of a show of hands, per option."""

    counts: dict[str, int]


class PollCloseUpdate(BaseModel):
    casting_vote: Annotated[
        str | None,
        Field(max_length=300, description="On a tie: yes or no, or the option the chair picks."),
    ] = None


class RuleRead(BaseModel):
    threshold: str
    base: str
    weighted: bool
    quorum: str
    members: int
    present: int


class VoteRead(BaseModel):
    mandate: int
    person: str
    choice: str


class ResultRead(BaseModel):
    carried: bool | None
    counts: dict[str, int]
    weighted_counts: dict[str, int] | None
    ballots: int
    merkle_root: str | None
    outcome: dict[str, Any]


class PollRead(BaseModel):
    id: int
    sitting: int | None
    motion: int | None
    question: str
    method: str
    kind: str
    options: list[str]
    allow_change: bool
    state: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    rule: RuleRead
    entitled: int
    voted: int | None = Field(description="Ballots cast so far (null on a show of hands).")
    result: ResultRead | None = Field(description="After close: totals and outcome.")
    participants: list[int] | None = Field(description="After close: the mandates that voted.")
    votes: list[VoteRead] | None = Field(description="After close, named polls only.")


class ProofRead(BaseModel):
    """An RFC 9162 inclusion proof: the leaf at `index` of `tree_size` hashes up to `root`."""

    poll: int
    choice: str
    leaf: str
    index: int
    tree_size: int
    proof: list[str]
    root: str


def _count(session: Session, column: Any, poll_id: int) -> int:
    return int(session.scalar(select(func.count()).where(column == poll_id)) or 0)


def _result(session: Session, poll: Poll) -> ResultRead:
    heads: dict[str, int] = dict.fromkeys(poll.options, 0)
    weights: dict[str, int] = dict.fromkeys(poll.options, 0)
    for option, count in session.execute(
        select(HandCount.option, HandCount.count).where(HandCount.poll_id == poll.id)
    ):
        heads[option] = weights[option] = count
    if poll.kind != "election":
        for choice, n, weight in session.execute(
            select(Ballot.choice, func.count(), func.sum(Ballot.weight))
            .where(Ballot.poll_id == poll.id)
            .group_by(Ballot.choice)
        ):
            heads[choice] = heads.get(choice, 0) + int(n)
            weights[choice] = weights.get(choice, 0) + int(weight or 0)
    outcome = dict(poll.outcome or {})
    carried = outcome.get("carried")
    return ResultRead(
        carried=carried if isinstance(carried, bool) else None,
        counts=heads if poll.kind != "election" else {},
        weighted_counts=weights if poll.rule.get("weighted") and poll.kind != "election" else None,
        ballots=poll.ballot_count or 0,
        merkle_root=poll.merkle_root,
        outcome=outcome,
    )


def _votes(session: Session, poll: Poll) -> list[VoteRead]:
    rows = session.execute(
        select(Ballot.mandate_id, Person.name, Ballot.choice)
        .join(Mandate, Ballot.mandate_id == Mandate.id)
        .join(Person, Mandate.person_id == Person.id)
        .where(Ballot.poll_id == poll.id)
        .order_by(Ballot.mandate_id)
    )
    return [VoteRead(mandate=m, person=name, choice=choice) for m, name, choice in rows]


def poll_read(session: Session, poll: Poll) -> PollRead:
    """What anyone may see of a poll now (see the module's docstring)."""
    method = PollMethod(poll.method)
    closed = poll.state == PollState.CLOSED.value
    named = closed and method.named and poll.kind != "election"
    participants = (
        list(
            session.scalars(
                select(Participation.mandate_id)
                .where(Participation.poll_id == poll.id)
                .order_by(Participation.mandate_id)
            )
        )
        if closed
        else None
    )
    return PollRead(
        id=poll.id,
        sitting=poll.sitting_id,
        motion=poll.motion_id,
        question=poll.question,
        method=poll.method,
        kind=poll.kind,
        options=list(poll.options),
        allow_change=poll.allow_change,
        state=poll.state,
        opened_at=poll.opened_at,
        closed_at=poll.closed_at,
        rule=RuleRead(**{k: poll.rule[k] for k in RuleRead.model_fields}),
        entitled=_count(session, PollElector.poll_id, poll.id),
        voted=None
        if method.counted_by_tellers
        else _count(session, Participation.poll_id, poll.id),
        result=_result(session, poll) if closed else None,
        participants=participants,
        votes=_votes(session, poll) if named else None,
    )


@router.post("/sittings/{sitting}/polls", status_code=201, response_model=PollRead)
def open_poll(
    sitting: int, body: PollCreate, request: Request, database: DB, ctx: Chair
) -> JSONResponse:
    """Put a question to the members present; the electorate is frozen now."""

    def work(session: Session, org: Organization, ctx: Context) -> PollRead:
        poll = polls.open_poll(
            session,
            org,
            sitting,
            question=body.question,
            method=body.method,
            options=body.options,
            allow_change=body.allow_change,
            actor=ctx.actor,
        )
        return poll_read(session, poll)

    return perform(database, request, ctx, "poll.open", work, body=body, status=201)


@router.get("/sittings/{sitting}/polls")
def sitting_polls(
    sitting: int, ctx: Reader, database: DB, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[PollRead]:
    """The polls of a sitting, in the order they were opened."""
    after = decode_cursor(cursor) or 0
    if not isinstance(after, int):
        raise InvalidInput("query:cursor: not a cursor this server issued")

    def work(session: Session, org: Organization, ctx: Context) -> Page[PollRead]:
        get_sitting(session, org, sitting)
        rows = list(
            session.scalars(
                select(Poll)
                .where(Poll.sitting_id == sitting, Poll.organization_id == org.id, Poll.id > after)
                .order_by(Poll.id)
                .limit(limit + 1)
            )
        )
        page = rows[:limit]
        return Page(
            items=[poll_read(session, p) for p in page],
            next_cursor=encode_cursor(page[-1].id) if len(rows) > limit else None,
        )

    result: Page[PollRead] = read(database, ctx, work)
    return result


@router.get("/polls/{poll}")
def get_poll(poll: int, ctx: Reader, database: DB) -> PollRead:
    """A poll: progress while open, totals and outcome after close."""

    def work(session: Session, org: Organization, ctx: Context) -> PollRead:
        return poll_read(session, polls.get_poll(session, org, poll))

    result: PollRead = read(database, ctx, work)
    return result


@router.post("/polls/{poll}/ballots", status_code=201, response_model=BallotRead)
def cast(poll: int, body: BallotCreate, request: Request, database: DB, ctx: Voter) -> JSONResponse:
    """Cast (or, where the poll allows it, change) a ballot through one's own mandate.

    Keep the receipt: after close it proves the ballot's inclusion in the sealed tree.
    """
    key = request.headers.get("Idempotency-Key")

    def work(session: Session, org: Organization, ctx: Context) -> dict[str, Any]:
        authorize("poll.cast", ctx.who, mandate_id=body.mandate)
        receipt = polls.cast_ballot(
            session,
            org,
            poll,
            body.mandate,
            body.choice or "",
            receipt=body.receipt,
            ranking=body.ranking,
        )
        return {"poll": poll, "receipt": mask_receipt(request, ctx, key, receipt)}

    fingerprint = cast_fingerprint(request, body)
    response = perform(database, request, ctx, "poll.cast", work, body=fingerprint, status=201)
    return unmask_receipt(request, ctx, key, response)


@router.post("/polls/{poll}/counts", response_model=PollRead)
def enter_counts(
    poll: int, body: HandCountCreate, request: Request, database: DB, ctx: Teller
) -> JSONResponse:
    """Enter the tellers' counts of a show of hands (a later entry replaces an earlier)."""

    def work(session: Session, org: Organization, ctx: Context) -> PollRead:
        polls.enter_hand_counts(session, org, poll, body.counts, actor=ctx.actor)
        return poll_read(session, polls.get_poll(session, org, poll))

    return perform(database, request, ctx, "poll.count", work, body=body)


@router.post("/polls/{poll}/close", response_model=PollRead)
def close(
    poll: int, request: Request, database: DB, ctx: Chair, body: PollCloseUpdate | None = None
) -> JSONResponse:
    """Close a poll: count, decide, seal the ballots; a motion's fate follows its poll."""
    given = body or PollCloseUpdate()

    def work(session: Session, org: Organization, ctx: Context) -> PollRead:
        found = polls.get_poll(session, org, poll)
        vote: bool | str | None = given.casting_vote
        if is_yes_no(found.options) and vote is not None:
            if vote not in ("yes", "no"):
                raise InvalidInput("casting_vote: on a yes/no question, yes or no")
            vote = vote == "yes"
        motions.close_vote(session, org, poll, casting_vote=vote, actor=ctx.actor)
        return poll_read(session, polls.get_poll(session, org, poll))

    return perform(database, request, ctx, "poll.open", work, body=given)


@router.get("/polls/{poll}/proof")
def proof(
    poll: int,
    ctx: Reader,
    database: DB,
    receipt: Annotated[str, Query(min_length=1, max_length=64, description="The receipt.")],
) -> ProofRead:
    """The inclusion proof of the ballot with this receipt, to check against the root that
    the journal's `poll.closed` entry carries."""

    def work(session: Session, org: Organization, ctx: Context) -> ProofRead:
        return ProofRead(**seals.inclusion_proof(session, org, poll, receipt))

    result: ProofRead = read(database, ctx, work)
    return result
