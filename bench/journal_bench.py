"""Journal: building, exporting and verifying a hash chain, against raw SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial

from measure import (
    Settings,
    anchor,
    fmt_count,
    fmt_rate,
    fmt_ratio,
    fmt_time,
    measure,
    print_table,
)
from tauride.domain.journal import (
    ChainVerification,
    JournalEntry,
    canonical_json,
    export_line,
    format_instant,
    next_entry,
    verify_chain,
    verify_export,
)

_HASHED = ("height", "prev_hash", "at", "actor", "kind", "payload")
_FACTIONS = ("bolsheviks", "mensheviks", "srs", "anarchists", "non-party")
_STATUSES = ("recalled", "resigned", "expired")


def make_payloads(n: int, seed: int) -> list[dict[str, object]]:
    """Realistic acts: a mandate ending, about 200 bytes of canonical JSON each.

    The petition's signer is named only by a salted commitment (an HMAC-SHA256 in hex), as
    the journal requires of personal data.
    """
    rng = random.Random(seed)  # noqa: S311 -- reproducible payloads, not secrets
    salt = rng.randbytes(32)
    return [
        {
            "mandate": 1_000 + i,
            "constituency": f"Putilov Works, shop {rng.randrange(1, 60)}",
            "faction": rng.choice(_FACTIONS),
            "status": rng.choice(_STATUSES),
            "represents": rng.randrange(100, 5_000),
            "petition": hmac.new(salt, f"roll-{i}".encode(), hashlib.sha256).hexdigest(),
        }
        for i in range(n)
    ]


def instants(n: int) -> list[str]:
    """One instant a second from a fixed start, in the journal's text form."""
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    return [format_instant(start + timedelta(seconds=i)) for i in range(n)]


def build_chain(payloads: Sequence[dict[str, object]], ats: Sequence[str]) -> list[JournalEntry]:
    """The chain of one entry per payload, built with `next_entry` as the service does."""
    entries: list[JournalEntry] = []
    previous: JournalEntry | None = None
    for payload, at in zip(payloads, ats, strict=True):
        previous = next_entry(
            previous, at=at, actor="secretary", kind="mandate.ended", payload=payload
        )
        entries.append(previous)
    return entries


def _hash_bytes(bodies: Sequence[bytes]) -> None:
    for body in bodies:
        hashlib.sha256(body).hexdigest()


def _canonicalize_and_hash(fields: Sequence[dict[str, object]]) -> None:
    for body in fields:
        hashlib.sha256(canonical_json(body)).hexdigest()


def _export(entries: Sequence[JournalEntry]) -> list[str]:
    return [export_line(entry) for entry in entries]


def _checked(verify: Callable[[], ChainVerification], n: int, head: str) -> None:
    result = verify()
    if not (result.ok and result.count == n and result.head_hash == head):
        raise SystemExit(f"journal verification failed: {result.summary()}")


def run(settings: Settings) -> None:
    """Measure the chain operations on one chain and compare them with raw SHA-256."""
    n = 1_000 if settings.quick else 10_000
    payloads = make_payloads(n, settings.seed)
    ats = instants(n)
    entries = build_chain(payloads, ats)
    head = entries[-1].hash
    fields = [{name: entry.to_dict()[name] for name in _HASHED} for entry in entries]
    bodies = [canonical_json(body) for body in fields]
    lines = _export(entries)
    dicts = [entry.to_dict() for entry in entries]
    _checked(partial(verify_chain, dicts), n, head)
    _checked(partial(verify_export, lines), n, head)

    sha, by_sha = anchor(partial(_hash_bytes, bodies), settings)
    subjects: list[tuple[str, Callable[[], object]]] = [
        ("RFC 8785 canonical JSON + SHA-256", partial(_canonicalize_and_hash, fields)),
        ("next_entry: build the chain", partial(build_chain, payloads, ats)),
        ("export_line: write the export", partial(_export, entries)),
        ("verify_chain of the entries' dicts", partial(verify_chain, dicts)),
        ("verify_export of the export lines", partial(verify_export, lines)),
    ]
    measured = [("SHA-256 of the canonical bytes", sha, 1.0)]
    for label, fn in subjects:
        timing = measure(fn, settings, [by_sha])
        measured.append((label, timing, timing.ratios[0]))
    rows = [
        [label, fmt_time(t.seconds), t.how, fmt_rate(n / t.seconds), fmt_ratio(ratio)]
        for label, t, ratio in measured
    ]
    payload_bytes = sum(len(canonical_json(p)) for p in payloads) / n
    line_bytes = sum(len(line.encode("utf-8")) for line in lines) / n
    print_table(
        f"2. Journal — one chain of {fmt_count(n)} entries, median time for all of them",
        ["operation", "time", "samples", "entries/s", "× SHA-256"],
        rows,
        [
            "Anchor: hashlib.sha256 over the same canonical bytes, precomputed; each ratio is"
            " the median of paired samples.",
            f"Payloads average {payload_bytes:.0f} bytes of canonical JSON;"
            f" export lines average {line_bytes:.0f} bytes.",
            "Both verifications were checked once to accept the chain with the right head.",
        ],
    )
