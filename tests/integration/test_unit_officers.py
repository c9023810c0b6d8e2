"""Officers elected by a unit: a Petrograd company elects its commander and recalls him by
its own ballot, decided by the constitution's recall ballot rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tauride.cli.main import app
from tauride.db.models import JournalRecord, OfficeTerm, Organization
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.offices import OfficeHeld
from tauride.services import offices, organizations, unit_officers
from tauride.services.examples import example_path, load_folder

ORG = "petrograd-1917"
OFFICE = "company-commander"
COMPANY = "Volynsky Regiment, 1st Company"  # 270 soldiers
OTHER_COMPANY = "Volynsky Regiment, 2nd Company"
FACTORY = "Narva Gate Locomotive Works"
COMMANDER = "Lt. I. P. Kirpichnikov"
SUCCESSOR = "Sgt. T. I. Markin"

AMENDMENT = """
# Every company elects its commander and may recall him.
[offices.company-commander]
name = "Company commander"
elected_by = "company"
"""


def amended_text() -> str:
    return (example_path(ORG) / "constitution.toml").read_text() + AMENDMENT


@pytest.fixture
def org(session: Session) -> Organization:
    org = load_folder(session, example_path(ORG), actor="test")
    organizations.amend_constitution(
        session, ORG, amended_text(), source="amendment", actor="test", note="officers"
    )
    return org


def _entries(session: Session, kind: str) -> list[dict[str, Any]]:
    return list(
        session.scalars(
            select(JournalRecord.payload)
            .where(JournalRecord.kind == kind)
            .order_by(JournalRecord.height)
        )
    )


def _commanders(session: Session, org: Organization) -> list[tuple[str, str | None]]:
    (row,) = [r for r in offices.offices(session, org) if r["office"] == OFFICE]
    assert row["elected_by"] == "company"
    assert row["by_units"] is True
    return [(t["person"], t["unit"]) for t in row["terms"]]


def test_a_company_elects_its_commander_and_recalls_him(
    session: Session, org: Organization
) -> None:
    term = unit_officers.elect_unit_officer(
        session, org, OFFICE, COMPANY, COMMANDER, source="company meeting", actor="t"
    )
    assert term.mandate_id is None
    assert _commanders(session, org) == [(COMMANDER, COMPANY)]
    [elected] = _entries(session, "office.unit_elected")
    assert elected == {
        "office": OFFICE,
        "term": term.id,
        "person": COMMANDER,
        "unit": COMPANY,
        "source": "company meeting",
    }

    carried = unit_officers.recall_unit_officer(
        session, org, term.id, yes=150, no=100, abstain=20, actor="t"
    )
    assert carried is True
    assert session.get_one(OfficeTerm, term.id).ended_at is not None
    assert _commanders(session, org) == []
    [recalled] = _entries(session, "office.recalled")
    assert recalled["person"] == COMMANDER
    assert recalled["unit"] == COMPANY
    assert (recalled["yes"], recalled["no"], recalled["abstain"]) == (150, 100, 20)
    assert (recalled["members"], recalled["required"], recalled["carried"]) == (270, 126, True)
    with pytest.raises(Conflict, match="has ended"):
        unit_officers.recall_unit_officer(session, org, term.id, yes=200, no=0, actor="t")

    # The office is vacant: the company elects again, and the same man may stand.
    again = unit_officers.elect_unit_officer(session, org, OFFICE, COMPANY, SUCCESSOR, actor="t")
    assert _commanders(session, org) == [(SUCCESSOR, COMPANY)]
    history = offices.offices(session, org, history=True)
    (row,) = [r for r in history if r["office"] == OFFICE]
    assert [t["term"] for t in row["terms"]] == [term.id, again.id]


def test_a_lost_recall_changes_nothing_but_is_journaled(
    session: Session, org: Organization
) -> None:
    term = unit_officers.elect_unit_officer(session, org, OFFICE, COMPANY, COMMANDER, actor="t")
    # A tie keeps the officer: more than half of the votes cast is needed.
    assert not unit_officers.recall_unit_officer(
        session, org, term.id, yes=100, no=100, abstain=70, actor="t"
    )
    assert session.get_one(OfficeTerm, term.id).ended_at is None
    assert _commanders(session, org) == [(COMMANDER, COMPANY)]
    assert _entries(session, "office.recalled") == []
    [lost] = _entries(session, "office.recall_lost")
    assert (lost["person"], lost["unit"], lost["carried"]) == (COMMANDER, COMPANY, False)
    assert (lost["yes"], lost["no"], lost["abstain"]) == (100, 100, 70)


def test_each_unit_has_its_own_places(session: Session, org: Organization) -> None:
    unit_officers.elect_unit_officer(session, org, OFFICE, COMPANY, COMMANDER, actor="t")
    unit_officers.elect_unit_officer(session, org, OFFICE, OTHER_COMPANY, COMMANDER, actor="t")
    assert sorted(_commanders(session, org)) == [
        (COMMANDER, COMPANY),
        (COMMANDER, OTHER_COMPANY),
    ]


def test_bad_elections_and_ballots_are_refused(session: Session, org: Organization) -> None:
    elect = unit_officers.elect_unit_officer
    with pytest.raises(NotFound, match="no office 'tsar'"):
        elect(session, org, "tsar", COMPANY, COMMANDER, actor="t")
    with pytest.raises(NotFound, match="no constituency 'Winter Palace'"):
        elect(session, org, OFFICE, "Winter Palace", COMMANDER, actor="t")
    with pytest.raises(InvalidInput, match=f"'{FACTORY}' is a 'factory'"):
        elect(session, org, OFFICE, FACTORY, COMMANDER, actor="t")
    with pytest.raises(InvalidInput, match="elected by the body 'plenary'"):
        elect(session, org, "chair", COMPANY, COMMANDER, actor="t")
    with pytest.raises(InvalidInput, match="officer's name"):
        elect(session, org, OFFICE, COMPANY, "  ", actor="t")
    term = elect(session, org, OFFICE, COMPANY, COMMANDER, actor="t")
    with pytest.raises(OfficeHeld, match="held already"):
        elect(session, org, OFFICE, COMPANY, SUCCESSOR, actor="t")
    with pytest.raises(OfficeHeld, match="already"):
        elect(session, org, OFFICE, COMPANY, COMMANDER, actor="t")
    with pytest.raises(InvalidInput, match=r"271 took part, but .* has 270 constituents"):
        unit_officers.recall_unit_officer(
            session, org, term.id, yes=200, no=50, abstain=21, actor="t"
        )
    with pytest.raises(InvalidInput):
        unit_officers.recall_unit_officer(session, org, term.id, yes=-1, no=5, actor="t")
    with pytest.raises(NotFound, match="no office term 9999"):
        unit_officers.recall_unit_officer(session, org, 9999, yes=1, no=0, actor="t")
    # A body's officer is recalled by the body's motion, not by a unit's ballot.
    chair = session.scalars(select(OfficeTerm).where(OfficeTerm.office_key == "chair")).one()
    with pytest.raises(InvalidInput, match="held through a mandate"):
        unit_officers.recall_unit_officer(session, org, chair.id, yes=1, no=0, actor="t")
    # Nor is a unit's office given to a body's member.
    with pytest.raises(InvalidInput, match="elected by each 'company' unit"):
        offices.fill_office(session, org, OFFICE, 1, actor="t")
    assert session.get_one(OfficeTerm, term.id).ended_at is None
    assert len(_entries(session, "office.unit_elected")) == 1


runner = CliRunner()


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.usefixtures("use_database")
def test_electing_and_recalling_a_unit_officer_from_the_terminal(tmp_path: Path) -> None:
    ok("init", "--example", ORG)
    amended = tmp_path / "constitution.toml"
    amended.write_text(amended_text())
    ok("constitution", "amend", ORG, str(amended), "--note", "company officers")
    out = ok("office", "elect-unit", ORG, OFFICE, COMPANY, COMMANDER, "--source", "meeting")
    term = out.split("(term ")[1].rstrip(")\n")
    assert out.startswith(f"{OFFICE}: {COMMANDER} holds the office for {COMPANY}")
    listed = ok("office", "list", ORG)
    assert "Company commander (elected by each company, 1 place)" in listed
    assert f"{COMMANDER} for {COMPANY}, term {term}" in listed
    rows = json.loads(ok("office", "list", ORG, "--json"))
    (row,) = [r for r in rows if r["office"] == OFFICE]
    assert [(t["person"], t["unit"], t["mandate"]) for t in row["terms"]] == [
        (COMMANDER, COMPANY, None)
    ]
    full = runner.invoke(app, ["office", "elect-unit", ORG, OFFICE, COMPANY, SUCCESSOR])
    assert full.exit_code == 2
    assert "held already" in full.stderr
    assert "Traceback" not in full.stderr
    too_many = runner.invoke(app, ["office", "recall-unit", ORG, term, "--yes", "300", "--no", "0"])
    assert too_many.exit_code == 2
    assert "has 270 constituents" in too_many.stderr
    lost = ok("office", "recall-unit", ORG, term, "--yes", "10", "--no", "200")
    assert "lost" in lost
    carried = ok("office", "recall-unit", ORG, term, "--yes", "200", "--no", "50", "--abstain", "5")
    assert "carried" in carried
    assert f"{OFFICE}: Company commander" in ok("office", "list", ORG)
    assert "vacant" in ok("office", "list", ORG)
    out = ok("office", "elect-unit", ORG, OFFICE, COMPANY, SUCCESSOR)
    assert SUCCESSOR in out
