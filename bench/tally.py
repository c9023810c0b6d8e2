"""Counting: Tauride's tally engine against pref-voting and pyrankvote on the same profiles.

Run ``python bench/tally.py [--quick]``. Seeded profiles of 10 candidates and 10,000,
100,000 and 1,000,000 ballots (``--quick``: 10,000 only) are drawn from a few Mallows
clusters around reference rankings, each ballot cut to a random length 1..10, and held as
distinct rankings with counts. Tauride counts them by IRV, Scottish STV, Meek, Schulze and
ranked pairs and builds the pairwise matrix; pref-voting and pyrankvote count the same
ballots in the same run. Every figure is measured here, never asserted; an oracle call
that would pass the cap is stopped or, extrapolated from the next smaller profile, not
run, and the estimate is printed instead. The winners are compared, and the issue's
targets are checked against the figures of this run.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import os
import platform
import signal
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import version
from types import FrameType
from typing import Any

import numpy as np
import pyrankvote
from pref_voting.iterative_methods import instant_runoff
from pref_voting.margin_based_methods import beat_path, ranked_pairs
from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.proportional_methods import stv_meek, stv_scottish

from measure import Probe, Settings, Timing, fmt_count, fmt_ratio, fmt_time, measure, print_table
from tauride.domain.tally.condorcet import pairwise_matrix
from tauride.domain.tally.methods import count
from tauride.domain.tally.profile import NO_CANDIDATE, IntArray, Profile
from tauride.domain.tally.records import CountResult

SIZES = (10_000, 100_000, 1_000_000)
CANDIDATES = 10
SEATS = 3
CLUSTERS = 4
LOT_SEED = 1  # the seed every Tauride count draws its lots from
SINGLE = 5.0  # seconds: a call slower than this is timed once
TRACE_LIMIT = 1.0  # seconds: a slower oracle call is not repeated under tracemalloc
TARGET_SECONDS = 1.0  # IRV, Scottish STV, Meek on 1M ballots
TARGET_PAIRWISE = 0.5  # the pairwise matrix from 1M ballots
TARGET_RATIO = 100.0  # at least this many times faster than each oracle
TARGET_BALLOTS = 1_000_000

# (label, Tauride method, seats); "pairwise" is the matrix alone.
TAURIDE = (
    ("irv", "irv", 1),
    ("scottish-stv", "scottish-stv", SEATS),
    ("meek", "meek", SEATS),
    ("schulze", "schulze", 1),
    ("ranked-pairs", "ranked-pairs", 1),
    ("pairwise", "pairwise", 1),
)


# ---------------------------------------------------------------- profiles


def mallows(rng: np.random.Generator, centre: IntArray, phi: float, voters: int) -> IntArray:
    """Complete rankings near `centre` (Mallows, dispersion phi), one per row.

    Repeated insertion: the i-th candidate of the centre goes in at place j <= i with
    weight phi ** (i - j). All voters at once: `places[v, i]` is where the i-th
    candidate stands so far, and an insertion at j moves down every place >= j.
    """
    n = len(centre)
    draws = rng.random((voters, n))
    places = np.zeros((voters, n), dtype=np.int8)
    for i in range(n):
        weights = phi ** np.arange(i, -1, -1, dtype=float)
        cdf = np.cumsum(weights) / weights.sum()
        at = np.minimum(np.searchsorted(cdf, draws[:, i], side="right"), i).astype(np.int8)
        places[:, :i] += places[:, :i] >= at[:, None]
        places[:, i] = at
    return np.asarray(centre[np.argsort(places, axis=1)], dtype=np.int64)


def clustered_ballots(voters: int, seed: int) -> IntArray:
    """Seeded ballots, one per row, padded with NO_CANDIDATE: Mallows clusters, truncated."""
    rng = np.random.default_rng(seed)
    centres = [rng.permutation(CANDIDATES) for _ in range(CLUSTERS)]
    phis = rng.uniform(0.5, 0.85, CLUSTERS)
    sizes = rng.multinomial(voters, rng.dirichlet(np.full(CLUSTERS, 2.0)))
    full = np.concatenate(
        [
            mallows(rng, c, float(phi), int(k))
            for c, phi, k in zip(centres, phis, sizes, strict=True)
        ]
    )
    lengths = rng.integers(1, CANDIDATES + 1, size=voters)
    return np.where(np.arange(CANDIDATES)[None, :] < lengths[:, None], full, NO_CANDIDATE)


def compress(ballots: IntArray) -> tuple[IntArray, IntArray]:
    """Distinct rows of the padded ballot matrix and how often each occurs (np.unique).

    Each row is packed into one integer (base n + 1, the blank as digit 0), which orders
    rows as `np.unique(ballots, axis=0)` would and sorts many times faster.
    """
    base = CANDIDATES + 1
    powers = base ** np.arange(CANDIDATES - 1, -1, -1, dtype=np.int64)
    codes, counts = np.unique((ballots + 1) @ powers, return_counts=True)
    rankings = (codes[:, None] // powers) % base - 1
    return rankings.astype(np.int64), counts.astype(np.int64)


@dataclass
class Election:
    """One seeded profile, as Tauride holds it, with the lists the oracles are built from."""

    ballots: int
    seed: int
    profile: Profile
    rows: list[list[int]]
    counts: list[int]
    seconds: float  # drawing the ballots and compressing them


def election(ballots: int, seed: int) -> Election:
    """Draw the ballots and build Tauride's Profile from the arrays directly."""
    start = time.perf_counter()
    rankings, counts = compress(clustered_ballots(ballots, seed))
    profile = Profile(
        candidates=tuple(f"c{i}" for i in range(CANDIDATES)),
        rankings=rankings,
        counts=counts,
        seats=SEATS,
    )
    seconds = time.perf_counter() - start
    rows = [[int(c) for c in row if c != NO_CANDIDATE] for row in rankings]
    return Election(ballots, seed, profile, rows, [int(c) for c in counts], seconds)


