"""Minutes and voting records of a sitting run through the services, read from the journal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tauride.cli.main import app as main_app
from tauride.cli.minutes import minutes_command, record_command
from tauride.db.models import Mandate, Organization
from tauride.domain.errors import NotFound
from tauride.domain.minutes_model import Participation
from tauride.domain.minutes_render import minutes_html, minutes_markdown
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import MotionKind, MotionState
from tauride.domain.sittings import AgendaItemKind, SittingState
from tauride.queries.minutes import delegate_record, sitting_minutes
from tauride.services import motions, polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder

ORG = "st-petersburg-1905"
TEXT = "The Soviet answers the lockouts with a general strike <b>at once</b>."


@pytest.fixture
def org(session: Session) -> Organization:
    return load_folder(session, example_path(ORG), actor="test")


def _name(session: Session, mandate_id: int) -> str:
    return session.get_one(Mandate, mandate_id).person.name


def test_minutes_of_a_sitting_run_through_the_services(session: Session, org: Organization) -> None:
    sitting = sittings.schedule_sitting(
        session, org, "executive", title="Lockouts", scheduled_for="1905-11-12", actor="t"
    )
    item = sittings.add_agenda_item(
        session,
        org,
        sitting.id,
        kind=AgendaItemKind.DEBATE,
        title="Lockouts",
        minutes=60,
        actor="t",
    )
    sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="chair")
    members = current_memberships(session, get_body(session, org.id, "executive").id)
    voting = [m.mandate_id for m in members if not m.consultative]
    party = [m.mandate_id for m in members if m.consultative]
    for mandate_id in voting + party:
        sittings.check_in(session, org, sitting.id, mandate_id, actor="t")
    sittings.take_up_item(session, org, item.id, actor="chair")
    motion = motions.move_motion(
        session,
        org,
        sitting.id,
        kind=MotionKind.MAIN,
        title="Answer the lockouts",
        text=TEXT,
        mover_mandate_id=party[0],
        actor="t",
    )
    motions.second_motion(session, org, motion.id, voting[0], actor="t")
    motions.set_motion_state(session, org, motion.id, MotionState.ADMITTED, actor="chair")
    motions.set_motion_state(session, org, motion.id, MotionState.DEBATE, actor="chair")
    roll_call = motions.put_to_vote(
        session, org, motion.id, method=PollMethod.ROLL_CALL, actor="chair"
    )
    choices = {m: "yes" if i < 15 else "no" for i, m in enumerate(voting[:-1])}
    for mandate_id, choice in choices.items():
        polls.cast_ballot(session, org, roll_call.id, mandate_id, choice)
    motions.close_vote(session, org, roll_call.id, actor="chair")
    secret = polls.open_poll(
        session, org, sitting.id, question="Publish it?", method=PollMethod.SECRET, actor="chair"
    )
    for mandate_id in voting[:20]:
        polls.cast_ballot(session, org, secret.id, mandate_id, "yes")
    polls.close_poll(session, org, secret.id, actor="chair")
    sittings.change_state(session, org, sitting.id, SittingState.CLOSED, actor="chair")

    minutes = sitting_minutes(session, ORG, sitting.id)
    assert (minutes.present, minutes.present_voting, minutes.voting_members) == (31, 22, 22)
    (lockouts,) = minutes.agenda
    (moved,) = lockouts.motions
    assert (moved.text, moved.state, moved.mover) == (TEXT, "carried", _name(session, party[0]))
    first, second = lockouts.polls
    assert (first.figure, first.entitled, first.participants) == ("15 to 6 (71.4%)", 22, 21)
    assert {v.mandate: v.choice for v in first.votes} == {**choices, voting[-1]: None}
    assert second.votes == ()
    text = minutes_markdown(minutes)
    assert "31 present: 22 with a vote, 9 with a consultative voice." in text
    assert TEXT.replace("<", "\\<").replace(">", "\\>") in text
    assert f"- Fate: **carried**, poll {roll_call.id}: 15 to 6 (71.4%)" in text
    for mandate_id, choice in choices.items():
        assert f"| {_name(session, mandate_id)} | {mandate_id} | {choice} |" in text
    assert f"| {_name(session, voting[-1])} | {voting[-1]} | did not vote |" in text
    page = minutes_html(minutes)
    assert "&lt;b&gt;at once&lt;/b&gt;" in page
    assert f"<td>{_name(session, voting[3])}</td><td>{voting[3]}</td><td>yes</td>" in page

    record = delegate_record(session, ORG, voting[0])
    assert [(r.poll, r.participation, r.choice) for r in record.polls] == [
        (roll_call.id, Participation.VOTED, "yes"),
        (secret.id, Participation.TOOK_PART, None),
    ]
    absent = delegate_record(session, ORG, voting[-1])
    assert [r.participation for r in absent.polls] == [Participation.DID_NOT_VOTE] * 2
    assert delegate_record(session, ORG, party[0]).polls == ()
    with pytest.raises(NotFound, match="no sitting 999"):
        sitting_minutes(session, ORG, 999)
    with pytest.raises(NotFound, match="no mandate 9999"):
        delegate_record(session, ORG, 9999)
    with pytest.raises(NotFound, match="no organization"):
        sitting_minutes(session, "nowhere", sitting.id)


runner = CliRunner()
minutes_app = typer.Typer()
minutes_app.command("minutes")(minutes_command)
minutes_app.command("record")(record_command)


def ok(app: typer.Typer, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.usefixtures("use_database")
def test_minutes_and_record_from_the_command_line(tmp_path: Path) -> None:
    ok(main_app, "init", "--example", ORG)
    members = json.loads(ok(main_app, "org", "members", ORG, "executive", "--json"))
    voting = [m for m in members if not m["consultative"]]
    out = ok(main_app, "sitting", "schedule", ORG, "executive", "--title", "Lockouts")
    sitting = out.split()[1].rstrip(":")
    ok(main_app, "sitting", "open", ORG, sitting)
    ok(main_app, "sitting", "check-in", ORG, sitting, *(str(m["mandate"]) for m in voting))
    mover, seconder = (str(m["mandate"]) for m in voting[:2])
    out = ok(main_app, "motion", "move", ORG, sitting, "--title", "Strike", "--mover", mover)
    motion = out.split()[1].rstrip(":")
    ok(main_app, "motion", "second", ORG, motion, seconder)
    ok(main_app, "motion", "state", ORG, motion, "admitted")
    ok(main_app, "motion", "state", ORG, motion, "debate")
    poll = ok(main_app, "motion", "vote", ORG, motion, "--method", "roll-call").split()[1]
    for m in voting:
        ok(main_app, "poll", "cast", ORG, poll, str(m["mandate"]), "yes")
    ok(main_app, "poll", "close", ORG, poll)
    ok(main_app, "sitting", "close", ORG, sitting)

    page = tmp_path / "minutes.html"
    out = ok(minutes_app, "minutes", ORG, sitting, "--format", "html", "--output", str(page))
    assert out == f"minutes of sitting {sitting} written to {page}\n"
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert f"<td>{voting[0]['person']}</td><td>{voting[0]['mandate']}</td><td>yes</td>" in html
    text = ok(minutes_app, "minutes", ORG, sitting)
    assert f"- Fate: **carried**, poll {poll}: 22 to 0 (100.0%)" in text
    record = json.loads(ok(minutes_app, "record", ORG, mover, "--json"))
    assert record["delegate"]["name"] == voting[0]["person"]
    assert [(r["poll"], r["participation"], r["choice"]) for r in record["polls"]] == [
        (int(poll), "voted", "yes")
    ]
    assert "| yes |" in ok(minutes_app, "record", ORG, mover)
    missing = runner.invoke(minutes_app, ["minutes", ORG, "99"])
    assert missing.exit_code == 2
    assert "no sitting 99" in missing.stderr
