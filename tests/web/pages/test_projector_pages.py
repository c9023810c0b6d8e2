"""The projector: the item, the speaker and the motion; a vote's progress without its
figures; the result with a hemicycle by vote or by faction; an election's round flow."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session
from tests.web.conftest import Site

from tauride.db.engine import build_engine, transaction
from tauride.db.models import Organization
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import MotionKind, MotionState
from tauride.domain.sittings import AgendaItemKind, SittingState
from tauride.domain.speakers import Side
from tauride.services import elections, motions, polls, sittings, speakers
from tauride.services.bodies import current_memberships, get_body
from tauride.services.organizations import get_organization

ORG = "petrograd-1917"


@contextmanager
def acting(site: Site) -> Iterator[tuple[Session, Organization]]:
    """A transaction on the site's database, in the Petrograd organization."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            yield session, get_organization(session, ORG)
    finally:
        engine.dispose()


@dataclass
class Hall:
    sitting: int
    item: int
    voting: list[int]

    @property
    def page(self) -> str:
        return f"/o/{ORG}/sittings/{self.sitting}/projector"


def open_hall(site: Site, body: str = "plenary") -> Hall:
    """An open sitting of `body`, every voting member present, an item under discussion
    and a member speaking on it."""
    with acting(site) as (session, org):
        sitting = sittings.schedule_sitting(
            session, org, body, title="Evening sitting", scheduled_for=None, actor="test"
        )
        sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="test")
        members = current_memberships(session, get_body(session, org.id, body).id)
        voting = [m.mandate_id for m in members if not m.consultative]
        for mandate in voting:
            sittings.check_in(session, org, sitting.id, mandate, actor="test")
        item = sittings.add_agenda_item(
            session,
            org,
            sitting.id,
            kind=AgendaItemKind.DEBATE,
            title="The question of the war",
            minutes=None,
            actor="test",
        )
        sittings.take_up_item(session, org, item.id, actor="test")
        speakers.request_floor(session, org, item.id, voting[0], side=Side.PRO, actor="test")
        speakers.call_next(session, org, item.id, actor="test")
        return Hall(sitting.id, item.id, voting)


def put_motion(site: Site, hall: Hall, method: PollMethod) -> int:
    """A main motion on the item, moved, seconded, admitted, debated and put to the vote."""
    with acting(site) as (session, org):
        motion = motions.move_motion(
            session,
            org,
            hall.sitting,
            kind=MotionKind.MAIN,
            title="Peace without annexations",
            text="The Soviet calls on the peoples of the world to make peace.",
            mover_mandate_id=hall.voting[1],
            agenda_item_id=hall.item,
            actor="test",
        )
        motions.second_motion(session, org, motion.id, hall.voting[2], actor="test")
        for state in (MotionState.ADMITTED, MotionState.DEBATE):
            motions.set_motion_state(session, org, motion.id, state, actor="test")
        return motions.put_to_vote(session, org, motion.id, method=method, actor="test").id


def cast(site: Site, hall: Hall, poll: int, choices: list[str]) -> None:
    with acting(site) as (session, org):
        for mandate, choice in zip(hall.voting, choices, strict=False):
            polls.cast_ballot(session, org, poll, mandate, choice)


def close(site: Site, poll: int) -> None:
    with acting(site) as (session, org):
        motions.close_vote(session, org, poll, actor="test")


def section(html: str, testid: str) -> str:
    """The element carrying a data-testid, up to the end of its section or figure."""
    start = html.index(f'data-testid="{testid}"')
    ends = [html.find(tag, start) for tag in ("</section>", "</figure>")]
    return html[start : min(e for e in ends if e >= 0)]


def test_a_secret_vote_shows_progress_only_then_totals_and_factions(site: Site) -> None:
    hall = open_hall(site)
    poll = put_motion(site, hall, PollMethod.SECRET)
    cast(site, hall, poll, ["yes", "no", "yes"])
    browser = site.browser()  # the projector is public: nobody signs in
    page = browser.get(hall.page)
    assert page.status_code == 200, page.text
    html = page.text
    assert 'class="projector"' in html
    assert f'data-live="/o/{ORG}/events?sitting={hall.sitting}&amp;last_event_id=' in html
    assert html.count("<h1") == 1
    assert "The question of the war" in section(html, "projector-item")
    speaker = section(html, "projector-speaker")
    assert "data-deadline=" in speaker
    assert re.search(r'role="timer"[^>]*>[0-5]:\d\d<', speaker)
    assert "The Soviet calls on the peoples of the world to make peace." in html
    progress = section(html, "poll-progress")
    entitled = len(hall.voting)
    assert f"3 of {entitled}" in progress
    assert 'value="3"' in progress
    assert "Secret ballot" in progress
    # Nothing tells how anyone voted, or how many chose what, while the vote is open.
    numbers = {int(n) for n in re.findall(r"\d+", re.sub(r"<[^>]+>", " ", progress))}
    assert numbers <= {3, entitled, 1}
    for told in ('data-testid="result"', 'data-testid="hemicycle"', "mark yes", "Carried"):
        assert told not in html
    # The live panel comes back alone, in the page's language.
    answer = browser.get(f"{hall.page}?lang=de", headers={"HX-Request": "true"})
    assert answer.headers["content-language"] == "de"
    fragment = answer.text
    assert fragment.lstrip().startswith('<div id="projector"')
    assert "<html" not in fragment
    assert f'hx-get="{hall.page}?lang=de"' in fragment
    assert 'hx-trigger="tauride:changed from:body, tauride:ballot from:body"' in fragment
    assert 'value="3"' in section(fragment, "poll-progress")

    close(site, poll)
    html = browser.get(hall.page).text
    assert 'data-testid="poll-progress"' not in html
    result = section(html, "result")
    assert "Carried" in result
    assert re.search(r'class="mark yes">Yes</span></th>\s*<td class="num">2<', result)
    assert re.search(r'class="mark no">No</span></th>\s*<td class="num">1<', result)
    chart = section(html, "hemicycle")
    assert 'data-by="faction"' in chart
    drawing = chart[: chart.index("</svg>")]
    assert drawing.count("Z") == entitled  # one closed circle per seat
    for faction in ("Mensheviks", "Socialist-Revolutionaries", "Bolsheviks"):
        assert faction in chart
    assert 'role="img"' in chart
    assert 'aria-labelledby="seats-' in chart
    assert "<details>" in chart
    assert '<th scope="row">Bolsheviks</th>' in chart
    # A secret poll never tells a member's vote, not even after close.
    assert 'data-mark="yes"' not in chart
    assert "Absent" not in chart