# ---------------------------------------------------------------- timing


class Stopped(Exception):
    """An oracle call ran past the cap and was interrupted."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise Stopped inside the block once `seconds` of wall time have passed (POSIX)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Stopped

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def traced_peak(fn: Callable[[], object]) -> int:
    """Peak bytes allocated during one call of `fn` over what was allocated before it."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _sample(fn: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def paired(
    fn: Callable[[], object], once: float, settings: Settings, against: Sequence[Probe]
) -> Timing:
    """Samples of `fn` after a first call that took `once` seconds, paired with anchors.

    As `measure.measure`, but the first call, already made, is the warm-up; a call slower
    than SINGLE seconds is that one sample alone, paired with one sample of each anchor.
    """
    if once >= SINGLE:
        return Timing(once, 1, 1, tuple(once / _sample(p.fn, p.calls) for p in against))
    calls = max(1, math.ceil(settings.min_sample / once))
    samples_wanted = max(settings.repeats, math.ceil(settings.spread / (once * calls)))
    samples: list[float] = []
    pairs: list[list[float]] = [[] for _ in against]
    for _ in range(samples_wanted):
        seconds = _sample(fn, calls)
        samples.append(seconds)
        for probe, pair in zip(against, pairs, strict=True):
            pair.append(seconds / _sample(probe.fn, probe.calls))
    medians = tuple(statistics.median(r) for r in pairs)
    return Timing(statistics.median(samples), samples_wanted, calls, medians)


@dataclass
class Run:
    """An oracle call at one size: its figures, or why it was not run or not finished."""

    timing: Timing | None = None
    result: Any = None
    peak: int | None = None
    stopped: bool = False
    estimate: float | None = None  # seconds, when not run
    first: float | None = None  # seconds of the first call (stopped: the cap)
    no_profile: bool = False  # not run because the oracle's profile was not built


@dataclass
class Budget:
    """Which oracle calls to run: the last size and time of each, for extrapolation."""

    cap: float
    last: dict[str, tuple[int, float, bool]] = field(default_factory=dict)

    def estimate(self, key: str, units: int) -> tuple[float | None, bool]:
        """Extrapolated seconds at `units` (linear), and whether the call was stopped before."""
        if key not in self.last:
            return None, False
        before_units, before_seconds, stopped = self.last[key]
        return before_seconds * units / before_units, stopped

    def allows(self, key: str, units: int) -> bool:
        """Whether a call is expected to finish under the cap at this size."""
        est, stopped = self.estimate(key, units)
        return not stopped and (est is None or est <= self.cap)

    def note(self, key: str, units: int, seconds: float, stopped: bool = False) -> None:
        self.last[key] = (units, seconds, stopped)


