"""Glasgow City Council 2007: Scottish STV elects the councillors of all 21 wards.

The ballots and the list of winners live in `shared/data/glasgow-2007`, beside the
repository. The Calton figures are those of the reference count shipped with the Droop
STV package (fixed point, five decimals), stage by stage.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tauride.domain.tally.blt import parse_blt
from tauride.domain.tally.records import CountResult
from tauride.domain.tally.stv_scottish import scottish_stv

ROOT = Path(__file__).resolve().parents[3]
GLASGOW = ROOT / ".." / "shared" / "data" / "glasgow-2007"

# Outside CI the data may be missing on a developer's machine; in CI it must be there.
if not GLASGOW.is_dir() and os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
    pytest.skip(f"Glasgow 2007 ballots not found at {GLASGOW}", allow_module_level=True)


def spaced(name: str) -> str:
    """A name with its runs of spaces closed up: the README writes names tidily."""
    return " ".join(name.split())


def expected_wards() -> list[tuple[str, int, int, set[str]]]:
    """The README's table: ward, seats, ballots and the councillors elected."""
    rows = []
    for line in (GLASGOW / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[1].isdigit():
            ward, seats, ballots, elected = cells
            rows.append((ward, int(seats), int(ballots), {spaced(e) for e in elected.split(",")}))
    return rows


WARDS = expected_wards()


def count_ward(ward: str) -> CountResult:
    path = GLASGOW / f"{ward}.blt"
    profile = parse_blt(path.read_text(encoding="utf-8"), path.name)
    return scottish_stv(profile, seats=profile.seats, seed=0)


def test_the_readme_lists_21_wards() -> None:
    assert len(WARDS) == 21


@pytest.mark.parametrize(("ward", "seats", "ballots", "elected"), WARDS, ids=[w[0] for w in WARDS])
def test_scottish_stv_elects_the_glasgow_councillors(
    ward: str, seats: int, ballots: int, elected: set[str]
) -> None:
    result = count_ward(ward)
    assert result.seats == seats
    assert result.ballots == ballots
    assert {spaced(name) for name in result.elected} == elected
    assert result.quota == ballots // (seats + 1) + 1
    # No Glasgow ward needed a lot, and every stage accounts for every valid vote.
    assert result.lot_seed is None
    for stage in result.rounds:
        assert sum(stage.totals.values()) + Decimal(stage.non_transferable) == ballots


def test_calton_stage_figures_match_the_reference_count() -> None:
    result = count_ward("Calton-2007")
    names = list(result.rounds[0].totals)
    stages = {
        # Stage 2: George Redmond's surplus of 682 at 682 / 1982 per paper.
        2: "130.40863 224.84953 325.39812 250.84953 245.79587 217.36585 134.94634"
        " 1300.00000 1035.05847 1175.68855",
        # Stage 8: Alison E Thewliss's surplus, elected at stage 7.
        8: "0 0 461.35742 412.58571 0 0 0 1300.00000 1199.81406 1300.00000",
        # Stage 10: Fiacra Fullerton excluded; Ruth Simpson reaches the quota.
        10: "0 0 0 0 0 0 0 1300.00000 1393.86735 1300.00000",
    }
    exhausted = {2: "158.62549", 8: "525.21759", 10: "1205.10743"}
    for stage, figures in stages.items():
        got = result.rounds[stage - 1]
        assert got.totals == dict(zip(names, map(Decimal, figures.split()), strict=True))
        note = re.search(r"non-transferable: ([0-9.]+) on exhausted papers", got.note)
        assert note is not None
        assert note.group(1) == exhausted[stage]
    assert result.elected == ("George Redmond", "Alison E Thewliss", "Ruth Simpson")
    assert len(result.rounds) == 10
