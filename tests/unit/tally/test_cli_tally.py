"""`tauride tally` and the method registry behind it: JSON, round tables, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from tauride.cli.tally import tally_command
from tauride.domain.tally.blt import parse_blt
from tauride.domain.tally.lots import seed_from_bytes
from tauride.domain.tally.methods import METHODS, count, profile_seed

ROOT = Path(__file__).resolve().parents[3]
CALTON = ROOT / ".." / "shared" / "data" / "glasgow-2007" / "Calton-2007.blt"

FOOD = """5 3
4 1 0
2 2 1 0
8 3 4 0
4 3 5 0
1 4 0
1 5 0
0
"Oranges"
"Pears"
"Chocolate"
"Strawberries"
"Hamburgers"
"Food"
"""

# B and C are level at every stage: Scottish STV ends in a lot.
LOT = '3 1\n4 1 0\n3 2 3 0\n3 3 2 0\n0\n"A"\n"B"\n"C"\n"Lot"\n'

app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
app.command()(tally_command)


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(text: str, name: str = "ward.blt") -> str:
    Path(name).write_text(text, encoding="utf-8")
    return name


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def errors_of(result: Result) -> list[str]:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert all(line.startswith("error: ") for line in lines)
    return [line.removeprefix("error: ") for line in lines]


def test_json_is_one_object_with_names_as_written() -> None:
    result = run(write(FOOD), "--method", "scottish-stv", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["method"] == "scottish-stv"
    assert document["seats"] == 3
    assert document["ballots"] == 20
    assert document["quota"] == "6.00000"
    assert document["elected"] == ["Chocolate", "Oranges", "Strawberries"]
    assert [r["round"] for r in document["rounds"]] == [1, 2, 3, 4]
    assert document["final"] == {
        "Oranges": "6.00000",
        "Pears": "0.00000",
        "Chocolate": "6.00000",
        "Strawberries": "5.00000",
        "Hamburgers": "0.00000",
        "non-transferable": "3.00000",
    }
    assert document["rounds"][2]["decisions"][0] == {
        "action": "excluded",
        "candidates": ["Pears"],
        "reason": "fewest votes (rule 50)",
    }
    assert "lot_seed" not in document


@pytest.mark.parametrize("method", list(METHODS))
def test_every_method_is_reachable_from_the_command_line(method: str) -> None:
    # One seat: IRV and the single-winner methods fill no more.
    result = run(write(FOOD), "--method", method, "--seats", "1", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["method"] == method
    assert document["seats"] == 1
    assert len(document["elected"]) == 1
    assert set(document["final"]) >= {"Oranges", "non-transferable"}


def test_seats_can_be_overridden() -> None:
    document = json.loads(run(write(FOOD), "-m", "meek", "--seats", "1", "--json").stdout)
    assert document["seats"] == 1
    assert document["elected"] == ["Chocolate"]
    assert document["quota"] == "10.000000001"


def test_a_lot_records_the_seed_given_or_drawn_from_the_file() -> None:
    document = json.loads(run(write(LOT), "-m", "scottish-stv", "--seed", "7", "--json").stdout)
    assert document["lot_seed"] == 7
    drawn = json.loads(run(write(LOT), "-m", "scottish-stv", "--json").stdout)
    assert drawn["lot_seed"] == seed_from_bytes(LOT.encode("utf-8"))
    assert "drawn by lot (rule 51(2)(b))" in drawn["rounds"][1]["decisions"][0]["reason"]


def test_the_table_shows_rounds_totals_and_decisions() -> None:
    result = run(write(FOOD), "--method", "scottish-stv")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Food: scottish-stv, 3 seats, quota 6.00000" in out
    for heading in ("round 1", "round 4"):
        assert heading in out
    assert "Chocolate ✓" in out
    assert "Pears " in out
    assert "non-transferable" in out
    assert "round 3: excluded Pears — fewest votes (rule 50)" in out
    assert "elected in order: Chocolate, Oranges, Strawberries" in out
    assert result.stderr == ""


def test_a_long_count_is_split_into_tables_that_fit() -> None:
    if not CALTON.is_file():  # pragma: no cover
        pytest.skip("Glasgow ballots not found")
    result = run(str(CALTON), "--method", "scottish-stv")
    assert result.exit_code == 0, result.output
    assert "round 10" in result.stdout
    assert "1393.86735" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_a_bad_file_lists_every_problem() -> None:
    name = write('3 1\n2 1 4 0\n1.5 1 0\n0\n"A"\n"B"\n"Title"\n')
    assert errors_of(run(name, "--method", "irv")) == [
        "ward.blt:2: preference 4 is outside 1..3",
        "ward.blt:3: weight 1.5 is not a whole number of ballots",
        "ward.blt:7: 3 quoted lines after the ballots: expected 3 candidate names and a title",
    ]


def test_a_missing_file_is_a_clear_error() -> None:
    assert errors_of(run("nowhere.blt", "--method", "meek")) == ["nowhere.blt: no such file"]


def test_a_directory_or_non_utf8_file_is_refused() -> None:
    Path("folder.blt").mkdir()
    assert errors_of(run("folder.blt", "-m", "meek")) == [
        "folder.blt: is a directory, not a BLT file"
    ]
    Path("latin.blt").write_bytes(b'1 1\n1 1 0\n0\n"Jos\xe9"\n"T"\n')
    assert errors_of(run("latin.blt", "-m", "meek")) == ["latin.blt: not UTF-8 text (byte 16)"]


def test_options_are_checked_before_the_file_is_read() -> None:
    assert errors_of(run("nowhere.blt")) == [f"--method is required (one of: {', '.join(METHODS)})"]
    assert errors_of(run("nowhere.blt", "-m", "stv", "--seats", "0")) == [
        f"unknown method 'stv'; known: {', '.join(METHODS)}",
        "--seats must be at least 1, not 0",
    ]
    assert errors_of(run("nowhere.blt", "-m", "meek", "--seed", "-1")) == [
        "--seed must not be negative, not -1"
    ]


def test_the_registry_counts_by_name_with_the_profile_defaults() -> None:
    profile = parse_blt(FOOD, "food.blt")
    assert list(METHODS) == [
        "plurality",
        "approval",
        "borda",
        "irv",
        "scottish-stv",
        "meek",
        "wigm",
        "schulze",
        "ranked-pairs",
    ]
    result = count(profile, "scottish-stv")
    assert result.seats == 3
    assert count(profile, "wigm", seats=1).elected == ("Chocolate",)
    with pytest.raises(ValueError, match="unknown method 'stv'; known: plurality, approval"):
        count(profile, "stv")
    with pytest.raises(ValueError, match="at least 1"):
        count(profile, "meek", seats=0)


def test_the_default_seed_depends_only_on_the_profile() -> None:
    lot = parse_blt(LOT, "lot.blt")
    assert profile_seed(lot) == profile_seed(parse_blt(LOT, "again.blt"))
    assert profile_seed(lot) != profile_seed(parse_blt(FOOD, "food.blt"))
    assert count(lot, "scottish-stv").lot_seed == profile_seed(lot)
    assert count(lot, "scottish-stv", seed=3).lot_seed == 3
