"""The public pages, read by anyone: overview and bodies, sittings and minutes, voting
records, the journal, analytics — on the Petrograd example after its June 1917 scenario,
with a plenary sitting still open that holds a named vote breaching an instruction and a
secret ballot. The figures shown are compared with what the read models give."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import TypeVar

import pytest
from babel.numbers import format_decimal, format_percent
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tauride.config import Settings
from tauride.db.engine import build_engine, transaction
from tauride.domain.journal import verify_export
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import MotionKind, MotionState
from tauride.domain.scenario_checks import parse_scenario
from tauride.domain.sittings import SittingState
from tauride.queries.analytics import body_representativeness
from tauride.queries.minutes import delegate_record_and_instructions
from tauride.queries.organizations import body_members, organization_summary
from tauride.queries.poll_analytics import poll_representativeness
from tauride.queries.sittings import sitting_status, sittings_page
from tauride.services import accounts, instructions, motions, polls, sittings
from tauride.services.bodies import get_body
from tauride.services.examples import examples_root
from tauride.services.organizations import current_constitution, get_organization
from tauride.services.scenarios import replay
from tauride.web import create_app
from tauride.web.pages import public_organization

ORG = "petrograd-1917"
SCENARIO = examples_root() / ORG / "june-1917.toml"
T = TypeVar("T")


@dataclass(frozen=True)
class June:
    """The example after June 1917, and the business of an open plenary sitting."""

    url: str
    browser: TestClient
    open_sitting: int
    scheduled_sitting: int
    named_poll: int
    secret_poll: int
    voter: int
    """Voted "no" by name against the constituency's instruction, and took part in the
    secret ballot."""


def _business(url: str) -> dict[str, int]:
    """Replay June 1917, then open a plenary sitting where the first member breaches an
    instruction by name and everyone present takes a secret ballot; schedule another."""
    engine = build_engine(url)
    try:
        with transaction(engine) as session:
            replay(
                session, parse_scenario(SCENARIO.read_text(encoding="utf-8")), base=SCENARIO.parent
            )
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            members = [m for m in body_members(session, ORG, "plenary") if not m.consultative]
            voting = [m.mandate for m in members]
            sitting = sittings.schedule_sitting(
                session,
                org,
                "plenary",
                title="Plenary on the offensive",
                scheduled_for="1917-07-01",
                actor="test",
            )
            sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="test")
            for mandate in voting:
                sittings.check_in(session, org, sitting.id, mandate, actor="test")
            motion = motions.move_motion(
                session,
                org,
                sitting.id,
                kind=MotionKind.MAIN,
                title="Against the offensive",
                text="The Soviet opposes the offensive at the front.",
                mover_mandate_id=voting[1],
                actor="test",
            )
            motions.second_motion(session, org, motion.id, voting[2], actor="test")
            motions.set_motion_state(session, org, motion.id, MotionState.ADMITTED, actor="test")
            instructions.give_instruction(
                session,
                org,
                members[0].constituency or "",
                motion_id=motion.id,
                choice="yes",
                given_by="General meeting of the works",
                actor="test",
            )
            named = motions.put_to_vote(
                session, org, motion.id, method=PollMethod.ROLL_CALL, actor="test"
            )
            for i, mandate in enumerate(voting[:60]):
                polls.cast_ballot(session, org, named.id, mandate, "no" if i == 0 else "yes")
            motions.close_vote(session, org, named.id, actor="test")
            secret = polls.open_poll(
                session,
                org,
                sitting.id,
                question="Call a strike in support?",
                method=PollMethod.SECRET,
                actor="test",
            )
            for i, mandate in enumerate(voting[:50]):
                polls.cast_ballot(session, org, secret.id, mandate, "yes" if i % 2 else "no")
            polls.close_poll(session, org, secret.id, actor="test")
            later = sittings.schedule_sitting(
                session,
                org,
                "executive",
                title="Executive Committee, 2 July",
                scheduled_for="1917-07-02",
                actor="test",
            )
            return {
                "open_sitting": sitting.id,
                "scheduled_sitting": later.id,
                "named_poll": named.id,
                "secret_poll": secret.id,
                "voter": voting[0],
            }
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def june(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[June]:
    """One database per backend for the module, shared: the pages only read it (one test
    adds an account, which no other test counts)."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path_factory.mktemp("public") / "june.db"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
    else:
        server = request.getfixturevalue("postgres")
        url = server.url_for(
            server.create(
                uuid.uuid4().hex[:8], template=request.getfixturevalue("postgres_template")
            )
        )
    made = _business(url)
    with TestClient(
        create_app(Settings(database_url=url)), headers={"Accept": "text/html"}
    ) as browser:
        yield June(url=url, browser=browser, **made)


