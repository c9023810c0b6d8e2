"""The constitution document: the rules an organization declares, as a pydantic model."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
Key = Annotated[str, Field(pattern=KEY_PATTERN, max_length=64)]

BodyKind = Literal["plenary", "section", "executive", "conference", "committee"]
ElectionMethod = Literal[
    "plurality",
    "approval",
    "borda",
    "irv",
    "scottish-stv",
    "meek",
    "wigm",
    "schulze",
    "ranked-pairs",
]
ApportionmentMethod = Literal[
    "hamilton", "jefferson", "dhondt", "webster", "sainte-lague", "huntington-hill", "adams"
]
Threshold = Literal["more-than-half", "two-thirds", "three-fifths", "unanimity", "plurality"]
MajorityBase = Literal["cast", "cast-and-abstentions", "present", "members"]

_SHARE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$|^\s*(\d+(?:\.\d+)?)\s*%\s*$|^\s*(\d*\.\d+|\d+)\s*$")


def _to_share(value: object) -> Fraction:
    """Read a share written as "1/2", "50%", "0.5" or 0.5 into an exact fraction."""
    if isinstance(value, Fraction):
        share = value
    elif isinstance(value, bool):
        raise ValueError('must be a share such as "1/2", "50%" or 0.5')
    elif isinstance(value, int):
        share = Fraction(value)
    elif isinstance(value, float):
        # TOML floats are decimal literals; read them as the decimal the user wrote.
        share = Fraction(repr(value))
    elif isinstance(value, str) and (match := _SHARE.match(value)):
        numerator, denominator, percent, decimal = match.groups()
        if numerator is not None:
            if int(denominator) == 0:
                raise ValueError("must not divide by zero")
            share = Fraction(int(numerator), int(denominator))
        elif percent is not None:
            share = Fraction(percent) / 100
        else:
            share = Fraction(decimal)
    else:
        raise ValueError('must be a share such as "1/2", "50%" or 0.5')
    if not 0 <= share <= 1:
        raise ValueError("must be between 0 and 1")
    return share


Share = Annotated[
    Fraction,
    BeforeValidator(_to_share),
    PlainSerializer(lambda f: f"{f.numerator}/{f.denominator}", return_type=str),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OrganizationInfo(_Strict):
    slug: Key
    name: Annotated[str, Field(min_length=1, max_length=300)]
    description: str = ""


class Faction(_Strict):
    name: Annotated[str, Field(min_length=1)]


class ConstituencyKind(_Strict):
    """What a kind of constituency is and what its size counts."""

    name: Annotated[str, Field(min_length=1)]
    unit: str = "constituents"
    # A federation constituency is itself a lower body or member organization.
    federation: bool = False


class RepresentationRule(_Strict):
    """How many seats a constituency of this kind gets.

    `ratio`: one seat per `ratio` constituents, rounded, at least `minimum`; small units
    may be grouped to reach the ratio. `per-unit`: `seats` per constituency whatever its
    size. `house`: a fixed total of `seats` shared among all constituencies of the kind by
    an apportionment `method`.

    Federation thresholds: units of `voting_from` or more send voting delegates; units of
    `consultative_from` up to `voting_from` send `consultative_seats` consultative ones;
    smaller units send none.
    """

    rule: Literal["ratio", "per-unit", "house"]
    ratio: Annotated[int, Field(gt=0)] | None = None
    rounding: Literal["down", "up", "nearest"] = "down"
    minimum: Annotated[int, Field(ge=0)] = 0
    group_below: bool = False
    seats: Annotated[int, Field(ge=0)] | None = None
    method: ApportionmentMethod | None = None
    voting_from: Annotated[int, Field(ge=0)] | None = None
    consultative_from: Annotated[int, Field(ge=0)] | None = None
    consultative_seats: Annotated[int, Field(ge=0)] = 1


class MajorityRule(_Strict):
    """The default rule by which a body decides."""

    threshold: Threshold = "more-than-half"
    base: MajorityBase = "cast"
    # Card vote: each mandate weighs the constituents it represents.
    weighted: bool = False
    tie: Literal["lost", "casting-vote"] = "lost"


class ConsultativeSeats(_Strict):
    """Seats with a voice and no vote for a named group (a party, an outside body)."""

    faction: Key
    seats: Annotated[int, Field(ge=1)]


class BodyRule(_Strict):
    """A body and the rules of its composition, quorum and majority."""

    name: Annotated[str, Field(min_length=1)]
    kind: BodyKind
    # Composition: every rule listed adds members; a body needs at least one.
    from_kinds: list[Key] = []
    from_bodies: list[Key] = []
    elected_by: Key | None = None
    seats: Annotated[int, Field(ge=1)] | None = None
    method: ElectionMethod | None = None
    runners_up_as_alternates: bool = False
    # Whether an alternate may take the seat of an absent principal at a sitting.
    alternates_sit_in: bool = False
    ex_officio: list[Key] = []
    consultative: list[ConsultativeSeats] = []
    quorum: Share = Fraction(1, 2)
    majority: MajorityRule = MajorityRule()


class Office(_Strict):
    """An elected position, recallable by those who elected it: a body (`elected_by` names
    a body), or each unit of a constituency kind (`elected_by` names the kind: the office
    exists once per unit, with `holders` places in each — a company's commander)."""

    name: Annotated[str, Field(min_length=1)]
    elected_by: Key
    holders: Annotated[int, Field(ge=1)] = 1


class RecallRule(_Strict):
    """How constituents end a mandate before its term."""

    # Share of the constituency that must sign a petition to trigger a recall ballot.
    threshold: Share = Fraction(1, 2)
    ballot: MajorityRule = MajorityRule()


class ProxyPolicy(_Strict):
    allowed: bool = False
    cap: Annotated[int, Field(ge=1)] = 1


class ElectionPolicy(_Strict):
    methods: Annotated[list[ElectionMethod], Field(min_length=1)] = ["plurality"]


class Constitution(_Strict):
    """An organization's constitution, as declared in its TOML document."""

    organization: OrganizationInfo
    factions: dict[Key, Faction] = {}
    constituency_kinds: Annotated[dict[Key, ConstituencyKind], Field(min_length=1)]
    representation: dict[Key, RepresentationRule] = {}
    bodies: Annotated[dict[Key, BodyRule], Field(min_length=1)]
    offices: dict[Key, Office] = {}
    recall: RecallRule = RecallRule()
    proxy: ProxyPolicy = ProxyPolicy()
    elections: ElectionPolicy = ElectionPolicy()
