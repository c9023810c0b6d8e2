"""Sending a sitting's notices (the secretariat's page): the convocation to the members,
report-back digests to the constituencies, sign-in codes to the members' accounts.

With an SMTP server configured the buttons send e-mail, and each sending is journaled;
without one the page offers the printable versions instead: the convocation page, the
digests of every constituency, and sheets of sign-in codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from tauride.domain.digests import digest_blocks
from tauride.domain.documents import (
    Block,
    Code,
    Footer,
    Heading,
    Inline,
    Items,
    Para,
    Quote,
    Strong,
)
from tauride.queries.digests import digest_constituencies, sitting_digests
from tauride.services import convocations, notices
from tauride.services.mail import SmtpServer
from tauride.services.notices import CODE_HOURS, Sent
from tauride.services.organizations import get_organization
from tauride.web.pages.documents.letters import Letters
from tauride.web.pages.documents.words import instant, words
from tauride.web.pages.i18n import ngettext
from tauride.web.pages.session import PageAct, PageContext
from tauride.web.pages.templating import render

router = APIRouter(include_in_schema=False)

Convener = Annotated[PageContext, Depends(PageAct("sitting.schedule"))]
Reader = Annotated[PageContext, Depends(PageAct("minutes.read"))]
CodeIssuer = Annotated[PageContext, Depends(PageAct("account.manage"))]

BASE = "/o/{slug}/sittings/{sitting_id}"


def smtp(request: Request) -> SmtpServer | None:
    """The SMTP server of the settings, or None: notices are printed."""
    return SmtpServer.configured(request.app.state.settings)


def _state(
    session: Session, request: Request, page: PageContext, sitting_id: int
) -> dict[str, Any]:
    c = convocations.convocation(session, page.slug, sitting_id)
    names = digest_constituencies(session, page.slug, sitting_id)
    addresses = convocations.digest_addresses(session, page.slug, names)
    zone = request.app.state.settings.zone
    return {
        "c": c,
        "org": {"slug": c.slug, "name": c.organization},
        "who": page.who,
        "section": "sittings",
        "mail": smtp(request),
        "constituencies": [(name, len(addresses[name])) for name in names],
        "sent": notices.notices_of(session, page.slug, sitting_id),
        "at": lambda text: instant(text, zone),
        "tz": zone,
        "w": words(),
        "may_issue_codes": "secretariat" in page.who.roles,
        "result": None,
        "slips": None,
    }


def _page(request: Request, page: PageContext, sitting_id: int, **extra: Any) -> HTMLResponse:
    with request.app.state.database.unit_of_work() as session:
        values = _state(session, request, page, sitting_id) | extra
    return render(request, page.viewer, "documents/notices.html", values, fragment="notices")


def said(sent: Sent) -> str:
    """What a sending did, in a sentence of the current language."""
    w = words()["notice"]
    parts = [
        ngettext(
            "%(what)s: %(num)s letter sent",
            "%(what)s: %(num)s letters sent",
            sent.sent,
            what=w[sent.notice],
        )
    ]
    if sent.refused:
        parts.append(ngettext("%(num)s refused", "%(num)s refused", sent.refused))
    if sent.unsent:
        parts.append(
            ngettext("%(num)s not sent", "%(num)s not sent", sent.unsent)
            + (f" ({sent.stopped})" if sent.stopped else "")
        )
    if sent.unreachable:
        parts.append(
            ngettext(
                "%(num)s without an e-mail address: print theirs",
                "%(num)s without an e-mail address: print theirs",
                len(sent.unreachable),
            )
        )
    return "; ".join(parts) + "."


@router.get(BASE + "/notices", response_class=HTMLResponse)
def notices_page(request: Request, page: Convener, sitting_id: int) -> HTMLResponse:
    """What the secretariat can send about a sitting, and what it has sent."""
    return _page(request, page, sitting_id)


@router.post(BASE + "/notices/convocation", response_class=HTMLResponse)
def send_convocation(request: Request, page: Convener, sitting_id: int) -> HTMLResponse:
    """E-mail the convocation, with its calendar file, to every member's account."""
    letters = Letters(request, page.viewer.locale)
    with request.app.state.database.unit_of_work() as session:
        org = get_organization(session, page.slug)
        sent = notices.send_convocation(
            session,
            org,
            sitting_id,
            server=smtp(request),
            compose=letters.convocation,
            actor=page.ctx.actor,
        )
    return _page(request, page, sitting_id, result=said(sent))


