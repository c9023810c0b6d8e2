"""`tauride motion`: move, second, admit, debate, withdraw and put motions to the vote."""

from __future__ import annotations

import typer

from tauride.cli.context import ACTOR, print_json, unit_of_work
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import MotionKind, MotionState
from tauride.services import matters, motions
from tauride.services.organizations import get_organization

app = typer.Typer(help="Motions: move, second, admit, withdraw, vote.", no_args_is_help=True)

ORG = typer.Argument(..., help="The organization's slug.")
MOTION = typer.Argument(..., help="The motion's number.")


@app.command("move")
def move(
    organization: str = ORG,
    sitting: int = typer.Argument(..., help="The sitting's number."),
    title: str = typer.Option(..., help="Short title of the motion."),
    text: str = typer.Option("", help="Its full text (an amendment: the text as amended)."),
    kind: MotionKind = typer.Option(MotionKind.MAIN, help="Kind of motion."),
    target: int | None = typer.Option(None, help="The motion it applies to (amendments…)."),
    mover: int | None = typer.Option(None, help="The mover's mandate number."),
    on_behalf_of: str | None = typer.Option(
        None, help="Moved in the name of a body or petition instead of a member."
    ),
    matter: str | None = typer.Option(None, help="Key linking motions of several bodies."),
    item: int | None = typer.Option(None, help="The agenda item it is moved under."),
) -> None:
    """Submit a motion; refused when out of order by precedence."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        motion = motions.move_motion(
            session,
            org,
            sitting,
            kind=kind,
            title=title,
            text=text,
            target_id=target,
            mover_mandate_id=mover,
            mover_label=on_behalf_of,
            matter=matter,
            agenda_item_id=item,
            actor=ACTOR,
        )
    print(f"motion {motion.id}: {motion.kind} '{motion.title}' {motion.state}")


@app.command("second")
def second(
    organization: str = ORG,
    motion: int = MOTION,
    seconder: int = typer.Argument(..., help="The seconder's mandate number."),
) -> None:
    """Record the seconder of a motion."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        motions.second_motion(session, org, motion, seconder, actor=ACTOR)
    print(f"motion {motion} seconded")


@app.command("state")
def state(
    organization: str = ORG,
    motion: int = MOTION,
    to: MotionState = typer.Argument(..., help="admitted, debate, withdrawn, ruled-out…"),
) -> None:
    """Admit a motion, open its debate, rule it out or withdraw it."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        changed = motions.set_motion_state(session, org, motion, to, actor=ACTOR)
    print(f"motion {motion} {changed.state}")


@app.command("vote")
def vote(
    organization: str = ORG,
    motion: int = MOTION,
    method: PollMethod = typer.Option(PollMethod.ELECTRONIC, help="How the body votes."),
    allow_change: bool = typer.Option(False, help="Voters may change their ballot until close."),
) -> None:
    """Put the question: open a poll on the motion under its kind's threshold."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        poll = motions.put_to_vote(
            session, org, motion, method=method, allow_change=allow_change, actor=ACTOR
        )
        entitled = poll.rule["present"]
    print(f"poll {poll.id} open on motion {motion}: {entitled} entitled to vote")


matters_app = typer.Typer(
    help="Matters before several bodies: concurrence and conflicts.", no_args_is_help=True
)


@matters_app.command("open")
def open_matter(
    organization: str = ORG,
    key: str = typer.Argument(..., help="A short key that motions on the matter carry."),
    title: str = typer.Option(..., help="What the matter is."),
    bodies: str = typer.Option(
        "", help="Bodies that must each carry it (comma-separated); empty: no concurrence."
    ),
) -> None:
    """Register a matter; motions moved with `--matter KEY` in any body are linked to it."""
    required = [b.strip() for b in bodies.split(",") if b.strip()]
    with unit_of_work() as session:
        org = get_organization(session, organization)
        matters.open_matter(session, org, key, title=title, required_bodies=required, actor=ACTOR)
    print(f"matter {key} opened" + (f"; concurrence of {', '.join(required)}" if required else ""))


@matters_app.command("show")
def show_matter(
    organization: str = ORG,
    key: str = typer.Argument(..., help="The matter's key."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Show each body's position on a matter, whether it is adopted, and any conflict."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        state = matters.state_of(session, org.id, key)
    data: dict[str, object] = {
        "matter": key,
        "positions": {b: p.value for b, p in state.positions.items()},
        "required": list(state.required),
        "adopted": state.adopted,
        "conflicts": [list(pair) for pair in state.conflicts],
    }
    if as_json:
        print_json(data)
        return
    for body, position in state.positions.items():
        print(f"{body}: {position.value}")
    if state.required:
        print("adopted" if state.adopted else "not adopted: concurrence incomplete")
    for a, b in state.conflicts:
        print(f"conflict: {a} and {b} decided contrary to each other")
