"""Scenarios replayed through the services: the seed scenarios' minutes against golden
files, their journals verified, the command line, and mistakes reported with their place.

Golden files live in tests/golden/scenarios/<organization>/. Hashes (entry hashes, Merkle
roots of ballots with random receipts) differ from run to run and are written there as
`<hash>`; everything else — dates, times, names, numbers, figures — must match exactly.
To rewrite them on purpose after a deliberate change to the minutes or the scenarios:

    TAURIDE_REGENERATE_GOLDEN=1 uv run pytest tests/integration/test_scenarios.py -k golden

and review the diff before committing it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tauride.cli.main import app
from tauride.db.engine import build_engine, session_factory, transaction
from tauride.db.models import JournalRecord, Organization
from tauride.domain.errors import Conflict, TaurideError
from tauride.domain.journal import verify_export
from tauride.domain.scenario_checks import ScenarioInvalid, parse_scenario
from tauride.services.examples import examples_root
from tauride.services.scenario_minutes import JOURNAL_FILE, minutes_files
from tauride.services.scenarios import Replay, replay

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "scenarios"
SEEDS = {
    "petrograd-1917": examples_root() / "petrograd-1917" / "june-1917.toml",
    "st-petersburg-1905": examples_root() / "st-petersburg-1905" / "november-1905.toml",
}
REGENERATE = os.environ.get("TAURIDE_REGENERATE_GOLDEN") == "1"
HASH = re.compile(r"\b[0-9a-f]{64}\b")

runner = CliRunner()


def normalized(text: str) -> str:
    """The text with every hash replaced by `<hash>`: what a golden file holds."""
    return HASH.sub("<hash>", text)


def _replay(url: str, path: Path) -> tuple[Replay, dict[str, str]]:
    engine = build_engine(url)
    try:
        with transaction(engine) as session:
            done = replay(
                session, parse_scenario(path.read_text(encoding="utf-8")), base=path.parent
            )
            files = minutes_files(session, done.organization_id, done.sittings)
    finally:
        engine.dispose()
    return done, files


def _counts(url: str) -> tuple[int, int]:
    engine = build_engine(url)
    try:
        with session_factory(engine)() as session:
            orgs = session.scalar(select(func.count()).select_from(Organization)) or 0
            entries = session.scalar(select(func.count()).select_from(JournalRecord)) or 0
    finally:
        engine.dispose()
    return orgs, entries


def _bodies_in_conflict(done: Replay, files: dict[str, str]) -> None:
    """June 1917: the sections' majority offset by the two conferences, all on record."""
    matters = {m.key: m for m in done.matters}
    amalgamation, power = matters["amalgamation"], matters["all-power"]
    assert dict(amalgamation.positions) == {
        "soldiers-section": "accepted",
        "regimental-conference": "substituted",
    }
    assert amalgamation.conflicts == (("soldiers-section", "regimental-conference"),)
    assert dict(power.positions) == {
        "factory-councils-conference": "accepted",
        "workers-section": "rejected",
        "soldiers-section": "rejected",
    }
    assert not power.adopted
    assert len(power.conflicts) == 2
    assert {p.state for p in done.petitions} == {"answered"}
    conference = files["02-regimental-conference-1.md"]
    assert "Opened: 1917-06-24 10:00:00 UTC" in conference
    assert "Outcome: **carried**, 16 to 0 (100.0%)" in conference
    assert "Outcome: **carried**, 11 to 2 (84.6%)" in files["03-factory-councils-conference-1.md"]


def _appeal_never_reaches_the_agenda(done: Replay, files: dict[str, str]) -> None:
    """November 1905: the Neva plant's appeal is recorded; it never passes the Soviet."""
    (appeal,) = done.petitions
    assert (appeal.kind, appeal.state, appeal.answer) == ("appeal", "submitted", None)
    assert appeal.origin == "Neva Shipbuilding and Engineering Works"
    minutes = files["01-plenary-1.md"]
    assert "Opened: 1905-11-12 16:00:00 UTC" in minutes
    assert "Amendments: motion 2 (carried); motion 3 (lost)" in minutes
    assert "To all the workers" not in minutes


