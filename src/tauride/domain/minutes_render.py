"""Minutes of a sitting and a delegate's voting record, written as Markdown and HTML.

What the minutes say is decided once, as blocks (`tauride.domain.documents`), and written
in either format. The output depends on the record alone — no clock, no locale — so a
golden file of it stays true; instants are printed as the journal recorded them, in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable

from tauride.domain.documents import (
    Block,
    Code,
    Footer,
    Heading,
    Inline,
    Items,
    Para,
    Quote,
    Strong,
    Table,
    to_html,
    to_markdown,
)
from tauride.domain.minutes_model import (
    ItemRecord,
    MotionRecord,
    Participation,
    PollRecord,
    RecordLine,
    SittingMinutes,
    VotingRecord,
)

_METHODS = {
    "roll-call": "roll-call vote",
    "electronic": "electronic vote (by name)",
    "show-of-hands": "show of hands (counted by tellers)",
    "secret": "secret ballot",
}
_BASES = {
    "cast": "of the votes cast",
    "cast-and-abstentions": "of the votes cast and abstentions",
    "present": "of those present",
    "members": "of all members",
}
_KINDS = {"main": "Main motion", "amendment-to-amendment": "Amendment"}
_JOINTS = {"amendment": "to", "amendment-to-amendment": "to", "substitute": "for"}
_ACTS = {
    "debate": "debate opened",
    "put_to_vote": "put to the vote",
    "ruled_out": "ruled out of order",
    "tabled": "laid on the table",
}
_REFS = {"carried": "by poll", "lost": "by poll", "lapsed": "with motion", "amended": "by motion"}


def when(at: str) -> str:
    """Decide how an instant of the journal is printed: ``1905-11-12 18:00:00 UTC``."""
    return f"{at[:10]} {at[11:19]} UTC" if len(at) >= 19 else at


def _clock(at: str) -> str:
    return at[11:19] if len(at) >= 19 else at


def _words(key: str) -> str:
    return key.replace("_", " ").replace("-", " ")


def _rule(poll: PollRecord) -> str:
    if poll.threshold == "plurality":
        return "plurality"
    return f"{_words(poll.threshold)} {_BASES.get(poll.base, _words(poll.base))}"


def _how(poll: PollRecord) -> str:
    method = _METHODS.get(poll.method, poll.method)
    return f"Election by {method}" if poll.kind == "election" else method.capitalize()


def _figures(pairs: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"{option} {count}" for option, count in pairs)


def _motion_label(m: MotionRecord) -> str:
    label = _KINDS.get(m.kind, _words(m.kind).capitalize())
    if m.target is None:
        return label
    joint = _JOINTS.get(m.kind, "on")
    return f"{label} {joint} motion {m.target}"


_DECIDED = frozenset(
    {"carried", "lost", "withdrawn", "referred", "lapsed", "ruled-out", "postponed", "tabled"}
)


def _fate(m: MotionRecord) -> tuple[Inline, ...]:
    if m.state not in _DECIDED:
        return ("Fate: ", Strong("not decided"), f" (left at: {_words(m.state)})")
    state: tuple[Inline, ...] = ("Fate: ", Strong(_words(m.state)))
    if m.poll is not None:
        return (*state, f", poll {m.poll}" + (f": {m.figure}" if m.figure else ""))
    last = m.events[-1]
    if last.ref is not None and last.act in ("lapsed", "referred", "postponed", "tabled"):
        return (*state, f" ({_REFS.get(last.act, 'by motion')} {last.ref})")
    return state


def _motion_blocks(m: MotionRecord, motions: dict[int, MotionRecord]) -> list[Block]:
    moved = _motion_label(m) + (f", moved by {m.mover}" if m.mover else "")
    if m.seconder:
        moved += f", seconded by {m.seconder}"
    course = ", ".join(
        f"{_ACTS.get(e.act, _words(e.act))} {_clock(e.at)}"
        + (f" ({_REFS.get(e.act, 'by motion')} {e.ref})" if e.ref is not None else "")
        for e in m.events
    )
    blocks: list[Block] = [
        Heading(3, f"Motion {m.motion}: {m.title}"),
        Para((moved + ".",)),
        *([Quote(m.text)] if m.text else []),
    ]
    if m.final_text != m.text:
        blocks += [Para(("Text as amended:",)), Quote(m.final_text)]
    lines: list[tuple[Inline, ...]] = []
    if m.amendments:
        fates = (f"motion {a} ({_words(motions[a].state)})" for a in m.amendments if a in motions)
        lines.append(("Amendments: " + "; ".join(fates),))
    lines += [(f"Course: {course}",), _fate(m)]
    return [*blocks, Items(tuple(lines))]


def _poll_blocks(poll: PollRecord) -> list[Block]:
    on = f" on motion {poll.motion}" if poll.motion is not None else ""
    lines: list[tuple[Inline, ...]] = [
        (f"{_how(poll)}{on}; {_rule(poll)}",),
        (
            f"Entitled to vote: {poll.entitled}"
            + (
                f" ({poll.present} of {poll.members} voting members present)"
                if poll.members
                else ""
            )
            + (f"; quorum {poll.quorum}" if poll.quorum else ""),
        ),
    ]
    if poll.closed_at is None:
        lines.append((f"Opened {when(poll.opened_at)}; not closed in the journal",))
    if poll.counts:
        lines.append((f"Votes: {_figures(poll.counts)}",))
    if poll.weighted_counts:
        lines.append((f"Card vote: {_figures(poll.weighted_counts)}",))
    if poll.elected:
        lines.append(("Elected: ", Strong(", ".join(poll.elected))))
    if poll.carried is not None:
        outcome = Strong("carried" if poll.carried else "lost")
        lines.append(("Outcome: ", outcome, f", {poll.figure}" if poll.figure else ""))
    if poll.reason:
        lines.append((f"Reason: {poll.reason}",))
    if poll.casting_vote:
        lines.append((f"Chair's casting vote: {poll.casting_vote}",))
    if poll.merkle_root:
        sealed = f"Sealed {when(poll.closed_at or '')}: {poll.ballots} ballots, "
        lines.append((sealed, f"{poll.participants} voters; Merkle root ", Code(poll.merkle_root)))
    blocks: list[Block] = [Heading(3, f"Poll {poll.poll}: {poll.question}"), Items(tuple(lines))]
    if poll.votes and poll.closed_at is not None:
        order = {option: i for i, option in enumerate(poll.options)}
        rows = sorted(
            poll.votes, key=lambda v: (order.get(v.choice or "", len(order)), v.name, v.mandate)
        )
        blocks.append(
            Table(
                ("Voter", "Mandate", "Vote"),
                tuple(
                    (
                        v.name + (f" (for {v.seat_name})" if v.seat_name else ""),
                        str(v.mandate),
                        v.choice or "did not vote",
                    )
                    for v in rows
                ),
            )
        )
    return blocks


def _item_blocks(item: ItemRecord, heading: str) -> list[Block]:
    blocks: list[Block] = [Heading(2, heading)]
    if item.speeches:
        speakers: list[tuple[Inline, ...]] = []
        for s in item.speeches:
            if s.kind == "guest":
                speakers.append((f"{s.name}, guest of the body, {_clock(s.at)}",))
            else:
                notes = [s.side] if s.side and s.side != "neutral" else []
                notes += ["point of order"] if s.kind == "point-of-order" else []
                note = ", ".join(notes)
                speakers.append((s.name + (f" ({note})" if note else "") + f", {_clock(s.at)}",))
        blocks += [Para(("Speakers:",)), Items(tuple(speakers), ordered=True)]
    if item.speakers_closed:
        blocks.append(Para(("The list of speakers was closed.",)))
    motions = {m.motion: m for m in item.motions}
    business: list[tuple[int, list[Block]]] = [
        (m.height, _motion_blocks(m, motions)) for m in item.motions
    ]
    business += [(p.height, _poll_blocks(p)) for p in item.polls]
    for _, chunk in sorted(business, key=lambda pair: pair[0]):
        blocks += chunk
    if len(blocks) == 1:
        blocks.append(Para(("No business is recorded under this item.",)))
    return blocks


def _attendance(m: SittingMinutes) -> list[Block]:
    voice = m.present - m.present_voting
    summary = f"{m.present} present: {m.present_voting} with a vote"
    summary += f", {voice} with a consultative voice." if voice else "."
    if m.voting_members is not None:
        summary += f" The body had {m.voting_members} voting members when its last poll opened"
        summary += f" (quorum {m.quorum})." if m.quorum else "."
    rows = tuple(
        (
            a.name,
            str(a.mandate),
            f"for {a.for_name}" if a.for_name else "consultative" if a.consultative else "vote",
            _clock(a.checked_in),
            _clock(a.checked_out) if a.checked_out else "",
        )
        for a in m.attendance
    )
    table = Table(("Name", "Mandate", "Seat", "In", "Out"), rows)
    return [Heading(2, "Attendance"), Para((summary,)), *([table] if rows else [])]


def minutes_blocks(m: SittingMinutes) -> list[Block]:
    """Decide what the minutes of a sitting say, in order, before any format is chosen."""
    header: list[tuple[Inline, ...]] = [
        (f"Body: {m.body}, sitting no. {m.number} (sitting {m.sitting} in the journal)",)
    ]
    if m.scheduled_for:
        header.append((f"Convened for: {m.scheduled_for}",))
    header.append((f"Opened: {when(m.opened_at)}" if m.opened_at else "Not opened",))
    header += [(f"Suspended {when(a)}, resumed {when(b) if b else '—'}",) for a, b in m.suspensions]
    header.append((f"Closed: {when(m.closed_at)}" if m.closed_at else f"State: {m.state}",))
    if m.chair:
        header.append((f"Chair: {m.chair}",))
    blocks: list[Block] = [
        Heading(1, f"Minutes: {m.title}"),
        Para((m.organization,)),
        Items(tuple(header)),
        *_attendance(m),
    ]
    agenda = tuple(
        (
            f"{i.title} ({_words(i.kind)}"
            + (f", {i.minutes} min" if i.minutes else "")
            + (f"; taken up {', '.join(_clock(t) for t in i.taken_up)})" if i.taken_up else ")"),
        )
        for i in m.agenda
    )
    blocks += [Heading(2, "Agenda"), Items(agenda, ordered=True) if agenda else Para(("None.",))]
    for n, item in enumerate(m.agenda, start=1):
        blocks += _item_blocks(item, f"{n}. {item.title}")
    if m.other is not None:
        blocks += _item_blocks(m.other, "Business under no agenda item")
    cite = f"Drawn from the journal of {m.slug}, entries {m.first_height} to {m.last_height}; "
    return [*blocks, Footer((cite, f"entry {m.last_height} has hash ", Code(m.last_hash), "."))]


_TOOK = {
    Participation.VOTED: "voted by name",
    Participation.TOOK_PART: "took part in a secret ballot",
    Participation.DID_NOT_VOTE: "did not vote",
    Participation.SHOW_OF_HANDS: "show of hands, not recorded by name",
    Participation.POLL_OPEN: "poll still open",
}


def _record_row(line: RecordLine) -> tuple[str, ...]:
    if line.participation is Participation.VOTED:
        vote = (line.choice or "") + (f" (in the seat of {line.seat_of})" if line.seat_of else "")
    else:
        vote = _TOOK[line.participation]
    outcome = {True: "carried", False: "lost", None: ""}[line.carried]
    return (
        str(line.poll),
        f"{line.body} no. {line.sitting_number}: {line.sitting_title}",
        when(line.at),
        line.question,
        _METHODS.get(line.method, line.method),
        vote,
        ", ".join(x for x in (outcome, line.figure or "") if x),
    )


def _polls(n: int) -> str:
    return f"{n} poll" if n == 1 else f"{n} polls"


def record_blocks(r: VotingRecord) -> list[Block]:
    """Decide what a delegate's voting record says: one line per poll they could vote in."""
    d = r.delegate
    about = [f"Mandate {d.mandate}", d.constituency, d.faction and f"faction: {d.faction}"]
    about.append("consultative voice" if d.consultative else None)
    tally = ((p, sum(1 for line in r.polls if line.participation is p)) for p in Participation)
    counts = "; ".join(f"{_TOOK[p]}: {n}" for p, n in tally if n)
    header = ("Poll", "Sitting", "At", "Question", "Method", "Vote", "Outcome")
    rows = tuple(_record_row(line) for line in r.polls)
    return [
        Heading(1, f"Voting record of {d.name}"),
        Para(("; ".join(a for a in about if a) + ".",)),
        Para(
            (f"Entitled to vote in {_polls(len(r.polls))}" + (f" ({counts})." if counts else "."),)
        ),
        *([Table(header, rows)] if rows else []),
    ]


def minutes_markdown(m: SittingMinutes) -> str:
    """Decide the Markdown of a sitting's minutes."""
    return to_markdown(minutes_blocks(m))


def minutes_html(m: SittingMinutes) -> str:
    """Decide the HTML page of a sitting's minutes."""
    return to_html(f"{m.organization}: minutes of sitting {m.sitting}", minutes_blocks(m))


def record_markdown(r: VotingRecord) -> str:
    """Decide the Markdown of a delegate's voting record."""
    return to_markdown(record_blocks(r))
