"""A scenario: the acts of a piece of council history, to be replayed through the services.

A scenario is a TOML document: a `[scenario]` header naming the organization to load (a
bundled example or a folder) and the instant its history starts, then `[[steps]]`, each
one act — convene a sitting, check delegates in, move a motion, put it to the vote with
the ballots given as a distribution or by faction, hear a delegation. Labels let a later
step name what an earlier one created (a sitting, an agenda item, a motion, a poll, a
petition) instead of database numbers. `tauride.domain.scenario_checks` reads a document
and reports every mistake at once, each with its path.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from tauride.domain.constitution.model import KEY_PATTERN
from tauride.domain.petitions import PetitionKind
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import MotionKind
from tauride.domain.sittings import AgendaItemKind
from tauride.domain.speakers import Side

Label = Annotated[str, Field(pattern=KEY_PATTERN, max_length=64)]
Text = Annotated[str, Field(min_length=1)]
Minutes = Annotated[int, Field(ge=1, le=24 * 60)]

STEP_GAP = dt.timedelta(minutes=1)
"""How long after the step before a step without an `at` of its own takes place."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Delegate(Model):
    """A delegate named by the person's name, or as a delegate of a constituency.

    Written as a plain string (the name) or a table `{ constituency = "Neva Works" }`,
    optionally with `name` as well when the constituency sends several.
    """

    name: Text | None = None
    constituency: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, data: object) -> object:
        return {"name": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _named_somehow(self) -> Delegate:
        if self.name is None and self.constituency is None:
            raise ValueError("name the delegate, or the constituency they sit for")
        return self

    def __str__(self) -> str:
        if self.constituency is None:
            return str(self.name)
        who = f"{self.name} of " if self.name else "the delegate of "
        return who + self.constituency


class Speaker(Model):
    """One turn at the floor: who, on which side, for how many minutes."""

    delegate: Delegate
    side: Side = Side.NEUTRAL
    minutes: Minutes = 5
    point_of_order: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_delegate(cls, data: object) -> object:
        if isinstance(data, str) or (isinstance(data, dict) and "delegate" not in data):
            return {"delegate": data}
        return data


class Header(Model):
    """The `[scenario]` table: what is loaded, when the history starts, who acts."""

    title: Text
    description: str = ""
    example: Text | None = None
    folder: Text | None = None
    """A folder with constitution.toml and CSV files, relative to the scenario file."""
    start: AwareDatetime
    """The instant at which the organization is loaded, as it stood when the story begins."""
    actor: Text = "scenario"


class Step(Model):
    act: str
    at: AwareDatetime | None = None
    """When the act takes place; by default a minute after the step before ended."""
    note: str = ""


class Schedule(Step):
    act: Literal["schedule"]
    label: Label
    body: Text
    title: Text
    convened_for: str | None = None


class SittingAct(Step):
    act: Literal["open", "suspend", "resume", "close"]
    sitting: Label


class CheckIn(Step):
    act: Literal["check-in"]
    sitting: Label
    delegates: list[Delegate] | None = None
    members: Literal["all", "voting"] | None = None
    """Everyone who sits in the body, or its voting members only."""
    count: Annotated[int, Field(ge=1)] | None = None
    """With `members`: only the first so many, in the order of the body's roll."""
    absent: list[Delegate] = []


class CheckOut(Step):
    act: Literal["check-out"]
    sitting: Label
    delegates: list[Delegate]


class Item(Step):
    act: Literal["item"]
    label: Label | None = None
    sitting: Label
    kind: AgendaItemKind
    title: Text
    minutes: Minutes | None = None


class TakeUp(Step):
    act: Literal["take-up"]
    item: Label


class Speeches(Step):
    act: Literal["speeches"]
    item: Label
    speakers: Annotated[list[Speaker], Field(min_length=1)]


MotionStage = Literal["submitted", "seconded", "admitted", "debate"]


class Motion(Step):
    act: Literal["motion"]
    label: Label | None = None
    sitting: Label | None = None
    item: Label | None = None
    kind: MotionKind = MotionKind.MAIN
    title: Text
    text: str = ""
    target: Label | None = None
    mover: Delegate | None = None
    on_behalf_of: Text | None = None
    seconder: Delegate | None = None
    matter: Text | None = None
    stage: MotionStage | None = None
    """How far the chair takes it: by default into debate (admitted if undebatable)."""


class MotionAct(Step):
    act: Literal["withdraw", "rule-out"]
    motion: Label


class Vote(Step):
    """A poll: on a motion, or on a question of its own, with its ballots, then closed."""

    act: Literal["vote"]
    label: Label | None = None
    motion: Label | None = None
    sitting: Label | None = None
    question: Text | None = None
    options: list[Text] | None = None
    method: PollMethod = PollMethod.ROLL_CALL
    ballots: dict[str, Annotated[int, Field(ge=0)]] | None = None
    """How many chose each option; the voters are taken in the order of the electorate."""
    by_faction: dict[str, Text] | None = None
    """Each faction's choice: every voter of the faction present chooses it."""
    named: dict[str, Text] | None = None
    """Choices of named delegates, over and above (or instead of) `by_faction`."""
    casting_vote: Text | None = None
    close: bool = True


class ClosePoll(Step):
    act: Literal["close-poll"]
    poll: Label
    casting_vote: Text | None = None


class Matter(Step):
    act: Literal["matter"]
    key: Label
    title: Text
    bodies: list[Text] = []
    """Bodies that must each carry it (concurrence); empty: the matter only links."""


class Petition(Step):
    act: Literal["petition"]
    label: Label | None = None
    body: Text
    kind: PetitionKind
    title: Text
    text: str = ""
    from_constituency: Text | None = None
    from_group: Text | None = None
    signatures: Annotated[int, Field(ge=0)] = 0


class PutOnAgenda(Step):
    act: Literal["put-on-agenda"]
    petition: Label
    sitting: Label
    item: Label | None = None
    """An item of the sitting to join; without it the petition gets an item of its own."""
    label: Label | None = None
    """A label for the item the petition stands under."""


class Hear(Step):
    act: Literal["hear"]
    petition: Label
    speaker: Text


class Answer(Step):
    act: Literal["answer"]
    petition: Label
    motion: Label


AnyStep = (
    Schedule
    | SittingAct
    | CheckIn
    | CheckOut
    | Item
    | TakeUp
    | Speeches
    | Motion
    | MotionAct
    | Vote
    | ClosePoll
    | Matter
    | Petition
    | PutOnAgenda
    | Hear
    | Answer
)

STEP_MODELS: dict[str, type[Step]] = {
    "schedule": Schedule,
    **dict.fromkeys(("open", "suspend", "resume", "close"), SittingAct),
    "check-in": CheckIn,
    "check-out": CheckOut,
    "item": Item,
    "take-up": TakeUp,
    "speeches": Speeches,
    "motion": Motion,
    **dict.fromkeys(("withdraw", "rule-out"), MotionAct),
    "vote": Vote,
    "close-poll": ClosePoll,
    "matter": Matter,
    "petition": Petition,
    "put-on-agenda": PutOnAgenda,
    "hear": Hear,
    "answer": Answer,
}
"""Every act a step may name, and the model of its fields."""

LabelKind = Literal["sitting", "item", "motion", "poll", "petition"]

# What a step's `label` names.
LABELLED: dict[str, LabelKind] = {
    "schedule": "sitting",
    "item": "item",
    "motion": "motion",
    "vote": "poll",
    "petition": "petition",
    "put-on-agenda": "item",
}

# The fields of each act that name an earlier step's label, and what they must name.
REFERENCES: dict[str, dict[str, LabelKind]] = {
    "open": {"sitting": "sitting"},
    "suspend": {"sitting": "sitting"},
    "resume": {"sitting": "sitting"},
    "close": {"sitting": "sitting"},
    "check-in": {"sitting": "sitting"},
    "check-out": {"sitting": "sitting"},
    "item": {"sitting": "sitting"},
    "take-up": {"item": "item"},
    "speeches": {"item": "item"},
    "motion": {"sitting": "sitting", "item": "item", "target": "motion"},
    "withdraw": {"motion": "motion"},
    "rule-out": {"motion": "motion"},
    "vote": {"motion": "motion", "sitting": "sitting"},
    "close-poll": {"poll": "poll"},
    "put-on-agenda": {"petition": "petition", "sitting": "sitting", "item": "item"},
    "hear": {"petition": "petition"},
    "answer": {"petition": "petition", "motion": "motion"},
}


class Scenario(Model):
    """A scenario that has passed every check: its header and its typed steps."""

    scenario: Header
    steps: tuple[AnyStep, ...]

    @property
    def header(self) -> Header:
        return self.scenario


class ScenarioClock:
    """Decide the instant each act of a replay is recorded at.

    A step with `at` takes place then; a step without, a minute after the step before
    ended. Speeches move the clock on by their length, so that the minutes show each
    speaker taking the floor when the one before sat down.
    """

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def begin(self, at: dt.datetime | None) -> None:
        """Move to the start of the next step."""
        self.now = self.now + STEP_GAP if at is None else at

    def advance(self, minutes: int) -> None:
        """Let `minutes` pass within a step."""
        self.now += dt.timedelta(minutes=minutes)


def step_duration(step: Step) -> dt.timedelta:
    """How long a step lasts on the scenario's clock: its speeches, or no time at all."""
    if isinstance(step, Speeches):
        return dt.timedelta(minutes=sum(s.minutes for s in step.speakers))
    return dt.timedelta(0)


def delegate_fields(step: Step) -> list[tuple[str, Delegate]]:
    """Every delegate a step names, with the path of the field (for `steps[i].…`)."""
    found: list[tuple[str, Delegate]] = []
    if isinstance(step, CheckIn | CheckOut):
        found += [(f"delegates[{i}]", d) for i, d in enumerate(step.delegates or [])]
    if isinstance(step, CheckIn):
        found += [(f"absent[{i}]", d) for i, d in enumerate(step.absent)]
    if isinstance(step, Speeches):
        found += [(f"speakers[{i}]", s.delegate) for i, s in enumerate(step.speakers)]
    if isinstance(step, Motion):
        found += [(name, d) for name in ("mover", "seconder") if (d := getattr(step, name))]
    if isinstance(step, Vote):
        found += [(f"named[{name!r}]", Delegate(name=name)) for name in step.named or {}]
    return found


def raw_label(raw: Any) -> str | None:
    """The label a step's raw table gives, if it gives one at all."""
    label = raw.get("label") if isinstance(raw, dict) else None
    return label if isinstance(label, str) else None
