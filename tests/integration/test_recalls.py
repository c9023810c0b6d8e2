"""A plant recalls its deputy: petition on the roll, recall ballot, alternate or by-election."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tauride.cli import recalls as recalls_cli
from tauride.cli.main import app
from tauride.db.engine import build_engine, session_factory, transaction
from tauride.db.models import (
    Constituency,
    JournalRecord,
    Mandate,
    MandateStatus,
    Organization,
    Person,
)
from tauride.db.petitions import RecallSignature
from tauride.domain.errors import Conflict, InvalidInput, TaurideError
from tauride.domain.recalls import NotOnRoll
from tauride.queries.journal import journal_entries
from tauride.queries.organizations import body_members
from tauride.services import constituencies, recalls
from tauride.services.examples import example_path, load_folder
from tauride.services.mandates import electing_units, seated_mandates
from tauride.services.organizations import get_organization

# The `race` fixture of tests/conftest.py: acts started together on threads.
Race = Callable[[list[Callable[[], None]]], list[TaurideError]]

runner = CliRunner()
ORG = "st-petersburg-1905"
PLANT = "Vasilievsky Island Electrical Works"  # 530 workers, one deputy: 265 signatures recall
GROUPED = ("Neva Embankment Cooperage", "Rybatskoe Nail Workshop")  # 310 + 240 elect together

recall_app = typer.Typer()
recall_app.add_typer(recalls_cli.app, name="recall")


def ok(*args: str, cli: typer.Typer = app) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def refused(*args: str, cli: typer.Typer = recall_app) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 2, result.stdout
    return result.stderr


def roll_csv(unit: str, prefix: str, count: int) -> str:
    """A roll whose every name and number is easy to look for in the journal."""
    lines = [
        f"{unit},{prefix}-{i:04d},Worker {prefix} Petrovna {i:04d}" for i in range(1, count + 1)
    ]
    return "constituency,roll_number,name\n" + "\n".join(lines) + "\n"


def plenary(slug: str = ORG) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    members = json.loads(ok("org", "members", slug, "plenary", "--json"))
    summary = json.loads(ok("org", "show", slug, "--json"))
    body = next(b for b in summary["bodies"] if b["key"] == "plenary")
    return members, body


def _check_journal_keeps_signers_out(tmp_path: Path, recall: int) -> None:
    """The carried recall's entries, in order; signatures as counts and commitments only."""
    entries = [json.loads(line) for line in ok("journal", "export", ORG).splitlines()]
    kinds = [e["kind"] for e in entries]
    assert kinds[-4:] == [
        "recall.decided",
        "mandate.ended",
        "recall.by_election_needed",
        "bodies.recomposed",
    ]
    assert entries[-2]["payload"] == {
        "recall": recall,
        "constituency": PLANT,
        "seats": 1,
        "vacant": 1,
    }
    assert entries[-4]["payload"]["carried"] is True
    signed = [e["payload"] for e in entries if e["kind"] == "recall.signed"]
    assert [p["count"] for p in signed] == list(range(1, 266))
    assert len({p["commitment"] for p in signed}) == 265
    assert all(set(p) == {"recall", "count", "commitment"} for p in signed)
    exported = "\n".join(json.dumps(e, ensure_ascii=False) for e in entries)
    assert "VIEW-" not in exported
    assert "Petrovna" not in exported
    journal_file = tmp_path / "journal.jsonl"
    journal_file.write_text(exported + "\n", encoding="utf-8")
    ok("journal", "verify", str(journal_file))


