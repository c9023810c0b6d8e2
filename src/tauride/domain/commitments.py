"""Salted commitments: what journal payloads carry instead of constituents' personal data."""

from __future__ import annotations

import hashlib
import hmac
import secrets

_MIN_SALT_BYTES = 16


def new_salt() -> bytes:
    """Decide a fresh random salt for `commitment` (32 bytes from the OS's CSPRNG)."""
    return secrets.token_bytes(32)


def commitment(salt: bytes, value: str) -> str:
    """Decide the salted commitment a payload carries instead of a constituent's data.

    HMAC-SHA256 keyed with ``salt``, in hex. The salt is stored beside the personal data,
    outside the journal. While both are kept, anyone holding them can show which record
    an entry refers to; on a request to erase, deleting the data and its salt leaves the
    commitment as an opaque string that nobody can link back — names and roll numbers are
    too few to resist guessing without the salt — while the entry, and so the chain,
    is unchanged and still verifies.
    """
    if len(salt) < _MIN_SALT_BYTES:
        raise ValueError(f"salt must hold at least {_MIN_SALT_BYTES} random bytes")
    return hmac.new(salt, value.encode("utf-8"), hashlib.sha256).hexdigest()


def verify_commitment(salt: bytes, value: str, committed: str) -> bool:
    """Decide whether ``committed`` is the commitment to ``value`` under ``salt``."""
    return hmac.compare_digest(commitment(salt, value), committed)
