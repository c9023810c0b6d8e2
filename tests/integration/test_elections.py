"""Elections by a body: nominations, ranked ballots weighted as the body votes, seats filled."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import JournalRecord, Organization
from tauride.db.polls import PollElector
from tauride.domain.errors import Conflict, InvalidInput
from tauride.domain.polls import BadChoice, PollMethod
from tauride.domain.sittings import SittingState
from tauride.domain.tally.methods import count
from tauride.domain.tally.profile import Profile
from tauride.queries.organizations import body_members
from tauride.services import elections, polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder


@pytest.fixture
def org(session: Session) -> Organization:
    return load_folder(session, example_path("union-congress"), actor="test")


def _congress(session: Session, org: Organization) -> tuple[int, list[int]]:
    sitting = sittings.schedule_sitting(
        session, org, "congress", title="Elections", scheduled_for=None, actor="t"
    )
    sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="t")
    members = current_memberships(session, get_body(session, org.id, "congress").id)
    voting = [m.mandate_id for m in members if not m.consultative]
    for mandate_id in voting:
        sittings.check_in(session, org, sitting.id, mandate_id, actor="t")
    return sitting.id, voting


def test_executive_council_elected_by_card_vote_stv_with_runners_up(
    session: Session, org: Organization
) -> None:
    sitting_id, voting = _congress(session, org)
    election = elections.call_election(session, org, "executive-council", actor="t")
    assert (election.seats, election.method) == (9, "scottish-stv")
    standing = voting[:13]
    for mandate_id in standing:
        elections.nominate(session, org, election.id, mandate_id, nominated_by="branch", actor="t")
    with pytest.raises(Conflict, match="already nominated"):
        elections.nominate(session, org, election.id, standing[0], nominated_by="x", actor="t")
    elections.withdraw(session, org, election.id, standing[-1], actor="t")
    poll = elections.open_voting(session, org, election.id, sitting_id, actor="t")
    names = list(poll.options)
    assert len(names) == 12
    rng = random.Random(1917)  # noqa: S311 — reproducible test ballots, not a secret
    ballots = []
    for voter in voting:
        ranking = rng.sample(names, k=rng.randint(1, len(names)))
        polls.cast_ballot(session, org, poll.id, voter, "", ranking=ranking)
        ballots.append((voter, ranking))
    with pytest.raises(BadChoice):
        polls.cast_ballot(session, org, poll.id, voting[0], "", ranking=["Nobody at all"])
    result = elections.count_election(session, org, election.id, actor="t")
    assert len(result.elected) == 9
    # The same count, done directly on the weighted ballots, elects the same council.
    weights = {e.mandate_id: e.weight for e in _electors(session, poll.id)}
    profile = Profile.from_ballots(
        names, [(weights[v], [names.index(n) for n in r]) for v, r in ballots], seats=9
    )
    seed = int(str(poll.merkle_root)[:13], 16)
    assert count(profile, "scottish-stv", seats=9, seed=seed).elected == result.elected
    council = body_members(session, org.slug, "executive-council")
    assert sorted(m.person for m in council) == sorted(result.elected)
    counted = session.scalars(
        select(JournalRecord).where(JournalRecord.kind == "election.counted")
    ).one()
    assert len(counted.payload["alternates"]) == 3
    assert counted.payload["count"]["method"] == "scottish-stv"


def _electors(session: Session, poll_id: int) -> list[PollElector]:
    return list(session.scalars(select(PollElector).where(PollElector.poll_id == poll_id)))


def test_only_members_of_the_electing_body_stand(session: Session, org: Organization) -> None:
    election = elections.call_election(session, org, "standing-orders", actor="t")
    council = current_memberships(session, get_body(session, org.id, "executive-council").id)
    congress = {
        m.mandate_id
        for m in current_memberships(session, get_body(session, org.id, "congress").id)
        if not m.consultative
    }
    outsider = next(
        m.mandate_id
        for m in current_memberships(session, get_body(session, org.id, "congress").id)
        if m.consultative
    )
    with pytest.raises(InvalidInput, match="not a voting member of 'congress'"):
        elections.nominate(session, org, election.id, outsider, nominated_by="x", actor="t")
    assert council  # the example seats a council elected before the records start
    with pytest.raises(InvalidInput, match="not filled by election"):
        elections.call_election(session, org, "congress", actor="t")
    assert congress
    sitting_id, _ = _congress(session, org)
    with pytest.raises(Conflict, match="no candidates"):
        elections.open_voting(session, org, election.id, sitting_id, actor="t")
    with pytest.raises(InvalidInput, match="show of hands"):
        elections.open_voting(
            session, org, election.id, sitting_id, method=PollMethod.SHOW_OF_HANDS, actor="t"
        )
