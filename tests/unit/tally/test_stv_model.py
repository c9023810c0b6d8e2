"""Scottish STV and exact WIGM against a slow, obvious model that moves one paper at a time.

The model below follows rules 45-52 of the Scottish Order literally: a list of ballot
papers, each with its value, sorted into parcels by candidate; Decimal arithmetic
truncated to five places (or Fraction for WIGM). It shares nothing with the fast count
but the lot (`draw_lot`, which is the record's contract) and the reading of the tie rule
documented in `stv_scottish`.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tauride.domain.tally.lots import draw_lot
from tauride.domain.tally.profile import Profile
from tauride.domain.tally.stv_scottish import scottish_stv
from tauride.domain.tally.wigm import wigm

FIVE_PLACES = Decimal("0.00001")


@dataclass
class Paper:
    preferences: list[int]
    value: Any


@dataclass
class ModelResult:
    elected: list[str]
    stages: list[dict[str, Any]]
    non_transferable: list[Any]
    decisions: list[list[tuple[str, tuple[str, ...]]]]
    lot: bool


Decisions = list[tuple[str, tuple[str, ...]]]


class ReturningOfficer:
    """Counts a profile paper by paper, as the rules tell a returning officer to."""

    def __init__(self, profile: Profile, seats: int, seed: int, *, exact: bool) -> None:
        self.names, self.seats, self.seed, self.exact = profile.candidates, seats, seed, exact
        self.standing = [c for c in range(len(self.names)) if c not in profile.withdrawn]
        one = Fraction(1) if exact else Decimal(1)
        papers = [
            Paper([c for c in ranking if c in self.standing], one)
            for count, ranking in profile.ballots()
            for _ in range(count)
        ]
        papers = [p for p in papers if p.preferences]  # rule 45: only valid papers count
        valid = len(papers)
        # Rule 46 (Scottish); the exact Droop quota (WIGM).
        self.quota: Any = Fraction(valid, seats + 1) if exact else Decimal(valid // (seats + 1) + 1)
        self.zero: Any = 0 * self.quota
        self.continuing = set(self.standing)
        self.parcels: dict[int, list[Paper]] = {c: [] for c in self.standing}
        for paper in papers:
            self.parcels[paper.preferences[0]].append(paper)
        self.totals = {c: sum((p.value for p in self.parcels[c]), self.zero) for c in self.standing}
        self.non_transferable: Any = self.zero
        self.elected: list[int] = []
        self.surpluses: list[int] = []
        self.history: list[dict[int, Any]] = []
        self.result = ModelResult([], [], [], [], lot=False)

    def reaches(self, total: Any) -> bool:
        # Rule 47: equal or exceed (Scottish); exceed the exact quota (WIGM).
        return bool(total > self.quota) if self.exact else bool(total >= self.quota)

    def transfer_value(self, value: Any, surplus: Any, total: Any) -> Any:
        if self.exact:
            return value * surplus / total
        with decimal.localcontext() as context:
            context.prec = 60
            # Rule 48(3): to five decimal places, any remainder being ignored.
            return (value * surplus / total).quantize(FIVE_PLACES, rounding=ROUND_DOWN)

    def hand_on(self, source: int, new_values: list[Any]) -> None:
        """Sort the source's papers to their next available preferences, at new values."""
        for paper, value in zip(self.parcels[source], new_values, strict=True):
            paper.value = value
            target = next((c for c in paper.preferences if c in self.continuing), None)
            if target is None:
                self.non_transferable += value
            else:
                self.parcels[target].append(paper)
                self.totals[target] += value
        self.parcels[source] = []

    def elect_new(self, decisions: Decisions) -> None:
        reached = [c for c in self.continuing if self.reaches(self.totals[c])]
        new = sorted(reached, key=lambda c: (-self.totals[c], c))
        for c in new[: self.seats - len(self.elected)]:
            self.continuing.discard(c)
            self.elected.append(c)
            if self.totals[c] > self.quota:
                self.surpluses.append(c)
            decisions.append(("elected", (self.names[c],)))

    def settle(self, tied: list[int], highest: bool, purpose: str, decisions: Decisions) -> int:
        """Rules 49(2)-(3) and 51(2): look back stage by stage, then draw a lot."""
        group = sorted(tied)
        for then in reversed(self.history):
            best = (max if highest else min)(then[c] for c in group)
            if any(then[c] != best for c in group):
                group = [c for c in group if then[c] == best]
                if len(group) == 1:
                    decisions.append(("tie", tuple(self.names[c] for c in sorted(tied))))
                    return group[0]
        self.result.lot = True
        drawn = draw_lot(self.seed, [self.names[c] for c in group], purpose)
        decisions.append(("lot", tuple(self.names[c] for c in group)))
        return next(c for c in group if self.names[c] == drawn)

    def close_stage(self, decisions: Decisions) -> None:
        self.history.append(dict(self.totals))
        self.result.stages.append({self.names[c]: self.totals[c] for c in self.standing})
        self.result.non_transferable.append(self.non_transferable)
        self.result.decisions.append(decisions)

    def transfer_largest_surplus(self, stage: int, decisions: Decisions) -> None:
        largest = max(self.totals[c] for c in self.surpluses)
        tied = [c for c in self.surpluses if self.totals[c] == largest]
        source = tied[0]
        if len(tied) > 1:
            source = self.settle(tied, True, f"surplus at stage {stage}", decisions)
        self.surpluses.remove(source)
        total = self.totals[source]
        surplus = total - self.quota
        values = [self.transfer_value(p.value, surplus, total) for p in self.parcels[source]]
        self.hand_on(source, values)
        # What truncation cut off the surplus is lost: non-transferable too.
        self.non_transferable += surplus - sum(values, self.zero)
        self.totals[source] = self.quota

    def exclude_fewest(self, stage: int, decisions: Decisions) -> None:
        lowest = min(self.totals[c] for c in self.continuing)
        tied = [c for c in self.continuing if self.totals[c] == lowest]
        source = tied[0]
        if len(tied) > 1:
            source = self.settle(tied, False, f"exclusion at stage {stage}", decisions)
        self.continuing.discard(source)
        decisions.append(("excluded", (self.names[source],)))
        # Rule 50(4): every paper at the value it had when the candidate received it.
        self.hand_on(source, [p.value for p in self.parcels[source]])
        self.totals[source] = self.zero

    def count(self) -> ModelResult:
        stage = 1
        decisions: Decisions = []
        self.elect_new(decisions)
        self.close_stage(decisions)
        while len(self.elected) < self.seats:
            if len(self.continuing) <= self.seats - len(self.elected):
                # Rule 52: the continuing candidates fill the last vacancies, no transfer.
                last = sorted(self.continuing, key=lambda c: (-self.totals[c], c))
                self.elected.extend(last)
                self.result.decisions[-1].extend(("elected", (self.names[c],)) for c in last)
                break
            stage += 1
            decisions = []
            if self.surpluses:  # rules 48 and 49: surpluses first, the largest first
                self.transfer_largest_surplus(stage, decisions)
            else:  # rules 50 and 51
                self.exclude_fewest(stage, decisions)
            self.elect_new(decisions)
            self.close_stage(decisions)
        self.result.elected = [self.names[c] for c in self.elected]
        return self.result


