"""Who may do what: one policy per act, in one table a test can walk.

Roles are held per organization. A delegate acts only through their own mandate, a
constituent only in their own constituency; the secretariat administers, the chair runs
sittings and is the only one who opens and closes polls, tellers enter show-of-hands counts,
observers read what is not public, and the public reads what is published.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from tauride.domain.errors import TaurideError


class Role(enum.StrEnum):
    SECRETARIAT = "secretariat"
    CHAIR = "chair"
    TELLER = "teller"
    DELEGATE = "delegate"
    CONSTITUENT = "constituent"
    OBSERVER = "observer"
    PUBLIC = "public"


class Unauthenticated(TaurideError):
    """The act needs a logged-in account and the request carries none (or a dead one)."""

    kind = "unauthenticated"


class Forbidden(TaurideError):
    """The account is known but its roles do not allow the act."""

    kind = "forbidden"


class Owner(enum.StrEnum):
    """What a role must own for the act: nothing, the target mandate, or the constituency."""

    NONE = "none"
    MANDATE = "mandate"
    CONSTITUENCY = "constituency"


@dataclass(frozen=True)
class Principal:
    """Who makes a request, as far as one organization is concerned."""

    account_id: int | None = None
    username: str | None = None
    roles: frozenset[Role] = frozenset({Role.PUBLIC})
    mandates: frozenset[int] = frozenset()
    constituencies: frozenset[int] = frozenset()

    @property
    def actor(self) -> str:
        """How the journal names who acted."""
        return f"account:{self.username}" if self.username else "public"

    @property
    def authenticated(self) -> bool:
        return self.account_id is not None


ANONYMOUS = Principal()


@dataclass(frozen=True)
class Policy:
    """Roles that may do an act; roles listed in `owning` must also own the target."""

    roles: frozenset[Role]
    owning: Mapping[Role, Owner] = field(default_factory=dict)
    description: str = ""


def _p(*roles: Role, own: Mapping[Role, Owner] | None = None, doc: str = "") -> Policy:
    return Policy(frozenset(roles), dict(own or {}), doc)


S, C, T, D, K, OBS, P = (
    Role.SECRETARIAT,
    Role.CHAIR,
    Role.TELLER,
    Role.DELEGATE,
    Role.CONSTITUENT,
    Role.OBSERVER,
    Role.PUBLIC,
)
EVERYONE = (S, C, T, D, K, OBS, P)
OWN_MANDATE = {D: Owner.MANDATE}
OWN_UNIT = {K: Owner.CONSTITUENCY}

POLICIES: dict[str, Policy] = {
    # Reading what is published.
    "organization.read": _p(*EVERYONE, doc="organizations, bodies, members"),
    "journal.read": _p(*EVERYONE, doc="the journal, its head, its export"),
    "minutes.read": _p(*EVERYONE, doc="minutes of sittings"),
    "record.read": _p(*EVERYONE, doc="a delegate's voting record"),
    "analytics.read": _p(*EVERYONE, doc="representativeness and voting power"),
    "poll.read": _p(*EVERYONE, doc="a poll, its result after close, inclusion proofs"),
    "sitting.read": _p(*EVERYONE, doc="a sitting's status, agenda and speakers"),
    "motion.read": _p(*EVERYONE, doc="motions and matters"),
    "election.read": _p(*EVERYONE, doc="elections and their counts"),
    "petition.read": _p(*EVERYONE, doc="petitions and their answers"),
    # Administration.
    "constitution.read": _p(*EVERYONE, doc="the constitution in force"),
    "constitution.amend": _p(S, doc="adopt a new version of the constitution"),
    "constituencies.import": _p(S, doc="import constituencies, rolls and delegates"),
    "roll.read": _p(S, doc="the rolls of constituents: personal data"),
    "mandate.end": _p(S, doc="end a mandate (resignation, expiry)"),
    "account.manage": _p(S, doc="create accounts, grant roles, issue login codes"),
    "organization.found": _p(
        S, doc="found an organization: the secretariat of any organization, by bearer token"
    ),
    # Sittings.
    "sitting.schedule": _p(S, C, doc="schedule a sitting, set its agenda"),
    "sitting.run": _p(C, doc="open, suspend, resume, close; take up items; call speakers"),
    "attendance.check": _p(S, C, D, own=OWN_MANDATE, doc="check a mandate in or out"),
    "speakers.request": _p(D, own=OWN_MANDATE, doc="ask for or give up the floor"),
    # Motions and polls.
    "motion.move": _p(D, S, own=OWN_MANDATE, doc="move or second a motion or amendment"),
    "motion.decide": _p(C, doc="admit, refer, withdraw, put to the vote"),
    "poll.open": _p(C, doc="open and close polls"),
    "poll.cast": _p(D, own=OWN_MANDATE, doc="cast or change a ballot through one's mandate"),
    "poll.count": _p(T, doc="enter the tellers' counts of a show of hands"),
    "matter.open": _p(S, doc="register a matter before several bodies and who must concur"),
    # Elections, petitions, recall.
    "election.manage": _p(S, C, doc="call an election, open its voting, count it"),
    "election.nominate": _p(S, D, own=OWN_MANDATE, doc="nominate or withdraw a candidate"),
    "petition.submit": _p(S, K, own=OWN_UNIT, doc="submit an appeal, petition, delegation"),
    "petition.handle": _p(S, C, doc="put a petition on the agenda, hear it, answer it"),
    "recall.open": _p(S, K, own=OWN_UNIT, doc="open a recall petition"),
    "recall.sign": _p(K, own=OWN_UNIT, doc="sign a recall petition of one's constituency"),
    "recall.sign_paper": _p(S, doc="enter signatures collected on paper, by roll number"),
    "recall.ballot": _p(S, doc="enter a recall ballot's counts"),
    "recall.read": _p(*EVERYONE, doc="recall petitions: signatures counted and needed, ballots"),
    # Roll votes of a constituency, cast with one-time codes.
    "vote.read": _p(*EVERYONE, doc="roll votes: standing, result after close, inclusion proofs"),
    "vote.manage": _p(S, doc="open a roll vote, issue its codes once, close it"),
    "vote.cast_code": _p(
        *EVERYONE, doc="cast a roll vote's ballot: the one-time code is the credential"
    ),
    # The imperative mandate: a constituency meeting's instructions, recorded by the
    # secretariat or by a constituent of that constituency (journaled as the meeting's act,
    # naming the meeting, never the constituent); offices filled by their electing body.
    "instruction.give": _p(
        S, K, own=OWN_UNIT, doc="record a constituency meeting's instruction to its delegates"
    ),
    "instruction.read": _p(*EVERYONE, doc="instructions and whether delegates kept them"),
    "office.fill": _p(S, C, doc="give a vacant office to a member of the body that elects it"),
}


def _owns(who: Principal, owner: Owner, mandate_id: int | None, unit_id: int | None) -> bool:
    if owner is Owner.MANDATE:
        return mandate_id is not None and mandate_id in who.mandates
    if owner is Owner.CONSTITUENCY:
        return unit_id is not None and unit_id in who.constituencies
    return True


def allowed(
    act: str, who: Principal, *, mandate_id: int | None = None, constituency_id: int | None = None
) -> bool:
    """Decide whether `who` may do `act` (on this mandate or in this constituency)."""
    policy = POLICIES[act]
    return any(
        role in policy.roles
        and _owns(who, policy.owning.get(role, Owner.NONE), mandate_id, constituency_id)
        for role in who.roles | {Role.PUBLIC}
    )


def authorize(
    act: str, who: Principal, *, mandate_id: int | None = None, constituency_id: int | None = None
) -> None:
    """Refuse the act unless `who` may do it: 401 for nobody, 403 for the wrong somebody."""
    if allowed(act, who, mandate_id=mandate_id, constituency_id=constituency_id):
        return
    if not who.authenticated:
        raise Unauthenticated(f"{act}: log in first")
    policy = POLICIES[act]
    owned = [r for r in policy.roles if r in who.roles and r in policy.owning]
    if owned:
        raise Forbidden(f"{act}: only through your own {policy.owning[owned[0]].value}")
    needed = ", ".join(sorted(r.value for r in policy.roles))
    raise Forbidden(f"{act}: needs one of the roles {needed}")
