"""Importing constituencies, rolls and delegates from CSV files, as the API's imports do.

A file is taken whole or not at all: when any line is wrong, the page lists every bad line
(file, line, field, what is wrong) and nothing is written; otherwise it sums up what was
added. Rolls are personal data: the summary, like the journal, gives counts, not names.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from pathlib import PureWindowsPath
from typing import Annotated, Any

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, Faction, Mandate, Organization, Person
from tauride.domain.errors import TaurideError
from tauride.services import bodies, constituencies, mandates
from tauride.web.api.constituencies import MAX_CSV_BYTES
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

Importer = Annotated[PageContext, Depends(PageAct("constituencies.import"))]


class Kind(enum.StrEnum):
    """What a file holds, with the columns it may have."""

    CONSTITUENCIES = "constituencies"
    ROLL = "roll"
    DELEGATES = "delegates"


COLUMNS: dict[Kind, tuple[str, ...]] = {
    Kind.CONSTITUENCIES: ("name", "kind", "size", "group"),
    Kind.ROLL: ("constituency", "roll_number", "name", "contact"),
    Kind.DELEGATES: ("name", "constituency", "faction", "alternate_for", "term_start", "term_end"),
}
DEFAULT_NAME = {
    Kind.CONSTITUENCIES: "constituencies.csv",
    Kind.ROLL: "roll.csv",
    Kind.DELEGATES: "delegates.csv",
}
_LINE = re.compile(r"^(\d+): (.*)$", re.DOTALL)


@dataclass(frozen=True)
class BadLine:
    """One line of the error report."""

    file: str
    line: int | None
    field: str
    message: str


def report(problems: list[str], source: str, kind: Kind) -> list[BadLine]:
    """The service's problems as the report's lines: file, line, field, message."""
    columns = set(COLUMNS[kind])
    lines: list[BadLine] = []
    for problem in problems:
        rest = problem.removeprefix(f"{source}:")
        if rest == problem:
            lines.append(BadLine(source, None, "", problem))
            continue
        number = None
        found = _LINE.match(rest)
        if found:
            number, rest = int(found.group(1)), found.group(2)
        rest = rest.strip()
        head, sep, message = rest.partition(": ")
        if sep and head in columns:
            lines.append(BadLine(source, number, head, message))
        else:
            lines.append(BadLine(source, number, "", rest))
    return lines


@dataclass(frozen=True)
class Imported:
    """What an import added, for its summary."""

    kind: Kind
    source: str
    constituencies: list[dict[str, Any]]
    seats: int
    constituents: int
    delegates: list[dict[str, Any]]


def _constituencies(
    session: Session, org: Organization, text: str, source: str, actor: str
) -> Imported:
    added = constituencies.import_constituencies(session, org, text, source=source, actor=actor)
    seats = constituencies.apportion_seats(session, org, actor=actor)
    bodies.recompose(session, org, actor=actor)
    rows = session.scalars(
        select(Constituency)
        .where(Constituency.id.in_([c.id for c in added]))
        .order_by(Constituency.id)
    )
    lines = [
        {
            "name": c.name,
            "kind": c.kind,
            "size": c.size,
            "seats": c.seats,
            "consultative_seats": c.consultative_seats,
            "group": c.group_label,
        }
        for c in rows
    ]
    return Imported(Kind.CONSTITUENCIES, source, lines, sum(seats.values()), 0, [])


def _roll(session: Session, org: Organization, text: str, source: str, actor: str) -> Imported:
    count = constituencies.import_roll(session, org, text, source=source, actor=actor)
    return Imported(Kind.ROLL, source, [], 0, count, [])


def _delegates(session: Session, org: Organization, text: str, source: str, actor: str) -> Imported:
    created = mandates.import_delegates(session, org, text, source=source, actor=actor)
    bodies.recompose(session, org, actor=actor)
    principal = (
        select(Person.name, Mandate.id).join(Mandate, Mandate.person_id == Person.id).subquery()
    )
    rows = session.execute(
        select(Mandate, Person.name, Constituency.name, Faction.name, principal.c.name)
        .join(Person, Mandate.person_id == Person.id)
        .outerjoin(Constituency, Mandate.constituency_id == Constituency.id)
        .outerjoin(Faction, Mandate.faction_id == Faction.id)
        .outerjoin(principal, Mandate.alternate_for_id == principal.c.id)
        .where(Mandate.id.in_([m.id for m in created]))
        .order_by(Mandate.id)
    ).all()
    lines = [
        {
            "mandate": m.id,
            "person": person,
            "constituency": where,
            "faction": faction,
            "consultative": m.consultative,
            "alternate_for": principal,
        }
        for m, person, where, faction, principal in rows
    ]
    return Imported(Kind.DELEGATES, source, [], 0, 0, lines)


IMPORTS = {Kind.CONSTITUENCIES: _constituencies, Kind.ROLL: _roll, Kind.DELEGATES: _delegates}


def _importer(
    request: Request,
    pc: PageContext,
    org: OrgRef,
    *,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    bad: list[BadLine] | None = None,
    imported: Imported | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "kinds": list(Kind),
        "columns": COLUMNS,
        "values": values,
        "errors": errors or {},
        "bad": bad or [],
        "imported": imported,
    }
    return page(
        request, pc, org, "secretariat/import.html", context, status=status, fragment="importer"
    )


@router.get("/import", response_class=HTMLResponse)
def import_form(
    request: Request, pc: Importer, what: str = Kind.CONSTITUENCIES.value
) -> HTMLResponse:
    """The import form: which kind of file, and the file."""
    use_language(pc)
    org = organization(request, pc)
    chosen = what if what in set(Kind) else Kind.CONSTITUENCIES.value
    return _importer(request, pc, org, values={"what": chosen})


def _read(file: UploadFile | None, default: str) -> tuple[str, str | None, str | None]:
    """The file's name as the report cites it, its text, or why it cannot be read."""
    if file is None:
        return default, None, _("Choose a CSV file.")
    given = PureWindowsPath(file.filename or "").name.strip()  # no client's folders
    source = given[:100] if given else default
    raw = file.file.read(MAX_CSV_BYTES + 1)
    if not raw and not given:
        return source, None, _("Choose a CSV file.")
    if len(raw) > MAX_CSV_BYTES:
        return source, None, _("The file is larger than %(n)s bytes.", n=f"{MAX_CSV_BYTES:,}")
    try:
        return source, raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        return source, None, _("The file is not UTF-8 text (byte %(n)s).", n=error.start)


@router.post("/import", response_class=HTMLResponse)
def import_file(
    request: Request,
    pc: Importer,
    what: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Import one file, whole or not at all (journaled); a bad file is reported line by line."""
    use_language(pc)
    org = organization(request, pc)
    values = {"what": what}
    errors: dict[str, str] = {}
    if what not in set(Kind):
        errors["what"] = _("Choose what the file holds.")
        kind = Kind.CONSTITUENCIES
    else:
        kind = Kind(what)
    source, text, unreadable = _read(file, DEFAULT_NAME[kind])
    if unreadable:
        errors["file"] = unreadable
    if errors or text is None:
        return _importer(request, pc, org, values=values, errors=errors, status=422)
    try:
        with unit_of_work(request, pc) as (session, held):
            imported = IMPORTS[kind](session, held, text, source, pc.ctx.actor)
    except TaurideError as exc:
        bad = report(exc.problems, source, kind)
        return _importer(request, pc, org, values=values, bad=bad, status=422)
    return _importer(request, pc, org, values=values, imported=imported)
