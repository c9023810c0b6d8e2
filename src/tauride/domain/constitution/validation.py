"""Read a constitution from TOML and report every mistake in it, each with its path."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from tauride.domain.constitution.model import (
    BodyRule,
    ConstituencyKind,
    Constitution,
    ElectionPolicy,
    Office,
    RepresentationRule,
)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One mistake: where it is (`bodies.executive.elected_by`) and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ConstitutionError(ValueError):
    """A constitution that cannot be adopted; `problems` lists every mistake found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def format_path(loc: Iterable[int | str]) -> str:
    """Write a location as `bodies.executive.consultative[0].seats`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            out += " (key)"
        else:
            out += f".{part}" if out else str(part)
    return out


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "unknown field",
    "string_pattern_mismatch": (
        "must be a key of lower-case letters, digits, '-' and '_' (e.g. 'workers-section')"
    ),
}


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "value_error":
        # Our own validators' messages, without pydantic's "Value error, " prefix.
        return str(error["ctx"]["error"])
    if kind == "literal_error":
        return f"must be one of {error['ctx']['expected']}"
    if kind in ("greater_than_equal", "greater_than"):
        bound = error["ctx"].get("ge", error["ctx"].get("gt"))
        word = "at least" if kind == "greater_than_equal" else "greater than"
        return f"must be {word} {bound}"
    if kind == "too_short":
        return "must not be empty"
    return str(error["msg"][0].lower() + error["msg"][1:])


def parse_constitution(text: str) -> Constitution:
    """Parse and validate a TOML constitution; raise ConstitutionError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConstitutionError([Problem("", f"not valid TOML: {exc}")]) from None
    return validate_constitution(data)


def validate_constitution(data: Mapping[str, Any]) -> Constitution:
    """Validate a constitution given as plain data: field rules and cross-references together.

    Cross-references are checked even when some fields are wrong, on every part that is
    itself valid, so that one reading shows the user every mistake.
    """
    problems: list[Problem] = []
    constitution: Constitution | None = None
    try:
        constitution = Constitution.model_validate(data)
    except ValidationError as exc:
        problems.extend(
            Problem(format_path(err["loc"]), _message(err)) for err in exc.errors(include_url=False)
        )
    # A cross-check on a field that is itself wrong would only repeat the same mistake.
    wrong_paths = {p.path for p in problems}
    for problem in cross_check(_Parts.read(data)):
        if problem.path not in wrong_paths and problem not in problems:
            problems.append(problem)
    if problems:
        raise ConstitutionError(problems)
    assert constitution is not None  # no problem was found, so the model validated
    return constitution


def _valid_parts(raw: object, model: type[M]) -> dict[str, M]:
    """Each part as it validates once its wrong fields are dropped (they are reported already).

    A required field that was wrong or missing gets a neutral stand-in, so that the part's
    other fields can still be checked against the rest of the document.
    """
    if not isinstance(raw, Mapping):
        return {}
    parts: dict[str, M] = {}
    for key, value in raw.items():
        if not isinstance(value, Mapping):
            continue
        fields = dict(value)
        for _ in range(len(model.model_fields) + 1):
            try:
                parts[str(key)] = model.model_validate(fields)
                break
            except ValidationError as exc:
                wrong = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
                for name in wrong:
                    fields.pop(name, None)
                    if name in model.model_fields and model.model_fields[name].is_required():
                        fields[name] = _stand_in(model.model_fields[name].annotation)
    return parts


def _stand_in(annotation: object) -> object:
    if get_origin(annotation) is Literal:
        return get_args(annotation)[0]
    return 1 if annotation is int else "-"


@dataclass(frozen=True)
class _Parts:
    """The names everything may refer to, and each part of the document that is valid."""

    kinds: dict[str, ConstituencyKind]
    kind_names: frozenset[str]
    representation: dict[str, RepresentationRule]
    representation_names: frozenset[str]
    bodies: dict[str, BodyRule]
    body_names: frozenset[str]
    offices: dict[str, Office]
    office_names: frozenset[str]
    faction_names: frozenset[str]
    methods: tuple[str, ...] | None

    @classmethod
    def read(cls, data: Mapping[str, Any]) -> _Parts:
        def names(section: str) -> frozenset[str]:
            raw = data.get(section)
            return frozenset(str(k) for k in raw) if isinstance(raw, Mapping) else frozenset()

        try:
            methods: tuple[str, ...] | None = tuple(
                ElectionPolicy.model_validate(data.get("elections", {})).methods
            )
        except ValidationError:
            methods = None
        return cls(
            kinds=_valid_parts(data.get("constituency_kinds"), ConstituencyKind),
            kind_names=names("constituency_kinds"),
            representation=_valid_parts(data.get("representation"), RepresentationRule),
            representation_names=names("representation"),
            bodies=_valid_parts(data.get("bodies"), BodyRule),
            body_names=names("bodies"),
            offices=_valid_parts(data.get("offices"), Office),
            office_names=names("offices"),
            faction_names=names("factions"),
            methods=methods,
        )


