"""Read a scenario from TOML and report every mistake in it at once, each with its path.

Field rules are checked step by step (each step by the model its `act` names), then the
cross-references: labels defined once and named only after the step that defines them,
with the kind of thing they name; matters opened before motions carry their key;
choices among the poll's options; instants that never go back. A step whose own fields
are wrong still defines its label, so that one mistake is not reported again by every
step that refers to it. What needs the organization (delegates' names, body keys) is
checked by the service once the organization is loaded, before any act.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from tauride.domain.constitution.validation import format_path
from tauride.domain.errors import InvalidInput
from tauride.domain.polls import YES_NO_ABSTAIN
from tauride.domain.procedure import MOTION_RULES, Target
from tauride.domain.scenario import (
    LABELLED,
    REFERENCES,
    STEP_MODELS,
    CheckIn,
    Header,
    LabelKind,
    Motion,
    Petition,
    Scenario,
    ScenarioClock,
    Step,
    Vote,
    raw_label,
    step_duration,
)


class ScenarioInvalid(InvalidInput):
    """A scenario that cannot be replayed; `problems` lists every mistake, with its path."""

    kind = "invalid-scenario"


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "string_pattern_mismatch":
        return "must be a label of lower-case letters, digits, '-' and '_' (e.g. 'sitting-1')"
    if kind == "value_error":
        return str(ctx["error"])
    if kind in ("literal_error", "enum"):
        return f"must be one of {ctx['expected']}"
    if kind == "timezone_aware":
        return "give the offset of the instant, e.g. 1905-11-12T18:00:00Z"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        return f"must be {'at least' if kind == 'greater_than_equal' else 'at most'} {bound}"
    if kind in ("too_short", "string_too_short"):
        return "must not be empty"
    message = str(error["msg"])
    return message[0].lower() + message[1:]


def _problems(exc: ValidationError, prefix: Iterable[int | str]) -> list[str]:
    return [
        f"{format_path([*prefix, *err['loc']])}: {_message(err)}"
        for err in exc.errors(include_url=False)
    ]


def parse_scenario(text: str) -> Scenario:
    """Parse and check a TOML scenario; raise ScenarioInvalid listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioInvalid(f"not valid TOML: {exc}") from None
    return validate_scenario(data)


def validate_scenario(data: Mapping[str, Any]) -> Scenario:
    """Check a scenario given as plain data: every field, then every cross-reference."""
    problems: list[str] = []
    unknown = sorted(k for k in data if k not in ("scenario", "steps"))
    problems += [
        f"{key}: unknown table (a scenario has [scenario] and [[steps]])" for key in unknown
    ]
    header: Header | None = None
    try:
        header = Header.model_validate(data.get("scenario"))
    except ValidationError as exc:
        if data.get("scenario") is None:
            problems.append("scenario: is required (a [scenario] table)")
        else:
            problems += _problems(exc, ["scenario"])
    if header is not None and (header.example is None) == (header.folder is None):
        problems.append("scenario: give the organization to load: `example` or `folder`")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.append("steps: give at least one step ([[steps]] tables)")
        raw_steps = []
    read = [_step(raw, i, problems) for i, raw in enumerate(raw_steps)]
    problems += cross_check(raw_steps, read, header)
    if problems:
        raise ScenarioInvalid(sorted(problems, key=_step_number))
    assert header is not None
    steps = tuple(step for step, _ in read if step is not None)
    return Scenario(scenario=header, steps=steps)


def _step_number(problem: str) -> int:
    """Sort key: the header's problems first, then each step's in the order of the steps."""
    match = re.match(r"steps\[(\d+)\]", problem)
    return int(match.group(1)) + 1 if match else 0


def _step(raw: object, i: int, problems: list[str]) -> tuple[Step | None, frozenset[str]]:
    """The step as its act's model reads it, and the fields found wrong.

    A step with wrong fields is read again without them, when they may be left out, so
    that the cross-checks still see the rest of it.
    """
    if not isinstance(raw, dict):
        problems.append(f"steps[{i}]: must be a table")
        return None, frozenset()
    act = raw.get("act")
    model = STEP_MODELS.get(act) if isinstance(act, str) else None
    if model is None:
        acts = ", ".join(sorted(STEP_MODELS))
        what = "is required" if act is None else f"'{act}' is not an act"
        problems.append(f"steps[{i}].act: {what} (acts: {acts})")
        return None, frozenset()
    try:
        return model.model_validate(raw), frozenset()
    except ValidationError as exc:
        problems += _problems(exc, ["steps", i])
        wrong = frozenset(str(err["loc"][0]) for err in exc.errors() if err["loc"])
    try:
        return model.model_validate({k: v for k, v in raw.items() if k not in wrong}), wrong
    except ValidationError:
        return None, wrong


class _Labels:
    """Labels defined so far, and the steps that defined them."""

    def __init__(self) -> None:
        self.kinds: dict[str, LabelKind] = {}
        self.where: dict[str, int] = {}
        self.matters: set[str] = set()

    def define(self, label: str, kind: LabelKind, i: int) -> str | None:
        if label in self.kinds:
            return f"steps[{i}].label: '{label}' already labels steps[{self.where[label]}]"
        self.kinds[label], self.where[label] = kind, i
        return None

    def check(self, label: str, wanted: LabelKind) -> str | None:
        kind = self.kinds.get(label)
        if kind is None:
            return f"no {wanted} labelled '{label}' in an earlier step"
        if kind != wanted:
            return f"'{label}' labels {_a(kind)}, not {_a(wanted)}"
        return None


