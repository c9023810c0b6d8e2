"""Constituencies, rolls and mandates: CSV imports, lists, and ending a mandate.

Imports take one CSV file as multipart form data (field `file`), UTF-8 with a header line,
the same files the command line reads. A file is taken whole or not at all: every bad line
is reported with its line number ("constituencies.csv:4: size: 'many' is not a whole
number") and nothing is written. Rolls are personal data: only the secretariat reads them,
and the journal records counts and a commitment to the file, never a name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import PureWindowsPath
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from tauride.db.models import (
    Constituency,
    Constituent,
    Faction,
    Mandate,
    MandateStatus,
    Organization,
    Person,
)
from tauride.domain.errors import InvalidInput, NotFound
from tauride.services import bodies, constituencies, mandates
from tauride.web.acts import perform, read
from tauride.web.auth import Act, Context
from tauride.web.database import DB
from tauride.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/organizations/{slug}", tags=["constituencies"])

Reader = Annotated[Context, Depends(Act("organization.read"))]
Importer = Annotated[Context, Depends(Act("constituencies.import"))]
RollReader = Annotated[Context, Depends(Act("roll.read"))]
Ender = Annotated[Context, Depends(Act("mandate.end"))]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]
CsvFile = Annotated[UploadFile, File(description="The CSV file, UTF-8 with a header line.")]

MAX_CSV_BYTES = 20_000_000


class CsvUpload(BaseModel):
    """What identifies an uploaded file for a retried request: its name and its digest."""

    source: str
    sha256: str


class ConstituencyRead(BaseModel):
    id: int
    name: str
    kind: str
    size: int
    group: str | None
    is_group: bool
    grouped_into: str | None
    seats: int
    consultative_seats: int


class ConstituenciesImportRead(BaseModel):
    added: list[ConstituencyRead]
    seats: int
    """Seats of all constituencies after the new apportionment."""


class RollImportRead(BaseModel):
    added: int


class MandateRead(BaseModel):
    id: int
    person: str
    constituency: str | None
    faction: str | None
    status: MandateStatus
    consultative: bool
    represents: int
    alternate_for: int | None
    term_start: dt.date | None
    term_end: dt.date | None
    ended_at: dt.datetime | None


class MandatesImportRead(BaseModel):
    created: list[MandateRead]


class MandateEndCreate(BaseModel):
    """Recall goes through a recall petition and ballot, not through this act."""

    status: Literal["resigned", "expired"]
    reason: Annotated[str, Field(max_length=2000)] = ""


class ConstituentRead(BaseModel):
    id: int
    constituency: str
    roll_number: str
    name: str
    contact: str | None


def _upload(file: UploadFile, default: str) -> tuple[CsvUpload, str]:
    """The file's name as errors cite it, and its text; refuse what is not UTF-8 text."""
    raw = file.file.read(MAX_CSV_BYTES + 1)
    given = PureWindowsPath(file.filename or "").name.strip()  # no client's folders
    source = given[:100] if given else default
    if len(raw) > MAX_CSV_BYTES:
        raise InvalidInput(f"{source}: larger than {MAX_CSV_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{source}: not UTF-8 text (byte {error.start})") from None
    return CsvUpload(source=source, sha256=hashlib.sha256(raw).hexdigest()), text


def _after(cursor: str | None) -> int:
    after = decode_cursor(cursor) or 0
    if not isinstance(after, int):
        raise InvalidInput("query:cursor: not a cursor this server issued")
    return after


T = TypeVar("T")


def _page(items: list[T], ids: list[int], limit: int) -> Page[T]:
    more = len(items) > limit
    return Page(items=items[:limit], next_cursor=encode_cursor(ids[limit - 1]) if more else None)


Group = aliased(Constituency)