@router.post(BASE + "/notices/digests", response_class=HTMLResponse)
def send_digests(request: Request, page: Convener, sitting_id: int) -> HTMLResponse:
    """E-mail each constituency that sat in the body its report-back digest."""
    letters = Letters(request, page.viewer.locale)
    with request.app.state.database.unit_of_work() as session:
        org = get_organization(session, page.slug)
        digests = sitting_digests(session, page.slug, sitting_id)
        sent = notices.send_digests(
            session,
            org,
            sitting_id,
            digests,
            server=smtp(request),
            compose=letters.digest,
            actor=page.ctx.actor,
        )
    return _page(request, page, sitting_id, result=said(sent))


@router.post(BASE + "/notices/codes", response_class=HTMLResponse)
def send_codes(request: Request, page: CodeIssuer, sitting_id: int) -> HTMLResponse:
    """E-mail a fresh one-time sign-in code to every member's account with an address."""
    letters = Letters(request, page.viewer.locale)
    with request.app.state.database.unit_of_work() as session:
        org = get_organization(session, page.slug)
        sent = notices.send_login_codes(
            session,
            org,
            sitting_id,
            server=smtp(request),
            compose=lambda c, a, code: letters.code(c, a, code, CODE_HOURS),
            actor=page.ctx.actor,
        )
    return _page(request, page, sitting_id, result=said(sent))


@router.post(BASE + "/notices/codes/print", response_class=HTMLResponse)
def print_codes(request: Request, page: CodeIssuer, sitting_id: int) -> HTMLResponse:
    """Issue a fresh sign-in code to every member's account, on slips to print and cut."""
    with request.app.state.database.unit_of_work() as session:
        org = get_organization(session, page.slug)
        slips = notices.print_login_codes(session, org, sitting_id, actor=page.ctx.actor)
    base = str(request.base_url).rstrip("/")
    return _page(
        request,
        page,
        sitting_id,
        slips=slips,
        login=f"{base}/login",
        result=ngettext(
            "%(num)s sign-in code issued: print the slips below.",
            "%(num)s sign-in codes issued: print the slips below.",
            len(slips),
        ),
    )


def _inline(parts: Sequence[Inline]) -> list[tuple[str, str]]:
    return [
        ("code", p.text)
        if isinstance(p, Code)
        else ("strong", p.text)
        if isinstance(p, Strong)
        else ("text", p)
        for p in parts
    ]


def blocks(found: Sequence[Block], shift: int = 1) -> list[dict[str, Any]]:
    """Document blocks as plain values a template writes, headings `shift` levels down."""
    out: list[dict[str, Any]] = []
    for b in found:
        if isinstance(b, Heading):
            out.append({"type": "heading", "level": min(b.level + shift, 6), "text": b.text})
        elif isinstance(b, Para | Footer):
            out.append({"type": "para", "parts": _inline(b.parts), "footer": isinstance(b, Footer)})
        elif isinstance(b, Items):
            out.append(
                {"type": "items", "ordered": b.ordered, "entries": [_inline(e) for e in b.entries]}
            )
        elif isinstance(b, Quote):
            out.append({"type": "quote", "text": b.text})
        else:
            out.append({"type": "table", "header": b.header, "rows": b.rows})
    return out


@router.get(BASE + "/digests", response_class=HTMLResponse)
def digests_page(request: Request, page: Reader, sitting_id: int) -> HTMLResponse:
    """Every constituency's report-back digest of the sitting, to read or to print."""
    with request.app.state.database.unit_of_work() as session:
        c = convocations.convocation(session, page.slug, sitting_id, members=False)
        digests = sitting_digests(session, page.slug, sitting_id)
    values = {
        "c": c,
        "org": {"slug": c.slug, "name": c.organization},
        "who": page.who,
        "section": "sittings",
        "digests": [(name, blocks(digest_blocks(d))) for name, d in digests.items()],
    }
    return render(request, page.viewer, "documents/digests.html", values)
