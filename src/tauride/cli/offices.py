"""`tauride office`: offices held by election and recalled by those who elected them — a
body, or a unit for its own officers."""

from __future__ import annotations

import typer

from tauride.cli.context import ACTOR, print_json, unit_of_work
from tauride.services import office_recalls, offices, unit_officers
from tauride.services.organizations import get_organization

app = typer.Typer(
    help="Offices (chair, secretary, presidium, a unit's officers…): list, assign, recall.",
    no_args_is_help=True,
)

ORG = typer.Argument(..., help="The organization's slug.")
OFFICE = typer.Argument(..., help="The office's key in the constitution (chair, secretary…).")


def _holder(value: str) -> offices.Holder:
    """A mandate number, or a person's name."""
    return int(value) if value.strip().isdigit() else value.strip()


@app.command("list")
def list_command(
    organization: str = ORG,
    history: bool = typer.Option(False, "--history", help="Show ended terms too."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Show every office, who elects it and who holds it (a unit's officers with their unit)."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        rows = offices.offices(session, org, history=history)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        places = f"{row['places']} place" + ("s" if row["places"] != 1 else "")
        each = " each" if row["by_units"] else ""
        print(f"{row['office']}: {row['name']} (elected by{each} {row['elected_by']}, {places})")
        if not row["terms"]:
            print("  vacant")
        for t in row["terms"]:
            if t["unit"] is not None:
                span = t["started_at"][:16] + (f" to {t['ended_at'][:16]}" if t["ended_at"] else "")
                print(f"  {t['person']} for {t['unit']}, term {t['term']}: {span}")
                continue
            span = t["started_at"][:16] + (f" to {t['ended_at'][:16]}" if t["ended_at"] else "")
            status = "" if t["mandate_status"] == "active" else f", mandate {t['mandate_status']}"
            print(f"  {t['person']} (mandate {t['mandate']}{status}), term {t['term']}: {span}")


@app.command("assign")
def assign(
    organization: str = ORG,
    office: str = OFFICE,
    holder: str = typer.Argument(..., help="The new holder: mandate number or name."),
    source: str | None = typer.Option(None, help="How it was decided: 'poll 12'."),
) -> None:
    """Give an office to a voting member of the body that elects it (a place must be free)."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        term = offices.fill_office(
            session, org, office, _holder(holder), source=source, actor=ACTOR
        )
        name, number = offices.holder_name(term), term.id
    print(f"{office}: {name} holds the office (term {number})")


@app.command("recall")
def recall(
    organization: str = ORG,
    sitting: int = typer.Argument(..., help="A sitting of the body that elected the office."),
    office: str = OFFICE,
    holder: str = typer.Option(..., help="The holder: mandate number or name."),
    mover: int = typer.Option(..., help="The mover's mandate number."),
    text: str = typer.Option("", help="The motion's text (the grounds)."),
    item: int | None = typer.Option(None, help="The agenda item it is moved under."),
) -> None:
    """Move a motion to recall an office's holder; `motion vote` and `poll close` decide it,
    and when it is carried the term ends."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        motion = office_recalls.move_recall(
            session,
            org,
            sitting,
            office,
            _holder(holder),
            mover_mandate_id=mover,
            text=text,
            agenda_item_id=item,
            actor=ACTOR,
        )
        number, title, state = motion.id, motion.title, motion.state
    print(f"motion {number}: main '{title}' {state}")


@app.command("elect-unit")
def elect_unit(
    organization: str = ORG,
    office: str = OFFICE,
    constituency: str = typer.Argument(..., help="The unit (constituency) that elected them."),
    person: str = typer.Argument(..., help="The officer's name."),
    source: str | None = typer.Option(None, help="How it was decided: 'company meeting'."),
) -> None:
    """Record that a unit elected its officer (an office elected by each unit of a kind)."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        term = unit_officers.elect_unit_officer(
            session, org, office, constituency, person, source=source, actor=ACTOR
        )
        name, number = offices.holder_name(term), term.id
    print(f"{office}: {name} holds the office for {constituency.strip()} (term {number})")


@app.command("recall-unit")
def recall_unit(
    organization: str = ORG,
    term: int = typer.Argument(..., help="The officer's term (see office list)."),
    yes: int = typer.Option(..., "--yes", help="Votes to recall."),
    no: int = typer.Option(..., "--no", help="Votes to keep the officer."),
    abstain: int = typer.Option(0, "--abstain", help="Abstentions."),
) -> None:
    """Decide the unit's ballot on recalling its officer; carried, the term ends."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        carried = unit_officers.recall_unit_officer(
            session, org, term, yes=yes, no=no, abstain=abstain, actor=ACTOR
        )
    outcome = "carried: the term has ended" if carried else "lost: the officer stays"
    print(f"term {term}: recall {outcome} ({yes} to {no}, {abstain} abstaining)")
