"""A scripted client that replays a scenario through the JSON API alone.

Besides loading the organization and bootstrapping one secretariat account
(`scenario_people.prepare`), every act is a request made by the account whose role the act
needs (`scenario_people.People` makes the accounts and resolves the scenario's names from
what the API lists):

- the secretariat creates the chair and the teller (passwords, then bearer tokens from
  `POST /auth/tokens`) and, the first time a mandate acts, that delegate's account: without
  a password, given a one-time code that the delegate's device exchanges for a bearer token
  (`POST /auth/code-tokens`) — or, with `delegate_login="password"`, with a password and a
  token from `POST /auth/tokens` like the officers;
- the secretariat registers matters and petitions, schedules sittings and their agenda,
  checks members in and out (`members`: in the order of the body's roll, `roll_position`),
  moves motions in the name of a body and puts petitions on the agenda;
- the chair opens, suspends, resumes and closes sittings, takes up items, calls and ends
  speeches, admits motions and opens their debate, withdraws or rules them out, opens and
  closes polls, hears delegations and links the resolution that answers them;
- each delegate asks for the floor, moves, seconds and casts a ballot with their own token
  through their own mandate; the teller enters the counts of a show of hands.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from tauride.domain import scenario as sc
from tauride.domain.polls import YES_NO_ABSTAIN, PollMethod
from tauride.domain.procedure import MOTION_RULES
from tauride.domain.speakers import RequestKind

from .scenario_people import PASSWORD, Api, Headers, People, ReplayRefused


@dataclass
class HttpReplay:
    """What the replay created, and what it cost."""

    slug: str
    sittings: list[int] = field(default_factory=list)
    matters: list[str] = field(default_factory=list)
    petitions: list[int] = field(default_factory=list)
    requests: int = 0
    accounts: int = 0
    seconds: float = 0.0
    account_seconds: float = 0.0
    """Of `seconds`, the time spent creating accounts and getting their tokens."""


class ScenarioClient:
    """Replays one scenario over HTTP into an organization prepared by `prepare`."""

    def __init__(
        self, http: TestClient, slug: str, *, delegate_login: str = "code", password: str = PASSWORD
    ) -> None:
        self.api = Api(http, slug)
        self.delegate_login = delegate_login
        self.password = password
        self.done = HttpReplay(slug)
        self.ids: dict[str, int] = {}
        self.item_sitting: dict[int, int] = {}
        self.sitting_body: dict[int, str] = {}
        self._people: People | None = None

    @property
    def people(self) -> People:
        assert self._people is not None, "the accounts are made when the replay starts"
        return self._people

    @property
    def sec(self) -> Headers:
        return self.people.sec

    @property
    def chair(self) -> Headers:
        return self.people.chair

    @property
    def teller(self) -> Headers:
        return self.people.teller

    def call(self, method: str, path: str, who: Headers, body: Any = None, *, ok: int = 200) -> Any:
        return self.api.call(method, path, who, body, ok=ok)

    def find(self, ref: sc.Delegate) -> int:
        return self.people.find(ref)

    def as_delegate(self, mandate: int) -> Headers:
        return self.people.delegate(mandate)

    # ---------------------------------------------------------------- the replay

    def replay(self, scenario: sc.Scenario) -> HttpReplay:
        """Do every step over HTTP; raise ReplayRefused at the first refusal."""
        started = time.perf_counter()
        people = People(self.api, delegate_login=self.delegate_login, password=self.password)
        self._people = people
        acts: dict[type[sc.Step], Callable[[Any], None]] = {
            sc.Schedule: self.schedule,
            sc.SittingAct: self.sitting_act,
            sc.CheckIn: self.check_in,
            sc.CheckOut: self.check_out,
            sc.Item: self.item,
            sc.TakeUp: self.take_up,
            sc.Speeches: self.speeches,
            sc.Motion: self.motion,
            sc.MotionAct: self.motion_act,
            sc.Vote: self.vote,
            sc.ClosePoll: self.close_poll,
            sc.Matter: self.matter,
            sc.Petition: self.petition,
            sc.PutOnAgenda: self.put_on_agenda,
            sc.Hear: self.hear,
            sc.Answer: self.answer,
        }
        for i, step in enumerate(scenario.steps):
            label = getattr(step, "label", None)
            self.api.where = f"steps[{i}] ({step.act}" + (f" '{label}')" if label else ")")
            acts[type(step)](step)
        self.done.seconds = time.perf_counter() - started
        self.done.requests = self.api.requests
        self.done.accounts = people.accounts
        self.done.account_seconds = people.account_seconds
        return self.done

    def schedule(self, step: sc.Schedule) -> None:
        sitting = self.call(
            "POST",
            "/sittings",
            self.sec,
            {"body": step.body, "title": step.title, "scheduled_for": step.convened_for},
            ok=201,
        )
        self.ids[step.label] = sitting["sitting"]
        self.sitting_body[sitting["sitting"]] = step.body
        self.done.sittings.append(sitting["sitting"])

    def sitting_act(self, step: sc.SittingAct) -> None:
        state = {"open": "open", "suspend": "suspended", "resume": "open", "close": "closed"}
        path = f"/sittings/{self.ids[step.sitting]}/state"
        self.call("POST", path, self.chair, {"state": state[step.act]})

    def check_in(self, step: sc.CheckIn) -> None:
        sitting = self.ids[step.sitting]
        if step.delegates is not None:
            chosen = [self.find(d) for d in step.delegates]
        else:
            absent = {self.find(d) for d in step.absent}
            members = sorted(
                self.people.roll(self.sitting_body[sitting]).values(), key=lambda m: m.roll_position
            )
            chosen = [
                m.mandate
                for m in members
                if (step.members == "all" or not m.consultative) and m.mandate not in absent
            ][: step.count]
        for mandate in chosen:
            self.call("POST", f"/sittings/{sitting}/attendance", self.sec, {"mandate": mandate})

    def check_out(self, step: sc.CheckOut) -> None:
        sitting = self.ids[step.sitting]
        for ref in step.delegates:
            body = {"mandate": self.find(ref), "present": False}
            self.call("POST", f"/sittings/{sitting}/attendance", self.sec, body)

    def item(self, step: sc.Item) -> None:
        sitting = self.ids[step.sitting]
        added = self.call(
            "POST",
            f"/sittings/{sitting}/agenda",
            self.sec,
            {"title": step.title, "kind": step.kind.value, "minutes": step.minutes},
            ok=201,
        )
        self.item_sitting[added["item"]] = sitting
        if step.label is not None:
            self.ids[step.label] = added["item"]

    def take_up(self, step: sc.TakeUp) -> None:
        item = self.ids[step.item]
        self.call("POST", f"/sittings/{self.item_sitting[item]}/agenda/{item}/take-up", self.chair)

    def speeches(self, step: sc.Speeches) -> None:
        """Each speaker asks for the floor and the chair calls them; the last speech is
        ended by the chair."""
        item = self.ids[step.item]
        floor = f"/sittings/{self.item_sitting[item]}/agenda/{item}/speakers"
        for speaker in step.speakers:
            mandate = self.find(speaker.delegate)
            kind = RequestKind.POINT_OF_ORDER if speaker.point_of_order else RequestKind.SPEECH
            ask = {"mandate": mandate, "side": speaker.side.value, "kind": kind.value}
            self.call("POST", floor, self.as_delegate(mandate), ask, ok=201)
            self.call("POST", f"{floor}/next", self.chair)
        self.call("POST", f"{floor}/end", self.chair)

    def motion(self, step: sc.Motion) -> None:
        item = self.ids[step.item] if step.item is not None else None
        sitting = (
            self.ids[step.sitting] if step.sitting is not None else self.item_sitting[item or 0]
        )
        mover = self.find(step.mover) if step.mover is not None else None
        body = {
            "kind": step.kind.value,
            "title": step.title,
            "text": step.text,
            "target": self.ids[step.target] if step.target is not None else None,
            "mover": mover,
            "mover_label": step.on_behalf_of,
            "agenda_item": item,
            "matter": step.matter,
        }
        # In the name of a body the secretariat moves; a member moves through their mandate.
        by = self.as_delegate(mover) if mover is not None else self.sec
        moved = self.call("POST", f"/sittings/{sitting}/motions", by, body, ok=201)
        motion = moved["id"]
        if step.label is not None:
            self.ids[step.label] = motion
        stage = step.stage or ("debate" if MOTION_RULES[step.kind].debatable else "admitted")
        if step.seconder is not None and stage != "submitted":
            seconder = self.find(step.seconder)
            second = {"mandate": seconder}
            self.call("POST", f"/motions/{motion}/second", self.as_delegate(seconder), second)
        for state, reached in (("admitted", ("admitted", "debate")), ("debate", ("debate",))):
            if stage in reached:
                self.call("POST", f"/motions/{motion}/state", self.chair, {"state": state})

    def motion_act(self, step: sc.MotionAct) -> None:
        state = "withdrawn" if step.act == "withdraw" else "ruled-out"
        self.call("POST", f"/motions/{self.ids[step.motion]}/state", self.chair, {"state": state})

    def vote(self, step: sc.Vote) -> None:
        """The chair opens the poll; each delegate casts their own ballot, or the teller
        enters the counts of a show of hands; the chair closes it."""
        if step.motion is not None:
            path = f"/motions/{self.ids[step.motion]}/vote"
            poll = self.call("POST", path, self.chair, {"method": step.method.value}, ok=201)
        else:
            question = {
                "question": step.question,
                "method": step.method.value,
                "options": list(step.options or YES_NO_ABSTAIN),
            }
            path = f"/sittings/{self.ids[step.sitting or '']}/polls"
            poll = self.call("POST", path, self.chair, question, ok=201)
        if step.label is not None:
            self.ids[step.label] = poll["id"]
        electors = self.people.electorate(poll, self.sitting_body[poll["sitting"]])
        choices = self.choices(step, electors)
        if PollMethod(poll["method"]).counted_by_tellers:
            counts = dict(step.ballots or {})
            if step.ballots is None:
                for choice in choices.values():
                    counts[choice] = counts.get(choice, 0) + 1
            self.call("POST", f"/polls/{poll['id']}/counts", self.teller, {"counts": counts})
        else:
            for voter, choice in choices.items():
                ballot = {"mandate": voter, "choice": choice}
                path = f"/polls/{poll['id']}/ballots"
                self.call("POST", path, self.as_delegate(voter), ballot, ok=201)
        if step.close:
            self.close(poll["id"], step.casting_vote)

    def choices(self, step: sc.Vote, electors: list[int]) -> dict[int, str]:
        """Who chooses what, as `services.scenario_acts`: a distribution over the electorate
        in its order, or by faction with named exceptions."""
        if step.ballots is not None:
            if sum(step.ballots.values()) > len(electors):
                raise ReplayRefused(f"{self.api.where}: more ballots than electors")
            voters = iter(electors)
            return {next(voters): option for option, n in step.ballots.items() for _ in range(n)}
        chosen: dict[int, str] = {}
        factions = step.by_faction or {}
        for voter in electors:
            faction = self.people.mandates[voter].faction
            if faction is not None and faction in factions:
                chosen[voter] = factions[faction]
        for name, choice in (step.named or {}).items():
            voter = self.find(sc.Delegate(name=name))
            if voter not in electors:
                raise ReplayRefused(f"{self.api.where}: named[{name!r}] may not vote in this poll")
            chosen[voter] = choice
        return chosen

    def close(self, poll: int, casting_vote: str | None) -> None:
        self.call("POST", f"/polls/{poll}/close", self.chair, {"casting_vote": casting_vote})

    def close_poll(self, step: sc.ClosePoll) -> None:
        self.close(self.ids[step.poll], step.casting_vote)

    def matter(self, step: sc.Matter) -> None:
        body = {"key": step.key, "title": step.title, "required_bodies": list(step.bodies)}
        self.call("POST", "/matters", self.sec, body, ok=201)
        self.done.matters.append(step.key)

    def petition(self, step: sc.Petition) -> None:
        received = self.call(
            "POST",
            "/petitions",
            self.sec,
            {
                "body": step.body,
                "kind": step.kind.value,
                "title": step.title,
                "text": step.text,
                "from_constituency": step.from_constituency,
                "from_label": step.from_group,
                "signatures": step.signatures,
            },
            ok=201,
        )
        if step.label is not None:
            self.ids[step.label] = received["id"]
        self.done.petitions.append(received["id"])

    def put_on_agenda(self, step: sc.PutOnAgenda) -> None:
        sitting = self.ids[step.sitting]
        body = {"sitting": sitting, "item": self.ids[step.item] if step.item else None}
        placed = self.call("POST", f"/petitions/{self.ids[step.petition]}/agenda", self.sec, body)
        item = placed["agenda"]["item"]
        self.item_sitting[item] = sitting
        if step.label is not None:
            self.ids[step.label] = item

    def hear(self, step: sc.Hear) -> None:
        path = f"/petitions/{self.ids[step.petition]}/hearing"
        self.call("POST", path, self.chair, {"speaker": step.speaker})

    def answer(self, step: sc.Answer) -> None:
        path = f"/petitions/{self.ids[step.petition]}/answer"
        self.call("POST", path, self.chair, {"motion": self.ids[step.motion]})
