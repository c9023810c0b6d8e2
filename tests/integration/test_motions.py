"""Motions: precedence, seconding, amendments that lapse, substitutes, votes that decide."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import (
    BadTransition,
    MotionKind,
    MotionLapsed,
    MotionState,
    OutOfOrder,
)
from tauride.domain.sittings import SittingState
from tauride.services import motions, polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder


@pytest.fixture
def org(session: Session) -> Organization:
    return load_folder(session, example_path("petrograd-1917"), actor="test")


def _sitting(session: Session, org: Organization, body: str) -> tuple[int, list[int]]:
    sitting = sittings.schedule_sitting(
        session, org, body, title="S", scheduled_for=None, actor="t"
    )
    sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="t")
    voting = [
        m.mandate_id
        for m in current_memberships(session, get_body(session, org.id, body).id)
        if not m.consultative
    ]
    for mandate_id in voting:
        sittings.check_in(session, org, sitting.id, mandate_id, actor="t")
    return sitting.id, voting


def _vote(session: Session, org: Organization, motion_id: int, voters: list[int], yes: int) -> None:
    poll = motions.put_to_vote(session, org, motion_id, method=PollMethod.ELECTRONIC, actor="chair")
    for i, voter in enumerate(voters):
        polls.cast_ballot(session, org, poll.id, voter, "yes" if i < yes else "no")
    motions.close_vote(session, org, poll.id, actor="chair")


def _admitted(session: Session, org: Organization, motion_id: int, seconder: int) -> None:
    motions.second_motion(session, org, motion_id, seconder, actor="t")
    motions.set_motion_state(session, org, motion_id, MotionState.ADMITTED, actor="chair")
    motions.set_motion_state(session, org, motion_id, MotionState.DEBATE, actor="chair")


def test_conference_substitutes_its_own_demands(session: Session, org: Organization) -> None:
    sitting_id, voting = _sitting(session, org, "regimental-conference")
    plan = motions.move_motion(
        session,
        org,
        sitting_id,
        kind=MotionKind.MAIN,
        title="Amalgamate the reserve regiments",
        text="The reserve regiments are amalgamated with units of the active army.",
        mover_label="the Soldiers' Section",
        matter="amalgamation",
        actor="t",
    )
    _admitted(session, org, plan.id, voting[0])
    demands = motions.move_motion(
        session,
        org,
        sitting_id,
        kind=MotionKind.SUBSTITUTE,
        title="Our demands",
        text="Twenty-four machine guns per battalion; soldiers elect their officers.",
        target_id=plan.id,
        mover_mandate_id=voting[1],
        actor="t",
    )
    _admitted(session, org, demands.id, voting[2])
    _vote(session, org, demands.id, voting, yes=len(voting))
    assert demands.state == MotionState.CARRIED
    assert plan.state == MotionState.LAPSED
    with pytest.raises(MotionLapsed):
        motions.move_motion(
            session,
            org,
            sitting_id,
            kind=MotionKind.AMENDMENT,
            title="x",
            text="y",
            target_id=plan.id,
            mover_mandate_id=voting[0],
            actor="t",
        )


def test_amendment_lapses_when_main_motion_withdrawn(session: Session, org: Organization) -> None:
    sitting_id, voting = _sitting(session, org, "workers-section")
    main = motions.move_motion(
        session,
        org,
        sitting_id,
        kind=MotionKind.MAIN,
        title="Eight-hour day",
        text="Now.",
        mover_mandate_id=voting[0],
        actor="t",
    )
    _admitted(session, org, main.id, voting[1])
    amendment = motions.move_motion(
        session,
        org,
        sitting_id,
        kind=MotionKind.AMENDMENT,
        title="By May",
        text="By May.",
        target_id=main.id,
        mover_mandate_id=voting[2],
        actor="t",
    )
    _admitted(session, org, amendment.id, voting[3])
    motions.set_motion_state(session, org, main.id, MotionState.WITHDRAWN, actor="mover")
    assert amendment.state == MotionState.LAPSED


def test_carried_amendment_rewrites_the_motion_and_precedence_is_kept(
    session: Session, org: Organization
) -> None:
    sitting_id, voting = _sitting(session, org, "workers-section")
    main = motions.move_motion(
        session,
        org,
        sitting_id,
        kind=MotionKind.MAIN,
        title="Wage rates",
        text="Raise them.",
        mover_mandate_id=voting[0],
        actor="t",
    )
    _admitted(session, org, main.id, voting[1])
    adjourn = motions.move_motion(
        session,
        org,
        sitting_id,
        kind=MotionKind.ADJOURN,
        title="Adjourn",
        text="",
        mover_mandate_id=voting[5],
        actor="t",
    )
    _admitted_no_debate = adjourn  # adjourn is not debatable: admitted, then voted
    motions.second_motion(session, org, adjourn.id, voting[6], actor="t")
    motions.set_motion_state(session, org, adjourn.id, MotionState.ADMITTED, actor="chair")
    with pytest.raises(BadTransition):
        motions.set_motion_state(
            session, org, _admitted_no_debate.id, MotionState.DEBATE, actor="c"
        )
    with pytest.raises(OutOfOrder, match="does not take precedence"):
        motions.move_motion(
            session,
            org,
            sitting_id,
            kind=MotionKind.REFER,
            title="Refer",
            text="",
            target_id=main.id,
            mover_mandate_id=voting[7],
            actor="t",
        )
    _vote(session, org, adjourn.id, voting, yes=3)
    assert adjourn.state == MotionState.LOST
    amendment = motions.move_motion(
        session,
        org,
        sitting_id,
        kind=MotionKind.AMENDMENT,
        title="By a fifth",
        text="Raise them by a fifth.",
        target_id=main.id,
        mover_mandate_id=voting[2],
        actor="t",
    )
    _admitted(session, org, amendment.id, voting[3])
    _vote(session, org, amendment.id, voting, yes=30)
    assert main.text == "Raise them by a fifth."
    _vote(session, org, main.id, voting, yes=40)
    assert main.state == MotionState.CARRIED


def test_mover_must_sit_in_the_body(session: Session, org: Organization) -> None:
    sitting_id, _ = _sitting(session, org, "regimental-conference")
    outsider = current_memberships(session, get_body(session, org.id, "workers-section").id)[0]
    with pytest.raises(sittings.NotAMember):
        motions.move_motion(
            session,
            org,
            sitting_id,
            kind=MotionKind.MAIN,
            title="x",
            text="y",
            mover_mandate_id=outsider.mandate_id,
            actor="t",
        )
