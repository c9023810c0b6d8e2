"""The chair's console: a sitting run from opening to a result, refusals shown as alerts,
and the console kept to the chair."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.web.conftest import Site

from tauride.db.engine import build_engine, transaction
from tauride.db.models import Organization
from tauride.domain.procedure import MotionKind, MotionState
from tauride.domain.sittings import AgendaItemKind, SittingState
from tauride.queries.journal import journal_entries
from tauride.services import motions, polls, sittings, speakers
from tauride.services.bodies import current_memberships, get_body
from tauride.services.organizations import get_organization

ORG = "petrograd-1917"
HTMX = {"HX-Request": "true"}


@dataclass
class Convened:
    """A scheduled sitting of the Executive Committee, its agenda and its members."""

    sitting: int
    items: list[int]
    voting: list[int]
    names: dict[int, str]

    @property
    def console(self) -> str:
        return f"/o/{ORG}/sittings/{self.sitting}/chair"


@contextmanager
def on_the_floor(site: Site) -> Iterator[tuple[Session, Organization]]:
    """One transaction for what delegates and tellers do on the floor meanwhile."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            yield session, get_organization(session, ORG)
    finally:
        engine.dispose()


def convene(site: Site, present: int, *, opened: bool = False) -> Convened:
    """Schedule a sitting of the Executive Committee with two agenda items, check in the
    first `present` voting members and make the chair's account; where `opened`, the
    sitting is open with its first item under discussion."""
    with on_the_floor(site) as (session, org):
        sitting = sittings.schedule_sitting(
            session, org, "executive", title="Sitting of 24 June", scheduled_for=None,
            actor="test",
        ).id  # fmt: skip
        items = [
            sittings.add_agenda_item(
                session, org, sitting, kind=kind, title=title, minutes=30, actor="test"
            ).id
            for kind, title in (
                (AgendaItemKind.DEBATE, "The amalgamation plan"),
                (AgendaItemKind.DELEGATIONS, "Delegations from the front"),
            )
        ]
        members = current_memberships(session, get_body(session, org.id, "executive").id)
        voting = [m.mandate_id for m in members if not m.consultative]
        names = {m.mandate_id: m.mandate.person.name for m in members}
        for mandate in voting[:present]:
            sittings.check_in(session, org, sitting, mandate, actor="test")
        if opened:
            sittings.change_state(session, org, sitting, SittingState.OPEN, actor="test")
            sittings.take_up_item(session, org, items[0], actor="test")
    site.account("chair", "chair")
    return Convened(sitting, items, voting, names)


def ask_and_move(site: Site, convened: Convened, title: str) -> tuple[int, int]:
    """A member asks for the floor on the first item, another moves a motion and a third
    seconds it; the speaker's mandate and the motion's number."""
    speaker, mover, seconder = convened.voting[:3]
    with on_the_floor(site) as (session, org):
        speakers.request_floor(session, org, convened.items[0], speaker, actor="test")
        motion = motions.move_motion(
            session, org, convened.sitting, kind=MotionKind.MAIN, title=title,
            text="The regiments stay.", mover_mandate_id=mover, actor="test",
        ).id  # fmt: skip
        motions.second_motion(session, org, motion, seconder, actor="test")
    return speaker, motion


def journaled_by(site: Site, actor: str) -> set[str]:
    """The kinds of act the journal records in this actor's name."""
    with on_the_floor(site) as (session, _):
        return {entry.kind for entry in journal_entries(session, ORG) if entry.actor == actor}


def marked(html: str) -> set[str]:
    """The data-testid of every element of the page."""
    return set(re.findall(r'data-testid="([^"]+)"', html))


class _Text(HTMLParser):
    """The text inside the element that carries a data-testid."""

    VOID = frozenset({"br", "input", "img", "hr", "meta", "link"})

    def __init__(self, testid: str) -> None:
        super().__init__()
        self.testid, self.depth, self.found, self.words = testid, 0, False, []  # type: list[str]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif ("data-testid", self.testid) in attrs and not self.found:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.words.append(data)


def part(html: str, testid: str) -> str:
    """The text of the element with this data-testid, its spaces folded."""
    parser = _Text(testid)
    parser.feed(html)
    assert parser.found, f"no {testid} in the page"
    return " ".join(" ".join(parser.words).split())


def act(browser: TestClient, url: str, **form: str) -> str:
    answer = browser.post(url, data=form, headers=HTMX)
    assert answer.status_code == 200, answer.text
    assert answer.text.lstrip().startswith('<div id="board"')
    return answer.text