def cross_check(
    raw_steps: list[Any], steps: list[tuple[Step | None, frozenset[str]]], header: Header | None
) -> list[str]:
    """Every mistake that involves more than one field or step.

    Problems on a field already found wrong are left out: they would repeat it.
    """
    problems: list[str] = []
    labels = _Labels()
    clock = ScenarioClock(header.start) if header is not None else None
    for i, (raw, (step, wrong)) in enumerate(zip(raw_steps, steps, strict=True)):
        if step is not None:
            found = [*_references(step, labels), *_fields(step)]
            problems += [f"steps[{i}].{p}" for p in found if p.split(":")[0] not in wrong]
            if clock is not None and "at" not in wrong:
                problems += _instant(step, i, clock)
        act = raw.get("act") if isinstance(raw, dict) else None
        label = raw_label(raw)
        if isinstance(act, str) and act in LABELLED and label is not None:
            defined = labels.define(label, LABELLED[act], i)
            problems += [defined] if defined else []
        key = raw.get("key") if isinstance(raw, dict) else None
        if act == "matter" and isinstance(key, str):
            if key in labels.matters:
                problems.append(f"steps[{i}].key: matter '{key}' is opened twice")
            labels.matters.add(key)
    return problems


def _references(step: Step, labels: _Labels) -> list[str]:
    problems = []
    for field, wanted in REFERENCES.get(step.act, {}).items():
        value = getattr(step, field)
        if value is not None and (problem := labels.check(value, wanted)):
            problems.append(f"{field}: {problem}")
    if isinstance(step, Motion) and step.matter is not None and step.matter not in labels.matters:
        problems.append(f"matter: no matter '{step.matter}' opened in an earlier step")
    return problems


def _fields(step: Step) -> list[str]:
    """Fields that must go together or exclude each other, within one step."""
    if isinstance(step, Motion):
        return _motion(step)
    if isinstance(step, Vote):
        return _vote(step)
    problems = []
    if isinstance(step, CheckIn):
        if (step.delegates is None) == (step.members is None):
            problems.append("delegates: give either `delegates` or `members`")
        if step.delegates is not None and (step.count or step.absent):
            problems.append("members: `count` and `absent` go with `members`")
    if isinstance(step, Petition) and (step.from_constituency is None) == (step.from_group is None):
        problems.append("from_constituency: give either `from_constituency` or `from_group`")
    return problems


def _motion(step: Motion) -> list[str]:
    problems = []
    rule = MOTION_RULES[step.kind]
    if (step.sitting is None) == (step.item is None):
        problems.append("item: give the agenda item (or else the sitting) it is moved under")
    if (step.mover is None) == (step.on_behalf_of is None):
        problems.append("mover: give either `mover` or `on_behalf_of`, not both")
    if rule.target in (Target.PENDING, Target.DECIDED) and step.target is None:
        problems.append(f"target: {_a(step.kind.value)} motion names the motion it applies to")
    if rule.target is Target.NONE and step.target is not None:
        problems.append(f"target: {_a(step.kind.value)} motion is not applied to another")
    stage = step.stage or ("debate" if rule.debatable else "admitted")
    if stage == "debate" and not rule.debatable:
        problems.append(f"stage: {_a(step.kind.value)} motion is not debated")
    if step.seconder is not None and not rule.needs_second:
        problems.append(f"seconder: {_a(step.kind.value)} motion needs no seconder")
    if rule.needs_second and step.seconder is None and stage != "submitted":
        problems.append(f"seconder: {_a(step.kind.value)} motion is admitted once seconded")
    return problems


def _vote(step: Vote) -> list[str]:
    problems = []
    if step.motion is not None:
        extra = [f for f in ("sitting", "question", "options") if getattr(step, f) is not None]
        problems += [f"{f}: a vote on a motion takes them from the motion" for f in extra]
    elif step.sitting is None or step.question is None:
        problems.append("motion: give the motion voted on, or a `sitting` and a `question`")
    options = list(step.options or YES_NO_ABSTAIN)
    if len(set(options)) != len(options):
        problems.append("options: an option is named twice")
    if step.ballots is not None and step.by_faction is not None:
        problems.append("ballots: give either `ballots` or `by_faction`, not both")
    if step.ballots is not None and step.named is not None:
        problems.append("named: named choices go with `by_faction`, not with `ballots`")
    if step.ballots is None and step.by_faction is None and step.named is None and step.close:
        problems.append("ballots: say how the body voted: `ballots`, `by_faction` or `named`")
    chosen = (
        [(f"ballots.{o}", o) for o in step.ballots or {}]
        + [  # faction keys and names are checked against the organization by the service
            (f"by_faction.{k}", c) for k, c in (step.by_faction or {}).items()
        ]
        + [(f"named[{k!r}]", c) for k, c in (step.named or {}).items()]
    )
    for path, choice in chosen:
        if choice not in options:
            problems.append(f"{path}: '{choice}' is not an option ({', '.join(options)})")
    if step.casting_vote is not None and step.casting_vote not in options:
        problems.append(f"casting_vote: '{step.casting_vote}' is not an option")
    return problems


def _instant(step: Step, i: int, clock: ScenarioClock) -> list[str]:
    """Steps happen in their order: an `at` never goes back before the step before ended."""
    problem = []
    if step.at is not None and step.at < clock.now:
        when = "when the step before it ended" if i else "when the scenario starts"
        problem.append(f"steps[{i}].at: {_show(step.at)} is before {_show(clock.now)}, {when}")
        clock.now = step.at
    clock.begin(step.at)
    clock.now += step_duration(step)
    return problem


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _show(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
