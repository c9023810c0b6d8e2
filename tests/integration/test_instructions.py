"""Instructions of constituency meetings: given, superseded, kept or breached at each poll,
and shown on the delegate's record — never guessed where the record says nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tauride.cli.main import app
from tauride.db.models import Constituency, JournalRecord, Mandate, Organization
from tauride.db.roll_votes import Instruction
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.instructions import Compliance
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import MotionKind, MotionState
from tauride.domain.sittings import SittingState
from tauride.queries.digests import instructions_report
from tauride.queries.minutes import delegate_record_and_instructions
from tauride.services import instructions, matters, motions, polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder

ORG = "petrograd-1917"
NARVA = "Narva Gate Locomotive Works"
COMPANY = "Volynsky Regiment, 1st Company"


@pytest.fixture
def org(session: Session) -> Organization:
    return load_folder(session, example_path(ORG), actor="test")


def _members(session: Session, org: Organization, body: str) -> list[int]:
    return [
        m.mandate_id
        for m in current_memberships(session, get_body(session, org.id, body).id)
        if not m.consultative
    ]


def _of(session: Session, constituency: str, mandates: list[int]) -> list[int]:
    unit = session.execute(select(Constituency).where(Constituency.name == constituency)).scalar()
    assert unit is not None
    return [m for m in mandates if session.get_one(Mandate, m).constituency_id == unit.id]


def _sitting(
    session: Session, org: Organization, body: str, *, absent: tuple[int, ...] = ()
) -> tuple[int, list[int]]:
    sitting = sittings.schedule_sitting(
        session, org, body, title="S", scheduled_for=None, actor="t"
    )
    sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="t")
    voting = _members(session, org, body)
    for mandate_id in voting:
        if mandate_id not in absent:
            sittings.check_in(session, org, sitting.id, mandate_id, actor="t")
    return sitting.id, voting


def _motion(
    session: Session,
    org: Organization,
    sitting_id: int,
    mover: int,
    seconder: int,
    *,
    matter: str | None = None,
    kind: MotionKind = MotionKind.MAIN,
    target: int | None = None,
) -> int:
    motion = motions.move_motion(
        session,
        org,
        sitting_id,
        kind=kind,
        title="Eight-hour day",
        text="Now.",
        mover_mandate_id=mover,
        target_id=target,
        matter=matter,
        actor="t",
    )
    motions.second_motion(session, org, motion.id, seconder, actor="t")
    motions.set_motion_state(session, org, motion.id, MotionState.ADMITTED, actor="chair")
    return motion.id


def _vote(
    session: Session,
    org: Organization,
    motion_id: int,
    ballots: dict[int, str],
    method: PollMethod = PollMethod.ELECTRONIC,
) -> int:
    poll = motions.put_to_vote(session, org, motion_id, method=method, actor="chair")
    if method is PollMethod.SHOW_OF_HANDS:
        yes = sum(1 for c in ballots.values() if c == "yes")
        polls.enter_hand_counts(
            session, org, poll.id, {"yes": yes, "no": len(ballots) - yes}, actor="tellers"
        )
    else:
        for voter, choice in ballots.items():
            polls.cast_ballot(session, org, poll.id, voter, choice)
    motions.close_vote(session, org, poll.id, actor="chair")
    return poll.id


def _give(session: Session, org: Organization, constituency: str = NARVA, **kw: object) -> int:
    args: dict[str, object] = {"choice": "yes", "given_by": "general meeting, 10 May"} | kw
    return instructions.give_instruction(session, org, constituency, actor="t", **args).id  # type: ignore[arg-type]


def test_named_votes_keep_or_breach_and_absence_is_shown(
    session: Session, org: Organization
) -> None:
    everyone = _members(session, org, "workers-section")
    narva = _of(session, NARVA, everyone)
    away = narva[-1]
    sitting_id, voting = _sitting(session, org, "workers-section", absent=(away,))
    others = [m for m in voting if m not in narva]
    motion_id = _motion(session, org, sitting_id, others[0], others[1])
    number = _give(session, org, motion_id=motion_id, text="Vote for the eight-hour day.")
    ballots = dict.fromkeys(others, "yes") | {narva[0]: "yes", narva[1]: "no"}
    ballots[narva[2]] = "abstain"
    poll_id = _vote(session, org, motion_id, ballots)

    report = instructions_report(session, ORG, NARVA)
    assert [i.instruction for i in report.instructions] == [number]
    (checked,) = report.polls
    assert (checked.poll, checked.instructed, checked.carried) == (poll_id, "yes", True)
    seen = {d.mandate: (d.compliance, d.choice) for d in checked.delegates}
    assert set(seen) == set(narva)
    assert seen[narva[0]] == (Compliance.KEPT, "yes")
    assert seen[narva[1]] == (Compliance.BREACHED, "no")
    assert seen[narva[2]] == (Compliance.BREACHED, "abstain")
    assert seen[narva[3]] == (Compliance.ABSENT, None)  # present, did not vote
    assert seen[away] == (Compliance.ABSENT, None)  # not present at all
    assert report.breaches == 2

    record, lines = delegate_record_and_instructions(session, ORG, narva[1])
    assert record.delegate.mandate == narva[1]
    assert [(x.poll, x.instructed, x.choice, x.compliance) for x in lines] == [
        (poll_id, "yes", "no", Compliance.BREACHED)
    ]
    assert delegate_record_and_instructions(session, ORG, away)[1] == ()
    assert delegate_record_and_instructions(session, ORG, others[0])[1] == ()

    entry = session.scalars(
        select(JournalRecord).where(JournalRecord.kind == "instruction.given")
    ).one()
    assert entry.payload == {
        "instruction": number,
        "constituency": NARVA,
        "motion": motion_id,
        "matter": None,
        "choice": "yes",
        "text": "Vote for the eight-hour day.",
        "given_by": "general meeting, 10 May",
        "supersedes": None,
    }


def test_a_later_instruction_supersedes_and_none_after_the_question_is_put(
    session: Session, org: Organization
) -> None:
    sitting_id, voting = _sitting(session, org, "workers-section")
    narva = _of(session, NARVA, voting)
    others = [m for m in voting if m not in narva]
    motion_id = _motion(session, org, sitting_id, others[0], others[1])
    first = _give(session, org, motion_id=motion_id, choice="yes")
    second = _give(session, org, motion_id=motion_id, choice="no", given_by="second meeting")
    poll = motions.put_to_vote(session, org, motion_id, method=PollMethod.ROLL_CALL, actor="c")
    with pytest.raises(Conflict, match="before the question is put"):
        _give(session, org, motion_id=motion_id, choice="abstain")
    for voter in voting:
        polls.cast_ballot(session, org, poll.id, voter, "yes")
    motions.close_vote(session, org, poll.id, actor="chair")
    with pytest.raises(Conflict, match="carried"):
        _give(session, org, motion_id=motion_id, choice="no")

    report = instructions_report(session, ORG, NARVA)
    assert [(i.instruction, i.superseded_by) for i in report.instructions] == [
        (first, second),
        (second, None),
    ]
    (checked,) = report.polls
    assert (checked.instruction, checked.instructed) == (second, "no")
    assert {d.compliance for d in checked.delegates} == {Compliance.BREACHED}
    payloads = session.scalars(
        select(JournalRecord.payload)
        .where(JournalRecord.kind == "instruction.given")
        .order_by(JournalRecord.height)
    ).all()
    assert [p["supersedes"] for p in payloads] == [None, first]


def test_secret_ballots_and_shows_of_hands_are_never_guessed(
    session: Session, org: Organization
) -> None:
    sitting_id, voting = _sitting(session, org, "workers-section")
    narva = _of(session, NARVA, voting)
    others = [m for m in voting if m not in narva]
    secret = _motion(session, org, sitting_id, others[0], others[1])
    _give(session, org, motion_id=secret, choice="no")
    ballots = dict.fromkeys(voting, "yes")
    del ballots[narva[0]]
    _vote(session, org, secret, ballots, PollMethod.SECRET)
    hands = _motion(session, org, sitting_id, others[0], others[1])
    _give(session, org, motion_id=hands, choice="no")
    _vote(session, org, hands, dict.fromkeys(voting, "yes"), PollMethod.SHOW_OF_HANDS)

    report = instructions_report(session, ORG, NARVA)
    by_poll = [{d.mandate: d.compliance for d in p.delegates} for p in report.polls]
    assert by_poll[0][narva[0]] is Compliance.ABSENT
    assert {by_poll[0][m] for m in narva[1:]} == {Compliance.SECRET}
    assert set(by_poll[1].values()) == {Compliance.UNKNOWN}
    assert all(d.choice is None for p in report.polls for d in p.delegates)
    assert report.breaches == 0


def test_a_matter_binds_the_motions_that_decide_it_and_a_motion_outranks_it(
    session: Session, org: Organization
) -> None:
    sitting_id, voting = _sitting(session, org, "workers-section")
    narva = _of(session, NARVA, voting)
    others = [m for m in voting if m not in narva]
    matters.open_matter(session, org, "bread", title="Bread ration", required_bodies=[], actor="t")
    on_matter = _give(session, org, matter="bread", choice="no")
    main = _motion(session, org, sitting_id, others[0], others[1], matter="bread")
    amendment = _motion(
        session, org, sitting_id, others[2], others[3], kind=MotionKind.AMENDMENT, target=main
    )
    _vote(session, org, amendment, dict.fromkeys(voting, "yes"))  # inherits the key; not bound
    _vote(session, org, main, dict.fromkeys(voting, "no"))
    again = _motion(session, org, sitting_id, others[0], others[1], matter="bread")
    on_motion = _give(session, org, motion_id=again, choice="yes")
    _vote(session, org, again, dict.fromkeys(voting, "yes"))

    report = instructions_report(session, ORG, NARVA)
    assert [(p.motion, p.instruction) for p in report.polls] == [
        (main, on_matter),
        (again, on_motion),
    ]
    assert {d.compliance for p in report.polls for d in p.delegates} == {Compliance.KEPT}


def test_bad_instructions_are_refused_and_nothing_is_written(
    session: Session, org: Organization
) -> None:
    sitting_id, voting = _sitting(session, org, "workers-section")
    motion_id = _motion(session, org, sitting_id, voting[0], voting[1])
    height = session.scalar(select(func.max(JournalRecord.height)))
    with pytest.raises(NotFound, match="no constituency 'Atlantis'"):
        _give(session, org, "Atlantis", motion_id=motion_id)
    with pytest.raises(InvalidInput, match="where no delegate of"):
        _give(session, org, COMPANY, motion_id=motion_id)
    with pytest.raises(InvalidInput, match="'maybe' is not one of yes, no, abstain"):
        _give(session, org, motion_id=motion_id, choice="maybe")
    with pytest.raises(InvalidInput, match="give either a motion or a matter"):
        _give(session, org)
    with pytest.raises(InvalidInput, match="give either a motion or a matter"):
        _give(session, org, motion_id=motion_id, matter="bread")
    with pytest.raises(InvalidInput, match="given_by"):
        _give(session, org, motion_id=motion_id, given_by="  ")
    with pytest.raises(NotFound, match="no motion 99999"):
        _give(session, org, motion_id=99999)
    with pytest.raises(NotFound, match="no matter 'bread'"):
        _give(session, org, matter="bread")
    with pytest.raises(InvalidInput, match="jointly through"):
        _give(session, org, "Narva Box and Crate Workshop", motion_id=motion_id)
    matters.open_matter(
        session, org, "guns", title="Guns", required_bodies=["soldiers-section"], actor="t"
    )
    with pytest.raises(InvalidInput, match="matter 'guns' is before soldiers-section"):
        _give(session, org, matter="guns")
    assert session.scalar(select(func.count()).select_from(Instruction)) == 0
    assert session.scalar(select(func.max(JournalRecord.height))) == height + 1  # the matter


runner = CliRunner()


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.usefixtures("use_database")
def test_instructions_from_the_terminal() -> None:
    ok("init", "--example", ORG)
    members = json.loads(ok("org", "members", ORG, "workers-section", "--json"))
    narva = [m["mandate"] for m in members if m["constituency"] == NARVA]
    voting = [m["mandate"] for m in members if not m["consultative"]]
    others = [m for m in voting if m not in narva]
    sitting = ok("sitting", "schedule", ORG, "workers-section", "--title", "S").split()[1][:-1]
    ok("sitting", "open", ORG, sitting)
    ok("sitting", "check-in", ORG, sitting, *map(str, voting))
    out = ok("motion", "move", ORG, sitting, "--title", "Strike", "--mover", str(others[0]))
    motion = out.split()[1].rstrip(":")
    ok("motion", "second", ORG, motion, str(others[1]))
    ok("motion", "state", ORG, motion, "admitted")
    out = ok(
        "instruct", "give", ORG, NARVA, "--motion", motion, "--choice", "yes",
        "--given-by", "general meeting", "--text", "Strike.",
    )  # fmt: skip
    assert out.startswith("instruction ")
    assert f"vote yes on motion {motion}" in out
    bad = runner.invoke(
        app, ["instruct", "give", ORG, COMPANY, "--motion", motion, "--choice", "yes",
              "--given-by", "m"],
    )  # fmt: skip
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: motion")
    assert "Traceback" not in bad.stderr
    unknown = runner.invoke(
        app, ["instruct", "give", ORG, "Atlantis", "--matter", "x", "--choice", "yes",
              "--given-by", "m"],
    )  # fmt: skip
    assert unknown.exit_code == 2
    assert "no constituency 'Atlantis'" in unknown.stderr
    poll = ok("motion", "vote", ORG, motion, "--method", "roll-call").split()[1]
    for voter in voting:
        ok("poll", "cast", ORG, poll, str(voter), "no" if voter == narva[0] else "yes")
    ok("poll", "close", ORG, poll)
    listed = json.loads(ok("instruct", "list", ORG, NARVA, "--json"))
    assert listed["breaches"] == 1
    (checked,) = listed["polls"]
    assert {d["mandate"]: d["compliance"] for d in checked["delegates"]} == {
        m: "breached" if m == narva[0] else "kept" for m in narva
    }
    text = ok("instruct", "list", ORG, NARVA)
    assert "# Instructions of Narva Gate Locomotive Works" in text
    assert "Kept: 8; breached: 1." in text
    record = ok("record", ORG, str(narva[0]))
    assert f"## Instructions of {NARVA}" in record
    assert "breached in 1" in record
    as_json = json.loads(ok("record", ORG, str(narva[0]), "--json"))
    assert as_json["instructions"][0]["compliance"] == "breached"
    assert json.loads(ok("record", ORG, str(others[0]), "--json"))["instructions"] == []
