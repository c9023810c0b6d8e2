"""The constitution editor: the text in force, checked as often as wanted, then adopted.

"Check" reads the draft as the API's check does and saves nothing; "Adopt" amends the
constitution (journaled; seats re-apportioned, bodies recomposed). Every mistake is shown
at once, each with the line of the text it belongs to, and the text stays as typed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from tauride.db.models import ConstitutionVersion
from tauride.domain.errors import InvalidInput
from tauride.services import amendments
from tauride.services.organizations import check_constitution
from tauride.web.api.constitution import MAX_TEXT, SOURCE, ConstitutionSummaryRead, summary_of
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.secretariat.common import (
    OrgRef,
    new_router,
    page,
    unit_of_work,
    use_language,
)
from tauride.web.pages.secretariat.toml_places import field_lines, line_of
from tauride.web.pages.session import PageAct, PageContext

router = new_router()

Amender = Annotated[PageContext, Depends(PageAct("constitution.amend"))]
Text = Annotated[str, Form()]

MAX_NOTE = 2000
_PATH = re.compile(r"^[A-Za-z0-9_.\[\]-]+(?: \(key\))?$")


@dataclass(frozen=True)
class Mistake:
    """One mistake of a draft: the line it is on, the field it names, what is wrong."""

    line: int | None
    field: str
    message: str
    written: str
    """The line as the draft has it."""


def mistakes(problems: list[str], text: str) -> list[Mistake]:
    """The service's problems placed on the lines of the draft, in the order of the text."""
    places = field_lines(text)
    lines = text.splitlines()
    found: list[Mistake] = []
    for problem in problems:
        rest = problem.removeprefix(f"{SOURCE}: ")
        head, sep, message = rest.partition(": ")
        path = head if sep and _PATH.match(head) else ""
        message = message if path else rest
        line = line_of(places, path, message)
        written = lines[line - 1].strip() if line and 0 < line <= len(lines) else ""
        found.append(Mistake(line, path.removesuffix(" (key)"), message, written))
    return sorted(found, key=lambda m: (m.line is None, m.line or 0))


@dataclass(frozen=True)
class InForce:
    """The version in force: what the editor starts from."""

    version: int
    adopted_at: dt.datetime
    note: str
    text: str


def _editor(
    request: Request,
    pc: PageContext,
    org: OrgRef,
    current: InForce,
    *,
    text: str,
    note: str,
    found: list[Mistake] | None = None,
    errors: dict[str, str] | None = None,
    checked: ConstitutionSummaryRead | None = None,
    adopted: int | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "current": current,
        "values": {"constitution": text, "note": note},
        "mistakes": found or [],
        "errors": errors or {},
        "checked": checked,
        "adopted": adopted,
    }
    return page(
        request,
        pc,
        org,
        "secretariat/constitution.html",
        context,
        status=status,
        fragment="editor",
    )


def _current(request: Request, pc: PageContext) -> tuple[OrgRef, InForce]:
    with unit_of_work(request, pc) as (session, org):
        row = session.scalars(
            select(ConstitutionVersion)
            .where(ConstitutionVersion.organization_id == org.id)
            .order_by(ConstitutionVersion.version.desc())
            .limit(1)
        ).one()
        in_force = InForce(row.version, row.adopted_at, row.note, row.source)
        return OrgRef(org.slug, org.name), in_force


def _form_errors(text: str, note: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not text.strip():
        errors["constitution"] = _("Write the constitution: the text is empty.")
    elif len(text) > MAX_TEXT:
        errors["constitution"] = _("The text is longer than %(n)s characters.", n=MAX_TEXT)
    if len(note) > MAX_NOTE:
        errors["note"] = _("The note is longer than %(n)s characters.", n=MAX_NOTE)
    return errors


@router.get("/constitution", response_class=HTMLResponse)
def editor(request: Request, pc: Amender) -> HTMLResponse:
    """The constitution in force, as TOML, ready to be amended."""
    use_language(pc)
    org, current = _current(request, pc)
    return _editor(request, pc, org, current, text=current.text, note="")


@router.post("/constitution/check", response_class=HTMLResponse)
def check(request: Request, pc: Amender, constitution: Text = "", note: Text = "") -> HTMLResponse:
    """Check a draft without saving it: its summary, or every mistake beside its line."""
    use_language(pc)
    org, current = _current(request, pc)
    errors = _form_errors(constitution, note)
    if errors:
        return _editor(
            request, pc, org, current, text=constitution, note=note, errors=errors, status=422
        )
    try:
        parsed = check_constitution(constitution, SOURCE)
        if parsed.organization.slug != org.slug:
            raise InvalidInput(
                f"{SOURCE}: organization.slug: is '{parsed.organization.slug}', "
                f"the organization amended is '{org.slug}'"
            )
    except InvalidInput as exc:
        found = mistakes(exc.problems, constitution)
        return _editor(
            request, pc, org, current, text=constitution, note=note, found=found, status=422
        )
    summary = summary_of(parsed)
    return _editor(request, pc, org, current, text=constitution, note=note, checked=summary)


@router.post("/constitution", response_class=HTMLResponse)
def adopt(request: Request, pc: Amender, constitution: Text = "", note: Text = "") -> HTMLResponse:
    """Adopt the draft as the constitution's next version (journaled); seats are
    apportioned again and the bodies recomposed under it."""
    use_language(pc)
    org, current = _current(request, pc)
    errors = _form_errors(constitution, note)
    if errors:
        return _editor(
            request, pc, org, current, text=constitution, note=note, errors=errors, status=422
        )
    try:
        with unit_of_work(request, pc) as (session, _held):
            version = amendments.amend(
                session,
                org.slug,
                constitution,
                source=SOURCE,
                actor=pc.ctx.actor,
                note=note.strip(),
            )
    except InvalidInput as exc:
        found = mistakes(exc.problems, constitution)
        return _editor(
            request, pc, org, current, text=constitution, note=note, found=found, status=422
        )
    org, current = _current(request, pc)
    return _editor(request, pc, org, current, text=current.text, note="", adopted=version)
