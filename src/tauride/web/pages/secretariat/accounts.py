"""Accounts of the organization: who holds which role, creating an account with its first
role, and granting another (a delegate's through a mandate, a constituent's on a roll).

Role grants are journaled as the API's are; an account made here signs in with a code
from the sign-in code sheets, or with the password given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.accounts import Account, RoleGrant
from tauride.db.models import Constituency, Constituent, Mandate, MandateStatus, Person
from tauride.domain.authorization import Role
from tauride.domain.errors import NotFound, TaurideError
from tauride.services import accounts
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.secretariat.common import (
    OrgRef,
    new_router,
    organization,
    page,
    split_problems,
    unit_of_work,
    use_language,
)
from tauride.web.pages.session import PageAct, PageContext

router = new_router()

Manager = Annotated[PageContext, Depends(PageAct("account.manage"))]

FIELDS = ("username", "display_name", "password", "role", "mandate", "constituent")


def role_names() -> dict[str, str]:
    """The roles an account may be given, as the forms name them."""
    return {
        Role.SECRETARIAT.value: _("secretariat"),
        Role.CHAIR.value: _("chair"),
        Role.TELLER.value: _("teller"),
        Role.DELEGATE.value: _("delegate"),
        Role.CONSTITUENT.value: _("constituent"),
        Role.OBSERVER.value: _("observer"),
    }


@dataclass
class AccountLine:
    """An account with the roles it holds in the organization."""

    username: str
    display_name: str
    roles: list[str] = field(default_factory=list)
    mandates: list[str] = field(default_factory=list)
    """The delegate's mandates, as "12: K. A. Belov"."""


def account_lines(session: Session, org_id: int) -> list[AccountLine]:
    """Every account holding a role in the organization, by name."""
    rows = session.execute(
        select(Account.username, Account.display_name, RoleGrant.role, Mandate.id, Person.name)
        .join(RoleGrant, RoleGrant.account_id == Account.id)
        .outerjoin(Mandate, RoleGrant.mandate_id == Mandate.id)
        .outerjoin(Person, Mandate.person_id == Person.id)
        .where(
            RoleGrant.organization_id == org_id,
            RoleGrant.revoked_at.is_(None),
            Account.disabled.is_(False),
        )
        .order_by(Account.display_name, Account.username, RoleGrant.id)
    ).all()
    lines: dict[str, AccountLine] = {}
    for username, display_name, role, mandate, person in rows:
        line = lines.setdefault(username, AccountLine(username, display_name))
        if role not in line.roles:
            line.roles.append(role)
        if mandate is not None:
            line.mandates.append(f"{mandate}: {person}")
    return list(lines.values())


def _mandate_choices(session: Session, org_id: int) -> list[tuple[int, str]]:
    rows = session.execute(
        select(Mandate.id, Person.name, Constituency.name)
        .join(Person, Mandate.person_id == Person.id)
        .outerjoin(Constituency, Mandate.constituency_id == Constituency.id)
        .where(Mandate.organization_id == org_id, Mandate.status == MandateStatus.ACTIVE)
        .order_by(Person.name)
    ).all()
    return [(m, f"{p} — {c}" if c else p) for m, p, c in rows]


def _constituencies(session: Session, org_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Constituency.name)
            .where(
                Constituency.organization_id == org_id,
                Constituency.id.in_(select(Constituent.constituency_id)),
            )
            .order_by(Constituency.name)
        )
    )


def _panel(
    request: Request,
    pc: PageContext,
    org: OrgRef,
    *,
    target: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status: int = 200,
) -> HTMLResponse:
    with unit_of_work(request, pc) as (session, held):
        context = {
            "people": account_lines(session, held.id),
            "mandates": _mandate_choices(session, held.id),
            "constituencies": _constituencies(session, held.id),
            "roles": role_names(),
            "target": target,
            "values": values or {},
            "errors": errors or {},
            "notice": notice,
        }
    return page(
        request, pc, org, "secretariat/accounts.html", context, status=status, fragment="panel"
    )


