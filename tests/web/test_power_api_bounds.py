"""Voting power over HTTP stays within a bounded cost: a game too large to count on request
is estimated, says so and gives its 95% intervals; a small one is still counted exactly."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from tauride.db.engine import build_engine, transaction
from tauride.db.models import Constituency, Organization
from tauride.domain.bloc_power import EXACT_BUDGET, SAMPLES, SEED
from tauride.domain.power import PowerResult, banzhaf, shapley_shubik
from tauride.services.mandates import reweigh

from .conftest import Site

ORG = "petrograd-1917"
BASE = f"/api/v1/organizations/{ORG}"
POWER = f"{BASE}/bodies/plenary/power"


def _blocs(site: Site, bloc: str, weight: str) -> dict[str, int]:
    """Each bloc's weight in the plenary, summed from its voting members as the API lists them."""
    members = site.client.get(f"{BASE}/bodies/plenary/members").json()
    blocs: dict[str, int] = {}
    for m in members:
        if not m["consultative"]:
            name = m[bloc] or ("(no faction)" if bloc == "faction" else "(no constituency)")
            blocs[name] = blocs.get(name, 0) + (m["represents"] if weight == "constituents" else 1)
    return blocs


def _counted(
    blocs: dict[str, int], quota: int, count: Callable[[Sequence[int], int], PowerResult]
) -> dict[str, tuple[str, str]]:
    """The exact share ("n/d") and raw count of each bloc, counted straight by the domain."""
    result = count(list(blocs.values()), quota)
    return {
        name: (f"{v.numerator}/{v.denominator}", str(raw))
        for name, v, raw in zip(blocs, result.values, result.raw, strict=True)
    }


def test_small_games_stay_exact_and_equal_the_exact_counts(site: Site) -> None:
    cases: list[tuple[dict[str, str], Callable[[Sequence[int], int], PowerResult]]] = [
        ({"bloc": "faction"}, banzhaf),
        ({"index": "shapley-shubik", "bloc": "faction", "weight": "constituents"}, shapley_shubik),
        ({"bloc": "constituency", "weight": "constituents"}, banzhaf),
    ]
    for params, count in cases:
        game = site.client.get(POWER, params=params).json()
        blocs = _blocs(site, params["bloc"], params.get("weight", "heads"))
        assert len(blocs) ** 2 * sum(blocs.values()) // 64 <= EXACT_BUDGET
        assert (game["exact"], game["samples"], game["seed"]) == (True, None, None)
        assert game["total"] == sum(blocs.values())
        expected = _counted(blocs, game["quota"], count)
        assert {b["name"]: (b["exact"], b["raw"]) for b in game["blocs"]} == expected
        for b in game["blocs"]:
            assert b["interval"] is None
            assert b["value"] == round(float(Fraction(b["exact"])), 12)


def _swell(site: Site) -> None:
    """Make every constituency a thousand times larger, as in a congress of millions, and
    share each one's size among its delegates again (their card-vote weights)."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org_id = session.scalars(select(Organization.id).where(Organization.slug == ORG)).one()
            for c in session.scalars(
                select(Constituency).where(Constituency.organization_id == org_id)
            ):
                c.size = c.size * 1000 + c.id  # uneven, so no common divisor shrinks the game
                session.flush()
                reweigh(session, c.id)
    finally:
        engine.dispose()


def _check_estimate(game: dict[str, Any], blocs: dict[str, int]) -> None:
    assert (game["exact"], game["samples"], game["seed"]) == (False, SAMPLES, SEED)
    assert game["total"] == sum(blocs.values())
    assert {b["name"]: b["weight"] for b in game["blocs"]} == blocs
    assert abs(sum(b["value"] for b in game["blocs"]) - 1) < 1e-6
    for b in game["blocs"]:
        assert (b["exact"], b["raw"]) == (None, None)
        low, high = b["interval"]["low"], b["interval"]["high"]
        assert 0 <= low <= b["value"] <= high <= 1
        assert low < high


def test_games_too_large_to_count_are_estimated_with_intervals(site: Site) -> None:
    _swell(site)
    blocs = _blocs(site, "constituency", "constituents")
    assert len(blocs) ** 2 * sum(blocs.values()) // 64 > 100 * EXACT_BUDGET
    params = {"bloc": "constituency", "weight": "constituents"}
    first = site.client.get(POWER, params=params)
    assert first.status_code == 200, first.text
    _check_estimate(first.json(), blocs)
    assert site.client.get(POWER, params=params).json() == first.json()  # a fixed seed
    shapley = site.client.get(POWER, params={**params, "index": "shapley-shubik"}).json()
    _check_estimate(shapley, blocs)
    # A quota nobody can reach is refused before anything is counted.
    total = sum(blocs.values())
    refused = site.client.get(POWER, params={**params, "quota": total + 1})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        f"query:quota: {total + 1} exceeds the total weight {total}"
    ]
