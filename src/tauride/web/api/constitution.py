"""The constitution: read the one in force, check a draft, amend it; found an organization.

A constitution travels as its TOML text in a JSON body. Every mistake in it is reported at
once, each with its path ("constitution: bodies.executive.elected_by: ..."), as problem
details of type `/problems/invalid-input`.

Founding an organization is not an act inside one: there is no organization yet to hold a
role in. It is open to an account that is secretariat of some organization in this
database, by bearer token (an API client, not a page); the founder becomes the new
organization's secretariat. The first organization of a database is founded with
`tauride init`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tauride.db.accounts import RoleGrant
from tauride.db.models import ConstitutionVersion, Organization
from tauride.domain.authorization import Principal, Role, Unauthenticated, authorize
from tauride.domain.constitution import (
    BodySummary,
    Constitution,
    parse_constitution,
    representation_text,
    share_text,
    summarize_bodies,
)
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.queries.organizations import organization_summary
from tauride.services import accounts, amendments
from tauride.services.organizations import check_constitution, found_organization
from tauride.web import idempotency
from tauride.web.acts import perform, read
from tauride.web.api.organizations import (
    BodyRead,
    ConstituencyKindRead,
    JournalHeadRead,
    OrganizationRead,
)
from tauride.web.auth import Act, Context, account_of, credentials
from tauride.web.database import DB, Database

router = APIRouter(prefix="/organizations", tags=["constitution"])

Reader = Annotated[Context, Depends(Act("constitution.read"))]
Amender = Annotated[Context, Depends(Act("constitution.amend"))]

SOURCE = "constitution"  # how problems name the text: the body's field
MAX_TEXT = 1_000_000

ConstitutionText = Annotated[
    str, Field(min_length=1, max_length=MAX_TEXT, description="The constitution, TOML.")
]


class ConstitutionCheckCreate(BaseModel):
    constitution: ConstitutionText


class ConstitutionCreate(ConstitutionCheckCreate):
    note: Annotated[str, Field(max_length=2000)] = ""


class OrganizationCreate(BaseModel):
    constitution: ConstitutionText


class NamedRead(BaseModel):
    slug: str
    name: str


class KindRuleRead(BaseModel):
    name: str
    unit: str
    federation: bool
    representation: str


class ProxyRead(BaseModel):
    allowed: bool
    cap: int


class ConstitutionSummaryRead(BaseModel):
    """What a constitution says, in plain words: what `tauride constitution check` prints."""

    organization: NamedRead
    constituency_kinds: dict[str, KindRuleRead]
    bodies: list[BodySummary]
    recall_threshold: str
    proxy: ProxyRead
    election_methods: list[str]


class ConstitutionRead(BaseModel):
    organization: str
    version: int
    adopted_at: dt.datetime
    sha256: str
    note: str
    constitution: str
    summary: ConstitutionSummaryRead


def summary_of(c: Constitution) -> ConstitutionSummaryRead:
    """The summary of a checked constitution."""
    return ConstitutionSummaryRead(
        organization=NamedRead(slug=c.organization.slug, name=c.organization.name),
        constituency_kinds={
            key: KindRuleRead(
                name=kind.name,
                unit=kind.unit,
                federation=kind.federation,
                representation=representation_text(c.representation[key]),
            )
            for key, kind in c.constituency_kinds.items()
        },
        bodies=summarize_bodies(c),
        recall_threshold=share_text(c.recall.threshold),
        proxy=ProxyRead(allowed=c.proxy.allowed, cap=c.proxy.cap),
        election_methods=list(c.elections.methods),
    )


def _version(session: Session, org: Organization, version: int | None) -> ConstitutionRead:
    query = select(ConstitutionVersion).where(ConstitutionVersion.organization_id == org.id)
    if version is not None:
        query = query.where(ConstitutionVersion.version == version)
    row = session.execute(
        query.order_by(ConstitutionVersion.version.desc()).limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no constitution version {version} in {org.slug}")
    return ConstitutionRead(
        organization=org.slug,
        version=row.version,
        adopted_at=row.adopted_at,
        sha256=row.digest,
        note=row.note,
        constitution=row.source,
        summary=summary_of(parse_constitution(row.source)),
    )


@router.get("/{slug}/constitution")
def show(
    ctx: Reader,
    database: DB,
    version: Annotated[
        int | None, Query(ge=1, description="An earlier version (default: the one in force).")
    ] = None,
) -> ConstitutionRead:
    """The constitution in force (or an earlier version): its TOML text and a summary."""
    return ConstitutionRead.model_validate(
        read(database, ctx, lambda s, org, _: _version(s, org, version))
    )


@router.post("/{slug}/constitution/check")
def check(body: ConstitutionCheckCreate, ctx: Reader) -> ConstitutionSummaryRead:
    """Check a draft amendment without adopting it: its summary, or every mistake with its
    path (the slug must stay this organization's, as an amendment requires)."""
    constitution = check_constitution(body.constitution, SOURCE)
    if constitution.organization.slug != ctx.slug:
        raise InvalidInput(
            f"{SOURCE}: organization.slug: is '{constitution.organization.slug}', "
            f"the organization amended is '{ctx.slug}'"
        )
    return summary_of(constitution)


@router.post("/{slug}/constitution", status_code=201, response_model=ConstitutionRead)
def amend(body: ConstitutionCreate, request: Request, database: DB, ctx: Amender) -> JSONResponse:
    """Adopt a new version of the constitution (journaled); seats are apportioned again
    and the bodies recomposed under it."""

    def work(session: Session, org: Organization, ctx: Context) -> ConstitutionRead:
        version = amendments.amend(
            session, org.slug, body.constitution, source=SOURCE, actor=ctx.actor, note=body.note
        )
        return _version(session, org, version)

    return perform(database, request, ctx, "constitution.amend", work, body=body, status=201)


def founder(request: Request) -> Principal:
    """Whoever founds an organization: an account holding the secretariat role somewhere,
    authenticated by a bearer token."""
    database: Database = request.app.state.database
    with database.unit_of_work() as session:
        found = account_of(session, request)
        given = credentials(request)
        if found is None or given is None:
            raise Unauthenticated("organization.found: log in first")
        if given[0] != "bearer":
            raise Unauthenticated("organization.found: needs a bearer token")
        held = session.execute(
            select(RoleGrant.id)
            .where(
                RoleGrant.account_id == found.account.id,
                RoleGrant.role == Role.SECRETARIAT.value,
                RoleGrant.revoked_at.is_(None),
            )
            .limit(1)
        ).scalar()
        roles = {Role.PUBLIC} | ({Role.SECRETARIAT} if held is not None else set())
        who = Principal(found.account.id, found.account.username, frozenset(roles))
    authorize("organization.found", who)
    return who


Founder = Annotated[Principal, Depends(founder)]


def _organization_read(session: Session, slug: str) -> OrganizationRead:
    s = organization_summary(session, slug)
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


@router.post(
    "",
    status_code=201,
    response_model=OrganizationRead,
    responses={401: {}, 403: {}, 409: {}, 422: {}},
)
def found(body: OrganizationCreate, request: Request, database: DB, who: Founder) -> JSONResponse:
    """Found an organization from its constitution (journaled); the founder becomes its
    secretariat. Constituencies, rolls and delegates are imported afterwards."""
    key = request.headers.get(idempotency.HEADER)
    fingerprint_body = body.model_dump_json()
    account = who.account_id or 0

    def act(session: Session) -> tuple[int, Any]:
        org = found_organization(session, body.constitution, source=SOURCE, actor=who.actor)
        accounts.grant_role(
            session, org, who.username or "", Role.SECRETARIAT.value, actor=who.actor
        )
        return 201, jsonable_encoder(_organization_read(session, org.slug))

    try:
        with database.unit_of_work() as session:
            code, content = idempotency.run_once(
                session,
                account_id=account,
                key=key,
                method=request.method,
                path=request.url.path,
                body=fingerprint_body,
                act=lambda: act(session),
            )
    except IntegrityError:
        earlier = None
        if key is not None:
            fingerprint = idempotency.request_hash(
                request.method, request.url.path, fingerprint_body
            )
            with database.unit_of_work() as session:
                earlier = idempotency.stored(session, account, key, fingerprint)
        if earlier is None:
            raise Conflict(
                f"{SOURCE}: organization.slug: founded by another request at the same moment"
            ) from None
        code, content = earlier
    return JSONResponse(content, status_code=code)
