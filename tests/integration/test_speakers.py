"""The speakers' list of an agenda item, persisted: order rules, refusals, guests, journal."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tauride.cli.main import app as main_app
from tauride.cli.speakers import app as speakers_app
from tauride.db.engine import build_engine, session_factory, transaction
from tauride.db.models import JournalRecord, Mandate, Organization
from tauride.db.sittings import SpeakerRequest
from tauride.domain.errors import InvalidInput, NotFound, TaurideError
from tauride.domain.sittings import AgendaItemKind, SittingNotOpen, SittingState
from tauride.domain.speakers import AlreadyListed, ListClosed, NotListed, RequestKind, Side
from tauride.services import sittings, speakers
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder
from tauride.services.organizations import get_organization
from tauride.services.speakers_list import speakers_state

PRO, CONTRA, NEUTRAL = Side.PRO, Side.CONTRA, Side.NEUTRAL
POINT_OF_ORDER = RequestKind.POINT_OF_ORDER


@pytest.fixture
def org(session: Session) -> Organization:
    return load_folder(session, example_path("st-petersburg-1905"), actor="test")


def _members(session: Session, org: Organization, body: str) -> tuple[list[int], list[int]]:
    """The voting and the consultative members of a body."""
    seats = current_memberships(session, get_body(session, org.id, body).id)
    return (
        [m.mandate_id for m in seats if not m.consultative],
        [m.mandate_id for m in seats if m.consultative],
    )


def _item_under_discussion(
    session: Session,
    org: Organization,
    kind: AgendaItemKind = AgendaItemKind.DEBATE,
    body: str = "executive",
) -> tuple[int, int]:
    """An open sitting of the body with one item taken up: (sitting, item)."""
    sitting = sittings.schedule_sitting(
        session, org, body, title="Sitting of November 12", scheduled_for=None, actor="t"
    )
    item = sittings.add_agenda_item(
        session, org, sitting.id, kind=kind, title="Lockouts", minutes=60, actor="t"
    )
    sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="t")
    sittings.take_up_item(session, org, item.id, actor="t")
    return sitting.id, item.id


def _ask(
    session: Session, org: Organization, item: int, *asks: tuple[int, Side | RequestKind]
) -> None:
    for mandate, what in asks:
        if isinstance(what, Side):
            speakers.request_floor(session, org, item, mandate, side=what, actor="t")
        else:
            speakers.request_floor(session, org, item, mandate, kind=what, actor="t")


def _called(session: Session, org: Organization, item: int, times: int) -> list[int | None]:
    """Call the next speaker `times` times; the mandates given the floor."""
    rows = [speakers.call_next(session, org, item, actor="chair") for _ in range(times)]
    return [row.mandate_id if row else None for row in rows]


def _queue(session: Session, item: int) -> list[int]:
    return [turn["mandate"] for turn in speakers_state(session, item)["queue"]]


def _height(session: Session, org: Organization) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.max(JournalRecord.height), -1)).where(
                JournalRecord.organization_id == org.id
            )
        )
    )


def _journal_since(session: Session, org: Organization, height: int) -> list[JournalRecord]:
    return list(
        session.scalars(
            select(JournalRecord)
            .where(JournalRecord.organization_id == org.id, JournalRecord.height > height)
            .order_by(JournalRecord.height)
        )
    )


def test_first_time_speakers_before_repeat_speakers(session: Session, org: Organization) -> None:
    _, item = _item_under_discussion(session, org, AgendaItemKind.REPORT)
    a, b, c = _members(session, org, "executive")[0][:3]
    _ask(session, org, item, (a, NEUTRAL), (b, NEUTRAL))
    assert _called(session, org, item, 1) == [a]
    # a asks again while speaking, before c asks for the first time: c goes first.
    _ask(session, org, item, (a, NEUTRAL), (c, NEUTRAL))
    assert _queue(session, item) == [b, c, a]
    assert _called(session, org, item, 4) == [b, c, a, None]
    repeat = session.scalars(
        select(SpeakerRequest).where(SpeakerRequest.mandate_id == a).order_by(SpeakerRequest.id)
    ).all()
    assert [r.time_limit_s for r in repeat] == [300, 300]
    state = speakers_state(session, item)
    assert state["current"] is None
    assert state["turns_given"] == 4


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (AgendaItemKind.DEBATE, "a c b d e"),
        (AgendaItemKind.REPORT, "a b c d e"),
    ],
)
def test_floor_alternates_pro_and_contra_on_a_debate_item_only(
    session: Session, org: Organization, kind: AgendaItemKind, expected: str
) -> None:
    _, item = _item_under_discussion(session, org, kind)
    voting = _members(session, org, "executive")[0]
    a, b, c, d, e = voting[:5]
    _ask(session, org, item, (a, PRO), (b, PRO), (c, CONTRA), (d, CONTRA), (e, NEUTRAL))
    names = dict(zip("abcde", (a, b, c, d, e), strict=True))
    order = [names[x] for x in expected.split()]
    assert _queue(session, item) == order
    assert speakers_state(session, item)["rule"]["alternate"] is (kind is AgendaItemKind.DEBATE)
    assert _called(session, org, item, 5) == order


def test_point_of_order_jumps_the_queue(session: Session, org: Organization) -> None:
    _, item = _item_under_discussion(session, org)
    a, b, c = _members(session, org, "executive")[0][:3]
    _ask(session, org, item, (a, PRO), (b, CONTRA))
    assert _called(session, org, item, 1) == [a]
    row = speakers.request_floor(session, org, item, c, side=PRO, kind=POINT_OF_ORDER, actor="t")
    assert row.side == "neutral"
    queue = speakers_state(session, item)["queue"]
    assert [(t["mandate"], t["kind"], t["time_limit_s"]) for t in queue] == [
        (c, "point-of-order", 120),
        (b, "speech", 300),
    ]
    assert _called(session, org, item, 1) == [c]
    current = speakers_state(session, item)["current"]
    assert (current["mandate"], current["time_limit_s"]) == (c, 120)
    assert current["ends_by"] is not None
    # The point of order neither counts as a speech nor moves the alternation.
    assert _called(session, org, item, 1) == [b]


def test_withdrawn_request_leaves_the_queue(session: Session, org: Organization) -> None:
    _, item = _item_under_discussion(session, org)
    a, b, c = _members(session, org, "executive")[0][:3]
    _ask(session, org, item, (a, NEUTRAL), (b, NEUTRAL), (c, NEUTRAL))
    row = speakers.withdraw_request(session, org, item, b, actor="t")
    assert row.state == "withdrawn"
    assert row.ended_at is not None
    assert _queue(session, item) == [a, c]
    with pytest.raises(NotListed, match="no speech waiting"):
        speakers.withdraw_request(session, org, item, b, actor="t")
    with pytest.raises(NotListed, match="no point-of-order waiting"):
        speakers.withdraw_request(session, org, item, a, kind=POINT_OF_ORDER, actor="t")
    _ask(session, org, item, (b, NEUTRAL))
    assert _queue(session, item) == [a, c, b]


def test_a_request_already_waiting_is_refused(session: Session, org: Organization) -> None:
    _, item = _item_under_discussion(session, org)
    a = _members(session, org, "executive")[0][0]
    _ask(session, org, item, (a, PRO))
    with pytest.raises(AlreadyListed):
        _ask(session, org, item, (a, CONTRA))
    _ask(session, org, item, (a, POINT_OF_ORDER))
    assert _queue(session, item) == [a, a]


def test_non_member_is_refused_and_nothing_changes(session: Session, org: Organization) -> None:
    _, item = _item_under_discussion(session, org)
    voting, consultative = _members(session, org, "executive")
    outsider = next(m for m in _members(session, org, "plenary")[0] if m not in voting)
    before = _height(session, org)
    with pytest.raises(sittings.NotAMember, match="does not sit in Executive Committee"):
        _ask(session, org, item, (outsider, PRO))
    with pytest.raises(NotFound, match="no mandate 999999"):
        _ask(session, org, item, (999999, PRO))
    assert _height(session, org) == before
    assert _queue(session, item) == []
    # A party representative has a consultative voice: no vote, but the floor.
    _ask(session, org, item, (consultative[0], CONTRA))
    assert _queue(session, item) == [consultative[0]]


def test_requests_only_on_the_item_under_discussion(session: Session, org: Organization) -> None:
    sitting, item = _item_under_discussion(session, org)
    later = sittings.add_agenda_item(
        session,
        org,
        sitting,
        kind=AgendaItemKind.DEBATE,
        title="Unemployment",
        minutes=30,
        actor="t",
    )
    a, b = _members(session, org, "executive")[0][:2]
    with pytest.raises(speakers.ItemNotCurrent, match="pending, not under discussion"):
        _ask(session, org, later.id, (a, PRO))
    _ask(session, org, item, (a, PRO))
    assert _called(session, org, item, 1) == [a]
    # The chair moves on with a still speaking: the next speech ends a's.
    sittings.take_up_item(session, org, later.id, actor="chair")
    _ask(session, org, later.id, (b, PRO))
    assert _called(session, org, later.id, 1) == [b]
    assert speakers_state(session, item)["current"] is None
    with pytest.raises(speakers.NobodySpeaking):
        speakers.end_speech(session, org, item, actor="chair")


def test_nothing_while_the_sitting_is_suspended(session: Session, org: Organization) -> None:
    sitting, item = _item_under_discussion(session, org)
    a, b = _members(session, org, "executive")[0][:2]
    _ask(session, org, item, (a, PRO))
    sittings.change_state(session, org, sitting, SittingState.SUSPENDED, actor="chair")
    before = _height(session, org)
    acts: list[Callable[[], object]] = [
        lambda: speakers.request_floor(session, org, item, b, actor="t"),
        lambda: speakers.withdraw_request(session, org, item, a, actor="t"),
        lambda: speakers.call_next(session, org, item, actor="t"),
        lambda: speakers.end_speech(session, org, item, actor="t"),
        lambda: speakers.close_list(session, org, item, actor="t"),
        lambda: speakers.hear_guest(session, org, item, "Delegation", actor="t"),
    ]
    for act in acts:
        with pytest.raises(SittingNotOpen, match="suspended, not open"):
            act()
    assert _height(session, org) == before
    assert _queue(session, item) == [a]
    sittings.change_state(session, org, sitting, SittingState.OPEN, actor="chair")
    assert _called(session, org, item, 1) == [a]


def test_closed_list_takes_no_new_speeches_but_points_of_order(
    session: Session, org: Organization
) -> None:
    _, item = _item_under_discussion(session, org)
    a, b, c = _members(session, org, "executive")[0][:3]
    _ask(session, org, item, (a, PRO))
    speakers.close_list(session, org, item, actor="chair")
    assert speakers_state(session, item)["closed"] is True
    with pytest.raises(ListClosed, match="closed"):
        _ask(session, org, item, (b, CONTRA))
    with pytest.raises(ListClosed, match="already closed"):
        speakers.close_list(session, org, item, actor="chair")
    _ask(session, org, item, (c, POINT_OF_ORDER))
    assert _called(session, org, item, 3) == [c, a, None]


def test_a_guest_delegation_is_heard(session: Session) -> None:
    org = load_folder(session, example_path("petrograd-1917"), actor="test")
    _, item = _item_under_discussion(
        session, org, AgendaItemKind.DELEGATIONS, body="soldiers-section"
    )
    a, b = _members(session, org, "soldiers-section")[0][:2]
    _ask(session, org, item, (a, NEUTRAL), (b, NEUTRAL))
    assert _called(session, org, item, 1) == [a]
    with pytest.raises(InvalidInput, match="guest"):
        speakers.hear_guest(session, org, item, "  ", actor="chair")
    guest = speakers.hear_guest(
        session, org, item, "Delegation  from the front (12th Army)", actor="chair"
    )
    assert (guest.mandate_id, guest.guest) == (None, "Delegation from the front (12th Army)")
    current = speakers_state(session, item)["current"]
    assert current["guest"] is True
    assert current["person"] == "Delegation from the front (12th Army)"
    assert current["time_limit_s"] == 300
    assert _queue(session, item) == [b]
    # The guest's turn ends when the next member is called; it counts for nobody.
    assert _called(session, org, item, 2) == [b, None]
    assert speakers_state(session, item)["turns_given"] == 3


def test_every_act_is_journaled(session: Session, org: Organization) -> None:
    sitting, item = _item_under_discussion(session, org)
    a, b, c = _members(session, org, "executive")[0][:3]
    before = _height(session, org)
    _ask(session, org, item, (a, PRO), (b, CONTRA))
    speakers.withdraw_request(session, org, item, b, actor="t")
    _called(session, org, item, 1)
    _ask(session, org, item, (c, POINT_OF_ORDER))
    _called(session, org, item, 1)
    speakers.end_speech(session, org, item, actor="chair")
    speakers.close_list(session, org, item, actor="chair")
    speakers.hear_guest(session, org, item, "Printers' delegation", actor="chair")
    entries = _journal_since(session, org, before)
    assert [e.kind.removeprefix("speakers.") for e in entries] == [
        "requested",
        "requested",
        "withdrawn",
        "called",
        "requested",
        "ended",
        "called",
        "ended",
        "closed",
        "guest_heard",
    ]
    first: dict[str, Any] = entries[0].payload
    assert session.get_one(SpeakerRequest, first["request"]).mandate_id == first["mandate"] == a
    assert first["person"] == session.get_one(Mandate, a).person.name
    assert (first["sitting"], first["item"], first["side"], first["position"]) == (
        sitting,
        item,
        "pro",
        1,
    )
    called = entries[3].payload
    assert (called["mandate"], called["first"], called["limit_s"]) == (a, True, 300)
    ended = entries[5].payload
    assert ended["mandate"] == a
    assert ended["seconds"] >= 0
    assert ended["over"] is False
    assert entries[9].payload["person"] == "Printers' delegation"
    assert entries[9].payload["mandate"] is None


def test_concurrent_requests_of_one_delegate_land_once(fresh_database_url: str) -> None:
    engine = build_engine(fresh_database_url, busy_timeout_ms=30_000)
    try:
        with transaction(engine) as session:
            org = load_folder(session, example_path("st-petersburg-1905"), actor="t")
            _, item = _item_under_discussion(session, org)
            mandate = _members(session, org, "executive")[0][0]
        errors: list[TaurideError] = []
        start = threading.Barrier(6)

        def ask() -> None:
            start.wait()
            try:
                with session_factory(engine)() as session, session.begin():
                    org = get_organization(session, "st-petersburg-1905")
                    speakers.request_floor(session, org, item, mandate, actor="t")
            except TaurideError as exc:
                errors.append(exc)

        threads = [threading.Thread(target=ask) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [e.kind for e in errors] == ["already-listed"] * 5
        with session_factory(engine)() as session:
            assert _queue(session, item) == [mandate]
    finally:
        engine.dispose()


runner = CliRunner()
ORG = "st-petersburg-1905"


def _ok(app: Any, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.usefixtures("use_database")
def test_a_chair_runs_the_speakers_list_from_the_terminal() -> None:
    _ok(main_app, "init", "--example", ORG)
    members = json.loads(_ok(main_app, "org", "members", ORG, "executive", "--json"))
    a, b, c = [str(m["mandate"]) for m in members if not m["consultative"]][:3]
    party = next(str(m["mandate"]) for m in members if m["consultative"])
    out = _ok(main_app, "sitting", "schedule", ORG, "executive", "--title", "Lockouts")
    sitting = out.split()[1].rstrip(":")
    out = _ok(main_app, "sitting", "add-item", ORG, sitting, "Lockouts", "--kind", "debate")
    item = out.split()[1].rstrip(":")
    _ok(main_app, "sitting", "open", ORG, sitting)
    _ok(main_app, "sitting", "take-up", ORG, item)
    assert "1st in the queue" in _ok(speakers_app, "request", ORG, item, a, "--side", "pro")
    _ok(speakers_app, "request", ORG, item, b, "--side", "pro")
    _ok(speakers_app, "request", ORG, item, party, "--side", "contra")
    assert "1st in the queue" in _ok(speakers_app, "request", ORG, item, c, "--point-of-order")
    state = json.loads(_ok(speakers_app, "show", ORG, item, "--json"))
    assert [t["mandate"] for t in state["queue"]] == [int(c), int(a), int(party), int(b)]
    assert "point-of-order" in _ok(speakers_app, "show", ORG, item)
    _ok(speakers_app, "withdraw", ORG, item, c, "--point-of-order")
    assert "limit 5:00" in _ok(speakers_app, "next", ORG, item)
    _ok(speakers_app, "guest", ORG, item, "Delegation of the Putilov works")
    refused = runner.invoke(speakers_app, ["request", ORG, item, b, "--side", "contra"])
    assert refused.exit_code == 2
    assert "already waits" in refused.stderr
    _ok(speakers_app, "end", ORG, item)
    _ok(speakers_app, "close", ORG, item)
    refused = runner.invoke(speakers_app, ["request", ORG, item, c])
    assert refused.exit_code == 2
    assert "error: the speakers' list is closed" in refused.stderr
    state = json.loads(_ok(speakers_app, "show", ORG, item, "--json"))
    assert state["closed"] is True
    assert [t["mandate"] for t in state["queue"]] == [int(party), int(b)]
    kinds = [
        json.loads(line)["kind"] for line in _ok(main_app, "journal", "export", ORG).splitlines()
    ]
    assert kinds[-1] == "speakers.closed"
    assert "speakers.guest_heard" in kinds