def test_a_named_vote_colours_each_seat_by_vote_after_close(site: Site) -> None:
    hall = open_hall(site)
    poll = put_motion(site, hall, PollMethod.ROLL_CALL)
    choices = ["yes"] * 5 + ["no"] * 3 + ["abstain"] * 2
    cast(site, hall, poll, choices)
    browser = site.browser()
    open_page = browser.get(hall.page).text
    assert f"10 of {len(hall.voting)}" in section(open_page, "poll-progress")
    assert "when the vote closes" in open_page
    assert 'data-testid="hemicycle"' not in open_page
    assert 'data-mark="no"' not in open_page

    close(site, poll)
    html = browser.get(hall.page).text
    assert "Carried" in section(html, "result")
    chart = section(html, "hemicycle")
    assert 'data-by="vote"' in chart
    absent = len(hall.voting) - len(choices)
    for mark, count, name in (("yes", 5, "Yes"), ("no", 3, "No"), ("abstain", 2, "Abstain")):
        assert f'data-mark="{mark}"' in chart
        assert f"{name}: <strong>{count}</strong>" in chart
    assert f"Absent: <strong>{absent}</strong>" in chart
    # Not by colour alone: the noes are crossed out, abstentions barred, absences hollow.
    glyph = r'<path d="([^"]+)" fill="none" stroke="#fff"'
    crosses = re.search(r'<g data-mark="no">.*?' + glyph, chart, re.S)
    assert crosses is not None
    assert crosses.group(1).count("M") == 3 * 2
    bars = re.search(r'<g data-mark="abstain">.*?' + glyph, chart, re.S)
    assert bars is not None
    assert bars.group(1).count("H") == 2
    assert re.search(r'<g data-mark="absent">\s*<path d="[^"]+" fill="none"', chart)
    drawing = chart[: chart.index("</svg>")]
    assert drawing.count("Z") == len(hall.voting)
    # The table says it in words: seats of each faction under each vote.
    table = chart[chart.index("<table") :]
    for heading in ("Faction", "Yes", "No", "Abstain", "Absent", "Seats"):
        assert f">{heading}</th>" in table


def test_a_counted_election_shows_its_round_flow(site: Site) -> None:
    hall = open_hall(site)
    rng = random.Random(1917)  # noqa: S311 — reproducible test ballots, not a secret
    with acting(site) as (session, org):
        election = elections.call_election(session, org, "executive", actor="test")
        for mandate in hall.voting[:18]:
            elections.nominate(
                session, org, election.id, mandate, nominated_by="test", actor="test"
            )
        poll = elections.open_voting(session, org, election.id, hall.sitting, actor="test")
        names = list(poll.options)
        poll_id, election_id = poll.id, election.id
    page = site.browser().get(hall.page).text
    progress = section(page, "poll-progress")
    assert "Election" in progress
    assert f"0 of {len(hall.voting)}" in progress
    with acting(site) as (session, org):
        for voter in hall.voting:
            ranking = rng.sample(names, k=rng.randint(1, len(names)))
            polls.cast_ballot(session, org, poll_id, voter, "", ranking=ranking)
        count = elections.count_election(session, org, election_id, actor="test")
        elected = list(count.elected)
        rounds = len(count.rounds)
    html = site.browser().get(hall.page).text
    result = section(html, "result")
    assert "Executive Committee" in result
    for name in elected:
        assert f"<li>{name}</li>" in result
    flow = section(html, "round-flow")
    assert 'role="img"' in flow
    assert f'aria-labelledby="flow-{poll_id}-title' in flow
    assert f">Round {rounds}</text>" in flow
    assert ">Round 1</text>" in flow
    assert flow.count(">elected</text>") == len(elected) == 15
    assert ">excluded</text>" in flow  # 17 stood for 15 places
    assert "stroke-dasharray" in flow  # the quota across every lane
    assert re.search(r">[+−]\d", flow)  # transfers between rounds
    table = flow[flow.index("<table") :]
    assert table.count('<th scope="row">') >= len(names)
    assert "elected in round" in table
    assert 'data-testid="hemicycle"' not in html


def test_a_sitting_not_yet_open_and_an_unknown_one(site: Site) -> None:
    with acting(site) as (session, org):
        sitting = sittings.schedule_sitting(
            session, org, "executive", title="Morning sitting", scheduled_for=None, actor="test"
        )
        sitting_id = sitting.id
    browser = site.browser()
    page = browser.get(f"/o/{ORG}/sittings/{sitting_id}/projector")
    assert page.status_code == 200
    assert "has not opened yet" in section(page.text, "projector-item")
    assert "<h1>Morning sitting</h1>" in page.text
    for absent in ("projector-speaker", "poll-progress", "result"):
        assert f'data-testid="{absent}"' not in page.text
    missing = browser.get(f"/o/{ORG}/sittings/9999/projector")
    assert missing.status_code == 404
    assert "<h1>Not found</h1>" in missing.text