def test_the_chair_opens_the_sitting_sees_quorum_takes_up_an_item_and_calls_a_speaker(
    site: Site,
) -> None:
    convened = convene(site, present=9)
    chair = site.browser("chair")
    base = convened.console

    page = chair.get(base)
    assert page.status_code == 200
    html = page.text
    assert f'data-live="/o/{ORG}/events?sitting={convened.sitting}&amp;last_event_id=' in html
    assert '<dialog id="shortcuts"' in html
    assert {"open-sitting", "close-sitting", "quorum", "attendance", "result"} <= marked(html)
    assert "Scheduled" in part(html, "sitting-state")
    assert part(html, "attendance").startswith("9 / 15")
    assert "Quorum reached" in part(html, "quorum")
    assert "8 needed" in part(html, "quorum")
    assert 'hx-trigger="tauride:changed from:body"' in html
    # Until the sitting is open, nothing can be taken up.
    assert re.search(r'data-testid="take-up"[^>]*disabled', html)

    html = act(chair, f"{base}/state", state="open")
    assert "In session" in part(html, "sitting-state")
    assert "open-sitting" not in marked(html)
    assert "suspend-sitting" in marked(html)

    html = act(chair, f"{base}/agenda/{convened.items[0]}/take-up")
    assert "The amalgamation plan" in part(html, "current-item")
    assert "Delegations from the front" in part(html, "take-up")

    speaker, _ = ask_and_move(site, convened, "Reject the amalgamation plan")

    floor = chair.get(f"{base}/panels/floor", headers=HTMX)
    assert floor.status_code == 200
    assert floor.text.lstrip().startswith('<section class="panel" id="panel-floor"')
    assert convened.names[speaker] in part(floor.text, "speakers-queue")

    html = act(chair, f"{base}/agenda/{convened.items[0]}/speakers/next")
    assert convened.names[speaker] in part(html, "current-speaker")
    assert re.search(r"data-since=\"[^\"]+\"", html)
    assert re.search(r"data-deadline=\"[^\"]+\"", html)
    assert 'data-key="n"' in html
    html = act(chair, f"{base}/agenda/{convened.items[0]}/speakers/end")
    assert "current-speaker" not in marked(html)
    assert {
        "sitting.opened", "agenda.item_taken_up", "speakers.called", "speakers.ended",
    } <= journaled_by(site, "account:chair")  # fmt: skip


def test_the_chair_admits_a_motion_puts_it_to_the_vote_closes_it_and_sees_the_result(
    site: Site,
) -> None:
    convened = convene(site, present=9, opened=True)
    chair = site.browser("chair")
    base = convened.console
    _, motion = ask_and_move(site, convened, "Reject the amalgamation plan")
    html = chair.get(base).text
    assert "Seconded" in part(html, f"motion-{motion}")
    assert "Reject the amalgamation plan" in part(html, f"motion-{motion}")
    html = act(chair, f"{base}/motions/{motion}/state", state=MotionState.ADMITTED.value)
    assert "Immediately pending" in part(html, f"motion-{motion}")
    assert re.search(rf'data-testid="open-poll-{motion}"[^>]*data-key="o"', html)

    html = act(chair, f"{base}/motions/{motion}/vote", method="electronic")
    assert f"open-poll-{motion}" not in marked(html)
    assert part(html, "poll-progress").startswith("0 / 9")
    poll = int(re.search(r'data-testid="poll-(\d+)"', html).group(1))  # type: ignore[union-attr]

    with on_the_floor(site) as (session, org):
        choices = ["yes"] * 5 + ["no"] * 2 + ["abstain"]
        for mandate, choice in zip(convened.voting[:8], choices, strict=True):
            polls.cast_ballot(session, org, poll, mandate, choice)
    progress = chair.get(f"{base}/panels/polls", headers=HTMX).text
    assert part(progress, "poll-progress").startswith("8 / 9")
    assert "Carried" not in progress  # while open, how they voted is not shown

    html = act(chair, f"{base}/polls/{poll}/close")
    assert "close-poll" not in marked(html)
    result = part(html, "result")
    assert "Reject the amalgamation plan" in result
    assert "Carried" in result
    assert "Yes 5 No 2 Abstain 1" in result
    assert "8 of 9 entitled took part" in result
    assert "No motion is before the body" in html

    assert {
        "motion.admitted", "motion.put_to_vote", "poll.opened", "poll.closed", "motion.decided",
    } <= journaled_by(site, "account:chair")  # fmt: skip


