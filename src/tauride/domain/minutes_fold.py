"""Decide what an organization's chain records of its sittings, in one pass over its entries.

Everything here is read from an organization's chain of entries in height order, without
the database, so that minutes and voting records can be rebuilt from a verified export as
well as from the live journal. Names come from the payloads that carry them:
`mandates.created`, `body.seats_filled`, `body.consultative_seated`, and any entry that
pairs a ``mandate`` with a ``person`` (`attendance.checked_in`, `office.assigned`,
`speakers.called`, …).

Where the journal is silent the fold records only what it does tell. A motion or poll is
placed under the agenda item that was taken up when it was moved or opened (unless its
payload names the item); the body's membership is the count frozen when a poll opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from tauride.domain.journal import JournalEntry
from tauride.domain.minutes_model import (
    Attendee,
    Delegate,
    ItemRecord,
    MotionEvent,
    MotionRecord,
    PollRecord,
    SittingMinutes,
    Speech,
    Vote,
)

# Motions that change the text of the motion they apply to (RONR §12: a substitute is an
# amendment that strikes out the whole and inserts another).
AMENDING = frozenset({"amendment", "amendment-to-amendment", "substitute"})


def _int(p: Mapping[str, object], key: str) -> int | None:
    value = p.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bool(p: Mapping[str, object], key: str) -> bool | None:
    value = p.get(key)
    return value if isinstance(value, bool) else None


def _str(p: Mapping[str, object], key: str) -> str | None:
    value = p.get(key)
    return value if isinstance(value, str) else None


def _list(p: Mapping[str, object], key: str) -> list[object]:
    value = p.get(key)
    return value if isinstance(value, list) else []


def _map(p: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = p.get(key)
    return value if isinstance(value, Mapping) else {}


def _casting(value: object) -> str | None:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value if isinstance(value, str) else None


def _counts(options: tuple[str, ...], raw: Mapping[str, object]) -> tuple[tuple[str, int], ...]:
    order = [*options, *sorted(k for k in raw if k not in options)]
    return tuple((o, n) for o in order if (n := _int(raw, o)) is not None)


class JournalFold:
    """What one pass over the chain gathers; `take` each entry in height order."""

    def __init__(self) -> None:
        self.slug = self.organization = ""
        self.people: dict[int, Delegate] = {}
        self.sittings: dict[int, SittingMinutes] = {}
        self.attendance: dict[int, list[Attendee]] = {}
        self.items: dict[int, ItemRecord] = {}
        self.item_sitting: dict[int, int] = {}
        self.current: dict[int, int] = {}  # sitting → the item taken up last
        self.motions: dict[int, MotionRecord] = {}
        self.polls: dict[int, PollRecord] = {}
        self.speeches: dict[tuple[int, int | None], list[Speech]] = {}
        self.lists_closed: set[tuple[int, int | None]] = set()
        self.electorates: dict[int, dict[int, int]] = {}  # poll → voter → seat
        self.participants: dict[int, frozenset[int]] = {}
        self.choices: dict[int, dict[int, str]] = {}

    def name(self, mandate: int) -> str:
        person = self.people.get(mandate)
        return person.name if person else f"mandate {mandate}"

    def take(self, entry: JournalEntry) -> None:
        p = entry.payload
        mandate, person = _int(p, "mandate"), _str(p, "person")
        if mandate is not None and person and mandate not in self.people:
            self.people[mandate] = Delegate(mandate, person)
        family, _, act = entry.kind.partition(".")
        # Like ast.NodeVisitor: `sitting.opened` goes to `_on_sitting(entry, "opened")`.
        handler = getattr(self, f"_on_{family}", None)
        if handler is not None:
            handler(entry, act)
        sitting = self.sittings.get(self._sitting_of(p) or 0)
        if sitting is not None:
            self.sittings[sitting.sitting] = replace(
                sitting, last_height=entry.height, last_hash=entry.hash
            )

    def _sitting_of(self, p: Mapping[str, object]) -> int | None:
        motion, poll, item = _int(p, "motion"), _int(p, "poll"), _int(p, "item")
        if motion in self.motions:
            return self.motions[motion].sitting
        if poll in self.polls:
            return self.polls[poll].sitting
        if item is not None and item in self.item_sitting:
            return self.item_sitting[item]
        return _int(p, "sitting")

    def _place(self, p: Mapping[str, object]) -> tuple[int, int | None] | None:
        """The sitting and agenda item of an act: as named, or the item taken up then."""
        sitting = self._sitting_of(p)
        if sitting is None or sitting not in self.sittings:
            return None
        item = _int(p, "agenda_item") or _int(p, "item")
        if item is None or self.item_sitting.get(item) != sitting:
            item = self.current.get(sitting)
        return sitting, item

    def _on_organization(self, e: JournalEntry, act: str) -> None:
        if act == "founded":
            self.slug = _str(e.payload, "slug") or ""
            self.organization = _str(e.payload, "name") or self.slug

    def _on_mandates(self, e: JournalEntry, act: str) -> None:
        for m in _list(e.payload, "mandates") if act == "created" else []:
            if isinstance(m, Mapping) and (mid := _int(m, "mandate")) is not None:
                name = _str(m, "person") or f"mandate {mid}"
                consultative = m.get("consultative") is True
                self.people[mid] = Delegate(
                    mid, name, _str(m, "constituency"), _str(m, "faction"), consultative
                )

    def _on_body(self, e: JournalEntry, act: str) -> None:
        p = e.payload
        if act == "seats_filled":
            for seat in _list(p, "elected"):
                if isinstance(seat, Mapping) and (mid := _int(seat, "mandate")) is not None:
                    self.people.setdefault(
                        mid, Delegate(mid, _str(seat, "person") or f"mandate {mid}")
                    )
        elif act == "consultative_seated" and (mid := _int(p, "mandate")) is not None:
            name = _str(p, "person") or f"mandate {mid}"
            self.people[mid] = Delegate(mid, name, None, _str(p, "faction"), True)

    def _on_sitting(self, e: JournalEntry, act: str) -> None:
        p = e.payload
        sid = _int(p, "sitting")
        if act == "scheduled" and sid is not None:
            self.sittings[sid] = SittingMinutes(
                organization=self.organization,
                slug=self.slug,
                sitting=sid,
                body=_str(p, "body") or "",
                number=_int(p, "number") or 0,
                title=_str(p, "title") or "",
                scheduled_for=_str(p, "scheduled_for"),
                state="scheduled",
                first_height=e.height,
                last_height=e.height,
                last_hash=e.hash,
            )
            self.attendance[sid] = []
        s = self.sittings.get(sid or 0)
        if s is None:
            return
        if (chair := _int(p, "chair")) is not None:
            s = replace(s, chair=self.name(chair))
        if act == "opened":
            s = replace(s, state="open", opened_at=s.opened_at or e.at)
        elif act == "suspended":
            s = replace(s, state="suspended", suspensions=(*s.suspensions, (e.at, None)))
        elif act == "resumed" and s.suspensions:
            start, _ = s.suspensions[-1]
            s = replace(s, state="open", suspensions=(*s.suspensions[:-1], (start, e.at)))
        elif act == "closed":
            s = replace(s, state="closed", closed_at=e.at)
        self.sittings[s.sitting] = s

    def _on_attendance(self, e: JournalEntry, act: str) -> None:
        p = e.payload
        rows = self.attendance.get(_int(p, "sitting") or 0)
        mandate = _int(p, "mandate")
        if rows is None or mandate is None:
            return
        if act == "checked_in":
            seat = _int(p, "for_mandate")
            person = self.people.get(mandate)
            consultative = person.consultative if person else False
            seat_name = self.name(seat) if seat is not None else None
            rows.append(Attendee(mandate, self.name(mandate), consultative, seat, seat_name, e.at))
        elif act == "checked_out":
            for i in reversed(range(len(rows))):
                if rows[i].mandate == mandate and rows[i].checked_out is None:
                    rows[i] = replace(rows[i], checked_out=e.at)
                    break

    def _on_agenda(self, e: JournalEntry, act: str) -> None:
        p = e.payload
        sid, item = _int(p, "sitting"), _int(p, "item")
        if sid not in self.sittings:
            return
        if act == "item_added" and item is not None:
            self.item_sitting[item] = sid
            title, kind = _str(p, "title") or "", _str(p, "kind") or ""
            self.items[item] = ItemRecord(
                item, _int(p, "position") or 0, kind, title, _int(p, "minutes")
            )
        elif act == "reordered":
            for position, ref in enumerate(_list(p, "order"), start=1):
                if isinstance(ref, int) and ref in self.items:
                    self.items[ref] = replace(self.items[ref], position=position)
        elif act == "item_taken_up" and item in self.items:
            record = self.items[item]
            self.items[item] = replace(record, taken_up=(*record.taken_up, e.at))
            self.current[sid] = item

    def _on_motion(self, e: JournalEntry, act: str) -> None:
        p = e.payload
        mid = _int(p, "motion")
        if act == "moved" and mid is not None and (place := self._place(p)) is not None:
            mover = _int(p, "mover")
            text = _str(p, "text") or ""
            self.motions[mid] = MotionRecord(
                motion=mid,
                height=e.height,
                sitting=place[0],
                item=place[1],
                kind=_str(p, "kind") or "main",
                title=_str(p, "title") or "",
                text=text,
                final_text=text,
                mover=self.name(mover) if mover is not None else _str(p, "mover_label") or "",
                mover_mandate=mover,
                seconder=None,
                target=_int(p, "target"),
                matter=_str(p, "matter"),
                state=_str(p, "state") or "submitted",
                events=(MotionEvent("moved", e.at),),
            )
            return
        m = self.motions.get(mid or 0)
        if m is None or act == "moved":
            return
        ref = _int(p, "by") or _int(p, "because_of")
        if act == "seconded" and (seconder := _int(p, "seconder")) is not None:
            m = replace(m, seconder=self.name(seconder))
        elif act == "amended":
            m = replace(m, final_text=_str(p, "text") or m.final_text)
        elif act == "decided":
            ref = _int(p, "poll")
            act = "carried" if p.get("carried") is True else "lost"
            m = replace(m, poll=ref, figure=_str(p, "figure"))
        event = MotionEvent(act, e.at, ref)
        self.motions[m.motion] = replace(
            m, state=_str(p, "state") or m.state, events=(*m.events, event)
        )

    def _on_poll(self, e: JournalEntry, act: str) -> None:
        p = e.payload
        pid = _int(p, "poll")
        if act == "opened" and pid is not None:
            motion = _int(p, "motion")
            moved = self.motions.get(motion or 0)
            place = (moved.sitting, moved.item) if moved else self._place(p)
            if place is None:
                return
            seats = [s for s in _list(p, "electorate") if isinstance(s, list) and len(s) >= 2]
            self.electorates[pid] = {int(s[0]): int(s[1]) for s in seats}
            rule = _map(p, "rule")
            self.polls[pid] = PollRecord(
                poll=pid,
                height=e.height,
                sitting=place[0],
                item=place[1],
                question=_str(p, "question") or "",
                method=_str(p, "method") or "",
                kind=_str(p, "kind") or "question",
                options=tuple(o for o in _list(p, "options") if isinstance(o, str)),
                motion=motion,
                threshold=_str(rule, "threshold") or "",
                base=_str(rule, "base") or "",
                quorum=_str(rule, "quorum"),
                members=_int(rule, "members"),
                present=_int(rule, "present"),
                entitled=len(seats),
                opened_at=e.at,
            )
            return
        poll = self.polls.get(pid or 0)
        if poll is not None and act == "hands_counted":
            self.polls[poll.poll] = replace(poll, counts=_counts(poll.options, _map(p, "counts")))
        elif poll is not None and act == "closed":
            outcome, weighted = _map(p, "outcome"), _map(p, "weighted_counts")
            votes = [v for v in _list(p, "votes") if isinstance(v, list) and len(v) == 2]
            self.choices[poll.poll] = chosen = {int(v[0]): str(v[1]) for v in votes}
            named = tuple(
                Vote(voter, self.name(voter), chosen.get(voter), seat, self.seat_name(seat, voter))
                for voter, seat in self.electorates[poll.poll].items()
            )
            self.polls[poll.poll] = replace(
                self._sealed(poll, e),
                counts=_counts(poll.options, _map(p, "counts")),
                weighted_counts=_counts(poll.options, weighted) if weighted else None,
                carried=_bool(outcome, "carried"),
                figure=_str(outcome, "figure"),
                reason=_str(outcome, "reason"),
                casting_vote=_casting(outcome.get("casting_vote")),
                votes=named if poll.named else (),
            )

    def seat_name(self, seat: int, voter: int) -> str | None:
        """The principal's name when an alternate holds the seat."""
        return self.name(seat) if seat != voter else None

    def _sealed(self, poll: PollRecord, e: JournalEntry) -> PollRecord:
        voters = frozenset(v for v in _list(e.payload, "participants") if isinstance(v, int))
        self.participants[poll.poll] = voters
        return replace(
            poll,
            closed_at=e.at,
            ballots=_int(e.payload, "ballots"),
            participants=len(voters),
            merkle_root=_str(e.payload, "merkle_root"),
        )

    def _on_election(self, e: JournalEntry, act: str) -> None:
        poll = self.polls.get(_int(e.payload, "poll") or 0)
        if act == "counted" and poll is not None:
            won = [w for w in _list(e.payload, "elected") if isinstance(w, list) and w]
            names = tuple(self.name(w[0]) if isinstance(w[0], int) else str(w[-1]) for w in won)
            self.polls[poll.poll] = replace(self._sealed(poll, e), elected=names)

    def _on_speakers(self, e: JournalEntry, act: str) -> None:
        p = e.payload
        place, mandate = self._place(p), _int(p, "mandate")
        if place is None:
            return
        speech = None
        if act == "called" and mandate is not None:
            kind, side = _str(p, "kind") or "speech", _str(p, "side")
            speech = Speech(self.name(mandate), mandate, kind, side, e.at)
        elif act == "guest_heard":
            # A guest (a delegation the body hears) has a name and no mandate.
            speech = Speech(_str(p, "person") or "", None, "guest", None, e.at)
        elif act == "closed":
            self.lists_closed.add(place)
        if speech is not None:
            self.speeches.setdefault(place, []).append(speech)

    def item_record(self, sitting: int, record: ItemRecord) -> ItemRecord:
        """Fill an item with the business placed under it."""
        place = (sitting, record.item)
        motions = [m for m in self.motions.values() if (m.sitting, m.item) == place]
        return replace(
            record,
            speakers_closed=place in self.lists_closed,
            speeches=tuple(self.speeches.get(place, ())),
            motions=tuple(
                replace(m, amendments=tuple(a.motion for a in motions if _amends(a, m)))
                for m in motions
            ),
            polls=tuple(p for p in self.polls.values() if (p.sitting, p.item) == place),
        )


def _amends(a: MotionRecord, m: MotionRecord) -> bool:
    return a.target == m.motion and a.kind in AMENDING


def fold_journal(entries: Iterable[JournalEntry]) -> JournalFold:
    """Fold an organization's chain, in height order, into what its entries record."""
    fold = JournalFold()
    for entry in entries:
        fold.take(entry)
    return fold
