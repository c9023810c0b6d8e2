"""The command line on a real database: each entry point, good input and bad."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tauride import __version__
from tauride.cli import context as cli_context
from tauride.cli.main import app
from tauride.config import get_settings
from tauride.services.examples import example_path

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def journal_height(org: str) -> int:
    code, out, _ = run("org", "show", org, "--json")
    assert code == 0
    return int(json.loads(out)["journal"]["height"])


def test_version_is_printed() -> None:
    code, out, _ = run("--version")
    assert code == 0
    assert out.strip() == f"tauride {__version__}"


def test_console_script_is_installed() -> None:
    tauride = shutil.which("tauride")
    assert tauride is not None
    done = subprocess.run([tauride, "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("tauride ")


@pytest.mark.parametrize("name", ["petrograd-1917", "st-petersburg-1905", "union-congress"])
def test_examples_pass_constitution_check(name: str) -> None:
    code, out, err = run("constitution", "check", str(example_path(name) / "constitution.toml"))
    assert code == 0, err
    assert "Bodies" in out


def test_constitution_check_json_summarizes_bodies_and_quorum() -> None:
    file = example_path("st-petersburg-1905") / "constitution.toml"
    code, out, _ = run("constitution", "check", str(file), "--json")
    assert code == 0
    summary = json.loads(out)
    executive = next(b for b in summary["bodies"] if b["key"] == "executive")
    assert executive["fixed_seats"] == 22
    assert executive["consultative_seats"] == 9


def test_constitution_check_lists_every_error_with_its_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        """
[organization]
slug = "x"
name = "X"

[constituency_kinds.plant]
name = "Plant"

[representation.plant]
rule = "ratio"
ratio = -500

[bodies.plenary]
name = "Plenary"
kind = "plenary"
from_kinds = ["plant"]
quorum = 1.5

