"""Representativeness of polls and bodies, and voting power in a body.

A poll is read once it is closed: who stands behind each choice (named polls), behind each
ballot's weight (card votes) or only behind participation (secret ballots, which never
reveal who chose what) or presence (show of hands).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from tauride.domain.errors import InvalidInput
from tauride.domain.majority import SHARES
from tauride.domain.power import BANZHAF, PowerResult, banzhaf, majority_quota, shapley_shubik
from tauride.queries.analytics import body_representativeness, poll_representativeness
from tauride.queries.organizations import body_members
from tauride.services.organizations import current_constitution
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


class BlocPowerRead(BaseModel):
    name: str
    members: int
    weight: int
    value: float
    """The normalized index: the bloc's share of all power."""
    exact: str
    raw: str
    """Swings (Banzhaf) or pivotal orderings (Shapley–Shubik), in full as a decimal string."""


class BodyPowerRead(BaseModel):
    organization: str
    body: str
    index: str
    bloc: str
    weight: str
    quota: int
    total: int
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


def _quota(total: int, threshold: str) -> int:
    share, strict = SHARES.get(threshold, SHARES["more-than-half"])
    return majority_quota(total, share, at_least=not strict)


@router.get("/bodies/{body}/power", responses={404: {}, 422: {}})
def body_power(
    body: str,
    ctx: Reader,
    database: DB,
    index: Annotated[
        Literal["banzhaf", "shapley-shubik"], Query(description="The power index.")
    ] = "banzhaf",
    bloc: Annotated[
        Literal["faction", "constituency"], Query(description="How members vote together.")
    ] = "faction",
    weight: Annotated[
        Literal["heads", "constituents"] | None,
        Query(description="A vote per member, or a card vote (default: the body's rule)."),
    ] = None,
    quota: Annotated[
        int | None,
        Query(ge=1, description="Weight that wins (default: the body's majority of all)."),
    ] = None,
) -> BodyPowerRead:
    """Each bloc's voting power in a body, counted exactly, when the voting members of a
    faction or a constituency vote together."""
    with database.unit_of_work() as session:
        members = [m for m in body_members(session, ctx.slug, body) if not m.consultative]
        _, constitution = current_constitution(session, ctx.org_id)
    rule = constitution.bodies.get(body)
    threshold = rule.majority.threshold if rule else "more-than-half"
    card = rule.majority.weighted if rule else False
    by = weight or ("constituents" if card else "heads")
    blocs: dict[str, list[int]] = {}
    for m in members:
        name = (
            (m.faction or NO_FACTION) if bloc == "faction" else (m.constituency or NO_CONSTITUENCY)
        )
        blocs.setdefault(name, []).append(m.represents if by == "constituents" else 1)
    weights = [sum(w) for w in blocs.values()]
    total = sum(weights)
    if total == 0:
        raise InvalidInput(f"{body}: no voting weight in this body, so no coalition can win")
    need = quota if quota is not None else _quota(total, threshold)
    if need > total:
        raise InvalidInput(f"query:quota: {need} exceeds the total weight {total}")
    count: Callable[[list[int], int], PowerResult] = banzhaf if index == BANZHAF else shapley_shubik
    try:
        result = count(weights, need)
    except ValueError as error:  # a game too large to count exactly
        raise InvalidInput(str(error)) from None
    return BodyPowerRead(
        organization=ctx.slug,
        body=body,
        index=result.index,
        bloc=bloc,
        weight=by,
        quota=need,
        total=total,
        blocs=[
            BlocPowerRead(
                name=name,
                members=len(blocs[name]),
                weight=w,
                value=round(float(v), 12),
                exact=_exact(v),
                raw=str(raw),
            )
            for name, w, v, raw in zip(blocs, weights, result.values, result.raw, strict=True)
        ],
    )


def _exact(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"
