"""Tauride benchmarks: apportionment, the journal, Merkle proofs and journal appends.

Run ``make bench``, or ``python bench/run.py [--quick] [--only SECTION]``. Every figure is
measured in this run, never asserted, and every ratio compares figures of this same run.
PostgreSQL is taken from TAURIDE_BENCH_DATABASE_URL (an admin URL; a database of the
benchmark's own is created there and dropped), and skipped when it cannot be reached.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable

import apportionment_bench
import database_bench
import journal_bench
import merkle_bench
import tauride
from measure import Settings, fmt_time

SECTIONS: dict[str, Callable[[Settings], None]] = {
    "apportionment": apportionment_bench.run,
    "journal": journal_bench.run,
    "merkle": merkle_bench.run,
    "database": database_bench.run,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description="Measure Tauride's core operations and print the figures."
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes and fewer repetitions: a smoke run"
    )
    parser.add_argument("--only", choices=tuple(SECTIONS), help="run one section only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections and print their tables; exit 1 if a check fails."""
    args = parse_args(argv)
    settings = (
        Settings(quick=True, repeats=3, min_sample=0.005, spread=0.05)
        if args.quick
        else Settings(quick=False, repeats=5, min_sample=0.02, spread=0.5)
    )
    print(
        f"Tauride {tauride.__version__} benchmarks ({'quick' if args.quick else 'full'} run)"
        f" — Python {platform.python_version()} on {platform.system()} {platform.machine()},"
        f" {os.cpu_count()} CPUs"
    )
    print(
        f"Each time is the median of at least {settings.repeats} samples (time.perf_counter)"
        f" after one warm-up call. Calls shorter than {fmt_time(settings.min_sample)} are\n"
        "repeated within a sample and divided back; cheap figures take more samples, to span"
        f" at least {fmt_time(settings.spread)}. Column 'samples' reads samples × calls.\n"
        "Each sample of a figure is followed at once by a sample of its anchor, and a ratio is"
        " the median of those pairs,\nso that a slow spell of a shared machine weighs on both"
        " sides alike."
    )
    started = time.perf_counter()
    chosen = [args.only] if args.only else list(SECTIONS)
    for name in chosen:
        section_started = time.perf_counter()
        SECTIONS[name](settings)
        print(f"  ({name}: {fmt_time(time.perf_counter() - section_started)} of wall time)")
    print(f"\nTotal wall time: {fmt_time(time.perf_counter() - started)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
