"""Moving the recall of an office holder: a main motion, in a sitting of the body that
elected the office, naming the term it would end. The motion then goes the usual way to
the vote; when it carries, `offices.note_decision` ends the term."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.db.polls import Motion
from tauride.domain.errors import InvalidInput
from tauride.domain.offices import RecallPending
from tauride.domain.procedure import TERMINAL, MotionKind
from tauride.services import journal, motions, offices
from tauride.services.offices import Holder
from tauride.services.organizations import current_constitution
from tauride.services.sittings import get_sitting


def move_recall(
    session: Session,
    org: Organization,
    sitting_id: int,
    office_key: str,
    holder: Holder,
    *,
    mover_mandate_id: int | None = None,
    mover_label: str | None = None,
    text: str = "",
    agenda_item_id: int | None = None,
    actor: str,
) -> Motion:
    """Move, in a sitting of the body that elected the office, a main motion to recall its
    holder; the motion names the term it would end and goes the usual way to the vote."""
    _, constitution = current_constitution(session, org.id)
    office = offices.body_office(constitution, office_key)
    sitting = get_sitting(session, org, sitting_id)
    if sitting.body.key != office.elected_by:
        raise InvalidInput(
            f"office '{office_key}' is recalled by '{office.elected_by}', which elected it; "
            f"sitting {sitting_id} is a sitting of '{sitting.body.key}'"
        )
    term = offices.current_term(session, org, office_key, holder)
    pending = session.scalars(
        select(Motion.id).where(
            Motion.office_term_id == term.id,
            Motion.state.not_in([s.value for s in TERMINAL]),
        )
    ).first()
    if pending is not None:
        raise RecallPending(f"motion {pending} to recall this holder is already before the body")
    person = offices.holder_name(term)
    motion = motions.move_motion(
        session,
        org,
        sitting_id,
        kind=MotionKind.MAIN,
        title=f"Recall {person} from the office of {office.name}",
        text=text.strip() or f"{person} is recalled from the office of {office.name}.",
        mover_mandate_id=mover_mandate_id,
        mover_label=mover_label,
        agenda_item_id=agenda_item_id,
        actor=actor,
    )
    motion.office_term_id = term.id
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="office.recall_moved",
        payload={
            "motion": motion.id,
            "office": office_key,
            "term": term.id,
            "mandate": term.mandate_id,
            "person": person,
            "sitting": sitting.id,
            "body": office.elected_by,
        },
    )
    return motion
