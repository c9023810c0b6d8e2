"""Representativeness read from the record: the Petrograd Soviet's seats and its polls."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
import typer
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tauride.cli import analyze
from tauride.cli.main import app as main_app
from tauride.db.models import Constituency, Mandate, Organization
from tauride.domain.errors import Conflict
from tauride.domain.poll_backing import Attribution
from tauride.domain.polls import PollMethod
from tauride.domain.sittings import SittingState
from tauride.queries.analytics import body_representativeness
from tauride.queries.poll_analytics import poll_representativeness
from tauride.services import polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder

ORG = "petrograd-1917"


@pytest.fixture
def org(session: Session) -> Organization:
    return load_folder(session, example_path(ORG), actor="test")


def _plenary(session: Session, org: Organization) -> tuple[list[Mandate], list[Mandate]]:
    """The plenary's voting deputies: workers' (smallest constituencies first), soldiers'."""
    body = get_body(session, org.id, "plenary")
    ids = [m.mandate_id for m in current_memberships(session, body.id) if not m.consultative]
    rows = session.execute(
        select(Mandate, Constituency.kind)
        .join(Constituency, Mandate.constituency_id == Constituency.id)
        .where(Mandate.id.in_(ids))
        .order_by(Mandate.represents, Mandate.id)
    ).all()
    workers = [m for m, kind in rows if kind == "factory"]
    soldiers = [m for m, kind in rows if kind == "company"]
    return workers, soldiers


def _sitting(session: Session, org: Organization, present: list[Mandate]) -> int:
    sitting = sittings.schedule_sitting(
        session, org, "plenary", title="Plenary", scheduled_for=None, actor="t"
    )
    sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="t")
    for mandate in present:
        sittings.check_in(session, org, sitting.id, mandate.id, actor="t")
    return sitting.id


def test_plenary_over_represents_the_soldiers(session: Session, org: Organization) -> None:
    report = body_representativeness(session, ORG, "plenary")
    m = report.measures
    kinds = {k.kind: k for k in m.kinds}
    workers, soldiers = kinds["factory"], kinds["company"]
    assert (m.size, m.seats) == (58_890, 85)
    assert (workers.size, workers.seats, soldiers.size, soldiers.seats) == (50_230, 45, 8_660, 40)
    assert workers.per_seat is not None
    assert soldiers.per_seat is not None
    assert workers.per_seat >= 3 * soldiers.per_seat
    assert m.voice_ratio("company", "factory") == workers.per_seat / soldiers.per_seat
    disparity = m.kind_disparity()
    assert disparity is not None
    assert disparity[:2] == ("company", "factory")
    # Every company is over-represented and every plant under: the constituency-level
    # index equals the gap between the two kinds.
    assert m.loosemore_hanby == Fraction(50_230, 58_890) - Fraction(45, 85)
    assert m.loosemore_hanby == m.kind_loosemore_hanby
    assert (m.min_per_seat.per_seat, m.max_per_seat.per_seat) == (Fraction(150), Fraction(1_870))
    assert report.kind_name("company").unit == "soldiers"


def test_regimental_conference_is_near_proportional(session: Session, org: Organization) -> None:
    m = body_representativeness(session, ORG, "regimental-conference").measures
    assert m.kind_loosemore_hanby == 0
    assert m.kind_disparity() is None
    assert m.loosemore_hanby < Fraction(1, 20)


def test_named_poll_carried_by_heads_would_be_lost_by_constituents(
    session: Session, org: Organization
) -> None:
    # All soldiers and the three smallest plants' deputies against the rest of the workers:
    # a majority of deputies, a small minority of the people behind them.
    workers, soldiers = _plenary(session, org)
    sitting_id = _sitting(session, org, soldiers + workers[:43])
    poll = polls.open_poll(
        session, org, sitting_id, question="Adjourn?", method=PollMethod.ROLL_CALL, actor="t"
    )
    for mandate in soldiers + workers[:3]:
        polls.cast_ballot(session, org, poll.id, mandate.id, "yes")
    for mandate in workers[3:42]:
        polls.cast_ballot(session, org, poll.id, mandate.id, "no")
    recorded = polls.close_poll(session, org, poll.id, actor="t")

    report = poll_representativeness(session, ORG, poll.id)
    b = report.backing
    assert b.attribution is Attribution.NAMED
    yes, no = b.options["yes"], b.options["no"]
    assert (yes.heads, no.heads, b.options["abstain"].heads) == (43, 39, 0)
    assert yes.constituents == sum(m.represents for m in soldiers + workers[:3])
    assert no.constituents == sum(m.represents for m in workers[3:42])
    assert (b.did_not_vote.heads, b.did_not_vote.constituents) == (1, workers[42].represents)
    assert b.not_present.heads == 2
    assert b.not_present.constituents == sum(m.represents for m in workers[43:])
    assert (b.absent.heads, b.members.heads, b.members.constituents) == (3, 85, 58_890)
    assert b.by_heads is not None
    assert b.by_constituents is not None
    assert b.by_heads.carried is True
    assert b.by_heads.reason == recorded.reason
    assert b.by_constituents.carried is False
    assert b.differs is True
    data = report.as_dict()
    assert data["differs"] is True
    assert data["by_constituents"]["verdict"] == "lost"
    assert data["recorded"]["carried"] is True