SEED_RULES = {
    "petrograd-1917": _bodies_in_conflict,
    "st-petersburg-1905": _appeal_never_reaches_the_agenda,
}


@pytest.mark.parametrize("slug", sorted(SEEDS))
def test_seed_scenario_replays_to_its_golden_minutes_and_its_journal_verifies(
    fresh_database_url: str, slug: str
) -> None:
    done, files = _replay(fresh_database_url, SEEDS[slug])

    assert done.slug == slug
    assert done.journal_ok
    journal = files.pop(JOURNAL_FILE)
    verified = verify_export(journal.splitlines())
    assert verified.ok, verified.summary()
    assert (verified.count, verified.head_hash) == (done.journal_entries, done.journal_head)
    SEED_RULES[slug](done, files)
    folder = GOLDEN / slug
    if REGENERATE:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.iterdir():
            stale.unlink()
        for name, text in files.items():
            (folder / name).write_text(normalized(text), encoding="utf-8")
    assert sorted(p.name for p in folder.iterdir()) == sorted(files)
    for name, text in files.items():
        golden = (folder / name).read_text(encoding="utf-8")
        assert normalized(text) == golden, f"{name} differs from tests/golden/scenarios/{slug}"


def test_cli_replays_a_scenario_and_matter_show_lists_the_conflict(
    use_database: str, tmp_path: Path
) -> None:
    out = tmp_path / "minutes"
    path = SEEDS["petrograd-1917"]
    result = runner.invoke(
        app, ["scenario", "run", str(path), "--db", use_database, "--out", str(out)]
    )

    assert result.exit_code == 0, result.stderr
    assert "chain verifies" in result.stdout
    assert "conflict: soldiers-section and regimental-conference" in result.stdout
    assert (out / "02-regimental-conference-1.md").is_file()
    assert (out / "06-executive-1.html").is_file()
    shown = runner.invoke(app, ["matter", "show", "petrograd-1917", "all-power"])
    assert shown.exit_code == 0, shown.stderr
    assert "conflict: factory-councils-conference and workers-section" in shown.stdout
    verified = runner.invoke(app, ["journal", "verify", str(out / JOURNAL_FILE)])
    assert verified.exit_code == 0, verified.stderr

    again = runner.invoke(app, ["scenario", "run", str(path), "--db", use_database])
    assert again.exit_code == 2
    assert "'petrograd-1917' is already in this database" in again.stderr


def test_cli_check_replays_in_a_scratch_database_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = SEEDS["st-petersburg-1905"]
    monkeypatch.chdir(tmp_path)

    checked = runner.invoke(app, ["scenario", "check", str(path)])
    assert checked.exit_code == 0, checked.stderr
    assert "27 steps replay, 1 sitting (nothing kept)" in checked.stdout
    quick = runner.invoke(app, ["scenario", "check", str(path), "--no-replay"])
    assert quick.exit_code == 0, quick.stderr
    assert list(tmp_path.iterdir()) == []


MISTAKES = """
[scenario]
title = "Mistakes"
example = "petrograd-1917"
start = 1917-06-24T08:00:00Z

[[steps]]
act = "schedule"
label = "conference"
body = "regimental-conference"
title = "Sitting"

[[steps]]
act = "open"
sitting = "conferense"

[[steps]]
act = "motion"
label = "plan"
sitting = "conference"
kind = "substitute"
title = "The plan"
mover = "N. I. Karpov"

[[steps]]
act = "vote"
motion = "amalgamation"
ballots = { yes = 14, perhaps = 2 }
at = 1917-06-23T08:00:00Z

[[steps]]
act = "dance"
"""


