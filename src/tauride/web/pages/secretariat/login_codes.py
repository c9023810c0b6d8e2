"""Sign-in code sheets: one-time codes for chosen accounts (all delegates of a body, every
holder of a role, or accounts picked one by one), printed as slips to hand out.

Each code signs its account in once, until it expires; it is stored only as a hash, so
the sheet exists only in the response that shows it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.accounts import Account, RoleGrant
from tauride.db.models import Body, BodyMembership
from tauride.domain.authorization import Role
from tauride.services import accounts
from tauride.web.pages.i18n import format_datetime
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.secretariat.accounts import AccountLine, account_lines, role_names
from tauride.web.pages.secretariat.common import (
    OrgRef,
    base_path,
    new_router,
    organization,
    page,
    unit_of_work,
    use_language,
    whole_number,
)
from tauride.web.pages.secretariat.sheets import Sheet, Slip, show_sheet
from tauride.web.pages.session import PageAct, PageContext

router = new_router()

Manager = Annotated[PageContext, Depends(PageAct("account.manage"))]

DEFAULT_HOURS = 72
MAX_HOURS = 24 * 30


def _bodies(session: Session, org_id: int) -> list[tuple[str, str]]:
    rows = session.execute(
        select(Body.key, Body.name).where(Body.organization_id == org_id).order_by(Body.id)
    ).all()
    return [(key, name) for key, name in rows]


def body_delegates(session: Session, org_id: int, body_key: str) -> set[str]:
    """Usernames of the accounts whose delegate's mandate now sits in the body."""
    return set(
        session.scalars(
            select(Account.username)
            .join(RoleGrant, RoleGrant.account_id == Account.id)
            .join(BodyMembership, BodyMembership.mandate_id == RoleGrant.mandate_id)
            .join(Body, BodyMembership.body_id == Body.id)
            .where(
                Body.organization_id == org_id,
                Body.key == body_key,
                BodyMembership.ended_at.is_(None),
                RoleGrant.organization_id == org_id,
                RoleGrant.role == Role.DELEGATE.value,
                RoleGrant.revoked_at.is_(None),
            )
        )
    )


def _form(
    request: Request,
    pc: PageContext,
    org: OrgRef,
    *,
    values: dict[str, object],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    with unit_of_work(request, pc) as (session, held):
        context = {
            "bodies": _bodies(session, held.id),
            "people": account_lines(session, held.id),
            "roles": role_names(),
            "values": values,
            "errors": errors or {},
        }
    return page(
        request, pc, org, "secretariat/login_codes.html", context, status=status, fragment="chooser"
    )


@router.get("/login-codes", response_class=HTMLResponse)
def choose(request: Request, pc: Manager) -> HTMLResponse:
    """Choose whose sign-in codes to print."""
    use_language(pc)
    values: dict[str, object] = {"body": "", "role": "", "account": [], "hours": str(DEFAULT_HOURS)}
    return _form(request, pc, organization(request, pc), values=values)


def chosen_accounts(
    session: Session, org_id: int, body: str, role: str, picked: list[str]
) -> list[AccountLine]:
    """The accounts of the organization chosen by body, by role and one by one, by name."""
    wanted = set(picked)
    if body:
        wanted |= body_delegates(session, org_id, body)
    lines = account_lines(session, org_id)
    return [line for line in lines if line.username in wanted or (role and role in line.roles)]


@router.post("/login-codes", response_class=HTMLResponse)
def issue(
    request: Request,
    pc: Manager,
    body: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    account: Annotated[list[str] | None, Form()] = None,
    hours: Annotated[str, Form()] = str(DEFAULT_HOURS),
) -> HTMLResponse:
    """Issue one code to each chosen account, once, and show the sheet to print."""
    use_language(pc)
    org = organization(request, pc)
    picked = account or []
    values: dict[str, object] = {"body": body, "role": role, "account": picked, "hours": hours}
    errors: dict[str, str] = {}
    valid = whole_number(
        hours, "hours", errors, _("From 1 to %(n)s hours.", n=MAX_HOURS), minimum=1
    )
    if valid is not None and valid > MAX_HOURS:
        errors["hours"] = _("From 1 to %(n)s hours.", n=MAX_HOURS)
    if role and role not in role_names():
        errors["role"] = _("Choose a role.")
    if errors or valid is None:
        return _form(request, pc, org, values=values, errors=errors, status=422)
    with unit_of_work(request, pc) as (session, held):
        people = chosen_accounts(session, held.id, body, role, picked)
        codes = [accounts.issue_login_code(session, p.username, hours=valid) for p in people]
    if not people:
        errors["form"] = _("Choose whose codes to print: a body, a role or accounts.")
        return _form(request, pc, org, values=values, errors=errors, status=422)
    sign_in = str(request.base_url).rstrip("/") + "/login"
    until = dt.datetime.now(dt.UTC) + dt.timedelta(hours=valid)
    sheet = Sheet(
        title=_("Sign-in codes"),
        purpose=_("Each code signs its account in once, at %(url)s.", url=sign_in),
        slips=[
            Slip(
                name=p.display_name,
                code=code,
                details=[(_("Username"), p.username)],
                instructions=_("Sign in at %(url)s with this code. It works once.", url=sign_in),
            )
            for p, code in zip(people, codes, strict=True)
        ],
        back=f"{base_path(org.slug)}/login-codes",
        back_label=_("Back to sign-in codes"),
        valid_until=format_datetime(until),
    )
    return show_sheet(request, pc, org, sheet)
