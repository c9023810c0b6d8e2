"""The delegate's screen as a whole and in parts: what it shows to one delegate now, and
how a part is answered to htmx. Shared by the screen's page and its acts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.domain.procedure import MotionKind
from tauride.services import sittings
from tauride.web.auth import Context
from tauride.web.pages.delegate_state import (
    agenda_view,
    attendance_view,
    floor_view,
    motion_targets,
    motions_view,
    org_view,
    polls_view,
    seat_for,
    sitting_view,
)
from tauride.web.pages.live import events_url, journal_height
from tauride.web.pages.session import PageContext, SignInRequired
from tauride.web.pages.templating import render

Part = Literal["poll", "attendance", "agenda", "floor", "motions", "motion-form"]
PARTS: tuple[Part, ...] = ("poll", "attendance", "agenda", "floor", "motions", "motion-form")

# The kinds of motion in the order a delegate most often needs them.
MOTION_KINDS: tuple[MotionKind, ...] = (
    MotionKind.MAIN,
    MotionKind.AMENDMENT,
    MotionKind.AMENDMENT_TO_AMENDMENT,
    MotionKind.SUBSTITUTE,
    MotionKind.REFER,
    MotionKind.POSTPONE,
    MotionKind.CLOSE_DEBATE,
    MotionKind.LAY_ON_THE_TABLE,
    MotionKind.RECONSIDER,
    MotionKind.SUSPEND_THE_RULES,
    MotionKind.ADJOURN,
    MotionKind.POINT_OF_ORDER,
)


def signed_in(request: Request, page: PageContext) -> None:
    """Send a visitor who is not signed in to the sign-in page first."""
    if not page.who.authenticated:
        raise SignInRequired(request.url.path)


def base_url(slug: str, sitting_id: int) -> str:
    return f"/o/{slug}/sittings/{sitting_id}/delegate"


def screen(
    session: Session,
    ctx: Context,
    sitting_id: int,
    wanted: int | None,
    parts: Iterable[Part] = PARTS,
) -> dict[str, Any]:
    """What the screen (or some of its parts) shows to this delegate now."""
    org = session.get_one(Organization, ctx.org_id)
    # The height first: the live stream replays whatever is journaled after it, so nothing
    # done while the page is read and rendered is missed.
    height = journal_height(session, org.id)
    sitting = sittings.get_sitting(session, org, sitting_id)
    seat = seat_for(session, sitting, ctx.who, wanted)
    values: dict[str, Any] = {
        "events": events_url(org.slug, height, sitting.id),
        "org": org_view(session, org.id),
        "who": ctx.who,
        "section": "sittings",
        "sitting": sitting_view(session, org, sitting_id),
        "seat": seat,
        "base": base_url(org.slug, sitting.id),
        "motion_kinds": [k.value for k in MOTION_KINDS],
        "errors": {},
        "values": {},
    }
    wanted_parts = set(parts)
    if "attendance" in wanted_parts:
        values["attendance"] = attendance_view(session, org.slug, sitting.id, seat)
    if "agenda" in wanted_parts:
        values["agenda"] = agenda_view(session, sitting.id)
    if "floor" in wanted_parts:
        values["floor"] = floor_view(session, sitting.id, seat)
    if wanted_parts & {"motions", "motion-form"}:
        lines = motions_view(session, sitting.id, seat)
        values["motions"] = lines
        values["targets"] = motion_targets(lines)
    if "poll" in wanted_parts:
        values["polls"] = polls_view(session, sitting.id, seat)
    return values


def render_part(
    request: Request,
    page: PageContext,
    part: Part,
    values: dict[str, Any],
    *,
    status: int = 200,
) -> HTMLResponse:
    """One part of the screen, as htmx swaps it in."""
    template = f"delegate/_{part.replace('-', '_')}.html"
    return render(request, page.viewer, template, values, status=status)
