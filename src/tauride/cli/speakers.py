"""`tauride speakers`: the speakers' list of an agenda item, run by the chair or secretariat."""

from __future__ import annotations

import datetime as dt
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from tauride.cli.context import ACTOR, print_json, unit_of_work
from tauride.domain.speakers import RequestKind, Side
from tauride.services import speakers
from tauride.services.organizations import get_organization
from tauride.services.sittings import get_sitting
from tauride.services.speakers_list import speakers_state

app = typer.Typer(
    help="Speakers' list of an agenda item: requests, calls, guests, the queue.",
    no_args_is_help=True,
)

ORG = typer.Argument(..., help="The organization's slug.")
ITEM = typer.Argument(..., help="The agenda item's number (as `sitting add-item` printed it).")
MANDATE = typer.Argument(..., help="The speaker's mandate number (see `org members`).")
POINT_OF_ORDER = typer.Option(False, "--point-of-order", help="A point of order, not a speech.")


def _clock(seconds: int | None) -> str:
    return "no limit" if seconds is None else f"limit {seconds // 60}:{seconds % 60:02d}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _kind(point_of_order: bool) -> RequestKind:
    return RequestKind.POINT_OF_ORDER if point_of_order else RequestKind.SPEECH


def _turn(turn: dict[str, Any]) -> str:
    """One speaker in words: who, for which side or what kind of turn."""
    who = turn["person"] if turn.get("guest") else f"{turn['person']} (mandate {turn['mandate']})"
    if turn.get("guest"):
        what = "guest of the body"
    elif turn["kind"] == RequestKind.POINT_OF_ORDER:
        what = "point of order"
    else:
        what = turn["side"]
    return f"{who}, {what}"


@app.command("request")
def request(
    organization: str = ORG,
    item: int = ITEM,
    mandate: int = MANDATE,
    side: Side = typer.Option(Side.NEUTRAL, help="For or against the question, or neither."),
    point_of_order: bool = POINT_OF_ORDER,
) -> None:
    """A member asks for the floor on the item under discussion."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        row = speakers.request_floor(
            session, org, item, mandate, side=side, kind=_kind(point_of_order), actor=ACTOR
        )
        state = speakers_state(session, item)
    turn = next(t for t in state["queue"] if t["request"] == row.id)
    print(f"{_turn(turn)}: {_ordinal(turn['position'])} in the queue")


@app.command("withdraw")
def withdraw(
    organization: str = ORG,
    item: int = ITEM,
    mandate: int = MANDATE,
    point_of_order: bool = POINT_OF_ORDER,
) -> None:
    """A member withdraws a waiting request (a speech, or with --point-of-order one)."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        speakers.withdraw_request(
            session, org, item, mandate, kind=_kind(point_of_order), actor=ACTOR
        )
    print(f"mandate {mandate} withdrew the request")


def _now_speaking(state: dict[str, Any]) -> str:
    current = state["current"]
    if current is None:
        return "nobody has the floor"
    return f"now speaking: {_turn(current)}, {_clock(current['time_limit_s'])}"


@app.command("next")
def call_next(organization: str = ORG, item: int = ITEM) -> None:
    """End the running speech and give the floor to the next speaker by the rules."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        speakers.call_next(session, org, item, actor=ACTOR)
        state = speakers_state(session, item)
    print(_now_speaking(state) if state["current"] else "nobody waits: the floor is free")


@app.command("end")
def end(organization: str = ORG, item: int = ITEM) -> None:
    """End the running speech without calling anyone."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        row = speakers.end_speech(session, org, item, actor=ACTOR)
    print(f"speech ended: {row.guest or f'mandate {row.mandate_id}'}")


@app.command("close")
def close(organization: str = ORG, item: int = ITEM) -> None:
    """Close the list: those waiting still speak, nobody new may ask for a speech."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        speakers.close_list(session, org, item, actor=ACTOR)
        waiting = len(speakers_state(session, item)["queue"])
    print(f"speakers' list closed; {waiting} still to speak")


@app.command("guest")
def guest(
    organization: str = ORG,
    item: int = ITEM,
    name: str = typer.Argument(..., help="Who is heard, e.g. 'Delegation from the front'."),
) -> None:
    """Give the floor to a guest of the body (a delegation), who holds no mandate."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        speakers.hear_guest(session, org, item, name, actor=ACTOR)
        state = speakers_state(session, item)
    print(_now_speaking(state))


def print_state(state: dict[str, Any]) -> None:
    """Print the floor and the queue of one item."""
    console = Console()
    mark = "closed" if state["closed"] else "open"
    console.print(f"[bold]{state['title']}[/bold] — item {state['item']}, list {mark}")
    current = state["current"]
    if current is None:
        console.print("nobody has the floor")
    else:
        since = dt.datetime.fromisoformat(current["started_at"]).strftime("%H:%M:%S UTC")
        console.print(f"{_now_speaking(state)}, since {since}")
    table = Table(title=f"Queue: {len(state['queue'])} waiting")
    for column in ("#", "mandate", "person", "side", "kind", "first", "limit"):
        table.add_column(column)
    for turn in state["queue"]:
        table.add_row(
            str(turn["position"]),
            str(turn["mandate"]),
            turn["person"] or "",
            turn["side"],
            turn["kind"],
            "yes" if turn["first"] else "no",
            _clock(turn["time_limit_s"]).removeprefix("limit "),
        )
    console.print(table)


@app.command("show")
def show(
    organization: str = ORG,
    item: int = ITEM,
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Show who has the floor, since when and until when, and the queue in order."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        state = speakers_state(session, item)
        get_sitting(session, org, state["sitting"])  # the item must be this organization's
    if as_json:
        print_json(state)
    else:
        print_state(state)
