"""Instructions and report-back digests over HTTP: a constituency meeting instructs its
delegates, the record shows who kept and who breached it, and the constituency hears back
what its delegates did — never what anyone chose in a secret ballot."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select

from tauride.db.engine import build_engine, transaction
from tauride.db.models import Constituency, Constituent, JournalRecord, Mandate
from tauride.db.roll_votes import Instruction
from tauride.domain.sittings import SittingState
from tauride.services import constituencies, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.organizations import get_organization

from .conftest import Site
from .floor import BASE, ORG, Floor, journal

NARVA = "Narva Gate Locomotive Works"
VYBORG = "Vyborg Machine-Building Works"
GIVEN_BY = "general meeting of the works, 10 May"


def open_floor(site: Site, body: str = "workers-section", delegates: int = 2) -> Floor:
    """An open sitting of a body without consultative members, everyone present, and the
    accounts of the chair, teller, secretariat and the first voting members."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            sitting = sittings.schedule_sitting(
                session, org, body, title="Sitting", scheduled_for=None, actor="test"
            )
            sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="test")
            members = current_memberships(session, get_body(session, org.id, body).id)
            voting = [m.mandate_id for m in members if not m.consultative]
            for mandate in voting:
                sittings.check_in(session, org, sitting.id, mandate, actor="test")
            sitting_id = sitting.id
    finally:
        engine.dispose()
    for i, mandate in enumerate(voting[:delegates]):
        site.account(f"d{i}", "delegate", mandate=mandate)
    for role in ("chair", "teller", "secretariat"):
        site.account(role, role)
    return Floor(
        sitting_id,
        voting,
        [],
        site.bearer("chair"),
        site.bearer("teller"),
        site.bearer("secretariat"),
        [site.bearer(f"d{i}") for i in range(delegates)],
        {},
    )


def _narva(site: Site, floor: Floor) -> list[int]:
    """The voting members of the sitting's body who hold Narva's seats, in order."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            ours = set(
                session.scalars(
                    select(Mandate.id)
                    .join(Constituency, Mandate.constituency_id == Constituency.id)
                    .where(Constituency.name == NARVA)
                )
            )
    finally:
        engine.dispose()
    return [m for m in floor.voting if m in ours]


def _constituent(site: Site, username: str, constituency: str) -> dict[str, str]:
    """An account of a constituent on the constituency's roll."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, "petrograd-1917")
            constituencies.import_roll(
                session,
                org,
                f"constituency,roll_number,name\n{constituency},{username},{username.title()}\n",
                source="roll.csv",
                actor="test",
            )
            person = session.scalars(
                select(Constituent.id).where(Constituent.roll_number == username)
            ).one()
    finally:
        engine.dispose()
    return site.bearer(site.account(username, "constituent", constituent=person))


def _motion(site: Site, floor: Floor, **body: Any) -> int:
    """Delegate 0 moves a motion, delegate 1 seconds it, the chair admits it."""
    moved = site.client.post(
        f"{BASE}/sittings/{floor.sitting}/motions",
        json={"title": "Eight-hour day", "mover": floor.voting[0], **body},
        headers=floor.delegates[0],
    )
    assert moved.status_code == 201, moved.text
    motion: int = moved.json()["id"]
    seconded = site.client.post(
        f"{BASE}/motions/{motion}/second",
        json={"mandate": floor.voting[1]},
        headers=floor.delegates[1],
    )
    assert seconded.status_code == 200, seconded.text
    admitted = site.client.post(
        f"{BASE}/motions/{motion}/state", json={"state": "admitted"}, headers=floor.chair
    )
    assert admitted.status_code == 200, admitted.text
    return motion


def _vote(
    site: Site,
    floor: Floor,
    motion: int,
    ballots: list[tuple[int, dict[str, str], str]],
    method: str = "electronic",
) -> int:
    """The chair puts the question, each (mandate, account, choice) votes, the chair closes."""
    opened = site.client.post(
        f"{BASE}/motions/{motion}/vote", json={"method": method}, headers=floor.chair
    )
    assert opened.status_code == 201, opened.text
    poll: int = opened.json()["id"]
    for mandate, headers, choice in ballots:
        cast = site.client.post(
            f"{BASE}/polls/{poll}/ballots",
            json={"mandate": mandate, "choice": choice},
            headers=headers,
        )
        assert cast.status_code == 201, cast.text
    closed = site.client.post(f"{BASE}/polls/{poll}/close", headers=floor.chair)
    assert closed.status_code == 200, closed.text
    return poll


def _give(site: Site, headers: dict[str, str], **body: Any) -> Any:
    return site.client.post(
        f"{BASE}/instructions",
        json={"constituency": NARVA, "choice": "yes", "given_by": GIVEN_BY, **body},
        headers=headers,
    )


def _instructions(site: Site) -> int:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            return session.scalar(select(func.count()).select_from(Instruction)) or 0
    finally:
        engine.dispose()


