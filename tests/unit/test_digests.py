"""Instructions judged and digests decided from a hand-built journal chain, and how they
are written: no database, only the chain."""

from __future__ import annotations

import datetime as dt

from tauride.domain.digests import (
    Digest,
    Seat,
    build_digest,
    digest_html,
    digest_markdown,
    digest_text,
)
from tauride.domain.documents import Footer, Heading, Items, Para, Quote, Table
from tauride.domain.instructions import (
    Compliance,
    constituency_instructions,
    delegate_instructions,
    fold_instructions,
)
from tauride.domain.journal import JournalEntry, next_entry
from tauride.domain.minutes import minutes_of
from tauride.domain.report_render import record_instructions_markdown, report_markdown, to_text
from tauride.domain.voting_record import instructed_record

START = dt.datetime(1917, 6, 3, 18, 0, tzinfo=dt.UTC)
NEVA = "Neva Works"
RULE = {
    "threshold": "more-than-half",
    "base": "cast",
    "weighted": False,
    "tie": "lost",
    "quorum": "1/2",
    "members": 5,
    "member_weight": 5,
    "present": 5,
    "present_weight": 5,
}
# Cy Young (3) is away; Dee Alt (4), his alternate, votes in his seat. Gil Orr (7) came in
# at a by-election; Fay Ruth (6) sits for another works.
ELECTORATE = [[1, 1, 1], [2, 2, 1], [4, 3, 1], [6, 6, 1], [7, 7, 1]]


def _mandate(mandate: int, person: str, where: str = NEVA, **extra: object) -> dict[str, object]:
    return {
        "mandate": mandate,
        "person": person,
        "constituency": where,
        "faction": None,
        "consultative": False,
        "alternate_for": None,
    } | extra


def _instruction(number: int, **about: object) -> tuple[str, dict[str, object]]:
    payload: dict[str, object] = {
        "instruction": number,
        "constituency": NEVA,
        "motion": None,
        "matter": None,
        "text": "",
        "given_by": f"meeting {number}",
    }
    return "instruction.given", payload | about


def _motion(number: int, title: str, matter: str | None = None) -> tuple[str, dict[str, object]]:
    payload = {
        "motion": number,
        "state": "submitted",
        "kind": "main",
        "title": title,
        "text": f"{title}.",
        "target": None,
        "mover": 1,
        "mover_label": None,
        "matter": matter,
        "sitting": 1,
    }
    return "motion.moved", payload


def _opened(
    poll: int, method: str, motion: int | None, kind: str = "question"
) -> dict[str, object]:
    options = ["Ben Tillett", "Fay Ruth"] if kind == "election" else ["yes", "no", "abstain"]
    return {
        "poll": poll,
        "sitting": 1,
        "body": "plenary",
        "motion": motion,
        "question": f"Question {poll}",
        "method": method,
        "kind": kind,
        "options": options,
        "rule": RULE,
        "electorate": ELECTORATE,
    }


def _closed(poll: int, method: str, carried: bool, **extra: object) -> dict[str, object]:
    return {
        "poll": poll,
        "method": method,
        "counts": {"yes": 3, "no": 1, "abstain": 0},
        "weighted_counts": None,
        "outcome": {
            "carried": carried,
            "figure": "3 to 1 (75.0%)",
            "reason": "",
            "casting_vote": None,
        },
        "ballots": 4,
        "merkle_root": "ab" * 32,
    } | extra