[bodies.executive]
name = "Executive"
kind = "executive"
elected_by = "plenum"
seats = 22
method = "meek"
consultative = [{ faction = "bolsheviks", seats = 3 }]
""",
        encoding="utf-8",
    )
    code, out, err = run("constitution", "check", str(bad))
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    for expected in (
        "representation.plant.ratio: must be greater than 0",
        "bodies.plenary.quorum: must be between 0 and 1",
        "bodies.executive.elected_by: no body named 'plenum'",
        "bodies.executive.method: 'meek' is not among elections.methods",
        "bodies.executive.consultative[0].faction: no faction named 'bolsheviks'",
    ):
        assert expected in err
    assert err.count("error: ") == 5


def test_malformed_toml_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text('[organization]\nslug = "x\nname = "X"\n', encoding="utf-8")
    code, _, err = run("constitution", "check", str(bad))
    assert code == 2
    assert "broken.toml: not valid TOML" in err
    assert "line 2" in err


def test_missing_file_is_a_user_error() -> None:
    code, _, err = run("constitution", "check", "/nonexistent/constitution.toml")
    assert code == 2
    assert "no such file" in err


@pytest.mark.usefixtures("use_database")
def test_init_loads_example_and_journal_export_verifies(tmp_path: Path) -> None:
    code, out, err = run("init", "--example", "petrograd-1917")
    assert code == 0, err
    assert "Petrograd" in out
    code, out, _ = run("journal", "export", "petrograd-1917")
    assert code == 0
    export = tmp_path / "journal.jsonl"
    export.write_text(out, encoding="utf-8")
    code, out, _ = run("journal", "verify", str(export))
    assert code == 0
    head = out.split("head ")[1].strip()
    assert head == json.loads(run("org", "show", "petrograd-1917", "--json")[1])["journal"]["head"]
    code, _, _ = run("journal", "verify", str(export), "--expect-head", head)
    assert code == 0


@pytest.mark.usefixtures("use_database")
def test_tampered_and_truncated_exports_are_caught(tmp_path: Path) -> None:
    assert run("init", "--example", "st-petersburg-1905")[0] == 0
    lines = run("journal", "export", "st-petersburg-1905")[1].splitlines()
    tampered = [json.loads(line) for line in lines]
    tampered[2]["payload"]["count"] = 999
    file = tmp_path / "tampered.jsonl"
    file.write_text("\n".join(json.dumps(e) for e in tampered) + "\n", encoding="utf-8")
    code, _, err = run("journal", "verify", str(file))
    assert code == 1
    assert "height 3: hash mismatch" in err

    cut = tmp_path / "truncated.jsonl"
    cut.write_text(
        "\n".join(lines[:-1]) + "\n" + lines[-1][: len(lines[-1]) // 2], encoding="utf-8"
    )
    code, _, err = run("journal", "verify", str(cut))
    assert code == 1
    assert f"height {len(lines)}:" in err
    assert "not valid JSON" in err

    short = tmp_path / "short.jsonl"
    short.write_text("\n".join(lines[:-2]) + "\n", encoding="utf-8")
    head = json.loads(lines[-1])["hash"]
    code, _, err = run("journal", "verify", str(short), "--expect-head", head)
    assert code == 1
    assert f"height {len(lines) - 1}:" in err

    gap = tmp_path / "gap.jsonl"
    gap.write_text("\n".join(lines[:2] + lines[3:]) + "\n", encoding="utf-8")
    code, _, err = run("journal", "verify", str(gap))
    assert code == 1
    assert "height 3: expected height 3, found 4" in err


@pytest.mark.usefixtures("use_database")
def test_init_if_missing_does_not_load_twice() -> None:
    assert run("init", "--example", "union-congress")[0] == 0
    height = journal_height("union-congress")
    code, out, _ = run("init", "--example", "union-congress", "--if-missing")
    assert code == 0
    assert "already loaded" in out
    code, _, err = run("init", "--example", "union-congress")
    assert code == 2
    assert "already in this database" in err
    assert journal_height("union-congress") == height


@pytest.mark.usefixtures("use_database")
def test_unknown_example_lists_the_known_ones() -> None:
    code, _, err = run("init", "--example", "paris-1871")
    assert code == 2
    assert "petrograd-1917" in err


def _copy_example(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(example_path(name), folder)
    return folder


@pytest.mark.usefixtures("use_database")
def test_bad_csv_line_leaves_the_database_empty(tmp_path: Path) -> None:
    folder = _copy_example(tmp_path, "st-petersburg-1905")
    csv = folder / "constituencies.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")
    lines[3] = ",".join([lines[3].split(",")[0], "plant", "-40", ""])
    lines[5] = ",".join([first[0], *lines[5].split(",")[1:]])
    lines.append("Nowhere Works,mill,abc,")
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run("init", "--folder", str(folder))
    assert code == 2
    assert "constituencies.csv:4: size: must be at least 0 (found -40)" in err
    assert f"constituencies.csv:6: name: duplicate of line 2 ('{first[0]}')" in err
    assert f"constituencies.csv:{len(lines)}: size: 'abc' is not a whole number" in err
    assert f"constituencies.csv:{len(lines)}: kind: no constituency kind 'mill'" in err
    code, out, _ = run("org", "list")
    assert code == 0
    assert out == ""


@pytest.mark.usefixtures("use_database")
def test_import_with_bad_line_writes_nothing(tmp_path: Path) -> None:
    assert run("init", "--example", "st-petersburg-1905")[0] == 0
    height = journal_height("st-petersburg-1905")
    file = tmp_path / "more.csv"
    file.write_text("name,kind,size\nNew Plant,plant,800\nOther Plant,plant,x\n", encoding="utf-8")
    code, _, err = run("constituencies", "import", "st-petersburg-1905", str(file))
    assert code == 2
    assert "more.csv:3: size: 'x' is not a whole number" in err
    assert journal_height("st-petersburg-1905") == height
    file.write_text("name,kind,size\nNew Plant,plant,1200\n", encoding="utf-8")
    code, out, err = run("constituencies", "import", "st-petersburg-1905", str(file))
    assert code == 0, err
    assert "1 constituencies added" in out
    assert journal_height("st-petersburg-1905") > height


@pytest.mark.usefixtures("use_database")
def test_amendment_is_versioned_and_journaled(tmp_path: Path) -> None:
    assert run("init", "--example", "st-petersburg-1905")[0] == 0
    source = (example_path("st-petersburg-1905") / "constitution.toml").read_text(encoding="utf-8")
    amended = tmp_path / "amended.toml"
    amended.write_text(source.replace("ratio = 500", "ratio = 1000"), encoding="utf-8")
    code, out, err = run(
        "constitution", "amend", "st-petersburg-1905", str(amended), "--note", "ratio"
    )
    assert code == 0, err
    assert "version 2" in out
    summary = json.loads(run("org", "show", "st-petersburg-1905", "--json")[1])
    assert summary["constitution_version"] == 2
    entries = [
        json.loads(x) for x in run("journal", "export", "st-petersburg-1905")[1].splitlines()
    ]
    kinds = [e["kind"] for e in entries]
    assert "constitution.amended" in kinds
    assert kinds.index("constitution.amended") < kinds.index("apportionment.computed", 5)


@pytest.mark.usefixtures("use_database")
def test_recalled_delegate_leaves_every_body() -> None:
    assert run("init", "--example", "st-petersburg-1905")[0] == 0
    members = json.loads(run("org", "members", "st-petersburg-1905", "plenary", "--json")[1])
    before = len(members)
    code, _, err = run(
        "mandates", "end", "st-petersburg-1905", "1", "--status", "recalled", "--reason", "petition"
    )
    assert code == 0, err
    after = json.loads(run("org", "members", "st-petersburg-1905", "plenary", "--json")[1])
    assert len(after) == before - 1
    code, _, err = run("mandates", "end", "st-petersburg-1905", "1", "--status", "recalled")
    assert code == 2
    assert "already ended" in err


def test_unmigrated_database_asks_for_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tauride.config import get_settings

    monkeypatch.setenv("TAURIDE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    try:
        code, _, err = run("org", "list")
        assert code == 2
        assert "tauride db upgrade" in err
        code, _, _ = run("db", "upgrade")
        assert code == 0
        assert run("org", "list")[0] == 0
    finally:
        get_settings.cache_clear()


def test_production_without_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from tauride.config import get_settings

    monkeypatch.setenv("TAURIDE_ENVIRONMENT", "production")
    monkeypatch.delenv("TAURIDE_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    try:
        code, _, err = run("org", "list")
        assert code == 2
        assert "TAURIDE_SECRET_KEY must be set" in err
    finally:
        get_settings.cache_clear()


def test_steps_of_migrations_and_pdfs_stay_out_of_the_log_at_info(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At the default level the log carries requests' news, not each migration step or each
    step of drawing a minutes PDF."""
    monkeypatch.setenv("TAURIDE_LOG_LEVEL", "INFO")
    get_settings.cache_clear()
    # The root at INFO, as `logging.basicConfig` leaves it outside the tests.
    loggers = [logging.getLogger(name) for name in ("", "alembic", "weasyprint")]
    levels = [logger.level for logger in loggers]
    try:
        for logger in loggers:
            logger.setLevel(logging.NOTSET)
        loggers[0].setLevel(logging.INFO)
        cli_context.settings()
        assert not logging.getLogger("weasyprint.progress").isEnabledFor(logging.INFO)
        assert not logging.getLogger("alembic.runtime.migration").isEnabledFor(logging.INFO)
        assert logging.getLogger("weasyprint").isEnabledFor(logging.WARNING)
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
        get_settings.cache_clear()
