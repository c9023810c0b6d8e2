"""Mandates and alternates: every delegate's seat, who stands behind it, and ending one.

A mandate ends here by resignation or expiry, after a confirmation that names the
delegate (journaled; the delegate leaves every body and the constituency's remaining
delegates are weighed again). A recall ends one through its petition and ballot instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from tauride.db.models import Constituency, Faction, Mandate, MandateStatus, Person
from tauride.domain.errors import NotFound
from tauride.services import bodies, mandates
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.secretariat.common import (
    OrgRef,
    new_router,
    organization,
    page,
    unit_of_work,
    use_language,
)
from tauride.web.pages.session import PageAct, PageContext

router = new_router()

Ender = Annotated[PageContext, Depends(PageAct("mandate.end"))]

ENDINGS = ("resigned", "expired")
SHOWN = ("active", "ended", "all")
MAX_REASON = 2000


@dataclass
class MandateLine:
    """One mandate as the list shows it."""

    id: int
    person: str
    constituency: str | None
    faction: str | None
    status: str
    consultative: bool
    represents: int
    term_start: dt.date | None
    term_end: dt.date | None
    ended_at: dt.datetime | None
    alternate_for: str | None
    alternates: list[str] = field(default_factory=list)


def mandate_lines(session: Session, org_id: int) -> list[MandateLine]:
    """Every mandate of the organization by number, each with the alternates behind it."""
    principal = aliased(Mandate)
    principal_person = aliased(Person)
    rows = session.execute(
        select(Mandate, Person.name, Constituency.name, Faction.name, principal_person.name)
        .join(Person, Mandate.person_id == Person.id)
        .outerjoin(Constituency, Mandate.constituency_id == Constituency.id)
        .outerjoin(Faction, Mandate.faction_id == Faction.id)
        .outerjoin(principal, Mandate.alternate_for_id == principal.id)
        .outerjoin(principal_person, principal.person_id == principal_person.id)
        .where(Mandate.organization_id == org_id)
        .order_by(Mandate.id)
    ).all()
    lines = {
        m.id: MandateLine(
            id=m.id,
            person=person,
            constituency=where,
            faction=faction,
            status=m.status.value,
            consultative=m.consultative,
            represents=m.represents,
            term_start=m.term_start,
            term_end=m.term_end,
            ended_at=m.ended_at,
            alternate_for=principal_name,
        )
        for m, person, where, faction, principal_name in rows
    }
    for m, person, *_rest in rows:
        if m.alternate_for_id in lines and m.status is MandateStatus.ACTIVE:
            lines[m.alternate_for_id].alternates.append(person)
    return list(lines.values())


def status_names() -> dict[str, str]:
    return {
        "active": _("active"),
        "resigned": _("resigned"),
        "expired": _("expired"),
        "recalled": _("recalled"),
    }


def _panel(
    request: Request,
    pc: PageContext,
    org: OrgRef,
    *,
    shown: str,
    ending: MandateLine | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    ended: MandateLine | None = None,
    status: int = 200,
) -> HTMLResponse:
    with unit_of_work(request, pc) as (session, held):
        everything = mandate_lines(session, held.id)
    if shown == "active":
        listed = [m for m in everything if m.status == "active"]
    elif shown == "ended":
        listed = [m for m in everything if m.status != "active"]
    else:
        listed = everything
    context = {
        "mandates": listed,
        "shown": shown,
        "statuses": status_names(),
        "endings": ENDINGS,
        "ending": ending,
        "ended": ended,
        "values": values or {"status": "", "reason": ""},
        "errors": errors or {},
    }
    return page(
        request, pc, org, "secretariat/mandates.html", context, status=status, fragment="panel"
    )


def _line(request: Request, pc: PageContext, mandate_id: int) -> MandateLine:
    with unit_of_work(request, pc) as (session, org):
        for line in mandate_lines(session, org.id):
            if line.id == mandate_id:
                return line
        raise NotFound(f"no mandate {mandate_id} in {org.slug}")


@router.get("/mandates", response_class=HTMLResponse)
def list_mandates(request: Request, pc: Ender, show: str = "active") -> HTMLResponse:
    """Mandates with their constituency, faction, status and alternates."""
    use_language(pc)
    shown = show if show in SHOWN else "active"
    return _panel(request, pc, organization(request, pc), shown=shown)


@router.get("/mandates/{mandate_id}/end", response_class=HTMLResponse)
def confirm_end(request: Request, pc: Ender, mandate_id: int) -> HTMLResponse:
    """Ask to confirm ending a mandate, naming the delegate, with the reason to record."""
    use_language(pc)
    line = _line(request, pc, mandate_id)
    return _panel(request, pc, organization(request, pc), shown="active", ending=line)


@router.post("/mandates/{mandate_id}/end", response_class=HTMLResponse)
def end_mandate(
    request: Request,
    pc: Ender,
    mandate_id: int,
    status: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """End a mandate by resignation or expiry (journaled); the bodies recompose."""
    use_language(pc)
    org = organization(request, pc)
    line = _line(request, pc, mandate_id)
    values = {"status": status, "reason": reason}
    errors: dict[str, str] = {}
    if status not in ENDINGS:
        errors["status"] = _("Choose why the mandate ends: resignation or expiry.")
    if len(reason) > MAX_REASON:
        errors["reason"] = _("The reason is longer than %(n)s characters.", n=MAX_REASON)
    if errors:
        return _panel(
            request,
            pc,
            org,
            shown="active",
            ending=line,
            values=values,
            errors=errors,
            status=422,
        )
    with unit_of_work(request, pc) as (session, held):
        mandates.end_mandate(
            session,
            held,
            mandate_id,
            status=MandateStatus(status),
            reason=reason.strip(),
            actor=pc.ctx.actor,
        )
        bodies.recompose(session, held, actor=pc.ctx.actor)
    return _panel(request, pc, org, shown="active", ended=_line(request, pc, mandate_id))
