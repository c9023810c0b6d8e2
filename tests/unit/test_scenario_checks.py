"""Scenario documents: field rules, labels and instants checked without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from tauride.domain.scenario import Delegate, ScenarioClock, Speeches, Vote
from tauride.domain.scenario_checks import ScenarioInvalid, parse_scenario
from tauride.services.examples import examples_root

HEADER = """
[scenario]
title = "Test"
example = "petrograd-1917"
start = 1917-06-24T08:00:00Z
"""

SITTING = """
[[steps]]
act = "schedule"
label = "s"
body = "soldiers-section"
title = "Sitting"
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioInvalid) as caught:
        parse_scenario(text)
    return caught.value.problems


@pytest.mark.parametrize(
    ("path", "steps"),
    [("petrograd-1917/june-1917.toml", 68), ("st-petersburg-1905/november-1905.toml", 27)],
)
def test_seed_scenarios_pass_every_check(path: str, steps: int) -> None:
    scenario = parse_scenario((examples_root() / path).read_text(encoding="utf-8"))
    assert len(scenario.steps) == steps


def test_a_label_must_name_an_earlier_step_of_the_right_kind() -> None:
    text = (
        HEADER
        + SITTING
        + """
[[steps]]
act = "take-up"
item = "s"

[[steps]]
act = "close"
sitting = "later"

[[steps]]
act = "schedule"
label = "later"
body = "soldiers-section"
title = "Later"

[[steps]]
act = "schedule"
label = "s"
body = "soldiers-section"
title = "Again"
"""
    )
    assert problems(text) == [
        "steps[1].item: 's' labels a sitting, not an item",
        "steps[2].sitting: no sitting labelled 'later' in an earlier step",
        "steps[4].label: 's' already labels steps[0]",
    ]


def test_a_step_with_a_wrong_field_still_defines_its_label() -> None:
    text = (
        HEADER
        + """
[[steps]]
act = "schedule"
label = "s"
body = "soldiers-section"
title = ""
convened_for = 1917

[[steps]]
act = "open"
sitting = "s"
"""
    )
    assert problems(text) == [
        "steps[0].title: must not be empty",
        "steps[0].convened_for: input should be a valid string",
    ]


def test_the_header_names_what_to_load_and_when_the_story_starts() -> None:
    text = """
[scenario]
title = "No start"
example = "petrograd-1917"
folder = "elsewhere"
start = 1917-06-24T08:00:00

[extra]
x = 1
"""
    assert problems(text) == [
        "extra: unknown table (a scenario has [scenario] and [[steps]])",
        "scenario.start: give the offset of the instant, e.g. 1905-11-12T18:00:00Z",
        "steps: give at least one step ([[steps]] tables)",
    ]
    assert problems("[scenario\n") == [
        "not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 10)"
    ]


def test_a_motion_is_moved_by_someone_and_seconded_before_it_is_admitted() -> None:
    text = (
        HEADER
        + SITTING
        + """
[[steps]]
act = "motion"
sitting = "s"
title = "Adjourn"
kind = "adjourn"
stage = "debate"
target = "s"
mover = "A"
on_behalf_of = "the Executive Committee"
"""
    )
    assert problems(text) == [
        "steps[1].target: 's' labels a sitting, not a motion",
        "steps[1].mover: give either `mover` or `on_behalf_of`, not both",
        "steps[1].target: an adjourn motion is not applied to another",
        "steps[1].stage: an adjourn motion is not debated",
        "steps[1].seconder: an adjourn motion is admitted once seconded",
    ]


def test_a_vote_says_how_the_body_voted_in_one_way() -> None:
    text = (
        HEADER
        + SITTING
        + """
[[steps]]
act = "vote"
sitting = "s"
question = "Which?"
options = ["red", "white", "red"]
ballots = { red = 3 }
by_faction = { srs = "blue" }
named = { "A. B." = "white" }
casting_vote = "yes"

[[steps]]
act = "vote"
sitting = "s"
"""
    )
    assert problems(text) == [
        "steps[1].options: an option is named twice",
        "steps[1].ballots: give either `ballots` or `by_faction`, not both",
        "steps[1].named: named choices go with `by_faction`, not with `ballots`",
        "steps[1].by_faction.srs: 'blue' is not an option (red, white, red)",
        "steps[1].casting_vote: 'yes' is not an option",
        "steps[2].motion: give the motion voted on, or a `sitting` and a `question`",
        "steps[2].ballots: say how the body voted: `ballots`, `by_faction` or `named`",
    ]


def test_delegates_are_named_by_person_or_by_constituency() -> None:
    text = (
        HEADER
        + SITTING
        + """
[[steps]]
act = "speeches"
item = "s"
speakers = ["A. B.", { constituency = "Neva Works" }, { delegate = "C. D.", side = "pro" }, {}]
"""
    )
    # `speakers` is required: the step cannot be read without it, so its item is not
    # checked until the speakers are right.
    assert problems(text) == [
        "steps[1].speakers[3].delegate: name the delegate, or the constituency they sit for",
    ]
    assert str(Delegate(constituency="Neva Works")) == "the delegate of Neva Works"
    assert str(Delegate(name="A. B.", constituency="Neva Works")) == "A. B. of Neva Works"


def test_the_clock_moves_a_minute_per_step_and_by_the_length_of_speeches() -> None:
    text = (
        HEADER
        + SITTING
        + """
[[steps]]
act = "item"
label = "i"
sitting = "s"
kind = "debate"
title = "Debate"

[[steps]]
act = "speeches"
item = "i"
speakers = ["A. B.", { delegate = "C. D.", minutes = 3 }]

[[steps]]
act = "close"
sitting = "s"
at = 1917-06-24T08:05:00Z
"""
    )
    # 08:01 schedule, 08:02 item, 08:03 speeches until 08:11: closing at 08:05 goes back.
    assert problems(text) == [
        "steps[3].at: 1917-06-24 08:05 UTC is before 1917-06-24 08:11 UTC, "
        "when the step before it ended"
    ]
    scenario = parse_scenario(text.replace("08:05:00Z", "08:12:00Z"))
    speeches, close = scenario.steps[2], scenario.steps[3]
    assert isinstance(speeches, Speeches)
    clock = ScenarioClock(scenario.header.start)
    clock.begin(None)
    clock.advance(5)
    assert clock() == dt.datetime(1917, 6, 24, 8, 6, tzinfo=dt.UTC)
    clock.begin(close.at)
    assert clock() == dt.datetime(1917, 6, 24, 8, 12, tzinfo=dt.UTC)
    assert not isinstance(close, Vote)
