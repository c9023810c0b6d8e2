"""Replay a scenario: load its organization, then do every step through the services.

The whole replay is one transaction, owned by the caller. A journal refuses UPDATE and
DELETE, so a replay that stopped half-way (an act refused at step 40) would leave an
organization that can be neither finished nor removed; in one transaction a refusal
leaves the database as it was. Within it, each act is done exactly as the API does it,
locks and journal entries included.

Every act is journaled at the scenario's instants (`journal.recorded_at`), so the minutes
carry the dates of the history replayed. Before the first act, everything the scenario
names in the organization — delegates, bodies, factions, constituencies — is looked up,
and every name not found is reported at once, with its step's path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, Mandate, MandateStatus, Organization, Person
from tauride.domain import scenario as sc
from tauride.domain.errors import Conflict, InvalidInput, NotFound, TaurideError
from tauride.domain.journal import verify_chain
from tauride.domain.scenario_checks import ScenarioInvalid
from tauride.services import examples, journal, matters, petitions
from tauride.services.organizations import check_constitution, current_constitution
from tauride.services.scenario_acts import ACTS, Run
from tauride.services.scenario_minutes import chain


@dataclass(frozen=True)
class StepOutcome:
    """What one step did, in a few lines."""

    index: int
    act: str
    label: str | None
    at: str
    note: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class MatterOutcome:
    key: str
    positions: tuple[tuple[str, str], ...]
    required: tuple[str, ...]
    adopted: bool
    conflicts: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PetitionOutcome:
    petition: int
    kind: str
    title: str
    origin: str
    state: str
    answer: str | None


@dataclass(frozen=True)
class Replay:
    """What a replay did: every step's outcome, and what stands at the end."""

    organization_id: int
    slug: str
    organization: str
    title: str
    steps: tuple[StepOutcome, ...]
    sittings: tuple[int, ...]
    matters: tuple[MatterOutcome, ...]
    petitions: tuple[PetitionOutcome, ...]
    journal_entries: int
    journal_head: str
    journal_ok: bool


def organization_folder(scenario: sc.Scenario, base: Path) -> Path:
    """The folder the scenario's organization is loaded from: an example, or a folder
    named relative to the scenario file (`base` is the file's folder)."""
    header = scenario.header
    if header.example is not None:
        return examples.example_path(header.example)
    folder = base / (header.folder or "")
    if not (folder / "constitution.toml").is_file():
        raise InvalidInput(f"scenario.folder: no constitution.toml in {folder}")
    return folder


def replay(session: Session, scenario: sc.Scenario, *, base: Path) -> Replay:
    """Load the organization and do every step in order; the caller commits.

    Raises ScenarioInvalid when a name in the scenario is not found in the organization,
    and the refusal of a step's act, prefixed with the step (`steps[12] (vote): …`).
    """
    header = scenario.header
    folder = organization_folder(scenario, base)
    clock = sc.ScenarioClock(header.start)
    with journal.recorded_at(clock):
        org = _load(session, folder, header.actor)
        run = Run(session, org, header.actor, clock)
        _resolve(run, scenario)
        outcomes = [_do(run, i, step) for i, step in enumerate(scenario.steps)]
    entries = chain(session, org.id)
    verified = verify_chain(e.to_dict() for e in entries)
    return Replay(
        organization_id=org.id,
        slug=org.slug,
        organization=org.name,
        title=header.title,
        steps=tuple(outcomes),
        sittings=tuple(run.sittings),
        matters=tuple(_matter(session, org, key) for key in run.matters),
        petitions=tuple(_petition(session, pid) for pid in run.petitions),
        journal_entries=verified.count,
        journal_head=verified.head_hash or "",
        journal_ok=verified.ok,
    )


def _load(session: Session, folder: Path, actor: str) -> Organization:
    source = folder / "constitution.toml"
    text = source.read_text(encoding="utf-8")
    slug = check_constitution(text, str(source)).organization.slug
    if session.execute(select(Organization.id).where(Organization.slug == slug)).first():
        raise Conflict(
            f"organization '{slug}' is already in this database: a scenario is replayed "
            "into a database of its own (give another --db)"
        )
    return examples.load_folder(session, folder, actor=actor)