@pytest.mark.usefixtures("use_database")
def test_plant_recalls_its_deputy_and_elects_another(tmp_path: Path) -> None:
    ok("init", "--example", ORG)
    roll = tmp_path / "roll.csv"
    roll.write_text(roll_csv(PLANT, "VIEW", 300), encoding="utf-8")
    ok("roll", "import", ORG, str(roll))
    members, body = plenary()
    deputy = next(m for m in members if m["constituency"] == PLANT)
    state = json.loads(ok("recall", "open", ORG, str(deputy["mandate"]), "--json", cli=recall_app))
    assert (state["needed"], state["threshold"], state["size"]) == (265, "1/2", 530)
    recall = str(state["recall"])
    assert "already faces recall" in refused("recall", "open", ORG, str(deputy["mandate"]))

    numbers = [f"VIEW-{i:04d}" for i in range(1, 265)]
    out = ok("recall", "sign", ORG, recall, *numbers, cli=recall_app)
    assert "264 of 265 signatures" in out
    assert "not on the roll" in refused("recall", "sign", ORG, recall, "VIEW-9999")
    assert "already signed" in refused("recall", "sign", ORG, recall, "VIEW-0007")
    # A batch with one refused signature records none of it.
    assert "no signature recorded" in refused("recall", "sign", ORG, recall, "VIEW-0265", "X-1")
    assert "is open" in refused("recall", "ballot", ORG, recall, "--yes", "1", "--no", "0")
    out = ok("recall", "sign", ORG, recall, "VIEW-0265", cli=recall_app)
    assert "265 of 265" in out
    assert "threshold reached" in out
    assert "takes no more signatures" in refused("recall", "sign", ORG, recall, "VIEW-0266")
    shown_text = ok("recall", "show", ORG, recall, cli=recall_app)
    assert "state: ballot" in shown_text
    assert "265 of 265 needed (1/2 of 530); 300 on the roll" in shown_text
    assert "530 constituents" in refused(
        "recall", "ballot", ORG, recall, "--yes", "400", "--no", "131"
    )

    ballot = ("--yes", "301", "--no", "112", "--abstain", "9")
    out = ok("recall", "ballot", ORG, recall, *ballot, cli=recall_app)
    assert "carried" in out
    shown = json.loads(ok("recall", "show", ORG, recall, "--json", cli=recall_app))
    assert shown["state"] == "carried"
    assert shown["mandate_status"] == "recalled"
    assert shown["ballot"] == {"yes": 301, "no": 112, "abstain": 9}
    after, after_body = plenary()
    assert deputy["mandate"] not in {m["mandate"] for m in after}
    # One third of the voting deputies make a quorum: 88 seats need 30, 87 need 29.
    assert (body["voting"], body["quorum_count"]) == (88, 30)
    assert (after_body["voting"], after_body["quorum_count"]) == (87, 29)

    _check_journal_keeps_signers_out(tmp_path, int(recall))

    out = ok(
        "constituencies", "elect", ORG, PLANT, "--counts", "Anna Ivanova=288;Pyotr Semyonov=130"
    )
    assert "elected Anna Ivanova" in out
    final, final_body = plenary()
    assert any(m["person"] == "Anna Ivanova" and m["constituency"] == PLANT for m in final)
    assert (final_body["voting"], final_body["quorum_count"]) == (88, 30)


def _roll(session: Session, org: Organization, *rolls: tuple[str, str, int]) -> None:
    text = "".join(roll_csv(*r).split("\n", 1)[1] for r in rolls)
    constituencies.import_roll(
        session, org, "constituency,roll_number,name\n" + text, source="roll.csv", actor="t"
    )


def _deputy(session: Session, org: Organization, unit: str) -> tuple[Constituency, Mandate]:
    constituency = electing_units(session, org.id)[unit]
    return constituency, seated_mandates(session, constituency.id)[0]


@pytest.fixture
def org(session: Session) -> Organization:
    return load_folder(session, example_path(ORG), actor="test")


def test_alternate_steps_in_for_a_group_that_recalls_its_deputy(
    session: Session, org: Organization
) -> None:
    first, second = GROUPED
    # Each unit numbers its own roll: "N-0001" is a different worker in each.
    _roll(session, org, (first, "N", 200), (second, "N", 200))
    group, deputy = _deputy(session, org, first)
    assert group.is_group
    assert group.size == 550
    alternate = Mandate(
        organization_id=org.id,
        person=Person(organization_id=org.id, name="E. K. Alternova"),
        constituency_id=group.id,
        alternate_for_id=deputy.id,
    )
    session.add(alternate)
    session.flush()
    with pytest.raises(Conflict):
        recalls.open_recall(session, org, alternate.id, actor="t")
    recall = recalls.open_recall(session, org, deputy.id, actor="t")
    with pytest.raises(InvalidInput, match="name the signer's unit"):
        recalls.sign(session, org, recall.id, "N-0001", actor="t")
    with pytest.raises(NotOnRoll):
        recalls.sign(session, org, recall.id, "N-0001", constituency=PLANT, actor="t")
    for i in range(1, 139):
        recalls.sign(session, org, recall.id, f"N-{i:04d}", constituency=first, actor="t")
    for i in range(1, 138):
        count = recalls.sign(session, org, recall.id, f"N-{i:04d}", constituency=second, actor="t")
    assert count == 275
    state = recalls.recall_state(session, recall.id)
    assert (state["state"], state["needed"], state["share"]) == ("ballot", 275, "1/2")
    assert state["units"] == [first, second]

    assert recalls.record_ballot(session, org, recall.id, yes=260, no=200, actor="t")
    assert deputy.status is MandateStatus.RECALLED
    assert alternate.alternate_for_id is None
    assert alternate.represents == 550
    seated = {m.mandate for m in body_members(session, ORG, "plenary")}
    assert alternate.id in seated
    assert deputy.id not in seated
    kinds = session.scalars(
        select(JournalRecord.kind)
        .where(JournalRecord.organization_id == org.id)
        .order_by(JournalRecord.height.desc())
        .limit(4)
    ).all()
    assert list(reversed(kinds)) == [
        "recall.decided",
        "mandate.ended",
        "recall.alternate_seated",
        "bodies.recomposed",
    ]


