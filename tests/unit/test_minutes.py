"""Minutes and voting records folded from a hand-built journal chain, and how they are written."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest

from tauride.domain.errors import NotFound
from tauride.domain.journal import JournalEntry, next_entry
from tauride.domain.minutes import minutes_of
from tauride.domain.minutes_model import Participation, Vote
from tauride.domain.minutes_render import minutes_html, minutes_markdown, record_markdown
from tauride.domain.voting_record import voting_record

START = dt.datetime(1905, 11, 12, 18, 0, tzinfo=dt.UTC)
RULE = {
    "threshold": "more-than-half",
    "base": "cast",
    "weighted": False,
    "tie": "lost",
    "quorum": "1/2",
    "members": 3,
    "member_weight": 3,
    "present": 3,
    "present_weight": 3,
}
# Cy Young (3) is absent; Dee Alt (4), his alternate, sits and votes in his seat.
ELECTORATE = [[1, 1, 1], [2, 2, 1], [4, 3, 1]]
ROOT = "ab" * 32
TEXT = "Wages rise by <script>alert(1)</script> a tenth.\n- From the first of May."


def _mandate(mandate: int, person: str, **extra: object) -> dict[str, object]:
    return {
        "mandate": mandate,
        "person": person,
        "constituency": "Neva Works",
        "faction": None,
        "consultative": False,
        "alternate_for": None,
    } | extra


ACTS: list[tuple[str, dict[str, object]]] = [
    ("organization.founded", {"slug": "neva", "name": "Neva Council"}),
    (
        "mandates.created",
        {
            "source": "delegates.csv",
            "mandates": [
                _mandate(1, "Ada Byron", faction="left"),
                _mandate(2, "Ben Tillett"),
                _mandate(3, "Cy Young"),
                _mandate(4, "Dee Alt", alternate_for=3),
            ],
        },
    ),
    ("body.consultative_seated", {"body": "plenary", "mandate": 5, "person": "Eve Party"}),
    (
        "sitting.scheduled",
        {"sitting": 1, "body": "plenary", "number": 1, "title": "Wages", "scheduled_for": "12 Nov"},
    ),
    (
        "agenda.item_added",
        {"sitting": 1, "item": 1, "position": 1, "kind": "debate", "title": "Wages", "minutes": 30},
    ),
    (
        "agenda.item_added",
        {
            "sitting": 1,
            "item": 2,
            "position": 2,
            "kind": "report",
            "title": "Rent",
            "minutes": None,
        },
    ),
    ("sitting.opened", {"sitting": 1, "from": "scheduled"}),
    (
        "attendance.checked_in",
        {"sitting": 1, "mandate": 1, "person": "Ada Byron", "for_mandate": None},
    ),
    (
        "attendance.checked_in",
        {"sitting": 1, "mandate": 2, "person": "Ben Tillett", "for_mandate": None},
    ),
    ("attendance.checked_in", {"sitting": 1, "mandate": 4, "person": "Dee Alt", "for_mandate": 3}),
    (
        "attendance.checked_in",
        {"sitting": 1, "mandate": 5, "person": "Eve Party", "for_mandate": None},
    ),
    ("agenda.item_taken_up", {"sitting": 1, "item": 1, "title": "Wages"}),
    (
        "speakers.called",
        {
            "sitting": 1,
            "item": 1,
            "mandate": 2,
            "person": "Ben Tillett",
            "guest": False,
            "side": "pro",
            "kind": "speech",
            "first": True,
        },
    ),
    (
        "speakers.guest_heard",
        {
            "sitting": 1,
            "item": 1,
            "mandate": None,
            "person": "Dockers' delegation",
            "guest": True,
            "side": "neutral",
            "kind": "speech",
        },
    ),
    ("speakers.closed", {"sitting": 1, "item": 1, "waiting": 0}),
    (
        "motion.moved",
        {
            "motion": 1,
            "state": "submitted",
            "kind": "main",
            "title": "Raise wages",
            "text": TEXT,
            "target": None,
            "mover": 1,
            "mover_label": None,
            "matter": None,
            "sitting": 1,
        },
    ),
    ("motion.seconded", {"motion": 1, "state": "seconded", "seconder": 2}),
    ("motion.admitted", {"motion": 1, "state": "admitted"}),
    ("motion.debate", {"motion": 1, "state": "debate"}),
    (
        "motion.moved",
        {
            "motion": 2,
            "state": "submitted",
            "kind": "amendment",
            "title": "From June",
            "text": "Wages rise by a tenth from June.",
            "target": 1,
            "mover": 5,
            "mover_label": None,
            "matter": None,
            "sitting": 1,
        },
    ),
    ("motion.admitted", {"motion": 2, "state": "admitted"}),
    ("motion.put_to_vote", {"motion": 2, "state": "voting"}),
    (
        "poll.opened",
        {
            "poll": 1,
            "sitting": 1,
            "body": "plenary",
            "motion": 2,
            "question": "From June",
            "method": "secret",
            "kind": "question",
            "options": ["yes", "no", "abstain"],
            "rule": RULE,
            "electorate": ELECTORATE,
        },
    ),
    (
        "poll.closed",
        {
            "poll": 1,
            "method": "secret",
            "counts": {"yes": 1, "no": 2, "abstain": 0},
            "weighted_counts": None,
            "outcome": {
                "carried": False,
                "figure": "1 to 2 (33.3%)",
                "reason": "lost: 1 of 3 votes cast, more than half needed 2",
                "casting_vote": None,
            },
            "ballots": 3,
            "merkle_root": ROOT,
            "participants": [1, 2, 4],
        },
    ),
    (
        "motion.decided",
        {"motion": 2, "state": "lost", "poll": 1, "carried": False, "figure": "1 to 2 (33.3%)"},
    ),
    ("sitting.suspended", {"sitting": 1, "from": "open"}),
    ("sitting.resumed", {"sitting": 1, "from": "suspended"}),
    ("motion.put_to_vote", {"motion": 1, "state": "voting"}),
    (
        "poll.opened",
        {
            "poll": 2,
            "sitting": 1,
            "body": "plenary",
            "motion": 1,
            "question": "Raise wages",
            "method": "roll-call",
            "kind": "question",
            "options": ["yes", "no", "abstain"],
            "rule": RULE,
            "electorate": ELECTORATE,
        },
    ),
    (
        "poll.closed",
        {
            "poll": 2,
            "method": "roll-call",
            "counts": {"yes": 2, "no": 0, "abstain": 0},
            "weighted_counts": None,
            "outcome": {
                "carried": True,
                "figure": "2 to 0 (100.0%)",
                "reason": "carried: 2 of 2 votes cast, more than half needed 2",
                "casting_vote": None,
            },
            "ballots": 2,
            "merkle_root": ROOT,
            "participants": [1, 4],
            "votes": [[4, "yes"], [1, "yes"]],
        },
    ),
    (
        "motion.decided",
        {"motion": 1, "state": "carried", "poll": 2, "carried": True, "figure": "2 to 0 (100.0%)"},
    ),
    ("attendance.checked_out", {"sitting": 1, "mandate": 2}),
    ("sitting.closed", {"sitting": 1, "from": "open"}),
    (
        "sitting.scheduled",
        {"sitting": 2, "body": "plenary", "number": 2, "title": "Later", "scheduled_for": None},
    ),
]


def chain(acts: list[tuple[str, dict[str, object]]] = ACTS) -> list[JournalEntry]:
    entries: list[JournalEntry] = []
    for minute, (kind, payload) in enumerate(acts):
        at = START + dt.timedelta(minutes=minute)
        entries.append(
            next_entry(
                entries[-1] if entries else None, at=at, actor="t", kind=kind, payload=payload
            )
        )
    return entries


def test_minutes_follow_the_sitting_from_the_journal_alone() -> None:
    minutes = minutes_of(chain(), 1)
    assert (minutes.organization, minutes.body, minutes.number, minutes.state) == (
        "Neva Council",
        "plenary",
        1,
        "closed",
    )
    assert minutes.opened_at == "1905-11-12T18:06:00.000000Z"
    assert minutes.suspensions == (("1905-11-12T18:25:00.000000Z", "1905-11-12T18:26:00.000000Z"),)
    assert (minutes.present, minutes.present_voting, minutes.voting_members) == (4, 3, 3)
    dee = minutes.attendance[2]
    assert (dee.name, dee.for_name, dee.consultative) == ("Dee Alt", "Cy Young", False)
    assert minutes.attendance[3].consultative
    assert minutes.attendance[1].checked_out == "1905-11-12T18:31:00.000000Z"
    wages, rent = minutes.agenda
    assert [s.name for s in wages.speeches] == ["Ben Tillett", "Dockers' delegation"]
    assert wages.speeches[1].mandate is None
    assert wages.speakers_closed
    main, amendment = wages.motions
    assert (main.mover, main.seconder, main.state, main.amendments) == (
        "Ada Byron",
        "Ben Tillett",
        "carried",
        (2,),
    )
    assert (amendment.mover, amendment.target, amendment.state) == ("Eve Party", 1, "lost")
    assert [p.poll for p in wages.polls] == [1, 2]
    assert not rent.motions
    assert minutes.other is None
    assert (minutes.first_height, minutes.last_height) == (4, 33)


def test_named_poll_lists_every_seat_with_its_choice_and_secret_poll_none() -> None:
    secret, named = minutes_of(chain(), 1).agenda[0].polls
    assert secret.votes == ()
    assert (secret.entitled, secret.participants, secret.ballots) == (3, 3, 3)
    assert secret.counts == (("yes", 1), ("no", 2), ("abstain", 0))
    assert (named.carried, named.figure, named.merkle_root) == (True, "2 to 0 (100.0%)", ROOT)
    assert named.votes == (
        Vote(1, "Ada Byron", "yes", 1, None),
        Vote(2, "Ben Tillett", None, 2, None),
        Vote(4, "Dee Alt", "yes", 3, "Cy Young"),
    )


def test_voting_record_shows_choices_participation_and_absence() -> None:
    entries = chain()
    dee = voting_record(entries, 4)
    assert [(r.poll, r.participation, r.choice, r.seat_of) for r in dee.polls] == [
        (1, Participation.TOOK_PART, None, "Cy Young"),
        (2, Participation.VOTED, "yes", "Cy Young"),
    ]
    ben = voting_record(entries, 2)
    assert [r.participation for r in ben.polls] == [
        Participation.TOOK_PART,
        Participation.DID_NOT_VOTE,
    ]
    assert ben.delegate.constituency == "Neva Works"
    # A consultative voice is never entitled; a principal whose alternate sat was absent.
    assert voting_record(entries, 5).polls == ()
    assert voting_record(entries, 3).polls == ()


def test_unknown_sitting_or_mandate_is_not_found() -> None:
    with pytest.raises(NotFound, match="no sitting 9 in the journal of neva"):
        minutes_of(chain(), 9)
    with pytest.raises(NotFound, match="no mandate 99"):
        voting_record(chain(), 99)


def test_minutes_are_the_same_from_an_export() -> None:
    entries = chain()
    reread = [JournalEntry.from_dict(e.to_dict()) for e in entries]
    assert minutes_markdown(minutes_of(reread, 1)) == minutes_markdown(minutes_of(entries, 1))
    assert minutes_html(minutes_of(reread, 1)) == minutes_html(minutes_of(entries, 1))


def test_agenda_follows_the_order_the_body_decided_and_loose_business_is_kept() -> None:
    acts = [
        *ACTS[:6],
        ("agenda.reordered", {"sitting": 1, "order": [2, 1], "decided_by": "vote"}),
        ("sitting.opened", {"sitting": 1, "from": "scheduled"}),
        (
            "motion.moved",
            {
                "motion": 7,
                "state": "submitted",
                "kind": "adjourn",
                "title": "Adjourn",
                "text": "",
                "target": None,
                "mover": None,
                "mover_label": "the Executive",
                "matter": None,
                "sitting": 1,
            },
        ),
        ("motion.withdrawn", {"motion": 7, "state": "withdrawn"}),
    ]
    minutes = minutes_of(chain(acts), 1)
    assert [i.title for i in minutes.agenda] == ["Rent", "Wages"]
    assert minutes.other is not None
    (adjourn,) = minutes.other.motions
    assert (adjourn.mover, adjourn.state) == ("the Executive", "withdrawn")
    text = minutes_markdown(minutes)
    assert "## Business under no agenda item" in text
    assert "Adjourn, moved by the Executive." in text
    assert "- Fate: **withdrawn**" in text
    assert "State: open" in text


def test_markdown_escapes_what_would_change_the_document() -> None:
    acts = [
        *ACTS[:7],
        (
            "attendance.checked_in",
            {"sitting": 1, "mandate": 6, "person": "A | B *C*", "for_mandate": None},
        ),
        (
            "motion.moved",
            {
                "motion": 1,
                "state": "submitted",
                "kind": "main",
                "title": "# not a heading",
                "text": "# Resolved\n1. first\n\nsecond [link](x) &amp;",
                "target": None,
                "mover": 6,
                "mover_label": None,
                "matter": None,
                "sitting": 1,
            },
        ),
    ]
    text = minutes_markdown(minutes_of(chain(acts), 1))
    assert "### Motion 1: # not a heading" in text
    assert "> \\# Resolved\n> 1\\. first\n>\n> second \\[link\\](x) \\&amp;" in text
    assert "| A \\| B \\*C\\* | 6 | vote |" in text
    assert "moved by A \\| B \\*C\\*." in text


MARKDOWN = """\
# Minutes: Wages