def _do(run: Run, index: int, step: sc.Step) -> StepOutcome:
    run.clock.begin(step.at)
    at = run.clock().isoformat()
    label = getattr(step, "label", None)
    try:
        lines = ACTS[type(step)](run, step)
    except TaurideError as exc:
        where = f"steps[{index}] ({step.act}" + (f" '{label}')" if label else ")")
        raise type(exc)(f"{where}: {p}" for p in exc.problems) from None
    return StepOutcome(index, step.act, label, at, step.note, tuple(lines))


def _resolve(run: Run, scenario: sc.Scenario) -> None:
    """Look up every delegate, body, faction and constituency the steps name; report
    every one not found, with its path, before any act is done."""
    _, constitution = current_constitution(run.session, run.org.id)
    problems: list[str] = []
    for i, step in enumerate(scenario.steps):
        for path, ref in sc.delegate_fields(step):
            if ref in run.delegates:
                continue
            try:
                run.delegates[ref] = find_delegate(run.session, run.org, ref)
            except TaurideError as exc:
                problems += [f"steps[{i}].{path}: {p}" for p in exc.problems]
        bodies: list[tuple[str, str]] = []
        if isinstance(step, sc.Schedule | sc.Petition):
            bodies.append(("body", step.body))
        if isinstance(step, sc.Matter):
            bodies += [(f"bodies[{j}]", b) for j, b in enumerate(step.bodies)]
        problems += [
            f"steps[{i}].{path}: no body '{key}' in {run.org.slug}"
            for path, key in bodies
            if key not in constitution.bodies
        ]
        if isinstance(step, sc.Vote):
            problems += [
                f"steps[{i}].by_faction.{key}: no faction '{key}' in {run.org.slug}"
                for key in step.by_faction or {}
                if key not in constitution.factions
            ]
        unit = step.from_constituency if isinstance(step, sc.Petition) else None
        if unit is not None and _constituency(run.session, run.org, unit) is None:
            problems.append(f"steps[{i}].from_constituency: no constituency '{unit}'")
    if problems:
        raise ScenarioInvalid(problems)


def _constituency(session: Session, org: Organization, name: str) -> Constituency | None:
    return session.execute(
        select(Constituency).where(
            Constituency.organization_id == org.id, Constituency.name == name
        )
    ).scalar_one_or_none()


def find_delegate(session: Session, org: Organization, ref: sc.Delegate) -> int:
    """The active mandate a reference names: by the person's name, or the first (voting
    before consultative, then in the order of the roll) of a constituency's delegates."""
    query = (
        select(Mandate.id)
        .join(Person, Mandate.person_id == Person.id)
        .where(Mandate.organization_id == org.id, Mandate.status == MandateStatus.ACTIVE)
        .order_by(Mandate.consultative, Mandate.id)
    )
    if ref.name is not None:
        query = query.where(Person.name == ref.name)
    if ref.constituency is not None:
        unit = _constituency(session, org, ref.constituency)
        if unit is None:
            raise NotFound(f"no constituency '{ref.constituency}' in {org.slug}")
        # A small plant elects through its precinct's group: its delegate is the group's.
        units = {unit.id, unit.grouped_into_id} - {None}
        query = query.where(Mandate.constituency_id.in_(units))
    found = list(session.scalars(query))
    if not found:
        raise NotFound(f"no delegate {_who(ref)} holds a mandate in {org.slug}")
    if ref.constituency is None and len(found) > 1:
        raise Conflict(f"{len(found)} delegates are named '{ref.name}': add their constituency")
    return found[0]


def _who(ref: sc.Delegate) -> str:
    if ref.constituency is None:
        return f"named '{ref.name}'"
    named = f"named '{ref.name}' " if ref.name is not None else ""
    return f"{named}of '{ref.constituency}'"


def _matter(session: Session, org: Organization, key: str) -> MatterOutcome:
    state = matters.state_of(session, org.id, key)
    return MatterOutcome(
        key=key,
        positions=tuple((body, p.value) for body, p in state.positions.items()),
        required=state.required,
        adopted=state.adopted,
        conflicts=tuple(state.conflicts),
    )


def _petition(session: Session, petition_id: int) -> PetitionOutcome:
    data = petitions.petition_state(session, petition_id)
    answer = data["answer"]
    return PetitionOutcome(
        petition=petition_id,
        kind=data["kind"],
        title=data["title"],
        origin=str(data["from"]),
        state=data["state"],
        answer=f"motion {answer['motion']} ({answer['state']})" if answer else None,
    )
