"""The delegate's acts at a sitting, each through their own mandate and in one transaction:
check in and out, ask for the floor and withdraw, move and second motions and amendments.

Every act answers with the part of the screen it changed. A refused act becomes an alert;
a motion form with mistakes comes back with each one next to its field and the text kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.db.sittings import Sitting
from tauride.domain.authorization import authorize
from tauride.domain.errors import InvalidInput
from tauride.domain.procedure import MOTION_RULES, MotionKind, OutOfOrder, Target
from tauride.domain.sittings import AgendaItemState
from tauride.domain.speakers import RequestKind, Side
from tauride.services import motions, sittings, speakers
from tauride.web.database import DB, Database
from tauride.web.pages.delegate_screen import Part, render_part, screen, signed_in
from tauride.web.pages.delegate_state import seat_for
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.session import PageAct, PageContext

router = APIRouter(include_in_schema=False)

PREFIX = "/o/{slug}/sittings/{sitting_id}/delegate"
TITLE_MAX = 500
TEXT_MAX = 100_000

Reader = Annotated[PageContext, Depends(PageAct("sitting.read"))]
Attend = Annotated[PageContext, Depends(PageAct("attendance.check"))]
Speak = Annotated[PageContext, Depends(PageAct("speakers.request"))]
Mover = Annotated[PageContext, Depends(PageAct("motion.move"))]

Work = Callable[[Session, Organization, Sitting], Any]


def act(
    database: Database, page: PageContext, sitting_id: int, mandate: int, name: str, work: Work
) -> Any:
    """Do one act through the delegate's own mandate, in one transaction."""
    with database.unit_of_work() as session:
        org = session.get_one(Organization, page.ctx.org_id)
        sitting = sittings.get_sitting(session, org, sitting_id)
        seat_for(session, sitting, page.who, mandate)
        authorize(name, page.who, mandate_id=mandate)
        return work(session, org, sitting)


