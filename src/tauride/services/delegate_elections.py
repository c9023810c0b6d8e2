"""A constituency elects its delegates: from a BLT file of its ballots or tellers' counts.

The election fills the constituency's vacant seats (all of them at a general election, the
ones left by a recall or resignation at a by-election), creates the winners' mandates and
recomposes the bodies they sit in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, Mandate, Organization, Person
from tauride.db.roll_votes import RollVote
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.roll_votes import RollVoteState
from tauride.domain.tally.blt import BltError, parse_blt
from tauride.domain.tally.methods import count, profile_seed
from tauride.domain.tally.profile import Profile
from tauride.domain.tally.records import CountResult
from tauride.services import bodies, journal
from tauride.services.mandates import electing_units, reweigh, seated_mandates


def vacancies(
    session: Session, org: Organization, constituency_name: str
) -> tuple[Constituency, int]:
    """The electing unit known by this name, and how many of its seats are vacant.

    Takes the organization's lock first, so that elections of one constituency fill its
    seats one after another; refused while the constituency votes with codes on its seats.
    """
    journal.lock_organization(session, org.id)
    unit = electing_units(session, org.id).get(constituency_name)
    if unit is None:
        raise NotFound(f"no constituency '{constituency_name}' in {org.slug}")
    where = (RollVote.constituency_id == unit.id, RollVote.state == RollVoteState.OPEN.value)
    if voting := session.scalar(select(RollVote.id).where(*where, RollVote.recall_id.is_(None))):
        raise Conflict(f"'{unit.name}' is electing by roll vote {voting}: close it first")
    seats = unit.seats or unit.consultative_seats
    vacant = seats - len(seated_mandates(session, unit.id))
    if vacant <= 0:
        raise Conflict(f"'{unit.name}' has no vacant seat ({seats} of {seats} held)")
    return unit, vacant


def elect_from_ballots(
    session: Session,
    org: Organization,
    constituency_name: str,
    blt_text: str,
    *,
    source: str,
    method: str,
    actor: str,
) -> CountResult:
    """Count a constituency's ballots (BLT) for its vacant seats and create the mandates."""
    unit, vacant = vacancies(session, org, constituency_name)
    try:
        profile = parse_blt(blt_text, source)
    except BltError as exc:
        raise InvalidInput(exc.problems) from None
    if profile.seats != vacant:
        raise InvalidInput(
            f"{source}: the file elects {profile.seats} seat(s); '{unit.name}' has {vacant} vacant"
        )
    return seat_winners(
        session,
        org,
        unit,
        profile,
        method=method,
        actor=actor,
        evidence={"source": source, "sha256": hashlib.sha256(blt_text.encode()).hexdigest()},
    )


def elect_by_counts(
    session: Session,
    org: Organization,
    constituency_name: str,
    counts: Mapping[str, int],
    *,
    actor: str,
) -> CountResult:
    """Fill the vacant seats from tellers' counts of a meeting's vote (plurality)."""
    unit, vacant = vacancies(session, org, constituency_name)
    problems = [f"counts.{name}: must be a whole number ≥ 0" for name, n in counts.items() if n < 0]
    if len(counts) < vacant:
        problems.append(f"counts: {len(counts)} candidate(s) for {vacant} vacant seat(s)")
    if problems:
        raise InvalidInput(problems)
    names = list(counts)
    profile = Profile.from_ballots(
        names, [(n, [i]) for i, n in enumerate(counts.values()) if n], seats=vacant
    )
    return seat_winners(
        session,
        org,
        unit,
        profile,
        method="plurality",
        actor=actor,
        evidence={"source": "tellers", "counts": dict(counts)},
    )


def seat_winners(
    session: Session,
    org: Organization,
    unit: Constituency,
    profile: Profile,
    *,
    method: str,
    actor: str,
    evidence: dict[str, object],
    seed: int | None = None,
) -> CountResult:
    """Count the profile for the unit's seats, create the winners' mandates, recompose bodies.

    The lot seed, unless given, is drawn from the profile (52 bits: exact in JSON).
    """
    if seed is None:
        seed = profile_seed(profile) >> 12
    try:
        result = count(profile, method, seats=profile.seats, seed=seed)
    except ValueError as exc:
        raise InvalidInput(f"method: {exc}") from None
    consultative = unit.seats == 0
    created = [
        Mandate(
            organization_id=org.id,
            person=Person(organization_id=org.id, name=name),
            constituency_id=unit.id,
            consultative=consultative,
        )
        for name in result.elected
    ]
    session.add_all(created)
    session.flush()
    reweigh(session, unit.id)
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="constituency.elected",
        payload={
            "constituency": unit.name,
            "method": method,
            "seats": profile.seats,
            "elected": [[m.id, m.person.name] for m in created],
            "evidence": evidence,
            "count": result.as_json(),
        },
    )
    bodies.recompose(session, org, actor=actor)
    return result