def read(url: str, query: Callable[[Session], T]) -> T:
    engine = build_engine(url)
    try:
        with transaction(engine) as session:
            return query(session)
    finally:
        engine.dispose()


def number(value: int | float) -> str:
    return format_decimal(value, locale="en")


def percent(value: float) -> str:
    return format_percent(value, format="#,##0.0%", locale="en")


def row(page: str, marker: str) -> str:
    """The table row (or sitting's card) of a page that holds `marker`."""
    at = page.index(marker)
    start = max(page.rfind(tag, 0, at + len(marker)) for tag in ("<tr", "<article"))
    end = min(i for i in (page.find("</tr>", at), page.find("</article>", at)) if i >= 0)
    return page[start:end]


def text(page: str) -> str:
    """What a reader sees: the page without tags and line breaks inside words."""
    return " ".join(
        unescape(re.sub(r"<wbr>|<[^>]+>", lambda m: "" if m[0] == "<wbr>" else " ", page)).split()
    )


def get(june: June, path: str, status: int = 200) -> str:
    response = june.browser.get(path)
    assert response.status_code == status, f"{path}: {response.text[:2000]}"
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_overview_shows_each_body_with_the_figures_of_the_read_models(june: June) -> None:
    summary = read(june.url, lambda s: organization_summary(s, ORG))
    behind = read(
        june.url,
        lambda s: {
            b.key: body_representativeness(s, ORG, b.key).as_dict()["constituents"]
            for b in summary.bodies
        },
    )
    page = get(june, f"/o/{ORG}")
    assert 'data-testid="org-overview"' in page
    seen = text(page)
    assert summary.name in seen
    assert f"{number(sum(k.units for k in summary.kinds))} constituencies" in seen
    assert f"{number(summary.mandates_voting)} delegates with a vote" in seen
    for kind in summary.kinds:
        line = row(page, f">{kind.name}<")
        assert f'<td class="num">{number(kind.seats)}</td>' in line
        assert number(kind.size) in line
    assert "one seat per 1,000 workers, rounded down" in seen
    for body in summary.bodies:
        line = row(page, f'href="/o/{ORG}/bodies/{body.key}"')
        assert f'<td class="num">{number(body.voting)}</td>' in line
        assert f'<td class="num">{number(body.consultative)}</td>' in line
        assert f'<td class="num">{number(behind[body.key])}</td>' in line
        assert f": {number(body.quorum_count)}" in line
    assert f'href="/o/{ORG}/secretariat"' not in page
    assert june.browser.get(f"/o/{ORG}?lang=ru").headers["content-language"] == "ru"

    def secretary(session: Session) -> str:
        org = get_organization(session, ORG)
        accounts.create_account(session, "public-sec", "Secretary")
        accounts.grant_role(session, org, "public-sec", "secretariat", actor="test")
        return accounts.issue_login_code(session, "public-sec")

    signed_in = TestClient(june.browser.app, headers={"Accept": "text/html"})
    assert (
        signed_in.post(
            "/login", data={"code": read(june.url, secretary)}, follow_redirects=False
        ).status_code
        == 303
    )
    assert f'href="/o/{ORG}/secretariat"' in signed_in.get(f"/o/{ORG}").text
    assert get(june, "/o/no-such-org", 404)


def test_the_largest_body_lists_every_member_in_one_page(june: June) -> None:
    summary = read(june.url, lambda s: organization_summary(s, ORG))
    largest = max(summary.bodies, key=lambda b: b.voting + b.consultative)
    members = read(june.url, lambda s: body_members(s, ORG, largest.key))
    page = get(june, f"/o/{ORG}/bodies/{largest.key}")
    assert 'data-testid="body-members"' in page
    shown = [int(m) for m in re.findall(r'<tr data-mandate="(\d+)">', page)]
    assert sorted(shown) == sorted(m.mandate for m in members)
    assert len(shown) == largest.voting + largest.consultative
    for m in members:
        line = row(page, f'<tr data-mandate="{m.mandate}">')
        assert f'href="/o/{ORG}/records/{m.mandate}"' in line
        assert unescape(line).count(m.person) == 1
        assert f'<td class="num">{number(m.represents)}</td>' in line
        assert f'<td class="num">{m.roll_position}</td>' in line
    # The same page by the body's number; the executive shows its consultative seats.
    body_id = read(june.url, lambda s: get_body(s, get_organization(s, ORG).id, largest.key).id)
    assert re.findall(r'<tr data-mandate="(\d+)">', get(june, f"/o/{ORG}/bodies/{body_id}")) == [
        str(m) for m in shown
    ]
    executive = text(get(june, f"/o/{ORG}/bodies/executive"))
    assert "consultative seats for the Bolsheviks: 2" in executive
    assert "Socialist-Revolutionaries" in executive
    assert "no body 'nope'" in unescape(get(june, f"/o/{ORG}/bodies/nope", 404))


