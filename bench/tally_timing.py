"""Timing the oracles of the counting benchmark: a cap per call, paired samples, estimates.

An oracle call runs under a wall-clock cap; one that would pass it, extrapolated from the
next smaller profile, is not run, and the estimate is kept instead.
"""

from __future__ import annotations

import contextlib
import gc
import math
import signal
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from measure import Probe, Settings, Timing

SINGLE = 5.0  # seconds: a call slower than this is timed once
TRACE_LIMIT = 1.0  # seconds: a slower oracle call is not repeated under tracemalloc


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
