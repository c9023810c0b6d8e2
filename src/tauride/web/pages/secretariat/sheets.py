"""A printable sheet of one-time codes: one slip per person, cut apart and handed out.

The codes are in the one response that shows the sheet: they are stored only as hashes,
so the sheet cannot be shown again; the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from fastapi.responses import HTMLResponse

from tauride.web.pages.secretariat.common import OrgRef, page
from tauride.web.pages.session import PageContext


@dataclass(frozen=True)
class Slip:
    """What one person is handed: who they are, their code, and where to use it."""

    name: str
    code: str
    details: list[tuple[str, str]] = field(default_factory=list)
    instructions: str = ""


@dataclass(frozen=True)
class Sheet:
    """A sheet of slips, with what it is for and where to go back to."""

    title: str
    purpose: str
    slips: list[Slip]
    back: str
    back_label: str
    valid_until: str = ""


def show_sheet(request: Request, pc: PageContext, org: OrgRef, sheet: Sheet) -> HTMLResponse:
    """The sheet as a page (or as the page's new content for htmx), never to be cached."""
    response = page(
        request, pc, org, "secretariat/code_sheet.html", {"sheet": sheet}, fragment="sheet"
    )
    response.headers["Cache-Control"] = "no-store"
    return response
