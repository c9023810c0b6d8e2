"""Races at the ballot box: one ballot per seat, and nothing after the close."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tauride.db.engine import build_engine, session_factory, transaction
from tauride.db.models import Organization
from tauride.db.polls import Ballot, Participation
from tauride.domain.errors import TaurideError
from tauride.domain.polls import PollMethod
from tauride.domain.sittings import SittingState
from tauride.services import polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder
from tauride.services.organizations import get_organization

# The `race` fixture of tests/conftest.py: acts started together on threads.
Race = Callable[[list[Callable[[], None]]], list[TaurideError]]


def _setup(url: str) -> tuple[Engine, int, list[int]]:
    engine = build_engine(url, busy_timeout_ms=30_000)
    with transaction(engine) as session:
        org = load_folder(session, example_path("st-petersburg-1905"), actor="t")
        sitting = sittings.schedule_sitting(
            session, org, "executive", title="S", scheduled_for=None, actor="t"
        )
        sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="t")
        members = current_memberships(session, get_body(session, org.id, "executive").id)
        voting = [m.mandate_id for m in members if not m.consultative]
        for mandate_id in voting:
            sittings.check_in(session, org, sitting.id, mandate_id, actor="t")
        poll = polls.open_poll(
            session, org, sitting.id, question="Q", method=PollMethod.ELECTRONIC, actor="t"
        )
        poll_id = poll.id
    return engine, poll_id, voting


def _in_transaction(
    engine: object, act: Callable[..., object], *args: object
) -> Callable[[], None]:
    def work() -> None:
        with session_factory(engine)() as session, session.begin():
            org = get_organization(session, "st-petersburg-1905")
            act(session, org, *args)

    return work


def test_concurrent_casts_by_one_delegate_count_once(
    fresh_database_url: str, race: Callable[[list[Callable[[], None]]], list[TaurideError]]
) -> None:
    engine, poll_id, voting = _setup(fresh_database_url)
    try:
        voter = voting[0]
        errors = race(
            [_in_transaction(engine, polls.cast_ballot, poll_id, voter, "yes") for _ in range(6)]
        )
        assert len(errors) == 5
        assert all(getattr(e, "kind", "") == "double-vote" for e in errors)
        with session_factory(engine)() as session:
            assert session.scalar(select(func.count()).select_from(Ballot)) == 1
    finally:
        engine.dispose()


def test_close_racing_with_casts_counts_exactly_the_participants(
    fresh_database_url: str, race: Callable[[list[Callable[[], None]]], list[TaurideError]]
) -> None:
    engine, poll_id, voting = _setup(fresh_database_url)
    try:
        casts = [_in_transaction(engine, polls.cast_ballot, poll_id, m, "yes") for m in voting]

        def close(session: Session, org: Organization, pid: int) -> None:
            polls.close_poll(session, org, pid, actor="chair")

        errors = race([*casts, _in_transaction(engine, close, poll_id)])
        assert all(getattr(e, "kind", "") == "poll-closed" for e in errors)
        with session_factory(engine)() as session:
            ballots = session.scalar(select(func.count()).select_from(Ballot))
            participants = session.scalar(select(func.count()).select_from(Participation))
            sealed = session.scalar(
                select(func.count()).select_from(Ballot).where(Ballot.sealed_index.is_not(None))
            )
        assert ballots == participants == sealed
        assert ballots == len(voting) - len(errors)
    finally:
        engine.dispose()
