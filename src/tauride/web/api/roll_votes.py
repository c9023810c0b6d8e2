"""Roll votes: a constituency's secret ballot of its roll, cast with one-time codes.

The secretariat opens a vote on the constituency's vacant seats or on a recall that
reached its threshold, issues the codes once — the code sheet is in that one response,
never stored and never shown again — and closes the vote, which seals, counts, and seats
the winners or decides the recall. Anyone holding a code casts with it: the code is the
credential, so the cast needs no account, is limited per client address, and records
nobody — its Idempotency-Key record names no account and keeps the receipt masked (see
`ballot_privacy`). The answer to a cast is its receipt, nothing more.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.db.roll_votes import RollVote
from tauride.domain.authorization import ANONYMOUS
from tauride.domain.errors import InvalidInput
from tauride.services import roll_vote_counts, roll_votes
from tauride.web import idempotency
from tauride.web.acts import perform, read
from tauride.web.api.ballot_privacy import cast_fingerprint, mask_receipt, unmask_receipt
from tauride.web.auth import Act, Context
from tauride.web.database import DB
from tauride.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/organizations/{slug}/roll-votes", tags=["roll votes"])

Reader = Annotated[Context, Depends(Act("vote.read"))]
Manager = Annotated[Context, Depends(Act("vote.manage"))]
Caster = Annotated[Context, Depends(Act("vote.cast_code"))]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]
# SQLite hands timestamps back without their zone; they were written in UTC.
Utc = Annotated[
    dt.datetime, AfterValidator(lambda at: at if at.tzinfo else at.replace(tzinfo=dt.UTC))
]
Name = Annotated[str, Field(min_length=1, max_length=300)]


class ElectionVoteCreate(BaseModel):
    """A vote of the roll on the constituency's vacant seats."""

    constituency: Annotated[str, Field(min_length=1, max_length=300)]
    candidates: Annotated[list[Name], Field(min_length=1, max_length=500)]
    method: Annotated[
        str | None,
        Field(max_length=32, description="One the constitution allows (default: its first)."),
    ] = None


class RecallVoteCreate(BaseModel):
    """The recall ballot of a petition that reached its threshold, held with codes."""

    recall: int


class CodeBallotCreate(BaseModel):
    """A ballot cast with a one-time code: a recall's yes, no or abstain, or in an election
    one candidate (`choice`) or a ranking, most preferred first."""

    code: Annotated[str, Field(min_length=1, max_length=64, description="As on the code sheet.")]
    choice: Annotated[str | None, Field(max_length=300)] = None
    ranking: Annotated[list[Name] | None, Field(max_length=500)] = None

    @model_validator(mode="after")
    def _one_of_choice_or_ranking(self) -> CodeBallotCreate:
        if (self.choice is None) == (self.ranking is None):
            raise ValueError("give either a choice or (in an election) a ranking")
        return self


class CodeReceiptRead(BaseModel):
    """What the voter keeps: after the close it proves the ballot's inclusion."""

    receipt: str


class IssuedCodeRead(BaseModel):
    constituency: str
    roll_number: str
    name: str
    code: str


class CodeSheetRead(BaseModel):
    """The code sheet: hand each code out once. It is not stored and cannot be shown again."""

    vote: int
    codes: list[IssuedCodeRead]


class RollResultRead(BaseModel):
    counts: dict[str, int] = Field(description="Per option (first preferences; '' is blank).")
    carried: bool | None = Field(default=None, description="A recall: whether it carried.")
    elected: list[str] | None = Field(default=None, description="An election: who was seated.")
    seed: int | None = Field(default=None, description="The lot seed from the Merkle root.")


class RollVoteRead(BaseModel):
    id: int
    kind: str = Field(description="election or recall.")
    constituency: str
    recall: int | None
    seats: int
    method: str
    options: list[str]
    state: str
    codes_issued: int
    codes_used: int
    opened_at: Utc
    closed_at: Utc | None
    ballots: int | None
    merkle_root: str | None
    result: RollResultRead | None


class RollProofRead(BaseModel):
    """An RFC 9162 inclusion proof: the leaf at `index` of `tree_size` hashes up to `root`."""

    vote: int
    choice: str | None
    ranking: list[str] | None
    leaf: str
    index: int
    tree_size: int
    proof: list[str]
    root: str


def vote_read(data: dict[str, Any]) -> RollVoteRead:
    fields = {k: data[k] for k in RollVoteRead.model_fields if k not in ("id", "result")}
    result = RollResultRead(**data["result"]) if data["result"] is not None else None
    return RollVoteRead(id=data["vote"], result=result, **fields)


@router.post("/elections", status_code=201, response_model=RollVoteRead)
def open_election(
    body: ElectionVoteCreate, request: Request, database: DB, ctx: Manager
) -> JSONResponse:
    """Open a vote of the roll on the constituency's vacant seats, by an allowed method."""

    def work(session: Session, org: Organization, ctx: Context) -> RollVoteRead:
        vote = roll_votes.open_election_vote(
            session,
            org,
            body.constituency,
            candidates=body.candidates,
            method=body.method,
            actor=ctx.actor,
        )
        return vote_read(roll_votes.vote_state(session, org, vote.id))

    return perform(database, request, ctx, "vote.manage", work, body=body, status=201)


