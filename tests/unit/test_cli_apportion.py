"""`tauride apportion`: output for good files, every problem reported for bad ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tauride.cli.main import app

SIZES = """name,size,group
Putilov Works,12000,
Nevsky Thread Mill,320,Nevsky
Obukhov Works,4700,
Okhta Powder Works,250,Nevsky
Printers' Shop,120,
Tailors' Shop,450,
"""

SIZES_IN_ORDER = [line.split(",")[0] for line in SIZES.splitlines()[1:]]


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Relative file names keep the messages exactly as a user sees them.
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(text: str, name: str = "sizes.csv") -> str:
    Path(name).write_text(text, encoding="utf-8")
    return name


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["apportion", *args])


def errors_of(result: Result) -> list[str]:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert all(line.startswith("error: ") for line in lines)
    return [line.removeprefix("error: ") for line in lines]


def test_house_json_is_one_object_in_input_order() -> None:
    result = run(write(SIZES), "--seats", "20", "--method", "dhondt", "--json")
    assert result.exit_code == 0, result.output
    seats = json.loads(result.stdout)
    assert seats == {
        "Putilov Works": 15,
        "Nevsky Thread Mill": 0,
        "Obukhov Works": 5,
        "Okhta Powder Works": 0,
        "Printers' Shop": 0,
        "Tailors' Shop": 0,
    }
    assert list(seats) == list(SIZES_IN_ORDER)


def test_ratio_json_names_the_groups() -> None:
    result = run(write(SIZES), "--ratio", "500", "--group-below", "--minimum", "1", "--json")
    assert result.exit_code == 0, result.output
    # Labelled Nevsky mills form one group; the unlabelled shops combine to 570.
    assert json.loads(result.stdout) == {
        "Putilov Works": 24,
        "Nevsky Thread Mill + Okhta Powder Works": 1,
        "Obukhov Works": 9,
        "Printers' Shop + Tailors' Shop": 1,
    }


def test_ratio_rounding_option() -> None:
    path = write("name,size\nA,1250\nB,1249\n")
    result = run(path, "--ratio", "500", "--rounding", "nearest", "--json")
    assert json.loads(result.stdout) == {"A": 3, "B": 2}


def test_house_table_shows_quotas_and_total() -> None:
    result = run(write(SIZES), "--seats", "20", "--method", "hamilton")
    assert result.exit_code == 0, result.output
    # Putilov's quota: 12000 × 20 / 17840 = 13.4529…
    assert "13.453" in result.stdout
    assert "20.000" in result.stdout
    assert "total" in result.stdout
    assert "hamilton" in result.stdout


def test_ratio_table_shows_group_members() -> None:
    result = run(write(SIZES), "--ratio", "500", "--group-below")
    assert result.exit_code == 0, result.output
    assert "Okhta Powder Works (250)" in result.stdout
    assert "total" in result.stdout


def test_tie_is_a_user_error_naming_the_tied() -> None:
    path = write("name,size\nA,100000\nB,80000\nC,30000\nD,20000\n")
    [message] = errors_of(run(path, "--seats", "6", "--method", "sainte-lague"))
    assert message.startswith("tie for the last 1 seat(s) between A, D under webster")


def test_every_bad_line_is_reported_at_once() -> None:
    path = write(
        "name,size\n"
        "Putilov Works,12000\n"
        "Nevsky Thread Mill,320\n"
        "Obukhov Works,abc\n"
        ",250\n"
        "Okhta Powder Works,-3\n"
        "Putilov Works,5\n"
        "Printers' Shop\n"
        "Tailors' Shop,450,extra\n"
    )
    assert errors_of(run(path, "--ratio", "500")) == [
        "sizes.csv:4: size: 'abc' is not a whole number",
        "sizes.csv:5: name: empty",
        "sizes.csv:6: size: must not be negative (-3)",
        "sizes.csv:7: name: duplicate of line 2 ('Putilov Works')",
        "sizes.csv:8: size: missing",
        "sizes.csv:9: 3 fields but the header has 2 (quote a name that contains a comma)",
    ]


def test_quoted_names_and_blank_lines_and_a_byte_order_mark() -> None:
    Path("sizes.csv").write_text(
        '\ufeffName, Size\n"Putilov Works, Narva Gate",600\n\nObukhov Works,500\n',
        encoding="utf-8",
    )
    result = run("sizes.csv", "--ratio", "500", "--json")
    assert json.loads(result.stdout) == {"Putilov Works, Narva Gate": 1, "Obukhov Works": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name,workers\nA,5\n", "sizes.csv:1: header: missing column(s) 'size'"),
        ("title,count\nA,5\n", "sizes.csv:1: header: missing column(s) 'name', 'size'"),
        ("name,size,size\nA,5,5\n", "sizes.csv:1: header: column 'size' appears twice"),
        ("", "sizes.csv: empty file; expected a header line 'name,size'"),
        ("\n\n", "sizes.csv: empty file; expected a header line 'name,size'"),
        ("name,size\n", "sizes.csv: no constituencies after the header"),
    ],
)
def test_bad_header_or_empty_file(text: str, expected: str) -> None:
    [message] = errors_of(run(write(text), "--ratio", "500"))
    assert message.startswith(expected)


def test_missing_file() -> None:
    assert errors_of(run("nowhere.csv", "--ratio", "500")) == ["nowhere.csv: no such file"]


def test_directory_instead_of_a_file() -> None:
    Path("sizes").mkdir()
    assert errors_of(run("sizes", "--ratio", "500")) == ["sizes: is a directory, not a CSV file"]


def test_file_that_is_not_csv() -> None:
    # The csv module refuses a field beyond its size limit (128 KiB by default).
    path = write("name,size\n" + "x" * 200_000 + ",5\n")
    [message] = errors_of(run(path, "--ratio", "500"))
    assert message.startswith("sizes.csv:2: not valid CSV (field larger than field limit")


def test_file_that_is_not_utf8() -> None:
    Path("sizes.csv").write_bytes("name,size\nPutilov Works,12000\nЗавод,1\n".encode("cp1251"))
    [message] = errors_of(run("sizes.csv", "--ratio", "500"))
    assert message.startswith("sizes.csv: not UTF-8 text")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--seats", "5", "--ratio", "500"], "give exactly one of --seats"),
        ([], "give exactly one of --seats"),
        (["--seats", "5"], "--method is required with --seats"),
        (["--ratio", "500", "--method", "webster"], "--method applies only with --seats"),
        (["--seats", "5", "--method", "borda"], "unknown method 'borda'"),
        (["--seats", "5", "--method", "adams", "--minimum", "1"], "only with --ratio: --minimum"),
        (["--ratio", "500", "--rounding", "banker"], "unknown rounding 'banker'"),
        (["--ratio", "0"], "ratio must be a positive whole number"),
        (["--ratio", "500", "--minimum", "-1"], "minimum must be"),
        (["--seats", "-1", "--method", "adams"], "seats must not be negative (-1)"),
    ],
)
def test_bad_options_are_user_errors(options: list[str], expected: str) -> None:
    messages = errors_of(run(write(SIZES), *options))
    assert any(message.startswith(expected) for message in messages), messages


def test_all_sizes_zero_with_seats_to_give() -> None:
    path = write("name,size\nA,0\nB,0\n")
    [message] = errors_of(run(path, "--seats", "3", "--method", "webster"))
    assert "every constituency has size 0" in message