def cross_check(c: _Parts) -> Iterable[Problem]:
    """Find references to things that do not exist and rules that contradict each other."""
    for kind_key in c.representation_names - c.kind_names:
        yield Problem(f"representation.{kind_key}", f"no constituency kind named '{kind_key}'")
    for kind_key, kind in c.kinds.items():
        if kind_key not in c.representation_names:
            yield Problem(f"representation.{kind_key}", "is required: every kind needs a rule")
        elif (rule := c.representation.get(kind_key)) is not None:
            yield from _check_rule(f"representation.{kind_key}", rule, federation=kind.federation)
    for key, body in c.bodies.items():
        yield from _check_body(c, f"bodies.{key}", key, body)
    yield from _check_cycles(c)
    for key, office in c.offices.items():
        by, path = office.elected_by, f"offices.{key}.elected_by"
        if by in c.body_names and by in c.kind_names:
            yield Problem(path, f"'{by}' names both a body and a constituency kind")
        elif by not in c.body_names and by not in c.kind_names:
            yield Problem(path, f"no body or constituency kind named '{by}'")


def _check_rule(path: str, rule: RepresentationRule, *, federation: bool) -> Iterable[Problem]:
    if rule.rule == "ratio" and rule.ratio is None:
        yield Problem(f"{path}.ratio", "is required when rule = 'ratio'")
    if rule.rule in ("per-unit", "house") and rule.seats is None:
        yield Problem(f"{path}.seats", f"is required when rule = '{rule.rule}'")
    if rule.rule == "house" and rule.method is None:
        yield Problem(f"{path}.method", "is required when rule = 'house'")
    if rule.rule != "house" and rule.method is not None:
        yield Problem(f"{path}.method", "only a 'house' rule takes an apportionment method")
    if rule.rule != "ratio":
        if rule.ratio is not None:
            yield Problem(f"{path}.ratio", "only a 'ratio' rule takes a ratio")
        if rule.group_below:
            yield Problem(f"{path}.group_below", "only a 'ratio' rule groups small units")
    has_thresholds = rule.voting_from is not None or rule.consultative_from is not None
    if has_thresholds and not federation:
        yield Problem(
            f"{path}.voting_from",
            "size thresholds apply to federation kinds only (set federation = true on the kind)",
        )
    if (
        rule.voting_from is not None
        and rule.consultative_from is not None
        and rule.consultative_from >= rule.voting_from
    ):
        yield Problem(
            f"{path}.consultative_from",
            f"must be below voting_from ({rule.voting_from})",
        )


def _check_body(c: _Parts, path: str, key: str, body: BodyRule) -> Iterable[Problem]:
    if not (body.from_kinds or body.from_bodies or body.elected_by or body.ex_officio):
        yield Problem(
            path, "has no members: give from_kinds, from_bodies, elected_by or ex_officio"
        )
    for i, kind in enumerate(body.from_kinds):
        if kind not in c.kind_names:
            yield Problem(f"{path}.from_kinds[{i}]", f"no constituency kind named '{kind}'")
    for i, other in enumerate(body.from_bodies):
        if other == key:
            yield Problem(f"{path}.from_bodies[{i}]", "a body cannot be composed of itself")
        elif other not in c.body_names:
            yield Problem(f"{path}.from_bodies[{i}]", f"no body named '{other}'")
    if body.elected_by is not None:
        if body.elected_by == key:
            yield Problem(f"{path}.elected_by", "a body cannot elect itself")
        elif body.elected_by not in c.body_names:
            yield Problem(f"{path}.elected_by", f"no body named '{body.elected_by}'")
        if body.seats is None:
            yield Problem(f"{path}.seats", "is required when elected_by is given")
        if body.method is None:
            yield Problem(f"{path}.method", "is required when elected_by is given")
    elif body.seats is not None or body.method is not None:
        field = "seats" if body.seats is not None else "method"
        yield Problem(f"{path}.{field}", "only an elected body (elected_by) takes seats and method")
    if body.method is not None and c.methods is not None and body.method not in c.methods:
        yield Problem(
            f"{path}.method", f"'{body.method}' is not among elections.methods {list(c.methods)}"
        )
    for i, office in enumerate(body.ex_officio):
        if office not in c.office_names:
            yield Problem(f"{path}.ex_officio[{i}]", f"no office named '{office}'")
    for i, seats in enumerate(body.consultative):
        if seats.faction not in c.faction_names:
            yield Problem(
                f"{path}.consultative[{i}].faction", f"no faction named '{seats.faction}'"
            )


def _check_cycles(c: _Parts) -> Iterable[Problem]:
    # from_bodies must form a tree: a body made of bodies that are made of it has no members.
    state: dict[str, int] = {}

    def visit(key: str, trail: list[str]) -> list[str] | None:
        state[key] = 1
        for other in c.bodies[key].from_bodies:
            if other not in c.bodies:
                continue
            if state.get(other) == 1:
                return [*trail, key, other]
            if other not in state and (cycle := visit(other, [*trail, key])):
                return cycle
        state[key] = 2
        return None

    for key in c.bodies:
        if key not in state and (cycle := visit(key, [])):
            start = cycle.index(cycle[-1])
            loop = " → ".join(cycle[start:])
            yield Problem(f"bodies.{cycle[start]}.from_bodies", f"composition loops: {loop}")
