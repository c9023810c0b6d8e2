"""Offices recalled by the body that elected them: a motion naming the term, carried or
lost by the body's vote, and the office filled again."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tauride.cli.main import app
from tauride.db.models import JournalRecord, OfficeTerm, Organization
from tauride.db.polls import Motion
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import MotionState
from tauride.domain.sittings import SittingState
from tauride.queries.organizations import body_members
from tauride.services import (
    bodies,
    constituencies,
    mandates,
    motions,
    office_recalls,
    offices,
    organizations,
    polls,
    sittings,
)
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder

ORG = "petrograd-1917"
CHAIR = "V. Ye. Solovyova"
SECRETARY = "S. P. Sidorov"


@pytest.fixture
def org(session: Session) -> Organization:
    return load_folder(session, example_path(ORG), actor="test")


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


def _decide(
    session: Session, org: Organization, motion: Motion, voters: list[int], yes: int
) -> None:
    motions.second_motion(session, org, motion.id, voters[-1], actor="t")
    motions.set_motion_state(session, org, motion.id, MotionState.ADMITTED, actor="chair")
    poll = motions.put_to_vote(session, org, motion.id, method=PollMethod.ELECTRONIC, actor="c")
    for i, voter in enumerate(voters):
        polls.cast_ballot(session, org, poll.id, voter, "yes" if i < yes else "no")
    motions.close_vote(session, org, poll.id, actor="chair")


def _holders(session: Session, org: Organization, office: str) -> list[str]:
    (row,) = [r for r in offices.offices(session, org) if r["office"] == office]
    return [t["person"] for t in row["terms"]]


def _kinds(session: Session) -> list[str]:
    return list(session.scalars(select(JournalRecord.kind).order_by(JournalRecord.height)))


def test_a_carried_recall_ends_the_term_and_the_office_is_filled_again(
    session: Session, org: Organization
) -> None:
    sitting_id, voting = _sitting(session, org, "plenary")
    mover = voting[0]
    motion = office_recalls.move_recall(
        session, org, sitting_id, "chair", CHAIR, mover_mandate_id=mover, actor="t"
    )
    term = session.get_one(OfficeTerm, motion.office_term_id)
    assert (term.office_key, term.mandate.person.name, term.ended_at) == ("chair", CHAIR, None)
    assert motion.title == f"Recall {CHAIR} from the office of Chair of the Soviet"
    with pytest.raises(Conflict, match="already before the body"):
        office_recalls.move_recall(
            session, org, sitting_id, "chair", term.mandate_id, mover_mandate_id=mover, actor="t"
        )
    _decide(session, org, motion, voting, yes=len(voting) - 1)
    assert motion.state == MotionState.CARRIED
    assert term.ended_at is not None
    assert _holders(session, org, "chair") == []
    recalled = session.scalars(
        select(JournalRecord.payload).where(JournalRecord.kind == "office.recalled")
    ).one()
    assert recalled == {
        "office": "chair",
        "term": term.id,
        "mandate": term.mandate_id,
        "person": CHAIR,
        "motion": motion.id,
    }
    kinds = _kinds(session)
    assert kinds.index("office.recall_moved") < kinds.index("motion.decided")
    assert kinds.index("motion.decided") < kinds.index("office.recalled")

    with pytest.raises(Conflict, match="the term has ended"):
        office_recalls.move_recall(
            session, org, sitting_id, "chair", CHAIR, mover_mandate_id=mover, actor="t"
        )
    successor = offices.fill_office(session, org, "chair", voting[1], source="poll", actor="t")
    assert _holders(session, org, "chair") == [successor.mandate.person.name]
    history = offices.offices(session, org, history=True)
    (chair,) = [r for r in history if r["office"] == "chair"]
    assert [t["ended_at"] is None for t in chair["terms"]] == [False, True]
    with pytest.raises(Conflict, match="held already"):
        offices.fill_office(session, org, "chair", voting[2], actor="t")
    with pytest.raises(Conflict, match="holds the office 'chair' already"):
        offices.fill_office(session, org, "chair", voting[1], actor="t")


def test_a_lost_recall_changes_nothing(session: Session, org: Organization) -> None:
    sitting_id, voting = _sitting(session, org, "executive")
    motion = office_recalls.move_recall(
        session,
        org,
        sitting_id,
        "secretary",
        SECRETARY,
        mover_mandate_id=voting[0],
        text="He keeps the minutes badly.",
        actor="t",
    )
    assert motion.text == "He keeps the minutes badly."
    _decide(session, org, motion, voting, yes=2)
    assert motion.state == MotionState.LOST
    assert _holders(session, org, "secretary") == [SECRETARY]
    assert "office.recalled" not in _kinds(session)


def test_a_recall_is_moved_only_in_the_electing_body_against_a_running_term(
    session: Session, org: Organization
) -> None:
    sitting_id, voting = _sitting(session, org, "workers-section")
    height = session.scalar(select(func.max(JournalRecord.height)))
    with pytest.raises(InvalidInput, match="recalled by 'plenary', which elected it"):
        office_recalls.move_recall(
            session, org, sitting_id, "chair", CHAIR, mover_mandate_id=voting[0], actor="t"
        )
    with pytest.raises(NotFound, match="no office 'tsar'"):
        office_recalls.move_recall(
            session, org, sitting_id, "tsar", CHAIR, mover_mandate_id=voting[0], actor="t"
        )
    assert session.scalar(select(func.max(JournalRecord.height))) == height
    plenary, members = _sitting(session, org, "plenary")
    height = session.scalar(select(func.max(JournalRecord.height)))
    with pytest.raises(NotFound, match="does not hold the office 'chair'"):
        office_recalls.move_recall(
            session, org, plenary, "chair", "K. A. Belov", mover_mandate_id=members[0], actor="t"
        )
    with pytest.raises(NotFound, match="no sitting 99999"):
        office_recalls.move_recall(
            session, org, 99999, "chair", CHAIR, mover_mandate_id=members[0], actor="t"
        )
    assert session.scalar(select(func.max(JournalRecord.height))) == height
    assert session.scalar(select(func.count()).select_from(Motion)) == 0
    with pytest.raises(InvalidInput, match="not a voting member of 'executive'"):
        offices.fill_office(session, org, "secretary", "K. A. Belov", actor="t")
    with pytest.raises(InvalidInput, match="'Nobody' holds no active mandate"):
        offices.fill_office(session, org, "secretary", "Nobody", actor="t")


SHOP_COUNCIL = """
[organization]
slug = "works-council"
name = "Works Council of the Neva Yards"

