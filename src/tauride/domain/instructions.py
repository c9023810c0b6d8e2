"""Instructions (the imperative mandate) and whether delegates kept them, from the journal.

A constituency meeting tells its delegates how to vote on one motion, or on every motion
of a matter (main motions and substitutes carrying the matter's key: the motions that
decide it; amendments and procedural motions inherit the key but are not the question
the meeting answered). A later instruction on the same motion or matter supersedes an
earlier one; both stay on record. At a poll the instruction that counts is the latest one
recorded before the poll opened — a delegate is not held to what was decided after the
question was put — and one on the motion itself outranks one on its matter.

What a delegate did is judged only from what the record shows: a named ballot (roll call
or open electronic vote) kept or breached the instruction; a secret ballot or an election
shows only that they voted; a show of hands records nobody by name; a delegate who was
entitled and did not vote, or who sat in the body and was not present, was absent.
Nothing is guessed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from tauride.domain.errors import Conflict
from tauride.domain.journal import JournalEntry
from tauride.domain.minutes_fold import JournalFold
from tauride.domain.minutes_model import PollRecord
from tauride.domain.polls import PollMethod

# The motions whose polls decide a matter, and so those a matter-wide instruction is about.
DECIDING_KINDS = frozenset({"main", "substitute"})


class InstructionTooLate(Conflict):
    """The question was put to the vote, or decided, already: a constituency instructs its
    delegates before the vote on a motion, not during or after it."""

    kind = "instruction-too-late"


class Compliance(enum.StrEnum):
    KEPT = "kept"
    BREACHED = "breached"
    ABSENT = "absent"
    """Entitled and did not vote, or a member of the body not present when the poll opened."""
    SECRET = "secret"  # noqa: S105 — a secret ballot, not a credential
    """Voted in a secret ballot (or an election): what they chose is not known."""
    UNKNOWN = "unknown"
    """A show of hands: the tellers counted hands, nobody's vote is recorded."""
    PENDING = "pending"
    """The poll is still open."""


@dataclass(frozen=True)
class Instruction:
    """One instruction as the journal recorded it; `superseded_by` names the later one."""

    instruction: int
    height: int
    at: str
    constituency: str
    motion: int | None
    matter: str | None
    choice: str
    text: str
    given_by: str
    superseded_by: int | None = None

    @property
    def on(self) -> str:
        """What it is about: "motion 12" or "matter land-decree"."""
        return f"motion {self.motion}" if self.motion is not None else f"matter {self.matter}"


@dataclass(frozen=True)
class DelegateCompliance:
    mandate: int
    name: str
    compliance: Compliance
    choice: str | None
    """The choice of a named ballot; None otherwise."""
    seat_of: str | None = None
    """The principal's name when an alternate voted in their seat."""


@dataclass(frozen=True)
class PollCompliance:
    """A poll on an instructed question, and what each delegate of the constituency did."""

    poll: int
    sitting: int
    body: str
    motion: int
    question: str
    method: str
    at: str
    constituency: str
    instruction: int
    instructed: str
    given_by: str
    carried: bool | None
    delegates: tuple[DelegateCompliance, ...]

    @property
    def breaches(self) -> tuple[DelegateCompliance, ...]:
        return tuple(d for d in self.delegates if d.compliance is Compliance.BREACHED)


@dataclass(frozen=True)
class ConstituencyInstructions:
    """Every instruction a constituency gave, and every poll they applied to."""

    organization: str
    slug: str
    constituency: str
    instructions: tuple[Instruction, ...]
    polls: tuple[PollCompliance, ...]

    @property
    def breaches(self) -> int:
        return sum(len(p.breaches) for p in self.polls)


def _int(p: Mapping[str, object], key: str) -> int | None:
    value = p.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _list(p: Mapping[str, object], key: str) -> list[object]:
    value = p.get(key)
    return value if isinstance(value, list) else []


def _str(p: Mapping[str, object], key: str) -> str | None:
    value = p.get(key)
    return value if isinstance(value, str) else None