def skipped(key: str, units: int, budget: Budget, no_profile: bool = False) -> Run:
    """A call not run at this size: its extrapolated time, or that it was stopped before."""
    est, stopped = budget.estimate(key, units)
    if stopped:
        return Run(stopped=True, no_profile=no_profile)
    if est is not None:
        budget.note(key, units, est)
    return Run(estimate=est, no_profile=no_profile)


def run_oracle(
    key: str,
    fn: Callable[[], object],
    units: int,
    budget: Budget,
    settings: Settings,
    against: Sequence[Probe],
) -> Run:
    """Run an oracle call under the cap, time it against the anchors and trace its memory."""
    if not budget.allows(key, units):
        return skipped(key, units, budget)
    gc.collect()
    start = time.perf_counter()
    try:
        with deadline(budget.cap):
            result = fn()
    except Stopped:
        budget.note(key, units, budget.cap, stopped=True)
        return Run(stopped=True, first=budget.cap)
    once = time.perf_counter() - start
    budget.note(key, units, once)
    timing = paired(fn, once, settings, against)
    peak = traced_peak(fn) if once <= TRACE_LIMIT else None
    return Run(timing=timing, result=result, peak=peak, first=once)


# ---------------------------------------------------------------- Tauride


@dataclass
class Ours:
    """Tauride's figures for one method at one size."""

    timing: Timing
    probe: Probe
    peak: int
    result: CountResult | IntArray


def tauride_call(profile: Profile, method: str, seats: int) -> Callable[[], object]:
    if method == "pairwise":
        return partial(pairwise_matrix, profile)
    return partial(count, profile, method, seats=seats, seed=LOT_SEED)


def run_tauride(profile: Profile, settings: Settings) -> dict[str, Ours]:
    """Time every Tauride method on the profile, and trace the peak memory of each."""
    out: dict[str, Ours] = {}
    for label, method, seats in TAURIDE:
        fn = tauride_call(profile, method, seats)
        result = fn()
        assert isinstance(result, CountResult | np.ndarray)
        timing = measure(fn, settings)
        out[label] = Ours(timing, Probe(fn, timing.calls), traced_peak(fn), result)
    return out


def elected(result: CountResult | IntArray) -> tuple[str, ...]:
    assert isinstance(result, CountResult)
    return result.elected


# ---------------------------------------------------------------- oracles


def pref_voting_profile(e: Election) -> Any:
    """pref-voting's profile of truncated ballots: a ranked candidate above any unranked."""
    profile = ProfileWithTies(
        [{c: place + 1 for place, c in enumerate(row)} for row in e.rows],
        e.counts,
        candidates=list(range(CANDIDATES)),
    )
    profile.use_extended_strict_preference()
    return profile


def pyrankvote_ballots(e: Election) -> tuple[list[Any], list[Any]]:
    """pyrankvote's candidates and its ballots, one list entry per ballot cast.

    One Ballot object per distinct ranking, listed as often as it was cast: pyrankvote
    still visits every entry in its count; the sharing only spares building objects.
    The entries come in a seeded random order, as ballots arrive, not grouped by ranking.
    """
    candidates = [pyrankvote.Candidate(f"c{i}") for i in range(CANDIDATES)]
    grouped: list[Any] = []
    for row, k in zip(e.rows, e.counts, strict=True):
        grouped.extend([pyrankvote.Ballot([candidates[c] for c in row])] * k)
    order = np.random.default_rng(e.seed).permutation(len(grouped))
    return candidates, [grouped[i] for i in order]


def winners_of(result: Any) -> tuple[str, ...]:
    """Winner names out of pref-voting's candidate list or pyrankvote's results."""
    if isinstance(result, pyrankvote.helpers.ElectionResults):
        return tuple(str(c) for c in result.get_winners())
    return tuple(f"c{int(c)}" for c in result)


def agreement(label: str, ours: Ours, theirs: Any, tied_ok: bool) -> str:
    """Whether the oracle's winners are ours: 'yes', or what differs."""
    if label == "pairwise":
        d = ours.result
        assert isinstance(d, np.ndarray)
        same = all(
            int(d[a, b]) == theirs.support(a, b)
            for a in range(CANDIDATES)
            for b in range(CANDIDATES)
            if a != b
        )
        return "yes (same counts)" if same else "no: counts differ"
    result = ours.result
    assert isinstance(result, CountResult)
    names = winners_of(theirs)
    if sorted(names) == sorted(result.elected) and not result.tied:
        return "yes"
    if tied_ok and len(names) > 1 and result.elected[0] in names:
        return f"tie {{{', '.join(names)}}}; ours {result.elected[0]}"
    return f"no: {', '.join(sorted(names))} against {', '.join(sorted(result.elected))}"