@router.post("/recalls", status_code=201, response_model=RollVoteRead)
def open_recall(
    body: RecallVoteCreate, request: Request, database: DB, ctx: Manager
) -> JSONResponse:
    """Hold a recall ballot as a vote of the roll with codes (instead of tellers' counts)."""

    def work(session: Session, org: Organization, ctx: Context) -> RollVoteRead:
        vote = roll_votes.open_recall_vote(session, org, body.recall, actor=ctx.actor)
        return vote_read(roll_votes.vote_state(session, org, vote.id))

    return perform(database, request, ctx, "vote.manage", work, body=body, status=201)


@router.get("")
def list_votes(
    ctx: Reader, database: DB, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[RollVoteRead]:
    """Roll votes, oldest first."""
    after = decode_cursor(cursor) or 0
    if not isinstance(after, int):
        raise InvalidInput("query:cursor: not a cursor this server issued")

    def work(session: Session, org: Organization, ctx: Context) -> Page[RollVoteRead]:
        rows = list(
            session.scalars(
                select(RollVote.id)
                .where(RollVote.organization_id == org.id, RollVote.id > after)
                .order_by(RollVote.id)
                .limit(limit + 1)
            )
        )
        page = rows[:limit]
        return Page(
            items=[vote_read(roll_votes.vote_state(session, org, v)) for v in page],
            next_cursor=encode_cursor(page[-1]) if len(rows) > limit else None,
        )

    result: Page[RollVoteRead] = read(database, ctx, work)
    return result


@router.get("/{vote}")
def get_vote(vote: int, ctx: Reader, database: DB) -> RollVoteRead:
    """A vote: its state, codes issued and used, and the result once closed."""

    def work(session: Session, org: Organization, ctx: Context) -> RollVoteRead:
        return vote_read(roll_votes.vote_state(session, org, vote))

    result: RollVoteRead = read(database, ctx, work)
    return result


@router.post("/{vote}/codes", status_code=201, response_model=CodeSheetRead)
def issue_codes(vote: int, request: Request, database: DB, ctx: Manager) -> JSONResponse:
    """Issue one code to every constituent on the roll, once, and give the code sheet.

    The sheet is in this response only: it is stored nowhere, so this request takes no
    Idempotency-Key (a replay would need it stored), and a second request is refused with
    `codes-issued`. A lost code is not replaced.
    """
    if request.headers.get(idempotency.HEADER) is not None:
        raise InvalidInput(
            f"{idempotency.HEADER}: the code sheet is given once and stored nowhere, so this "
            "request cannot be replayed; send it without the header"
        )

    def work(session: Session, org: Organization, ctx: Context) -> CodeSheetRead:
        sheet = roll_votes.issue_codes(session, org, vote, actor=ctx.actor)
        return CodeSheetRead(
            vote=vote,
            codes=[
                IssuedCodeRead(
                    constituency=c.unit, roll_number=c.roll_number, name=c.name, code=c.code
                )
                for c in sheet
            ],
        )

    response = perform(database, request, ctx, "vote.manage", work, status=201)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/{vote}/ballots", status_code=201, response_model=CodeReceiptRead)
def cast(
    vote: int, body: CodeBallotCreate, request: Request, database: DB, ctx: Caster
) -> JSONResponse:
    """Cast a ballot with a one-time code; the answer is the receipt and nothing else.

    No account is needed or recorded, even if the request carries one.
    """
    key = request.headers.get(idempotency.HEADER)
    nobody = Context(ctx.org_id, ctx.slug, ANONYMOUS)

    def work(session: Session, org: Organization, _: Context) -> dict[str, Any]:
        receipt = roll_votes.cast_with_code(
            session, org, vote, body.code, choice=body.choice, ranking=body.ranking
        )
        return {"receipt": mask_receipt(request, nobody, key, receipt)}

    fingerprint = cast_fingerprint(request, body)
    response = perform(
        database, request, nobody, "vote.cast_code", work, body=fingerprint, status=201
    )
    return unmask_receipt(request, nobody, key, response)


@router.post("/{vote}/close", response_model=RollVoteRead)
def close(vote: int, request: Request, database: DB, ctx: Manager) -> JSONResponse:
    """Close the vote: seal the ballots, count them, seat the winners or decide the recall."""

    def work(session: Session, org: Organization, ctx: Context) -> RollVoteRead:
        return vote_read(roll_vote_counts.close_vote(session, org, vote, actor=ctx.actor))

    return perform(database, request, ctx, "vote.manage", work)


@router.get("/{vote}/proof")
def proof(
    vote: int,
    ctx: Reader,
    database: DB,
    receipt: Annotated[str, Query(min_length=1, max_length=64, description="The receipt.")],
) -> RollProofRead:
    """The inclusion proof of the ballot with this receipt, to check against the root that
    the journal's `vote.closed` entry carries."""

    def work(session: Session, org: Organization, ctx: Context) -> RollProofRead:
        return RollProofRead(**roll_vote_counts.inclusion_proof(session, org, vote, receipt))

    result: RollProofRead = read(database, ctx, work)
    return result
