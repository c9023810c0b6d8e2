"""Representativeness of polls and bodies, and voting power in a body.

A poll is read once it is closed: who stands behind each choice (named polls), behind each
ballot's weight (card votes) or only behind participation (secret ballots, which never
reveal who chose what) or presence (show of hands).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from tauride.domain.bloc_power import BlocLine, BlocShare
from tauride.domain.errors import InvalidInput
from tauride.queries.analytics import Bloc, Weight, body_representativeness
from tauride.queries.analytics import body_power as measure_power
from tauride.queries.poll_analytics import poll_representativeness
from tauride.web.auth import Act, Context
from tauride.web.database import DB

router = APIRouter(prefix="/organizations/{slug}", tags=["analytics"])

Reader = Annotated[Context, Depends(Act("analytics.read"))]

NO_FACTION = "(no faction)"
NO_CONSTITUENCY = "(no constituency)"


class ExtremeRead(BaseModel):
    constituency: str
    value: float | None


class PerSeatRead(BaseModel):
    mean: float | None
    min: ExtremeRead
    max: ExtremeRead
    max_min_ratio: float | None


class ShareLineRead(BaseModel):
    name: str
    kind: str
    units: int
    constituents: int
    seats: int
    per_seat: float | None
    population_share: float | None
    seat_share: float | None
    voice: float | None


class KindLineRead(ShareLineRead):
    unit: str


class BetweenKindsRead(BaseModel):
    loosemore_hanby: float | None
    gallagher: float


class DisparityRead(BaseModel):
    favoured: str
    against: str
    ratio: float | None


class ExactRead(BaseModel):
    """The same measures as exact fractions, "n/d"."""

    mean_per_seat: str | None
    max_min_ratio: str | None
    loosemore_hanby: str | None
    gallagher_squared: str | None
    disparity: str | None


class BodyRepresentativenessRead(BaseModel):
    organization: str
    body: str
    name: str
    constituents: int
    seats: int
    per_seat: PerSeatRead
    loosemore_hanby: float | None
    gallagher: float
    between_kinds: BetweenKindsRead
    kinds: list[KindLineRead]
    disparity: DisparityRead | None
    constituencies: list[ShareLineRead]
    unrepresented: list[str]
    exact: ExactRead


class BackingRead(BaseModel):
    heads: int | None
    constituents: int | None


class OutcomeRead(BaseModel):
    verdict: str
    carried: bool | None
    winner: str | None
    figure: str
    reason: str


class PollRepresentativenessRead(BaseModel):
    organization: str
    poll: int
    body: str
    question: str
    method: str
    kind: str
    attribution: str
    note: str
    options: dict[str, BackingRead]
    voted: BackingRead
    did_not_vote: BackingRead
    not_present: BackingRead
    absent: BackingRead
    present: BackingRead
    members: BackingRead
    recorded: dict[str, Any] | None
    by_heads: OutcomeRead | None
    by_constituents: OutcomeRead | None
    differs: bool | None


class IntervalRead(BaseModel):
    """The 95% interval of an estimated share."""

    low: float
    high: float


class BlocPowerRead(BaseModel):
    name: str
    members: int
    weight: int
    value: float = Field(description="The normalized index: the bloc's share of all power.")
    exact: str | None = Field(
        description='The share as an exact fraction, "n/d"; null when estimated.'
    )
    raw: str | None = Field(
        description="Swings (Banzhaf) or pivotal orderings (Shapley–Shubik), in full as a"
        " decimal string; null when estimated."
    )
    interval: IntervalRead | None = Field(
        description="The 95% interval of an estimated share; null when counted exactly."
    )


class BodyPowerRead(BaseModel):
    organization: str
    body: str
    index: str
    bloc: str
    weight: str
    quota: int
    total: int
    exact: bool = Field(
        description="Whether the shares were counted exactly. A game too large to count on"
        " request (blocs² × total weight / 64 over ten million) is estimated instead."
    )
    samples: int | None = Field(
        description="How many random coalitions or orderings the estimates drew (null when"
        " exact); the same game always gives the same estimates."
    )
    seed: int | None = Field(description="The random seed of the estimates (null when exact).")
    blocs: list[BlocPowerRead]


@router.get("/polls/{poll}/representativeness", responses={404: {}, 409: {}})
def poll_report(poll: int, ctx: Reader, database: DB) -> PollRepresentativenessRead:
    """Who stands behind a closed poll's choices, abstentions and absences, and how the
    poll would be decided by heads and by the constituents behind the seats."""
    with database.unit_of_work() as session:
        report = poll_representativeness(session, ctx.slug, poll)
    return PollRepresentativenessRead.model_validate(report.as_dict())


@router.get("/bodies/{body}/representativeness", responses={404: {}, 422: {}})
def body_report(body: str, ctx: Reader, database: DB) -> BodyRepresentativenessRead:
    """How a body's voting seats are shared against the constituents behind them:
    constituents per seat, Loosemore–Hanby and Gallagher indices, by kind and constituency."""
    with database.unit_of_work() as session:
        report = body_representativeness(session, ctx.slug, body)
    return BodyRepresentativenessRead.model_validate(report.as_dict())


@router.get("/bodies/{body}/power", responses={404: {}, 422: {}})
def body_power(
    body: str,
    ctx: Reader,
    database: DB,
    index: Annotated[
        Literal["banzhaf", "shapley-shubik"], Query(description="The power index.")
    ] = "banzhaf",
    bloc: Annotated[Bloc, Query(description="How members vote together.")] = "faction",
    weight: Annotated[
        Weight | None,
        Query(description="A vote per member, or a card vote (default: the body's rule)."),
    ] = None,
    quota: Annotated[
        int | None,
        Query(ge=1, description="Weight that wins (default: the body's majority of all)."),
    ] = None,
) -> BodyPowerRead:
    """Each bloc's voting power in a body when the voting members of a faction or a
    constituency vote together: counted exactly where that is cheap enough, else estimated
    from random draws with a fixed seed, with 95% intervals (`exact` says which)."""
    with database.unit_of_work() as session:
        power = measure_power(
            session, ctx.slug, body, bloc=bloc, weight=weight, quota=quota, indices=(index,)
        )
    game = power.game
    if game.total == 0:
        raise InvalidInput(f"{body}: no voting weight in this body, so no coalition can win")
    nobody = NO_FACTION if bloc == "faction" else NO_CONSTITUENCY
    return BodyPowerRead(
        organization=ctx.slug,
        body=body,
        index=index,
        bloc=bloc,
        weight=power.weight,
        quota=game.quota,
        total=game.total,
        exact=game.exact,
        samples=game.samples,
        seed=game.seed,
        blocs=[_bloc(line.name or nobody, line, line.shares[index]) for line in game.blocs],
    )


def _bloc(name: str, line: BlocLine, share: BlocShare) -> BlocPowerRead:
    return BlocPowerRead(
        name=name,
        members=line.members,
        weight=line.weight,
        value=round(share.value, 12),
        exact=None if share.exact is None else _exact(share.exact),
        raw=None if share.raw is None else str(share.raw),
        interval=None
        if share.interval is None
        else IntervalRead(low=share.interval[0], high=share.interval[1]),
    )


def _exact(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"