# ---------------------------------------------------------------- one size


@dataclass
class Row:
    """One line of an oracle table."""

    ballots: int
    label: str
    function: str
    run: Run
    ours: Ours  # the Tauride figure it is compared with
    ratio_index: int = 0  # which of the run's anchors that is
    agrees: str = ""


@dataclass
class Sizes:
    """Everything measured, by size, for the tables and the targets."""

    profiles: list[list[str]] = field(default_factory=list)
    ours: dict[int, dict[str, Ours]] = field(default_factory=dict)
    pref_voting: list[Row] = field(default_factory=list)
    pyrankvote: list[Row] = field(default_factory=list)


PREF_VOTING = (
    ("irv", "instant_runoff"),
    ("scottish-stv", "stv_scottish"),
    ("meek", "stv_meek"),
    ("schulze", "beat_path"),
    ("ranked-pairs", "ranked_pairs"),
    ("pairwise", "use_extended_strict_preference"),
)


def pref_voting_call(label: str, theirs: Any) -> Callable[[], object]:
    calls: dict[str, Callable[[], object]] = {
        "irv": partial(instant_runoff, theirs),
        "scottish-stv": partial(stv_scottish, theirs, num_seats=SEATS),
        "meek": partial(stv_meek, theirs, num_seats=SEATS),
        "schulze": partial(beat_path, theirs, strength_function=theirs.support),
        "ranked-pairs": partial(ranked_pairs, theirs),
        "pairwise": theirs.use_extended_strict_preference,
    }
    return calls[label]


def against_pref_voting(
    e: Election, ours: dict[str, Ours], settings: Settings, budget: Budget, rows: list[Row]
) -> str:
    """Build pref-voting's profile and run its methods; return the construction's figure.

    Its loops run over the distinct rankings, so its times are extrapolated by them.
    """
    distinct = len(e.rows)
    theirs: Any = None
    if budget.allows("profile", distinct):
        gc.collect()
        start = time.perf_counter()
        theirs = pref_voting_profile(e)
        seconds = time.perf_counter() - start
        budget.note("profile", distinct, seconds)
        build = fmt_time(seconds)
    else:
        est, _ = budget.estimate("profile", distinct)
        assert est is not None
        budget.note("profile", distinct, est)
        build = f"not run (est. {fmt_time(est)})"
    for label, function in PREF_VOTING:
        if theirs is None:
            run = skipped(label, distinct, budget, no_profile=True)
        else:
            call = pref_voting_call(label, theirs)
            run = run_oracle(label, call, distinct, budget, settings, [ours[label].probe])
        row = Row(e.ballots, label, function, run, ours[label])
        if label == "pairwise" and run.timing is not None:
            row.agrees = agreement(label, ours[label], theirs, True)
        elif run.result is not None:
            row.agrees = agreement(label, ours[label], run.result, True)
        rows.append(row)
    return build


def against_pyrankvote(
    e: Election, ours: dict[str, Ours], settings: Settings, budget: Budget, rows: list[Row]
) -> str:
    """Build pyrankvote's ballots and count them; return the building's time.

    It passes over every ballot, so its times are extrapolated by the ballots.
    """
    start = time.perf_counter()
    candidates, ballots = pyrankvote_ballots(e)
    made = fmt_time(time.perf_counter() - start)
    irv = partial(pyrankvote.instant_runoff_voting, candidates, ballots)
    run = run_oracle("irv", irv, e.ballots, budget, settings, [ours["irv"].probe])
    row = Row(e.ballots, "irv", "instant_runoff_voting", run, ours["irv"])
    if run.result is not None:
        row.agrees = agreement("irv", ours["irv"], run.result, False)
    rows.append(row)
    stv = partial(pyrankvote.single_transferable_vote, candidates, ballots, number_of_seats=SEATS)
    anchors = [ours["scottish-stv"].probe, ours["meek"].probe]
    run = run_oracle("stv", stv, e.ballots, budget, settings, anchors)
    for index, label in enumerate(("scottish-stv", "meek")):
        row = Row(e.ballots, label, "single_transferable_vote", run, ours[label], index)
        if run.result is not None:
            row.agrees = agreement(label, ours[label], run.result, False)
        rows.append(row)
    return made