Neva Council

- Body: plenary, sitting no. 1 (sitting 1 in the journal)
- Convened for: 12 Nov
- Opened: 1905-11-12 18:06:00 UTC
- Suspended 1905-11-12 18:25:00 UTC, resumed 1905-11-12 18:26:00 UTC
- Closed: 1905-11-12 18:32:00 UTC

## Attendance

4 present: 3 with a vote, 1 with a consultative voice. The body had 3 voting members \
when its last poll opened (quorum 1/2).

| Name | Mandate | Seat | In | Out |
|---|---|---|---|---|
| Ada Byron | 1 | vote | 18:07:00 |  |
| Ben Tillett | 2 | vote | 18:08:00 | 18:31:00 |
| Dee Alt | 4 | for Cy Young | 18:09:00 |  |
| Eve Party | 5 | consultative | 18:10:00 |  |

## Agenda

1. Wages (debate, 30 min; taken up 18:11:00)
2. Rent (report)

## 1. Wages

Speakers:

1. Ben Tillett (pro), 18:12:00
2. Dockers' delegation, guest of the body, 18:13:00

The list of speakers was closed.

### Motion 1: Raise wages

Main motion, moved by Ada Byron, seconded by Ben Tillett.

> Wages rise by \\<script\\>alert(1)\\</script\\> a tenth.
> \\- From the first of May.

