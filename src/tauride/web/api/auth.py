"""Logging in and out: sessions for pages, bearer tokens for API clients."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from tauride.db.accounts import RoleGrant
from tauride.db.models import Organization
from tauride.domain.authorization import Unauthenticated
from tauride.services import accounts
from tauride.web.auth import SESSION_COOKIE, account_of
from tauride.web.database import DB
from tauride.web.ratelimit import RateLimiter

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginCreate(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=100)]
    password: Annotated[str, Field(min_length=1, max_length=1000)]


class CodeLoginCreate(BaseModel):
    code: Annotated[str, Field(min_length=1, max_length=100)]


class TokenCreate(LoginCreate):
    label: Annotated[str | None, Field(max_length=200)] = None
    hours: Annotated[float, Field(gt=0, le=24 * 365)] = 24 * 30


class CodeTokenCreate(CodeLoginCreate):
    hours: Annotated[float, Field(gt=0, le=24 * 365)] = 24 * 30


class SessionRead(BaseModel):
    username: str
    csrf_token: str
    expires_at: dt.datetime


class TokenRead(BaseModel):
    username: str
    token: str
    expires_at: dt.datetime


class GrantRead(BaseModel):
    organization: str
    role: str
    mandate: int | None
    constituent: int | None


class MeRead(BaseModel):
    username: str
    display_name: str
    roles: list[GrantRead]


def _limit(request: Request, who: str) -> None:
    limiter: RateLimiter = request.app.state.rate_limiters["login"]
    client = request.client.host if request.client else "unknown"
    limiter.hit(f"{client}:{who}", "login")


def _start_session(request: Request, response: Response, issued: accounts.Issued) -> SessionRead:
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        httponly=True,
        secure=request.app.state.settings.secure_cookies,
        samesite="strict",
        expires=issued.expires_at,
        path="/",
    )
    assert issued.csrf is not None
    return SessionRead(
        username=issued.account.username, csrf_token=issued.csrf, expires_at=issued.expires_at
    )


@router.post("/login", responses={401: {}, 429: {}})
def login(body: LoginCreate, request: Request, response: Response, database: DB) -> SessionRead:
    """Log in with a password; the session comes as a cookie, its CSRF token in the body."""
    _limit(request, body.username)
    hours = request.app.state.settings.session_hours
    with database.unit_of_work() as session:
        issued = accounts.login_with_password(session, body.username, body.password, hours=hours)
    if issued is None:  # committed first: the refusal stays in the journal
        raise Unauthenticated("login: wrong username or password")
    return _start_session(request, response, issued)


@router.post("/code", responses={401: {}, 429: {}})
def login_with_code(
    body: CodeLoginCreate, request: Request, response: Response, database: DB
) -> SessionRead:
    """Log in with a one-time code handed out by the secretariat; the code is used up."""
    _limit(request, "code")
    hours = request.app.state.settings.session_hours
    with database.unit_of_work() as session:
        issued = accounts.login_with_code(session, body.code, hours=hours)
    return _start_session(request, response, issued)


@router.post("/tokens", status_code=201, responses={401: {}, 429: {}})
def create_token(body: TokenCreate, request: Request, database: DB) -> TokenRead:
    """A bearer token for an API client, for the account whose password is given."""
    _limit(request, body.username)
    with database.unit_of_work() as session:
        issued = accounts.login_with_password(
            session, body.username, body.password, kind="bearer", hours=body.hours, label=body.label
        )
    if issued is None:
        raise Unauthenticated("login: wrong username or password")
    return TokenRead(
        username=issued.account.username, token=issued.token, expires_at=issued.expires_at
    )


@router.post("/code-tokens", status_code=201, responses={401: {}, 429: {}})
def create_token_with_code(body: CodeTokenCreate, request: Request, database: DB) -> TokenRead:
    """A bearer token for an API client, for a one-time code handed out by the secretariat
    (an account without a password: a delegate's voting device); the code is used up."""
    _limit(request, "code")
    with database.unit_of_work() as session:
        issued = accounts.login_with_code(session, body.code, kind="bearer", hours=body.hours)
    return TokenRead(
        username=issued.account.username, token=issued.token, expires_at=issued.expires_at
    )


@router.post("/logout", status_code=204, responses={401: {}})
def logout(request: Request, response: Response, database: DB) -> None:
    """End the session (or revoke the bearer token) the request was made with."""
    with database.unit_of_work() as session:
        found = account_of(session, request)
        if found is None:
            raise Unauthenticated("logout: not logged in")
        accounts.revoke(session, found.token_id)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me", responses={401: {}})
def me(request: Request, database: DB) -> MeRead:
    """The account the request is made as, and its roles."""
    with database.unit_of_work() as session:
        found = account_of(session, request)
        if found is None:
            raise Unauthenticated("not logged in")
        rows = session.execute(
            select(RoleGrant, Organization.slug)
            .join(Organization, RoleGrant.organization_id == Organization.id)
            .where(RoleGrant.account_id == found.account.id, RoleGrant.revoked_at.is_(None))
            .order_by(Organization.slug, RoleGrant.role)
        ).all()
        return MeRead(
            username=found.account.username,
            display_name=found.account.display_name,
            roles=[
                GrantRead(
                    organization=slug,
                    role=g.role,
                    mandate=g.mandate_id,
                    constituent=g.constituent_id,
                )
                for g, slug in rows
            ],
        )
