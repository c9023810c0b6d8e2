"""Apportionment preview: seats from sizes by a fixed house or a ratio, nothing written.

What `tauride apportion` does with a sizes file: the sizes are given in the body, or taken
from the organization's own constituencies of one kind, to see what another rule would give.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, Organization
from tauride.domain.apportionment import (
    ALIASES,
    METHODS,
    apportion,
    apportion_by_ratio,
    canonical_method,
    exact_quotas,
)
from tauride.domain.errors import InvalidInput
from tauride.web.acts import read
from tauride.web.auth import Act, Context
from tauride.web.database import DB

router = APIRouter(prefix="/organizations/{slug}/apportionment", tags=["constituencies"])

Reader = Annotated[Context, Depends(Act("constitution.read"))]

MAX_UNITS = 10_000


class SizeLine(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=300)]
    size: Annotated[int, Field(ge=0, le=10**12)]
    group: Annotated[str | None, Field(max_length=300)] = None


class ApportionmentPreviewCreate(BaseModel):
    """Either `seats` and `method` (a fixed house) or `ratio` (one seat per so many), over
    the `sizes` given or the organization's constituencies of `kind`."""

    sizes: Annotated[list[SizeLine] | None, Field(max_length=MAX_UNITS)] = None
    kind: Annotated[str | None, Field(max_length=64)] = None
    seats: Annotated[int | None, Field(ge=0, le=1_000_000)] = None
    method: Annotated[str | None, Field(max_length=64)] = None
    ratio: Annotated[int | None, Field(gt=0, le=10**12)] = None
    rounding: Literal["down", "up", "nearest"] | None = None
    minimum: Annotated[int | None, Field(ge=0, le=1_000_000)] = None
    group_below: bool = False


class ApportionmentLineRead(BaseModel):
    name: str
    size: int
    seats: int
    members: list[str]
    """The constituencies electing together (a lone constituency lists itself)."""
    quota: float | None
    """With a fixed house: the exact share of the house, size × seats / total, rounded."""
    exact_quota: str | None


class ApportionmentPreviewRead(BaseModel):
    rule: str
    seats: int
    lines: list[ApportionmentLineRead]


def _problems(body: ApportionmentPreviewCreate) -> list[str]:
    """Every mistake in the request, as the command line's options report them."""
    problems: list[str] = []
    if (body.sizes is None) == (body.kind is None):
        problems.append("give exactly one of sizes (a list) and kind (a constituency kind)")
    if (body.seats is None) == (body.ratio is None):
        problems.append("give exactly one of seats (a fixed house) and ratio (one seat per N)")
    if body.seats is not None and body.method is None:
        names = ", ".join([*METHODS, *ALIASES])
        problems.append(f"method: required with seats (one of: {names})")
    if body.method is not None:
        if body.seats is None:
            problems.append("method: applies only with seats")
        try:
            canonical_method(body.method)
        except ValueError as error:
            problems.append(f"method: {error}")
    ratio_only = [
        name
        for name, given in (
            ("rounding", body.rounding is not None),
            ("minimum", body.minimum is not None),
            ("group_below", body.group_below),
        )
        if given
    ]
    if body.ratio is None and ratio_only:
        problems.append(f"only with ratio: {', '.join(ratio_only)}")
    first: dict[str, int] = {}
    for i, line in enumerate(body.sizes or []):
        if line.name in first:
            problems.append(f"sizes[{i}].name: duplicate of sizes[{first[line.name]}]")
        first.setdefault(line.name, i)
    return problems


def _sizes_of_kind(session: Session, org: Organization, kind: str) -> list[SizeLine]:
    rows = session.execute(
        select(Constituency.name, Constituency.size, Constituency.group_label)
        .where(
            Constituency.organization_id == org.id,
            Constituency.kind == kind,
            Constituency.is_group.is_(False),
        )
        .order_by(Constituency.id)
    ).all()
    if not rows:
        raise InvalidInput(f"kind: no constituencies of kind '{kind}' in {org.slug}")
    return [SizeLine(name=n, size=s, group=g) for n, s, g in rows]


def _rounded(value: Fraction) -> float:
    return math.floor(value * 10**6 + Fraction(1, 2)) / 10**6


def preview_of(body: ApportionmentPreviewCreate, lines: list[SizeLine]) -> ApportionmentPreviewRead:
    """Seats under the rule asked for; a tie the rule cannot decide is refused."""
    sizes = {line.name: line.size for line in lines}
    try:
        if body.seats is not None and body.method is not None:
            method = canonical_method(body.method)
            seats = apportion(sizes, body.seats, method)
            quotas = exact_quotas(sizes, body.seats)
            return ApportionmentPreviewRead(
                rule=f"{body.seats} seats by {method}",
                seats=sum(seats.values()),
                lines=[
                    ApportionmentLineRead(
                        name=name,
                        size=size,
                        seats=seats[name],
                        members=[name],
                        quota=_rounded(quotas[name]),
                        exact_quota=str(quotas[name]),
                    )
                    for name, size in sizes.items()
                ],
            )
        assert body.ratio is not None
        groups = {line.name: line.group for line in lines if line.group}
        result = apportion_by_ratio(
            sizes,
            body.ratio,
            rounding=body.rounding or "down",
            minimum=body.minimum or 0,
            group_below=body.group_below,
            groups=groups if body.group_below else None,
        )
    except ValueError as error:  # impossible inputs: every size 0, a name used twice
        raise InvalidInput(str(error)) from None
    return ApportionmentPreviewRead(
        rule=f"one seat per {body.ratio}",
        seats=sum(result.seats.values()),
        lines=[
            ApportionmentLineRead(
                name=name,
                size=result.sizes[name],
                seats=seats,
                members=list(result.members[name]),
                quota=None,
                exact_quota=None,
            )
            for name, seats in result.seats.items()
        ],
    )


@router.post("/preview", responses={409: {}, 422: {}})
def preview(
    body: ApportionmentPreviewCreate, ctx: Reader, database: DB
) -> ApportionmentPreviewRead:
    """Seats per constituency under a fixed house (hamilton, jefferson/dhondt,
    webster/sainte-lague, huntington-hill, adams) or a ratio rule; nothing is written. A tie
    the method cannot decide is refused as `/problems/apportionment-tie`."""
    problems = _problems(body)
    if problems:
        raise InvalidInput(problems)
    if body.sizes is not None:
        return preview_of(body, body.sizes)
    kind = body.kind or ""
    lines = [
        SizeLine.model_validate(line)
        for line in read(database, ctx, lambda s, org, _: _sizes_of_kind(s, org, kind))
    ]
    return preview_of(body, lines)