def test_every_mistake_is_reported_with_its_path_and_nothing_is_written(
    fresh_database_url: str, tmp_path: Path
) -> None:
    with pytest.raises(ScenarioInvalid) as caught:
        parse_scenario(MISTAKES)
    assert caught.value.problems == [
        "steps[1].sitting: no sitting labelled 'conferense' in an earlier step",
        "steps[2].target: a substitute motion names the motion it applies to",
        "steps[2].seconder: a substitute motion is admitted once seconded",
        "steps[3].motion: no motion labelled 'amalgamation' in an earlier step",
        "steps[3].ballots.perhaps: 'perhaps' is not an option (yes, no, abstain)",
        "steps[3].at: 1917-06-23 08:00 UTC is before 1917-06-24 08:03 UTC, "
        "when the step before it ended",
        "steps[4].act: 'dance' is not an act (acts: answer, check-in, check-out, close, "
        "close-poll, hear, item, matter, motion, open, petition, put-on-agenda, resume, "
        "rule-out, schedule, speeches, suspend, take-up, vote, withdraw)",
    ]
    path = tmp_path / "mistakes.toml"
    path.write_text(MISTAKES, encoding="utf-8")
    out = tmp_path / "out"

    result = runner.invoke(
        app, ["scenario", "run", str(path), "--db", fresh_database_url, "--out", str(out)]
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 7
    assert all(line.startswith(f"error: {path}: steps[") for line in lines)
    assert not out.exists()
    assert _counts(fresh_database_url) == (0, 0)


UNKNOWN_NAMES = """
[scenario]
title = "Names"
example = "petrograd-1917"
start = 1917-06-24T08:00:00Z

[[steps]]
act = "schedule"
label = "conference"
body = "regimental-convention"
title = "Sitting"

[[steps]]
act = "check-in"
sitting = "conference"
delegates = ["N. I. Karpov", "Comrade Nobody", { constituency = "Atlantis Regiment" }]

[[steps]]
act = "vote"
sitting = "conference"
question = "Adjourn?"
by_faction = { anarchists = "yes" }
"""


def test_names_not_in_the_organization_are_reported_before_any_act(
    fresh_database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "names.toml"
    path.write_text(UNKNOWN_NAMES, encoding="utf-8")

    result = runner.invoke(app, ["scenario", "run", str(path), "--db", fresh_database_url])

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {path}: steps[0].body: no body 'regimental-convention' in petrograd-1917",
        f"error: {path}: steps[1].delegates[1]: no delegate named 'Comrade Nobody' holds a "
        "mandate in petrograd-1917",
        f"error: {path}: steps[1].delegates[2]: no constituency 'Atlantis Regiment' in "
        "petrograd-1917",
        f"error: {path}: steps[2].by_faction.anarchists: no faction 'anarchists' in petrograd-1917",
    ]
    assert _counts(fresh_database_url) == (0, 0)


NO_QUORUM = """
[scenario]
title = "Thin attendance"
example = "petrograd-1917"
start = 1917-06-24T08:00:00Z

[[steps]]
act = "schedule"
label = "conference"
body = "regimental-conference"
title = "Sitting"

[[steps]]
act = "open"
sitting = "conference"

[[steps]]
act = "check-in"
sitting = "conference"
delegates = ["N. I. Karpov", { constituency = "Pavlovsky Regiment" }]

[[steps]]
act = "vote"
label = "guns"
sitting = "conference"
question = "Twenty-four machine guns per battalion?"
ballots = { yes = 2 }
"""


def test_an_act_the_rules_refuse_names_its_step_and_leaves_nothing(
    fresh_database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "thin.toml"
    path.write_text(NO_QUORUM, encoding="utf-8")
    with pytest.raises(TaurideError) as caught:
        _replay(fresh_database_url, path)
    assert caught.value.problems == [
        "steps[3] (vote 'guns'): no quorum: 2 of 16 voting members present, 6 needed"
    ]
    assert _counts(fresh_database_url) == (0, 0)

    result = runner.invoke(app, ["scenario", "run", str(path), "--db", fresh_database_url])

    assert result.exit_code == 2
    assert "steps[3] (vote 'guns'): no quorum" in result.stderr
    assert _counts(fresh_database_url) == (0, 0)


def test_a_scenario_is_replayed_into_an_organization_of_its_own(
    session: Session, tmp_path: Path
) -> None:
    scenario = parse_scenario(NO_QUORUM)
    replay(session, scenario.model_copy(update={"steps": scenario.steps[:1]}), base=tmp_path)
    with pytest.raises(Conflict, match="'petrograd-1917' is already in this database"):
        replay(session, scenario, base=tmp_path)