def measure_size(e: Election, settings: Settings, budgets: dict[str, Budget], sizes: Sizes) -> None:
    """Count one profile by Tauride and by both oracles, and keep every figure."""
    ours = run_tauride(e.profile, settings)
    sizes.ours[e.ballots] = ours
    build = against_pref_voting(e, ours, settings, budgets["pref-voting"], sizes.pref_voting)
    gc.collect()
    made = against_pyrankvote(e, ours, settings, budgets["pyrankvote"], sizes.pyrankvote)
    gc.collect()
    ranked = (e.profile.rankings != NO_CANDIDATE).sum(axis=1)
    mean_length = float((ranked * e.profile.counts).sum()) / e.ballots
    sizes.profiles.append(
        [
            fmt_count(e.ballots),
            fmt_count(len(e.rows)),
            f"{mean_length:.2f}",
            str(e.seed),
            fmt_time(e.seconds),
            build,
            made,
        ]
    )


# ---------------------------------------------------------------- output


def fmt_bytes(n: int | None) -> str:
    """Bytes in the largest decimal unit they reach."""
    if n is None:
        return "not traced"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} B"


def oracle_cells(row: Row, cap: float) -> tuple[str, str, str, str]:
    """Time, samples, peak memory and ratio of an oracle row, or why there are none."""
    run = row.run
    ours = row.ours.timing.seconds
    if run.timing is not None:
        ratio = run.timing.ratios[row.ratio_index]
        return (
            fmt_time(run.timing.seconds),
            run.timing.how,
            fmt_bytes(run.peak),
            fmt_ratio(ratio),
        )
    if run.stopped and run.first is not None:
        return (f"> {fmt_time(cap)} (stopped)", "1 × 1", "—", f"> {fmt_ratio(cap / ours)}")
    if run.stopped:
        return ("not run (stopped on a smaller profile)", "—", "—", "—")
    if run.estimate is not None:
        why = "no profile; " if run.no_profile else ""
        return (
            f"not run ({why}est. {fmt_time(run.estimate)})",
            "—",
            "—",
            f"est. {fmt_ratio(run.estimate / ours)}",
        )
    return ("not run", "—", "—", "—")


def print_oracle_table(title: str, rows: list[Row], cap: float, notes: Sequence[str]) -> None:
    lines = []
    for row in rows:
        seconds, how, peak, ratio = oracle_cells(row, cap)
        lines.append(
            [
                fmt_count(row.ballots),
                row.label,
                row.function,
                seconds,
                how,
                peak,
                fmt_time(row.ours.timing.seconds),
                ratio,
                row.agrees or "—",
            ]
        )
    print_table(
        title,
        [
            "ballots",
            "Tauride method",
            "oracle call",
            "oracle time",
            "samples",
            "oracle peak",
            "Tauride",
            "oracle/Tauride",
            "same winners",
        ],
        lines,
        notes,
        left=(0, 1, 2, 8),
    )


def print_tauride_table(sizes: Sizes) -> None:
    rows = []
    for ballots, ours in sizes.ours.items():
        for label, method, seats in TAURIDE:
            figure = ours[label]
            if method == "pairwise":
                outcome = "10 × 10 int64"
            else:
                result = figure.result
                assert isinstance(result, CountResult)
                outcome = ", ".join(result.elected)
                if result.tied:
                    outcome += f" (tied: {', '.join(result.tied)})"
            rows.append(
                [
                    fmt_count(ballots),
                    label if method == "pairwise" else f"{label} ({seats})",
                    fmt_time(figure.timing.seconds),
                    figure.timing.how,
                    fmt_bytes(figure.peak),
                    outcome,
                ]
            )
    print_table(
        "Tauride: count(profile, method, seats=…, seed=…); pairwise: pairwise_matrix(profile)",
        ["ballots", "method (seats)", "time", "samples", "peak memory", "elected"],
        rows,
        [
            "peak memory: tracemalloc peak during one separate call (NumPy's arrays included)",
            f"every lot is drawn from seed {LOT_SEED}",
        ],
        left=(0, 1, 5),
    )


@dataclass
class Verdict:
    target: str
    measured: str
    reached: str


