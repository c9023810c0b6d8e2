"""What every secretariat page shares: its place under the organization, the frame around
it, one transaction per act, and how a refusal is shown next to the fields it names."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.web.database import Database
from tauride.web.pages import i18n
from tauride.web.pages.session import PageContext
from tauride.web.pages.templating import render

PREFIX = "/o/{slug}/secretariat"


def new_router() -> APIRouter:
    """A router for one secretariat screen, under the organization's secretariat."""
    return APIRouter(prefix=PREFIX, include_in_schema=False)


@dataclass(frozen=True)
class OrgRef:
    """The organization as the frame of a page names it."""

    slug: str
    name: str


def use_language(pc: PageContext) -> None:
    """Word what this request writes (form errors, notices, sheets) in the viewer's
    language; a page's handler calls it first, in its own context."""
    i18n.activate(pc.viewer.locale)


def database_of(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


@contextmanager
def unit_of_work(request: Request, pc: PageContext) -> Iterator[tuple[Session, Organization]]:
    """One transaction in the page's organization: committed if the block succeeds."""
    with database_of(request).unit_of_work() as session:
        yield session, session.get_one(Organization, pc.ctx.org_id)


def organization(request: Request, pc: PageContext) -> OrgRef:
    """The page's organization, to frame a page drawn outside any transaction."""
    with database_of(request).unit_of_work() as session:
        org = session.get_one(Organization, pc.ctx.org_id)
        return OrgRef(org.slug, org.name)


def base_path(slug: str) -> str:
    return PREFIX.format(slug=slug)


def page(
    request: Request,
    pc: PageContext,
    org: Organization | OrgRef,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    fragment: str | None = None,
) -> HTMLResponse:
    """A secretariat page (or one of its blocks for htmx) in the organization's frame."""
    values = {
        "org": OrgRef(org.slug, org.name),
        "who": pc.who,
        "section": "secretariat",
        "base": base_path(org.slug),
        **(context or {}),
    }
    return render(request, pc.viewer, template, values, status=status, fragment=fragment)


def split_problems(
    problems: Iterable[str], fields: Iterable[str], *, prefix: str = ""
) -> dict[str, str]:
    """A service's problems placed next to the fields they name ("password: at least 10
    characters" goes to `password`); the others are the form's own, under "form"."""
    known = set(fields)
    placed: dict[str, list[str]] = {}
    for problem in problems:
        text = problem.removeprefix(prefix)
        head, sep, rest = text.partition(": ")
        key = head.strip() if sep and head.strip() in known else "form"
        placed.setdefault(key, []).append(rest if key != "form" else problem)
    return {key: " ".join(messages) for key, messages in placed.items()}


def whole_number(
    raw: str, field: str, errors: dict[str, str], message: str, *, minimum: int = 0
) -> int | None:
    """A whole number typed in a field, or its error noted next to it."""
    text = raw.strip().replace("_", "").replace(",", "").replace(" ", "")
    try:
        value = int(text)
    except ValueError:
        errors[field] = message
        return None
    if value < minimum:
        errors[field] = message
        return None
    return value
