"""Elections by a body: nominations, a ranked poll of the electing body, a count that seats."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Body, Mandate, Organization
from tauride.db.polls import Ballot, Candidate, Election, Poll
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.polls import PollClosed, PollMethod, PollState
from tauride.domain.tally.methods import count
from tauride.domain.tally.profile import Profile
from tauride.domain.tally.records import CountResult
from tauride.services import bodies, journal, polls, seals
from tauride.services.organizations import current_constitution
from tauride.services.sittings import get_sitting

NOBODY = "(no other candidate)"


def get_election(session: Session, org: Organization, election_id: int) -> Election:
    """The election with this number in the organization, or NotFound."""
    election = session.get(Election, election_id)
    if election is None or election.organization_id != org.id:
        raise NotFound(f"no election {election_id} in {org.slug}")
    return election


def call_election(session: Session, org: Organization, body_key: str, *, actor: str) -> Election:
    """Open nominations for the elected seats of a body, by the constitution's rule."""
    _, constitution = current_constitution(session, org.id)
    rule = constitution.bodies.get(body_key)
    if rule is None or rule.elected_by is None or rule.seats is None or rule.method is None:
        raise InvalidInput(f"body '{body_key}' is not filled by election")
    election = Election(
        organization_id=org.id,
        body_id=bodies.get_body(session, org.id, body_key).id,
        electing_body_id=bodies.get_body(session, org.id, rule.elected_by).id,
        seats=rule.seats,
        method=rule.method,
        state="nominations",
    )
    session.add(election)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="election.called",
        payload={
            "election": election.id,
            "body": body_key,
            "elected_by": rule.elected_by,
            "seats": rule.seats,
            "method": rule.method,
        },
    )
    return election


def candidates(session: Session, election_id: int) -> list[Candidate]:
    """The nominations in the order they were made."""
    return list(
        session.scalars(
            select(Candidate).where(Candidate.election_id == election_id).order_by(Candidate.id)
        )
    )


def nominate(
    session: Session,
    org: Organization,
    election_id: int,
    mandate_id: int,
    *,
    nominated_by: str,
    actor: str,
) -> Candidate:
    """Nominate a voting member of the electing body while nominations are open."""
    election = get_election(session, org, election_id)
    if election.state != "nominations":
        raise Conflict(f"election {election_id}: nominations are closed")
    electing = session.get_one(Body, election.electing_body_id)
    if mandate_id not in bodies.voting_member_ids(session, org.id, electing.key):
        raise InvalidInput(f"mandate {mandate_id} is not a voting member of '{electing.key}'")
    if any(c.mandate_id == mandate_id for c in candidates(session, election.id)):
        raise Conflict(f"mandate {mandate_id} is already nominated")
    mandate = session.get_one(Mandate, mandate_id)
    candidate = Candidate(
        election_id=election.id,
        mandate_id=mandate_id,
        name=mandate.person.name,
        nominated_by=nominated_by,
    )
    session.add(candidate)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="election.nominated",
        payload={
            "election": election.id,
            "mandate": mandate_id,
            "person": candidate.name,
            "nominated_by": nominated_by,
        },
    )
    return candidate


def withdraw(
    session: Session, org: Organization, election_id: int, mandate_id: int, *, actor: str
) -> None:
    """A candidate withdraws; after voting began, the count treats them as withdrawn."""
    election = get_election(session, org, election_id)
    if election.state == "counted":
        raise Conflict(f"election {election_id} has been counted")
    candidate = next(
        (c for c in candidates(session, election.id) if c.mandate_id == mandate_id), None
    )
    if candidate is None or candidate.withdrawn:
        raise Conflict(f"mandate {mandate_id} is not a standing candidate")
    candidate.withdrawn = True
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="election.withdrawn",
        payload={"election": election.id, "mandate": mandate_id, "person": candidate.name},
    )


def _labels(standing: list[Candidate]) -> dict[str, Candidate]:
    # Ballots name candidates; two persons of the same name are told apart by mandate.
    names = [c.name for c in standing]
    return {
        (c.name if names.count(c.name) == 1 else f"{c.name} (mandate {c.mandate_id})"): c
        for c in standing
    }


