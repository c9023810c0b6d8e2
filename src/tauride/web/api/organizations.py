"""Organizations, their bodies and members: read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from tauride.queries.organizations import (
    body_members,
    list_organizations,
    organization_summary,
)
from tauride.web.auth import Act, Context
from tauride.web.database import DB
from tauride.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/organizations", tags=["organizations"])

Reader = Annotated[Context, Depends(Act("organization.read"))]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]


class OrganizationLine(BaseModel):
    slug: str
    name: str


class ConstituencyKindRead(BaseModel):
    kind: str
    name: str
    unit: str
    units: int
    size: int
    seats: int
    consultative_seats: int


class BodyRead(BaseModel):
    key: str
    name: str
    kind: str
    voting: int
    consultative: int
    quorum: str
    quorum_count: int


class JournalHeadRead(BaseModel):
    height: int
    head: str | None


class OrganizationRead(BaseModel):
    slug: str
    name: str
    constitution_version: int
    constituency_kinds: list[ConstituencyKindRead]
    mandates_voting: int
    mandates_consultative: int
    bodies: list[BodyRead]
    journal: JournalHeadRead


class MemberRead(BaseModel):
    mandate: int
    person: str
    constituency: str | None
    faction: str | None
    basis: str
    consultative: bool
    represents: int
    roll_position: int = Field(
        description="Place on the body's roll: the order in which the members took their seats."
    )


@router.get("")
def list_all(
    database: DB, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[OrganizationLine]:
    """Every organization in this database, by slug."""
    after = decode_cursor(cursor)
    with database.unit_of_work() as session:
        rows = [r for r in list_organizations(session) if after is None or r[0] > str(after)]
    page = rows[:limit]
    more = len(rows) > limit
    return Page(
        items=[OrganizationLine(slug=s, name=n) for s, n in page],
        next_cursor=encode_cursor(page[-1][0]) if more and page else None,
    )


@router.get("/{slug}")
def read(ctx: Reader, database: DB) -> OrganizationRead:
    """What the organization consists of now: constituencies, mandates, bodies, journal head."""
    with database.unit_of_work() as session:
        s = organization_summary(session, ctx.slug)
    return OrganizationRead(
        slug=s.slug,
        name=s.name,
        constitution_version=s.constitution_version,
        constituency_kinds=[ConstituencyKindRead(**k.__dict__) for k in s.kinds],
        mandates_voting=s.mandates_voting,
        mandates_consultative=s.mandates_consultative,
        bodies=[BodyRead(**b.__dict__) for b in s.bodies],
        journal=JournalHeadRead(height=s.journal_height, head=s.journal_head),
    )


@router.get("/{slug}/bodies/{body}/members")
def members(body: str, ctx: Reader, database: DB) -> list[MemberRead]:
    """The current members of a body, voting members first, then by name; `roll_position`
    gives the order of the body's roll."""
    with database.unit_of_work() as session:
        lines = body_members(session, ctx.slug, body)
    return [MemberRead(**m.__dict__) for m in lines]
