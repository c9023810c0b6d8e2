"""A secretariat runs a sitting from the terminal: from convening to a sealed vote."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tauride.cli.main import app
from tauride.domain.merkle import verify_inclusion

runner = CliRunner()
ORG = "st-petersburg-1905"


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.usefixtures("use_database")
def test_a_sitting_from_opening_to_a_sealed_vote() -> None:
    ok("init", "--example", ORG)
    members = json.loads(ok("org", "members", ORG, "executive", "--json"))
    voting = [m["mandate"] for m in members if not m["consultative"]]
    party = [m["mandate"] for m in members if m["consultative"]]
    out = ok("sitting", "schedule", ORG, "executive", "--title", "Lockouts", "--date", "1905-11-12")
    sitting = out.split()[1].rstrip(":")
    ok("sitting", "add-item", ORG, sitting, "Lockouts", "--kind", "debate", "--minutes", "60")
    ok("sitting", "open", ORG, sitting)
    out = ok("sitting", "check-in", ORG, sitting, *map(str, voting + party))
    assert out.strip() == "22 of 22 present; quorum 11"
    out = ok(
        "motion",
        "move",
        ORG,
        sitting,
        "--title",
        "Call off the strike",
        "--text",
        "Resolved…",
        "--mover",
        str(party[0]),
    )
    motion = out.split()[1].rstrip(":")
    ok("motion", "second", ORG, motion, str(voting[0]))
    ok("motion", "state", ORG, motion, "admitted")
    ok("motion", "state", ORG, motion, "debate")
    out = ok("motion", "vote", ORG, motion, "--method", "secret")
    poll = out.split()[1]
    assert "22 entitled" in out
    receipts = [
        ok("poll", "cast", ORG, poll, str(m), "yes" if i < 15 else "no").split()[1]
        for i, m in enumerate(voting)
    ]
    denied = runner.invoke(app, ["poll", "cast", ORG, poll, str(party[1]), "yes"])
    assert denied.exit_code == 2
    assert "not entitled" in denied.stderr
    again = runner.invoke(app, ["poll", "cast", ORG, poll, str(voting[0]), "no"])
    assert again.exit_code == 2
    assert "already voted" in again.stderr
    closed = json.loads(ok("poll", "close", ORG, poll, "--json"))
    assert closed["outcome"]["carried"] is True
    assert closed["outcome"]["figure"] == "15 to 7 (68.2%)"
    proof = json.loads(ok("poll", "proof", ORG, poll, receipts[4]))
    assert verify_inclusion(
        proof["leaf"].encode(),
        proof["index"],
        proof["tree_size"],
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(closed["merkle_root"]),
    )
    status = json.loads(ok("sitting", "status", ORG, sitting, "--json"))
    assert status["motions"][0]["state"] == "carried"
    assert status["polls"][0]["voted"] == 22
    ok("sitting", "close", ORG, sitting)
    late = runner.invoke(app, ["motion", "move", ORG, sitting, "--title", "x", "--mover", "1"])
    assert late.exit_code == 2
    assert "closed, not open" in late.stderr
    exported = ok("journal", "export", ORG)
    kinds = [json.loads(line)["kind"] for line in exported.splitlines()]
    assert kinds.index("poll.closed") < kinds.index("motion.decided")
    assert kinds[-1] == "sitting.closed"


@pytest.mark.usefixtures("use_database")
def test_an_election_from_the_terminal() -> None:
    ok("init", "--example", ORG)
    plenary = json.loads(ok("org", "members", ORG, "plenary", "--json"))
    deputies = [m["mandate"] for m in plenary]
    out = ok("election", "call", ORG, "executive")
    assert "22 seats, plurality" in out
    election = out.split()[1].rstrip(":")
    ok("election", "nominate", ORG, election, *map(str, deputies[:24]))
    sitting = ok("sitting", "schedule", ORG, "plenary", "--title", "Elections").split()[1][:-1]
    ok("sitting", "open", ORG, sitting)
    ok("sitting", "check-in", ORG, sitting, *map(str, deputies[:40]))
    out = ok("election", "open", ORG, election, sitting)
    poll = out.split()[1]
    names = out.split("candidates: ")[1].strip().split("; ")
    for i, voter in enumerate(deputies[:40]):
        ranking = names[:22] if i % 2 == 0 else names[2:24]
        ok("poll", "cast", ORG, poll, str(voter), *[arg for n in ranking for arg in ("--rank", n)])
    result = json.loads(ok("election", "count", ORG, election, "--json"))
    assert result["method"] == "plurality"
    assert len(result["elected"]) == 22
    assert set(names[2:22]) <= set(result["elected"])
    executive = json.loads(ok("org", "members", ORG, "executive", "--json"))
    elected = {m["person"] for m in executive if m["basis"] == "elected"}
    assert elected == set(result["elected"])
