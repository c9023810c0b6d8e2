"""`tauride power`: JSON and tables for good games, every problem reported for bad input."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner, Result

from tauride.cli.power import power_command

EEC = ["--weights", "4,4,4,2,2,1", "--quota", "12"]


def run(*args: str) -> Result:
    app = typer.Typer()
    app.command()(power_command)
    return CliRunner().invoke(app, list(args))


def json_of(result: Result) -> dict[str, object]:
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert isinstance(shown, dict)
    return shown


def errors_of(result: Result) -> list[str]:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert all(line.startswith("error: ") for line in lines)
    return [line.removeprefix("error: ") for line in lines]


def test_banzhaf_json_gives_luxembourg_nothing() -> None:
    shown = json_of(run(*EEC, "--index", "banzhaf", "--json"))
    assert shown == {
        "index": "banzhaf",
        "values": [0.238095238095] * 3 + [0.142857142857] * 2 + [0.0],
        "raw": [10, 10, 10, 6, 6, 0],
        "exact": ["5/21", "5/21", "5/21", "1/7", "1/7", "0/1"],
    }


def test_shapley_shubik_json_counts_pivotal_orderings() -> None:
    shown = json_of(run(*EEC, "--index", "shapley-shubik", "--json"))
    assert shown["index"] == "shapley-shubik"
    assert shown["raw"] == [168, 168, 168, 108, 108, 0]
    assert shown["exact"] == ["7/30", "7/30", "7/30", "3/20", "3/20", "0/1"]
    assert isinstance(shown["values"], list)
    assert sum(shown["values"]) == pytest.approx(1)


def test_names_go_into_the_json_and_the_table() -> None:
    names = "France,Germany,Italy,Belgium,Netherlands,Luxembourg"
    shown = json_of(run(*EEC, "--names", names, "--json"))
    assert shown["names"] == names.split(",")
    table = run(*EEC, "--names", names, "--index", "shapley-shubik")
    assert table.exit_code == 0, table.output
    assert "Luxembourg" in table.stdout
    assert "7/30" in table.stdout
    assert "23.33%" in table.stdout
    assert "pivotal orderings" in table.stdout


def test_table_without_names_numbers_the_players() -> None:
    result = run(*EEC)
    assert result.exit_code == 0, result.output
    assert "banzhaf index, quota 12 of 17" in result.stdout
    assert "5/21" in result.stdout
    assert "0.00%" in result.stdout


def test_quota_defaults_to_more_than_half() -> None:
    default = json_of(run("--weights", "4,4,4,2,2,1", "--json"))
    assert default == json_of(run("--weights", "4,4,4,2,2,1", "--quota", "9", "--json"))
    assert default != json_of(run(*EEC, "--json"))


def test_monte_carlo_json_brackets_each_estimate() -> None:
    shown = json_of(run(*EEC, "--samples", "5000", "--seed", "3", "--json"))
    assert set(shown) == {"index", "values", "low", "high", "samples", "seed"}
    assert shown["samples"] == 5000
    assert shown["seed"] == 3
    values, low, high = shown["values"], shown["low"], shown["high"]
    assert isinstance(values, list)
    assert isinstance(low, list)
    assert isinstance(high, list)
    assert all(lo <= v <= hi for v, lo, hi in zip(values, low, high, strict=True))
    assert low[0] <= 5 / 21 <= high[0]
    table = run(*EEC, "--samples", "5000", "--seed", "3", "--index", "shapley-shubik")
    assert table.exit_code == 0, table.output
    assert "estimated from 5,000 samples" in table.stdout


@pytest.mark.parametrize(
    ("args", "problems"),
    [
        (
            ["--weights", "4,x,-2,,1.5", "--quota", "3"],
            [
                "--weights: item 2: 'x' is not a whole number",
                "--weights: item 3: must not be negative (-2)",
                "--weights: item 4: empty",
                "--weights: item 5: '1.5' is not a whole number",
            ],
        ),
        (["--weights", "4,4,1", "--quota", "10"], ["--quota: 10 exceeds the total weight 9;"]),
        (["--weights", "4,4,1", "--quota", "0"], ["--quota: must be positive (0)"]),
        (["--weights", "4,4,1", "--quota", "half"], ["--quota: 'half' is not a whole number"]),
        (["--weights", "0,0"], ["--weights: the total weight is 0"]),
        (["--weights", "4,4,1", "--index", "penrose"], ["--index: unknown index 'penrose'"]),
        (["--weights", "4,4,1", "--names", "A,B"], ["--names: 2 names for 3 weights"]),
        (["--weights", "4,4", "--names", "A,A"], ["--names: given more than once: A"]),
        (["--weights", "4,4", "--names", "A,"], ["--names: a name is empty"]),
        (["--weights", "4,4", "--samples", "1"], ["--samples: must be at least 2 (1)"]),
        (["--weights", "4,4", "--seed", "1"], ["--seed applies only with --samples"]),
        (["--weights", "300000000,1"], ["the game is too large to count exactly"]),
    ],
)
def test_bad_input_names_the_option(args: list[str], problems: list[str]) -> None:
    errors = errors_of(run(*args))
    assert len(errors) == len(problems)
    for error, problem in zip(errors, problems, strict=True):
        assert error.startswith(problem), error