- Amendments: motion 2 (lost)
- Course: moved 18:15:00, seconded 18:16:00, admitted 18:17:00, debate opened 18:18:00, \
put to the vote 18:27:00, carried 18:30:00 (by poll 2)
- Fate: **carried**, poll 2: 2 to 0 (100.0%)

### Motion 2: From June

Amendment to motion 1, moved by Eve Party.

> Wages rise by a tenth from June.

- Course: moved 18:19:00, admitted 18:20:00, put to the vote 18:21:00, lost 18:24:00 \
(by poll 1)
- Fate: **lost**, poll 1: 1 to 2 (33.3%)

### Poll 1: From June

- Secret ballot on motion 2; more than half of the votes cast
- Entitled to vote: 3 (3 of 3 voting members present); quorum 1/2
- Votes: yes 1, no 2, abstain 0
- Outcome: **lost**, 1 to 2 (33.3%)
- Reason: lost: 1 of 3 votes cast, more than half needed 2
- Sealed 1905-11-12 18:23:00 UTC: 3 ballots, 3 voters; Merkle root `{root}`

### Poll 2: Raise wages

- Roll-call vote on motion 1; more than half of the votes cast
- Entitled to vote: 3 (3 of 3 voting members present); quorum 1/2
- Votes: yes 2, no 0, abstain 0
- Outcome: **carried**, 2 to 0 (100.0%)
- Reason: carried: 2 of 2 votes cast, more than half needed 2
- Sealed 1905-11-12 18:29:00 UTC: 2 ballots, 2 voters; Merkle root `{root}`

