"""The journal's hash chain: building, hashing, exporting and verifying entries."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tauride.domain.commitments import commitment, new_salt, verify_commitment
from tauride.domain.journal import (
    GENESIS_HASH,
    ChainVerification,
    JournalEntry,
    canonical_json,
    entry_hash,
    export_line,
    format_instant,
    next_entry,
    parse_instant,
    read_export,
    utc_now_instant,
    verify_chain,
    verify_export,
)

START = datetime(1917, 3, 12, 14, 0, tzinfo=UTC)


def build_chain(n: int) -> list[JournalEntry]:
    entries: list[JournalEntry] = []
    previous: JournalEntry | None = None
    for i in range(n):
        previous = next_entry(
            previous,
            at=START + timedelta(minutes=i),
            actor="cli:secretariat" if i % 2 else f"person:{i}",
            kind="sitting.opened" if i % 3 else "motion.carried",
            payload={"seq": i, "sizes": [500, 1000 + i], "note": f"act {i}"},
        )
        entries.append(previous)
    return entries


def cast_int(value: object) -> int:
    assert isinstance(value, int)
    return value


def cast_dict(value: object) -> dict[str, object]:
    assert isinstance(value, dict)
    return value


def as_dicts(entries: list[JournalEntry]) -> list[dict[str, object]]:
    return [e.to_dict() for e in entries]


def as_lines(entries: list[JournalEntry]) -> list[str]:
    return [export_line(e) for e in entries]


def test_a_chain_of_several_entries_verifies() -> None:
    chain = build_chain(6)
    result = verify_chain(as_dicts(chain))
    assert result == ChainVerification(True, 6, chain[-1].hash, None, None)
    assert result.summary() == f"ok: 6 entries, head {chain[-1].hash}"
    assert verify_export(as_lines(chain)) == result


def test_first_entry_follows_genesis_and_heights_start_at_one() -> None:
    chain = build_chain(3)
    assert [e.height for e in chain] == [1, 2, 3]
    assert chain[0].prev_hash == GENESIS_HASH == "0" * 64
    assert chain[1].prev_hash == chain[0].hash
    assert chain[2].prev_hash == chain[1].hash


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("payload", {"seq": 2, "sizes": [500, 1003], "note": "act 2"}),
        ("actor", "person:99"),
        ("at", "1917-03-12T14:02:00.000001Z"),
        ("kind", "motion.lost"),
    ],
)
def test_altering_one_field_is_caught_at_that_height(field: str, value: object) -> None:
    entries = as_dicts(build_chain(5))
    entries[2][field] = value
    result = verify_chain(entries)
    assert not result.ok
    assert result.bad_height == 3
    assert result.reason == "hash mismatch: the entry was altered"
    assert result.count == 2
    assert result.head_hash == entries[1]["hash"]
    assert result.summary() == "height 3: hash mismatch: the entry was altered"


def test_removing_an_entry_in_the_middle_is_caught_as_a_gap() -> None:
    entries = as_dicts(build_chain(8))
    del entries[4]
    result = verify_chain(entries)
    assert (result.ok, result.bad_height) == (False, 5)
    assert result.reason == "expected height 5, found 6 (entries missing)"


def test_reordering_entries_is_caught() -> None:
    entries = as_dicts(build_chain(5))
    entries[1], entries[2] = entries[2], entries[1]
    result = verify_chain(entries)
    assert (result.ok, result.bad_height) == (False, 2)
    assert result.reason == "expected height 2, found 3 (entries missing)"


def test_a_repeated_entry_is_caught() -> None:
    entries = as_dicts(build_chain(4))
    entries.insert(3, entries[2])
    result = verify_chain(entries)
    assert (result.ok, result.bad_height) == (False, 4)
    assert result.reason == "expected height 4, found 3 (entry repeated or out of order)"


def test_renumbered_chain_is_caught_by_the_hash() -> None:
    entries = as_dicts(build_chain(5))
    del entries[2]
    for e in entries[2:]:
        e["height"] = cast_int(e["height"]) - 1
    result = verify_chain(entries)
    assert (result.ok, result.bad_height) == (False, 3)
    assert result.reason == "prev_hash does not match the hash of entry 2"


def test_prev_hash_tampering_is_caught() -> None:
    entries = as_dicts(build_chain(4))
    entries[3]["prev_hash"] = "f" * 64
    result = verify_chain(entries)
    assert (result.bad_height, result.reason) == (
        4,
        "prev_hash does not match the hash of entry 3",
    )
    entries = as_dicts(build_chain(4))
    entries[0]["prev_hash"] = "1" * 64
    result = verify_chain(entries)
    assert (result.bad_height, result.count, result.head_hash) == (1, 0, None)
    assert result.reason == "prev_hash of the first entry is not the genesis hash"


def test_a_rewritten_entry_with_a_fresh_hash_breaks_the_next_link() -> None:
    entries = as_dicts(build_chain(4))
    prev_hash, at = str(entries[1]["prev_hash"]), str(entries[1]["at"])
    forged_hash = entry_hash(2, prev_hash, at, "person:forger", "motion.lost", {})
    entries[1].update(actor="person:forger", kind="motion.lost", payload={}, hash=forged_hash)
    result = verify_chain(entries)
    assert (result.bad_height, result.reason) == (
        3,
        "prev_hash does not match the hash of entry 2",
    )


def test_a_truncated_final_line_is_caught_at_its_height() -> None:
    lines = as_lines(build_chain(4))
    lines[-1] = lines[-1][: len(lines[-1]) // 2]
    result = verify_export(lines)
    assert (result.ok, result.count, result.bad_height) == (False, 3, 4)
    assert result.reason == "line 4 is not valid JSON (truncated?)"
    assert result.head_hash == json.loads(lines[2])["hash"]


def test_an_empty_export_is_not_ok() -> None:
    for lines in ([], ["\n"], ["", "  \n"]):
        result = verify_export(lines)
        assert not result.ok
        assert result.summary() == "height 1: the export holds no entries"
    assert verify_chain([]).ok  # an empty chain is consistent; only an export must hold one


def test_blank_trailing_lines_are_fine_but_not_blank_lines_between_entries() -> None:
    lines = as_lines(build_chain(3))
    assert verify_export([*lines, "\n", "\r\n", ""]).ok
    result = verify_export([lines[0], "\n", lines[1], lines[2]])
    assert (result.bad_height, result.reason) == (2, "line 2 is blank")


def test_export_lines_that_are_not_entries_are_reported() -> None:
    line = export_line(build_chain(1)[0])
    assert verify_export(["[1, 2]"]).reason == "line 1 is not a JSON object"
    assert verify_export(['{"height": 1, "height": 1}']).reason == (
        "line 1 has a duplicate key 'height'"
    )
    assert verify_export([line.replace('"actor"', '"extra":1,"actor"')]).reason == (
        "unexpected field 'extra'"
    )
    assert verify_export([line.replace(',"hash":', ',"hush":')]).reason == ("missing field 'hash'")
    assert verify_export([line.replace('"height":1', '"height":"1"')]).reason == (
        "field 'height' must be a positive integer"
    )
    floaty = line.replace('"seq":0', '"seq":0.5')
    assert verify_export([floaty]).reason == (
        "payload.seq: floats are not allowed; write a decimal string"
    )


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("hash", "ABC", "field 'hash' must be 64 lower-case hex digits"),
        ("prev_hash", None, "field 'prev_hash' must be 64 lower-case hex digits"),
        ("at", 1917, "field 'at' is not an instant"),
        ("actor", "person:\x071", "field 'actor' must not hold control characters"),
        ("payload", [1], "payload: must be a JSON object, found list"),
        ("payload", {"\ud800": 1}, "payload: key '\\ud800' holds a lone surrogate"),
    ],
)
def test_malformed_fields_in_an_export_are_reported(field: str, value: object, reason: str) -> None:
    entries: list[object] = list(as_dicts(build_chain(2)))
    entries[1] = {**cast_dict(entries[1]), field: value}
    result = verify_chain(entries)  # type: ignore[arg-type]
    assert result.bad_height == 2
    assert str(result.reason).startswith(reason)


def test_something_other_than_an_object_is_reported() -> None:
    result = verify_chain([["not", "an", "entry"]])  # type: ignore[list-item]
    assert result.summary() == "height 1: the entry is not a JSON object"


def test_nesting_is_bounded() -> None:
    deep: object = 1
    for _ in range(70):
        deep = [deep]
    with pytest.raises(ValueError, match=r"payload\.d(\[0\])+: nested deeper than 64 levels"):
        next_entry(None, at=START, actor="system", kind="a.b", payload={"d": deep})
    result = verify_export(["[" * 200_000])
    assert result.reason == "line 1 is not valid JSON (truncated?)"


def test_read_export_yields_entries_in_order() -> None:
    chain = build_chain(3)
    read = list(read_export(as_lines(chain)))
    assert [JournalEntry.from_dict(d) for d in read if isinstance(d, Mapping)] == chain


def test_export_line_escapes_unicode_line_separators() -> None:
    entry = next_entry(
        None, at=START, actor="system", kind="organization.created", payload={"n": "a\u2028b"}
    )
    text = export_line(entry)
    assert len(text.splitlines()) == 1
    assert verify_export(text.splitlines()).ok


def test_hash_is_independent_of_key_order_in_the_payload() -> None:
    forward = {"a": 1, "b": {"x": "1", "y": [1, 2]}, "c": None}
    backward = {"c": None, "b": {"y": [1, 2], "x": "1"}, "a": 1}
    args = (1, GENESIS_HASH, "2024-01-31T12:00:00.000000Z", "system", "organization.created")
    assert entry_hash(*args, forward) == entry_hash(*args, backward)
    assert canonical_json(forward) == canonical_json(backward)


def test_known_answer_matches_a_hash_computed_by_hand() -> None:
    at = "1905-10-13T18:30:00.000000Z"
    payload = {"name": "St. Petersburg Soviet", "ratio": 500, "plants": ["Putilov", "Obukhov"]}
    body = {
        "height": 1,
        "prev_hash": "0" * 64,
        "at": at,
        "actor": "cli:secretariat",
        "kind": "organization.created",
        "payload": payload,
    }
    # On ASCII text and integers, sorted compact JSON coincides with RFC 8785.
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected = hashlib.sha256(text.encode("utf-8")).hexdigest()
    got = entry_hash(1, GENESIS_HASH, at, "cli:secretariat", "organization.created", payload)
    assert got == expected
    entry = next_entry(
        None, at=at, actor="cli:secretariat", kind="organization.created", payload=payload
    )
    assert entry.hash == expected


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"sizes": [500, 1000, 250, 0.5]}, r"^payload\.sizes\[3\]: floats are not allowed"),
        ({"a": {"b": [{"c": 1.0}]}}, r"^payload\.a\.b\[0\]\.c: floats are not allowed"),
        ({"odd key": 2.5}, r'^payload\["odd key"\]: floats are not allowed'),
        ({"n": 2**53}, r"^payload\.n: integers beyond"),
        ({"s": "\ud800"}, r"^payload\.s: text holds a lone surrogate"),
        ({"when": START}, r"^payload\.when: datetime is not a JSON value"),
        ({"m": {1: "x"}}, r"^payload\.m: keys must be strings"),
    ],
)
def test_inexact_or_non_json_payloads_are_refused_with_their_path(
    payload: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        next_entry(None, at=START, actor="system", kind="organization.created", payload=payload)
    with pytest.raises(ValueError, match=message):
        entry_hash(1, GENESIS_HASH, format_instant(START), "system", "x.y", payload)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "Organization.Created"}, "dotted lower-case name"),
        ({"kind": "created"}, "dotted lower-case name"),
        ({"actor": ""}, "non-empty string"),
        ({"actor": "person:1\n"}, "non-empty string"),
        ({"at": "2024-01-31T12:00:00Z"}, "field 'at' is not an instant"),
        ({"at": "2024-02-30T12:00:00.000000Z"}, "field 'at' is not an instant"),
    ],
)
def test_malformed_fields_are_refused(changes: dict[str, str], message: str) -> None:
    fields: dict[str, object] = {
        "at": "2024-01-31T12:00:00.000000Z",
        "actor": "system",
        "kind": "organization.created",
        "payload": {},
    }
    fields.update(changes)
    with pytest.raises(ValueError, match=message):
        next_entry(None, **fields)  # type: ignore[arg-type]


def test_entries_round_trip_through_their_export_form() -> None:
    chain = build_chain(3)
    for entry in chain:
        assert JournalEntry.from_dict(entry.to_dict()) == entry
        assert JournalEntry.from_dict(json.loads(export_line(entry))) == entry
    altered = chain[1].to_dict()
    altered["actor"] = "person:77"
    with pytest.raises(ValueError, match="hash mismatch"):
        JournalEntry.from_dict(altered)
    assert len({*chain, *chain}) == 3


def test_the_payload_is_copied_so_later_changes_do_not_desynchronize_the_hash() -> None:
    payload: dict[str, object] = {"sizes": [1, 2]}
    entry = next_entry(None, at=START, actor="system", kind="a.b", payload=payload)
    payload["sizes"] = [3]
    entry.to_dict()["payload"] = {}
    assert entry.recomputed_hash() == entry.hash
    assert verify_chain([entry.to_dict()]).ok


def test_instants_are_utc_with_microseconds_and_z() -> None:
    moscow = timezone(timedelta(hours=3))
    assert format_instant(datetime(1917, 3, 12, 17, 0, tzinfo=moscow)) == (
        "1917-03-12T14:00:00.000000Z"
    )
    assert format_instant(datetime(24, 1, 2, 3, 4, 5, 6, tzinfo=UTC)) == (
        "0024-01-02T03:04:05.000006Z"
    )
    with pytest.raises(ValueError, match="naive"):
        format_instant(datetime(2024, 1, 1))  # noqa: DTZ001 -- the naive value under test
    now = utc_now_instant()
    assert parse_instant(now).tzinfo is UTC
    assert format_instant(parse_instant(now)) == now


def test_commitments_hide_the_value_and_depend_on_the_salt() -> None:
    salt, other_salt = new_salt(), new_salt()
    assert len(salt) == 32
    assert salt != other_salt
    c = commitment(salt, "Ivanov, Putilov works, roll 1043")
    assert len(c) == 64
    assert "Ivanov" not in c
    assert c != commitment(other_salt, "Ivanov, Putilov works, roll 1043")
    assert verify_commitment(salt, "Ivanov, Putilov works, roll 1043", c)
    assert not verify_commitment(salt, "Petrov, Putilov works, roll 1043", c)
    with pytest.raises(ValueError, match="at least 16"):
        commitment(b"short", "x")


# --- properties -------------------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text()
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
payloads = st.dictionaries(st.text(max_size=8), json_values, max_size=4)
words = st.sampled_from(["organization", "motion", "speakers_list", "poll2", "created", "closed"])
kinds = st.lists(words, min_size=2, max_size=3).map(".".join)
actors = st.sampled_from(["system", "cli:secretariat", "person:1", "person:Ж-42"])
instants = st.datetimes(
    min_value=datetime(1900, 1, 1),  # noqa: DTZ001 -- Hypothesis takes naive bounds
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001 -- and attaches the zone below
    timezones=st.just(UTC),
)
steps = st.tuples(instants, actors, kinds, payloads)


def chain_of(steps_list: list[tuple[datetime, str, str, dict[str, object]]]) -> list[JournalEntry]:
    entries: list[JournalEntry] = []
    previous: JournalEntry | None = None
    for at, actor, kind, payload in steps_list:
        previous = next_entry(previous, at=at, actor=actor, kind=kind, payload=payload)
        entries.append(previous)
    return entries


@given(st.lists(steps, min_size=1, max_size=8))
def test_any_chain_built_by_next_entry_verifies(
    steps_list: list[tuple[datetime, str, str, dict[str, object]]],
) -> None:
    chain = chain_of(steps_list)
    result = verify_export(as_lines(chain))
    assert result == ChainVerification(True, len(chain), chain[-1].hash, None, None)


def _flipped(field: str, value: object) -> object:
    if field == "height":
        return cast_int(value) + 1
    if field in {"prev_hash", "hash"}:
        text = str(value)
        return ("1" if text[0] == "0" else "0") + text[1:]
    if field == "at":
        return format_instant(parse_instant(str(value)) + timedelta(microseconds=1))
    if field in {"actor", "kind"}:
        return str(value) + "x"
    assert isinstance(value, dict)
    return {**value, "flipped": value.get("flipped", 0) == 0}


@given(
    st.lists(steps, min_size=1, max_size=6),
    st.data(),
    st.sampled_from(["height", "prev_hash", "at", "actor", "kind", "payload", "hash"]),
)
def test_flipping_any_field_of_any_entry_is_caught_at_its_height(
    steps_list: list[tuple[datetime, str, str, dict[str, object]]],
    data: st.DataObject,
    field: str,
) -> None:
    entries = as_dicts(chain_of(steps_list))
    index = data.draw(st.integers(0, len(entries) - 1), label="index")
    entries[index][field] = _flipped(field, entries[index][field])
    result = verify_chain(entries)
    assert not result.ok
    assert result.bad_height == index + 1
    assert result.count == index
    lines = [json.dumps(e, ensure_ascii=False) for e in entries]
    assert verify_export(lines) == result