def assert_same(profile: Profile, seats: int, seed: int, *, exact: bool) -> None:
    if exact:
        fast = wigm(profile, seats=seats, seed=seed)
    else:
        fast = scottish_stv(profile, seats=seats, seed=seed)
    slow = ReturningOfficer(profile, seats, seed, exact=exact).count()
    assert list(fast.elected) == slow.elected
    assert [r.totals for r in fast.rounds] == slow.stages
    assert [r.non_transferable for r in fast.rounds] == slow.non_transferable
    assert [[(d.action, d.candidates) for d in r.decisions] for r in fast.rounds] == [
        list(d) for d in slow.decisions
    ]
    assert (fast.lot_seed is not None) == slow.lot


NAMES = ("Ada", "Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina")


@st.composite
def profiles(draw: st.DrawFn) -> tuple[Profile, int]:
    n = draw(st.integers(3, 7))
    seats = draw(st.integers(1, 3))
    ranking = st.permutations(list(range(n))).flatmap(
        lambda order: st.integers(0, n).map(lambda k: order[:k])
    )
    ballots = draw(st.lists(st.tuples(st.integers(1, 4), ranking), max_size=25))
    total = 0
    kept: list[tuple[int, Sequence[int]]] = []
    for count, prefs in ballots:
        if total + count <= 60:
            kept.append((count, prefs))
            total += count
    withdrawn = draw(st.sets(st.integers(0, n - 1), max_size=1))
    profile = Profile.from_ballots(NAMES[:n], kept, seats=seats, withdrawn=withdrawn)
    return profile, draw(st.integers(0, 2**32))


@settings(max_examples=150, deadline=None)
@given(profiles())
def test_scottish_stv_matches_the_paper_by_paper_model(case: tuple[Profile, int]) -> None:
    profile, seed = case
    assert_same(profile, profile.seats, seed, exact=False)


@settings(max_examples=75, deadline=None)
@given(profiles())
def test_exact_wigm_matches_the_paper_by_paper_model(case: tuple[Profile, int]) -> None:
    profile, seed = case
    assert_same(profile, profile.seats, seed, exact=True)


def clustered_profile(rng: np.random.Generator) -> Profile:
    """Voters in two or three blocs around party lines, with some truncated rankings."""
    n = int(rng.integers(3, 8))
    blocs = [rng.permutation(n) for _ in range(int(rng.integers(2, 4)))]
    ballots: list[tuple[int, list[int]]] = []
    for _ in range(int(rng.integers(1, 61))):
        order = list(blocs[int(rng.integers(len(blocs)))])
        for _ in range(int(rng.integers(0, 3))):
            i, j = rng.integers(n, size=2)
            order[i], order[j] = order[j], order[i]
        ballots.append((1, order[: int(rng.integers(1, n + 1))]))
    return Profile.from_ballots(NAMES[:n], ballots, seats=int(rng.integers(1, 4)))


@pytest.mark.parametrize("seed", range(40))
def test_scottish_stv_matches_the_model_on_seeded_bloc_voting(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(5):
        profile = clustered_profile(rng)
        assert_same(profile, profile.seats, seed, exact=False)
        assert_same(profile, profile.seats, seed, exact=True)
