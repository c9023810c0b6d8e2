"""The constitution: every mistake reported with its path, shares read exactly."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from tauride.domain.constitution import (
    ConstitutionError,
    majority_text,
    parse_constitution,
    representation_text,
    summarize_bodies,
    validate_constitution,
)
from tauride.domain.constitution.model import MajorityRule, RepresentationRule

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def minimal(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "organization": {"slug": "works-council", "name": "Works Council"},
        "constituency_kinds": {"plant": {"name": "Plant", "unit": "workers"}},
        "representation": {"plant": {"rule": "ratio", "ratio": 500}},
        "bodies": {"plenary": {"name": "Plenary", "kind": "plenary", "from_kinds": ["plant"]}},
    }
    doc.update(changes)
    return doc


def problems_of(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(ConstitutionError) as caught:
        validate_constitution(doc)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("name", ["petrograd-1917", "st-petersburg-1905", "union-congress"])
def test_examples_are_valid(name: str) -> None:
    constitution = parse_constitution((EXAMPLES / name / "constitution.toml").read_text())
    assert constitution.organization.slug == name


def test_minimal_constitution_has_defaults() -> None:
    c = validate_constitution(minimal())
    assert c.bodies["plenary"].quorum == Fraction(1, 2)
    assert c.proxy.allowed is False
    assert c.elections.methods == ["plurality"]


@pytest.mark.parametrize(
    ("written", "share"),
    [
        ("1/3", Fraction(1, 3)),
        ("50%", Fraction(1, 2)),
        (0.25, Fraction(1, 4)),
        ("0.6", Fraction(3, 5)),
        (1, Fraction(1)),
        ("2 / 3", Fraction(2, 3)),
    ],
)
def test_quorum_is_read_as_an_exact_share(written: object, share: Fraction) -> None:
    body = {"name": "P", "kind": "plenary", "from_kinds": ["plant"], "quorum": written}
    assert (
        validate_constitution(minimal(bodies={"plenary": body})).bodies["plenary"].quorum == share
    )


@pytest.mark.parametrize("written", [1.5, "3/2", "120%", "half", "1/0", True, -0.1])
def test_quorum_outside_zero_and_one_is_refused(written: object) -> None:
    body = {"name": "P", "kind": "plenary", "from_kinds": ["plant"], "quorum": written}
    [problem] = problems_of(minimal(bodies={"plenary": body}))
    assert problem.startswith("bodies.plenary.quorum: ")


def test_unknown_references_are_all_reported_with_paths() -> None:
    doc = minimal(
        factions={"reds": {"name": "Reds"}},
        bodies={
            "plenary": {"name": "P", "kind": "plenary", "from_kinds": ["plant", "mill"]},
            "executive": {
                "name": "E",
                "kind": "executive",
                "elected_by": "plenum",
                "seats": 5,
                "method": "plurality",
                "ex_officio": ["chair"],
                "consultative": [{"faction": "reds", "seats": 1}, {"faction": "blues", "seats": 2}],
            },
        },
        offices={"chair": {"name": "Chair", "elected_by": "presidium"}},
    )
    assert problems_of(doc) == [
        "bodies.plenary.from_kinds[1]: no constituency kind named 'mill'",
        "bodies.executive.elected_by: no body named 'plenum'",
        "bodies.executive.consultative[1].faction: no faction named 'blues'",
        "offices.chair.elected_by: no body or constituency kind named 'presidium'",
    ]


def test_an_office_may_be_elected_by_each_unit_of_a_kind() -> None:
    officer = {"name": "Foreman", "elected_by": "plant", "holders": 2}
    constitution = validate_constitution(minimal(offices={"foreman": officer}))
    assert constitution.offices["foreman"].elected_by == "plant"
    assert constitution.offices["foreman"].holders == 2


def test_an_office_elected_by_neither_a_body_nor_a_kind_is_reported_with_its_path() -> None:
    offices = {
        "foreman": {"name": "Foreman", "elected_by": "plant"},
        "commander": {"name": "Commander", "elected_by": "company"},
        "steward": {"name": "Steward", "elected_by": "shop", "holders": 0},
    }
    assert problems_of(minimal(offices=offices)) == [
        "offices.steward.holders: must be at least 1",
        "offices.commander.elected_by: no body or constituency kind named 'company'",
        "offices.steward.elected_by: no body or constituency kind named 'shop'",
    ]


def test_field_errors_and_reference_errors_come_together() -> None:
    doc = minimal(
        bodies={
            "plenary": {"name": "P", "kind": "parliament", "from_kinds": ["mill"], "quorum": 2},
        }
    )
    problems = problems_of(doc)
    assert (
        "bodies.plenary.kind: must be one of "
        "'plenary', 'section', 'executive', 'conference' or 'committee'" in problems
    )
    assert "bodies.plenary.quorum: must be between 0 and 1" in problems
    assert "bodies.plenary.from_kinds[0]: no constituency kind named 'mill'" in problems


def test_unknown_fields_and_missing_fields_are_named() -> None:
    doc = minimal(organization={"name": "X", "motto": "all power"})
    assert problems_of(doc) == [
        "organization.slug: is required",
        "organization.motto: unknown field",
    ]


def test_composition_loop_is_refused() -> None:
    doc = minimal(
        bodies={
            "a": {"name": "A", "kind": "section", "from_bodies": ["b"]},
            "b": {"name": "B", "kind": "plenary", "from_bodies": ["a"]},
        }
    )
    assert problems_of(doc) == ["bodies.a.from_bodies: composition loops: a → b → a"]


def test_elected_body_needs_seats_and_a_method_it_allows() -> None:
    doc = minimal(
        bodies={
            "plenary": {"name": "P", "kind": "plenary", "from_kinds": ["plant"]},
            "executive": {
                "name": "E",
                "kind": "executive",
                "elected_by": "plenary",
                "method": "meek",
            },
            "empty": {"name": "Nobody", "kind": "committee"},
        }
    )
    assert problems_of(doc) == [
        "bodies.executive.seats: is required when elected_by is given",
        "bodies.executive.method: 'meek' is not among elections.methods ['plurality']",
        "bodies.empty: has no members: give from_kinds, from_bodies, elected_by or ex_officio",
    ]


def test_representation_rules_are_checked_for_their_kind() -> None:
    doc = minimal(
        constituency_kinds={
            "plant": {"name": "Plant"},
            "soviet": {"name": "Soviet", "federation": True},
        },
        representation={
            "plant": {"rule": "house", "voting_from": 10},
            "soviet": {
                "rule": "ratio",
                "ratio": 25000,
                "voting_from": 25000,
                "consultative_from": 30000,
            },
            "guild": {"rule": "per-unit", "seats": 1},
        },
    )
    assert problems_of(doc) == [
        "representation.guild: no constituency kind named 'guild'",
        "representation.plant.seats: is required when rule = 'house'",
        "representation.plant.method: is required when rule = 'house'",
        "representation.plant.voting_from: size thresholds apply to federation kinds only "
        "(set federation = true on the kind)",
        "representation.soviet.consultative_from: must be below voting_from (25000)",
    ]


def test_every_kind_needs_a_representation_rule() -> None:
    doc = minimal(constituency_kinds={"plant": {"name": "Plant"}, "unit": {"name": "Unit"}})
    assert problems_of(doc) == ["representation.unit: is required: every kind needs a rule"]


def test_malformed_toml_reports_its_line() -> None:
    with pytest.raises(ConstitutionError, match="line 2"):
        parse_constitution('[organization]\nslug = "x\n')


def test_keys_must_be_plain() -> None:
    doc = minimal(
        bodies={"Plenary Hall": {"name": "P", "kind": "plenary", "from_kinds": ["plant"]}}
    )
    assert problems_of(doc)[0].startswith("bodies.Plenary Hall (key): must be a key")


def test_descriptions_read_like_rules() -> None:
    assert (
        representation_text(
            RepresentationRule(rule="ratio", ratio=500, minimum=1, group_below=True)
        )
        == "one seat per 500, rounded down, at least 1, units below 500 grouped"
    )
    assert majority_text(MajorityRule(threshold="two-thirds", base="present", weighted=True)) == (
        "two thirds of members present, card vote"
    )
    c = parse_constitution((EXAMPLES / "st-petersburg-1905" / "constitution.toml").read_text())
    executive = next(b for b in summarize_bodies(c) if b.key == "executive")
    assert executive.fixed_seats == 22
    assert executive.consultative_seats == 9