def test_a_large_roll_is_shown_a_page_at_a_time(
    june: June, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of the roll follow one another without a gap or a repeat; the figures above
    the roll still count every member."""
    monkeypatch.setattr(public_organization, "ROLL_PAGE", 30)
    whole = [
        int(m)
        for m in re.findall(r'<tr data-mandate="(\d+)">', get(june, f"/o/{ORG}/bodies/plenary"))
    ]
    assert len(whole) == 30
    members = read(june.url, lambda s: body_members(s, ORG, "plenary"))
    shown: list[int] = []
    path: str | None = f"/o/{ORG}/bodies/plenary"
    while path is not None:
        page = get(june, path)
        lines = [int(m) for m in re.findall(r'<tr data-mandate="(\d+)">', page)]
        first = len(shown) + 1
        assert f"Members {first} to {first + len(lines) - 1} of {len(members)}" in text(page)
        assert f"{sum(not m.consultative for m in members)} members with a vote" in text(page)
        shown += lines
        following = re.search(r'rel="next" href="([^"]+)"', page)
        path = unescape(following.group(1)) if following else None
    assert len(shown) == len(set(shown)) == len(members)
    assert sorted(shown) == sorted(m.mandate for m in members)
    assert "First page" in text(page)
    assert "Next page" not in text(page)


def test_sittings_link_every_screen_and_minutes_list_only_closed_sittings(june: June) -> None:
    every = read(june.url, lambda s: sittings_page(s, ORG, after=0, limit=500))
    page = get(june, f"/o/{ORG}/sittings")
    assert 'data-testid="sittings-list"' in page
    for s in every:
        card = row(page, f'data-sitting="{s.sitting}"')
        assert unescape(s.title) in unescape(card)
        for screen in ("chair", "delegate", "projector", "minutes", "convocation"):
            assert f'href="/o/{ORG}/sittings/{s.sitting}/{screen}"' in card
    assert "July 1, 1917" in text(row(page, f'data-sitting="{june.open_sitting}"'))
    closed = get(june, f"/o/{ORG}/sittings?state=closed&body=plenary")
    assert "data-sitting=" not in closed
    assert "No sitting matches." in closed
    assert get(june, f"/o/{ORG}/sittings?state=bogus", 422)

    minutes = get(june, f"/o/{ORG}/minutes")
    assert 'data-testid="minutes-list"' in minutes
    listed = {int(m) for m in re.findall(r'<tr data-sitting="(\d+)">', minutes)}
    assert listed == {s.sitting for s in every if s.state == "closed"}
    assert june.open_sitting not in listed
    assert june.scheduled_sitting not in listed
    for sitting in listed:
        assert f'href="/o/{ORG}/sittings/{sitting}/minutes"' in minutes


def test_a_voting_record_names_votes_keeps_secret_ballots_secret_and_shows_a_breach(
    june: June,
) -> None:
    record, instructed = read(
        june.url, lambda s: delegate_record_and_instructions(s, ORG, june.voter)
    )
    listing = get(june, f"/o/{ORG}/records")
    assert f'href="/o/{ORG}/records/{june.voter}"' in listing
    plenary = read(june.url, lambda s: body_members(s, ORG, "plenary"))
    assert all(f'<tr data-mandate="{m.mandate}">' in listing for m in plenary)

    page = get(june, f"/o/{ORG}/records/{june.voter}")
    assert 'data-testid="voting-record"' in page
    assert f"<h1>{record.delegate.name}</h1>" in unescape(page)
    assert {
        int(p) for p in re.findall(r'<tr data-poll="(\d+)">', page.split('id="instructions"')[0])
    } == {line.poll for line in record.polls}
    named = row(page, f'<tr data-poll="{june.named_poll}">')
    assert '<span class="mark no">No</span>' in named
    secret = row(page, f'<tr data-poll="{june.secret_poll}">')
    assert "took part (secret)" in secret
    assert "mark yes" not in secret
    assert "mark no" not in secret
    assert f"Entitled to vote in {len(record.polls)} polls." in text(page)
    assert "Took part in 1 secret ballot or election" in text(page)
    (breach,) = instructed
    assert breach.compliance == "breached"
    instruction = row(page.split('id="instructions"')[1], f'<tr data-poll="{breach.poll}">')
    assert "<strong>breached</strong>" in instruction
    assert "General meeting of the works" in instruction
    attendance = page.split('id="attendance"')[1].split('id="instructions"')[0]
    assert (
        f'href="/o/{ORG}/sittings/{june.open_sitting}/minutes">Plenary on the offensive</a>'
        in attendance
    )
    assert "no mandate 999999" in get(june, f"/o/{ORG}/records/999999", 404)


def test_the_journal_page_shows_the_head_an_export_verifies_to(june: June) -> None:
    summary = read(june.url, lambda s: organization_summary(s, ORG))
    page = get(june, f"/o/{ORG}/journal")
    head = text(page.split('data-testid="journal-head"')[1].split("</section>")[0])
    assert number(summary.journal_height) in head
    assert summary.journal_head
    assert summary.journal_head in head
    heights = [int(h) for h in re.findall(r'<tr data-height="(\d+)">', page)]
    assert heights == list(range(summary.journal_height, summary.journal_height - 50, -1))
    assert (
        f"tauride journal verify {ORG}-journal.jsonl --expect-head {summary.journal_head}"
        in text(page)
    )
    assert f'href="/api/v1/organizations/{ORG}/journal/export"' in page
    older = get(june, f"/o/{ORG}/journal?before=60")
    assert [int(h) for h in re.findall(r'<tr data-height="(\d+)">', older)] == list(
        range(60, 10, -1)
    )
    # What a constituent does: export the chain and check it ends at the head shown.
    exported = june.browser.get(f"/api/v1/organizations/{ORG}/journal/export")
    verified = verify_export(exported.text.splitlines(keepends=True))
    assert verified.ok
    assert (verified.count, verified.head_hash) == (summary.journal_height, summary.journal_head)


def test_analytics_draw_the_figures_of_the_read_models_with_tables(june: June) -> None:
    figures = read(june.url, lambda s: body_representativeness(s, ORG, "plenary").as_dict())
    factions = read(
        june.url, lambda s: current_constitution(s, get_organization(s, ORG).id)[1].factions
    )
    power = june.browser.get(f"/api/v1/organizations/{ORG}/bodies/plenary/power").json()
    page = get(june, f"/o/{ORG}/analytics")  # the largest body by default
    representation = page.split('data-testid="analytics-representation"')[1].split("</section>")[0]
    assert f'<dd data-testid="represented">{number(figures["constituents"])}</dd>' in representation
    assert percent(figures["loosemore_hanby"]) in representation
    assert representation.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 2
    assert len(re.findall(r"<title id=\"chart-[a-z]+-title\">", representation)) == 2
    for line in figures["constituencies"]:
        assert f'<th scope="row">{line["name"]}</th>' in unescape(representation)
    assert "The voice of one of the soldiers weighs" in representation

    section = page.split('data-testid="analytics-power"')[1].split("</section>")[0]
    assert 'role="img"' in section
    assert '<title id="chart-power-title">' in section
    assert f"A decision needs a weight of {power['quota']} out of {power['total']}." in section
    for bloc in power["blocs"]:
        name = factions[bloc["name"]].name
        line = row(section, f'<th scope="row">{name}</th>')
        assert f'<td class="num">{percent(bloc["value"])}</td>' in line
        assert f'<td class="num">{number(bloc["members"])}</td>' in line

    soldiers = get(
        june, f"/o/{ORG}/analytics?body=soldiers-section&bloc=constituency&index=shapley-shubik"
    )
    decided = read(june.url, _soldiers_polls)
    assert decided, "the June scenario closes votes in the Soldiers' Section"
    for poll in decided:
        report = read(june.url, lambda s, p=poll: poll_representativeness(s, ORG, p).as_dict())
        assert report["by_heads"]["verdict"] in text(row(soldiers, f'<tr data-poll="{poll}">'))
    assert get(june, f"/o/{ORG}/analytics?body=nope", 404)
    assert get(june, f"/o/{ORG}/analytics?bloc=party", 422)


def _soldiers_polls(session: Session) -> list[int]:
    """The closed polls of the Soldiers' Section, as its sittings' status gives them."""
    held = sittings_page(session, ORG, after=0, limit=500, body="soldiers-section")
    return [
        p["poll"]
        for s in held
        for p in sitting_status(session, ORG, s.sitting).polls
        if p["state"] == "closed"
    ]
