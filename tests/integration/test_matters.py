"""Concurrence of several bodies, and conflicting decisions linked and shown."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import JournalRecord, Organization
from tauride.domain.matters import Position
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import MotionKind, MotionState
from tauride.domain.sittings import SittingState
from tauride.services import matters, motions, polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder


@pytest.fixture
def org(session: Session) -> Organization:
    return load_folder(session, example_path("petrograd-1917"), actor="test")


def _decide(
    session: Session,
    org: Organization,
    body: str,
    matter: str,
    *,
    yes_share: float,
    substitute_for: str | None = None,
) -> int:
    sitting = sittings.schedule_sitting(
        session, org, body, title=body, scheduled_for=None, actor="t"
    )
    sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="t")
    voting = [
        m.mandate_id
        for m in current_memberships(session, get_body(session, org.id, body).id)
        if not m.consultative
    ]
    for mandate_id in voting:
        sittings.check_in(session, org, sitting.id, mandate_id, actor="t")
    main = motions.move_motion(
        session,
        org,
        sitting.id,
        kind=MotionKind.MAIN,
        title=matter,
        text="…",
        mover_label="the Executive Committee",
        matter=matter,
        actor="t",
    )
    motions.second_motion(session, org, main.id, voting[0], actor="t")
    motions.set_motion_state(session, org, main.id, MotionState.ADMITTED, actor="t")
    question = main
    if substitute_for is not None:
        question = motions.move_motion(
            session,
            org,
            sitting.id,
            kind=MotionKind.SUBSTITUTE,
            title=substitute_for,
            text="…",
            target_id=main.id,
            mover_mandate_id=voting[1],
            actor="t",
        )
        motions.second_motion(session, org, question.id, voting[2], actor="t")
        motions.set_motion_state(session, org, question.id, MotionState.ADMITTED, actor="t")
    poll = motions.put_to_vote(session, org, question.id, method=PollMethod.ELECTRONIC, actor="t")
    yes = round(len(voting) * yes_share)
    for i, voter in enumerate(voting):
        polls.cast_ballot(session, org, poll.id, voter, "yes" if i < yes else "no")
    motions.close_vote(session, org, poll.id, actor="t")
    return main.id


def _kinds(session: Session, org: Organization) -> list[str]:
    return list(
        session.scalars(
            select(JournalRecord.kind)
            .where(JournalRecord.organization_id == org.id)
            .order_by(JournalRecord.height)
        )
    )


def test_resolution_needs_a_majority_in_each_section(session: Session, org: Organization) -> None:
    matters.open_matter(
        session,
        org,
        "eight-hours",
        title="Eight-hour day",
        required_bodies=["workers-section", "soldiers-section"],
        actor="t",
    )
    _decide(session, org, "workers-section", "eight-hours", yes_share=0.8)
    state = matters.state_of(session, org.id, "eight-hours")
    assert state.positions == {
        "workers-section": Position.ACCEPTED,
        "soldiers-section": Position.PENDING,
    }
    assert not state.adopted
    _decide(session, org, "soldiers-section", "eight-hours", yes_share=0.6)
    assert matters.state_of(session, org.id, "eight-hours").adopted
    assert _kinds(session, org).count("matter.adopted") == 1


def test_conference_substitution_conflicts_with_the_section(
    session: Session, org: Organization
) -> None:
    _decide(session, org, "soldiers-section", "amalgamation", yes_share=0.7)
    _decide(
        session,
        org,
        "regimental-conference",
        "amalgamation",
        yes_share=1.0,
        substitute_for="Twenty-four machine guns per battalion",
    )
    state = matters.state_of(session, org.id, "amalgamation")
    assert state.positions["regimental-conference"] is Position.SUBSTITUTED
    assert state.conflicts == [("soldiers-section", "regimental-conference")]
    conflict = session.scalars(
        select(JournalRecord).where(JournalRecord.kind == "matter.conflict")
    ).one()
    assert conflict.payload["positions"] == ["accepted", "substituted"]


def test_open_matter_refuses_unknown_bodies(session: Session, org: Organization) -> None:
    with pytest.raises(Exception, match="no body named 'duma'"):
        matters.open_matter(session, org, "x", title="X", required_bodies=["duma"], actor="t")