[constituency_kinds.shop]
name = "Shop"

[representation.shop]
rule = "ratio"
ratio = 100
minimum = 1

[bodies.council]
name = "Council"
kind = "plenary"
from_kinds = ["shop"]

[bodies.presidium]
name = "Presidium"
kind = "executive"
elected_by = "council"
seats = 1
method = "plurality"
ex_officio = ["chair"]

[offices.chair]
name = "Chair"
elected_by = "council"
"""


def test_a_recalled_officer_loses_the_seats_the_office_carries(session: Session) -> None:
    org = organizations.found_organization(session, SHOP_COUNCIL, source="c.toml", actor="t")
    shops = "name,kind,size\nFoundry,shop,250\nRolling mill,shop,130\n"
    constituencies.import_constituencies(session, org, shops, source="s.csv", actor="t")
    constituencies.apportion_seats(session, org, actor="t")
    csv = "name,constituency,faction\nA,Foundry,\nB,Foundry,\nC,Rolling mill,\n"
    mandates.import_delegates(session, org, csv, source="d.csv", actor="t")
    bodies.recompose(session, org, actor="t")
    bodies.fill_elected_seats(session, org, "presidium", ["A"], source="vote", actor="t")
    offices.fill_office(session, org, "chair", "C", source="poll 1", actor="t")
    assert {m.person: m.basis for m in body_members(session, org.slug, "presidium")} == {
        "A": "elected",
        "C": "ex-officio",
    }
    sitting_id, voting = _sitting(session, org, "council")
    motion = office_recalls.move_recall(
        session, org, sitting_id, "chair", "C", mover_mandate_id=voting[0], actor="t"
    )
    _decide(session, org, motion, voting, yes=2)
    assert {m.person for m in body_members(session, org.slug, "presidium")} == {"A"}
    offices.fill_office(session, org, "chair", "B", actor="t")
    assert {m.person for m in body_members(session, org.slug, "presidium")} == {"A", "B"}


runner = CliRunner()


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.usefixtures("use_database")
def test_recalling_and_filling_an_office_from_the_terminal() -> None:
    ok("init", "--example", ORG)
    listed = json.loads(ok("office", "list", ORG, "--json"))
    assert [(o["office"], [t["person"] for t in o["terms"]]) for o in listed] == [
        ("chair", [CHAIR]),
        ("secretary", [SECRETARY]),
    ]
    members = json.loads(ok("org", "members", ORG, "executive", "--json"))
    voting = [m["mandate"] for m in members if not m["consultative"]]
    sitting = ok("sitting", "schedule", ORG, "executive", "--title", "S").split()[1][:-1]
    ok("sitting", "open", ORG, sitting)
    ok("sitting", "check-in", ORG, sitting, *map(str, voting))
    wrong = runner.invoke(
        app, ["office", "recall", ORG, sitting, "chair", "--holder", CHAIR, "--mover", "1"]
    )
    assert wrong.exit_code == 2
    assert "recalled by 'plenary'" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    out = ok(
        "office", "recall", ORG, sitting, "secretary", "--holder", SECRETARY,
        "--mover", str(voting[0]),
    )  # fmt: skip
    motion = out.split()[1].rstrip(":")
    assert f"Recall {SECRETARY}" in out
    ok("motion", "second", ORG, motion, str(voting[1]))
    ok("motion", "state", ORG, motion, "admitted")
    poll = ok("motion", "vote", ORG, motion).split()[1]
    for voter in voting:
        ok("poll", "cast", ORG, poll, str(voter), "yes")
    ok("poll", "close", ORG, poll)
    assert "vacant" in ok("office", "list", ORG)
    assert "to " in ok("office", "list", ORG, "--history")
    again = runner.invoke(
        app, ["office", "recall", ORG, sitting, "secretary", "--holder", SECRETARY,
              "--mover", str(voting[0])],
    )  # fmt: skip
    assert again.exit_code == 2
    assert "the term has ended" in again.stderr
    out = ok("office", "assign", ORG, "secretary", str(voting[2]), "--source", f"poll {poll}")
    assert out.startswith("secretary: ")
    full = runner.invoke(app, ["office", "assign", ORG, "secretary", str(voting[3])])
    assert full.exit_code == 2
    assert "held already" in full.stderr
    unknown = runner.invoke(app, ["office", "assign", ORG, "tsar", str(voting[3])])
    assert unknown.exit_code == 2
    assert "no office 'tsar'" in unknown.stderr
