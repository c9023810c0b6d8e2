"""Who makes a request: a session cookie (pages) or a bearer token (API clients).

Cookie sessions must echo their CSRF token in the X-CSRF-Token header on every request that
changes something; bearer tokens, which a browser never sends by itself, need not.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.domain.authorization import POLICIES, Principal, Unauthenticated, authorize
from tauride.domain.errors import NotFound
from tauride.services import accounts

SESSION_COOKIE = "tauride_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRefused(Unauthenticated):
    kind = "csrf-refused"


def credentials(request: Request) -> tuple[str, str] | None:
    """("bearer" | "session", token) from the request, bearer first."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "bearer", token.strip()
    cookie = request.cookies.get(SESSION_COOKIE)
    return ("session", cookie) if cookie else None


def account_of(session: Session, request: Request) -> accounts.Authenticated | None:
    """The authenticated account, None for an anonymous request; refuses bad tokens."""
    given = credentials(request)
    if given is None:
        return None
    how, token = given
    found = accounts.authenticate(session, token)
    if how == "session":
        if found.kind != "session":
            raise Unauthenticated("a bearer token is sent in the Authorization header")
        if request.method not in SAFE_METHODS:
            echoed = request.headers.get(CSRF_HEADER, "")
            if not echoed or not hmac.compare_digest(
                accounts.digest(echoed), found.csrf_hash or ""
            ):
                raise CsrfRefused(f"{CSRF_HEADER}: missing or wrong for this session")
    elif found.kind != "bearer":
        raise Unauthenticated("a session token is sent as a cookie, not a bearer token")
    return found


@dataclass(frozen=True)
class Context:
    """An act's organization and who does it there."""

    org_id: int
    slug: str
    who: Principal

    @property
    def actor(self) -> str:
        return self.who.actor


def context(session: Session, request: Request, slug: str, act: str) -> Context:
    """Resolve the organization and the principal, and check the act's roles.

    Acts that must own their target (a delegate's mandate) check again with the target.
    """
    found = account_of(session, request)
    org_id = session.execute(select(Organization.id).where(Organization.slug == slug)).scalar()
    who = accounts.principal(session, found.account if found else None, org_id or 0)
    if not _may_at_all(act, who):
        authorize(act, who)
    if org_id is None:
        raise NotFound(f"no organization '{slug}'")
    return Context(org_id, slug, who)


def _may_at_all(act: str, who: Principal) -> bool:
    policy = POLICIES[act]
    return any(role in policy.roles for role in who.roles)


class Act:
    """A dependency that checks, before the request body is even read, that whoever makes
    the request may do the act in the organization of the path at all."""

    def __init__(self, name: str) -> None:
        if name not in POLICIES:
            raise KeyError(f"no policy for act '{name}'")
        self.name = name

    def __call__(self, request: Request, slug: str) -> Context:
        database = request.app.state.database
        with database.unit_of_work() as session:
            return context(session, request, slug, self.name)
