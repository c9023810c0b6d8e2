"""The journal: one append-only hash chain of acts per organization.

Each entry is ``{height, prev_hash, at, actor, kind, payload}``; its hash is the SHA-256 of
the entry's canonical JSON (RFC 8785), and each entry names the hash of the one before, so
altering, removing, inserting or reordering any entry breaks every later link. The first
entry (height 1) follows `GENESIS_HASH`.

Payloads are exact records: integers and decimal strings, never floats, whose printed form
differs between languages and whose value may not survive a round trip. Constituents'
personal data never enters a payload; it carries an opaque id and a commitment
(`tauride.domain.commitments`) instead.

An export is JSON Lines, one entry per line in height order (`export_line`), and
`verify_export` checks one offline.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, cast

import rfc8785

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first entry of every chain."""

# Dotted lower-case names: "organization.created", "speakers_list.opened".
_KIND = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+")
_HEX_HASH = re.compile(r"[0-9a-f]{64}")
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FIELDS = ("height", "prev_hash", "at", "actor", "kind", "payload")
_EXPORT_FIELDS = frozenset((*_FIELDS, "hash"))
# RFC 8785 §3.2.2.3 writes numbers as IEEE 754 doubles: larger integers would lose digits.
_MAX_EXACT_INT = 2**53 - 1
_MAX_DEPTH = 64

# rfc8785 types its argument narrowly; every value reaching it has been checked here.
_dumps = cast("Callable[[object], bytes]", rfc8785.dumps)


def format_instant(dt: datetime) -> str:
    """Decide the journal's text for an instant: ISO 8601 in UTC, microseconds, ``Z``.

    Naive datetimes are refused: a wall-clock time without its offset cannot be placed
    on the time line, and the record must not depend on the server's zone.
    """
    if dt.utcoffset() is None:
        raise ValueError("naive datetime: give a timezone-aware instant")
    return dt.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def utc_now_instant() -> str:
    """Decide the journal's text for the present instant."""
    return format_instant(datetime.now(UTC))


def parse_instant(text: str) -> datetime:
    """Decide the aware UTC datetime written by `format_instant`; ValueError otherwise."""
    if not _INSTANT.fullmatch(text):
        raise ValueError(f"{text!r} is not an instant like 2024-01-31T12:00:00.000000Z")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def _child_path(path: str, key: str) -> str:
    return f"{path}.{key}" if _PLAIN_KEY.fullmatch(key) else f"{path}[{json.dumps(key)}]"


