"""Lots: the last resort of a tie rule, drawn reproducibly from a recorded seed."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def draw_lot(seed: int, tied: Sequence[str], purpose: str) -> str:
    """Pick one of `tied` by lot, the same way every time for the same seed and purpose.

    The draw hashes the seed, the purpose ("exclude at stage 4") and the tied names in
    sorted order, so that it depends neither on the order the caller lists them in nor
    on anything but what the record shows: anyone holding the seed can redraw it.
    """
    if not tied:
        raise ValueError("a lot needs at least one candidate")
    names = sorted(tied)
    material = "\x1f".join([str(seed), purpose, *names]).encode("utf-8")
    digest = int.from_bytes(hashlib.sha256(material).digest(), "big")
    return names[digest % len(names)]


def seed_from_bytes(data: bytes) -> int:
    """A default seed derived from the ballots themselves (64 bits of their SHA-256)."""
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big")