def test_lost_ballot_leaves_the_deputy_seated(session: Session, org: Organization) -> None:
    _roll(session, org, (PLANT, "V", 280))
    _, deputy = _deputy(session, org, PLANT)
    recall = recalls.open_recall(session, org, deputy.id, actor="t")
    for i in range(1, 266):
        recalls.sign(session, org, recall.id, f"V-{i:04d}", actor="t")
    # More than half of the votes cast: a tie is lost, and a ballot has no casting vote.
    assert not recalls.record_ballot(session, org, recall.id, yes=150, no=150, actor="t")
    state = recalls.recall_state(session, recall.id, org=org)
    assert state["state"] == "failed"
    assert state["ballot"] == {"yes": 150, "no": 150, "abstain": 0}
    assert deputy.status is MandateStatus.ACTIVE
    assert deputy.id in {m.mandate for m in body_members(session, ORG, "plenary")}
    with pytest.raises(Conflict, match="only once"):
        recalls.record_ballot(session, org, recall.id, yes=300, no=0, actor="t")
    last = session.scalars(
        select(JournalRecord)
        .where(JournalRecord.organization_id == org.id)
        .order_by(JournalRecord.height.desc())
        .limit(1)
    ).one()
    assert last.kind == "recall.decided"
    assert last.payload["carried"] is False
    assert last.payload["reason"].startswith("lost on a tie")
    # The constituents may petition again.
    again = recalls.open_recall(session, org, deputy.id, actor="t")
    assert recalls.recall_state(session, again.id)["count"] == 0
    text = "\n".join(json.dumps(e.to_dict()) for e in journal_entries(session, ORG))
    assert "V-0" not in text
    assert "Petrovna" not in text


def test_petition_needs_a_roll_and_a_constituency_seat(session: Session, org: Organization) -> None:
    _, deputy = _deputy(session, org, PLANT)
    with pytest.raises(Conflict, match="no roll"):
        recalls.open_recall(session, org, deputy.id, actor="t")
    party = next(m for m in body_members(session, ORG, "executive") if m.consultative)
    with pytest.raises(Conflict, match="no constituency's seat"):
        recalls.open_recall(session, org, party.mandate, actor="t")
    _roll(session, org, (PLANT, "V", 10))
    recall = recalls.open_recall(session, org, deputy.id, actor="t")
    with pytest.raises(Conflict, match="is open"):
        recalls.record_ballot(session, org, recall.id, yes=1, no=0, actor="t")


def _signing(engine: Engine, recall_id: int, roll_number: str) -> Callable[[], None]:
    def work() -> None:
        with session_factory(engine)() as session, session.begin():
            org = get_organization(session, ORG)
            recalls.sign(session, org, recall_id, roll_number, actor="t")

    return work


def _petition(url: str, presigned: int) -> tuple[Engine, int]:
    engine = build_engine(url, busy_timeout_ms=30_000)
    with transaction(engine) as session:
        org = load_folder(session, example_path(ORG), actor="t")
        _roll(session, org, (PLANT, "V", 300))
        _, deputy = _deputy(session, org, PLANT)
        recall = recalls.open_recall(session, org, deputy.id, actor="t")
        for i in range(1, presigned + 1):
            recalls.sign(session, org, recall.id, f"V-{i:04d}", actor="t")
    return engine, recall.id


def test_concurrent_signatures_by_one_worker_count_once(
    fresh_database_url: str, race: Callable[[list[Callable[[], None]]], list[TaurideError]]
) -> None:
    engine, recall_id = _petition(fresh_database_url, 0)
    try:
        errors = race([_signing(engine, recall_id, "V-0042") for _ in range(6)])
        assert len(errors) == 5
        assert all(e.kind == "double-signature" for e in errors)
        with session_factory(engine)() as session:
            assert session.scalar(select(func.count()).select_from(RecallSignature)) == 1
    finally:
        engine.dispose()


def test_concurrent_signatures_cross_the_threshold_once(
    fresh_database_url: str, race: Callable[[list[Callable[[], None]]], list[TaurideError]]
) -> None:
    engine, recall_id = _petition(fresh_database_url, 260)
    try:
        errors = race([_signing(engine, recall_id, f"V-{i:04d}") for i in range(261, 271)])
        assert len(errors) == 5
        assert all(e.kind == "petition-closed" for e in errors)
        with session_factory(engine)() as session:
            state = recalls.recall_state(session, recall_id)
            assert (state["count"], state["state"]) == (265, "ballot")
            kinds = session.scalars(select(JournalRecord.kind)).all()
            assert kinds.count("recall.threshold_reached") == 1
            counts = [
                p["count"]
                for p in session.scalars(
                    select(JournalRecord.payload)
                    .where(JournalRecord.kind == "recall.signed")
                    .order_by(JournalRecord.height)
                )
            ]
            assert counts == list(range(1, 266))
    finally:
        engine.dispose()
