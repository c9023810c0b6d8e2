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
    """How hard the run measures: its scale and how many samples each figure takes."""

    quick: bool
    repeats: int
    """Timed samples per figure at least; the figure printed is their median."""
    min_sample: float
    """Seconds a sample should last at least: faster calls are repeated inside one sample."""
    spread: float
    """Seconds a figure's samples should span at least: cheap figures take more samples, so
    that a burst of load from elsewhere on the machine cannot cover most of them."""
    seed: int = 1917


@dataclass(frozen=True)
class Probe:
    """A call to time again beside others, as their anchor, with its calls per sample."""

    fn: Callable[[], object]
    calls: int


@dataclass(frozen=True)
class Timing:
    """The median time of one call, how it was obtained, and its ratios to anchors."""

    seconds: float
    samples: int
    calls: int
    """Calls inside each timed sample (more than one for calls far shorter than a sample)."""
    ratios: tuple[float, ...] = ()
    """Per anchor: the median of this figure's samples each divided by the anchor's sample
    taken right after it."""

    @property
    def how(self) -> str:
        """The samples and the calls in each, for a table's "samples" column."""
        return f"{self.samples} × {self.calls}"


def _sample(fn: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def measure(fn: Callable[[], object], settings: Settings, against: Sequence[Probe] = ()) -> Timing:
    """Time ``fn``: one untimed warm-up call, then timed samples, and their median.

    The warm-up also decides how many calls a sample batches, so that a call of a few
    microseconds is not lost in the clock's resolution, and how many samples to take: at
    least ``settings.repeats``, more when they would span less than ``settings.spread``.
    Each sample is followed at once by one sample of every anchor in ``against``, and the
    ratios are medians of those pairs: a slow spell of a shared machine slows both sides
    of a pair alike. Garbage is collected once, before the warm-up (a full collection
    walks every object of the process: tens of milliseconds once SQLAlchemy is loaded);
    the collector stays on during the samples, as in real use.
    """
    gc.collect()
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-9)
    calls = max(1, math.ceil(settings.min_sample / once))
    count = max(settings.repeats, math.ceil(settings.spread / (once * calls)))
    samples: list[float] = []
    paired: list[list[float]] = [[] for _ in against]
    for _ in range(count):
        seconds = _sample(fn, calls)
        samples.append(seconds)
        for probe, ratios in zip(against, paired, strict=True):
            ratios.append(seconds / _sample(probe.fn, probe.calls))
    medians = tuple(statistics.median(ratios) for ratios in paired)
    return Timing(statistics.median(samples), count, calls, medians)


def anchor(fn: Callable[[], object], settings: Settings) -> tuple[Timing, Probe]:
    """Time an anchor, and keep it as a probe to time again beside the figures it anchors."""
    timing = measure(fn, settings)
    return timing, Probe(fn, timing.calls)


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
    left: Sequence[int] = (0,),
) -> None:
    """Print an aligned plain-text table: columns in ``left`` left-aligned, others right."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.ljust(widths[i]) if i in left else cell.rjust(widths[i])
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