def test_refusals_are_alerts_and_a_show_of_hands_waits_for_the_tellers(site: Site) -> None:
    convened = convene(site, present=3)
    chair = site.browser("chair")
    base = convened.console
    act(chair, f"{base}/state", state="open")
    with on_the_floor(site) as (session, org):
        motion = motions.move_motion(
            session, org, convened.sitting, kind=MotionKind.MAIN,
            title="All power to the soviets", text="", mover_mandate_id=convened.voting[0],
            actor="test",
        ).id  # fmt: skip
        motions.second_motion(session, org, motion, convened.voting[1], actor="test")
        motions.set_motion_state(session, org, motion, MotionState.ADMITTED, actor="test")

    page = chair.get(base).text
    assert "No quorum" in part(page, "quorum")
    assert "5 more" in part(page, "quorum")
    refused = chair.post(
        f"{base}/motions/{motion}/vote", data={"method": "electronic"}, headers=HTMX
    )
    assert refused.status_code == 409
    assert 'role="alert"' in refused.text
    assert "No quorum" in refused.text
    still = chair.get(f"{base}/panels/motions", headers=HTMX).text
    assert f"open-poll-{motion}" in marked(still)  # nothing changed

    bad = chair.post(f"{base}/motions/{motion}/vote", data={"method": "acclamation"}, headers=HTMX)
    assert bad.status_code == 422
    assert bad.headers["HX-Retarget"] == "#alerts"
    assert 'role="alert"' in bad.text

    with on_the_floor(site) as (session, org):
        for mandate in convened.voting[3:10]:
            sittings.check_in(session, org, convened.sitting, mandate, actor="test")
    html = act(chair, f"{base}/motions/{motion}/vote", method="show-of-hands")
    assert "Waiting for the tellers' counts" in part(html, "waiting-for-tellers")
    assert re.search(r'data-testid="close-poll"[^>]*disabled', html)
    poll = int(re.search(r'data-testid="poll-(\d+)"', html).group(1))  # type: ignore[union-attr]

    with on_the_floor(site) as (session, org):
        counts = {"yes": 3, "no": 6, "abstain": 1}
        polls.enter_hand_counts(session, org, poll, counts, actor="account:teller")
    counted = chair.get(f"{base}/panels/polls", headers=HTMX).text
    assert "(teller)" in part(counted, "tellers-counted")
    assert not re.search(r'data-testid="close-poll"[^>]*disabled', counted)
    html = act(chair, f"{base}/polls/{poll}/close")
    assert "Lost" in part(html, "result")
    assert "10 of 10 entitled took part" in part(html, "result")

    # The item's guest must be named: the form says so next to its field, as typed.
    act(chair, f"{base}/agenda/{convened.items[1]}/take-up")
    unnamed = chair.post(
        f"{base}/agenda/{convened.items[1]}/speakers/guests", data={"name": "   "}, headers=HTMX
    )
    assert unnamed.status_code == 422
    assert 'aria-invalid="true"' in unnamed.text
    assert "name the delegation" in unnamed.text
    heard = act(
        chair,
        f"{base}/agenda/{convened.items[1]}/speakers/guests",
        name="Delegation of the 12th Army",
    )
    assert "Delegation of the 12th Army" in part(heard, "current-speaker")

    closed = act(chair, f"{base}/state", state="closed")
    assert "Closed" in part(closed, "sitting-state")
    assert "close-sitting" not in marked(closed)


def test_the_console_is_the_chairs_alone(site: Site) -> None:
    convened = convene(site, present=0)
    base = convened.console
    anonymous = site.browser().get(base, follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == f"/login?next={base}"

    site.account("deputy", "delegate", mandate=convened.voting[0])
    deputy = site.browser("deputy")
    refused = deputy.get(base)
    assert refused.status_code == 403
    assert "<h1>Not allowed</h1>" in refused.text
    assert deputy.post(f"{base}/state", data={"state": "open"}, headers=HTMX).status_code == 403

    chair = site.browser("chair")
    assert chair.get(f"/o/{ORG}/sittings/999999/chair").status_code == 404
    assert chair.get(f"{base}/panels/nothing", headers=HTMX).status_code == 404
    german = chair.get(f"{base}?lang=de")
    assert german.headers["content-language"] == "de"
