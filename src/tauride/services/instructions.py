"""Instructions (the imperative mandate): a constituency meeting tells its delegates how
to vote on a motion, or on every motion that decides a matter.

An instruction is a public act of the meeting that gave it: the constituency's name, the
motion or matter, the choice, the text and the meeting are journaled (no constituent is
named). A later instruction on the same motion or matter supersedes an earlier one; both
are kept, and at each poll the latest given before it opened counts (see
`tauride.domain.instructions`, which also judges, from the journal, whether delegates kept
them).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Body, BodyMembership, Constituency, Mandate, Organization
from tauride.db.polls import Matter, Motion, Poll
from tauride.db.roll_votes import Instruction
from tauride.domain.errors import InvalidInput, NotFound
from tauride.domain.instructions import InstructionTooLate
from tauride.domain.polls import YES_NO_ABSTAIN
from tauride.domain.procedure import TERMINAL, MotionState
from tauride.services import journal

MATTER_MAX = 200
CHOICE_MAX = 300
GIVEN_BY_MAX = 300


def get_constituency(session: Session, org: Organization, name: str) -> Constituency:
    """The constituency of this name in the organization, or NotFound."""
    found = session.execute(
        select(Constituency).where(
            Constituency.organization_id == org.id, Constituency.name == name
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no constituency '{name}' in {org.slug}")
    return found


def _bodies_seating(session: Session, constituency: Constituency) -> set[int]:
    """The bodies in which a delegate of the constituency sits now."""
    return set(
        session.scalars(
            select(BodyMembership.body_id)
            .join(Mandate, BodyMembership.mandate_id == Mandate.id)
            .where(
                Mandate.constituency_id == constituency.id,
                BodyMembership.ended_at.is_(None),
            )
        )
    )


def _options(session: Session, motion: Motion) -> tuple[str, ...]:
    """The options a poll on the motion has (or would have: yes, no, abstain)."""
    seen: list[str] = []
    for options in session.scalars(
        select(Poll.options).where(Poll.motion_id == motion.id).order_by(Poll.id)
    ):
        seen += [o for o in options if o not in seen]
    return tuple(seen) or YES_NO_ABSTAIN


def _body_keys(session: Session, ids: set[int]) -> str:
    keys = session.scalars(select(Body.key).where(Body.id.in_(ids)).order_by(Body.key))
    return ", ".join(keys)


def _check_motion(
    session: Session,
    org: Organization,
    motion_id: int,
    constituency: Constituency,
    seating: set[int],
) -> tuple[Motion, tuple[str, ...]]:
    motion = session.get(Motion, motion_id)
    if motion is None or motion.organization_id != org.id:
        raise NotFound(f"no motion {motion_id} in {org.slug}")
    if motion.body_id not in seating:
        body = session.get_one(Body, motion.body_id)
        raise InvalidInput(
            f"motion {motion_id} is before '{body.key}', where no delegate of "
            f"'{constituency.name}' sits"
        )
    state = MotionState(motion.state)
    if state in TERMINAL or state is MotionState.VOTING:
        raise InstructionTooLate(
            f"motion {motion_id} is {state.value}: an instruction is given before the "
            "question is put"
        )
    return motion, _options(session, motion)


def _check_matter(
    session: Session, org: Organization, key: str, constituency: Constituency, seating: set[int]
) -> None:
    matter = session.execute(
        select(Matter).where(Matter.organization_id == org.id, Matter.key == key)
    ).scalar_one_or_none()
    bodies = set(
        session.scalars(
            select(Motion.body_id).where(Motion.organization_id == org.id, Motion.matter == key)
        )
    )
    if matter is None and not bodies:
        raise NotFound(f"no matter '{key}' in {org.slug}")
    if matter is not None and matter.required_bodies:
        bodies |= set(
            session.scalars(
                select(Body.id).where(
                    Body.organization_id == org.id, Body.key.in_(matter.required_bodies)
                )
            )
        )
    if bodies and not bodies & seating:
        raise InvalidInput(
            f"matter '{key}' is before {_body_keys(session, bodies)}, where no delegate of "
            f"'{constituency.name}' sits"
        )


def give_instruction(
    session: Session,
    org: Organization,
    constituency_name: str,
    *,
    motion_id: int | None = None,
    matter: str | None = None,
    choice: str,
    text: str = "",
    given_by: str,
    actor: str,
) -> Instruction:
    """Record a constituency meeting's instruction to its delegates on a motion or a matter.

    The motion must be before a body where a delegate of the constituency sits, and not yet
    put to the vote or decided; a matter must be known (opened, or carried by a motion)
    and, where it is before bodies already, before one where the constituency's delegates
    sit. The choice is one of the options of a poll on it: yes, no or abstain. A unit that
    elects through a group instructs through the group.
    """
    constituency = get_constituency(session, org, constituency_name)
    problems: list[str] = []
    matter = matter.strip() if matter is not None else None
    if (motion_id is None) == (matter is None or not matter):
        problems.append("instruction: give either a motion or a matter")
    if matter is not None and len(matter) > MATTER_MAX:
        problems.append(f"matter: at most {MATTER_MAX} characters")
    choice = choice.strip()
    if not choice or len(choice) > CHOICE_MAX:
        problems.append(f"choice: must be an option of the poll (1 to {CHOICE_MAX} characters)")
    given_by = given_by.strip()
    if not given_by or len(given_by) > GIVEN_BY_MAX:
        problems.append(f"given_by: name the meeting that gave it (1 to {GIVEN_BY_MAX} characters)")
    if problems:
        raise InvalidInput(problems)
    if constituency.grouped_into_id is not None:
        group = session.get_one(Constituency, constituency.grouped_into_id)
        raise InvalidInput(
            f"'{constituency.name}' elects its delegates jointly through '{group.name}': "
            f"instructions are given by '{group.name}'"
        )
    seating = _bodies_seating(session, constituency)
    if not seating:
        raise InvalidInput(f"no delegate of '{constituency.name}' sits in any body")
    if motion_id is not None:
        _, options = _check_motion(session, org, motion_id, constituency, seating)
        matter = None
    else:
        assert matter is not None
        _check_matter(session, org, matter, constituency, seating)
        options = YES_NO_ABSTAIN
    if choice not in options:
        raise InvalidInput(f"choice: '{choice}' is not one of {', '.join(options)}")
    # Under the journal's lock, so that two meetings recorded at once see each other.
    journal.lock_organization(session, org.id)
    same = (
        Instruction.motion_id == motion_id
        if motion_id is not None
        else Instruction.motion_id.is_(None) & (Instruction.matter == matter)
    )
    earlier = session.execute(
        select(Instruction.id)
        .where(
            Instruction.organization_id == org.id,
            Instruction.constituency_id == constituency.id,
            same,
        )
        .order_by(Instruction.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    instruction = Instruction(
        organization_id=org.id,
        constituency_id=constituency.id,
        motion_id=motion_id,
        matter=matter,
        choice=choice,
        text=text.strip(),
        given_by=given_by,
    )
    session.add(instruction)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="instruction.given",
        payload={
            "instruction": instruction.id,
            "constituency": constituency.name,
            "motion": motion_id,
            "matter": matter,
            "choice": choice,
            "text": instruction.text,
            "given_by": given_by,
            "supersedes": earlier,
        },
    )
    return instruction
