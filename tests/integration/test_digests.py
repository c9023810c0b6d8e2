"""Report-back digests: after a sitting, each constituency hears the decisions, how its
delegates voted, who attended and which instructions were kept."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tauride.cli.main import app
from tauride.db.models import Constituency, Mandate, Organization
from tauride.domain.digests import digest_markdown, digest_text
from tauride.domain.errors import NotFound
from tauride.domain.instructions import Compliance
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import MotionKind, MotionState
from tauride.domain.sittings import SittingState
from tauride.queries.digests import digest_constituencies, sitting_digest
from tauride.services import instructions, motions, polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder

ORG = "petrograd-1917"
NARVA = "Narva Gate Locomotive Works"


@pytest.fixture
def org(session: Session) -> Organization:
    return load_folder(session, example_path(ORG), actor="test")


def _narva(session: Session, mandates: list[int]) -> list[int]:
    unit = session.execute(select(Constituency).where(Constituency.name == NARVA)).scalar_one()
    return [m for m in mandates if session.get_one(Mandate, m).constituency_id == unit.id]


def _poll(
    session: Session,
    org: Organization,
    motion_id: int,
    ballots: dict[int, str],
    method: PollMethod,
) -> int:
    poll = motions.put_to_vote(session, org, motion_id, method=method, actor="chair")
    for voter, choice in ballots.items():
        polls.cast_ballot(session, org, poll.id, voter, choice)
    motions.close_vote(session, org, poll.id, actor="chair")
    return poll.id


def _move(
    session: Session, org: Organization, sitting_id: int, voting: list[int], title: str
) -> int:
    motion = motions.move_motion(
        session,
        org,
        sitting_id,
        kind=MotionKind.MAIN,
        title=title,
        text=f"{title}, resolved.",
        mover_mandate_id=voting[-1],
        actor="t",
    )
    motions.second_motion(session, org, motion.id, voting[-2], actor="t")
    motions.set_motion_state(session, org, motion.id, MotionState.ADMITTED, actor="chair")
    return motion.id


@dataclass(frozen=True)
class Held:
    sitting: int
    narva: list[int]
    away: int
    named: int
    named_poll: int
    secret: int
    secret_poll: int


def _hold_sitting(session: Session, org: Organization) -> Held:
    """A sitting of the Workers' Section: a roll call the Narva works instructed on, a
    secret ballot; one Narva deputy away, one not voting in each poll."""
    body = get_body(session, org.id, "workers-section")
    voting = [m.mandate_id for m in current_memberships(session, body.id) if not m.consultative]
    narva = _narva(session, voting)
    away = narva[-1]
    sitting = sittings.schedule_sitting(
        session, org, "workers-section", title="The war", scheduled_for=None, actor="t"
    )
    sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="t")
    for mandate_id in voting:
        if mandate_id != away:
            sittings.check_in(session, org, sitting.id, mandate_id, actor="t")
    named = _move(session, org, sitting.id, voting, "Peace without annexations")
    instructions.give_instruction(
        session, org, NARVA, motion_id=named, choice="yes", given_by="general meeting", actor="t"
    )
    ballots = {m: "yes" for m in voting if m != away} | {narva[0]: "no"}
    del ballots[narva[1]]
    named_poll = _poll(session, org, named, ballots, PollMethod.ROLL_CALL)
    secret = _move(session, org, sitting.id, voting, "A loan")
    ballots = {m: "no" for m in voting if m not in (away, narva[2])}
    secret_poll = _poll(session, org, secret, ballots, PollMethod.SECRET)
    sittings.change_state(session, org, sitting.id, SittingState.CLOSED, actor="t")
    return Held(sitting.id, narva, away, named, named_poll, secret, secret_poll)


def test_a_constituency_hears_how_its_delegates_voted(session: Session, org: Organization) -> None:
    held = _hold_sitting(session, org)
    narva, away = held.narva, held.away
    assert NARVA in digest_constituencies(session, ORG, held.sitting)
    assert "Volynsky Regiment, 1st Company" not in digest_constituencies(session, ORG, held.sitting)
    digest = sitting_digest(session, ORG, held.sitting, NARVA)
    assert (digest.constituency, digest.body, digest.body_name) == (
        NARVA,
        "workers-section",
        "Workers' Section",
    )
    assert [d.mandate for d in digest.delegates] == sorted(narva)
    attended = {d.mandate: bool(d.present) for d in digest.delegates}
    assert attended == {m: m != away for m in narva}
    assert [(d.motion, d.state) for d in digest.decisions] == [
        (held.named, "carried"),
        (held.secret, "lost"),
    ]
    assert dict(digest.decisions[0].counts)["no"] == 1
    by_poll = {p.poll: {v.mandate: v.vote for v in p.votes} for p in digest.polls}
    assert by_poll[held.named_poll][narva[0]] == "no"
    assert by_poll[held.named_poll][narva[1]] == "did not vote"
    assert by_poll[held.named_poll][narva[3]] == "yes"
    assert by_poll[held.named_poll][away] == "absent"
    assert by_poll[held.secret_poll][narva[0]] == "voted"
    assert by_poll[held.secret_poll][narva[2]] == "did not vote"
    assert by_poll[held.secret_poll][away] == "absent"
    checked = digest.polls[0].instruction
    assert checked is not None
    assert digest.polls[1].instruction is None
    assert digest.compliance(Compliance.BREACHED) == 1
    assert digest.compliance(Compliance.ABSENT) == 2

    markdown = digest_markdown(digest)
    assert markdown.startswith(f"# Report-back to {NARVA}\n")
    assert "Motion" in markdown
    assert "**carried**" in markdown
    assert "| Delegate | Vote | Instruction |" in markdown
    text = digest_text(digest)
    assert "Report-back to Narva Gate Locomotive Works\n=====" in text
    assert "breached" in text
    assert "**" not in text
    with pytest.raises(NotFound, match="no constituency 'Atlantis'"):
        sitting_digest(session, ORG, held.sitting, "Atlantis")
    with pytest.raises(NotFound, match="no sitting 99999"):
        sitting_digest(session, ORG, 99999, NARVA)


runner = CliRunner()


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.usefixtures("use_database")
def test_digests_from_the_terminal(tmp_path: Path) -> None:
    ok("init", "--example", "st-petersburg-1905")
    org = "st-petersburg-1905"
    members = json.loads(ok("org", "members", org, "executive", "--json"))
    voting = [m["mandate"] for m in members if not m["consultative"]]
    units = {m["constituency"] for m in members if m["constituency"]}
    sitting = ok("sitting", "schedule", org, "executive", "--title", "Lockouts").split()[1][:-1]
    ok("sitting", "open", org, sitting)
    ok("sitting", "check-in", org, sitting, *map(str, voting))
    out = ok("motion", "move", org, sitting, "--title", "Strike", "--mover", str(voting[0]))
    motion = out.split()[1].rstrip(":")
    ok("motion", "second", org, motion, str(voting[1]))
    ok("motion", "state", org, motion, "admitted")
    poll = ok("motion", "vote", org, motion).split()[1]
    for voter in voting:
        ok("poll", "cast", org, poll, str(voter), "yes")
    ok("poll", "close", org, poll)
    ok("sitting", "close", org, sitting)

    out = ok("digest", org, sitting, "--out", str(tmp_path / "digests"))
    written = sorted((tmp_path / "digests").iterdir())
    assert len(written) == len(units)
    assert f"{len(units)} digest(s) of sitting {sitting}" in out
    assert all(p.suffix == ".md" for p in written)
    assert all(p.read_text(encoding="utf-8").startswith("# Report-back to ") for p in written)
    one = sorted(units)[0]
    shown = ok("digest", org, sitting, "--constituency", one, "--format", "text")
    assert shown.startswith(f"Report-back to {one}\n")
    page = ok("digest", org, sitting, "--constituency", one, "--format", "html")
    assert page.startswith("<!DOCTYPE html>")
    bad = runner.invoke(app, ["digest", org, sitting, "--constituency", "Atlantis"])
    assert bad.exit_code == 2
    assert "no constituency 'Atlantis'" in bad.stderr
    assert "Traceback" not in bad.stderr
    missing = runner.invoke(app, ["digest", org, "99999"])
    assert missing.exit_code == 2
    assert "no sitting 99999" in missing.stderr
