"""Accounts of an organization: created, given roles and login codes by the secretariat."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.accounts import Account, RoleGrant
from tauride.db.models import Organization
from tauride.domain.authorization import Role
from tauride.domain.errors import NotFound
from tauride.services import accounts
from tauride.web.acts import perform
from tauride.web.auth import Act, Context
from tauride.web.database import DB

router = APIRouter(prefix="/organizations/{slug}/accounts", tags=["accounts"])

Manage = Annotated[Context, Depends(Act("account.manage"))]


class RoleCreate(BaseModel):
    role: Role
    mandate: int | None = None
    constituent: int | None = None


class AccountCreate(RoleCreate):
    username: Annotated[str, Field(min_length=1, max_length=100)]
    display_name: Annotated[str, Field(min_length=1, max_length=300)]
    password: Annotated[str | None, Field(min_length=10, max_length=1000)] = None


class AccountRead(BaseModel):
    username: str
    display_name: str
    role: str
    mandate: int | None
    constituent: int | None


class LoginCodeRead(BaseModel):
    username: str
    code: str
    hours: int


def _require_member(session: Session, org: Organization, username: str) -> None:
    held = session.execute(
        select(RoleGrant.id)
        .join(Account, RoleGrant.account_id == Account.id)
        .where(
            Account.username == username,
            RoleGrant.organization_id == org.id,
            RoleGrant.revoked_at.is_(None),
        )
        .limit(1)
    ).scalar()
    if held is None:
        raise NotFound(f"no account '{username}' in {org.slug}")


@router.post("", status_code=201, response_model=AccountRead)
def create(body: AccountCreate, request: Request, database: DB, ctx: Manage) -> JSONResponse:
    """Create an account and give it its first role in this organization."""

    def work(session: Session, org: Organization, ctx: Context) -> AccountRead:
        accounts.create_account(session, body.username, body.display_name, password=body.password)
        grant = accounts.grant_role(
            session,
            org,
            body.username,
            body.role,
            mandate_id=body.mandate,
            constituent_id=body.constituent,
            actor=ctx.actor,
        )
        return AccountRead(
            username=body.username,
            display_name=body.display_name,
            role=grant.role,
            mandate=grant.mandate_id,
            constituent=grant.constituent_id,
        )

    return perform(database, request, ctx, "account.manage", work, body=body, status=201)


@router.post("/{username}/roles", status_code=201, response_model=AccountRead)
def grant(
    username: str, body: RoleCreate, request: Request, database: DB, ctx: Manage
) -> JSONResponse:
    """Give an existing account another role in this organization."""

    def work(session: Session, org: Organization, ctx: Context) -> AccountRead:
        account = accounts.get_account(session, username)
        row = accounts.grant_role(
            session,
            org,
            username,
            body.role,
            mandate_id=body.mandate,
            constituent_id=body.constituent,
            actor=ctx.actor,
        )
        return AccountRead(
            username=username,
            display_name=account.display_name,
            role=row.role,
            mandate=row.mandate_id,
            constituent=row.constituent_id,
        )

    return perform(database, request, ctx, "account.manage", work, body=body, status=201)


@router.post("/{username}/login-codes", status_code=201, response_model=LoginCodeRead)
def login_code(username: str, request: Request, database: DB, ctx: Manage) -> JSONResponse:
    """A one-time login code for a member of this organization, to hand out on paper."""

    def work(session: Session, org: Organization, ctx: Context) -> LoginCodeRead:
        _require_member(session, org, username)
        hours = 72
        return LoginCodeRead(
            username=username,
            code=accounts.issue_login_code(session, username, hours=hours),
            hours=hours,
        )

    return perform(database, request, ctx, "account.manage", work, status=201)
