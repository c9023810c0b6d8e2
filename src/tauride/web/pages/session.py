"""Who is looking at a page: the signed-in account (by its session cookie), its CSRF
token, its language; and, in an organization, what it may do there.

Pages sign in with the same sessions as the API. The CSRF token rides in a second
HttpOnly cookie that only the server reads: it writes the token into the page, and htmx
sends it back in the X-CSRF-Token header of every changing request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from sqlalchemy import select

from tauride.db.models import Organization
from tauride.domain.authorization import Principal, Unauthenticated
from tauride.services import accounts
from tauride.web.auth import SESSION_COOKIE, Context, account_of, context
from tauride.web.database import Database
from tauride.web.pages import i18n

CSRF_COOKIE = "tauride_csrf"


class SignInRequired(Unauthenticated):
    """A page that needs an account was asked for without one: go to the sign-in page."""

    kind = "sign-in-required"

    def __init__(self, next_path: str) -> None:
        super().__init__("sign in to see this page")
        self.next_path = next_path

    @property
    def location(self) -> str:
        return f"/login?next={quote(self.next_path, safe='/')}"


@dataclass(frozen=True)
class Viewer:
    """The person at the screen, or nobody in particular."""

    locale: str = i18n.DEFAULT_LOCALE
    account_id: int | None = None
    username: str | None = None
    display_name: str | None = None
    csrf: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.account_id is not None


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def current_viewer(request: Request) -> Viewer:
    """The viewer of this request; a stale or unknown session cookie counts as nobody."""
    if not request.cookies.get(SESSION_COOKIE):
        return Viewer(locale=i18n.negotiate(request))
    with _database(request).unit_of_work() as session:
        try:
            found = account_of(session, request)
        except Unauthenticated:
            found = None
        if found is None:
            return Viewer(locale=i18n.negotiate(request))
        account = found.account
        return Viewer(
            locale=i18n.negotiate(request, account.locale),
            account_id=account.id,
            username=account.username,
            display_name=account.display_name,
            csrf=request.cookies.get(CSRF_COOKIE),
        )


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]


@dataclass(frozen=True)
class PageContext:
    """An organization's page as seen by its viewer: the act's context and the viewer."""

    ctx: Context
    viewer: Viewer

    @property
    def who(self) -> Principal:
        return self.ctx.who

    @property
    def slug(self) -> str:
        return self.ctx.slug


class PageAct:
    """A dependency for a page of an organization that shows or does one act.

    A visitor who is not signed in and may not do the act is sent to sign in; a signed-in
    account that may not is refused with a 403 page.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, request: Request, slug: str) -> PageContext:
        viewer = current_viewer(request)
        with _database(request).unit_of_work() as session:
            try:
                ctx = context(session, request, slug, self.name)
            except Unauthenticated as exc:
                if viewer.signed_in or request.method != "GET":
                    raise
                path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                raise SignInRequired(path) from exc
        return PageContext(ctx, viewer)


def principal_in(request: Request, slug: str) -> Principal:
    """The viewer's roles in an organization (anonymous if not signed in), for pages that
    show more to some roles than to others."""
    with _database(request).unit_of_work() as session:
        found = None
        if request.cookies.get(SESSION_COOKIE):
            try:
                found = account_of(session, request)
            except Unauthenticated:
                found = None
        org_id = session.execute(select(Organization.id).where(Organization.slug == slug)).scalar()
        return accounts.principal(session, found.account if found else None, org_id or 0)