def _constituencies(org_id: int) -> Select[Constituency, str]:
    return (
        select(Constituency, Group.name)
        .outerjoin(Group, Constituency.grouped_into_id == Group.id)
        .where(Constituency.organization_id == org_id)
        .order_by(Constituency.id)
    )


def _constituency_read(c: Constituency, group: str | None) -> ConstituencyRead:
    return ConstituencyRead(
        id=c.id,
        name=c.name,
        kind=c.kind,
        size=c.size,
        group=c.group_label,
        is_group=c.is_group,
        grouped_into=group,
        seats=c.seats,
        consultative_seats=c.consultative_seats,
    )


def _mandates(org_id: int) -> Select[Mandate, str, str, str]:
    return (
        select(Mandate, Person.name, Constituency.name, Faction.key)
        .join(Person, Mandate.person_id == Person.id)
        .outerjoin(Constituency, Mandate.constituency_id == Constituency.id)
        .outerjoin(Faction, Mandate.faction_id == Faction.id)
        .where(Mandate.organization_id == org_id)
        .order_by(Mandate.id)
    )


def _mandate_read(m: Mandate, person: str, where: str | None, faction: str | None) -> MandateRead:
    return MandateRead(
        id=m.id,
        person=person,
        constituency=where,
        faction=faction,
        status=m.status,
        consultative=m.consultative,
        represents=m.represents,
        alternate_for=m.alternate_for_id,
        term_start=m.term_start,
        term_end=m.term_end,
        ended_at=m.ended_at,
    )


def _mandates_read(session: Session, org_id: int, ids: list[int]) -> list[MandateRead]:
    rows = session.execute(_mandates(org_id).where(Mandate.id.in_(ids))).all()
    return [_mandate_read(m, p, w, f) for m, p, w, f in rows]


