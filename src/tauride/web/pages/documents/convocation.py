"""A sitting's convocation: a page saying which body meets, when, where, on what, and who
is called; and the same as an iCalendar file for the members' calendars."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from tauride.domain.calendar import CalendarEvent, calendar_text
from tauride.domain.errors import Conflict
from tauride.services import convocations
from tauride.services.convocations import Convocation
from tauride.web.pages import i18n
from tauride.web.pages.documents.words import words
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.session import PageAct, PageContext
from tauride.web.pages.templating import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[PageContext, Depends(PageAct("sitting.read"))]


class NoDate(Conflict):
    """The sitting names no date a calendar can hold (not yet fixed, or free text)."""

    kind = "no-date"


def page_url(request: Request, c: Convocation) -> str:
    base = str(request.base_url).rstrip("/")
    return f"{base}/o/{c.slug}/sittings/{c.sitting}/convocation"


def when(request: Request, c: Convocation) -> dict[str, Any]:
    """The date and time of the sitting as the page prints them, in the pages' zone."""
    zone: dt.tzinfo = request.app.state.settings.zone
    convened = c.convened
    if convened is None:
        return {"day": None, "start": None, "end": None, "place": None}
    start, end = convened.start(zone), convened.end(zone, c.length)
    timed = isinstance(start, dt.datetime) and isinstance(end, dt.datetime)
    return {
        "day": convened.day,
        "start": start.astimezone(zone) if timed and isinstance(start, dt.datetime) else None,
        "end": end.astimezone(zone) if timed and isinstance(end, dt.datetime) else None,
        "place": convened.place,
        "zone": str(zone),
    }


def summary(c: Convocation) -> str:
    return _(
        "%(body)s, sitting no. %(number)s: %(title)s",
        body=c.body_name,
        number=c.number,
        title=c.title,
    )


def calendar(request: Request, c: Convocation) -> str:
    """The convocation as iCalendar text, in the current language; NoDate if it has none."""
    convened = c.convened
    if convened is None:
        raise NoDate(
            f"sitting {c.sitting} names no date a calendar can read"
            + (f": '{c.scheduled_for}'" if c.scheduled_for else "")
        )
    zone: dt.tzinfo = request.app.state.settings.zone
    w = words()
    lines = [c.organization, "", _("Agenda") + ":"]
    lines += [f"{n}. {i.title} ({w['item'][i.kind]})" for n, i in enumerate(c.agenda, start=1)] or [
        _("No agenda was set.")
    ]
    url = page_url(request, c)
    lines += ["", url]
    host = request.url.hostname or "tauride"
    event = CalendarEvent(
        uid=f"sitting-{c.sitting}.{c.slug}@{host}",
        summary=summary(c),
        start=convened.start(zone),
        end=convened.end(zone, c.length),
        location=convened.place,
        description="\n".join(lines),
        url=url,
    )
    return calendar_text([event], stamp=dt.datetime.now(dt.UTC), name=c.organization)


def calendar_filename(c: Convocation) -> str:
    return f"{c.slug}-{c.body}-{c.number}.ics"


@router.get("/o/{slug}/sittings/{sitting_id}/convocation", response_class=HTMLResponse)
def convocation_page(request: Request, page: Reader, sitting_id: int) -> HTMLResponse:
    """The convocation of a sitting: body, date, time, place, agenda and who is called."""
    with request.app.state.database.unit_of_work() as session:
        c = convocations.convocation(session, page.slug, sitting_id)
    values = {
        "c": c,
        "org": {"slug": c.slug, "name": c.organization},
        "who": page.who,
        "section": "sittings",
        "when": when(request, c),
        "w": words(),
        "voting": [m for m in c.members if not m.consultative],
        "consultative": [m for m in c.members if m.consultative],
    }
    return render(request, page.viewer, "documents/convocation.html", values)


@router.get("/o/{slug}/sittings/{sitting_id}/convocation.ics")
def convocation_ics(request: Request, page: Reader, sitting_id: int) -> Response:
    """The convocation as an iCalendar file (METHOD:PUBLISH) to add to a calendar."""
    with request.app.state.database.unit_of_work() as session:
        c = convocations.convocation(session, page.slug, sitting_id, members=False)
    i18n.activate(page.viewer.locale)
    return Response(
        calendar(request, c),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{calendar_filename(c)}"'},
    )
