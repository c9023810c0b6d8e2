"""BLT files: what is read, what is refused (every fault with its line), and round trips."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tauride.domain.tally.blt import BltError, parse_blt, write_blt
from tauride.domain.tally.profile import Profile

WARD = """4 2
-4
3 1 3 0
2 2 0
1 3 1 2 0
3 1 3 0
1 0
0
"Alice Ames"
"Boris Bell"
"Clara Cole"
"Dmitri Dunn"
"Ward 7 # east"
"""


def ballots(profile: Profile) -> dict[tuple[int, ...], int]:
    merged: dict[tuple[int, ...], int] = {}
    for count, ranking in profile.ballots():
        if count:
            merged[ranking] = merged.get(ranking, 0) + count
    return merged


def problems(text: str, source: str = "ward.blt") -> list[str]:
    with pytest.raises(BltError) as caught:
        parse_blt(text, source)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def test_reads_header_withdrawn_weights_names_and_title() -> None:
    profile = parse_blt(WARD, "ward.blt")
    assert profile.candidates == ("Alice Ames", "Boris Bell", "Clara Cole", "Dmitri Dunn")
    assert profile.seats == 2
    assert profile.withdrawn == frozenset({3})
    assert profile.title == "Ward 7 # east"
    # Equal rankings on separate lines are merged; a blank ballot is kept.
    assert ballots(profile) == {(0, 2): 6, (1,): 2, (2, 0, 1): 1, (): 1}
    assert profile.total == 10


def test_comments_blank_lines_and_a_byte_order_mark_are_tolerated() -> None:
    text = (
        "\ufeff# exported by hand\n\n3 1   # three candidates, one seat\n2 1 2 0\n\n1 3 0\n0\n"
        '"A"\n"B"\n"C" # last\n"T"\n'
    )
    profile = parse_blt(text, "x.blt")
    assert profile.candidates == ("A", "B", "C")
    assert ballots(profile) == {(0, 1): 2, (2,): 1}


def test_an_empty_file_is_refused() -> None:
    assert problems("") == ["ward.blt:1: empty file; expected a header line 'candidates seats'"]
    assert problems("\n  # nothing\n") == [
        "ward.blt:1: empty file; expected a header line 'candidates seats'"
    ]


def test_a_bad_header_stops_the_reading() -> None:
    assert problems("four 2\n1 1 0\n0\n") == [
        "ward.blt:1: header 'four 2': expected two whole numbers, 'candidates seats'"
    ]
    assert problems("3 0\n") == ["ward.blt:1: header: the number of seats must be at least 1"]


def test_every_bad_ballot_line_is_reported_at_once() -> None:
    text = """3 1
