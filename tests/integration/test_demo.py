"""The demo: a sitting ready to open, with codes that sign a chair, two delegates and an
observer in, and a quorum reached exactly when both delegates check in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tauride.domain.sittings import SittingState
from tauride.services import accounts, demo, sittings
from tauride.services.examples import example_path, load_folder


def test_demo_sitting_is_ready_and_codes_are_fresh_each_time(session: Session) -> None:
    org = load_folder(session, example_path("petrograd-1917"), actor="test")
    first = demo.prepare(session, org, body_key="plenary", actor="test")
    roles = [person.role for person in first.accounts]
    assert roles == ["chair", "delegate", "delegate", "observer"]
    assert first.quorum_note == "41 of 85 present; quorum 43"
    sitting = sittings.get_sitting(session, org, first.sitting_id)
    assert sitting.state is SittingState.SCHEDULED
    assert next(item.title for item in sittings.agenda(session, sitting.id)).startswith("Report")

    again = demo.prepare(session, org, body_key="plenary", actor="test")
    assert again.sitting_id == first.sitting_id
    assert {p.code for p in again.accounts}.isdisjoint({p.code for p in first.accounts})

    # Each code signs its account in once; the delegates act through their own mandates.
    for person in again.accounts:
        issued = accounts.login_with_code(session, person.code)
        assert issued.account.username == person.username
    delegate = accounts.get_account(session, "delegate1")
    who = accounts.principal(session, delegate, org.id)
    assert len(who.mandates) == 1
    for person in ("delegate1", "delegate2"):
        mandate = next(
            iter(
                accounts.principal(session, accounts.get_account(session, person), org.id).mandates
            )
        )
        sittings.check_in(session, org, sitting.id, mandate, actor="test")
    assert len(sittings.present_rows(session, sitting.id)) == 43