def _actors(site: Site) -> list[str]:
    """Who the journal says gave each instruction."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            actors = session.scalars(
                select(JournalRecord.actor)
                .where(JournalRecord.kind == "instruction.given")
                .order_by(JournalRecord.height)
            ).all()
    finally:
        engine.dispose()
    return list(actors)


def test_an_instruction_is_given_once_superseded_and_its_breach_shows(site: Site) -> None:
    floor = open_floor(site)
    narva = _narva(site, floor)
    voters = [site.bearer(site.account(f"narva{i}", "delegate", mandate=narva[i])) for i in (0, 1)]
    motion = _motion(site, floor)

    # A constituent of Narva records the meeting's first instruction, in the meeting's name.
    member = _constituent(site, "n-1", NARVA)
    first = _give(site, member, motion=motion, choice="no", text="Not yet.")
    assert first.status_code == 201, first.text
    assert first.json()["superseded_by"] is None
    # The secretariat records a later meeting's; retried with the same key, it is given once.
    headers = {**floor.sec, "Idempotency-Key": "instruct-1"}
    body = {"motion": motion, "text": "Vote for the eight-hour day.", "given_by": "second meeting"}
    second = _give(site, headers, **body)
    again = _give(site, headers, **body)
    assert second.status_code == again.status_code == 201, again.text
    assert second.json() == again.json()
    assert _instructions(site) == 2
    given = second.json()
    assert (given["constituency"], given["motion"], given["matter"], given["choice"]) == (
        NARVA,
        motion,
        None,
        "yes",
    )
    entries = [p for kind, p in journal(site.url) if kind == "instruction.given"]
    assert [(p["instruction"], p["supersedes"]) for p in entries] == [
        (first.json()["id"], None),
        (given["id"], first.json()["id"]),
    ]
    assert _actors(site) == ["constituent", "account:secretariat"]  # no constituent is named

    # Narva's first delegate keeps it, the second breaches it; the rest do not vote.
    poll = _vote(site, floor, motion, [(narva[0], voters[0], "yes"), (narva[1], voters[1], "no")])
    compliance = site.client.get(f"{BASE}/instructions/compliance", params={"constituency": NARVA})
    assert compliance.status_code == 200, compliance.text
    (checked,) = compliance.json()["items"]
    assert (checked["poll"], checked["instruction"], checked["instructed"]) == (
        poll,
        given["id"],
        "yes",
    )
    seen = {d["mandate"]: (d["compliance"], d["choice"]) for d in checked["delegates"]}
    assert seen[narva[0]] == ("kept", "yes")
    assert seen[narva[1]] == ("breached", "no")
    assert seen[narva[2]] == ("absent", None)
    assert set(seen) == set(narva)

    # The breach shows on the delegate's record and on the instruction.
    record = site.client.get(f"{BASE}/mandates/{narva[1]}/record").json()
    assert [(x["poll"], x["compliance"], x["choice"]) for x in record["instructions"]] == [
        (poll, "breached", "no")
    ]
    detail = site.client.get(f"{BASE}/instructions/{given['id']}").json()
    assert [p["poll"] for p in detail["polls"]] == [poll]
    earlier = site.client.get(f"{BASE}/instructions/{first.json()['id']}").json()
    assert (earlier["superseded_by"], earlier["polls"]) == (given["id"], [])

    # Listed in the order given, superseded ones marked, a page at a time.
    listed = site.client.get(f"{BASE}/instructions", params={"constituency": NARVA}).json()
    assert [(i["id"], i["superseded_by"]) for i in listed["items"]] == [
        (first.json()["id"], given["id"]),
        (given["id"], None),
    ]
    page = site.client.get(f"{BASE}/instructions", params={"limit": 1}).json()
    assert [i["id"] for i in page["items"]] == [first.json()["id"]]
    rest = site.client.get(f"{BASE}/instructions", params={"cursor": page["next_cursor"]}).json()
    assert ([i["id"] for i in rest["items"]], rest["next_cursor"]) == ([given["id"]], None)
    on = site.client.get(f"{BASE}/instructions", params={"motion": motion + 1000}).json()
    assert on["items"] == []

    # Once the question was put, it is too late to instruct on it.
    late = _give(site, floor.sec, motion=motion)
    assert late.status_code == 409
    assert late.json()["type"] == "/problems/instruction-too-late"


def test_who_may_instruct_and_what_is_refused(site: Site) -> None:
    floor = open_floor(site)
    motion = _motion(site, floor)
    assert _give(site, {}, motion=motion).status_code == 401
    for who in (floor.delegates[0], floor.chair, floor.teller):
        forbidden = _give(site, who, motion=motion)
        assert forbidden.status_code == 403, forbidden.text
    # A constituent instructs only for their own constituency.
    elsewhere = _give(site, _constituent(site, "v-1", VYBORG), motion=motion)
    assert elsewhere.status_code == 403
    assert "own constituency" in elsewhere.json()["detail"]

    def refused(status: int, kind: str, **body: Any) -> None:
        response = _give(site, floor.sec, **body)
        assert response.status_code == status, response.text
        assert response.json()["type"] == f"/problems/{kind}"

    refused(404, "not-found", motion=motion, constituency="Nowhere Works")
    refused(404, "not-found", motion=motion + 1000)
    refused(404, "not-found", matter="no-such-matter")
    refused(422, "invalid-input", motion=motion, matter="land")  # one or the other
    refused(422, "invalid-input")  # neither
    refused(422, "invalid-input", motion=motion, choice="maybe")
    refused(422, "invalid-input", motion=motion, given_by="")
    # A unit electing through a group instructs through the group.
    refused(422, "invalid-input", motion=motion, constituency="Peterhof Road Tannery")
    assert _instructions(site) == 0

    missing = site.client.get(f"{BASE}/instructions/999999")
    assert (missing.status_code, missing.json()["type"]) == (404, "/problems/not-found")
    unknown = site.client.get(
        f"{BASE}/instructions/compliance", params={"constituency": "Nowhere Works"}
    )
    assert unknown.status_code == 404
    assert site.client.get(f"{BASE}/instructions/compliance").status_code == 422
    assert site.client.get(f"{BASE}/instructions", params={"cursor": "junk"}).status_code == 422


def test_a_matter_instruction_and_the_report_back_digest(site: Site) -> None:
    floor = open_floor(site)
    narva = _narva(site, floor)
    voters = [site.bearer(site.account(f"narva{i}", "delegate", mandate=narva[i])) for i in (0, 1)]
    named = _motion(site, floor, matter="eight-hours")
    on_matter = _give(site, floor.sec, matter="eight-hours")
    assert on_matter.status_code == 201, on_matter.text
    assert (on_matter.json()["motion"], on_matter.json()["matter"]) == (None, "eight-hours")
    named_poll = _vote(
        site, floor, named, [(narva[0], voters[0], "yes"), (narva[1], voters[1], "no")]
    )
    secret = _motion(site, floor, title="Arm the workers")
    assert _give(site, floor.sec, motion=secret, choice="no").status_code == 201
    secret_poll = _vote(
        site,
        floor,
        secret,
        [(narva[0], voters[0], "yes"), (narva[1], voters[1], "no")],
        method="secret",
    )

    listing = site.client.get(f"{BASE}/sittings/{floor.sitting}/digests")
    assert listing.status_code == 200, listing.text
    names = [d["constituency"] for d in listing.json()["items"]]
    assert {NARVA, VYBORG} <= set(names)
    assert names == sorted(names)
    first = site.client.get(f"{BASE}/sittings/{floor.sitting}/digests", params={"limit": 2})
    assert [d["constituency"] for d in first.json()["items"]] == names[:2]
    following = site.client.get(
        f"{BASE}/sittings/{floor.sitting}/digests",
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
    ).json()
    assert [d["constituency"] for d in following["items"]] == names[2:4]

    path = f"{BASE}/sittings/{floor.sitting}/digests/{quote(NARVA)}"
    digest = site.client.get(path)
    assert digest.status_code == 200, digest.text
    found = digest.json()
    assert (found["constituency"], found["sitting"], found["body"]) == (
        NARVA,
        floor.sitting,
        "workers-section",
    )
    assert {d["mandate"] for d in found["delegates"]} == set(narva)
    polls = {p["poll"]: p for p in found["polls"]}
    votes = {v["mandate"]: v for v in polls[named_poll]["votes"]}
    assert (votes[narva[1]]["vote"], votes[narva[1]]["choice"]) == ("no", "no")
    lines = {d["mandate"]: d for d in polls[named_poll]["instruction"]["delegates"]}
    assert lines[narva[1]]["compliance"] == "breached"
    # A secret ballot shows that they voted, never what they chose.
    hidden = {v["mandate"]: v for v in polls[secret_poll]["votes"]}
    assert (hidden[narva[1]]["vote"], hidden[narva[1]]["choice"]) == ("voted", None)
    kept = {d["mandate"]: d for d in polls[secret_poll]["instruction"]["delegates"]}
    assert (kept[narva[1]]["compliance"], kept[narva[1]]["choice"]) == ("secret", None)

    md = site.client.get(path, params={"format": "md"})
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith(f"# Report-back to {NARVA}")
    txt = site.client.get(path, params={"format": "txt"})
    assert txt.headers["content-type"].startswith("text/plain")
    assert "Eight-hour day" in txt.text
    page = site.client.get(path, params={"format": "html"})
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.startswith("<!DOCTYPE html>")
    policy = page.headers["content-security-policy"]
    assert "style-src 'sha256-" in policy
    assert "script-src" not in policy
    assert site.client.get(path, params={"format": "pdf"}).status_code == 422
    for missing in (
        f"{BASE}/sittings/{floor.sitting}/digests/{quote('Nowhere Works')}",
        f"{BASE}/sittings/99999/digests/{quote(NARVA)}",
        f"{BASE}/sittings/99999/digests",
    ):
        response = site.client.get(missing)
        assert (response.status_code, response.json()["type"]) == (404, "/problems/not-found")
