"""A plant recalls its deputy and elects another; a constituency counts its ballots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tauride.cli.main import app

runner = CliRunner()
ORG = "st-petersburg-1905"


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _deputy_of_a_two_seat_plant() -> tuple[str, list[dict[str, object]]]:
    members = json.loads(ok("org", "members", ORG, "plenary", "--json"))
    by_plant: dict[str, list[dict[str, object]]] = {}
    for m in members:
        by_plant.setdefault(str(m["constituency"]), []).append(m)
    plant, deputies = next((p, d) for p, d in by_plant.items() if len(d) == 2 and "+" not in p)
    return plant, deputies


@pytest.mark.usefixtures("use_database")
def test_recall_and_by_election_from_tellers_counts() -> None:
    ok("init", "--example", ORG)
    plant, deputies = _deputy_of_a_two_seat_plant()
    recalled = deputies[0]
    full = runner.invoke(app, ["constituencies", "elect", ORG, plant, "--counts", "A=1;B=2"])
    assert full.exit_code == 2
    assert "no vacant seat" in full.stderr
    ok(
        "mandates",
        "end",
        ORG,
        str(recalled["mandate"]),
        "--status",
        "recalled",
        "--reason",
        "petition",
    )
    out = ok(
        "constituencies", "elect", ORG, plant, "--counts", "Anna Ivanova=412;Pyotr Semyonov=388"
    )
    assert "elected Anna Ivanova" in out
    plenary = json.loads(ok("org", "members", ORG, "plenary", "--json"))
    names = {m["person"] for m in plenary}
    assert "Anna Ivanova" in names
    assert recalled["person"] not in names
    weights = [m["represents"] for m in plenary if m["constituency"] == plant]
    assert sum(weights) == sum(int(str(d["represents"])) for d in deputies)
    kinds = [json.loads(line)["kind"] for line in ok("journal", "export", ORG).splitlines()]
    assert kinds[-2:] == ["constituency.elected", "bodies.recomposed"]


@pytest.mark.usefixtures("use_database")
def test_constituency_counts_its_ballots_from_a_blt_file(tmp_path: Path) -> None:
    ok("init", "--example", ORG)
    plant, deputies = _deputy_of_a_two_seat_plant()
    for d in deputies:
        ok("mandates", "end", ORG, str(d["mandate"]), "--status", "expired")
    blt = tmp_path / "plant.blt"
    blt.write_text(
        '3 2\n40 1 2 0\n25 2 3 0\n20 3 1 0\n5 3 0\n0\n"Vera Orlova"\n"Ivan Kuzmin"\n'
        '"Olga Petrova"\n"Plant election"\n',
        encoding="utf-8",
    )
    bad = tmp_path / "bad.blt"
    bad.write_text('3 2\n40 1 7 0\n0\n"A"\n"B"\n"C"\n"T"\n', encoding="utf-8")
    refused = runner.invoke(app, ["constituencies", "elect", ORG, plant, "--blt", str(bad)])
    assert refused.exit_code == 2
    assert "bad.blt:2" in refused.stderr
    result = json.loads(ok("constituencies", "elect", ORG, plant, "--blt", str(blt), "--json"))
    assert result["method"] == "scottish-stv"
    assert sorted(result["elected"]) == ["Ivan Kuzmin", "Vera Orlova"]
