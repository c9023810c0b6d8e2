"""A constituency votes its roll with one-time codes: electing delegates, deciding a recall."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tauride.cli.main import app
from tauride.db.models import (
    Constituency,
    JournalRecord,
    Mandate,
    MandateStatus,
    Organization,
    Person,
)
from tauride.db.roll_votes import CodeIssue, RollBallot, RollVote, VotingCode
from tauride.domain.errors import Conflict, InvalidInput
from tauride.domain.journal import export_line, verify_export
from tauride.domain.merkle import verify_inclusion
from tauride.domain.polls import BadChoice
from tauride.domain.roll_votes import (
    CodeOfAnotherVote,
    CodesIssued,
    CodeUsed,
    MalformedCode,
    UnknownCode,
    VoteClosed,
    code_hash,
    new_code,
    normalize_code,
)
from tauride.queries.journal import journal_entries
from tauride.queries.organizations import body_members
from tauride.services import constituencies, delegate_elections, mandates, recalls
from tauride.services.examples import example_path, load_folder
from tauride.services.mandates import electing_units, seated_mandates
from tauride.services.roll_vote_counts import close_vote, inclusion_proof
from tauride.services.roll_votes import (
    cast_with_code,
    issue_codes,
    open_election_vote,
    open_recall_vote,
    vote_state,
)

runner = CliRunner()
ORG = "st-petersburg-1905"
PLANT = "Vasilievsky Island Electrical Works"  # 530 workers, one deputy: 265 signatures recall
BRICKS = "Moscow Gate Brick Works"  # 1,030 workers, two deputies
WIRE = "Lesnoy Wire Works"  # 760 workers, one deputy
CANDIDATES = ["Anna Ivanova", "Pyotr Semyonov", "Vera Orlova"]
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def roll_csv(unit: str, prefix: str, count: int) -> str:
    """A roll whose every name and number is easy to look for in the journal."""
    lines = [
        f"{unit},{prefix}-{i:04d},Worker {prefix} Petrovna {i:04d}" for i in range(1, count + 1)
    ]
    return "constituency,roll_number,name\n" + "\n".join(lines) + "\n"


def _roll(session: Session, org: Organization, unit: str, prefix: str, count: int) -> None:
    text = roll_csv(unit, prefix, count)
    constituencies.import_roll(session, org, text, source="roll.csv", actor="t")


def _vacate(session: Session, org: Organization, unit: str) -> Constituency:
    constituency = electing_units(session, org.id)[unit]
    for mandate in seated_mandates(session, constituency.id):
        mandates.end_mandate(
            session, org, mandate.id, status=MandateStatus.EXPIRED, reason="term", actor="t"
        )
    return constituency


def _journal_text(session: Session) -> str:
    return "".join(export_line(e) for e in journal_entries(session, ORG))


def _check_journal(session: Session, codes: list[str]) -> str:
    """The chain verifies and names no constituent, roll number or code."""
    text = _journal_text(session)
    assert verify_export(text.splitlines()).ok
    assert "Petrovna" not in text
    assert not re.search(r"\b[A-Z]-\d{4}\b", text)
    for code in codes:
        assert code not in text
        assert normalize_code(code) not in text
    return text


def _last(session: Session, org: Organization, kind: str) -> dict[str, Any]:
    payload = session.scalars(
        select(JournalRecord.payload)
        .where(JournalRecord.organization_id == org.id, JournalRecord.kind == kind)
        .order_by(JournalRecord.height.desc())
        .limit(1)
    ).one()
    assert isinstance(payload, dict)
    return payload


@pytest.fixture
def org(session: Session) -> Organization:
    return load_folder(session, example_path(ORG), actor="test")


def test_election_vote_opens_on_vacant_seats_by_an_allowed_method(
    session: Session, org: Organization
) -> None:
    with pytest.raises(Conflict, match="no vacant seat"):
        open_election_vote(session, org, BRICKS, candidates=CANDIDATES, actor="t")
    _vacate(session, org, BRICKS)
    with pytest.raises(Conflict, match="no roll"):
        open_election_vote(session, org, BRICKS, candidates=CANDIDATES, actor="t")
    _roll(session, org, BRICKS, "M", 3)
    with pytest.raises(InvalidInput, match="not allowed by the constitution"):
        open_election_vote(session, org, BRICKS, candidates=CANDIDATES, method="irv", actor="t")
    with pytest.raises(InvalidInput, match="1 candidate"):
        open_election_vote(session, org, BRICKS, candidates=["Anna Ivanova"], actor="t")
    with pytest.raises(InvalidInput, match="differ"):
        open_election_vote(session, org, BRICKS, candidates=["A", " A", "B"], actor="t")
    vote = open_election_vote(session, org, BRICKS, candidates=CANDIDATES, actor="t")
    assert (vote.seats, vote.method, vote.options) == (2, "plurality", CANDIDATES)
    with pytest.raises(Conflict, match="electing by roll vote"):
        open_election_vote(session, org, BRICKS, candidates=CANDIDATES, actor="t")
    with pytest.raises(Conflict, match="electing by roll vote"):
        delegate_elections.elect_by_counts(session, org, BRICKS, {"A": 3, "B": 2}, actor="t")
    opened = _last(session, org, "vote.opened")
    assert opened == {
        "vote": vote.id,
        "kind": "election",
        "constituency": BRICKS,
        "seats": 2,
        "method": "plurality",
        "candidates": CANDIDATES,
    }


def test_election_by_codes_seats_the_winners(session: Session, org: Organization) -> None:
    _roll(session, org, BRICKS, "M", 12)
    unit = _vacate(session, org, BRICKS)
    vote = open_election_vote(session, org, BRICKS, candidates=CANDIDATES, actor="t")
    sheet = issue_codes(session, org, vote.id, actor="t")
    assert [line.roll_number for line in sheet] == [f"M-{i:04d}" for i in range(1, 13)]
    assert {line.unit for line in sheet} == {BRICKS}
    assert all(CODE.match(line.code) for line in sheet)
    assert len({line.code for line in sheet}) == 12
    with pytest.raises(CodesIssued):
        issue_codes(session, org, vote.id, actor="t")
    issued = _last(session, org, "vote.codes_issued")
    assert (issued["issued"], issued["by_unit"]) == (12, {BRICKS: 12})

    codes = [line.code for line in sheet]
    ballots: list[dict[str, Any]] = [
        *({"ranking": ["Anna Ivanova", "Vera Orlova"]} for _ in range(5)),
        *({"ranking": ["Pyotr Semyonov", "Anna Ivanova"]} for _ in range(3)),
        *({"choice": "Vera Orlova"} for _ in range(2)),
        {"ranking": []},  # blank
    ]
    receipts = [
        cast_with_code(session, org, vote.id, code, **ballot)
        for code, ballot in zip(codes, ballots, strict=False)
    ]
    shown = vote_state(session, org, vote.id)
    assert (shown["state"], shown["codes_issued"], shown["codes_used"]) == ("open", 12, 11)
    assert shown["result"] is None
    with pytest.raises(Conflict, match="not sealed yet"):
        inclusion_proof(session, org, vote.id, receipts[0])

    state = close_vote(session, org, vote.id, actor="t")
    assert state["state"] == "closed"
    assert state["ballots"] == 11
    assert state["result"]["counts"] == {
        "Anna Ivanova": 5,
        "Pyotr Semyonov": 3,
        "Vera Orlova": 2,
        "": 1,
    }
    # Block vote, two seats: Anna 5 + 3, Vera 5 + 2, Pyotr 3.
    assert sorted(state["result"]["elected"]) == ["Anna Ivanova", "Vera Orlova"]
    seated = seated_mandates(session, unit.id)
    assert sorted(m.person.name for m in seated) == ["Anna Ivanova", "Vera Orlova"]
    plenary = {m.mandate: m for m in body_members(session, ORG, "plenary")}
    assert all(m.id in plenary and plenary[m.id].constituency == BRICKS for m in seated)

    closed = _last(session, org, "vote.closed")
    assert closed["turnout"] == {"used": 11, "issued": 12, "share": "11/12"}
    assert closed["merkle_root"] == state["merkle_root"]
    assert closed["codes"] == issued["codes"]  # no code slipped in after the issue
    elected = _last(session, org, "constituency.elected")
    assert elected["evidence"]["vote"] == vote.id
    assert elected["evidence"]["merkle_root"] == state["merkle_root"]
    _check_journal(session, codes)

    for receipt, ballot in zip(receipts, ballots, strict=True):
        proof = inclusion_proof(session, org, vote.id, receipt.upper())
        assert proof["ranking"] == ballot.get("ranking", [ballot.get("choice")])
        assert _proved(proof, closed["merkle_root"])
    with pytest.raises(VoteClosed):
        cast_with_code(session, org, vote.id, codes[-1], choice="Anna Ivanova")
    with pytest.raises(VoteClosed):
        close_vote(session, org, vote.id, actor="t")


def test_codes_are_one_time_and_bound_to_their_vote(session: Session, org: Organization) -> None:
    _roll(session, org, BRICKS, "M", 4)
    _roll(session, org, WIRE, "W", 3)
    _vacate(session, org, BRICKS)
    _vacate(session, org, WIRE)
    vote = open_election_vote(session, org, BRICKS, candidates=CANDIDATES, actor="t")
    other = open_election_vote(session, org, WIRE, candidates=CANDIDATES[:2], actor="t")
    with pytest.raises(UnknownCode):  # nothing issued yet
        cast_with_code(session, org, vote.id, new_code(), choice="Vera Orlova")
    codes = [line.code for line in issue_codes(session, org, vote.id, actor="t")]
    others = [line.code for line in issue_codes(session, org, other.id, actor="t")]

    receipt = cast_with_code(session, org, vote.id, codes[0], choice="Vera Orlova")
    assert re.fullmatch(r"[0-9a-f]{32}", receipt)
    typed = codes[0].lower().replace("-", " ").replace("0", "o").replace("1", "l")
    with pytest.raises(CodeUsed, match="already used"):
        cast_with_code(session, org, vote.id, typed, choice="Anna Ivanova")
    with pytest.raises(UnknownCode):
        cast_with_code(session, org, vote.id, new_code(), choice="Anna Ivanova")
    with pytest.raises(MalformedCode):
        cast_with_code(session, org, vote.id, "ABCD-EFGH", choice="Anna Ivanova")
    with pytest.raises(MalformedCode):
        cast_with_code(session, org, vote.id, "ABCD-EFGH-JKMN-PQRU", choice="Anna Ivanova")
    with pytest.raises(CodeOfAnotherVote):
        cast_with_code(session, org, vote.id, others[0], choice="Anna Ivanova")
    with pytest.raises(BadChoice, match="not a candidate"):
        cast_with_code(session, org, vote.id, codes[1], ranking=["Anna Ivanova", "Nobody"])
    with pytest.raises(BadChoice, match="ranked twice"):
        cast_with_code(session, org, vote.id, codes[1], ranking=["Vera Orlova", "Vera Orlova"])
    with pytest.raises(BadChoice, match="either"):
        cast_with_code(session, org, vote.id, codes[1])
    with pytest.raises(BadChoice, match="either"):
        cast_with_code(session, org, vote.id, codes[1], choice="Vera Orlova", ranking=[])
    # Refused ballots used no code: the code of another vote still works there.
    cast_with_code(session, org, other.id, others[0], ranking=["Pyotr Semyonov"])
    cast_with_code(session, org, vote.id, codes[1], choice="  Anna   Ivanova ")
    assert vote_state(session, org, vote.id)["codes_used"] == 2
    assert vote_state(session, org, other.id)["codes_used"] == 1

    state = close_vote(session, org, vote.id, actor="t")
    assert state["result"]["counts"] == {"Anna Ivanova": 1, "Pyotr Semyonov": 0, "Vera Orlova": 1}
    with pytest.raises(VoteClosed):
        cast_with_code(session, org, vote.id, codes[2], choice="Anna Ivanova")
    with pytest.raises(VoteClosed):
        issue_codes(session, org, vote.id, actor="t")
    # Another organization's salt makes a code of this one unknown there.
    assert code_hash(b"x" * 32, normalize_code(codes[2])) != code_hash(
        bytes.fromhex(org.commitment_salt), normalize_code(codes[2])
    )


def test_an_election_nobody_votes_in_elects_no_one(session: Session, org: Organization) -> None:
    _roll(session, org, WIRE, "W", 3)
    unit = _vacate(session, org, WIRE)
    vote = open_election_vote(session, org, WIRE, candidates=CANDIDATES, actor="t")
    issue_codes(session, org, vote.id, actor="t")
    state = close_vote(session, org, vote.id, actor="t")
    assert state["result"] == {"counts": dict.fromkeys(CANDIDATES, 0), "elected": []}
    assert seated_mandates(session, unit.id) == []
    assert _last(session, org, "vote.closed")["elected"] == []
    # The seat is still vacant: the constituency may vote again.
    again = open_election_vote(session, org, WIRE, candidates=CANDIDATES, actor="t")
    assert again.id != vote.id


def test_tables_hold_no_link_between_constituents_codes_and_ballots(
    session: Session, org: Organization
) -> None:
    _roll(session, org, WIRE, "W", 40)
    _vacate(session, org, WIRE)
    vote = open_election_vote(session, org, WIRE, candidates=CANDIDATES, actor="t")
    sheet = issue_codes(session, org, vote.id, actor="t")
    for line in sheet[:20]:
        cast_with_code(session, org, vote.id, line.code, choice="Anna Ivanova")
    close_vote(session, org, vote.id, actor="t")

    columns = inspect(session.connection())
    assert {c["name"] for c in columns.get_columns("roll_ballots")} == {
        "id",
        "roll_vote_id",
        "choice",
        "ranking",
        "receipt",
        "sealed_index",
    }
    assert {c["name"] for c in columns.get_columns("voting_codes")} == {
        "id",
        "roll_vote_id",
        "code_hash",
        "used",
    }
    assert {c["name"] for c in columns.get_columns("code_issues")} == {
        "id",
        "roll_vote_id",
        "constituent_id",
    }
    stored = list(
        session.scalars(
            select(VotingCode.code_hash)
            .where(VotingCode.roll_vote_id == vote.id)
            .order_by(VotingCode.id)
        )
    )
    key = bytes.fromhex(org.commitment_salt)
    on_sheet = [code_hash(key, normalize_code(line.code)) for line in sheet]
    # Only keyed hashes are stored, and not in the order of the sheet (or of the roll).
    assert sorted(stored) == sorted(on_sheet)
    assert stored != on_sheet
    plain = {line.code for line in sheet} | {normalize_code(line.code) for line in sheet}
    plain |= {hashlib.sha256(normalize_code(line.code).encode()).hexdigest() for line in sheet}
    assert not plain & set(stored)
    issues = session.scalars(select(CodeIssue).where(CodeIssue.roll_vote_id == vote.id)).all()
    assert len(issues) == 40
    ballots = session.scalars(select(RollBallot).where(RollBallot.roll_vote_id == vote.id)).all()
    assert len(ballots) == 20
    assert all(re.fullmatch(r"[0-9a-f]{32}", b.id) for b in ballots)
    assert sorted(b.sealed_index for b in ballots) == list(range(20))
    by_receipt = sorted(ballots, key=lambda b: b.receipt)
    assert [b.sealed_index for b in by_receipt] == list(range(20))
    _check_journal(session, [line.code for line in sheet])


def _recall_at_ballot(
    session: Session, org: Organization, *, alternate: bool = False
) -> tuple[int, Mandate, Mandate | None]:
    _roll(session, org, PLANT, "V", 300)
    constituency = electing_units(session, org.id)[PLANT]
    deputy = seated_mandates(session, constituency.id)[0]
    standby = None
    if alternate:
        standby = Mandate(
            organization_id=org.id,
            person=Person(organization_id=org.id, name="E. K. Alternova"),
            constituency_id=constituency.id,
            alternate_for_id=deputy.id,
        )
        session.add(standby)
        session.flush()
    recall = recalls.open_recall(session, org, deputy.id, actor="t")
    with pytest.raises(Conflict, match="is open"):
        open_recall_vote(session, org, recall.id, actor="t")
    for i in range(1, 266):
        recalls.sign(session, org, recall.id, f"V-{i:04d}", actor="t")
    return recall.id, deputy, standby


def _cast_recall(
    session: Session, org: Organization, vote_id: int, codes: list[str], yes: int, no: int
) -> None:
    choices = ["yes"] * yes + ["no"] * no + ["abstain"]
    for code, choice in zip(codes, choices, strict=False):
        cast_with_code(session, org, vote_id, code, choice=choice)


def test_recall_by_codes_carried_seats_the_alternate(session: Session, org: Organization) -> None:
    recall_id, deputy, standby = _recall_at_ballot(session, org, alternate=True)
    assert standby is not None
    vote = open_recall_vote(session, org, recall_id, actor="t")
    assert (vote.kind, vote.options, vote.recall_id) == (
        "recall",
        ["yes", "no", "abstain"],
        recall_id,
    )
    with pytest.raises(Conflict, match="already put to vote"):
        open_recall_vote(session, org, recall_id, actor="t")
    with pytest.raises(Conflict, match="being decided by roll vote"):
        recalls.record_ballot(session, org, recall_id, yes=300, no=0, actor="t")
    codes = [line.code for line in issue_codes(session, org, vote.id, actor="t")]
    assert len(codes) == 300
    with pytest.raises(BadChoice):
        cast_with_code(session, org, vote.id, codes[0], choice="maybe")
    with pytest.raises(BadChoice):
        cast_with_code(session, org, vote.id, codes[0], ranking=["yes"])
    _cast_recall(session, org, vote.id, codes, yes=9, no=5)
    cast_with_code(session, org, vote.id, codes[20], choice=" YES ")

    state = close_vote(session, org, vote.id, actor="t")
    assert state["result"] == {"counts": {"yes": 10, "no": 5, "abstain": 1}, "carried": True}
    assert deputy.status is MandateStatus.RECALLED
    assert standby.alternate_for_id is None
    seated = {m.mandate for m in body_members(session, ORG, "plenary")}
    assert standby.id in seated
    assert deputy.id not in seated
    standing = recalls.recall_state(session, recall_id, org=org)
    assert standing["state"] == "carried"
    assert standing["ballot"] == {"yes": 10, "no": 5, "abstain": 1}
    decided = _last(session, org, "recall.decided")
    assert (decided["vote"], decided["merkle_root"]) == (vote.id, state["merkle_root"])
    kinds = session.scalars(
        select(JournalRecord.kind)
        .where(JournalRecord.organization_id == org.id)
        .order_by(JournalRecord.height.desc())
        .limit(5)
    ).all()
    assert list(reversed(kinds)) == [
        "vote.closed",
        "recall.decided",
        "mandate.ended",
        "recall.alternate_seated",
        "bodies.recomposed",
    ]
    _check_journal(session, codes)


def test_recall_by_codes_lost_keeps_the_deputy(session: Session, org: Organization) -> None:
    recall_id, deputy, _ = _recall_at_ballot(session, org)
    vote = open_recall_vote(session, org, recall_id, actor="t")
    codes = [line.code for line in issue_codes(session, org, vote.id, actor="t")]
    _cast_recall(session, org, vote.id, codes, yes=6, no=6)
    state = close_vote(session, org, vote.id, actor="t")
    # More than half of the votes cast: a tie is lost.
    assert state["result"] == {"counts": {"yes": 6, "no": 6, "abstain": 1}, "carried": False}
    assert deputy.status is MandateStatus.ACTIVE
    assert deputy.id in {m.mandate for m in body_members(session, ORG, "plenary")}
    assert recalls.recall_state(session, recall_id, org=org)["state"] == "failed"
    with pytest.raises(Conflict, match="failed"):
        recalls.record_ballot(session, org, recall_id, yes=300, no=0, actor="t")
    with pytest.raises(Conflict, match="failed"):
        open_recall_vote(session, org, recall_id, actor="t")
    assert session.scalar(select(RollVote.state).where(RollVote.id == vote.id)) == "closed"
    _check_journal(session, codes)


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def refused(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 2, result.stdout
    assert "Traceback" not in result.stderr
    return result.stderr


def _sheet(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _proved(proof: dict[str, Any], root: str) -> bool:
    return verify_inclusion(
        proof["leaf"].encode(),
        proof["index"],
        proof["tree_size"],
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(root),
    )


def _vote_number(out: str) -> str:
    found = re.search(r"vote (\d+) open", out)
    assert found is not None
    return found.group(1)


def _recall_by_codes_cli(tmp_path: Path) -> list[str]:
    """The plant petitions against its deputy and recalls them by codes; returns the codes."""
    ok("init", "--example", ORG)
    roll = tmp_path / "roll.csv"
    roll.write_text(roll_csv(PLANT, "VIEW", 300), encoding="utf-8")
    ok("roll", "import", ORG, str(roll))
    members = json.loads(ok("org", "members", ORG, "plenary", "--json"))
    deputy = next(m for m in members if m["constituency"] == PLANT)
    recall = str(json.loads(ok("recall", "open", ORG, str(deputy["mandate"]), "--json"))["recall"])
    ok("recall", "sign", ORG, recall, *(f"VIEW-{i:04d}" for i in range(1, 266)))

    vote = _vote_number(ok("vote", "open-recall", ORG, recall))
    printed = ok("vote", "codes", ORG, vote)
    codes = re.findall(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", printed)
    assert len(codes) == 300
    assert "VIEW-0300" in printed
    assert "Worker VIEW Petrovna 0300" in printed
    assert "issued already" in refused("vote", "codes", ORG, vote)
    for code in codes[:7]:
        cast = ok("vote", "cast", ORG, vote, "--code", code, "--choice", "yes")
        assert re.fullmatch(r"receipt [0-9a-f]{32}\n", cast)
    ok("vote", "cast", ORG, vote, "--code", codes[7].lower(), "--choice", "no")
    again = ("vote", "cast", ORG, vote, "--code", codes[0], "--choice", "no")
    assert "already used" in refused(*again)
    assert "not a voting code" in refused(*again[:4], "--code", "1234", "--choice", "no")
    assert "codes: 300 issued, 8 used" in ok("vote", "show", ORG, vote)
    tellers = ("recall", "ballot", ORG, recall, "--yes", "1", "--no", "0")
    assert "being decided by roll vote" in refused(*tellers)
    closed = ok("vote", "close", ORG, vote)
    assert "ballot: yes 7, no 1, abstain 0" in closed
    assert "carried: the mandate ends" in closed
    assert json.loads(ok("recall", "show", ORG, recall, "--json"))["mandate_status"] == "recalled"
    return codes


def _issue_sheet_cli(tmp_path: Path, vote: str) -> list[dict[str, str]]:
    sheet_file = tmp_path / "codes.csv"
    sheet_file.write_text("keep me\n", encoding="utf-8")
    assert "codes.csv" in refused("vote", "codes", ORG, vote, "--out", str(sheet_file))
    assert sheet_file.read_text(encoding="utf-8") == "keep me\n"  # and no code was issued
    sheet_file.unlink()
    assert "300 codes written" in ok("vote", "codes", ORG, vote, "--out", str(sheet_file))
    assert (sheet_file.stat().st_mode & 0o777) == 0o600
    sheet = _sheet(sheet_file)
    assert list(sheet[0]) == ["constituency", "roll_number", "name", "code"]
    assert sheet[0] == {
        "constituency": PLANT,
        "roll_number": "VIEW-0001",
        "name": "Worker VIEW Petrovna 0001",
        "code": sheet[0]["code"],
    }
    return sheet


@pytest.mark.usefixtures("use_database")
def test_plant_recalls_and_reelects_by_codes_from_the_command_line(tmp_path: Path) -> None:
    codes = _recall_by_codes_cli(tmp_path)
    two = ("--candidate", "Anna Ivanova", "--candidate", "Pyotr Semyonov")
    assert "not allowed" in refused("vote", "open-election", ORG, PLANT, *two, "--method", "meek")
    out = ok("vote", "open-election", ORG, PLANT, *two)
    assert "1 seat(s)" in out
    vote = _vote_number(out)
    sheet = _issue_sheet_cli(tmp_path, vote)
    ranks = [["Anna Ivanova"]] * 3 + [["Pyotr Semyonov", "Anna Ivanova"]] * 2
    receipts = []
    for line, rank in zip(sheet, ranks, strict=False):
        args = [arg for name in rank for arg in ("--rank", name)]
        receipts.append(ok("vote", "cast", ORG, vote, "--code", line["code"], *args).split()[1])
    unused = ("vote", "cast", ORG, vote, "--code", sheet[9]["code"])
    assert "--choice or --rank" in refused(*unused, "--choice", "A", "--rank", "B")
    assert "another vote" in refused(*unused[:4], "--code", codes[100], "--choice", "Anna Ivanova")
    assert "not sealed yet" in refused("vote", "proof", ORG, vote, receipts[0])
    state = json.loads(ok("vote", "close", ORG, vote, "--json"))
    assert state["result"]["elected"] == ["Anna Ivanova"]
    assert (state["codes_issued"], state["codes_used"], state["ballots"]) == (300, 5, 5)
    assert "is closed" in refused(*unused, "--choice", "Anna Ivanova")
    after = json.loads(ok("org", "members", ORG, "plenary", "--json"))
    assert any(m["person"] == "Anna Ivanova" and m["constituency"] == PLANT for m in after)
    assert "elected: Anna Ivanova" in ok("vote", "show", ORG, vote)

    proof = json.loads(ok("vote", "proof", ORG, vote, receipts[4]))
    assert proof["ranking"] == ["Pyotr Semyonov", "Anna Ivanova"]
    assert _proved(proof, proof["root"])
    exported = ok("journal", "export", ORG)
    journal_file = tmp_path / "journal.jsonl"
    journal_file.write_text(exported, encoding="utf-8")
    ok("journal", "verify", str(journal_file))
    assert "Petrovna" not in exported
    assert "VIEW-" not in exported
    for code in codes + [line["code"] for line in sheet]:
        assert code not in exported
    closes = [json.loads(line) for line in exported.splitlines() if '"vote.closed"' in line]
    assert proof["root"] == closes[-1]["payload"]["merkle_root"]
