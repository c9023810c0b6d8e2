"""Recall over HTTP: a constituent opens and signs for themselves, the secretariat enters
paper signatures, and the ballot is decided by tellers' counts or by a roll vote with codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from tauride.db.accounts import IdempotencyRecord
from tauride.db.engine import build_engine, transaction
from tauride.db.models import Constituency, Constituent, Mandate, MandateStatus
from tauride.db.petitions import Recall
from tauride.domain.merkle import verify_inclusion
from tauride.queries.journal import journal_entries
from tauride.services import constituencies
from tauride.services.organizations import get_organization

from .conftest import Site

ORG = "petrograd-1917"
BASE = f"/api/v1/organizations/{ORG}"
RECALLS = f"{BASE}/recalls"
VOTES = f"{BASE}/roll-votes"
COMPANY = "Pavlovsky Regiment, 1st Company"  # 150 soldiers: 75 signatures recall its deputy
OTHER = "Pavlovsky Regiment, 2nd Company"
# Three small workshops of the Vyborg precinct elect one deputy together.
PRECINCT = "Sampsonievsky Joinery Workshop + Lesnoy Prospect Foundry + Vyborg Repair Shops"


def roll_csv(unit: str, prefix: str, count: int) -> str:
    lines = [f'"{unit}",{prefix}-{i:04d},Soldier {prefix} {i:04d}' for i in range(1, count + 1)]
    return "constituency,roll_number,name\n" + "\n".join(lines) + "\n"


def numbers(prefix: str, first: int, last: int) -> list[str]:
    return [f"{prefix}-{i:04d}" for i in range(first, last + 1)]


@dataclass
class Scene:
    """A company's deputy, its roll, and the people who act on a recall."""

    mandate: int
    sec: dict[str, str]
    chair: dict[str, str]
    deputy: dict[str, str]
    soldier: dict[str, str]  # P-0001, on the roll of the deputy's company
    stranger: dict[str, str]  # Q-0001, on the roll of another company


def scene(site: Site, roll: int = 80) -> Scene:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            for text in (roll_csv(COMPANY, "P", roll), roll_csv(OTHER, "Q", 5)):
                constituencies.import_roll(session, org, text, source="roll.csv", actor="test")
            mandate = session.scalars(
                select(Mandate.id)
                .join(Constituency, Mandate.constituency_id == Constituency.id)
                .where(Constituency.name == COMPANY, Mandate.status == MandateStatus.ACTIVE)
            ).one()
            soldier, stranger = (
                session.scalars(select(Constituent.id).where(Constituent.roll_number == n)).one()
                for n in ("P-0001", "Q-0001")
            )
    finally:
        engine.dispose()
    site.account("secretariat", "secretariat")
    site.account("chair", "chair")
    site.account("deputy", "delegate", mandate=mandate)
    site.account("soldier", "constituent", constituent=soldier)
    site.account("stranger", "constituent", constituent=stranger)
    names = ("secretariat", "chair", "deputy", "soldier", "stranger")
    return Scene(mandate, *(site.bearer(n) for n in names))


def open_recall(site: Site, s: Scene, who: dict[str, str] | None = None) -> dict[str, Any]:
    response = site.client.post(RECALLS, json={"mandate": s.mandate}, headers=who or s.soldier)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def to_threshold(site: Site, s: Scene) -> dict[str, Any]:
    """Open a petition, the soldier signs it, the secretariat enters 74 paper signatures."""
    recall = open_recall(site, s)["id"]
    assert site.client.post(f"{RECALLS}/{recall}/signatures", headers=s.soldier).status_code == 201
    paper = {"roll_numbers": numbers("P", 2, 75)}
    response = site.client.post(f"{RECALLS}/{recall}/paper-signatures", json=paper, headers=s.sec)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    assert (result["count"], result["state"]) == (75, "ballot")
    return result


