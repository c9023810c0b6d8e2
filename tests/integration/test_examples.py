"""The bundled examples load, compose their bodies as the constitution says, and verify."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, JournalRecord, Mandate, Organization
from tauride.domain.errors import Conflict
from tauride.domain.journal import verify_chain
from tauride.queries.journal import journal_entries
from tauride.queries.organizations import body_members, organization_summary
from tauride.services.examples import example_names, example_path, load_folder


def _load(session: Session, name: str) -> Organization:
    return load_folder(session, example_path(name), actor="test")


def test_three_examples_are_bundled() -> None:
    assert example_names() == ["petrograd-1917", "st-petersburg-1905", "union-congress"]


@pytest.mark.parametrize("name", ["petrograd-1917", "st-petersburg-1905", "union-congress"])
def test_example_loads_and_its_journal_verifies(session: Session, name: str) -> None:
    org = _load(session, name)
    summary = organization_summary(session, org.slug)
    assert summary.mandates_voting > 0
    result = verify_chain(e.to_dict() for e in journal_entries(session, org.slug))
    assert result.ok, result.reason
    assert result.head_hash == summary.journal_head
    assert result.count == summary.journal_height


def test_petrograd_soldiers_are_over_represented_against_workers(session: Session) -> None:
    org = _load(session, "petrograd-1917")
    kinds = {k.kind: k for k in organization_summary(session, org.slug).kinds}
    workers_per_deputy = kinds["factory"].size / kinds["factory"].seats
    soldiers_per_deputy = kinds["company"].size / kinds["company"].seats
    assert workers_per_deputy > 3 * soldiers_per_deputy


def test_petrograd_plenary_is_both_sections(session: Session) -> None:
    org = _load(session, "petrograd-1917")
    bodies = {b.key: b for b in organization_summary(session, org.slug).bodies}
    assert (
        bodies["plenary"].voting
        == bodies["workers-section"].voting + bodies["soldiers-section"].voting
    )
    assert (bodies["executive"].voting, bodies["executive"].consultative) == (15, 6)


def test_petrograd_small_workshops_elect_through_groups(session: Session) -> None:
    org = _load(session, "petrograd-1917")
    groups = session.scalars(
        select(Constituency).where(Constituency.organization_id == org.id, Constituency.is_group)
    ).all()
    assert groups
    for group in groups:
        members = session.scalars(
            select(Constituency).where(Constituency.grouped_into_id == group.id)
        ).all()
        assert len(members) >= 2
        assert group.size == sum(m.size for m in members)
        assert group.name == " + ".join(m.name for m in members)
        assert all(m.seats == 0 for m in members)


def test_1905_executive_has_22_deputies_and_9_consultative_party_representatives(
    session: Session,
) -> None:
    org = _load(session, "st-petersburg-1905")
    members = body_members(session, org.slug, "executive")
    voting = [m for m in members if not m.consultative]
    consultative = [m for m in members if m.consultative]
    assert len(voting) == 22
    assert len(consultative) == 9
    by_party: dict[str | None, int] = {}
    for m in consultative:
        by_party[m.faction] = by_party.get(m.faction, 0) + 1
    assert by_party == {"mensheviks": 3, "bolsheviks": 3, "srs": 3}
    assert all(m.basis == "consultative" and m.constituency is None for m in consultative)


def test_union_card_vote_weights_add_up_to_the_membership(session: Session) -> None:
    org = _load(session, "union-congress")
    rows = session.execute(
        select(Constituency.size, Mandate.represents, Mandate.consultative)
        .join(Mandate, Mandate.constituency_id == Constituency.id)
        .where(Constituency.organization_id == org.id)
    ).all()
    by_size: dict[int, int] = {}
    for size, represents, consultative in rows:
        if not consultative:
            by_size[size] = by_size.get(size, 0) + represents
    assert all(total == size for size, total in by_size.items())


def test_union_small_branches_send_consultative_delegates_and_tiny_ones_none(
    session: Session,
) -> None:
    org = _load(session, "union-congress")
    branches = session.scalars(
        select(Constituency).where(Constituency.organization_id == org.id)
    ).all()
    for branch in branches:
        if branch.size < 25:
            assert (branch.seats, branch.consultative_seats) == (0, 0)
        elif branch.size < 100:
            assert (branch.seats, branch.consultative_seats) == (0, 1)
        else:
            assert branch.seats >= 1
    congress = body_members(session, org.slug, "congress")
    assert sum(m.consultative for m in congress) == sum(b.consultative_seats for b in branches)


def test_loading_an_example_twice_is_refused(session: Session) -> None:
    _load(session, "st-petersburg-1905")
    height = session.query(JournalRecord).count()
    with pytest.raises(Conflict, match="already in this database"):
        _load(session, "st-petersburg-1905")
    assert session.query(JournalRecord).count() == height