| Voter | Mandate | Vote |
|---|---|---|
| Ada Byron | 1 | yes |
| Dee Alt (for Cy Young) | 4 | yes |
| Ben Tillett | 2 | did not vote |

## 2. Rent

No business is recorded under this item.

---

Drawn from the journal of neva, entries 4 to 33; entry 33 has hash `{head}`.
"""


def test_markdown_of_a_small_sitting() -> None:
    entries = chain()
    expected = MARKDOWN.format(root=ROOT, head=entries[32].hash)
    assert minutes_markdown(minutes_of(entries, 1)) == expected


def test_markdown_of_a_voting_record() -> None:
    assert record_markdown(voting_record(chain(), 4)) == (
        "# Voting record of Dee Alt\n\n"
        "Mandate 4; Neva Works.\n\n"
        "Entitled to vote in 2 polls (voted by name: 1; took part in a secret ballot: 1).\n\n"
        "| Poll | Sitting | At | Question | Method | Vote | Outcome |\n"
        "|---|---|---|---|---|---|---|\n"
        "| 1 | plenary no. 1: Wages | 1905-11-12 18:23:00 UTC | From June | secret ballot "
        "| took part in a secret ballot | lost, 1 to 2 (33.3%) |\n"
        "| 2 | plenary no. 1: Wages | 1905-11-12 18:29:00 UTC | Raise wages | roll-call vote "
        "| yes (in the seat of Cy Young) | carried, 2 to 0 (100.0%) |\n"
    )


VOID = frozenset({"meta", "br", "hr", "img", "link", "input"})


class _Structure(HTMLParser):
    """Checks that every element is closed in order, and collects tags, attributes, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open[-1] == tag, f"</{tag}> closes <{self.open[-1]}>"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_a_whole_page_with_user_text_escaped() -> None:
    page = minutes_html(minutes_of(chain(), 1))
    parser = _Structure()
    parser.feed(page)
    parser.close()
    assert parser.doctype == "DOCTYPE html"
    assert parser.open == []
    assert parser.tags[:5] == ["html", "head", "meta", "meta", "title"]
    assert "script" not in parser.tags
    assert not {"link", "img", "iframe", "object"} & set(parser.tags)
    assert not [a for a in parser.attrs if a[0] in ("src", "href") or a[0].startswith("on")]
    text = "".join(parser.text)
    assert "Wages rise by <script>alert(1)</script> a tenth." in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert parser.tags.count("h3") == 4
    assert parser.tags.count("table") == 2
    assert "@media print" in page
    assert page == minutes_html(minutes_of(chain(), 1))  # no clock, no randomness