def _count(url: str, model: Any) -> int:
    engine = build_engine(url)
    try:
        with transaction(engine) as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def test_a_constituent_opens_and_signs_a_recall_of_their_own_deputy_only(site: Site) -> None:
    s = scene(site)
    body = {"mandate": s.mandate}
    assert site.client.post(RECALLS, json=body).status_code == 401
    assert site.client.post(RECALLS, json=body, headers=s.deputy).status_code == 403
    foreign = site.client.post(RECALLS, json=body, headers=s.stranger)
    assert foreign.status_code == 403
    assert foreign.json()["type"] == "/problems/forbidden"
    headers = {**s.soldier, "Idempotency-Key": "recall-danilov"}
    first = site.client.post(RECALLS, json=body, headers=headers)
    again = site.client.post(RECALLS, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert _count(site.url, Recall) == 1
    recall = first.json()
    assert (recall["state"], recall["constituency"], recall["size"]) == ("open", COMPANY, 150)
    assert (recall["needed"], recall["count"], recall["roll"], recall["vote"]) == (75, 0, 80, None)
    twice = site.client.post(RECALLS, json=body, headers=s.sec)
    assert twice.status_code == 409
    unknown = site.client.post(RECALLS, json={"mandate": 9999}, headers=s.sec)
    assert unknown.status_code == 404

    sign = f"{RECALLS}/{recall['id']}/signatures"
    signed = site.client.post(sign, headers={**s.soldier, "Idempotency-Key": "sig"})
    assert signed.status_code == 201, signed.text
    assert signed.json()["count"] == 1
    retried = site.client.post(sign, headers={**s.soldier, "Idempotency-Key": "sig"})
    assert retried.json() == signed.json()
    double = site.client.post(sign, headers=s.soldier)
    assert double.status_code == 409
    assert double.json()["type"] == "/problems/double-signature"
    other = site.client.post(sign, headers=s.stranger)
    assert other.status_code == 403
    assert other.json()["type"] == "/problems/forbidden"
    assert site.client.post(sign, headers=s.sec).status_code == 403
    assert site.client.post(sign).status_code == 401
    shown = site.client.get(f"{RECALLS}/{recall['id']}")
    assert shown.status_code == 200  # recall.read: everyone
    assert shown.json()["count"] == 1
    listed = site.client.get(RECALLS, params={"state": "open"}).json()
    assert [r["id"] for r in listed["items"]] == [recall["id"]]
    assert site.client.get(RECALLS, params={"state": "carried"}).json()["items"] == []
    assert site.client.get(f"{RECALLS}/999").status_code == 404
    # The journal counts signatures and names no signer, nor the account that signed.
    recall_entries = [e.to_dict() for e in _entries(site) if e.kind.startswith("recall.")]
    assert [e["kind"] for e in recall_entries] == ["recall.opened", "recall.signed"]
    assert {e["actor"] for e in recall_entries} == {"constituent"}
    assert "P-0001" not in str(recall_entries)
    assert "soldier" not in str(recall_entries).lower()


def _entries(site: Site) -> list[Any]:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            return list(journal_entries(session, ORG))
    finally:
        engine.dispose()


def test_paper_signatures_are_all_or_none_and_tellers_decide_the_ballot(site: Site) -> None:
    s = scene(site)
    recall = open_recall(site, s)["id"]
    site.client.post(f"{RECALLS}/{recall}/signatures", headers=s.soldier)
    paper = f"{RECALLS}/{recall}/paper-signatures"
    for who in (s.soldier, s.chair, s.deputy):
        refused = site.client.post(paper, json={"roll_numbers": ["P-0002"]}, headers=who)
        assert refused.status_code == 403
    mixed = site.client.post(paper, json={"roll_numbers": ["P-0002", "P-0001"]}, headers=s.sec)
    assert mixed.status_code == 409
    assert mixed.json()["type"] == "/problems/double-signature"
    assert any("P-0001" in e for e in mixed.json()["errors"])
    stranger = site.client.post(paper, json={"roll_numbers": ["Q-0001"]}, headers=s.sec)
    assert stranger.status_code == 409
    assert stranger.json()["type"] == "/problems/not-on-roll"
    assert site.client.get(f"{RECALLS}/{recall}").json()["count"] == 1  # nothing recorded
    body = {"roll_numbers": numbers("P", 2, 75)}
    headers = {**s.sec, "Idempotency-Key": "paper-1"}
    entered = site.client.post(paper, json=body, headers=headers)
    assert entered.status_code == 201, entered.text
    assert (entered.json()["count"], entered.json()["state"]) == (75, "ballot")
    assert site.client.post(paper, json=body, headers=headers).json() == entered.json()
    closed = site.client.post(paper, json={"roll_numbers": ["P-0076"]}, headers=s.sec)
    assert closed.status_code == 409
    assert closed.json()["type"] == "/problems/petition-closed"

    ballot = f"{RECALLS}/{recall}/ballot"
    counts = {"yes": 90, "no": 30, "abstain": 5}
    assert site.client.post(ballot, json=counts, headers=s.chair).status_code == 403
    assert site.client.post(ballot, json=counts).status_code == 401
    too_many = site.client.post(ballot, json={"yes": 151, "no": 0}, headers=s.sec)
    assert too_many.status_code == 422
    decided = site.client.post(ballot, json=counts, headers=s.sec)
    assert decided.status_code == 200, decided.text
    result = decided.json()
    assert (result["state"], result["mandate_status"]) == ("carried", "recalled")
    assert result["ballot"] == counts
    assert result["decided_at"] is not None
    assert site.client.post(ballot, json=counts, headers=s.sec).status_code == 409


def open_vote_and_issue_codes(
    site: Site, s: Scene, recall: int
) -> tuple[str, list[dict[str, str]]]:
    """Put a recall at its threshold to a roll vote and issue its codes: (url, code sheet)."""
    body = {"recall": recall}
    assert site.client.post(f"{VOTES}/recalls", json=body, headers=s.chair).status_code == 403
    opened = site.client.post(f"{VOTES}/recalls", json=body, headers=s.sec)
    assert opened.status_code == 201, opened.text
    vote = opened.json()
    assert (vote["kind"], vote["recall"], vote["state"], vote["options"]) == (
        "recall",
        recall,
        "open",
        ["yes", "no", "abstain"],
    )
    url = f"{VOTES}/{vote['id']}"
    assert site.client.get(f"{RECALLS}/{recall}").json()["vote"] == vote["id"]
    tellers = site.client.post(
        f"{RECALLS}/{recall}/ballot", json={"yes": 1, "no": 0}, headers=s.sec
    )
    assert tellers.status_code == 409  # the roll vote decides it now
    keyed = site.client.post(f"{url}/codes", headers={**s.sec, "Idempotency-Key": "codes"})
    assert keyed.status_code == 422  # the sheet is never stored, so never replayed
    assert site.client.post(f"{url}/codes", headers=s.chair).status_code == 403
    issued = site.client.post(f"{url}/codes", headers=s.sec)
    assert issued.status_code == 201, issued.text
    assert issued.headers["cache-control"] == "no-store"
    sheet = issued.json()["codes"]
    assert len(sheet) == 80
    assert sheet[0]["roll_number"] == "P-0001"
    assert {line["constituency"] for line in sheet} == {COMPANY}
    again = site.client.post(f"{url}/codes", headers=s.sec)
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/codes-issued"
    return url, sheet


def _refused_casts(site: Site, ballots: str, fresh: str) -> None:
    """A malformed code, an unknown one, and a ranking in a recall are refused."""
    malformed = site.client.post(ballots, json={"code": "not a code", "choice": "yes"})
    assert (malformed.status_code, malformed.json()["type"]) == (422, "/problems/malformed-code")
    unknown = site.client.post(ballots, json={"code": "0000-0000-0000-0000", "choice": "yes"})
    assert (unknown.status_code, unknown.json()["type"]) == (404, "/problems/unknown-code")
    ranked = site.client.post(ballots, json={"code": fresh, "ranking": ["yes"]})
    assert (ranked.status_code, ranked.json()["type"]) == (422, "/problems/bad-choice")


def test_a_recall_is_carried_by_votes_cast_with_codes(site: Site) -> None:
    s = scene(site)
    recall = to_threshold(site, s)["id"]
    url, sheet = open_vote_and_issue_codes(site, s, recall)

    ballots = f"{url}/ballots"
    first = {"code": sheet[0]["code"], "choice": "yes"}
    cast = site.client.post(ballots, json=first, headers={"Idempotency-Key": "my-vote"})
    assert cast.status_code == 201, cast.text
    assert set(cast.json()) == {"receipt"}
    replay = site.client.post(ballots, json=first, headers={"Idempotency-Key": "my-vote"})
    assert replay.json() == cast.json()
    used = site.client.post(ballots, json=first)
    assert used.status_code == 409
    assert used.json()["type"] == "/problems/code-used"
    for line, choice in zip(sheet[1:4], ["yes", "YES ", "no"], strict=True):
        # Logged in or not, a code casts the same: the code is the credential.
        typed = line["code"].lower().replace("-", " ")
        response = site.client.post(ballots, json={"code": typed, "choice": choice})
        assert response.status_code == 201, response.text
    logged_in = site.client.post(
        ballots, json={"code": sheet[4]["code"], "choice": "abstain"}, headers=s.deputy
    )
    assert logged_in.status_code == 201
    _refused_casts(site, ballots, sheet[5]["code"])
    during = site.client.get(url).json()
    assert (during["codes_issued"], during["codes_used"], during["result"]) == (80, 5, None)

    assert site.client.post(f"{url}/close", headers=s.chair).status_code == 403
    closed = site.client.post(f"{url}/close", headers=s.sec)
    assert closed.status_code == 200, closed.text
    result = closed.json()
    assert result["state"] == "closed"
    assert result["ballots"] == 5
    assert result["result"]["counts"] == {"yes": 3, "no": 1, "abstain": 1}
    assert result["result"]["carried"] is True
    assert site.client.get(url).json() == result
    standing = site.client.get(f"{RECALLS}/{recall}").json()
    assert (standing["state"], standing["mandate_status"]) == ("carried", "recalled")
    assert standing["ballot"] == {"yes": 3, "no": 1, "abstain": 1}
    late = site.client.post(ballots, json={"code": sheet[6]["code"], "choice": "no"})
    assert (late.status_code, late.json()["type"]) == (409, "/problems/vote-closed")

    proof = site.client.get(f"{url}/proof", params={"receipt": cast.json()["receipt"]})
    assert proof.status_code == 200, proof.text
    p = proof.json()
    assert p["choice"] == "yes"
    assert verify_inclusion(
        p["leaf"].encode(),
        p["index"],
        p["tree_size"],
        [bytes.fromhex(h) for h in p["proof"]],
        bytes.fromhex(result["merkle_root"]),
    )
    assert site.client.get(f"{url}/proof", params={"receipt": "0" * 32}).status_code == 404
    _check_nothing_links_a_code_to_its_ballot(site, cast.json()["receipt"], sheet)


def _check_nothing_links_a_code_to_its_ballot(
    site: Site, receipt: str, sheet: list[dict[str, str]]
) -> None:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            records = list(
                session.scalars(
                    select(IdempotencyRecord).where(IdempotencyRecord.path.contains("/ballots"))
                )
            )
            text = repr([e.to_dict() for e in journal_entries(session, ORG)])
    finally:
        engine.dispose()
    assert [r.account_id for r in records] == [0]  # the cast names no account
    assert receipt not in str(records[0].body)  # and keeps its receipt masked
    assert receipt not in text
    assert "Soldier P" not in text
    assert not any(line["code"] in text or line["roll_number"] in text for line in sheet)


def test_a_constituent_of_a_small_workshop_signs_for_its_precinct(site: Site) -> None:
    workshop, other = "Lesnoy Prospect Foundry", "Vyborg Repair Shops"
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            for text in (roll_csv(workshop, "L", 3), roll_csv(other, "R", 3)):
                constituencies.import_roll(session, org, text, source="roll.csv", actor="test")
            mandate = session.scalars(
                select(Mandate.id)
                .join(Constituency, Mandate.constituency_id == Constituency.id)
                .where(Constituency.name == PRECINCT)
            ).one()
            worker = session.scalars(
                select(Constituent.id).where(Constituent.roll_number == "L-0002")
            ).one()
    finally:
        engine.dispose()
    site.account("secretariat", "secretariat")
    site.account("worker", "constituent", constituent=worker)
    sec, me = site.bearer("secretariat"), site.bearer("worker")
    recall = site.client.post(RECALLS, json={"mandate": mandate}, headers=me).json()
    assert recall["constituency"] == PRECINCT
    assert workshop in recall["units"]
    signed = site.client.post(f"{RECALLS}/{recall['id']}/signatures", headers=me)
    assert signed.status_code == 201, signed.text
    assert signed.json()["count"] == 1
    paper = f"{RECALLS}/{recall['id']}/paper-signatures"
    unnamed = site.client.post(paper, json={"roll_numbers": ["R-0001"]}, headers=sec)
    assert unnamed.status_code == 422  # a group's units number their rolls apart
    named = site.client.post(paper, json={"roll_numbers": ["R-0001"], "unit": other}, headers=sec)
    assert named.json()["count"] == 2