def ratio_verdict(rows: list[Row], label: str, biggest: int, cap: float) -> tuple[str, str]:
    """The ratio on the largest profile for the target, measured or else bounded/estimated."""
    at = [r for r in rows if r.label == label]
    if not at or biggest < TARGET_BALLOTS:
        return "—", f"not assessed (largest profile {fmt_count(biggest)} ballots)"
    target = next(r for r in at if r.ballots == TARGET_BALLOTS)
    ours = target.ours.timing.seconds
    run = target.run
    if run.timing is not None:
        ratio = run.timing.ratios[target.ratio_index]
        return fmt_ratio(ratio), "yes" if ratio >= TARGET_RATIO else "no"
    measured = [r for r in at if r.run.timing is not None or (r.run.stopped and r.run.first)]
    below = ""
    if measured:
        last = measured[-1]
        if last.run.timing is not None:
            ratio = last.run.timing.ratios[last.ratio_index]
            below = f"; {fmt_ratio(ratio)} measured at {fmt_count(last.ballots)}"
        else:
            bound = cap / last.ours.timing.seconds
            below = f"; > {fmt_ratio(bound)} at {fmt_count(last.ballots)} (stopped)"
    if run.estimate is not None:
        ratio = run.estimate / ours
        verdict = "yes" if ratio >= TARGET_RATIO else "no"
        return f"est. {fmt_ratio(ratio)}{below}", f"{verdict} by estimate (oracle not run at 1M)"
    if run.stopped and below:
        return f"not run at 1M{below}", "not measured at 1M (lower bound on a smaller profile)"
    return "—", "not assessed"