2 1 4 0
1.5 1 2 0
x 1 0
1 2 2 0
1 1 two 0
1 1 2
1 1=2 0
0 1 0
1 1 0 2 0
-5
0
"A"
"B"
"C"
"Title"
"""
    assert problems(text) == [
        "ward.blt:2: preference 4 is outside 1..3",
        "ward.blt:3: weight 1.5 is not a whole number of ballots",
        "ward.blt:4: weight 'x' is not a whole number",
        "ward.blt:5: the ranking names candidate 2 twice",
        "ward.blt:6: preference 'two' is not a candidate number",
        "ward.blt:7: the ballot line does not end with 0",
        "ward.blt:8: equal preferences (1=2) are not supported",
        "ward.blt:9: weight 0: a ballot line needs a weight of at least 1"
        " (a line holding only 0 ends the ballots)",
        "ward.blt:10: text after the 0 that ends the ballot line",
        "ward.blt:11: withdrawn candidates must come right after the header",
    ]


def test_a_missing_terminator_is_reported_and_the_names_still_checked() -> None:
    text = '2 1\n1 1 0\n"A"\n"B"\n"T"\n'
    assert problems(text) == [
        "ward.blt:3: a candidate name before the line holding a single 0 that ends the ballots"
    ]
    assert problems("2 1\n1 1 0\n") == [
        "ward.blt:2: missing the line holding a single 0 that ends the ballots",
        "ward.blt:2: 0 quoted lines after the ballots: expected 2 candidate names and a title",
    ]


def test_the_wrong_number_of_names_is_reported() -> None:
    assert problems('3 1\n1 1 0\n0\n"A"\n"B"\n"Title"\n') == [
        "ward.blt:6: 3 quoted lines after the ballots: expected 3 candidate names and a title"
    ]
    assert problems('2 1\n1 1 0\n0\n"A"\n"B"\n"C"\n"Title"\n') == [
        "ward.blt:7: 4 quoted lines after the ballots: expected 2 candidate names and a title"
    ]


def test_names_must_be_quoted_distinct_and_not_empty() -> None:
    text = '3 1\n1 1 0\n0\n"A"\nB\n"A"\n""\n"Title"\n'
    assert problems(text) == [
        "ward.blt:5: expected a quoted name or title, found 'B'",
        "ward.blt:6: candidate name 'A' repeats line 4",
        "ward.blt:7: empty candidate name",
    ]


def test_withdrawn_candidates_must_exist_once() -> None:
    text = '2 1\n-3 -1\n-1\n1 1 0\n0\n"A"\n"B"\n"T"\n'
    assert problems(text) == [
        "ward.blt:2: withdrawn candidate -3 is outside -1..-2",
        "ward.blt:3: candidate 1 is withdrawn twice",
    ]


def test_unsupported_extensions_are_named() -> None:
    text = '2 1\n[tie 2 1]\n(b1) 1 2 0\n0\n"A"\n"B"\n"T"\n'
    assert problems(text) == [
        "ward.blt:2: options in [brackets] are not supported",
        "ward.blt:3: ballot identifiers are not supported",
    ]


def test_write_then_read_gives_the_same_profile() -> None:
    profile = parse_blt(WARD, "ward.blt")
    text = write_blt(profile)
    assert text.splitlines()[:3] == ["4 2", "-4", "6 1 3 0"]
    again = parse_blt(text, "again.blt")
    assert again.candidates == profile.candidates
    assert again.title == profile.title
    assert again.withdrawn == profile.withdrawn
    assert ballots(again) == ballots(profile)


def test_write_refuses_what_blt_cannot_hold() -> None:
    base = parse_blt(WARD, "ward.blt")
    for names in [("A", 'B "the best"', "C", "D"), ("A", "B\nC", "D", "E"), ("", "B", "C", "D")]:
        profile = Profile(candidates=names, rankings=base.rankings, counts=base.counts, seats=2)
        with pytest.raises(ValueError, match="BLT"):
            write_blt(profile)


NAME = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"], blacklist_characters='"'),
    min_size=1,
    max_size=12,
).filter(lambda name: name.splitlines() == [name])


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    names = draw(st.lists(NAME, min_size=1, max_size=8, unique=True))
    n = len(names)
    ranking = st.permutations(list(range(n))).flatmap(
        lambda order: st.integers(0, n).map(lambda k: order[:k])
    )
    return Profile.from_ballots(
        names,
        draw(st.lists(st.tuples(st.integers(0, 10**12), ranking), max_size=20)),
        seats=draw(st.integers(1, 5)),
        withdrawn=draw(st.sets(st.integers(0, n - 1), max_size=n)),
        title=draw(st.one_of(st.just(""), NAME)),
    )


@settings(max_examples=200, deadline=None)
@given(profiles())
def test_any_profile_round_trips(profile: Profile) -> None:
    again = parse_blt(write_blt(profile), "round-trip.blt")
    assert again.candidates == profile.candidates
    assert again.seats == profile.seats
    assert again.withdrawn == profile.withdrawn
    assert again.title == profile.title
    assert ballots(again) == ballots(profile)
    assert again.total == profile.total
    assert again.rankings.dtype == np.int64