def _moved(motion: int, kind: str, title: str, text: str, **extra: object) -> dict[str, object]:
    return {
        "motion": motion,
        "state": "submitted",
        "kind": kind,
        "title": title,
        "text": text,
        "target": None,
        "mover": None,
        "mover_label": None,
        "matter": None,
        "sitting": 1,
    } | extra


def _opened(poll: int, method: str, motion: int | None, **extra: object) -> dict[str, object]:
    return {
        "poll": poll,
        "sitting": 1,
        "body": "plenary",
        "motion": motion,
        "question": f"Question {poll}",
        "method": method,
        "kind": "question",
        "options": ["yes", "no", "abstain"],
        "rule": RULE,
        "electorate": ELECTORATE,
    } | extra


def _closed(poll: int, method: str, **extra: object) -> dict[str, object]:
    outcome = {"carried": True, "figure": "2 to 1", "reason": "carried", "casting_vote": None}
    return {
        "poll": poll,
        "method": method,
        "counts": {"yes": 2, "no": 1, "abstain": 0},
        "weighted_counts": None,
        "outcome": outcome,
        "ballots": 0,
        "merkle_root": ROOT,
        "participants": [],
    } | extra


def test_amendments_referrals_hands_card_and_casting_votes_elections_and_open_polls() -> None:
    tie = {"carried": True, "figure": "1 to 1", "reason": "tied", "casting_vote": True}
    acts = [
        *ACTS[:12],
        ("motion.moved", _moved(1, "main", "Eight hours", "Eight hours now.", mover=1)),
        (
            "motion.moved",
            _moved(2, "amendment", "By May", "Eight hours by May.", target=1, mover=2),
        ),
        ("poll.opened", _opened(1, "show-of-hands", 2)),
        ("poll.hands_counted", {"poll": 1, "counts": {"yes": 2, "no": 1, "abstain": 0}}),
        (
            "poll.closed",
            _closed(1, "show-of-hands", weighted_counts={"yes": 900, "no": 500, "abstain": 0}),
        ),
        ("motion.decided", {"motion": 2, "state": "carried", "poll": 1, "carried": True}),
        (
            "motion.amended",
            {"motion": 1, "state": "debate", "by": 2, "text": "Eight hours by May."},
        ),
        ("motion.moved", _moved(3, "refer", "Refer", "", target=1, mover_label="the Executive")),
        ("poll.opened", _opened(2, "electronic", 3)),
        (
            "poll.closed",
            _closed(
                2, "electronic", outcome=tie, participants=[1, 2], votes=[[1, "yes"], [2, "no"]]
            ),
        ),
        ("motion.decided", {"motion": 3, "state": "carried", "poll": 2, "carried": True}),
        ("motion.referred", {"motion": 1, "state": "referred", "by": 3}),
        (
            "poll.opened",
            _opened(3, "secret", None, kind="election", options=["Ada Byron", "Ben Tillett"]),
        ),
        (
            "election.counted",
            {
                "election": 1,
                "poll": 3,
                "ballots": 3,
                "participants": [1, 2, 4],
                "merkle_root": ROOT,
                "elected": [[1, "Ada Byron"]],
            },
        ),
        ("poll.opened", _opened(4, "secret", None)),
    ]
    entries = chain(acts)
    (item, _) = minutes_of(entries, 1).agenda
    eight, _, refer = item.motions
    assert (eight.text, eight.final_text, eight.state) == (
        "Eight hours now.",
        "Eight hours by May.",
        "referred",
    )
    assert refer.target == 1
    hands, casting, election, pending = item.polls
    assert hands.weighted_counts == (("yes", 900), ("no", 500), ("abstain", 0))
    assert (casting.casting_vote, election.elected, pending.closed_at) == (
        "yes",
        ("Ada Byron",),
        None,
    )
    text = minutes_markdown(minutes_of(entries, 1))
    for line in (
        "Text as amended:\n\n> Eight hours by May.",
        "- Fate: **referred** (by motion 3)",
        "Refer on motion 1, moved by the Executive.",
        "- Show of hands (counted by tellers) on motion 2; more than half of the votes cast",
        "- Card vote: yes 900, no 500, abstain 0",
        "- Chair's casting vote: yes",
        "- Elected: **Ada Byron**",
        "- Opened 1905-11-12 18:26:00 UTC; not closed in the journal",
        "- Election by secret ballot; more than half of the votes cast",
        "- Amendments: motion 2 (carried)\n",
        "Refer on motion 1, moved by the Executive.\n\n- Course:",
    ):
        assert line in text
    assert [(r.poll, r.participation) for r in voting_record(entries, 4).polls] == [
        (1, Participation.SHOW_OF_HANDS),
        (2, Participation.DID_NOT_VOTE),
        (3, Participation.TOOK_PART),
        (4, Participation.POLL_OPEN),
    ]
