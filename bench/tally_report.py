"""Tables and targets of the counting benchmark, from the figures of one run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from measure import Probe, Timing, fmt_count, fmt_ratio, fmt_time, print_table
from tally_profiles import SEATS
from tally_timing import Run
from tauride.domain.tally.profile import IntArray
from tauride.domain.tally.records import CountResult

LOT_SEED = 1  # the seed every Tauride count draws its lots from
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


@dataclass
class Ours:
    """Tauride's figures for one method at one size."""

    timing: Timing
    probe: Probe
    peak: int
    result: CountResult | IntArray


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
    compressed: dict[int, float] = field(default_factory=dict)  # seconds to build the Profile


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


def with_profile_verdict(sizes: Sizes, label: str, biggest: int) -> tuple[str, str]:
    """pyrankvote's count against Tauride's Profile built from the raw ballots plus its count."""
    if biggest < TARGET_BALLOTS:
        return "—", "not assessed"
    row = next(r for r in sizes.pyrankvote if r.label == label and r.ballots == TARGET_BALLOTS)
    if row.run.timing is None:
        return "—", "not measured (pyrankvote not run at 1M)"
    ours = row.ours.timing.seconds + sizes.compressed[TARGET_BALLOTS]
    ratio = row.run.timing.seconds / ours
    shown = f"{fmt_ratio(ratio)} ({fmt_time(ours)} in all)"
    return shown, "yes" if ratio >= TARGET_RATIO else "no"


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
    for label, name in (("irv", "IRV"), ("scottish-stv", "Scottish STV"), ("meek", "Meek")):
        measured, reached = with_profile_verdict(sizes, label, biggest)
        verdicts.append(
            Verdict(
                f"{name}, 1M, Profile built from the raw ballots + count,"
                f" ≥ {TARGET_RATIO:.0f}× faster than pyrankvote (beyond the target)",
                measured,
                reached,
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
            "ratios as in the tables above: median of paired samples, oracle / Tauride; the counts"
            " start from each package's own ballots in memory",
            "Profile built + count: Tauride's count plus building its Profile from the 1M ballot"
            " rows (Profiles table); a ratio of medians",
            "est.: the oracle's time extrapolated linearly from the next smaller profile",
        ],
        left=(0, 1, 2),
    )
