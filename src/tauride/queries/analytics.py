"""Read models of representativeness and power: who stands behind a body's seats, and how
voting power is shared among a body's blocs.

Never writes. The figures come from the domain (`domain/malapportionment.py` and
`domain/bloc_power.py`); these functions only gather what it needs from the record.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import (
    Body,
    BodyMembership,
    Constituency,
    ConstitutionVersion,
    Mandate,
)
from tauride.domain.bloc_power import BlocGame, bloc_game, body_quota
from tauride.domain.constitution import Constitution, parse_constitution
from tauride.domain.errors import InvalidInput, NotFound
from tauride.domain.malapportionment import (
    UNATTACHED,
    Malapportionment,
    SeatHolder,
    ShareLine,
    districts_of,
    malapportionment,
)
from tauride.domain.power import INDICES
from tauride.queries.organizations import body_members, organization_by_slug

Bloc = Literal["faction", "constituency"]
Weight = Literal["heads", "constituents"]


def decimal(value: Fraction | None) -> float | None:
    """A ratio for JSON and display: a float rounded to six places (exact forms go apart)."""
    return None if value is None else round(float(value), 6)


def exact(value: Fraction | None) -> str | None:
    """A ratio written exactly, "n/d" (or "n" when whole)."""
    return None if value is None else str(value)


@dataclass(frozen=True)
class KindName:
    """A constituency kind as the constitution names it, and what its size counts."""

    name: str
    unit: str


@dataclass(frozen=True)
class BodyRepresentativeness:
    organization: str
    body: str
    name: str
    kinds: Mapping[str, KindName]
    measures: Malapportionment

    def kind_name(self, kind: str) -> KindName:
        return self.kinds.get(kind, KindName(kind, "constituents"))

    def as_dict(self) -> dict[str, Any]:
        m = self.measures
        disparity = m.kind_disparity()
        return {
            "organization": self.organization,
            "body": self.body,
            "name": self.name,
            "constituents": m.size,
            "seats": m.seats,
            "per_seat": {
                "mean": decimal(m.mean_per_seat),
                "min": {
                    "constituency": m.min_per_seat.name,
                    "value": decimal(m.min_per_seat.per_seat),
                },
                "max": {
                    "constituency": m.max_per_seat.name,
                    "value": decimal(m.max_per_seat.per_seat),
                },
                "max_min_ratio": decimal(m.max_min_ratio),
            },
            "loosemore_hanby": decimal(m.loosemore_hanby),
            "gallagher": round(m.gallagher, 6),
            "between_kinds": {
                "loosemore_hanby": decimal(m.kind_loosemore_hanby),
                "gallagher": round(math.sqrt(m.kind_gallagher_squared), 6),
            },
            "kinds": [
                {
                    **_line(k),
                    "name": self.kind_name(k.kind).name,
                    "unit": self.kind_name(k.kind).unit,
                }
                for k in m.kinds
            ],
            "disparity": None
            if disparity is None
            else {
                "favoured": disparity[0],
                "against": disparity[1],
                "ratio": decimal(disparity[2]),
            },
            "constituencies": [_line(d) for d in m.districts],
            "unrepresented": [d.name for d in m.unrepresented],
            "exact": {
                "mean_per_seat": exact(m.mean_per_seat),
                "max_min_ratio": exact(m.max_min_ratio),
                "loosemore_hanby": exact(m.loosemore_hanby),
                "gallagher_squared": exact(m.gallagher_squared),
                "disparity": exact(disparity[2]) if disparity else None,
            },
        }


def _line(line: ShareLine) -> dict[str, Any]:
    return {
        "name": line.name,
        "kind": line.kind,
        "units": line.units,
        "constituents": line.size,
        "seats": line.seats,
        "per_seat": decimal(line.per_seat),
        "population_share": decimal(line.population_share),
        "seat_share": decimal(line.seat_share),
        "voice": decimal(line.voice),
    }


def _constitution(session: Session, org_id: int) -> Constitution:
    """The rules in force: the organization's latest constitution."""
    source = session.execute(
        select(ConstitutionVersion.source)
        .where(ConstitutionVersion.organization_id == org_id)
        .order_by(ConstitutionVersion.version.desc())
        .limit(1)
    ).scalar_one()
    return parse_constitution(source)