class InstructionFold:
    """The minutes fold, and besides it the instructions given and each mandate's
    constituency (from `mandates.created` and `constituency.elected`)."""

    def __init__(self) -> None:
        self.journal = JournalFold()
        self.given: list[Instruction] = []
        self.constituency_of: dict[int, str] = {}

    def take(self, entry: JournalEntry) -> None:
        self.journal.take(entry)
        p = entry.payload
        if entry.kind == "mandates.created":
            for m in _list(p, "mandates"):
                if not isinstance(m, Mapping):
                    continue
                mid, where = _int(m, "mandate"), _str(m, "constituency")
                if mid is not None and where is not None:
                    self.constituency_of[mid] = where
        elif entry.kind == "constituency.elected" and (where := _str(p, "constituency")):
            for seat in _list(p, "elected"):
                if isinstance(seat, list) and seat and isinstance(seat[0], int):
                    self.constituency_of[seat[0]] = where
        elif entry.kind == "instruction.given" and (number := _int(p, "instruction")):
            self.given.append(
                Instruction(
                    instruction=number,
                    height=entry.height,
                    at=entry.at,
                    constituency=_str(p, "constituency") or "",
                    motion=_int(p, "motion"),
                    matter=_str(p, "matter"),
                    choice=_str(p, "choice") or "",
                    text=_str(p, "text") or "",
                    given_by=_str(p, "given_by") or "",
                )
            )

    def instructions(self) -> list[Instruction]:
        """Every instruction in the order given, each marked with the one superseding it."""
        latest: dict[tuple[str, int | None, str | None], int] = {}
        result = list(self.given)
        for i, given in enumerate(result):
            key = (given.constituency, given.motion, given.matter)
            if key in latest:
                earlier = latest[key]
                result[earlier] = replace(result[earlier], superseded_by=given.instruction)
            latest[key] = i
        return result

    def instruction_at(self, poll: PollRecord, constituency: str) -> Instruction | None:
        """The instruction that counts at a poll: the latest recorded before it opened, on
        the motion itself, else on the matter of a deciding motion."""
        if poll.motion is None or poll.kind == "election":
            return None
        motion = self.journal.motions.get(poll.motion)
        before = [
            g for g in self.given if g.constituency == constituency and g.height < poll.height
        ]
        on_motion = [g for g in before if g.motion == poll.motion]
        if on_motion:
            return on_motion[-1]
        if motion is None or motion.matter is None or motion.kind not in DECIDING_KINDS:
            return None
        on_matter = [g for g in before if g.motion is None and g.matter == motion.matter]
        return on_matter[-1] if on_matter else None

    def judge(self, poll: PollRecord, voter: int, instructed: str) -> DelegateCompliance:
        """What the record shows a voter of the poll's electorate did about an instruction."""
        seat = self.journal.electorates.get(poll.poll, {}).get(voter, voter)
        choice = self.journal.choices.get(poll.poll, {}).get(voter)
        if poll.closed_at is None:
            compliance = Compliance.PENDING
        elif poll.method == PollMethod.SHOW_OF_HANDS:
            compliance = Compliance.UNKNOWN
        elif voter not in self.journal.participants.get(poll.poll, frozenset()):
            compliance = Compliance.ABSENT
        elif not poll.named or poll.kind == "election" or choice is None:
            compliance = Compliance.SECRET
        else:
            compliance = Compliance.KEPT if choice == instructed else Compliance.BREACHED
        named = choice if compliance in (Compliance.KEPT, Compliance.BREACHED) else None
        return DelegateCompliance(
            voter,
            self.journal.name(voter),
            compliance,
            named,
            self.journal.seat_name(seat, voter),
        )

    def poll_compliance(
        self, poll: PollRecord, constituency: str, members: Iterable[int] = ()
    ) -> PollCompliance | None:
        """A constituency's delegates at a poll it instructed them on, or None.

        `members` are the constituency's mandates that sat in the body when the poll
        opened (the journal does not say who sat, only who was present); those neither in
        the electorate nor represented there by an alternate were absent.
        """
        given = self.instruction_at(poll, constituency)
        if given is None or poll.motion is None:
            return None
        electorate = self.journal.electorates.get(poll.poll, {})
        ours = [v for v in electorate if self.constituency_of.get(v) == constituency]
        lines = [self.judge(poll, voter, given.choice) for voter in ours]
        seated = set(electorate) | set(electorate.values())
        lines += [
            DelegateCompliance(m, self.journal.name(m), Compliance.ABSENT, None)
            for m in sorted(set(members) - seated)
        ]
        sitting = self.journal.sittings[poll.sitting]
        return PollCompliance(
            poll=poll.poll,
            sitting=poll.sitting,
            body=sitting.body,
            motion=poll.motion,
            question=poll.question,
            method=poll.method,
            at=poll.closed_at or poll.opened_at,
            constituency=constituency,
            instruction=given.instruction,
            instructed=given.choice,
            given_by=given.given_by,
            carried=poll.carried,
            delegates=tuple(sorted(lines, key=lambda d: d.mandate)),
        )


def fold_instructions(entries: Iterable[JournalEntry]) -> InstructionFold:
    """Fold an organization's chain, in height order, with its instructions."""
    fold = InstructionFold()
    for entry in entries:
        fold.take(entry)
    return fold


def constituency_instructions(
    fold: InstructionFold, constituency: str, members: Mapping[int, Iterable[int]] | None = None
) -> ConstituencyInstructions:
    """Every instruction a constituency gave and every poll it applied to, in order.

    `members` maps a poll to the constituency's mandates seated in its body when it opened.
    """
    members = members or {}
    polls = [
        checked
        for poll in fold.journal.polls.values()
        if (checked := fold.poll_compliance(poll, constituency, members.get(poll.poll, ())))
    ]
    return ConstituencyInstructions(
        organization=fold.journal.organization,
        slug=fold.journal.slug,
        constituency=constituency,
        instructions=tuple(g for g in fold.instructions() if g.constituency == constituency),
        polls=tuple(polls),
    )


@dataclass(frozen=True)
class RecordInstruction:
    """A line of a delegate's record: a poll they were entitled to vote in, on which their
    constituency had instructed them, and whether the record shows it kept."""

    poll: int
    motion: int
    question: str
    at: str
    constituency: str
    instruction: int
    instructed: str
    given_by: str
    compliance: Compliance
    choice: str | None


def delegate_instructions(fold: InstructionFold, mandate_id: int) -> tuple[RecordInstruction, ...]:
    """The instructed polls a delegate was entitled to vote in, in the order they opened."""
    constituency = fold.constituency_of.get(mandate_id)
    if constituency is None:
        return ()
    lines = []
    for poll in fold.journal.polls.values():
        if mandate_id not in fold.journal.electorates.get(poll.poll, {}):
            continue
        given = fold.instruction_at(poll, constituency)
        if given is None or poll.motion is None:
            continue
        judged = fold.judge(poll, mandate_id, given.choice)
        lines.append(
            RecordInstruction(
                poll=poll.poll,
                motion=poll.motion,
                question=poll.question,
                at=poll.closed_at or poll.opened_at,
                constituency=constituency,
                instruction=given.instruction,
                instructed=given.choice,
                given_by=given.given_by,
                compliance=judged.compliance,
                choice=judged.choice,
            )
        )
    return tuple(lines)
