"""The report-back digest: after a sitting, what one constituency needs to hear of it.

The sitting, the decisions taken (every motion's fate with its poll's figures, the
results of elections), how each of the constituency's delegates voted in each poll (a
named vote: the choice; a secret ballot or an election: whether they voted; a show of
hands: nothing by name), their attendance, and whether they kept the constituency's
instructions. It is decided from the sitting's minutes and the instruction fold, both read
from the journal, and the constituency's delegates, which the caller reads from the
database (the journal records who was present and who was entitled, not who sat).

A `Digest` is a plain value (`dataclasses.asdict` gives its JSON), written here as
Markdown, plain text or an HTML page, so that a page or an e-mail can reuse it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tauride.domain.documents import (
    Block,
    Code,
    Footer,
    Heading,
    Inline,
    Items,
    Para,
    Strong,
    Table,
    to_html,
    to_markdown,
)
from tauride.domain.instructions import Compliance, InstructionFold, PollCompliance
from tauride.domain.minutes_model import MotionRecord, PollRecord, SittingMinutes
from tauride.domain.polls import PollMethod
from tauride.domain.report_render import compliance_blocks, to_text


@dataclass(frozen=True)
class Seat:
    """A delegate of the constituency who sat in the body during the sitting (or who sat
    in for one), as the caller read it from the database."""

    mandate: int
    name: str
    consultative: bool = False
    faction: str | None = None


@dataclass(frozen=True)
class DigestDelegate:
    mandate: int
    name: str
    faction: str | None
    consultative: bool
    present: tuple[tuple[str, str | None], ...]
    """Each stretch of presence: checked in, checked out (None: until the close)."""
    seat_of: str | None = None
    """The absent principal whose seat an alternate took."""


@dataclass(frozen=True)
class DigestVote:
    mandate: int
    name: str
    vote: str
    """The choice of a named vote; otherwise "voted", "did not vote", "absent",
    "not recorded individually", "no vote (consultative)", "poll still open" or
    "represented by …"."""
    choice: str | None = None


@dataclass(frozen=True)
class DigestDecision:
    motion: int
    kind: str
    title: str
    text: str
    """The text as finally amended."""
    target: int | None
    state: str
    poll: int | None
    figure: str | None
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class DigestPoll:
    poll: int
    question: str
    method: str
    kind: str
    motion: int | None
    carried: bool | None
    figure: str | None
    counts: tuple[tuple[str, int], ...]
    elected: tuple[str, ...]
    closed: bool
    votes: tuple[DigestVote, ...]
    instruction: PollCompliance | None = None


@dataclass(frozen=True)
class Digest:
    organization: str
    slug: str
    constituency: str
    units: tuple[str, ...]
    """The units that elect jointly through a group constituency."""
    sitting: int
    body: str
    body_name: str
    number: int
    title: str
    scheduled_for: str | None
    state: str
    opened_at: str | None
    closed_at: str | None
    delegates: tuple[DigestDelegate, ...]
    decisions: tuple[DigestDecision, ...]
    polls: tuple[DigestPoll, ...]
    last_height: int
    last_hash: str

    def compliance(self, which: Compliance) -> int:
        """How many delegate-poll lines of the instructions show `which`."""
        checks = (p.instruction.delegates for p in self.polls if p.instruction)
        return sum(1 for lines in checks for x in lines if x.compliance is which)


def _vote(
    fold: InstructionFold, poll: PollRecord, seat: Seat, voters: dict[int, int]
) -> DigestVote:
    j = fold.journal
    if seat.mandate not in voters:
        stand_in = next((v for v, s in voters.items() if s == seat.mandate != v), None)
        if stand_in is not None:
            return DigestVote(seat.mandate, seat.name, f"represented by {j.name(stand_in)}")
        return DigestVote(
            seat.mandate, seat.name, "no vote (consultative)" if seat.consultative else "absent"
        )
    if poll.closed_at is None:
        return DigestVote(seat.mandate, seat.name, "poll still open")
    if poll.method == PollMethod.SHOW_OF_HANDS:
        return DigestVote(seat.mandate, seat.name, "not recorded individually")
    if seat.mandate not in j.participants.get(poll.poll, frozenset()):
        return DigestVote(seat.mandate, seat.name, "did not vote")
    choice = j.choices.get(poll.poll, {}).get(seat.mandate)
    if choice is None or poll.kind == "election":
        return DigestVote(seat.mandate, seat.name, "voted")
    seat_of = j.seat_name(voters[seat.mandate], seat.mandate)
    return DigestVote(
        seat.mandate,
        seat.name,
        choice + (f" (in the seat of {seat_of})" if seat_of else ""),
        choice,
    )


def _motions(m: SittingMinutes) -> list[MotionRecord]:
    items = [*m.agenda, *([m.other] if m.other else [])]
    return sorted((x for i in items for x in i.motions), key=lambda x: x.motion)


def _polls(m: SittingMinutes) -> list[PollRecord]:
    items = [*m.agenda, *([m.other] if m.other else [])]
    return sorted((p for i in items for p in i.polls), key=lambda p: p.poll)


def build_digest(
    minutes: SittingMinutes,
    fold: InstructionFold,
    constituency: str,
    seats: Sequence[Seat],
    *,
    units: Iterable[str] = (),
    body_name: str | None = None,
    members_at: dict[int, set[int]] | None = None,
) -> Digest:
    """Decide one constituency's digest of a sitting.

    `seats` are its delegates who sat in the body during the sitting; `members_at` maps a
    poll to those of them seated (with a vote) when it opened, for the instructions.
    """
    members_at = members_at or {}
    stretches: dict[int, list[tuple[str, str | None]]] = {}
    seat_of: dict[int, str | None] = {}
    for a in minutes.attendance:
        stretches.setdefault(a.mandate, []).append((a.checked_in, a.checked_out))
        seat_of.setdefault(a.mandate, a.for_name)
    polls = _polls(minutes)
    by_poll = {p.poll: p for p in polls}
    delegates = tuple(
        DigestDelegate(
            s.mandate,
            s.name,
            s.faction,
            s.consultative,
            tuple(stretches.get(s.mandate, ())),
            seat_of.get(s.mandate),
        )
        for s in seats
    )
    decisions = tuple(
        DigestDecision(
            motion=x.motion,
            kind=x.kind,
            title=x.title,
            text=x.final_text,
            target=x.target,
            state=x.state,
            poll=x.poll,
            figure=x.figure,
            counts=by_poll[x.poll].counts if x.poll in by_poll else (),
        )
        for x in _motions(minutes)
    )
    digest_polls = []
    for p in polls:
        voters = fold.journal.electorates.get(p.poll, {})
        digest_polls.append(
            DigestPoll(
                poll=p.poll,
                question=p.question,
                method=p.method,
                kind=p.kind,
                motion=p.motion,
                carried=p.carried,
                figure=p.figure,
                counts=p.counts,
                elected=p.elected,
                closed=p.closed_at is not None,
                votes=tuple(_vote(fold, p, s, voters) for s in seats),
                instruction=fold.poll_compliance(p, constituency, members_at.get(p.poll, ())),
            )
        )
    return Digest(
        organization=minutes.organization,
        slug=minutes.slug,
        constituency=constituency,
        units=tuple(units),
        sitting=minutes.sitting,
        body=minutes.body,
        body_name=body_name or minutes.body,
        number=minutes.number,
        title=minutes.title,
        scheduled_for=minutes.scheduled_for,
        state=minutes.state,
        opened_at=minutes.opened_at,
        closed_at=minutes.closed_at,
        delegates=delegates,
        decisions=decisions,
        polls=tuple(digest_polls),
        last_height=minutes.last_height,
        last_hash=minutes.last_hash,
    )


def _when(at: str | None) -> str:
    return f"{at[:10]} {at[11:16]} UTC" if at and len(at) >= 16 else (at or "")


def _words(key: str) -> str:
    return key.replace("_", " ").replace("-", " ")


def _figures(counts: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"{option} {n}" for option, n in counts)


_METHODS = {
    "roll-call": "roll call",
    "electronic": "electronic vote by name",
    "show-of-hands": "show of hands",
    "secret": "secret ballot",
}


def _decision(d: DigestDecision) -> tuple[Inline, ...]:
    kind = "" if d.kind == "main" else f" ({_words(d.kind)} to motion {d.target})"
    fate: list[Inline] = [f"Motion {d.motion}{kind}: {d.title} — ", Strong(_words(d.state))]
    if d.poll is not None:
        detail = "; ".join(x for x in (d.figure or "", _figures(d.counts)) if x)
        fate.append(f" (poll {d.poll}" + (f": {detail})" if detail else ")"))
    return tuple(fate)


def _poll_line(p: DigestPoll) -> str:
    on = f" on motion {p.motion}" if p.motion is not None else ""
    how = _METHODS.get(p.method, p.method)
    if p.kind == "election":
        result = "elected: " + (", ".join(p.elected) or "nobody") if p.closed else "open"
    elif not p.closed:
        result = "still open"
    else:
        result = {True: "carried", False: "lost", None: "decided"}[p.carried]
        result += f", {p.figure}" if p.figure else ""
    return f"Poll {p.poll}{on}, by {how}: {p.question} — {result}"


def digest_blocks(d: Digest) -> list[Block]:
    """Decide what the digest says, as document blocks."""
    units = f" (units: {', '.join(d.units)})" if d.units else ""
    opened = f"; opened {_when(d.opened_at)}" if d.opened_at else ""
    closed = f", closed {_when(d.closed_at)}" if d.closed_at else f"; {_words(d.state)}"
    blocks: list[Block] = [
        Heading(1, f"Report-back to {d.constituency}"),
        Para(
            (
                f"{d.organization}: {d.body_name}, sitting no. {d.number}, "
                f"{d.title}{opened}{closed}. For {d.constituency}{units}.",
            )
        ),
        Heading(2, "Decisions"),
    ]
    decided = [p for p in d.polls if p.motion is None]
    if d.decisions or decided:
        entries = [_decision(x) for x in d.decisions]
        entries += [(_poll_line(p),) for p in decided]
        blocks.append(Items(tuple(entries)))
    else:
        blocks.append(Para(("No motion was moved and no vote taken.",)))
    blocks.append(Heading(2, "How your delegates voted"))
    if not d.delegates:
        blocks.append(Para(("The constituency had no delegate in the body.",)))
    for p in d.polls:
        blocks.append(Para((_poll_line(p),)))
        if d.delegates:
            rows = tuple((v.name, v.vote) for v in p.votes)
            blocks.append(Table(("Delegate", "Vote"), rows))
    blocks.append(Heading(2, "Attendance"))
    lines: list[tuple[Inline, ...]] = []
    for x in d.delegates:
        role = " (consultative)" if x.consultative else ""
        role += f" (in the seat of {x.seat_of})" if x.seat_of else ""
        if x.present:
            spans = ", ".join(
                f"from {_when(a)}" + (f" to {_when(b)}" if b else "") for a, b in x.present
            )
            lines.append((f"{x.name}{role}: present {spans}",))
        else:
            lines.append((f"{x.name}{role}: absent",))
    blocks.append(Items(tuple(lines)) if lines else Para(("No delegate.",)))
    blocks.append(Heading(2, "Instructions"))
    checks = [p.instruction for p in d.polls if p.instruction is not None]
    if not checks:
        blocks.append(Para(("No poll of this sitting was on a question you instructed on.",)))
    blocks += compliance_blocks(checks)
    blocks.append(
        Footer(
            (
                f"Sitting {d.sitting}, drawn from the journal; its last entry is no. "
                f"{d.last_height}, hash ",
                Code(d.last_hash),
                ".",
            )
        )
    )
    return blocks


def digest_markdown(d: Digest) -> str:
    """Decide the Markdown of a digest."""
    return to_markdown(digest_blocks(d))


def digest_html(d: Digest) -> str:
    """Decide a self-contained HTML page of a digest."""
    return to_html(f"{d.organization}: report-back to {d.constituency}", digest_blocks(d))


def digest_text(d: Digest) -> str:
    """Decide the plain text of a digest."""
    return to_text(digest_blocks(d))
