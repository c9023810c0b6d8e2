"""Do the act a scenario step names, through the same services the API and the CLI call.

Each function takes the replay under way (`Run`) and one checked step, does the act —
often several service calls, as a chair and a secretariat would in one go: move, second,
admit and open the debate — and says in a few lines what came of it. Labels are turned
into the numbers of what earlier steps created; delegates were resolved before the first
act (`tauride.services.scenarios`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Mandate, Organization
from tauride.db.polls import Poll, PollElector
from tauride.db.sittings import AgendaItem
from tauride.domain import scenario as sc
from tauride.domain.errors import InvalidInput
from tauride.domain.polls import YES_NO_ABSTAIN, PollMethod, is_yes_no
from tauride.domain.procedure import MOTION_RULES, MotionState
from tauride.domain.quorum import quorum_required
from tauride.domain.sittings import SittingState
from tauride.domain.speakers import RequestKind
from tauride.services import matters, motions, petitions, polls, sittings, speakers
from tauride.services.bodies import current_memberships
from tauride.services.organizations import current_constitution


class Run:
    """A replay under way: where it writes, who acts, and what the labels stand for."""

    def __init__(
        self, session: Session, org: Organization, actor: str, clock: sc.ScenarioClock
    ) -> None:
        self.session = session
        self.org = org
        self.actor = actor
        self.clock = clock
        self.ids: dict[str, int] = {}
        self.delegates: dict[sc.Delegate, int] = {}
        self.sittings: list[int] = []
        self.matters: list[str] = []
        self.petitions: list[int] = []

    def name(self, mandate_id: int) -> str:
        return self.session.get_one(Mandate, mandate_id).person.name

    def mandate(self, ref: sc.Delegate) -> int:
        return self.delegates[ref]


def schedule(run: Run, step: sc.Schedule) -> list[str]:
    sitting = sittings.schedule_sitting(
        run.session,
        run.org,
        step.body,
        title=step.title,
        scheduled_for=step.convened_for,
        actor=run.actor,
    )
    run.ids[step.label] = sitting.id
    run.sittings.append(sitting.id)
    return [f"sitting {sitting.id}: {sitting.body.name}, no. {sitting.number} — {sitting.title}"]


_STATES = {
    "open": SittingState.OPEN,
    "suspend": SittingState.SUSPENDED,
    "resume": SittingState.OPEN,
    "close": SittingState.CLOSED,
}


def sitting_act(run: Run, step: sc.SittingAct) -> list[str]:
    sitting = sittings.change_state(
        run.session, run.org, run.ids[step.sitting], _STATES[step.act], actor=run.actor
    )
    return [f"sitting {sitting.id} ({sitting.body.name}) {sitting.state.value}"]


def check_in(run: Run, step: sc.CheckIn) -> list[str]:
    sitting = sittings.get_sitting(run.session, run.org, run.ids[step.sitting])
    members = current_memberships(run.session, sitting.body_id)
    if step.delegates is not None:
        chosen = [run.mandate(d) for d in step.delegates]
    else:
        absent = {run.mandate(d) for d in step.absent}
        chosen = [
            m.mandate_id
            for m in members
            if (step.members == "all" or not m.consultative) and m.mandate_id not in absent
        ][: step.count]
    for mandate_id in chosen:
        sittings.check_in(run.session, run.org, sitting.id, mandate_id, actor=run.actor)
    return [f"{len(chosen)} checked in; {_attendance(run, sitting.id, sitting.body.key)}"]


def _attendance(run: Run, sitting_id: int, body_key: str) -> str:
    sitting = sittings.get_sitting(run.session, run.org, sitting_id)
    members = current_memberships(run.session, sitting.body_id)
    voting = {m.mandate_id for m in members if not m.consultative}
    here = {row.mandate_id for row in sittings.present_rows(run.session, sitting_id)}
    _, constitution = current_constitution(run.session, run.org.id)
    needed = quorum_required(constitution.bodies[body_key].quorum, len(voting))
    return (
        f"{len(here & voting)} of {len(voting)} voting members present "
        f"({len(here - voting)} others), quorum {needed}"
    )


def check_out(run: Run, step: sc.CheckOut) -> list[str]:
    sitting_id = run.ids[step.sitting]
    for ref in step.delegates:
        sittings.check_out(run.session, run.org, sitting_id, run.mandate(ref), actor=run.actor)
    body = sittings.get_sitting(run.session, run.org, sitting_id).body.key
    return [f"{len(step.delegates)} checked out; {_attendance(run, sitting_id, body)}"]


def item(run: Run, step: sc.Item) -> list[str]:
    added = sittings.add_agenda_item(
        run.session,
        run.org,
        run.ids[step.sitting],
        kind=step.kind,
        title=step.title,
        minutes=step.minutes,
        actor=run.actor,
    )
    if step.label is not None:
        run.ids[step.label] = added.id
    return [f"agenda item {added.position}: {added.title} ({added.kind.value})"]


def take_up(run: Run, step: sc.TakeUp) -> list[str]:
    taken = sittings.take_up_item(run.session, run.org, run.ids[step.item], actor=run.actor)
    return [f"agenda item {taken.position} taken up: {taken.title}"]


def speeches(run: Run, step: sc.Speeches) -> list[str]:
    """Each speaker asks for the floor and is called in turn; the last speech is ended."""
    item_id = run.ids[step.item]
    names = []
    for n, speaker in enumerate(step.speakers):
        if n:
            run.clock.advance(step.speakers[n - 1].minutes)
        mandate_id = run.mandate(speaker.delegate)
        kind = RequestKind.POINT_OF_ORDER if speaker.point_of_order else RequestKind.SPEECH
        speakers.request_floor(
            run.session, run.org, item_id, mandate_id, side=speaker.side, kind=kind, actor=run.actor
        )
        speakers.call_next(run.session, run.org, item_id, actor=run.actor)
        side = f" ({speaker.side.value})" if speaker.side.value != "neutral" else ""
        names.append(run.name(mandate_id) + side)
    run.clock.advance(step.speakers[-1].minutes)
    speakers.end_speech(run.session, run.org, item_id, actor=run.actor)
    return [f"{len(names)} spoke: {', '.join(names)}"]


def motion(run: Run, step: sc.Motion) -> list[str]:
    item_id = run.ids[step.item] if step.item is not None else None
    if step.sitting is not None:
        sitting_id = run.ids[step.sitting]
    else:
        sitting_id = run.session.get_one(AgendaItem, item_id).sitting_id
    mover = run.mandate(step.mover) if step.mover is not None else None
    moved = motions.move_motion(
        run.session,
        run.org,
        sitting_id,
        kind=step.kind,
        title=step.title,
        text=step.text,
        target_id=run.ids[step.target] if step.target is not None else None,
        mover_mandate_id=mover,
        mover_label=step.on_behalf_of,
        agenda_item_id=item_id,
        matter=step.matter,
        actor=run.actor,
    )
    if step.label is not None:
        run.ids[step.label] = moved.id
    rule = MOTION_RULES[step.kind]
    stage = step.stage or ("debate" if rule.debatable else "admitted")
    by = run.name(mover) if mover is not None else step.on_behalf_of
    line = f"motion {moved.id}: {step.kind.value} '{moved.title}', moved by {by}"
    if step.seconder is not None and stage != "submitted":
        seconder = run.mandate(step.seconder)
        motions.second_motion(run.session, run.org, moved.id, seconder, actor=run.actor)
        line += f", seconded by {run.name(seconder)}"
    for target, reached in (
        (MotionState.ADMITTED, ("admitted", "debate")),
        (MotionState.DEBATE, ("debate",)),
    ):
        if stage in reached:
            motions.set_motion_state(run.session, run.org, moved.id, target, actor=run.actor)
    return [f"{line}; {moved.state}"]


def motion_act(run: Run, step: sc.MotionAct) -> list[str]:
    target = MotionState.WITHDRAWN if step.act == "withdraw" else MotionState.RULED_OUT
    changed = motions.set_motion_state(
        run.session, run.org, run.ids[step.motion], target, actor=run.actor
    )
    return [f"motion {changed.id} '{changed.title}' {changed.state}"]


def vote(run: Run, step: sc.Vote) -> list[str]:
    """Open the poll, cast the ballots the step describes (or enter the tellers' counts)."""
    if step.motion is not None:
        poll = motions.put_to_vote(
            run.session, run.org, run.ids[step.motion], method=step.method, actor=run.actor
        )
    else:
        poll = polls.open_poll(
            run.session,
            run.org,
            run.ids[step.sitting or ""],
            question=step.question or "",
            method=step.method,
            options=tuple(step.options or YES_NO_ABSTAIN),
            actor=run.actor,
        )
    if step.label is not None:
        run.ids[step.label] = poll.id
    electors = list(
        run.session.scalars(
            select(PollElector.mandate_id)
            .where(PollElector.poll_id == poll.id)
            .order_by(PollElector.id)
        )
    )
    choices = _choices(run, step, electors)
    if PollMethod(poll.method).counted_by_tellers:
        counts = dict(step.ballots or {})
        if step.ballots is None:
            for choice in choices.values():
                counts[choice] = counts.get(choice, 0) + 1
        polls.enter_hand_counts(run.session, run.org, poll.id, counts, actor=run.actor)
    else:
        for voter, choice in choices.items():
            polls.cast_ballot(run.session, run.org, poll.id, voter, choice)
    about = f" on motion {poll.motion_id}" if poll.motion_id is not None else ""
    lines = [f"poll {poll.id}{about} ({step.method.value}): {len(electors)} entitled to vote"]
    if step.close:
        lines += close(run, poll.id, step.casting_vote)
    return lines


def _choices(run: Run, step: sc.Vote, electors: list[int]) -> dict[int, str]:
    """Who chooses what: a distribution over the electorate in its order, or by faction."""
    if step.ballots is not None:
        wanted = sum(step.ballots.values())
        if wanted > len(electors):
            raise InvalidInput(f"ballots: {wanted} ballots, but only {len(electors)} may vote")
        voters = iter(electors)
        return {next(voters): option for option, n in step.ballots.items() for _ in range(n)}
    chosen: dict[int, str] = {}
    factions = step.by_faction or {}
    for voter in electors:
        faction = run.session.get_one(Mandate, voter).faction
        if faction is not None and faction.key in factions:
            chosen[voter] = factions[faction.key]
    for name, choice in (step.named or {}).items():
        voter = run.mandate(sc.Delegate(name=name))
        if voter not in electors:
            raise InvalidInput(f"named[{name!r}]: not entitled to vote in this poll")
        chosen[voter] = choice
    return chosen


def close(run: Run, poll_id: int, casting_vote: str | None) -> list[str]:
    """Close the poll; say what it decided and what became of its motion and matter."""
    poll = polls.get_poll(run.session, run.org, poll_id)
    casting: bool | str | None = casting_vote
    if casting_vote is not None and is_yes_no(poll.options) and casting_vote in ("yes", "no"):
        casting = casting_vote == "yes"
    decided = motions.close_vote(
        run.session, run.org, poll_id, casting_vote=casting, actor=run.actor
    )
    poll = run.session.get_one(Poll, poll_id)
    outcome: dict[str, Any] = poll.outcome or {}
    verdict = "carried" if outcome.get("carried") else "lost"
    lines = [f"poll {poll.id} closed: {verdict}, {outcome.get('figure') or outcome.get('reason')}"]
    if decided is not None:
        lines.append(f"motion {decided.id} '{decided.title}' {decided.state}")
        if decided.matter is not None:
            state = matters.state_of(run.session, run.org.id, decided.matter)
            where = ", ".join(f"{b} {p.value}" for b, p in state.positions.items())
            lines.append(f"matter {decided.matter}: {where}")
            lines += [f"conflict: {a} and {b}" for a, b in state.conflicts]
    return lines


def close_poll(run: Run, step: sc.ClosePoll) -> list[str]:
    return close(run, run.ids[step.poll], step.casting_vote)


def matter(run: Run, step: sc.Matter) -> list[str]:
    matters.open_matter(
        run.session,
        run.org,
        step.key,
        title=step.title,
        required_bodies=step.bodies,
        actor=run.actor,
    )
    run.matters.append(step.key)
    needs = f"; concurrence of {', '.join(step.bodies)}" if step.bodies else ""
    return [f"matter {step.key}: {step.title}{needs}"]


def petition(run: Run, step: sc.Petition) -> list[str]:
    received = petitions.submit_petition(
        run.session,
        run.org,
        step.body,
        kind=step.kind,
        title=step.title,
        text=step.text,
        from_constituency=step.from_constituency,
        from_label=step.from_group,
        signatures=step.signatures,
        actor=run.actor,
    )
    if step.label is not None:
        run.ids[step.label] = received.id
    run.petitions.append(received.id)
    whence = step.from_constituency or step.from_group
    return [
        f"petition {received.id}: {step.kind.value} '{received.title}' from {whence}; submitted"
    ]


def put_on_agenda(run: Run, step: sc.PutOnAgenda) -> list[str]:
    placed = petitions.put_on_agenda(
        run.session,
        run.org,
        run.ids[step.petition],
        run.ids[step.sitting],
        item_id=run.ids[step.item] if step.item is not None else None,
        actor=run.actor,
    )
    if step.label is not None:
        run.ids[step.label] = placed.id
    return [
        f"petition {run.ids[step.petition]} on the agenda: item {placed.position}, {placed.title}"
    ]


def hear(run: Run, step: sc.Hear) -> list[str]:
    heard = petitions.hear(
        run.session, run.org, run.ids[step.petition], speaker=step.speaker, actor=run.actor
    )
    return [f"petition {heard.id} heard: {step.speaker}"]


def answer(run: Run, step: sc.Answer) -> list[str]:
    motion_id = run.ids[step.motion]
    answered = petitions.answer(
        run.session, run.org, run.ids[step.petition], motion_id, actor=run.actor
    )
    if answered.state == "answered":
        return [f"petition {answered.id} answered by motion {motion_id}"]
    return [f"petition {answered.id} to be answered by motion {motion_id} once it is decided"]


Act = Callable[[Run, Any], list[str]]

ACTS: dict[type[sc.Step], Act] = {
    sc.Schedule: schedule,
    sc.SittingAct: sitting_act,
    sc.CheckIn: check_in,
    sc.CheckOut: check_out,
    sc.Item: item,
    sc.TakeUp: take_up,
    sc.Speeches: speeches,
    sc.Motion: motion,
    sc.MotionAct: motion_act,
    sc.Vote: vote,
    sc.ClosePoll: close_poll,
    sc.Matter: matter,
    sc.Petition: petition,
    sc.PutOnAgenda: put_on_agenda,
    sc.Hear: hear,
    sc.Answer: answer,
}
"""The function that does each kind of step."""
