"""The speakers' list: order rules, points of order, time limits, against a slow model."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tauride.domain.errors import InvalidInput
from tauride.domain.speakers import (
    AlreadyListed,
    ListClosed,
    NotListed,
    RequestKind,
    Side,
    SpeakersList,
    SpeakersRule,
)

PRO, CONTRA, NEUTRAL = Side.PRO, Side.CONTRA, Side.NEUTRAL
POO = RequestKind.POINT_OF_ORDER


def called(speakers: SpeakersList, times: int) -> tuple[SpeakersList, list[int]]:
    order = []
    for _ in range(times):
        speakers = speakers.call_next()
        assert speakers.current is not None
        order.append(speakers.current.mandate_id)
    return speakers, order


def test_speakers_are_called_in_the_order_they_asked() -> None:
    speakers = SpeakersList().request(3).request(1).request(2)
    _, order = called(speakers, 3)
    assert order == [3, 1, 2]


def test_points_of_order_jump_the_queue() -> None:
    speakers = SpeakersList().request(1).request(2).call_next().request(7, kind=POO)
    assert speakers.current is not None
    assert speakers.current.mandate_id == 1
    assert [r.mandate_id for r in speakers.queue] == [7, 2]
    after = speakers.call_next()
    assert after.current is not None
    assert (after.current.mandate_id, after.current.kind) == (7, POO)


def test_first_time_speakers_come_before_those_who_spoke_already() -> None:
    speakers, _ = called(SpeakersList().request(1), 1)
    speakers = speakers.request(1).request(2).request(3)
    _, order = called(speakers, 3)
    assert order == [2, 3, 1]
    assert speakers.has_spoken(1)
    assert not speakers.has_spoken(2)


def test_a_point_of_order_does_not_count_as_a_speech() -> None:
    speakers, _ = called(SpeakersList().request(1, kind=POO), 1)
    assert not speakers.has_spoken(1)
    _, order = called(speakers.request(2).request(1), 2)
    assert order == [2, 1]  # both first-timers: order of asking


def test_alternation_gives_the_floor_to_the_other_side() -> None:
    rule = SpeakersRule(alternate=True)
    speakers = SpeakersList(rule)
    for mandate, side in [(1, PRO), (2, PRO), (3, PRO), (4, CONTRA), (5, CONTRA)]:
        speakers = speakers.request(mandate, side)
    _, order = called(speakers, 5)
    assert order == [1, 4, 2, 5, 3]


def test_alternation_takes_the_other_side_when_the_needed_side_has_nobody() -> None:
    speakers = SpeakersList(SpeakersRule(alternate=True))
    for mandate, side in [(1, PRO), (2, PRO), (3, NEUTRAL), (4, CONTRA)]:
        speakers = speakers.request(mandate, side)
    _, order = called(speakers, 4)
    # pro, then the contra, then nobody contra is left: whoever asked first.
    assert order == [1, 4, 2, 3]


def test_without_alternation_sides_do_not_matter() -> None:
    speakers = SpeakersList().request(1, PRO).request(2, PRO).request(3, CONTRA)
    _, order = called(speakers, 3)
    assert order == [1, 2, 3]


def test_time_limits_are_recorded_on_each_speech() -> None:
    rule = SpeakersRule(speech_seconds=300, repeat_seconds=120, point_of_order_seconds=60)
    speakers, _ = called(SpeakersList(rule).request(1), 1)
    assert speakers.current is not None
    assert (speakers.current.seconds, speakers.current.first) == (300, True)
    speakers = speakers.request(1).request(2, kind=POO)
    speakers, _ = called(speakers, 2)
    assert [(s.mandate_id, s.seconds) for s in speakers.history] == [(1, 300), (2, 60), (1, 120)]


def test_a_delegate_waits_only_once_for_each_kind_of_turn() -> None:
    speakers = SpeakersList().request(1)
    with pytest.raises(AlreadyListed) as caught:
        speakers.request(1, CONTRA)
    assert caught.value.kind == "already-listed"
    assert len(speakers.request(1, kind=POO).waiting) == 2


def test_withdrawing_takes_the_request_off_the_list() -> None:
    speakers = SpeakersList().request(1).request(2).withdraw(1)
    assert [r.mandate_id for r in speakers.queue] == [2]
    with pytest.raises(NotListed):
        speakers.withdraw(1)
    with pytest.raises(NotListed):
        speakers.withdraw(2, POO)


def test_a_closed_list_takes_no_new_speakers_but_hears_points_of_order() -> None:
    speakers = SpeakersList().request(1).close()
    with pytest.raises(ListClosed):
        speakers.request(2)
    speakers = speakers.request(2, kind=POO)
    _, order = called(speakers, 2)
    assert order == [2, 1]


def test_operations_leave_the_original_list_unchanged() -> None:
    original = SpeakersList().request(1)
    original.request(2).call_next().withdraw(2)
    assert [r.mandate_id for r in original.waiting] == [1]
    assert original.current is None


def test_calling_next_on_an_empty_list_ends_the_current_turn() -> None:
    speakers = SpeakersList().request(1).call_next().call_next()
    assert speakers.current is None
    assert speakers.upcoming is None
    assert len(speakers.history) == 1


@pytest.mark.parametrize("seconds", [0, -5, 2.5, True])
def test_time_limits_must_be_positive_whole_seconds(seconds: object) -> None:
    with pytest.raises(InvalidInput):
        SpeakersRule(speech_seconds=seconds)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# The slow model: a plain list, and the next speaker is the minimum of one sort key.


@dataclass
class Model:
    alternate: bool
    waiting: list[tuple[int, Side, RequestKind, int]] = field(default_factory=list)
    spoke: list[tuple[int, Side, RequestKind]] = field(default_factory=list)
    current: int | None = None
    asked: int = 0

    def key(self, entry: tuple[int, Side, RequestKind, int]) -> tuple[int, int, int, int]:
        mandate, side, kind, seq = entry
        if kind is POO:
            return (0, 0, 0, seq)
        repeat = any(m == mandate and k is RequestKind.SPEECH for m, _, k in self.spoke)
        needed = None
        if self.alternate:
            sides = [s for _, s, k in self.spoke if k is RequestKind.SPEECH and s is not NEUTRAL]
            needed = {PRO: CONTRA, CONTRA: PRO}[sides[-1]] if sides else None
        mismatch = needed is not None and side is not needed
        return (1, int(repeat), int(mismatch), seq)

    def call_next(self) -> None:
        if not self.waiting:
            self.current = None
            return
        chosen = min(self.waiting, key=self.key)
        self.waiting.remove(chosen)
        self.spoke.append(chosen[:3])
        self.current = chosen[0]


operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("request"),
            st.integers(1, 6),
            st.sampled_from(list(Side)),
            st.sampled_from(list(RequestKind)),
        ),
        st.tuples(st.just("withdraw"), st.integers(1, 6), st.sampled_from(list(RequestKind))),
        st.tuples(st.just("next")),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(st.booleans(), operations)
def test_speakers_list_matches_the_slow_model(
    alternate: bool, ops: list[tuple[object, ...]]
) -> None:
    speakers = SpeakersList(SpeakersRule(alternate=alternate))
    model = Model(alternate)
    for op in ops:
        if op[0] == "request":
            _, mandate, side, kind = op
            assert isinstance(mandate, int)
            assert isinstance(side, Side)
            assert isinstance(kind, RequestKind)
            if any(m == mandate and k is kind for m, _, k, _ in model.waiting):
                with pytest.raises(AlreadyListed):
                    speakers.request(mandate, side, kind)
                continue
            speakers = speakers.request(mandate, side, kind)
            model.waiting.append((mandate, NEUTRAL if kind is POO else side, kind, model.asked))
            model.asked += 1
        elif op[0] == "withdraw":
            _, mandate, kind = op
            assert isinstance(mandate, int)
            assert isinstance(kind, RequestKind)
            kept = [w for w in model.waiting if not (w[0] == mandate and w[2] is kind)]
            if len(kept) == len(model.waiting):
                with pytest.raises(NotListed):
                    speakers.withdraw(mandate, kind)
                continue
            speakers = speakers.withdraw(mandate, kind)
            model.waiting = kept
        else:
            # What the list predicts is what happens when the chair calls.
            predicted = speakers.upcoming
            speakers = speakers.call_next()
            model.call_next()
            assert (speakers.current.mandate_id if speakers.current else None) == model.current
            if predicted is not None:
                assert speakers.current is not None
                assert speakers.current.mandate_id == predicted.mandate_id
        assert sorted(r.seq for r in speakers.queue) == sorted(w[3] for w in model.waiting)
        assert [(s.mandate_id, s.side, s.kind) for s in speakers.history] == model.spoke


@settings(max_examples=150, deadline=None)
@given(st.booleans(), operations)
def test_queue_is_the_order_in_which_speakers_will_be_called(
    alternate: bool, ops: list[tuple[object, ...]]
) -> None:
    speakers = SpeakersList(SpeakersRule(alternate=alternate))
    for op in ops:
        if op[0] == "request":
            with contextlib.suppress(AlreadyListed):
                speakers = speakers.request(op[1], op[2], op[3])  # type: ignore[arg-type]
    queue = speakers.queue
    _, order = called(speakers, len(queue))
    assert order == [r.mandate_id for r in queue]
