"""`tauride petition`: appeals, petitions and delegations received, heard and answered."""

from __future__ import annotations

from typing import Any

import typer

from tauride.cli.context import ACTOR, print_json, unit_of_work
from tauride.domain.petitions import PetitionKind
from tauride.services import petitions
from tauride.services.organizations import get_organization

app = typer.Typer(
    help="Appeals, petitions and delegations to a body: submit, agenda, hear, answer.",
    no_args_is_help=True,
)

ORG = typer.Argument(..., help="The organization's slug.")
PETITION = typer.Argument(..., help="The petition's number (as `petition submit` printed it).")


@app.command("submit")
def submit(
    organization: str = ORG,
    body: str = typer.Argument(..., help="The key of the body it is addressed to."),
    title: str = typer.Option(..., help="Short title: what is asked."),
    text: str = typer.Option("", help="Its text (a delegation may come without one)."),
    kind: PetitionKind = typer.Option(PetitionKind.APPEAL, help="Kind of petition."),
    from_constituency: str | None = typer.Option(
        None, help="The constituency it comes from, by name; signatures count against its size."
    ),
    from_label: str | None = typer.Option(
        None, "--from", help="Or: the group or outside delegation it comes from."
    ),
    signatures: int = typer.Option(0, help="How many signed (a count: no names are taken)."),
) -> None:
    """Receive an appeal, petition or delegation addressed to a body."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        petition = petitions.submit_petition(
            session,
            org,
            body,
            kind=kind,
            title=title,
            text=text,
            from_constituency=from_constituency,
            from_label=from_label,
            signatures=signatures,
            actor=ACTOR,
        )
        data = petitions.petition_state(session, petition.id)
    share = f" ({data['share']} of {data['from']})" if data["share"] is not None else ""
    print(f"petition {data['petition']}: {data['kind']} '{data['title']}' {data['state']}")
    if data["signatures"]:
        print(f"{data['signatures']} signatures{share}")


@app.command("agenda")
def agenda(
    organization: str = ORG,
    petition: int = PETITION,
    sitting: int = typer.Argument(..., help="The sitting's number."),
    item: int | None = typer.Option(
        None, help="Join this agenda item (delegations or resolution) instead of a new one."
    ),
) -> None:
    """Put a petition on a sitting's agenda: an item of its own, or one it joins."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        added = petitions.put_on_agenda(session, org, petition, sitting, item_id=item, actor=ACTOR)
        line = f"petition {petition} on the agenda of sitting {sitting}: item {added.id}"
        line += f" ({added.kind.value}, position {added.position})"
    print(line)


@app.command("hear")
def hear(
    organization: str = ORG,
    petition: int = PETITION,
    speaker: str = typer.Option(..., help="Who speaks for the delegation."),
) -> None:
    """Give the floor to the delegation at its agenda item, which must be under discussion."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        petitions.hear(session, org, petition, speaker=speaker, actor=ACTOR)
        item = petitions.get_petition(session, org, petition).agenda_item_id
    print(f"petition {petition} heard: {' '.join(speaker.split())} has the floor on item {item}")


@app.command("answer")
def answer(
    organization: str = ORG,
    petition: int = PETITION,
    motion: int = typer.Argument(..., help="The body's motion (resolution) that answers it."),
) -> None:
    """Link the resolution that answers a petition; it is answered once the motion is decided."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        petitions.answer(session, org, petition, motion, actor=ACTOR)
        data = petitions.petition_state(session, petition)
    fate = data["answer"]["fate"]
    if fate is None:
        print(f"petition {petition} awaits motion {motion} ({data['answer']['state']})")
    else:
        print(f"petition {petition} answered: motion {motion} {fate}")


def _describe(data: dict[str, Any]) -> list[str]:
    lines = [
        f"petition {data['petition']}: {data['kind']} '{data['title']}' — {data['state']}",
        f"to: {data['body_name']}",
        f"from: {data['from']}",
    ]
    if data["share"] is not None:
        size = data["constituency_size"]
        lines.append(f"signatures: {data['signatures']} of {size} ({data['share']})")
    elif data["signatures"]:
        lines.append(f"signatures: {data['signatures']}")
    if data["agenda"] is not None:
        a = data["agenda"]
        lines.append(f"agenda: sitting {a['sitting']}, item {a['item']} '{a['title']}'")
    if data["answer"] is not None:
        ans = data["answer"]
        lines.append(f"answer: motion {ans['motion']} '{ans['title']}' {ans['state']}")
    if data["text"]:
        lines += ["", data["text"]]
    return lines


@app.command("show")
def show(
    organization: str = ORG,
    petition: int = PETITION,
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Show a petition: whence, signatures and share, its agenda item, the answer."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        petitions.get_petition(session, org, petition)
        data = petitions.petition_state(session, petition)
    if as_json:
        print_json(data)
        return
    print("\n".join(_describe(data)))