@router.get("/constituencies")
def list_constituencies(
    ctx: Reader,
    database: DB,
    kind: Annotated[str | None, Query(description="Only constituencies of this kind.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[ConstituencyRead]:
    """Constituencies with their size and apportioned seats, groups included, by number."""
    after = _after(cursor)

    def work(session: Session, org: Organization, ctx: Context) -> list[ConstituencyRead]:
        query = _constituencies(org.id).where(Constituency.id > after)
        if kind is not None:
            query = query.where(Constituency.kind == kind)
        return [_constituency_read(c, g) for c, g in session.execute(query.limit(limit + 1))]

    items = [ConstituencyRead.model_validate(i) for i in read(database, ctx, work)]
    return _page(items, [i.id for i in items], limit)


@router.post("/constituencies", status_code=201, response_model=ConstituenciesImportRead)
def import_constituencies(
    file: CsvFile, request: Request, database: DB, ctx: Importer
) -> JSONResponse:
    """Add constituencies from CSV `name,kind,size[,group]`, apportion every constituency's
    seats again and recompose the bodies (journaled)."""
    upload, text = _upload(file, "constituencies.csv")

    def work(session: Session, org: Organization, ctx: Context) -> ConstituenciesImportRead:
        added = constituencies.import_constituencies(
            session, org, text, source=upload.source, actor=ctx.actor
        )
        seats = constituencies.apportion_seats(session, org, actor=ctx.actor)
        bodies.recompose(session, org, actor=ctx.actor)
        ids = [c.id for c in added]
        rows = session.execute(_constituencies(org.id).where(Constituency.id.in_(ids))).all()
        return ConstituenciesImportRead(
            added=[_constituency_read(c, g) for c, g in rows], seats=sum(seats.values())
        )

    return perform(database, request, ctx, "constituencies.import", work, body=upload, status=201)


@router.get("/roll")
def list_roll(
    ctx: RollReader,
    database: DB,
    constituency: Annotated[str | None, Query(description="Only this constituency's roll.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[ConstituentRead]:
    """The rolls of constituents, in the order they were entered: personal data, for the
    secretariat only."""
    after = _after(cursor)

    def work(session: Session, org: Organization, ctx: Context) -> list[ConstituentRead]:
        query = (
            select(Constituent, Constituency.name)
            .join(Constituency, Constituent.constituency_id == Constituency.id)
            .where(Constituent.organization_id == org.id, Constituent.id > after)
            .order_by(Constituent.id)
        )
        if constituency is not None:
            query = query.where(Constituency.name == constituency)
        return [
            ConstituentRead(
                id=c.id,
                constituency=where,
                roll_number=c.roll_number,
                name=c.name,
                contact=c.contact,
            )
            for c, where in session.execute(query.limit(limit + 1))
        ]

    items = [ConstituentRead.model_validate(i) for i in read(database, ctx, work)]
    return _page(items, [i.id for i in items], limit)


@router.post("/roll", status_code=201, response_model=RollImportRead)
def import_roll(file: CsvFile, request: Request, database: DB, ctx: Importer) -> JSONResponse:
    """Add constituents to the rolls from CSV `constituency,roll_number,name[,contact]`;
    the journal records counts per constituency and a commitment to the file, no names."""
    upload, text = _upload(file, "roll.csv")

    def work(session: Session, org: Organization, ctx: Context) -> RollImportRead:
        count = constituencies.import_roll(
            session, org, text, source=upload.source, actor=ctx.actor
        )
        return RollImportRead(added=count)

    return perform(database, request, ctx, "constituencies.import", work, body=upload, status=201)


@router.get("/mandates")
def list_mandates(
    ctx: Reader,
    database: DB,
    status: Annotated[MandateStatus | None, Query(description="Only mandates in this state.")] = (
        None
    ),
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[MandateRead]:
    """Delegates' mandates, active and ended, by number."""
    after = _after(cursor)

    def work(session: Session, org: Organization, ctx: Context) -> list[MandateRead]:
        query = _mandates(org.id).where(Mandate.id > after)
        if status is not None:
            query = query.where(Mandate.status == status)
        rows = session.execute(query.limit(limit + 1)).all()
        return [_mandate_read(m, p, w, f) for m, p, w, f in rows]

    items = [MandateRead.model_validate(i) for i in read(database, ctx, work)]
    return _page(items, [i.id for i in items], limit)


@router.post("/mandates", status_code=201, response_model=MandatesImportRead)
def import_mandates(file: CsvFile, request: Request, database: DB, ctx: Importer) -> JSONResponse:
    """Create delegates' mandates from CSV `name,constituency,faction` (and optionally
    `alternate_for,term_start,term_end`) and seat them in the bodies (journaled)."""
    upload, text = _upload(file, "delegates.csv")

    def work(session: Session, org: Organization, ctx: Context) -> MandatesImportRead:
        created = mandates.import_delegates(
            session, org, text, source=upload.source, actor=ctx.actor
        )
        bodies.recompose(session, org, actor=ctx.actor)
        return MandatesImportRead(created=_mandates_read(session, org.id, [m.id for m in created]))

    return perform(database, request, ctx, "constituencies.import", work, body=upload, status=201)


@router.post("/mandates/{mandate}/end", response_model=MandateRead)
def end_mandate(
    mandate: int, body: MandateEndCreate, request: Request, database: DB, ctx: Ender
) -> JSONResponse:
    """End a mandate by resignation or expiry (journaled); the delegate leaves every body
    the mandate sat in and the constituency's remaining delegates are weighed again."""

    def work(session: Session, org: Organization, ctx: Context) -> MandateRead:
        mandates.end_mandate(
            session,
            org,
            mandate,
            status=MandateStatus(body.status),
            reason=body.reason,
            actor=ctx.actor,
        )
        bodies.recompose(session, org, actor=ctx.actor)
        found = _mandates_read(session, org.id, [mandate])
        if not found:
            raise NotFound(f"no mandate {mandate} in {org.slug}")
        return found[0]

    return perform(database, request, ctx, "mandate.end", work, body=body)