def part(
    request: Request,
    page: PageContext,
    database: DB,
    sitting_id: int,
    mandate: int,
    name: Part,
    *,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    """The part of the screen an act changed, read afresh after the act's commit."""
    with database.unit_of_work() as session:
        values = screen(session, page.ctx, sitting_id, mandate, [name])
    return render_part(request, page, name, values | extra, status=status)


@router.post(PREFIX + "/attendance", response_class=HTMLResponse)
def check(
    request: Request,
    sitting_id: int,
    page: Attend,
    database: DB,
    mandate: Annotated[int, Form()],
    present: Annotated[bool, Form()],
) -> HTMLResponse:
    """Check in to the sitting, or out of it, through one's own mandate."""

    def work(session: Session, org: Organization, sitting: Sitting) -> None:
        if present:
            sittings.check_in(session, org, sitting.id, mandate, actor=page.ctx.actor)
        else:
            sittings.check_out(session, org, sitting.id, mandate, actor=page.ctx.actor)

    act(database, page, sitting_id, mandate, "attendance.check", work)
    return part(request, page, database, sitting_id, mandate, "attendance")


@router.post(PREFIX + "/floor", response_class=HTMLResponse)
def ask_for_floor(
    request: Request,
    sitting_id: int,
    page: Speak,
    database: DB,
    mandate: Annotated[int, Form()],
    item: Annotated[int, Form()],
    side: Annotated[Side, Form()] = Side.NEUTRAL,
    kind: Annotated[RequestKind, Form()] = RequestKind.SPEECH,
) -> HTMLResponse:
    """Ask for the floor on the item under discussion: a speech on a side, or a point of
    order."""

    def work(session: Session, org: Organization, sitting: Sitting) -> None:
        _item_of(session, sitting, item)
        speakers.request_floor(
            session, org, item, mandate, side=side, kind=kind, actor=page.ctx.actor
        )

    act(database, page, sitting_id, mandate, "speakers.request", work)
    return part(request, page, database, sitting_id, mandate, "floor")


@router.post(PREFIX + "/floor/withdrawals", response_class=HTMLResponse)
def withdraw_from_floor(
    request: Request,
    sitting_id: int,
    page: Speak,
    database: DB,
    mandate: Annotated[int, Form()],
    item: Annotated[int, Form()],
    kind: Annotated[RequestKind, Form()] = RequestKind.SPEECH,
) -> HTMLResponse:
    """Take one's waiting request off the speakers' list."""

    def work(session: Session, org: Organization, sitting: Sitting) -> None:
        _item_of(session, sitting, item)
        speakers.withdraw_request(session, org, item, mandate, kind=kind, actor=page.ctx.actor)

    act(database, page, sitting_id, mandate, "speakers.request", work)
    return part(request, page, database, sitting_id, mandate, "floor")


def _item_of(session: Session, sitting: Sitting, item_id: int) -> None:
    if all(i.id != item_id for i in sittings.agenda(session, sitting.id)):
        raise InvalidInput(f"item: no agenda item {item_id} in sitting {sitting.id}")


def _current_item(session: Session, sitting: Sitting) -> int | None:
    return next(
        (i.id for i in sittings.agenda(session, sitting.id) if i.state is AgendaItemState.CURRENT),
        None,
    )


@router.get(PREFIX + "/motion-form", response_class=HTMLResponse)
def motion_form(
    request: Request,
    sitting_id: int,
    page: Reader,
    database: DB,
    mandate: int | None = None,
    kind: str = MotionKind.MAIN.value,
    target: str = "",
) -> HTMLResponse:
    """The form to move a motion, filled in to amend a given motion."""
    signed_in(request, page)
    with database.unit_of_work() as session:
        values = screen(session, page.ctx, sitting_id, mandate, ["motion-form"])
    values["values"] = {"kind": kind, "target": target}
    return render_part(request, page, "motion-form", values)


def check_motion(kind: str, title: str, text: str, target: str) -> dict[str, str]:
    """The mistakes in a motion form, by field, before the rules of order are asked."""
    errors: dict[str, str] = {}
    if kind not in set(MotionKind):
        errors["kind"] = _("Choose the kind of motion.")
    if not title.strip():
        errors["title"] = _("Give the motion a title.")
    elif len(title.strip()) > TITLE_MAX:
        errors["title"] = _("At most %(n)s characters.", n=TITLE_MAX)
    if len(text) > TEXT_MAX:
        errors["text"] = _("At most %(n)s characters.", n=TEXT_MAX)
    if target.strip() and not target.strip().isdigit():
        errors["target"] = _("Choose a motion from the list.")
    if "kind" not in errors:
        rule = MOTION_RULES[MotionKind(kind)]
        if rule.target in (Target.PENDING, Target.DECIDED) and not target.strip():
            errors["target"] = _("Choose the motion this one applies to.")
        elif rule.target is Target.NONE and target.strip():
            errors["target"] = _("This kind of motion stands alone: choose no motion.")
    return errors


def _field_errors(exc: InvalidInput) -> dict[str, str]:
    """A service's reasons, each next to the field it names ("title: must not be empty")."""
    errors: dict[str, str] = {}
    for problem in exc.problems:
        name, sep, message = problem.partition(":")
        field = name.strip() if sep and name.strip() in ("title", "text", "kind") else "form"
        errors[field] = (errors[field] + " " if field in errors else "") + (
            message.strip() if field != "form" else problem
        )
    return errors


@router.post(PREFIX + "/motions", response_class=HTMLResponse)
def move(
    request: Request,
    sitting_id: int,
    page: Mover,
    database: DB,
    mandate: Annotated[int, Form()],
    kind: Annotated[str, Form()] = MotionKind.MAIN.value,
    title: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    target: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Move a motion or amendment on the item under discussion; refused, next to the
    fields, when out of order by precedence."""
    values = {"kind": kind, "title": title, "text": text, "target": target}
    errors = check_motion(kind, title, text, target)
    moved: tuple[int, str] | None = None
    if not errors:

        def work(session: Session, org: Organization, sitting: Sitting) -> tuple[int, str]:
            motion = motions.move_motion(
                session,
                org,
                sitting.id,
                kind=MotionKind(kind),
                title=title,
                text=text,
                target_id=int(target) if target.strip() else None,
                mover_mandate_id=mandate,
                agenda_item_id=_current_item(session, sitting),
                actor=page.ctx.actor,
            )
            return motion.id, motion.title

        try:
            moved = act(database, page, sitting_id, mandate, "motion.move", work)
        except InvalidInput as exc:
            errors = _field_errors(exc)
        except OutOfOrder as exc:
            errors = {"target" if target.strip() else "kind": str(exc)}
    if moved is None:
        return part(
            request,
            page,
            database,
            sitting_id,
            mandate,
            "motion-form",
            status=422,
            errors=errors,
            values=values,
        )
    return part(request, page, database, sitting_id, mandate, "motion-form", moved=moved)


@router.post(PREFIX + "/motions/{motion_id}/second", response_class=HTMLResponse)
def second(
    request: Request,
    sitting_id: int,
    motion_id: int,
    page: Mover,
    database: DB,
    mandate: Annotated[int, Form()],
) -> HTMLResponse:
    """Second a motion of this sitting that needs a seconder."""

    def work(session: Session, org: Organization, sitting: Sitting) -> None:
        if motions.get_motion(session, org, motion_id).sitting_id != sitting.id:
            raise InvalidInput(f"motion: no motion {motion_id} in sitting {sitting.id}")
        motions.second_motion(session, org, motion_id, mandate, actor=page.ctx.actor)

    act(database, page, sitting_id, mandate, "motion.move", work)
    return part(request, page, database, sitting_id, mandate, "motions")
