"""Timing and plain-text tables shared by the benchmark sections."""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """How hard the run measures: its scale and how many repetitions each figure takes."""

    quick: bool
    repeats: int
    """Timed samples per figure; the figure printed is their median."""
    min_sample: float
    """Seconds a sample should last at least: faster calls are repeated inside one sample."""
    seed: int = 1917


@dataclass(frozen=True)
class Timing:
    """The median time of one call, and how it was obtained."""

    seconds: float
    repeats: int
    calls: int
    """Calls inside each timed sample (more than one for calls far shorter than a sample)."""


def measure(fn: Callable[[], object], settings: Settings) -> Timing:
    """Time ``fn``: one untimed warm-up call, then ``settings.repeats`` samples, median.

    The warm-up also decides how many calls a sample batches, so that a call of a few
    microseconds is not lost in the clock's resolution. Garbage is collected before each
    sample and the collector stays on during it, as in real use.
    """
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    calls = max(1, math.ceil(settings.min_sample / max(once, 1e-9)))
    samples: list[float] = []
    for _ in range(settings.repeats):
        gc.collect()
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls)
    return Timing(statistics.median(samples), settings.repeats, calls)


def fmt_time(seconds: float) -> str:
    """A duration in the largest unit it reaches, with three significant digits or so."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            value = seconds / scale
            if value < 10:
                return f"{value:.2f} {unit}"
            if value < 100:
                return f"{value:.1f} {unit}"
            return f"{value:,.0f} {unit}"
    raise AssertionError("unreachable")


def fmt_rate(per_second: float) -> str:
    """A throughput, per second, with thousands separators."""
    if per_second >= 100:
        return f"{per_second:,.0f}"
    return f"{per_second:.3g}"


def fmt_ratio(ratio: float) -> str:
    """A ratio between two measured figures, as a multiplier."""
    if ratio >= 100:
        return f"{ratio:,.0f}×"
    return f"{ratio:.3g}×"


def fmt_count(n: int) -> str:
    """A count with thousands separators."""
    return f"{n:,}"


def print_table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    notes: Sequence[str] = (),
) -> None:
    """Print an aligned plain-text table: first column left-aligned, the others right-aligned."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    print()
    print(title)
    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
    for note in notes:
        print(f"  {note}")
