"""The minutes of a sitting: a page in the site, a PDF to print, sign and archive, and the
Markdown and HTML files the command line writes too.

Everything is drawn from the journal (`tauride.queries.minutes`); the page and the PDF word
it in the viewer's language, the downloads as the renderers of the record write them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from weasyprint import CSS, HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

from tauride.domain.minutes_model import MotionRecord, PollRecord, SittingMinutes
from tauride.domain.minutes_render import minutes_html, minutes_markdown
from tauride.queries.minutes import sitting_minutes
from tauride.services import convocations
from tauride.web.pages import i18n
from tauride.web.pages.documents.words import instant, words
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.session import PageAct, PageContext
from tauride.web.pages.templating import TEMPLATES, render, render_text

router = APIRouter(include_in_schema=False)

Reader = Annotated[PageContext, Depends(PageAct("minutes.read"))]
STATIC_CSS = TEMPLATES.parent / "static" / "css"
PRINT_CSS = STATIC_CSS / "print.css"


@dataclass(frozen=True)
class Read:
    minutes: SittingMinutes
    body_name: str


def _read(request: Request, slug: str, sitting_id: int) -> Read:
    with request.app.state.database.unit_of_work() as session:
        minutes = sitting_minutes(session, slug, sitting_id)
        body_name = convocations.convocation(session, slug, sitting_id, members=False).body_name
    return Read(minutes, body_name)


def _all(m: SittingMinutes) -> tuple[list[MotionRecord], list[PollRecord]]:
    items = [*m.agenda, *([m.other] if m.other else [])]
    motions = sorted((x for i in items for x in i.motions), key=lambda x: x.motion)
    polls = sorted((p for i in items for p in i.polls), key=lambda p: p.poll)
    return motions, polls


def context(request: Request, read: Read) -> dict[str, Any]:
    """What the minutes templates need, in the current language."""
    zone: dt.tzinfo = request.app.state.settings.zone
    motions, polls = _all(read.minutes)
    m = read.minutes
    return {
        "m": m,
        "org": {"slug": m.slug, "name": m.organization},
        "body_name": read.body_name,
        "motions": motions,
        "polls": polls,
        "w": words(),
        "at": partial(instant, zone=zone),
        "zone": str(zone),
        "section": "minutes",
    }


def _filename(m: SittingMinutes, suffix: str) -> str:
    return f"{m.slug}-{m.body}-{m.number}-minutes.{suffix}"


def _attachment(name: str, disposition: str = "attachment") -> dict[str, str]:
    return {"Content-Disposition": f'{disposition}; filename="{name}"'}


def css_string(text: str) -> str:
    """A CSS string literal of a text, safe inside a <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return '"' + escaped.replace("<", "\\3C ") + '"'


def page_of_css() -> str:
    """The CSS `content` of "page X of Y" in the current language."""
    marker = _("Page %(page)s of %(pages)s", page="\x00page\x00", pages="\x00pages\x00")
    parts: list[str] = []
    for n, piece in enumerate(marker.split("\x00")):
        if n % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


# Laying out a PDF takes seconds; the same source (the same record, language and zone)
# always gives the same document, so the last few are kept, keyed by the source's hash.
_LAID_OUT: OrderedDict[str, bytes] = OrderedDict()
_LAID_OUT_LOCK = threading.Lock()
KEEP_PDFS = 16


def pdf_of(source: str) -> bytes:
    """The PDF of a print template's HTML, laid out by WeasyPrint (A4, print.css)."""
    key = hashlib.sha256(source.encode()).hexdigest()
    with _LAID_OUT_LOCK:
        if key in _LAID_OUT:
            _LAID_OUT.move_to_end(key)
            return _LAID_OUT[key]
    # Nothing is fetched: the stylesheet is read from disk, the fonts are the system's.
    fetcher = URLFetcher(allowed_protocols=())
    document = HTML(string=source, base_url=str(STATIC_CSS), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])
    with _LAID_OUT_LOCK:
        _LAID_OUT[key] = pdf
        while len(_LAID_OUT) > KEEP_PDFS:
            _LAID_OUT.popitem(last=False)
    return pdf


def minutes_pdf(request: Request, read: Read, locale: str) -> bytes:
    """The minutes as a PDF in a language."""
    i18n.activate(locale)
    values = context(request, read) | {"page_of": page_of_css()}
    return pdf_of(render_text("documents/minutes_print.html", values, locale))


@router.get("/o/{slug}/sittings/{sitting_id}/minutes", response_class=HTMLResponse)
def minutes_page(request: Request, page: Reader, sitting_id: int) -> HTMLResponse:
    """The minutes of a sitting, with its decisions, votes and the record of its business."""
    read = _read(request, page.slug, sitting_id)
    values = context(request, read) | {"who": page.who}
    return render(request, page.viewer, "documents/minutes.html", values)


@router.get("/o/{slug}/sittings/{sitting_id}/minutes.pdf")
def minutes_pdf_file(request: Request, page: Reader, sitting_id: int) -> Response:
    """The minutes as a PDF in the viewer's language, to print, sign and archive."""
    read = _read(request, page.slug, sitting_id)
    body = minutes_pdf(request, read, page.viewer.locale)
    headers = _attachment(_filename(read.minutes, "pdf"), "inline")
    headers["Content-Language"] = page.viewer.locale
    return Response(body, media_type="application/pdf", headers=headers)


@router.get("/o/{slug}/sittings/{sitting_id}/minutes.md")
def minutes_markdown_file(request: Request, page: Reader, sitting_id: int) -> Response:
    """The minutes in Markdown, as `tauride minutes` writes them."""
    with request.app.state.database.unit_of_work() as session:
        m = sitting_minutes(session, page.slug, sitting_id)
    return Response(
        minutes_markdown(m),
        media_type="text/markdown; charset=utf-8",
        headers=_attachment(_filename(m, "md")),
    )


@router.get("/o/{slug}/sittings/{sitting_id}/minutes.html")
def minutes_html_file(request: Request, page: Reader, sitting_id: int) -> Response:
    """The minutes as a self-contained HTML file, as `tauride minutes --format html` writes."""
    with request.app.state.database.unit_of_work() as session:
        m = sitting_minutes(session, page.slug, sitting_id)
    return Response(
        minutes_html(m),
        media_type="text/html; charset=utf-8",
        headers=_attachment(_filename(m, "html")),
    )