def _check_json(value: object, path: str, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise ValueError(f"{path}: nested deeper than {_MAX_DEPTH} levels")
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > _MAX_EXACT_INT:
            raise ValueError(
                f"{path}: integers beyond ±(2**53 - 1) are not exact in JSON; "
                "write a decimal string"
            )
        return
    if isinstance(value, float):
        raise ValueError(f"{path}: floats are not allowed; write a decimal string")
    if isinstance(value, str):
        if not _is_unicode(value):
            raise ValueError(f"{path}: text holds a lone surrogate, not Unicode")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_json(item, f"{path}[{i}]", depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{path}: keys must be strings, found {key!r}")
            if not _is_unicode(key):
                raise ValueError(f"{path}: key {key!r} holds a lone surrogate, not Unicode")
            _check_json(item, _child_path(path, key), depth + 1)
        return
    raise ValueError(f"{path}: {type(value).__name__} is not a JSON value")


def _is_unicode(text: str) -> bool:
    # Lone surrogates have no UTF-8 form, so RFC 8785 §3.2.2.2 cannot write them.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def validate_payload(payload: object) -> None:
    """Decide whether ``payload`` may be journaled: a JSON object of exact values.

    Raises ValueError naming the path of the first bad value, for example
    ``payload.sizes[3]: floats are not allowed; write a decimal string``.
    """
    if not isinstance(payload, dict):
        raise ValueError(f"payload: must be a JSON object, found {type(payload).__name__}")
    _check_json(payload, "payload", 0)


def canonical_json(obj: object) -> bytes:
    """Decide the one canonical byte form of a JSON value (RFC 8785, JCS)."""
    return _dumps(obj)


def _hash(fields: Mapping[str, object]) -> str:
    """Decide the hash of checked fields; only the six hashed ones are read."""
    body = {name: fields[name] for name in _FIELDS}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def entry_hash(
    height: int, prev_hash: str, at: str, actor: str, kind: str, payload: Mapping[str, object]
) -> str:
    """Decide an entry's hash: hex SHA-256 of the canonical JSON of its six fields."""
    validate_payload(payload)
    fields = {"height": height, "prev_hash": prev_hash, "at": at, "actor": actor, "kind": kind}
    return _hash({**fields, "payload": payload})


def _field_problem(d: Mapping[str, object], *, with_hash: bool) -> str | None:
    """Decide what, if anything, is wrong with the fields of an entry, before any linking."""
    wanted = (*_FIELDS, "hash") if with_hash else _FIELDS
    for name in wanted:
        if name not in d:
            return f"missing field {name!r}"
    extra = sorted(str(key) for key in d if key not in _EXPORT_FIELDS)
    if extra:
        # Fields outside the hash could carry anything unnoticed; refuse them.
        return f"unexpected field {extra[0]!r}"
    height = d["height"]
    if not isinstance(height, int) or isinstance(height, bool) or not 0 < height <= _MAX_EXACT_INT:
        return "field 'height' must be a positive integer"
    for name in ("prev_hash", "hash") if with_hash else ("prev_hash",):
        value = d[name]
        if not isinstance(value, str) or not _HEX_HASH.fullmatch(value):
            return f"field {name!r} must be 64 lower-case hex digits"
    at = d["at"]
    try:
        parse_instant(at if isinstance(at, str) else "")
    except ValueError:
        return f"field 'at' is not an instant like 2024-01-31T12:00:00.000000Z: {at!r}"
    actor = d["actor"]
    if not isinstance(actor, str) or not actor or actor != actor.strip():
        return "field 'actor' must be a non-empty string without surrounding spaces"
    if not actor.isprintable():
        return "field 'actor' must not hold control characters"
    kind = d["kind"]
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        return f"field 'kind' must be a dotted lower-case name, found {kind!r}"
    try:
        validate_payload(d["payload"])
    except ValueError as exc:
        return str(exc)
    return None


@dataclass(frozen=True)
class JournalEntry:
    """One act in an organization's journal, with the hash that links the next entry to it.

    The constructor checks the fields' shapes but not the hash; `from_dict` and
    `verify_chain` check the hash as well. Treat ``payload`` as read-only.
    """

    height: int
    prev_hash: str
    at: str
    actor: str
    kind: str
    payload: Mapping[str, object]
    hash: str

    def __post_init__(self) -> None:
        problem = _field_problem(vars(self), with_hash=True)
        if problem is not None:
            raise ValueError(problem)

    def __hash__(self) -> int:
        # The payload is a dict, so the generated field-wise hash would fail; an entry is
        # identified by its chain hash anyway.
        return hash(self.hash)

    def to_dict(self) -> dict[str, object]:
        """Decide the export form of the entry: its six fields and its hash."""
        return asdict(self)  # copies the payload, so the caller may change it

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> JournalEntry:
        """Decide the entry an export form describes; ValueError if malformed or altered."""
        problem = _field_problem(d, with_hash=True)
        if problem is not None:
            raise ValueError(problem)
        entry = cls(**cast("dict[str, Any]", {name: d[name] for name in _EXPORT_FIELDS}))
        if entry.recomputed_hash() != entry.hash:
            raise ValueError(f"height {entry.height}: hash mismatch: the entry was altered")
        return entry

    def recomputed_hash(self) -> str:
        """Decide the hash the entry's six fields call for (equal to ``hash`` if unaltered)."""
        return _hash(vars(self))


def next_entry(
    previous: JournalEntry | None,
    *,
    at: str | datetime,
    actor: str,
    kind: str,
    payload: Mapping[str, object],
) -> JournalEntry:
    """Decide the entry that follows ``previous`` (or opens the chain when it is None).

    Caller holds the organization's journal lock, so that ``previous`` is still the head.
    """
    at_text = format_instant(at) if isinstance(at, datetime) else at
    height = 1 if previous is None else previous.height + 1
    prev_hash = GENESIS_HASH if previous is None else previous.hash
    fields: dict[str, object] = {
        "height": height,
        "prev_hash": prev_hash,
        "at": at_text,
        "actor": actor,
        "kind": kind,
        "payload": payload,
    }
    problem = _field_problem(fields, with_hash=False)
    if problem is not None:
        raise ValueError(problem)
    # A private copy: later changes to the caller's dict must not desynchronize the hash.
    fields["payload"] = json.loads(json.dumps(payload))
    return JournalEntry(**cast("dict[str, Any]", fields), hash=_hash(fields))


@dataclass(frozen=True)
class ChainVerification:
    """The outcome of checking a chain: ok, or the height where it broke and why."""

    ok: bool
    count: int
    """Entries that verified (all of them when ok)."""
    head_hash: str | None
    """Hash of the last entry that verified; None if none did."""
    bad_height: int | None
    """The height the chain should have had where it broke."""
    reason: str | None

    def summary(self) -> str:
        """Decide the one-line report: ``ok: N entries, head <hash>`` or ``height H: why``."""
        if self.ok:
            return f"ok: {self.count} entries, head {self.head_hash}"
        return f"height {self.bad_height}: {self.reason}"


@dataclass(frozen=True)
class UnreadableLine:
    """A line of an export that does not hold a JSON object, standing where an entry should."""

    line_number: int
    reason: str


def verify_chain(
    entries: Iterable[Mapping[str, object] | UnreadableLine],
) -> ChainVerification:
    """Decide whether entries in export form make one unbroken chain from genesis.

    For each entry, in order: its fields are present and well-formed; its height is the
    next one; its prev_hash is the previous entry's hash (or genesis); its stored hash is
    the hash of its fields. Stops at the first bad entry. An empty input verifies, with
    count 0; `verify_export` refuses an empty export.
    """
    count = 0
    head: str | None = None
    expected_prev = GENESIS_HASH

    def broken(reason: str) -> ChainVerification:
        return ChainVerification(False, count, head, count + 1, reason)

    for d in entries:
        expected = count + 1
        if isinstance(d, UnreadableLine):
            return broken(d.reason)
        if not isinstance(d, Mapping):
            return broken("the entry is not a JSON object")
        problem = _field_problem(d, with_hash=True)
        if problem is not None:
            return broken(problem)
        height = cast(int, d["height"])
        if height != expected:
            why = "entries missing" if height > expected else "entry repeated or out of order"
            return broken(f"expected height {expected}, found {height} ({why})")
        if d["prev_hash"] != expected_prev:
            if expected == 1:
                return broken("prev_hash of the first entry is not the genesis hash")
            return broken(f"prev_hash does not match the hash of entry {expected - 1}")
        stored = cast(str, d["hash"])
        if _hash(d) != stored:
            return broken("hash mismatch: the entry was altered")
        count = expected
        head = expected_prev = stored
    return ChainVerification(True, count, head, None, None)


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    d: dict[str, object] = {}
    for key, value in pairs:
        if key in d:
            # Parsers disagree on which duplicate wins; an export must mean one thing.
            raise _DuplicateKeyError(f"duplicate key {key!r}")
        d[key] = value
    return d


def read_export(lines: Iterable[str]) -> Iterator[Mapping[str, object] | UnreadableLine]:
    """Decide the entries a JSON Lines export holds, line by line, for `verify_chain`.

    A line that does not parse (a truncated last line, say) becomes an `UnreadableLine`
    in its place, so verification reports it at the height it should have had. Blank
    lines at the end are ignored; a blank line followed by more entries is reported.
    Iterate the file itself: ``str.splitlines`` also splits at U+2028 and friends.
    """
    blank_at: int | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            blank_at = blank_at or number
            continue
        if blank_at is not None:
            yield UnreadableLine(blank_at, f"line {blank_at} is blank")
            return
        try:
            value = json.loads(line, object_pairs_hook=_no_duplicate_keys)
        except _DuplicateKeyError as exc:
            reason: str | None = f"line {number} has a {exc}"
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            reason = f"line {number} is not valid JSON (truncated?)"
        else:
            reason = None if isinstance(value, dict) else f"line {number} is not a JSON object"
        if reason is not None:
            yield UnreadableLine(number, reason)
            return
        yield value


def verify_export(lines: Iterable[str]) -> ChainVerification:
    """Decide whether a JSON Lines export holds a whole, unbroken, non-empty chain."""
    result = verify_chain(read_export(lines))
    if result.ok and result.count == 0:
        return ChainVerification(False, 0, None, 1, "the export holds no entries")
    return result


def export_line(entry: JournalEntry) -> str:
    """Decide the export line of an entry: its canonical JSON and a newline.

    U+0085, U+2028 and U+2029 are written as escapes (they can only stand inside strings),
    so that tools splitting text at every Unicode line break still see one entry a line.
    """
    text = canonical_json(entry.to_dict()).decode("utf-8")
    for char in ("\x85", "\u2028", "\u2029"):
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text + "\n"
