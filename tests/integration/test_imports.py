"""Importing constituencies, rolls and delegates: all lines or none, every error named."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import (
    BodyMembership,
    Constituency,
    Constituent,
    JournalRecord,
    Mandate,
    MandateStatus,
    Organization,
)
from tauride.domain.errors import Conflict, InvalidInput
from tauride.queries.organizations import body_members
from tauride.services import bodies, constituencies, mandates, organizations

CONSTITUTION = """
[organization]
slug = "works-council"
name = "Works Council of the Neva Yards"

[factions]
left = { name = "Left" }
right = { name = "Right" }

[constituency_kinds.shop]
name = "Shop"
unit = "workers"

[representation.shop]
rule = "ratio"
ratio = 100
minimum = 1
group_below = true

[bodies.council]
name = "Council"
kind = "plenary"
from_kinds = ["shop"]

[bodies.presidium]
name = "Presidium"
kind = "executive"
elected_by = "council"
seats = 2
method = "plurality"
ex_officio = ["chair"]
consultative = [{ faction = "right", seats = 1 }]

[offices.chair]
name = "Chair"
elected_by = "council"
"""

SHOPS = (
    "name,kind,size,group\n"
    "Foundry,shop,250,\nRolling mill,shop,130,\nPattern shop,shop,40,A\nStores,shop,30,A\n"
)


@pytest.fixture
def org(session: Session) -> Organization:
    org = organizations.found_organization(session, CONSTITUTION, source="c.toml", actor="test")
    constituencies.import_constituencies(session, org, SHOPS, source="shops.csv", actor="test")
    constituencies.apportion_seats(session, org, actor="test")
    return org


def _seats(session: Session, org: Organization) -> dict[str, int]:
    rows = session.scalars(
        select(Constituency).where(Constituency.organization_id == org.id, Constituency.seats > 0)
    )
    return {c.name: c.seats for c in rows}


def _journal_height(session: Session, org: Organization) -> int:
    return session.query(JournalRecord).filter_by(organization_id=org.id).count()


def test_ratio_grouping_and_seats(session: Session, org: Organization) -> None:
    assert _seats(session, org) == {"Foundry": 2, "Rolling mill": 1, "Pattern shop + Stores": 1}


def test_roll_keeps_personal_data_out_of_the_journal(session: Session, org: Organization) -> None:
    roll = (
        "constituency,roll_number,name,contact\n"
        "Foundry,F-1,Anna Petrova,anna@example.org\nFoundry,F-2,Ivan Sokolov,\n"
    )
    assert constituencies.import_roll(session, org, roll, source="roll.csv", actor="test") == 2
    entry = session.scalars(
        select(JournalRecord).where(
            JournalRecord.organization_id == org.id, JournalRecord.kind == "roll.imported"
        )
    ).one()
    text = json.dumps(entry.payload)
    assert "Anna" not in text
    assert "anna@example.org" not in text
    assert entry.payload["by_constituency"] == {"Foundry": 2}
    assert len(entry.payload["commitment"]) == 64


def test_roll_with_bad_lines_writes_nothing(session: Session, org: Organization) -> None:
    height = _journal_height(session, org)
    roll = (
        "constituency,roll_number,name\n"
        "Foundry,F-1,Anna\nFoundry,F-1,Boris\nDocks,D-1,Vera\nFoundry,,Galina\n"
    )
    with pytest.raises(InvalidInput) as caught:
        constituencies.import_roll(session, org, roll, source="roll.csv", actor="test")
    assert caught.value.problems == [
        "roll.csv:3: roll_number: duplicate of line 2 ('F-1')",
        "roll.csv:4: constituency: no constituency 'Docks'",
        "roll.csv:5: roll_number: must not be empty",
    ]
    assert session.query(Constituent).count() == 0
    assert _journal_height(session, org) == height


@pytest.mark.parametrize(
    ("csv", "problem"),
    [
        ("name,kind\nX,shop\n", "shops.csv:1: missing column(s) size"),
        ("name,kind,size,colour\nX,shop,1,red\n", "shops.csv:1: unknown column(s) colour"),
        ("", "shops.csv: the file is empty (expected a header line)"),
        ("name,kind,size\n", "shops.csv: no data lines after the header"),
        ("name,kind,size\nX,shop,1,extra\n", "shops.csv:2: expected 3 fields, found 4"),
        ("name,kind,size\nFoundry,shop,10\n", "shops.csv:2: name: 'Foundry' already exists"),
        ("name,kind,size\n,shop,10\n", "shops.csv:2: name: must not be empty"),
    ],
)
def test_constituency_file_problems(
    session: Session, org: Organization, csv: str, problem: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        constituencies.import_constituencies(session, org, csv, source="shops.csv", actor="test")
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_delegates_fill_seats_and_groups_are_named_by_a_member(
    session: Session, org: Organization
) -> None:
    csv = (
        "name,constituency,faction,alternate_for\n"
        "A. Orlov,Foundry,left,\nB. Lebedev,Foundry,right,\nC. Zaitseva,Rolling mill,left,\n"
        "D. Morozov,Stores,,\nE. Volkova,Foundry,left,A. Orlov\n"
    )
    created = mandates.import_delegates(session, org, csv, source="d.csv", actor="test")
    assert len(created) == 5
    bodies.recompose(session, org, actor="test")
    council = {m.person: m for m in body_members(session, org.slug, "council")}
    assert set(council) == {"A. Orlov", "B. Lebedev", "C. Zaitseva", "D. Morozov"}
    assert council["D. Morozov"].constituency == "Pattern shop + Stores"
    assert council["A. Orlov"].represents + council["B. Lebedev"].represents == 250
    alternate = session.scalars(select(Mandate).where(Mandate.alternate_for_id.is_not(None))).one()
    assert alternate.person.name == "E. Volkova"


def test_too_many_delegates_unknown_names_are_all_reported(
    session: Session, org: Organization
) -> None:
    csv = (
        "name,constituency,faction,alternate_for,term_start\n"
        "A,Rolling mill,left,,\nB,Rolling mill,left,,\nC,Docks,left,,\nD,Foundry,centre,,\n"
        "A,Foundry,left,,\nE,Foundry,left,Nobody,\nF,Foundry,left,,May Day\n"
    )
    with pytest.raises(InvalidInput) as caught:
        mandates.import_delegates(session, org, csv, source="d.csv", actor="test")
    assert caught.value.problems == [
        "d.csv:4: constituency: no constituency 'Docks'",
        "d.csv:5: faction: no faction 'centre'",
        "d.csv:6: name: duplicate of line 2 ('A')",
        "d.csv:3: constituency: 'Rolling mill' has 1 seat(s); this is delegate 2",
        "d.csv:7: alternate_for: no delegate 'Nobody' in this file",
        "d.csv:8: constituency: 'Foundry' has 2 seat(s); this is delegate 3",
        "d.csv:8: term_start: 'May Day' is not a date (YYYY-MM-DD)",
    ]
    assert session.query(Mandate).count() == 0


def test_elected_ex_officio_and_consultative_seats(session: Session, org: Organization) -> None:
    csv = "name,constituency,faction\nA,Foundry,left\nB,Foundry,right\nC,Rolling mill,left\n"
    mandates.import_delegates(session, org, csv, source="d.csv", actor="test")
    bodies.recompose(session, org, actor="test")
    bodies.fill_elected_seats(session, org, "presidium", ["A", "B"], source="vote", actor="test")
    bodies.assign_office(session, org, "chair", "C", actor="test")
    bodies.seat_consultative(session, org, "presidium", "R. Adviser", "right", actor="test")
    bodies.recompose(session, org, actor="test")
    presidium = {m.person: m for m in body_members(session, org.slug, "presidium")}
    assert {p: m.basis for p, m in presidium.items()} == {
        "A": "elected",
        "B": "elected",
        "C": "ex-officio",
        "R. Adviser": "consultative",
    }
    assert presidium["R. Adviser"].consultative
    with pytest.raises(InvalidInput, match="has 2 elected seats"):
        bodies.fill_elected_seats(session, org, "presidium", ["C"], source="vote", actor="test")
    with pytest.raises(Conflict, match="are filled"):
        bodies.seat_consultative(session, org, "presidium", "Another", "right", actor="test")
    with pytest.raises(InvalidInput, match="no consultative seats for 'left'"):
        bodies.seat_consultative(session, org, "presidium", "Another", "left", actor="test")
    with pytest.raises(Conflict, match="held already"):
        bodies.assign_office(session, org, "chair", "A", actor="test")
    with pytest.raises(InvalidInput, match="not a voting member of 'council'"):
        bodies.assign_office(session, org, "chair", "R. Adviser", actor="test")


def test_ended_mandate_leaves_bodies_and_history_remains(
    session: Session, org: Organization
) -> None:
    csv = "name,constituency,faction\nA,Foundry,left\nB,Foundry,right\nC,Rolling mill,left\n"
    created = mandates.import_delegates(session, org, csv, source="d.csv", actor="test")
    bodies.recompose(session, org, actor="test")
    bodies.fill_elected_seats(session, org, "presidium", ["A"], source="vote", actor="test")
    a = created[0]
    mandates.end_mandate(
        session, org, a.id, status=MandateStatus.RECALLED, reason="petition", actor="test"
    )
    changes = bodies.recompose(session, org, actor="test")
    assert changes == {"council": (0, 1), "presidium": (0, 1)}
    history = session.scalars(select(BodyMembership).where(BodyMembership.mandate_id == a.id)).all()
    assert len(history) == 2
    assert all(m.ended_at is not None for m in history)
    b = created[1]
    assert b.represents == 250  # the remaining Foundry delegate stands for all of it
    with pytest.raises(Conflict, match="already ended"):
        mandates.end_mandate(
            session, org, a.id, status=MandateStatus.RESIGNED, reason="", actor="test"
        )