def test_secret_poll_attributes_only_participation(session: Session, org: Organization) -> None:
    workers, soldiers = _plenary(session, org)
    sitting_id = _sitting(session, org, soldiers + workers)
    poll = polls.open_poll(
        session, org, sitting_id, question="Strike?", method=PollMethod.SECRET, actor="t"
    )
    with pytest.raises(Conflict, match="still open"):
        poll_representativeness(session, ORG, poll.id)
    voters = soldiers + workers[:10]
    for i, mandate in enumerate(voters):
        polls.cast_ballot(session, org, poll.id, mandate.id, "yes" if i % 3 else "no")
    polls.close_poll(session, org, poll.id, actor="t")

    b = poll_representativeness(session, ORG, poll.id).backing
    assert b.attribution is Attribution.PARTICIPATION
    assert all(line.constituents is None for line in b.options.values())
    assert sum(line.heads for line in b.options.values()) == len(voters)
    assert b.voted.constituents == sum(m.represents for m in voters)
    assert b.absent.constituents == sum(m.represents for m in workers[10:])
    assert b.by_heads is not None
    assert b.by_constituents is None
    assert b.differs is None
    assert "only participation" in b.attribution.note


def test_show_of_hands_attributes_only_presence(session: Session, org: Organization) -> None:
    workers, soldiers = _plenary(session, org)
    sitting_id = _sitting(session, org, soldiers + workers[:20])
    poll = polls.open_poll(
        session, org, sitting_id, question="Recess?", method=PollMethod.SHOW_OF_HANDS, actor="t"
    )
    polls.enter_hand_counts(session, org, poll.id, {"yes": 50, "no": 8}, actor="teller")
    polls.close_poll(session, org, poll.id, actor="t")
    b = poll_representativeness(session, ORG, poll.id).backing
    assert b.attribution is Attribution.PRESENCE
    assert (b.voted.heads, b.did_not_vote.heads, b.not_present.heads) == (58, 2, 25)
    assert b.voted.constituents is None
    assert b.present.constituents == sum(m.represents for m in soldiers + workers[:20])
    assert b.not_present.constituents == sum(m.represents for m in workers[20:])


runner = CliRunner()


def ok(app: typer.Typer, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.usefixtures("use_database")
def test_analyze_from_the_command_line() -> None:
    ok(main_app, "init", "--example", ORG)
    body = json.loads(ok(analyze.app, "body", ORG, "plenary", "--json"))
    assert body["disparity"]["favoured"] == "company"
    assert body["disparity"]["ratio"] > 5
    text = " ".join(ok(analyze.app, "body", ORG, "plenary").split())
    assert "Loosemore–Hanby 32.4%" in text
    assert "one of the soldiers (Company) weighs 5.16 times that of one of the workers" in text

    members = json.loads(ok(main_app, "org", "members", ORG, "plenary", "--json"))
    soldiers = [str(m["mandate"]) for m in members if "Company" in (m["constituency"] or "")]
    workers = [str(m["mandate"]) for m in members if "Company" not in (m["constituency"] or "")]
    out = ok(main_app, "sitting", "schedule", ORG, "plenary", "--title", "Plenary")
    sitting = out.split()[1].rstrip(":")
    ok(main_app, "sitting", "open", ORG, sitting)
    ok(main_app, "sitting", "check-in", ORG, sitting, *soldiers, *workers)
    out = ok(
        main_app, "poll", "open", ORG, sitting, "--question", "Adjourn?", "--method", "roll-call"
    )
    poll = out.split()[1]
    for mandate in soldiers + workers[:5]:
        ok(main_app, "poll", "cast", ORG, poll, mandate, "yes")
    for mandate in workers[5:]:
        ok(main_app, "poll", "cast", ORG, poll, mandate, "no")
    ok(main_app, "poll", "close", ORG, poll)

    data = json.loads(ok(analyze.app, "poll", ORG, poll, "--json"))
    assert data["options"]["yes"]["heads"] == 45
    assert data["by_heads"]["verdict"] == "carried"
    assert data["by_constituents"]["verdict"] == "lost"
    assert data["differs"] is True
    text = " ".join(ok(analyze.app, "poll", ORG, poll).split())
    assert "the outcome would differ if weighted by constituents" in text

    refused = runner.invoke(analyze.app, ["poll", ORG, "999"])
    assert refused.exit_code == 2
    assert "no poll 999" in refused.stderr