def open_voting(
    session: Session,
    org: Organization,
    election_id: int,
    sitting_id: int,
    *,
    method: PollMethod = PollMethod.SECRET,
    actor: str,
) -> Poll:
    """Close nominations and open the ranked poll at a sitting of the electing body."""
    election = get_election(session, org, election_id)
    if election.state != "nominations":
        raise Conflict(f"election {election_id}: voting has begun already")
    sitting = get_sitting(session, org, sitting_id)
    if sitting.body_id != election.electing_body_id:
        raise InvalidInput(f"sitting {sitting_id} is not a sitting of the electing body")
    if method is PollMethod.SHOW_OF_HANDS:
        raise InvalidInput("method: ranked ballots cannot be taken by show of hands")
    standing = [c for c in candidates(session, election.id) if not c.withdrawn]
    if not standing:
        raise Conflict(f"election {election_id} has no candidates")
    body = session.get_one(Body, election.body_id)
    labels = _labels(standing)
    # A poll has two options at least: a lone candidate stands beside an empty place.
    options = list(labels) if len(labels) > 1 else [*labels, NOBODY]
    poll = polls.open_poll(
        session,
        org,
        sitting.id,
        question=f"Election of {election.seats} to {body.name}",
        method=method,
        options=options,
        threshold="plurality",
        kind="election",
        actor=actor,
    )
    poll.rule = {**poll.rule, "candidates": {label: c.mandate_id for label, c in labels.items()}}
    election.poll_id = poll.id
    election.state = "voting"
    session.flush()
    return poll


def count_election(
    session: Session, org: Organization, election_id: int, *, actor: str
) -> CountResult:
    """Close the poll, seal its ballots, count them by the method, and seat the winners.

    The lot seed, where the method's tie rule ends in a lot, is drawn from the sealed
    ballots' Merkle root: fixed by the ballots, unknown to anyone before the close.
    Runners-up are recorded as alternates where the constitution says so.
    """
    election = get_election(session, org, election_id)
    if election.state != "voting" or election.poll_id is None:
        raise Conflict(f"election {election_id} is not being voted on")
    poll = polls.get_poll(session, org, election.poll_id, lock="update")
    if poll.state != PollState.OPEN.value:
        raise PollClosed(f"poll {poll.id} is closed")
    ballots = list(
        session.scalars(select(Ballot).where(Ballot.poll_id == poll.id).order_by(Ballot.receipt))
    )
    mandate_of: dict[str, int] = poll.rule["candidates"]
    gone = {c.mandate_id for c in candidates(session, election.id) if c.withdrawn}
    options = list(poll.options)
    index = {name: i for i, name in enumerate(options)}
    withdrawn = {i for name, i in index.items() if mandate_of.get(name) in gone or name == NOBODY}
    profile = Profile.from_ballots(
        options,
        [(b.weight, [index[name] for name in b.ranking or []]) for b in ballots],
        seats=election.seats,
        withdrawn=withdrawn,
    )
    participants = seals.seal(session, poll, ballots)
    assert poll.merkle_root is not None  # set by seal
    seed = int(poll.merkle_root[:13], 16)  # 52 bits: exact as a JSON number
    seats = min(election.seats, len(options) - len(withdrawn))
    result = count(profile, election.method, seats=seats, seed=seed)
    elected = [mandate_of[name] for name in result.elected]
    _, constitution = current_constitution(session, org.id)
    body = session.get_one(Body, election.body_id)
    runners_up = [
        name
        for name, _total in sorted(
            result.final.totals.items(), key=lambda item: item[1], reverse=True
        )
        if name not in result.elected and index[name] not in withdrawn
    ]
    alternates = runners_up if constitution.bodies[body.key].runners_up_as_alternates else []
    record = result.as_json()
    election.result = {**record, "alternates": alternates, "seed": seed}
    election.state = "counted"
    poll.outcome = {"elected": list(result.elected), "method": election.method, "seed": seed}
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="election.counted",
        payload={
            "election": election.id,
            "poll": poll.id,
            "body": body.key,
            "ballots": len(ballots),
            "participants": participants,
            "merkle_root": poll.merkle_root,
            "seed": seed,
            "elected": [[mandate_of[n], n] for n in result.elected],
            "alternates": alternates,
            "count": record,
        },
    )
    bodies.fill_elected_seats(
        session,
        org,
        body.key,
        elected,
        source=f"election {election.id}",
        actor=actor,
        replace=True,
    )
    return result
