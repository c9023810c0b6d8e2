"""Petitions, appeals and delegations: signatures against size, agenda, hearing, answer."""

from __future__ import annotations

import json

import pytest
import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tauride.cli import petitions as petitions_cli
from tauride.cli.main import app as main_app
from tauride.db.models import JournalRecord, Organization
from tauride.db.petitions import Petition
from tauride.domain.errors import Conflict, InvalidInput
from tauride.domain.petitions import BadPetitionTransition, PetitionKind, PetitionState
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import MotionKind, MotionState
from tauride.domain.sittings import AgendaItemKind, SittingState
from tauride.services import motions, petitions, polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder
from tauride.services.speakers import ItemNotCurrent
from tauride.services.speakers_list import speakers_state

NEVA = "Neva Shipbuilding and Engineering Works"  # 6,040 workers
FRONT = "Delegation of the Twelfth Army, Northern Front"


@pytest.fixture
def spb(session: Session) -> Organization:
    return load_folder(session, example_path("st-petersburg-1905"), actor="test")


@pytest.fixture
def petrograd(session: Session) -> Organization:
    return load_folder(session, example_path("petrograd-1917"), actor="test")


def _height(session: Session, org: Organization) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(JournalRecord)
            .where(JournalRecord.organization_id == org.id)
        )
        or 0
    )


def _entries(session: Session, org: Organization, prefix: str) -> list[JournalRecord]:
    return list(
        session.scalars(
            select(JournalRecord)
            .where(JournalRecord.organization_id == org.id, JournalRecord.kind.startswith(prefix))
            .order_by(JournalRecord.height)
        )
    )


