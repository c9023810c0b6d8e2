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
import gc
import os
import platform
import sys
import time
from collections.abc import Callable
from functools import partial
from importlib.metadata import version
from typing import Any

import numpy as np
import pyrankvote
from pref_voting.iterative_methods import instant_runoff
from pref_voting.margin_based_methods import beat_path, ranked_pairs
from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.proportional_methods import stv_meek, stv_scottish

from measure import Probe, Settings, fmt_count, fmt_time, measure, print_table
from tally_profiles import CANDIDATES, CLUSTERS, SEATS, SIZES, Election, election
from tally_report import (
    LOT_SEED,
    TAURIDE,
    Ours,
    Row,
    Sizes,
    print_oracle_table,
    print_targets,
    print_tauride_table,
)
from tally_timing import SINGLE, TRACE_LIMIT, Budget, run_oracle, skipped, traced_peak
from tauride.domain.tally.condorcet import pairwise_matrix
from tauride.domain.tally.methods import count
from tauride.domain.tally.profile import NO_CANDIDATE, IntArray, Profile
from tauride.domain.tally.records import CountResult

# ---------------------------------------------------------------- Tauride


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
    sizes.compressed[e.ballots] = e.compressed
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
            fmt_time(e.drawn),
            fmt_time(e.compressed),
            build,
            made,
        ]
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
            "drawn",
            "Tauride Profile",
            "pref-voting profile",
            "pyrankvote ballots",
        ],
        sizes.profiles,
        [
            "Tauride Profile: the ballots (one row each) packed and passed through np.unique"
            " into distinct rankings with counts,",
            "  median of 3; done once per election for every method, not part of any timed count",
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