@router.get("/accounts", response_class=HTMLResponse)
def list_accounts(request: Request, pc: Manager) -> HTMLResponse:
    """Accounts and their roles, and the forms to create one or grant a role."""
    use_language(pc)
    return _panel(request, pc, organization(request, pc))


def _role_target(
    session: Session, org_id: int, values: dict[str, str], errors: dict[str, str]
) -> tuple[int | None, int | None]:
    """The mandate or the constituent a delegate's or constituent's role goes through."""
    role = values.get("role", "")
    mandate = constituent = None
    if role == Role.DELEGATE.value:
        raw = values.get("mandate", "")
        if not raw.isdigit():
            errors["mandate"] = _("A delegate acts through a mandate: choose it.")
        else:
            mandate = int(raw)
    if role == Role.CONSTITUENT.value:
        number = values.get("roll_number", "").strip()
        where = values.get("constituency", "")
        found = session.scalar(
            select(Constituent.id)
            .join(Constituency, Constituent.constituency_id == Constituency.id)
            .where(
                Constituent.organization_id == org_id,
                Constituency.name == where,
                Constituent.roll_number == number,
            )
        )
        if found is None:
            errors["roll_number"] = _("No constituent with this roll number in this constituency.")
        constituent = found
    return mandate, constituent


def _grant(
    request: Request, pc: PageContext, org: OrgRef, target: str, values: dict[str, str]
) -> HTMLResponse:
    """Create the account first if asked, then grant the role, in one transaction."""
    errors: dict[str, str] = {}
    if values.get("role") not in role_names():
        errors["role"] = _("Choose a role.")
    if not values.get("username", "").strip():
        errors["username"] = _("Enter a username.")
    if target == "create" and not values.get("display_name", "").strip():
        errors["display_name"] = _("Enter the name to show.")
    with unit_of_work(request, pc) as (session, held):
        mandate, constituent = _role_target(session, held.id, values, errors)
    shown = {**values, "password": ""}
    if errors:
        return _panel(request, pc, org, target=target, values=shown, errors=errors, status=422)
    username = values["username"].strip()
    try:
        with unit_of_work(request, pc) as (session, held):
            if target == "create":
                accounts.create_account(
                    session,
                    username,
                    values["display_name"].strip(),
                    password=values.get("password") or None,
                )
            accounts.grant_role(
                session,
                held,
                username,
                values["role"],
                mandate_id=mandate,
                constituent_id=constituent,
                actor=pc.ctx.actor,
            )
    except TaurideError as exc:
        problems = exc.problems
        if isinstance(exc, NotFound):  # the account named does not exist
            problems = [f"username: {p}" for p in problems]
        errors = split_problems(problems, FIELDS)
        return _panel(request, pc, org, target=target, values=shown, errors=errors, status=422)
    notice = _(
        "%(user)s now holds the role %(role)s.",
        user=username,
        role=role_names()[values["role"]],
    )
    return _panel(request, pc, org, notice=notice)


@router.post("/accounts", response_class=HTMLResponse)
def create(
    request: Request,
    pc: Manager,
    username: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    mandate: Annotated[str, Form()] = "",
    constituency: Annotated[str, Form()] = "",
    roll_number: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Create an account and give it its first role here (journaled)."""
    use_language(pc)
    values = {
        "username": username,
        "display_name": display_name,
        "password": password,
        "role": role,
        "mandate": mandate,
        "constituency": constituency,
        "roll_number": roll_number,
    }
    return _grant(request, pc, organization(request, pc), "create", values)


@router.post("/accounts/roles", response_class=HTMLResponse)
def grant(
    request: Request,
    pc: Manager,
    username: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    mandate: Annotated[str, Form()] = "",
    constituency: Annotated[str, Form()] = "",
    roll_number: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Give an existing account another role here (journaled)."""
    use_language(pc)
    values = {
        "username": username,
        "role": role,
        "mandate": mandate,
        "constituency": constituency,
        "roll_number": roll_number,
    }
    return _grant(request, pc, organization(request, pc), "grant", values)