def _kind_names(session: Session, org_id: int) -> dict[str, KindName]:
    kinds = _constitution(session, org_id).constituency_kinds
    return {key: KindName(k.name, k.unit) for key, k in kinds.items()} | {
        UNATTACHED: KindName("No constituency", "constituents")
    }


def body_representativeness(session: Session, slug: str, body_key: str) -> BodyRepresentativeness:
    """Measure how a body's voting seats are shared against the constituents behind them.

    The body's current voting members are grouped by the constituency that elected them; a
    constituency's constituents in the body are what its seated delegates stand for
    (`Mandate.represents`), which is its whole size when all its delegates sit there.
    """
    org = organization_by_slug(session, slug)
    body = session.execute(
        select(Body).where(Body.organization_id == org.id, Body.key == body_key)
    ).scalar_one_or_none()
    if body is None:
        raise NotFound(f"no body '{body_key}' in {slug}")
    rows = session.execute(
        select(Constituency.name, Constituency.kind, Mandate.represents)
        .select_from(BodyMembership)
        .join(Mandate, BodyMembership.mandate_id == Mandate.id)
        .outerjoin(Constituency, Mandate.constituency_id == Constituency.id)
        .where(
            BodyMembership.body_id == body.id,
            BodyMembership.ended_at.is_(None),
            BodyMembership.consultative.is_(False),
        )
        .order_by(Constituency.id.is_(None), Constituency.id, Mandate.id)
    ).all()
    holders = [SeatHolder(name, kind, int(represents)) for name, kind, represents in rows]
    return BodyRepresentativeness(
        organization=org.slug,
        body=body.key,
        name=body.name,
        kinds=_kind_names(session, org.id),
        measures=malapportionment(districts_of(holders)),
    )


@dataclass(frozen=True)
class BodyPower:
    """How voting power is shared in a body when its voting members of a faction (or of a
    constituency) vote together, with a vote per member or a card vote."""

    organization: str
    body: str
    bloc: Bloc
    weight: Weight
    game: BlocGame
    """The blocs, by faction key or constituency name (None for members of neither)."""
    faction_names: Mapping[str, str]


def body_power(
    session: Session,
    slug: str,
    body_key: str,
    *,
    bloc: Bloc = "faction",
    weight: Weight | None = None,
    quota: int | None = None,
    indices: Sequence[str] = INDICES,
) -> BodyPower:
    """Measure each bloc's voting power in a body, within a bounded cost: counted exactly
    where that is cheap (`domain/bloc_power.py`), else estimated and said to be.

    The weight defaults to the body's rule (a card vote weighs what each seat represents)
    and the quota to the body's majority of all the weight. A body without voting weight
    gives an empty game; a quota beyond the total weight is refused.
    """
    org = organization_by_slug(session, slug)
    members = [m for m in body_members(session, slug, body_key) if not m.consultative]
    constitution = _constitution(session, org.id)
    rule = constitution.bodies.get(body_key)
    by: Weight = weight or ("constituents" if rule and rule.majority.weighted else "heads")
    blocs: dict[str | None, list[int]] = {}
    for m in members:
        name = m.faction if bloc == "faction" else m.constituency
        blocs.setdefault(name, []).append(m.represents if by == "constituents" else 1)
    total = sum(map(sum, blocs.values()))
    if quota is None and total:
        quota = body_quota(total, rule.majority.threshold if rule else "more-than-half")
    if total and quota is not None and quota > total:
        raise InvalidInput(f"query:quota: {quota} exceeds the total weight {total}")
    return BodyPower(
        organization=org.slug,
        body=body_key,
        bloc=bloc,
        weight=by,
        game=bloc_game(blocs, quota or 0, indices),
        faction_names={key: f.name for key, f in constitution.factions.items()},
    )