def print_targets(sizes: Sizes, cap: float) -> None:
    biggest = max(sizes.ours)
    ours = sizes.ours[biggest]
    verdicts: list[Verdict] = []
    big = biggest >= TARGET_BALLOTS
    for label, name in (("irv", "IRV"), ("scottish-stv", "Scottish STV"), ("meek", "Meek")):
        seconds = ours[label].timing.seconds
        verdicts.append(
            Verdict(
                f"{name}, 1M ballots, under {fmt_time(TARGET_SECONDS)}",
                fmt_time(seconds) if big else "—",
                ("yes" if seconds < TARGET_SECONDS else "no") if big else "not assessed",
            )
        )
        for oracle, rows in (("pref-voting", sizes.pref_voting), ("pyrankvote", sizes.pyrankvote)):
            measured, reached = ratio_verdict(rows, label, biggest, cap)
            verdicts.append(
                Verdict(
                    f"{name}, 1M, ≥ {TARGET_RATIO:.0f}× faster than {oracle}", measured, reached
                )
            )
    for label, name in (
        ("pairwise", "pairwise matrix"),
        ("schulze", "whole Schulze count"),
        ("ranked-pairs", "whole ranked-pairs count"),
    ):
        seconds = ours[label].timing.seconds
        target = f"{name}, 1M ballots, under {fmt_time(TARGET_PAIRWISE)}"
        if label != "pairwise":
            target += " (beyond the target)"
        verdicts.append(
            Verdict(
                target,
                fmt_time(seconds) if big else "—",
                ("yes" if seconds < TARGET_PAIRWISE else "no") if big else "not assessed",
            )
        )
    print_table(
        "Targets of the issue (Tauride's figures of this run on the 1,000,000-ballot profile)",
        ["target", "measured", "reached"],
        [[v.target, v.measured, v.reached] for v in verdicts],
        [
            "ratios as in the tables above: median of paired samples, oracle / Tauride",
            "est.: the oracle's time extrapolated linearly from the next smaller profile",
        ],
        left=(0, 1, 2),
    )


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="bench/tally.py",
        description="Time Tauride's counts against pref-voting and pyrankvote.",
    )
    parser.add_argument("--quick", action="store_true", help="10,000 ballots only: a smoke run")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Measure every size and print the tables and the targets."""
    args = parse_args(argv)
    settings = (
        Settings(quick=True, repeats=3, min_sample=0.005, spread=0.05)
        if args.quick
        else Settings(quick=False, repeats=3, min_sample=0.02, spread=0.3)
    )
    cap = 5.0 if args.quick else 20.0
    sizes_run = SIZES[:1] if args.quick else SIZES
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"Tauride {version('tauride')} counting benchmark ({'quick' if args.quick else 'full'}"
        f" run) — Python {platform.python_version()}, NumPy {np.__version__},"
        f" pref-voting {version('pref-voting')}, pyrankvote {version('pyrankvote')};"
        f" {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, load average {load}"
    )
    print(
        f"Profiles: {CANDIDATES} candidates, ballots from {CLUSTERS} Mallows clusters around"
        " seeded reference rankings (dispersion 0.5..0.85), each cut to a random length"
        f" 1..{CANDIDATES};\nheld as distinct rankings with counts. Multi-seat counts fill"
        f" {SEATS} seats. Times: median of at least {settings.repeats} samples after a warm-up"
        " call (the first call is the\nwarm-up for the oracles); calls shorter than"
        f" {fmt_time(settings.min_sample)} are repeated within a sample ('samples' reads"
        f" samples × calls); a call over {fmt_time(SINGLE)} is\ntimed once (1 × 1). Each oracle"
        " sample is followed at once by a sample of the Tauride call it is compared with;"
        " a ratio is the\nmedian of those pairs. An oracle call is stopped after"
        f" {fmt_time(cap)}, and not run on a larger profile when its time, extrapolated"
        " linearly\n(pref-voting: by distinct rankings; pyrankvote: by ballots), would pass"
        " that cap."
    )
    budgets = {"pref-voting": Budget(cap), "pyrankvote": Budget(cap)}
    sizes = Sizes()
    started = time.perf_counter()
    for n in sizes_run:
        e = election(n, 1917 + n)
        measure_size(e, settings, budgets, sizes)
        del e
        gc.collect()
        print(f"  ({fmt_count(n)} ballots measured: {fmt_time(time.perf_counter() - started)})")

    print_table(
        "Profiles",
        [
            "ballots",
            "distinct rankings",
            "mean length",
            "seed",
            "drawn + compressed",
            "pref-voting profile",
            "pyrankvote ballots",
        ],
        sizes.profiles,
        [
            "pref-voting profile: ProfileWithTies of the distinct rankings with their counts,"
            " then use_extended_strict_preference()",
            "  (a ranked candidate above any unranked, Tauride's rule); both passes count every"
            " pair, so this includes two pairwise matrices",
            "pyrankvote ballots: a list with one entry per ballot (one Ballot object per distinct"
            " ranking), in a seeded random order as cast;",
            "  not part of any timed count",
        ],
        left=(),
    )
    print_tauride_table(sizes)
    print_oracle_table(
        "pref-voting on the same profiles (its ProfileWithTies, built beforehand)",
        sizes.pref_voting,
        cap,
        [
            "instant_runoff: on a ProfileWithTies it excludes every candidate tied for fewest"
            " first preferences at once and reports",
            "  a final tie as several winners; Tauride breaks an exclusion tie backwards, then by"
            " lot. beat_path: strength = support",
            "  (winning votes, as Tauride). ranked_pairs: margins, every winner under some order"
            " of equal margins (Tauride: one, by TBRC).",
            "beat_path and ranked_pairs only read the pairwise counts its profile made when built;"
            " use_extended_strict_preference is",
            "  that pairwise count alone, compared with Tauride's pairwise_matrix.",
            "stv_scottish, stv_meek: pref-voting's floating-point STV (tol 1e-10 for Meek);"
            " Tauride counts exactly (Meek to 9 decimals).",
            "oracle peak: tracemalloc peak during one separate call; not traced for a call over"
            f" {fmt_time(TRACE_LIMIT)} (tracemalloc slows such Python code several-fold).",
        ],
    )
    print_oracle_table(
        "pyrankvote on the same profiles (count only: building its Ballot list is not timed)",
        sizes.pyrankvote,
        cap,
        [
            "single_transferable_vote is pyrankvote's own STV: quota = valid ballots / (seats + 1),"
            " reached when equalled; a surplus spread",
            "  evenly over every ballot its candidate holds, whatever their values; all who cannot"
            " catch up excluded together; ties by",
            "  most second preferences. One timing, compared with Scottish STV and with Meek: a"
            " different winner set reflects its rules.",
            "instant_runoff_voting likewise excludes together all who cannot catch up, ties by"
            " most second preferences.",
            "oracle peak: tracemalloc peak during one separate call (its ballots were allocated"
            " before); not traced over"
            f" {fmt_time(TRACE_LIMIT)}.",
        ],
    )
    print_targets(sizes, cap)
    print(f"\nTotal wall time: {fmt_time(time.perf_counter() - started)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