ACTS: list[tuple[str, dict[str, object]]] = [
    ("organization.founded", {"slug": "neva", "name": "Neva Council"}),
    (
        "mandates.created",
        {
            "source": "delegates.csv",
            "mandates": [
                _mandate(1, "Ada Byron"),
                _mandate(2, "Ben Tillett"),
                _mandate(3, "Cy Young"),
                _mandate(4, "Dee Alt", alternate_for=3),
                _mandate(6, "Fay Ruth", "Obukhov Works"),
            ],
        },
    ),
    ("constituency.elected", {"constituency": NEVA, "elected": [[7, "Gil Orr"]]}),
    ("sitting.scheduled", {"sitting": 1, "body": "plenary", "number": 4, "title": "Wages"}),
    ("sitting.opened", {"sitting": 1}),
    *(
        ("attendance.checked_in", {"sitting": 1, "mandate": m, "person": p, "for_mandate": f})
        for m, p, f in [
            (1, "Ada Byron", None),
            (2, "Ben Tillett", None),
            (4, "Dee Alt", 3),
            (6, "Fay Ruth", None),
            (7, "Gil Orr", None),
        ]
    ),
    _instruction(1, motion=1, choice="yes"),
    _instruction(2, matter="wages", choice="no"),
    _motion(1, "Raise wages", "wages"),
    _instruction(3, motion=1, choice="no"),
    ("poll.opened", _opened(1, "roll-call", 1)),
    _instruction(4, motion=1, choice="abstain"),  # after the question was put
    (
        "poll.closed",
        _closed(
            1,
            "roll-call",
            True,
            participants=[1, 2, 4, 6],
            votes=[[1, "no"], [2, "yes"], [4, "yes"], [6, "yes"]],
        ),
    ),
    (
        "motion.decided",
        {"motion": 1, "state": "carried", "poll": 1, "carried": True, "figure": "3 to 1 (75.0%)"},
    ),
    _motion(2, "Wages by law", "wages"),
    ("poll.opened", _opened(2, "secret", 2)),
    ("poll.closed", _closed(2, "secret", False, participants=[1, 2])),
    (
        "motion.decided",
        {"motion": 2, "state": "lost", "poll": 2, "carried": False, "figure": "3 to 1 (75.0%)"},
    ),
    _motion(3, "Thank the dockers"),
    ("poll.opened", _opened(3, "show-of-hands", 3)),
    ("poll.closed", _closed(3, "show-of-hands", True, participants=[])),
    ("motion.decided", {"motion": 3, "state": "carried", "poll": 3, "carried": True}),
    ("poll.opened", _opened(4, "secret", None, "election")),
    (
        "election.counted",
        {"poll": 4, "participants": [1, 2, 6], "elected": [[2, "Ben Tillett"]], "ballots": 3},
    ),
    ("sitting.closed", {"sitting": 1}),
]


def chain() -> list[JournalEntry]:
    entries: list[JournalEntry] = []
    for minute, (kind, payload) in enumerate(ACTS):
        at = START + dt.timedelta(minutes=minute)
        entries.append(
            next_entry(
                entries[-1] if entries else None, at=at, actor="t", kind=kind, payload=payload
            )
        )
    return entries


def test_instructions_supersede_and_the_one_before_the_poll_counts() -> None:
    report = constituency_instructions(fold_instructions(chain()), NEVA, {1: {1, 2, 3, 7, 8}})
    assert [(i.instruction, i.superseded_by) for i in report.instructions] == [
        (1, 3),
        (2, None),
        (3, 4),
        (4, None),
    ]
    assert [(p.poll, p.instruction, p.instructed) for p in report.polls] == [
        (1, 3, "no"),
        (2, 2, "no"),
    ]
    first, second = report.polls
    assert [(d.mandate, d.compliance, d.choice, d.seat_of) for d in first.delegates] == [
        (1, Compliance.KEPT, "no", None),
        (2, Compliance.BREACHED, "yes", None),
        (4, Compliance.BREACHED, "yes", "Cy Young"),
        (7, Compliance.ABSENT, None, None),
        (8, Compliance.ABSENT, None, None),  # sat in the body, was not there
    ]
    assert {d.mandate: d.compliance for d in second.delegates} == {
        1: Compliance.SECRET,
        2: Compliance.SECRET,
        4: Compliance.ABSENT,
        7: Compliance.ABSENT,
    }
    assert report.breaches == 2
    assert constituency_instructions(fold_instructions(chain()), "Obukhov Works").polls == ()


def test_a_delegates_record_shows_the_instructions_of_their_constituency() -> None:
    record, lines = instructed_record(chain(), 2)
    assert record.delegate.name == "Ben Tillett"
    assert [(x.poll, x.instructed, x.compliance) for x in lines] == [
        (1, "no", Compliance.BREACHED),
        (2, "no", Compliance.SECRET),
    ]
    assert delegate_instructions(fold_instructions(chain()), 6) == ()
    assert [x.compliance for x in delegate_instructions(fold_instructions(chain()), 7)] == [
        Compliance.ABSENT,
        Compliance.ABSENT,
    ]
    markdown = record_instructions_markdown(lines)
    assert markdown.startswith(
        "## Instructions of Neva Works\n\nInstructed on 2 poll(s); breached in 1."
    )
    assert "| 1 | motion 1: Question 1 | no (meeting 3) | yes | breached |" in markdown
    assert record_instructions_markdown(()) == ""


