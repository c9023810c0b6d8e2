"""Races at a roll vote: one ballot per code, one issue of codes, nothing after the close."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from tauride.db.engine import build_engine, session_factory, transaction
from tauride.db.models import JournalRecord, MandateStatus, Organization
from tauride.db.roll_votes import CodeIssue, RollBallot, RollVote, VotingCode
from tauride.domain.errors import TaurideError
from tauride.services import constituencies, mandates, roll_vote_counts, roll_votes
from tauride.services.examples import example_path, load_folder
from tauride.services.mandates import electing_units, seated_mandates
from tauride.services.organizations import get_organization

# The `race` fixture of tests/conftest.py: acts started together on threads.
Race = Callable[[list[Callable[[], None]]], list[TaurideError]]

ORG = "st-petersburg-1905"
WIRE = "Lesnoy Wire Works"  # one deputy
CANDIDATES = ["Anna Ivanova", "Pyotr Semyonov"]


def _setup(
    url: str, *, issue: bool = True, open_vote: bool = True
) -> tuple[Engine, int, list[str]]:
    """A plant with a vacant seat and a roll of 24; its election vote open, codes issued."""
    engine = build_engine(url, busy_timeout_ms=30_000)
    with transaction(engine) as session:
        org = load_folder(session, example_path(ORG), actor="t")
        lines = [f"{WIRE},W-{i:04d},Worker {i:04d}" for i in range(1, 25)]
        text = "constituency,roll_number,name\n" + "\n".join(lines) + "\n"
        constituencies.import_roll(session, org, text, source="roll.csv", actor="t")
        unit = electing_units(session, org.id)[WIRE]
        for mandate in seated_mandates(session, unit.id):
            mandates.end_mandate(
                session, org, mandate.id, status=MandateStatus.EXPIRED, reason="", actor="t"
            )
        vote_id, codes = 0, []
        if open_vote:
            vote = roll_votes.open_election_vote(
                session, org, WIRE, candidates=CANDIDATES, actor="t"
            )
            vote_id = vote.id
            if issue:
                codes = [
                    line.code for line in roll_votes.issue_codes(session, org, vote.id, actor="t")
                ]
    return engine, vote_id, codes


def _in_transaction(
    engine: Engine, act: Callable[..., object], *args: object
) -> Callable[[], None]:
    def work() -> None:
        with session_factory(engine)() as session, session.begin():
            org = get_organization(session, ORG)
            act(session, org, *args)

    return work


def _cast(session: Session, org: Organization, vote_id: int, code: str) -> None:
    roll_votes.cast_with_code(session, org, vote_id, code, choice="Anna Ivanova")


def _close(session: Session, org: Organization, vote_id: int) -> None:
    roll_vote_counts.close_vote(session, org, vote_id, actor="t")


def _count(session: Session, table: Any, *where: Any) -> int:
    return session.scalar(select(func.count()).select_from(table).where(*where)) or 0


def test_one_code_cast_from_many_threads_casts_once(fresh_database_url: str, race: Race) -> None:
    engine, vote_id, codes = _setup(fresh_database_url)
    try:
        errors = race([_in_transaction(engine, _cast, vote_id, codes[0]) for _ in range(8)])
        assert len(errors) == 7
        assert all(e.kind == "code-used" for e in errors)
        with session_factory(engine)() as session:
            assert _count(session, RollBallot) == 1
            assert _count(session, VotingCode, VotingCode.used.is_(True)) == 1
    finally:
        engine.dispose()


def test_close_racing_with_casts_counts_exactly_the_used_codes(
    fresh_database_url: str, race: Race
) -> None:
    engine, vote_id, codes = _setup(fresh_database_url)
    try:
        casts = [_in_transaction(engine, _cast, vote_id, code) for code in codes[:20]]
        errors = race([*casts, _in_transaction(engine, _close, vote_id)])
        assert all(e.kind == "vote-closed" for e in errors)
        with session_factory(engine)() as session:
            ballots = _count(session, RollBallot)
            used = _count(session, VotingCode, VotingCode.used.is_(True))
            sealed = _count(session, RollBallot, RollBallot.sealed_index.is_not(None))
            vote = session.get_one(RollVote, vote_id)
            closed = session.scalars(
                select(JournalRecord.payload).where(JournalRecord.kind == "vote.closed")
            ).one()
        assert ballots == used == sealed == vote.ballot_count == closed["ballots"]
        assert ballots == 20 - len(errors)
        assert closed["turnout"]["used"] == ballots
        if engine.dialect.name == "postgresql":
            # The close rewrote every code and ballot row: none still carries the id of the
            # transaction that cast it (which would pair a code with its ballot).
            with engine.connect() as conn:
                writers = {
                    row[0]
                    for table in ("voting_codes", "roll_ballots")
                    for row in conn.execute(text(f"SELECT xmin::text FROM {table}"))  # noqa: S608
                }
            assert len(writers) == 1
    finally:
        engine.dispose()


def test_codes_issued_once_under_concurrent_requests(fresh_database_url: str, race: Race) -> None:
    engine, vote_id, _ = _setup(fresh_database_url, issue=False)
    try:

        def issue(session: Session, org: Organization, vid: int) -> None:
            roll_votes.issue_codes(session, org, vid, actor="t")

        errors = race([_in_transaction(engine, issue, vote_id) for _ in range(4)])
        assert len(errors) == 3
        assert all(e.kind == "codes-issued" for e in errors)
        with session_factory(engine)() as session:
            assert _count(session, CodeIssue) == 24
            assert _count(session, VotingCode) == 24
    finally:
        engine.dispose()


def test_one_election_vote_per_constituency_under_concurrent_opens(
    fresh_database_url: str, race: Race
) -> None:
    engine, _, _ = _setup(fresh_database_url, open_vote=False)
    try:

        def open_vote(session: Session, org: Organization) -> None:
            roll_votes.open_election_vote(session, org, WIRE, candidates=CANDIDATES, actor="t")

        errors = race([_in_transaction(engine, open_vote) for _ in range(4)])
        assert len(errors) == 3
        assert all("electing by roll vote" in str(e) for e in errors)
        with session_factory(engine)() as session:
            assert _count(session, RollVote) == 1
    finally:
        engine.dispose()