def _sitting(session: Session, org: Organization, body: str) -> tuple[int, list[int]]:
    sitting = sittings.schedule_sitting(
        session, org, body, title="Sitting", scheduled_for=None, actor="t"
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


def _resolution(
    session: Session, org: Organization, sitting_id: int, label: str, seconder: int
) -> int:
    motion = motions.move_motion(
        session,
        org,
        sitting_id,
        kind=MotionKind.MAIN,
        title="Answer to the delegation",
        text="The Soviet greets the delegation and stands by its policy.",
        mover_label=label,
        actor="t",
    )
    motions.second_motion(session, org, motion.id, seconder, actor="t")
    motions.set_motion_state(session, org, motion.id, MotionState.ADMITTED, actor="chair")
    return motion.id


def _vote(session: Session, org: Organization, motion_id: int, voters: list[int], yes: int) -> None:
    poll = motions.put_to_vote(session, org, motion_id, method=PollMethod.ELECTRONIC, actor="chair")
    for i, voter in enumerate(voters):
        polls.cast_ballot(session, org, poll.id, voter, "yes" if i < yes else "no")
    motions.close_vote(session, org, poll.id, actor="chair")


def _appeal(session: Session, org: Organization, signatures: int, **kw: str | None) -> Petition:
    source = {"from_constituency": NEVA, "from_label": None} | kw
    return petitions.submit_petition(
        session,
        org,
        "plenary",
        kind=PetitionKind.APPEAL,
        title="General strike against the lockouts",
        text="To all St. Petersburg workers: declare a general strike against the lockouts.",
        from_constituency=source["from_constituency"],
        from_label=source["from_label"],
        signatures=signatures,
        actor="secretariat",
    )


def _delegation(session: Session, org: Organization, title: str = "From the front") -> Petition:
    return petitions.submit_petition(
        session,
        org,
        "plenary",
        kind=PetitionKind.DELEGATION,
        title=title,
        text="",
        from_constituency=None,
        from_label=FRONT,
        signatures=0,
        actor="secretariat",
    )


def test_plant_appeal_signatures_count_against_the_plant_size(
    session: Session, spb: Organization
) -> None:
    appeal = _appeal(session, spb, 4530)
    state = petitions.petition_state(session, appeal.id)
    assert (state["state"], state["from"], state["signatures"]) == ("submitted", NEVA, 4530)
    assert (state["constituency_size"], state["share"]) == (6040, "3/4")
    entry = _entries(session, spb, "petition.")[-1]
    assert entry.kind == "petition.submitted"
    assert entry.payload["share"] == "3/4"
    assert entry.payload["constituency_size"] == 6040
    assert entry.payload["signatures"] == 4530
    # A count only: no signer is named anywhere in the record.
    assert not {"signers", "names", "constituents"} & set(entry.payload)


def test_signatures_over_the_size_are_refused_and_nothing_is_written(
    session: Session, spb: Organization
) -> None:
    before = _height(session, spb)
    with pytest.raises(InvalidInput, match="6041 is more than the 6040 constituents"):
        _appeal(session, spb, 6041)
    # A plant electing through a group counts against its own size, not the group's.
    with pytest.raises(InvalidInput, match="311 is more than the 310"):
        _appeal(session, spb, 311, from_constituency="Neva Embankment Cooperage")
    with pytest.raises(InvalidInput, match="negative"):
        _appeal(session, spb, -1)
    with pytest.raises(InvalidInput, match="not both"):
        _appeal(session, spb, 10, from_label="Workers of the cotton mills")
    with pytest.raises(InvalidInput, match="no constituency 'Putilov Works'"):
        _appeal(session, spb, 10, from_constituency="Putilov Works")
    assert _height(session, spb) == before
    assert session.scalar(select(func.count()).select_from(Petition)) == 0
    group = _appeal(session, spb, 12, from_constituency=None, from_label="Cotton mill workers")
    assert petitions.petition_state(session, group.id)["share"] is None


def test_written_appeal_is_answered_without_a_hearing(session: Session, spb: Organization) -> None:
    appeal = _appeal(session, spb, 3020)
    sitting_id, voting = _sitting(session, spb, "plenary")
    item = petitions.put_on_agenda(session, spb, appeal.id, sitting_id, actor="secretariat")
    assert (item.kind, item.title) == (AgendaItemKind.RESOLUTION, appeal.title)
    motion_id = _resolution(session, spb, sitting_id, "the Executive Committee", voting[0])
    _vote(session, spb, motion_id, voting, yes=len(voting) - 3)
    answered = petitions.answer(session, spb, appeal.id, motion_id, actor="secretariat")
    assert answered.state == PetitionState.ANSWERED
    state = petitions.petition_state(session, appeal.id)
    assert state["answer"]["fate"] == "carried"
    kinds = [e.kind for e in _entries(session, spb, "petition.")]
    assert kinds == ["petition.submitted", "petition.on_agenda", "petition.answered"]


def test_front_delegation_is_heard_and_answered_by_a_resolution(
    session: Session, petrograd: Organization
) -> None:
    delegation = _delegation(session, petrograd)
    sitting_id, voting = _sitting(session, petrograd, "plenary")
    item = petitions.put_on_agenda(
        session, petrograd, delegation.id, sitting_id, actor="secretariat"
    )
    assert item.kind is AgendaItemKind.DELEGATIONS
    with pytest.raises(ItemNotCurrent):
        petitions.hear(session, petrograd, delegation.id, speaker="Private Ivanov", actor="chair")
    assert delegation.state == PetitionState.ON_AGENDA
    sittings.take_up_item(session, petrograd, item.id, actor="chair")
    petitions.hear(session, petrograd, delegation.id, speaker="Private  Ivanov", actor="chair")
    current = speakers_state(session, item.id)["current"]
    assert current["guest"] is True
    assert current["person"] == f"Private Ivanov for {FRONT}"
    motion_id = _resolution(session, petrograd, sitting_id, f"petition {delegation.id}", voting[0])
    petitions.answer(session, petrograd, delegation.id, motion_id, actor="secretariat")
    assert delegation.state == PetitionState.HEARD
    assert petitions.petition_state(session, delegation.id)["answer"]["fate"] is None
    _vote(session, petrograd, motion_id, voting, yes=len(voting) * 9 // 10)
    # The close of the vote may already have noted it: noting again changes nothing.
    petitions.note_decision(session, petrograd, motion_id, actor="chair")
    assert petitions.note_decision(session, petrograd, motion_id, actor="chair") == []
    assert delegation.state == PetitionState.ANSWERED
    state = petitions.petition_state(session, delegation.id)
    assert state["state"] == "answered"
    assert state["answer"] == {
        "motion": motion_id,
        "title": "Answer to the delegation",
        "state": "carried",
        "fate": "carried",
    }
    entries = _entries(session, petrograd, "petition.")
    assert [e.kind for e in entries] == [
        "petition.submitted",
        "petition.on_agenda",
        "petition.heard",
        "petition.answer_linked",
        "petition.answered",
    ]
    assert all(e.payload["petition"] == delegation.id for e in entries)
    assert entries[-1].payload["fate"] == "carried"
    assert entries[2].payload["item"] == item.id


def test_several_delegations_are_received_under_one_item(
    session: Session, petrograd: Organization
) -> None:
    first, second = _delegation(session, petrograd), _delegation(session, petrograd, "Baltic")
    sitting_id, _ = _sitting(session, petrograd, "plenary")
    item = petitions.put_on_agenda(session, petrograd, first.id, sitting_id, actor="s")
    joined = petitions.put_on_agenda(
        session, petrograd, second.id, sitting_id, item_id=item.id, actor="s"
    )
    assert joined.id == item.id
    assert len(sittings.agenda(session, sitting_id)) == 1
    sittings.take_up_item(session, petrograd, item.id, actor="chair")
    petitions.hear(session, petrograd, first.id, speaker="Private Ivanov", actor="chair")
    petitions.hear(session, petrograd, second.id, speaker="Sailor Markin", actor="chair")
    assert speakers_state(session, item.id)["turns_given"] == 2


def test_bad_transitions_are_refused_naming_both_states(
    session: Session, petrograd: Organization
) -> None:
    delegation = _delegation(session, petrograd)
    sitting_id, voting = _sitting(session, petrograd, "plenary")
    motion_id = _resolution(session, petrograd, sitting_id, "the Executive Committee", voting[0])
    before = _height(session, petrograd)
    with pytest.raises(BadPetitionTransition, match="from submitted to heard"):
        petitions.hear(session, petrograd, delegation.id, speaker="Ivanov", actor="chair")
    with pytest.raises(BadPetitionTransition, match="from submitted to answered"):
        petitions.answer(session, petrograd, delegation.id, motion_id, actor="s")
    assert _height(session, petrograd) == before
    item = petitions.put_on_agenda(session, petrograd, delegation.id, sitting_id, actor="s")
    with pytest.raises(BadPetitionTransition, match="from on-agenda to on-agenda"):
        petitions.put_on_agenda(session, petrograd, delegation.id, sitting_id, actor="s")
    # A delegation came to be heard: it is not answered before it is.
    with pytest.raises(Conflict, match="delegation cannot pass from on-agenda to answered"):
        petitions.answer(session, petrograd, delegation.id, motion_id, actor="s")
    sittings.take_up_item(session, petrograd, item.id, actor="chair")
    petitions.hear(session, petrograd, delegation.id, speaker="Ivanov", actor="chair")
    with pytest.raises(BadPetitionTransition, match="from heard to heard"):
        petitions.hear(session, petrograd, delegation.id, speaker="Petrov", actor="chair")
    # Only a resolution of the body it is addressed to answers it.
    other = sittings.schedule_sitting(
        session, petrograd, "soldiers-section", title="S", scheduled_for=None, actor="t"
    ).id
    sittings.change_state(session, petrograd, other, SittingState.OPEN, actor="t")
    soldier = current_memberships(session, get_body(session, petrograd.id, "soldiers-section").id)
    elsewhere = _resolution(
        session, petrograd, other, "the Executive Committee", soldier[0].mandate_id
    )
    with pytest.raises(Conflict, match="not before Plenary Session of the Soviet"):
        petitions.answer(session, petrograd, delegation.id, elsewhere, actor="s")
    adjourn = motions.move_motion(
        session,
        petrograd,
        sitting_id,
        kind=MotionKind.ADJOURN,
        title="Adjourn",
        text="",
        mover_mandate_id=voting[0],
        actor="t",
    )
    with pytest.raises(Conflict, match="not by a motion of kind adjourn"):
        petitions.answer(session, petrograd, delegation.id, adjourn.id, actor="s")
    motions.set_motion_state(session, petrograd, adjourn.id, MotionState.WITHDRAWN, actor="t")
    with pytest.raises(Conflict, match="is of Soldiers' Section"):
        petitions.put_on_agenda(
            session, petrograd, _delegation(session, petrograd).id, other, actor="s"
        )
    _vote(session, petrograd, motion_id, voting, yes=0)
    petitions.answer(session, petrograd, delegation.id, motion_id, actor="s")
    assert petitions.petition_state(session, delegation.id)["answer"]["fate"] == "lost"
    with pytest.raises(BadPetitionTransition, match="from answered to heard"):
        petitions.hear(session, petrograd, delegation.id, speaker="Ivanov", actor="chair")


runner = CliRunner()
ORG = "st-petersburg-1905"


def _cli_app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(petitions_cli.app, name="petition")
    return app


def ok(app: typer.Typer, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.usefixtures("use_database")
def test_cli_receives_an_appeal_and_answers_it() -> None:
    petition_app = _cli_app()
    ok(main_app, "init", "--example", ORG)
    out = ok(main_app, "sitting", "schedule", ORG, "plenary", "--title", "Lockouts")
    sitting = out.split()[1].rstrip(":")
    ok(main_app, "sitting", "open", ORG, sitting)
    members = json.loads(ok(main_app, "org", "members", ORG, "plenary", "--json"))
    voting = [str(m["mandate"]) for m in members if not m["consultative"]]
    ok(main_app, "sitting", "check-in", ORG, sitting, *voting)
    over = runner.invoke(
        petition_app,
        [
            *["petition", "submit", ORG, "plenary", "--title", "Strike", "--text", "Strike!"],
            *["--from-constituency", NEVA, "--signatures", "7000"],
        ],
    )
    assert over.exit_code == 2
    assert "7000 is more than the 6040 constituents" in over.stderr
    out = ok(
        petition_app,
        *["petition", "submit", ORG, "plenary", "--title", "General strike", "--text", "Strike!"],
        *["--from-constituency", NEVA, "--signatures", "1510"],
    )
    assert "1510 signatures (1/4 of Neva Shipbuilding and Engineering Works)" in out
    petition = out.split()[1].rstrip(":")
    out = ok(petition_app, "petition", "agenda", ORG, petition, sitting)
    assert "(resolution, position 1)" in out
    out = ok(
        main_app,
        *["motion", "move", ORG, sitting, "--title", "Answer", "--text", "Not yet."],
        *["--on-behalf-of", "the Executive Committee"],
    )
    motion = out.split()[1].rstrip(":")
    ok(main_app, "motion", "second", ORG, motion, voting[0])
    ok(main_app, "motion", "state", ORG, motion, "admitted")
    out = ok(petition_app, "petition", "answer", ORG, petition, motion)
    assert f"awaits motion {motion}" in out
    out = ok(main_app, "motion", "vote", ORG, motion, "--method", "show-of-hands")
    poll = out.split()[1]
    ok(main_app, "poll", "hands", ORG, poll, f"yes={len(voting) - 2}", "no=2")
    ok(main_app, "poll", "close", ORG, poll)
    again = runner.invoke(petition_app, ["petition", "answer", ORG, petition, motion])
    assert again.exit_code == 0, again.stderr
    assert f"answered: motion {motion} carried" in again.stdout
    shown = json.loads(ok(petition_app, "petition", "show", ORG, petition, "--json"))
    assert (shown["state"], shown["share"], shown["answer"]["fate"]) == (
        "answered",
        "1/4",
        "carried",
    )
    text = ok(petition_app, "petition", "show", ORG, petition)
    assert "signatures: 1510 of 6040 (1/4)" in text
    refused = runner.invoke(petition_app, ["petition", "hear", ORG, petition, "--speaker", "X"])
    assert refused.exit_code == 2
    assert "from answered to heard" in refused.stderr
