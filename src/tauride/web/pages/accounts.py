"""Signing in and out of the pages, choosing a language, and the list of organizations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from tauride.db.accounts import Account
from tauride.db.models import Organization
from tauride.domain.authorization import Unauthenticated
from tauride.services import accounts
from tauride.web.auth import SESSION_COOKIE, account_of
from tauride.web.database import DB
from tauride.web.pages import i18n
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.session import CSRF_COOKIE, CurrentViewer, Viewer
from tauride.web.pages.templating import render
from tauride.web.ratelimit import RateLimiter, TooManyRequests

router = APIRouter(include_in_schema=False)

YEAR = 365 * 24 * 3600


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of this site only."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


@router.get("/", response_class=HTMLResponse)
def index(request: Request, viewer: CurrentViewer, database: DB) -> HTMLResponse:
    """Every organization on this server."""
    with database.unit_of_work() as session:
        orgs = session.execute(
            select(Organization.slug, Organization.name).order_by(Organization.name)
        ).all()
    return render(request, viewer, "index.html", {"organizations": orgs})


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, viewer: CurrentViewer, next: str | None = None) -> HTMLResponse:
    """The sign-in form: a password, or a one-time code from the secretariat."""
    return render(
        request, viewer, "login.html", {"next": safe_next(next), "errors": {}, "values": {}}
    )


def _form_errors(
    request: Request, viewer: Viewer, next_path: str, values: dict[str, str], errors: dict[str, str]
) -> HTMLResponse:
    context = {"next": next_path, "errors": errors, "values": values}
    return render(request, viewer, "login.html", context, status=422)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    viewer: CurrentViewer,
    database: DB,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Sign in; the session and its CSRF token come as cookies; then back to the page."""
    next_path = safe_next(next)
    values = {"username": username}
    limiter: RateLimiter = request.app.state.rate_limiters["login"]
    client = request.client.host if request.client else "unknown"
    hours = request.app.state.settings.session_hours
    try:
        limiter.hit(f"{client}:{username.strip() or 'code'}", "login")
    except TooManyRequests:
        return _form_errors(
            request, viewer, next_path, values, {"form": _("Too many attempts: wait a moment")}
        )
    if code.strip():
        try:
            with database.unit_of_work() as session:
                issued = accounts.login_with_code(session, code, hours=hours)
        except Unauthenticated:
            errors = {"code": _("This code is unknown, used or expired.")}
            return _form_errors(request, viewer, next_path, values, errors)
    else:
        errors = {}
        if not username.strip():
            errors["username"] = _("Enter your username, or use a one-time code.")
        if not password:
            errors["password"] = _("Enter your password.")
        if errors:
            return _form_errors(request, viewer, next_path, values, errors)
        with database.unit_of_work() as session:
            issued_or_none = accounts.login_with_password(
                session, username.strip(), password, hours=hours
            )
        if issued_or_none is None:  # committed first: the refusal stays in the journal
            errors = {"password": _("Wrong username or password.")}
            return _form_errors(request, viewer, next_path, values, errors)
        issued = issued_or_none
    response = RedirectResponse(next_path, status_code=303)
    secure = request.app.state.settings.secure_cookies
    for name, value in ((SESSION_COOKIE, issued.token), (CSRF_COOKIE, issued.csrf or "")):
        response.set_cookie(
            name,
            value,
            httponly=True,
            secure=secure,
            samesite="strict",
            expires=issued.expires_at,
            path="/",
        )
    return response


@router.post("/logout")
def logout(request: Request, database: DB) -> Response:
    """Sign out: the session ends on the server and its cookies are removed."""
    with database.unit_of_work() as session:
        found = account_of(session, request)
        if found is not None:
            accounts.revoke(session, found.token_id)
    response: Response = RedirectResponse("/", status_code=303)
    if request.headers.get("hx-request") == "true":
        response = Response(status_code=204, headers={"HX-Redirect": "/"})
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.post("/language")
def choose_language(
    request: Request,
    database: DB,
    language: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Keep a language for this browser and, when signed in, for the account."""
    chosen = i18n.supported(language) or i18n.DEFAULT_LOCALE
    with database.unit_of_work() as session:
        try:
            found = account_of(session, request)
        except Unauthenticated:
            found = None
        if found is not None:
            session.get_one(Account, found.account.id).locale = chosen
    response: Response = RedirectResponse(safe_next(next), status_code=303)
    if request.headers.get("hx-request") == "true":
        response = Response(status_code=204, headers={"HX-Redirect": safe_next(next)})
    response.set_cookie(i18n.LANGUAGE_COOKIE, chosen, max_age=YEAR, samesite="lax", path="/")
    return response