def _digest() -> Digest:
    entries = chain()
    seats = [
        Seat(1, "Ada Byron"),
        Seat(2, "Ben Tillett", faction="left"),
        Seat(3, "Cy Young"),
        Seat(4, "Dee Alt"),
        Seat(5, "Eve Party", consultative=True),
        Seat(7, "Gil Orr"),
    ]
    return build_digest(
        minutes_of(entries, 1),
        fold_instructions(entries),
        NEVA,
        seats,
        units=["Neva Works, shop 1", "Neva Works, shop 2"],
        body_name="Plenary",
        members_at={1: {1, 2, 3, 7}, 2: {1, 2, 3, 7}},
    )


def test_the_digest_tells_each_delegates_vote_as_far_as_the_record_shows() -> None:
    d = _digest()
    assert (d.number, d.body_name, d.state) == (4, "Plenary", "closed")
    assert [(x.motion, x.state, x.poll) for x in d.decisions] == [
        (1, "carried", 1),
        (2, "lost", 2),
        (3, "carried", 3),
    ]
    votes = {p.poll: {v.mandate: v.vote for v in p.votes} for p in d.polls}
    assert votes[1] == {
        1: "no",
        2: "yes",
        3: "represented by Dee Alt",
        4: "yes (in the seat of Cy Young)",
        5: "no vote (consultative)",
        7: "did not vote",
    }
    assert votes[2][1] == "voted"
    assert votes[2][4] == "did not vote"
    assert set(votes[3].values()) - {"represented by Dee Alt", "no vote (consultative)"} == {
        "not recorded individually"
    }
    assert votes[4][2] == "voted"
    assert votes[4][7] == "did not vote"
    assert d.polls[3].elected == ("Ben Tillett",)
    assert [p.instruction is not None for p in d.polls] == [True, True, False, False]
    assert (d.compliance(Compliance.KEPT), d.compliance(Compliance.BREACHED)) == (1, 2)
    present = {x.mandate: bool(x.present) for x in d.delegates}
    assert present == {1: True, 2: True, 3: False, 4: True, 5: False, 7: True}
    assert next(x for x in d.delegates if x.mandate == 4).seat_of == "Cy Young"


def test_the_digest_is_written_as_markdown_text_and_html() -> None:
    d = _digest()
    markdown = digest_markdown(d)
    assert markdown.startswith(
        "# Report-back to Neva Works\n\nNeva Council: Plenary, sitting no. 4, Wages; "
        "opened 1917-06-03 18:04 UTC, closed 1917-06-03 18:"
    )
    assert "(units: Neva Works, shop 1, Neva Works, shop 2)" in markdown
    assert "- Motion 1: Raise wages — **carried** (poll 1: 3 to 1 (75.0%); yes 3, no 1" in markdown
    assert "Poll 4, by secret ballot: Question 4 — elected: Ben Tillett" in markdown
    assert "| Dee Alt | yes (in the seat of Cy Young) |" in markdown
    assert "- Cy Young: absent" in markdown
    assert "- Dee Alt (in the seat of Cy Young): present from 1917-06-03 18:07 UTC" in markdown
    assert "Kept: 1; breached: 2; absent: 3; secret: 2." in markdown
    text = digest_text(d)
    assert text.startswith("Report-back to Neva Works\n=========================\n")
    assert "\nBen Tillett  yes\n" in text
    assert "**" not in text
    assert "`" not in text
    page = digest_html(d)
    assert "<title>Neva Council: report-back to Neva Works</title>" in page
    assert "<strong>carried</strong>" in page


def test_report_and_plain_text_writer() -> None:
    report = constituency_instructions(fold_instructions(chain()), NEVA)
    written = report_markdown(report)
    assert "- Instruction 1 (1917-06-03 18:10 UTC), meeting 1: vote yes on motion 1" in written
    assert "superseded by instruction 3" in written
    assert "vote no on matter wages" in written
    empty = constituency_instructions(fold_instructions(chain()), "Obukhov Works")
    assert "No instruction has been given." in report_markdown(empty)
    text = to_text(
        [
            Heading(2, "Sub"),
            Items((("first",), ("second",)), ordered=True),
            Quote("line one\nline two"),
            Table(("A", "Bee"), (("x", "y"),)),
            Para(("a " * 50,)),
            Footer(("end",)),
        ]
    )
    assert text.startswith("Sub\n---\n\n1. first\n2. second\n\n    line one\n    line two\n")
    assert "A  Bee\nx  y\n" in text
    assert all(len(line) <= 78 for line in text.splitlines())
    assert text.endswith("--\nend\n")
